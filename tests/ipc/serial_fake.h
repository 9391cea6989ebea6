/* SPDX-License-Identifier: MIT */
/* serial_fake.h - a fake 16550 UART served as dev::serial (and, the same
 * object, as a plain io::file), for tests/ipc/test_ipc_std.c.
 *
 * The device's wires are descriptors the test drives, so the same fake
 * works in the test's process and in a forked server process:
 *   irq   an eventfd: the test writes 1 to raise the receive interrupt
 *   rx    the read end of a pipe: bytes arriving on the line; the interrupt
 *         handler drains it into the receive queue
 *   tx    the write end of a pipe (or -1): every byte transmitted
 *   note  the write end of a pipe (or -1): the byte 'r' each time a read is
 *         deferred, so a test knows a call is parked before it goes on
 *
 * What the handlers do, as the tests rely on it:
 *   write(pages, buf, amt)  appends pages[buf, buf+amt) to the transmit log
 *                           (and the tx wire); returns what fitted in the
 *                           log (SERIAL_FAKE_TX_LOG bytes in all); buf+amt
 *                           past the pages: refused (INTERNAL)
 *   read(pages, buf, amt)   amt 0: 0 at once; bytes queued: up to amt of
 *                           them into pages[buf...] at once; none: deferred
 *                           until an interrupt brings some (reads waiting are
 *                           answered in arrival order, up to
 *                           SERIAL_FAKE_MAX_READS of them; one more:
 *                           INTERNAL); buf+amt past the pages: INTERNAL
 *   seek(...)               a serial port cannot seek: INTERNAL, always
 *   set_baud(hz)            hz over 115200, or under 2 (the divisor latch
 *                           is 16 bits): INTERNAL; else the divisor
 *                           115200 / hz is latched, and get_baud returns
 *                           115200 / divisor (7000 -> 7200)
 *   set_charlen(bits)       5..8, else INTERNAL
 *   set_stopbits, set_parity  stored as given
 *   defaults                115200 baud, 8 bits, one stop bit, no parity
 */
#ifndef SERIAL_FAKE_H
#define SERIAL_FAKE_H

#include "dev_serial.h"
#include "drv_server.h"

#include <stddef.h>
#include <stdint.h>

enum {
	SERIAL_FAKE_CLOCK = 115200, /* the UART clock / 16: the fastest rate */
	SERIAL_FAKE_TX_LOG = 8192,
	SERIAL_FAKE_RX_QUEUE = 256,
	SERIAL_FAKE_MAX_READS = 8,
};

struct serial_fake_wires {
	int irq, rx, tx, note;
};

struct serial_fake_read {
	struct drv_call *call;
	struct drv_pages pages;
	uint64_t buf, amt;
};

struct serial_fake {
	struct dev_serial serial;
	struct drv_object *object;      /* dev::serial */
	struct drv_object *file_object; /* the same port as io::file */
	struct drv_server *server;
	struct serial_fake_wires wires;

	uint16_t divisor;
	uint32_t charlen;
	enum dev_stop_bits stopbits;
	enum dev_parity parity;

	uint8_t tx_log[SERIAL_FAKE_TX_LOG];
	size_t tx_len;
	uint8_t rx[SERIAL_FAKE_RX_QUEUE]; /* a ring */
	size_t rx_head, rx_len;
	struct serial_fake_read reads[SERIAL_FAKE_MAX_READS]; /* waiting, oldest first */
	unsigned nreads;

	unsigned irqs;     /* interrupts taken */
	unsigned deferred; /* reads deferred */
};

/* Adds both objects to the server and watches the irq wire; 0 or a
 * negative errno. Publishing is the caller's (f->object, f->file_object). */
int serial_fake_start(struct serial_fake *f, struct drv_server *server,
		      const struct serial_fake_wires *wires);
/* The driver's stop hook: forgets the reads waiting (the server answers
 * them SHUTDOWN when it is freed) and stops watching the irq. */
void serial_fake_stop(struct serial_fake *f);

#endif
