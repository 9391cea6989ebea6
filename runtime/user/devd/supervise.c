// SPDX-License-Identifier: MIT
/* supervise.c - one server per PCI function drvgen-devd drives.
 *
 * A function a server matches gets a server started as
 *	<driver>-server --device BDF --instance N [the args after devd's --]
 * N is the lowest number none of devd's servers of the same protocols
 * holds; the function keeps it for devd's lifetime, so a restarted server,
 * or the function plugged again at the same address, publishes where its
 * clients look (they reconnect: docs/ipc.md, "When the server goes away").
 *
 * A server killed by a signal, or exiting non-zero, when devd did not ask
 * it to stop crashed, unless its function is gone. One that exits 0
 * stopped cleanly because it was asked to (by someone else's SIGTERM, or by
 * VFIO asking for a device being unplugged): it is not started again until
 * its function is plugged again. A crashed server is started again after
 * 100 ms, doubled for each crash in a row; a run of DEVD_STABLE_MS ends the
 * row. The DEVD_MAX_CRASHES-th crash in a row is the last: devd logs that
 * it gives up on the function and leaves it alone until it is plugged
 * again.
 */
#define _GNU_SOURCE
#include "devd.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	DEVD_BACKOFF_MS = 100,
	DEVD_BACKOFF_MAX_MS = 3200,
	DEVD_MAX_CRASHES = 5,
	DEVD_STABLE_MS = 10000,
};

static struct timespec now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static long ms_between(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}

static struct timespec after_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

static struct devd_device *find_bdf(struct devd *d, const char *bdf)
{
	for (unsigned i = 0; i < d->ndevices; i++)
		if (!strcmp(d->devices[i].bdf, bdf))
			return &d->devices[i];
	return NULL;
}

static bool shares_protocol(const struct devd_driver *a, const struct devd_driver *b)
{
	for (unsigned i = 0; i < a->nprovides; i++)
		for (unsigned k = 0; k < b->nprovides; k++)
			if (!strcmp(a->provides[i], b->provides[k]))
				return true;
	return a == b;
}

/* The lowest instance number no function of the same protocols has. */
static unsigned free_instance(const struct devd *d, const struct devd_driver *drv)
{
	for (unsigned n = 0;; n++) {
		bool taken = false;
		for (unsigned i = 0; i < d->ndevices && !taken; i++)
			taken = d->devices[i].instance == n &&
				shares_protocol(d->devices[i].driver, drv);
		if (!taken)
			return n;
	}
}

static void start(struct devd *d, struct devd_device *dev)
{
	char instance[16];
	char *argv[6 + DEVD_MAX_ARGS + 1];
	unsigned n = 0;
	snprintf(instance, sizeof instance, "%u", dev->instance);
	argv[n++] = (char *)dev->driver->path;
	argv[n++] = "--device";
	argv[n++] = dev->bdf;
	argv[n++] = "--instance";
	argv[n++] = instance;
	for (unsigned i = 0; i < d->nserver_args; i++)
		argv[n++] = d->server_args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0) {
		devd_log("%s: fork: %s; trying again later", dev->bdf, strerror(errno));
		dev->state = DEVD_WAITING;
		dev->restart_at = after_ms(now(), DEVD_BACKOFF_MAX_MS);
		return;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL); /* devd blocks them for its signalfd */
		execv(argv[0], argv);
		fprintf(stderr, "drvgen-devd: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	dev->pid = pid;
	dev->state = DEVD_RUNNING;
	dev->started = now();
	devd_log("started %s-server for %s as instance %u (pid %d)", dev->driver->name, dev->bdf,
		 dev->instance, (int)pid);
}

void devd_device_added(struct devd *d, const char *bdf)
{
	struct devd_pci_id id;
	struct devd_device *dev = find_bdf(d, bdf);
	if (d->stopping || (dev && dev->state != DEVD_GONE && dev->state != DEVD_GAVE_UP))
		return; /* already driven (the scan and a uevent both saw it) */
	if (!devd_read_pci_id(bdf, &id))
		return;
	const struct devd_driver *drv = devd_match_driver(d, &id);
	if (!drv)
		return;
	if (!dev) {
		if (d->ndevices == DEVD_MAX_DEVICES) {
			devd_log("%s: devd drives %d functions already; not this one", bdf,
				 DEVD_MAX_DEVICES);
			return;
		}
		dev = &d->devices[d->ndevices];
		memset(dev, 0, sizeof *dev);
		strcpy(dev->bdf, bdf);
		dev->driver = drv;
		dev->instance = free_instance(d, drv);
		for (unsigned k = 0; k < DEVD_MAX_PROVIDES; k++)
			dev->listen_fd[k] = -1;
		d->ndevices++;
	}
	dev->driver = drv;
	dev->crashes = 0;
	devd_log("%s (%04x:%04x) appeared: %s-server drives it", bdf, (unsigned)id.vendor,
		 (unsigned)id.device, drv->name);
	start(d, dev);
}

/* The device is done with: no server will come for it, so its sockets
 * and their names go (a client waiting in a backlog gets an error, not a
 * wait for ever). */
static void gone(struct devd_device *dev)
{
	dev->state = DEVD_GONE;
	devd_registry_forget(dev);
}

void devd_device_removed(struct devd *d, const char *bdf)
{
	struct devd_device *dev = find_bdf(d, bdf);
	if (!dev)
		return;
	devd_log("%s went away", bdf);
	if (dev->state == DEVD_RUNNING) {
		kill(dev->pid, SIGTERM);
		dev->state = DEVD_STOPPING;
	} else if (dev->state != DEVD_STOPPING) {
		gone(dev);
	}
}

static void describe_exit(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
}

/* A server of dev exited with status. */
static void exited(struct devd *d, struct devd_device *dev, int status)
{
	char how[64];
	describe_exit(status, how, sizeof how);
	dev->pid = 0;
	bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (dev->state == DEVD_STOPPING || d->stopping || clean) {
		devd_log("%s-server for %s stopped (%s)", dev->driver->name, dev->bdf, how);
		gone(dev);
		return;
	}
	if (!devd_pci_present(dev->bdf)) {
		devd_log("%s-server for %s ended (%s): the function is gone", dev->driver->name,
			 dev->bdf, how);
		gone(dev);
		return;
	}
	struct timespec t = now();
	if (ms_between(dev->started, t) >= DEVD_STABLE_MS)
		dev->crashes = 0;
	dev->crashes++;
	if (dev->crashes >= DEVD_MAX_CRASHES) {
		devd_log("%s-server for %s crashed %u times in a row (last: %s); giving up on %s "
			 "until it is plugged again",
			 dev->driver->name, dev->bdf, dev->crashes, how, dev->bdf);
		dev->state = DEVD_GAVE_UP;
		devd_registry_forget(dev); /* no client waits for a server that will not come */
		return;
	}
	long delay = DEVD_BACKOFF_MS << (dev->crashes - 1);
	if (delay > DEVD_BACKOFF_MAX_MS)
		delay = DEVD_BACKOFF_MAX_MS;
	devd_log("%s-server for %s crashed (%s, %u in a row); restarting it in %ld ms",
		 dev->driver->name, dev->bdf, how, dev->crashes, delay);
	dev->state = DEVD_WAITING;
	dev->restart_at = after_ms(t, delay);
}

void devd_reap(struct devd *d)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (unsigned i = 0; i < d->ndevices; i++) {
			if (d->devices[i].pid == pid && (d->devices[i].state == DEVD_RUNNING ||
							 d->devices[i].state == DEVD_STOPPING)) {
				exited(d, &d->devices[i], status);
				break;
			}
		}
	}
}

int devd_restart_due(struct devd *d)
{
	long next = -1;
	struct timespec t = now();
	for (unsigned i = 0; i < d->ndevices; i++) {
		struct devd_device *dev = &d->devices[i];
		if (dev->state != DEVD_WAITING || d->stopping)
			continue;
		long left = ms_between(t, dev->restart_at);
		if (left <= 0) {
			start(d, dev);
			continue;
		}
		if (next < 0 || left < next)
			next = left;
	}
	return (int)next;
}

bool devd_stop_all(struct devd *d)
{
	bool none = true;
	for (unsigned i = 0; i < d->ndevices; i++) {
		struct devd_device *dev = &d->devices[i];
		if (dev->state == DEVD_RUNNING) {
			kill(dev->pid, SIGTERM);
			dev->state = DEVD_STOPPING;
		}
		if (dev->state == DEVD_STOPPING)
			none = false;
		else if (dev->state == DEVD_WAITING)
			gone(dev);
	}
	return none;
}
