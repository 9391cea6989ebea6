/* drv_host.c - the userspace-server target: acquire exactly what the manifest
 * grants, drop everything else, serve (drv_host.h, contract "Userspace-server
 * target").
 *
 * The process starts as root because acquiring a device needs it: binding
 * the device to uio_pci_generic, mapping BARs through sysfs, ioperm, reading
 * physical addresses from /proc/self/pagemap. Everything the driver will
 * ever use is acquired before the author's code runs a single protocol
 * call; then the process gives up its capabilities and installs a seccomp
 * allow-list, so a driver bug reachable from a client message can touch the
 * device it was granted, but no file, no other process and almost none of
 * the kernel. (Without an IOMMU, a device that can DMA reaches memory the
 * filter cannot guard: that needs VFIO with an IOMMU, see setup_dma.)
 *
 * The order, one log line per step:
 *   find the device -> bind uio_pci_generic -> map BARs -> ioperm ports ->
 *   open the IRQ fds -> bus mastering + DMA buffers -> bind, init ->
 *   publish the protocols -> sandbox -> start -> serve -> stop.
 * Publishing comes before the sandbox (the contract lists it after): it needs
 * socket(), bind(), mkdir() and link() on paths, which the filter would
 * otherwise have to allow for the whole life of the process. A client that
 * connects in between waits in the listen backlog; nothing it sends is read
 * before the sandbox is in place. The price: at exit the socket's name
 * cannot be unlinked; it stays until the next server of that instance
 * replaces it, which drv_object_publish does for a name nobody listens on.
 */
#define _GNU_SOURCE
#include "drv_host.h"
#include "drv_server.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PCI_DEVICES "/sys/bus/pci/devices"
#define UIO_DRIVER "uio_pci_generic"
#define UIO_DRIVER_DIR "/sys/bus/pci/drivers/" UIO_DRIVER

/* PCI configuration space: the command register and the bits we touch. */
enum {
	PCI_CMD = 0x04,
	PCI_CMD_MASTER = 1u << 2,
	PCI_CMD_INTX_DISABLE = 1u << 10,
	IORESOURCE_MEM_FLAG = 0x200, /* include/linux/ioport.h IORESOURCE_MEM */
	PCI_BARS = 6,
};

/* The pagemap entry of a page (Documentation/admin-guide/mm/pagemap.rst). */
#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_PFN_MASK ((1ull << 55) - 1)

/* How much memory the DMA allocator may hold at once while it looks for
 * pages the device can reach (see alloc_dma). */
#define DMA_POOL_LIMIT (256ull << 20)

struct host;

struct host_irq {
	struct host *host;
	unsigned index; /* in desc->irqs, as the irq hook sees it */
	int fd;         /* /dev/uioN */
	bool intx;      /* re-enabled through config space, not by writing the fd */
};

struct host {
	const struct drv_driver_desc *desc;
	const char *name;
	bool verbose;
	const char *device_opt;
	int instance;
	bool pci;
	char bdf[16];
	char dev_dir[64]; /* /sys/bus/pci/devices/<bdf> */
	int cfg_fd;       /* its config space, for INTx and bus mastering */
	long page;
	struct host_irq irqs[DRV_MAX_RESOURCES];
	struct drv_resources res;
	void *drv;
	struct drv_server *server;
	int sig_fd;
	bool failed; /* the loop stopped for an error, not a signal */
};

#define LOG(h, ...) drv_log((h)->name, __VA_ARGS__)

/* ---- small file helpers ---- */

/* The contents of a small text file, NUL-terminated, without the trailing
 * newline. 0, or a negative errno. */
static int read_text(const char *path, char *buf, size_t size)
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

/* Writes s in one write(), which is how sysfs attributes take a value. */
static int write_text(const char *path, const char *s)
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

/* A number in a sysfs file: ids are hex ("0x1234"), the irq decimal. */
static int read_number(const char *path, int base, uint32_t *out)
{
	char buf[32];
	int st = read_text(path, buf, sizeof buf);
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

static int dev_path(const struct host *h, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* <device dir>/<name>: 0, or -ENAMETOOLONG (never, for the names used
 * here: dev_dir is short and bounded). */
static int dev_path(const struct host *h, char *buf, size_t size, const char *fmt, ...)
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

/* ---- options ---- */

static void usage(const struct host *h)
{
	fprintf(stderr,
		"usage: %s-server [--device DDDD:BB:DD.F] [--instance N] [-v]\n"
		"  --device    the PCI device to drive (default: the first one the manifest matches)\n"
		"  --instance  the instance number its protocols are published as (default 0)\n"
		"  -v          log every interrupt\n",
		h->name);
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

/* 0, or 2 (the exit status) after saying what is wrong. */
static int parse_options(struct host *h, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		bool device = !strncmp(a, "--device", 8) && (a[8] == '\0' || a[8] == '=');
		bool instance = !strncmp(a, "--instance", 10) && (a[10] == '\0' || a[10] == '=');
		if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			h->verbose = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(h);
			exit(0);
		}
		if (!device && !instance) {
			fprintf(stderr, "%s: unknown option '%s'\n", h->name, a);
			usage(h);
			return 2;
		}
		const char *eq = strchr(a, '=');
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (!val || !*val) {
			fprintf(stderr, "%s: %s needs a value\n", h->name, a);
			return 2;
		}
		if (device) {
			h->device_opt = val;
			continue;
		}
		char *end;
		errno = 0;
		long n = strtol(val, &end, 10);
		if (errno || *end || n < 0 || n > INT_MAX || !isdigit((unsigned char)*val)) {
			fprintf(stderr, "%s: --instance wants a number, not '%s'\n", h->name, val);
			return 2;
		}
		h->instance = (int)n;
	}
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
		int st = read_number(path, 16, fields[i]);
		if (st)
			return st;
	}
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The device named by --device, which the manifest must match (it grants
 * nothing else), or the first matching one in bus order. */
static int find_pci_device(struct host *h)
{
	struct pci_ids id;
	if (h->device_opt) {
		if (!canonical_bdf(h->device_opt, h->bdf, sizeof h->bdf)) {
			LOG(h, "--device '%s' is not a PCI address (DDDD:BB:DD.F)", h->device_opt);
			return -EINVAL;
		}
		if (read_ids(h->bdf, &id)) {
			LOG(h, "no PCI device %s", h->bdf);
			return -ENODEV;
		}
		if (!desc_matches(h->desc, &id)) {
			LOG(h, "device %s (%04x:%04x) is not one the manifest matches", h->bdf,
			    id.vendor, id.device);
			return -ENODEV;
		}
	} else {
		struct dirent **names;
		int n = scandir(PCI_DEVICES, &names, NULL, by_name);
		if (n < 0) {
			int err = errno;
			LOG(h, "cannot list " PCI_DEVICES ": %s", strerror(err));
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
			LOG(h, "no PCI device matches the manifest");
			return -ENODEV;
		}
	}
	snprintf(h->dev_dir, sizeof h->dev_dir, PCI_DEVICES "/%s", h->bdf);
	LOG(h, "device %s (%04x:%04x, subsystem %04x:%04x, class %06x)", h->bdf, id.vendor,
	    id.device, id.subvendor, id.subdevice, id.class_code);
	return 0;
}

/* The name of the driver bound to the device, or "" for none. */
static int bound_driver(const struct host *h, char *out, size_t size)
{
	char path[128], target[PATH_MAX];
	dev_path(h, path, sizeof path, "driver");
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

/* uio_pci_generic gives userspace the device's interrupt (and enables the
 * device, so its BARs decode) without claiming anything else. The override
 * binds this one device only: new_id would also grab every other unbound
 * device with the same ids, which may belong to another server instance's
 * --device, or to nobody. A device another driver holds is not taken. */
static int bind_uio(struct host *h)
{
	char drv[64], path[128];
	int st = bound_driver(h, drv, sizeof drv);
	if (st) {
		LOG(h, "cannot read the driver of %s: %s", h->bdf, strerror(-st));
		return st;
	}
	if (!strcmp(drv, UIO_DRIVER)) {
		LOG(h, "%s is bound to " UIO_DRIVER, h->bdf);
		return 0;
	}
	if (drv[0]) {
		LOG(h, "%s is bound to %s; unbind it first (echo %s > /sys/bus/pci/drivers/%s/unbind)",
		    h->bdf, drv, h->bdf, drv);
		return -EBUSY;
	}
	if (access(UIO_DRIVER_DIR, F_OK) < 0) {
		LOG(h, UIO_DRIVER " is not loaded (modprobe " UIO_DRIVER ")");
		return -ENOENT;
	}
	dev_path(h, path, sizeof path, "driver_override");
	st = write_text(path, UIO_DRIVER);
	if (!st)
		st = write_text(UIO_DRIVER_DIR "/bind", h->bdf);
	if (!st)
		st = bound_driver(h, drv, sizeof drv);
	if (!st && strcmp(drv, UIO_DRIVER))
		st = -ENODEV;
	if (st) {
		LOG(h, "binding %s to " UIO_DRIVER " failed: %s", h->bdf, strerror(-st));
		return st;
	}
	/* The override was for this bind only: left set, it would keep the
	 * device from its kernel driver (a .ko of the same manifest, say)
	 * even after an unbind from uio_pci_generic. */
	if (write_text(path, "\n"))
		LOG(h, "warning: cannot clear %s", path);
	LOG(h, "bound %s to " UIO_DRIVER, h->bdf);
	return 0;
}

/* ---- config space ---- */

static int read_command(struct host *h, uint16_t *cmd)
{
	uint8_t b[2];
	if (pread(h->cfg_fd, b, 2, PCI_CMD) != 2)
		return errno ? -errno : -EIO;
	*cmd = (uint16_t)(b[0] | b[1] << 8);
	return 0;
}

/* Always the whole 16-bit register at offset 4: QEMU 7.2 re-evaluates the
 * INTx line only for a write that covers byte 4 (targets/qemu/README.md),
 * so a one-byte write of the high half leaves its line state stale. */
static int write_command(struct host *h, uint16_t cmd)
{
	uint8_t b[2] = {(uint8_t)cmd, (uint8_t)(cmd >> 8)};
	if (pwrite(h->cfg_fd, b, 2, PCI_CMD) != 2)
		return errno ? -errno : -EIO;
	return 0;
}

/* uio_pci_generic's handler masks a device that interrupted by setting
 * INTx-Disable (it has no irqcontrol to do it for us); clearing it lets the
 * next interrupt through. */
static int unmask_intx(struct host *h)
{
	uint16_t cmd;
	int st = read_command(h, &cmd);
	if (!st && (cmd & PCI_CMD_INTX_DISABLE))
		st = write_command(h, (uint16_t)(cmd & ~PCI_CMD_INTX_DISABLE));
	return st;
}

/* Takes the device for this process: one server per device, as the kernel
 * gives a device one driver. Without it a second server (another
 * --instance, or a restart racing the old one) would map the same BAR and
 * run init on the device under the first one's feet. The lock goes with
 * the process, however it ends. */
static int lock_device(struct host *h, int fd, const char *what)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	int err = errno;
	if (err == EWOULDBLOCK)
		LOG(h, "%s is already served by another server", what);
	else
		LOG(h, "cannot lock %s: %s", what, strerror(err));
	return err == EWOULDBLOCK ? -EBUSY : -err;
}

/* The config fd gets the highest descriptor number the process may have,
 * so every other descriptor, now or later, is below it: the seccomp filter
 * then tells them apart with one comparison (write() only below it; see
 * add_rules), which stays sound when the kernel truncates a 64-bit fd
 * argument to 32 bits. It also carries the device's lock. */
static int open_config(struct host *h)
{
	char path[128];
	struct rlimit rl;
	dev_path(h, path, sizeof path, "config");
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		LOG(h, "cannot open %s: %s", path, strerror(err));
		return -err;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < 16 || rl.rlim_cur > INT_MAX) {
		LOG(h, "cannot place the config fd: RLIMIT_NOFILE is unusable");
		close(fd);
		return -EINVAL;
	}
	int top = (int)rl.rlim_cur - 1;
	h->cfg_fd = fcntl(fd, F_DUPFD_CLOEXEC, top);
	close(fd);
	if (h->cfg_fd != top) {
		LOG(h, "cannot place the config fd at %d: %s", top, strerror(errno));
		return -EMFILE;
	}
	return lock_device(h, h->cfg_fd, h->bdf);
}

/* ---- MMIO ---- */

/* The BAR's size from <device>/resource (one "start end flags" line per
 * resource), and whether it is memory: an I/O BAR has a resourceN file too,
 * but it cannot be mapped. */
static int bar_info(struct host *h, unsigned bar, uint64_t *size)
{
	char path[128], buf[1024];
	dev_path(h, path, sizeof path, "resource");
	int st = read_text(path, buf, sizeof buf);
	if (st)
		return st;
	char *line = buf;
	for (unsigned i = 0; i < bar && line; i++) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	unsigned long long start, end, flags;
	if (!line || sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3)
		return -EINVAL;
	if (!(flags & IORESOURCE_MEM_FLAG) || end <= start)
		return -ENXIO;
	*size = end - start + 1;
	return 0;
}

/* Maps each range the manifest lists, and no more of the BAR than the pages
 * it covers: the rest of the BAR is not the driver's. sysfs mappings of a
 * BAR are uncached (resourceN_wc would be write-combining). */
static int map_mmio(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	for (unsigned i = 0; i < d->nmmio; i++) {
		const struct drv_mmio_desc *m = &d->mmio[i];
		uint64_t bar_size;
		if (m->bar >= PCI_BARS || bar_info(h, m->bar, &bar_size)) {
			LOG(h, "mmio %s: BAR %u of %s is not a memory BAR", m->name, m->bar, h->bdf);
			return -ENXIO;
		}
		if (!m->size || m->size > bar_size || m->offset > bar_size - m->size) {
			LOG(h, "mmio %s: [0x%" PRIx64 ", +0x%" PRIx64 ") does not fit BAR %u (0x%" PRIx64
			       " bytes)",
			    m->name, m->offset, m->size, m->bar, bar_size);
			return -ERANGE;
		}
		uint64_t first = m->offset & ~(uint64_t)(h->page - 1);
		uint64_t end = (m->offset + m->size + (uint64_t)h->page - 1) & ~(uint64_t)(h->page - 1);
		char path[128];
		dev_path(h, path, sizeof path, "resource%u", m->bar);
		int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			int err = errno;
			LOG(h, "mmio %s: cannot open %s: %s", m->name, path, strerror(err));
			return -err;
		}
		void *map = mmap(NULL, end - first, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				 (off_t)first);
		int err = errno;
		close(fd); /* the mapping keeps the BAR */
		if (map == MAP_FAILED) {
			LOG(h, "mmio %s: cannot map %s: %s", m->name, path, strerror(err));
			return -err;
		}
		h->res.io[i] = drv_io_mmio((uint8_t *)map + (m->offset - first));
		LOG(h, "mmio %s: BAR %u [0x%" PRIx64 ", +0x%" PRIx64 ") of 0x%" PRIx64 " bytes mapped",
		    m->name, m->bar, m->offset, m->size, bar_size);
	}
	return 0;
}

/* ---- ports ---- */

/* ioperm grants exactly these ports in the task's I/O bitmap, which the
 * kernel keeps when the capabilities go: in/out on any other port faults. */
static int grant_ports(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	for (unsigned i = 0; i < d->nports; i++) {
		const struct drv_port_desc *p = &d->ports[i];
		if (!p->size || (uint32_t)p->base + p->size > 0x10000) {
			LOG(h, "ports %s: 0x%x+%u is not a port range", p->name, p->base, p->size);
			return -ERANGE;
		}
		if (ioperm(p->base, p->size, 1) < 0) {
			int err = errno;
			LOG(h, "ports %s: ioperm(0x%x, %u): %s", p->name, p->base, p->size,
			    strerror(err));
			return -err;
		}
		h->res.io[d->nmmio + i] = drv_io_pio(p->base);
		LOG(h, "ports %s: 0x%x-0x%x granted", p->name, p->base, p->base + p->size - 1);
	}
	return 0;
}

/* ---- interrupts ---- */

static int open_uio(struct host *h, const char *uio, struct host_irq *q)
{
	char path[64];
	snprintf(path, sizeof path, "/dev/%s", uio);
	/* non-blocking: the loop reads only what poll() said is there */
	q->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (q->fd < 0) {
		int err = errno;
		LOG(h, "cannot open %s: %s", path, strerror(err));
		return -err;
	}
	return 0;
}

/* The UIO device uio_pci_generic made for the PCI device: <device>/uio/uioN. */
static int pci_uio(struct host *h, struct host_irq *q)
{
	char path[128];
	uint32_t line = 0;
	dev_path(h, path, sizeof path, "irq");
	/* uio_pci_generic binds a device without a line too, whose uio fd
	 * would then never become readable */
	if (read_number(path, 10, &line) || !line) {
		LOG(h, "%s has no INTx line", h->bdf);
		return -ENXIO;
	}
	dev_path(h, path, sizeof path, "uio");
	DIR *dir = opendir(path);
	if (!dir) {
		int err = errno;
		LOG(h, "%s has no UIO device: %s", h->bdf, strerror(err));
		return -err;
	}
	struct dirent *e;
	char uio[32] = "";
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, "uio", 3) && strlen(e->d_name) < sizeof uio)
			strcpy(uio, e->d_name);
	closedir(dir);
	if (!uio[0]) {
		LOG(h, "%s has no UIO device", h->bdf);
		return -ENOENT;
	}
	int st = open_uio(h, uio, q);
	if (!st)
		LOG(h, "irq %s: INTx via /dev/%s", h->desc->irqs[q->index].name, uio);
	return st;
}

/* An ISA line through the drv_uio_irq module (runtime/kmod/drv_uio_irq.c),
 * loaded with line=N: its UIO device is named "drvgen-irq<N>". */
static int line_uio(struct host *h, struct host_irq *q)
{
	unsigned line = h->desc->irqs[q->index].line;
	char want[32], name[64], path[300];
	snprintf(want, sizeof want, "drvgen-irq%u", line);
	DIR *dir = opendir("/sys/class/uio");
	struct dirent *e;
	int st = -ENOENT;
	while (dir && st == -ENOENT && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/sys/class/uio/%s/name", e->d_name);
		if (!read_text(path, name, sizeof name) && !strcmp(name, want)) {
			st = open_uio(h, e->d_name, q);
			/* the line is the ISA device's identity, as a BDF is a PCI one's */
			if (!st)
				st = lock_device(h, q->fd, want);
		}
	}
	if (dir)
		closedir(dir);
	if (st == -ENOENT)
		LOG(h, "irq %s: no UIO device %s (insmod drv_uio_irq.ko line=%u)",
		    h->desc->irqs[q->index].name, want, line);
	else if (!st)
		LOG(h, "irq %s: line %u via %s", h->desc->irqs[q->index].name, line, want);
	return st;
}

static int open_irqs(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	bool intx = false;
	for (unsigned i = 0; i < d->nirqs; i++) {
		struct host_irq *q = &h->irqs[i];
		q->host = h;
		q->index = i;
		int st;
		switch (d->irqs[i].kind) {
		case DRV_IRQ_INTX:
			/* a device has one INTx pin, and UIO one fd for it */
			if (!h->pci || intx) {
				LOG(h, "irq %s: INTx needs a PCI device, and one INTx per device",
				    d->irqs[i].name);
				return -EINVAL;
			}
			intx = q->intx = true;
			st = pci_uio(h, q);
			break;
		case DRV_IRQ_LINE:
			st = line_uio(h, q);
			break;
		default:
			/* uio_pci_generic offers INTx only; MSI would need VFIO */
			LOG(h, "irq %s: MSI is not available to the userspace target",
			    d->irqs[i].name);
			st = -EOPNOTSUPP;
			break;
		}
		if (st)
			return st;
	}
	return 0;
}

/* ---- DMA ---- */

/*
 * Why pinned pages and not VFIO: the guest kernel boots without an IOMMU
 * (QEMU's q35 has none unless -device intel-iommu is added, and the kernel
 * then needs intel_iommu=on), so VFIO could only run in its unsafe no-IOMMU
 * mode, which gives no isolation either and still needs the physical
 * address. Without an IOMMU the bus address is the physical address, so the
 * server takes ordinary anonymous pages, locks them in memory and asks
 * /proc/self/pagemap where they are (root only: pagemap hides frame numbers
 * from anyone without CAP_SYS_ADMIN, which is why this happens before the
 * capabilities go). With an IOMMU, VFIO's DMA mapping would be the right
 * tool: any pages, translated to an address the device may use.
 *
 * The kernel must not move the pages while the device uses them. mlock
 * keeps them resident, transparent huge pages are refused for the range
 * (khugepaged would copy them into a huge page), and compaction, which
 * migrates even locked pages, is told to leave unevictable pages alone
 * (vm.compact_unevictable_allowed, set by setup_dma).
 *
 * The device needs the buffer contiguous and below 2^address_bits (edu
 * reaches 28 bits, and a fresh page in a 512 MiB guest is typically near the
 * top of memory). So the allocator locks a pool of pages, looks for a run of
 * consecutive frames low enough, and moves those pages (mremap moves page
 * table entries, not data) into one virtual range in frame order. If the
 * pool has no such run it keeps it (so the next pool gets other frames) and
 * tries a pool twice as big, up to DMA_POOL_LIMIT.
 */
struct frame {
	uint64_t pfn;
	size_t page; /* index in the pool */
};

static int by_pfn(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The frame of each of n pages from addr, or -errno. */
static int read_frames(struct host *h, int pagemap, void *addr, size_t n, uint64_t *pfn)
{
	off_t off = (off_t)((uintptr_t)addr / (uintptr_t)h->page * sizeof(uint64_t));
	ssize_t len = pread(pagemap, pfn, n * sizeof *pfn, off);
	if (len != (ssize_t)(n * sizeof *pfn))
		return len < 0 ? -errno : -EIO;
	for (size_t i = 0; i < n; i++) {
		if (!(pfn[i] & PAGEMAP_PRESENT) || !(pfn[i] & PAGEMAP_PFN_MASK))
			return -EPERM; /* not resident, or frame numbers hidden */
		pfn[i] &= PAGEMAP_PFN_MASK;
	}
	return 0;
}

/* A locked pool of n pages, their frames read into pfn; NULL and *err. */
static void *lock_pool(struct host *h, int pagemap, size_t n, uint64_t *pfn, int *err)
{
	size_t len = n * (size_t)h->page;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	/* Before the pages exist, so none of them is part of a huge page. It
	 * fails only on a kernel without transparent huge pages: nothing to
	 * prevent then. */
	(void)madvise(p, len, MADV_NOHUGEPAGE);
	*err = mlock(p, len) < 0 ? -errno : read_frames(h, pagemap, p, n, pfn);
	if (*err) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

/* npages consecutive frames among the pool's (f, sorted) that end below
 * limit (a frame number): the index in f of the first, or -1. The lowest
 * run is the first found, so a run past the limit means there is none. */
static long find_run(const struct frame *f, size_t n, size_t npages, uint64_t limit)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && f[i].pfn != f[i - 1].pfn + 1)
			start = i;
		if (i + 1 - start >= npages)
			return f[i].pfn < limit ? (long)(i + 1 - npages) : -1;
	}
	return -1;
}

/* Moves the run's pages, in frame order, into one new range of npages:
 * mremap moves page table entries, so the frames stay what they were. */
static void *move_run(struct host *h, void *pool, const struct frame *run, size_t npages,
		      int *err)
{
	size_t page = (size_t)h->page;
	uint8_t *buf = mmap(NULL, npages * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	for (size_t k = 0; k < npages; k++)
		if (mremap((uint8_t *)pool + run[k].page * page, page, page,
			   MREMAP_MAYMOVE | MREMAP_FIXED, buf + k * page) == MAP_FAILED) {
			*err = -errno;
			munmap(buf, npages * page);
			return NULL;
		}
	return buf;
}

/* One pool of `pool` pages: the buffer, or NULL (and *err if the pool
 * could not even be had). The pool stays locked in *held either way, so
 * that the next, bigger pool gets other frames. */
static void *try_pool(struct host *h, int pagemap, size_t pool, size_t npages, uint64_t limit,
		      void **held, int *err)
{
	uint64_t *pfn = malloc(pool * sizeof *pfn);
	struct frame *f = malloc(pool * sizeof *f);
	void *buf = NULL;
	*held = NULL;
	*err = -ENOMEM;
	if (pfn && f)
		*held = lock_pool(h, pagemap, pool, pfn, err);
	if (*held) {
		*err = 0;
		for (size_t i = 0; i < pool; i++)
			f[i] = (struct frame){pfn[i], i};
		qsort(f, pool, sizeof *f, by_pfn);
		long run = find_run(f, pool, npages, limit);
		if (run >= 0)
			buf = move_run(h, *held, f + run, npages, err);
	}
	free(pfn);
	free(f);
	return buf;
}

static int alloc_dma(struct host *h, int pagemap, const struct drv_dma_desc *dd,
		     struct drv_dma_buffer *out)
{
	size_t page = (size_t)h->page;
	size_t npages = (size_t)((dd->size + page - 1) / page);
	/* frames from this one on are past 2^address_bits */
	uint64_t limit = dd->address_bits && dd->address_bits < 64
				 ? (1ull << dd->address_bits) / page
				 : UINT64_MAX;
	void *held[32];
	size_t held_pages[32];
	unsigned nheld = 0;
	size_t pool = npages * 4 > 64 ? npages * 4 : 64, total = 0;
	int st = 0;
	void *buf = NULL;
	while (!buf && !st && nheld < 32 && (total + pool) * page <= DMA_POOL_LIMIT) {
		buf = try_pool(h, pagemap, pool, npages, limit, &held[nheld], &st);
		if (held[nheld])
			held_pages[nheld++] = pool;
		total += pool;
		pool *= 2;
	}
	/* what was not moved out of the pools goes back */
	for (unsigned i = 0; i < nheld; i++)
		munmap(held[i], held_pages[i] * page);
	if (!buf) {
		if (st)
			LOG(h, "dma %s: cannot lock memory to look in: %s", dd->name, strerror(-st));
		else
			LOG(h, "dma %s: no %zu contiguous pages below 2^%u in %zu MiB of memory",
			    dd->name, npages, dd->address_bits, total * page >> 20);
		return st ? st : -ENOSPC;
	}
	/* Check what the device will be told, from the moved pages themselves. */
	uint64_t *pfn = malloc(npages * sizeof *pfn);
	st = pfn ? read_frames(h, pagemap, buf, npages, pfn) : -ENOMEM;
	for (size_t k = 1; !st && k < npages; k++)
		if (pfn[k] != pfn[0] + k)
			st = -EFAULT;
	if (!st && pfn[0] + npages > limit)
		st = -EFAULT;
	if (st) {
		free(pfn);
		munmap(buf, npages * page);
		LOG(h, "dma %s: the buffer is not where it was found: %s", dd->name, strerror(-st));
		return st;
	}
	out->cpu = buf;
	out->bus = pfn[0] * page;
	out->size = dd->size;
	free(pfn);
	LOG(h, "dma %s: %" PRIu64 " bytes at bus 0x%" PRIx64 " (below 2^%u), locked", dd->name,
	    dd->size, out->bus, dd->address_bits);
	return 0;
}

static int setup_dma(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	if (!d->ndma)
		return 0;
	if (!h->pci) {
		/* ISA DMA goes through the 8237 controller, which nobody grants */
		LOG(h, "dma needs a PCI device");
		return -EINVAL;
	}
	uint16_t cmd;
	int st = read_command(h, &cmd);
	if (!st && !(cmd & PCI_CMD_MASTER))
		st = write_command(h, (uint16_t)(cmd | PCI_CMD_MASTER));
	if (st) {
		LOG(h, "cannot enable bus mastering: %s", strerror(-st));
		return st;
	}
	LOG(h, "bus mastering enabled");
	char cur[8];
	const char *knob = "/proc/sys/vm/compact_unevictable_allowed";
	if (!read_text(knob, cur, sizeof cur) && strcmp(cur, "0")) {
		if (write_text(knob, "0"))
			LOG(h, "warning: cannot stop compaction from moving locked pages (%s)", knob);
		else
			LOG(h, "vm.compact_unevictable_allowed=0: compaction leaves locked pages alone");
	}
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap < 0) {
		int err = errno;
		LOG(h, "cannot open /proc/self/pagemap: %s", strerror(err));
		return -err;
	}
	for (unsigned i = 0; i < d->ndma && !st; i++)
		st = alloc_dma(h, pagemap, &d->dma[i], &h->res.dma[i]);
	close(pagemap);
	return st;
}

/* ---- the sandbox ---- */

/* What the process keeps from here on: the serving loop (poll, socket
 * messages, page buffers mapped from clients' memfds), the interrupt path
 * (read the UIO fd, write it or the config space to re-enable) and what
 * libc does underneath (malloc, stderr, exit). Everything it needed a path
 * for is already open. write/writev and pread64/pwrite64 are in add_rules,
 * with conditions. */
static const int allowed_syscalls[] = {
	SCMP_SYS(read),         SCMP_SYS(readv),
	SCMP_SYS(poll),         SCMP_SYS(ppoll),        SCMP_SYS(recvmsg),
	SCMP_SYS(sendmsg),      SCMP_SYS(recvfrom),     SCMP_SYS(sendto),
	SCMP_SYS(accept4),      SCMP_SYS(close),        SCMP_SYS(fstat),
	SCMP_SYS(munmap),       SCMP_SYS(mremap),       SCMP_SYS(brk),
	SCMP_SYS(futex),        SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(getpid),       SCMP_SYS(gettid),       SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(restart_syscall), SCMP_SYS(exit),
	SCMP_SYS(exit_group),
};

/* fcntl commands: the seals of a client's page buffer (drv_server.c), and
 * duplicating a handle for an in-process call. */
static const int allowed_fcntl[] = {F_GET_SEALS, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL};

/* Argument `arg` equals v (libseccomp's SCMP_Ax macros leave a field to
 * the defaults, which -Wextra rightly flags). */
static struct scmp_arg_cmp arg_eq(unsigned arg, scmp_datum_t v)
{
	struct scmp_arg_cmp c = {arg, SCMP_CMP_EQ, v, 0};
	return c;
}

/* Argument `arg` has none of the bits of mask. */
static struct scmp_arg_cmp arg_clear(unsigned arg, scmp_datum_t mask)
{
	struct scmp_arg_cmp c = {arg, SCMP_CMP_MASKED_EQ, mask, 0};
	return c;
}

static struct scmp_arg_cmp arg_below(unsigned arg, scmp_datum_t v)
{
	struct scmp_arg_cmp c = {arg, SCMP_CMP_LT, v, 0};
	return c;
}

static int add_rules(scmp_filter_ctx ctx, int cfg_fd)
{
	int st = 0;
	for (size_t i = 0; !st && i < sizeof allowed_syscalls / sizeof *allowed_syscalls; i++)
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
	/* Config space: the one write the server needs is the 16-bit command
	 * register (INTx re-enable), so that is the only one it can make; the
	 * BARs, capabilities and the rest of config space stay as the kernel
	 * set them. (The command register still holds bus mastering: without
	 * an IOMMU a device that can DMA is trusted with memory anyway.) The
	 * config fd is the highest fd (open_config), so "below it" is every
	 * other one. */
	if (cfg_fd >= 0) {
		st = st ? st : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
						arg_below(0, (scmp_datum_t)cfg_fd));
		st = st ? st : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(writev), 1,
						arg_below(0, (scmp_datum_t)cfg_fd));
		st = st ? st : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pread64), 3,
						arg_eq(0, (scmp_datum_t)cfg_fd), arg_eq(2, 2),
						arg_eq(3, PCI_CMD));
		st = st ? st : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pwrite64), 3,
						arg_eq(0, (scmp_datum_t)cfg_fd), arg_eq(2, 2),
						arg_eq(3, PCI_CMD));
	} else {
		st = st ? st : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 0);
		st = st ? st : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(writev), 0);
	}
	for (size_t i = 0; !st && i < sizeof allowed_fcntl / sizeof *allowed_fcntl; i++)
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				      arg_eq(1, (scmp_datum_t)allowed_fcntl[i]));
	/* Memory, but never new code: no executable mapping can be made. */
	if (!st)
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				      arg_clear(2, PROT_EXEC));
	if (!st)
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				      arg_clear(2, PROT_EXEC));
	/* glibc's fstat is fstatat(fd, "", AT_EMPTY_PATH) */
	if (!st)
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
				      arg_eq(3, AT_EMPTY_PATH));
	/* abort() signals itself; no other process may be signalled */
	if (!st)
		st = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      arg_eq(0, (scmp_datum_t)getpid()));
	/* Opening a path fails rather than kills: libc may probe a file
	 * (a locale, a timezone) and cope with its absence, and a driver that
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

/* Capabilities: the bounding set first (dropping from it needs
 * CAP_SETPCAP, which capset is about to remove), the ambient set, then the
 * permitted, effective and inheritable sets, all to empty. */
static int drop_capabilities(struct host *h)
{
	for (unsigned long cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			int err = errno;
			LOG(h, "sandbox: cannot drop capability %lu from the bounding set: %s", cap,
			    strerror(err));
			return -err;
		}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		int err = errno;
		LOG(h, "sandbox: cannot clear the ambient capabilities: %s", strerror(err));
		return -err;
	}
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capset, &hdr, data) < 0) {
		int err = errno;
		LOG(h, "sandbox: capset: %s", strerror(err));
		return -err;
	}
	/* and check: a silently kept capability would defeat the rest */
	if (syscall(SYS_capget, &hdr, data) < 0) {
		int err = errno;
		LOG(h, "sandbox: capget: %s", strerror(err));
		return -err;
	}
	for (unsigned i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (data[i].effective || data[i].permitted || data[i].inheritable) {
			LOG(h, "sandbox: capabilities remain after capset");
			return -EPERM;
		}
	return 0;
}

static int enter_sandbox(struct host *h)
{
	/* no execve could ever gain privileges again (and seccomp needs it) */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		int err = errno;
		LOG(h, "sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(err));
		return -err;
	}
	int st = drop_capabilities(h);
	if (st)
		return st;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		LOG(h, "sandbox: seccomp_init failed");
		return -ENOMEM;
	}
	/* a syscall made through another ABI (int 0x80, x32) is never allowed */
	st = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (!st)
		st = add_rules(ctx, h->cfg_fd);
	if (!st)
		st = seccomp_load(ctx);
	seccomp_release(ctx);
	if (st) {
		LOG(h, "sandbox: cannot install the seccomp filter: %s", strerror(-st));
		return st;
	}
	LOG(h, "sandbox: no_new_privs, no capabilities, seccomp allow-list loaded");
	/* Prove it: if this opens, the filter is not what it claims to be. */
	int fd = open("/", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES) {
		LOG(h, "sandbox: open(\"/\") was not denied (%s); refusing to serve",
		    fd >= 0 ? "it succeeded" : strerror(errno));
		return -EPERM;
	}
	LOG(h, "sandbox: open denied (EACCES)");
	return 0;
}

/* ---- serving ---- */

static void fail(struct host *h)
{
	h->failed = true;
	drv_server_stop(h->server);
}

/* An interrupt: the count (how many since the last read, which the hook
 * does not need: the device's own status says what happened), the hook,
 * which acknowledges it on the device, and only then the re-enable, or the
 * still-asserted line would fire again at once. */
static void on_irq(void *ctx, int fd, short revents)
{
	struct host_irq *q = ctx;
	struct host *h = q->host;
	uint32_t count;
	ssize_t n = read(fd, &count, sizeof count);
	if (n < 0 && errno == EAGAIN && !(revents & (POLLERR | POLLHUP | POLLNVAL)))
		return;
	if (n != (ssize_t)sizeof count) {
		LOG(h, "irq %s: the UIO device failed (%s)", h->desc->irqs[q->index].name,
		    n < 0 ? strerror(errno) : "short read");
		fail(h);
		return;
	}
	bool mine = h->desc->irq(h->drv, q->index);
	if (h->verbose)
		LOG(h, "irq %s: event %u, %s", h->desc->irqs[q->index].name, count,
		    mine ? "handled" : "not this device's");
	int st = 0;
	if (q->intx) {
		st = unmask_intx(h);
	} else {
		int32_t one = 1; /* drv_uio_irq's irqcontrol: enable the line */
		if (write(fd, &one, sizeof one) != (ssize_t)sizeof one)
			st = -errno;
	}
	if (st) {
		LOG(h, "irq %s: cannot re-enable it: %s", h->desc->irqs[q->index].name,
		    strerror(-st));
		fail(h);
	}
}

static void on_signal(void *ctx, int fd, short revents)
{
	struct host *h = ctx;
	struct signalfd_siginfo si;
	(void)revents;
	if (read(fd, &si, sizeof si) != (ssize_t)sizeof si)
		return;
	LOG(h, "%s: stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	drv_server_stop(h->server);
}

/* SIGTERM and SIGINT arrive as data in the loop, so stopping happens
 * between two events, never inside a handler. */
static int watch_signals(struct host *h)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	h->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (h->sig_fd < 0)
		return -errno;
	return drv_server_watch(h->server, h->sig_fd, POLLIN, on_signal, h);
}

static int publish(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	int st = drv_server_new(&h->server);
	if (st) {
		LOG(h, "cannot make the server: %s", strerror(-st));
		return st;
	}
	for (unsigned i = 0; i < d->ninterfaces; i++) {
		const struct drv_interface *iface = d->interfaces[i];
		struct drv_object *obj;
		st = drv_server_add(h->server, iface, d->object(h->drv, i), &obj);
		if (!st)
			st = drv_object_publish(obj, h->instance);
		if (st) {
			LOG(h, "cannot publish %s/%d: %s", iface->name, h->instance, strerror(-st));
			return st;
		}
		LOG(h, "published %s at %s/%s/%d", iface->name, drv_run_dir(), iface->name,
		    drv_object_instance(obj));
	}
	for (unsigned i = 0; i < d->nirqs; i++) {
		st = drv_server_watch(h->server, h->irqs[i].fd, POLLIN, on_irq, &h->irqs[i]);
		if (st) {
			LOG(h, "cannot watch irq %s: %s", d->irqs[i].name, strerror(-st));
			return st;
		}
	}
	st = watch_signals(h);
	if (st)
		LOG(h, "cannot watch for SIGTERM: %s", strerror(-st));
	return st;
}

/* ---- the whole of it ---- */

static int acquire(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	bool pci = false, isa = false;
	for (unsigned i = 0; i < d->nmatch; i++) {
		pci |= d->match[i].bus == DRV_BUS_PCI;
		isa |= d->match[i].bus == DRV_BUS_ISA;
	}
	if (pci == isa || !drv_desc_usable(d)) {
		LOG(h, "the driver description is unusable (%s)",
		    pci == isa ? "it must match PCI or ISA devices"
			       : "too many resources, or no irq hook");
		return -EINVAL;
	}
	h->pci = pci;
	int st;
	if (pci) {
		st = find_pci_device(h);
		if (!st)
			st = open_config(h); /* and lock the device before touching it */
		if (!st)
			st = bind_uio(h);
		if (!st)
			st = map_mmio(h);
	} else {
		if (h->device_opt || d->nmmio) {
			LOG(h, "an ISA driver has %s", h->device_opt ? "no --device" : "no BARs");
			return -EINVAL;
		}
		LOG(h, "ISA device at port 0x%" PRIx64 " (fixed resources)", d->match[0].ioport);
		st = 0;
	}
	if (!st)
		st = grant_ports(h);
	if (!st)
		st = open_irqs(h);
	if (!st)
		st = setup_dma(h);
	return st;
}

int drv_host_main(const struct drv_driver_desc *desc, int argc, char **argv)
{
	struct host host = {.desc = desc, .name = desc->name, .cfg_fd = -1, .sig_fd = -1};
	struct host *h = &host;
	for (unsigned i = 0; i < DRV_MAX_RESOURCES; i++)
		h->irqs[i].fd = -1;
	int st = parse_options(h, argc, argv);
	if (st)
		return st;
	h->page = sysconf(_SC_PAGESIZE);
	/* a client that hangs up mid-reply must not kill the server */
	signal(SIGPIPE, SIG_IGN);
	LOG(h, "version %s, instance %d", desc->version ? desc->version : "?", h->instance);

	st = acquire(h);
	if (st)
		return 1;

	h->res.instance = (unsigned)h->instance;
	h->drv = calloc(1, *desc->size);
	if (!h->drv) {
		LOG(h, "out of memory");
		return 1;
	}
	st = desc->bind(h->drv, &h->res);
	if (st) {
		LOG(h, "bind failed: %s", strerror(-st));
		return 1;
	}
	LOG(h, "bound the resources");
	st = desc->init ? desc->init(h->drv) : 0;
	if (st) {
		LOG(h, "init failed: %s", strerror(-st));
		return 1;
	}
	LOG(h, "init done");

	if (publish(h))
		return 1;
	/* init has quiesced the device; from now on its interrupts reach the
	 * hook (one that was pending arrives as the first event) */
	st = h->cfg_fd >= 0 ? unmask_intx(h) : 0;
	if (st) {
		LOG(h, "cannot enable INTx: %s", strerror(-st));
		return 1;
	}
	if (enter_sandbox(h))
		return 1;

	if (desc->start)
		desc->start(h->drv);
	LOG(h, "started; serving");
	st = drv_server_run(h->server);
	if (st) {
		LOG(h, "the server loop failed: %s", strerror(-st));
		h->failed = true;
	}
	if (desc->stop)
		desc->stop(h->drv);
	drv_server_free(h->server);
	LOG(h, "stopped");
	return h->failed ? 1 : 0;
}
