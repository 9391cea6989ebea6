// SPDX-License-Identifier: MIT
/* power.c - the manifest's power section on the userspace server. With no
 * client connected for `idle`, the suspend hook runs and the device goes to
 * D3hot through its PCI PM capability's PMCSR (config.c grants that one
 * write, and the sandbox allows it); the first client to connect wakes it,
 * D0 and the resume hook, before anything the client sends is read. The
 * device's open connections are what holds it awake, as open files do on
 * the kernel target (docs/drivers.md, "Power"). A device without the
 * capability, or one D3hot would reset where nothing restores its
 * configuration, stays in D0 and the hooks run all the same.
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

enum {
	PCI_PM_STATE = 0x0003,      /* PMCSR's PowerState field */
	PCI_PM_PME_STATUS = 0x8000, /* write-1-to-clear: never written back */
	PCI_D0 = 0,
	PCI_D3HOT = 3,
	D3HOT_TO_D0_MS = 10, /* the recovery time the PCI spec gives a device */
};

static void arm_idle(struct host *h, bool on)
{
	struct itimerspec it = {0};
	uint64_t ns = h->desc->idle_ns ? h->desc->idle_ns : 1; /* 0 would disarm */
	if (on) {
		it.it_value.tv_sec = (time_t)(ns / 1000000000u);
		it.it_value.tv_nsec = (long)(ns % 1000000000u);
	}
	if (timerfd_settime(h->idle_fd, 0, &it, NULL) < 0)
		HOST_LOG(h, "power: idle timer: %s", strerror(errno));
}

static void set_state(struct host *h, unsigned state)
{
	uint32_t v = drv_config_read(&h->config, h->pmcsr, 2);
	drv_config_write(&h->config, h->pmcsr, 2, (v & ~(PCI_PM_STATE | PCI_PM_PME_STATUS)) | state);
	if (state == PCI_D0)
		poll(NULL, 0, D3HOT_TO_D0_MS);
}

static void on_idle(void *ctx, int fd, short revents)
{
	struct host *h = ctx;
	uint64_t n;
	(void)revents;
	if (read(fd, &n, sizeof n) != (ssize_t)sizeof n || h->asleep)
		return;
	int st = h->desc->suspend(h->drv);
	if (st) {
		HOST_LOG(h, "power: the suspend hook keeps the device awake (%s); trying again in "
			    "%" PRIu64 " ms",
			 strerror(-st), h->desc->idle_ns / 1000000u);
		arm_idle(h, true);
		return;
	}
	if (h->pmcsr)
		set_state(h, PCI_D3HOT);
	h->asleep = true;
	if (h->pmcsr)
		HOST_LOG(h, "power: asleep: D3hot (PMCSR 0x%04x)",
			 drv_config_read(&h->config, h->pmcsr, 2));
	else
		HOST_LOG(h, "power: asleep: the device stays in D0");
}

int host_power_wake(struct host *h)
{
	if (!h->asleep)
		return 0;
	if (h->pmcsr)
		set_state(h, PCI_D0);
	h->asleep = false;
	int st = h->desc->resume(h->drv);
	if (st)
		HOST_LOG(h, "power: the resume hook failed: %s", strerror(-st));
	else if (h->pmcsr)
		HOST_LOG(h, "power: awake: D0 (PMCSR 0x%04x)",
			 drv_config_read(&h->config, h->pmcsr, 2));
	else
		HOST_LOG(h, "power: awake");
	return st;
}

/* The first client connected (wake before it is served) or the last one
 * went (sleep after idle). A device that cannot wake stops the server: a
 * supervisor starts a new one. */
static void on_busy(void *ctx, bool busy)
{
	struct host *h = ctx;
	arm_idle(h, !busy);
	if (busy && host_power_wake(h)) {
		h->failed = true;
		drv_server_stop(h->server);
	}
}

int host_watch_power(struct host *h)
{
	if (!h->desc->suspend)
		return 0;
	h->idle_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (h->idle_fd < 0)
		return -errno;
	int st = drv_server_watch(h->server, h->idle_fd, POLLIN, on_idle, h);
	if (st)
		return st;
	drv_server_on_busy(h->server, on_busy, h);
	arm_idle(h, true); /* no client yet */
	HOST_LOG(h, "power: the device sleeps %" PRIu64 " ms after the last client leaves (%s)",
		 h->desc->idle_ns / 1000000u, h->pmcsr ? "in D3hot" : "staying in D0");
	return 0;
}
