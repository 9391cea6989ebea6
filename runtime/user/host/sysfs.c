// SPDX-License-Identifier: MIT
/* sysfs.c - PCI devices as sysfs shows them: the one to serve, its kernel
 * driver, its BARs, and the lock that makes it one server's. */
#define _GNU_SOURCE
#include "host.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#define PCI_DEVICES "/sys/bus/pci/devices"
#define IORESOURCE_IO_FLAG 0x100  /* include/linux/ioport.h IORESOURCE_IO */
#define IORESOURCE_MEM_FLAG 0x200 /* IORESOURCE_MEM */

int host_read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int host_write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

int host_read_number(const char *path, int base, uint32_t *out)
{
	char buf[32];
	int st = host_read_text(path, buf, sizeof buf);
	if (st)
		return st;
	char *end;
	errno = 0;
	unsigned long v = strtoul(buf, &end, base);
	if (errno || end == buf || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int host_dev_path(const struct host *h, char *buf, size_t size, const char *fmt, ...)
{
	int len = snprintf(buf, size, "%s/", h->dev_dir);
	if (len < 0 || (size_t)len >= size)
		return -ENAMETOOLONG;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + len, size - (size_t)len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - (size_t)len)
		return -ENAMETOOLONG;
	return 0;
}

/* ---- finding the device ---- */

struct pci_ids {
	uint32_t vendor, device, subvendor, subdevice, class_code;
};

static bool any_or(uint32_t want, uint32_t have)
{
	return want == DRV_PCI_ANY || want == have;
}

static bool desc_matches(const struct drv_driver_desc *d, const struct pci_ids *id)
{
	for (unsigned i = 0; i < d->nmatch; i++) {
		const struct drv_match *m = &d->match[i];
		if (m->bus == DRV_BUS_PCI && any_or(m->vendor, id->vendor) &&
		    any_or(m->device, id->device) && any_or(m->subvendor, id->subvendor) &&
		    any_or(m->subdevice, id->subdevice) &&
		    (id->class_code & m->class_mask) == m->class_code)
			return true;
	}
	return false;
}

static int read_ids(const char *bdf, struct pci_ids *id)
{
	static const char *const files[] = {"vendor", "device", "subsystem_vendor",
					    "subsystem_device", "class"};
	uint32_t *fields[] = {&id->vendor, &id->device, &id->subvendor, &id->subdevice,
			      &id->class_code};
	for (unsigned i = 0; i < 5; i++) {
		char path[128];
		snprintf(path, sizeof path, PCI_DEVICES "/%s/%s", bdf, files[i]);
		int st = host_read_number(path, 16, fields[i]);
		if (st)
			return st;
	}
	return 0;
}

/* A PCI address as sysfs names it, "0000:00:01.0"; "00:01.0" gets domain 0. */
static bool canonical_bdf(const char *in, char *out, size_t size)
{
	unsigned dom = 0, bus, dev, fn;
	char tail;
	if (sscanf(in, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) != 4) {
		dom = 0;
		if (sscanf(in, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3)
			return false;
	}
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return false;
	int n = snprintf(out, size, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return n > 0 && (size_t)n < size;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int host_find_pci_device(struct host *h)
{
	struct pci_ids id;
	if (h->device_opt) {
		if (!canonical_bdf(h->device_opt, h->bdf, sizeof h->bdf)) {
			HOST_LOG(h, "--device '%s' is not a PCI address (DDDD:BB:DD.F)",
				 h->device_opt);
			return -EINVAL;
		}
		if (read_ids(h->bdf, &id)) {
			HOST_LOG(h, "no PCI device %s", h->bdf);
			return -ENODEV;
		}
		if (!desc_matches(h->desc, &id)) {
			HOST_LOG(h, "device %s (%04x:%04x) is not one the manifest matches", h->bdf,
				 id.vendor, id.device);
			return -ENODEV;
		}
	} else {
		struct dirent **names;
		int n = scandir(PCI_DEVICES, &names, NULL, by_name);
		if (n < 0) {
			int err = errno;
			HOST_LOG(h, "cannot list " PCI_DEVICES ": %s", strerror(err));
			return -err;
		}
		bool found = false;
		for (int i = 0; i < n; i++) {
			if (!found && names[i]->d_name[0] != '.' &&
			    strlen(names[i]->d_name) < sizeof h->bdf &&
			    !read_ids(names[i]->d_name, &id) && desc_matches(h->desc, &id)) {
				strcpy(h->bdf, names[i]->d_name);
				found = true;
			}
			free(names[i]);
		}
		free(names);
		if (!found) {
			HOST_LOG(h, "no PCI device matches the manifest");
			return -ENODEV;
		}
	}
	snprintf(h->dev_dir, sizeof h->dev_dir, PCI_DEVICES "/%s", h->bdf);
	HOST_LOG(h, "device %s (%04x:%04x, subsystem %04x:%04x, class %06x)", h->bdf, id.vendor,
		 id.device, id.subvendor, id.subdevice, id.class_code);
	return 0;
}

/* The name of the driver bound to the device, or "" for none. */
static int bound_driver(const struct host *h, char *out, size_t size)
{
	char path[128], target[PATH_MAX];
	host_dev_path(h, path, sizeof path, "driver");
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n < 0) {
		out[0] = '\0';
		return errno == ENOENT ? 0 : -errno;
	}
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(out, base);
	return 0;
}

/* The override binds this one device only: new_id would also grab every
 * other unbound device with the same ids, which may belong to another
 * server instance's --device, or to nobody. A device another driver holds
 * is not taken. */
int host_bind_driver(struct host *h, const char *driver)
{
	char drv[64], path[128], dir[128];
	int st = bound_driver(h, drv, sizeof drv);
	if (st) {
		HOST_LOG(h, "cannot read the driver of %s: %s", h->bdf, strerror(-st));
		return st;
	}
	if (!strcmp(drv, driver)) {
		HOST_LOG(h, "%s is bound to %s", h->bdf, driver);
		return 0;
	}
	if (drv[0]) {
		HOST_LOG(h, "%s is bound to %s; unbind it first (echo %s > /sys/bus/pci/drivers/%s/unbind)",
			 h->bdf, drv, h->bdf, drv);
		return -EBUSY;
	}
	snprintf(dir, sizeof dir, "/sys/bus/pci/drivers/%s", driver);
	if (access(dir, F_OK) < 0) {
		HOST_LOG(h, "%s is not loaded (modprobe %s)", driver, driver);
		return -ENOENT;
	}
	host_dev_path(h, path, sizeof path, "driver_override");
	st = host_write_text(path, driver);
	if (!st) {
		snprintf(dir, sizeof dir, "/sys/bus/pci/drivers/%s/bind", driver);
		st = host_write_text(dir, h->bdf);
	}
	if (!st)
		st = bound_driver(h, drv, sizeof drv);
	if (!st && strcmp(drv, driver))
		st = -ENODEV;
	/* The override was for this bind only: left set, it would keep the
	 * device from its kernel driver (a .ko of the same manifest, say)
	 * even after an unbind. */
	if (host_write_text(path, "\n"))
		HOST_LOG(h, "warning: cannot clear %s", path);
	if (st) {
		HOST_LOG(h, "binding %s to %s failed: %s", h->bdf, driver, strerror(-st));
		return st;
	}
	HOST_LOG(h, "bound %s to %s", h->bdf, driver);
	return 0;
}

/* <device>/resource has one "start end flags" line per resource, BARs
 * first. */
int host_sysfs_bar(struct host *h, unsigned bar, struct host_bar *out)
{
	char path[128], buf[1024];
	host_dev_path(h, path, sizeof path, "resource");
	int st = host_read_text(path, buf, sizeof buf);
	if (st)
		return st;
	char *line = buf;
	for (unsigned i = 0; i < bar && line; i++) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	unsigned long long start, end, flags;
	if (bar >= HOST_PCI_BARS || !line ||
	    sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3)
		return -EINVAL;
	if (!(flags & (IORESOURCE_MEM_FLAG | IORESOURCE_IO_FLAG)) || end <= start)
		return -ENXIO; /* not implemented by the device */
	out->start = start;
	out->size = end - start + 1;
	out->io = flags & IORESOURCE_IO_FLAG;
	return 0;
}

/* One server per device, as the kernel gives a device one driver: without
 * it a second server (another --instance, or a restart racing the old one)
 * would map the same BAR and run init under the first one's feet. The lock
 * goes with the process, however it ends. */
int host_lock(struct host *h, int fd, const char *what)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	int err = errno;
	if (err == EWOULDBLOCK)
		HOST_LOG(h, "%s is already served by another server", what);
	else
		HOST_LOG(h, "cannot lock %s: %s", what, strerror(err));
	return err == EWOULDBLOCK ? -EBUSY : -err;
}

/* The config fd gets the highest descriptor number the process may have, so
 * every other descriptor, now or later, is below it: the seccomp filter
 * then tells them apart with one comparison (sandbox.c), which stays sound
 * when the kernel truncates a 64-bit fd argument to 32 bits. */
int host_fd_to_top(struct host *h, int *fd)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < 16 || rl.rlim_cur > INT_MAX) {
		HOST_LOG(h, "cannot place the config fd: RLIMIT_NOFILE is unusable");
		return -EINVAL;
	}
	int top = (int)rl.rlim_cur - 1;
	int moved = fcntl(*fd, F_DUPFD_CLOEXEC, top);
	if (moved != top) {
		int err = errno;
		HOST_LOG(h, "cannot place the config fd at %d: %s", top, strerror(err));
		if (moved >= 0)
			close(moved);
		return -EMFILE;
	}
	close(*fd);
	*fd = moved;
	return 0;
}
