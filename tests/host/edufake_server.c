// SPDX-License-Identifier: MIT
/* edufake_server.c - a driver server for tests/host/test_devd.c, which
 * drvgen-devd starts as it starts any: it serves the fake edu of
 * tests/ipc/edu_fake.c and registers it with devd's sys::devregistry as a
 * server whose manifest lists that service does (runtime/user/host/
 * registry.c), without touching the PCI function devd names on its
 * command line.
 *
 *	edufake-server --matches	edu::device, and $DEVD_TEST_MATCH as its
 *					PCI match line
 *	edufake-server ...		serves until SIGTERM; each start appends
 *					"<pid> <instance>" to $DEVD_TEST_LOG
 */
#define _GNU_SOURCE
#include "edu_fake.h"
#include "host.h"
#include "sys_devregistry.h"

#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void on_signal(void *ctx, int fd, short revents)
{
	struct signalfd_siginfo si;
	(void)revents;
	if (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
		drv_server_stop(ctx);
}

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "edufake-server: %s: %s\n", what, why);
	return 1;
}

int main(int argc, char **argv)
{
	const char *match = getenv("DEVD_TEST_MATCH"), *log = getenv("DEVD_TEST_LOG");
	if (argc == 2 && !strcmp(argv[1], "--matches")) {
		printf("provides %s %08" PRIx32 "\n%s\n", EDU_DEVICE_NAME, (uint32_t)EDU_DEVICE_ID,
		       match ? match : "");
		return 0;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct drv_server *server;
	static struct edu_fake f;
	struct edu_fake_wires wires = {eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK),
				       eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), -1};
	int sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0 || wires.irq < 0 || wires.timer < 0 || drv_server_new(&server) ||
	    edu_fake_start(&f, server, &wires) ||
	    drv_server_watch(server, sig_fd, POLLIN, on_signal, server))
		return fail("start", "no server");
	struct sys_devregistry_client *registry;
	int st = sys_devregistry_connect(0, &registry);
	if (!st)
		st = host_register(registry, f.object, &edu_device_interface);
	sys_devregistry_disconnect(registry);
	if (st)
		return fail("register", drv_strerror(st));
	FILE *out = log ? fopen(log, "ae") : NULL;
	if (!out)
		return fail("DEVD_TEST_LOG", "cannot append to it");
	fprintf(out, "%d %d\n", (int)getpid(), drv_object_instance(f.object));
	fclose(out);
	st = drv_server_run(server);
	edu_fake_stop(&f);
	drv_server_free(server);
	return st ? 1 : 0;
}
