// SPDX-License-Identifier: MIT
/* devices.c - the PCI functions of the machine as drvgen-devd sees them:
 * their ids in sysfs, and the kernel's uevents (NETLINK_KOBJECT_UEVENT)
 * for the ones that appear and go.
 */
#define _GNU_SOURCE
#include "devd.h"

#include <dirent.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PCI_DEVICES "/sys/bus/pci/devices"

/* A hex attribute of the function (0x1234\n); false if unreadable. */
static bool read_hex(const char *bdf, const char *attr, uint32_t *out)
{
	char path[128], buf[32];
	snprintf(path, sizeof path, PCI_DEVICES "/%s/%s", bdf, attr);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, sizeof buf, f) != NULL;
	fclose(f);
	char *end;
	*out = (uint32_t)strtoul(buf, &end, 16);
	return ok && end != buf;
}

bool devd_pci_present(const char *bdf)
{
	char path[128];
	snprintf(path, sizeof path, PCI_DEVICES "/%s", bdf);
	return access(path, F_OK) == 0;
}

bool devd_read_pci_id(const char *bdf, struct devd_pci_id *id)
{
	if (strlen(bdf) >= sizeof id->bdf || strchr(bdf, '/'))
		return false;
	strcpy(id->bdf, bdf);
	return read_hex(bdf, "vendor", &id->vendor) && read_hex(bdf, "device", &id->device) &&
	       read_hex(bdf, "subsystem_vendor", &id->subvendor) &&
	       read_hex(bdf, "subsystem_device", &id->subdevice) &&
	       read_hex(bdf, "class", &id->class_code);
}

void devd_scan_pci(struct devd *d, void (*fn)(struct devd *d, const char *bdf))
{
	DIR *dp = opendir(PCI_DEVICES);
	if (!dp) {
		devd_log(PCI_DEVICES ": %s", strerror(errno));
		return;
	}
	struct dirent *e;
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.')
			fn(d, e->d_name);
	closedir(dp);
}

int devd_uevent_open(void)
{
	struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = 1 /* the kernel's */};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* a burst of hot-plug events must not overflow it */
	int size = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* The value of KEY in a uevent's NUL-separated KEY=VALUE fields, or NULL. */
static const char *uevent_field(const char *msg, size_t len, const char *key)
{
	size_t k = strlen(key);
	for (size_t at = strlen(msg) + 1; at < len; at += strlen(msg + at) + 1)
		if (!strncmp(msg + at, key, k) && msg[at + k] == '=')
			return msg + at + k + 1;
	return NULL;
}

void devd_uevent_read(struct devd *d, int fd, void (*added)(struct devd *d, const char *bdf),
		      void (*removed)(struct devd *d, const char *bdf))
{
	char msg[8192];
	struct sockaddr_nl from;
	for (;;) {
		socklen_t fromlen = sizeof from;
		ssize_t n =
			recvfrom(fd, msg, sizeof msg - 1, 0, (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == ENOBUFS)
				devd_log("uevents were lost (ENOBUFS)");
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return; /* EAGAIN: all read */
		}
		if (from.nl_pid != 0) /* only the kernel's, not a process's */
			continue;
		msg[n] = '\0';
		const char *action = uevent_field(msg, (size_t)n, "ACTION");
		const char *subsystem = uevent_field(msg, (size_t)n, "SUBSYSTEM");
		const char *bdf = uevent_field(msg, (size_t)n, "PCI_SLOT_NAME");
		if (!action || !subsystem || !bdf || strcmp(subsystem, "pci"))
			continue;
		if (!strcmp(action, "add"))
			added(d, bdf);
		else if (!strcmp(action, "remove"))
			removed(d, bdf);
	}
}
