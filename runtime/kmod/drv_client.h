/* SPDX-License-Identifier: MIT */
/* drv_client.h (kmod) - calling a protocol from inside the kernel.
 *
 * The client API of runtime/user/drv_client.h, for kernel code: the
 * generated client stubs (<iface>_client.c) build against it unchanged,
 * so a class adapter (kmod_blk.c, the block device on top of every
 * blk::device) calls a driver exactly as a program does, through its
 * generated dispatch into the author's handlers.
 *
 * A kernel client is connected to one object of one instance (by name and
 * instance number, drv_client_connect; or to the object itself,
 * drv_kclient_open). A call is made at once, under the instance lock, and
 * completes either before drv_client_start returns (its handler answered)
 * or when the driver replies (it deferred). On completion the pending's
 * `done` runs, under the instance lock with interrupts off, from whatever
 * context the driver replied in (its interrupt, say): it must not sleep,
 * and must not call into the same instance. Calls that are in flight when
 * the device goes are answered DRV_STATUS_SHUTDOWN; every call completes
 * exactly once.
 *
 * What the kernel transport does not carry: handles (a call that expects
 * some is refused with -DRV_E_ARGUMENT). Events reach the kernel clients
 * that subscribed (drv_client_on_event), under the instance lock, from
 * wherever the driver emits them: a handler must not sleep.
 *
 * A client is used by one context at a time: its user serializes starts
 * (the request buffer of drv_client_request is the client's). Completions
 * may run concurrently with a start, on another CPU.
 */
#ifndef DRV_KMOD_CLIENT_H
#define DRV_KMOD_CLIENT_H

#include <linux/gfp.h>
#include <linux/scatterlist.h>

#include "drv_wire.h"

struct drv_client;
struct drv_object;

/* A `page...` buffer a kernel client lends a call: memory it owns, as a
 * scatter list (what the driver maps for DMA: drv_dma_map) and, when the
 * pages are one contiguous run in the kernel's address space, their
 * address (else NULL: a driver that moves data with the CPU gets no
 * buffer it can touch). It must stay unchanged until the call completes. */
struct drv_buffer {
	void *data;
	size_t size;
	struct sg_table *sgt;
};

/* A reply: payload in the pending's reply_room; no handles. */
struct drv_reply {
	uint32_t status;
	const uint8_t *payload;
	uint32_t len;
	int fds[DRV_MAX_CAPS];
	unsigned int nfds;
};

/* One call in flight: storage the caller provides to drv_client_start and
 * keeps until the call has completed. */
struct drv_pending {
	/* The caller's, set before drv_client_start: */
	void *reply_room;    /* where the driver encodes the reply payload: 8-aligned */
	uint32_t reply_size; /* its bytes: at least the method's largest reply */
	void *ctx;           /* anything */
	/* run when the call completes (see above); NULL: nothing */
	void (*done)(struct drv_pending *pending);
	/* Set when the call completes: */
	int error; /* 0: `reply` is the driver's answer; else -DRV_E_CONNECTION
		    * (the device went before the call reached it) */
	struct drv_reply reply;
};

/* The object serving interface_name at instance number `instance`, as a
 * program finds it at /dev/drvgen/<interface>/<instance>. 0, or
 * -DRV_E_CONNECTION (none), -DRV_E_NO_MEMORY. */
int drv_client_connect(const char *interface_name, unsigned int instance,
		       struct drv_client **out);
/* A client of obj (a class adapter's). Calls it starts allocate with gfp
 * (GFP_NOIO in a block device's I/O path). */
int drv_kclient_open(struct drv_object *obj, gfp_t gfp, struct drv_client **out);
/* Once no call is in flight. */
void drv_client_disconnect(struct drv_client *client);

/* ---- for generated stubs ---- */

uint8_t *drv_client_request(struct drv_client *client);
struct drv_cap drv_buffer_cap(struct drv_buffer *buffer);
struct drv_cap drv_handle_cap(int fd);

/* As in runtime/user/drv_client.h. drv_client_call sleeps until the reply
 * (process context only, never under the instance lock); its reply is
 * valid until the client's next call. */
int drv_client_start(struct drv_client *client, uint64_t label, uint32_t len,
		     const struct drv_cap *caps, unsigned int ncaps, unsigned int reply_caps,
		     struct drv_pending *pending);
int drv_client_call(struct drv_client *client, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned int ncaps, unsigned int reply_caps,
		    struct drv_reply *reply);
int drv_client_send(struct drv_client *client, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned int ncaps);
int drv_client_status(struct drv_reply *reply, bool (*valid)(uint64_t));
int drv_client_bad_reply(struct drv_reply *reply);

/* Routes events of `label` to thunk(handler, ctx, event), under the
 * instance lock (see above); a NULL handler stops them. 0, or
 * -DRV_E_NO_MEMORY when the client listens to 8 events already. */
int drv_client_on_event(struct drv_client *client, uint64_t label, drv_event_thunk thunk,
			drv_fn handler, void *ctx);

#endif
