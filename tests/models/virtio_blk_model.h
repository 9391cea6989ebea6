/* SPDX-License-Identifier: MIT */
/* virtio_blk_model.h - a modern virtio-blk PCI device (Virtual I/O Device
 * (VIRTIO) Version 1.2, 4.1 and 5.2, as QEMU's virtio-blk-pci with
 * disable-legacy=on,iommu_platform=on lays it out) as a device model for
 * runtime/sim, so the virtio library and the virtioblk driver run on the
 * host against the device's semantics: the vendor capabilities, feature
 * negotiation, the split virtqueue read from simulated DMA memory (direct
 * and indirect chains, the event index both ways), requests on a disk in
 * host memory, MSI-X or INTx with the ISR, configuration changes and
 * resets.
 *
 * Time is explicit, as in edu_model.h: a notify only rings the bell; the
 * device takes new requests (only once notified, so a driver that forgets
 * to notify waits for ever) and completes them when the test calls
 * virtio_blk_model_run (at most `per_run` of them, oldest or newest
 * first), and never while `hold` is set. What QEMU would stop on, or log
 * as a guest error (a malformed chain, an access of the wrong size, DMA
 * outside a mapping), counts in guest_errors; a malformed chain also
 * marks the device as needing a reset, as QEMU's virtio_error does.
 */
#ifndef VIRTIO_BLK_MODEL_H
#define VIRTIO_BLK_MODEL_H

#include "drv_sim.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	VBM_BAR = 4,
	VBM_BAR_SIZE = 0x4000,
	VBM_COMMON = 0x0000,
	VBM_ISR = 0x1000,
	VBM_DEVICE = 0x2000,
	VBM_NOTIFY = 0x3000,
	VBM_NOTIFY_MULTIPLIER = 4,
	VBM_NOTIFY_OFF = 1, /* queue 0's notify_off: it rings at 0x3004 */
	VBM_MSIX_CAP = 0x40,
	VBM_VECTORS = 2,
	VBM_MAX_QUEUE = 256,
	VBM_MAX_SEGS = 300, /* the longest chain the model follows */
	VBM_NO_VECTOR = 0xffff,
	/* request types, and how many it counts */
	VBM_T_IN = 0,
	VBM_T_OUT = 1,
	VBM_T_FLUSH = 4,
	VBM_T_GET_ID = 8,
	VBM_T_DISCARD = 11,
	VBM_TYPES = 12,
	VBM_S_OK = 0,
	VBM_S_IOERR = 1,
	VBM_S_UNSUPP = 2,
};

/* Feature bits the model knows. */
#define VBM_F(n) ((uint64_t)1 << (n))
enum {
	VBM_F_SIZE_MAX = 1,
	VBM_F_SEG_MAX = 2,
	VBM_F_GEOMETRY = 4,
	VBM_F_RO = 5,
	VBM_F_BLK_SIZE = 6,
	VBM_F_FLUSH = 9,
	VBM_F_TOPOLOGY = 10,
	VBM_F_MQ = 12,
	VBM_F_DISCARD = 13,
	VBM_F_INDIRECT = 28,
	VBM_F_EVENT_IDX = 29,
	VBM_F_VERSION_1 = 32,
	VBM_F_ACCESS_PLATFORM = 33,
	VBM_F_RING_PACKED = 34,
};

struct vbm_seg {
	uint64_t addr;
	uint32_t len;
	bool write; /* device-writable */
};

/* A request the device has taken from the available ring. */
struct vbm_req {
	uint16_t head;
	unsigned nseg;
	struct vbm_seg seg[VBM_MAX_SEGS];
};

struct virtio_blk_model {
	/* what the device is */
	uint8_t *disk;
	uint64_t sectors;
	uint32_t blk_size, seg_max, size_max, max_discard;
	uint64_t offered;   /* feature bits */
	uint16_t queue_max; /* the size it offers */
	char serial[20];
	struct drv_sim_dma *dma; /* what it reaches memory through */
	uint8_t config[256];	 /* configuration space, without the MSI-X enable bit */
	bool msix_enabled;	 /* the runtime gave it MSI-X (else INTx) */

	/* its state, as the driver set it */
	uint8_t status;
	uint32_t dfselect, gfselect;
	uint64_t driver_features;
	uint16_t config_vector;
	uint8_t generation;
	uint8_t isr;
	uint16_t queue_select;
	uint16_t qsize, qvector, qenable;
	uint64_t qdesc, qdriver, qdevice;
	uint16_t last_avail, used_idx;
	bool bell;		 /* notified: look at the available ring when time passes */
	struct vbm_req *pending; /* taken, not completed */
	unsigned npending;

	/* the test's knobs */
	bool hold;		      /* take requests, complete none */
	unsigned lose_notifies;	      /* the next this many notifications never arrive */
	unsigned lose_interrupts;     /* the next this many queue interrupts are never raised */
	unsigned per_run;	      /* complete at most this many per run (0: all) */
	bool newest_first;	      /* complete in reverse order */
	uint8_t status_of[VBM_TYPES]; /* nonzero: the status every request of a type gets */

	/* interrupts: an MSI-X message, or the INTx line's level */
	void (*msi)(void *ctx, unsigned vector);
	void (*intx)(void *ctx, bool level);
	void *irq_ctx;
	bool intx_level;

	/* what happened */
	unsigned notifies, interrupts, resets, completed, most_pending;
	unsigned requests[VBM_TYPES];
	unsigned indirect, direct; /* requests by how they came */
	unsigned guest_errors;
};

/* A device of `sectors` 512-byte sectors held at disk, offering
 * `offered`, reaching memory through dma. */
void virtio_blk_model_init(struct virtio_blk_model *m, uint8_t *disk, uint64_t sectors,
			   uint64_t offered, struct drv_sim_dma *dma);
void virtio_blk_model_free(struct virtio_blk_model *m);
/* Its BAR 4 (the four structures) and its configuration space. */
struct drv_sim_model virtio_blk_model_bar(struct virtio_blk_model *m);
struct drv_sim_model virtio_blk_model_config(struct virtio_blk_model *m);
/* Time passes: new requests are taken, and completed as the knobs say. */
void virtio_blk_model_run(struct virtio_blk_model *m);
/* A resize: a new capacity and a configuration change interrupt. */
void virtio_blk_model_resize(struct virtio_blk_model *m, uint64_t sectors);
/* The device fails: DEVICE_NEEDS_RESET and a configuration change interrupt. */
void virtio_blk_model_break(struct virtio_blk_model *m);

#endif
