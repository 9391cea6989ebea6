/* SPDX-License-Identifier: MIT */
/* drv_client.h - the client half of drvgen's userspace IPC (docs/ipc.md).
 *
 * A program uses the generated <iface>_connect / <iface>_<method> functions;
 * this header adds what they share: page buffers, the event loop, and error
 * text. The rest (below "for generated stubs") is what the stubs call:
 * synchronous calls, and calls in flight (pipelining), which many calls
 * share one connection with.
 *
 * A client is not thread-safe: use it from one thread at a time (open one
 * client per thread, or one thread that keeps many calls in flight).
 */
#ifndef DRV_CLIENT_H
#define DRV_CLIENT_H

#include "drv_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

struct drv_client;

/* A `page...` buffer: memory the caller lends the server for a call. It is
 * a sealed memfd, so the server maps the same pages (no copy) and the
 * client cannot shrink it under the server's feet. */
struct drv_buffer {
	void *data;
	size_t size;
	int fd;
};

/* 0, or -DRV_E_NO_MEMORY. */
int drv_buffer_new(size_t size, struct drv_buffer **out);
void drv_buffer_free(struct drv_buffer *buffer);

/* What a stub's return value means: "ok", a transport error, or (for a
 * method's own error) "error N" — the protocol's enum names those. */
const char *drv_strerror(int status);

/* The descriptor to poll for events, or -1 for an in-process client
 * (whose events arrive as the server emits them). */
int drv_client_fd(const struct drv_client *client);

/* Reads what the server sent, waiting up to timeout_ms (-1: forever, 0:
 * not at all) for the first message: delivers the events and completes
 * the calls in flight it answers. Returns how many events it delivered,
 * or a negative DRV_E_... (-DRV_E_BAD_REPLY for an event that does not
 * follow its protocol). */
int drv_client_poll(struct drv_client *client, int timeout_ms);

/* ---- for generated stubs ---- */

/* The run directory: $DRVGEN_RUN_DIR, else /run/drvgen. A server of
 * interface "dev::serial" instance 2 listens at <run dir>/dev::serial/2. */
const char *drv_run_dir(void);
/* Where a driver running as a kernel module is: $DRVGEN_DEV_DIR, else
 * /dev/drvgen, laid out as the run directory (drv_ioctl.c). */
const char *drv_dev_dir(void);

/* Connects to the server's socket in the run directory or, when there is
 * none, to a kernel module's device in the dev directory. */
int drv_client_connect(const char *interface_name, unsigned instance, struct drv_client **out);
/* A client on fd, a socket connected to the server of interface_name's
 * instance (drvgen::devices' open hands one out: docs/drivers.md, "The
 * device registry"), which it owns from now on; a connection lost later is
 * made again to <run dir>/<interface_name>/<instance>, the name devd keeps
 * for it. The generated stubs take it as their client type
 * (`(struct edu_device_client *)client`). 0, -DRV_E_ARGUMENT when fd is
 * not a SOCK_SEQPACKET socket or the name is too long, or
 * -DRV_E_NO_MEMORY; on either error fd stays the caller's to close. */
int drv_client_adopt(int fd, const char *interface_name, unsigned instance,
		     struct drv_client **out);
/* Closes the connection. Calls still in flight are abandoned: they never
 * complete, and their storage is the caller's again. */
void drv_client_disconnect(struct drv_client *client);

/* Where a stub encodes its request payload (DRV_MAX_PAYLOAD bytes). */
uint8_t *drv_client_request(struct drv_client *client);

struct drv_cap drv_buffer_cap(struct drv_buffer *buffer);
struct drv_cap drv_handle_cap(int fd);

/* A reply, valid until the client's next call, send, poll, next or wait
 * (or, for a call in flight, for as long as its drv_pending). The fds
 * belong to the caller once a stub hands them out; drv_client_status and
 * drv_client_bad_reply close them. */
struct drv_reply {
	uint32_t status;
	const uint8_t *payload;
	uint32_t len;
	int fds[DRV_MAX_CAPS];
	unsigned nfds;
};

/* Sends the request (len payload bytes) and waits for its reply,
 * delivering events that arrive meanwhile; reply_caps is how many handles
 * a successful reply carries (none: a reply with any is broken, and is
 * received without room for them). 0, or a negative DRV_E_...:
 * -DRV_E_ARGUMENT for a NULL buffer or a negative handle among caps. */
int drv_client_call(struct drv_client *client, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		    struct drv_reply *reply);
/* The same for a send: no reply. */
int drv_client_send(struct drv_client *client, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned ncaps);
/* What a stub returns for a reply with a nonzero status or the wrong
 * number of handles: the method's own error (positive, if `valid` says
 * it is one), the negated transport status, or -DRV_E_BAD_REPLY. */
int drv_client_status(struct drv_reply *reply, bool (*valid)(uint64_t));
/* -DRV_E_BAD_REPLY, after closing the reply's fds. */
int drv_client_bad_reply(struct drv_reply *reply);

/* Routes events of `label` to thunk(handler, ctx, event); a NULL handler
 * stops them. 0, or -DRV_E_NO_MEMORY. */
int drv_client_on_event(struct drv_client *client, uint64_t label, drv_event_thunk thunk,
			drv_fn handler, void *ctx);

/* ---- calls in flight (docs/ipc.md, "Pipelined calls") ---- */

/* A link of a circular, doubly linked list whose head is a link too: the
 * runtime's, in struct drv_pending and in its own structures. */
struct drv_link {
	struct drv_link *prev, *next;
};

/* One call in flight: storage the caller provides to drv_client_start and
 * keeps, unmoved, until drv_client_next or drv_client_wait hands it back
 * completed. Many may be in flight on one client; the server answers
 * them in any order (a deferred one after those behind it). */
struct drv_pending {
	/* The caller's, set before drv_client_start: */
	void *reply_room;    /* where the reply payload is copied: 8-aligned */
	uint32_t reply_size; /* its bytes: at least the method's largest reply */
	void *ctx;           /* anything, e.g. which of the caller's requests this is */
	/* Set when the call completes: */
	int error;             /* 0: `reply` is the server's answer (status, payload in
				* reply_room, handles); else no answer came: a negative
				* DRV_E_... or -DRV_STATUS_LIMIT (the server refused the
				* connection) */
	struct drv_reply reply;
	/* The runtime's: */
	struct drv_link link;
	uint32_t request;
	uint8_t reply_caps;
	uint8_t state;
};

/* Starts a call whose request payload (len bytes) is encoded at
 * drv_client_request(client), as for drv_client_call; `pending` receives
 * its reply. The request goes out with the next flush: drv_client_flush,
 * drv_client_next or drv_client_wait when they must wait, or a synchronous
 * call or send on this client. Calls started between two flushes travel as
 * one datagram (a batch) as far as they fit (DRV_MAX_MESSAGE bytes,
 * DRV_MAX_BATCH_CAPS descriptors); a start that does not fit flushes
 * those before it. The descriptors of caps must stay open, and a page
 * buffer unfreed, until the call completes. 0, or a negative DRV_E_...
 * (as drv_client_call: nothing is in flight then). Over the kernel
 * transport a start makes the call at once and it completes before this
 * returns. */
int drv_client_start(struct drv_client *client, uint64_t label, uint32_t len,
		     const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		     struct drv_pending *pending);
/* Sends the calls started and not yet sent. 0, or a negative DRV_E_...
 * (the calls it could not send are completed with that error). */
int drv_client_flush(struct drv_client *client);
/* Hands back the call that completed first of those not yet handed back,
 * flushing and waiting up to timeout_ms (-1: forever) when none has: 1
 * with *done set, 0 when none completed in time (or none is in flight), or
 * -DRV_E_BUSY. Events arriving meanwhile are delivered. A connection that
 * breaks completes every call in flight with an error: none waits forever. */
int drv_client_next(struct drv_client *client, int timeout_ms, struct drv_pending **done);
/* Waits up to timeout_ms for one call in flight: 1 once it has completed
 * (drv_client_next will not hand it back), 0 when it has not in time,
 * -DRV_E_ARGUMENT if it is not a call of this client, or -DRV_E_BUSY. */
int drv_client_wait(struct drv_client *client, struct drv_pending *pending, int timeout_ms);
/* Calls started and not yet handed back. */
unsigned drv_client_in_flight(const struct drv_client *client);

#ifdef __cplusplus
}
#endif

#endif
