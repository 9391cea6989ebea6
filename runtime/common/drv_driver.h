/* SPDX-License-Identifier: MIT */
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

/* A port range: `size` ports from `base` (a fixed range, an ISA device's),
 * or, when `in_bar`, from `offset` in the device's I/O BAR `bar`, wherever
 * the firmware put it. */
struct drv_port_desc {
	const char *name;
	uint16_t base, size;
	bool in_bar;
	unsigned bar;
	uint16_t offset;
};

/* A register the driver may write in PCI configuration space: `bytes`
 * bytes at `offset` from the start of its block. */
struct drv_config_write {
	uint16_t offset;
	uint8_t bytes;
};

/* A register block in PCI configuration space: at `offset` when
 * `capability` is 0, else at the first capability with that id (found by
 * the runtime when it acquires the device; the driver fails to start
 * without one). Reads anywhere in configuration space are allowed (they
 * have no side effects); writes only to `writes`. */
struct drv_config_desc {
	const char *name;
	uint8_t capability;
	uint16_t offset, size;
	const struct drv_config_write *writes;
	unsigned nwrites;
};

enum drv_irq_kind {
	DRV_IRQ_INTX = 1, /* the PCI device's legacy line */
	DRV_IRQ_MSI = 2,  /* an MSI vector of the PCI device */
	DRV_IRQ_LINE = 3, /* a fixed ISA line */
	DRV_IRQ_MSIX = 4, /* an MSI-X vector of the PCI device */
};

/* One interrupt, as the irq hook numbers it. A driver's PCI interrupts are
 * all INTx (one), all MSI or all MSI-X. With `intx_fallback` (on all of
 * them: drvgen check sees to it) the vectors become the one INTx line
 * where the target cannot give message interrupts (a userspace server on a
 * machine without an IOMMU): the hook is then told 0, the first interrupt,
 * whatever the cause, and reads the device's cause register. */
struct drv_irq_desc {
	const char *name;
	enum drv_irq_kind kind;
	unsigned line;   /* DRV_IRQ_LINE */
	unsigned vector; /* DRV_IRQ_MSI, DRV_IRQ_MSIX */
	bool intx_fallback;
};

enum drv_dma_kind {
	DRV_DMA_COHERENT = 0, /* a buffer of the driver's own */
	DRV_DMA_STREAMING = 1, /* the right to map clients' page buffers for the device */
};

/* Memory the device reaches by DMA. Coherent: `size` bytes, contiguous on
 * the bus, below 2^address_bits. Streaming: up to `mappings` page buffers
 * mapped at once, each described to the device in at most `segments`
 * pieces, all below 2^address_bits. */
struct drv_dma_desc {
	const char *name;
	uint64_t size;
	unsigned address_bits;
	enum drv_dma_kind kind;
	unsigned mappings, segments;
};

/* A timer the driver may arm; `period_ns` is the manifest's interval,
 * which the driver arms it with (or any other). */
struct drv_timer_desc {
	const char *name;
	uint64_t period_ns;
};

/* ---- what the runtime acquired ---- */

struct drv_dma_buffer {
	void *cpu;    /* where the driver reads and writes it */
	uint64_t bus; /* the address the device uses */
	uint64_t size;
};

/* The runtime's state of a streaming capability and of a timer: opaque to
 * drivers, which use the functions below. */
struct drv_dma_stream;
struct drv_dma_slot;
struct drv_timer;

enum { DRV_MAX_RESOURCES = 16 };

/* In manifest order: io[] holds the mmio ranges and then the port ranges,
 * each starting at the range's first byte or port (the BAR's mapping plus
 * the range's offset); config[] the configuration-space blocks, each at
 * its first byte. */
struct drv_resources {
	struct drv_io io[DRV_MAX_RESOURCES];
	struct drv_dma_buffer dma[DRV_MAX_RESOURCES]; /* coherent ones; streaming: zero */
	struct drv_dma_stream *streams[DRV_MAX_RESOURCES]; /* streaming ones; coherent: NULL */
	struct drv_io config[DRV_MAX_RESOURCES];
	struct drv_timer *timers[DRV_MAX_RESOURCES];
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
	/* The manifest's services list sys::devregistry: the userspace
	 * server registers each object with drvgen-devd, which names its
	 * socket (docs/drivers.md, "The device registry"). */
	bool registers;

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
	 * after the last call was answered or cancelled; timer runs when
	 * timers[timer] expires. */
	int (*init)(void *drv);
	void (*start)(void *drv);
	bool (*irq)(void *drv, unsigned irq);
	void (*stop)(void *drv);

	const struct drv_config_desc *config;
	unsigned nconfig;
	const struct drv_timer_desc *timers;
	unsigned ntimers;
	void (*timer)(void *drv, unsigned timer);

	/* Power (the manifest's power section; NULL and 0 without one). With
	 * no client for idle_ns (kernel: no open file; userspace: no
	 * connection), the runtime calls suspend and puts the device to sleep
	 * (D3hot); resume runs when it wakes, before anything else reaches the
	 * driver. suspend's error keeps the device awake. The system's sleep
	 * calls them too (kernel). */
	int (*suspend)(void *drv);
	int (*resume)(void *drv);
	uint64_t idle_ns;
};

/* ---- services of the runtime (both targets), for the author's code ---- */

/* Timers: arm `t` to expire once, `ns` nanoseconds from now, or every `ns`
 * nanoseconds; arming an armed timer moves it; disarm cancels it (an
 * expiry already due is not delivered after disarm returns). The timer
 * hook runs under the same one-event-at-a-time rule as every other. */
void drv_timer_arm(struct drv_timer *t, uint64_t ns);
void drv_timer_arm_periodic(struct drv_timer *t, uint64_t ns);
void drv_timer_disarm(struct drv_timer *t);

/* Streaming DMA: a client's page buffer (capability `cap` of `call`),
 * bytes [offset, offset + len), mapped for the device in `dir`. The
 * segments give the device addresses in order; the mapping holds until
 * drv_dma_unmap, which the runtime also does for any mapping still held
 * when the call is answered. */
enum drv_dma_dir {
	DRV_DMA_TO_DEVICE = 1,
	DRV_DMA_FROM_DEVICE = 2,
	DRV_DMA_BIDIRECTIONAL = 3,
};

struct drv_dma_segment {
	uint64_t bus;
	uint32_t len;
};

/* One mapping: nseg segments (the runtime's memory, valid until unmap). */
struct drv_dma_map {
	const struct drv_dma_segment *seg;
	unsigned nseg;
	struct drv_dma_slot *slot; /* the runtime's */
};

/* 0, or -EINVAL (no such page buffer, a range outside it, or more
 * segments than the capability allows), -ENOSPC (the capability's
 * mappings are all in use, or no room below its address limit) or
 * -ENOMEM. */
int drv_dma_map(struct drv_dma_stream *s, struct drv_call *call, unsigned cap, uint64_t offset,
		uint64_t len, enum drv_dma_dir dir, struct drv_dma_map *map);
void drv_dma_unmap(struct drv_dma_map *map);
/* What every target's drv_dma_map refuses first (-EINVAL): a capability
 * that is not a page buffer of the call, no bytes, bytes past its end, no
 * direction. */
static inline bool drv_dma_map_ok(const struct drv_call *call, unsigned cap, uint64_t offset,
				  uint64_t len, enum drv_dma_dir dir)
{
	return call && cap < call->ncaps && call->caps[cap].kind == DRV_CAP_PAGES && len &&
	       offset <= call->caps[cap].pages.size && len <= call->caps[cap].pages.size - offset &&
	       dir >= DRV_DMA_TO_DEVICE && dir <= DRV_DMA_BIDIRECTIONAL;
}
/* Ownership of a mapped buffer between the device and the CPU: before the
 * CPU reads what the device wrote, and before the device reads what the
 * CPU wrote. */
void drv_dma_sync_for_cpu(struct drv_dma_map *map);
void drv_dma_sync_for_device(struct drv_dma_map *map);

/* Whether a runtime can run desc: within its fixed limits, with what it
 * needs to bind, and an irq hook if there are interrupts (init, start and
 * stop may be left out). Both targets check it before acquiring anything. */
static inline bool drv_desc_usable(const struct drv_driver_desc *desc)
{
	return desc->nmmio + desc->nports <= DRV_MAX_RESOURCES &&
	       desc->ndma <= DRV_MAX_RESOURCES && desc->nirqs <= DRV_MAX_RESOURCES &&
	       desc->nconfig <= DRV_MAX_RESOURCES && desc->ntimers <= DRV_MAX_RESOURCES &&
	       desc->ninterfaces <= DRV_MAX_RESOURCES &&
	       desc->size && desc->bind && desc->object && (!desc->nirqs || desc->irq) &&
	       (!desc->ntimers || desc->timer);
}

#endif
