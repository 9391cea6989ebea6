// SPDX-License-Identifier: MIT
/* drv_ioctl.c - the client transport to a driver that runs as a kernel
 * module (runtime/kmod/drv_kmod.c): one DRV_IOC_CALL (drv_ioctl.h) per
 * call on its misc device, $DRVGEN_DEV_DIR/<interface>/<instance>.
 *
 * The message bytes are the socket transport's; what differs is beside
 * them: a page buffer is lent as its address and size (the kernel pins the
 * pages), a handle cannot be lent (the driver answers
 * DRV_STATUS_BAD_CAPS), and no events come: the client has no descriptor
 * to poll and drv_client_poll delivers nothing. Nor does it pipeline: a
 * call started for it is made at once.
 */
#define _GNU_SOURCE
#include "drv_ioctl.h"
#include "drv_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

_Static_assert(DRV_IOC_MAX_CAPS == DRV_MAX_CAPS, "drv_ioctl.h and drv_wire.h agree");

struct ioctl_client {
	struct drv_client c;
	int fd;
	char path[4096]; /* opened again after the device went (rmmod, unplug) */
};

const char *drv_dev_dir(void)
{
	const char *dir = getenv("DRVGEN_DEV_DIR");
	return dir && *dir ? dir : "/dev/drvgen";
}

/* A driver that cut the file off, or went away, answers nothing again on
 * that file; the next call opens the node again. */
static int ioctl_broken(struct ioctl_client *k, int err)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	return err;
}

static int ioctl_reopen(struct ioctl_client *k)
{
	if (k->fd < 0)
		k->fd = open(k->path, O_RDWR | O_CLOEXEC);
	return k->fd < 0 ? -DRV_E_CONNECTION : 0;
}

static int ioctl_call(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
		      const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		      struct drv_reply *r)
{
	(void)reply_caps; /* no reply carries handles on this transport */
	struct ioctl_client *k = (struct ioctl_client *)c;
	if (ioctl_reopen(k))
		return -DRV_E_CONNECTION;
	uint32_t request = drv_client_new_request(c);
	drv_client_put_header(c, kind, label, request, len, caps, ncaps);
	struct drv_ioc_call ioc;
	memset(&ioc, 0, sizeof ioc);
	for (unsigned i = 0; i < ncaps; i++) {
		/* a handle goes as nothing: the header says what it was, and
		 * the driver refuses it */
		if (caps[i].kind != DRV_CAP_PAGES)
			continue;
		ioc.caps[i].addr = (uint64_t)(uintptr_t)caps[i].pages.data;
		ioc.caps[i].size = caps[i].pages.size;
	}
	ioc.msg = (uint64_t)(uintptr_t)c->out;
	ioc.msg_len = DRV_HEADER_SIZE + len;
	ioc.ncaps = ncaps;
	ioc.reply = (uint64_t)(uintptr_t)c->in;
	ioc.reply_cap = DRV_MAX_MESSAGE;
	/* Never retried: the module returns EINTR only to a caller a fatal
	 * signal is ending, and the driver may already have acted on the call. */
	int err = ioctl(k->fd, DRV_IOC_CALL, &ioc) < 0 ? errno : 0;
	if (err && err != EBUSY)
		return err == ENOMEM ? -DRV_E_NO_MEMORY : ioctl_broken(k, -DRV_E_CONNECTION);
	if (!r)
		return 0;
	memset(r, 0, sizeof *r);
	if (err == EBUSY) {
		/* the module's call limits (max_calls_per_file, _per_driver):
		 * refused before the driver saw it, as a server refuses one
		 * past its limits; the connection is fine */
		r->status = DRV_STATUS_LIMIT;
		r->payload = c->in + DRV_HEADER_SIZE;
		return 0;
	}
	struct drv_header rh;
	if (ioc.reply_len < DRV_HEADER_SIZE || ioc.reply_len > DRV_MAX_MESSAGE)
		return ioctl_broken(k, -DRV_E_BAD_REPLY);
	drv_header_get(c->in, &rh);
	if (rh.length != ioc.reply_len - DRV_HEADER_SIZE || rh.ncaps || rh.kind != DRV_KIND_REPLY ||
	    rh.request != request)
		return ioctl_broken(k, -DRV_E_BAD_REPLY);
	r->status = rh.status;
	r->payload = c->in + DRV_HEADER_SIZE;
	r->len = rh.length;
	return 0;
}

/* No events come this way, and every call is answered before the next. */
static int ioctl_receive(struct drv_client *c, int timeout_ms)
{
	(void)timeout_ms;
	struct ioctl_client *k = (struct ioctl_client *)c;
	return k->fd < 0 ? -DRV_E_CONNECTION : 0;
}

static int ioctl_fd(const struct drv_client *c)
{
	(void)c;
	return -1; /* nothing to poll for: the device never has events */
}

static void ioctl_disconnect(struct drv_client *c)
{
	struct ioctl_client *k = (struct ioctl_client *)c;
	if (k->fd >= 0)
		close(k->fd);
	drv_client_release(c);
	free(k);
}

/* No start: drv_client_start makes each call at once (the module answers
 * one call per ioctl). */
static const struct drv_client_ops ioctl_ops = {ioctl_call, NULL,     NULL, ioctl_receive,
						ioctl_fd,   ioctl_disconnect};

int drv_ioctl_connect(const char *interface_name, unsigned instance, struct drv_client **out)
{
	*out = NULL;
	char path[4096];
	int len = snprintf(path, sizeof path, "%s/%s/%u", drv_dev_dir(), interface_name, instance);
	if (len < 0 || (size_t)len >= sizeof path)
		return -DRV_E_CONNECTION;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOMEM ? -DRV_E_NO_MEMORY : -DRV_E_CONNECTION;
	struct ioctl_client *k = malloc(sizeof *k);
	if (!k) {
		close(fd);
		return -DRV_E_NO_MEMORY;
	}
	drv_client_init(&k->c, &ioctl_ops);
	k->fd = fd;
	memcpy(k->path, path, (size_t)len + 1);
	*out = &k->c;
	return 0;
}
