// SPDX-License-Identifier: MIT
/* test_ipc_pipeline.c - many calls in flight on one connection
 * (drv_client_start, docs/ipc.md "Pipelined calls"), through the kit
 * server (tests/ipc/kit_impl.c) in this process and in a child over
 * sockets: replies in any order, deferred ones after those behind them,
 * a page buffer on every call, batches split where they must be, handles
 * in replies, events among replies, a synchronous call among calls in
 * flight, and peers that go away with calls in flight: every call
 * completes, none waits forever.
 */
#define _GNU_SOURCE
#include "drv_client.h"
#include "drv_server.h"
#include "kit_child.h"
#include "kit_impl.h"
#include "kit_store.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* The generated stubs take the typed client; these tests hold the runtime's. */
static struct kit_store_client *store(struct drv_client *c)
{
	return (struct kit_store_client *)c;
}

enum { WAIT_MS = 5000 }; /* a completion that must come */

/* ---- two worlds: the server in this process, or in a child ---- */

struct world {
	bool remote;
	struct kit_child child;   /* remote */
	struct drv_server *server; /* local */
	struct kit_impl impl;      /* local */
};

static struct world *current; /* for the watchdog */

static void on_alarm(int sig)
{
	static const char msg[] = "test_ipc_pipeline: timed out (a call never completed?)\n";
	(void)sig;
	if (write(2, msg, sizeof msg - 1) < 0) {
	}
	if (current && current->remote && current->child.pid > 0)
		kill(current->child.pid, SIGKILL);
	_exit(1);
}

static int setup(void **state, bool remote)
{
	struct world *w = calloc(1, sizeof *w);
	w->remote = remote;
	if (remote) {
		if (kit_child_start(&w->child, NULL, NULL))
			return -1;
	} else {
		assert_int_equal(drv_server_new(&w->server), 0);
		assert_int_equal(kit_impl_start(&w->impl, w->server), 0);
	}
	current = w;
	*state = w;
	return 0;
}

static int setup_local(void **state)
{
	return setup(state, false);
}

static int setup_remote(void **state)
{
	return setup(state, true);
}

static int teardown(void **state)
{
	struct world *w = *state;
	if (w->remote) {
		if (w->child.pid > 0)
			kit_child_stop(&w->child);
		kit_child_clean(&w->child);
	} else if (w->server) {
		drv_server_free(w->server);
	}
	current = NULL;
	free(w);
	return 0;
}

static struct drv_client *store_client(struct world *w)
{
	struct drv_client *c = NULL;
	if (w->remote)
		assert_int_equal(kit_store_connect(0, (struct kit_store_client **)&c), 0);
	else
		assert_int_equal(drv_object_connect(w->impl.store_object, &c), 0);
	return c;
}

/* The next call to complete, which must within WAIT_MS. */
static struct drv_pending *next_done(struct drv_client *c)
{
	struct drv_pending *p = NULL;
	assert_int_equal(drv_client_next(c, WAIT_MS, &p), 1);
	assert_non_null(p);
	return p;
}

/* kit::store's sum with its own page buffer of known bytes. */
struct sum {
	struct kit_store_sum_call call; /* first: the pending */
	struct drv_buffer *buf;
	uint32_t len;
	int index;
};

/* A page buffer of `size` bytes, byte i = seed + i. */
static struct drv_buffer *filled_buffer(size_t size, uint8_t seed)
{
	struct drv_buffer *b;
	assert_int_equal(drv_buffer_new(size, &b), 0);
	uint8_t *p = b->data;
	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(seed + i);
	return b;
}

static uint64_t expected_sum(const struct sum *s)
{
	const uint8_t *p = s->buf->data;
	uint64_t sum = 0;
	for (uint32_t i = 0; i < (s->len & 0xffff); i++)
		sum += p[i];
	return sum;
}

static void start_sum(struct drv_client *c, struct sum *s, uint32_t len)
{
	s->len = len;
	assert_int_equal(kit_store_sum_start(store(c), s->buf, len, &s->call), 0);
}

static void finish_sum(struct sum *s)
{
	uint64_t got = 0;
	assert_int_equal(kit_store_sum_finish(&s->call, &got), 0);
	assert_true(got == expected_sum(s));
}

/* ---- replies in order, and out of it ---- */

static void many_in_flight(void **state)
{
	struct drv_client *c = store_client(*state);
	enum { N = 40 };
	static struct kit_store_add_call calls[N];
	bool seen[N] = {false};
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(kit_store_add_start(store(c), i * 1000, i, &calls[i]), 0);
	assert_int_equal(drv_client_in_flight(c), N);
	for (int n = 0; n < N; n++) {
		struct kit_store_add_call *call = (struct kit_store_add_call *)next_done(c);
		long i = call - calls;
		assert_true(i >= 0 && i < N && !seen[i]);
		seen[i] = true;
		uint32_t sum = 0;
		assert_int_equal(kit_store_add_finish(call, &sum), 0);
		assert_int_equal(sum, (uint32_t)i * 1001);
	}
	struct drv_pending *none = (struct drv_pending *)1;
	assert_int_equal(drv_client_next(c, 0, &none), 0);
	assert_null(none);
	assert_int_equal(drv_client_in_flight(c), 0);
	drv_client_disconnect(c);
}

/* Deferred calls complete in the order the driver answers them (here the
 * newest first), after the calls started behind them. */
static void deferred_out_of_order(void **state)
{
	struct drv_client *c = store_client(*state);
	enum { SUMS = 8, ADDS = 4 };
	struct sum sums[SUMS] = {0};
	struct kit_store_add_call adds[ADDS] = {0};
	for (int i = 0; i < SUMS; i++) {
		sums[i].buf = filled_buffer(4096, (uint8_t)(i * 17));
		sums[i].index = i;
		start_sum(c, &sums[i], KIT_DEFER_SUM | (100u + (uint32_t)i));
	}
	for (uint32_t i = 0; i < ADDS; i++)
		assert_int_equal(kit_store_add_start(store(c), i, 1, &adds[i]), 0);
	for (int n = 0; n < ADDS; n++) {
		struct drv_pending *p = next_done(c);
		long i = (struct kit_store_add_call *)p - adds;
		assert_true(i >= 0 && i < ADDS); /* an add: the sums wait */
		uint32_t r = 0;
		assert_int_equal(kit_store_add_finish(&adds[i], &r), 0);
		assert_int_equal(r, (uint32_t)i + 1);
	}
	struct drv_pending *p = NULL;
	assert_int_equal(drv_client_next(c, 50, &p), 0);
	assert_int_equal(drv_client_in_flight(c), SUMS);
	/* poke 10 answers the deferred sums, the newest first */
	assert_int_equal(kit_store_poke((struct kit_store_client *)c, 10), 0);
	for (int n = 0; n < SUMS; n++) {
		struct sum *s = (struct sum *)next_done(c);
		assert_int_equal(s->index, SUMS - 1 - n);
		finish_sum(s);
	}
	for (int i = 0; i < SUMS; i++)
		drv_buffer_free(sums[i].buf);
	drv_client_disconnect(c);
}

/* A block device's shape: a page buffer with every call, 32 in flight,
 * half of them deferred and answered together, round after round. */
static void page_buffers_in_flight(void **state)
{
	struct drv_client *c = store_client(*state);
	enum { DEPTH = 32, ROUNDS = 50 };
	struct sum sums[DEPTH] = {0};
	for (int i = 0; i < DEPTH; i++) {
		sums[i].buf = filled_buffer(65536, (uint8_t)(i * 7 + 1));
		sums[i].index = i;
	}
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < DEPTH; i++)
			start_sum(c, &sums[i],
				  (i % 2 ? KIT_DEFER_SUM : 0) | (uint32_t)(4096 + round * 97 + i));
		assert_int_equal(kit_store_poke((struct kit_store_client *)c, 10), 0);
		for (int n = 0; n < DEPTH; n++)
			finish_sum((struct sum *)next_done(c));
		assert_int_equal(drv_client_in_flight(c), 0);
	}
	for (int i = 0; i < DEPTH; i++)
		drv_buffer_free(sums[i].buf);
	drv_client_disconnect(c);
}

/* More calls than one datagram takes, by descriptors (DRV_MAX_BATCH_CAPS)
 * and by bytes: the client sends several batches, the server answers in
 * several. */
static void batches_split(void **state)
{
	struct drv_client *c = store_client(*state);
	enum { SUMS = DRV_MAX_BATCH_CAPS + 16, ADDS = 3000 };
	struct sum sums[SUMS] = {0};
	static struct kit_store_add_call adds[ADDS];
	for (int i = 0; i < SUMS; i++) {
		sums[i].buf = filled_buffer(256, (uint8_t)i);
		sums[i].index = i;
		start_sum(c, &sums[i], 200);
	}
	for (int n = 0; n < SUMS; n++)
		finish_sum((struct sum *)next_done(c));
	for (uint32_t i = 0; i < ADDS; i++)
		assert_int_equal(kit_store_add_start(store(c), i, i, &adds[i]), 0);
	for (int n = 0; n < ADDS; n++) {
		struct kit_store_add_call *call = (struct kit_store_add_call *)next_done(c);
		uint32_t r = 0;
		assert_int_equal(kit_store_add_finish(call, &r), 0);
		assert_int_equal(r, 2 * (uint32_t)(call - adds));
	}
	for (int i = 0; i < SUMS; i++)
		drv_buffer_free(sums[i].buf);
	drv_client_disconnect(c);
}

/* Handles in replies: each call in flight gets its own. */
static void handles_in_replies(void **state)
{
	struct drv_client *c = store_client(*state);
	enum { N = 12 };
	struct kit_store_open_call calls[N] = {0};
	char paths[N][24];
	for (int i = 0; i < N; i++) {
		snprintf(paths[i], sizeof paths[i], "/dev/thing%d", i);
		assert_int_equal(kit_store_open_start(store(c), paths[i], &calls[i]), 0);
	}
	for (int n = 0; n < N; n++) {
		struct kit_store_open_call *call = (struct kit_store_open_call *)next_done(c);
		long i = call - calls;
		uint64_t len = 0;
		int fd = -1;
		assert_int_equal(kit_store_open_finish(call, &len, &fd), 0);
		assert_int_equal(len, strlen(paths[i]));
		char buf[32] = {0};
		assert_int_equal(read(fd, buf, sizeof buf), (ssize_t)len);
		assert_string_equal(buf, paths[i]);
		close(fd);
	}
	drv_client_disconnect(c);
}

static void on_changed(void *ctx, const char *key, uint64_t version)
{
	(void)key;
	(void)version;
	++*(int *)ctx;
}

/* An event emitted between two replies is delivered while the client
 * takes them; a synchronous call among calls in flight goes with them. */
static void events_and_sync_calls_among_them(void **state)
{
	struct drv_client *c = store_client(*state);
	struct kit_store_client *kc = (struct kit_store_client *)c;
	int events = 0;
	assert_int_equal(kit_store_on_changed(kc, on_changed, &events), 0);
	struct sum deferred = {0};
	deferred.buf = filled_buffer(4096, 3);
	struct kit_store_add_call adds[2] = {0};
	start_sum(c, &deferred, KIT_DEFER_SUM | 64);
	assert_int_equal(kit_store_add_start(store(c), 1, 2, &adds[0]), 0);
	assert_int_equal(kit_store_poke(kc, 7), 0); /* the event */
	assert_int_equal(kit_store_add_start(store(c), 3, 4, &adds[1]), 0);
	uint32_t r = 0;
	assert_int_equal(kit_store_add(kc, 5, 6, &r), 0); /* synchronous, meanwhile */
	assert_int_equal(r, 11);
	for (int n = 0; n < 2; n++) {
		struct kit_store_add_call *call = (struct kit_store_add_call *)next_done(c);
		assert_int_equal(kit_store_add_finish(call, &r), 0);
		assert_int_equal(r, call == &adds[0] ? 3u : 7u);
	}
	assert_int_equal(events, 1);
	/* waiting for one call leaves the others to drv_client_next */
	struct kit_store_add_call last = {0};
	assert_int_equal(kit_store_add_start(store(c), 8, 8, &last), 0);
	assert_int_equal(kit_store_poke(kc, 10), 0);
	assert_int_equal(drv_client_wait(c, &last.pending, WAIT_MS), 1);
	assert_int_equal(kit_store_add_finish(&last, &r), 0);
	assert_int_equal(r, 16);
	assert_ptr_equal(next_done(c), &deferred.call.pending);
	finish_sum(&deferred);
	struct drv_pending *p = NULL;
	assert_int_equal(drv_client_next(c, 0, &p), 0);
	drv_buffer_free(deferred.buf);
	drv_client_disconnect(c);
}

/* A client with calls in flight that is busy while the server has more
 * for it than its socket takes: the server holds the rest (and reads
 * nothing more from it) until it reads, and it gets every message, in
 * order. */
static void busy_client_gets_everything(void **state)
{
	struct world *w = *state;
	enum { EVENTS = 3000 };
	struct drv_client *busy = store_client(w), *poker = store_client(w);
	int seen = 0, poker_seen = 0;
	assert_int_equal(kit_store_on_changed((struct kit_store_client *)busy, on_changed, &seen), 0);
	assert_int_equal(
		kit_store_on_changed((struct kit_store_client *)poker, on_changed, &poker_seen), 0);
	/* calls in flight, even one, make them clients the server sends
	 * batches to (and the poker's events are held too while it is not
	 * scheduled) */
	struct sum deferred = {0};
	deferred.buf = filled_buffer(4096, 9);
	start_sum(busy, &deferred, KIT_DEFER_SUM | 100);
	struct kit_store_add_call add = {0};
	assert_int_equal(kit_store_add_start(store(busy), 1, 2, &add), 0);
	assert_ptr_equal(next_done(busy), &add.pending);
	assert_int_equal(kit_store_add_start(store(poker), 1, 2, &add), 0);
	assert_ptr_equal(next_done(poker), &add.pending);
	for (int i = 0; i < EVENTS; i++) {
		assert_int_equal(kit_store_poke((struct kit_store_client *)poker, 7), 0);
		assert_true(drv_client_poll(poker, 0) >= 0);
	}
	assert_int_equal(kit_store_poke((struct kit_store_client *)poker, 10), 0);
	while (poker_seen < EVENTS)
		assert_true(drv_client_poll(poker, WAIT_MS) > 0);
	struct drv_server_stats st;
	assert_int_equal(kit_child_stats(&w->child, &st), 0);
	assert_true(st.held > 0); /* the busy client's socket did fill */
	assert_true(st.dropped == 0);
	/* every event, then the deferred call's reply behind them */
	assert_ptr_equal(next_done(busy), &deferred.call.pending);
	assert_int_equal(seen, EVENTS);
	finish_sum(&deferred);
	uint32_t r = 0;
	assert_int_equal(kit_store_add((struct kit_store_client *)busy, 2, 3, &r), 0);
	assert_int_equal(r, 5);
	drv_buffer_free(deferred.buf);
	drv_client_disconnect(poker);
	drv_client_disconnect(busy);
}

/* What drv_client_start and drv_client_wait refuse. */
static void misuse(void **state)
{
	struct drv_client *c = store_client(*state);
	struct kit_store_add_call a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	assert_int_equal(drv_client_start(c, KIT_STORE_ADD_LABEL, 8, NULL, 0, 0, NULL),
			 -DRV_E_ARGUMENT);
	assert_int_equal(kit_store_add_start(store(c), 1, 1, &a), 0);
	/* the same storage while it is in flight */
	assert_int_equal(kit_store_add_start(store(c), 1, 1, &a), -DRV_E_ARGUMENT);
	/* a call never started */
	assert_int_equal(drv_client_wait(c, &b.pending, 0), -DRV_E_ARGUMENT);
	assert_int_equal(drv_client_wait(c, &a.pending, WAIT_MS), 1);
	assert_int_equal(drv_client_wait(c, &a.pending, 0), -DRV_E_ARGUMENT); /* handed back */
	uint32_t r = 0;
	assert_int_equal(kit_store_add_finish(&a, &r), 0);
	assert_int_equal(r, 2);
	assert_int_equal(drv_client_in_flight(c), 0);
	drv_client_disconnect(c);
}

/* ---- peers that go away with calls in flight ---- */

/* A client that goes with deferred calls in flight: the server serves on,
 * the driver's answers go nowhere, and nothing of the client stays. */
static void client_goes_with_calls_in_flight(void **state)
{
	struct world *w = *state;
	enum { N = 16 };
	int fds_before = w->remote ? proc_fds(w->child.pid) : 0;
	if (w->remote) {
		pid_t pid = fork();
		if (pid == 0) {
			struct drv_client *c = store_client(w);
			static struct sum sums[N];
			for (int i = 0; i < N; i++) {
				sums[i].buf = filled_buffer(4096, (uint8_t)i);
				start_sum(c, &sums[i], KIT_DEFER_SUM | 10);
			}
			/* sent, and answered as far as they are not deferred */
			struct kit_store_add_call add = {0};
			if (kit_store_add_start(store(c), 1, 1, &add) || drv_client_wait(c, &add.pending, WAIT_MS) != 1)
				_exit(2);
			_exit(0); /* with the sums in flight */
		}
		int st = -1;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	} else {
		struct drv_client *c = store_client(w);
		struct sum *sums = calloc(N, sizeof *sums);
		for (int i = 0; i < N; i++) {
			sums[i].buf = filled_buffer(4096, (uint8_t)i);
			start_sum(c, &sums[i], KIT_DEFER_SUM | 10);
		}
		drv_client_disconnect(c);
		for (int i = 0; i < N; i++)
			drv_buffer_free(sums[i].buf);
		free(sums); /* the caller's again: the driver's answers must not reach it */
	}
	struct drv_client *other = store_client(w);
	/* answers the gone client's sums: they go nowhere */
	assert_int_equal(kit_store_poke((struct kit_store_client *)other, 10), 0);
	uint32_t r = 0;
	assert_int_equal(kit_store_add((struct kit_store_client *)other, 20, 22, &r), 0);
	assert_int_equal(r, 42);
	drv_client_disconnect(other);
	if (w->remote) {
		/* the client's page buffers and descriptors are let go */
		int maps = -1, fds = -1;
		for (int i = 0; i < 1000; i++) {
			maps = proc_mappings(w->child.pid, "memfd:drvgen-buffer");
			fds = proc_fds(w->child.pid);
			if (maps == 0 && fds == fds_before)
				break;
			usleep(1000);
		}
		assert_int_equal(maps, 0);
		assert_int_equal(fds, fds_before);
	}
}

/* A server that goes with calls in flight: killed, each completes with
 * -DRV_E_RESTARTED (it may have run); stopped (drv_server_free), each
 * deferred one gets DRV_STATUS_SHUTDOWN. A call after it fails: at its
 * start (-DRV_E_CONNECTION: no server to connect to again), or, when it
 * went out before the client saw the connection close, as one in flight. */
static void server_goes_with_calls_in_flight(void **state, bool killed)
{
	struct world *w = *state;
	struct drv_client *c = store_client(w);
	enum { N = 16 };
	struct sum sums[N] = {0};
	for (int i = 0; i < N; i++) {
		sums[i].buf = filled_buffer(4096, (uint8_t)i);
		start_sum(c, &sums[i], KIT_DEFER_SUM | 10);
	}
	assert_int_equal(drv_client_flush(c), 0);
	struct drv_pending *p = NULL;
	assert_int_equal(drv_client_next(c, 50, &p), 0); /* deferred */
	if (!w->remote) {
		drv_server_free(w->server);
		w->server = NULL;
	} else if (killed) {
		kit_child_kill(&w->child);
	} else {
		assert_int_equal(kit_child_stop(&w->child), 0);
	}
	for (int n = 0; n < N; n++) {
		struct sum *s = (struct sum *)next_done(c);
		uint64_t got = 0;
		assert_int_equal(kit_store_sum_finish(&s->call, &got),
				 killed && w->remote ? -DRV_E_RESTARTED : -DRV_STATUS_SHUTDOWN);
	}
	struct kit_store_add_call add = {0};
	uint32_t r = 0;
	setenv("DRVGEN_RECONNECT_MS", "0", 1);
	int st = kit_store_add_start(store(c), 1, 1, &add);
	bool started = st == 0;
	if (started) {
		assert_ptr_equal(next_done(c), &add.pending);
		st = kit_store_add_finish(&add, &r);
	}
	unsetenv("DRVGEN_RECONNECT_MS");
	assert_int_equal(st, started && w->remote ? -DRV_E_RESTARTED : -DRV_E_CONNECTION);
	assert_int_equal(drv_client_next(c, 0, &p), 0);
	for (int i = 0; i < N; i++)
		drv_buffer_free(sums[i].buf);
	drv_client_disconnect(c);
}

static void server_killed_with_calls_in_flight(void **state)
{
	server_goes_with_calls_in_flight(state, true);
}

static void server_stopped_with_calls_in_flight(void **state)
{
	server_goes_with_calls_in_flight(state, false);
}

#define LOCAL(f) cmocka_unit_test_setup_teardown(f, setup_local, teardown)
#define REMOTE(f) cmocka_unit_test_setup_teardown(f, setup_remote, teardown)

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(120);
	const struct CMUnitTest tests[] = {
		LOCAL(many_in_flight),
		REMOTE(many_in_flight),
		LOCAL(deferred_out_of_order),
		REMOTE(deferred_out_of_order),
		LOCAL(page_buffers_in_flight),
		REMOTE(page_buffers_in_flight),
		LOCAL(batches_split),
		REMOTE(batches_split),
		LOCAL(handles_in_replies),
		REMOTE(handles_in_replies),
		LOCAL(events_and_sync_calls_among_them),
		REMOTE(events_and_sync_calls_among_them),
		REMOTE(busy_client_gets_everything),
		LOCAL(misuse),
		REMOTE(misuse),
		LOCAL(client_goes_with_calls_in_flight),
		REMOTE(client_goes_with_calls_in_flight),
		LOCAL(server_stopped_with_calls_in_flight),
		REMOTE(server_stopped_with_calls_in_flight),
		REMOTE(server_killed_with_calls_in_flight),
	};
	return cmocka_run_group_tests_name("calls in flight", tests, NULL, NULL);
}
