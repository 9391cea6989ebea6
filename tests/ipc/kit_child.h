/* SPDX-License-Identifier: MIT */
/* kit_child.h - a kit server (kit_impl.h) in a child process, for tests
 * over real sockets: started with the limits a test sets, asked for its
 * statistics, and stopped as a driver server stops (drv_server_free, which
 * answers what is still deferred) or killed.
 */
#ifndef KIT_CHILD_H
#define KIT_CHILD_H

#include "drv_server.h"

#include <sys/types.h>

struct kit_child {
	pid_t pid;
	int control; /* the test's end of the child's control socket */
	char dir[64]; /* its run directory, $DRVGEN_RUN_DIR */
};

/* Makes a run directory and sets $DRVGEN_RUN_DIR to it, then forks a
 * server of kit::store and kit::tiered as instance 0 with these limits
 * (NULL: the defaults), prepare (NULL: none) run in the child first.
 * Returns once clients can connect: 0, or -1. */
int kit_child_start(struct kit_child *k, const struct drv_server_options *options,
		    void (*prepare)(void));
/* Another server in the same run directory, once the last one is gone:
 * a restarted driver server (its socket replaces the dead one's). */
int kit_child_restart(struct kit_child *k);
/* Its statistics, as drv_server_get_stats has them now: 0, or -1. */
int kit_child_stats(struct kit_child *k, struct drv_server_stats *out);
/* Stops it with drv_server_free and waits for it; its wait status. */
int kit_child_stop(struct kit_child *k);
/* Kills it (SIGKILL) and waits for it. */
void kit_child_kill(struct kit_child *k);
/* Removes the run directory, once the child is gone. */
void kit_child_clean(struct kit_child *k);

/* What a server process holds, from /proc: its descriptors, its mappings
 * whose line has `needle`, and the CPU time it has used (clock ticks).
 * -1 when it cannot be read. */
int proc_fds(pid_t pid);
int proc_mappings(pid_t pid, const char *needle);
long proc_cpu_ticks(pid_t pid);

#endif
