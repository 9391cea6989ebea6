// SPDX-License-Identifier: MIT
/*
 * pcserial.c - Helios's pcserial driver in drvgen's form: a 16550A UART at the
 * fixed ports and ISA interrupt line of COM2 (pcserial.manifest.yaml),
 * serving dev::serial (and so io::file) from dsl/std/dev.idl.
 *
 * The UART's logic is the uart16550 library's (specs/uart16550, listed in
 * pcserial.manifest.yaml's libraries): this file gives it the port the manifest grants
 * and forwards the handlers to it.
 */
#include "pcserial_driver.h"
#include "uart16550.h"

struct pcserial {
	struct pcserial_driver base;
	struct uart16550_port port;
};
PCSERIAL_DRIVER(struct pcserial);

static struct uart16550_port *port_of(struct pcserial_driver *drv)
{
	return &drv_container_of(drv, struct pcserial, base)->port;
}

static struct uart16550_port *from_dev_serial(struct dev_serial *self)
{
	return &drv_container_of(self, struct pcserial, base.dev_serial)->port;
}

static struct uart16550_port *from_io_file(struct io_file *self)
{
	return &drv_container_of(self, struct pcserial, base.dev_serial.io_file)->port;
}

int pcserial_init(struct pcserial_driver *drv)
{
	return uart16550_port_init(port_of(drv), drv->caps.com2, "pcserial");
}

void pcserial_start(struct pcserial_driver *drv)
{
	uart16550_port_start(port_of(drv));
}

bool pcserial_irq(struct pcserial_driver *drv, unsigned irq)
{
	(void)irq;
	return uart16550_port_irq(port_of(drv));
}

void pcserial_stop(struct pcserial_driver *drv)
{
	uart16550_port_stop(port_of(drv));
}

static int pcserial_read(struct io_file *self, struct drv_call *call, struct drv_pages *pages,
		uint64_t buf, uint64_t amt, uint64_t *result)
{
	return uart16550_read(from_io_file(self), call, pages, buf, amt, result);
}

static int pcserial_write(struct io_file *self, struct drv_call *call, struct drv_pages *pages,
		uint64_t buf, uint64_t amt, uint64_t *result)
{
	return uart16550_write(from_io_file(self), call, pages, buf, amt, result);
}

static int pcserial_seek(struct io_file *self, struct drv_call *call, int64_t offs, enum io_whence w,
		uint64_t *result)
{
	return uart16550_seek(from_io_file(self), call, offs, w, result);
}

static int pcserial_get_baud(struct dev_serial *self, struct drv_call *call, uint32_t *result)
{
	return uart16550_get_baud(from_dev_serial(self), call, result);
}

static int pcserial_set_baud(struct dev_serial *self, struct drv_call *call, uint32_t hz)
{
	return uart16550_set_baud(from_dev_serial(self), call, hz);
}

static int pcserial_get_charlen(struct dev_serial *self, struct drv_call *call, uint32_t *result)
{
	return uart16550_get_charlen(from_dev_serial(self), call, result);
}

static int pcserial_set_charlen(struct dev_serial *self, struct drv_call *call, uint32_t bits)
{
	return uart16550_set_charlen(from_dev_serial(self), call, bits);
}

static int pcserial_get_stopbits(struct dev_serial *self, struct drv_call *call,
			enum dev_stop_bits *result)
{
	return uart16550_get_stopbits(from_dev_serial(self), call, result);
}

static int pcserial_set_stopbits(struct dev_serial *self, struct drv_call *call,
			enum dev_stop_bits bits)
{
	return uart16550_set_stopbits(from_dev_serial(self), call, bits);
}

static int pcserial_get_parity(struct dev_serial *self, struct drv_call *call, enum dev_parity *result)
{
	return uart16550_get_parity(from_dev_serial(self), call, result);
}

static int pcserial_set_parity(struct dev_serial *self, struct drv_call *call, enum dev_parity parity)
{
	return uart16550_set_parity(from_dev_serial(self), call, parity);
}

const struct dev_serial_ops dev_serial_ops = DEV_SERIAL_OPS(pcserial);
