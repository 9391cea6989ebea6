// SPDX-License-Identifier: MIT
/* serial_fake.c - the fake 16550 serial_fake.h describes. */
#define _GNU_SOURCE
#include "serial_fake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

/* What a handler returns to refuse a call: io::file and dev::serial have no
 * error type, so any nonzero status but DRV_DEFER reaches the client as
 * -DRV_STATUS_INTERNAL. (Not -1: that is DRV_DEFER, and would park the call
 * for good.) */
enum { REFUSED = 1 };

static struct serial_fake *of_file(struct io_file *self)
{
	return (struct serial_fake *)(void *)((char *)self -
					      offsetof(struct serial_fake, serial.io_file));
}

static struct serial_fake *of_serial(struct dev_serial *self)
{
	return (struct serial_fake *)(void *)((char *)self - offsetof(struct serial_fake, serial));
}

/* pages[buf, buf+amt) lies inside the caller's buffer. */
static bool in_pages(const struct drv_pages *pages, uint64_t buf, uint64_t amt)
{
	return buf <= pages->size && amt <= pages->size - buf;
}

/* Moves up to amt queued bytes into pages[buf...]; how many. */
static uint64_t take(struct serial_fake *f, const struct drv_pages *pages, uint64_t buf,
		     uint64_t amt)
{
	uint64_t n = 0;
	while (n < amt && f->rx_len) {
		((uint8_t *)pages->data)[buf + n++] = f->rx[f->rx_head];
		f->rx_head = (f->rx_head + 1) % SERIAL_FAKE_RX_QUEUE;
		f->rx_len--;
	}
	return n;
}

static void note(int fd, char what)
{
	if (fd >= 0 && write(fd, &what, 1) != 1) {
		/* a test that stopped listening: nothing to tell */
	}
}

/* ---- io::file ---- */

static int serial_fake_read(struct io_file *self, struct drv_call *call, struct drv_pages *pages,
			    uint64_t buf, uint64_t amt, uint64_t *result)
{
	struct serial_fake *f = of_file(self);
	if (!in_pages(pages, buf, amt))
		return REFUSED;
	if (amt == 0 || f->rx_len) {
		*result = take(f, pages, buf, amt);
		return 0;
	}
	if (f->nreads == SERIAL_FAKE_MAX_READS)
		return REFUSED;
	/* The mapping of the caller's pages lives as long as the call. */
	f->reads[f->nreads++] = (struct serial_fake_read){call, *pages, buf, amt};
	f->deferred++;
	note(f->wires.note, 'r');
	return DRV_DEFER;
}

static int serial_fake_write(struct io_file *self, struct drv_call *call,
			     struct drv_pages *pages, uint64_t buf, uint64_t amt, uint64_t *result)
{
	struct serial_fake *f = of_file(self);
	(void)call;
	if (!in_pages(pages, buf, amt))
		return REFUSED;
	size_t room = SERIAL_FAKE_TX_LOG - f->tx_len;
	size_t n = amt < room ? (size_t)amt : room;
	*result = n;
	if (!n)
		return 0; /* (pages->data may be NULL: an empty buffer) */
	const uint8_t *src = (const uint8_t *)pages->data + buf;
	memcpy(f->tx_log + f->tx_len, src, n);
	f->tx_len += n;
	if (f->wires.tx >= 0 && write(f->wires.tx, src, n) != (ssize_t)n) {
		/* the line is not listened to: the log still has it */
	}
	return 0;
}

static int serial_fake_seek(struct io_file *self, struct drv_call *call, int64_t offs,
			    enum io_whence w, uint64_t *result)
{
	(void)self;
	(void)call;
	(void)offs;
	(void)w;
	(void)result;
	return REFUSED;
}

/* ---- dev::serial ---- */

static int serial_fake_get_baud(struct dev_serial *self, struct drv_call *call, uint32_t *result)
{
	(void)call;
	*result = SERIAL_FAKE_CLOCK / of_serial(self)->divisor;
	return 0;
}

static int serial_fake_set_baud(struct dev_serial *self, struct drv_call *call, uint32_t hz)
{
	(void)call;
	/* the divisor latch is 16 bits: 2 Hz is the slowest */
	if (hz == 0 || hz > SERIAL_FAKE_CLOCK || SERIAL_FAKE_CLOCK / hz > 0xffff)
		return REFUSED;
	of_serial(self)->divisor = (uint16_t)(SERIAL_FAKE_CLOCK / hz);
	return 0;
}

static int serial_fake_get_charlen(struct dev_serial *self, struct drv_call *call,
				   uint32_t *result)
{
	(void)call;
	*result = of_serial(self)->charlen;
	return 0;
}

static int serial_fake_set_charlen(struct dev_serial *self, struct drv_call *call, uint32_t bits)
{
	(void)call;
	if (bits < 5 || bits > 8)
		return REFUSED;
	of_serial(self)->charlen = bits;
	return 0;
}

static int serial_fake_get_stopbits(struct dev_serial *self, struct drv_call *call,
				    enum dev_stop_bits *result)
{
	(void)call;
	*result = of_serial(self)->stopbits;
	return 0;
}

static int serial_fake_set_stopbits(struct dev_serial *self, struct drv_call *call,
				    enum dev_stop_bits bits)
{
	(void)call;
	of_serial(self)->stopbits = bits;
	return 0;
}

static int serial_fake_get_parity(struct dev_serial *self, struct drv_call *call,
				  enum dev_parity *result)
{
	(void)call;
	*result = of_serial(self)->parity;
	return 0;
}

static int serial_fake_set_parity(struct dev_serial *self, struct drv_call *call,
				  enum dev_parity parity)
{
	(void)call;
	of_serial(self)->parity = parity;
	return 0;
}

static const struct dev_serial_ops ops = DEV_SERIAL_OPS(serial_fake);

/* ---- the interrupt ---- */

/* Received data available: the line is drained into the queue, and the
 * reads waiting take what came, oldest first. */
static void on_irq(void *ctx, int fd, short revents)
{
	struct serial_fake *f = ctx;
	uint64_t count;
	(void)revents;
	if (read(fd, &count, sizeof count) != (ssize_t)sizeof count)
		return; /* nothing raised it after all */
	f->irqs++;
	while (f->rx_len < SERIAL_FAKE_RX_QUEUE) {
		uint8_t tmp[SERIAL_FAKE_RX_QUEUE];
		ssize_t n = read(f->wires.rx, tmp, SERIAL_FAKE_RX_QUEUE - f->rx_len);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			f->rx[(f->rx_head + f->rx_len) % SERIAL_FAKE_RX_QUEUE] = tmp[i];
			f->rx_len++;
		}
	}
	while (f->nreads && f->rx_len) {
		struct serial_fake_read r = f->reads[0];
		memmove(&f->reads[0], &f->reads[1], (f->nreads - 1) * sizeof f->reads[0]);
		f->nreads--;
		/* a reader that has gone takes nothing: the call just ends */
		io_file_read_reply(r.call, 0, r.call->cancelled ? 0 : take(f, &r.pages, r.buf, r.amt));
	}
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int serial_fake_start(struct serial_fake *f, struct drv_server *server,
		      const struct serial_fake_wires *wires)
{
	memset(f, 0, sizeof *f);
	f->server = server;
	f->wires = *wires;
	f->divisor = 1;
	f->charlen = 8;
	f->stopbits = DEV_STOP_BITS_ONE;
	f->parity = DEV_PARITY_NONE;
	if (wires->irq < 0 || wires->rx < 0)
		return -EINVAL;
	set_nonblock(wires->irq);
	set_nonblock(wires->rx);
	if (wires->tx >= 0)
		set_nonblock(wires->tx);
	if (!dev_serial_init(&f->serial, &ops))
		return -EINVAL;
	int st = drv_server_add(server, &dev_serial_interface, &f->serial, &f->object);
	if (!st)
		st = drv_server_add(server, &io_file_interface, &f->serial.io_file, &f->file_object);
	if (!st)
		st = drv_server_watch(server, wires->irq, POLLIN, on_irq, f);
	return st;
}

void serial_fake_stop(struct serial_fake *f)
{
	f->nreads = 0;
	drv_server_unwatch(f->server, f->wires.irq);
}
