// SPDX-License-Identifier: MIT
/* registry.c - the device registry drvgen-devd serves (docs/drivers.md,
 * "The device registry"):
 *
 * sys::devregistry, for the servers devd started. A server whose manifest's
 * services list it calls new(iface) for each protocol it serves, before its
 * sandbox: devd makes the protocol's socket at <run dir>/<interface>/<N>, N
 * the function's instance, and answers with N (the serial number) and the
 * listening socket (the out handle), which the server accepts its clients
 * on. devd keeps the socket: across a restart the name stays and a client
 * that connects meanwhile waits in its backlog for the next server, which
 * gets the same socket from its own new(); when the function goes, or devd
 * gives up on it, devd closes it and removes the name. A caller is known by
 * its process (SO_PEERCRED): only a server devd runs may register, and only
 * the protocols its --matches listed.
 *
 * drvgen::devices, for clients: list says what is registered, open hands
 * out a socket connected to one device, for drv_client_adopt.
 */
#define _GNU_SOURCE
#include "devd.h"
#include "drv_server.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { LIST_MAX = 64 }; /* drvgen::devices' list returns []device<64> */

/* The path of a protocol's socket for dev: <run dir>/<interface>/<N>. */
static bool socket_path(const struct devd_device *dev, unsigned k, struct sockaddr_un *addr)
{
	*addr = (struct sockaddr_un){.sun_family = AF_UNIX};
	int n = snprintf(addr->sun_path, sizeof addr->sun_path, "%s/%s/%u", drv_run_dir(),
			 dev->driver->provides[k], dev->instance);
	return n > 0 && (size_t)n < sizeof addr->sun_path;
}

void devd_registry_forget(struct devd_device *dev)
{
	for (unsigned k = 0; k < dev->driver->nprovides; k++) {
		struct sockaddr_un addr;
		if (dev->listen_fd[k] >= 0)
			close(dev->listen_fd[k]);
		dev->listen_fd[k] = -1;
		/* a server that published its own socket left it too (the
		 * sandbox denies it unlink) */
		if (socket_path(dev, k, &addr) && unlink(addr.sun_path) && errno != ENOENT)
			devd_log("unlink %s: %s", addr.sun_path, strerror(errno));
	}
}

/* Which of drv's protocols has this ID, or -1. */
static int provided(const struct devd_driver *drv, uint64_t iface)
{
	for (unsigned k = 0; k < drv->nprovides; k++)
		if (drv->ids[k] && drv->ids[k] == iface)
			return (int)k;
	return -1;
}

static struct devd *of_registry(struct sys_devregistry *r)
{
	return (struct devd *)(void *)((char *)r - offsetof(struct devd, registry));
}

static struct devd *of_lookup(struct drvgen_devices *l)
{
	return (struct devd *)(void *)((char *)l - offsetof(struct devd, lookup));
}

/* sys::devregistry's new: the caller's device, serving iface, gets its
 * socket (made at the first registration) and its instance as the serial.
 * An error refuses it (the caller sees DRV_STATUS_INTERNAL). */
static int registry_new(struct sys_devregistry *self, struct drv_call *call, uint64_t iface,
			uint32_t *serial, int *out)
{
	struct devd *d = of_registry(self);
	pid_t pid = drv_call_peer_pid(call);
	struct devd_device *dev = NULL;
	for (unsigned i = 0; i < d->ndevices && !dev; i++)
		if (d->devices[i].state == DEVD_RUNNING && d->devices[i].pid == pid)
			dev = &d->devices[i];
	if (!dev) {
		devd_log("process %d is no server devd runs: its registration of %08" PRIx64
			 " is refused",
			 (int)pid, iface);
		return -EPERM;
	}
	int k = provided(dev->driver, iface);
	if (k < 0) {
		devd_log("%s-server for %s registers %08" PRIx64 ", which it does not provide: "
			 "refused",
			 dev->driver->name, dev->bdf, iface);
		return -EPERM;
	}
	if (dev->listen_fd[k] < 0) {
		int n, st = drv_listen_named(dev->driver->provides[k], (int)dev->instance,
					     &dev->listen_fd[k], &n);
		if (st) {
			devd_log("cannot make %s/%s/%u for %s: %s", drv_run_dir(),
				 dev->driver->provides[k], dev->instance, dev->bdf, strerror(-st));
			return st;
		}
	}
	*out = fcntl(dev->listen_fd[k], F_DUPFD_CLOEXEC, 0);
	if (*out < 0)
		return -errno;
	*serial = dev->instance;
	devd_log("%s-server for %s registered %s as instance %u", dev->driver->name, dev->bdf,
		 dev->driver->provides[k], dev->instance);
	return 0;
}

/* Copies the string s into a NUL-padded field of size bytes. */
static void put_text(uint8_t *field, size_t size, const char *s)
{
	memset(field, 0, size);
	memcpy(field, s, strnlen(s, size));
}

static int lookup_list(struct drvgen_devices *self, struct drv_call *call, uint64_t iface,
		       uint32_t first, struct drvgen_device *result, uint32_t *count)
{
	struct devd *d = of_lookup(self);
	uint32_t seen = 0;
	(void)call;
	*count = 0;
	for (unsigned i = 0; i < d->ndevices; i++) {
		const struct devd_device *dev = &d->devices[i];
		for (unsigned k = 0; k < dev->driver->nprovides; k++) {
			if (dev->listen_fd[k] < 0 || (iface && dev->driver->ids[k] != iface) ||
			    seen++ < first)
				continue;
			if (*count == LIST_MAX)
				return 0;
			struct drvgen_device *e = &result[(*count)++];
			e->iface = dev->driver->ids[k];
			e->instance = dev->instance;
			e->running = dev->state == DEVD_RUNNING;
			put_text(e->address, sizeof e->address, dev->bdf);
			put_text(e->driver, sizeof e->driver, dev->driver->name);
		}
	}
	return 0;
}

static int lookup_open(struct drvgen_devices *self, struct drv_call *call, uint64_t iface,
		       uint32_t instance, int *conn)
{
	struct devd *d = of_lookup(self);
	(void)call;
	for (unsigned i = 0; i < d->ndevices; i++) {
		const struct devd_device *dev = &d->devices[i];
		int k = provided(dev->driver, iface);
		struct sockaddr_un addr;
		if (k < 0 || dev->instance != instance || dev->listen_fd[k] < 0)
			continue;
		if (!socket_path(dev, (unsigned)k, &addr))
			return DRVGEN_ERROR_UNAVAILABLE;
		/* the backlog takes it at once, whether a server accepts it yet
		 * or devd is restarting one; a full backlog is EAGAIN */
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
		    fcntl(fd, F_SETFL, 0) < 0) {
			devd_log("open %s: %s", addr.sun_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return DRVGEN_ERROR_UNAVAILABLE;
		}
		*conn = fd;
		return 0;
	}
	return DRVGEN_ERROR_NOT_FOUND;
}

static const struct sys_devregistry_ops registry_ops = SYS_DEVREGISTRY_OPS(registry);
static const struct drvgen_devices_ops lookup_ops = DRVGEN_DEVICES_OPS(lookup);

/* Serves obj (of iface) at <run dir>/<interface>/0. */
static int publish(struct drv_server *server, const struct drv_interface *iface, void *obj)
{
	struct drv_object *o;
	int st = drv_server_add(server, iface, obj, &o);
	if (!st)
		st = drv_object_publish(o, 0);
	if (st)
		devd_log("cannot serve %s at %s/%s/0: %s", iface->name, drv_run_dir(), iface->name,
			 strerror(-st));
	return st;
}

int devd_registry_publish(struct devd *d, struct drv_server *server)
{
	if (!sys_devregistry_init(&d->registry, &registry_ops) ||
	    !drvgen_devices_init(&d->lookup, &lookup_ops))
		return -EINVAL;
	int st = publish(server, &sys_devregistry_interface, &d->registry);
	return st ? st : publish(server, &drvgen_devices_interface, &d->lookup);
}
