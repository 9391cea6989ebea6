/* SPDX-License-Identifier: MIT */
/* drv_io.h (sim) - register access on the simulated bus of runtime/sim.
 *
 * Every access becomes a call into a device model written in C, and may be
 * recorded in a trace decoded to register and field names (drv_sim.h).
 * MMIO, port I/O and configuration space are alike here: each is a window
 * on the bus that a model answers.
 */
#ifndef DRV_IO_H
#define DRV_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct drv_sim_window;

struct drv_io {
	struct drv_sim_window *window; /* a block mapped on the bus */
	uint64_t base;                 /* offset of this handle in the window */
};

uint64_t drv_sim_read(struct drv_sim_window *w, uint64_t off, unsigned bytes);
void drv_sim_write(struct drv_sim_window *w, uint64_t off, unsigned bytes, uint64_t v);

static inline struct drv_io drv_io_offset(struct drv_io io, uint64_t off)
{
	io.base += off;
	return io;
}

/* Every space is a window of the bus here. */
#define drv_io_offset_mmio drv_io_offset
#define drv_io_offset_pio drv_io_offset
#define drv_io_offset_cfg drv_io_offset

#define DRV_SIM_ACCESS(kind, bits)                                                        \
	static inline uint##bits##_t drv_##kind##_read##bits(struct drv_io io, uint64_t off) \
	{                                                                                 \
		return (uint##bits##_t)drv_sim_read(io.window, io.base + off, bits / 8);   \
	}                                                                                 \
	static inline void drv_##kind##_write##bits(struct drv_io io, uint64_t off,      \
						    uint##bits##_t v)                     \
	{                                                                                 \
		drv_sim_write(io.window, io.base + off, bits / 8, v);                     \
	}
/* The bus is ordered: relaxed accesses are the same calls. */
static inline void drv_barrier(void)
{
}
#define drv_update_barrier drv_barrier

/* Ordering of DMA memory (docs/drivers.md, "The rules"): drv_dma_wmb
 * before the write that hands the device what earlier writes prepared (a
 * ring's index after its descriptors), drv_dma_rmb after the read that
 * says the device is done and before reading what it wrote, drv_mb where
 * a write must be seen before a later read (an event index, then the
 * ring). On the host they are the userspace runtime's. */
static inline void drv_dma_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void drv_dma_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static inline void drv_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#define DRV_SIM_RELAXED(kind, bits)                                                       \
	static inline uint##bits##_t drv_##kind##_read##bits##_relaxed(struct drv_io io,   \
								       uint64_t off)      \
	{                                                                                 \
		return drv_##kind##_read##bits(io, off);                                  \
	}                                                                                 \
	static inline void drv_##kind##_write##bits##_relaxed(struct drv_io io, uint64_t off, \
							      uint##bits##_t v)           \
	{                                                                                 \
		drv_##kind##_write##bits(io, off, v);                                     \
	}

DRV_SIM_ACCESS(mmio, 8)
DRV_SIM_ACCESS(mmio, 16)
DRV_SIM_ACCESS(mmio, 32)
DRV_SIM_ACCESS(mmio, 64)
DRV_SIM_ACCESS(pio, 8)
DRV_SIM_ACCESS(pio, 16)
DRV_SIM_ACCESS(pio, 32)
DRV_SIM_ACCESS(cfg, 8)
DRV_SIM_ACCESS(cfg, 16)
DRV_SIM_ACCESS(cfg, 32)
DRV_SIM_RELAXED(mmio, 8)
DRV_SIM_RELAXED(mmio, 16)
DRV_SIM_RELAXED(mmio, 32)
DRV_SIM_RELAXED(mmio, 64)
DRV_SIM_RELAXED(pio, 8)
DRV_SIM_RELAXED(pio, 16)
DRV_SIM_RELAXED(pio, 32)
DRV_SIM_RELAXED(cfg, 8)
DRV_SIM_RELAXED(cfg, 16)
DRV_SIM_RELAXED(cfg, 32)
#undef DRV_SIM_ACCESS
#undef DRV_SIM_RELAXED

__attribute__((noreturn, cold)) static inline void drv_index_fault(const char *where,
								    unsigned long i)
{
	fprintf(stderr, "drvgen: %s: register index %lu is out of range\n", where, i);
	abort();
}

#endif
