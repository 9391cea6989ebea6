/* drv_driver.h - what a driver is to the runtime of either target
 * (docs/drivers.md).
 *
 * drvgen turns a manifest into a `struct drv_driver_desc` (the generated
 * <driver>_driver.c): the devices it matches, the resources it may hold and
 * the protocols it serves, with the author's hooks. The kernel-module
 * runtime (runtime/kmod/drv_kmod.c) and the userspace-server runtime
 * (runtime/user/drv_host.c) each acquire exactly those resources in their
 * own way, hand them to the generated `bind`, and run the hooks. The
 * author's code sees only typed register handles, IRQ numbers, DMA buffers
 * and protocol calls, never which target runs it.
 *
 * The author's code runs one event at a time on both targets: a hook, a
 * protocol handler or the IRQ hook never runs concurrently with another,
 * and none of them may sleep (the kernel runs them under a spinlock with
 * interrupts off; the userspace server runs them from its poll loop). A
 * handler that must wait for the device defers its reply (DRV_DEFER) and
 * answers from the IRQ hook.
 */
#ifndef DRV_DRIVER_H
#define DRV_DRIVER_H

#include "drv_io.h"
#include "drv_wire.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#else
#include <errno.h>
#include <stdio.h>
#endif

/* The struct that contains `ptr` as its `member`. */
#define drv_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* A line in the kernel log or on the server's stderr. */
#ifdef __KERNEL__
#define drv_log(drv_name, fmt, ...) pr_info("%s: " fmt "\n", drv_name, ##__VA_ARGS__)
#else
#include <stdarg.h>
#define drv_log(drv_name, ...) drv_log_user(drv_name, __VA_ARGS__)
__attribute__((format(printf, 2, 3))) static inline void drv_log_user(const char *drv_name,
								      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", drv_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
#endif

/* ---- what a manifest lists ---- */

enum drv_bus {
	DRV_BUS_PCI = 1, /* match by vendor and device id */
	DRV_BUS_ISA = 2, /* a fixed-resource device: its ports and lines are its identity */
};

struct drv_match {
	enum drv_bus bus;
	uint32_t vendor, device; /* PCI; DRV_PCI_ANY for any */
	uint32_t subvendor, subdevice;
	uint32_t class_code, class_mask;
	uint64_t ioport; /* ISA: the first port */
};

#define DRV_PCI_ANY 0xffffffffu

/* An MMIO range: `size` bytes at `offset` in BAR `bar`. */
struct drv_mmio_desc {
	const char *name;
	unsigned bar;
	uint64_t offset, size;
};

/* A port range: `size` ports from `base`. */
struct drv_port_desc {
	const char *name;
	uint16_t base, size;
};

enum drv_irq_kind {
	DRV_IRQ_INTX = 1, /* the PCI device's legacy line */
	DRV_IRQ_MSI = 2,  /* the PCI device's first MSI vector */
	DRV_IRQ_LINE = 3, /* a fixed ISA line */
};

struct drv_irq_desc {
	const char *name;
	enum drv_irq_kind kind;
	unsigned line; /* DRV_IRQ_LINE */
};

/* Memory the device reaches by DMA: `size` bytes, physically contiguous,
 * below 2^address_bits on the bus. */
struct drv_dma_desc {
	const char *name;
	uint64_t size;
	unsigned address_bits;
};

/* ---- what the runtime acquired ---- */

struct drv_dma_buffer {
	void *cpu;    /* where the driver reads and writes it */
	uint64_t bus; /* the address the device uses */
	uint64_t size;
};

enum { DRV_MAX_RESOURCES = 16 };

/* In manifest order: io[] holds the mmio ranges and then the port ranges,
 * each starting at the range's first byte or port (the BAR's mapping plus
 * the range's offset). */
struct drv_resources {
	struct drv_io io[DRV_MAX_RESOURCES];
	struct drv_dma_buffer dma[DRV_MAX_RESOURCES];
	unsigned instance; /* this device's number among those the driver serves */
};

/* ---- the driver ---- */

struct drv_driver_desc {
	const char *name;    /* "edu": the module, the server and the log prefix */
	const char *version; /* the manifest's */
	const struct drv_match *match;
	unsigned nmatch;
	const struct drv_mmio_desc *mmio;
	unsigned nmmio;
	const struct drv_port_desc *ports;
	unsigned nports;
	const struct drv_irq_desc *irqs;
	unsigned nirqs;
	const struct drv_dma_desc *dma;
	unsigned ndma;
	/* What it serves: interfaces[i] is served by object(drv, i). */
	const struct drv_interface *const *interfaces;
	unsigned ninterfaces;

	/* The size of the author's driver struct, which starts with the
	 * generated one (a pointer: the author's file defines it). */
	const size_t *size;
	/* Generated: stores the resources as typed handles and readies the
	 * protocol objects. 0, or a negative errno. */
	int (*bind)(void *drv, const struct drv_resources *res);
	void *(*object)(void *drv, unsigned i);

	/* The author's hooks. init readies the device before any client can
	 * call (0, or a negative errno, which fails the probe); start runs once
	 * the protocols are published; irq runs for each interrupt of irqs[irq]
	 * and returns whether the device raised it; stop quiesces the device
	 * after the last call was answered or cancelled. */
	int (*init)(void *drv);
	void (*start)(void *drv);
	bool (*irq)(void *drv, unsigned irq);
	void (*stop)(void *drv);
};

/* Whether a runtime can run desc: within its fixed limits, with what it
 * needs to bind, and an irq hook if there are interrupts (init, start and
 * stop may be left out). Both targets check it before acquiring anything. */
static inline bool drv_desc_usable(const struct drv_driver_desc *desc)
{
	return desc->nmmio + desc->nports <= DRV_MAX_RESOURCES &&
	       desc->ndma <= DRV_MAX_RESOURCES && desc->nirqs <= DRV_MAX_RESOURCES &&
	       desc->size && desc->bind && desc->object && (!desc->nirqs || desc->irq);
}

#endif
