// SPDX-License-Identifier: MIT
/* ipc_bench MODE ITERATIONS - one run of one measurement of bench/ipc.sh,
 * printed as a single number on stdout:
 *
 *   ipc    ns per kit_store_add round trip: generated client stub, socket
 *          transport, and the real server loop (drv_server_run with the
 *          generated dispatch and tests/ipc/kit_impl.c) in a child process.
 *   pipelined  ns per kit_store_add with 32 calls in flight on the same
 *          connection (drv_client_start, drv_client_next), the same server.
 *   floor  ns per round trip of the same bytes (a 32-byte call, a 32-byte
 *          reply) over the same socket type, hand-written: blocking send and
 *          recv on both sides, server in a child process. What the kernel
 *          costs; nothing can be faster over this transport.
 *   bulk   MiB/s of kit_store_sum over a 1 MiB drv_buffer, the same buffer
 *          every call (the server maps it once and sums every byte).
 *   local  MiB/s of the same summing loop over the same kind of buffer in
 *          this process: what bulk would be if IPC cost nothing.
 *
 * and, to see where ipc's time over floor goes (not run by bench/ipc.sh),
 * floor with what the runtime does differently added:
 *
 *   floor+poll       the server waits in poll()
 *   floor+epoll      the server waits in epoll_wait, as drv_server_run does
 *   floor+msg        the server receives through drv_receive (recvmsg with
 *                    room for descriptors) and sends through drv_send
 *   floor+epoll+msg  the system calls the runtime makes: ipc minus the
 *                    stubs, the dispatch and the runtime's bookkeeping
 *   floor+poll+msg   the same on poll
 *
 * Each mode warms up first and times only its loop (CLOCK_MONOTONIC) of
 * ITERATIONS, cut short after a second (bench_util.h); server start-up
 * and connection are not counted. Client and server are pinned as
 * IPC_BENCH_CPUS says (bench_util.h), the same for every mode.
 * Exits non-zero only when something fails (a wrong result included).
 */
#define _GNU_SOURCE
#include "bench_sum.h"
#include "bench_util.h"
#include "drv_client.h"
#include "drv_server.h"
#include "drv_transport.h" /* drv_send, drv_receive: the floor+msg variants */
#include "kit_impl.h"
#include "kit_store.h"
#include "kit_store.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* The generated stubs take the typed client; these tests hold the runtime's. */
static struct kit_store_client *store(struct drv_client *c)
{
	return (struct kit_store_client *)c;
}

enum { BULK_SIZE = 1 << 20, PIPELINE_DEPTH = 32 };

static void die(const char *what)
{
	fprintf(stderr, "ipc_bench: %s\n", what);
	exit(1);
}

/* ---- a server in a child process ---- */

static char run_dir[64];

static void make_run_dir(void)
{
	snprintf(run_dir, sizeof run_dir, "/tmp/drvgen-bench-ipc-XXXXXX");
	if (!mkdtemp(run_dir))
		die("mkdtemp");
	setenv("DRVGEN_RUN_DIR", run_dir, 1);
}

/* What either kind of server left there, and the directory. */
static void remove_run_dir(void)
{
	char path[200];
	snprintf(path, sizeof path, "%s/%s/0", run_dir, KIT_STORE_NAME);
	unlink(path);
	snprintf(path, sizeof path, "%s/%s", run_dir, KIT_STORE_NAME);
	rmdir(path);
	snprintf(path, sizeof path, "%s/floor", run_dir);
	unlink(path);
	rmdir(run_dir);
}

/* Forks; the child runs serve(ready) and must write a byte to ready once
 * clients may connect. It dies with its parent. */
static pid_t start_child(void (*serve)(int ready))
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (bench_pin(1))
			_exit(3);
		close(p[0]);
		serve(p[1]);
		_exit(0);
	}
	close(p[1]);
	char c;
	if (read(p[0], &c, 1) != 1)
		die("the server did not start");
	close(p[0]);
	return pid;
}

static void stop_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void serve_kit(int ready)
{
	static struct kit_impl impl;
	struct drv_server *s;
	if (drv_server_new(&s) || kit_impl_start(&impl, s) || drv_object_publish(impl.store_object, 0))
		_exit(3);
	if (write(ready, "r", 1) != 1)
		_exit(3);
	close(ready);
	drv_server_run(s);
	_exit(0);
}

/* How the floor talks; the plain floor is none of these. The variants
 * add what the runtime does differently, to see what each costs
 * (diagnostic modes, not run by bench/ipc.sh):
 *   FLOOR_POLL   the server waits in poll() on its listening socket and the
 *                connection, then receives with MSG_DONTWAIT, as
 *                drv_server_run_once does
 *   FLOOR_EPOLL  the same with epoll_wait on a set made once: what the
 *                server loop would cost on epoll
 *   FLOOR_MSG    the server sends and receives with drv_send and
 *                drv_receive (drv_socket.c: recvmsg with room for fds and
 *                MSG_CMSG_CLOEXEC, a 64 KiB buffer, MSG_NOSIGNAL), as the
 *                runtime's server does; the client, as the runtime's does
 *                for a call with no handle in its reply, plain send and recv */
enum { FLOOR_POLL = 1, FLOOR_EPOLL = 2, FLOOR_MSG = 4 };
static int floor_variant;
static _Alignas(8) uint8_t floor_in[DRV_MAX_MESSAGE];

static ssize_t floor_recv(int fd, int flags, bool server)
{
	if (!server || !(floor_variant & FLOOR_MSG))
		return recv(fd, floor_in, 64, flags);
	int fds[DRV_MAX_BATCH_CAPS];
	struct drv_received r;
	drv_receive(fd, floor_in, fds, DRV_MAX_BATCH_CAPS, flags, &r);
	drv_close_fds(fds, r.nfds);
	return r.len;
}

static bool floor_send(int fd, const uint8_t *msg, size_t len, bool server)
{
	if (!server || !(floor_variant & FLOOR_MSG))
		return send(fd, msg, len, 0) == (ssize_t)len;
	return drv_send(fd, msg, len, NULL, 0, 0) == 0;
}

/* The floor's server: one client, a blocking recv and send per message
 * (or the variant's way). */
static void serve_floor(int ready)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s/floor", run_dir);
	int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(l, 1) < 0)
		_exit(3);
	if (write(ready, "r", 1) != 1)
		_exit(3);
	close(ready);
	int fd = accept(l, NULL, NULL);
	if (fd < 0)
		_exit(3);
	int ep = -1;
	if (floor_variant & FLOOR_EPOLL) {
		struct epoll_event ev = {.events = EPOLLIN, .data.fd = l};
		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) < 0)
			_exit(3);
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			_exit(3);
	}
	_Alignas(8) uint8_t out[32];
	for (;;) {
		if (floor_variant & FLOOR_POLL) {
			struct pollfd p[2] = {{l, POLLIN, 0}, {fd, POLLIN, 0}};
			if (poll(p, 2, -1) < 0 && errno != EINTR)
				_exit(3);
			if (!(p[1].revents & (POLLIN | POLLHUP)))
				continue;
		}
		if (floor_variant & FLOOR_EPOLL) {
			struct epoll_event ev[2];
			int k = epoll_wait(ep, ev, 2, -1);
			if (k < 0 && errno != EINTR)
				_exit(3);
			if (k <= 0 || (ev[0].data.fd != fd && (k < 2 || ev[1].data.fd != fd)))
				continue;
		}
		int flags = floor_variant & (FLOOR_POLL | FLOOR_EPOLL) ? MSG_DONTWAIT : 0;
		ssize_t n = floor_recv(fd, flags, true);
		if (n != 32)
			_exit(n == 0 ? 0 : 3);
		/* the reply: the call's header as a reply, a + b, padding */
		memcpy(out, floor_in, 16);
		drv_put32(out + 12, 8);
		memset(out + 16, 0, 16);
		drv_put16(out + 18, DRV_KIND_REPLY);
		drv_put32(out + 24, drv_get32(floor_in + 24) + drv_get32(floor_in + 28));
		if (!floor_send(fd, out, sizeof out, true))
			_exit(3);
	}
}

/* ---- the measurements ---- */

static struct kit_store_client *connect_kit(void)
{
	struct kit_store_client *c;
	if (kit_store_connect(0, &c))
		die("kit_store_connect");
	return c;
}

static double run_ipc(long iters)
{
	pid_t pid = start_child(serve_kit);
	struct kit_store_client *c = connect_kit();
	uint32_t r;
	for (long i = 0; i < BENCH_WARM_UP; i++)
		if (kit_store_add(c, (uint32_t)i, 7, &r) || r != (uint32_t)i + 7)
			die("kit_store_add (warm-up)");
	uint32_t bad = 0;
	long done = 0;
	double t0 = bench_now_ns();
	while (done < iters) {
		if (kit_store_add(c, (uint32_t)done, 7, &r))
			die("kit_store_add");
		bad |= r ^ ((uint32_t)done + 7);
		if (bench_over_budget(t0, ++done))
			break;
	}
	double t1 = bench_now_ns();
	if (bad)
		die("kit_store_add: wrong sum");
	kit_store_disconnect(c);
	stop_child(pid);
	return (t1 - t0) / (double)done;
}

/* A call of add in flight, and what its sum must be. */
struct bench_add {
	struct kit_store_add_call call; /* first: the pending drv_client_next hands back */
	uint32_t a;
};

static void bench_add_start(struct drv_client *c, struct bench_add *b, uint32_t a)
{
	b->a = a;
	if (kit_store_add_start(store(c), a, 7, &b->call))
		die("kit_store_add_start");
}

/* ns per kit_store_add with PIPELINE_DEPTH calls in flight: each reply
 * taken (drv_client_next) is followed by the start of another. */
static double run_pipelined(long iters)
{
	pid_t pid = start_child(serve_kit);
	struct kit_store_client *client = connect_kit();
	struct drv_client *c = (struct drv_client *)client;
	static struct bench_add calls[PIPELINE_DEPTH];
	uint32_t bad = 0, r = 0;
	long started = 0, done = 0;
	double t0 = 0;
	for (int round = 0; round < 2; round++) {
		/* the first round warms up, the second is timed */
		long n = round ? iters : BENCH_WARM_UP;
		started = done = 0;
		t0 = bench_now_ns();
		for (int i = 0; i < PIPELINE_DEPTH && started < n; i++)
			bench_add_start(c, &calls[i], (uint32_t)started++);
		while (done < started) {
			struct drv_pending *p;
			if (drv_client_next(c, -1, &p) != 1)
				die("drv_client_next");
			struct bench_add *b = (struct bench_add *)p;
			if (kit_store_add_finish(&b->call, &r))
				die("kit_store_add_finish");
			bad |= r ^ (b->a + 7);
			done++;
			if (started < n && !(round && bench_over_budget(t0, done)))
				bench_add_start(c, b, (uint32_t)started++);
		}
	}
	double t1 = bench_now_ns();
	if (bad)
		die("pipelined kit_store_add: wrong sum");
	kit_store_disconnect(client);
	stop_child(pid);
	return (t1 - t0) / (double)done;
}

static uint32_t floor_call(int fd, uint32_t request, uint32_t a, uint32_t b)
{
	_Alignas(8) uint8_t out[32];
	struct drv_header h = {KIT_STORE_ADD_LABEL, request, 8, 0, DRV_KIND_CALL, 0};
	drv_header_put(out, &h);
	drv_put32(out + 24, a);
	drv_put32(out + 28, b);
	if (!floor_send(fd, out, sizeof out, false))
		die("floor: send");
	if (floor_recv(fd, 0, false) != 32 || drv_get32(floor_in + 8) != request)
		die("floor: recv");
	return drv_get32(floor_in + 24);
}

static double run_floor(long iters)
{
	pid_t pid = start_child(serve_floor);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s/floor", run_dir);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
		die("floor: connect");
	uint32_t request = 1;
	for (long i = 0; i < BENCH_WARM_UP; i++)
		if (floor_call(fd, request++, (uint32_t)i, 7) != (uint32_t)i + 7)
			die("floor: wrong sum (warm-up)");
	uint32_t bad = 0;
	long done = 0;
	double t0 = bench_now_ns();
	while (done < iters) {
		bad |= floor_call(fd, request++, (uint32_t)done, 7) ^ ((uint32_t)done + 7);
		if (bench_over_budget(t0, ++done))
			break;
	}
	double t1 = bench_now_ns();
	if (bad)
		die("floor: wrong sum");
	close(fd);
	stop_child(pid);
	return (t1 - t0) / (double)done;
}

/* A 1 MiB page buffer with bytes that do not sum to a pattern the
 * compiler could know, and their sum. */
static struct drv_buffer *bulk_buffer(uint64_t *expect)
{
	struct drv_buffer *b;
	if (drv_buffer_new(BULK_SIZE, &b))
		die("drv_buffer_new");
	uint8_t *p = b->data;
	uint32_t x = (uint32_t)getpid() | 1;
	*expect = 0;
	for (size_t i = 0; i < BULK_SIZE; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		p[i] = (uint8_t)x;
		*expect += p[i];
	}
	return b;
}

static double mib_s(long calls, double ns)
{
	return (double)calls * BULK_SIZE / (1024.0 * 1024.0) / (ns / 1e9);
}

static double run_bulk(long iters)
{
	pid_t pid = start_child(serve_kit);
	struct kit_store_client *c = connect_kit();
	uint64_t expect, sum;
	struct drv_buffer *b = bulk_buffer(&expect);
	for (long i = 0; i < 3; i++)
		if (kit_store_sum(c, b, BULK_SIZE, &sum) || sum != expect)
			die("kit_store_sum (warm-up)");
	uint64_t bad = 0;
	long done = 0;
	double t0 = bench_now_ns();
	while (done < iters) {
		if (kit_store_sum(c, b, BULK_SIZE, &sum))
			die("kit_store_sum");
		bad |= sum ^ expect;
		if (bench_over_budget(t0, ++done))
			break;
	}
	double t1 = bench_now_ns();
	if (bad)
		die("kit_store_sum: wrong sum");
	drv_buffer_free(b);
	kit_store_disconnect(c);
	stop_child(pid);
	return mib_s(done, t1 - t0);
}

static double run_local(long iters)
{
	uint64_t expect;
	struct drv_buffer *b = bulk_buffer(&expect);
	struct drv_pages pages = {b->data, b->size};
	for (long i = 0; i < 3; i++)
		if (bench_sum(&pages, BULK_SIZE) != expect)
			die("bench_sum (warm-up)");
	uint64_t bad = 0;
	long done = 0;
	double t0 = bench_now_ns();
	while (done < iters) {
		bad |= bench_sum(&pages, BULK_SIZE) ^ expect;
		if (bench_over_budget(t0, ++done))
			break;
	}
	double t1 = bench_now_ns();
	if (bad)
		die("bench_sum: wrong sum");
	drv_buffer_free(b);
	return mib_s(done, t1 - t0);
}

int main(int argc, char **argv)
{
	long iters = argc == 3 ? atol(argv[2]) : 0;
	if (iters <= 0) {
		fputs("usage: ipc_bench ipc|pipelined|floor|bulk|local ITERATIONS\n"
		      "       ipc_bench floor+poll|floor+epoll|floor+msg|floor+poll+msg|floor+epoll+msg "
		      "ITERATIONS\n",
		      stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (bench_pin(0))
		die("IPC_BENCH_CPUS: not a CPU, or two separated by a comma");
	make_run_dir();
	atexit(remove_run_dir);
	double v;
	if (!strcmp(argv[1], "ipc"))
		v = run_ipc(iters);
	else if (!strcmp(argv[1], "pipelined"))
		v = run_pipelined(iters);
	else if (!strcmp(argv[1], "floor"))
		v = run_floor(iters);
	else if (!strncmp(argv[1], "floor+", 6)) {
		for (char *w = strtok(argv[1] + 6, "+"); w; w = strtok(NULL, "+"))
			if (!strcmp(w, "poll"))
				floor_variant |= FLOOR_POLL;
			else if (!strcmp(w, "epoll"))
				floor_variant |= FLOOR_EPOLL;
			else if (!strcmp(w, "msg"))
				floor_variant |= FLOOR_MSG;
			else
				die("unknown mode");
		if ((floor_variant & FLOOR_POLL) && (floor_variant & FLOOR_EPOLL))
			die("poll or epoll, not both");
		v = run_floor(iters);
	}
	else if (!strcmp(argv[1], "bulk"))
		v = run_bulk(iters);
	else if (!strcmp(argv[1], "local"))
		v = run_local(iters);
	else
		die("unknown mode");
	printf("%.1f\n", v);
	return 0;
}
