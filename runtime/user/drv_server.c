// SPDX-License-Identifier: MIT
/* drv_server.c - serving objects: the epoll loop, connections and the
 * limits on them, calls and their deferred replies, batches, page buffers,
 * events, and clients in this process (docs/ipc.md).
 *
 * A connection gets, when it is accepted, what serving it takes: a buffer
 * a datagram is received into, a call slot (reply and scratch room) a
 * request is dispatched in, and its table of mappings. A request is
 * dispatched where it arrived and answered from the slot; a deferred one
 * keeps the slot, and the datagram it came in, until the driver replies,
 * and the connection takes others (spares of earlier calls, or new). Only
 * a connection that cannot get them waits: it is not read until one of
 * its calls ends, and every other client is served meanwhile.
 */
#define _GNU_SOURCE
#include "drv_server.h"
#include "drv_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ---- what a server is made of ---- */

enum {
	READY_MAX = 64,         /* events taken per round */
	ACCEPTS_PER_ROUND = 16, /* connections accepted per ready listening socket */
	KEPT_SPARES = 16,       /* call slots and receive buffers kept for reuse */
	RETRY_MS = 100,         /* how soon what waits for memory is tried again */
};

/* What an epoll event points at: the first member of each. */
enum owner_kind { OWN_LISTEN, OWN_CONN, OWN_WATCH };

/* A client's page buffer, mapped, and kept in its connection's table
 * while the client may send it again. */
struct mapping {
	void *data;
	size_t size;
	dev_t dev;
	ino_t ino;
	unsigned users;          /* calls using it */
	struct connection *conn; /* whose table holds it; NULL once out of it */
	uint64_t used;           /* the server's clock when a call last took it */
	/* unused and in a table: on the server's list, least recently used first */
	struct drv_link lru;
};

/* A datagram as received: the requests in it are dispatched where they lie. */
struct rx_buffer {
	/* its connection's while it receives into it, and each deferred call
	 * whose request is in it */
	unsigned refs;
	struct rx_buffer *next; /* spares */
	_Alignas(8) uint8_t data[DRV_MAX_MESSAGE];
};

enum slot_state { SLOT_IDLE, SLOT_DISPATCHING, SLOT_ANSWERED_EARLY, SLOT_DEFERRED };

struct call_slot {
	struct drv_call call;
	struct drv_server *server;
	struct connection *conn; /* NULL once the client has gone */
	struct rx_buffer *rx;    /* a deferred call's: its request is in it */
	enum slot_state state;
	uint32_t early_status;
	int fds[DRV_MAX_CAPS]; /* received: closed when the call ends */
	unsigned nfds;
	struct mapping *maps[DRV_MAX_CAPS];
	unsigned nmaps;
	/* on a list: spares, its connection's deferred calls, or the orphans */
	struct drv_link link;
	_Alignas(8) uint8_t reply[DRV_HEADER_SIZE + DRV_MAX_PAYLOAD]; /* header, then payload */
	uint64_t scratch[DRV_SCRATCH_SIZE / 8];
};

struct connection {
	enum owner_kind kind; /* OWN_CONN */
	struct drv_object *object;
	int fd;
	bool dead;    /* closed; freed at the end of the round */
	bool starved; /* without a slot or a buffer of its own: not read */
	bool serving; /* a datagram of it is being served (a round may nest) */
	bool queued;  /* on the server's list of connections with output */
	uint32_t events; /* what epoll watches it for */
	struct rx_buffer *rx;   /* the next datagram goes here */
	struct call_slot *slot; /* the next request is dispatched here */
	struct drv_link deferred_calls;
	unsigned deferred;
	/* A client that sends batches is sent batches: what goes to it this
	 * round (made with its first batch), and what its full socket could
	 * not take yet, oldest first (it is not read meanwhile). */
	struct outbox *out;
	struct outbox *held, *held_last;
	size_t held_bytes;
	struct connection *next, *next_out;
	uint64_t mapped; /* bytes in its table */
	unsigned nmaps;
	struct mapping *maps[]; /* its table: max_mappings */
};

/* Messages going to a connection together. */
struct outbox {
	struct outbox *next;
	struct drv_batch batch;
};

enum local_state { LOCAL_IDLE, LOCAL_DISPATCHING, LOCAL_WAITING, LOCAL_ANSWERED };

struct local_client;

/* A call of an in-process client: its synchronous one, or one started. */
struct local_call {
	struct drv_call call;
	struct local_client *l;      /* NULL once the client has gone */
	struct drv_pending *pending; /* NULL: the synchronous call */
	enum local_state state;
	uint32_t status;
	struct local_call *next; /* its client's calls started, spares, or the orphans */
	uint8_t *room;           /* a started call's own request, reply and scratch */
};

/* An in-process client: calls go straight to the dispatch. */
struct local_client {
	struct drv_client c;
	struct drv_object *object; /* NULL once the server is gone */
	struct local_call sync;
	bool closed;                /* cut off by the protocol's policy */
	uint8_t *scratch;           /* the synchronous call's */
	struct local_call *started; /* calls started and deferred */
	struct local_call *spares;
	struct local_client *next;
};

struct drv_object {
	enum owner_kind kind; /* OWN_LISTEN */
	struct drv_server *server;
	const struct drv_interface *iface;
	void *self;
	int listen_fd;
	int instance;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct connection *conns;
	struct local_client *locals;
	struct drv_object *next;
	_Alignas(8) uint8_t event[DRV_MAX_MESSAGE];
};

struct watch {
	enum owner_kind kind; /* OWN_WATCH */
	int fd;
	short events;
	drv_watch_fn fn;
	void *ctx;
	bool dead; /* unwatched; freed at the end of the round */
	struct watch *next;
};

struct drv_server {
	struct drv_server_options limits;
	int epfd;
	/* a descriptor given up when they run out, to accept a client and
	 * tell it so rather than leave it queued (and the loop spinning) */
	int reserve_fd;
	struct drv_object *objects;
	struct watch *watches;
	unsigned registered; /* descriptors in the epoll set */
	unsigned nconns;
	unsigned starved;       /* connections waiting for a slot or a buffer */
	int64_t accept_resume;  /* when paused listening sockets are read again, or 0 */
	struct drv_link spare_slots;
	struct rx_buffer *spare_rx;
	unsigned nspare_slots, nspare_rx;
	struct drv_link orphans;          /* deferred calls whose client has gone */
	struct local_call *local_orphans; /* ... of in-process clients */
	struct drv_link lru;              /* mappings no call uses, least recently used first */
	struct connection *out_list; /* connections with output to flush */
	bool stopped;
	drv_busy_fn busy_fn; /* told when the first connection opens, the last closes */
	void *busy_ctx;
	bool reap;      /* something was dropped or unwatched this round */
	unsigned depth; /* run_once nesting: an in-process call waiting inside a handler */
	uint64_t clock;
	struct drv_server_stats stats;
};

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- slots and receive buffers ---- */

static struct call_slot *slot_of(struct drv_link *l)
{
	return drv_container_of(l, struct call_slot, link);
}

static struct call_slot *take_slot(struct drv_server *s)
{
	struct call_slot *slot;
	if (!drv_list_empty(&s->spare_slots)) {
		slot = slot_of(s->spare_slots.next);
		drv_list_del(&slot->link);
		s->nspare_slots--;
	} else if (!(slot = malloc(sizeof *slot))) {
		return NULL;
	}
	slot->server = s;
	slot->conn = NULL;
	slot->rx = NULL;
	slot->state = SLOT_IDLE;
	slot->nfds = slot->nmaps = 0;
	slot->call.nreply_caps = 0;
	drv_list_init(&slot->link);
	return slot;
}

static void put_slot(struct drv_server *s, struct call_slot *slot)
{
	if (s->nspare_slots == KEPT_SPARES) {
		free(slot);
		return;
	}
	drv_list_add(&s->spare_slots, &slot->link);
	s->nspare_slots++;
}

static struct rx_buffer *take_rx(struct drv_server *s)
{
	struct rx_buffer *rx = s->spare_rx;
	if (rx) {
		s->spare_rx = rx->next;
		s->nspare_rx--;
	} else if (!(rx = malloc(sizeof *rx))) {
		return NULL;
	}
	rx->refs = 1;
	return rx;
}

static void unref_rx(struct drv_server *s, struct rx_buffer *rx)
{
	if (--rx->refs)
		return;
	if (s->nspare_rx == KEPT_SPARES) {
		free(rx);
		return;
	}
	rx->next = s->spare_rx;
	s->spare_rx = rx;
	s->nspare_rx++;
}

/* ---- page buffers ---- */

static struct mapping *mapping_of(struct drv_link *l)
{
	return drv_container_of(l, struct mapping, lru);
}

static void unmap(struct drv_server *s, struct mapping *m)
{
	s->stats.mapped -= m->size;
	if (m->data)
		munmap(m->data, m->size);
	free(m);
}

/* Takes entry i out of c's table: unmapped now if no call uses it, else
 * when the last one ends. */
static void untable(struct drv_server *s, struct connection *c, unsigned i)
{
	struct mapping *m = c->maps[i];
	c->maps[i] = c->maps[--c->nmaps];
	c->mapped -= m->size;
	m->conn = NULL;
	if (!m->users) {
		drv_list_del(&m->lru);
		unmap(s, m);
	}
}

/* A call is done with m. */
static void release_mapping(struct drv_server *s, struct mapping *m)
{
	if (--m->users)
		return;
	if (m->conn)
		drv_list_add(&s->lru, &m->lru); /* kept for the client to send again */
	else
		unmap(s, m);
}

/* Lets go of the least recently used mapping of c that no call uses;
 * false if there is none. */
static bool evict_own(struct drv_server *s, struct connection *c)
{
	int victim = -1;
	for (unsigned i = 0; i < c->nmaps; i++)
		if (!c->maps[i]->users &&
		    (victim < 0 || c->maps[i]->used < c->maps[victim]->used))
			victim = (int)i;
	if (victim >= 0)
		untable(s, c, (unsigned)victim);
	return victim >= 0;
}

/* ... of any connection. */
static bool evict_any(struct drv_server *s)
{
	if (drv_list_empty(&s->lru))
		return false;
	struct mapping *m = mapping_of(s->lru.next);
	struct connection *c = m->conn;
	for (unsigned i = 0; i < c->nmaps; i++)
		if (c->maps[i] == m) {
			untable(s, c, i);
			break;
		}
	return true;
}

/* Room for `size` more bytes in c's table, letting go of mappings no call
 * uses, least recently used first. */
static bool make_room(struct drv_server *s, struct connection *c, uint64_t size)
{
	const struct drv_server_options *lim = &s->limits;
	if (size > lim->max_mapped_per_connection || size > lim->max_mapped || size > SIZE_MAX)
		return false;
	while (c->nmaps >= lim->max_mappings || c->mapped + size > lim->max_mapped_per_connection)
		if (!evict_own(s, c))
			return false;
	while (s->stats.mapped + size > lim->max_mapped)
		if (!evict_any(s))
			return false;
	return true;
}

/* A page buffer's memfd, mapped: one the client sealed against shrinking,
 * so no byte the handler may touch can vanish under it. NULL with the
 * status to refuse it with: DRV_STATUS_BAD_CAPS for the client's fault,
 * DRV_STATUS_LIMIT for a limit or the server's own shortage. */
static struct mapping *map_pages(struct connection *c, int fd, uint32_t *refusal)
{
	struct drv_server *s = c->object->server;
	struct stat st;
	*refusal = DRV_STATUS_BAD_CAPS;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return NULL;
	uint64_t now = ++s->clock;
	for (unsigned i = 0; i < c->nmaps; i++) {
		struct mapping *m = c->maps[i];
		if (m->dev == st.st_dev && m->ino == st.st_ino && m->size == (size_t)st.st_size) {
			if (!m->users++)
				drv_list_del(&m->lru);
			m->used = now;
			return m;
		}
	}
	*refusal = DRV_STATUS_LIMIT;
	uint64_t size = (uint64_t)st.st_size;
	struct mapping *m = NULL;
	if (!make_room(s, c, size) || !(m = calloc(1, sizeof *m))) {
		s->stats.refused_mappings++;
		return NULL;
	}
	/* no MAP_POPULATE: a client must not make the server fault in pages
	 * the handler never touches */
	while (size && (m->data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) ==
			       MAP_FAILED) {
		int err = errno;
		if (err == ENOMEM && evict_any(s))
			continue; /* out of address space: what no call uses goes first */
		if (err == ENOMEM)
			s->stats.refused_mappings++;
		else
			*refusal = DRV_STATUS_BAD_CAPS; /* not a file one may map so */
		free(m);
		return NULL;
	}
	m->size = size;
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->users = 1;
	m->conn = c;
	m->used = now;
	c->maps[c->nmaps++] = m;
	c->mapped += size;
	s->stats.mapped += size;
	return m;
}

/* A handler must not block the loop on a client's descriptor (a pipe the
 * client filled): it gets EAGAIN instead. The flag is on the open file,
 * which the client shares (docs/ipc.md). */
static void make_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* ---- connections ---- */

static void set_events(struct drv_server *s, int fd, uint32_t events, void *owner)
{
	struct epoll_event ev = {.events = events, .data.ptr = owner};
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev);
}

/* A connection is read unless it is starved or has output held; one with
 * output held is written when its socket has room. */
static void update_events(struct connection *c)
{
	uint32_t events = c->held ? EPOLLOUT : c->starved ? 0 : EPOLLIN;
	if (events != c->events) {
		c->events = events;
		set_events(c->object->server, c->fd, events, c);
	}
}

static void set_starved(struct connection *c, bool starved)
{
	if (starved == c->starved)
		return;
	c->starved = starved;
	c->object->server->starved += starved ? 1 : -1;
	update_events(c);
}

/* An empty outbox: a batch of one message goes as the message. */
static struct outbox *new_outbox(void)
{
	struct outbox *o = malloc(sizeof *o);
	if (o) {
		drv_batch_init(&o->batch);
		o->batch.always = false;
	}
	return o;
}

/* Drops what an outbox holds: its descriptors are closed. */
static void empty_outbox(struct outbox *o)
{
	drv_close_fds(o->batch.fds, o->batch.nfds);
	drv_batch_init(&o->batch);
}

/* Ends a call: what it received and what its reply did not send. */
static void finish_slot(struct drv_server *s, struct call_slot *slot)
{
	drv_close_fds(slot->fds, slot->nfds);
	slot->nfds = 0;
	for (unsigned i = 0; i < slot->nmaps; i++)
		release_mapping(s, slot->maps[i]);
	slot->nmaps = 0;
	for (unsigned i = 0; i < slot->call.nreply_caps; i++)
		if (slot->call.reply_caps[i].fd >= 0)
			close(slot->call.reply_caps[i].fd);
	slot->call.nreply_caps = 0;
	slot->state = SLOT_IDLE;
}

static void drop_connection(struct connection *c)
{
	struct drv_server *s = c->object->server;
	if (c->dead)
		return;
	c->dead = true;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	s->registered--;
	if (--s->nconns == 0 && s->busy_fn)
		s->busy_fn(s->busy_ctx, false);
	if (c->starved)
		s->starved--;
	c->starved = false;
	/* The driver still holds them; answering one just ends it. The server
	 * keeps them, to free what the driver never answers. */
	while (!drv_list_empty(&c->deferred_calls)) {
		struct call_slot *slot = slot_of(c->deferred_calls.next);
		drv_list_del(&slot->link);
		slot->conn = NULL;
		slot->call.cancelled = true;
		drv_list_add(&s->orphans, &slot->link);
	}
	c->deferred = 0;
	while (c->nmaps)
		untable(s, c, c->nmaps - 1);
	if (c->out)
		empty_outbox(c->out);
	while (c->held) {
		struct outbox *o = c->held;
		c->held = o->next;
		empty_outbox(o);
		free(o);
	}
	c->held_last = NULL;
	c->held_bytes = 0;
	s->reap = true;
}

static void free_connection(struct drv_server *s, struct connection *c)
{
	if (c->rx)
		unref_rx(s, c->rx);
	if (c->slot)
		put_slot(s, c->slot);
	free(c->out);
	free(c);
}

/* Frees what was dropped or unwatched this round, once nothing refers to
 * it. */
static void reap(struct drv_server *s)
{
	for (struct drv_object *o = s->objects; o; o = o->next)
		for (struct connection **p = &o->conns; *p;) {
			struct connection *c = *p;
			if (c->dead) {
				*p = c->next;
				free_connection(s, c);
			} else {
				p = &c->next;
			}
		}
	for (struct watch **p = &s->watches; *p;) {
		struct watch *w = *p;
		if (w->dead) {
			*p = w->next;
			free(w);
		} else {
			p = &w->next;
		}
	}
	s->reap = false;
}

/* Gives c what its next datagram needs, a slot and a buffer of its own,
 * or stops reading it until it has them (a deferred call of it ends, or
 * memory comes back). */
static void restock(struct connection *c)
{
	struct drv_server *s = c->object->server;
	if (c->rx->refs > 1) {
		struct rx_buffer *rx = take_rx(s);
		if (rx) {
			c->rx->refs--;
			c->rx = rx;
		}
	}
	if (!c->slot)
		c->slot = take_slot(s);
	set_starved(c, !c->slot || c->rx->refs > 1);
}

/* ---- sending ---- */

/* Sends what c's socket takes of the output held for it, oldest first;
 * once all of it has gone, c is read again. */
static void send_held(struct connection *c)
{
	struct drv_server *s = c->object->server;
	while (c->held) {
		struct outbox *o = c->held;
		uint32_t len = o->batch.len;
		unsigned nfds = o->batch.nfds;
		if (drv_batch_send(c->fd, &o->batch, MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			s->stats.dropped++;
			drop_connection(c);
			return;
		}
		drv_close_fds(o->batch.fds, nfds);
		c->held_bytes -= len;
		c->held = o->next;
		free(o);
	}
	c->held_last = NULL;
	update_events(c);
}

/* Whether c may be held `more` bytes more: a client with calls in flight
 * may be busy a while before it reads their replies, but one that lets
 * more pile up than the replies of max_deferred calls come to is cut
 * off. */
static bool may_hold(struct connection *c, size_t more)
{
	struct drv_server *s = c->object->server;
	if (c->held_bytes + more <= (size_t)s->limits.max_deferred * DRV_MAX_MESSAGE)
		return true;
	s->stats.dropped++;
	drop_connection(c);
	return false;
}

/* Puts o last in what c's full socket could not take yet. */
static void hold(struct connection *c, struct outbox *o)
{
	o->next = NULL;
	if (c->held_last)
		c->held_last->next = o;
	else
		c->held = o;
	c->held_last = o;
	c->held_bytes += o->batch.len;
	update_events(c);
}

/* Sends what was gathered for c, or holds it while c's socket is full
 * (and reads nothing more from c meanwhile). */
static void flush_out(struct connection *c)
{
	struct outbox *o = c->out;
	if (!o->batch.count)
		return;
	unsigned nfds = o->batch.nfds;
	if (drv_batch_send(c->fd, &o->batch, MSG_DONTWAIT) == 0) {
		drv_close_fds(o->batch.fds, nfds);
		return;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		c->object->server->stats.dropped++;
		drop_connection(c);
		return;
	}
	struct outbox *fresh = new_outbox();
	if (!fresh || !may_hold(c, o->batch.len)) {
		free(fresh);
		if (!c->dead)
			drop_connection(c); /* no memory to hold it */
		return;
	}
	c->out = fresh;
	c->object->server->stats.held++;
	hold(c, o);
}

/* Adds a message to what c's full socket could not take yet. */
static void hold_message(struct connection *c, const uint8_t *msg, uint32_t size, const int *fds,
			 unsigned nfds)
{
	struct outbox *o = c->held_last;
	if (may_hold(c, size) && !drv_batch_fits(&o->batch, size, nfds)) {
		if ((o = new_outbox())) {
			hold(c, o);
		} else {
			drop_connection(c); /* no memory to hold it */
		}
	}
	if (c->dead) {
		drv_close_fds(fds, nfds);
		return;
	}
	drv_batch_add(&o->batch, msg, size, fds, nfds);
	c->held_bytes += size;
}

/* Sends one message to c now or, if c reads batches, adds it to what goes
 * to c together at the end of the round (or to what its full socket could
 * not take yet); its descriptors are given away. A client that reads one
 * message at a time and does not read what it is sent is not waited for:
 * it is cut off. */
static void send_message(struct connection *c, const uint8_t *msg, uint32_t size, const int *fds,
			 unsigned nfds)
{
	struct drv_server *s = c->object->server;
	if (c->dead) {
		drv_close_fds(fds, nfds);
	} else if (!c->out) {
		if (drv_send(c->fd, msg, size, fds, nfds, MSG_DONTWAIT) < 0) {
			s->stats.dropped++;
			drop_connection(c);
		}
		drv_close_fds(fds, nfds);
	} else if (c->held) {
		hold_message(c, msg, size, fds, nfds);
	} else if (!drv_batch_fits(&c->out->batch, size, nfds)) {
		flush_out(c);
		send_message(c, msg, size, fds, nfds); /* into the emptied batch, or held */
	} else {
		drv_batch_add(&c->out->batch, msg, size, fds, nfds);
		if (!c->queued) {
			c->queued = true;
			c->next_out = s->out_list;
			s->out_list = c;
		}
	}
}

/* Sends what was gathered for each connection this round. */
static void flush_all(struct drv_server *s)
{
	while (s->out_list) {
		struct connection *c = s->out_list;
		s->out_list = c->next_out;
		c->queued = false;
		if (!c->dead)
			flush_out(c);
	}
}

/* A reply of a header alone: what a refusal is. */
static void answer_status(struct connection *c, uint64_t label, uint32_t request, uint32_t status)
{
	_Alignas(8) uint8_t msg[DRV_HEADER_SIZE];
	struct drv_header h = {label, request, 0, 0, DRV_KIND_REPLY, status};
	drv_header_put(msg, &h);
	send_message(c, msg, sizeof msg, NULL, 0);
}

static void answer(struct connection *c, struct call_slot *slot, uint32_t status)
{
	struct drv_call *call = &slot->call;
	if (status) {
		answer_status(c, call->label, call->request, status);
		return;
	}
	struct drv_header h = {call->label, call->request,	    call->reply_len,
			       (uint16_t)call->nreply_caps, DRV_KIND_REPLY, 0};
	int fds[DRV_MAX_CAPS];
	for (unsigned i = 0; i < h.ncaps; i++)
		fds[i] = call->reply_caps[i].fd;
	call->nreply_caps = 0; /* given away */
	drv_header_put(slot->reply, &h);
	send_message(c, slot->reply, DRV_HEADER_SIZE + h.length, fds, h.ncaps);
}

/* ---- serving a request ---- */

static void server_finish(struct drv_call *call, uint32_t status);

/* The transport's part of validation: the header against what arrived,
 * and the capabilities. Returns a status for the reply, 0 if the message
 * may be dispatched. */
static uint32_t check_message(struct connection *c, struct call_slot *slot,
			      const struct drv_header *h, size_t n)
{
	struct drv_call *call = &slot->call;
	uint32_t st = drv_check_header(h, n, slot->nfds);
	if (st)
		return st;
	for (unsigned i = 0; i < slot->nfds; i++) {
		struct drv_cap *cap = &call->caps[i];
		if (h->status >> i & 1) {
			struct mapping *m = map_pages(c, slot->fds[i], &st);
			if (!m)
				return st;
			slot->maps[slot->nmaps++] = m;
			close(slot->fds[i]); /* mapped: the pages stay */
			slot->fds[i] = -1;
			cap->kind = DRV_CAP_PAGES;
			cap->fd = -1;
			cap->pages.data = m->data;
			cap->pages.size = m->size;
		} else {
			cap->kind = DRV_CAP_HANDLE;
			cap->fd = slot->fds[i];
			make_nonblocking(cap->fd);
		}
	}
	call->ncaps = slot->nfds;
	return 0;
}

static void prepare_call(struct call_slot *slot, const struct drv_header *h, const uint8_t *msg)
{
	struct drv_call *call = &slot->call;
	call->label = h->label;
	call->request = h->request;
	call->kind = h->kind;
	call->msg = msg + DRV_HEADER_SIZE;
	call->len = h->length;
	call->reply = slot->reply + DRV_HEADER_SIZE;
	call->reply_cap = DRV_MAX_PAYLOAD;
	call->reply_len = 0;
	call->scratch = (uint8_t *)slot->scratch;
	call->scratch_cap = DRV_SCRATCH_SIZE;
	call->ncaps = 0;
	call->nreply_caps = 0;
	call->finish = server_finish;
	call->transport = slot;
	call->cancelled = false;
}

/* The slot's call goes on after its handler returned: it keeps the slot
 * and the datagram its request lies in, and c gets others when it can. */
static void defer(struct connection *c, struct call_slot *slot)
{
	struct drv_server *s = c->object->server;
	slot->state = SLOT_DEFERRED;
	slot->rx = c->rx;
	c->rx->refs++;
	drv_list_add(&c->deferred_calls, &slot->link);
	c->deferred++;
	s->stats.deferred++;
	c->slot = take_slot(s); /* none: c's next request is refused, and c waits */
}

/* One request of c, the message at msg (n bytes, in c->rx) with its
 * descriptors (the server's now), or its refusal with that status. */
static void serve_request(struct connection *c, const struct drv_header *h, const uint8_t *msg,
			  size_t n, const int *fds, unsigned nfds, uint32_t refusal)
{
	struct drv_server *s = c->object->server;
	struct call_slot *slot = c->slot;
	if (refusal) {
		s->stats.refused_descriptors++;
	} else if (!slot) {
		refusal = DRV_STATUS_LIMIT;
		s->stats.refused_memory++;
	} else if (h->kind == DRV_KIND_CALL && c->deferred >= s->limits.max_deferred) {
		refusal = DRV_STATUS_LIMIT;
		s->stats.refused_deferred++;
	}
	if (refusal) {
		drv_close_fds(fds, nfds);
		s->stats.errors++;
		if (h->kind == DRV_KIND_CALL)
			answer_status(c, h->label, h->request, refusal);
		return;
	}
	prepare_call(slot, h, msg);
	slot->conn = c;
	drv_copy(slot->fds, fds, nfds * (uint32_t)sizeof *fds);
	slot->nfds = nfds;
	int st = (int)check_message(c, slot, h, n);
	if (st == 0) {
		s->stats.calls++;
		slot->state = SLOT_DISPATCHING;
		st = c->object->iface->dispatch(c->object->self, &slot->call);
		if (st == DRV_DEFER && slot->state == SLOT_DISPATCHING) {
			defer(c, slot);
			return;
		}
		if (st == DRV_DEFER) /* answered before its handler returned */
			st = (int)slot->early_status;
	}
	if (drv_is_transport_status((uint32_t)st)) {
		s->stats.errors++;
		if (drv_is_client_fault((uint32_t)st) && c->object->iface->close_on_malformed) {
			s->stats.dropped++;
			finish_slot(s, slot);
			drop_connection(c);
			return;
		}
	}
	if (h->kind == DRV_KIND_CALL)
		answer(c, slot, (uint32_t)st);
	finish_slot(s, slot);
}

/* A batch of requests: each served in turn, their replies sent together.
 * Its framing is checked whole first: a batch one cannot split into
 * requests cannot be answered, and its client goes. */
static void serve_batch(struct connection *c, const struct drv_header *h,
			const struct drv_received *r, const int *fds)
{
	struct drv_server *s = c->object->server;
	/* descriptors lost for want of room here are the server's shortage:
	 * each call is refused, its client kept */
	bool short_fds = r->fds_cut && h->ncaps <= DRV_MAX_BATCH_CAPS && r->nfds < h->ncaps;
	struct drv_batch_cursor k = {c->rx->data, (uint32_t)r->len, h->ncaps, DRV_HEADER_SIZE,
				     0,		  0,		   0};
	struct drv_header m;
	int more = drv_batch_header_ok(h, (size_t)r->len) &&
			   (short_fds || (!r->fds_cut && h->ncaps == r->nfds))
		   ? 1
		   : -1;
	while (more > 0)
		if ((more = drv_batch_next(&k, &m)) > 0 && m.kind != DRV_KIND_CALL &&
		    m.kind != DRV_KIND_SEND)
			more = -1;
	if (more < 0) {
		s->stats.dropped++;
		drv_close_fds(fds, r->nfds);
		drop_connection(c);
		return;
	}
	s->stats.batches++;
	if (!c->out)
		c->out = new_outbox(); /* it reads batches: replies go so too */
	if (short_fds)
		drv_close_fds(fds, r->nfds);
	k.at = DRV_HEADER_SIZE;
	k.fds_at = 0;
	while (!c->dead && drv_batch_next(&k, &m) > 0)
		serve_request(c, &m, c->rx->data + k.msg, DRV_HEADER_SIZE + m.length,
			      short_fds ? NULL : fds + k.first_fd, short_fds ? 0 : m.ncaps,
			      short_fds ? DRV_STATUS_LIMIT : 0);
	if (c->dead && !short_fds)
		drv_close_fds(fds + k.fds_at, r->nfds - k.fds_at);
}

/* Reads and serves one datagram of connection c. */
static void serve_connection(struct connection *c)
{
	struct drv_server *s = c->object->server;
	int fds[DRV_MAX_BATCH_CAPS];
	struct drv_received r;
	drv_receive(c->fd, c->rx->data, fds, DRV_MAX_BATCH_CAPS, MSG_DONTWAIT, &r);
	if (r.len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	struct drv_header h = {0, 0, 0, 0, 0, 0};
	if (r.len >= DRV_HEADER_SIZE)
		drv_header_get(c->rx->data, &h);
	/* a request with more descriptors than a message may carry, or fewer
	 * than it says because none are free here (EMFILE): the latter is
	 * refused, the client kept */
	bool short_fds = r.fds_cut && h.ncaps <= DRV_MAX_CAPS && r.nfds < h.ncaps;
	bool single = h.kind == DRV_KIND_CALL || h.kind == DRV_KIND_SEND;
	/* Not a message one could even answer: the client goes. */
	if (r.len < DRV_HEADER_SIZE || r.too_long || !(single || h.kind == DRV_KIND_BATCH) ||
	    (single && (r.nfds > DRV_MAX_CAPS || (r.fds_cut && !short_fds)))) {
		if (r.len > 0)
			s->stats.dropped++;
		drv_close_fds(fds, r.nfds);
		drop_connection(c);
		return;
	}
	c->serving = true;
	if (h.kind == DRV_KIND_BATCH)
		serve_batch(c, &h, &r, fds);
	else if (short_fds)
		serve_request(c, &h, c->rx->data, (size_t)r.len, fds, r.nfds, DRV_STATUS_LIMIT);
	else
		serve_request(c, &h, c->rx->data, (size_t)r.len, fds, r.nfds, 0);
	c->serving = false;
	if (!c->dead)
		restock(c);
}

/* How a transport learns a deferred reply is ready (call->finish). */
static void server_finish(struct drv_call *call, uint32_t status)
{
	struct call_slot *slot = call->transport;
	struct drv_server *s = slot->server;
	if (slot->state == SLOT_DISPATCHING) {
		slot->state = SLOT_ANSWERED_EARLY;
		slot->early_status = status;
		return;
	}
	if (slot->state != SLOT_DEFERRED)
		return; /* answered twice: the second one is dropped */
	struct connection *c = slot->conn;
	drv_list_del(&slot->link);
	if (c) {
		c->deferred--;
		/* a deferred reply is the driver's answer, never the client's fault */
		answer(c, slot, status);
	}
	finish_slot(s, slot);
	unref_rx(s, slot->rx);
	put_slot(s, slot);
	if (c && c->starved && !c->dead && !c->serving)
		restock(c);
	if (!s->depth)
		flush_all(s);
}

/* ---- events ---- */

uint8_t *drv_event_buffer(struct drv_object *obj)
{
	return obj->event + DRV_HEADER_SIZE;
}

pid_t drv_call_peer_pid(const struct drv_call *call)
{
	if (call->finish != server_finish)
		return 0; /* an in-process client's */
	const struct call_slot *slot = call->transport;
	struct ucred cred;
	socklen_t len = sizeof cred;
	if (!slot->conn || getsockopt(slot->conn->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	return cred.pid;
}

int drv_event_send(struct drv_object *obj, uint64_t label, uint32_t len)
{
	struct drv_server *s = obj->server;
	struct drv_header h = {label, 0, len, 0, DRV_KIND_EVENT, 0};
	drv_header_put(obj->event, &h);
	for (struct connection *c = obj->conns; c; c = c->next) {
		if (c->dead)
			continue;
		s->stats.events++;
		send_message(c, obj->event, DRV_HEADER_SIZE + len, NULL, 0);
	}
	if (!s->depth)
		flush_all(s);
	for (struct local_client *l = obj->locals; l; l = l->next)
		if (!l->closed)
			drv_client_deliver(&l->c, label, obj->event + DRV_HEADER_SIZE, len);
	return 0;
}

/* ---- accepting clients ---- */

/* Tells a client the server will not serve it (a reply to request 0
 * with DRV_STATUS_LIMIT, which its first call returns) and closes it. */
static void refuse_connection(struct drv_server *s, int fd)
{
	_Alignas(8) uint8_t msg[DRV_HEADER_SIZE];
	struct drv_header h = {0, 0, 0, 0, DRV_KIND_REPLY, DRV_STATUS_LIMIT};
	drv_header_put(msg, &h);
	drv_send(fd, msg, sizeof msg, NULL, 0, MSG_DONTWAIT);
	close(fd);
	s->stats.refused_connections++;
}

static struct connection *new_connection(struct drv_object *o, int fd)
{
	struct drv_server *s = o->server;
	struct connection *c =
		calloc(1, sizeof *c + s->limits.max_mappings * sizeof(struct mapping *));
	if (!c)
		return NULL;
	c->kind = OWN_CONN;
	c->object = o;
	c->fd = fd;
	c->events = EPOLLIN;
	drv_list_init(&c->deferred_calls);
	c->rx = take_rx(s);
	c->slot = take_slot(s);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	if (!c->rx || !c->slot || epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free_connection(s, c);
		return NULL;
	}
	c->next = o->conns;
	o->conns = c;
	if (s->nconns++ == 0 && s->busy_fn)
		s->busy_fn(s->busy_ctx, true); /* before anything the client sent is read */
	s->registered++;
	s->stats.clients++;
	return c;
}

/* Stops reading the listening sockets for a while: accept failed for want
 * of memory, or of a descriptor with none in reserve, and would fail again
 * at once. */
static void pause_accepting(struct drv_server *s)
{
	s->accept_resume = now_ms() + RETRY_MS;
	for (struct drv_object *o = s->objects; o; o = o->next)
		if (o->listen_fd >= 0)
			set_events(s, o->listen_fd, 0, o);
}

static void resume_accepting(struct drv_server *s)
{
	s->accept_resume = 0;
	for (struct drv_object *o = s->objects; o; o = o->next)
		if (o->listen_fd >= 0)
			set_events(s, o->listen_fd, EPOLLIN, o);
}

static void accept_clients(struct drv_object *o)
{
	struct drv_server *s = o->server;
	for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
		int fd = accept4(o->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE) && s->reserve_fd >= 0) {
			close(s->reserve_fd);
			fd = accept4(o->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd >= 0)
				refuse_connection(s, fd);
			s->reserve_fd = fcntl(s->epfd, F_DUPFD_CLOEXEC, 0);
			if (fd >= 0)
				continue;
		}
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				pause_accepting(s);
			return;
		}
		if (s->nconns >= s->limits.max_connections || !new_connection(o, fd))
			refuse_connection(s, fd);
	}
}

/* ---- the loop ---- */

static struct watch *find_watch(struct drv_server *s, int fd)
{
	for (struct watch *w = s->watches; w; w = w->next)
		if (w->fd == fd && !w->dead)
			return w;
	return NULL;
}

/* Connections waiting for a slot or a buffer try again. */
static void retry_starved(struct drv_server *s)
{
	for (struct drv_object *o = s->objects; o && s->starved; o = o->next)
		for (struct connection *c = o->conns; c; c = c->next)
			if (c->starved && !c->dead && !c->serving)
				restock(c);
}

static void handle_event(const struct epoll_event *ev)
{
	switch (*(enum owner_kind *)ev->data.ptr) {
	case OWN_LISTEN:
		break; /* accepted first */
	case OWN_CONN: {
		struct connection *c = ev->data.ptr;
		if (c->dead)
			break;
		if (ev->events & EPOLLOUT)
			send_held(c);
		if (c->dead)
			break;
		if (c->serving && (ev->events & EPOLLIN))
			set_starved(c, true); /* a round inside its handler: read after */
		else if (ev->events & EPOLLIN)
			serve_connection(c);
		else if (ev->events & (EPOLLHUP | EPOLLERR))
			drop_connection(c);
		break;
	}
	case OWN_WATCH: {
		struct watch *w = ev->data.ptr;
		if (!w->dead)
			w->fn(w->ctx, w->fd, (short)ev->events);
		break;
	}
	}
}

int drv_server_run_once(struct drv_server *s, int timeout_ms)
{
	if (s->starved && !s->depth)
		retry_starved(s);
	int64_t now = s->accept_resume || s->starved ? now_ms() : 0;
	if (s->accept_resume && now >= s->accept_resume)
		resume_accepting(s);
	if (!s->registered)
		return -EDEADLK;
	/* what waits for memory or descriptors is tried again in a while */
	int64_t wake = s->starved ? now + RETRY_MS : s->accept_resume;
	if (wake && (timeout_ms < 0 || now + timeout_ms > wake))
		timeout_ms = (int)(wake - now);
	struct epoll_event ready[READY_MAX];
	int n = epoll_wait(s->epfd, ready, READY_MAX, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	s->depth++;
	/* New clients first: one that connected before another's request
	 * gets the events that request makes. (epoll lists first what it
	 * returned last round, before what became ready since.) */
	for (int i = 0; i < n; i++)
		if (*(enum owner_kind *)ready[i].data.ptr == OWN_LISTEN)
			accept_clients(ready[i].data.ptr);
	for (int i = 0; i < n; i++)
		if (*(enum owner_kind *)ready[i].data.ptr != OWN_LISTEN)
			handle_event(&ready[i]);
	flush_all(s);
	if (--s->depth == 0 && s->reap)
		reap(s);
	return n;
}

int drv_server_run(struct drv_server *s)
{
	s->stopped = false;
	while (!s->stopped) {
		int st = drv_server_run_once(s, -1);
		if (st < 0)
			return st;
	}
	return 0;
}

void drv_server_stop(struct drv_server *s)
{
	s->stopped = true;
}

int drv_server_watch(struct drv_server *s, int fd, short events, drv_watch_fn fn, void *ctx)
{
	if (fd < 0 || !fn || find_watch(s, fd))
		return -EINVAL;
	struct watch *w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	*w = (struct watch){OWN_WATCH, fd, events, fn, ctx, false, s->watches};
	/* poll's POLLIN, POLLPRI, POLLOUT, ... are epoll's bits too */
	struct epoll_event ev = {.events = (uint16_t)events, .data.ptr = w};
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;
		free(w);
		return -err;
	}
	s->watches = w;
	s->registered++;
	return 0;
}

void drv_server_unwatch(struct drv_server *s, int fd)
{
	struct watch *w = find_watch(s, fd);
	if (!w)
		return;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
	w->dead = true;
	s->registered--;
	s->reap = true;
	if (!s->depth)
		reap(s);
}

void drv_server_on_busy(struct drv_server *s, drv_busy_fn fn, void *ctx)
{
	s->busy_fn = fn;
	s->busy_ctx = ctx;
}

void drv_server_get_stats(const struct drv_server *s, struct drv_server_stats *out)
{
	*out = s->stats;
	out->connections = s->nconns;
}

void drv_server_get_options(const struct drv_server *s, struct drv_server_options *out)
{
	*out = s->limits;
}

/* ---- objects ---- */

int drv_server_new_with(struct drv_server **out, const struct drv_server_options *options)
{
	*out = NULL;
	struct drv_server *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	if (options)
		s->limits = *options;
	struct drv_server_options *lim = &s->limits;
	if (!lim->max_connections)
		lim->max_connections = DRV_DEFAULT_MAX_CONNECTIONS;
	if (!lim->max_deferred)
		lim->max_deferred = DRV_DEFAULT_MAX_DEFERRED;
	if (!lim->max_mappings)
		lim->max_mappings = DRV_DEFAULT_MAX_MAPPINGS;
	if (!lim->max_mapped_per_connection)
		lim->max_mapped_per_connection = DRV_DEFAULT_MAX_MAPPED_PER_CONNECTION;
	if (!lim->max_mapped)
		lim->max_mapped = DRV_DEFAULT_MAX_MAPPED;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		int err = errno;
		free(s);
		return -err;
	}
	s->reserve_fd = fcntl(s->epfd, F_DUPFD_CLOEXEC, 0);
	drv_list_init(&s->spare_slots);
	drv_list_init(&s->orphans);
	drv_list_init(&s->lru);
	*out = s;
	return 0;
}

int drv_server_new(struct drv_server **out)
{
	return drv_server_new_with(out, NULL);
}

int drv_server_add(struct drv_server *s, const struct drv_interface *iface, void *self,
		   struct drv_object **out)
{
	struct drv_object *o = calloc(1, sizeof *o);
	*out = NULL;
	if (!o)
		return -ENOMEM;
	o->kind = OWN_LISTEN;
	o->server = s;
	o->iface = iface;
	o->self = self;
	o->listen_fd = -1;
	o->instance = -1;
	o->next = s->objects;
	s->objects = o;
	iface->attach(self, o);
	*out = o;
	return 0;
}

static int make_dirs(const char *path)
{
	char buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
	if (strlen(path) >= sizeof buf)
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Whether a socket file is left by a server that died: nobody listens. */
static bool is_stale(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, path);
	/* non-blocking: a live listener with a full backlog answers EAGAIN at
	 * once, where a blocking connect would wait for it to accept (devd
	 * places names inside its one loop) */
	int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (probe < 0)
		return false;
	bool refused = connect(probe, (struct sockaddr *)&addr, sizeof addr) < 0 &&
		       errno == ECONNREFUSED;
	close(probe);
	return refused;
}

/* Gives the listening socket at tmp the name path, unless a live server
 * has it: link() never replaces, so two servers never share an instance. */
static int place(const char *tmp, const char *path)
{
	if (link(tmp, path) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (!is_stale(path))
		return -EADDRINUSE;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	if (link(tmp, path) == 0)
		return 0;
	return errno == EEXIST ? -EADDRINUSE : -errno;
}

/* The loop accepts o's clients on fd from now on. */
static int serve_listener(struct drv_object *o, int fd)
{
	struct drv_server *s = o->server;
	struct epoll_event ev = {.events = s->accept_resume ? 0 : EPOLLIN, .data.ptr = o};
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	o->listen_fd = fd;
	s->registered++;
	return 0;
}

/* The socket listens before its name appears (it is bound under a
 * temporary name first), so a client that finds the name can connect. */
int drv_listen_named(const char *interface_name, int instance, int *fd_out, int *instance_out)
{
	static unsigned temporaries;
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)], tmp[sizeof dir], path[sizeof dir];
	int len = snprintf(dir, sizeof dir, "%s/%s", drv_run_dir(), interface_name);
	if (len < 0 || (size_t)len >= sizeof dir)
		return -ENAMETOOLONG;
	len = snprintf(tmp, sizeof tmp, "%s/.%d-%u", dir, (int)getpid(), temporaries++);
	if (len < 0 || (size_t)len >= sizeof tmp)
		return -ENAMETOOLONG;
	int st = make_dirs(dir);
	if (st)
		return st;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, tmp);
	unlink(tmp);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 64) < 0) {
		st = -errno;
		close(fd);
		unlink(tmp);
		return st;
	}
	for (int n = instance < 0 ? 0 : instance;; n++) {
		len = snprintf(path, sizeof path, "%s/%d", dir, n);
		if (len < 0 || (size_t)len >= sizeof path) {
			st = -ENAMETOOLONG;
			break;
		}
		st = place(tmp, path);
		if (st == 0) {
			*instance_out = n;
			break;
		}
		if (st != -EADDRINUSE || instance >= 0)
			break;
	}
	unlink(tmp);
	if (st) {
		close(fd);
		return st;
	}
	*fd_out = fd;
	return 0;
}

int drv_object_publish(struct drv_object *o, int instance)
{
	if (o->listen_fd >= 0)
		return -EBUSY;
	int fd, n;
	int st = drv_listen_named(o->iface->name, instance, &fd, &n);
	if (st)
		return st;
	snprintf(o->path, sizeof o->path, "%s/%s/%d", drv_run_dir(), o->iface->name, n);
	o->instance = n;
	st = serve_listener(o, fd);
	if (st) {
		unlink(o->path);
		o->path[0] = '\0';
		o->instance = -1;
		close(fd);
	}
	return st;
}

int drv_object_listen(struct drv_object *o, int fd, int instance)
{
	if (o->listen_fd >= 0)
		return -EBUSY;
	int type = 0, listening = 0;
	socklen_t len = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return -errno;
	len = sizeof listening;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
		return -errno;
	if (type != SOCK_SEQPACKET || !listening)
		return -ENOTSOCK;
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	o->instance = instance;
	o->path[0] = '\0'; /* the name is whoever made the socket's */
	int st = serve_listener(o, fd);
	if (st)
		o->instance = -1;
	return st;
}

int drv_object_instance(const struct drv_object *o)
{
	return o->instance;
}

static void local_shutdown(struct local_client *l);
static void local_release(struct local_call *lc);
static void free_local_call(struct local_call *lc);

void drv_server_free(struct drv_server *s)
{
	if (!s)
		return;
	s->busy_fn = NULL; /* closing every connection is not the driver going idle */
	for (struct drv_object *o = s->objects; o; o = o->next)
		for (struct connection *c = o->conns; c; c = c->next) {
			while (!drv_list_empty(&c->deferred_calls)) {
				struct call_slot *slot = slot_of(c->deferred_calls.next);
				drv_list_del(&slot->link);
				if (!c->dead)
					answer(c, slot, DRV_STATUS_SHUTDOWN);
				finish_slot(s, slot);
				unref_rx(s, slot->rx);
				free(slot);
			}
			c->deferred = 0;
		}
	flush_all(s);
	for (struct drv_object *o = s->objects; o; o = o->next) {
		for (struct connection *c = o->conns; c; c = c->next)
			drop_connection(c);
		for (struct local_client *l = o->locals; l; l = l->next)
			local_shutdown(l);
		if (o->listen_fd >= 0) {
			close(o->listen_fd);
			if (o->path[0])
				unlink(o->path);
		}
		o->iface->attach(o->self, NULL);
	}
	/* now nothing refers to a connection */
	for (struct drv_object *o = s->objects; o;) {
		struct drv_object *next = o->next;
		for (struct connection *c = o->conns; c;) {
			struct connection *cn = c->next;
			free_connection(s, c);
			c = cn;
		}
		free(o);
		o = next;
	}
	while (!drv_list_empty(&s->orphans)) {
		struct call_slot *slot = slot_of(s->orphans.next);
		drv_list_del(&slot->link);
		finish_slot(s, slot);
		unref_rx(s, slot->rx);
		free(slot);
	}
	while (s->local_orphans) {
		struct local_call *lc = s->local_orphans;
		s->local_orphans = lc->next;
		local_release(lc);
		free_local_call(lc);
	}
	while (!drv_list_empty(&s->spare_slots)) {
		struct call_slot *slot = slot_of(s->spare_slots.next);
		drv_list_del(&slot->link);
		free(slot);
	}
	while (s->spare_rx) {
		struct rx_buffer *rx = s->spare_rx;
		s->spare_rx = rx->next;
		free(rx);
	}
	for (struct watch *w = s->watches; w;) {
		struct watch *next = w->next;
		free(w);
		w = next;
	}
	close(s->epfd);
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	free(s);
}

/* ---- the in-process transport ---- */

/* A started call's own room: its request (the next start reuses the
 * client's), its reply and its scratch. */
enum { LOCAL_ROOM = 2 * DRV_MAX_PAYLOAD + DRV_SCRATCH_SIZE };

static void free_local_call(struct local_call *lc)
{
	free(lc->room);
	free(lc);
}

static void local_finish(struct drv_call *call, uint32_t status);

/* What lc's call took for itself: the handler's copies of handles and,
 * for a started call, its own mappings of page buffers. */
static void local_release(struct local_call *lc)
{
	for (unsigned i = 0; i < lc->call.ncaps; i++) {
		struct drv_cap *cap = &lc->call.caps[i];
		if (cap->kind == DRV_CAP_HANDLE && cap->fd >= 0)
			close(cap->fd);
		if (cap->kind == DRV_CAP_PAGES && lc->pending && cap->pages.data)
			munmap(cap->pages.data, cap->pages.size);
	}
	lc->call.ncaps = 0;
}

/* Takes a capability for lc's handler, as a socket would: its own copy of
 * a handle and, for a started call (whose caller may go before the driver
 * answers), its own mapping of a page buffer. */
static bool local_take_cap(struct local_call *lc, struct drv_cap *cap)
{
	if (cap->kind == DRV_CAP_PAGES) {
		int fd = cap->fd;
		cap->fd = -1;
		if (!lc->pending || !cap->pages.size)
			return true;
		cap->pages.data =
			mmap(NULL, cap->pages.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (cap->pages.data != MAP_FAILED)
			return true;
		cap->pages.data = NULL;
		return false;
	}
	cap->fd = fcntl(cap->fd, F_DUPFD_CLOEXEC, 0);
	if (cap->fd < 0)
		return false;
	make_nonblocking(cap->fd);
	return true;
}

/* Sets up lc's call for the request in msg. 0, or -DRV_E_ARGUMENT. */
static int local_prepare(struct local_call *lc, uint16_t kind, uint64_t label, uint32_t request,
			 const uint8_t *msg, uint32_t len, const struct drv_cap *caps,
			 unsigned ncaps, uint8_t *reply, uint8_t *scratch)
{
	struct drv_call *call = &lc->call;
	memset(call, 0, sizeof *call);
	call->label = label;
	call->request = request;
	call->kind = kind;
	call->msg = msg;
	call->len = len;
	for (unsigned i = 0; i < ncaps; i++) {
		call->caps[i] = caps[i];
		if (!local_take_cap(lc, &call->caps[i])) {
			call->ncaps = i;
			local_release(lc);
			return -DRV_E_ARGUMENT;
		}
	}
	call->ncaps = ncaps;
	call->reply = reply;
	call->reply_cap = DRV_MAX_PAYLOAD;
	call->scratch = scratch;
	call->scratch_cap = DRV_SCRATCH_SIZE;
	call->finish = local_finish;
	call->transport = lc;
	return 0;
}

/* Runs lc's handler: its status, or DRV_DEFER while it waits. */
static int local_dispatch(struct drv_object *o, struct local_call *lc)
{
	lc->state = LOCAL_DISPATCHING;
	o->server->stats.calls++;
	int st = o->iface->dispatch(o->self, &lc->call);
	if (st != DRV_DEFER) {
		lc->state = LOCAL_IDLE;
		return st;
	}
	o->server->stats.deferred++;
	if (lc->state == LOCAL_DISPATCHING) {
		lc->state = LOCAL_WAITING;
		return DRV_DEFER;
	}
	lc->state = LOCAL_IDLE; /* answered before its handler returned */
	return (int)lc->status;
}

/* The protocol's policy closed l: its calls still deferred end, and the
 * driver may answer them into nothing. */
static void local_close(struct local_client *l)
{
	struct drv_server *s = l->object->server;
	l->closed = true;
	while (l->started) {
		struct local_call *lc = l->started;
		l->started = lc->next;
		lc->l = NULL;
		lc->call.cancelled = true;
		lc->next = s->local_orphans;
		s->local_orphans = lc;
	}
	drv_client_fail_all(&l->c, -DRV_E_CONNECTION);
}

/* A call of l has its status: its handles go, and the reply is st, or
 * -DRV_E_CONNECTION when the protocol's policy closes l for it. */
static int local_end(struct local_client *l, struct local_call *lc, int st)
{
	local_release(lc);
	if (!drv_is_transport_status((uint32_t)st))
		return st;
	l->object->server->stats.errors++;
	if (drv_is_client_fault((uint32_t)st) && l->object->iface->close_on_malformed) {
		local_close(l);
		return -DRV_E_CONNECTION;
	}
	return st;
}

/* A started call has its status: its pending gets the reply. */
static void local_complete(struct local_call *lc, int st)
{
	struct local_client *l = lc->l;
	for (struct local_call **p = &l->started; *p; p = &(*p)->next)
		if (*p == lc) {
			*p = lc->next;
			break;
		}
	st = local_end(l, lc, st);
	if (st >= 0) {
		struct drv_call *call = &lc->call;
		int fds[DRV_MAX_CAPS];
		unsigned nfds = st ? 0 : call->nreply_caps;
		for (unsigned i = 0; i < nfds; i++)
			fds[i] = call->reply_caps[i].fd; /* the caller's now */
		drv_client_answer(&l->c, lc->pending, (uint32_t)st, call->reply,
				  st ? 0 : call->reply_len, fds, nfds);
	}
	lc->next = l->spares;
	l->spares = lc;
}

static void local_finish(struct drv_call *call, uint32_t status)
{
	struct local_call *lc = call->transport;
	if (lc->state != LOCAL_DISPATCHING && lc->state != LOCAL_WAITING)
		return; /* answered twice */
	bool waiting = lc->state == LOCAL_WAITING;
	lc->status = status;
	lc->state = LOCAL_ANSWERED;
	if (!waiting || !lc->pending)
		return; /* its dispatch, or the synchronous call's wait, takes it */
	lc->state = LOCAL_IDLE;
	if (lc->l)
		local_complete(lc, (int)status);
	else
		local_release(lc); /* an orphan: kept until the server goes */
}

static int local_call(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
		      const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		      struct drv_reply *r)
{
	(void)reply_caps; /* the handles come as they are */
	struct local_client *l = (struct local_client *)c;
	struct drv_object *o = l->object;
	if (!o || l->closed)
		return -DRV_E_CONNECTION;
	struct local_call *lc = &l->sync;
	int st = local_prepare(lc, kind, label, drv_client_new_request(c), c->out + DRV_HEADER_SIZE,
			       len, caps, ncaps, c->in + DRV_HEADER_SIZE, l->scratch);
	if (st)
		return st;
	st = local_dispatch(o, lc);
	if (st == DRV_DEFER) {
		/* the reply comes from the loop: an interrupt, another client */
		while (lc->state == LOCAL_WAITING) {
			int n = drv_server_run_once(o->server, -1);
			if (n < 0 || !l->object) {
				lc->state = LOCAL_IDLE;
				l->closed = true; /* the token is still out there */
				return -DRV_E_CONNECTION;
			}
		}
		lc->state = LOCAL_IDLE;
		st = (int)lc->status;
	}
	st = local_end(l, lc, st);
	if (st < 0 || !r)
		return st < 0 ? st : 0;
	struct drv_call *call = &lc->call;
	memset(r, 0, sizeof *r);
	r->status = (uint32_t)st;
	r->payload = call->reply;
	if (st == 0) {
		r->len = call->reply_len;
		r->nfds = call->nreply_caps;
		for (unsigned i = 0; i < r->nfds; i++)
			r->fds[i] = call->reply_caps[i].fd; /* the caller's now */
	}
	return 0;
}

/* A started call is dispatched at once; one its handler defers completes
 * when the driver answers it, from the server's loop. */
static int local_start(struct drv_client *c, uint64_t label, uint32_t len,
		       const struct drv_cap *caps, unsigned ncaps, struct drv_pending *p)
{
	struct local_client *l = (struct local_client *)c;
	struct drv_object *o = l->object;
	if (!o || l->closed)
		return -DRV_E_CONNECTION;
	struct local_call *lc = l->spares;
	if (lc) {
		l->spares = lc->next;
	} else {
		lc = calloc(1, sizeof *lc);
		if (!lc || !(lc->room = malloc(LOCAL_ROOM))) {
			free(lc);
			return -DRV_E_NO_MEMORY;
		}
	}
	drv_copy(lc->room, c->out + DRV_HEADER_SIZE, len);
	lc->pending = p; /* before its caps are taken: its pages are mapped */
	uint32_t request = drv_client_new_request(c);
	int st = local_prepare(lc, DRV_KIND_CALL, label, request, lc->room, len, caps, ncaps,
			       lc->room + DRV_MAX_PAYLOAD, lc->room + 2 * DRV_MAX_PAYLOAD);
	if (st) {
		lc->next = l->spares;
		l->spares = lc;
		return st;
	}
	lc->l = l;
	drv_client_track(c, p, request, p->reply_caps);
	lc->next = l->started;
	l->started = lc;
	st = local_dispatch(o, lc);
	if (st != DRV_DEFER)
		local_complete(lc, st);
	return 0;
}

/* What completes a started call is the server's loop, or this process's
 * own code once the wait is over. Waiting for ever when the loop has
 * nothing to wait for would never end: the calls fail instead, as a
 * synchronous call does. */
static int local_receive(struct drv_client *c, int timeout_ms)
{
	struct local_client *l = (struct local_client *)c;
	if (!l->object || l->closed)
		return -DRV_E_CONNECTION;
	if (!l->started)
		return 0;
	int n = drv_server_run_once(l->object->server, timeout_ms);
	if (n == -EDEADLK && timeout_ms >= 0)
		return 0;
	if (n < 0) {
		local_close(l);
		return -DRV_E_CONNECTION;
	}
	return n > 0;
}

static int local_fd(const struct drv_client *c)
{
	(void)c;
	return -1; /* events are delivered as they are emitted */
}

/* Its calls still deferred are orphans: the driver may answer them into
 * nothing until the server goes. */
static void local_disconnect(struct drv_client *c)
{
	struct local_client *l = (struct local_client *)c;
	if (l->object) {
		for (struct local_client **p = &l->object->locals; *p; p = &(*p)->next)
			if (*p == l) {
				*p = l->next;
				break;
			}
		local_close(l);
	}
	while (l->spares) {
		struct local_call *lc = l->spares;
		l->spares = lc->next;
		free_local_call(lc);
	}
	drv_client_release(c);
	free(l->scratch);
	free(l);
}

/* The server goes: calls still deferred are answered DRV_STATUS_SHUTDOWN,
 * as over a socket, and the client can make no more. */
static void local_shutdown(struct local_client *l)
{
	while (l->started) {
		struct local_call *lc = l->started;
		l->started = lc->next;
		lc->state = LOCAL_IDLE;
		local_end(l, lc, 0);
		drv_client_answer(&l->c, lc->pending, DRV_STATUS_SHUTDOWN, NULL, 0, NULL, 0);
		lc->next = l->spares;
		l->spares = lc;
	}
	l->object = NULL;
}

static const struct drv_client_ops local_ops = {local_call,    local_start, NULL,
						local_receive, local_fd,    local_disconnect};

int drv_object_connect(struct drv_object *o, struct drv_client **out)
{
	*out = NULL;
	struct local_client *l = calloc(1, sizeof *l);
	if (!l)
		return -DRV_E_NO_MEMORY;
	l->scratch = malloc(DRV_SCRATCH_SIZE);
	if (!l->scratch) {
		free(l);
		return -DRV_E_NO_MEMORY;
	}
	drv_client_init(&l->c, &local_ops);
	l->sync.l = l;
	l->object = o;
	l->next = o->locals;
	o->locals = l;
	*out = &l->c;
	return 0;
}
