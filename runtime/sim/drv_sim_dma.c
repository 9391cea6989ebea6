// SPDX-License-Identifier: MIT
/* drv_sim_dma.c - DMA on the simulated bus (drv_sim.h): an address space of
 * mappings a device model reaches memory through, and the streaming
 * capabilities (drv_dma_map, drv_driver.h) a host test gives a driver. */
#include "drv_sim.h"

#include <stdlib.h>
#include <string.h>

#define BUS_BASE 0x100000000ull /* above 4 GiB: a truncated address faults */
#define BUS_GAP 0x10000u	/* between mappings: none is adjacent to another */

struct window {
	uint64_t bus, len;
	uint8_t *cpu;
	enum drv_dma_dir dir;
};

struct drv_sim_dma {
	struct window *w;
	size_t n, cap;
	uint64_t next_bus;
	unsigned faults;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();
	return p;
}

struct drv_sim_dma *drv_sim_dma_new(void)
{
	struct drv_sim_dma *d = xcalloc(1, sizeof *d);
	d->next_bus = BUS_BASE;
	return d;
}

void drv_sim_dma_free(struct drv_sim_dma *d)
{
	if (!d)
		return;
	free(d->w);
	free(d);
}

uint64_t drv_sim_dma_add(struct drv_sim_dma *d, void *cpu, uint64_t len, enum drv_dma_dir dir)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->w = realloc(d->w, d->cap * sizeof *d->w);
		if (!d->w)
			abort();
	}
	uint64_t bus = d->next_bus;
	d->next_bus = (bus + len + BUS_GAP + 0xfff) & ~0xfffull;
	d->w[d->n++] = (struct window){bus, len, cpu, dir};
	return bus;
}

static void remove_window(struct drv_sim_dma *d, uint64_t bus)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->w[i].bus == bus) {
			d->w[i] = d->w[--d->n];
			return;
		}
}

/* The host bytes of [bus, bus + len) if one mapping holds all of them in
 * a direction that allows `dir`; else a fault. */
static uint8_t *reach(struct drv_sim_dma *d, uint64_t bus, uint64_t len, enum drv_dma_dir dir)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct window *w = &d->w[i];
		if (bus >= w->bus && bus - w->bus <= w->len && len <= w->len - (bus - w->bus))
			return (w->dir & dir) ? w->cpu + (bus - w->bus) : NULL;
	}
	return NULL;
}

bool drv_sim_dma_read(struct drv_sim_dma *d, uint64_t bus, void *dst, uint64_t len)
{
	uint8_t *p = reach(d, bus, len, DRV_DMA_TO_DEVICE);
	if (!p) {
		d->faults++;
		return false;
	}
	memcpy(dst, p, len);
	return true;
}

bool drv_sim_dma_write(struct drv_sim_dma *d, uint64_t bus, const void *src, uint64_t len)
{
	uint8_t *p = reach(d, bus, len, DRV_DMA_FROM_DEVICE);
	if (!p) {
		d->faults++;
		return false;
	}
	memcpy(p, src, len);
	return true;
}

unsigned drv_sim_dma_faults(const struct drv_sim_dma *d)
{
	return d->faults;
}

/* ---- streaming capabilities ---- */

struct drv_dma_slot {
	struct drv_dma_stream *stream;
	bool used;
	struct drv_dma_segment *seg;
	unsigned nseg;
};

struct drv_dma_stream {
	struct drv_sim_dma *dma;
	unsigned nslots, max_segments, maps;
	uint64_t chunk;
	struct drv_dma_slot *slots;
	struct drv_dma_segment *segments;
};

struct drv_dma_stream *drv_sim_stream_new(struct drv_sim_dma *dma, unsigned mappings,
					  unsigned segments, uint64_t chunk)
{
	struct drv_dma_stream *s = xcalloc(1, sizeof *s);
	s->dma = dma;
	s->nslots = mappings;
	s->max_segments = segments;
	s->chunk = chunk;
	s->slots = xcalloc(mappings, sizeof *s->slots);
	s->segments = xcalloc((size_t)mappings * segments, sizeof *s->segments);
	for (unsigned i = 0; i < mappings; i++) {
		s->slots[i].stream = s;
		s->slots[i].seg = &s->segments[(size_t)i * segments];
	}
	return s;
}

void drv_sim_stream_free(struct drv_dma_stream *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s->segments);
	free(s);
}

unsigned drv_sim_stream_mapped(const struct drv_dma_stream *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->nslots; i++)
		n += s->slots[i].used;
	return n;
}

unsigned drv_sim_stream_maps(const struct drv_dma_stream *s)
{
	return s->maps;
}

static void release(struct drv_dma_slot *slot)
{
	for (unsigned i = 0; i < slot->nseg; i++)
		remove_window(slot->stream->dma, slot->seg[i].bus);
	slot->nseg = 0;
	slot->used = false;
}

/* As the runtimes' (runtime/user/host/dma.c): the same refusals. */
int drv_dma_map(struct drv_dma_stream *s, struct drv_call *call, unsigned cap, uint64_t offset,
		uint64_t len, enum drv_dma_dir dir, struct drv_dma_map *map)
{
	map->seg = NULL;
	map->nseg = 0;
	map->slot = NULL;
	if (!drv_dma_map_ok(call, cap, offset, len, dir))
		return -EINVAL;
	struct drv_dma_slot *slot = NULL;
	for (unsigned i = 0; i < s->nslots && !slot; i++)
		if (!s->slots[i].used)
			slot = &s->slots[i];
	if (!slot)
		return -ENOSPC;
	slot->used = true;
	uint8_t *p = (uint8_t *)call->caps[cap].pages.data + offset;
	while (len) {
		uint64_t piece = len;
		if (s->chunk) {
			uint64_t room = s->chunk - (uint64_t)(uintptr_t)p % s->chunk;
			piece = piece < room ? piece : room;
		}
		if (slot->nseg == s->max_segments || piece > UINT32_MAX) {
			release(slot);
			return -EINVAL;
		}
		slot->seg[slot->nseg].bus = drv_sim_dma_add(s->dma, p, piece, dir);
		slot->seg[slot->nseg].len = (uint32_t)piece;
		slot->nseg++;
		p += piece;
		len -= piece;
	}
	s->maps++;
	map->seg = slot->seg;
	map->nseg = slot->nseg;
	map->slot = slot;
	return 0;
}

void drv_dma_unmap(struct drv_dma_map *map)
{
	if (!map->slot || !map->slot->used)
		return;
	release(map->slot);
	map->slot = NULL;
	map->seg = NULL;
	map->nseg = 0;
}

void drv_dma_sync_for_cpu(struct drv_dma_map *map)
{
	(void)map;
}

void drv_dma_sync_for_device(struct drv_dma_map *map)
{
	(void)map;
}
