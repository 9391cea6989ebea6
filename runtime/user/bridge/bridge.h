/* SPDX-License-Identifier: MIT */
/* bridge.h - what the device classes' bridges share (nbd.c, tap.c): their
 * log lines, their numeric options and the time since a moment. */
#ifndef DRV_BRIDGE_H
#define DRV_BRIDGE_H

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

/* Seconds since t (CLOCK_MONOTONIC). */
double bridge_since(const struct timespec *t);

#endif
