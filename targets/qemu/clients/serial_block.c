// SPDX-License-Identifier: MIT
/* serial_block.c - a dev::serial read that blocks, for the tests of what
 * happens to a call nobody will answer.
 *
 *   serial_block [--tag T] [--instance N] --server-kill
 *       A child process connects and calls read on dev::serial 0 while no
 *       data comes (it waits for the receive interrupt). Once the child is
 *       asleep in that call and the server still answers another
 *       connection, "blocked\n" goes to fd 3: the script then kills the
 *       server (kill -9). The child's read must come back with
 *       DRV_E_RESTARTED (it was in flight: it may have run), not hang (a
 *       guard turns a hang into "not ok"); a call on another connection
 *       then finds no server to reconnect to: DRV_E_CONNECTION.
 *   serial_block [--tag T] [--instance N] --client-kill
 *       The same blocked read, but this process kills the child with
 *       SIGKILL: it must die (a kernel waiter must be killable) and the
 *       driver must keep serving (the script checks with --probe, rmmod).
 *   serial_block [--tag T] [--instance N] --probe
 *       Connect, get_baud: the server serves a new client.
 */
#define _GNU_SOURCE
#include "check.h"
#include "dev_serial.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

enum { GUARD_S = 60, BLOCK_WAIT_MS = 20000 };

struct verdict {
	int status;
	uint64_t n;
};

static const char *serial_status(int st)
{
	return status_text(st, NULL);
}

static int probe(void)
{
	struct dev_serial_client *c = NULL;
	int st = dev_serial_connect(check_instance, &c);
	if (check(st == 0, serial_status(st), "a new client connects to dev::serial %u", check_instance)) {
		uint32_t baud = 0;
		st = dev_serial_get_baud(c, &baud);
		check(st == 0 && baud > 0, serial_status(st), "and is served: get_baud() = %u",
		      (unsigned)baud);
	}
	dev_serial_disconnect(c);
	return check_exit();
}

int main(int argc, char **argv)
{
	enum { NONE, SERVER_KILL, CLIENT_KILL, PROBE } mode = NONE;
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_tag = "serial";
	for (int i = 1; i < argc; i++) {
		if (check_common_option(argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "--server-kill"))
			mode = SERVER_KILL;
		else if (!strcmp(argv[i], "--client-kill"))
			mode = CLIENT_KILL;
		else if (!strcmp(argv[i], "--probe"))
			mode = PROBE;
		else
			mode = NONE, i = argc;
	}
	if (mode == NONE) {
		fprintf(stderr, "usage: %s [--tag T] [--instance N] --server-kill|--client-kill|--probe\n",
			argv[0]);
		return 2;
	}
	guard(GUARD_S, "setting up the blocked read");
	if (mode == PROBE)
		return probe();

	/* this process's own connection: proves the server alive before the kill */
	struct dev_serial_client *own = NULL;
	int st = dev_serial_connect(check_instance, &own);
	if (!check(st == 0, serial_status(st), "connect dev::serial %u", check_instance))
		return check_exit();

	int report[2], ready[2];
	if (pipe(report) || pipe(ready)) {
		check(false, strerror(errno), "pipes");
		return check_exit();
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		check(false, strerror(errno), "fork");
		return check_exit();
	}
	if (pid == 0) {
		close(report[0]);
		close(ready[0]);
		struct verdict v = {0, 0};
		struct dev_serial_client *c = NULL;
		struct drv_buffer *b = NULL;
		v.status = dev_serial_connect(check_instance, &c);
		if (!v.status)
			v.status = drv_buffer_new(4096, &b);
		if (write(ready[1], v.status ? "e" : "r", 1) != 1)
			_exit(1);
		if (!v.status)
			v.status = dev_serial_read(c, b, 0, 4096, &v.n); /* blocks */
		if (write(report[1], &v, sizeof v) != (ssize_t)sizeof v)
			_exit(1);
		_exit(0);
	}
	close(report[1]);
	close(ready[1]);
	char r = 0;
	if (!check(read(ready[0], &r, 1) == 1 && r == 'r', NULL,
		   "reader (pid %d) connected and is calling read", (int)pid)) {
		kill(pid, SIGKILL);
		return check_exit();
	}
	long nr = wait_blocked(pid, BLOCK_WAIT_MS);
	check(nr >= 0, "it never went to sleep in a syscall",
	      "reader is blocked in its read (asleep in syscall %ld)", nr);
	uint32_t baud = 0;
	st = dev_serial_get_baud(own, &baud);
	check(st == 0, serial_status(st),
	      "meanwhile the server answers another connection: get_baud() = %u", (unsigned)baud);

	if (mode == CLIENT_KILL) {
		guard(GUARD_S, "waiting for the killed reader to die");
		kill(pid, SIGKILL);
		int ws = 0;
		waitpid(pid, &ws, 0);
		check(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL, "it ended otherwise",
		      "kill -9 ends the reader blocked in its read");
		st = dev_serial_get_baud(own, &baud);
		check(st == 0, serial_status(st),
		      "the driver still answers the other connection: get_baud() = %u",
		      (unsigned)baud);
		dev_serial_disconnect(own);
		return check_exit();
	}

	/* SERVER_KILL: the script kills the server now */
	guard(GUARD_S, "waiting for the blocked read to fail after the server was killed");
	if (write(3, "blocked\n", 8) != 8)
		check(false, strerror(errno), "tell the script (fd 3) the read is blocked");
	struct verdict v = {1, 0};
	ssize_t got = read(report[0], &v, sizeof v);
	int ws = 0;
	waitpid(pid, &ws, 0);
	char why[160];
	/* the read was in flight when the connection broke: it may have run, so
	 * it is not made again (docs/ipc.md, "When the server goes away") */
	snprintf(why, sizeof why, "expected %s", drv_strerror(-DRV_E_RESTARTED));
	check(got == (ssize_t)sizeof v && v.status == -DRV_E_RESTARTED,
	      got == sizeof v ? why : "the reader died",
	      "the blocked read returns %s once the server is gone",
	      got == (ssize_t)sizeof v ? serial_status(v.status) : "nothing");
	/* the next call tries to connect again, and no server comes back */
	st = dev_serial_get_baud(own, &baud);
	check(st == -DRV_E_CONNECTION, "expected no connection to the server",
	      "a call on the other old connection returns %s (no server to reconnect to)",
	      serial_status(st));
	dev_serial_disconnect(own);
	return check_exit();
}
