/* SPDX-License-Identifier: MIT */
/* drv_sim.h - a simulated bus for host tests of drivers.
 *
 * A test maps a device model (C callbacks) as a register block; the
 * generated accessors, compiled against runtime/sim/drv_io.h, drive it
 * unchanged. Every access can be recorded and decoded to block, register,
 * field and value, as text or JSON lines, so a test can assert the exact
 * sequence a driver performs.
 *
 *	struct drv_sim *sim = drv_sim_new();
 *	struct drv_io io = drv_sim_map(sim, &edu_bar0_desc, edu_model_ops(&model));
 *	struct edu_bar0 h = edu_bar0_at(io);
 *	drv_sim_record(sim, true);
 *	edu_liveness_write(h, 0x1234);
 *	drv_sim_format_text(drv_sim_trace_at(sim, 0), line, sizeof line);
 *	   -> "W edu.bar0 liveness <- 0x00001234"
 */
#ifndef DRV_SIM_H
#define DRV_SIM_H

#include "drv_desc.h"
#include "drv_driver.h"
#include "drv_io.h"

#include <stdio.h>

struct drv_sim_model {
	uint64_t (*read)(void *ctx, uint64_t offset, unsigned bytes);
	void (*write)(void *ctx, uint64_t offset, unsigned bytes, uint64_t value);
	void *ctx;
};

enum { DRV_SIM_MAX_DIMS = 4 };

/* One recorded access, decoded when the window has a description. */
struct drv_sim_access {
	bool write;
	const struct drv_sim_window *window;
	uint64_t offset; /* from the start of the window */
	uint64_t instance; /* of a block that repeats, else 0 */
	unsigned bytes;
	uint64_t value;
	const struct drv_desc_reg *reg; /* NULL: no register of this size there */
	uint64_t index[DRV_SIM_MAX_DIMS];
};

struct drv_sim;

struct drv_sim *drv_sim_new(void);
void drv_sim_free(struct drv_sim *sim);

/* Maps a model as one block; desc (from a generated <device>_regs_desc.c)
 * may be NULL, in which case the trace shows raw offsets. */
struct drv_io drv_sim_map(struct drv_sim *sim, const struct drv_desc_block *desc,
			  struct drv_sim_model model);

/* The bank a model has switched in (e.g. "dlab" while a 16550's LCR.DLAB is
 * set), so shared offsets decode to the register actually reached. */
void drv_sim_set_bank(struct drv_io io, const char *bank);

/* Keep accesses in memory (off by default) and/or stream them as they
 * happen to text and JSON-lines files (either may be NULL). */
void drv_sim_record(struct drv_sim *sim, bool on);
void drv_sim_trace_to(struct drv_sim *sim, FILE *text, FILE *jsonl);
size_t drv_sim_trace_len(const struct drv_sim *sim);
const struct drv_sim_access *drv_sim_trace_at(const struct drv_sim *sim, size_t i);
void drv_sim_trace_clear(struct drv_sim *sim);

/* "R edu.bar0 status -> 0x00000001 {computing=1 irq_enable=0}" */
void drv_sim_format_text(const struct drv_sim_access *a, char *buf, size_t len);
/* {"op":"read","block":"edu.bar0","offset":32,"bytes":4,"value":1,
 *  "register":"status","fields":{"computing":1,"irq_enable":0}} */
void drv_sim_format_json(const struct drv_sim_access *a, char *buf, size_t len);


/* ---- timers (drv_driver.h's drv_timer_arm, on the host) ----
 * A host test plays the runtime: it makes the driver's timers, and decides
 * when time has passed, by running the timer hook for each one
 * drv_sim_timer_expire says is due. There is no clock: "due" is armed. */
struct drv_timer;

struct drv_timer *drv_sim_timer_new(void);
void drv_sim_timer_free(struct drv_timer *t);
bool drv_sim_timer_armed(const struct drv_timer *t);
/* The interval it was last armed with, in nanoseconds. */
uint64_t drv_sim_timer_interval(const struct drv_timer *t);
/* One expiry: true if it was armed (then the caller runs the hook); a
 * one-shot timer is disarmed by it, a periodic one stays armed. */
bool drv_sim_timer_expire(struct drv_timer *t);

/* ---- DMA (drv_driver.h's streaming maps, on the host) ----
 * A DMA address space as an IOMMU makes one: host memory is reachable by
 * a device model only at the bus addresses mapped to it, and only in the
 * direction mapped. The test maps its coherent buffers (drv_sim_dma_add);
 * the driver maps clients' page buffers through the streaming
 * capabilities the test makes (drv_sim_stream_new, the runtime's part:
 * drv_dma_map and drv_dma_unmap are defined here). A model moves bytes
 * with drv_sim_dma_read and _write, which refuse, and count, an access
 * outside a mapping or against its direction: what would be an IOMMU
 * fault. Bus addresses start above 4 GiB, and separate mappings are never
 * adjacent, so a truncated address or a run across two segments faults. */
struct drv_sim_dma;
struct drv_sim_dma *drv_sim_dma_new(void);
void drv_sim_dma_free(struct drv_sim_dma *dma);
/* Maps len bytes at cpu for the device in dir; their bus address. */
uint64_t drv_sim_dma_add(struct drv_sim_dma *dma, void *cpu, uint64_t len, enum drv_dma_dir dir);
/* Accesses of the device: true, or false (a fault, counted) and nothing moved. */
bool drv_sim_dma_read(struct drv_sim_dma *dma, uint64_t bus, void *dst, uint64_t len);
bool drv_sim_dma_write(struct drv_sim_dma *dma, uint64_t bus, const void *src, uint64_t len);
unsigned drv_sim_dma_faults(const struct drv_sim_dma *dma);

/* A streaming capability of `mappings` mappings of up to `segments`
 * segments: a buffer is mapped in pieces at every `chunk`-aligned host
 * address (pages that are not contiguous on the bus), or whole if chunk
 * is 0 (what an IOMMU's one range makes). */
struct drv_dma_stream *drv_sim_stream_new(struct drv_sim_dma *dma, unsigned mappings,
					  unsigned segments, uint64_t chunk);
void drv_sim_stream_free(struct drv_dma_stream *s);
/* Mappings held now, and made in all. */
unsigned drv_sim_stream_mapped(const struct drv_dma_stream *s);
unsigned drv_sim_stream_maps(const struct drv_dma_stream *s);

#endif
