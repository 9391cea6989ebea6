// SPDX-License-Identifier: MIT
/* bridge.c - what the device classes' bridges share (bridge.h). */
#define _GNU_SOURCE
#include "bridge.h"

#include "drv_client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *bridge_name = "drvgen-bridge";
volatile sig_atomic_t bridge_signalled;

static void on_signal(int sig)
{
	bridge_signalled = sig;
}

void bridge_catch_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void bridge_reconnect_itself(void)
{
	setenv("DRVGEN_RECONNECT_MS", "0", 1);
}

const char *bridge_server_gone(int status)
{
	if (status == -DRV_E_CONNECTION || status == -DRV_E_RESTARTED)
		return "the server went away";
	return status == -DRV_STATUS_SHUTDOWN ? "the server stopped" : NULL;
}

void bridge_log(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", bridge_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool bridge_number_option(int argc, char **argv, int *i, const char *name, long min, long max,
			  long *out)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) || (argv[*i][n] != '\0' && argv[*i][n] != '='))
		return false;
	const char *v = argv[*i][n] == '=' ? argv[*i] + n + 1 : *i + 1 < argc ? argv[++*i] : "";
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (!*v || *end || errno || x < min || x > max) {
		fprintf(stderr, "%s: %s wants a number from %ld to %ld, not '%s'\n", bridge_name,
			name, min, max, v);
		exit(2);
	}
	*out = x;
	return true;
}

double bridge_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}
