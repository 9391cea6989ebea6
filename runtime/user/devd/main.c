// SPDX-License-Identifier: MIT
/* main.c - drvgen-devd: starts a driver server for every PCI function an
 * installed server matches, and keeps it running while the function is
 * there (devd.h; docs/drivers.md, "Lifecycle").
 *
 *	drvgen-devd [--servers DIR] [-- SERVER_ARGS...]
 *
 * DIR holds the servers (<driver>-server, targets/user/build.sh); default:
 * the folder drvgen-devd is in. SERVER_ARGS go to every server (--uio, -v).
 * It serves the device registry (registry.c) in the same loop, logs to
 * stderr, the servers' logs with it, and runs until SIGTERM or SIGINT,
 * which it passes on to every server and waits for them.
 */
#define _GNU_SOURCE
#include "devd.h"
#include "drv_server.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

static struct devd devd;

void devd_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "drvgen-devd: %s\n", line);
}

static int usage(const char *me)
{
	fprintf(stderr,
		"usage: %s [--servers DIR] [-- SERVER_ARGS...]\n"
		"  --servers  where the driver servers (<driver>-server) are (default: beside %s)\n"
		"  SERVER_ARGS are given to every server it starts (--uio, -v)\n",
		me, me);
	return 2;
}

/* The folder this program is in. */
static const char *own_dir(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n <= 0)
		return ".";
	path[n] = '\0';
	return dirname(path);
}

static int signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

/* Reads the signals waiting: SIGCHLD reaps, SIGTERM and SIGINT stop. */
static void on_signals(void *ctx, int fd, short revents)
{
	struct devd *d = ctx;
	struct signalfd_siginfo si;
	(void)revents;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGCHLD) {
			devd_reap(d);
		} else if (!d->stopping) {
			devd_log("signal %u: stopping every server", si.ssi_signo);
			d->stopping = true;
		}
	}
}

static void on_uevents(void *ctx, int fd, short revents)
{
	(void)revents;
	devd_uevent_read(ctx, fd, devd_device_added, devd_device_removed);
}

int main(int argc, char **argv)
{
	struct devd *d = &devd;
	const char *dir = NULL;
	setvbuf(stderr, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--servers") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--")) {
			for (i++; i < argc; i++) {
				if (d->nserver_args == DEVD_MAX_ARGS)
					return usage(argv[0]);
				d->server_args[d->nserver_args++] = argv[i];
			}
		} else {
			return usage(argv[0]);
		}
	}
	if (!dir)
		dir = own_dir();
	int st = devd_load_drivers(d, dir);
	if (st) {
		devd_log("%s: %s", dir, strerror(-st));
		return 1;
	}
	if (!d->ndrivers)
		devd_log("no server in %s matches a PCI device: nothing to do but wait", dir);
	int sig_fd = signals();
	/* uevents first, then the scan: a function plugged in between is seen
	 * twice, which devd_device_added ignores, never missed */
	int ev_fd = devd_uevent_open();
	if (sig_fd < 0 || ev_fd < 0) {
		devd_log("cannot watch %s: %s", sig_fd < 0 ? "signals" : "uevents",
			 strerror(-(sig_fd < 0 ? sig_fd : ev_fd)));
		return 1;
	}
	/* the registry is there before any server that registers with it */
	struct drv_server *server;
	st = drv_server_new(&server);
	if (!st)
		st = devd_registry_publish(d, server);
	if (!st)
		st = drv_server_watch(server, sig_fd, POLLIN, on_signals, d);
	if (!st)
		st = drv_server_watch(server, ev_fd, POLLIN, on_uevents, d);
	if (st) {
		devd_log("cannot serve the device registry: %s", strerror(-st));
		return 1;
	}
	devd_scan_pci(d, devd_device_added);
	devd_log("watching for PCI functions (%u servers)", d->ndrivers);
	while (!(d->stopping && devd_stop_all(d))) {
		st = drv_server_run_once(server, devd_restart_due(d));
		if (st < 0 && st != -EINTR) {
			devd_log("serving: %s", strerror(-st));
			return 1;
		}
	}
	drv_server_free(server);
	devd_log("stopped");
	return 0;
}
