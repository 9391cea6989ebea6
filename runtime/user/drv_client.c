// SPDX-License-Identifier: MIT
/* drv_client.c - clients: what every transport shares (calls, calls in
 * flight, events, page buffers), and the socket transport to a server
 * process (docs/wire-format.md).
 *
 * A synchronous call is one send and one receive (more only when other
 * messages arrive in between): the stub encodes straight into the message
 * buffer, and the reply is decoded where it was received. Calls started
 * for pipelining are queued and sent together as one datagram, and their
 * replies, which come as the server answers them, are copied to the
 * storage each call brought.
 */
#define _GNU_SOURCE
#include "drv_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ---- what every client shares ---- */

void drv_client_init(struct drv_client *c, const struct drv_client_ops *ops)
{
	c->ops = ops;
	c->next_request = 1;
	c->busy = false;
	c->handlers = NULL;
	c->nhandlers = 0;
	c->event_scratch = NULL;
	c->events = 0;
	c->event_error = 0;
	drv_list_init(&c->flight);
	drv_list_init(&c->done);
	c->flight_handles = 0;
}

void drv_client_release(struct drv_client *c)
{
	free(c->handlers);
	free(c->event_scratch);
}

uint32_t drv_client_new_request(struct drv_client *c)
{
	uint32_t r = c->next_request++;
	if (!c->next_request)
		c->next_request = 1;
	return r;
}

void drv_close_fds(const int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

uint8_t *drv_client_request(struct drv_client *client)
{
	return client->out + DRV_HEADER_SIZE;
}

struct drv_cap drv_buffer_cap(struct drv_buffer *buffer)
{
	struct drv_cap cap;
	memset(&cap, 0, sizeof cap);
	cap.kind = DRV_CAP_PAGES;
	cap.fd = buffer ? buffer->fd : -1;
	if (buffer) {
		cap.pages.data = buffer->data;
		cap.pages.size = buffer->size;
	}
	return cap;
}

struct drv_cap drv_handle_cap(int fd)
{
	struct drv_cap cap;
	memset(&cap, 0, sizeof cap);
	cap.kind = DRV_CAP_HANDLE;
	cap.fd = fd;
	return cap;
}

void drv_client_put_header(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t request,
			   uint32_t len, const struct drv_cap *caps, unsigned ncaps)
{
	struct drv_header h = {label, request, len, (uint16_t)ncaps, kind, 0};
	for (unsigned i = 0; i < ncaps; i++)
		if (caps[i].kind == DRV_CAP_PAGES)
			h.status |= 1u << i;
	drv_header_put(c->out, &h);
}

/* What every request is checked for before it goes anywhere. */
static int check_request(struct drv_client *c, uint32_t len, const struct drv_cap *caps,
			 unsigned ncaps)
{
	if (!c)
		return -DRV_E_CONNECTION;
	if (c->busy)
		return -DRV_E_BUSY;
	if (ncaps > DRV_MAX_CAPS || len > DRV_MAX_PAYLOAD || len % 8)
		return -DRV_E_ARGUMENT;
	for (unsigned i = 0; i < ncaps; i++)
		if (caps[i].fd < 0)
			return -DRV_E_ARGUMENT;
	return 0;
}

static int checked_call(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
			const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
			struct drv_reply *reply)
{
	int st = check_request(c, len, caps, ncaps);
	if (st)
		return st;
	c->busy = true;
	st = c->ops->call(c, kind, label, len, caps, ncaps, reply_caps, reply);
	c->busy = false;
	return st;
}

int drv_client_call(struct drv_client *client, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		    struct drv_reply *reply)
{
	return checked_call(client, DRV_KIND_CALL, label, len, caps, ncaps, reply_caps, reply);
}

int drv_client_send(struct drv_client *client, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned ncaps)
{
	return checked_call(client, DRV_KIND_SEND, label, len, caps, ncaps, 0, NULL);
}

int drv_client_bad_reply(struct drv_reply *reply)
{
	drv_close_fds(reply->fds, reply->nfds);
	reply->nfds = 0;
	return -DRV_E_BAD_REPLY;
}

int drv_client_status(struct drv_reply *reply, bool (*valid)(uint64_t))
{
	uint32_t st = reply->status;
	drv_close_fds(reply->fds, reply->nfds);
	reply->nfds = 0;
	if (st == 0)
		return -DRV_E_BAD_REPLY; /* success with the wrong handles */
	if (st <= 0xffff && valid && valid(st))
		return (int)st;
	if (drv_is_transport_status(st))
		return -(int)st;
	return -DRV_E_BAD_REPLY;
}

/* ---- calls in flight ---- */

enum { PENDING_IDLE, PENDING_FLIGHT, PENDING_DONE };

static struct drv_pending *pending_of(struct drv_link *l)
{
	return drv_container_of(l, struct drv_pending, link);
}

static bool list_holds(const struct drv_link *head, const struct drv_pending *p)
{
	for (const struct drv_link *l = head->next; l != head; l = l->next)
		if (l == &p->link)
			return true;
	return false;
}

void drv_client_track(struct drv_client *c, struct drv_pending *p, uint32_t request,
		      unsigned reply_caps)
{
	p->request = request;
	p->reply_caps = (uint8_t)reply_caps;
	p->error = 0;
	memset(&p->reply, 0, sizeof p->reply);
	p->state = PENDING_FLIGHT;
	drv_list_add(&c->flight, &p->link);
	if (reply_caps)
		c->flight_handles++;
}

/* Replies mostly come in the order of their calls: the oldest first. */
struct drv_pending *drv_client_find(struct drv_client *c, uint32_t request)
{
	for (struct drv_link *l = c->flight.next; l != &c->flight; l = l->next)
		if (pending_of(l)->request == request)
			return pending_of(l);
	return NULL;
}

static void complete(struct drv_client *c, struct drv_pending *p, int error)
{
	drv_list_del(&p->link);
	if (p->reply_caps)
		c->flight_handles--;
	p->error = error;
	p->state = PENDING_DONE;
	drv_list_add(&c->done, &p->link);
}

void drv_client_answer(struct drv_client *c, struct drv_pending *p, uint32_t status,
		       const uint8_t *payload, uint32_t len, const int *fds, unsigned nfds)
{
	if (len > p->reply_size || nfds > DRV_MAX_CAPS) {
		drv_close_fds(fds, nfds);
		complete(c, p, -DRV_E_BAD_REPLY);
		return;
	}
	drv_copy(p->reply_room, payload, len);
	p->reply.status = status;
	p->reply.payload = p->reply_room;
	p->reply.len = len;
	p->reply.nfds = nfds;
	for (unsigned i = 0; i < nfds; i++)
		p->reply.fds[i] = fds[i];
	complete(c, p, 0);
}

void drv_client_fail(struct drv_client *c, struct drv_pending *p, int error)
{
	complete(c, p, error);
}

void drv_client_fail_all(struct drv_client *c, int error)
{
	while (!drv_list_empty(&c->flight))
		complete(c, pending_of(c->flight.next), error);
}

int drv_client_start(struct drv_client *client, uint64_t label, uint32_t len,
		     const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		     struct drv_pending *pending)
{
	int st = check_request(client, len, caps, ncaps);
	if (st)
		return st;
	if (!pending || reply_caps > DRV_MAX_CAPS || (pending->reply_size && !pending->reply_room) ||
	    pending->state != PENDING_IDLE)
		return -DRV_E_ARGUMENT;
	struct drv_client *c = client;
	c->busy = true;
	if (c->ops->start) {
		pending->reply_caps = (uint8_t)reply_caps;
		st = c->ops->start(c, label, len, caps, ncaps, pending);
	} else {
		/* a transport that answers each call before the next: make it */
		struct drv_reply r;
		st = c->ops->call(c, DRV_KIND_CALL, label, len, caps, ncaps, reply_caps, &r);
		drv_client_track(c, pending, c->next_request - 1, reply_caps);
		if (st)
			drv_client_fail(c, pending, st);
		else
			drv_client_answer(c, pending, r.status, r.payload, r.len, r.fds, r.nfds);
		st = 0;
	}
	c->busy = false;
	return st;
}

int drv_client_flush(struct drv_client *client)
{
	if (!client)
		return -DRV_E_CONNECTION;
	if (client->busy)
		return -DRV_E_BUSY;
	return client->ops->flush ? client->ops->flush(client) : 0;
}

unsigned drv_client_in_flight(const struct drv_client *client)
{
	unsigned n = 0;
	for (const struct drv_link *l = client->flight.next; l != &client->flight; l = l->next)
		n++;
	for (const struct drv_link *l = client->done.next; l != &client->done; l = l->next)
		n++;
	return n;
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Takes what the server sends until `until` holds or timeout_ms has gone
 * by: true if it holds. A connection that breaks completes every call in
 * flight, so waiting for a call never outlives it. */
static bool receive_until(struct drv_client *c, int timeout_ms,
			  bool (*until)(const struct drv_client *c, const void *arg), const void *arg)
{
	if (until(c, arg))
		return true;
	if (c->ops->flush)
		c->ops->flush(c); /* a call it cannot send completes with the error */
	int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	c->busy = true;
	while (!until(c, arg)) {
		int wait = timeout_ms;
		if (timeout_ms > 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				break;
			wait = (int)left;
		}
		/* nothing in the time given: the wait is over */
		int st = c->ops->receive(c, wait);
		if (st < 0 || (st == 0 && timeout_ms >= 0))
			break;
	}
	c->busy = false;
	return until(c, arg);
}

static bool any_done(const struct drv_client *c, const void *arg)
{
	(void)arg;
	return !drv_list_empty(&c->done) || drv_list_empty(&c->flight);
}

static bool done_with(const struct drv_client *c, const void *arg)
{
	(void)c;
	return ((const struct drv_pending *)arg)->state == PENDING_DONE;
}

int drv_client_next(struct drv_client *client, int timeout_ms, struct drv_pending **done)
{
	*done = NULL;
	if (!client)
		return -DRV_E_CONNECTION;
	if (client->busy)
		return -DRV_E_BUSY;
	receive_until(client, timeout_ms, any_done, NULL);
	if (drv_list_empty(&client->done))
		return 0;
	struct drv_pending *p = pending_of(client->done.next);
	drv_list_del(&p->link);
	p->state = PENDING_IDLE;
	*done = p;
	return 1;
}

int drv_client_wait(struct drv_client *client, struct drv_pending *pending, int timeout_ms)
{
	if (!client)
		return -DRV_E_CONNECTION;
	if (client->busy)
		return -DRV_E_BUSY;
	if (!pending || !(pending->state == PENDING_FLIGHT ? list_holds(&client->flight, pending)
			  : pending->state == PENDING_DONE ? list_holds(&client->done, pending)
							   : false))
		return -DRV_E_ARGUMENT;
	if (!receive_until(client, timeout_ms, done_with, pending))
		return 0;
	drv_list_del(&pending->link);
	pending->state = PENDING_IDLE;
	return 1;
}

/* ---- events ---- */

int drv_client_on_event(struct drv_client *client, uint64_t label, drv_event_thunk thunk,
			drv_fn handler, void *ctx)
{
	size_t i = 0;
	while (i < client->nhandlers && client->handlers[i].label != label)
		i++;
	if (!handler) {
		if (i < client->nhandlers)
			client->handlers[i] = client->handlers[--client->nhandlers];
		return 0;
	}
	if (!client->event_scratch) {
		client->event_scratch = malloc(DRV_SCRATCH_SIZE);
		if (!client->event_scratch)
			return -DRV_E_NO_MEMORY;
	}
	if (i == client->nhandlers) {
		struct drv_event_handler *h =
			realloc(client->handlers, (client->nhandlers + 1) * sizeof *h);
		if (!h)
			return -DRV_E_NO_MEMORY;
		client->handlers = h;
		client->nhandlers++;
	}
	client->handlers[i] = (struct drv_event_handler){label, thunk, handler, ctx};
	return 0;
}

int drv_client_deliver(struct drv_client *c, uint64_t label, const uint8_t *payload,
		       uint32_t len)
{
	for (size_t i = 0; i < c->nhandlers; i++) {
		if (c->handlers[i].label != label)
			continue;
		struct drv_event ev = {label, payload, len, c->event_scratch, DRV_SCRATCH_SIZE};
		/* a handler starting a call on this client would reuse its buffers */
		bool busy = c->busy;
		c->busy = true;
		int st = c->handlers[i].thunk(c->handlers[i].fn, c->handlers[i].ctx, &ev);
		c->busy = busy;
		if (st && !c->event_error)
			c->event_error = st;
		c->events++;
		return st;
	}
	return 0; /* nobody listens: dropped, as an unsubscribed event */
}

int drv_client_fd(const struct drv_client *client)
{
	return client->ops->fd(client);
}

/* Waits for the first message; those queued behind it are read without
 * waiting again. */
int drv_client_poll(struct drv_client *client, int timeout_ms)
{
	if (client->busy)
		return -DRV_E_BUSY;
	unsigned before = client->events;
	client->event_error = 0;
	client->busy = true;
	int st = client->ops->receive(client, timeout_ms);
	while (st > 0)
		st = client->ops->receive(client, 0);
	client->busy = false;
	if (client->event_error)
		return client->event_error;
	return st < 0 ? st : (int)(client->events - before);
}

void drv_client_disconnect(struct drv_client *client)
{
	if (client)
		client->ops->disconnect(client);
}

const char *drv_strerror(int status)
{
	static const char *const transport[] = {
		[DRV_STATUS_UNKNOWN_LABEL - DRV_STATUS_UNKNOWN_LABEL] = "the server has no such method",
		[DRV_STATUS_MALFORMED - DRV_STATUS_UNKNOWN_LABEL] = "the server found the request malformed",
		[DRV_STATUS_BAD_CAPS - DRV_STATUS_UNKNOWN_LABEL] = "wrong capabilities for the method",
		[DRV_STATUS_INTERNAL - DRV_STATUS_UNKNOWN_LABEL] = "the server failed internally",
		[DRV_STATUS_SHUTDOWN - DRV_STATUS_UNKNOWN_LABEL] = "the server shut down",
		[DRV_STATUS_LIMIT - DRV_STATUS_UNKNOWN_LABEL] = "the server refused it: a resource limit",
	};
	static const char *const client[] = {
		[DRV_E_CONNECTION - DRV_E_CONNECTION] = "no connection to the server",
		[DRV_E_ARGUMENT - DRV_E_CONNECTION] = "an argument is invalid or over its bound",
		[DRV_E_BAD_REPLY - DRV_E_CONNECTION] = "the server's reply broke the protocol",
		[DRV_E_NO_MEMORY - DRV_E_CONNECTION] = "out of memory",
		[DRV_E_BUSY - DRV_E_CONNECTION] = "a call on this client is already running",
		[DRV_E_RESTARTED - DRV_E_CONNECTION] =
			"the connection broke during the call: it may or may not have run",
	};
	if (status == 0)
		return "ok";
	if (status > 0)
		return "the method's own error";
	unsigned s = (unsigned)-status;
	if (s >= DRV_STATUS_UNKNOWN_LABEL && s <= DRV_STATUS_LIMIT)
		return transport[s - DRV_STATUS_UNKNOWN_LABEL];
	if (s >= DRV_E_CONNECTION && s <= DRV_E_RESTARTED)
		return client[s - DRV_E_CONNECTION];
	return "unknown error";
}

/* ---- page buffers ---- */

int drv_buffer_new(size_t size, struct drv_buffer **out)
{
	*out = NULL;
	struct drv_buffer *b = calloc(1, sizeof *b);
	if (!b)
		return -DRV_E_NO_MEMORY;
	b->fd = memfd_create("drvgen-buffer", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (b->fd < 0)
		goto fail;
	if (size && ftruncate(b->fd, (off_t)size) < 0)
		goto fail;
	/* fixed size: a server that mapped it can touch every byte */
	if (fcntl(b->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto fail;
	b->size = size;
	if (size) {
		b->data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
		if (b->data == MAP_FAILED)
			goto fail;
	}
	*out = b;
	return 0;
fail:
	if (b->fd >= 0)
		close(b->fd);
	free(b);
	return -DRV_E_NO_MEMORY;
}

void drv_buffer_free(struct drv_buffer *buffer)
{
	if (!buffer)
		return;
	if (buffer->data)
		munmap(buffer->data, buffer->size);
	close(buffer->fd);
	free(buffer);
}

const char *drv_run_dir(void)
{
	const char *dir = getenv("DRVGEN_RUN_DIR");
	return dir && *dir ? dir : "/run/drvgen";
}


/* ---- the socket transport ---- */

/* The synchronous call waiting for its reply. */
struct sync_wait {
	uint32_t request; /* 0: none */
	unsigned reply_caps;
	struct drv_reply *reply;
	bool answered;
};

struct socket_client {
	struct drv_client c;
	int fd;
	struct sockaddr_un addr; /* the server's socket: connected again after a loss */
	int lost; /* once the connection is gone, why */
	/* It went with what was sent last unread (ECONNRESET: the server
	 * closed with data queued, or never accepted the connection, as a
	 * dying server's listener does): that request never ran. */
	bool reset;
	struct drv_batch *batch; /* calls started and not yet sent (made with the first) */
	unsigned started;        /* how many: the newest calls in flight */
	struct sync_wait sync;
};

static int socket_fd(const struct drv_client *c)
{
	return ((const struct socket_client *)c)->fd;
}

/* What a call in flight gets when the connection goes: a connection
 * broken under it may have run it (-DRV_E_RESTARTED); a server that broke
 * the protocol or refused the connection says so. */
static int in_flight_error(int lost)
{
	return lost == -DRV_E_CONNECTION ? -DRV_E_RESTARTED : lost;
}

/* The connection is gone: every call in flight completes with the error;
 * the next call or start connects again. */
static int socket_lost(struct socket_client *s, int err)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (!s->lost)
		s->lost = err;
	if (s->batch)
		drv_batch_init(s->batch);
	s->started = 0;
	s->sync.request = 0;
	drv_client_fail_all(&s->c, in_flight_error(s->lost));
	return s->lost;
}

/* How long a call on a lost connection waits for a server to listen
 * again (a supervisor restarting it): $DRVGEN_RECONNECT_MS, default 2 s;
 * 0 fails at once. */
static int64_t reconnect_ms(void)
{
	const char *v = getenv("DRVGEN_RECONNECT_MS");
	char *end;
	long ms = v && *v ? strtol(v, &end, 10) : 2000;
	return v && *v && (*end || ms < 0) ? 2000 : ms;
}

/* Before a call on a lost connection: a new one to the same path (the
 * server restarted). 0, or -DRV_E_CONNECTION when none listens in time. */
static int socket_reconnect(struct socket_client *s)
{
	if (s->fd >= 0)
		return 0;
	int64_t deadline = now_ms() + reconnect_ms(), pause_ms = 10;
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&s->addr, sizeof s->addr) == 0) {
			s->fd = fd;
			s->lost = 0;
			s->reset = false;
			return 0;
		}
		if (fd >= 0)
			close(fd);
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return -DRV_E_CONNECTION;
		if (pause_ms > left)
			pause_ms = left;
		struct timespec ts = {(time_t)(pause_ms / 1000), (long)(pause_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		if (pause_ms < 100)
			pause_ms *= 2;
	}
}

/* A server that breaks the framing is cut off: nothing after it could be
 * trusted to answer what it seems to. */
static int socket_broken(struct socket_client *s, const int *fds, unsigned nfds, int err)
{
	drv_close_fds(fds, nfds);
	return socket_lost(s, err);
}

/* One message from the server, with its descriptors (now the client's):
 * an event is delivered, a reply goes to the call waiting for it. 0, or a
 * negative error: the connection is gone. */
static int take_message(struct socket_client *s, const struct drv_header *h, const uint8_t *msg,
			const int *fds, unsigned nfds)
{
	struct drv_client *c = &s->c;
	if (h->kind == DRV_KIND_EVENT && !nfds) {
		/* one that does not decode is dropped (drv_client_poll tells) */
		drv_client_deliver(c, h->label, msg + DRV_HEADER_SIZE, h->length);
		return 0;
	}
	if (h->kind != DRV_KIND_REPLY || nfds > DRV_MAX_CAPS)
		return socket_broken(s, fds, nfds, -DRV_E_BAD_REPLY);
	if (h->request == 0) {
		/* the server refused the connection, saying why */
		bool refusal = !h->length && !nfds && drv_is_transport_status(h->status);
		return socket_broken(s, fds, nfds, refusal ? -(int)h->status : -DRV_E_BAD_REPLY);
	}
	if (h->request == s->sync.request) {
		struct drv_reply *r = s->sync.reply;
		r->status = h->status;
		r->payload = msg + DRV_HEADER_SIZE;
		r->len = h->length;
		r->nfds = nfds;
		drv_copy(r->fds, fds, nfds * (uint32_t)sizeof *fds);
		s->sync.answered = true;
		s->sync.request = 0;
		return 0;
	}
	struct drv_pending *p = drv_client_find(c, h->request);
	if (!p)
		return socket_broken(s, fds, nfds, -DRV_E_BAD_REPLY);
	drv_client_answer(c, p, h->status, msg + DRV_HEADER_SIZE, h->length, fds, nfds);
	return 0;
}

/* Receives one datagram into s->c.in and takes every message in it. 1, 0
 * when there was none (MSG_DONTWAIT), or a negative error. */
static int socket_take(struct socket_client *s, int flags)
{
	struct drv_client *c = &s->c;
	int fds[DRV_MAX_BATCH_CAPS];
	/* no handle expected: the cheapest receive, and any that come are
	 * closed by the kernel (the reply then does not add up) */
	bool handles = c->flight_handles || (s->sync.request && s->sync.reply_caps);
	struct drv_received r;
	drv_receive(s->fd, c->in, handles ? fds : NULL, DRV_MAX_BATCH_CAPS, flags, &r);
	bool reset = r.len < 0 && errno == ECONNRESET;
	if (reset) /* told before what came first: take that */
		drv_receive(s->fd, c->in, handles ? fds : NULL, DRV_MAX_BATCH_CAPS, MSG_DONTWAIT,
			    &r);
	if (r.len < 0 && (flags & MSG_DONTWAIT) && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (r.len <= 0) {
		s->reset = reset;
		return socket_lost(s, -DRV_E_CONNECTION);
	}
	unsigned used = 0;
	struct drv_header h;
	if (r.too_long || r.fds_cut || r.len < DRV_HEADER_SIZE)
		goto broken;
	drv_header_get(c->in, &h);
	if (h.length != (uint32_t)r.len - DRV_HEADER_SIZE || h.ncaps != r.nfds)
		goto broken;
	if (h.kind != DRV_KIND_BATCH) {
		int st = take_message(s, &h, c->in, fds, r.nfds);
		return st < 0 ? st : 1;
	}
	if (!drv_batch_header_ok(&h, (size_t)r.len))
		goto broken;
	struct drv_batch_cursor k = {c->in, (uint32_t)r.len, r.nfds, DRV_HEADER_SIZE, 0, 0, 0};
	struct drv_header m;
	int more;
	while ((more = drv_batch_next(&k, &m)) > 0) {
		int st = take_message(s, &m, c->in + k.msg, fds + k.first_fd, m.ncaps);
		used = k.fds_at;
		if (st < 0) {
			drv_close_fds(fds + used, r.nfds - used);
			return st;
		}
	}
	if (more == 0)
		return 1;
broken:
	return socket_broken(s, fds + used, r.nfds - used, -DRV_E_BAD_REPLY);
}

static int socket_receive(struct drv_client *c, int timeout_ms)
{
	struct socket_client *s = (struct socket_client *)c;
	if (s->fd < 0)
		return s->lost;
	if (timeout_ms < 0)
		return socket_take(s, 0);
	if (timeout_ms > 0) {
		struct pollfd p = {s->fd, POLLIN, 0};
		int ready;
		do
			ready = poll(&p, 1, timeout_ms);
		while (ready < 0 && errno == EINTR);
		if (ready < 0)
			return socket_lost(s, -DRV_E_CONNECTION);
		if (ready == 0)
			return 0;
	}
	return socket_take(s, MSG_DONTWAIT);
}

/* A send that failed: -DRV_E_ARGUMENT for a descriptor that is not one
 * (nothing went), else the connection is gone, and a refusal the server
 * sent before closing it says why. */
static int send_failed(struct socket_client *s)
{
	if (errno == EBADF)
		return -DRV_E_ARGUMENT;
	while (s->fd >= 0 && socket_take(s, MSG_DONTWAIT) > 0)
		;
	return socket_lost(s, -DRV_E_CONNECTION);
}

static int socket_flush(struct drv_client *c)
{
	struct socket_client *s = (struct socket_client *)c;
	if (!s->batch || !s->batch->count)
		return 0;
	int st = drv_batch_send(s->fd, s->batch, 0) ? send_failed(s) : 0;
	drv_batch_init(s->batch);
	unsigned started = s->started;
	s->started = 0;
	if (st == -DRV_E_ARGUMENT && started) {
		/* none of the batch went: its calls, the newest in flight, fail */
		struct drv_link *l = c->flight.prev;
		for (unsigned i = 1; i < started; i++)
			l = l->prev;
		while (l != &c->flight) {
			struct drv_link *next = l->next;
			drv_client_fail(c, pending_of(l), st);
			l = next;
		}
	}
	return st;
}

/* Adds the message in c->out, with the descriptors of its caps, to the
 * batch, sending the batch first if the message does not fit in it. */
static int queue_message(struct socket_client *s, uint32_t len, const struct drv_cap *caps,
			 unsigned ncaps)
{
	uint32_t size = DRV_HEADER_SIZE + len;
	if (!drv_batch_fits(s->batch, size, ncaps)) {
		int st = socket_flush(&s->c);
		if (st)
			return st;
	}
	int fds[DRV_MAX_CAPS];
	for (unsigned i = 0; i < ncaps; i++)
		fds[i] = caps[i].fd;
	drv_batch_add(s->batch, s->c.out, size, fds, ncaps);
	return 0;
}

static int socket_start(struct drv_client *c, uint64_t label, uint32_t len,
			const struct drv_cap *caps, unsigned ncaps, struct drv_pending *p)
{
	struct socket_client *s = (struct socket_client *)c;
	if (socket_reconnect(s))
		return -DRV_E_CONNECTION;
	if (!s->batch) {
		s->batch = malloc(sizeof *s->batch);
		if (!s->batch)
			return -DRV_E_NO_MEMORY;
		drv_batch_init(s->batch);
		s->batch->always = true;
	}
	uint32_t request = drv_client_new_request(c);
	drv_client_put_header(c, DRV_KIND_CALL, label, request, len, caps, ncaps);
	int st = queue_message(s, len, caps, ncaps);
	if (st)
		return st;
	drv_client_track(c, p, request, p->reply_caps);
	s->started++;
	return 0;
}

/* Sends the message in c->out (after the calls started before it) and,
 * for a call, waits for its reply. */
static int socket_call_once(struct socket_client *s, uint16_t kind, uint64_t label, uint32_t len,
			    const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
			    struct drv_reply *r)
{
	struct drv_client *c = &s->c;
	uint32_t request = drv_client_new_request(c);
	drv_client_put_header(c, kind, label, request, len, caps, ncaps);
	int st;
	if (s->batch && s->batch->count) {
		/* the calls started before it go with it */
		st = queue_message(s, len, caps, ncaps);
		if (!st)
			st = socket_flush(c);
	} else {
		int fds[DRV_MAX_CAPS];
		for (unsigned i = 0; i < ncaps; i++)
			fds[i] = caps[i].fd;
		st = drv_send(s->fd, c->out, DRV_HEADER_SIZE + len, fds, ncaps, 0) ? send_failed(s)
										   : 0;
	}
	if (st || !r)
		return st;
	memset(r, 0, sizeof *r);
	s->sync = (struct sync_wait){request, reply_caps, r, false};
	while (!s->sync.answered) {
		st = socket_take(s, 0);
		if (st < 0)
			return s->reset ? -DRV_E_CONNECTION : in_flight_error(st);
	}
	return 0;
}

enum { CALL_ATTEMPTS = 3 };

/* A call the server never read (the connection reset, or the send found it
 * gone) did not run: it is made again on a new connection, a few times;
 * one the connection broke under after it was read fails with
 * -DRV_E_RESTARTED. */
static int socket_call(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
		       const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		       struct drv_reply *r)
{
	struct socket_client *s = (struct socket_client *)c;
	int st = -DRV_E_CONNECTION;
	for (int attempt = 0; attempt < CALL_ATTEMPTS && st == -DRV_E_CONNECTION; attempt++) {
		if (socket_reconnect(s))
			return -DRV_E_CONNECTION;
		st = socket_call_once(s, kind, label, len, caps, ncaps, reply_caps, r);
	}
	return st;
}

static void socket_disconnect(struct drv_client *c)
{
	struct socket_client *s = (struct socket_client *)c;
	if (s->fd >= 0)
		close(s->fd);
	free(s->batch);
	drv_client_release(c);
	free(s);
}

static const struct drv_client_ops socket_ops = {socket_call,	 socket_start, socket_flush,
						 socket_receive, socket_fd,    socket_disconnect};

/* A socket client of the server at addr, on fd (connected, or -1). */
static struct socket_client *socket_client_new(const struct sockaddr_un *addr, int fd)
{
	struct socket_client *s = malloc(sizeof *s);
	if (!s)
		return NULL;
	drv_client_init(&s->c, &socket_ops);
	s->lost = 0;
	s->batch = NULL;
	s->started = 0;
	s->sync = (struct sync_wait){0, 0, NULL, false};
	s->addr = *addr;
	s->reset = false;
	s->fd = fd;
	return s;
}

int drv_client_connect(const char *interface_name, unsigned instance, struct drv_client **out)
{
	*out = NULL;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int len = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s/%u", drv_run_dir(),
			   interface_name, instance);
	if (len < 0 || (size_t)len >= sizeof addr.sun_path)
		return drv_ioctl_connect(interface_name, instance, out);
	struct socket_client *s = socket_client_new(&addr, -1);
	if (!s)
		return -DRV_E_NO_MEMORY;
	s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		socket_disconnect(&s->c);
		/* no server process: the driver may be a kernel module */
		return drv_ioctl_connect(interface_name, instance, out);
	}
	*out = &s->c;
	return 0;
}

int drv_client_adopt(int fd, const char *interface_name, unsigned instance,
		     struct drv_client **out)
{
	*out = NULL;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int type = 0;
	socklen_t type_len = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) < 0 || type != SOCK_SEQPACKET)
		return -DRV_E_ARGUMENT;
	int len = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s/%u", drv_run_dir(),
			   interface_name, instance);
	if (len < 0 || (size_t)len >= sizeof addr.sun_path)
		return -DRV_E_ARGUMENT;
	struct socket_client *s = socket_client_new(&addr, fd);
	if (!s)
		return -DRV_E_NO_MEMORY;
	*out = &s->c;
	return 0;
}
