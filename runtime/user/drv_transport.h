/* SPDX-License-Identifier: MIT */
/* drv_transport.h - inside the userspace runtime: what a client is, for
 * the transports that make one (drv_client.c: a socket to a server
 * process; drv_server.c: an object served in this process; drv_ioctl.c:
 * a driver in the kernel).
 */
#ifndef DRV_TRANSPORT_H
#define DRV_TRANSPORT_H

#include "drv_client.h"

#include <stddef.h>
#include <sys/types.h>

struct drv_client_ops {
	/* Sends a call (reply != NULL) or a send whose payload is in
	 * client->out after the header, together with the calls started
	 * before it, and for a call waits for the reply, which carries
	 * reply_caps handles if it succeeds. */
	int (*call)(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		    struct drv_reply *reply);
	/* Starts the call in client->out for p (drv_client_track'ed by the
	 * transport); NULL for a transport that answers each call before the
	 * next, on which drv_client_start makes the call at once. */
	int (*start)(struct drv_client *c, uint64_t label, uint32_t len, const struct drv_cap *caps,
		     unsigned ncaps, struct drv_pending *p);
	/* Sends what start queued (NULL: start queues nothing). */
	int (*flush)(struct drv_client *c);
	/* Takes what the server sent, waiting up to timeout_ms for the first
	 * of it: >0 if anything came, 0 if nothing did, or a negative DRV_E_...
	 * for a connection gone (its calls in flight completed with it). */
	int (*receive)(struct drv_client *c, int timeout_ms);
	int (*fd)(const struct drv_client *c);
	void (*disconnect)(struct drv_client *c);
};

struct drv_event_handler {
	uint64_t label;
	drv_event_thunk thunk;
	drv_fn fn;
	void *ctx;
};

/* ---- lists of struct drv_link ---- */

#define drv_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static inline void drv_list_init(struct drv_link *head)
{
	head->prev = head->next = head;
}

static inline bool drv_list_empty(const struct drv_link *head)
{
	return head->next == head;
}

/* l goes last. */
static inline void drv_list_add(struct drv_link *head, struct drv_link *l)
{
	l->prev = head->prev;
	l->next = head;
	head->prev->next = l;
	head->prev = l;
}

static inline void drv_list_del(struct drv_link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	l->prev = l->next = l;
}

struct drv_client {
	const struct drv_client_ops *ops;
	uint32_t next_request;
	bool busy; /* in a call: an event handler may not start another */
	struct drv_event_handler *handlers;
	size_t nhandlers;
	uint8_t *event_scratch; /* DRV_SCRATCH_SIZE, made with the first handler */
	unsigned events;        /* delivered so far: what drv_client_poll counts */
	int event_error;        /* the first event that did not decode, for drv_client_poll */
	struct drv_link flight; /* calls started, oldest first */
	struct drv_link done;   /* calls completed, not yet handed back, in that order */
	unsigned flight_handles;        /* calls in flight whose reply brings handles */
	/* Messages, header first; 8-aligned for the payloads after it. */
	_Alignas(8) uint8_t out[DRV_MAX_MESSAGE];
	_Alignas(8) uint8_t in[DRV_MAX_MESSAGE];
};

/* Every transport starts a client with this and ends it with
 * drv_client_release. */
void drv_client_init(struct drv_client *c, const struct drv_client_ops *ops);
void drv_client_release(struct drv_client *c);

/* The next request id: one more than the last, never 0 (which a server's
 * refusal of the connection carries). */
uint32_t drv_client_new_request(struct drv_client *c);

/* The header of the request whose payload is in c->out; the status
 * marks which of its caps are page buffers. */
void drv_client_put_header(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t request,
			   uint32_t len, const struct drv_cap *caps, unsigned ncaps);

/* Runs the handler of an event, if there is one. 0, or -DRV_E_BAD_REPLY
 * for an event that does not follow its protocol. */
int drv_client_deliver(struct drv_client *c, uint64_t label, const uint8_t *payload,
		       uint32_t len);

/* ---- calls in flight, for the transports ---- */

/* p goes in flight as `request`. */
void drv_client_track(struct drv_client *c, struct drv_pending *p, uint32_t request,
		      unsigned reply_caps);
/* The call in flight with this request id, or NULL. */
struct drv_pending *drv_client_find(struct drv_client *c, uint32_t request);
/* p is answered: its reply's status, payload (copied into its room) and
 * handles (now p's). A payload over its room completes p with
 * -DRV_E_BAD_REPLY instead, and its handles are closed. */
void drv_client_answer(struct drv_client *c, struct drv_pending *p, uint32_t status,
		       const uint8_t *payload, uint32_t len, const int *fds, unsigned nfds);
/* p gets no answer: it completes with `error`. */
void drv_client_fail(struct drv_client *c, struct drv_pending *p, int error);
/* ... and so does every call in flight. */
void drv_client_fail_all(struct drv_client *c, int error);

void drv_close_fds(const int *fds, unsigned n);

/* ---- drv_socket.c: datagrams over a SOCK_SEQPACKET socket ---- */

struct drv_received {
	ssize_t len;   /* bytes; 0: the connection closed; -1: an error (errno) */
	unsigned nfds; /* descriptors kept */
	bool too_long; /* over DRV_MAX_MESSAGE bytes: cut (its descriptors are kept) */
	bool fds_cut;  /* more descriptors came than max_fds, or than this process
			* could take (EMFILE): the kernel closed the rest */
};

/* Receives one datagram into buf (DRV_MAX_MESSAGE bytes) and up to
 * max_fds (at most DRV_MAX_BATCH_CAPS) of its descriptors into fds (NULL:
 * none are expected, and any that come are closed). */
void drv_receive(int fd, uint8_t *buf, int *fds, unsigned max_fds, int flags,
		 struct drv_received *r);
/* Sends one datagram with nfds (at most DRV_MAX_BATCH_CAPS) fds; EINTR is
 * retried. 0, or -1 (errno). */
int drv_send(int fd, const uint8_t *msg, size_t len, const int *fds, unsigned nfds, int flags);

/* Messages sent together: one datagram, whose batch header (room for it
 * first in buf) is written when it goes. A server's batch of one goes as
 * the bare message; a client's goes as a batch even so, which tells the
 * server the client reads batches (it keeps calls in flight). */
struct drv_batch {
	uint32_t len;   /* bytes so far, the batch header's included */
	unsigned count; /* messages */
	bool always;    /* a batch header even on one message */
	unsigned nfds;
	int fds[DRV_MAX_BATCH_CAPS]; /* the messages' descriptors, in order */
	_Alignas(8) uint8_t buf[DRV_HEADER_SIZE + DRV_MAX_MESSAGE];
};

/* Empties it (`always` is kept). */
void drv_batch_init(struct drv_batch *b);
/* Whether a message of `size` bytes with nfds descriptors may join: an
 * empty batch takes any message. */
bool drv_batch_fits(const struct drv_batch *b, uint32_t size, unsigned nfds);
void drv_batch_add(struct drv_batch *b, const uint8_t *msg, uint32_t size, const int *fds,
		   unsigned nfds);
/* Sends it as one datagram and empties it (its descriptors stay the
 * caller's): 0. Or -1 (errno), and it is as it was. */
int drv_batch_send(int fd, struct drv_batch *b, int flags);

/* A received batch's header holds for its `len` bytes: nothing but the
 * length, and at least one message. (Its descriptor count is the
 * caller's to check against what arrived.) */
bool drv_batch_header_ok(const struct drv_header *h, size_t len);

/* Walks the messages of a received batch: buf[0..len), nfds descriptors. */
struct drv_batch_cursor {
	const uint8_t *buf;
	uint32_t len;
	unsigned nfds;
	uint32_t at;     /* the next message: start at DRV_HEADER_SIZE */
	unsigned fds_at; /* its first descriptor: start at 0 */
	uint32_t msg;    /* the message drv_batch_next returned: its offset, */
	unsigned first_fd; /* ... and its first descriptor */
};

/* 1: the next message, m its header; 0: the batch is over with every
 * descriptor accounted for; -1: its framing is broken (a message running
 * past the end or not a multiple of 8 bytes, a batch inside, more than
 * DRV_MAX_CAPS descriptors for one message or more than the batch has,
 * descriptors left over). */
int drv_batch_next(struct drv_batch_cursor *k, struct drv_header *m);

/* ---- drv_ioctl.c: calls into a kernel module's misc device ---- */

/* Opens <dev dir>/<interface>/<instance>. 0, or -DRV_E_CONNECTION when
 * there is no such device (or -DRV_E_NO_MEMORY). */
int drv_ioctl_connect(const char *interface_name, unsigned instance, struct drv_client **out);

#endif
