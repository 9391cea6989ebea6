// SPDX-License-Identifier: MIT
/* timer.c - the manifest's timers for the userspace server: a timerfd each,
 * watched by the serving loop like an interrupt, so the timer hook runs
 * between two events as every hook does. */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

struct drv_timer {
	struct host *host;
	unsigned index;
	int fd;
};

static void arm(struct drv_timer *t, uint64_t ns, bool periodic)
{
	struct itimerspec it = {0};
	/* zero would disarm: the soonest expiry is 1 ns */
	if (!ns)
		ns = 1;
	it.it_value.tv_sec = (time_t)(ns / 1000000000u);
	it.it_value.tv_nsec = (long)(ns % 1000000000u);
	if (periodic)
		it.it_interval = it.it_value;
	if (timerfd_settime(t->fd, 0, &it, NULL) < 0)
		HOST_LOG(t->host, "timer %s: %s", t->host->desc->timers[t->index].name,
			 strerror(errno));
}

void drv_timer_arm(struct drv_timer *t, uint64_t ns)
{
	arm(t, ns, false);
}

void drv_timer_arm_periodic(struct drv_timer *t, uint64_t ns)
{
	arm(t, ns, true);
}

/* Setting a timerfd clears its count of expiries: one that was due but not
 * yet read is not delivered (on_timer reads nothing). */
void drv_timer_disarm(struct drv_timer *t)
{
	struct itimerspec it = {0};
	if (timerfd_settime(t->fd, 0, &it, NULL) < 0)
		HOST_LOG(t->host, "timer %s: %s", t->host->desc->timers[t->index].name,
			 strerror(errno));
}

int host_setup_timers(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	for (unsigned i = 0; i < d->ntimers; i++) {
		struct drv_timer *t = calloc(1, sizeof *t);
		if (!t)
			return -ENOMEM;
		t->host = h;
		t->index = i;
		t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (t->fd < 0) {
			int err = errno;
			HOST_LOG(h, "timer %s: %s", d->timers[i].name, strerror(err));
			free(t);
			return -err;
		}
		h->timers[i] = t;
		h->res.timers[i] = t;
	}
	return 0;
}

static void on_timer(void *ctx, int fd, short revents)
{
	struct drv_timer *t = ctx;
	uint64_t expiries;
	(void)revents;
	if (read(fd, &expiries, sizeof expiries) != (ssize_t)sizeof expiries)
		return; /* disarmed since poll saw it */
	t->host->desc->timer(t->host->drv, t->index);
}

int host_watch_timers(struct host *h)
{
	for (unsigned i = 0; i < h->desc->ntimers; i++) {
		int st = drv_server_watch(h->server, h->timers[i]->fd, POLLIN, on_timer, h->timers[i]);
		if (st) {
			HOST_LOG(h, "cannot watch timer %s: %s", h->desc->timers[i].name,
				 strerror(-st));
			return st;
		}
	}
	return 0;
}

/* Closes and frees the timers (a server exits without; a test does not). */
void host_free_timers(struct host *h)
{
	for (unsigned i = 0; i < h->desc->ntimers; i++) {
		if (!h->timers[i])
			continue;
		close(h->timers[i]->fd);
		free(h->timers[i]);
		h->timers[i] = NULL;
		h->res.timers[i] = NULL;
	}
}
