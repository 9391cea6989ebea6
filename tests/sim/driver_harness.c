// SPDX-License-Identifier: MIT
/* driver_harness.c - the runtime's part of a host test of a driver's own
 * file (driver_harness.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "driver_harness.h"
#include "drv_sim.h"

enum { IDLE_ROUNDS = 10 };

static void signal_fd(int fd)
{
	uint64_t one = 1;
	assert_int_equal(write(fd, &one, sizeof one), (ssize_t)sizeof one);
}

void harness_line(void *ctx, bool level)
{
	struct harness *h = ctx;
	if (!level || h->drop_edges)
		return;
	h->edges++;
	signal_fd(h->irq_fd);
}

/* The interrupt, as the server's loop sees it. The line is level
 * triggered: still asserted after the hook, it interrupts again. */
static void on_irq_fd(void *ctx, int fd, short revents)
{
	struct harness *h = ctx;
	uint64_t count;
	(void)revents;
	if (read(fd, &count, sizeof count) != (ssize_t)sizeof count)
		return; /* consumed by a nested round of the loop */
	h->irqs++;
	if (!h->desc->irq(h->drv, 0)) {
		h->unhandled++;
		return;
	}
	if (*h->line)
		signal_fd(h->irq_fd);
}

static void on_tick(void *ctx, int fd, short revents)
{
	struct harness *h = ctx;
	void (*fn)(void *) = h->meanwhile;
	(void)fd;
	(void)revents;
	h->ticks++;
	if (fn) {
		h->meanwhile = NULL;
		h->idle_ticks = 0;
		fn(h->ctx);
		return;
	}
	bool armed = false;
	for (unsigned i = 0; i < h->ntimers; i++) {
		if (!drv_sim_timer_armed(h->timers[i]))
			continue;
		armed = true;
		if (h->ticks % h->timer_rounds == 0 && drv_sim_timer_expire(h->timers[i])) {
			h->expiries++;
			h->desc->timer(h->drv, i);
		}
	}
	if ((*h->line && !h->drop_edges) || armed || (h->busy && h->busy(h->model))) {
		h->idle_ticks = 0;
	} else if (++h->idle_ticks == IDLE_ROUNDS) {
		h->stuck = true;
		drv_server_unwatch(h->server, h->irq_fd);
		drv_server_unwatch(h->server, h->tick_fd);
	}
	if (h->time_passes)
		h->time_passes(h->model);
}

void harness_new_driver(struct harness *h)
{
	h->irq_fd = h->tick_fd = -1;
	assert_int_equal(h->desc->ninterfaces, 1);
	assert_true(h->desc->nirqs <= 1);
	h->drv = calloc(1, *h->desc->size);
	assert_non_null(h->drv);
}

void harness_probe(struct harness *h, const struct drv_resources *res)
{
	assert_int_equal(h->desc->bind(h->drv, res), 0);
	assert_int_equal(h->desc->init(h->drv), 0);
	assert_int_equal(drv_server_new(&h->server), 0);
	assert_int_equal(drv_server_add(h->server, h->desc->interfaces[0],
					h->desc->object(h->drv, 0), &h->object),
			 0);
	assert_null(h->desc->object(h->drv, 1));
	h->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	h->tick_fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK); /* never read: always ready */
	assert_true(h->irq_fd >= 0 && h->tick_fd >= 0);
	assert_int_equal(drv_server_watch(h->server, h->irq_fd, POLLIN, on_irq_fd, h), 0);
	assert_int_equal(drv_server_watch(h->server, h->tick_fd, POLLIN, on_tick, h), 0);
	h->desc->start(h->drv);
	h->probed = true;
}

struct drv_client *harness_connect(struct harness *h)
{
	struct drv_client *c = NULL;
	assert_int_equal(drv_object_connect(h->object, &c), 0);
	assert_non_null(c);
	return c;
}

void harness_pump(struct harness *h)
{
	assert_true(drv_server_run_once(h->server, 0) >= 0);
	h->idle_ticks = 0;
}

void harness_stop(struct harness *h)
{
	h->desc->stop(h->drv);
	h->stopped = true;
}

void harness_free(struct harness *h)
{
	if (h->probed && !h->stopped)
		harness_stop(h);
	if (h->server)
		drv_server_free(h->server);
	if (h->irq_fd >= 0)
		close(h->irq_fd);
	if (h->tick_fd >= 0)
		close(h->tick_fd);
	free(h->drv);
}

void harness_assert_quiet(const struct harness *h)
{
	assert_false(h->stuck);
	assert_int_equal(h->unhandled, 0);
	assert_int_equal(h->irqs, h->edges);
}
