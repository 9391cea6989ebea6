/* SPDX-License-Identifier: MIT */
/*
 * uart16550.h - a 16550A UART serving dev::serial (and so io::file): the
 * logic every 16550 driver shares, whatever bus the UART is on. A driver
 * lists this folder under its manifest's `libraries`, embeds a struct
 * uart16550_port, calls the port functions from its hooks, and forwards its
 * handlers to the ones below (specs/pcserial, on the ISA bus, and
 * specs/pciserial, behind a PCI I/O BAR, are the two).
 *
 * Received bytes arrive by interrupt into a ring; a read with nothing to
 * return is deferred and answered by the interrupt that brings data, as
 * Mercury's serial driver answers it. Writes go out through the transmit
 * holding register while it takes them and return how much it took, so a
 * handler never waits for the line. io::file and dev::serial have no error
 * type, so a refused call reaches the client as DRV_STATUS_INTERNAL.
 */
#ifndef UART16550_H
#define UART16550_H

#include "dev_serial.h"
#include "drv_driver.h"
#include "uart16550_regs.h"

enum {
	UART16550_RX_RING = 256, /* bytes received and not yet read */
	UART16550_MAX_READS = 8, /* deferred reads */
};

struct uart16550_read {
	struct drv_call *call;
	struct drv_pages *pages;
	uint64_t buf, amt;
};

struct uart16550_port {
	struct uart16550_uart regs;
	const char *name; /* in the log */
	uint8_t rx[UART16550_RX_RING];
	unsigned rx_head, rx_len;
	unsigned overruns; /* bytes dropped because the ring was full */
	struct uart16550_read reads[UART16550_MAX_READS];
	unsigned nreads;
};

/* Hooks: probe and program the UART (0, or -ENODEV when none answers);
 * turn its receive interrupt on; one interrupt (whether it was the UART's);
 * quiesce it. */
int uart16550_port_init(struct uart16550_port *p, struct uart16550_uart regs, const char *name);
void uart16550_port_start(struct uart16550_port *p);
bool uart16550_port_irq(struct uart16550_port *p);
void uart16550_port_stop(struct uart16550_port *p);

/* The handlers of io::file and dev::serial, as the generated ops declare
 * them, with the port in place of the object. */
int uart16550_read(struct uart16550_port *p, struct drv_call *call, struct drv_pages *pages,
		   uint64_t buf, uint64_t amt, uint64_t *result);
int uart16550_write(struct uart16550_port *p, struct drv_call *call, struct drv_pages *pages,
		    uint64_t buf, uint64_t amt, uint64_t *result);
int uart16550_seek(struct uart16550_port *p, struct drv_call *call, int64_t offs, enum io_whence w,
		   uint64_t *result);
int uart16550_get_baud(struct uart16550_port *p, struct drv_call *call, uint32_t *result);
int uart16550_set_baud(struct uart16550_port *p, struct drv_call *call, uint32_t hz);
int uart16550_get_charlen(struct uart16550_port *p, struct drv_call *call, uint32_t *result);
int uart16550_set_charlen(struct uart16550_port *p, struct drv_call *call, uint32_t bits);
int uart16550_get_stopbits(struct uart16550_port *p, struct drv_call *call,
			   enum dev_stop_bits *result);
int uart16550_set_stopbits(struct uart16550_port *p, struct drv_call *call, enum dev_stop_bits bits);
int uart16550_get_parity(struct uart16550_port *p, struct drv_call *call, enum dev_parity *result);
int uart16550_set_parity(struct uart16550_port *p, struct drv_call *call, enum dev_parity parity);

#endif
