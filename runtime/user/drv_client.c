/* drv_client.c - clients: what every transport shares, page buffers, and
 * the socket transport to a server process (docs/wire-format.md).
 *
 * A call is one sendmsg and one recvmsg (more only when events arrive in
 * between): the stub encodes straight into the message buffer, and the
 * reply is decoded where it was received.
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
}

void drv_client_release(struct drv_client *c)
{
	free(c->handlers);
	free(c->event_scratch);
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

static int checked_call(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
			const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
			struct drv_reply *reply)
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
	c->busy = true;
	int st = c->ops->call(c, kind, label, len, caps, ncaps, reply_caps, reply);
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
		return st;
	}
	return 0; /* nobody listens: dropped, as an unsubscribed event */
}

int drv_client_fd(const struct drv_client *client)
{
	return client->ops->fd(client);
}

int drv_client_poll(struct drv_client *client, int timeout_ms)
{
	if (client->busy)
		return -DRV_E_BUSY;
	return client->ops->poll(client, timeout_ms);
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
	};
	static const char *const client[] = {
		[DRV_E_CONNECTION - DRV_E_CONNECTION] = "no connection to the server",
		[DRV_E_ARGUMENT - DRV_E_CONNECTION] = "an argument is invalid or over its bound",
		[DRV_E_BAD_REPLY - DRV_E_CONNECTION] = "the server's reply broke the protocol",
		[DRV_E_NO_MEMORY - DRV_E_CONNECTION] = "out of memory",
		[DRV_E_BUSY - DRV_E_CONNECTION] = "a call on this client is already running",
	};
	if (status == 0)
		return "ok";
	if (status > 0)
		return "the method's own error";
	unsigned s = (unsigned)-status;
	if (s >= DRV_STATUS_UNKNOWN_LABEL && s <= DRV_STATUS_SHUTDOWN)
		return transport[s - DRV_STATUS_UNKNOWN_LABEL];
	if (s >= DRV_E_CONNECTION && s <= DRV_E_BUSY)
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

struct socket_client {
	struct drv_client c;
	int fd;
};

static int socket_fd(const struct drv_client *c)
{
	return ((const struct socket_client *)c)->fd;
}

/* A server that breaks the framing is cut off: nothing after it could be
 * trusted to answer what it seems to. */
static int socket_broken(struct socket_client *s, const int *fds, unsigned nfds, int err)
{
	drv_close_fds(fds, nfds);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return err;
}

enum { GOT_REPLY = 1, GOT_EVENT = 2, GOT_NOTHING = 3 };

/* Receives one message into s->c.in. An event is delivered to its handler
 * (whose verdict lands in *event_status); a reply is left for the caller,
 * its header in *h and its fds in fds. */
static int socket_next(struct socket_client *s, int flags, struct drv_header *h, int *fds,
		       unsigned *nfds, int *event_status)
{
	/* fds NULL: none expected, any that come are closed by the kernel */
	ssize_t n = drv_receive(s->fd, s->c.in, fds, nfds, flags);
	if (n == -1 && (flags & MSG_DONTWAIT) && (errno == EAGAIN || errno == EWOULDBLOCK))
		return GOT_NOTHING;
	if (n == 0 || n == -1)
		return socket_broken(s, fds, *nfds, -DRV_E_CONNECTION);
	if (n < DRV_HEADER_SIZE) /* or too big: drv_receive said -2 */
		return socket_broken(s, fds, *nfds, -DRV_E_BAD_REPLY);
	drv_header_get(s->c.in, h);
	if (h->length != (uint32_t)n - DRV_HEADER_SIZE || h->ncaps != *nfds ||
	    (h->kind != DRV_KIND_REPLY && h->kind != DRV_KIND_EVENT) ||
	    (h->kind == DRV_KIND_EVENT && *nfds))
		return socket_broken(s, fds, *nfds, -DRV_E_BAD_REPLY);
	if (h->kind == DRV_KIND_REPLY)
		return GOT_REPLY;
	*event_status = drv_client_deliver(&s->c, h->label, s->c.in + DRV_HEADER_SIZE, h->length);
	return GOT_EVENT;
}

/* Events that arrive first are delivered; one that does not decode is
 * dropped, since the reply is still to come. */
static int socket_wait_reply(struct socket_client *s, uint32_t request, unsigned reply_caps,
			     struct drv_reply *r)
{
	struct drv_header h;
	int event_status, got;
	while ((got = socket_next(s, 0, &h, reply_caps ? r->fds : NULL, &r->nfds,
				  &event_status)) == GOT_EVENT)
		;
	if (got < 0)
		return got;
	if (h.request != request) {
		r->nfds = 0;
		return socket_broken(s, r->fds, h.ncaps, -DRV_E_BAD_REPLY);
	}
	r->status = h.status;
	r->payload = s->c.in + DRV_HEADER_SIZE;
	r->len = h.length;
	return 0;
}

static int socket_call(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
		       const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		       struct drv_reply *r)
{
	struct socket_client *s = (struct socket_client *)c;
	if (s->fd < 0)
		return -DRV_E_CONNECTION;
	struct drv_header h = {label, c->next_request++, len, (uint16_t)ncaps, kind, 0};
	for (unsigned i = 0; i < ncaps; i++)
		if (caps[i].kind == DRV_CAP_PAGES)
			h.status |= 1u << i;
	drv_header_put(c->out, &h);

	int fds[DRV_MAX_CAPS];
	for (unsigned i = 0; i < ncaps; i++)
		fds[i] = caps[i].fd;
	if (drv_send(s->fd, c->out, DRV_HEADER_SIZE + len, fds, ncaps, 0) < 0)
		return errno == EBADF ? -DRV_E_ARGUMENT : socket_broken(s, NULL, 0, -DRV_E_CONNECTION);
	if (!r)
		return 0;
	memset(r, 0, sizeof *r);
	return socket_wait_reply(s, h.request, reply_caps, r);
}

/* Waits for the first event; those queued behind it are read without
 * waiting again. */
static int socket_poll(struct drv_client *c, int timeout_ms)
{
	struct socket_client *s = (struct socket_client *)c;
	int delivered = 0;
	for (;;) {
		if (s->fd < 0)
			return -DRV_E_CONNECTION;
		if (!delivered) {
			struct pollfd p = {s->fd, POLLIN, 0};
			int ready = poll(&p, 1, timeout_ms);
			if (ready < 0 && errno == EINTR)
				continue;
			if (ready < 0)
				return socket_broken(s, NULL, 0, -DRV_E_CONNECTION);
			if (ready == 0)
				return 0;
		}
		struct drv_header h;
		int event_status = 0;
		unsigned nfds = 0;
		int got = socket_next(s, MSG_DONTWAIT, &h, NULL, &nfds, &event_status);
		if (got < 0)
			return got;
		if (got == GOT_NOTHING)
			return delivered;
		if (got == GOT_REPLY) /* outside a call, no reply is due */
			return socket_broken(s, NULL, 0, -DRV_E_BAD_REPLY);
		if (event_status)
			return event_status;
		delivered++;
	}
}

static void socket_disconnect(struct drv_client *c)
{
	struct socket_client *s = (struct socket_client *)c;
	if (s->fd >= 0)
		close(s->fd);
	drv_client_release(c);
	free(s);
}

static const struct drv_client_ops socket_ops = {socket_call, socket_poll, socket_fd,
						 socket_disconnect};

int drv_client_connect(const char *interface_name, unsigned instance, struct drv_client **out)
{
	*out = NULL;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int len = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s/%u", drv_run_dir(),
			   interface_name, instance);
	if (len < 0 || (size_t)len >= sizeof addr.sun_path)
		return drv_ioctl_connect(interface_name, instance, out);
	struct socket_client *s = malloc(sizeof *s);
	if (!s)
		return -DRV_E_NO_MEMORY;
	drv_client_init(&s->c, &socket_ops);
	s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		socket_disconnect(&s->c);
		/* no server process: the driver may be a kernel module */
		return drv_ioctl_connect(interface_name, instance, out);
	}
	*out = &s->c;
	return 0;
}
