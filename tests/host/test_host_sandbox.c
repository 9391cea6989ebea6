// SPDX-License-Identifier: MIT
/* test_host_sandbox.c - the userspace server's seccomp allow-list
 * (runtime/user/host/sandbox.c, host_load_filter) installed in a forked
 * child, unprivileged, and each escape a compromised server would try made
 * under it: the child dies of SIGSYS, or the call fails with the errno
 * the filter answers. The other layers (empty root, user nobody) need
 * root, and are tested in QEMU (specs/edu/qemu/edu_escape.c).
 *
 * sendmsg, which passes descriptors, is allowed only when a served
 * protocol's replies carry handles (drv_interface.sends_handles); a reply
 * without them goes by send, which is always allowed.
 */
#define _GNU_SOURCE
#include "host.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* What an attempt came to: killed by SIGSYS, or the errno it failed
 * with (0: it worked). */
enum { KILLED = -1 };

struct sandboxed {
	struct host h;
	struct drv_driver_desc d;
	struct drv_interface iface;
	const struct drv_interface *ifaces[1];
	int sock[2]; /* a client connection, [0] the server's end */
	pid_t test;  /* this process: another, to the child under the filter */
};

static const struct drv_config_write line_write[] = {{0x3c, 1}};

/* A server of one protocol, with a configuration space (a file at the
 * top descriptor, as host_fd_to_top leaves the device's) whose interrupt
 * line register alone is granted. */
static void setup(struct sandboxed *s, bool sends_handles)
{
	char path[] = "/tmp/drvgen-sandbox-XXXXXX";
	uint8_t space[HOST_CONFIG_SIZE] = {0};

	memset(s, 0, sizeof *s);
	s->iface = (struct drv_interface){.name = "test::iface", .sends_handles = sends_handles};
	s->ifaces[0] = &s->iface;
	s->d.interfaces = s->ifaces;
	s->d.ninterfaces = 1;
	s->h.desc = &s->d;
	s->h.name = "test";
	s->h.container_fd = s->h.pagemap_fd = -1;
	s->h.config.host = &s->h;
	/* the top descriptor, which a failed test before may have left */
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	close((int)rl.rlim_cur - 1);
	s->h.config.fd = mkstemp(path);
	assert_true(s->h.config.fd >= 0);
	unlink(path);
	assert_int_equal(write(s->h.config.fd, space, sizeof space), sizeof space);
	assert_int_equal(host_fd_to_top(&s->h, &s->h.config.fd), 0);
	s->h.config.writes[0].offset = line_write[0].offset;
	s->h.config.writes[0].bytes = line_write[0].bytes;
	s->h.config.nwrites = 1;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, s->sock), 0);
	s->test = getpid();
}

static void teardown(struct sandboxed *s)
{
	close(s->h.config.fd);
	close(s->sock[0]);
	close(s->sock[1]);
}

typedef int attempt_fn(struct sandboxed *s);

/* Runs `try` in a child under the filter: KILLED, or its errno. */
static int under_filter(struct sandboxed *s, attempt_fn *try)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* exit_group itself: a sanitizer's _exit would make calls of
		 * its own (sigaltstack) the filter kills */
		if (host_load_filter(&s->h))
			syscall(SYS_exit_group, 100);
		syscall(SYS_exit_group, try(s));
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGSYS);
		return KILLED;
	}
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), 100);
	return WEXITSTATUS(status);
}

static int result(long r)
{
	return r < 0 ? errno : 0;
}

/* ---- the attempts ---- */

/* The config fd to the client, as SCM_RIGHTS. */
static int pass_config_fd(struct sandboxed *s)
{
	char byte = 0;
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	memset(&control, 0, sizeof control);
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = &control,
			    .msg_controllen = sizeof control.space};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &s->h.config.fd, sizeof(int));
	return result(sendmsg(s->sock[0], &mh, MSG_NOSIGNAL));
}

/* A reply without descriptors, as drv_send sends one. */
static int send_reply(struct sandboxed *s)
{
	return result(send(s->sock[0], "reply", 5, MSG_NOSIGNAL));
}

static int write_granted_register(struct sandboxed *s)
{
	uint8_t line = 11;
	return result(pwrite(s->h.config.fd, &line, 1, 0x3c));
}

static int write_bar(struct sandboxed *s)
{
	uint32_t bar = 0xfebf0000;
	return result(pwrite(s->h.config.fd, &bar, 4, 0x10));
}

static int write_command_register(struct sandboxed *s)
{
	uint16_t cmd = 0x0407;
	return result(pwrite(s->h.config.fd, &cmd, 2, 0x04));
}

static int write_config_fd(struct sandboxed *s)
{
	return result(write(s->h.config.fd, "x", 1));
}

static int map_config_fd(struct sandboxed *s)
{
	return result(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, s->h.config.fd, 0) ==
				      MAP_FAILED
			      ? -1
			      : 0);
}

static int open_path(struct sandboxed *s)
{
	(void)s;
	return result(open("/etc/passwd", O_RDONLY | O_CLOEXEC));
}

static int stat_path(struct sandboxed *s)
{
	struct stat st;
	(void)s;
	return result(stat("/etc/passwd", &st));
}

static int inet_socket(struct sandboxed *s)
{
	(void)s;
	return result(socket(AF_INET, SOCK_STREAM, 0));
}

static int signal_parent(struct sandboxed *s)
{
	return result(kill(s->test, 0));
}

static int become_root(struct sandboxed *s)
{
	(void)s;
	return result(setuid(0));
}

static int new_namespace(struct sandboxed *s)
{
	(void)s;
	return result(unshare(CLONE_NEWUSER | CLONE_NEWNS));
}

static int run_program(struct sandboxed *s)
{
	char *argv[] = {"/bin/true", NULL};
	(void)s;
	return result(execve(argv[0], argv, NULL));
}

static int new_process(struct sandboxed *s)
{
	(void)s;
	pid_t pid = fork();
	if (!pid)
		_exit(0);
	return result(pid);
}

/* ---- the tests ---- */

/* No protocol hands out handles: sendmsg kills, whatever it carries,
 * and replies go by send. */
static void sendmsg_is_denied_without_handle_replies(void **state)
{
	struct sandboxed s;
	(void)state;
	setup(&s, false);
	assert_int_equal(under_filter(&s, pass_config_fd), KILLED);
	assert_int_equal(under_filter(&s, send_reply), 0);
	char buf[8];
	assert_int_equal(recv(s.sock[1], buf, sizeof buf, MSG_DONTWAIT), 5);
	assert_int_equal(recv(s.sock[1], buf, sizeof buf, MSG_DONTWAIT), -1);
	teardown(&s);
}

/* A protocol with out capabilities keeps sendmsg: what the server then
 * sends is not filtered (docs/drivers.md says what remains possible). */
static void sendmsg_is_allowed_for_handle_replies(void **state)
{
	struct sandboxed s;
	(void)state;
	setup(&s, true);
	assert_int_equal(under_filter(&s, pass_config_fd), 0);
	char byte;
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = {&byte, 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = &control,
			    .msg_controllen = sizeof control.space};
	assert_int_equal(recvmsg(s.sock[1], &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC), 1);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	assert_non_null(cm);
	assert_int_equal(cm->cmsg_type, SCM_RIGHTS);
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	close(fd);
	teardown(&s);
}

static void config_space_is_written_where_granted_only(void **state)
{
	struct sandboxed s;
	(void)state;
	setup(&s, false);
	assert_int_equal(under_filter(&s, write_granted_register), 0);
	assert_int_equal(under_filter(&s, write_bar), KILLED);
	assert_int_equal(under_filter(&s, write_command_register), KILLED);
	assert_int_equal(under_filter(&s, write_config_fd), KILLED);
	assert_int_equal(under_filter(&s, map_config_fd), KILLED);
	uint8_t b[4];
	assert_int_equal(pread(s.h.config.fd, b, 4, 0x10), 4);
	assert_int_equal(b[0] | b[1] | b[2] | b[3], 0);
	assert_int_equal(pread(s.h.config.fd, b, 1, 0x3c), 1);
	assert_int_equal(b[0], 11);
	teardown(&s);
}

static void paths_processes_and_privileges_are_out_of_reach(void **state)
{
	struct sandboxed s;
	(void)state;
	setup(&s, false);
	assert_int_equal(under_filter(&s, open_path), EACCES);
	assert_int_equal(under_filter(&s, stat_path), KILLED);
	assert_int_equal(under_filter(&s, inet_socket), KILLED);
	assert_int_equal(under_filter(&s, signal_parent), KILLED);
	assert_int_equal(under_filter(&s, become_root), KILLED);
	assert_int_equal(under_filter(&s, new_namespace), KILLED);
	assert_int_equal(under_filter(&s, run_program), KILLED);
	assert_int_equal(under_filter(&s, new_process), KILLED);
	teardown(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sendmsg_is_denied_without_handle_replies),
		cmocka_unit_test(sendmsg_is_allowed_for_handle_replies),
		cmocka_unit_test(config_space_is_written_where_granted_only),
		cmocka_unit_test(paths_processes_and_privileges_are_out_of_reach),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
