// SPDX-License-Identifier: MIT
/* drv_host.c - the userspace-server target: acquire exactly what the manifest
 * grants, drop everything else, serve (drv_host.h, docs/drivers.md).
 *
 * The process starts as root because acquiring a device needs it: binding
 * it to vfio-pci or uio_pci_generic, mapping BARs, ioperm, the IOMMU or
 * pagemap. Everything the driver will ever use is acquired before the
 * author's code runs a single protocol call; then the process gives up its
 * capabilities and installs a seccomp allow-list (host/sandbox.c), so a
 * driver bug reachable from a client message can touch the device it was
 * granted, but no file, no other process and almost none of the kernel.
 *
 * The order, one log line per step:
 *   find the device -> lock it -> VFIO or UIO -> config blocks -> map BARs
 *   -> ports -> interrupts -> bus mastering + DMA -> timers -> publish the
 *   protocols -> bind, init -> sandbox -> start -> serve -> stop.
 * Publishing comes before the sandbox: it needs socket(), bind(), mkdir()
 * and link() on paths, which the filter would otherwise have to allow for
 * the whole life of the process. A client that connects in between waits
 * in the listen backlog; nothing it sends is read before the sandbox is in
 * place. The price: at exit the socket's name cannot be unlinked; it stays
 * until the next server of that instance replaces it, which
 * drv_object_publish does for a name nobody listens on.
 *
 * VFIO or UIO (host/vfio.c, host/uio.c): VFIO whenever the device is in an
 * IOMMU group, since only it gives MSI/MSI-X and DMA the IOMMU confines;
 * UIO on a machine without an IOMMU, or with --uio. The log says which
 * and why.
 */
#define _GNU_SOURCE
#include "drv_host.h"
#include "host/host.h"
#include "sys_devregistry.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* ---- options ---- */

static void usage(const struct host *h)
{
	fprintf(stderr,
		"usage: %s-server [--device DDDD:BB:DD.F] [--instance N] [--uio]\n"
		"          [--max-connections N] [--max-calls N] [-v]\n"
		"       %s-server --matches\n"
		"  --device           the PCI device to drive (default: the first one the manifest\n"
		"                     matches)\n"
		"  --instance         the instance number its protocols are published as (default:\n"
		"                     the lowest free one)\n"
		"  --uio              serve through uio_pci_generic even where VFIO could (no MSI, no\n"
		"                     IOMMU)\n"
		"  --max-connections  clients connected at once (default %u)\n"
		"  --max-calls        calls one connection may have waiting in the driver (default %u)\n"
		"  -v                 log every interrupt\n"
		"  --matches          print the devices it drives and the protocols it serves, and exit\n"
		"                     (what drvgen-devd reads: docs/drivers.md, \"Lifecycle\")\n",
		h->name, h->name, DRV_DEFAULT_MAX_CONNECTIONS, DRV_DEFAULT_MAX_DEFERRED);
}

/* The options that take a value: --name VALUE or --name=VALUE. */
enum value_option { OPT_DEVICE, OPT_INSTANCE, OPT_MAX_CONNECTIONS, OPT_MAX_CALLS, OPT_NONE };
static const char *const value_options[] = {
	[OPT_DEVICE] = "--device",
	[OPT_INSTANCE] = "--instance",
	[OPT_MAX_CONNECTIONS] = "--max-connections",
	[OPT_MAX_CALLS] = "--max-calls",
};

static enum value_option value_option(const char *a)
{
	for (unsigned k = 0; k < OPT_NONE; k++) {
		size_t n = strlen(value_options[k]);
		if (!strncmp(a, value_options[k], n) && (a[n] == '\0' || a[n] == '='))
			return (enum value_option)k;
	}
	return OPT_NONE;
}

/* A decimal number in [min, INT_MAX], or -1 after saying what is wrong. */
static long number(const struct host *h, const char *opt, const char *val, long min)
{
	char *end;
	errno = 0;
	long n = strtol(val, &end, 10);
	if (errno || *end || n < min || n > INT_MAX || !isdigit((unsigned char)*val)) {
		fprintf(stderr, "%s: %s wants a number from %ld, not '%s'\n", h->name, opt, min,
			val);
		return -1;
	}
	return n;
}

/* 0, or 2 (the exit status) after saying what is wrong. */
static int parse_options(struct host *h, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		enum value_option k = value_option(a);
		if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			h->verbose = true;
			continue;
		}
		if (!strcmp(a, "--uio")) {
			h->force_uio = true;
			continue;
		}
		if (!strcmp(a, "--matches")) {
			h->print_matches = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(h);
			exit(0);
		}
		if (k == OPT_NONE) {
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
			fprintf(stderr, "%s: %s needs a value\n", h->name, value_options[k]);
			return 2;
		}
		long n = 0;
		if (k != OPT_DEVICE && (n = number(h, value_options[k], val, k == OPT_INSTANCE ? 0 : 1)) < 0)
			return 2;
		switch (k) {
		case OPT_DEVICE:
			h->device_opt = val;
			break;
		case OPT_INSTANCE:
			h->instance = (int)n;
			break;
		case OPT_MAX_CONNECTIONS:
			h->limits.max_connections = (unsigned)n;
			break;
		case OPT_MAX_CALLS:
			h->limits.max_deferred = (unsigned)n;
			break;
		case OPT_NONE:
			break;
		}
	}
	return 0;
}

/* --matches: one line per protocol served and per device matched, for
 * drvgen-devd (runtime/user/devd/drivers.c reads them):
 *	provides edu::device 81c57ea1
 *	pci 1234 11e8 ffffffff ffffffff 000000 000000
 *	isa 2f8
 * a PCI match's vendor, device, subvendor, subdevice, class and class mask
 * in hex, ffffffff for any. */
static int print_matches(const struct drv_driver_desc *d)
{
	for (unsigned i = 0; i < d->ninterfaces; i++)
		printf("provides %s %08" PRIx32 "\n", d->interfaces[i]->name, d->interfaces[i]->id);
	for (unsigned i = 0; i < d->nmatch; i++) {
		const struct drv_match *m = &d->match[i];
		if (m->bus == DRV_BUS_PCI)
			printf("pci %04" PRIx32 " %04" PRIx32 " %04" PRIx32 " %04" PRIx32
			       " %06" PRIx32 " %06" PRIx32 "\n",
			       m->vendor, m->device, m->subvendor, m->subdevice, m->class_code,
			       m->class_mask);
		else
			printf("isa %" PRIx64 "\n", m->ioport);
	}
	return fflush(stdout) ? 1 : 0;
}

/* ---- acquiring ---- */

/* VFIO where the device has an IOMMU group, unless --uio. */
static const struct host_bus *choose_bus(struct host *h)
{
	char path[128];
	if (h->force_uio) {
		HOST_LOG(h, "UIO: --uio was given");
		return &host_uio_bus;
	}
	host_dev_path(h, path, sizeof path, "iommu_group");
	if (access(path, F_OK) < 0) {
		HOST_LOG(h, "UIO: %s is in no IOMMU group (no IOMMU, or the kernel was booted "
			    "without intel_iommu=on)",
			 h->bdf);
		return &host_uio_bus;
	}
	if (access("/dev/vfio/vfio", F_OK) < 0) {
		HOST_LOG(h, "UIO: there is an IOMMU but no /dev/vfio/vfio (modprobe vfio-pci)");
		return &host_uio_bus;
	}
	HOST_LOG(h, "VFIO: %s is in an IOMMU group", h->bdf);
	return &host_vfio_bus;
}

static int open_pci(struct host *h)
{
	char path[128];
	int st = host_find_pci_device(h);
	if (st)
		return st;
	/* the lock comes before anything touches the device */
	host_dev_path(h, path, sizeof path, "config");
	h->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (h->lock_fd < 0) {
		int err = errno;
		HOST_LOG(h, "cannot open %s: %s", path, strerror(err));
		return -err;
	}
	st = host_lock(h, h->lock_fd, h->bdf);
	if (st)
		return st;
	h->bus = choose_bus(h);
	return h->bus->open(h);
}

/* Maps each range the manifest lists, and no more of the BAR than the pages
 * it covers. */
static int map_mmio(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	for (unsigned i = 0; i < d->nmmio; i++) {
		const struct drv_mmio_desc *m = &d->mmio[i];
		struct host_bar bar;
		if (m->bar >= HOST_PCI_BARS || h->bus->bar(h, m->bar, &bar) || bar.io) {
			HOST_LOG(h, "mmio %s: BAR %u of %s is not a memory BAR", m->name, m->bar,
				 h->bdf);
			return -ENXIO;
		}
		if (!m->size || m->size > bar.size || m->offset > bar.size - m->size) {
			HOST_LOG(h, "mmio %s: [0x%" PRIx64 ", +0x%" PRIx64 ") does not fit BAR %u (0x%" PRIx64 " bytes)",
				 m->name, m->offset, m->size, m->bar, bar.size);
			return -ERANGE;
		}
		void *map;
		int st = h->bus->map(h, m->bar, m->offset, m->size, &map);
		if (st) {
			HOST_LOG(h, "mmio %s: cannot map BAR %u: %s", m->name, m->bar, strerror(-st));
			return st;
		}
		h->res.io[i] = drv_io_mmio(map);
		HOST_LOG(h, "mmio %s: BAR %u [0x%" PRIx64 ", +0x%" PRIx64 ") of 0x%" PRIx64 " bytes mapped",
			 m->name, m->bar, m->offset, m->size, bar.size);
	}
	return 0;
}

/* ioperm grants exactly these ports in the task's I/O bitmap, which the
 * kernel keeps when the capabilities go: in/out on any other port faults.
 * A range in an I/O BAR is where the firmware put the BAR. */
static int grant_ports(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	for (unsigned i = 0; i < d->nports; i++) {
		const struct drv_port_desc *p = &d->ports[i];
		uint64_t base = p->base;
		if (p->in_bar) {
			struct host_bar bar;
			if (!h->bus || p->bar >= HOST_PCI_BARS || h->bus->bar(h, p->bar, &bar) ||
			    !bar.io) {
				HOST_LOG(h, "ports %s: BAR %u of %s is not an I/O BAR", p->name, p->bar,
					 h->bus ? h->bdf : "an ISA device");
				return -ENXIO;
			}
			if ((uint64_t)p->offset + p->size > bar.size) {
				HOST_LOG(h, "ports %s: %u ports at +%u do not fit BAR %u (%" PRIu64 " ports)",
					 p->name, p->size, p->offset, p->bar, bar.size);
				return -ERANGE;
			}
			base = bar.start + p->offset;
		}
		if (!p->size || base + p->size > 0x10000) {
			HOST_LOG(h, "ports %s: 0x%" PRIx64 "+%u is not a port range", p->name, base,
				 p->size);
			return -ERANGE;
		}
		if (ioperm((unsigned long)base, p->size, 1) < 0) {
			int err = errno;
			HOST_LOG(h, "ports %s: ioperm(0x%" PRIx64 ", %u): %s", p->name, base, p->size,
				 strerror(err));
			return -err;
		}
		h->res.io[d->nmmio + i] = drv_io_pio((uint16_t)base);
		HOST_LOG(h, "ports %s: 0x%" PRIx64 "-0x%" PRIx64 " granted%s", p->name, base,
			 base + p->size - 1, p->in_bar ? " (from the I/O BAR)" : "");
	}
	return 0;
}

static int open_irqs(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	for (unsigned i = 0; i < d->nirqs; i++) {
		h->irqs[i].host = h;
		h->irqs[i].index = i;
	}
	if (h->pci)
		return h->bus->irqs(h);
	for (unsigned i = 0; i < d->nirqs; i++) {
		if (d->irqs[i].kind != DRV_IRQ_LINE) {
			HOST_LOG(h, "irq %s: an ISA device has lines only", d->irqs[i].name);
			return -EINVAL;
		}
		int st = host_uio_line(h, &h->irqs[i]);
		if (st)
			return st;
	}
	return 0;
}

static int acquire(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	bool pci = false, isa = false;
	for (unsigned i = 0; i < d->nmatch; i++) {
		pci |= d->match[i].bus == DRV_BUS_PCI;
		isa |= d->match[i].bus == DRV_BUS_ISA;
	}
	if (pci == isa || !drv_desc_usable(d)) {
		HOST_LOG(h, "the driver description is unusable (%s)",
			 pci == isa ? "it must match PCI or ISA devices"
				    : "too many resources, or a hook missing");
		return -EINVAL;
	}
	h->pci = pci;
	int st = 0;
	if (pci) {
		st = open_pci(h);
	} else if (h->device_opt || d->nmmio || d->nconfig) {
		HOST_LOG(h, "an ISA driver has %s",
			 h->device_opt ? "no --device" : d->nmmio ? "no BARs" : "no config space");
		return -EINVAL;
	} else {
		HOST_LOG(h, "ISA device at port 0x%" PRIx64 " (fixed resources)", d->match[0].ioport);
	}
	if (!st)
		st = host_setup_config(h);
	if (!st && pci)
		st = map_mmio(h);
	if (!st)
		st = grant_ports(h);
	if (!st)
		st = open_irqs(h);
	if (!st)
		st = host_setup_dma(h);
	if (!st)
		st = host_setup_timers(h);
	if (!st)
		host_seal_config(h);
	return st;
}

/* ---- serving ---- */

static void fail(struct host *h)
{
	h->failed = true;
	drv_server_stop(h->server);
}

/* After the irq hook acknowledged the interrupt on the device, the line is
 * let through again (a message interrupt needs nothing). */
static int unmask(struct host_irq *q)
{
	if (q->unmask_fd >= 0) { /* VFIO INTx: an eventfd that unmasks when written */
		uint64_t one = 1;
		return write(q->unmask_fd, &one, sizeof one) == (ssize_t)sizeof one ? 0 : -errno;
	}
	if (q->uio_line) { /* drv_uio_irq re-enables the line on a write */
		int32_t one = 1;
		return write(q->fd, &one, sizeof one) == (ssize_t)sizeof one ? 0 : -errno;
	}
	if (q->uio_intx) {
		/* uio_pci_generic masks a device that interrupted by setting
		 * INTx-Disable; clearing it lets the next interrupt through.
		 * Always the whole 16-bit register: QEMU 7.2 re-evaluates the
		 * line only for a write that covers byte 4
		 * (targets/qemu/README.md). */
		enum { PCI_COMMAND = 0x04, PCI_COMMAND_INTX_DISABLE = 1u << 10 };
		struct host *h = q->host;
		uint32_t cmd = drv_config_read(&h->config, PCI_COMMAND, 2);
		if (cmd & PCI_COMMAND_INTX_DISABLE)
			drv_config_write(&h->config, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_INTX_DISABLE);
	}
	return 0;
}

/* An interrupt: the count (how many since the last read, which the hook
 * does not need: the device's own status says what happened), the hook,
 * which acknowledges it on the device, and only then the re-enable, or the
 * still-asserted line would fire again at once. */
static void on_irq(void *ctx, int fd, short revents)
{
	struct host_irq *q = ctx;
	struct host *h = q->host;
	uint64_t count = 0;
	/* a UIO fd gives a 32-bit count, an eventfd a 64-bit one */
	size_t want = q->unmask_fd >= 0 || (!q->uio_intx && !q->uio_line) ? 8 : 4;
	ssize_t n = read(fd, &count, want);
	if (n < 0 && errno == EAGAIN && !(revents & (POLLERR | POLLHUP | POLLNVAL)))
		return;
	if (n != (ssize_t)want) {
		HOST_LOG(h, "irq %s: its descriptor failed (%s)", h->desc->irqs[q->index].name,
			 n < 0 ? strerror(errno) : "short read");
		fail(h);
		return;
	}
	bool mine = h->desc->irq(h->drv, q->index);
	if (h->verbose)
		HOST_LOG(h, "irq %s: %" PRIu64 " events, %s", h->desc->irqs[q->index].name, count,
			 mine ? "handled" : "not this device's");
	int st = unmask(q);
	if (st) {
		HOST_LOG(h, "irq %s: cannot re-enable it: %s", h->desc->irqs[q->index].name,
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
	HOST_LOG(h, "%s: stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	drv_server_stop(h->server);
}

/* VFIO asks for the device back: it is being unplugged. The server stops
 * as on SIGTERM (deferred calls answered SHUTDOWN), which lets it go. */
static void on_unplug(void *ctx, int fd, short revents)
{
	struct host *h = ctx;
	uint64_t n;
	(void)revents;
	if (read(fd, &n, sizeof n) != (ssize_t)sizeof n)
		return;
	HOST_LOG(h, "the kernel asks for %s back (it is being removed): stopping", h->bdf);
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

/* The protocols' sockets, before bind: the instance number is then known
 * to the driver (drv->instance). The lowest number free for the first
 * protocol, and the same one for the others, unless --instance says. A
 * client that connects now waits in the listen backlog until the loop
 * serves. */
static int publish(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	int st = drv_server_new_with(&h->server, &h->limits);
	if (st) {
		HOST_LOG(h, "cannot make the server: %s", strerror(-st));
		return st;
	}
	struct sys_devregistry_client *registry = NULL;
	if (d->registers && sys_devregistry_connect(0, &registry))
		HOST_LOG(h, "no device registry at %s/sys::devregistry/0 (drvgen-devd): publishing "
			    "its own sockets",
			 drv_run_dir());
	for (unsigned i = 0; !st && i < d->ninterfaces; i++) {
		const struct drv_interface *iface = d->interfaces[i];
		st = drv_server_add(h->server, iface, d->object(h->drv, i), &h->objects[i]);
		if (st) {
			HOST_LOG(h, "cannot serve %s: %s", iface->name, strerror(-st));
		} else if (registry) {
			st = host_register(registry, h->objects[i], iface);
			if (st)
				HOST_LOG(h, "cannot register %s with drvgen-devd: %s", iface->name,
					 drv_strerror(st));
		} else if ((st = drv_object_publish(h->objects[i], h->instance))) {
			HOST_LOG(h, "cannot publish %s/%d: %s", iface->name, h->instance,
				 strerror(-st));
		}
		if (st)
			break;
		h->instance = drv_object_instance(h->objects[i]);
		HOST_LOG(h, "%s %s at %s/%s/%d", registry ? "registered" : "published", iface->name,
			 drv_run_dir(), iface->name, h->instance);
	}
	sys_devregistry_disconnect(registry);
	return st ? -EIO : 0;
}

/* Interrupts, timers and signals reach the loop. */
static int watch_events(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	for (unsigned i = 0; i < d->nirqs; i++) {
		if (h->irqs[i].fd < 0)
			continue; /* carried by irqs[0]'s INTx line (intx_fallback) */
		int st = drv_server_watch(h->server, h->irqs[i].fd, POLLIN, on_irq, &h->irqs[i]);
		if (st) {
			HOST_LOG(h, "cannot watch irq %s: %s", d->irqs[i].name, strerror(-st));
			return st;
		}
	}
	int st = host_watch_timers(h);
	if (st)
		return st;
	st = watch_signals(h);
	if (st) {
		HOST_LOG(h, "cannot watch for SIGTERM: %s", strerror(-st));
		return st;
	}
	st = h->unplug_fd < 0 ? 0 : drv_server_watch(h->server, h->unplug_fd, POLLIN, on_unplug, h);
	if (st) {
		HOST_LOG(h, "cannot watch for unplug requests: %s", strerror(-st));
		return st;
	}
	st = host_watch_power(h);
	if (st)
		HOST_LOG(h, "cannot watch for idle: %s", strerror(-st));
	return st;
}

/* bind readied the protocol objects afresh (their init forgets whom they
 * were attached to): they learn again which server object serves them. */
static int bind(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	h->res.instance = (unsigned)h->instance;
	int st = d->bind(h->drv, &h->res);
	if (st) {
		HOST_LOG(h, "bind failed: %s", strerror(-st));
		return st;
	}
	for (unsigned i = 0; i < d->ninterfaces; i++)
		d->interfaces[i]->attach(d->object(h->drv, i), h->objects[i]);
	HOST_LOG(h, "bound the resources");
	return 0;
}

int drv_host_main(const struct drv_driver_desc *desc, int argc, char **argv)
{
	struct host host = {
		.desc = desc,
		.name = desc->name,
		.lock_fd = -1,
		.container_fd = -1,
		.device_fd = -1,
		.pagemap_fd = -1,
		.sig_fd = -1,
		.unplug_fd = -1,
		.idle_fd = -1,
		.instance = DRV_ANY_INSTANCE,
	};
	struct host *h = &host;
	h->config.host = h;
	h->config.fd = -1;
	for (unsigned i = 0; i < DRV_MAX_RESOURCES; i++)
		h->irqs[i].fd = h->irqs[i].unmask_fd = -1;
	int st = parse_options(h, argc, argv);
	if (st)
		return st;
	if (h->print_matches)
		return print_matches(desc);
	h->page = sysconf(_SC_PAGESIZE);
	/* a client that hangs up mid-reply must not kill the server */
	signal(SIGPIPE, SIG_IGN);
	HOST_LOG(h, "version %s", desc->version ? desc->version : "?");

	st = acquire(h);
	if (st)
		return 1;

	h->drv = calloc(1, *desc->size);
	if (!h->drv) {
		HOST_LOG(h, "out of memory");
		return 1;
	}
	if (publish(h) || bind(h))
		return 1;
	st = desc->init ? desc->init(h->drv) : 0;
	if (st) {
		HOST_LOG(h, "init failed: %s", strerror(-st));
		return 1;
	}
	HOST_LOG(h, "init done");
	if (watch_events(h))
		return 1;
	/* init has quiesced the device; from now on its interrupts reach the
	 * hook (one that was pending arrives as the first event) */
	for (unsigned i = 0; i < desc->nirqs; i++)
		if (h->irqs[i].uio_intx && unmask(&h->irqs[i]))
			HOST_LOG(h, "cannot enable INTx");
	if (host_enter_sandbox(h))
		return 1;

	if (desc->start)
		desc->start(h->drv);
	HOST_LOG(h, "started; serving");
	st = drv_server_run(h->server);
	if (st) {
		HOST_LOG(h, "the server loop failed: %s", strerror(-st));
		h->failed = true;
	}
	/* stop quiesces a device that is awake, and leaves it in D0 */
	if (host_power_wake(h))
		h->failed = true;
	if (desc->stop)
		desc->stop(h->drv);
	drv_server_free(h->server);
	HOST_LOG(h, "stopped");
	return h->failed ? 1 : 0;
}
