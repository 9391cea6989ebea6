// SPDX-License-Identifier: MIT
/* vfio.c - the device through VFIO and the IOMMU.
 *
 * With an IOMMU the server can be given what uio_pci_generic cannot: MSI and
 * MSI-X (vfio-pci turns each vector into an eventfd), and DMA that the
 * IOMMU confines to the pages the server mapped, at bus addresses (IOVAs)
 * the server chooses itself. The device is bound to vfio-pci, its IOMMU
 * group opened and attached to a type1 container; the device fd then gives
 * the BARs (mmap), configuration space (pread/pwrite, filtered by vfio-pci
 * and by the sandbox) and the interrupts (VFIO_DEVICE_SET_IRQS).
 */
#define _GNU_SOURCE
#include "host.h"

#include "drv_pci.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static int vfio_open(struct host *h)
{
	char path[160], target[128];
	int st = host_dev_path(h, path, sizeof path, "iommu_group");
	ssize_t n = st ? -1 : readlink(path, target, sizeof target - 1);
	if (n < 0) {
		HOST_LOG(h, "%s is in no IOMMU group", h->bdf);
		return -ENODEV;
	}
	target[n] = '\0';
	const char *group = strrchr(target, '/');
	group = group ? group + 1 : target;

	st = host_bind_driver(h, "vfio-pci");
	if (st)
		return st;
	h->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (h->container_fd < 0) {
		int err = errno;
		HOST_LOG(h, "cannot open /dev/vfio/vfio: %s", strerror(err));
		return -err;
	}
	if (ioctl(h->container_fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(h->container_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		HOST_LOG(h, "VFIO has no type1v2 IOMMU here");
		return -ENODEV;
	}
	snprintf(path, sizeof path, "/dev/vfio/%s", group);
	int group_fd = open(path, O_RDWR | O_CLOEXEC);
	if (group_fd < 0) {
		int err = errno;
		HOST_LOG(h, "cannot open %s: %s", path, strerror(err));
		return -err;
	}
	struct vfio_group_status status = {.argsz = sizeof status};
	if (ioctl(group_fd, VFIO_GROUP_GET_STATUS, &status) < 0 ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		HOST_LOG(h, "IOMMU group %s is not viable: every device in it must be bound to "
			    "vfio-pci or to no driver",
			 group);
		close(group_fd);
		return -EBUSY;
	}
	if (ioctl(group_fd, VFIO_GROUP_SET_CONTAINER, &h->container_fd) < 0 ||
	    ioctl(h->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
		int err = errno;
		HOST_LOG(h, "cannot attach IOMMU group %s to a container: %s", group,
			 strerror(err));
		close(group_fd);
		return -err;
	}
	h->device_fd = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, h->bdf);
	/* An open device keeps its group attached to the container: the group
	 * fd has served, and is not kept for a compromised server to misuse
	 * (the device's flock, lock_fd, keeps other servers away). */
	close(group_fd);
	if (h->device_fd < 0) {
		int err = errno;
		HOST_LOG(h, "cannot get %s from its IOMMU group: %s", h->bdf, strerror(err));
		return -err;
	}
	struct vfio_region_info cfg = {.argsz = sizeof cfg, .index = VFIO_PCI_CONFIG_REGION_INDEX};
	if (ioctl(h->device_fd, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0) {
		int err = errno;
		HOST_LOG(h, "%s has no config region: %s", h->bdf, strerror(err));
		return -err;
	}
	h->config.fd = h->device_fd;
	h->config.region = cfg.offset;
	st = host_fd_to_top(h, &h->config.fd);
	if (st)
		return st;
	h->device_fd = h->config.fd;
	HOST_LOG(h, "%s: VFIO, IOMMU group %s", h->bdf, group);
	return 0;
}

static int region(struct host *h, unsigned index, struct vfio_region_info *out)
{
	*out = (struct vfio_region_info){.argsz = sizeof *out, .index = index};
	return ioctl(h->device_fd, VFIO_DEVICE_GET_REGION_INFO, out) < 0 ? -errno : 0;
}

/* The port range of an I/O BAR comes from sysfs: VFIO gives I/O BARs as
 * pread/pwrite regions only, and the x86 port instructions on the range
 * ioperm granted are the fast way in. */
static int vfio_bar(struct host *h, unsigned bar, struct host_bar *out)
{
	return host_sysfs_bar(h, bar, out);
}

static int vfio_map(struct host *h, unsigned bar, uint64_t offset, uint64_t size, void **out)
{
	struct vfio_region_info r;
	int st = region(h, VFIO_PCI_BAR0_REGION_INDEX + bar, &r);
	if (st)
		return st;
	if (!(r.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -ENOTSUP;
	uint64_t page = (uint64_t)h->page;
	uint64_t first = offset & ~(page - 1);
	uint64_t end = (offset + size + page - 1) & ~(page - 1);
	if (end > ((r.size + page - 1) & ~(page - 1)))
		return -ERANGE;
	void *map = mmap(NULL, end - first, PROT_READ | PROT_WRITE, MAP_SHARED, h->device_fd,
			 (off_t)(r.offset + first));
	if (map == MAP_FAILED)
		return -errno;
	*out = (uint8_t *)map + (offset - first);
	return 0;
}

/* ---- interrupts ---- */

static int set_irqs(struct host *h, unsigned index, uint32_t action, unsigned start,
		    unsigned count, const int *fds)
{
	size_t size = sizeof(struct vfio_irq_set) + count * sizeof(int32_t);
	struct vfio_irq_set *set = calloc(1, size);
	if (!set)
		return -ENOMEM;
	set->argsz = (uint32_t)size;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | action;
	set->index = index;
	set->start = start;
	set->count = count;
	for (unsigned i = 0; i < count; i++) {
		int32_t fd = fds[i];
		memcpy(set->data + i * sizeof fd, &fd, sizeof fd);
	}
	int st = ioctl(h->device_fd, VFIO_DEVICE_SET_IRQS, set) < 0 ? -errno : 0;
	free(set);
	return st;
}

static int new_eventfd(struct host *h, int *fd)
{
	*fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*fd < 0) {
		int err = errno;
		HOST_LOG(h, "eventfd: %s", strerror(err));
		return -err;
	}
	return 0;
}

/* INTx: one eventfd the line triggers (vfio-pci masks the line when it
 * fires) and one that unmasks it when written, after the irq hook. */
static int intx(struct host *h, struct host_irq *q)
{
	int st = new_eventfd(h, &q->fd);
	if (!st)
		st = new_eventfd(h, &q->unmask_fd);
	if (!st)
		st = set_irqs(h, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, &q->fd);
	if (!st)
		st = set_irqs(h, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_UNMASK, 0, 1,
			      &q->unmask_fd);
	if (st)
		HOST_LOG(h, "irq %s: cannot route INTx to an eventfd: %s",
			 h->desc->irqs[q->index].name, strerror(-st));
	else
		HOST_LOG(h, "irq %s: INTx via VFIO", h->desc->irqs[q->index].name);
	return st;
}

/* vfio-pci virtualizes the control word of the MSI capability (and may of
 * MSI-X's): enabling vectors by ioctl leaves its Enable bit clear in the
 * configuration space the server reads, which would tell a driver that
 * reads it (edu's pci_info) it runs on INTx. Writing the bit as a guest's
 * QEMU does makes what the driver reads true; vfio-pci keeps it set while
 * the vectors are on. */
static void show_enabled(struct host *h, enum drv_irq_kind kind)
{
	unsigned id = kind == DRV_IRQ_MSI ? DRV_PCI_CAP_MSI : DRV_PCI_CAP_MSIX;
	uint32_t enable = kind == DRV_IRQ_MSI ? 0x0001 : 0x8000;
	struct drv_pci_cap cap = {0};
	if (!drv_pci_find_cap(drv_io_config(&h->config, 0), id, &cap))
		return;
	uint32_t control = drv_config_read(&h->config, cap.offset + 2, 2);
	if (!(control & enable))
		drv_config_write(&h->config, cap.offset + 2, 2, control | enable);
}

/* MSI or MSI-X: vectors 0..n-1 enabled at once (the device's table is
 * programmed by vfio-pci), each manifest vector with its eventfd, the
 * others with none. */
static int messages(struct host *h, enum drv_irq_kind kind)
{
	const struct drv_driver_desc *d = h->desc;
	unsigned index = kind == DRV_IRQ_MSI ? VFIO_PCI_MSI_IRQ_INDEX : VFIO_PCI_MSIX_IRQ_INDEX;
	const char *what = kind == DRV_IRQ_MSI ? "MSI" : "MSI-X";
	unsigned n = 0;
	for (unsigned i = 0; i < d->nirqs; i++)
		if (d->irqs[i].vector + 1 > n)
			n = d->irqs[i].vector + 1;
	struct vfio_irq_info info = {.argsz = sizeof info, .index = index};
	if (ioctl(h->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &info) < 0)
		info.count = 0;
	if (info.count < n) {
		HOST_LOG(h, "%s has %u %s vectors; the manifest needs %u", h->bdf, info.count,
			 what, n);
		return -ENXIO;
	}
	int *fds = malloc(n * sizeof *fds);
	if (!fds)
		return -ENOMEM;
	for (unsigned v = 0; v < n; v++)
		fds[v] = -1;
	int st = 0;
	for (unsigned i = 0; i < d->nirqs && !st; i++) {
		st = new_eventfd(h, &h->irqs[i].fd);
		if (!st)
			fds[d->irqs[i].vector] = h->irqs[i].fd;
	}
	if (!st)
		st = set_irqs(h, index, VFIO_IRQ_SET_ACTION_TRIGGER, 0, n, fds);
	free(fds);
	if (st) {
		HOST_LOG(h, "cannot enable %u %s vectors: %s", n, what, strerror(-st));
		for (unsigned i = 0; i < d->nirqs; i++)
			if (h->irqs[i].fd >= 0) {
				close(h->irqs[i].fd);
				h->irqs[i].fd = -1;
			}
		return st;
	}
	show_enabled(h, kind);
	for (unsigned i = 0; i < d->nirqs; i++)
		HOST_LOG(h, "irq %s: %s vector %u via VFIO", d->irqs[i].name, what,
			 d->irqs[i].vector);
	return 0;
}

/* vfio-pci's remove waits until the process lets the device go, and asks
 * it to through this eventfd: the server then stops (drv_host.c), and the
 * unplug goes on. Without it an unplug would wait for ever. */
static void vfio_unplug_request(struct host *h)
{
	if (new_eventfd(h, &h->unplug_fd))
		return;
	int st = set_irqs(h, VFIO_PCI_REQ_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1,
			  &h->unplug_fd);
	if (st) {
		HOST_LOG(h, "no unplug requests (VFIO_PCI_REQ_IRQ_INDEX): %s", strerror(-st));
		close(h->unplug_fd);
		h->unplug_fd = -1;
	}
}

static int vfio_irqs(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	vfio_unplug_request(h);
	if (!d->nirqs)
		return 0;
	for (unsigned i = 0; i < d->nirqs; i++)
		if (d->irqs[i].kind != d->irqs[0].kind || d->irqs[i].kind == DRV_IRQ_LINE) {
			HOST_LOG(h, "irq %s: a PCI device's interrupts are all INTx, MSI or MSI-X",
				 d->irqs[i].name);
			return -EINVAL;
		}
	if (d->irqs[0].kind == DRV_IRQ_INTX)
		return d->nirqs == 1 ? intx(h, &h->irqs[0]) : -EINVAL;
	int st = messages(h, d->irqs[0].kind);
	if (st && d->irqs[0].intx_fallback) {
		HOST_LOG(h, "irq %s: falling back to INTx, as the manifest allows%s", d->irqs[0].name,
			 d->nirqs > 1 ? " (every interrupt arrives as this one)" : "");
		st = intx(h, &h->irqs[0]);
	}
	return st;
}

/* ---- DMA through the IOMMU ---- */

/* The IOVA ranges the IOMMU can translate, less what is reserved (the MSI
 * window, say): the capability chain of VFIO_IOMMU_GET_INFO. Nothing goes
 * below 1 MiB, so that a device writing to a NULL-ish bus address faults
 * instead of hitting a buffer. */
static int iova_window(struct host *h)
{
	struct vfio_iommu_type1_info probe = {.argsz = sizeof probe};
	if (ioctl(h->container_fd, VFIO_IOMMU_GET_INFO, &probe) < 0)
		return -errno;
	uint32_t size = probe.argsz > sizeof probe ? probe.argsz : sizeof probe;
	struct vfio_iommu_type1_info *info = calloc(1, size);
	if (!info)
		return -ENOMEM;
	info->argsz = size;
	int st = ioctl(h->container_fd, VFIO_IOMMU_GET_INFO, info) < 0 ? -errno : 0;
	struct host_iova *v = &h->iova;
	uint32_t off = !st && (info->flags & VFIO_IOMMU_INFO_CAPS) ? info->cap_offset : 0;
	while (off && off + sizeof(struct vfio_info_cap_header) <= size) {
		struct vfio_info_cap_header *c = (void *)((uint8_t *)info + off);
		if (c->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *r = (void *)c;
			/* the kernel lists them in order */
			for (uint32_t i = 0; i < r->nr_iovas && v->nallowed < 8; i++) {
				uint64_t s = r->iova_ranges[i].start, e = r->iova_ranges[i].end;
				if (s < (1u << 20))
					s = 1u << 20;
				if (e > s)
					v->allowed[v->nallowed++] = (struct host_iova_range){s, e + 1};
			}
		}
		off = c->next;
	}
	free(info);
	if (!st && !v->nallowed) /* no list: the 39 bits every VT-d has */
		v->allowed[v->nallowed++] = (struct host_iova_range){1u << 20, 1ull << 39};
	return st;
}

/* First fit, lowest first: [start, start + size) below limit, inside an
 * allowed range, clear of every used one. */
static int iova_alloc(struct host_iova *v, uint64_t size, uint64_t limit, uint64_t *out)
{
	size_t i = 0; /* used[i] is the first used range at or after `at` */
	for (unsigned r = 0; r < v->nallowed; r++) {
		uint64_t at = v->allowed[r].start;
		uint64_t end = v->allowed[r].end < limit ? v->allowed[r].end : limit;
		while (i < v->nused && v->used[i].end <= at)
			i++;
		for (; at < end && end - at >= size; i++) {
			uint64_t gap_end = i < v->nused && v->used[i].start < end ? v->used[i].start : end;
			if (gap_end >= at && gap_end - at >= size)
				goto found;
			if (i >= v->nused)
				break;
			at = v->used[i].end;
		}
		continue;
found:
		if (v->nused == v->cap) {
			size_t cap = v->cap ? v->cap * 2 : 64;
			void *p = realloc(v->used, cap * sizeof *v->used);
			if (!p)
				return -ENOMEM;
			v->used = p;
			v->cap = cap;
		}
		memmove(&v->used[i + 1], &v->used[i], (v->nused - i) * sizeof *v->used);
		v->used[i] = (struct host_iova_range){at, at + size};
		v->nused++;
		*out = at;
		return 0;
	}
	return -ENOSPC;
}

static void iova_free(struct host_iova *v, uint64_t start)
{
	for (size_t i = 0; i < v->nused; i++)
		if (v->used[i].start == start) {
			memmove(&v->used[i], &v->used[i + 1], (v->nused - i - 1) * sizeof *v->used);
			v->nused--;
			return;
		}
}

static int map_range(struct host *h, void *cpu, uint64_t size, unsigned bits, uint64_t *bus)
{
	if (!h->iova.nallowed) {
		int st = iova_window(h);
		if (st) {
			HOST_LOG(h, "cannot read the IOMMU's address ranges: %s", strerror(-st));
			return st;
		}
	}
	uint64_t page = (uint64_t)h->page;
	size = (size + page - 1) & ~(page - 1);
	uint64_t limit = bits && bits < 64 ? 1ull << bits : UINT64_MAX;
	uint64_t iova;
	int st = iova_alloc(&h->iova, size, limit, &iova);
	if (st)
		return st;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof map,
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)cpu,
		.iova = iova,
		.size = size,
	};
	if (ioctl(h->container_fd, VFIO_IOMMU_MAP_DMA, &map) < 0) {
		st = -errno;
		iova_free(&h->iova, iova);
		return st;
	}
	*bus = iova;
	return 0;
}

static void unmap_range(struct host *h, uint64_t bus, uint64_t size)
{
	uint64_t page = (uint64_t)h->page;
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof unmap,
		.iova = bus,
		.size = (size + page - 1) & ~(page - 1),
	};
	if (ioctl(h->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
		HOST_LOG(h, "warning: cannot unmap IOVA 0x%" PRIx64 ": %s", bus, strerror(errno));
	iova_free(&h->iova, bus);
}

/* One segment, whatever the pages: the IOMMU makes them one range. */
static int vfio_dma_map(struct host *h, void *cpu, uint64_t size, unsigned bits,
			struct drv_dma_segment *seg, unsigned max)
{
	if (!max || size > UINT32_MAX)
		return -E2BIG;
	int st = map_range(h, cpu, size, bits, &seg[0].bus);
	if (st)
		return st;
	seg[0].len = (uint32_t)size;
	return 1;
}

static void vfio_dma_unmap(struct host *h, void *cpu, uint64_t size, uint64_t bus)
{
	(void)cpu;
	unmap_range(h, bus, size);
}

/* Any pages will do: the IOMMU makes them one range on the bus. */
static int vfio_dma_alloc(struct host *h, const struct drv_dma_desc *d, struct drv_dma_buffer *out)
{
	uint64_t page = (uint64_t)h->page;
	uint64_t size = (d->size + page - 1) & ~(page - 1);
	void *cpu = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cpu == MAP_FAILED)
		return -errno;
	int st = map_range(h, cpu, size, d->address_bits, &out->bus);
	if (st) {
		munmap(cpu, size);
		return st;
	}
	out->cpu = cpu;
	out->size = d->size;
	HOST_LOG(h, "dma %s: %" PRIu64 " bytes at IOVA 0x%" PRIx64 " (below 2^%u), IOMMU-mapped",
		 d->name, d->size, out->bus, d->address_bits ? d->address_bits : 64);
	return 0;
}

const struct host_bus host_vfio_bus = {
	.name = "vfio",
	.open = vfio_open,
	.bar = vfio_bar,
	.map = vfio_map,
	.irqs = vfio_irqs,
	.dma_map = vfio_dma_map,
	.dma_unmap = vfio_dma_unmap,
	.dma_alloc = vfio_dma_alloc,
};
