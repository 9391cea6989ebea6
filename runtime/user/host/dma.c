// SPDX-License-Identifier: MIT
/* dma.c - DMA for the userspace server, over VFIO or UIO (host_bus):
 * bus mastering, the manifest's coherent buffers, and streaming mappings
 * of clients' page buffers (drv_dma_map, drv_driver.h).
 *
 * A streaming capability owns `mappings` slots, each with room for
 * `segments` segments, allocated before the sandbox: mapping a client's
 * buffer on the message path allocates nothing. The bus maps whole pages;
 * the segments the driver sees are trimmed to the bytes it asked for.
 * x86 DMA is cache-coherent, so the syncs are ordering barriers only.
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum { PCI_COMMAND = 0x04, PCI_COMMAND_MASTER = 1u << 2 };

struct drv_dma_slot {
	struct drv_dma_stream *stream;
	struct drv_call *call; /* NULL: free */
	void *cpu;             /* the first mapped page */
	uint64_t size;         /* whole pages */
	uint64_t bus;          /* the first segment's bus address, before trimming */
	struct drv_dma_segment *seg;
};

struct drv_dma_stream {
	struct host *host;
	const struct drv_dma_desc *desc;
	unsigned nslots, max_segments;
	struct drv_dma_slot *slots;
	struct drv_dma_segment *segments; /* nslots * max_segments */
};

static int new_stream(struct host *h, const struct drv_dma_desc *d, struct drv_dma_stream **out)
{
	struct drv_dma_stream *s = calloc(1, sizeof *s);
	unsigned nslots = d->mappings ? d->mappings : 1;
	unsigned nseg = d->segments ? d->segments : 1;
	if (s) {
		s->slots = calloc(nslots, sizeof *s->slots);
		s->segments = calloc((size_t)nslots * nseg, sizeof *s->segments);
	}
	if (!s || !s->slots || !s->segments) {
		if (s) {
			free(s->slots);
			free(s->segments);
		}
		free(s);
		return -ENOMEM;
	}
	s->host = h;
	s->desc = d;
	s->nslots = nslots;
	s->max_segments = nseg;
	for (unsigned i = 0; i < nslots; i++) {
		s->slots[i].stream = s;
		s->slots[i].seg = &s->segments[(size_t)i * nseg];
	}
	*out = s;
	HOST_LOG(h, "dma %s: streaming, %u mappings of up to %u segments each, below 2^%u",
		 d->name, nslots, nseg, d->address_bits ? d->address_bits : 64);
	return 0;
}

int host_setup_dma(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	if (!d->ndma)
		return 0;
	if (!h->bus) {
		/* ISA DMA goes through the 8237 controller, which nobody grants */
		HOST_LOG(h, "dma needs a PCI device");
		return -EINVAL;
	}
	uint32_t cmd = drv_config_read(&h->config, PCI_COMMAND, 2);
	if (!(cmd & PCI_COMMAND_MASTER))
		drv_config_write(&h->config, PCI_COMMAND, 2, cmd | PCI_COMMAND_MASTER);
	if (!(drv_config_read(&h->config, PCI_COMMAND, 2) & PCI_COMMAND_MASTER)) {
		HOST_LOG(h, "cannot enable bus mastering");
		return -EIO;
	}
	HOST_LOG(h, "bus mastering enabled");
	for (unsigned i = 0; i < d->ndma; i++) {
		int st = d->dma[i].kind == DRV_DMA_STREAMING
				 ? new_stream(h, &d->dma[i], &h->streams[i])
				 : h->bus->dma_alloc(h, &d->dma[i], &h->res.dma[i]);
		if (st) {
			HOST_LOG(h, "dma %s: %s", d->dma[i].name, strerror(-st));
			return st;
		}
		h->res.streams[i] = h->streams[i];
	}
	return 0;
}

int drv_dma_map(struct drv_dma_stream *s, struct drv_call *call, unsigned cap, uint64_t offset,
		uint64_t len, enum drv_dma_dir dir, struct drv_dma_map *map)
{
	struct host *h = s->host;
	map->seg = NULL;
	map->nseg = 0;
	map->slot = NULL;
	if (!call || cap >= call->ncaps || call->caps[cap].kind != DRV_CAP_PAGES || !len ||
	    offset > call->caps[cap].pages.size || len > call->caps[cap].pages.size - offset ||
	    dir < DRV_DMA_TO_DEVICE || dir > DRV_DMA_BIDIRECTIONAL)
		return -EINVAL;
	struct drv_dma_slot *slot = NULL;
	for (unsigned i = 0; i < s->nslots && !slot; i++)
		if (!s->slots[i].call)
			slot = &s->slots[i];
	if (!slot)
		return -ENOSPC;
	uintptr_t page = (uintptr_t)h->page;
	uintptr_t first = (uintptr_t)call->caps[cap].pages.data + (uintptr_t)offset;
	uintptr_t start = first & ~(page - 1);
	uintptr_t end = (first + (uintptr_t)len + page - 1) & ~(page - 1);
	int n = h->bus->dma_map(h, (void *)start, end - start, s->desc->address_bits, slot->seg,
				s->max_segments);
	if (n < 0)
		return n == -E2BIG ? -EINVAL : n;
	slot->call = call;
	slot->cpu = (void *)start;
	slot->size = end - start;
	slot->bus = slot->seg[0].bus;
	/* the driver's view: from its first byte to its last */
	uint32_t head = (uint32_t)(first - start);
	uint32_t tail = (uint32_t)(end - (first + (uintptr_t)len));
	slot->seg[0].bus += head;
	slot->seg[0].len -= head;
	slot->seg[n - 1].len -= tail;
	map->seg = slot->seg;
	map->nseg = (unsigned)n;
	map->slot = slot;
	return 0;
}

void drv_dma_unmap(struct drv_dma_map *map)
{
	struct drv_dma_slot *slot = map->slot;
	if (!slot || !slot->call)
		return;
	struct host *h = slot->stream->host;
	h->bus->dma_unmap(h, slot->cpu, slot->size, slot->bus);
	slot->call = NULL;
	map->slot = NULL;
	map->seg = NULL;
	map->nseg = 0;
}

/* What the runtime owes a driver that forgot: the mappings of an answered
 * call go with it. */
void host_dma_release_call(struct host *h, const struct drv_call *call)
{
	for (unsigned i = 0; i < h->desc->ndma; i++) {
		struct drv_dma_stream *s = h->streams[i];
		for (unsigned k = 0; s && k < s->nslots; k++)
			if (s->slots[k].call == call) {
				struct drv_dma_map map = {.slot = &s->slots[k]};
				drv_dma_unmap(&map);
			}
	}
}

void drv_dma_sync_for_cpu(struct drv_dma_map *map)
{
	(void)map;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void drv_dma_sync_for_device(struct drv_dma_map *map)
{
	(void)map;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
