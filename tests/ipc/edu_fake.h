/* SPDX-License-Identifier: MIT */
/* edu_fake.h - a fake QEMU edu device served as edu::device, for
 * tests/ipc/test_ipc_std.c.
 *
 * Its wires are descriptors the test drives, so the same fake works in the
 * test's process and in a forked server process:
 *   irq    an eventfd: the test writes 1 when the device "finishes" a
 *          factorial and raises its interrupt
 *   timer  an eventfd standing for the driver's watchdog timer: the test
 *          writes 1 to make it expire
 *   note   the write end of a pipe (or -1): the byte 'f' each time a
 *          factorial is deferred
 *
 * What the handlers do, as the tests rely on it:
 *   ident()            0x010000ed
 *   liveness(v)        ~v
 *   factorial(n)       n > 12 (n! overflows u32): RANGE at once; one already
 *                      computing: BUSY at once; else deferred until the irq
 *                      (n!) or the timer (TIMEOUT), after which the device
 *                      is free again. An irq with nothing computing is
 *                      counted as spurious and answers nothing.
 *   dma_write(p, o, l) device[o, o+l) = p[0, l)
 *   dma_read(p, o, l)  p[0, l) = device[o, o+l)
 *                      both: RANGE if o+l is past EDU_FAKE_DMA_SIZE or l
 *                      past the caller's buffer
 *   the device buffer starts as byte i = i & 0xff
 */
#ifndef EDU_FAKE_H
#define EDU_FAKE_H

#include "drv_server.h"
#include "edu_device.h"

#include <stdint.h>

enum {
	EDU_FAKE_IDENT = 0x010000ed,
	EDU_FAKE_DMA_SIZE = 4096,
	EDU_FAKE_MAX_N = 12,
};

struct edu_fake_wires {
	int irq, timer, note;
};

struct edu_fake {
	struct edu_device device;
	struct drv_object *object;
	struct drv_server *server;
	struct edu_fake_wires wires;
	uint8_t dma[EDU_FAKE_DMA_SIZE];
	struct drv_call *factorial; /* the one computing, or NULL */
	uint32_t n;
	unsigned irqs, spurious, timeouts;
};

/* Adds the object to the server and watches irq and timer; 0 or a negative
 * errno. Publishing is the caller's (f->object). */
int edu_fake_start(struct edu_fake *f, struct drv_server *server,
		   const struct edu_fake_wires *wires);
/* The driver's stop hook: forgets the factorial computing (the server
 * answers it SHUTDOWN when it is freed) and stops watching. */
void edu_fake_stop(struct edu_fake *f);

#endif
