// SPDX-License-Identifier: MIT
/* edu_escape.c - a deliberately compromised edu-server, for the QEMU tests
 * only (TEST_SERVERS in test.sh: never a driver anyone ships).
 *
 * It is edu-server - the generated description, specs/edu/edu.c, the
 * userspace host runtime, the real device through VFIO or UIO, the real
 * sandbox - but for its start hook, which runs once the sandbox is in
 * place, as code a client's message had taken over would. That hook tries
 * the one escape EDU_ESCAPE names and says how it came out, on stderr:
 *
 *	edu_escape: NAME: trying: WHAT
 *	edu_escape: NAME: refused: WHY          (exit 0)
 *	edu_escape: NAME: ESCAPED: WHAT         (exit 3)
 *
 * or the seccomp filter kills the process (SIGSYS: status 159 in the
 * shell). One escape per run, since a killed one ends it; test.sh runs
 * each (edu_escapes) and prints one ok or not ok line for it.
 *
 * What it finds its way with is what a compromised server has: its own
 * memory (the config space descriptor and where the space is in it, from
 * the driver's config handle) and the descriptors it holds. main adds a
 * socket pair before the server starts, a stand-in for a client's
 * connection that descriptors would be passed over, and for "procfd" a
 * helper process of user nobody that tries to take the server's
 * descriptors from outside.
 */
#define _GNU_SOURCE
#include "drv_host.h"
#include "edu_driver.h"
#include "host/host.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/vfio.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum { REFUSED = 0, ESCAPED = 3, NOBODY = 65534, MAX_PASSED = 253 /* SCM_MAX_FD */ };

/* What the escape has to work with. */
struct target {
	const char *name;
	int fd;          /* the device's configuration space (VFIO device, or sysfs config) */
	uint64_t region; /* where the space starts in it */
	int peer[2];     /* a connection: [0] the server's end */
	int go[2], answer[2]; /* to and from the "procfd" helper */
};

static struct target t = {.peer = {-1, -1}, .go = {-1, -1}, .answer = {-1, -1}};

static void say(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "edu_escape: %s: %s: ", t.name, what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* The outcome of a call that should not have worked: r < 0 is refused. */
static int outcome(long r, const char *what)
{
	if (r < 0) {
		say("refused", "%s (%s)", strerror(errno), what);
		return REFUSED;
	}
	say("ESCAPED", "%s", what);
	return ESCAPED;
}

/* ---- descriptors to a peer ---- */

static void rights(struct msghdr *mh, struct iovec *iov, void *control, size_t room,
		   const int *fds, unsigned n)
{
	static char byte;
	*iov = (struct iovec){&byte, 1};
	*mh = (struct msghdr){.msg_iov = iov, .msg_iovlen = 1};
	if (!n)
		return;
	mh->msg_control = control;
	mh->msg_controllen = CMSG_SPACE(n * sizeof(int));
	memset(control, 0, room);
	struct cmsghdr *cm = CMSG_FIRSTHDR(mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
}

/* Did descriptors reach the peer? */
static int received(const char *what)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(MAX_PASSED * sizeof(int))];
	} control;
	char byte;
	struct iovec iov = {&byte, 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = &control,
			    .msg_controllen = sizeof control.space};
	if (recvmsg(t.peer[1], &mh, MSG_DONTWAIT) < 0 || !CMSG_FIRSTHDR(&mh)) {
		say("ESCAPED", "%s: sendmsg was allowed (nothing arrived)", what);
		return ESCAPED;
	}
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	say("ESCAPED", "%s: %zu descriptors reached the peer", what,
	    (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	return ESCAPED;
}

static int pass(const int *fds, unsigned n, const char *what)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(MAX_PASSED * sizeof(int))];
	} control;
	struct msghdr mh;
	struct iovec iov;
	rights(&mh, &iov, &control, sizeof control, fds, n);
	if (sendmsg(t.peer[0], &mh, MSG_NOSIGNAL) < 0)
		return outcome(-1, what);
	return received(what);
}

static int sendmsg_config(void)
{
	say("trying", "sendmsg SCM_RIGHTS of the config fd %d to a peer", t.fd);
	return pass(&t.fd, 1, "the config fd");
}

/* Every descriptor it holds but the connection's own, in one message. */
static int sendmsg_every_fd(void)
{
	int fds[MAX_PASSED];
	char list[MAX_PASSED * 6] = "";
	unsigned n = 0;
	size_t len = 0;
	for (int fd = 0; fd <= t.fd && n < MAX_PASSED; fd++)
		if (fd != t.peer[0] && fd != t.peer[1] && fcntl(fd, F_GETFD) >= 0) {
			fds[n++] = fd;
			len += (size_t)snprintf(list + len, sizeof list - len, " %d", fd);
		}
	say("trying", "sendmsg SCM_RIGHTS of all %u descriptors it holds:%s", n, list);
	return pass(fds, n, "every descriptor");
}

/* No descriptors at all: the filter cannot see the difference. */
static int sendmsg_no_fds(void)
{
	say("trying", "sendmsg with no control data");
	return pass(NULL, 0, "a plain sendmsg");
}

static int sendmmsg_config(void)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct mmsghdr mm = {0};
	struct iovec iov;
	say("trying", "sendmmsg SCM_RIGHTS of the config fd %d", t.fd);
	rights(&mm.msg_hdr, &iov, &control, sizeof control, &t.fd, 1);
	if (sendmmsg(t.peer[0], &mm, 1, MSG_NOSIGNAL) < 0)
		return outcome(-1, "sendmmsg");
	return received("sendmmsg");
}

/* ---- paths ---- */

static int open_file(void)
{
	say("trying", "open(\"/etc/shadow\") and open(\"/init\")");
	int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/init", O_RDONLY | O_CLOEXEC);
	return outcome(fd, "open");
}

/* The config fd opened afresh, through /proc: a new open file, perhaps
 * with rights the old one lacks. */
static int reopen_config(void)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", t.fd);
	say("trying", "open(\"%s\", O_RDWR)", path);
	return outcome(open(path, O_RDWR | O_CLOEXEC), path);
}

static int stat_file(void)
{
	struct stat st;
	say("trying", "stat(\"/etc/shadow\")");
	return outcome(stat("/etc/shadow", &st), "stat");
}

/* The form of newfstatat the filter allows (glibc's fstat is
 * fstatat(fd, "", AT_EMPTY_PATH)), with a path: only the empty root
 * stands in its way. */
static int stat_file_empty_path(void)
{
	struct stat st;
	say("trying", "fstatat(AT_FDCWD, \"/init\", AT_EMPTY_PATH), as fstat calls it");
	return outcome(fstatat(AT_FDCWD, "/init", &st, AT_EMPTY_PATH), "fstatat of /init");
}

/* ---- the device ---- */

static int pwrite_bar(void)
{
	uint32_t bar = 0xfe000000;
	say("trying", "pwrite of BAR0 (config 0x10) through the config fd");
	return outcome(pwrite(t.fd, &bar, 4, (off_t)(t.region + 0x10)), "pwrite of BAR0");
}

static int pwrite_command(void)
{
	uint16_t cmd = 0x0000; /* memory and bus mastering off */
	say("trying", "pwrite of the command register (config 0x04) through the config fd");
	return outcome(pwrite(t.fd, &cmd, 2, (off_t)(t.region + 0x04)), "pwrite of the command register");
}

static int mmap_config(void)
{
	say("trying", "mmap of the config fd");
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, t.fd, (off_t)t.region);
	return outcome(p == MAP_FAILED ? -1 : 0, "mmap");
}

static int ioctl_device(void)
{
	say("trying", "ioctl(VFIO_DEVICE_RESET) on the config fd");
	return outcome(ioctl(t.fd, VFIO_DEVICE_RESET), "ioctl");
}

/* ---- processes, the network, privileges ---- */

static int ptrace_init(void)
{
	say("trying", "ptrace(PTRACE_ATTACH, 1)");
	return outcome(ptrace(PTRACE_ATTACH, 1, NULL, NULL), "ptrace");
}

static int kill_init(void)
{
	say("trying", "kill(1, 0)");
	return outcome(kill(1, 0), "kill");
}

static int socket_inet(void)
{
	say("trying", "socket(AF_INET, SOCK_STREAM)");
	return outcome(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
}

static int connect_unix(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/run/drvgen"};
	say("trying", "connect(AF_UNIX \"%s\") on a socket it holds", a.sun_path);
	return outcome(connect(t.peer[0], (struct sockaddr *)&a, sizeof a), "connect");
}

static int mount_tmpfs(void)
{
	say("trying", "mount(tmpfs on /)");
	return outcome(mount("none", "/", "tmpfs", 0, NULL), "mount");
}

static int unshare_user(void)
{
	say("trying", "unshare(CLONE_NEWUSER | CLONE_NEWNS)");
	return outcome(unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare");
}

static int setuid_root(void)
{
	say("trying", "setuid(0)");
	return outcome(setuid(0), "setuid");
}

static int chroot_out(void)
{
	say("trying", "chroot(\"..\")");
	return outcome(chroot(".."), "chroot");
}

static int execve_shell(void)
{
	char *argv[] = {"/bin/sh", "-c", "id", NULL};
	say("trying", "execve(\"/bin/sh\")");
	return outcome(execve(argv[0], argv, NULL), "execve");
}

static int fork_child(void)
{
	say("trying", "fork()");
	pid_t pid = fork();
	if (!pid)
		_exit(0);
	return outcome(pid, "fork");
}

/* From outside: a process of the same user (nobody), without
 * capabilities, opens the config fd through /proc/<server>/fd and
 * attaches with ptrace. Only the server's being undumpable stops it. */
static int procfd(void)
{
	int tries[2];
	say("trying", "a process of user nobody opens /proc/%d/fd/%d and ptraces the server",
	    getpid(), t.fd);
	if (write(t.go[1], &t.fd, sizeof t.fd) != (ssize_t)sizeof t.fd ||
	    read(t.answer[0], tries, sizeof tries) != (ssize_t)sizeof tries) {
		say("ESCAPED", "the helper did not answer: nothing was tried");
		return ESCAPED;
	}
	if (tries[0] || tries[1]) {
		say("ESCAPED", "the helper's %s worked", tries[0] ? "open" : "ptrace");
		return ESCAPED;
	}
	say("refused", "open and ptrace both failed for the helper (the server is not dumpable)");
	return REFUSED;
}

/* The helper: user nobody, no capabilities, until the server says go. */
static void procfd_helper(pid_t server)
{
	int fd, tries[2];
	close(t.go[1]);
	close(t.answer[0]);
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		_exit(1);
	if (read(t.go[0], &fd, sizeof fd) != (ssize_t)sizeof fd)
		_exit(0); /* the server never got to the escape */
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/fd/%d", server, fd);
	int opened = open(path, O_RDWR | O_CLOEXEC);
	fprintf(stderr, "edu_escape: procfd helper (uid %d): open(%s): %s\n", getuid(), path,
		opened >= 0 ? "opened" : strerror(errno));
	long attached = ptrace(PTRACE_ATTACH, server, NULL, NULL);
	fprintf(stderr, "edu_escape: procfd helper: ptrace(PTRACE_ATTACH, %d): %s\n", server,
		attached == 0 ? "attached" : strerror(errno));
	tries[0] = opened >= 0;
	tries[1] = attached == 0;
	/* the attach stops the server: wait for the stop, which a detach
	 * needs, and let it go on, or it stays stopped and the run stalls
	 * where an escape should be reported */
	if (attached == 0 && waitpid(server, NULL, __WALL) == server)
		ptrace(PTRACE_DETACH, server, NULL, NULL);
	_exit(write(t.answer[1], tries, sizeof tries) == (ssize_t)sizeof tries ? 0 : 1);
}

/* ---- the table ---- */

static const struct escape {
	const char *name;
	int (*fn)(void);
} escapes[] = {
	{"sendmsg-config", sendmsg_config},
	{"sendmsg-every-fd", sendmsg_every_fd},
	{"sendmsg-no-fds", sendmsg_no_fds},
	{"sendmmsg-config", sendmmsg_config},
	{"open-file", open_file},
	{"reopen-config", reopen_config},
	{"stat-file", stat_file},
	{"stat-file-empty-path", stat_file_empty_path},
	{"pwrite-bar", pwrite_bar},
	{"pwrite-command", pwrite_command},
	{"mmap-config", mmap_config},
	{"ioctl-device", ioctl_device},
	{"ptrace", ptrace_init},
	{"kill", kill_init},
	{"socket-inet", socket_inet},
	{"connect-unix", connect_unix},
	{"mount", mount_tmpfs},
	{"unshare", unshare_user},
	{"setuid", setuid_root},
	{"chroot", chroot_out},
	{"execve", execve_shell},
	{"fork", fork_child},
	{"procfd", procfd},
};

static const struct escape *escape;

/* The start hook: the sandbox is in place. */
static void escape_start(void *self)
{
	struct edu_driver *drv = self;
	const struct drv_config_space *cs = drv->caps.pci.io.config;
	t.fd = cs->fd;
	t.region = cs->region;
	_exit(escape->fn());
}

int main(int argc, char **argv)
{
	const char *name = getenv("EDU_ESCAPE");
	for (size_t i = 0; name && i < sizeof escapes / sizeof *escapes; i++)
		if (!strcmp(escapes[i].name, name))
			escape = &escapes[i];
	if (!escape) {
		fprintf(stderr, "edu_escape: EDU_ESCAPE names none of its escapes:");
		for (size_t i = 0; i < sizeof escapes / sizeof *escapes; i++)
			fprintf(stderr, " %s", escapes[i].name);
		fputc('\n', stderr);
		return 2;
	}
	t.name = escape->name;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, t.peer) < 0) {
		perror("edu_escape: socketpair");
		return 2;
	}
	if (escape->fn == procfd) {
		pid_t server = getpid();
		if (pipe2(t.go, O_CLOEXEC) < 0 || pipe2(t.answer, O_CLOEXEC) < 0) {
			perror("edu_escape: pipe2");
			return 2;
		}
		pid_t pid = fork();
		if (pid < 0) {
			perror("edu_escape: fork");
			return 2;
		}
		if (!pid)
			procfd_helper(server);
		close(t.go[0]);
		close(t.answer[1]);
	}
	struct drv_driver_desc desc = edu_driver_desc;
	desc.start = escape_start;
	return drv_host_main(&desc, argc, argv);
}
