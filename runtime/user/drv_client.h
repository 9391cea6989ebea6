/* SPDX-License-Identifier: MIT */
/* drv_client.h - the client half of drvgen's userspace IPC (docs/ipc.md).
 *
 * A program uses the generated <iface>_connect / <iface>_<method> functions;
 * this header adds what they share: page buffers, the event loop, and error
 * text. The rest (below "for generated stubs") is what the stubs call.
 *
 * A client is not thread-safe: one call at a time, which is what a
 * synchronous stub is. Open one client per thread.
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

/* Reads and delivers the events waiting, waiting up to timeout_ms (-1:
 * forever, 0: not at all) for the first. Returns how many it delivered,
 * or a negative DRV_E_... */
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
void drv_client_disconnect(struct drv_client *client);

/* Where a stub encodes its request payload (DRV_MAX_PAYLOAD bytes). */
uint8_t *drv_client_request(struct drv_client *client);

struct drv_cap drv_buffer_cap(struct drv_buffer *buffer);
struct drv_cap drv_handle_cap(int fd);

/* A reply, valid until the client's next call. The fds belong to the
 * caller once a stub hands them out; drv_client_status and
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

#ifdef __cplusplus
}
#endif

#endif
