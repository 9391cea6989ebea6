// SPDX-License-Identifier: MIT
/* test_ipc_limits.c - clients that try to starve the server of what it
 * has (issue 17): page buffers of 2^46 sparse bytes, more connections than
 * it may serve or has descriptors for, deferred calls by the hundred,
 * deferred calls while memory runs out, a handle that would block. Each
 * against the kit server (tests/ipc/kit_impl.c) in a child process, with
 * the limits of struct drv_server_options: the refusal comes as
 * DRV_STATUS_LIMIT and is counted, and every other client is served on.
 */
#define _GNU_SOURCE
#include "drv_client.h"
#include "drv_server.h"
#include "kit_child.h"
#include "kit_impl.h"
#include "kit_store.h"
#include "kit_tiered.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
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

enum { WAIT_MS = 3000 }; /* a reply that must come */

static struct kit_child child;

static void on_alarm(int sig)
{
	static const char msg[] = "test_ipc_limits: timed out (is the server stuck?)\n";
	(void)sig;
	if (write(2, msg, sizeof msg - 1) < 0) {
	}
	if (child.pid > 0)
		kill(child.pid, SIGKILL);
	_exit(1);
}

static void start_server(const struct drv_server_options *options, void (*prepare)(void))
{
	assert_int_equal(kit_child_start(&child, options, prepare), 0);
}

static void stop_server(void)
{
	assert_int_equal(kit_child_stop(&child), 0); /* it ended as it should */
	kit_child_clean(&child);
}

static struct drv_server_stats stats(void)
{
	struct drv_server_stats st;
	assert_int_equal(kit_child_stats(&child, &st), 0);
	return st;
}

static struct drv_client *store_client(void)
{
	struct drv_client *c = NULL;
	assert_int_equal(kit_store_connect(0, (struct kit_store_client **)&c), 0);
	return c;
}

/* An add that must be answered within WAIT_MS: a server that stopped
 * reading fails the test rather than hanging it. */
static void add_works(struct drv_client *c)
{
	struct kit_store_add_call add = {0};
	uint32_t r = 0;
	assert_int_equal(kit_store_add_start(store(c), 40, 2, &add), 0);
	assert_int_equal(drv_client_wait(c, &add.pending, WAIT_MS), 1);
	assert_int_equal(kit_store_add_finish(&add, &r), 0);
	assert_int_equal(r, 42);
}

/* A fresh client's add, answered. */
static void others_are_served(void)
{
	struct drv_client *c = store_client();
	add_works(c);
	drv_client_disconnect(c);
}

/* A sealed memfd of `size` bytes, never written: sparse. */
static int sparse_memfd(uint64_t size)
{
	int fd = memfd_create("limits-pages", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL), 0);
	return fd;
}

/* kit::store.sum(len) of a memfd the client never maps: the stubs only
 * send its descriptor. */
static int sum_of_memfd(struct drv_client *c, int fd, uint64_t size, uint32_t len)
{
	struct drv_buffer pages = {NULL, (size_t)size, fd};
	uint64_t sum;
	return kit_store_sum((struct kit_store_client *)c, &pages, len, &sum);
}

struct sum {
	struct kit_store_sum_call call;
	struct drv_buffer pages;
};

/* The same, deferred until poke(10), in flight. */
static void start_deferred_sum(struct drv_client *c, struct sum *s, int fd, uint64_t size)
{
	s->pages = (struct drv_buffer){NULL, (size_t)size, fd};
	assert_int_equal(kit_store_sum_start(store(c), &s->pages, KIT_DEFER_SUM, &s->call), 0);
}

static void poke(struct drv_client *c, uint32_t n)
{
	assert_int_equal(kit_store_poke((struct kit_store_client *)c, n), 0);
}

/* ---- address space ---- */

/* Page buffers of 2^46 sparse bytes, four per connection over twenty
 * connections, used to take the server's whole address space, after which
 * every other client's page buffer was refused. Over the per-connection
 * bound each is refused at once, and everyone else's work. */
static void sparse_page_buffers_of_64_tib(void **state)
{
	(void)state;
	enum { CONNS = 20, EACH = 4 };
	const uint64_t huge = 1ull << 46;
	start_server(NULL, NULL);
	struct drv_client *attackers[CONNS];
	for (int i = 0; i < CONNS; i++) {
		attackers[i] = store_client();
		for (int k = 0; k < EACH; k++) {
			int fd = sparse_memfd(huge);
			assert_int_equal(sum_of_memfd(attackers[i], fd, huge, 0), -DRV_STATUS_LIMIT);
			close(fd);
		}
	}
	struct drv_server_stats st = stats();
	assert_int_equal(st.refused_mappings, CONNS * EACH);
	assert_true(st.mapped == 0);
	/* a page buffer of an honest size, on both policies */
	struct drv_buffer *b;
	assert_int_equal(drv_buffer_new(1 << 20, &b), 0);
	memset(b->data, 1, b->size);
	struct kit_store_client *store;
	struct kit_tiered_client *tiered;
	uint64_t sum = 0;
	assert_int_equal(kit_store_connect(0, &store), 0);
	assert_int_equal(kit_store_sum(store, b, 1 << 20, &sum), 0);
	assert_true(sum == 1 << 20);
	assert_int_equal(kit_tiered_connect(0, &tiered), 0);
	assert_int_equal(kit_tiered_sum(tiered, b, 1 << 20, &sum), 0);
	/* a refused buffer is not the client's fault: a "close" protocol keeps it */
	int fd = sparse_memfd(huge);
	struct drv_buffer big = {NULL, (size_t)huge, fd};
	assert_int_equal(kit_tiered_sum(tiered, &big, 0, &sum), -DRV_STATUS_LIMIT);
	assert_int_equal(kit_tiered_sum(tiered, b, 1 << 20, &sum), 0);
	close(fd);
	kit_tiered_disconnect(tiered);
	kit_store_disconnect(store);
	drv_buffer_free(b);
	for (int i = 0; i < CONNS; i++)
		drv_client_disconnect(attackers[i]);
	stop_server();
}

/* The mapping limits, small: what no call uses is let go for what comes,
 * what calls use is not. */
static void mapping_limits(void **state)
{
	(void)state;
	const uint64_t mib = 1 << 20;
	struct drv_server_options lim = {.max_mappings = 4,
					 .max_mapped_per_connection = 8 * mib,
					 .max_mapped = 12 * mib};
	start_server(&lim, NULL);
	struct drv_client *a = store_client(), *b = store_client(), *c = store_client();
	int fds[8];
	for (int i = 0; i < 8; i++)
		fds[i] = sparse_memfd(4 * mib);
	/* six buffers one after the other: each mapped in place of an older */
	for (int i = 0; i < 6; i++)
		assert_int_equal(sum_of_memfd(a, fds[i], 4 * mib, 16), 0);
	assert_true(stats().mapped <= 8 * mib);
	/* over the per-connection bytes alone */
	int big = sparse_memfd(9 * mib);
	assert_int_equal(sum_of_memfd(a, big, 9 * mib, 0), -DRV_STATUS_LIMIT);
	close(big);
	/* buffers in use by deferred calls are kept: a's 8 MiB and b's 4 MiB
	 * are the server's 12, and b's second is refused */
	struct sum held[3] = {0};
	start_deferred_sum(a, &held[0], fds[0], 4 * mib);
	start_deferred_sum(a, &held[1], fds[1], 4 * mib);
	start_deferred_sum(b, &held[2], fds[2], 4 * mib);
	assert_int_equal(drv_client_flush(a), 0);
	assert_int_equal(drv_client_flush(b), 0);
	add_works(a); /* a's calls have been read */
	add_works(b);
	assert_int_equal(sum_of_memfd(b, fds[3], 4 * mib, 0), -DRV_STATUS_LIMIT);
	assert_int_equal(sum_of_memfd(a, fds[3], 4 * mib, 0), -DRV_STATUS_LIMIT);
	assert_true(stats().mapped == 12 * mib);
	/* answered, they are only kept for reuse: c's buffer takes one's place */
	poke(c, 10);
	for (int i = 0; i < 3; i++) {
		struct drv_client *owner = i < 2 ? a : b;
		uint64_t got;
		assert_int_equal(drv_client_wait(owner, &held[i].call.pending, WAIT_MS), 1);
		assert_int_equal(kit_store_sum_finish(&held[i].call, &got), 0);
	}
	assert_int_equal(sum_of_memfd(c, fds[4], 4 * mib, 16), 0);
	struct drv_server_stats st = stats();
	assert_true(st.refused_mappings == 3);
	assert_true(st.mapped <= 12 * mib);
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	drv_client_disconnect(a);
	drv_client_disconnect(b);
	drv_client_disconnect(c);
	stop_server();
}

/* ---- deferred calls ---- */

/* Twenty clients with sixteen calls deferred each: past 256 in all the
 * server used to read nobody. Now only a connection's own count is
 * limited, and the rest are served. */
static void many_clients_with_deferred_calls(void **state)
{
	(void)state;
	enum { CONNS = 20, EACH = 16 };
	start_server(NULL, NULL);
	int fd = sparse_memfd(4096);
	struct drv_client *clients[CONNS];
	static struct sum sums[CONNS][EACH];
	for (int i = 0; i < CONNS; i++) {
		clients[i] = store_client();
		for (int k = 0; k < EACH; k++)
			start_deferred_sum(clients[i], &sums[i][k], fd, 4096);
		assert_int_equal(drv_client_flush(clients[i]), 0);
		add_works(clients[i]);
	}
	others_are_served();
	assert_int_equal(stats().deferred, CONNS * EACH);
	struct drv_client *c = store_client();
	poke(c, 10);
	for (int i = 0; i < CONNS; i++)
		for (int k = 0; k < EACH; k++) {
			uint64_t got;
			assert_int_equal(drv_client_wait(clients[i], &sums[i][k].call.pending,
							 WAIT_MS),
					 1);
			assert_int_equal(kit_store_sum_finish(&sums[i][k].call, &got), 0);
		}
	for (int i = 0; i < CONNS; i++)
		drv_client_disconnect(clients[i]);
	drv_client_disconnect(c);
	close(fd);
	stop_server();
}

/* One connection's calls past max_deferred deferred are refused at once;
 * another's are not. */
static void deferred_calls_over_the_limit(void **state)
{
	(void)state;
	struct drv_server_options lim = {.max_deferred = 4};
	start_server(&lim, NULL);
	int fd = sparse_memfd(4096);
	struct drv_client *a = store_client(), *b = store_client();
	struct sum sa[6] = {0}, sb[3] = {0};
	for (int i = 0; i < 6; i++)
		start_deferred_sum(a, &sa[i], fd, 4096);
	for (int i = 0; i < 3; i++)
		start_deferred_sum(b, &sb[i], fd, 4096);
	uint64_t got;
	for (int i = 4; i < 6; i++) {
		assert_int_equal(drv_client_wait(a, &sa[i].call.pending, WAIT_MS), 1);
		assert_int_equal(kit_store_sum_finish(&sa[i].call, &got), -DRV_STATUS_LIMIT);
	}
	/* whether a call would be deferred shows only once it is: every call
	 * of a connection at its limit is refused */
	uint32_t r;
	assert_int_equal(kit_store_add((struct kit_store_client *)a, 1, 2, &r), -DRV_STATUS_LIMIT);
	add_works(b);
	assert_int_equal(stats().refused_deferred, 3);
	poke(b, 10);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(drv_client_wait(a, &sa[i].call.pending, WAIT_MS), 1);
		assert_int_equal(kit_store_sum_finish(&sa[i].call, &got), 0);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(drv_client_wait(b, &sb[i].call.pending, WAIT_MS), 1);
		assert_int_equal(kit_store_sum_finish(&sb[i].call, &got), 0);
	}
	drv_client_disconnect(a);
	drv_client_disconnect(b);
	close(fd);
	stop_server();
}

/* The server's address space is made to run out (RLIMIT_AS, and mapping
 * limits raised by its owner) while a client defers calls: the calls that
 * cannot get memory are refused, only that client waits, and once it has
 * gone the server is whole again. It used to stop reading every client
 * for good. */
static void limit_address_space(void)
{
	char line[256];
	long vm_kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmSize: %ld kB", &vm_kb) == 1)
			break;
	if (f)
		fclose(f);
	/* room for the server and a few clients, not for much more */
	struct rlimit r = {(rlim_t)(vm_kb + 48 * 1024) * 1024, (rlim_t)(vm_kb + 48 * 1024) * 1024};
	if (vm_kb < 0 || setrlimit(RLIMIT_AS, &r) < 0)
		_exit(6);
}

/* Starts `count` deferred sums on c, of fds[from...] (or of fds[0] again,
 * mapped already, if from is negative), sends them, and takes the calls
 * refused: those answered at once. Returns how many were. */
static int defer_sums(struct drv_client *c, struct sum *sums, int *fds, int from, int count,
		      uint64_t size)
{
	for (int i = 0; i < count; i++)
		start_deferred_sum(c, &sums[i], fds[from < 0 ? 0 : from + i], size);
	assert_int_equal(drv_client_flush(c), 0);
	int refused = 0;
	struct drv_pending *p;
	while (drv_client_next(c, 200, &p) == 1) {
		uint64_t got;
		assert_int_equal(kit_store_sum_finish((struct kit_store_sum_call *)p, &got), -DRV_STATUS_LIMIT);
		refused++;
	}
	return refused;
}

/* Under AddressSanitizer, an allocation that fails must fail as it does
 * without (NULL), not end the process: the server must live through it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static void deferred_calls_while_memory_runs_out(void **state)
{
	(void)state;
	const uint64_t mib = 1 << 20;
	struct drv_server_options lim = {.max_mapped_per_connection = 1ull << 40,
					 .max_mapped = 1ull << 40,
					 .max_mappings = 1000,
					 .max_deferred = 1000};
	start_server(&lim, limit_address_space);
	struct drv_client *victim = store_client(), *attacker = store_client();
	add_works(victim);
	enum { MAX = 512, BATCH = 16 };
	static struct sum sums[MAX];
	int fds[MAX], n = 0;
	for (int i = 0; i < MAX; i++)
		fds[i] = sparse_memfd(2 * mib);
	/* a fresh 2 MiB buffer with each call, until one cannot be mapped */
	while (n + BATCH <= MAX && !stats().refused_mappings) {
		defer_sums(attacker, &sums[n], fds, n, BATCH, 2 * mib);
		n += BATCH;
	}
	assert_true(stats().refused_mappings > 0);
	/* then a buffer mapped already: each call deferred needs only a slot */
	while (n + BATCH <= MAX && !stats().refused_memory) {
		defer_sums(attacker, &sums[n], fds, -1, BATCH, 2 * mib);
		n += BATCH;
	}
	assert_true(stats().refused_memory > 0);
	/* only the attacker waits: the client connected before is served */
	add_works(victim);
	/* the attacker goes; the driver answers its calls into nothing */
	drv_client_disconnect(attacker);
	poke(victim, 10);
	add_works(victim);
	/* and the server is whole: a new client defers calls with pages */
	struct drv_client *c = store_client();
	struct sum later[4] = {0};
	assert_int_equal(defer_sums(c, later, fds, 0, 4, 2 * mib), 0);
	poke(victim, 10);
	for (int i = 0; i < 4; i++) {
		uint64_t got;
		assert_int_equal(drv_client_wait(c, &later[i].call.pending, WAIT_MS), 1);
		assert_int_equal(kit_store_sum_finish(&later[i].call, &got), 0);
	}
	for (int i = 0; i < MAX; i++)
		close(fds[i]);
	drv_client_disconnect(c);
	drv_client_disconnect(victim);
	stop_server();
}

/* ---- connections and descriptors ---- */

static int raw_connect(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s/0", child.dir, KIT_STORE_NAME);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(connect(s, (struct sockaddr *)&addr, sizeof addr), 0);
	return s;
}

/* The server's statistics once it has taken or refused n clients. */
static struct drv_server_stats settled(uint64_t n)
{
	struct drv_server_stats st = stats();
	for (int i = 0; i < WAIT_MS && st.clients + st.refused_connections < n; i++) {
		usleep(1000);
		st = stats();
	}
	assert_true(st.clients + st.refused_connections >= n);
	return st;
}

/* What a connection the server will not serve gets: a reply to request 0
 * with DRV_STATUS_LIMIT, then its end. 1 for that, 0 for nothing within
 * timeout_ms (a connection being served). */
static int refused(int s, int timeout_ms)
{
	struct pollfd p = {s, POLLIN, 0};
	if (poll(&p, 1, timeout_ms) == 0)
		return 0;
	_Alignas(8) uint8_t buf[64];
	ssize_t n = recv(s, buf, sizeof buf, 0);
	assert_int_equal(n, DRV_HEADER_SIZE);
	struct drv_header h;
	drv_header_get(buf, &h);
	assert_true(h.kind == DRV_KIND_REPLY && h.request == 0 && h.status == DRV_STATUS_LIMIT &&
		    h.length == 0 && h.ncaps == 0);
	assert_int_equal(recv(s, buf, sizeof buf, 0), 0);
	return 1;
}

/* Connections past max_connections are told so, and each of the others
 * is served; one that goes makes room. */
static void connections_over_the_limit(void **state)
{
	(void)state;
	enum { LIMIT = 40, MORE = 12 };
	struct drv_server_options lim = {.max_connections = LIMIT};
	start_server(&lim, NULL);
	int socks[LIMIT + MORE];
	int n_refused = 0;
	for (int i = 0; i < LIMIT + MORE; i++)
		socks[i] = raw_connect();
	settled(LIMIT + MORE);
	for (int i = 0; i < LIMIT + MORE; i++) {
		int r = refused(socks[i], 0);
		assert_int_equal(r, i >= LIMIT); /* the last ones, in the order they came */
		n_refused += r;
	}
	assert_int_equal(n_refused, MORE);
	/* through the stubs, the refusal is the first call's status */
	struct drv_client *c = store_client();
	uint32_t r;
	assert_int_equal(kit_store_add((struct kit_store_client *)c, 1, 2, &r), -DRV_STATUS_LIMIT);
	drv_client_disconnect(c);
	assert_int_equal(stats().refused_connections, MORE + 1);
	close(socks[0]);
	for (int i = 0; i < 1000; i++) {
		if (stats().connections < LIMIT)
			break;
		usleep(1000);
	}
	others_are_served();
	for (int i = 1; i < LIMIT + MORE; i++)
		close(socks[i]);
	stop_server();
}

static void few_descriptors(void)
{
	struct rlimit r = {64, 64};
	if (setrlimit(RLIMIT_NOFILE, &r) < 0)
		_exit(6);
}

/* More clients than the server has descriptors for (RLIMIT_NOFILE 64,
 * the connection limit above it): those it cannot take are told so
 * rather than left waiting, the loop does not spin on the listening
 * socket, and a connected client whose page buffer cannot be received for
 * want of a descriptor is refused that call, not cut off. */
static void descriptors_run_out(void **state)
{
	(void)state;
	enum { SOCKS = 100 };
	struct drv_server_options lim = {.max_connections = 1000};
	start_server(&lim, few_descriptors);
	int socks[SOCKS];
	int n_refused = 0;
	for (int i = 0; i < SOCKS; i++)
		socks[i] = raw_connect();
	struct drv_server_stats st = settled(SOCKS);
	for (int i = 0; i < SOCKS; i++)
		n_refused += refused(socks[i], 0);
	assert_true(n_refused > 0 && n_refused < SOCKS);
	assert_true(st.refused_connections == (uint64_t)n_refused);
	/* every descriptor taken, and clients still knocking: it must idle */
	int knock[8];
	for (int i = 0; i < 8; i++)
		knock[i] = raw_connect();
	long before = proc_cpu_ticks(child.pid);
	usleep(500000);
	long spent = proc_cpu_ticks(child.pid) - before;
	assert_true(before >= 0 && spent < 10); /* ticks of 10 ms: not a spinning loop */
	for (int i = 0; i < 8; i++) {
		assert_int_equal(refused(knock[i], WAIT_MS), 1);
		close(knock[i]);
	}
	/* a connected client sends a page buffer: no descriptor to take it */
	int s = -1;
	for (int i = 0; i < SOCKS && s < 0; i++)
		if (fcntl(socks[i], F_GETFD) >= 0) {
			struct pollfd p = {socks[i], POLLIN, 0};
			if (poll(&p, 1, 0) == 0)
				s = socks[i]; /* served, not refused */
		}
	assert_true(s >= 0);
	int fd = sparse_memfd(4096);
	_Alignas(8) uint8_t m[DRV_HEADER_SIZE + 8] = {0};
	struct drv_header h = {KIT_STORE_SUM_LABEL, 7, 8, 1, DRV_KIND_CALL, 1};
	drv_header_put(m, &h);
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	memset(&control, 0, sizeof control);
	struct iovec iov = {m, sizeof m};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
			    .msg_controllen = sizeof control};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	assert_int_equal(sendmsg(s, &mh, MSG_NOSIGNAL), (ssize_t)sizeof m);
	struct pollfd p = {s, POLLIN, 0};
	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	_Alignas(8) uint8_t buf[64];
	assert_int_equal(recv(s, buf, sizeof buf, 0), DRV_HEADER_SIZE);
	drv_header_get(buf, &h);
	assert_true(h.kind == DRV_KIND_REPLY && h.request == 7 && h.status == DRV_STATUS_LIMIT);
	close(fd);
	st = stats();
	assert_true(st.refused_descriptors == 1);
	assert_true(st.refused_connections == (uint64_t)n_refused + 8);
	/* clients go: the others are served again */
	for (int i = 0; i < SOCKS; i++)
		close(socks[i]);
	for (int i = 0; i < 1000 && stats().connections; i++)
		usleep(1000);
	others_are_served();
	stop_server();
}

/* ---- handles ---- */

struct share {
	struct drv_client *c;
	int fd;
	int status;
};

static void *share_thread(void *arg)
{
	struct share *sh = arg;
	sh->status = kit_store_share((struct kit_store_client *)sh->c, sh->fd, 0x5a);
	return NULL;
}

/* A handler that writes to a pipe the client filled used to block the
 * whole server. The server's copy of a handle is non-blocking: the
 * handler gets EAGAIN (here, an INTERNAL reply), and others are served
 * meanwhile. */
static void full_pipe_handle(void **state)
{
	(void)state;
	start_server(NULL, NULL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	static char junk[4096];
	while (write(p[1], junk, sizeof junk) > 0)
		;
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(fcntl(p[1], F_SETFL, 0), 0); /* the client's own is blocking */
	struct share sh = {store_client(), p[1], 1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, share_thread, &sh), 0);
	others_are_served();
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(sh.status, -DRV_STATUS_INTERNAL);
	/* the flag is on the open file, which client and server share */
	assert_true(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	drv_client_disconnect(sh.c);
	close(p[0]);
	close(p[1]);
	stop_server();
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(180);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sparse_page_buffers_of_64_tib),
		cmocka_unit_test(mapping_limits),
		cmocka_unit_test(many_clients_with_deferred_calls),
		cmocka_unit_test(deferred_calls_over_the_limit),
		cmocka_unit_test(deferred_calls_while_memory_runs_out),
		cmocka_unit_test(connections_over_the_limit),
		cmocka_unit_test(descriptors_run_out),
		cmocka_unit_test(full_pipe_handle),
	};
	return cmocka_run_group_tests_name("resource limits", tests, NULL, NULL);
}
