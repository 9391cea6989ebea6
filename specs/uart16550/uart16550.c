// SPDX-License-Identifier: MIT
/*
 * uart16550.c - a 16550A UART serving dev::serial: the logic of
 * uart16550.h, shared by every 16550 driver. The same file builds into the
 * kernel modules and the userspace servers.
 */
#include "uart16550.h"

enum {
	REFUSED = 1,         /* any nonzero status but DRV_DEFER */
	UART_CLOCK = 115200, /* 1.8432 MHz / 16: the baud of divisor 1 */
	THRE_SPINS = 100000, /* status reads to wait for room to send one byte */
};

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
static uint64_t take(struct uart16550_port *s, const struct drv_pages *pages, uint64_t buf,
		     uint64_t amt)
{
	uint64_t n = 0;
	uint8_t *to = (uint8_t *)pages->data + buf;

	while (n < amt && s->rx_len) {
		to[n++] = s->rx[s->rx_head];
		s->rx_head = (s->rx_head + 1) % UART16550_RX_RING;
		s->rx_len--;
	}
	return n;
}

static void receive(struct uart16550_port *s)
{
	struct uart16550_uart u = s->regs;

	while (uart16550_lsr_dr_get(uart16550_lsr_read(u))) {
		uint8_t c = uart16550_rbr_read(u);

		if (s->rx_len == UART16550_RX_RING) {
			s->overruns++;
			continue;
		}
		s->rx[(s->rx_head + s->rx_len++) % UART16550_RX_RING] = c;
	}
}

/* Answers deferred reads, oldest first, while there are bytes. */
static void answer_reads(struct uart16550_port *s)
{
	unsigned done = 0;

	while (done < s->nreads && s->rx_len) {
		struct uart16550_read *r = &s->reads[done++];

		io_file_read_reply(r->call, 0, take(s, r->pages, r->buf, r->amt));
	}
	for (unsigned i = done; i < s->nreads; i++)
		s->reads[i - done] = s->reads[i];
	s->nreads -= done;
}

/* ---- hooks ---- */

int uart16550_port_init(struct uart16550_port *s, struct uart16550_uart u, const char *name)
{
	s->regs = u;
	s->name = name;
	/* The scratch register holds what is written: a UART is there. */
	uart16550_scr_write(u, 0xa5);
	if (uart16550_scr_read(u) != 0xa5) {
		drv_log(name, "no UART at the granted ports");
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

void uart16550_port_start(struct uart16550_port *s)
{
	/* Bytes that arrived before the interrupt was on. */
	receive(s);
	uart16550_ier_write(s->regs, uart16550_ier_erbfi_set(uart16550_ier_value(0), 1));
}

bool uart16550_port_irq(struct uart16550_port *s)
{
	struct uart16550_uart u = s->regs;
	bool ours = false;

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

void uart16550_port_stop(struct uart16550_port *s)
{
	uart16550_ier_write(s->regs, uart16550_ier_value(0));
	uart16550_mcr_write(s->regs, uart16550_mcr_value(0));
	s->nreads = 0; /* the runtime answers them (SHUTDOWN) */
}

/* ---- io::file ---- */

/* pages[buf, buf+amt) lies inside the caller's buffer. */
static bool in_pages(const struct drv_pages *pages, uint64_t buf, uint64_t amt)
{
	return buf <= pages->size && amt <= pages->size - buf;
}

int uart16550_read(struct uart16550_port *s, struct drv_call *call, struct drv_pages *pages,
		   uint64_t buf, uint64_t amt, uint64_t *result)
{

	if (!in_pages(pages, buf, amt))
		return REFUSED;
	if (amt == 0 || s->rx_len) {
		*result = take(s, pages, buf, amt);
		return 0;
	}
	if (s->nreads == UART16550_MAX_READS)
		return REFUSED;
	s->reads[s->nreads++] = (struct uart16550_read){call, pages, buf, amt};
	return DRV_DEFER;
}

int uart16550_write(struct uart16550_port *s, struct drv_call *call, struct drv_pages *pages,
		    uint64_t buf, uint64_t amt, uint64_t *result)
{
	struct uart16550_uart u = s->regs;
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

int uart16550_seek(struct uart16550_port *s, struct drv_call *call, int64_t offs, enum io_whence w,
		   uint64_t *result)
{
	(void)s;
	(void)call;
	(void)offs;
	(void)w;
	(void)result;
	return REFUSED; /* a serial line has no position */
}

/* ---- dev::serial ---- */

int uart16550_get_baud(struct uart16550_port *s, struct drv_call *call, uint32_t *result)
{
	uint16_t d = read_divisor(s->regs);

	(void)call;
	*result = d ? UART_CLOCK / d : 0;
	return 0;
}

int uart16550_set_baud(struct uart16550_port *s, struct drv_call *call, uint32_t hz)
{
	(void)call;
	if (hz == 0 || hz > UART_CLOCK || UART_CLOCK % hz)
		return REFUSED; /* no divisor gives that rate exactly */
	write_divisor(s->regs, (uint16_t)(UART_CLOCK / hz));
	return 0;
}

int uart16550_get_charlen(struct uart16550_port *s, struct drv_call *call, uint32_t *result)
{
	(void)call;
	*result = 5 + (uint32_t)uart16550_lcr_wls_get(uart16550_lcr_read(s->regs));
	return 0;
}

int uart16550_set_charlen(struct uart16550_port *s, struct drv_call *call, uint32_t bits)
{
	(void)call;
	if (bits < 5 || bits > 8)
		return REFUSED;
	uart16550_lcr_wls_update(s->regs, (enum uart16550_lcr_wls)(bits - 5));
	return 0;
}

int uart16550_get_stopbits(struct uart16550_port *s, struct drv_call *call, enum dev_stop_bits *result)
{
	uart16550_lcr_t lcr = uart16550_lcr_read(s->regs);

	(void)call;
	*result = uart16550_lcr_stb_get(lcr) == UART16550_LCR_STB_TWO ? DEV_STOP_BITS_TWO
									: DEV_STOP_BITS_ONE;
	return 0;
}

int uart16550_set_stopbits(struct uart16550_port *s, struct drv_call *call, enum dev_stop_bits bits)
{
	(void)call;
	uart16550_lcr_stb_update(s->regs, bits == DEV_STOP_BITS_TWO
								      ? UART16550_LCR_STB_TWO
								      : UART16550_LCR_STB_ONE);
	return 0;
}

/* Parity is three LCR bits: enable, even, stick (mark and space). */
int uart16550_get_parity(struct uart16550_port *s, struct drv_call *call, enum dev_parity *result)
{
	uart16550_lcr_t lcr = uart16550_lcr_read(s->regs);
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

int uart16550_set_parity(struct uart16550_port *s, struct drv_call *call, enum dev_parity parity)
{
	struct uart16550_uart u = s->regs;
	uart16550_lcr_t lcr = uart16550_lcr_read(u);

	(void)call;
	lcr = uart16550_lcr_pen_set(lcr, parity != DEV_PARITY_NONE);
	lcr = uart16550_lcr_eps_set(lcr, parity == DEV_PARITY_EVEN || parity == DEV_PARITY_SPACE);
	lcr = uart16550_lcr_stick_set(lcr, parity == DEV_PARITY_MARK || parity == DEV_PARITY_SPACE);
	uart16550_lcr_write(u, lcr);
	return 0;
}
