/* SPDX-License-Identifier: MIT */
/* bench_util.h - what ipc_bench and rpc_bench share: the clock, and the
 * same CPU pinning for every client and server they start.
 *
 * IPC_BENCH_CPUS says where the client and the server run:
 *   "C"    both on CPU C (bench/ipc.sh's default, "0")
 *   "C,S"  the client on CPU C, the server on CPU S
 *   unset, "" or "none": wherever the scheduler puts them
 * Every measurement of a run uses the same setting, floors and baselines
 * included. Needs _GNU_SOURCE before the first include.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* A timed loop ends after its iterations or once it has run this long,
 * whichever comes first, and reports per iteration done: on a slow
 * machine or with a costly pinning the script still ends in time. */
#define BENCH_BUDGET_NS 1e9
/* Warm-up calls before a timed loop of round trips. */
#define BENCH_WARM_UP 1000

/* Whether a timed loop started at t0 that has done `done` iterations
 * should stop short (looked at every 64 iterations). */
static inline int bench_over_budget(double t0, long done)
{
	return done % 64 == 0 && bench_now_ns() - t0 > BENCH_BUDGET_NS;
}

/* Pins the calling process as the client (server 0) or the server
 * (server 1); 0, or -1 if IPC_BENCH_CPUS is malformed or names a CPU it
 * may not run on. */
static inline int bench_pin(int server)
{
	const char *spec = getenv("IPC_BENCH_CPUS");
	if (!spec || !*spec || !strcmp(spec, "none"))
		return 0;
	int client_cpu, server_cpu;
	char extra;
	int n = sscanf(spec, "%d,%d%c", &client_cpu, &server_cpu, &extra);
	if (n == 1)
		server_cpu = client_cpu;
	else if (n != 2)
		return -1;
	int cpu = server ? server_cpu : client_cpu;
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -1;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof set, &set);
}

#endif
