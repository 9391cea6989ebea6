/* SPDX-License-Identifier: MIT */
/* bridge.h - what the device classes' bridges share (nbd.c, tap.c): their
 * log lines, their numeric options, the signals that end them and the time
 * since a moment. */
#ifndef DRV_BRIDGE_H
#define DRV_BRIDGE_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

/* The program's name, which starts every log line and option complaint
 * ("drvgen-nbd"). */
extern const char *bridge_name;

/* One line on stderr: "<bridge_name>: <text>". */
void bridge_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --name N or --name=N at argv[*i], a decimal number in [min, max], into
 * *out (and *i past its value); false if argv[*i] is not --name. A bad
 * value is said on stderr, and the program exits 2. */
bool bridge_number_option(int argc, char **argv, int *i, const char *name, long min, long max,
			  long *out);

/* The signal that asks the bridge to end (SIGTERM or SIGINT), once one
 * came; bridge_catch_signals sets them up (a blocking call they interrupt
 * fails with EINTR), and makes SIGPIPE harmless. */
extern volatile sig_atomic_t bridge_signalled;
void bridge_catch_signals(void);

/* A bridge holds its requests and connects again itself, from its loop,
 * which a call waiting for a server to come back must not stall: the
 * client runtime is told not to wait ($DRVGEN_RECONNECT_MS=0). */
void bridge_reconnect_itself(void);

/* Why a call's status means the server is gone ("the server went away":
 * the connection broke, before or under the call; "the server stopped":
 * it answered SHUTDOWN), or NULL when it does not. */
const char *bridge_server_gone(int status);

/* Seconds since t (CLOCK_MONOTONIC). */
double bridge_since(const struct timespec *t);

#endif
