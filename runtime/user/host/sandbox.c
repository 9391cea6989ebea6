// SPDX-License-Identifier: MIT
/* sandbox.c - what the server keeps once it serves: an empty file system
 * of its own, an unprivileged user, no new privileges, no capabilities, no
 * descriptor serving does not use, not dumpable, and a seccomp allow-list
 * of the system calls the serving loop needs, with the descriptors that
 * reach the device filtered by argument and sendmsg (descriptors to a
 * client) only for protocols whose replies carry them. Each layer would
 * contain a compromise alone: a path the filter lets through (a stat, say)
 * finds nothing in the empty root, and a descriptor a hole let out is
 * still held by user nobody without capabilities.
 *
 * The serving loop needs: poll, socket messages, page buffers mapped from
 * clients' memfds, reading interrupt and timer descriptors, re-arming
 * timers, writing eventfds and UIO fds (re-enabling interrupts), what libc
 * does underneath (malloc, stderr, exit); with streaming DMA, mapping and
 * unmapping clients' pages for the device. Everything it needed a path for
 * is already open.
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include <linux/vfio.h>
#include <mntent.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const int allowed_syscalls[] = {
	SCMP_SYS(read),          SCMP_SYS(readv),          SCMP_SYS(poll),
	SCMP_SYS(ppoll),         SCMP_SYS(recvmsg),        SCMP_SYS(recvfrom),
	SCMP_SYS(sendto),        SCMP_SYS(accept4),
	SCMP_SYS(close),         SCMP_SYS(fstat),          SCMP_SYS(munmap),
	SCMP_SYS(mremap),        SCMP_SYS(brk),            SCMP_SYS(futex),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),   SCMP_SYS(getpid),
	SCMP_SYS(gettid),        SCMP_SYS(rt_sigreturn),   SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit),         SCMP_SYS(exit_group),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime), SCMP_SYS(mlock),
	SCMP_SYS(munlock),       SCMP_SYS(epoll_wait),     SCMP_SYS(epoll_pwait),
	SCMP_SYS(epoll_ctl),
};

/* fcntl commands: the seals of a client's page buffer (drv_server.c),
 * duplicating a handle for an in-process call, and making a client's
 * descriptor non-blocking before a handler uses it. */
static const int allowed_fcntl[] = {F_GET_SEALS, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFL};

/* libseccomp's SCMP_Ax macros leave a field to the defaults, which -Wextra
 * rightly flags; these spell every field. */
static struct scmp_arg_cmp arg_eq(unsigned arg, scmp_datum_t v)
{
	struct scmp_arg_cmp c = {arg, SCMP_CMP_EQ, v, 0};
	return c;
}

/* (argument & mask) == v */
static struct scmp_arg_cmp arg_masked(unsigned arg, scmp_datum_t mask, scmp_datum_t v)
{
	struct scmp_arg_cmp c = {arg, SCMP_CMP_MASKED_EQ, mask, v};
	return c;
}

static struct scmp_arg_cmp arg_below(unsigned arg, scmp_datum_t v)
{
	struct scmp_arg_cmp c = {arg, SCMP_CMP_LT, v, 0};
	return c;
}

#define ALLOW(ctx, call, ...)                                                              \
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(call),                              \
			 sizeof((struct scmp_arg_cmp[]){__VA_ARGS__}) / sizeof(struct scmp_arg_cmp), \
			 __VA_ARGS__)

/* Configuration space: reads anywhere in it, writes only of the registers
 * the manifest grants (config.c), each as the exact (length, offset) pair
 * the accessor uses. The config fd is the highest descriptor
 * (host_fd_to_top), so "below it" is every other one: write() and
 * writev() reach eventfds, UIO fds and sockets, never the device. */
static int config_rules(scmp_filter_ctx ctx, const struct drv_config_space *cs)
{
	scmp_datum_t fd = (scmp_datum_t)cs->fd;
	int st = ALLOW(ctx, write, arg_below(0, fd));
	if (!st)
		st = ALLOW(ctx, writev, arg_below(0, fd));
	if (!st)
		st = ALLOW(ctx, pread64, arg_eq(0, fd),
			   arg_masked(3, ~(scmp_datum_t)(HOST_CONFIG_SIZE - 1), cs->region));
	for (unsigned i = 0; !st && i < cs->nwrites; i++)
		st = ALLOW(ctx, pwrite64, arg_eq(0, fd), arg_eq(2, cs->writes[i].bytes),
			   arg_eq(3, cs->region + cs->writes[i].offset));
	/* no mapping of the device's regions, or anything else, from it */
	if (!st)
		st = ALLOW(ctx, mmap, arg_masked(2, PROT_EXEC, 0), arg_below(4, fd));
	return st;
}

/* Whether a protocol it serves hands descriptors to clients (a call with
 * out capabilities): the compiler says so of each (sends_handles). */
static bool sends_handles(const struct host *h)
{
	for (unsigned i = 0; i < h->desc->ninterfaces; i++)
		if (h->desc->interfaces[i]->sends_handles)
			return true;
	return false;
}

static int add_rules(scmp_filter_ctx ctx, const struct host *h)
{
	int st = 0;
	for (size_t i = 0; !st && i < sizeof allowed_syscalls / sizeof *allowed_syscalls; i++)
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
	/* sendmsg is the one call that passes descriptors (SCM_RIGHTS): with
	 * it, a compromised server could hand a client the config fd, the
	 * VFIO device, anything opened before the sandbox. Its control data
	 * is behind a pointer the filter cannot read, so it is allowed whole
	 * or not at all: only where a protocol's replies carry handles. Every
	 * other message goes by send (sendto), which carries none
	 * (drv_send). */
	if (!st && sends_handles(h))
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sendmsg), 0);
	if (!st && h->config.fd >= 0) {
		st = config_rules(ctx, &h->config);
	} else if (!st) {
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 0);
		if (!st)
			st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(writev), 0);
		if (!st)
			st = ALLOW(ctx, mmap, arg_masked(2, PROT_EXEC, 0));
	}
	/* Anonymous memory, never executable. */
	if (!st)
		st = ALLOW(ctx, mmap, arg_masked(2, PROT_EXEC, 0),
			   arg_masked(3, MAP_ANONYMOUS, MAP_ANONYMOUS));
	if (!st)
		st = ALLOW(ctx, mprotect, arg_masked(2, PROT_EXEC, 0));
	for (size_t i = 0; !st && i < sizeof allowed_fcntl / sizeof *allowed_fcntl; i++)
		st = ALLOW(ctx, fcntl, arg_eq(1, (scmp_datum_t)allowed_fcntl[i]));
	/* Streaming DMA through the IOMMU: map and unmap, nothing else of the
	 * container (the IOMMU confines the device to what is mapped). */
	if (!st && h->container_fd >= 0)
		st = ALLOW(ctx, ioctl, arg_eq(0, (scmp_datum_t)h->container_fd),
			   arg_eq(1, VFIO_IOMMU_MAP_DMA));
	if (!st && h->container_fd >= 0)
		st = ALLOW(ctx, ioctl, arg_eq(0, (scmp_datum_t)h->container_fd),
			   arg_eq(1, VFIO_IOMMU_UNMAP_DMA));
	/* Streaming DMA without one: where a client's pages are. */
	if (!st && h->pagemap_fd >= 0)
		st = ALLOW(ctx, pread64, arg_eq(0, (scmp_datum_t)h->pagemap_fd));
	/* glibc's fstat is fstatat(fd, "", AT_EMPTY_PATH) */
	if (!st)
		st = ALLOW(ctx, newfstatat, arg_eq(3, AT_EMPTY_PATH));
	/* abort() signals itself; no other process may be signalled */
	if (!st)
		st = ALLOW(ctx, tgkill, arg_eq(0, (scmp_datum_t)getpid()));
	/* Opening a path fails rather than kills: libc may probe a file (a
	 * locale, a timezone) and cope with its absence, and a driver that
	 * tries gets an error it can report. The process is root without
	 * capabilities, and root still owns most files: no path may be opened
	 * or removed. drv_server_free's unlink of the socket name is refused
	 * too; the next server replaces the stale name (drv_object_publish). */
	static const int denied[] = {SCMP_SYS(open),   SCMP_SYS(openat), SCMP_SYS(openat2),
				     SCMP_SYS(creat),  SCMP_SYS(unlink), SCMP_SYS(unlinkat)};
	for (size_t i = 0; !st && i < sizeof denied / sizeof *denied; i++)
		st = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), denied[i], 0);
	return st;
}

/* Every mount but the root is detached from the server's namespace (the
 * deepest first; one already gone with its parent is EINVAL): a copy of a
 * mount holds its file system, so a server started while a disk was
 * mounted kept that file system alive, unflushed, after the machine's own
 * umount, until the server exited. */
static int detach_mounts(struct host *h)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	if (!f)
		return -errno;
	char **dirs = NULL;
	size_t n = 0;
	int st = 0;
	for (struct mntent *m; !st && (m = getmntent(f));) {
		if (!strcmp(m->mnt_dir, "/"))
			continue;
		char **more = realloc(dirs, (n + 1) * sizeof *dirs);
		if (more)
			dirs = more;
		if (!more || !(dirs[n] = strdup(m->mnt_dir)))
			st = -ENOMEM;
		else
			n++;
	}
	endmntent(f);
	while (n--) {
		if (!st && umount2(dirs[n], MNT_DETACH) < 0 && errno != EINVAL) {
			st = -errno;
			HOST_LOG(h, "sandbox: cannot detach %s: %s", dirs[n], strerror(errno));
		}
		free(dirs[n]);
	}
	free(dirs);
	return st;
}

/* Its own mount namespace, holding only the root and, over it, an empty
 * tmpfs as its root: no path the process could name after this leads to
 * a file of the machine. Nothing is lost: every file the server uses is
 * already open. */
static int empty_root(struct host *h)
{
	static const char dir[] = "/tmp";
	int st = 0;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		st = -errno;
	if (!st)
		st = detach_mounts(h);
	if (!st && (mount("drvgen-empty", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=4k,mode=0555") < 0 ||
		    chroot(dir) < 0 || chdir("/") < 0))
		st = -errno;
	if (st)
		HOST_LOG(h, "sandbox: cannot make an empty root: %s", strerror(-st));
	return st;
}

/* uid and gid 65534 ("nobody"), and no capability in any set. The order
 * matters: the bounding set can be emptied only while CAP_SETPCAP is
 * effective, the memory-lock limit raised only while CAP_SYS_RESOURCE is,
 * and the uids changed only while CAP_SETUID is; changing them from 0 then
 * clears the permitted and effective sets, which capset makes sure of.
 * Pinning pages for DMA is accounted to RLIMIT_MEMLOCK: the manifest's
 * streaming capabilities lock what clients lend them. */
enum { NOBODY = 65534 };

static int become_nobody(struct host *h)
{
	for (unsigned long cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			int err = errno;
			HOST_LOG(h, "sandbox: cannot drop capability %lu from the bounding set: %s",
				 cap, strerror(err));
			return -err;
		}
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		HOST_LOG(h, "sandbox: warning: cannot lift RLIMIT_MEMLOCK: %s", strerror(errno));
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0) {
		int err = errno;
		HOST_LOG(h, "sandbox: cannot become uid %d: %s", NOBODY, strerror(err));
		return -err;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		int err = errno;
		HOST_LOG(h, "sandbox: cannot clear the ambient capabilities: %s", strerror(err));
		return -err;
	}
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capset, &hdr, data) < 0 || syscall(SYS_capget, &hdr, data) < 0) {
		int err = errno;
		HOST_LOG(h, "sandbox: capset: %s", strerror(err));
		return -err;
	}
	/* and check: a silently kept capability would defeat the rest */
	for (unsigned i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (data[i].effective || data[i].permitted || data[i].inheritable) {
			HOST_LOG(h, "sandbox: capabilities remain after capset");
			return -EPERM;
		}
	return 0;
}

/* Descriptors the serving loop does not use are closed, so that no hole
 * in the filter could hand them out: the VFIO container is needed only to
 * map clients' pages for streaming DMA (the coherent buffers are mapped
 * already, and the IOMMU group keeps the container attached). What stays:
 * the device (config fd), its interrupts, timers, the sockets, the lock
 * and, for UIO's streaming DMA, pagemap. */
static void close_unneeded(struct host *h)
{
	bool streaming = false;
	for (unsigned i = 0; i < h->desc->ndma; i++)
		streaming |= h->desc->dma[i].kind == DRV_DMA_STREAMING;
	if (!streaming && h->container_fd >= 0) {
		close(h->container_fd);
		h->container_fd = -1;
	}
	if (!streaming && h->pagemap_fd >= 0) {
		close(h->pagemap_fd);
		h->pagemap_fd = -1;
	}
}

int host_load_filter(const struct host *h)
{
	/* no execve could ever gain privileges again (and seccomp needs it) */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		int err = errno;
		HOST_LOG(h, "sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(err));
		return -err;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		HOST_LOG(h, "sandbox: seccomp_init failed");
		return -ENOMEM;
	}
	/* a syscall made through another ABI (int 0x80, x32) is never allowed */
	int st = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (!st)
		st = add_rules(ctx, h);
	if (!st)
		st = seccomp_load(ctx);
	seccomp_release(ctx);
	if (st)
		HOST_LOG(h, "sandbox: cannot install the seccomp filter: %s", strerror(-st));
	return st;
}

int host_enter_sandbox(struct host *h)
{
	int st = empty_root(h);
	if (!st)
		st = become_nobody(h);
	if (st)
		return st;
	close_unneeded(h);
	/* Changing uid made it undumpable already, with fs.suid_dumpable at
	 * its default (0); said outright, so that no other process of user
	 * nobody may ptrace it or open its descriptors through
	 * /proc/<pid>/fd whatever the sysctl says. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		int err = errno;
		HOST_LOG(h, "sandbox: PR_SET_DUMPABLE: %s", strerror(err));
		return -err;
	}
	st = host_load_filter(h);
	if (st)
		return st;
	HOST_LOG(h, "sandbox: empty root, uid %d, no_new_privs, not dumpable, no capabilities, "
		    "seccomp allow-list loaded (sendmsg %s)",
		 NOBODY, sends_handles(h) ? "allowed: a protocol hands out handles" : "denied");
	/* Prove it: if this opens, the filter is not what it claims to be. */
	int fd = open("/", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES) {
		HOST_LOG(h, "sandbox: open(\"/\") was not denied (%s); refusing to serve",
			 fd >= 0 ? "it succeeded" : strerror(errno));
		return -EPERM;
	}
	HOST_LOG(h, "sandbox: open denied (EACCES)");
	return 0;
}
