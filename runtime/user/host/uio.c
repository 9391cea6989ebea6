// SPDX-License-Identifier: MIT
/* uio.c - the device without an IOMMU: uio_pci_generic, sysfs, pinned pages.
 *
 * On a machine with no IOMMU (or with --uio) VFIO cannot isolate the
 * device, so the server takes the older road: uio_pci_generic enables the
 * device and hands its INTx line to userspace as /dev/uioN, BARs are mapped
 * through sysfs resourceN, configuration space is the sysfs config file,
 * and DMA goes to pages the server locks in memory and whose physical
 * addresses it reads from /proc/self/pagemap (without an IOMMU, the bus
 * address is the physical address). There is no MSI this way: a driver
 * whose manifest asks for MSI without an INTx fallback cannot run.
 *
 * The trade-off, in docs/drivers.md: a device that can DMA is trusted with
 * all of memory, which the sandbox cannot guard.
 */
#define _GNU_SOURCE
#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define UIO_DRIVER "uio_pci_generic"

/* The pagemap entry of a page (Documentation/admin-guide/mm/pagemap.rst). */
#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_PFN_MASK ((1ull << 55) - 1)

/* How much memory the DMA allocator may hold at once while it looks for
 * pages the device can reach (see uio_dma_alloc). */
#define DMA_POOL_LIMIT (256ull << 20)

static int uio_open(struct host *h)
{
	char path[128];
	int st = host_bind_driver(h, UIO_DRIVER);
	if (st)
		return st;
	host_dev_path(h, path, sizeof path, "config");
	h->config.fd = open(path, O_RDWR | O_CLOEXEC);
	if (h->config.fd < 0) {
		int err = errno;
		HOST_LOG(h, "cannot open %s: %s", path, strerror(err));
		return -err;
	}
	h->config.region = 0;
	st = host_fd_to_top(h, &h->config.fd);
	if (st)
		return st;
	/* Root reads frame numbers from pagemap; the descriptor keeps that
	 * right after the capabilities go, for streaming DMA. */
	h->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (h->pagemap_fd < 0) {
		int err = errno;
		HOST_LOG(h, "cannot open /proc/self/pagemap: %s", strerror(err));
		return -err;
	}
	HOST_LOG(h, "%s: UIO (" UIO_DRIVER "), no IOMMU isolation", h->bdf);
	return 0;
}

/* Maps the range, and no more of the BAR than the pages it covers: the rest
 * is not the driver's. sysfs mappings of a BAR are uncached. */
static int uio_map(struct host *h, unsigned bar, uint64_t offset, uint64_t size, void **out)
{
	char path[128];
	uint64_t page = (uint64_t)h->page;
	uint64_t first = offset & ~(page - 1);
	uint64_t end = (offset + size + page - 1) & ~(page - 1);
	host_dev_path(h, path, sizeof path, "resource%u", bar);
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	void *map = mmap(NULL, end - first, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)first);
	int err = errno;
	close(fd); /* the mapping keeps the BAR */
	if (map == MAP_FAILED)
		return -err;
	*out = (uint8_t *)map + (offset - first);
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
		HOST_LOG(h, "cannot open %s: %s", path, strerror(err));
		return -err;
	}
	return 0;
}

/* The UIO device uio_pci_generic made for the PCI device: <device>/uio/uioN. */
static int pci_uio(struct host *h, struct host_irq *q)
{
	char path[128];
	uint32_t line = 0;
	host_dev_path(h, path, sizeof path, "irq");
	/* uio_pci_generic binds a device without a line too, whose uio fd
	 * would then never become readable */
	if (host_read_number(path, 10, &line) || !line) {
		HOST_LOG(h, "%s has no INTx line", h->bdf);
		return -ENXIO;
	}
	host_dev_path(h, path, sizeof path, "uio");
	DIR *dir = opendir(path);
	if (!dir) {
		int err = errno;
		HOST_LOG(h, "%s has no UIO device: %s", h->bdf, strerror(err));
		return -err;
	}
	struct dirent *e;
	char uio[32] = "";
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, "uio", 3) && strlen(e->d_name) < sizeof uio)
			strcpy(uio, e->d_name);
	closedir(dir);
	if (!uio[0]) {
		HOST_LOG(h, "%s has no UIO device", h->bdf);
		return -ENOENT;
	}
	int st = open_uio(h, uio, q);
	q->uio_intx = true;
	if (!st)
		HOST_LOG(h, "irq %s: INTx via /dev/%s", h->desc->irqs[q->index].name, uio);
	return st;
}

/* An ISA line through the drv_uio_irq module (runtime/kmod/drv_uio_irq.c),
 * loaded with line=N: its UIO device is named "drvgen-irq<N>". */
int host_uio_line(struct host *h, struct host_irq *q)
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
		if (!host_read_text(path, name, sizeof name) && !strcmp(name, want)) {
			st = open_uio(h, e->d_name, q);
			/* the line is the ISA device's identity, as a BDF is a PCI one's */
			if (!st)
				st = host_lock(h, q->fd, want);
		}
	}
	if (dir)
		closedir(dir);
	q->uio_line = true;
	if (st == -ENOENT)
		HOST_LOG(h, "irq %s: no UIO device %s (insmod drv_uio_irq.ko line=%u)",
			 h->desc->irqs[q->index].name, want, line);
	else if (!st)
		HOST_LOG(h, "irq %s: line %u via %s", h->desc->irqs[q->index].name, line, want);
	return st;
}

/* uio_pci_generic gives the INTx line only: a driver with message
 * interrupts runs here only if they may fall back to INTx (all of them,
 * drvgen check makes sure), and then the line arrives as irqs[0]. */
static int uio_irqs(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	if (!d->nirqs)
		return 0;
	const struct drv_irq_desc *q = &d->irqs[0];
	bool message = q->kind == DRV_IRQ_MSI || q->kind == DRV_IRQ_MSIX;
	if ((message && !q->intx_fallback) || (!message && d->nirqs != 1)) {
		HOST_LOG(h, "irq %s: %s needs VFIO (an IOMMU: boot with intel_iommu=on, and do "
			    "not pass --uio)",
			 q->name, q->kind == DRV_IRQ_MSIX ? "MSI-X" : q->kind == DRV_IRQ_MSI ? "MSI" : "more than one interrupt");
		return -EOPNOTSUPP;
	}
	if (message)
		HOST_LOG(h, "irq %s: no MSI without VFIO; falling back to INTx, as the manifest allows%s",
			 q->name, d->nirqs > 1 ? " (every interrupt arrives as this one)" : "");
	return pci_uio(h, &h->irqs[0]);
}

/* ---- DMA into pinned pages ---- */

/*
 * Without an IOMMU the bus address is the physical address, so the server
 * takes ordinary pages, locks them in memory and asks /proc/self/pagemap
 * where they are. The kernel must not move the pages while the device uses
 * them: mlock keeps them resident, transparent huge pages are refused for
 * the range (khugepaged would copy them into a huge page), and compaction,
 * which migrates even locked pages, is told to leave unevictable pages
 * alone (vm.compact_unevictable_allowed, set by uio_dma_alloc).
 *
 * A coherent buffer must be contiguous and below 2^address_bits (edu
 * reaches 28 bits, and a fresh page in a 512 MiB guest is typically near
 * the top of memory). So the allocator locks a pool of pages, looks for a
 * run of consecutive frames low enough, and moves those pages (mremap moves
 * page table entries, not data) into one virtual range in frame order. If
 * the pool has no such run it keeps it (so the next pool gets other frames)
 * and tries a pool twice as big, up to DMA_POOL_LIMIT.
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
static int read_frames(struct host *h, void *addr, size_t n, uint64_t *pfn)
{
	off_t off = (off_t)((uintptr_t)addr / (uintptr_t)h->page * sizeof(uint64_t));
	ssize_t len = pread(h->pagemap_fd, pfn, n * sizeof *pfn, off);
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
static void *lock_pool(struct host *h, size_t n, uint64_t *pfn, int *err)
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
	*err = mlock(p, len) < 0 ? -errno : read_frames(h, p, n, pfn);
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
static void *try_pool(struct host *h, size_t pool, size_t npages, uint64_t limit, void **held,
		      int *err)
{
	uint64_t *pfn = malloc(pool * sizeof *pfn);
	struct frame *f = malloc(pool * sizeof *f);
	void *buf = NULL;
	*held = NULL;
	*err = -ENOMEM;
	if (pfn && f)
		*held = lock_pool(h, pool, pfn, err);
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

static void keep_locked_pages_in_place(struct host *h)
{
	static bool done;
	char cur[8];
	const char *knob = "/proc/sys/vm/compact_unevictable_allowed";
	if (done || host_read_text(knob, cur, sizeof cur) || !strcmp(cur, "0"))
		return;
	done = true;
	if (host_write_text(knob, "0"))
		HOST_LOG(h, "warning: cannot stop compaction from moving locked pages (%s)", knob);
	else
		HOST_LOG(h, "vm.compact_unevictable_allowed=0: compaction leaves locked pages alone");
}

static int uio_dma_alloc(struct host *h, const struct drv_dma_desc *dd, struct drv_dma_buffer *out)
{
	keep_locked_pages_in_place(h);
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
		buf = try_pool(h, pool, npages, limit, &held[nheld], &st);
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
			HOST_LOG(h, "dma %s: cannot lock memory to look in: %s", dd->name,
				 strerror(-st));
		else
			HOST_LOG(h, "dma %s: no %zu contiguous pages below 2^%u in %zu MiB of memory",
				 dd->name, npages, dd->address_bits, total * page >> 20);
		return st ? st : -ENOSPC;
	}
	/* Check what the device will be told, from the moved pages themselves. */
	uint64_t *pfn = malloc(npages * sizeof *pfn);
	st = pfn ? read_frames(h, buf, npages, pfn) : -ENOMEM;
	for (size_t k = 1; !st && k < npages; k++)
		if (pfn[k] != pfn[0] + k)
			st = -EFAULT;
	if (!st && pfn[0] + npages > limit)
		st = -EFAULT;
	if (st) {
		free(pfn);
		munmap(buf, npages * page);
		HOST_LOG(h, "dma %s: the buffer is not where it was found: %s", dd->name,
			 strerror(-st));
		return st;
	}
	out->cpu = buf;
	out->bus = pfn[0] * page;
	out->size = dd->size;
	free(pfn);
	HOST_LOG(h, "dma %s: %" PRIu64 " bytes at bus 0x%" PRIx64 " (below 2^%u), pinned pages",
		 dd->name, dd->size, out->bus, dd->address_bits);
	return 0;
}

/* A client's buffer: its pages locked where they are, each frame a
 * segment, neighbours merged. */
static int uio_dma_map(struct host *h, void *cpu, uint64_t size, unsigned bits,
		       struct drv_dma_segment *seg, unsigned max)
{
	keep_locked_pages_in_place(h);
	size_t page = (size_t)h->page;
	size_t npages = (size_t)((size + page - 1) / page);
	uint64_t limit = bits && bits < 64 ? 1ull << bits : UINT64_MAX;
	uint64_t *pfn = malloc(npages * sizeof *pfn);
	if (!pfn)
		return -ENOMEM;
	int st = mlock(cpu, npages * page) < 0 ? -errno : read_frames(h, cpu, npages, pfn);
	unsigned n = 0;
	for (size_t k = 0; !st && k < npages; k++) {
		uint64_t bus = pfn[k] * page;
		if (bus + page > limit)
			st = -ENOSPC;
		else if (n && seg[n - 1].bus + seg[n - 1].len == bus && seg[n - 1].len < (1u << 31))
			seg[n - 1].len += (uint32_t)page;
		else if (n == max)
			st = -E2BIG;
		else
			seg[n++] = (struct drv_dma_segment){bus, (uint32_t)page};
	}
	free(pfn);
	if (st) {
		munlock(cpu, npages * page);
		return st;
	}
	return (int)n;
}

static void uio_dma_unmap(struct host *h, void *cpu, uint64_t size, uint64_t bus)
{
	(void)h;
	(void)bus;
	munlock(cpu, size);
}

const struct host_bus host_uio_bus = {
	.name = "uio",
	.open = uio_open,
	.bar = host_sysfs_bar,
	.map = uio_map,
	.irqs = uio_irqs,
	.dma_map = uio_dma_map,
	.dma_unmap = uio_dma_unmap,
	.dma_alloc = uio_dma_alloc,
};
