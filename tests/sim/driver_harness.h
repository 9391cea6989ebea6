/* SPDX-License-Identifier: MIT */
/* driver_harness.h - the runtime's part of a host test of a driver's own
 * file (test_edu_driver.c, test_em_driver.c): the driver bound to a device
 * model's simulated registers and to host memory standing in for its DMA
 * buffers, its first protocol served over the userspace runtime to
 * in-process clients, and the model's INTx line routed to the irq hook
 * through an eventfd the server watches, as drv_host.c does with a UIO or
 * VFIO descriptor.
 *
 * Time is the poll loop's. A call that waits, waits in the server's loop,
 * whose always-ready "tick" makes the test's next move (meanwhile) or else
 * lets the model's time pass (time_passes). Rounds in a row in which the
 * model has no work in flight and its line is low mean a call waits for an
 * interrupt that will never come: the harness then unwatches everything,
 * the loop fails (-EDEADLK) and the waiting call returns
 * -DRV_E_CONNECTION, so the test fails where the driver hung rather than
 * at the alarm.
 *
 * The driver's timers (drv_sim.h's) run on the loop's time too: while one
 * is armed, every timer_rounds-th round is one of its intervals, and the
 * round runs the timer hook. An armed timer is work to come, so a call
 * that waits for its deadline is not stuck. drop_edges loses the
 * interrupts (the device raises its line; nothing arrives), as a device
 * whose MSI was disabled under the driver would.
 */
#ifndef DRIVER_HARNESS_H
#define DRIVER_HARNESS_H

#include "drv_client.h"
#include "drv_driver.h"
#include "drv_server.h"

struct harness {
	/* set by the test before harness_new_driver */
	const struct drv_driver_desc *desc;
	const bool *line;              /* the model's INTx level */
	bool (*busy)(void *model);     /* work in flight that will raise the line; may be NULL */
	void (*time_passes)(void *model); /* a round with nothing else to do; may be NULL */
	void *model;
	void (*meanwhile)(void *ctx); /* run by the next round instead, once */
	void *ctx;
	struct drv_timer *const *timers; /* the driver's, by index; may be NULL */
	unsigned ntimers;
	unsigned timer_rounds; /* rounds in one interval */
	bool drop_edges;       /* the line rises and no interrupt arrives */

	/* the harness's */
	void *drv;
	bool probed, stopped;
	struct drv_server *server;
	struct drv_object *object;
	int irq_fd, tick_fd;
	unsigned edges;     /* the line rose */
	unsigned irqs;      /* the irq hook ran */
	unsigned unhandled; /* ... and said the device had not raised it */
	unsigned ticks;
	unsigned expiries;   /* timer hooks run */
	unsigned idle_ticks; /* in a row, with nothing the device could still do */
	bool stuck;          /* a call waited for an interrupt that cannot come */
};

/* The driver's memory, zeroed: what the runtime has before bind. */
void harness_new_driver(struct harness *h);
/* The model's line callback: ctx is the harness. A rising edge is an
 * interrupt for the loop; the hook never runs from inside one of the
 * driver's own register accesses. */
void harness_line(void *ctx, bool level);
/* The probe: bind, init, serve the first protocol, start. */
void harness_probe(struct harness *h, const struct drv_resources *res);
struct drv_client *harness_connect(struct harness *h);
/* One round of the loop with no call waiting: an interrupt raised outside
 * any call reaches the driver. */
void harness_pump(struct harness *h);
void harness_stop(struct harness *h);
/* The remove: stop (if not yet), then free what the runtime holds. */
void harness_free(struct harness *h);
/* No call left hanging, every interrupt the device's. */
void harness_assert_quiet(const struct harness *h);

#endif
