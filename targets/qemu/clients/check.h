/* SPDX-License-Identifier: MIT */
/* check.h - what the QEMU test clients share: one "ok N tag: what" or
 * "not ok N tag: what" line per check, and a guard that turns a hung call
 * into a failure instead of a hung test.
 *
 * Header-only (each client is one .c file plus the generated stubs and the
 * client runtime); C11 + POSIX.
 */
#ifndef QEMU_CHECK_H
#define QEMU_CHECK_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "drv_client.h"

static const char *check_tag = "";
static unsigned check_count;
static unsigned check_failed;
/* The protocol instance the client opens (--instance N; default 0). */
static unsigned check_instance;

/* The options every client takes, at argv[*i]: --tag T (the tag of its
 * result lines) and --instance N. True if it took one (and its value). */
static bool check_common_option(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		return false;
	if (!strcmp(argv[*i], "--tag")) {
		check_tag = argv[++*i];
		return true;
	}
	if (!strcmp(argv[*i], "--instance")) {
		check_instance = (unsigned)strtoul(argv[++*i], NULL, 10);
		return true;
	}
	return false;
}

/* Prints one result line. On failure `why` (may be NULL) follows in
 * parentheses: what was expected, or which error came back. */
__attribute__((format(printf, 3, 4))) static bool check(bool ok, const char *why,
							 const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	check_count++;
	if (!ok)
		check_failed++;
	printf("%s %u %s: %s%s%s%s\n", ok ? "ok" : "not ok", check_count, check_tag, what,
	       !ok && why ? " (" : "", !ok && why ? why : "", !ok && why ? ")" : "");
	fflush(stdout);
	return ok;
}

/* A stub's status as text: "ok", the protocol's error name, or the
 * transport's words. */
static const char *status_text(int st, const char *(*error_name)(uint64_t))
{
	static char buf[160];
	if (st > 0 && error_name && error_name((uint64_t)st)) {
		snprintf(buf, sizeof buf, "error %s", error_name((uint64_t)st));
		return buf;
	}
	snprintf(buf, sizeof buf, "%s (%d)", drv_strerror(st), st);
	return buf;
}

/* ---- the guard ---- */

static char guard_msg[256];

static void guard_fired(int sig)
{
	(void)sig;
	/* async-signal-safe: write and _exit only */
	ssize_t n = write(STDOUT_FILENO, guard_msg, strlen(guard_msg));
	(void)n;
	_exit(3);
}

/* After `seconds` the process prints a "not ok" line naming `doing` and
 * exits 3: a call that never returns fails the test instead of hanging
 * it. A guard, not an assertion: nothing here depends on how fast the
 * guest runs as long as it finishes at all. */
static void guard(unsigned seconds, const char *doing)
{
	snprintf(guard_msg, sizeof guard_msg,
		 "not ok - %s: no answer after %u s while %s (guard timeout)\n", check_tag,
		 seconds, doing);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = guard_fired;
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

static int check_exit(void)
{
	printf("# %s: %u checks, %u failed\n", check_tag, check_count, check_failed);
	fflush(stdout);
	return check_failed ? 1 : 0;
}

/* ---- another process, asleep in a call ---- */

/* The syscall pid is sleeping in, or -1 while it runs or sleeps outside
 * one (/proc/PID/syscall: "NR args..." or "running"; /proc/PID/stat state
 * S is "interruptible sleep", D uninterruptible). */
static inline long blocked_syscall(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *rp = strrchr(buf, ')'); /* comm may hold spaces */
	if (!rp || (rp[2] != 'S' && rp[2] != 'D'))
		return -1;
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	long nr = -1;
	if (fscanf(f, "%ld", &nr) != 1)
		nr = -1;
	fclose(f);
	return nr;
}

/* Waits, up to ms milliseconds, until pid sleeps in a syscall (a call it
 * made waits for its reply): that syscall's number, or -1. A bounded poll
 * for a condition, not a sleep standing in for one. */
static inline long wait_blocked(pid_t pid, long ms)
{
	long nr = -1;
	for (long waited = 0; waited < ms && (nr = blocked_syscall(pid)) < 0; waited += 10) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return nr;
}

#endif
