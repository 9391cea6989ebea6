// SPDX-License-Identifier: MIT
/* test_devd.c - drvgen-devd's device registry on this machine: the real
 * devd (built beside this test in devd/) serves sys::devregistry and
 * drvgen::devices in a run directory of the test's, and starts
 * devd/edufake-server (tests/host/edufake_server.c) for one PCI function of
 * the machine, matched by its ids; the server registers a fake edu. A
 * client lists it and opens it through devd, and by its path; the server
 * is killed and devd restarts it: the same instance, the same socket (a
 * connection made while no server ran is served by the next), and the
 * clients' next calls are served. A process devd did not start cannot
 * register, and devd's stop removes the names.
 */
#define _GNU_SOURCE
#include "drvgen_devices.h"
#include "edu_device.h"
#include "sys_devregistry.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PCI_DEVICES "/sys/bus/pci/devices"

static char run_dir[] = "/tmp/drvgen-devd-XXXXXX";
static pid_t devd; /* running, until the test has reaped it */
static char starts[PATH_MAX]; /* what the servers append to at each start */

static void sleep_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* The ids of a function, as a match line of --matches. */
static bool match_line(const char *bdf, char *line, size_t size)
{
	static const char *const attrs[] = {"vendor", "device", "subsystem_vendor",
					    "subsystem_device", "class"};
	unsigned long v[5];
	for (unsigned i = 0; i < 5; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, PCI_DEVICES "/%s/%s", bdf, attrs[i]);
		FILE *f = fopen(path, "re");
		if (!f)
			return false;
		int n = fscanf(f, "%lx", &v[i]);
		fclose(f);
		if (n != 1)
			return false;
	}
	snprintf(line, size, "pci %04lx %04lx %04lx %04lx %06lx ffffff", v[0], v[1], v[2], v[3],
		 v[4]);
	return true;
}

/* A PCI function of this machine whose ids no other function has, so
 * devd starts exactly one server. */
static void unique_function(char *bdf, size_t size, char *line, size_t line_size)
{
	DIR *dp = opendir(PCI_DEVICES);
	assert_non_null(dp);
	char names[256][32];
	unsigned n = 0;
	for (struct dirent *e; (e = readdir(dp)) && n < 256;)
		if (e->d_name[0] != '.' && strlen(e->d_name) < sizeof names[0])
			strcpy(names[n++], e->d_name);
	closedir(dp);
	for (unsigned i = 0; i < n; i++) {
		char mine[96], other[96];
		unsigned same = 0;
		if (!match_line(names[i], mine, sizeof mine))
			continue;
		for (unsigned k = 0; k < n; k++)
			same += match_line(names[k], other, sizeof other) && !strcmp(mine, other);
		if (same == 1) {
			snprintf(bdf, size, "%.31s", names[i]);
			snprintf(line, line_size, "%.95s", mine);
			return;
		}
	}
	fail_msg("no PCI function in " PCI_DEVICES " has ids of its own");
}

/* The start-th server start the servers logged: its pid and instance,
 * waiting up to 10 s for it. */
static void server_start(unsigned start, int *pid, int *instance)
{
	for (int waited = 0; waited < 10000; waited += 20) {
		FILE *f = fopen(starts, "re");
		unsigned line = 0;
		while (f && fscanf(f, "%d %d", pid, instance) == 2)
			if (++line == start) {
				fclose(f);
				return;
			}
		if (f)
			fclose(f);
		sleep_ms(20);
	}
	fail_msg("no server start %u in %s", start, starts);
}

static pid_t start_devd(void)
{
	char self[PATH_MAX], devd[PATH_MAX + 32], servers[PATH_MAX + 8], log[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	assert_true(n > 0);
	self[n] = '\0';
	snprintf(servers, sizeof servers, "%s/devd", dirname(self));
	snprintf(devd, sizeof devd, "%s/drvgen-devd", servers);
	snprintf(log, sizeof log, "%s/devd.log", run_dir);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen(log, "w", stderr))
			_exit(126);
		execl(devd, devd, "--servers", servers, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The devices devd lists for iface from first on. */
static uint32_t list(struct drvgen_devices_client *lookup, uint64_t iface, uint32_t first,
		     struct drvgen_device *out)
{
	uint32_t n = 0;
	assert_int_equal(drvgen_devices_list(lookup, iface, first, out, &n), 0);
	return n;
}

/* Waits until process pid has died (a zombie devd has not reaped yet,
 * or gone). */
static void wait_dead(int pid)
{
	for (int waited = 0; waited < 10000; waited += 5) {
		char path[64], stat[256] = "";
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		FILE *f = fopen(path, "re");
		if (!f)
			return;
		bool zombie = fgets(stat, sizeof stat, f) && strstr(stat, ") Z ");
		fclose(f);
		if (zombie)
			return;
		sleep_ms(5);
	}
	fail_msg("process %d did not die", pid);
}

/* A SOCK_SEQPACKET socket connected to path. */
static int connect_to(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	assert_true(strlen(path) < sizeof addr.sun_path);
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
	return fd;
}

static void served(struct edu_device_client *c)
{
	uint32_t r = 0;
	int st = edu_device_liveness(c, 0x1234, &r);
	assert_int_equal(st, 0);
	assert_int_equal(r, ~0x1234u);
}

static void registered_device_keeps_its_instance_across_a_restart(void **state)
{
	(void)state;
	char bdf[32], match[96];
	unique_function(bdf, sizeof bdf, match, sizeof match);
	setenv("DEVD_TEST_MATCH", match, 1);
	devd = start_devd();
	int pid, instance, pid2, instance2;
	server_start(1, &pid, &instance);
	assert_int_equal(instance, 0);

	/* found through devd: listed, then opened */
	struct drvgen_devices_client *lookup;
	assert_int_equal(drvgen_devices_connect(0, &lookup), 0);
	struct drvgen_device d[64];
	assert_int_equal(list(lookup, EDU_DEVICE_ID, 0, d), 1);
	assert_int_equal(d[0].iface, EDU_DEVICE_ID);
	assert_int_equal(d[0].instance, 0);
	assert_true(d[0].running);
	assert_string_equal((const char *)d[0].address, bdf);
	assert_string_equal((const char *)d[0].driver, "edufake");
	assert_int_equal(list(lookup, 0, 0, d), 1);
	assert_int_equal(list(lookup, EDU_DEVICE_ID, 1, d), 0);
	assert_int_equal(list(lookup, EDU_DEVICE_ID + 1, 0, d), 0);
	int fd = -1;
	assert_int_equal(drvgen_devices_open(lookup, EDU_DEVICE_ID, 1, &fd), DRVGEN_ERROR_NOT_FOUND);
	assert_int_equal(drvgen_devices_open(lookup, EDU_DEVICE_ID, 0, &fd), 0);
	struct drv_client *adopted;
	assert_int_equal(drv_client_adopt(fd, EDU_DEVICE_NAME, 0, &adopted), 0);
	served((struct edu_device_client *)adopted);

	/* and where clients always looked */
	struct edu_device_client *by_path;
	assert_int_equal(edu_device_connect(0, &by_path), 0);
	served(by_path);

	/* only a server devd runs may register */
	struct sys_devregistry_client *registry;
	uint32_t serial = 7;
	int handle = -1;
	assert_int_equal(sys_devregistry_connect(0, &registry), 0);
	assert_int_equal(sys_devregistry_new(registry, EDU_DEVICE_ID, &serial, &handle),
			 -DRV_STATUS_INTERNAL);
	assert_int_equal(handle, -1);
	sys_devregistry_disconnect(registry);

	/* killed: devd restarts it on the same socket, as the same instance;
	 * a connection made while no server runs waits in the socket's
	 * backlog for the next (made by hand and adopted with a name nobody
	 * listens at: a connection lost is not made again behind the test's
	 * back) */
	char path[PATH_MAX];
	struct stat st, st2;
	snprintf(path, sizeof path, "%s/%s/0", run_dir, EDU_DEVICE_NAME);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(kill(pid, SIGKILL), 0);
	wait_dead(pid);
	struct drv_client *early;
	assert_int_equal(drv_client_adopt(connect_to(path), "drvgen-test::nowhere", 0, &early), 0);
	server_start(2, &pid2, &instance2);
	assert_int_not_equal(pid2, pid);
	assert_int_equal(instance2, instance);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st2.st_ino, st.st_ino); /* devd's socket, never replaced */
	served((struct edu_device_client *)early);
	served((struct edu_device_client *)adopted);
	served(by_path);
	drv_client_disconnect(early);
	assert_int_equal(list(lookup, EDU_DEVICE_ID, 0, d), 1);
	assert_int_equal(d[0].instance, 0);
	assert_true(d[0].running);
	drv_client_disconnect(adopted);
	edu_device_disconnect(by_path);
	drvgen_devices_disconnect(lookup);

	/* stopped: its server stops, and no name is left */
	int status;
	assert_int_equal(kill(devd, SIGTERM), 0);
	assert_int_equal(waitpid(devd, &status, 0), devd);
	devd = 0;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	assert_non_null(mkdtemp(run_dir));
	setenv("DRVGEN_RUN_DIR", run_dir, 1);
	snprintf(starts, sizeof starts, "%s/starts", run_dir);
	setenv("DEVD_TEST_LOG", starts, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(registered_device_keeps_its_instance_across_a_restart),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (devd > 0) { /* a failure left it running: it stops its server */
		kill(devd, SIGTERM);
		waitpid(devd, NULL, 0);
	}
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, failed ? "cat %s/devd.log >&2" : "rm -rf %s", run_dir);
	if (system(cmd))
		fprintf(stderr, "%s failed\n", cmd);
	return failed;
}
