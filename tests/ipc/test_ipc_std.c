// SPDX-License-Identifier: MIT
/* test_ipc_std.c - round trips through the committed stubs and dispatch of
 * the standard protocols: io::file and dev::serial (generated/pcserial),
 * edu::device (generated/edu), served by fakes of the hardware
 * (serial_fake.h, edu_fake.h), once in-process and once over real sockets
 * to a server in a forked child: every call, every error path, page
 * buffers, enums, inheritance, deferred replies answered from an interrupt,
 * concurrent clients, and servers and clients going away mid-call.
 *
 * The fakes' interrupts are eventfds and their lines pipes, all made before
 * the fork, so the test raises an interrupt the same way in both worlds.
 * A fake writes a note to a pipe when it parks a call, so a test goes on
 * only once the server really holds the call: no sleeps, no races.
 */
#define _GNU_SOURCE
#include "drv_client.h"
#include "drv_server.h"
#include "edu_fake.h"
#include "serial_fake.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#define INTERNAL (-DRV_STATUS_INTERNAL)
#define NOTE_TIMEOUT_MS 5000

/* ---- two worlds: the server in this process, or in a child ---- */

struct world {
	bool remote;
	pid_t child;
	char dir[64];
	/* the fakes' wires: made before the server, and before the fork */
	int serial_irq, edu_irq, edu_timer;
	int rx[2], tx[2], notes[2], stop[2];
	/* in-process */
	struct drv_server *server;
	struct serial_fake serial;
	struct edu_fake edu;
};

static struct serial_fake_wires serial_wires(const struct world *w)
{
	return (struct serial_fake_wires){w->serial_irq, w->rx[0], w->tx[1], w->notes[1]};
}

static struct edu_fake_wires edu_wires(const struct world *w)
{
	return (struct edu_fake_wires){w->edu_irq, w->edu_timer, w->notes[1]};
}

static void expect_note(struct world *w, char want);

static void stop_serving(void *ctx, int fd, short revents)
{
	(void)fd;
	(void)revents;
	drv_server_stop(ctx);
}

/* The child: serves both fakes until killed, or until the test writes to
 * the stop pipe, when it shuts down as a driver would (stop hooks, then
 * drv_server_free, which answers what is still deferred). */
static void serve_child(struct world *w)
{
	static struct serial_fake serial;
	static struct edu_fake edu;
	struct drv_server *s;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(5);
	close(w->rx[1]);
	close(w->tx[0]);
	close(w->notes[0]);
	close(w->stop[1]);
	struct serial_fake_wires sw = serial_wires(w);
	struct edu_fake_wires ew = edu_wires(w);
	if (drv_server_new(&s) || serial_fake_start(&serial, s, &sw) || edu_fake_start(&edu, s, &ew) ||
	    drv_server_watch(s, w->stop[0], POLLIN, stop_serving, s) ||
	    drv_object_publish(serial.object, 0) || drv_object_publish(serial.file_object, 0) ||
	    drv_object_publish(edu.object, 0))
		_exit(3);
	/* Published means listening. (The socket file appears at bind, before
	 * listen: a client that only waits for the file may be refused.) */
	if (write(w->notes[1], "R", 1) != 1)
		_exit(3);
	int st = drv_server_run(s);
	serial_fake_stop(&serial);
	edu_fake_stop(&edu);
	drv_server_free(s);
	_exit(st ? 4 : 0);
}

static int setup(void **state, bool remote)
{
	struct world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	alarm(30); /* a hang is a failure, not a stuck build */
	w->remote = remote;
	snprintf(w->dir, sizeof w->dir, "/tmp/drvgen-std-%d-%d", (int)getpid(), remote);
	setenv("DRVGEN_RUN_DIR", w->dir, 1);
	w->serial_irq = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	w->edu_irq = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	w->edu_timer = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(w->serial_irq >= 0 && w->edu_irq >= 0 && w->edu_timer >= 0);
	assert_int_equal(pipe2(w->rx, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(w->tx, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(w->notes, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(w->stop, O_CLOEXEC | O_NONBLOCK), 0);
	if (remote) {
		w->child = fork();
		assert_true(w->child >= 0);
		if (w->child == 0)
			serve_child(w);
		expect_note(w, 'R');
	} else {
		struct serial_fake_wires sw = serial_wires(w);
		struct edu_fake_wires ew = edu_wires(w);
		assert_int_equal(drv_server_new(&w->server), 0);
		assert_int_equal(serial_fake_start(&w->serial, w->server, &sw), 0);
		assert_int_equal(edu_fake_start(&w->edu, w->server, &ew), 0);
	}
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
		if (w->child > 0) {
			kill(w->child, SIGKILL);
			waitpid(w->child, NULL, 0);
		}
	} else {
		serial_fake_stop(&w->serial);
		edu_fake_stop(&w->edu);
		drv_server_free(w->server);
	}
	int fds[] = {w->serial_irq, w->edu_irq, w->edu_timer, w->rx[0],	   w->rx[1], w->tx[0],
		     w->tx[1],	    w->notes[0], w->notes[1], w->stop[0], w->stop[1]};
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		close(fds[i]);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
	int st = system(cmd);
	free(w);
	alarm(0);
	return st == 0 ? 0 : -1;
}

/* ---- clients ---- */

static struct dev_serial_client *serial_client(struct world *w)
{
	struct dev_serial_client *c = NULL;
	if (w->remote)
		assert_int_equal(dev_serial_connect(0, &c), 0);
	else
		assert_int_equal(drv_object_connect(w->serial.object, (struct drv_client **)&c), 0);
	return c;
}

/* A plain io::file client of the same port. */
static struct io_file_client *file_client(struct world *w)
{
	struct io_file_client *c = NULL;
	if (w->remote)
		assert_int_equal(io_file_connect(0, &c), 0);
	else
		assert_int_equal(drv_object_connect(w->serial.file_object, (struct drv_client **)&c),
				 0);
	return c;
}

static struct edu_device_client *edu_client(struct world *w)
{
	struct edu_device_client *c = NULL;
	if (w->remote)
		assert_int_equal(edu_device_connect(0, &c), 0);
	else
		assert_int_equal(drv_object_connect(w->edu.object, (struct drv_client **)&c), 0);
	return c;
}

static struct drv_buffer *buffer(size_t size)
{
	struct drv_buffer *b = NULL;
	assert_int_equal(drv_buffer_new(size, &b), 0);
	assert_non_null(b);
	assert_int_equal(b->size, size);
	if (size)
		memset(b->data, 0, size);
	return b;
}

/* ---- the fakes' wires, from the test's side ---- */

static void raise_line(int fd)
{
	uint64_t one = 1;
	assert_int_equal(write(fd, &one, sizeof one), (ssize_t)sizeof one);
}

/* Bytes arriving on the serial line (taken at the next interrupt). */
static void line_in(struct world *w, const void *bytes, size_t n)
{
	assert_int_equal(write(w->rx[1], bytes, n), (ssize_t)n);
}

/* The note a fake writes when it parks a call; false after a timeout. */
static bool wait_note(struct world *w, char *what)
{
	struct pollfd p = {w->notes[0], POLLIN, 0};
	if (poll(&p, 1, NOTE_TIMEOUT_MS) != 1)
		return false;
	return read(w->notes[0], what, 1) == 1;
}

static void expect_note(struct world *w, char want)
{
	char got = 0;
	assert_true(wait_note(w, &got));
	assert_int_equal(got, want);
}

/* No call was parked. A note is written before the handler returns, so
 * once a call has been answered its note, if any, is already there. */
static void expect_no_note(struct world *w)
{
	struct pollfd p = {w->notes[0], POLLIN, 0};
	assert_int_equal(poll(&p, 1, 0), 0);
}

/* Exactly these bytes went out on the serial line since the last look. The
 * fake writes them before it replies, so they are there by now. */
static void tx_expect(struct world *w, const void *bytes, size_t n)
{
	uint8_t *got = malloc(n + 1);
	assert_non_null(got);
	size_t have = 0;
	while (have < n) {
		struct pollfd p = {w->tx[0], POLLIN, 0};
		assert_int_equal(poll(&p, 1, NOTE_TIMEOUT_MS), 1);
		ssize_t r = read(w->tx[0], got + have, n - have);
		assert_true(r > 0);
		have += (size_t)r;
	}
	assert_memory_equal(got, bytes, n);
	free(got);
	struct pollfd p = {w->tx[0], POLLIN, 0};
	assert_int_equal(poll(&p, 1, 0), 0);
}

/* Lets the server take the interrupts raised so far. In-process: runs its
 * loop until nothing is ready. Over sockets: a round trip on a new
 * connection: the interrupt was raised before the connection, so the
 * child's poll sees it ready in the round that accepts it, at the latest,
 * and handles it before it reads the call. */
static void settle(struct world *w)
{
	if (!w->remote) {
		int n = 1;
		for (int i = 0; i < 100 && n > 0; i++)
			n = drv_server_run_once(w->server, 0);
		assert_int_equal(n, 0);
		return;
	}
	struct edu_device_client *c = edu_client(w);
	uint32_t id = 0;
	assert_int_equal(edu_device_ident(c, &id), 0);
	assert_int_equal(id, EDU_FAKE_IDENT);
	edu_device_disconnect(c);
}

/* ---- a call parked on the server while something else happens ---- */

typedef void (*step_fn)(struct world *w, void *ctx);

struct script {
	struct world *w;
	char note;
	step_fn during;
	void *ctx;
	int ran;
};

static void script_fired(void *ctx, int fd, short revents)
{
	struct script *s = ctx;
	uint64_t v;
	(void)revents;
	if (read(fd, &v, sizeof v) != (ssize_t)sizeof v)
		return;
	s->ran++;
	expect_note(s->w, s->note);
	s->during(s->w, s->ctx);
}

struct blocking {
	step_fn fn;
	struct world *w;
	void *ctx;
};

static void *blocking_thread(void *arg)
{
	struct blocking *b = arg;
	b->fn(b->w, b->ctx);
	return NULL;
}

/* Runs blocking(bctx), a call the server defers (its fake notes `note`),
 * and while the server holds it, during(dctx), which must end by making
 * the server answer it (an interrupt). blocking records its outcome and
 * asserts nothing: over sockets it runs in a thread, while during runs
 * here; in-process, the blocked call runs the server's loop, and during
 * runs from it, as a watch fires. */
static void while_deferred(struct world *w, char note, step_fn blocking, void *bctx,
			   step_fn during, void *dctx)
{
	if (w->remote) {
		struct blocking b = {blocking, w, bctx};
		pthread_t t;
		char got = 0;
		assert_int_equal(pthread_create(&t, NULL, blocking_thread, &b), 0);
		if (!wait_note(w, &got) || got != note) {
			/* not deferred: end the child so the thread cannot hang */
			kill(w->child, SIGKILL);
			pthread_join(t, NULL);
			fail_msg("the server did not defer the call (note '%c')", got);
		}
		during(w, dctx);
		assert_int_equal(pthread_join(t, NULL), 0);
		return;
	}
	struct script s = {w, note, during, dctx, 0};
	int fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(drv_server_watch(w->server, fd, POLLIN, script_fired, &s), 0);
	blocking(w, bctx);
	drv_server_unwatch(w->server, fd);
	close(fd);
	assert_int_equal(s.ran, 1);
}

/* Blocking calls, and their outcomes. */

enum read_api { VIA_SERIAL, VIA_AS_FILE, VIA_FILE };

struct read_op {
	enum read_api api;
	struct dev_serial_client *serial;
	struct io_file_client *file;
	struct drv_buffer *pages;
	uint64_t buf, amt, result;
	int status;
};

static void do_read(struct world *w, void *ctx)
{
	struct read_op *op = ctx;
	(void)w;
	switch (op->api) {
	case VIA_SERIAL:
		op->status = dev_serial_read(op->serial, op->pages, op->buf, op->amt, &op->result);
		break;
	case VIA_AS_FILE:
		op->status = io_file_read(dev_serial_as_io_file(op->serial), op->pages, op->buf,
					  op->amt, &op->result);
		break;
	case VIA_FILE:
		op->status = io_file_read(op->file, op->pages, op->buf, op->amt, &op->result);
		break;
	}
}

struct factorial_op {
	struct edu_device_client *client;
	uint32_t n, result;
	int status;
};

static void do_factorial(struct world *w, void *ctx)
{
	struct factorial_op *op = ctx;
	(void)w;
	op->status = edu_device_factorial(op->client, op->n, &op->result);
}

static void raise_serial_irq(struct world *w, void *ctx)
{
	if (ctx)
		line_in(w, ctx, strlen(ctx));
	raise_line(w->serial_irq);
}

static void raise_edu_irq(struct world *w, void *ctx)
{
	(void)ctx;
	raise_line(w->edu_irq);
}

static void expire_edu_timer(struct world *w, void *ctx)
{
	(void)ctx;
	raise_line(w->edu_timer);
}

/* n!, for n <= 12 */
static uint32_t factorial(uint32_t n)
{
	uint32_t r = 1;
	for (uint32_t i = 2; i <= n; i++)
		r *= i;
	return r;
}

/* ---- dev::serial: settings and enums ---- */

static void serial_settings(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *c = serial_client(w);
	uint32_t v = 0;
	enum dev_stop_bits sb = DEV_STOP_BITS_TWO;
	enum dev_parity par = DEV_PARITY_SPACE;

	/* the defaults */
	assert_int_equal(dev_serial_get_baud(c, &v), 0);
	assert_int_equal(v, 115200);
	assert_int_equal(dev_serial_get_charlen(c, &v), 0);
	assert_int_equal(v, 8);
	assert_int_equal(dev_serial_get_stopbits(c, &sb), 0);
	assert_int_equal(sb, DEV_STOP_BITS_ONE);
	assert_int_equal(dev_serial_get_parity(c, &par), 0);
	assert_int_equal(par, DEV_PARITY_NONE);

	/* baud rates: what the divisor latch makes of them */
	static const uint32_t rates[][2] = {{9600, 9600},     {7000, 7200}, {110, 110},
					    {2, 2},	      {38400, 38400}, {100000, 115200},
					    {115200, 115200}, {300, 300}};
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		v = 0;
		assert_int_equal(dev_serial_set_baud(c, rates[i][0]), 0);
		assert_int_equal(dev_serial_get_baud(c, &v), 0);
		assert_int_equal(v, rates[i][1]);
	}
	/* refused by the handler: dev::serial has no error type, so INTERNAL,
	 * and the setting is kept */
	static const uint32_t bad_rates[] = {0, 1, 115201, 0xffffffffu};
	for (size_t i = 0; i < sizeof bad_rates / sizeof bad_rates[0]; i++) {
		assert_int_equal(dev_serial_set_baud(c, bad_rates[i]), INTERNAL);
		assert_int_equal(dev_serial_get_baud(c, &v), 0);
		assert_int_equal(v, 300);
	}

	for (uint32_t bits = 5; bits <= 8; bits++) {
		assert_int_equal(dev_serial_set_charlen(c, bits), 0);
		assert_int_equal(dev_serial_get_charlen(c, &v), 0);
		assert_int_equal(v, bits);
	}
	assert_int_equal(dev_serial_set_charlen(c, 7), 0);
	static const uint32_t bad_bits[] = {0, 4, 9, 32, 0xffffffffu};
	for (size_t i = 0; i < sizeof bad_bits / sizeof bad_bits[0]; i++) {
		assert_int_equal(dev_serial_set_charlen(c, bad_bits[i]), INTERNAL);
		assert_int_equal(dev_serial_get_charlen(c, &v), 0);
		assert_int_equal(v, 7);
	}

	assert_int_equal(dev_serial_set_stopbits(c, DEV_STOP_BITS_TWO), 0);
	assert_int_equal(dev_serial_get_stopbits(c, &sb), 0);
	assert_int_equal(sb, DEV_STOP_BITS_TWO);
	assert_int_equal(dev_serial_set_stopbits(c, DEV_STOP_BITS_ONE), 0);
	assert_int_equal(dev_serial_get_stopbits(c, &sb), 0);
	assert_int_equal(sb, DEV_STOP_BITS_ONE);
	assert_int_equal(dev_serial_set_stopbits(c, DEV_STOP_BITS_TWO), 0);
	/* values outside the enum never leave the client */
	assert_int_equal(dev_serial_set_stopbits(c, (enum dev_stop_bits)2), -DRV_E_ARGUMENT);
	assert_int_equal(dev_serial_set_stopbits(c, (enum dev_stop_bits)-1), -DRV_E_ARGUMENT);
	assert_int_equal(dev_serial_get_stopbits(c, &sb), 0);
	assert_int_equal(sb, DEV_STOP_BITS_TWO);

	static const enum dev_parity parities[] = {DEV_PARITY_ODD, DEV_PARITY_EVEN, DEV_PARITY_MARK,
						   DEV_PARITY_SPACE, DEV_PARITY_NONE,
						   DEV_PARITY_EVEN};
	for (size_t i = 0; i < sizeof parities / sizeof parities[0]; i++) {
		par = (enum dev_parity)99;
		assert_int_equal(dev_serial_set_parity(c, parities[i]), 0);
		assert_int_equal(dev_serial_get_parity(c, &par), 0);
		assert_int_equal(par, parities[i]);
	}
	assert_int_equal(dev_serial_set_parity(c, (enum dev_parity)5), -DRV_E_ARGUMENT);
	assert_int_equal(dev_serial_set_parity(c, (enum dev_parity)-1), -DRV_E_ARGUMENT);
	assert_int_equal(dev_serial_get_parity(c, &par), 0);
	assert_int_equal(par, DEV_PARITY_EVEN);

	/* one port: another client sees the same settings */
	struct dev_serial_client *c2 = serial_client(w);
	assert_int_equal(dev_serial_get_baud(c2, &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(dev_serial_get_charlen(c2, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(dev_serial_get_stopbits(c2, &sb), 0);
	assert_int_equal(sb, DEV_STOP_BITS_TWO);
	assert_int_equal(dev_serial_get_parity(c2, &par), 0);
	assert_int_equal(par, DEV_PARITY_EVEN);
	dev_serial_disconnect(c2);

	if (!w->remote) {
		assert_int_equal(w->serial.divisor, 384);
		assert_int_equal(w->serial.charlen, 7);
	}
	expect_no_note(w);
	dev_serial_disconnect(c);
}

/* ---- io::file: write, through every way in ---- */

static void serial_write(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *c = serial_client(w);
	struct io_file_client *as_file = dev_serial_as_io_file(c);
	struct io_file_client *f = file_client(w);
	struct drv_buffer *b = buffer(64);
	uint64_t n = 99;
	memcpy(b->data, "hello, world", 12);
	memcpy((uint8_t *)b->data + 60, "end!", 4);

	assert_int_equal(dev_serial_write(c, b, 0, 5, &n), 0);
	assert_int_equal(n, 5);
	tx_expect(w, "hello", 5);
	/* the parent's API on the same connection */
	assert_int_equal(io_file_write(as_file, b, 7, 5, &n), 0);
	assert_int_equal(n, 5);
	tx_expect(w, "world", 5);
	/* the same port published as a plain io::file */
	assert_int_equal(io_file_write(f, b, 5, 2, &n), 0);
	assert_int_equal(n, 2);
	tx_expect(w, ", ", 2);
	/* nothing, and up to the last byte of the pages */
	n = 99;
	assert_int_equal(dev_serial_write(c, b, 0, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(dev_serial_write(c, b, 64, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(io_file_write(f, b, 60, 4, &n), 0);
	assert_int_equal(n, 4);
	tx_expect(w, "end!", 4);

	/* past the pages: refused (io::file has no error type: INTERNAL) */
	n = 99;
	assert_int_equal(dev_serial_write(c, b, 60, 5, &n), INTERNAL);
	assert_int_equal(io_file_write(as_file, b, 65, 0, &n), INTERNAL);
	assert_int_equal(io_file_write(f, b, UINT64_MAX, 2, &n), INTERNAL);
	assert_int_equal(dev_serial_write(c, b, 1, UINT64_MAX, &n), INTERNAL);
	assert_int_equal(n, 99);
	/* no pages: never leaves the client */
	assert_int_equal(dev_serial_write(c, NULL, 0, 1, &n), -DRV_E_ARGUMENT);
	assert_int_equal(io_file_write(as_file, NULL, 0, 1, &n), -DRV_E_ARGUMENT);
	assert_int_equal(io_file_write(f, NULL, 0, 1, &n), -DRV_E_ARGUMENT);
	tx_expect(w, "", 0);

	/* the server maps the caller's pages, so it sees them as they are now */
	memcpy(b->data, "HELLO", 5);
	assert_int_equal(dev_serial_write(c, b, 0, 5, &n), 0);
	assert_int_equal(n, 5);
	tx_expect(w, "HELLO", 5);

	/* a buffer of no bytes is still a buffer */
	struct drv_buffer *empty = buffer(0);
	assert_int_equal(dev_serial_write(c, empty, 0, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(dev_serial_write(c, empty, 0, 1, &n), INTERNAL);
	drv_buffer_free(empty);

	/* the transmit log fills: a short count, then none */
	const size_t sent = 5 + 5 + 2 + 4 + 5;
	struct drv_buffer *big = buffer(SERIAL_FAKE_TX_LOG);
	uint8_t *p = big->data;
	for (size_t i = 0; i < big->size; i++)
		p[i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(dev_serial_write(c, big, 0, big->size, &n), 0);
	assert_int_equal(n, SERIAL_FAKE_TX_LOG - sent);
	tx_expect(w, p, SERIAL_FAKE_TX_LOG - sent);
	assert_int_equal(io_file_write(f, big, 0, 1, &n), 0);
	assert_int_equal(n, 0);
	tx_expect(w, "", 0);
	if (!w->remote) {
		assert_int_equal(w->serial.tx_len, SERIAL_FAKE_TX_LOG);
		assert_memory_equal(w->serial.tx_log, "helloworld, end!HELLO", sent);
		assert_memory_equal(w->serial.tx_log + sent, p, SERIAL_FAKE_TX_LOG - sent);
	}
	drv_buffer_free(big);
	drv_buffer_free(b);
	expect_no_note(w);
	io_file_disconnect(f);
	dev_serial_disconnect(c);
}

/* ---- io::file: read what is already queued ---- */

static void serial_read_queued(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *c = serial_client(w);
	struct io_file_client *f = file_client(w);
	struct drv_buffer *b = buffer(64);
	uint8_t *p = b->data;
	uint64_t n = 99;

	line_in(w, "abcdef", 6);
	raise_line(w->serial_irq);
	settle(w);
	assert_int_equal(dev_serial_read(c, b, 0, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(p, "ab", 2);
	assert_int_equal(p[2], 0);
	assert_int_equal(io_file_read(dev_serial_as_io_file(c), b, 10, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(p + 10, "cde", 3);
	assert_int_equal(p[9], 0);
	assert_int_equal(p[13], 0);
	n = 99;
	assert_int_equal(io_file_read(f, b, 0, 0, &n), 0);
	assert_int_equal(n, 0);
	/* fewer queued than asked for: what there is */
	assert_int_equal(io_file_read(f, b, 20, 44, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[20], 'f');
	assert_int_equal(p[21], 0);

	/* past the pages: refused before anything waits */
	n = 99;
	assert_int_equal(dev_serial_read(c, b, 60, 5, &n), INTERNAL);
	assert_int_equal(io_file_read(f, b, UINT64_MAX, 1, &n), INTERNAL);
	assert_int_equal(io_file_read(dev_serial_as_io_file(c), b, 0, 65, &n), INTERNAL);
	assert_int_equal(n, 99);
	assert_int_equal(dev_serial_read(c, NULL, 0, 1, &n), -DRV_E_ARGUMENT);
	assert_int_equal(io_file_read(f, NULL, 0, 1, &n), -DRV_E_ARGUMENT);
	/* an empty queue and nothing asked for: not a wait */
	assert_int_equal(dev_serial_read(c, b, 0, 0, &n), 0);
	assert_int_equal(n, 0);
	expect_no_note(w);

	/* more than the queue holds: the rest waits on the line for the next
	 * interrupt */
	struct drv_buffer *big = buffer(512);
	uint8_t burst[300];
	for (size_t i = 0; i < sizeof burst; i++)
		burst[i] = (uint8_t)(i + 7);
	line_in(w, burst, sizeof burst);
	raise_line(w->serial_irq);
	settle(w);
	assert_int_equal(dev_serial_read(c, big, 0, 512, &n), 0);
	assert_int_equal(n, SERIAL_FAKE_RX_QUEUE);
	assert_memory_equal(big->data, burst, SERIAL_FAKE_RX_QUEUE);
	raise_line(w->serial_irq);
	settle(w);
	assert_int_equal(io_file_read(f, big, 100, 412, &n), 0);
	assert_int_equal(n, sizeof burst - SERIAL_FAKE_RX_QUEUE);
	assert_memory_equal((uint8_t *)big->data + 100, burst + SERIAL_FAKE_RX_QUEUE,
			    sizeof burst - SERIAL_FAKE_RX_QUEUE);
	expect_no_note(w);
	if (!w->remote) {
		assert_int_equal(w->serial.irqs, 3);
		assert_int_equal(w->serial.deferred, 0);
		assert_int_equal(w->serial.rx_len, 0);
	}
	drv_buffer_free(big);
	drv_buffer_free(b);
	io_file_disconnect(f);
	dev_serial_disconnect(c);
}

/* ---- io::file: a read that waits for the interrupt ---- */

struct served_meanwhile {
	struct dev_serial_client *blocked; /* the client whose read waits */
	struct dev_serial_client *other;
	struct drv_buffer *pages;
	int served;
};

static void serve_others(struct world *w, void *ctx)
{
	struct served_meanwhile *m = ctx;
	uint32_t v = 0;
	uint64_t n = 0;
	assert_int_equal(dev_serial_get_baud(m->other, &v), 0);
	assert_int_equal(v, 115200);
	assert_int_equal(dev_serial_set_baud(m->other, 9600), 0);
	assert_int_equal(dev_serial_get_baud(m->other, &v), 0);
	assert_int_equal(v, 9600);
	memcpy(m->pages->data, "ping", 4);
	assert_int_equal(dev_serial_write(m->other, m->pages, 0, 4, &n), 0);
	assert_int_equal(n, 4);
	tx_expect(w, "ping", 4);
	assert_int_equal(dev_serial_get_charlen(m->other, &v), 0);
	assert_int_equal(v, 8);
	/* an empty read does not wait behind the one that does */
	n = 99;
	assert_int_equal(dev_serial_read(m->other, m->pages, 0, 0, &n), 0);
	assert_int_equal(n, 0);
	if (!w->remote) {
		/* in-process, the blocked client is this thread's: one call at a time */
		assert_int_equal(dev_serial_get_baud(m->blocked, &v), -DRV_E_BUSY);
		assert_int_equal(drv_client_poll((struct drv_client *)m->blocked, 0), -DRV_E_BUSY);
		assert_int_equal(w->serial.nreads, 1);
	}
	m->served++;
	raise_serial_irq(w, "pong");
}

static void serial_deferred_read(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *a = serial_client(w), *b = serial_client(w);
	struct drv_buffer *pa = buffer(64), *pb = buffer(16);
	struct drv_server_stats before = {0}, after = {0};
	if (!w->remote)
		drv_server_get_stats(w->server, &before);

	struct read_op op = {VIA_SERIAL, a, NULL, pa, 8, 16, 99, -1};
	struct served_meanwhile m = {a, b, pb, 0};
	while_deferred(w, 'r', do_read, &op, serve_others, &m);
	assert_int_equal(m.served, 1);
	assert_int_equal(op.status, 0);
	assert_int_equal(op.result, 4);
	assert_memory_equal((uint8_t *)pa->data + 8, "pong", 4);
	assert_int_equal(((uint8_t *)pa->data)[7], 0);
	assert_int_equal(((uint8_t *)pa->data)[12], 0);
	expect_no_note(w);
	if (!w->remote) {
		drv_server_get_stats(w->server, &after);
		/* read, get_baud, set_baud, get_baud, write, get_charlen, read */
		assert_int_equal(after.calls - before.calls, 7);
		assert_int_equal(after.deferred - before.deferred, 1);
		assert_int_equal(after.errors - before.errors, 0);
		assert_int_equal(w->serial.nreads, 0);
	}

	/* an interrupt with no read waiting queues the bytes for the next one */
	line_in(w, "x", 1);
	raise_line(w->serial_irq);
	settle(w);
	uint64_t n = 0;
	assert_int_equal(dev_serial_read(a, pa, 0, 64, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(((uint8_t *)pa->data)[0], 'x');
	expect_no_note(w);

	/* and the settings changed meanwhile stayed */
	uint32_t v = 0;
	assert_int_equal(dev_serial_get_baud(a, &v), 0);
	assert_int_equal(v, 9600);
	drv_buffer_free(pa);
	drv_buffer_free(pb);
	dev_serial_disconnect(a);
	dev_serial_disconnect(b);
}

/* Two reads waiting, on the dev::serial connection through its io::file API
 * and on the io::file object: one interrupt answers both, oldest first. */
static void second_reader(struct world *w, void *ctx)
{
	while_deferred(w, 'r', do_read, ctx, raise_serial_irq, "1234567");
}

static void serial_two_reads(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *a = serial_client(w);
	struct io_file_client *f = file_client(w);
	struct drv_buffer *pa = buffer(8), *pf = buffer(8);
	struct read_op first = {VIA_AS_FILE, a, NULL, pa, 0, 3, 99, -1};
	struct read_op second = {VIA_FILE, NULL, f, pf, 4, 4, 99, -1};
	while_deferred(w, 'r', do_read, &first, second_reader, &second);
	assert_int_equal(first.status, 0);
	assert_int_equal(first.result, 3);
	assert_memory_equal(pa->data, "123", 3);
	assert_int_equal(second.status, 0);
	assert_int_equal(second.result, 4);
	assert_memory_equal((uint8_t *)pf->data + 4, "4567", 4);
	expect_no_note(w);
	if (!w->remote) {
		assert_int_equal(w->serial.deferred, 2);
		assert_int_equal(w->serial.irqs, 1);
		assert_int_equal(w->serial.rx_len, 0);
	}
	drv_buffer_free(pa);
	drv_buffer_free(pf);
	io_file_disconnect(f);
	dev_serial_disconnect(a);
}

/* ---- io::file: seek, which a serial port cannot ---- */

static void serial_seek(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *c = serial_client(w);
	struct io_file_client *f = file_client(w);
	static const enum io_whence whences[] = {IO_WHENCE_SET, IO_WHENCE_CUR, IO_WHENCE_END};
	static const int64_t offsets[] = {0, 1, -1, INT64_MIN, INT64_MAX};
	uint64_t pos = 77;
	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
			assert_int_equal(dev_serial_seek(c, offsets[k], whences[i], &pos), INTERNAL);
			assert_int_equal(io_file_seek(dev_serial_as_io_file(c), offsets[k],
						      whences[i], &pos),
					 INTERNAL);
			assert_int_equal(io_file_seek(f, offsets[k], whences[i], &pos), INTERNAL);
		}
	assert_int_equal(pos, 77);
	/* a whence outside the enum never leaves the client */
	assert_int_equal(dev_serial_seek(c, 0, (enum io_whence)3, &pos), -DRV_E_ARGUMENT);
	assert_int_equal(io_file_seek(f, 0, (enum io_whence)-1, &pos), -DRV_E_ARGUMENT);
	assert_int_equal(io_file_seek(dev_serial_as_io_file(c), 0, (enum io_whence)0x100, &pos),
			 -DRV_E_ARGUMENT);
	/* a refused call costs nothing */
	uint32_t v = 0;
	assert_int_equal(dev_serial_get_baud(c, &v), 0);
	assert_int_equal(v, 115200);
	if (!w->remote) {
		struct drv_server_stats st;
		drv_server_get_stats(w->server, &st);
		assert_int_equal(st.errors, 3 * 3 * 5);
	}
	io_file_disconnect(f);
	dev_serial_disconnect(c);
}

/* ---- the dispatch's own checks, with hand-made requests ---- */

static uint32_t raw_call(struct drv_client *c, uint64_t label, const void *payload, uint32_t len,
			 const struct drv_cap *caps, unsigned ncaps)
{
	struct drv_reply r;
	memcpy(drv_client_request(c), payload, len);
	memset(&r, 0xaa, sizeof r);
	assert_int_equal(drv_client_call(c, label, len, caps, ncaps, 0, &r), 0);
	assert_int_equal(r.nfds, 0);
	if (r.status)
		assert_int_equal(r.len, 0);
	return r.status;
}

static void raw_requests(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *sc = serial_client(w);
	struct io_file_client *fc = file_client(w);
	struct edu_device_client *ec = edu_client(w);
	struct drv_client *s = (struct drv_client *)sc, *f = (struct drv_client *)fc,
			  *e = (struct drv_client *)ec;
	struct drv_buffer *b = buffer(16);
	uint8_t p[32];
	int pipefd[2];
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	struct drv_cap pages = drv_buffer_cap(b), handle = drv_handle_cap(pipefd[0]);
	struct drv_cap two[2] = {pages, pages};

	/* a well-formed request by hand, to show the rest fail for their fault */
	memset(p, 0, sizeof p);
	drv_put32(p, 4800);
	assert_int_equal(raw_call(s, DEV_SERIAL_SET_BAUD_LABEL, p, 8, NULL, 0), 0);

	/* labels the object does not have */
	memset(p, 0, sizeof p);
	assert_int_equal(raw_call(s, (uint64_t)DEV_SERIAL_ID << 16 | 0x99, p, 0, NULL, 0),
			 DRV_STATUS_UNKNOWN_LABEL);
	assert_int_equal(raw_call(s, EDU_DEVICE_IDENT_LABEL, p, 0, NULL, 0),
			 DRV_STATUS_UNKNOWN_LABEL);
	assert_int_equal(raw_call(e, DEV_SERIAL_GET_BAUD_LABEL, p, 0, NULL, 0),
			 DRV_STATUS_UNKNOWN_LABEL);
	/* the io::file object has its parent's calls only */
	assert_int_equal(raw_call(f, DEV_SERIAL_GET_BAUD_LABEL, p, 0, NULL, 0),
			 DRV_STATUS_UNKNOWN_LABEL);
	uint32_t v = 0;
	assert_int_equal(dev_serial_get_baud((struct dev_serial_client *)fc, &v),
			 -DRV_STATUS_UNKNOWN_LABEL);

	/* enums outside their type, and padding that is not zero */
	memset(p, 0, sizeof p);
	drv_put32(p, 5);
	assert_int_equal(raw_call(s, DEV_SERIAL_SET_PARITY_LABEL, p, 8, NULL, 0),
			 DRV_STATUS_MALFORMED);
	drv_put32(p, 2);
	assert_int_equal(raw_call(s, DEV_SERIAL_SET_STOPBITS_LABEL, p, 8, NULL, 0),
			 DRV_STATUS_MALFORMED);
	memset(p, 0, sizeof p);
	drv_put32(p + 8, 3);
	assert_int_equal(raw_call(f, IO_FILE_SEEK_LABEL, p, 16, NULL, 0), DRV_STATUS_MALFORMED);
	memset(p, 0, sizeof p);
	p[12] = 1;
	assert_int_equal(raw_call(s, IO_FILE_SEEK_LABEL, p, 16, NULL, 0), DRV_STATUS_MALFORMED);
	memset(p, 0, sizeof p);
	drv_put32(p, 9600);
	p[4] = 1;
	assert_int_equal(raw_call(s, DEV_SERIAL_SET_BAUD_LABEL, p, 8, NULL, 0),
			 DRV_STATUS_MALFORMED);
	memset(p, 0, sizeof p);
	p[7] = 0x80;
	assert_int_equal(raw_call(e, EDU_DEVICE_LIVENESS_LABEL, p, 8, NULL, 0),
			 DRV_STATUS_MALFORMED);

	/* the wrong size */
	memset(p, 0, sizeof p);
	assert_int_equal(raw_call(s, DEV_SERIAL_SET_BAUD_LABEL, p, 16, NULL, 0),
			 DRV_STATUS_MALFORMED);
	assert_int_equal(raw_call(s, DEV_SERIAL_SET_BAUD_LABEL, p, 0, NULL, 0),
			 DRV_STATUS_MALFORMED);
	assert_int_equal(raw_call(s, DEV_SERIAL_GET_BAUD_LABEL, p, 8, NULL, 0),
			 DRV_STATUS_MALFORMED);
	assert_int_equal(raw_call(e, EDU_DEVICE_FACTORIAL_LABEL, p, 0, NULL, 0),
			 DRV_STATUS_MALFORMED);
	assert_int_equal(raw_call(s, IO_FILE_READ_LABEL, p, 8, &pages, 1), DRV_STATUS_MALFORMED);
	/* not a multiple of 8: the client will not send it */
	struct drv_reply r;
	assert_int_equal(drv_client_call(s, DEV_SERIAL_SET_BAUD_LABEL, 4, NULL, 0, 0, &r),
			 -DRV_E_ARGUMENT);

	/* the wrong capabilities */
	assert_int_equal(raw_call(s, IO_FILE_READ_LABEL, p, 16, NULL, 0), DRV_STATUS_BAD_CAPS);
	assert_int_equal(raw_call(f, IO_FILE_WRITE_LABEL, p, 16, &handle, 1), DRV_STATUS_BAD_CAPS);
	assert_int_equal(raw_call(s, IO_FILE_WRITE_LABEL, p, 16, two, 2), DRV_STATUS_BAD_CAPS);
	assert_int_equal(raw_call(s, DEV_SERIAL_GET_BAUD_LABEL, p, 0, &pages, 1),
			 DRV_STATUS_BAD_CAPS);
	assert_int_equal(raw_call(e, EDU_DEVICE_DMA_WRITE_LABEL, p, 8, NULL, 0),
			 DRV_STATUS_BAD_CAPS);
	assert_int_equal(raw_call(e, EDU_DEVICE_DMA_READ_LABEL, p, 8, &handle, 1),
			 DRV_STATUS_BAD_CAPS);

	/* a call's label sent as a send: refused, and there is no reply to wait
	 * for; the DMA did not happen */
	memset(b->data, 0xee, b->size);
	memset(p, 0, sizeof p);
	drv_put32(p + 4, 16);
	memcpy(drv_client_request(e), p, 8);
	assert_int_equal(drv_client_send(e, EDU_DEVICE_DMA_WRITE_LABEL, 8, &pages, 1), 0);
	memset(b->data, 0, b->size);
	assert_int_equal(edu_device_dma_read(ec, b, 0, 16), 0);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(((uint8_t *)b->data)[i], i);

	/* none of it disturbed the connections or the port */
	assert_int_equal(dev_serial_get_baud(sc, &v), 0);
	assert_int_equal(v, 4800);
	enum dev_parity par = DEV_PARITY_MARK;
	assert_int_equal(dev_serial_get_parity(sc, &par), 0);
	assert_int_equal(par, DEV_PARITY_NONE);
	uint64_t n = 0;
	memcpy(b->data, "ok", 2);
	assert_int_equal(io_file_write(fc, b, 0, 2, &n), 0);
	assert_int_equal(n, 2);
	tx_expect(w, "ok", 2);
	assert_int_equal(edu_device_liveness(ec, 1, &v), 0);
	assert_int_equal(v, 0xfffffffeu);
	expect_no_note(w);

	close(pipefd[0]);
	close(pipefd[1]);
	drv_buffer_free(b);
	edu_device_disconnect(ec);
	io_file_disconnect(fc);
	dev_serial_disconnect(sc);
}

/* ---- edu::device ---- */

static void edu_registers(void **state)
{
	struct world *w = *state;
	struct edu_device_client *c = edu_client(w);
	uint32_t v = 0;
	assert_int_equal(drv_client_fd((struct drv_client *)c) >= 0, w->remote);
	assert_int_equal(edu_device_ident(c, &v), 0);
	assert_int_equal(v, 0x010000ed);
	static const uint32_t values[] = {0, 1, 0x12345678, 0x80000000u, 0xffffffffu};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		assert_int_equal(edu_device_liveness(c, values[i], &v), 0);
		assert_int_equal(v, ~values[i]);
	}
	/* n! past u32: refused at once, nothing waits */
	v = 99;
	assert_int_equal(edu_device_factorial(c, 13, &v), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_factorial(c, 0xffffffffu, &v), EDU_ERROR_RANGE);
	assert_int_equal(v, 99);
	assert_string_equal(drv_strerror(EDU_ERROR_RANGE), "the method's own error");
	if (w->remote) {
		/* no such instance */
		struct edu_device_client *none = NULL;
		assert_int_equal(edu_device_connect(1, &none), -DRV_E_CONNECTION);
		assert_null(none);
	}
	expect_no_note(w);
	edu_device_disconnect(c);
}

struct edu_meanwhile {
	struct edu_device_client *blocked, *other;
	int served;
};

static void edu_busy_meanwhile(struct world *w, void *ctx)
{
	struct edu_meanwhile *m = ctx;
	uint32_t v = 99;
	/* the factorial unit is taken */
	assert_int_equal(edu_device_factorial(m->other, 3, &v), EDU_ERROR_BUSY);
	/* a bad n is a bad n, busy or not */
	assert_int_equal(edu_device_factorial(m->other, 13, &v), EDU_ERROR_RANGE);
	assert_int_equal(v, 99);
	/* everything else is served */
	assert_int_equal(edu_device_ident(m->other, &v), 0);
	assert_int_equal(v, EDU_FAKE_IDENT);
	assert_int_equal(edu_device_liveness(m->other, 0x0f0f0f0f, &v), 0);
	assert_int_equal(v, 0xf0f0f0f0u);
	if (!w->remote)
		assert_int_equal(edu_device_ident(m->blocked, &v), -DRV_E_BUSY);
	m->served++;
	raise_edu_irq(w, NULL);
}

static void edu_factorial(void **state)
{
	struct world *w = *state;
	struct edu_device_client *a = edu_client(w), *b = edu_client(w);
	struct factorial_op op = {a, 5, 0, -1};
	struct edu_meanwhile m = {a, b, 0};
	while_deferred(w, 'f', do_factorial, &op, edu_busy_meanwhile, &m);
	assert_int_equal(m.served, 1);
	assert_int_equal(op.status, 0);
	assert_int_equal(op.result, 120);

	/* every n the device can compute, each answered by its interrupt, from
	 * either client */
	for (uint32_t n = 0; n <= EDU_FAKE_MAX_N; n++) {
		struct factorial_op each = {n % 2 ? a : b, n, 0, -1};
		while_deferred(w, 'f', do_factorial, &each, raise_edu_irq, NULL);
		assert_int_equal(each.status, 0);
		assert_int_equal(each.result, factorial(n));
	}
	assert_int_equal(factorial(12), 479001600);
	expect_no_note(w);
	if (!w->remote) {
		assert_int_equal(w->edu.irqs, 14);
		assert_int_equal(w->edu.spurious, 0);
		assert_null(w->edu.factorial);
	}
	edu_device_disconnect(a);
	edu_device_disconnect(b);
}

static void edu_timeout(void **state)
{
	struct world *w = *state;
	struct edu_device_client *c = edu_client(w);
	struct factorial_op op = {c, 6, 99, -1};

	/* the watchdog expires first: TIMEOUT, and the device is free again */
	while_deferred(w, 'f', do_factorial, &op, expire_edu_timer, NULL);
	assert_int_equal(op.status, EDU_ERROR_TIMEOUT);
	assert_int_equal(op.result, 99);

	/* the late interrupt, and a watchdog with nothing to watch, answer
	 * nothing: the next factorial still waits for its own interrupt */
	raise_line(w->edu_irq);
	raise_line(w->edu_timer);
	settle(w);
	expect_no_note(w);
	op = (struct factorial_op){c, 7, 0, -1};
	while_deferred(w, 'f', do_factorial, &op, raise_edu_irq, NULL);
	assert_int_equal(op.status, 0);
	assert_int_equal(op.result, 5040);
	if (!w->remote) {
		assert_int_equal(w->edu.timeouts, 1);
		assert_int_equal(w->edu.irqs, 2);
		assert_int_equal(w->edu.spurious, 1);
	}
	edu_device_disconnect(c);
}

static void edu_dma(void **state)
{
	struct world *w = *state;
	struct edu_device_client *c = edu_client(w);
	struct drv_buffer *out = buffer(8192), *in = buffer(8192), *small = buffer(100);
	uint8_t *o = out->data, *i = in->data;

	/* the device buffer as it starts */
	assert_int_equal(edu_device_dma_read(c, in, 0, EDU_FAKE_DMA_SIZE), 0);
	for (size_t k = 0; k < EDU_FAKE_DMA_SIZE; k++)
		assert_int_equal(i[k], (uint8_t)k);

	/* all of it, there and back */
	for (size_t k = 0; k < out->size; k++)
		o[k] = (uint8_t)(k * 7 + 3);
	assert_int_equal(edu_device_dma_write(c, out, 0, EDU_FAKE_DMA_SIZE), 0);
	memset(i, 0, in->size);
	assert_int_equal(edu_device_dma_read(c, in, 0, EDU_FAKE_DMA_SIZE), 0);
	assert_memory_equal(i, o, EDU_FAKE_DMA_SIZE);
	assert_int_equal(i[EDU_FAKE_DMA_SIZE], 0);

	/* a window: from the start of the caller's buffer to offset 100 */
	memcpy(small->data, "window", 6);
	assert_int_equal(edu_device_dma_write(c, small, 100, 6), 0);
	memset(i, 0, in->size);
	assert_int_equal(edu_device_dma_read(c, in, 96, 14), 0);
	assert_memory_equal(i, o + 96, 4);
	assert_memory_equal(i + 4, "window", 6);
	assert_memory_equal(i + 10, o + 106, 4);
	assert_int_equal(i[14], 0);

	/* the buffer is shared, not copied: a change is seen by the next call */
	memcpy(small->data, "WINDOW", 6);
	assert_int_equal(edu_device_dma_write(c, small, 100, 6), 0);
	assert_int_equal(edu_device_dma_read(c, small, 100, 6), 0);
	assert_memory_equal(small->data, "WINDOW", 6);

	/* up to the last byte, and nothing at the very end */
	assert_int_equal(edu_device_dma_write(c, small, EDU_FAKE_DMA_SIZE - 100, 100), 0);
	assert_int_equal(edu_device_dma_read(c, small, EDU_FAKE_DMA_SIZE, 0), 0);
	assert_int_equal(edu_device_dma_write(c, small, EDU_FAKE_DMA_SIZE, 0), 0);

	/* past the device's 4 KiB */
	memset(i, 0x5a, 200);
	assert_int_equal(edu_device_dma_write(c, out, 4000, 97), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_read(c, in, 4000, 97), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_read(c, in, EDU_FAKE_DMA_SIZE + 1, 0), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_write(c, out, 0, EDU_FAKE_DMA_SIZE + 1), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_read(c, in, 0xffffffffu, 2), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_write(c, out, 2, 0xffffffffu), EDU_ERROR_RANGE);
	/* past the caller's buffer */
	assert_int_equal(edu_device_dma_write(c, small, 0, 101), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_read(c, small, 0, 101), EDU_ERROR_RANGE);
	/* refused means untouched, on both sides */
	for (size_t k = 0; k < 200; k++)
		assert_int_equal(i[k], 0x5a);
	assert_int_equal(edu_device_dma_read(c, in, 3900, 196), 0);
	assert_memory_equal(i, o + 3900, 96);
	assert_memory_equal(i + 96, small->data, 100);

	/* no buffer: never leaves the client; an empty one is a buffer */
	assert_int_equal(edu_device_dma_write(c, NULL, 0, 0), -DRV_E_ARGUMENT);
	assert_int_equal(edu_device_dma_read(c, NULL, 0, 0), -DRV_E_ARGUMENT);
	struct drv_buffer *empty = buffer(0);
	assert_int_equal(edu_device_dma_read(c, empty, 0, 0), 0);
	assert_int_equal(edu_device_dma_write(c, empty, 10, 1), EDU_ERROR_RANGE);
	drv_buffer_free(empty);
	if (!w->remote) {
		assert_memory_equal(w->edu.dma, o, 100);
		assert_memory_equal(w->edu.dma + 100, "WINDOW", 6);
	}
	expect_no_note(w);
	drv_buffer_free(out);
	drv_buffer_free(in);
	drv_buffer_free(small);
	edu_device_disconnect(c);
}

/* ---- many clients at once (sockets) ---- */

enum { WRITERS = 6, RECORDS = 40, RECORD = 16, DMA_THREADS = 4, DMA_ROUNDS = 50 };

struct writer {
	struct dev_serial_client *client;
	uint8_t id;
	int failures;
};

static void *writer_thread(void *arg)
{
	struct writer *wr = arg;
	struct drv_buffer *b;
	if (drv_buffer_new(RECORD, &b)) {
		wr->failures = 1000;
		return NULL;
	}
	uint8_t *p = b->data;
	for (int seq = 0; seq < RECORDS; seq++) {
		for (int k = 0; k < RECORD; k++)
			p[k] = (uint8_t)(wr->id * 31 + seq * 7 + k);
		p[0] = wr->id;
		p[1] = (uint8_t)seq;
		uint64_t n = 0;
		uint32_t baud = 0;
		if (dev_serial_write(wr->client, b, 0, RECORD, &n) || n != RECORD)
			wr->failures++;
		if (dev_serial_get_baud(wr->client, &baud) || baud != 115200)
			wr->failures++;
	}
	drv_buffer_free(b);
	return NULL;
}

struct dma_worker {
	struct edu_device_client *client;
	uint32_t id;
	int failures;
};

static void *dma_thread(void *arg)
{
	struct dma_worker *d = arg;
	struct drv_buffer *out, *in;
	if (drv_buffer_new(1024, &out) || drv_buffer_new(1024, &in)) {
		d->failures = 1000;
		return NULL;
	}
	uint8_t *o = out->data;
	for (uint32_t r = 0; r < DMA_ROUNDS; r++) {
		uint32_t v = 0;
		if (edu_device_liveness(d->client, d->id << 16 | r, &v) || v != ~(d->id << 16 | r))
			d->failures++;
		for (int k = 0; k < 1024; k++)
			o[k] = (uint8_t)(d->id * 17 + r * 3 + (uint32_t)k);
		if (edu_device_dma_write(d->client, out, d->id * 1024, 1024))
			d->failures++;
		memset(in->data, 0, 1024);
		if (edu_device_dma_read(d->client, in, d->id * 1024, 1024) ||
		    memcmp(in->data, out->data, 1024))
			d->failures++;
	}
	drv_buffer_free(out);
	drv_buffer_free(in);
	return NULL;
}

static void concurrent_clients(void **state)
{
	struct world *w = *state;
	pthread_t wt[WRITERS], dt[DMA_THREADS];
	struct writer wr[WRITERS];
	struct dma_worker dw[DMA_THREADS];
	for (int k = 0; k < WRITERS; k++) {
		wr[k] = (struct writer){serial_client(w), (uint8_t)(k + 1), 0};
		assert_int_equal(pthread_create(&wt[k], NULL, writer_thread, &wr[k]), 0);
	}
	for (int k = 0; k < DMA_THREADS; k++) {
		dw[k] = (struct dma_worker){edu_client(w), (uint32_t)k, 0};
		assert_int_equal(pthread_create(&dt[k], NULL, dma_thread, &dw[k]), 0);
	}
	for (int k = 0; k < WRITERS; k++) {
		assert_int_equal(pthread_join(wt[k], NULL), 0);
		assert_int_equal(wr[k].failures, 0);
		dev_serial_disconnect(wr[k].client);
	}
	for (int k = 0; k < DMA_THREADS; k++) {
		assert_int_equal(pthread_join(dt[k], NULL), 0);
		assert_int_equal(dw[k].failures, 0);
		edu_device_disconnect(dw[k].client);
	}

	/* every record went out whole, each writer's in its order */
	static uint8_t tx[WRITERS * RECORDS * RECORD];
	size_t have = 0;
	while (have < sizeof tx) {
		struct pollfd p = {w->tx[0], POLLIN, 0};
		assert_int_equal(poll(&p, 1, NOTE_TIMEOUT_MS), 1);
		ssize_t r = read(w->tx[0], tx + have, sizeof tx - have);
		assert_true(r > 0);
		have += (size_t)r;
	}
	tx_expect(w, "", 0);
	int next[WRITERS + 1] = {0};
	for (size_t at = 0; at < sizeof tx; at += RECORD) {
		uint8_t id = tx[at], seq = tx[at + 1];
		assert_true(id >= 1 && id <= WRITERS);
		assert_int_equal(seq, next[id]);
		next[id]++;
		for (int k = 2; k < RECORD; k++)
			assert_int_equal(tx[at + k], (uint8_t)(id * 31 + seq * 7 + k));
	}
	for (int k = 1; k <= WRITERS; k++)
		assert_int_equal(next[k], RECORDS);

	/* each DMA worker's window holds its last round */
	struct edu_device_client *c = edu_client(w);
	struct drv_buffer *b = buffer(EDU_FAKE_DMA_SIZE);
	assert_int_equal(edu_device_dma_read(c, b, 0, EDU_FAKE_DMA_SIZE), 0);
	for (uint32_t id = 0; id < DMA_THREADS; id++)
		for (uint32_t k = 0; k < 1024; k++)
			assert_int_equal(((uint8_t *)b->data)[id * 1024 + k],
					 (uint8_t)(id * 17 + (DMA_ROUNDS - 1) * 3 + k));
	drv_buffer_free(b);
	edu_device_disconnect(c);
	expect_no_note(w);
}

/* As many reads waiting as the port takes, each from its own client and
 * thread; one more is refused; one interrupt answers them all. */
static void *read_thread(void *arg)
{
	do_read(NULL, arg);
	return NULL;
}

static void concurrent_reads(void **state)
{
	struct world *w = *state;
	enum { N = SERIAL_FAKE_MAX_READS };
	pthread_t t[N];
	struct read_op op[N];
	for (int k = 0; k < N; k++) {
		op[k] = (struct read_op){k % 2 ? VIA_SERIAL : VIA_AS_FILE, serial_client(w), NULL,
					 buffer(4), 1, 1, 99, -1};
		assert_int_equal(pthread_create(&t[k], NULL, read_thread, &op[k]), 0);
	}
	for (int k = 0; k < N; k++)
		expect_note(w, 'r');
	/* the port's list of waiting reads is full */
	struct io_file_client *f = file_client(w);
	struct drv_buffer *b = buffer(4);
	uint64_t n = 99;
	assert_int_equal(io_file_read(f, b, 0, 1, &n), INTERNAL);
	assert_int_equal(n, 99);
	raise_serial_irq(w, "ABCDEFGHIJ");
	char got[N + 1] = {0};
	for (int k = 0; k < N; k++) {
		assert_int_equal(pthread_join(t[k], NULL), 0);
		assert_int_equal(op[k].status, 0);
		assert_int_equal(op[k].result, 1);
		got[k] = ((char *)op[k].pages->data)[1];
		assert_int_equal(((char *)op[k].pages->data)[0], 0);
		drv_buffer_free(op[k].pages);
		dev_serial_disconnect(op[k].serial);
	}
	/* each took one byte, and together they took the first N */
	int seen = 0;
	for (int k = 0; k < N; k++) {
		assert_true(got[k] >= 'A' && got[k] < 'A' + N);
		assert_int_equal(seen & 1 << (got[k] - 'A'), 0);
		seen |= 1 << (got[k] - 'A');
	}
	/* the rest waits in the queue */
	assert_int_equal(io_file_read(f, b, 0, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(b->data, "IJ", 2);
	expect_no_note(w);
	drv_buffer_free(b);
	io_file_disconnect(f);
}

/* Several factorials at once: the first to arrive waits for the interrupt,
 * every other is told BUSY. */
struct race {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
};

struct racer {
	struct factorial_op op;
	struct race *race;
};

static void *racer_thread(void *arg)
{
	struct racer *r = arg;
	do_factorial(NULL, &r->op);
	pthread_mutex_lock(&r->race->lock);
	r->race->done++;
	pthread_cond_signal(&r->race->cond);
	pthread_mutex_unlock(&r->race->lock);
	return NULL;
}

static void concurrent_factorials(void **state)
{
	struct world *w = *state;
	enum { N = 5 };
	struct race race = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
	struct racer r[N];
	pthread_t t[N];
	for (int k = 0; k < N; k++) {
		r[k] = (struct racer){{edu_client(w), (uint32_t)k + 4, 0, -1}, &race};
		assert_int_equal(pthread_create(&t[k], NULL, racer_thread, &r[k]), 0);
	}
	expect_note(w, 'f');
	/* the others are answered without the interrupt */
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += NOTE_TIMEOUT_MS / 1000;
	pthread_mutex_lock(&race.lock);
	while (race.done < N - 1)
		if (pthread_cond_timedwait(&race.cond, &race.lock, &until))
			break;
	int done = race.done;
	pthread_mutex_unlock(&race.lock);
	assert_int_equal(done, N - 1);
	raise_edu_irq(w, NULL);
	int won = 0, busy = 0;
	for (int k = 0; k < N; k++) {
		assert_int_equal(pthread_join(t[k], NULL), 0);
		if (r[k].op.status == 0) {
			won++;
			assert_int_equal(r[k].op.result, factorial(r[k].op.n));
		} else {
			assert_int_equal(r[k].op.status, EDU_ERROR_BUSY);
			busy++;
		}
		edu_device_disconnect(r[k].op.client);
	}
	assert_int_equal(won, 1);
	assert_int_equal(busy, N - 1);
	expect_no_note(w);
}

/* ---- servers and clients going away (sockets) ---- */

/* The server shuts down with calls deferred: drv_server_free answers them
 * SHUTDOWN, and the socket is gone. */
static void shutdown_answers_deferred(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *s = serial_client(w);
	struct edu_device_client *e = edu_client(w);
	struct drv_buffer *b = buffer(8);
	struct read_op rd = {VIA_SERIAL, s, NULL, b, 0, 8, 99, -1};
	struct factorial_op fo = {e, 3, 99, -1};
	pthread_t t1, t2;
	assert_int_equal(pthread_create(&t1, NULL, read_thread, &rd), 0);
	expect_note(w, 'r');
	struct blocking fb = {do_factorial, w, &fo};
	assert_int_equal(pthread_create(&t2, NULL, blocking_thread, &fb), 0);
	expect_note(w, 'f');
	assert_int_equal(write(w->stop[1], "s", 1), 1);
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(pthread_join(t2, NULL), 0);
	assert_int_equal(rd.status, -DRV_STATUS_SHUTDOWN);
	assert_int_equal(rd.result, 99);
	assert_int_equal(fo.status, -DRV_STATUS_SHUTDOWN);
	assert_int_equal(fo.result, 99);
	int wst = 0;
	assert_int_equal(waitpid(w->child, &wst, 0), w->child);
	w->child = 0;
	assert_true(WIFEXITED(wst));
	assert_int_equal(WEXITSTATUS(wst), 0);
	uint32_t v;
	assert_int_equal(dev_serial_get_baud(s, &v), -DRV_E_CONNECTION);
	assert_int_equal(edu_device_ident(e, &v), -DRV_E_CONNECTION);
	struct dev_serial_client *none = NULL;
	assert_int_equal(dev_serial_connect(0, &none), -DRV_E_CONNECTION);
	assert_null(none);
	drv_buffer_free(b);
	edu_device_disconnect(e);
	dev_serial_disconnect(s);
}

/* The server dies with a read deferred: the client gets an error, not a
 * hang: -DRV_E_RESTARTED (it may have run), then -DRV_E_CONNECTION while
 * no server comes back. */
static void server_dies_mid_read(void **state)
{
	struct world *w = *state;
	struct dev_serial_client *s = serial_client(w);
	struct drv_buffer *b = buffer(8);
	struct read_op rd = {VIA_AS_FILE, s, NULL, b, 0, 8, 99, -1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, read_thread, &rd), 0);
	expect_note(w, 'r');
	kill(w->child, SIGKILL);
	waitpid(w->child, NULL, 0);
	w->child = 0;
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(rd.status, -DRV_E_RESTARTED);
	assert_int_equal(rd.result, 99);
	uint64_t n = 0;
	setenv("DRVGEN_RECONNECT_MS", "0", 1);
	assert_int_equal(dev_serial_write(s, b, 0, 1, &n), -DRV_E_CONNECTION);
	unsetenv("DRVGEN_RECONNECT_MS");
	struct edu_device_client *none = NULL;
	assert_int_equal(edu_device_connect(0, &none), -DRV_E_CONNECTION);
	assert_null(none);
	drv_buffer_free(b);
	dev_serial_disconnect(s);
}

/* A client dies with a read deferred. The server goes on serving, and
 * answering the dead client's read hurts nobody; the runtime marks the
 * call cancelled, so the fake gives it no bytes and the next reader gets
 * all four. */
static void client_dies_mid_read(void **state)
{
	struct world *w = *state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct dev_serial_client *c;
		struct drv_buffer *b;
		uint64_t n;
		if (dev_serial_connect(0, &c) == 0 && drv_buffer_new(8, &b) == 0)
			dev_serial_read(c, b, 0, 2, &n);
		_exit(1);
	}
	expect_note(w, 'r');
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	struct dev_serial_client *c = serial_client(w);
	uint32_t v = 0;
	assert_int_equal(dev_serial_get_baud(c, &v), 0);
	assert_int_equal(v, 115200);
	line_in(w, "abcd", 4);
	raise_line(w->serial_irq);
	settle(w);
	struct drv_buffer *b = buffer(8);
	uint64_t n = 0;
	assert_int_equal(dev_serial_read(c, b, 0, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(b->data, "abcd", 4);
	expect_no_note(w);
	drv_buffer_free(b);
	dev_serial_disconnect(c);
}

#define LOCAL(f) cmocka_unit_test_setup_teardown(f, setup_local, teardown)
#define REMOTE(f) cmocka_unit_test_setup_teardown(f, setup_remote, teardown)

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest local[] = {
		LOCAL(serial_settings), LOCAL(serial_write),	     LOCAL(serial_read_queued),
		LOCAL(serial_deferred_read), LOCAL(serial_two_reads), LOCAL(serial_seek),
		LOCAL(raw_requests),	LOCAL(edu_registers),	     LOCAL(edu_factorial),
		LOCAL(edu_timeout),	LOCAL(edu_dma),
	};
	const struct CMUnitTest remote[] = {
		REMOTE(serial_settings),	   REMOTE(serial_write),
		REMOTE(serial_read_queued),	   REMOTE(serial_deferred_read),
		REMOTE(serial_two_reads),	   REMOTE(serial_seek),
		REMOTE(raw_requests),		   REMOTE(edu_registers),
		REMOTE(edu_factorial),		   REMOTE(edu_timeout),
		REMOTE(edu_dma),		   REMOTE(concurrent_clients),
		REMOTE(concurrent_reads),	   REMOTE(concurrent_factorials),
		REMOTE(shutdown_answers_deferred), REMOTE(server_dies_mid_read),
		REMOTE(client_dies_mid_read),
	};
	int failed = cmocka_run_group_tests_name("std in-process", local, NULL, NULL);
	failed += cmocka_run_group_tests_name("std sockets", remote, NULL, NULL);
	return failed;
}
