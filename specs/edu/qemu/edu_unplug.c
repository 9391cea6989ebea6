// SPDX-License-Identifier: MIT
/* edu_unplug.c - calls deferred in an edu device while it is unplugged,
 * for the hot-plug tests of specs/edu/qemu/test.sh.
 *
 *   edu_unplug [--tag T] [--instance N] --config FILE
 *
 * FILE is the device's sysfs config. The client clears Bus Master there,
 * so the device's interrupts (MSI writes) cannot arrive, as edu_check's
 * lost-interrupt check does. Then two processes, each on a connection of
 * its own, call factorial(9) over and over: every call is deferred until
 * the driver's deadline answers it TIMEOUT, and the deadline answers one
 * job a tick, so while one process makes its next call the other's is
 * still deferred. Once both have had a TIMEOUT, "deferred\n" goes to fd 3
 * and the script unplugs the device (device_del on QEMU's monitor).
 *
 * Checks: each process's last call ended with an error, not a hang (a
 * guard turns one into "not ok") and not a reply; the call deferred when
 * the device went was answered DRV_STATUS_SHUTDOWN (the driver stopped
 * before answering) for at least one of them. The other may have been
 * between two calls at that moment: its next call then finds no device
 * (DRV_E_CONNECTION) or is answered SHUTDOWN too.
 */
#define _GNU_SOURCE
#include "check.h"
#include "edu_device.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

enum { GUARD_S = 120, CLIENTS = 2, PCI_COMMAND = 0x04, PCI_COMMAND_MASTER = 0x4 };

/* What a process saw: its last call's status and how many TIMEOUTs came
 * before it. */
struct verdict {
	int status;
	unsigned timeouts;
};

static const char *edu_status(int st)
{
	return status_text(st, edu_error_name);
}

/* One process: factorial(9) until a call ends otherwise than TIMEOUT. The
 * first TIMEOUT is told to the parent (a byte on `ready`). */
static struct verdict call_until_gone(int ready)
{
	struct verdict v = {0, 0};
	struct edu_device_client *c = NULL;
	v.status = edu_device_connect(check_instance, &c);
	if (v.status)
		return v;
	for (;;) {
		uint32_t r = 0;
		v.status = edu_device_factorial(c, 9, &r);
		if (v.status != EDU_ERROR_TIMEOUT)
			break;
		if (!v.timeouts++ && write(ready, "t", 1) != 1)
			break;
	}
	edu_device_disconnect(c);
	return v;
}

static bool lose_interrupts(const char *config)
{
	uint16_t command = 0;
	int fd = open(config, O_RDWR | O_CLOEXEC);
	if (!check(fd >= 0, strerror(errno), "open %s", config))
		return false;
	bool ok = pread(fd, &command, sizeof command, PCI_COMMAND) == sizeof command;
	command &= ~PCI_COMMAND_MASTER;
	ok = ok && pwrite(fd, &command, sizeof command, PCI_COMMAND) == sizeof command;
	close(fd);
	return check(ok, strerror(errno),
		     "Bus Master cleared: the device's interrupts cannot arrive");
}

int main(int argc, char **argv)
{
	const char *config = NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_tag = "edu-unplug";
	for (int i = 1; i < argc; i++) {
		if (check_common_option(argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			config = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [--tag TAG] [--instance N] --config FILE\n",
				argv[0]);
			return 2;
		}
	}
	if (!config) {
		fprintf(stderr, "%s: --config FILE is needed\n", argv[0]);
		return 2;
	}
	guard(GUARD_S, "waiting for the deferred calls to end");
	if (!lose_interrupts(config))
		return check_exit();

	int ready[2], result[CLIENTS][2];
	pid_t pid[CLIENTS];
	if (pipe(ready)) {
		check(false, strerror(errno), "pipe");
		return check_exit();
	}
	fflush(stdout);
	for (int k = 0; k < CLIENTS; k++) {
		if (pipe(result[k]) || (pid[k] = fork()) < 0) {
			check(false, strerror(errno), "client %d: pipe and fork", k);
			return check_exit();
		}
		if (pid[k] == 0) {
			close(ready[0]);
			close(result[k][0]);
			struct verdict v = call_until_gone(ready[1]);
			_exit(write(result[k][1], &v, sizeof v) == (ssize_t)sizeof v ? 0 : 1);
		}
		close(result[k][1]);
	}
	close(ready[1]);

	char b;
	int timed_out = 0;
	while (timed_out < CLIENTS && read(ready[0], &b, 1) == 1)
		timed_out++;
	if (check(timed_out == CLIENTS, "a client ended before its first TIMEOUT",
		  "both clients' factorials are deferred until the deadline answers them "
		  "TIMEOUT") &&
	    write(3, "deferred\n", 9) != 9)
		check(false, strerror(errno), "tell the script (fd 3) the calls are deferred");

	unsigned shutdown = 0;
	for (int k = 0; k < CLIENTS; k++) {
		struct verdict v = {0, 0};
		int status = 0;
		bool got = read(result[k][0], &v, sizeof v) == (ssize_t)sizeof v;
		waitpid(pid[k], &status, 0);
		if (!check(got && WIFEXITED(status) && WEXITSTATUS(status) == 0, "it died",
			   "client %d (pid %d) ended", k, (int)pid[k]))
			continue;
		shutdown += v.status == -DRV_STATUS_SHUTDOWN;
		check(v.status == -DRV_STATUS_SHUTDOWN || v.status == -DRV_E_CONNECTION,
		      "expected SHUTDOWN, or no device for a call made after it went",
		      "client %d: its last factorial(9), after %u TIMEOUTs, = %s", k, v.timeouts,
		      edu_status(v.status));
	}
	check(shutdown > 0, "no call was deferred at the removal?",
	      "the call deferred when the device went was answered SHUTDOWN (%u of %d clients)",
	      shutdown, CLIENTS);
	return check_exit();
}
