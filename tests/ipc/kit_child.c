// SPDX-License-Identifier: MIT
/* kit_child.c - the child server kit_child.h describes. The child watches
 * its end of a socket pair in the server's own loop: a byte 's' asks for
 * its statistics, the end of the pair stops it. */
#define _GNU_SOURCE
#include "kit_child.h"
#include "kit_impl.h"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static struct drv_server *child_server;

static void on_control(void *ctx, int fd, short revents)
{
	(void)ctx;
	(void)revents;
	char c;
	ssize_t n = read(fd, &c, 1);
	if (n == 1 && c == 's') {
		struct drv_server_stats st;
		drv_server_get_stats(child_server, &st);
		if (write(fd, &st, sizeof st) != (ssize_t)sizeof st)
			_exit(4);
		return;
	}
	drv_server_stop(child_server);
}

static void serve(int control, const struct drv_server_options *options,
		  void (*prepare)(void))
{
	static struct kit_impl impl;
	/* only what a server would have: what the test has open is not its */
	close_range(3, (unsigned)control - 1, 0);
	close_range((unsigned)control + 1, ~0u, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGALRM, SIG_DFL);
	alarm(0);
	if (prepare)
		prepare();
	if (drv_server_new_with(&child_server, options) || kit_impl_start(&impl, child_server) ||
	    drv_object_publish(impl.store_object, 0) ||
	    drv_object_publish(impl.tiered_object, 0) ||
	    drv_server_watch(child_server, control, POLLIN, on_control, NULL))
		_exit(3);
	if (write(control, "r", 1) != 1)
		_exit(3);
	int st = drv_server_run(child_server);
	drv_server_free(child_server);
	_exit(st ? 5 : 0);
}

/* Forks the server into k->dir ($DRVGEN_RUN_DIR). */
static int fork_server(struct kit_child *k, const struct drv_server_options *options,
		       void (*prepare)(void))
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	setenv("DRVGEN_RUN_DIR", k->dir, 1);
	k->pid = fork();
	if (k->pid < 0)
		return -1;
	if (k->pid == 0) {
		close(sv[0]);
		serve(sv[1], options, prepare);
	}
	close(sv[1]);
	k->control = sv[0];
	char c;
	return read(k->control, &c, 1) == 1 && c == 'r' ? 0 : -1;
}

int kit_child_start(struct kit_child *k, const struct drv_server_options *options,
		    void (*prepare)(void))
{
	snprintf(k->dir, sizeof k->dir, "/tmp/drvgen-child-XXXXXX");
	if (!mkdtemp(k->dir))
		return -1;
	return fork_server(k, options, prepare);
}

int kit_child_restart(struct kit_child *k)
{
	return fork_server(k, NULL, NULL);
}

int kit_child_stats(struct kit_child *k, struct drv_server_stats *out)
{
	if (write(k->control, "s", 1) != 1)
		return -1;
	return read(k->control, out, sizeof *out) == (ssize_t)sizeof *out ? 0 : -1;
}

int kit_child_stop(struct kit_child *k)
{
	int st = -1;
	close(k->control);
	k->control = -1;
	waitpid(k->pid, &st, 0);
	k->pid = 0;
	return st;
}

void kit_child_kill(struct kit_child *k)
{
	kill(k->pid, SIGKILL);
	kit_child_stop(k);
}

void kit_child_clean(struct kit_child *k)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", k->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "kit_child: could not remove %s\n", k->dir);
}

int proc_fds(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int proc_mappings(pid_t pid, const char *needle)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int n = 0;
	while (fgets(line, sizeof line, f))
		if (strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

long proc_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after the command's closing parenthesis: state, then fields 4..;
	 * utime and stime are fields 14 and 15 */
	const char *p = strrchr(buf, ')');
	long utime, stime;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime,
			 &stime) != 2)
		return -1;
	return utime + stime;
}
