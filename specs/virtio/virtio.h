/* SPDX-License-Identifier: MIT */
/*
 * virtio.h - the virtio 1.x PCI transport and split virtqueues (Virtual I/O
 * Device (VIRTIO) Version 1.2, sections 2, 3 and 4.1), written once for
 * every virtio driver. A driver lists this folder under its manifest's
 * `libraries` (specs/virtioblk is the first) and uses it from its hooks:
 *
 *	init:  virtio_dev_find      the common, notify, ISR and device
 *	                            structures, through the vendor capabilities
 *	       virtio_dev_reset, virtio_dev_negotiate, virtio_dev_read_config
 *	       virtq_setup          each queue, in its piece of coherent memory
 *	       virtio_dev_ready     DRIVER_OK: the device may use the queues
 *	start: virtio_dev_start     where interrupts arrive from now on
 *	irq:   virtio_dev_irq, then virtq_get until it gives no more
 *	calls: virtq_add, virtq_kick
 *	stop:  virtio_dev_reset     no more DMA
 *
 * Like all author code it never waits: the only loops that read the device
 * (the reset, a consistent read of the device configuration) are bounded.
 * The rings are in the driver's coherent DMA buffer, ordered with
 * drv_dma_wmb, drv_dma_rmb and drv_mb (docs/drivers.md, "The rules"); what
 * the device writes there (the used ring) is checked before it is
 * believed, and the free list and each chain's links are kept in the
 * driver's own memory, where the device cannot reach them.
 *
 * Interrupts: the manifest gives MSI-X vectors that fall back to INTx (a
 * userspace server without an IOMMU), one for configuration changes and
 * one for the queues (virtio_dev_config_vector, virtq_setup); whether
 * MSI-X is on is read from the MSI-X capability once the runtime has
 * chosen (start). Under MSI-X the vector that fired says the cause; under
 * INTx every cause arrives as the driver's first interrupt, and the ISR
 * says which it was (reading it lowers the line).
 *
 * The transport requires VIRTIO_F_VERSION_1 (a modern device) and
 * VIRTIO_F_ACCESS_PLATFORM: the runtime hands out bus addresses (an
 * IOMMU's, under VFIO), so a device that would bypass the IOMMU and use
 * physical addresses is refused. It negotiates VIRTIO_F_RING_INDIRECT_DESC
 * and VIRTIO_F_RING_EVENT_IDX when the device offers them.
 */
#ifndef VIRTIO_H
#define VIRTIO_H

#include "drv_driver.h"
#include "virtio_regs.h"

/* Feature bits of the transport (6, "Reserved Feature Bits"). */
enum {
	VIRTIO_F_RING_INDIRECT_DESC = 28,
	VIRTIO_F_RING_EVENT_IDX = 29,
	VIRTIO_F_VERSION_1 = 32,
	VIRTIO_F_ACCESS_PLATFORM = 33,
};

#define VIRTIO_BIT(n) ((uint64_t)1 << (n))

enum {
	VIRTIO_NO_VECTOR = 0xffff,
	/* The largest queue the library drives: a device's bigger ones are
	 * set to this size. */
	VIRTQ_MAX_SIZE = 256,
	/* How many times the library reads the device before it gives up on
	 * a reset or a consistent configuration. */
	VIRTIO_RESET_READS = 1000,
	VIRTIO_CONFIG_TRIES = 16,
};

/* A BAR the driver's manifest maps whole (an `mmio` capability without a
 * block): where the structures the capabilities point at may be. */
struct virtio_bar {
	unsigned bar;
	struct drv_io io;
	uint64_t size;
};

/* One modern virtio PCI device. */
struct virtio_dev {
	const char *name; /* in the log */
	struct virtio_common common;
	struct virtio_isr isr;
	struct drv_io notify; /* the notify structure's first byte */
	uint32_t notify_len, notify_multiplier;
	struct drv_io device; /* the device configuration's first byte */
	uint32_t device_len;
	struct virtio_msix msix;
	bool has_msix;	   /* the device has the capability (not that it is on) */
	bool msix_on;	   /* the runtime gave MSI-X vectors (virtio_dev_start) */
	uint64_t features; /* negotiated */
};

/* ---- the device ---- */

/* Finds the structures through the vendor capabilities of `pci`'s list:
 * for each type the first whose BAR is one of bars[] and whose range fits
 * it. msix: the MSI-X capability, or NULL for a driver without message
 * interrupts. 0, or -ENODEV (a structure is missing or out of reach). */
int virtio_dev_find(struct virtio_dev *v, const char *name, struct virtio_pci pci,
		    const struct virtio_msix *msix, const struct virtio_bar *bars, unsigned nbars);

/* Resets the device (status 0) and waits, boundedly, for it to say it is
 * done: afterwards it no longer touches memory or raises interrupts. 0, or
 * -EIO. */
int virtio_dev_reset(struct virtio_dev *v);

/* After a reset: ACKNOWLEDGE, DRIVER, the features (the device's that are
 * the transport's own or in `wanted`), FEATURES_OK and its check. 0,
 * -ENODEV (a legacy device, or one without VIRTIO_F_ACCESS_PLATFORM) or
 * -EIO (the device refused the features). */
int virtio_dev_negotiate(struct virtio_dev *v, uint64_t wanted);

static inline bool virtio_dev_has(const struct virtio_dev *v, unsigned bit)
{
	return v->features & VIRTIO_BIT(bit);
}

/* Runs read(ctx), which reads the device configuration, until the
 * configuration generation is the same before and after it (4.1.3.1). 0,
 * or -EIO if it never was in VIRTIO_CONFIG_TRIES tries. */
int virtio_dev_read_config(struct virtio_dev *v, void (*read)(void *ctx), void *ctx);

/* The vector configuration changes interrupt on (the one the queues use).
 * 0, or -EIO if the device refused it. */
int virtio_dev_config_vector(struct virtio_dev *v, uint16_t vector);

/* DRIVER_OK: the queues are set up. */
void virtio_dev_ready(struct virtio_dev *v);
/* FAILED: the driver gave up on the device. */
void virtio_dev_fail(struct virtio_dev *v);
/* Whether the device needs a reset (DEVICE_NEEDS_RESET), or lost
 * DRIVER_OK (someone reset it). */
bool virtio_dev_broken(struct virtio_dev *v);

/* Once the runtime has set up the interrupts (the start hook): whether
 * they are MSI-X or INTx. */
void virtio_dev_start(struct virtio_dev *v);

enum virtio_irq_cause {
	VIRTIO_IRQ_NONE = 0,   /* INTx: the line is another device's */
	VIRTIO_IRQ_QUEUE = 1,  /* a queue has used buffers */
	VIRTIO_IRQ_CONFIG = 2, /* the device configuration changed */
};

/* What an interrupt of the device means (a set of the causes above).
 * Under MSI-X it is `vector_causes`, what the vector that fired stands for
 * (the driver knows which of its interrupts the runtime reported: its
 * configuration vector's VIRTIO_IRQ_CONFIG, a queue's VIRTIO_IRQ_QUEUE);
 * under INTx it reads, and so clears, the ISR. */
unsigned virtio_dev_irq(struct virtio_dev *v, unsigned vector_causes);

/* ---- coherent DMA memory, carved ---- */

/* A piece of the driver's coherent DMA buffer. */
struct virtio_dma {
	void *cpu;
	uint64_t bus;
};

struct virtio_pool {
	struct drv_dma_buffer buf;
	uint64_t used;
};

/* The next `size` bytes of the pool at `align` (a power of two) from the
 * buffer's start, zeroed. false when the buffer has no room left. */
bool virtio_pool_take(struct virtio_pool *p, uint64_t size, uint64_t align, struct virtio_dma *out);

/* ---- split virtqueues (2.7) ---- */

/* A descriptor (2.7.5), little-endian in DMA memory. */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

enum {
	VIRTQ_DESC_F_NEXT = 1,
	VIRTQ_DESC_F_WRITE = 2,
	VIRTQ_DESC_F_INDIRECT = 4,
	VIRTQ_AVAIL_F_NO_INTERRUPT = 1,
	VIRTQ_USED_F_NO_NOTIFY = 1,
};

/* One piece of a request: `len` bytes at bus address `bus`, which the
 * device writes (device_writes) or reads. */
struct virtq_buf {
	uint64_t bus;
	uint32_t len;
	bool device_writes;
};

struct virtq {
	struct virtio_dev *dev;
	uint16_t index, size;
	bool indirect, event_idx; /* negotiated */
	bool broken;		  /* the device returned what was not in flight */
	struct virtq_desc *desc;
	uint8_t *avail; /* flags, idx, ring[size], used_event */
	uint8_t *used;	/* flags, idx, ring[size] of {id, len}, avail_event */
	struct virtio_notify notify;
	uint16_t free_head, nfree;
	uint16_t avail_idx;		/* the next entry of the available ring */
	uint16_t kicked_idx;		/* avail_idx when the device last saw it */
	uint16_t last_used;		/* the next entry of the used ring */
	uint16_t next[VIRTQ_MAX_SIZE];	/* the free list, and each chain's links */
	uint16_t chain[VIRTQ_MAX_SIZE]; /* descriptors in the chain headed here; 0: free */
	void *token[VIRTQ_MAX_SIZE];
};

/* Coherent memory a queue of `size` entries takes (its alignment is 16). */
uint64_t virtq_bytes(uint16_t size);

/* Sets up queue `index` in `mem` (virtq_bytes(VIRTQ_MAX_SIZE) bytes, 16-byte
 * aligned), interrupting on `vector` under MSI-X, and enables it: the
 * device's size, or VIRTQ_MAX_SIZE if that is smaller, as a power of two.
 * 0, -ENODEV (no such queue) or -EIO (the device refused the vector, or
 * its notify address is out of the notify structure). */
int virtq_setup(struct virtq *vq, struct virtio_dev *v, uint16_t index,
		const struct virtio_dma *mem, uint16_t vector);

/* Makes bufs[0..n) one request, with `token` to know it by when it comes
 * back: through the indirect table at `table` (room for n descriptors)
 * when the device takes indirect descriptors and n > 1, else as a chain
 * of n descriptors of the queue. The device sees it at the next kick. 0,
 * or -ENOSPC (not enough free descriptors) or -EINVAL (n is 0 or more
 * than a chain may be). */
int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned n,
	      const struct virtio_dma *table, void *token);

/* Hands the device what was added since the last kick, and notifies it
 * unless it said it does not need to be (event index, or
 * VIRTQ_USED_F_NO_NOTIFY). */
void virtq_kick(struct virtq *vq);

/* A request the device is done with: its token, and in *len the bytes it
 * wrote; NULL when there is none (and the device is asked to interrupt
 * for the next). A used entry that names no request in flight marks the
 * queue broken and is not believed. */
void *virtq_get(struct virtq *vq, uint32_t *len);

/* After a reset: a request the device had not given back (its token,
 * freed), or NULL once none is left. */
void *virtq_drain(struct virtq *vq);

/* Tells the device the queue has entries, whatever the event index says:
 * for a driver that suspects the device missed a notification (one more
 * is harmless). */
void virtq_notify(struct virtq *vq);

/* One log line of where the driver and the device are in each ring (for a
 * request the device never completed: was it not told, did it not answer,
 * or was its answer's interrupt lost?). Before the reset. */
void virtq_log_state(const struct virtq *vq);

/* Descriptors free, and requests in flight. */
static inline unsigned virtq_free(const struct virtq *vq)
{
	return vq->nfree;
}

#endif
