/* drv_server.c - serving objects: the poll loop, connections, calls and
 * their deferred replies, page buffers, events (docs/ipc.md).
 *
 * A message is received straight into a call slot (request, reply and
 * scratch room together), dispatched in place and answered from the same
 * slot; a deferred call keeps its slot until the driver replies, and a new
 * one takes its place. Slots are reused, so the message path allocates
 * nothing once the server has warmed up.
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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- what a server is made of ---- */

/* A client's page buffer, mapped once and kept while it is reused. */
struct mapping {
	void *data;
	size_t size;
	dev_t dev;
	ino_t ino;
	unsigned refs; /* the connection's cache and each call using it */
};

enum { CACHED_MAPPINGS = 4 };

enum slot_state { SLOT_IDLE, SLOT_DISPATCHING, SLOT_ANSWERED_EARLY, SLOT_DEFERRED };

struct call_slot {
	struct drv_call call;
	struct drv_server *server;
	struct connection *conn; /* NULL once the client is gone */
	enum slot_state state;
	uint32_t early_status;
	int fds[DRV_MAX_CAPS]; /* received, closed when the call ends */
	unsigned nfds;
	struct mapping *maps[DRV_MAX_CAPS];
	unsigned nmaps;
	struct call_slot *next; /* the free list, or its connection's deferred calls */
	_Alignas(8) uint8_t msg[DRV_MAX_MESSAGE];
	_Alignas(8) uint8_t reply[DRV_MAX_MESSAGE]; /* header, then the payload */
	uint64_t scratch[DRV_SCRATCH_SIZE / 8];
};

struct connection {
	struct drv_object *object;
	int fd;
	bool dead; /* closed; freed at the end of the round */
	unsigned deferred;
	struct call_slot *deferred_calls;
	struct mapping *cache[CACHED_MAPPINGS];
	uint64_t cache_used[CACHED_MAPPINGS];
	struct connection *next;
};

enum local_state { LOCAL_IDLE, LOCAL_DISPATCHING, LOCAL_WAITING, LOCAL_ANSWERED };

/* An in-process client: calls go straight to the dispatch. */
struct local_client {
	struct drv_client c;
	struct drv_object *object; /* NULL once the server is gone */
	struct drv_call call;
	enum local_state state;
	uint32_t status;
	bool closed; /* cut off by the protocol's policy */
	uint8_t *scratch;
	struct local_client *next;
};

struct drv_object {
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
	int fd;
	short events;
	drv_watch_fn fn;
	void *ctx;
};

enum owner_kind { OWN_LISTEN, OWN_CONN, OWN_WATCH };

struct poll_owner {
	enum owner_kind kind;
	void *ptr;
	int fd;
};

struct drv_server {
	struct drv_object *objects;
	struct call_slot *spare; /* the next message is received here; NULL: throttled */
	struct call_slot *free_slots;
	struct call_slot *orphans; /* deferred calls whose client has gone */
	unsigned deferred;
	struct watch *watches;
	size_t nwatches;
	struct pollfd *pfds;
	struct poll_owner *owners;
	size_t npfds, cap;
	bool dirty; /* the poll set needs rebuilding */
	bool stopped;
	unsigned depth; /* run_once nesting: a local call waiting inside a handler */
	uint64_t clock;
	struct drv_server_stats stats;
};

/* ---- call slots ---- */

static struct call_slot *take_slot(struct drv_server *s)
{
	struct call_slot *slot = s->free_slots;
	if (slot) {
		s->free_slots = slot->next;
	} else {
		slot = malloc(sizeof *slot);
		if (!slot)
			return NULL;
	}
	memset(&slot->call, 0, sizeof slot->call);
	slot->server = s;
	slot->conn = NULL;
	slot->state = SLOT_IDLE;
	slot->nfds = slot->nmaps = 0;
	slot->next = NULL;
	return slot;
}

/* A receive target, unless the deferred calls have used up the budget:
 * then the server reads nothing until one is answered. */
static void refill_spare(struct drv_server *s)
{
	if (!s->spare && s->deferred < DRV_MAX_DEFERRED)
		s->spare = take_slot(s);
	s->dirty = true;
}

static void unref_mapping(struct mapping *m)
{
	if (--m->refs)
		return;
	if (m->data)
		munmap(m->data, m->size);
	free(m);
}

/* Ends a call: what it received and what its reply did not send. */
static void finish_slot(struct call_slot *slot)
{
	drv_close_fds(slot->fds, slot->nfds);
	slot->nfds = 0;
	for (unsigned i = 0; i < slot->nmaps; i++)
		unref_mapping(slot->maps[i]);
	slot->nmaps = 0;
	for (unsigned i = 0; i < slot->call.nreply_caps; i++)
		if (slot->call.reply_caps[i].fd >= 0)
			close(slot->call.reply_caps[i].fd);
	slot->call.nreply_caps = 0;
	slot->state = SLOT_IDLE;
}

static void free_slot(struct drv_server *s, struct call_slot *slot)
{
	finish_slot(slot);
	slot->next = s->free_slots;
	s->free_slots = slot;
}

/* ---- connections ---- */

static void drop_connection(struct connection *c)
{
	struct drv_server *s = c->object->server;
	if (c->dead)
		return;
	c->dead = true;
	close(c->fd);
	c->fd = -1;
	/* The driver still holds them; answering one just ends it. The server
	 * keeps them, to free what the driver never answers. */
	while (c->deferred_calls) {
		struct call_slot *slot = c->deferred_calls;
		c->deferred_calls = slot->next;
		slot->conn = NULL;
		slot->call.cancelled = true;
		slot->next = s->orphans;
		s->orphans = slot;
	}
	c->deferred = 0;
	for (unsigned i = 0; i < CACHED_MAPPINGS; i++)
		if (c->cache[i]) {
			unref_mapping(c->cache[i]);
			c->cache[i] = NULL;
		}
	s->dirty = true;
}

/* Frees the connections dropped this round, once nothing refers to them. */
static void reap_connections(struct drv_server *s)
{
	for (struct drv_object *o = s->objects; o; o = o->next)
		for (struct connection **p = &o->conns; *p;) {
			struct connection *c = *p;
			if (c->dead) {
				*p = c->next;
				free(c);
			} else {
				p = &c->next;
			}
		}
}

static void send_reply(struct connection *c, struct call_slot *slot, uint32_t status)
{
	struct drv_call *call = &slot->call;
	bool ok = status == 0;
	struct drv_header h = {call->label, call->request, ok ? call->reply_len : 0,
			       (uint16_t)(ok ? call->nreply_caps : 0), DRV_KIND_REPLY, status};
	int fds[DRV_MAX_CAPS];
	for (unsigned i = 0; i < h.ncaps; i++)
		fds[i] = call->reply_caps[i].fd;
	drv_header_put(slot->reply, &h);
	/* a client that does not read its replies is not waited for */
	if (drv_send(c->fd, slot->reply, DRV_HEADER_SIZE + h.length, fds, h.ncaps, MSG_DONTWAIT) <
	    0) {
		c->object->server->stats.dropped++;
		drop_connection(c);
	}
}

/* A page buffer's memfd, mapped: one the client sealed against shrinking,
 * so no byte the handler may touch can vanish under it. */
static struct mapping *map_pages(struct connection *c, int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return NULL;
	uint64_t now = ++c->object->server->clock;
	for (unsigned i = 0; i < CACHED_MAPPINGS; i++) {
		struct mapping *m = c->cache[i];
		if (m && m->dev == st.st_dev && m->ino == st.st_ino && m->size == (size_t)st.st_size) {
			m->refs++;
			c->cache_used[i] = now;
			return m;
		}
	}
	struct mapping *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->size = (size_t)st.st_size;
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->refs = 1;
	if (m->size) {
		/* no MAP_POPULATE: a client must not make the server fault in
		 * pages the handler never touches */
		m->data = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m->data == MAP_FAILED) {
			free(m);
			return NULL;
		}
	}
	/* cache it in place of the least recently used one no call holds */
	int victim = -1;
	for (unsigned i = 0; i < CACHED_MAPPINGS; i++) {
		if (!c->cache[i]) {
			victim = (int)i;
			break;
		}
		if (c->cache[i]->refs == 1 && (victim < 0 || c->cache_used[i] < c->cache_used[victim]))
			victim = (int)i;
	}
	if (victim >= 0) {
		if (c->cache[victim])
			unref_mapping(c->cache[victim]);
		c->cache[victim] = m;
		c->cache_used[victim] = now;
		m->refs++;
	}
	return m;
}

/* The transport's part of validation: the header against what arrived.
 * Returns a status for the reply, 0 if the message may be dispatched. */
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
			struct mapping *m = map_pages(c, slot->fds[i]);
			if (!m)
				return DRV_STATUS_BAD_CAPS;
			slot->maps[slot->nmaps++] = m;
			cap->kind = DRV_CAP_PAGES;
			cap->fd = -1;
			cap->pages.data = m->data;
			cap->pages.size = m->size;
		} else {
			cap->kind = DRV_CAP_HANDLE;
			cap->fd = slot->fds[i];
		}
	}
	call->ncaps = slot->nfds;
	return 0;
}


static void server_finish(struct drv_call *call, uint32_t status);

static void prepare_call(struct call_slot *slot, const struct drv_header *h)
{
	struct drv_call *call = &slot->call;
	call->label = h->label;
	call->request = h->request;
	call->kind = h->kind;
	call->msg = slot->msg + DRV_HEADER_SIZE;
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

/* Reads and serves one message of connection c. */
static void serve_connection(struct connection *c)
{
	struct drv_server *s = c->object->server;
	struct call_slot *slot = s->spare;
	if (!slot)
		return;
	ssize_t n = drv_receive(c->fd, slot->msg, slot->fds, &slot->nfds, MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	struct drv_header h = {0, 0, 0, 0, 0, 0};
	if (n >= DRV_HEADER_SIZE)
		drv_header_get(slot->msg, &h);
	/* Not a message one could even answer: the client goes. */
	if (n < DRV_HEADER_SIZE || (h.kind != DRV_KIND_CALL && h.kind != DRV_KIND_SEND)) {
		if (n > 0 || n == -2)
			s->stats.dropped++;
		finish_slot(slot);
		drop_connection(c);
		return;
	}
	prepare_call(slot, &h);
	slot->conn = c;
	int st = (int)check_message(c, slot, &h, (size_t)n);
	if (st == 0) {
		s->stats.calls++;
		slot->state = SLOT_DISPATCHING;
		st = c->object->iface->dispatch(c->object->self, &slot->call);
		if (st == DRV_DEFER && slot->state == SLOT_DISPATCHING) {
			slot->state = SLOT_DEFERRED;
			slot->next = c->deferred_calls;
			c->deferred_calls = slot;
			c->deferred++;
			s->deferred++;
			s->stats.deferred++;
			s->spare = NULL;
			refill_spare(s);
			return;
		}
		if (st == DRV_DEFER) /* answered before its handler returned */
			st = (int)slot->early_status;
	}
	if (drv_is_transport_status((uint32_t)st)) {
		s->stats.errors++;
		if (drv_is_client_fault((uint32_t)st) && c->object->iface->close_on_malformed) {
			s->stats.dropped++;
			finish_slot(slot);
			drop_connection(c);
			return;
		}
	}
	if (h.kind == DRV_KIND_CALL)
		send_reply(c, slot, (uint32_t)st);
	finish_slot(slot);
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
	struct call_slot **list = c ? &c->deferred_calls : &s->orphans;
	for (struct call_slot **p = list; *p; p = &(*p)->next)
		if (*p == slot) {
			*p = slot->next;
			break;
		}
	if (c) {
		if (c->deferred-- == DRV_MAX_DEFERRED_PER_CLIENT)
			s->dirty = true; /* it may be read again */
		/* a deferred reply is the driver's answer, never the client's fault */
		send_reply(c, slot, status);
	}
	s->deferred--;
	free_slot(s, slot);
	refill_spare(s);
}

/* ---- events ---- */

uint8_t *drv_event_buffer(struct drv_object *obj)
{
	return obj->event + DRV_HEADER_SIZE;
}

int drv_event_send(struct drv_object *obj, uint64_t label, uint32_t len)
{
	struct drv_header h = {label, 0, len, 0, DRV_KIND_EVENT, 0};
	drv_header_put(obj->event, &h);
	for (struct connection *c = obj->conns; c; c = c->next) {
		if (c->dead)
			continue;
		obj->server->stats.events++;
		if (drv_send(c->fd, obj->event, DRV_HEADER_SIZE + len, NULL, 0, MSG_DONTWAIT) < 0) {
			obj->server->stats.dropped++;
			drop_connection(c);
		}
	}
	for (struct local_client *l = obj->locals; l; l = l->next)
		if (!l->closed)
			drv_client_deliver(&l->c, label, obj->event + DRV_HEADER_SIZE, len);
	return 0;
}

/* ---- the poll loop ---- */

static bool add_pollfd(struct drv_server *s, int fd, short events, enum owner_kind kind,
		       void *ptr)
{
	if (s->npfds == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct pollfd *p = realloc(s->pfds, cap * sizeof *p);
		if (!p)
			return false;
		s->pfds = p;
		struct poll_owner *o = realloc(s->owners, cap * sizeof *o);
		if (!o)
			return false;
		s->owners = o;
		s->cap = cap;
	}
	s->pfds[s->npfds] = (struct pollfd){fd, events, 0};
	s->owners[s->npfds] = (struct poll_owner){kind, ptr, fd};
	s->npfds++;
	return true;
}

static int rebuild_poll_set(struct drv_server *s)
{
	s->npfds = 0;
	for (struct drv_object *o = s->objects; o; o = o->next) {
		if (o->listen_fd >= 0 && !add_pollfd(s, o->listen_fd, POLLIN, OWN_LISTEN, o))
			return -ENOMEM;
		for (struct connection *c = o->conns; c; c = c->next) {
			if (c->dead)
				continue;
			/* a throttled client is still watched for hanging up */
			bool readable = s->spare && c->deferred < DRV_MAX_DEFERRED_PER_CLIENT;
			if (!add_pollfd(s, c->fd, readable ? POLLIN : 0, OWN_CONN, c))
				return -ENOMEM;
		}
	}
	for (size_t i = 0; i < s->nwatches; i++)
		if (!add_pollfd(s, s->watches[i].fd, s->watches[i].events, OWN_WATCH,
				&s->watches[i]))
			return -ENOMEM;
	s->dirty = false;
	return 0;
}

static void accept_client(struct drv_object *o)
{
	int fd = accept4(o->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	struct connection *c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		return;
	}
	c->object = o;
	c->fd = fd;
	c->next = o->conns;
	o->conns = c;
	o->server->stats.clients++;
	o->server->dirty = true;
}

static struct watch *find_watch(struct drv_server *s, int fd)
{
	for (size_t i = 0; i < s->nwatches; i++)
		if (s->watches[i].fd == fd)
			return &s->watches[i];
	return NULL;
}

int drv_server_run_once(struct drv_server *s, int timeout_ms)
{
	if (s->dirty) {
		int st = rebuild_poll_set(s);
		if (st)
			return st;
	}
	if (!s->npfds)
		return -EDEADLK;
	int n = poll(s->pfds, s->npfds, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	/* Handlers may add and drop anything, so work from a copy of the
	 * ready set; dropped connections are freed only at the end. */
	struct poll_owner ready[64];
	short revents[64];
	size_t nready = 0;
	for (size_t i = 0; i < s->npfds && nready < 64; i++)
		if (s->pfds[i].revents) {
			ready[nready] = s->owners[i];
			revents[nready++] = s->pfds[i].revents;
		}
	s->depth++;
	for (size_t i = 0; i < nready; i++) {
		switch (ready[i].kind) {
		case OWN_LISTEN:
			accept_client(ready[i].ptr);
			break;
		case OWN_CONN: {
			struct connection *c = ready[i].ptr;
			if (c->dead)
				break;
			if (revents[i] & POLLIN)
				serve_connection(c);
			else if (revents[i] & (POLLHUP | POLLERR | POLLNVAL))
				drop_connection(c);
			break;
		}
		case OWN_WATCH: {
			/* it may have been unwatched, or its slot reused, meanwhile */
			struct watch *w = find_watch(s, ready[i].fd);
			if (w)
				w->fn(w->ctx, w->fd, revents[i]);
			break;
		}
		}
	}
	if (--s->depth == 0)
		reap_connections(s);
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
	struct watch *w = realloc(s->watches, (s->nwatches + 1) * sizeof *w);
	if (!w)
		return -ENOMEM;
	s->watches = w;
	s->watches[s->nwatches++] = (struct watch){fd, events, fn, ctx};
	s->dirty = true;
	return 0;
}

void drv_server_unwatch(struct drv_server *s, int fd)
{
	struct watch *w = find_watch(s, fd);
	if (!w)
		return;
	*w = s->watches[--s->nwatches];
	s->dirty = true;
}

void drv_server_get_stats(const struct drv_server *s, struct drv_server_stats *out)
{
	*out = s->stats;
}

/* ---- objects ---- */

int drv_server_new(struct drv_server **out)
{
	struct drv_server *s = calloc(1, sizeof *s);
	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->spare = take_slot(s);
	if (!s->spare) {
		free(s);
		return -ENOMEM;
	}
	s->dirty = true;
	*out = s;
	return 0;
}

int drv_server_add(struct drv_server *s, const struct drv_interface *iface, void *self,
		   struct drv_object **out)
{
	struct drv_object *o = calloc(1, sizeof *o);
	*out = NULL;
	if (!o)
		return -ENOMEM;
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
	int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
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

/* The socket listens before its name appears (it is bound under a
 * temporary name first), so a client that finds the name can connect. */
int drv_object_publish(struct drv_object *o, int instance)
{
	static unsigned temporaries;
	if (o->listen_fd >= 0)
		return -EBUSY;
	char dir[sizeof o->path], tmp[sizeof o->path];
	int len = snprintf(dir, sizeof dir, "%s/%s", drv_run_dir(), o->iface->name);
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
		len = snprintf(o->path, sizeof o->path, "%s/%d", dir, n);
		if (len < 0 || (size_t)len >= sizeof o->path) {
			st = -ENAMETOOLONG;
			break;
		}
		st = place(tmp, o->path);
		if (st == 0) {
			o->instance = n;
			break;
		}
		if (st != -EADDRINUSE || instance >= 0)
			break;
	}
	unlink(tmp);
	if (st) {
		o->path[0] = '\0';
		close(fd);
		return st;
	}
	o->listen_fd = fd;
	o->server->dirty = true;
	return 0;
}

int drv_object_instance(const struct drv_object *o)
{
	return o->instance;
}

void drv_server_free(struct drv_server *s)
{
	if (!s)
		return;
	for (struct drv_object *o = s->objects; o;) {
		for (struct connection *c = o->conns; c; c = c->next) {
			struct call_slot *slot = c->deferred_calls;
			c->deferred_calls = NULL; /* send_reply may drop c */
			c->deferred = 0;
			while (slot) {
				struct call_slot *next = slot->next;
				if (!c->dead)
					send_reply(c, slot, DRV_STATUS_SHUTDOWN);
				finish_slot(slot);
				free(slot);
				slot = next;
			}
		}
		for (struct connection *c = o->conns; c; c = c->next)
			drop_connection(c);
		for (struct local_client *l = o->locals; l; l = l->next)
			l->object = NULL;
		if (o->listen_fd >= 0) {
			close(o->listen_fd);
			unlink(o->path);
		}
		o->iface->attach(o->self, NULL);
		o = o->next;
	}
	/* now nothing refers to a connection */
	for (struct drv_object *o = s->objects; o;) {
		struct drv_object *next = o->next;
		for (struct connection *c = o->conns; c;) {
			struct connection *cn = c->next;
			free(c);
			c = cn;
		}
		free(o);
		o = next;
	}
	while (s->orphans) {
		struct call_slot *slot = s->orphans;
		s->orphans = slot->next;
		finish_slot(slot);
		free(slot);
	}
	while (s->free_slots) {
		struct call_slot *slot = s->free_slots;
		s->free_slots = slot->next;
		free(slot);
	}
	free(s->spare);
	free(s->watches);
	free(s->pfds);
	free(s->owners);
	free(s);
}

/* ---- the in-process transport ---- */

static void local_finish(struct drv_call *call, uint32_t status)
{
	struct local_client *l = call->transport;
	if (l->state != LOCAL_DISPATCHING && l->state != LOCAL_WAITING)
		return; /* answered twice */
	l->status = status;
	l->state = LOCAL_ANSWERED;
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
	struct drv_call *call = &l->call;
	memset(call, 0, sizeof *call);
	call->label = label;
	call->request = c->next_request++;
	call->kind = kind;
	call->msg = c->out + DRV_HEADER_SIZE;
	call->len = len;
	/* the handler gets its own copy of a handle, as over a socket */
	for (unsigned i = 0; i < ncaps; i++) {
		call->caps[i] = caps[i];
		if (caps[i].kind == DRV_CAP_PAGES) {
			call->caps[i].fd = -1;
			continue;
		}
		call->caps[i].fd = fcntl(caps[i].fd, F_DUPFD_CLOEXEC, 0);
		if (call->caps[i].fd < 0) {
			for (unsigned k = 0; k < i; k++)
				if (call->caps[k].fd >= 0)
					close(call->caps[k].fd);
			return -DRV_E_ARGUMENT;
		}
	}
	call->ncaps = ncaps;
	call->reply = c->in + DRV_HEADER_SIZE;
	call->reply_cap = DRV_MAX_PAYLOAD;
	call->scratch = l->scratch;
	call->scratch_cap = DRV_SCRATCH_SIZE;
	call->finish = local_finish;
	call->transport = l;

	l->state = LOCAL_DISPATCHING;
	o->server->stats.calls++;
	int st = o->iface->dispatch(o->self, call);
	if (st == DRV_DEFER) {
		o->server->stats.deferred++;
		if (l->state == LOCAL_DISPATCHING)
			l->state = LOCAL_WAITING;
		/* the reply comes from the loop: an interrupt, another client */
		while (l->state == LOCAL_WAITING) {
			int n = drv_server_run_once(o->server, -1);
			if (n < 0 || !l->object) {
				l->state = LOCAL_IDLE;
				l->closed = true; /* the token is still out there */
				return -DRV_E_CONNECTION;
			}
		}
		st = (int)l->status;
	}
	l->state = LOCAL_IDLE;
	for (unsigned i = 0; i < ncaps; i++)
		if (call->caps[i].kind == DRV_CAP_HANDLE && call->caps[i].fd >= 0)
			close(call->caps[i].fd);
	if (drv_is_transport_status((uint32_t)st)) {
		o->server->stats.errors++;
		if (drv_is_client_fault((uint32_t)st) && o->iface->close_on_malformed) {
			l->closed = true;
			return -DRV_E_CONNECTION;
		}
	}
	if (!r)
		return 0;
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

static int local_poll(struct drv_client *c, int timeout_ms)
{
	(void)c;
	(void)timeout_ms;
	return 0; /* events were delivered as they were emitted */
}

static int local_fd(const struct drv_client *c)
{
	(void)c;
	return -1;
}

static void local_disconnect(struct drv_client *c)
{
	struct local_client *l = (struct local_client *)c;
	if (l->object)
		for (struct local_client **p = &l->object->locals; *p; p = &(*p)->next)
			if (*p == l) {
				*p = l->next;
				break;
			}
	drv_client_release(c);
	free(l->scratch);
	free(l);
}

static const struct drv_client_ops local_ops = {local_call, local_poll, local_fd,
						local_disconnect};

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
	l->object = o;
	l->next = o->locals;
	o->locals = l;
	*out = &l->c;
	return 0;
}
