/* SPDX-License-Identifier: MIT */
/* drv_io.h (user) - register access for a Linux userspace driver server.
 *
 * MMIO is a volatile access to a mapping of the BAR (sysfs resourceN or
 * VFIO); port I/O is the x86 in/out instructions, after ioperm() granted the
 * manifest's ranges. As in Linux's x86 readl/writel, a compiler barrier keeps
 * ordinary memory accesses (a DMA descriptor, say) on their side of the
 * register access; x86 orders uncached accesses itself, so no fence
 * instruction is needed and an accessor is exactly one load or store. Other
 * architectures would need a real fence here.
 */
#ifndef DRV_IO_H
#define DRV_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The server's view of the device's configuration space (runtime/user/host). */
struct drv_config_space;

struct drv_io {
	volatile uint8_t *base; /* MMIO: the mapping */
	uint16_t port;          /* port I/O: the first port; config space: the first byte */
	const struct drv_config_space *config; /* config space: the device's */
};

static inline struct drv_io drv_io_mmio(volatile void *base)
{
	struct drv_io io = {(volatile uint8_t *)base, 0, NULL};
	return io;
}

static inline struct drv_io drv_io_pio(uint16_t port)
{
	struct drv_io io = {NULL, port, NULL};
	return io;
}

static inline struct drv_io drv_io_config(const struct drv_config_space *config, uint16_t offset)
{
	struct drv_io io = {NULL, offset, config};
	return io;
}

static inline struct drv_io drv_io_offset(struct drv_io io, uint64_t off)
{
	if (io.base)
		io.base += off;
	else
		io.port = (uint16_t)(io.port + off);
	return io;
}

/* The same where the space is known, as for a generated group or block
 * handle: one addition, no test of which part the handle uses. */
static inline struct drv_io drv_io_offset_mmio(struct drv_io io, uint64_t off)
{
	io.base += off;
	return io;
}

static inline struct drv_io drv_io_offset_pio(struct drv_io io, uint64_t off)
{
	io.port = (uint16_t)(io.port + off);
	return io;
}
#define drv_io_offset_cfg drv_io_offset_pio

/* Orders ordinary memory accesses around a register access. */
static inline void drv_barrier(void)
{
	__asm__ __volatile__("" ::: "memory");
}

/* Ordering of DMA memory (docs/drivers.md, "The rules"): drv_dma_wmb
 * before the write that hands the device what earlier writes prepared (a
 * ring's index after its descriptors), drv_dma_rmb after the read that
 * says the device is done and before reading what it wrote, drv_mb where
 * a write must be seen before a later read (an event index, then the
 * ring). x86 orders stores with stores and loads with loads, so the first
 * two stop the compiler; a store then a load needs mfence. */
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

/* The _relaxed forms are the bare access; a read-modify-write brackets its
 * two with one barrier each side (drv_regs.h), as nothing needs ordering
 * between them. */
#define drv_update_barrier drv_barrier
#define DRV_MMIO(bits)                                                                    \
	static inline uint##bits##_t drv_mmio_read##bits##_relaxed(struct drv_io io,      \
								   uint64_t off)          \
	{                                                                                 \
		return *(volatile uint##bits##_t *)(io.base + off);                       \
	}                                                                                 \
	static inline void drv_mmio_write##bits##_relaxed(struct drv_io io, uint64_t off, \
							  uint##bits##_t v)               \
	{                                                                                 \
		*(volatile uint##bits##_t *)(io.base + off) = v;                          \
	}                                                                                 \
	static inline uint##bits##_t drv_mmio_read##bits(struct drv_io io, uint64_t off)  \
	{                                                                                 \
		uint##bits##_t v = drv_mmio_read##bits##_relaxed(io, off);               \
		drv_barrier();                                                            \
		return v;                                                                 \
	}                                                                                 \
	static inline void drv_mmio_write##bits(struct drv_io io, uint64_t off,          \
						uint##bits##_t v)                         \
	{                                                                                 \
		drv_barrier();                                                            \
		drv_mmio_write##bits##_relaxed(io, off, v);                               \
	}
DRV_MMIO(8)
DRV_MMIO(16)
DRV_MMIO(32)
DRV_MMIO(64)
#undef DRV_MMIO

static inline uint8_t drv_pio_read8(struct drv_io io, uint64_t off)
{
	uint8_t v;
	__asm__ __volatile__("inb %w1, %b0" : "=a"(v) : "Nd"((uint16_t)(io.port + off)) : "memory");
	return v;
}

static inline uint16_t drv_pio_read16(struct drv_io io, uint64_t off)
{
	uint16_t v;
	__asm__ __volatile__("inw %w1, %w0" : "=a"(v) : "Nd"((uint16_t)(io.port + off)) : "memory");
	return v;
}

static inline uint32_t drv_pio_read32(struct drv_io io, uint64_t off)
{
	uint32_t v;
	__asm__ __volatile__("inl %w1, %0" : "=a"(v) : "Nd"((uint16_t)(io.port + off)) : "memory");
	return v;
}

static inline void drv_pio_write8(struct drv_io io, uint64_t off, uint8_t v)
{
	__asm__ __volatile__("outb %b0, %w1" : : "a"(v), "Nd"((uint16_t)(io.port + off)) : "memory");
}

static inline void drv_pio_write16(struct drv_io io, uint64_t off, uint16_t v)
{
	__asm__ __volatile__("outw %w0, %w1" : : "a"(v), "Nd"((uint16_t)(io.port + off)) : "memory");
}

static inline void drv_pio_write32(struct drv_io io, uint64_t off, uint32_t v)
{
	__asm__ __volatile__("outl %0, %w1" : : "a"(v), "Nd"((uint16_t)(io.port + off)) : "memory");
}

/* Configuration space is a file the server reads and writes
 * (runtime/user/host/config.c); a write the manifest does not grant is
 * refused there, and by the sandbox. */
uint32_t drv_config_read(const struct drv_config_space *config, unsigned off, unsigned bytes);
void drv_config_write(const struct drv_config_space *config, unsigned off, unsigned bytes,
		      uint32_t v);

#define DRV_CFG(bits)                                                                     \
	static inline uint##bits##_t drv_cfg_read##bits(struct drv_io io, uint64_t off)   \
	{                                                                                 \
		return (uint##bits##_t)drv_config_read(io.config, (unsigned)(io.port + off),  \
						      bits / 8);                         \
	}                                                                                 \
	static inline void drv_cfg_write##bits(struct drv_io io, uint64_t off, uint##bits##_t v) \
	{                                                                                 \
		drv_config_write(io.config, (unsigned)(io.port + off), bits / 8, v);      \
	}
DRV_CFG(8)
DRV_CFG(16)
DRV_CFG(32)
#undef DRV_CFG

/* Port instructions are ordered by the CPU and carry a compiler barrier;
 * so is a system call. */
#define drv_pio_read8_relaxed drv_pio_read8
#define drv_pio_read16_relaxed drv_pio_read16
#define drv_pio_read32_relaxed drv_pio_read32
#define drv_pio_write8_relaxed drv_pio_write8
#define drv_pio_write16_relaxed drv_pio_write16
#define drv_pio_write32_relaxed drv_pio_write32
#define drv_cfg_read8_relaxed drv_cfg_read8
#define drv_cfg_read16_relaxed drv_cfg_read16
#define drv_cfg_read32_relaxed drv_cfg_read32
#define drv_cfg_write8_relaxed drv_cfg_write8
#define drv_cfg_write16_relaxed drv_cfg_write16
#define drv_cfg_write32_relaxed drv_cfg_write32

/* An array index past the end at run time: a driver bug, stopped before it
 * touches a register outside the array. */
__attribute__((noreturn, cold)) static inline void drv_index_fault(const char *where,
								    unsigned long i)
{
	fprintf(stderr, "drvgen: %s: register index %lu is out of range\n", where, i);
	abort();
}

#endif
