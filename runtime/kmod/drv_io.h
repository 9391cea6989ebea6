/* SPDX-License-Identifier: MIT */
/* drv_io.h (kmod) - register access for a Linux kernel module.
 *
 * MMIO goes through ioread8..32 and readq/writeq on the pcim_iomap'd BAR;
 * port I/O through inb/outb on the ports request_region granted. The kernel's
 * accessors carry the barriers its architectures need.
 */
#ifndef DRV_IO_H
#define DRV_IO_H

#include <linux/bug.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/types.h>

struct drv_io {
	void __iomem *base;  /* MMIO: the mapping */
	unsigned long port;  /* port I/O: the first port; config space: the first byte */
	struct pci_dev *pdev; /* config space: the device */
};

static inline struct drv_io drv_io_mmio(void __iomem *base)
{
	struct drv_io io = {base, 0, NULL};
	return io;
}

static inline struct drv_io drv_io_pio(unsigned long port)
{
	struct drv_io io = {NULL, port, NULL};
	return io;
}

static inline struct drv_io drv_io_config(struct pci_dev *pdev, unsigned long offset)
{
	struct drv_io io = {NULL, offset, pdev};
	return io;
}

static inline struct drv_io drv_io_offset(struct drv_io io, u64 off)
{
	if (io.base)
		io.base += off;
	else
		io.port += off;
	return io;
}

/* The same where the space is known, as for a generated group or block
 * handle: one addition, no test of which part the handle uses (the test
 * and a cmov drv_io_offset costs). */
static inline struct drv_io drv_io_offset_mmio(struct drv_io io, u64 off)
{
	io.base += off;
	return io;
}

static inline struct drv_io drv_io_offset_pio(struct drv_io io, u64 off)
{
	io.port += off;
	return io;
}
#define drv_io_offset_cfg drv_io_offset_pio

static inline u8 drv_mmio_read8(struct drv_io io, u64 off) { return ioread8(io.base + off); }
static inline u16 drv_mmio_read16(struct drv_io io, u64 off) { return ioread16(io.base + off); }
static inline u32 drv_mmio_read32(struct drv_io io, u64 off) { return ioread32(io.base + off); }
static inline u64 drv_mmio_read64(struct drv_io io, u64 off) { return readq(io.base + off); }
static inline void drv_mmio_write8(struct drv_io io, u64 off, u8 v) { iowrite8(v, io.base + off); }
static inline void drv_mmio_write16(struct drv_io io, u64 off, u16 v) { iowrite16(v, io.base + off); }
static inline void drv_mmio_write32(struct drv_io io, u64 off, u32 v) { iowrite32(v, io.base + off); }
static inline void drv_mmio_write64(struct drv_io io, u64 off, u64 v) { writeq(v, io.base + off); }

/* A compiler barrier, for a driver's own ordering (specs/e1000/em.c). */
static inline void drv_barrier(void) { barrier(); }

/* A read-modify-write in drv_regs.h brackets its two accesses with
 * drv_update_barrier() and uses the _relaxed forms between. In the kernel
 * those are the ordered accessors themselves, which carry what each
 * architecture needs (an out-of-line call or a "memory" clobber stops the
 * compiler too), so the bracket is empty: an update is then exactly the
 * iowrite32(ioread32(a) | x, a) a kernel driver writes
 * (tests/zero_overhead/kmod.sh). */
static inline void drv_update_barrier(void) {}

/* Ordering of DMA memory (docs/drivers.md, "The rules"): the kernel's. */
static inline void drv_dma_wmb(void) { dma_wmb(); }
static inline void drv_dma_rmb(void) { dma_rmb(); }
static inline void drv_mb(void) { mb(); }
#define drv_mmio_read8_relaxed drv_mmio_read8
#define drv_mmio_read16_relaxed drv_mmio_read16
#define drv_mmio_read32_relaxed drv_mmio_read32
#define drv_mmio_read64_relaxed drv_mmio_read64
#define drv_mmio_write8_relaxed drv_mmio_write8
#define drv_mmio_write16_relaxed drv_mmio_write16
#define drv_mmio_write32_relaxed drv_mmio_write32
#define drv_mmio_write64_relaxed drv_mmio_write64

static inline u8 drv_pio_read8(struct drv_io io, u64 off) { return inb(io.port + off); }
static inline u16 drv_pio_read16(struct drv_io io, u64 off) { return inw(io.port + off); }
static inline u32 drv_pio_read32(struct drv_io io, u64 off) { return inl(io.port + off); }
static inline void drv_pio_write8(struct drv_io io, u64 off, u8 v) { outb(v, io.port + off); }
static inline void drv_pio_write16(struct drv_io io, u64 off, u16 v) { outw(v, io.port + off); }
static inline void drv_pio_write32(struct drv_io io, u64 off, u32 v) { outl(v, io.port + off); }

#define drv_pio_read8_relaxed drv_pio_read8
#define drv_pio_read16_relaxed drv_pio_read16
#define drv_pio_read32_relaxed drv_pio_read32
#define drv_pio_write8_relaxed drv_pio_write8
#define drv_pio_write16_relaxed drv_pio_write16
#define drv_pio_write32_relaxed drv_pio_write32

/* Configuration space through the PCI core, which serializes accesses
 * (pci_lock) and is safe in atomic context. A failed read gives all ones,
 * as a missing device's would. */
static inline u8 drv_cfg_read8(struct drv_io io, u64 off)
{
	u8 v;

	pci_read_config_byte(io.pdev, (int)(io.port + off), &v);
	return v;
}

static inline u16 drv_cfg_read16(struct drv_io io, u64 off)
{
	u16 v;

	pci_read_config_word(io.pdev, (int)(io.port + off), &v);
	return v;
}

static inline u32 drv_cfg_read32(struct drv_io io, u64 off)
{
	u32 v;

	pci_read_config_dword(io.pdev, (int)(io.port + off), &v);
	return v;
}

static inline void drv_cfg_write8(struct drv_io io, u64 off, u8 v)
{
	pci_write_config_byte(io.pdev, (int)(io.port + off), v);
}

static inline void drv_cfg_write16(struct drv_io io, u64 off, u16 v)
{
	pci_write_config_word(io.pdev, (int)(io.port + off), v);
}

static inline void drv_cfg_write32(struct drv_io io, u64 off, u32 v)
{
	pci_write_config_dword(io.pdev, (int)(io.port + off), v);
}

#define drv_cfg_read8_relaxed drv_cfg_read8
#define drv_cfg_read16_relaxed drv_cfg_read16
#define drv_cfg_read32_relaxed drv_cfg_read32
#define drv_cfg_write8_relaxed drv_cfg_write8
#define drv_cfg_write16_relaxed drv_cfg_write16
#define drv_cfg_write32_relaxed drv_cfg_write32

/* An out-of-range register index is a driver bug about to touch a register
 * outside its array: stop here rather than there. */
static inline void drv_index_fault(const char *where, unsigned long i)
{
	pr_err("drvgen: %s: register index %lu is out of range\n", where, i);
	BUG();
}

#endif
