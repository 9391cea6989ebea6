// SPDX-License-Identifier: MIT
/* test_ipc_malformed.c - hostile clients against the kit server
 * (tests/ipc/kit_impl.c, in a child process) over raw SOCK_SEQPACKET
 * sockets: a corpus of hand-built messages that break the wire format
 * (docs/wire-format.md) in every way the transport and the generated
 * dispatch must catch, each with its exact outcome: a reply with status X,
 * no reply, or the connection closed. kit::store answers a malformed
 * request with an error reply; kit::tiered (@malformed("close")) closes the
 * connection instead, so every table runs against both. After every case
 * the same connection (when it is still open) and a well-behaved client
 * through the generated stub must still be served. Batches (requests
 * sent together in one datagram) whose framing is broken close the
 * connection; the requests of one that holds are each answered, together.
 * Then a client that floods calls and reads no reply is cut off while
 * others are served, and the server has leaked no descriptor or mapping.
 *
 * Every valid message of the corpus is checked to succeed with its exact
 * reply, so a malformed one fails for the reason its name gives and not
 * because the test encodes something else wrong.
 */
#define _GNU_SOURCE
#include "drv_client.h"
#include "drv_server.h"
#include "kit_child.h"
#include "kit_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

enum {
	REPLY_TIMEOUT_MS = 5000, /* a reply or a close that must come */
	SILENCE_MS = 20,         /* a reply that must not (the next call's reply proves it) */
	MAX_TEST_FDS = 10,
	PAGE_BYTES = 4096,
};

#define MEMFD_NAME "malformed-pages"

/* ---- the server, in a child process ---- */

static struct {
	pid_t child;
	char dir[64];
	char subdir[2][128];
	char sock[2][160];
	int base_fds; /* the server's descriptors before any client */
	uint32_t next_request;
} world;

struct object {
	const char *name; /* in messages */
	int index;        /* world.sock */
	bool close_policy;
};

static const struct object STORE = {"kit::store", 0, false};
static const struct object TIERED = {"kit::tiered", 1, true};

/* Where a failure happened: the object and the case. */
static char where[256];

static void fail_at(int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fail_msg("[%s] %s (line %d)", where, msg, line);
}

#define failf(...) fail_at(__LINE__, __VA_ARGS__)
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			failf(__VA_ARGS__);                                                        \
	} while (0)

/* A server that blocks would hang the stubs: the watchdog ends the run. */
static void on_alarm(int sig)
{
	static const char msg[] = "test_ipc_malformed: timed out (does the server block?)\n";
	(void)sig;
	if (write(2, msg, sizeof msg - 1) < 0) {
	}
	if (world.child > 0)
		kill(world.child, SIGKILL);
	for (int i = 0; i < 2; i++) {
		unlink(world.sock[i]);
		rmdir(world.subdir[i]);
	}
	rmdir(world.dir);
	_exit(1);
}

static void serve_forever(void)
{
	struct drv_server *s;
	static struct kit_impl impl;
	signal(SIGALRM, SIG_DFL);
	alarm(0);
	if (drv_server_new(&s) || kit_impl_start(&impl, s) ||
	    drv_object_publish(impl.store_object, 0) || drv_object_publish(impl.tiered_object, 0))
		_exit(3);
	drv_server_run(s);
	_exit(0);
}

static bool server_alive(void)
{
	return world.child > 0 && waitpid(world.child, NULL, WNOHANG) == 0;
}

static void other_client_works(const struct object *o);

static int setup(void **state)
{
	(void)state;
	snprintf(world.dir, sizeof world.dir, "/tmp/drvgen-malformed-XXXXXX");
	if (!mkdtemp(world.dir))
		return -1;
	setenv("DRVGEN_RUN_DIR", world.dir, 1);
	const char *names[2] = {KIT_STORE_NAME, KIT_TIERED_NAME};
	for (int i = 0; i < 2; i++) {
		char path[sizeof world.subdir[i]];
		snprintf(path, sizeof path, "%s/%s", world.dir, names[i]);
		memcpy(world.subdir[i], path, sizeof path);
		snprintf(world.sock[i], sizeof world.sock[i], "%s/0", path);
	}
	world.next_request = 0x70000001u;
	world.child = fork();
	if (world.child < 0)
		return -1;
	if (world.child == 0)
		serve_forever();
	for (int i = 0; i < 5000; i++) {
		if (access(world.sock[0], F_OK) == 0 && access(world.sock[1], F_OK) == 0)
			break;
		if (!server_alive())
			return -1;
		usleep(1000);
	}
	if (access(world.sock[0], F_OK) || access(world.sock[1], F_OK))
		return -1;
	/* the baseline: what the child inherited and its listening sockets,
	 * which exist before their paths do */
	world.base_fds = proc_fds(world.child);
	snprintf(where, sizeof where, "setup");
	other_client_works(&STORE);
	other_client_works(&TIERED);
	return world.base_fds < 0 ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	int failed = 0;
	if (world.child > 0) {
		int st = 0;
		kill(world.child, SIGTERM);
		waitpid(world.child, &st, 0);
		/* anything but our SIGTERM: the server died on its own */
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM) {
			fprintf(stderr, "the server ended on its own (status 0x%x)\n", st);
			failed = -1;
		}
		world.child = 0;
	}
	if (nftw(world.dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
		failed = -1;
	return failed;
}

/* ---- raw messages ---- */

static int raw_connect(const struct object *o)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", world.sock[o->index]);
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	CHECK(s >= 0, "socket: %s", strerror(errno));
	CHECK(connect(s, (struct sockaddr *)&addr, sizeof addr) == 0, "connect %s: %s",
	      addr.sun_path, strerror(errno));
	return s;
}

/* One message, with its fds; 0 or -1 (errno). */
static int send_raw(int s, const uint8_t *buf, size_t len, const int *fds, unsigned nfds)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * MAX_TEST_FDS)];
	} control;
	struct iovec iov = {(void *)buf, len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (nfds) {
		memset(&control, 0, sizeof control);
		mh.msg_control = &control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	ssize_t n;
	do
		n = sendmsg(s, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/* What arrived. */
static struct {
	struct drv_header h;
	_Alignas(8) uint8_t buf[DRV_MAX_MESSAGE];
	size_t n;
	int fds[MAX_TEST_FDS];
	unsigned nfds;
	int err;
} in;

static void close_received(void)
{
	for (unsigned i = 0; i < in.nfds; i++)
		close(in.fds[i]);
	in.nfds = 0;
}

/* 1: a message in `in`; 0: the peer closed; -1: an error (in.err);
 * -2: nothing within timeout_ms. */
static int receive(int s, int timeout_ms)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * MAX_TEST_FDS)];
	} control;
	struct pollfd p = {s, POLLIN, 0};
	int r;
	in.nfds = 0;
	in.n = 0;
	in.err = 0;
	memset(&in.h, 0, sizeof in.h);
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return -2;
	struct iovec iov = {in.buf, sizeof in.buf};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
			    .msg_controllen = sizeof control};
	ssize_t n;
	do
		n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		in.err = errno;
		return -1;
	}
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && in.nfds < MAX_TEST_FDS; i++)
			memcpy(&in.fds[in.nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}
	in.n = (size_t)n;
	if (n == 0 && in.nfds == 0)
		return 0;
	if (n >= DRV_HEADER_SIZE)
		drv_header_get(in.buf, &in.h);
	return 1;
}

static const char *describe(int r)
{
	static char text[160];
	switch (r) {
	case 1:
		snprintf(text, sizeof text,
			 "a message of %zu bytes: kind %u, label 0x%llx, request 0x%x, status 0x%x, "
			 "length %u, ncaps %u",
			 in.n, in.h.kind, (unsigned long long)in.h.label, in.h.request, in.h.status,
			 in.h.length, in.h.ncaps);
		break;
	case 0:
		snprintf(text, sizeof text, "the connection closed");
		break;
	case -1:
		snprintf(text, sizeof text, "recvmsg: %s", strerror(in.err));
		break;
	default:
		snprintf(text, sizeof text, "nothing within the timeout");
		break;
	}
	return text;
}

/* Message r (receive's result) is the reply to (label, request) with
 * `status`, the payload `want` (len bytes) and `nfds` descriptors (left in
 * `in`). */
static void check_reply(int r, uint64_t label, uint32_t request, uint32_t status,
			const void *want, uint32_t len, unsigned nfds)
{
	CHECK(r == 1, "expected the reply to request 0x%x, got %s", request, describe(r));
	if (in.n < DRV_HEADER_SIZE || in.h.kind != DRV_KIND_REPLY || in.h.label != label ||
	    in.h.request != request || in.h.status != status || in.h.length != len ||
	    in.h.ncaps != nfds || in.n != DRV_HEADER_SIZE + (size_t)len || in.nfds != nfds) {
		close_received();
		failf("expected a reply (label 0x%llx, request 0x%x, status 0x%x, length %u, %u fds), "
		      "got %s with %u fds",
		      (unsigned long long)label, request, status, len, nfds, describe(r), in.nfds);
	}
	if (len && memcmp(in.buf + DRV_HEADER_SIZE, want, len) != 0) {
		close_received();
		char hex[3 * 64 + 1] = "";
		for (uint32_t i = 0; i < len && i < 64; i++)
			snprintf(hex + 3 * i, 4, "%02x ", in.buf[DRV_HEADER_SIZE + i]);
		failf("the reply's payload differs from what was expected: %s", hex);
	}
}

static void expect_reply(int s, uint64_t label, uint32_t request, uint32_t status,
			 const void *want, uint32_t len, unsigned nfds)
{
	check_reply(receive(s, REPLY_TIMEOUT_MS), label, request, status, want, len, nfds);
}

static void expect_silence(int s)
{
	int r = receive(s, SILENCE_MS);
	if (r == 1)
		close_received();
	CHECK(r == -2, "expected no message, got %s", describe(r));
}

static void expect_closed(int s)
{
	int r = receive(s, REPLY_TIMEOUT_MS);
	if (r == 1)
		close_received();
	CHECK(r == 0 || (r == -1 && in.err == ECONNRESET),
	      "expected the server to close the connection, got %s", describe(r));
}

static uint32_t new_request(void)
{
	return world.next_request++;
}

static void put_header(uint8_t *p, uint64_t label, uint32_t request, uint32_t length,
		       uint16_t kind)
{
	struct drv_header h = {label, request, length, 0, kind, 0};
	drv_header_put(p, &h);
}

/* A valid add on connection s, answered as it should be. */
static void raw_add(int s)
{
	_Alignas(8) uint8_t m[DRV_HEADER_SIZE + 8];
	uint32_t request = new_request();
	uint32_t a = request & 0xffff, b = 12345;
	put_header(m, KIT_STORE_ADD_LABEL, request, 8, DRV_KIND_CALL);
	drv_put32(m + DRV_HEADER_SIZE, a);
	drv_put32(m + DRV_HEADER_SIZE + 4, b);
	CHECK(send_raw(s, m, sizeof m, NULL, 0) == 0, "sending a valid add: %s", strerror(errno));
	uint8_t want[8] = {0};
	drv_put32(want, a + b);
	expect_reply(s, KIT_STORE_ADD_LABEL, request, 0, want, 8, 0);
}

/* A well-behaved client, through the generated stub. */
static void other_client_works(const struct object *o)
{
	uint32_t sum = 0;
	if (o == &STORE) {
		struct kit_store_client *c = NULL;
		CHECK(kit_store_connect(0, &c) == 0, "another client cannot connect");
		int st = kit_store_add(c, 1000, 234, &sum);
		kit_store_disconnect(c);
		CHECK(st == 0 && sum == 1234, "another client's add: %s (%u)", drv_strerror(st), sum);
	} else {
		struct kit_tiered_client *c = NULL;
		CHECK(kit_tiered_connect(0, &c) == 0, "another client cannot connect");
		int st = kit_tiered_add(c, 1000, 234, &sum);
		kit_tiered_disconnect(c);
		CHECK(st == 0 && sum == 1234, "another client's add: %s (%u)", drv_strerror(st), sum);
	}
}

/* ---- descriptors to attach ---- */

enum fd_kind {
	FD_END,
	FD_PIPE_R,          /* a pipe's read end */
	FD_PIPE_W,          /* a pipe's write end (the test keeps the read end) */
	FD_MEMFD_SEALED,    /* a page buffer as drv_buffer_new makes one */
	FD_MEMFD_UNSEALED,  /* a memfd that allows sealing but has no seal */
	FD_MEMFD_NOSEALING, /* a memfd made without MFD_ALLOW_SEALING */
	FD_MEMFD_GROW_ONLY, /* sealed against growing, not shrinking */
	FD_FILE,            /* a regular file that is not shmem */
	FD_SOCKET,
};

struct made_fd {
	int fd;    /* the one sent */
	int other; /* the pipe's other end, or -1 */
};

static int make_memfd(unsigned flags, int seals)
{
	int fd = memfd_create(MEMFD_NAME, MFD_CLOEXEC | flags);
	CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
	CHECK(ftruncate(fd, PAGE_BYTES) == 0, "ftruncate: %s", strerror(errno));
	uint8_t data[PAGE_BYTES];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i % 251);
	CHECK(pwrite(fd, data, sizeof data, 0) == (ssize_t)sizeof data, "pwrite: %s",
	      strerror(errno));
	if (seals)
		CHECK(fcntl(fd, F_ADD_SEALS, seals) == 0, "F_ADD_SEALS: %s", strerror(errno));
	return fd;
}

static struct made_fd make_fd(enum fd_kind kind)
{
	struct made_fd m = {-1, -1};
	int p[2];
	switch (kind) {
	case FD_END:
		break;
	case FD_PIPE_R:
	case FD_PIPE_W:
		CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0, "pipe: %s", strerror(errno));
		m.fd = kind == FD_PIPE_R ? p[0] : p[1];
		m.other = kind == FD_PIPE_R ? p[1] : p[0];
		break;
	case FD_MEMFD_SEALED:
		m.fd = make_memfd(MFD_ALLOW_SEALING, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
		break;
	case FD_MEMFD_UNSEALED:
		m.fd = make_memfd(MFD_ALLOW_SEALING, 0);
		break;
	case FD_MEMFD_NOSEALING:
		m.fd = make_memfd(0, 0);
		break;
	case FD_MEMFD_GROW_ONLY:
		m.fd = make_memfd(MFD_ALLOW_SEALING, F_SEAL_GROW);
		break;
	case FD_FILE: {
		char path[128];
		snprintf(path, sizeof path, "%s/file-XXXXXX", world.dir);
		m.fd = mkstemp(path);
		CHECK(m.fd >= 0, "mkstemp: %s", strerror(errno));
		unlink(path);
		CHECK(ftruncate(m.fd, PAGE_BYTES) == 0, "ftruncate: %s", strerror(errno));
		break;
	}
	case FD_SOCKET:
		CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) == 0, "socketpair: %s",
		      strerror(errno));
		m.fd = p[0];
		m.other = p[1];
		break;
	}
	return m;
}

/* ---- the corpus ---- */

enum outcome {
	OK,      /* a reply with status 0 and exactly the expected payload */
	ERROR,   /* an error reply: length 0, no caps, `status` */
	SENT,    /* a valid send: no reply; the connection goes on */
	DROPPED, /* a malformed send: no reply under "reply", closed under "close" */
	EVENT,   /* a valid send that makes the server emit `changed("poked", 7)` */
	CLOSED,  /* the connection is closed, nothing sent back */
};

enum scope { BOTH, STORE_ONLY, TIERED_ONLY };

struct patch {
	bool on;
	uint8_t width; /* bytes, little-endian */
	uint32_t at;   /* payload offset */
	uint64_t value;
};

/* put's arguments, encoded as the stub would (without its checks). */
struct put_args {
	const char *key;
	uint32_t klen;
	const uint8_t *value;
	uint32_t vlen;
	const uint16_t *marks;
	uint32_t nmarks;
	const uint8_t *modes;
	uint32_t nmodes;
};

struct mcase {
	const char *name;
	uint64_t label;
	bool has_kind; /* else a call */
	uint16_t kind;
	/* the payload: bytes, put's arguments, or a builder (returns its length) */
	const char *bytes;
	uint32_t nbytes;
	const struct put_args *put;
	uint32_t (*build)(uint8_t *payload);
	struct patch patches[3]; /* applied to the payload */
	bool has_truncate;       /* the payload cut to `truncate` bytes */
	uint32_t truncate;
	uint32_t trail;   /* zero bytes appended */
	bool has_length;  /* the header's length field, else the payload's */
	uint32_t length;
	bool has_ncaps; /* the header's ncaps, else the number of fds */
	uint16_t ncaps;
	uint32_t pages; /* the header's status: page bits */
	bool has_wire;  /* only the first `wire` bytes of header and payload go */
	uint32_t wire;
	enum fd_kind fds[MAX_TEST_FDS];
	enum outcome expect;
	uint32_t status;   /* ERROR */
	const char *reply; /* OK */
	uint32_t nreply;
	unsigned reply_fds;
	/* more to check after the outcome: the fds sent, and those received */
	void (*check)(const struct made_fd *sent, enum outcome got);
	enum scope scope;
	bool keep_open; /* an error reply even under "close": not the client's fault */
	/* the server does otherwise today: the connection closes instead of
	 * the expected reply; noted, not failed, until it is fixed */
};

#define BYTES(s) .bytes = (s), .nbytes = sizeof(s) - 1
#define REPLY(s) .expect = OK, .reply = (s), .nreply = sizeof(s) - 1
#define FAILS(st) .expect = ERROR, .status = (st)
#define KIND(k) .has_kind = true, .kind = (k)
#define SEND_KIND KIND(DRV_KIND_SEND)
#define LENGTH(n) .has_length = true, .length = (n)
#define NCAPS(n) .has_ncaps = true, .ncaps = (n)
#define WIRE(n) .has_wire = true, .wire = (n)
#define TRUNCATE(n) .has_truncate = true, .truncate = (n)
#define SET8(at, v) {true, 1, (at), (v)}
#define SET16(at, v) {true, 2, (at), (v)}
#define SET32(at, v) {true, 4, (at), (v)}
#define PUT(...) .put = &(const struct put_args){__VA_ARGS__}
#define KEY(s) .key = (s), .klen = sizeof(s) - 1
#define VALUE(p, n) .value = (p), .vlen = (n)
#define MARKS(...)                                                                                 \
	.marks = (const uint16_t[]){__VA_ARGS__},                                                   \
	.nmarks = sizeof((const uint16_t[]){__VA_ARGS__}) / sizeof(uint16_t)
#define MODES(...)                                                                                 \
	.modes = (const uint8_t[]){__VA_ARGS__}, .nmodes = sizeof((const uint8_t[]){__VA_ARGS__})
#define FDS(...) .fds = {__VA_ARGS__}

#define MALFORMED FAILS(DRV_STATUS_MALFORMED)
#define BAD_CAPS FAILS(DRV_STATUS_BAD_CAPS)
#define UNKNOWN FAILS(DRV_STATUS_UNKNOWN_LABEL)

#define Z4 "\x00\x00\x00\x00"
#define Z8 Z4 Z4
#define X8 "xxxxxxxx"

/* add(40, 2) = 42 */
#define ADD_OK "\x28\x00\x00\x00\x02\x00\x00\x00"
/* scale(v -5, l MID, f SYNC) = LOW; v at 0, l at 8, f at 10, padding 12..16 */
#define SCALE_OK "\xfb\xff\xff\xff\xff\xff\xff\xff" "\x00\x00" "\x01\x00" Z4
/* move(record, by): tag 5 at 0 (padding 1..4), at (-1, 2) at 4, grid at 12
 * with [1][2] = 0xbeef at 22, mode BOTH at 24, ok at 25, level LOW at 26;
 * by (10, -20) at 28; padding 36..40 */
#define MOVE_OK                                                                                    \
	"\x05\x00\x00\x00" "\xff\xff\xff\xff" "\x02\x00\x00\x00"                                    \
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xef\xbe" "\x03\x01\x9c\xff"                       \
	"\x0a\x00\x00\x00" "\xec\xff\xff\xff" Z4
#define MOVE_REPLY                                                                                 \
	"\x05\x00\x00\x00" "\x09\x00\x00\x00" "\xee\xff\xff\xff"                                    \
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xef\xbe" "\x03\x01\x9c\xff" Z4
/* poke(7): the server emits changed("poked", 7) */
#define POKE7 "\x07\x00\x00\x00" Z4
#define CHANGED_POKED "\x05\x00\x00\x00" Z4 "\x07\x00\x00\x00" Z4 "poked\x00\x00\x00"

static uint8_t filler[256]; /* 1, 2, 3, ... */

static uint32_t encode_put(uint8_t *p, const struct put_args *a)
{
	drv_put32(p, a->klen);
	drv_put32(p + 4, a->vlen);
	drv_put32(p + 8, a->nmarks);
	drv_put32(p + 12, a->nmodes);
	uint32_t at = 16;
	if (a->klen)
		memcpy(p + at, a->key, a->klen);
	at = drv_align8(at + a->klen + 1);
	if (a->vlen)
		memcpy(p + at, a->value, a->vlen);
	at = drv_align8(at + a->vlen);
	for (uint32_t i = 0; i < a->nmarks; i++)
		drv_put16(p + at + 2 * i, a->marks[i]);
	at = drv_align8(at + 2 * a->nmarks);
	if (a->nmodes)
		memcpy(p + at, a->modes, a->nmodes);
	return drv_align8(at + a->nmodes);
}

/* The most a message may be: header and payload, 65536 bytes. */
static uint32_t build_max(uint8_t *p)
{
	(void)p;
	return DRV_MAX_PAYLOAD;
}

/* ... and one 8 bytes more: received truncated. */
static uint32_t build_over_max(uint8_t *p)
{
	(void)p;
	return DRV_MAX_PAYLOAD + 8;
}

/* A str of `n` x's with its terminator, after an 8-byte inline part. */
static uint32_t str_of(uint8_t *p, uint32_t n)
{
	drv_put32(p, n);
	memset(p + 8, 'x', n);
	return drv_align8(8 + n + 1);
}

static uint32_t build_note_41(uint8_t *p)
{
	return str_of(p, 41);
}

static uint32_t build_note_40(uint8_t *p)
{
	return str_of(p, 40);
}

static uint32_t build_open_65(uint8_t *p)
{
	return str_of(p, 65);
}

static uint32_t build_open_64(uint8_t *p)
{
	return str_of(p, 64);
}

/* share wrote its note to the pipe */
static void check_pipe_note(const struct made_fd *sent, enum outcome got)
{
	uint8_t b[2] = {0, 0};
	ssize_t n = read(sent[0].other, b, sizeof b);
	if (got == OK)
		CHECK(n == 1 && b[0] == 0x5a, "share wrote %zd bytes (0x%02x), not the note 0x5a", n,
		      b[0]);
	else
		CHECK(n < 0 && errno == EAGAIN, "the handler ran: %zd bytes in the pipe", n);
}

/* open's reply carries a pipe holding the path */
static void check_open_fd(const struct made_fd *sent, enum outcome got)
{
	(void)sent;
	if (got != OK)
		return;
	char buf[32] = {0};
	ssize_t n = read(in.fds[0], buf, sizeof buf - 1);
	CHECK(n == 10 && strcmp(buf, "/dev/thing") == 0, "open's pipe holds %zd bytes", n);
}

/* The transport's checks: size, kind, length field. */
static const struct mcase header_cases[] = {
	{"an empty message", KIT_STORE_ADD_LABEL, WIRE(0), .expect = CLOSED},
	{"1 byte", KIT_STORE_ADD_LABEL, WIRE(1), .expect = CLOSED},
	{"23 bytes: the header cut short", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), WIRE(23),
	 .expect = CLOSED},
	{"23 bytes with a pipe", KIT_STORE_ADD_LABEL, WIRE(23), FDS(FD_PIPE_R), .expect = CLOSED},
	{"a valid add (the control)", KIT_STORE_ADD_LABEL, BYTES(ADD_OK),
	 REPLY("\x2a\x00\x00\x00" Z4)},
	{"header only, length says 8", KIT_STORE_ADD_LABEL, LENGTH(8), MALFORMED},
	{"length says 0, 8 bytes follow", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), LENGTH(0), MALFORMED},
	{"length says 16, 8 bytes follow", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), LENGTH(16),
	 MALFORMED},
	{"length says 8, 16 bytes follow", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), .trail = 8,
	 LENGTH(8), MALFORMED},
	{"length says 0xffffffff", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), LENGTH(0xffffffffu),
	 MALFORMED},
	{"length 4: not a multiple of 8", KIT_STORE_ADD_LABEL, BYTES("\x28\x00\x00\x00"),
	 MALFORMED},
	{"length 12: not a multiple of 8", KIT_STORE_ADD_LABEL, BYTES(ADD_OK Z4), MALFORMED},
	{"65536 bytes, the most a message may be", KIT_STORE_ADD_LABEL, .build = build_max,
	 MALFORMED},
	{"65544 bytes: past the most", KIT_STORE_ADD_LABEL, .build = build_over_max,
	 .expect = CLOSED},
	{"65544 bytes with a pipe", KIT_STORE_ADD_LABEL, .build = build_over_max, FDS(FD_PIPE_R),
	 .expect = CLOSED},
	{"kind 0", KIT_STORE_ADD_LABEL, KIND(0), BYTES(ADD_OK), .expect = CLOSED},
	{"kind 2: a reply from a client", KIT_STORE_ADD_LABEL, KIND(DRV_KIND_REPLY), BYTES(ADD_OK),
	 .expect = CLOSED},
	{"kind 2 with a pipe", KIT_STORE_ADD_LABEL, KIND(DRV_KIND_REPLY), BYTES(ADD_OK),
	 FDS(FD_PIPE_R), .expect = CLOSED},
	{"kind 4: an event from a client", KIT_STORE_CHANGED_LABEL, KIND(DRV_KIND_EVENT),
	 BYTES(CHANGED_POKED), .expect = CLOSED},
	{"kind 5", KIT_STORE_ADD_LABEL, KIND(5), BYTES(ADD_OK), .expect = CLOSED},
	{"kind 0x101", KIT_STORE_ADD_LABEL, KIND(0x101), BYTES(ADD_OK), .expect = CLOSED},
	{"kind 0xffff", KIT_STORE_ADD_LABEL, KIND(0xffff), BYTES(ADD_OK), .expect = CLOSED},
};

/* Labels: interface ID << 16 | op. */
static const struct mcase label_cases[] = {
	{"an unknown interface ID", 0xdeadbeef0001ull, BYTES(ADD_OK), UNKNOWN},
	{"an unknown op", (uint64_t)KIT_STORE_ID << 16 | 0x7fff, BYTES(ADD_OK), UNKNOWN},
	{"op 0", (uint64_t)KIT_STORE_ID << 16, BYTES(ADD_OK), UNKNOWN},
	{"bit 48 set above add's label", 1ull << 48 | KIT_STORE_ADD_LABEL, BYTES(ADD_OK), UNKNOWN},
	{"bit 63 set above add's label", 1ull << 63 | KIT_STORE_ADD_LABEL, BYTES(ADD_OK), UNKNOWN},
	{"add's op under kit::stats's ID", (uint64_t)KIT_STATS_ID << 16 | 1, BYTES(ADD_OK),
	 UNKNOWN, .scope = STORE_ONLY},
	{"event changed as a call", KIT_STORE_CHANGED_LABEL, BYTES(CHANGED_POKED), UNKNOWN},
	{"event tick as a call", KIT_STORE_TICK_LABEL, UNKNOWN},
	{"kit::tiered's tier on kit::store", KIT_TIERED_TIER_LABEL, UNKNOWN, .scope = STORE_ONLY},
	{"kit::cache's flush on kit::store", KIT_CACHE_FLUSH_LABEL, UNKNOWN, .scope = STORE_ONLY},
	{"kit::stats's count on kit::store", KIT_STATS_COUNT_LABEL, UNKNOWN, .scope = STORE_ONLY},
	{"tier on kit::tiered (the control)", KIT_TIERED_TIER_LABEL, REPLY("\x02\x00\x00\x00" Z4),
	 .scope = TIERED_ONLY},
	{"kit::tiered's ID, op 2", (uint64_t)KIT_TIERED_ID << 16 | 2, UNKNOWN},
	{"an unknown label with a pipe", 0xdeadbeef0001ull, BYTES(ADD_OK), FDS(FD_PIPE_R),
	 UNKNOWN},
	{"an unknown label with a page buffer", 0xdeadbeef0001ull, BYTES(ADD_OK),
	 FDS(FD_MEMFD_SEALED), .pages = 1, UNKNOWN},
};

/* Fixed-size payloads: size, padding, enums, bools, bits. */
static const struct mcase value_cases[] = {
	{"add(40, 2)", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), REPLY("\x2a\x00\x00\x00" Z4)},
	{"add with no payload", KIT_STORE_ADD_LABEL, MALFORMED},
	{"add with 8 trailing zero bytes", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), .trail = 8,
	 MALFORMED},
	{"add with bytes 8.. not zero", KIT_STORE_ADD_LABEL, BYTES(ADD_OK),
	 .patches = {SET8(8, 0xff)}, .trail = 8, MALFORMED},

	{"scale(-5, MID, SYNC)", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK),
	 REPLY("\x9c\xff\x00\x00" Z4)},
	{"scale(1000, LOW, 0)", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK),
	 .patches = {SET32(0, 1000), SET32(4, 0), SET32(8, 0xff9c)}, REPLY("\x64\x00\x00\x00" Z4)},
	{"scale with NOATIME: the method's own error", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK),
	 .patches = {SET16(10, 0x103)}, FAILS(KIT_FAILURE_DENIED)},
	{"scale, l 7: not a level", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK),
	 .patches = {SET16(8, 7)}, MALFORMED},
	{"scale, l 101", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK), .patches = {SET16(8, 101)},
	 MALFORMED},
	{"scale, l -99", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK), .patches = {SET16(8, 0xff9d)},
	 MALFORMED},
	{"scale, l 0x8000", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK), .patches = {SET16(8, 0x8000)},
	 MALFORMED},
	{"scale, l 100 with -100 in the padding after", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK),
	 .patches = {SET16(8, 100), SET16(12, 0xff9c)}, MALFORMED},
	{"scale, f bit 2: outside the flags", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK),
	 .patches = {SET16(10, 0x4)}, MALFORMED},
	{"scale, f bit 9", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK), .patches = {SET16(10, 0x200)},
	 MALFORMED},
	{"scale, f bit 15", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK),
	 .patches = {SET16(10, 0x8000)}, MALFORMED},
	{"scale, padding byte 15 not zero", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK),
	 .patches = {SET8(15, 1)}, MALFORMED},
	{"scale with 8 bytes", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK), TRUNCATE(8), MALFORMED},
	{"scale with 24 bytes", KIT_STORE_SCALE_LABEL, BYTES(SCALE_OK), .trail = 8, MALFORMED},

	{"move(record, by)", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK), REPLY(MOVE_REPLY)},
	{"move, tag 0: the method's own error", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK),
	 .patches = {SET8(0, 0)}, FAILS(KIT_FAILURE_NOT_FOUND)},
	{"move, record.ok 2: a bool over 1", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK),
	 .patches = {SET8(25, 2)}, MALFORMED},
	{"move, record.ok 0xff", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK), .patches = {SET8(25, 0xff)},
	 MALFORMED},
	{"move, record.mode 0", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK), .patches = {SET8(24, 0)},
	 MALFORMED},
	{"move, record.mode 4", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK), .patches = {SET8(24, 4)},
	 MALFORMED},
	{"move, record.level 1", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK), .patches = {SET16(26, 1)},
	 MALFORMED},
	{"move, the padding after record.tag", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK),
	 .patches = {SET8(2, 1)}, MALFORMED},
	{"move, the padding after by", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK),
	 .patches = {SET8(39, 0x80)}, MALFORMED},
	{"move with 32 bytes", KIT_STORE_MOVE_LABEL, BYTES(MOVE_OK), TRUNCATE(32), MALFORMED},

	{"name(42)", KIT_STORE_NAME_LABEL, BYTES("\x2a\x00\x00\x00" Z4),
	 REPLY("\x07\x00\x00\x00" Z4 "name-42\x00")},
	{"name, padding byte 5 not zero", KIT_STORE_NAME_LABEL,
	 BYTES("\x2a\x00\x00\x00\x00\x01\x00\x00"), MALFORMED},
	/* the server's own fault, not the client's: no reason to close */
	{"name(99): a result over its bound", KIT_STORE_NAME_LABEL, BYTES("\x63\x00\x00\x00" Z4),
	 FAILS(DRV_STATUS_INTERNAL), .scope = STORE_ONLY},
	{"name(99) under the close policy", KIT_STORE_NAME_LABEL, BYTES("\x63\x00\x00\x00" Z4),
	 FAILS(DRV_STATUS_INTERNAL), .scope = TIERED_ONLY, .keep_open = true},

	{"list(1)", KIT_STORE_LIST_LABEL, BYTES("\x01\x00\x00\x00" Z4),
	 REPLY("\x01\x00\x00\x00" Z4 Z4 Z4 Z4 "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xe8\x03"
	       "\x01\x00\x9c\xff" Z4)},
	{"list, padding byte 7 not zero", KIT_STORE_LIST_LABEL,
	 BYTES("\x01\x00\x00\x00\x00\x00\x00\x01"), MALFORMED},

	{"matrix()", KIT_STORE_MATRIX_LABEL, REPLY("\x01\xfe\x03\xfc" Z4)},
	{"matrix with 8 zero bytes", KIT_STORE_MATRIX_LABEL, BYTES(Z8), MALFORMED},

	{"wide(SMALL)", KIT_STORE_WIDE_LABEL, BYTES("\x01\x00\x00\x00" Z4),
	 REPLY(Z4 "\x01\x00\x00\x00")},
	{"wide(HUGE)", KIT_STORE_WIDE_LABEL, BYTES(Z4 "\x01\x00\x00\x00"),
	 REPLY("\x01\x00\x00\x00" Z4)},
	{"wide(0): not a big", KIT_STORE_WIDE_LABEL, BYTES(Z8), MALFORMED},
	{"wide(5)", KIT_STORE_WIDE_LABEL, BYTES("\x05\x00\x00\x00" Z4), MALFORMED},
	{"wide(0x100000001)", KIT_STORE_WIDE_LABEL, BYTES("\x01\x00\x00\x00\x01\x00\x00\x00"),
	 MALFORMED},
};

/* Variable data: counts, bounds, terminators, UTF-8, padding, the end. */
static const struct mcase variable_cases[] = {
	{"put(\"k\\xc3\\xa9y\", 9 bytes, 3 marks, 2 modes)", KIT_STORE_PUT_LABEL,
	 PUT(KEY("k\xc3\xa9y"), VALUE(filler, 9), MARKS(10, 20, 30), MODES(1, 2)),
	 REPLY("\x04\x01\x00\x00" Z4)},
	{"put with every count at its bound", KIT_STORE_PUT_LABEL,
	 PUT(KEY(X8 X8 X8 X8), VALUE(filler, 200), MARKS(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
	     MODES(1, 2, 3, 3)),
	 REPLY("\xc7\x01\x00\x00" Z4)},
	{"put(\"\")", KIT_STORE_PUT_LABEL, PUT(KEY("")), REPLY(Z8)},
	{"put, a 4-byte UTF-8 key", KIT_STORE_PUT_LABEL, PUT(KEY("\xf0\x9f\x98\x80")), REPLY(Z8)},
	{"put, key count 33: over its bound", KIT_STORE_PUT_LABEL, PUT(KEY(X8 X8 X8 X8 "x")),
	 MALFORMED},
	{"put, key count 0xffffffff", KIT_STORE_PUT_LABEL, PUT(KEY("ab")),
	 .patches = {SET32(0, 0xffffffffu)}, MALFORMED},
	{"put, value count 201", KIT_STORE_PUT_LABEL, PUT(KEY("ab"), VALUE(filler, 201)), MALFORMED},
	{"put, marks count 11", KIT_STORE_PUT_LABEL,
	 PUT(KEY("ab"), MARKS(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)),
	 MALFORMED},
	{"put, modes count 5", KIT_STORE_PUT_LABEL,
	 PUT(KEY("ab"), MODES(1, 1, 1, 1, 1)), MALFORMED},
	{"put, mode 9 in the vector", KIT_STORE_PUT_LABEL,
	 PUT(KEY("ab"), MODES(1, 9)), MALFORMED},
	{"put, mode 0 in the vector", KIT_STORE_PUT_LABEL,
	 PUT(KEY("ab"), MODES(0)), MALFORMED},
	{"put, key without its terminator at the end", KIT_STORE_PUT_LABEL, PUT(KEY("abcdefgh")),
	 TRUNCATE(24), MALFORMED},
	{"put, key without its terminator, value after it", KIT_STORE_PUT_LABEL,
	 BYTES("\x08\x00\x00\x00\x08\x00\x00\x00" Z8 "abcdefgh" "12345678"), MALFORMED},
	{"put, key with an embedded NUL", KIT_STORE_PUT_LABEL, PUT(KEY("a\0b")), MALFORMED},
	{"put, key a lone lead byte", KIT_STORE_PUT_LABEL, PUT(KEY("\xc3")), MALFORMED},
	{"put, key a lone continuation byte", KIT_STORE_PUT_LABEL, PUT(KEY("\x80")), MALFORMED},
	{"put, key an overlong NUL", KIT_STORE_PUT_LABEL, PUT(KEY("\xc0\x80")), MALFORMED},
	{"put, key an overlong 3-byte '/'", KIT_STORE_PUT_LABEL, PUT(KEY("\xe0\x80\xaf")),
	 MALFORMED},
	{"put, key a surrogate", KIT_STORE_PUT_LABEL, PUT(KEY("\xed\xa0\x80")), MALFORMED},
	{"put, key past U+10FFFF", KIT_STORE_PUT_LABEL, PUT(KEY("\xf4\x90\x80\x80")), MALFORMED},
	{"put, key byte 0xff", KIT_STORE_PUT_LABEL, PUT(KEY("a\xff")), MALFORMED},
	{"put, key's padding not zero", KIT_STORE_PUT_LABEL, PUT(KEY("ab")),
	 .patches = {SET8(21, 0x20)}, MALFORMED},
	{"put, value's padding not zero", KIT_STORE_PUT_LABEL, PUT(KEY("ab"), VALUE(filler, 3)),
	 .patches = {SET8(30, 1)}, MALFORMED},
	{"put, marks' padding not zero", KIT_STORE_PUT_LABEL,
	 PUT(KEY(""), MARKS(7)), .patches = {SET8(31, 1)}, MALFORMED},
	{"put, modes' padding not zero", KIT_STORE_PUT_LABEL,
	 PUT(KEY(""), MODES(1)), .patches = {SET8(25, 1)},
	 MALFORMED},
	{"put, 8 trailing bytes", KIT_STORE_PUT_LABEL, PUT(KEY("ab")), .trail = 8, MALFORMED},
	{"put, value count 100 running past the end", KIT_STORE_PUT_LABEL, PUT(KEY("ab")),
	 .patches = {SET32(4, 100)}, MALFORMED},
	{"put, marks count 10 running past the end", KIT_STORE_PUT_LABEL, PUT(KEY("ab")),
	 .patches = {SET32(8, 10)}, MALFORMED},
	{"put, modes count 4 running past the end", KIT_STORE_PUT_LABEL, PUT(KEY("ab")),
	 .patches = {SET32(12, 4)}, MALFORMED},
	{"put, the inline part cut to 8 bytes", KIT_STORE_PUT_LABEL, PUT(KEY("")), TRUNCATE(8),
	 MALFORMED},
	{"put with no payload", KIT_STORE_PUT_LABEL, MALFORMED},

	{"get(\"k\\xc3\\xa9y\")", KIT_STORE_GET_LABEL, BYTES("\x04\x00\x00\x00" Z4 "k\xc3\xa9y" Z4),
	 REPLY("\x09\x00\x00\x00" Z4 "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x00\x00\x00\x00\x00\x00"
	       "\x00")},
	{"get(\"nope\"): the method's own error", KIT_STORE_GET_LABEL,
	 BYTES("\x04\x00\x00\x00" Z4 "nope" Z4), FAILS(KIT_FAILURE_NOT_FOUND)},
	{"get, padding byte 5 not zero", KIT_STORE_GET_LABEL,
	 BYTES("\x04\x00\x00\x00\x00\x01\x00\x00" "nope" Z4), MALFORMED},
	{"get, key count 33", KIT_STORE_GET_LABEL,
	 BYTES("\x21\x00\x00\x00" Z4 X8 X8 X8 X8 "x\x00\x00\x00\x00\x00\x00\x00"), MALFORMED},
	{"get, key without its terminator", KIT_STORE_GET_LABEL,
	 BYTES("\x08\x00\x00\x00" Z4 "abcdefgh"), MALFORMED},
	{"get, an overlong key", KIT_STORE_GET_LABEL,
	 BYTES("\x02\x00\x00\x00" Z4 "\xc0\x80\x00\x00\x00\x00\x00\x00"), MALFORMED},
	{"get, 8 trailing bytes", KIT_STORE_GET_LABEL, BYTES("\x04\x00\x00\x00" Z4 "nope" Z4 Z8),
	 MALFORMED},
	{"get, key count 4 with the message ending at 8", KIT_STORE_GET_LABEL,
	 BYTES("\x04\x00\x00\x00" Z4), MALFORMED},

	{"open, path of 64 bytes", KIT_STORE_OPEN_LABEL, .build = build_open_64,
	 REPLY("\x40\x00\x00\x00" Z4), .reply_fds = 1},
	{"open, path count 65", KIT_STORE_OPEN_LABEL, .build = build_open_65, MALFORMED},
};

/* Capabilities: their number and kind. */
static const struct mcase cap_cases[] = {
	{"sum(100) of a sealed page buffer", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_MEMFD_SEALED), .pages = 1, REPLY("\x56\x13\x00\x00" Z4)},
	{"sum, a pipe as a handle", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_PIPE_R), BAD_CAPS},
	{"sum, a pipe marked as pages", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_PIPE_R), .pages = 1, BAD_CAPS},
	{"sum, a memfd without seals", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_MEMFD_UNSEALED), .pages = 1, BAD_CAPS},
	{"sum, a memfd that cannot be sealed", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_MEMFD_NOSEALING), .pages = 1, BAD_CAPS},
	{"sum, a memfd sealed against growing only", KIT_STORE_SUM_LABEL,
	 BYTES("\x64\x00\x00\x00" Z4), FDS(FD_MEMFD_GROW_ONLY), .pages = 1, BAD_CAPS},
	{"sum, a regular file marked as pages", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_FILE), .pages = 1, BAD_CAPS},
	{"sum, a socket marked as pages", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_SOCKET), .pages = 1, BAD_CAPS},
	{"sum, the sealed memfd as a handle", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_MEMFD_SEALED), BAD_CAPS},
	{"sum without a capability", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4), BAD_CAPS},
	{"sum, ncaps 1 but no fd", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4), NCAPS(1),
	 .pages = 1, BAD_CAPS},
	{"sum with two page buffers", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_MEMFD_SEALED, FD_MEMFD_SEALED), .pages = 3, BAD_CAPS},
	{"sum with eight page buffers", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00" Z4),
	 FDS(FD_MEMFD_SEALED, FD_MEMFD_SEALED, FD_MEMFD_SEALED, FD_MEMFD_SEALED, FD_MEMFD_SEALED,
	     FD_MEMFD_SEALED, FD_MEMFD_SEALED, FD_MEMFD_SEALED),
	 .pages = 0xff, BAD_CAPS},
	{"sum, padding not zero", KIT_STORE_SUM_LABEL, BYTES("\x64\x00\x00\x00\x00\x00\x01\x00"),
	 FDS(FD_MEMFD_SEALED), .pages = 1, MALFORMED},

	{"share(0x5a) with a pipe", KIT_STORE_SHARE_LABEL, BYTES("\x5a\x00\x00\x00" Z4),
	 FDS(FD_PIPE_W), REPLY(""), .check = check_pipe_note},
	{"share, the page bit on a sealed memfd", KIT_STORE_SHARE_LABEL,
	 BYTES("\x5a\x00\x00\x00" Z4), FDS(FD_MEMFD_SEALED), .pages = 1, BAD_CAPS},
	{"share, the page bit on a pipe", KIT_STORE_SHARE_LABEL, BYTES("\x5a\x00\x00\x00" Z4),
	 FDS(FD_PIPE_W), .pages = 1, BAD_CAPS, .check = check_pipe_note},
	{"share without a capability", KIT_STORE_SHARE_LABEL, BYTES("\x5a\x00\x00\x00" Z4),
	 BAD_CAPS},
	{"share with two pipes", KIT_STORE_SHARE_LABEL, BYTES("\x5a\x00\x00\x00" Z4),
	 FDS(FD_PIPE_W, FD_PIPE_W), BAD_CAPS, .check = check_pipe_note},
	{"share, ncaps 0 but a pipe sent", KIT_STORE_SHARE_LABEL, BYTES("\x5a\x00\x00\x00" Z4),
	 FDS(FD_PIPE_W), NCAPS(0), BAD_CAPS, .check = check_pipe_note},
	{"share, ncaps 2 but one pipe sent", KIT_STORE_SHARE_LABEL, BYTES("\x5a\x00\x00\x00" Z4),
	 FDS(FD_PIPE_W), NCAPS(2), BAD_CAPS, .check = check_pipe_note},
	{"share, page bit 1 beyond ncaps 1", KIT_STORE_SHARE_LABEL, BYTES("\x5a\x00\x00\x00" Z4),
	 FDS(FD_PIPE_W), .pages = 2, MALFORMED, .check = check_pipe_note},
	{"share, padding not zero", KIT_STORE_SHARE_LABEL, BYTES("\x5a\x00\x00\x00\x00\x00\x00\x01"),
	 FDS(FD_PIPE_W), MALFORMED, .check = check_pipe_note},

	{"add, page bit 31 without a capability", KIT_STORE_ADD_LABEL, BYTES(ADD_OK),
	 .pages = 0x80000000u, MALFORMED},
	{"add, page bit 0 without a capability", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), .pages = 1,
	 MALFORMED},
	{"add with a pipe", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), FDS(FD_PIPE_R), BAD_CAPS},
	{"add, ncaps 1 but no fd", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), NCAPS(1), BAD_CAPS},
	{"add with 8 pipes", KIT_STORE_ADD_LABEL, BYTES(ADD_OK),
	 FDS(FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R,
	     FD_PIPE_R),
	 BAD_CAPS},
	{"add with 9 pipes: more than a message may carry", KIT_STORE_ADD_LABEL, BYTES(ADD_OK),
	 FDS(FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R,
	     FD_PIPE_R, FD_PIPE_R),
	 .expect = CLOSED},
	{"add with 9 pipes, ncaps 8", KIT_STORE_ADD_LABEL, BYTES(ADD_OK), NCAPS(8),
	 FDS(FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R, FD_PIPE_R,
	     FD_PIPE_R, FD_PIPE_R),
	 .expect = CLOSED},

	{"open(\"/dev/thing\"): a handle back", KIT_STORE_OPEN_LABEL,
	 BYTES("\x0a\x00\x00\x00" Z4 "/dev/thing\x00\x00\x00\x00\x00\x00"),
	 REPLY("\x0a\x00\x00\x00" Z4), .reply_fds = 1, .check = check_open_fd},
	{"open with a pipe", KIT_STORE_OPEN_LABEL,
	 BYTES("\x0a\x00\x00\x00" Z4 "/dev/thing\x00\x00\x00\x00\x00\x00"), FDS(FD_PIPE_R),
	 BAD_CAPS},
};

/* One-way sends: no reply, ever; the kind must match the method. */
static const struct mcase send_cases[] = {
	{"poke(3)", KIT_STORE_POKE_LABEL, SEND_KIND, BYTES("\x03\x00\x00\x00" Z4), .expect = SENT},
	{"poke(7): an event back", KIT_STORE_POKE_LABEL, SEND_KIND, BYTES(POKE7), .expect = EVENT},
	{"poke(7), padding not zero", KIT_STORE_POKE_LABEL, SEND_KIND,
	 BYTES("\x07\x00\x00\x00\x00\x00\x00\x01"), .expect = DROPPED},
	{"poke(7) with 16 bytes", KIT_STORE_POKE_LABEL, SEND_KIND, BYTES(POKE7 Z8),
	 .expect = DROPPED},
	{"poke with no payload", KIT_STORE_POKE_LABEL, SEND_KIND, .expect = DROPPED},
	{"poke(7), length says 16", KIT_STORE_POKE_LABEL, SEND_KIND, BYTES(POKE7), LENGTH(16),
	 .expect = DROPPED},
	{"poke(7), length 4", KIT_STORE_POKE_LABEL, SEND_KIND, BYTES("\x07\x00\x00\x00"),
	 .expect = DROPPED},
	{"poke(7) with a pipe", KIT_STORE_POKE_LABEL, SEND_KIND, BYTES(POKE7), FDS(FD_PIPE_R),
	 .expect = DROPPED},
	{"poke(7), ncaps 1 but no fd", KIT_STORE_POKE_LABEL, SEND_KIND, BYTES(POKE7), NCAPS(1),
	 .expect = DROPPED},
	{"poke(7), a page bit without a capability", KIT_STORE_POKE_LABEL, SEND_KIND, BYTES(POKE7),
	 .pages = 1, .expect = DROPPED},
	{"note(\"hi\")", KIT_STORE_NOTE_LABEL, SEND_KIND,
	 BYTES("\x02\x00\x00\x00" Z4 "hi\x00\x00\x00\x00\x00\x00"), .expect = SENT},
	{"note of 40 bytes", KIT_STORE_NOTE_LABEL, SEND_KIND, .build = build_note_40,
	 .expect = SENT},
	{"note of 41 bytes: over its bound", KIT_STORE_NOTE_LABEL, SEND_KIND,
	 .build = build_note_41, .expect = DROPPED},
	{"note, invalid UTF-8", KIT_STORE_NOTE_LABEL, SEND_KIND,
	 BYTES("\x01\x00\x00\x00" Z4 "\xff\x00\x00\x00\x00\x00\x00\x00"), .expect = DROPPED},
	{"note without its terminator", KIT_STORE_NOTE_LABEL, SEND_KIND,
	 BYTES("\x08\x00\x00\x00" Z4 "abcdefgh"), .expect = DROPPED},
	{"note, 8 trailing bytes", KIT_STORE_NOTE_LABEL, SEND_KIND,
	 BYTES("\x02\x00\x00\x00" Z4 "hi\x00\x00\x00\x00\x00\x00" Z8), .expect = DROPPED},
	{"add sent as a send", KIT_STORE_ADD_LABEL, SEND_KIND, BYTES(ADD_OK), .expect = DROPPED},
	{"sum sent as a send, with its page buffer", KIT_STORE_SUM_LABEL, SEND_KIND,
	 BYTES("\x64\x00\x00\x00" Z4), FDS(FD_MEMFD_SEALED), .pages = 1, .expect = DROPPED},
	{"poke(7) sent as a call", KIT_STORE_POKE_LABEL, BYTES(POKE7), MALFORMED},
	{"note sent as a call", KIT_STORE_NOTE_LABEL,
	 BYTES("\x02\x00\x00\x00" Z4 "hi\x00\x00\x00\x00\x00\x00"), MALFORMED},
	{"an unknown label as a send", 0xdeadbeef0001ull, SEND_KIND, BYTES(POKE7),
	 .expect = DROPPED},
	{"event changed as a send", KIT_STORE_CHANGED_LABEL, SEND_KIND, BYTES(CHANGED_POKED),
	 .expect = DROPPED},
};

/* ---- running a case ---- */

static struct {
	_Alignas(8) uint8_t buf[DRV_HEADER_SIZE + DRV_MAX_PAYLOAD + 64];
	struct drv_header h;
} out;

/* Builds the message of c into `out`; returns how many bytes go. */
static size_t build_message(const struct mcase *c, unsigned nfds)
{
	uint8_t *p = out.buf + DRV_HEADER_SIZE;
	uint32_t len = 0;
	memset(out.buf, 0, sizeof out.buf);
	if (c->build)
		len = c->build(p);
	else if (c->put)
		len = encode_put(p, c->put);
	else if (c->nbytes) {
		memcpy(p, c->bytes, c->nbytes);
		len = c->nbytes;
	}
	for (size_t i = 0; i < sizeof c->patches / sizeof c->patches[0]; i++) {
		const struct patch *pt = &c->patches[i];
		for (unsigned k = 0; pt->on && k < pt->width; k++)
			p[pt->at + k] = (uint8_t)(pt->value >> (8 * k));
	}
	if (c->has_truncate)
		len = c->truncate;
	len += c->trail;
	out.h = (struct drv_header){
		.label = c->label,
		.request = new_request(),
		.length = c->has_length ? c->length : len,
		.ncaps = c->has_ncaps ? c->ncaps : (uint16_t)nfds,
		.kind = c->has_kind ? c->kind : DRV_KIND_CALL,
		.status = c->pages,
	};
	drv_header_put(out.buf, &out.h);
	return c->has_wire ? c->wire : DRV_HEADER_SIZE + (size_t)len;
}

/* What the object's policy makes of the case. */
static enum outcome expected(const struct object *o, const struct mcase *c)
{
	if (!o->close_policy)
		return c->expect == DROPPED ? SENT : c->expect;
	if (c->expect == DROPPED)
		return CLOSED;
	if (c->expect == ERROR && c->status > 0xffff && !c->keep_open)
		return CLOSED;
	return c->expect;
}

static void run_case(const struct object *o, const struct mcase *c)
{
	snprintf(where, sizeof where, "%s: %s", o->name, c->name);
	enum outcome want = expected(o, c);
	struct made_fd fds[MAX_TEST_FDS];
	int send_fds[MAX_TEST_FDS];
	unsigned nfds = 0;
	while (nfds < MAX_TEST_FDS && c->fds[nfds] != FD_END) {
		fds[nfds] = make_fd(c->fds[nfds]);
		send_fds[nfds] = fds[nfds].fd;
		nfds++;
	}
	size_t wire = build_message(c, nfds);
	uint32_t request = out.h.request;
	int s = raw_connect(o);
	CHECK(send_raw(s, out.buf, wire, send_fds, nfds) == 0, "sendmsg of %zu bytes: %s", wire,
	      strerror(errno));
	/* ours are copies now: what the server does with its own is its business */
	for (unsigned i = 0; i < nfds; i++)
		if (c->fds[i] != FD_PIPE_W)
			close(fds[i].fd);

	switch (want) {
	case OK:
		expect_reply(s, c->label, request, 0, c->reply, c->nreply, c->reply_fds);
		break;
	case ERROR: {
		int r = receive(s, REPLY_TIMEOUT_MS);
		check_reply(r, c->label, request, c->status, NULL, 0, 0);
		break;
	}
	case SENT:
	case DROPPED:
		expect_silence(s);
		break;
	case EVENT: {
		int r = receive(s, REPLY_TIMEOUT_MS);
		if (r == 1)
			close_received();
		CHECK(r == 1 && in.h.kind == DRV_KIND_EVENT &&
			      in.h.label == KIT_STORE_CHANGED_LABEL && in.h.request == 0 &&
			      in.h.status == 0 && in.h.ncaps == 0 &&
			      in.h.length == sizeof CHANGED_POKED - 1 &&
			      in.n == DRV_HEADER_SIZE + sizeof CHANGED_POKED - 1 &&
			      memcmp(in.buf + DRV_HEADER_SIZE, CHANGED_POKED,
				     sizeof CHANGED_POKED - 1) == 0,
		      "expected event changed(\"poked\", 7), got %s", describe(r));
		break;
	}
	case CLOSED:
		expect_closed(s);
		break;
	}
	if (c->check)
		c->check(fds, want);
	close_received();
	/* the same connection is still served, and nothing else was queued */
	if (want != CLOSED)
		raw_add(s);
	close(s);
	for (unsigned i = 0; i < nfds; i++) {
		if (c->fds[i] == FD_PIPE_W)
			close(fds[i].fd);
		if (fds[i].other >= 0)
			close(fds[i].other);
	}
	other_client_works(o);
}

struct suite {
	const char *name;
	const struct object *object;
	const struct mcase *cases;
	size_t n;
};

static void run_suite(void **state)
{
	const struct suite *s = *state;
	size_t ran = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct mcase *c = &s->cases[i];
		if ((c->scope == STORE_ONLY && s->object != &STORE) ||
		    (c->scope == TIERED_ONLY && s->object != &TIERED))
			continue;
		run_case(s->object, c);
		ran++;
	}
	snprintf(where, sizeof where, "%s: %s", s->object->name, s->name);
	CHECK(ran > 0, "no case ran");
	print_message("%zu cases\n", ran);
	CHECK(server_alive(), "the server died");
}

/* ---- batches: several requests in one datagram ---- */

/* A message of a batch: add(40, 2), or as the case changes it. */
struct bmsg {
	uint16_t kind;   /* 0: a call */
	bool has_length; /* its header's length, else 8 */
	uint32_t length;
	uint16_t ncaps;
	bool malformed; /* add with no payload */
};

struct bcase {
	const char *name;
	struct bmsg msgs[4];
	unsigned nmsgs;
	uint64_t label;     /* the batch header's, where it should be 0 */
	uint32_t request;   /* ... */
	uint32_t status;    /* ... */
	int32_t length_off; /* added to its length field */
	int ncaps_off;      /* added to its descriptor count */
	unsigned pipes;     /* descriptors attached */
	uint32_t trailing;  /* zero bytes after the last message */
	bool closes;        /* else each call is answered, in one batch */
};

/* The framing of a batch is the transport's: one it cannot split into
 * messages, or whose messages are not requests, closes the connection
 * (there is nobody to answer). What is inside is each request's own. */
#define MSGS(...) .msgs = {__VA_ARGS__}, .nmsgs = sizeof((struct bmsg[]){__VA_ARGS__}) / sizeof(struct bmsg)
#define ADD {.kind = DRV_KIND_CALL}
#define POKE {.kind = DRV_KIND_SEND}
static const struct bcase batch_cases[] = {
	{.name = "two adds", MSGS(ADD, ADD)},
	{.name = "an add and a send", MSGS(ADD, POKE)},
	{.name = "a batch of one", MSGS(ADD)},
	{.name = "an add malformed among two good", MSGS(ADD, {.malformed = true}, ADD)},
	{.name = "a label in the batch header", MSGS(ADD, ADD), .label = 1, .closes = true},
	{.name = "a request id in the batch header", MSGS(ADD, ADD), .request = 1, .closes = true},
	{.name = "a status in the batch header", MSGS(ADD, ADD), .status = 1, .closes = true},
	{.name = "no messages", .closes = true},
	{.name = "the header's length 8 short", MSGS(ADD, ADD), .length_off = -8, .closes = true},
	{.name = "a message running past the end",
	 MSGS(ADD, {.has_length = true, .length = 16}), .closes = true},
	{.name = "a message of 4 bytes", MSGS(ADD, {.has_length = true, .length = 4}),
	 .closes = true},
	{.name = "8 bytes after the last message", MSGS(ADD, ADD), .trailing = 8, .closes = true},
	{.name = "a batch in the batch", MSGS(ADD, {.kind = DRV_KIND_BATCH}), .closes = true},
	{.name = "a reply in the batch", MSGS(ADD, {.kind = DRV_KIND_REPLY}), .closes = true},
	{.name = "an event in the batch", MSGS(ADD, {.kind = DRV_KIND_EVENT}), .closes = true},
	{.name = "a descriptor no message claims", MSGS(ADD, ADD), .pipes = 1, .ncaps_off = 1,
	 .closes = true},
	{.name = "a descriptor claimed, none sent", MSGS(ADD, {.ncaps = 1}), .closes = true},
	{.name = "9 descriptors for one message", MSGS(ADD, {.ncaps = 9}), .pipes = 9,
	 .closes = true},
};

static void run_batch_case(const struct object *o, const struct bcase *c)
{
	snprintf(where, sizeof where, "%s: batch: %s", o->name, c->name);
	uint8_t *p = out.buf;
	uint32_t at = DRV_HEADER_SIZE, requests[4];
	unsigned ncaps = 0;
	memset(out.buf, 0, sizeof out.buf);
	for (unsigned i = 0; i < c->nmsgs; i++) {
		const struct bmsg *m = &c->msgs[i];
		uint16_t kind = m->kind ? m->kind : DRV_KIND_CALL; /* {.malformed}: a call */
		uint32_t len = m->malformed ? 0 : 8;
		requests[i] = new_request();
		struct drv_header h = {kind == DRV_KIND_SEND ? KIT_STORE_POKE_LABEL : KIT_STORE_ADD_LABEL,
				       requests[i], m->has_length ? m->length : len, m->ncaps, kind, 0};
		drv_header_put(p + at, &h);
		memcpy(p + at + DRV_HEADER_SIZE, kind == DRV_KIND_SEND ? "\x03" Z4 Z4 : ADD_OK, len);
		at += DRV_HEADER_SIZE + len;
		ncaps += m->ncaps;
	}
	at += c->trailing;
	struct drv_header bh = {c->label,
				c->request,
				(uint32_t)((int32_t)(at - DRV_HEADER_SIZE) + c->length_off),
				(uint16_t)((int)ncaps + c->ncaps_off),
				DRV_KIND_BATCH,
				c->status};
	drv_header_put(p, &bh);
	struct made_fd fds[MAX_TEST_FDS];
	int send_fds[MAX_TEST_FDS];
	for (unsigned i = 0; i < c->pipes; i++) {
		fds[i] = make_fd(FD_PIPE_R);
		send_fds[i] = fds[i].fd;
	}
	int sock = raw_connect(o);
	CHECK(send_raw(sock, out.buf, at, send_fds, c->pipes) == 0, "sendmsg: %s", strerror(errno));
	for (unsigned i = 0; i < c->pipes; i++) {
		close(fds[i].fd);
		close(fds[i].other);
	}
	bool any_malformed = false;
	for (unsigned i = 0; i < c->nmsgs; i++)
		any_malformed |= c->msgs[i].malformed;
	if (c->closes || (o->close_policy && any_malformed)) {
		expect_closed(sock);
		close(sock);
		other_client_works(o);
		return;
	}
	/* the replies, in order: a batch of them, or the one alone */
	int r = receive(sock, REPLY_TIMEOUT_MS);
	CHECK(r == 1, "expected the replies, got %s", describe(r));
	close_received();
	unsigned calls = 0;
	for (unsigned i = 0; i < c->nmsgs; i++)
		calls += c->msgs[i].kind != DRV_KIND_SEND;
	uint32_t off = calls > 1 ? DRV_HEADER_SIZE : 0;
	if (calls > 1)
		CHECK(in.h.kind == DRV_KIND_BATCH && in.h.length == in.n - DRV_HEADER_SIZE &&
			      !in.h.label && !in.h.request && !in.h.status && !in.h.ncaps,
		      "expected a batch of %u replies, got %s", calls, describe(r));
	for (unsigned i = 0; i < c->nmsgs; i++) {
		if (c->msgs[i].kind == DRV_KIND_SEND)
			continue;
		struct drv_header h;
		CHECK(off + DRV_HEADER_SIZE <= in.n, "reply %u missing", i);
		drv_header_get(in.buf + off, &h);
		bool bad = c->msgs[i].malformed;
		CHECK(h.kind == DRV_KIND_REPLY && h.label == KIT_STORE_ADD_LABEL &&
			      h.request == requests[i] &&
			      h.status == (bad ? DRV_STATUS_MALFORMED : 0) &&
			      h.length == (bad ? 0u : 8u) && h.ncaps == 0 &&
			      (bad || drv_get32(in.buf + off + DRV_HEADER_SIZE) == 42),
		      "reply %u: kind %u, request 0x%x (0x%x wanted), status 0x%x, length %u", i,
		      h.kind, h.request, requests[i], h.status, h.length);
		off += DRV_HEADER_SIZE + h.length;
	}
	CHECK(off == in.n, "%zu bytes after the replies", in.n - off);
	raw_add(sock);
	close(sock);
}

static void batches(void **state)
{
	const struct object *o = *state;
	for (size_t i = 0; i < sizeof batch_cases / sizeof batch_cases[0]; i++)
		run_batch_case(o, &batch_cases[i]);
	CHECK(server_alive(), "the server died");
}

/* ---- a client that never reads its replies ---- */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void flooding_client(void **state)
{
	(void)state;
	snprintf(where, sizeof where, "%s: a client flooding calls", STORE.name);
	int f = raw_connect(&STORE);
	_Alignas(8) uint8_t m[DRV_HEADER_SIZE + 8];
	uint32_t sent = 0;
	int why = 0;
	double deadline = now() + 5.0;
	/* calls, as fast as they go, never a reply read */
	while (sent < 100000 && now() < deadline) {
		put_header(m, KIT_STORE_ADD_LABEL, sent + 1, 8, DRV_KIND_CALL);
		drv_put32(m + DRV_HEADER_SIZE, sent + 1);
		drv_put32(m + DRV_HEADER_SIZE + 4, 1);
		ssize_t n = send(f, m, sizeof m, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == (ssize_t)sizeof m) {
			sent++;
			continue;
		}
		CHECK(n < 0, "a short send of %zd bytes", n);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd p = {f, POLLOUT, 0};
			poll(&p, 1, 50);
			continue;
		}
		why = errno;
		break;
	}
	CHECK(why == EPIPE || why == ECONNRESET || why == ENOTCONN,
	      "the server still took calls after %u unread replies (%s)", sent,
	      why ? strerror(why) : "no error");

	/* others are served meanwhile: a raw client with a timeout, then the stub */
	int s = raw_connect(&STORE);
	raw_add(s);
	close(s);
	other_client_works(&STORE);

	/* the flooder finds the replies sent before it was cut off, in order,
	 * then the end (a reset may be reported before them) */
	uint32_t got = 0;
	bool reset = false;
	for (;;) {
		int r = receive(f, REPLY_TIMEOUT_MS);
		if (r == 1) {
			close_received();
			CHECK(got < sent, "more replies than calls: %s", describe(r));
			uint8_t want[8] = {0};
			drv_put32(want, got + 2);
			CHECK(in.h.kind == DRV_KIND_REPLY && in.h.request == got + 1 &&
				      in.h.status == 0 && in.h.length == 8 &&
				      in.n == DRV_HEADER_SIZE + 8 &&
				      memcmp(in.buf + DRV_HEADER_SIZE, want, 8) == 0,
			      "reply %u of the flood: %s", got + 1, describe(r));
			got++;
			continue;
		}
		if (r == -1 && in.err == ECONNRESET && !reset) {
			reset = true;
			continue;
		}
		CHECK(r == 0 || (r == -1 && in.err == ECONNRESET),
		      "after %u replies the flooder got %s, not the end", got, describe(r));
		break;
	}
	CHECK(got < sent, "all %u calls were answered: the flooder was never cut off", sent);
	print_message("cut off after %u calls, %u replies\n", sent, got);
	close(f);
	CHECK(server_alive(), "the server died");
}

/* ---- page buffers are the client's size ---- */

static long rss_shmem_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "RssShmem: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* A sealed memfd of 64 MiB, never written (sparse): sum(0) reads none of
 * it, so the server should not make it resident; a client could otherwise
 * have the server allocate and fault in any size it likes (and stall the
 * loop for every other client while it does). */
static void sparse_page_buffer(void **state)
{
	(void)state;
	snprintf(where, sizeof where, "%s: sum(0) of a sparse 64 MiB page buffer", STORE.name);
	enum { SPARSE = 64 << 20 };
	int fd = memfd_create(MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
	CHECK(ftruncate(fd, SPARSE) == 0, "ftruncate: %s", strerror(errno));
	CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0,
	      "F_ADD_SEALS: %s", strerror(errno));
	long before = rss_shmem_kb(world.child);
	CHECK(before >= 0, "no RssShmem for the server");
	_Alignas(8) uint8_t m[DRV_HEADER_SIZE + 8];
	uint32_t request = new_request();
	struct drv_header h = {KIT_STORE_SUM_LABEL, request, 8, 1, DRV_KIND_CALL, 1};
	drv_header_put(m, &h);
	memset(m + DRV_HEADER_SIZE, 0, 8);
	int s = raw_connect(&STORE);
	CHECK(send_raw(s, m, sizeof m, &fd, 1) == 0, "sendmsg: %s", strerror(errno));
	close(fd);
	expect_reply(s, KIT_STORE_SUM_LABEL, request, 0, Z8, 8, 0);
	/* the connection keeps its mapping cached: measure while it is open */
	long after = rss_shmem_kb(world.child);
	close(s);
	other_client_works(&STORE);
	CHECK(after - before <= SPARSE / 1024 / 2,
	      "a page buffer no byte of which was read made %ld KiB of the server resident",
	      after - before);
}

/* ---- nothing left behind ---- */

static void nothing_leaked(void **state)
{
	(void)state;
	snprintf(where, sizeof where, "the server after the corpus");
	CHECK(server_alive(), "the server died");
	/* every connection is closed on our side; a round trip makes the
	 * server notice, and the stub's own goes with the next round */
	other_client_works(&STORE);
	other_client_works(&TIERED);
	int fds = -1;
	for (int i = 0; i < 1000; i++) {
		fds = proc_fds(world.child);
		if (fds == world.base_fds)
			break;
		usleep(1000);
	}
	CHECK(fds == world.base_fds, "the server holds %d descriptors, %d before any client", fds,
	      world.base_fds);
	int maps = proc_mappings(world.child, "memfd:" MEMFD_NAME);
	CHECK(maps == 0, "the server still maps %d page buffers of closed connections", maps);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(60);
	for (size_t i = 0; i < sizeof filler; i++)
		filler[i] = (uint8_t)(i + 1);

#define TABLE(t) (t), sizeof(t) / sizeof((t)[0])
	static const struct suite suites[] = {
		{"header", &STORE, TABLE(header_cases)},
		{"labels", &STORE, TABLE(label_cases)},
		{"fixed values", &STORE, TABLE(value_cases)},
		{"variable data", &STORE, TABLE(variable_cases)},
		{"capabilities", &STORE, TABLE(cap_cases)},
		{"sends", &STORE, TABLE(send_cases)},
		{"header", &TIERED, TABLE(header_cases)},
		{"labels", &TIERED, TABLE(label_cases)},
		{"fixed values", &TIERED, TABLE(value_cases)},
		{"variable data", &TIERED, TABLE(variable_cases)},
		{"capabilities", &TIERED, TABLE(cap_cases)},
		{"sends", &TIERED, TABLE(send_cases)},
	};
	enum { NSUITES = sizeof suites / sizeof suites[0] };
	static char names[NSUITES][64];
	struct CMUnitTest tests[NSUITES + 5];
	for (size_t i = 0; i < NSUITES; i++) {
		snprintf(names[i], sizeof names[i], "%s: %s", suites[i].object->name,
			 suites[i].name);
		tests[i] = (struct CMUnitTest){names[i], run_suite, NULL, NULL,
					       (void *)(uintptr_t)&suites[i]};
	}
	tests[NSUITES] = (struct CMUnitTest){"kit::store: batches", batches, NULL, NULL,
					     (void *)(uintptr_t)&STORE};
	tests[NSUITES + 1] = (struct CMUnitTest){"kit::tiered: batches", batches, NULL, NULL,
						 (void *)(uintptr_t)&TIERED};
	tests[NSUITES + 2] = (struct CMUnitTest)cmocka_unit_test(flooding_client);
	tests[NSUITES + 3] = (struct CMUnitTest)cmocka_unit_test(sparse_page_buffer);
	tests[NSUITES + 4] = (struct CMUnitTest)cmocka_unit_test(nothing_leaked);
	return cmocka_run_group_tests_name("malformed messages", tests, setup, teardown);
}
