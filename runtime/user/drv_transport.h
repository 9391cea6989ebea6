/* SPDX-License-Identifier: MIT */
/* drv_transport.h - inside the userspace runtime: what a client is, for
 * the transports that make one (drv_client.c: a socket to a server
 * process; drv_server.c: an object served in this process; drv_ioctl.c:
 * a driver in the kernel).
 */
#ifndef DRV_TRANSPORT_H
#define DRV_TRANSPORT_H

#include "drv_client.h"

#include <sys/types.h>

struct drv_client_ops {
	/* Sends a call (reply != NULL) or a send whose payload is in
	 * client->out after the header, and for a call waits for the reply,
	 * which carries reply_caps handles if it succeeds. */
	int (*call)(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		    struct drv_reply *reply);
	int (*poll)(struct drv_client *c, int timeout_ms);
	int (*fd)(const struct drv_client *c);
	void (*disconnect)(struct drv_client *c);
};

struct drv_event_handler {
	uint64_t label;
	drv_event_thunk thunk;
	drv_fn fn;
	void *ctx;
};

struct drv_client {
	const struct drv_client_ops *ops;
	uint32_t next_request;
	bool busy; /* in a call: an event handler may not start another */
	struct drv_event_handler *handlers;
	size_t nhandlers;
	uint8_t *event_scratch; /* DRV_SCRATCH_SIZE, made with the first handler */
	/* Messages, header first; 8-aligned for the payloads after it. */
	_Alignas(8) uint8_t out[DRV_MAX_MESSAGE];
	_Alignas(8) uint8_t in[DRV_MAX_MESSAGE];
};

/* Both transports start a client with this and end it with
 * drv_client_release. */
void drv_client_init(struct drv_client *c, const struct drv_client_ops *ops);
void drv_client_release(struct drv_client *c);

/* Runs the handler of an event, if there is one. 0, or -DRV_E_BAD_REPLY
 * for an event that does not follow its protocol. */
int drv_client_deliver(struct drv_client *c, uint64_t label, const uint8_t *payload,
		       uint32_t len);

void drv_close_fds(const int *fds, unsigned n);

/* ---- drv_socket.c: messages over a SOCK_SEQPACKET socket ---- */

/* Receives one message into buf (DRV_MAX_MESSAGE bytes) and the fds it
 * carries (fds NULL: none are expected, and any that come are closed).
 * Returns its length, 0 for a closed connection, -1 (errno) for an error,
 * or -2 for a message too long or with too many fds (whose fds are
 * closed). */
ssize_t drv_receive(int fd, uint8_t *buf, int *fds, unsigned *nfds, int flags);
/* Sends one message with nfds fds; EINTR is retried. 0, or -1 (errno). */
int drv_send(int fd, const uint8_t *msg, size_t len, const int *fds, unsigned nfds, int flags);

/* ---- drv_ioctl.c: calls into a kernel module's misc device ---- */

/* Opens <dev dir>/<interface>/<instance>. 0, or -DRV_E_CONNECTION when
 * there is no such device (or -DRV_E_NO_MEMORY). */
int drv_ioctl_connect(const char *interface_name, unsigned instance, struct drv_client **out);

#endif
