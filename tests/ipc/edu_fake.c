// SPDX-License-Identifier: MIT
/* edu_fake.c - the fake edu device edu_fake.h describes. */
#define _GNU_SOURCE
#include "edu_fake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

static struct edu_fake *of(struct edu_device *self)
{
	return (struct edu_fake *)(void *)((char *)self - offsetof(struct edu_fake, device));
}

static int edu_fake_ident(struct edu_device *self, struct drv_call *call, uint32_t *result)
{
	(void)self;
	(void)call;
	*result = EDU_FAKE_IDENT;
	return 0;
}

static int edu_fake_liveness(struct edu_device *self, struct drv_call *call, uint32_t v,
			     uint32_t *result)
{
	(void)self;
	(void)call;
	*result = ~v;
	return 0;
}

static int edu_fake_factorial(struct edu_device *self, struct drv_call *call, uint32_t n,
			      uint32_t *result)
{
	struct edu_fake *f = of(self);
	(void)result;
	if (n > EDU_FAKE_MAX_N)
		return EDU_ERROR_RANGE;
	if (f->factorial)
		return EDU_ERROR_BUSY;
	f->factorial = call;
	f->n = n;
	if (f->wires.note >= 0 && write(f->wires.note, "f", 1) != 1) {
		/* nobody listens */
	}
	return DRV_DEFER;
}

/* [offset, offset+len) inside the device buffer and len inside the pages. */
static bool in_range(const struct drv_pages *pages, uint32_t offset, uint32_t len)
{
	return (uint64_t)offset + len <= EDU_FAKE_DMA_SIZE && len <= pages->size;
}

static int edu_fake_dma_write(struct edu_device *self, struct drv_call *call,
			      struct drv_pages *pages, uint32_t offset, uint32_t len)
{
	(void)call;
	if (!in_range(pages, offset, len))
		return EDU_ERROR_RANGE;
	drv_copy(of(self)->dma + offset, pages->data, len);
	return 0;
}

static int edu_fake_dma_read(struct edu_device *self, struct drv_call *call,
			     struct drv_pages *pages, uint32_t offset, uint32_t len)
{
	(void)call;
	if (!in_range(pages, offset, len))
		return EDU_ERROR_RANGE;
	drv_copy(pages->data, of(self)->dma + offset, len);
	return 0;
}

/* What QEMU's edu says, MSI on. */
static int edu_fake_pci_info(struct edu_device *self, struct drv_call *call,
			     struct edu_pci_info *result)
{
	(void)self;
	(void)call;
	*result = (struct edu_pci_info){
		.vendor = 0x1234, .device = 0x11e8, .msi = 0x40, .msi_enabled = true, .capabilities = 1};
	return 0;
}

static const struct edu_device_ops ops = EDU_DEVICE_OPS(edu_fake);

static bool consume(int fd)
{
	uint64_t count;
	return read(fd, &count, sizeof count) == (ssize_t)sizeof count;
}

/* The factorial unit finished: its result register holds n!. */
static void on_irq(void *ctx, int fd, short revents)
{
	struct edu_fake *f = ctx;
	(void)revents;
	if (!consume(fd))
		return;
	f->irqs++;
	if (!f->factorial) {
		f->spurious++;
		return;
	}
	uint32_t r = 1;
	for (uint32_t i = 2; i <= f->n; i++)
		r *= i;
	struct drv_call *call = f->factorial;
	f->factorial = NULL;
	edu_device_factorial_reply(call, 0, r);
}

/* The watchdog expired before the interrupt came. */
static void on_timer(void *ctx, int fd, short revents)
{
	struct edu_fake *f = ctx;
	(void)revents;
	if (!consume(fd) || !f->factorial)
		return;
	f->timeouts++;
	struct drv_call *call = f->factorial;
	f->factorial = NULL;
	edu_device_factorial_reply(call, EDU_ERROR_TIMEOUT, 0);
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int edu_fake_start(struct edu_fake *f, struct drv_server *server,
		   const struct edu_fake_wires *wires)
{
	memset(f, 0, sizeof *f);
	f->server = server;
	f->wires = *wires;
	for (size_t i = 0; i < EDU_FAKE_DMA_SIZE; i++)
		f->dma[i] = (uint8_t)i;
	if (wires->irq < 0 || wires->timer < 0)
		return -EINVAL;
	set_nonblock(wires->irq);
	set_nonblock(wires->timer);
	if (!edu_device_init(&f->device, &ops))
		return -EINVAL;
	int st = drv_server_add(server, &edu_device_interface, &f->device, &f->object);
	if (!st)
		st = drv_server_watch(server, wires->irq, POLLIN, on_irq, f);
	if (!st)
		st = drv_server_watch(server, wires->timer, POLLIN, on_timer, f);
	return st;
}

void edu_fake_stop(struct edu_fake *f)
{
	f->factorial = NULL;
	drv_server_unwatch(f->server, f->wires.irq);
	drv_server_unwatch(f->server, f->wires.timer);
}
