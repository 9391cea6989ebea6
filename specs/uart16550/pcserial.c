// SPDX-License-Identifier: MIT
/*
 * pcserial.c - Helios's pcserial driver in drvgen's form: a 16550A UART at
 * the ports and interrupt line of pcserial.manifest.yaml, serving
 * dev::serial (and so io::file) from dsl/std/dev.idl.
 *
 * Received bytes arrive by interrupt into a ring; a read with nothing to
 * return is deferred and answered by the interrupt that brings data, as
 * Mercury's driver answers it. Writes go out through the transmit holding
 * register while it takes them and return how much it took, so a handler
 * never waits for the line. The same file builds into the kernel module and
 * the userspace server.
 *
 * io::file and dev::serial have no error type, so a refused call reaches
 * the client as DRV_STATUS_INTERNAL.
 */
#include "pcserial_driver.h"

enum {
	REFUSED = 1,          /* any nonzero status but DRV_DEFER */
	UART_CLOCK = 115200,  /* 1.8432 MHz / 16: the baud of divisor 1 */
	RX_RING = 256,        /* bytes received and not yet read */
	MAX_READS = 8,        /* deferred reads */
	THRE_SPINS = 100000,  /* status reads to wait for room to send one byte */
};

struct pending_read {
	struct drv_call *call;
	struct drv_pages *pages;
	uint64_t buf, amt;
};

struct pcserial {
	struct pcserial_driver base;
	uint8_t rx[RX_RING];
	unsigned rx_head, rx_len;
	unsigned overruns; /* bytes dropped because the ring was full */
	struct pending_read reads[MAX_READS];
	unsigned nreads;
};
PCSERIAL_DRIVER(struct pcserial);

static struct pcserial *from_dev_serial(struct dev_serial *self)
{
	return drv_container_of(self, struct pcserial, base.dev_serial);
}

static struct pcserial *from_io_file(struct io_file *self)
{
	return drv_container_of(self, struct pcserial, base.dev_serial.io_file);
}

static struct uart16550_uart uart(struct pcserial *s)
{
	return s->base.caps.com2;
}

/* ---- the line's settings, all in LCR and the divisor latch ---- */

static uint16_t read_divisor(struct uart16550_uart u)
{
	uint16_t d;

	uart16550_lcr_dlab_update(u, 1);
	d = (uint16_t)(uart16550_dll_read(u) | uart16550_dlm_read(u) << 8);
	uart16550_lcr_dlab_update(u, 0);
	return d;
}

static void write_divisor(struct uart16550_uart u, uint16_t d)
{
	uart16550_lcr_dlab_update(u, 1);
	uart16550_dll_write(u, (uint8_t)d);
	uart16550_dlm_write(u, (uint8_t)(d >> 8));
	uart16550_lcr_dlab_update(u, 0);
}

/* ---- receiving ---- */

/* Moves up to amt bytes from the ring into pages[buf...]; how many. */
static uint64_t take(struct pcserial *s, const struct drv_pages *pages, uint64_t buf,
		     uint64_t amt)
{
	uint64_t n = 0;
	uint8_t *to = (uint8_t *)pages->data + buf;

	while (n < amt && s->rx_len) {
		to[n++] = s->rx[s->rx_head];
		s->rx_head = (s->rx_head + 1) % RX_RING;
		s->rx_len--;
	}
	return n;
}

static void receive(struct pcserial *s)
{
	struct uart16550_uart u = uart(s);

	while (uart16550_lsr_dr_get(uart16550_lsr_read(u))) {
		uint8_t c = uart16550_rbr_read(u);

		if (s->rx_len == RX_RING) {
			s->overruns++;
			continue;
		}
		s->rx[(s->rx_head + s->rx_len++) % RX_RING] = c;
	}
}

/* Answers deferred reads, oldest first, while there are bytes. */
static void answer_reads(struct pcserial *s)
{
	unsigned done = 0;

	while (done < s->nreads && s->rx_len) {
		struct pending_read *r = &s->reads[done++];

		io_file_read_reply(r->call, 0, take(s, r->pages, r->buf, r->amt));
	}
	for (unsigned i = done; i < s->nreads; i++)
		s->reads[i - done] = s->reads[i];
	s->nreads -= done;
}

/* ---- hooks ---- */

int pcserial_init(struct pcserial_driver *drv)
{
	struct uart16550_uart u = drv->caps.com2;

	/* The scratch register holds what is written: a UART is there. */
	uart16550_scr_write(u, 0xa5);
	if (uart16550_scr_read(u) != 0xa5) {
		drv_log("pcserial", "no UART at the granted ports");
		return -ENODEV;
	}
	uart16550_ier_write(u, uart16550_ier_value(0));
	write_divisor(u, 1);
	uart16550_lcr_write(u, uart16550_lcr_wls_set(uart16550_lcr_value(0),
						     UART16550_LCR_WLS_EIGHT));
	/* FIFO off: turning it on makes QEMU's UART drop what the host sent
	 * before the driver was ready (targets/qemu/README.md). */
	uart16550_fcr_write(u, uart16550_fcr_value(0));
	/* OUT2 gates the UART's interrupt to the PC's interrupt controller. */
	uart16550_mcr_write(u, uart16550_mcr_out2_set(
				       uart16550_mcr_rts_set(
					       uart16550_mcr_dtr_set(uart16550_mcr_value(0), 1), 1),
				       1));
	(void)uart16550_lsr_read(u);
	(void)uart16550_msr_read(u);
	(void)uart16550_iir_read(u);
	return 0;
}

void pcserial_start(struct pcserial_driver *drv)
{
	struct pcserial *s = drv_container_of(drv, struct pcserial, base);

	/* Bytes that arrived before the interrupt was on. */
	receive(s);
	uart16550_ier_write(drv->caps.com2, uart16550_ier_erbfi_set(uart16550_ier_value(0), 1));
}

bool pcserial_irq(struct pcserial_driver *drv, unsigned irq)
{
	struct pcserial *s = drv_container_of(drv, struct pcserial, base);
	struct uart16550_uart u = drv->caps.com2;
	bool ours = false;

	(void)irq;
	for (;;) {
		uart16550_iir_t iir = uart16550_iir_read(u);

		if (uart16550_iir_no_pending_get(iir))
			break;
		ours = true;
		switch (uart16550_iir_cause_get(iir)) {
		case UART16550_IIR_CAUSE_RX_DATA:
		case UART16550_IIR_CAUSE_RX_TIMEOUT:
			receive(s);
			break;
		case UART16550_IIR_CAUSE_LINE_STATUS:
			(void)uart16550_lsr_read(u);
			break;
		case UART16550_IIR_CAUSE_MODEM_STATUS:
			(void)uart16550_msr_read(u);
			break;
		case UART16550_IIR_CAUSE_THR_EMPTY:
			break; /* reading IIR acknowledged it */
		}
	}
	answer_reads(s);
	return ours;
}

void pcserial_stop(struct pcserial_driver *drv)
{
	struct pcserial *s = drv_container_of(drv, struct pcserial, base);

	uart16550_ier_write(drv->caps.com2, uart16550_ier_value(0));
	uart16550_mcr_write(drv->caps.com2, uart16550_mcr_value(0));
	s->nreads = 0; /* the runtime answers them (SHUTDOWN) */
}

/* ---- io::file ---- */

/* pages[buf, buf+amt) lies inside the caller's buffer. */
static bool in_pages(const struct drv_pages *pages, uint64_t buf, uint64_t amt)
{
	return buf <= pages->size && amt <= pages->size - buf;
}

static int pcserial_read(struct io_file *self, struct drv_call *call, struct drv_pages *pages,
			 uint64_t buf, uint64_t amt, uint64_t *result)
{
	struct pcserial *s = from_io_file(self);

	if (!in_pages(pages, buf, amt))
		return REFUSED;
	if (amt == 0 || s->rx_len) {
		*result = take(s, pages, buf, amt);
		return 0;
	}
	if (s->nreads == MAX_READS)
		return REFUSED;
	s->reads[s->nreads++] = (struct pending_read){call, pages, buf, amt};
	return DRV_DEFER;
}

static int pcserial_write(struct io_file *self, struct drv_call *call, struct drv_pages *pages,
			  uint64_t buf, uint64_t amt, uint64_t *result)
{
	struct uart16550_uart u = uart(from_io_file(self));
	const uint8_t *from = (const uint8_t *)pages->data + buf;
	uint64_t n = 0;

	(void)call;
	if (!in_pages(pages, buf, amt))
		return REFUSED;
	for (; n < amt; n++) {
		unsigned spins = 0;

		while (!uart16550_lsr_thre_get(uart16550_lsr_read(u)) && ++spins < THRE_SPINS)
			;
		if (spins == THRE_SPINS)
			break; /* the line is stuck: report what went */
		uart16550_thr_write(u, from[n]);
	}
	*result = n;
	return 0;
}

static int pcserial_seek(struct io_file *self, struct drv_call *call, int64_t offs,
			 enum io_whence w, uint64_t *result)
{
	(void)self;
	(void)call;
	(void)offs;
	(void)w;
	(void)result;
	return REFUSED; /* a serial line has no position */
}

/* ---- dev::serial ---- */

static int pcserial_get_baud(struct dev_serial *self, struct drv_call *call, uint32_t *result)
{
	uint16_t d = read_divisor(uart(from_dev_serial(self)));

	(void)call;
	*result = d ? UART_CLOCK / d : 0;
	return 0;
}

static int pcserial_set_baud(struct dev_serial *self, struct drv_call *call, uint32_t hz)
{
	(void)call;
	if (hz == 0 || hz > UART_CLOCK || UART_CLOCK % hz)
		return REFUSED; /* no divisor gives that rate exactly */
	write_divisor(uart(from_dev_serial(self)), (uint16_t)(UART_CLOCK / hz));
	return 0;
}

static int pcserial_get_charlen(struct dev_serial *self, struct drv_call *call,
				uint32_t *result)
{
	(void)call;
	*result = 5 + (uint32_t)uart16550_lcr_wls_get(uart16550_lcr_read(uart(from_dev_serial(self))));
	return 0;
}

static int pcserial_set_charlen(struct dev_serial *self, struct drv_call *call, uint32_t bits)
{
	(void)call;
	if (bits < 5 || bits > 8)
		return REFUSED;
	uart16550_lcr_wls_update(uart(from_dev_serial(self)), (enum uart16550_lcr_wls)(bits - 5));
	return 0;
}

static int pcserial_get_stopbits(struct dev_serial *self, struct drv_call *call,
				 enum dev_stop_bits *result)
{
	uart16550_lcr_t lcr = uart16550_lcr_read(uart(from_dev_serial(self)));

	(void)call;
	*result = uart16550_lcr_stb_get(lcr) == UART16550_LCR_STB_TWO ? DEV_STOP_BITS_TWO
									: DEV_STOP_BITS_ONE;
	return 0;
}

static int pcserial_set_stopbits(struct dev_serial *self, struct drv_call *call,
				 enum dev_stop_bits bits)
{
	(void)call;
	uart16550_lcr_stb_update(uart(from_dev_serial(self)), bits == DEV_STOP_BITS_TWO
								      ? UART16550_LCR_STB_TWO
								      : UART16550_LCR_STB_ONE);
	return 0;
}

/* Parity is three LCR bits: enable, even, stick (mark and space). */
static int pcserial_get_parity(struct dev_serial *self, struct drv_call *call,
			       enum dev_parity *result)
{
	uart16550_lcr_t lcr = uart16550_lcr_read(uart(from_dev_serial(self)));
	bool even = uart16550_lcr_eps_get(lcr), stick = uart16550_lcr_stick_get(lcr);

	(void)call;
	if (!uart16550_lcr_pen_get(lcr))
		*result = DEV_PARITY_NONE;
	else if (stick)
		*result = even ? DEV_PARITY_SPACE : DEV_PARITY_MARK;
	else
		*result = even ? DEV_PARITY_EVEN : DEV_PARITY_ODD;
	return 0;
}

static int pcserial_set_parity(struct dev_serial *self, struct drv_call *call,
			       enum dev_parity parity)
{
	struct uart16550_uart u = uart(from_dev_serial(self));
	uart16550_lcr_t lcr = uart16550_lcr_read(u);

	(void)call;
	lcr = uart16550_lcr_pen_set(lcr, parity != DEV_PARITY_NONE);
	lcr = uart16550_lcr_eps_set(lcr, parity == DEV_PARITY_EVEN || parity == DEV_PARITY_SPACE);
	lcr = uart16550_lcr_stick_set(lcr, parity == DEV_PARITY_MARK || parity == DEV_PARITY_SPACE);
	uart16550_lcr_write(u, lcr);
	return 0;
}

const struct dev_serial_ops dev_serial_ops = DEV_SERIAL_OPS(pcserial);
