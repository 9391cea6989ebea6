/* SPDX-License-Identifier: MIT */
/* edu_model.h - QEMU's educational PCI device (hw/misc/edu.c) as a device
 * model for runtime/sim, so driver logic is tested on the host against the
 * device's real semantics: the ID, the liveness inversion, factorials that
 * take time and can interrupt, raise/ack, and DMA to a 4 KiB buffer.
 *
 * Time is explicit: what QEMU does in its own thread or after a 100 ms timer
 * happens here after `latency` further accesses, or at once when the test
 * calls edu_model_run. A driver that reads the result without waiting is
 * therefore caught, deterministically.
 */
#ifndef EDU_MODEL_H
#define EDU_MODEL_H

#include "drv_sim.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	EDU_MODEL_DMA_BASE = 0x40000, /* the device-side address of its buffer */
	EDU_MODEL_DMA_SIZE = 4096,
	EDU_MODEL_FACT_IRQ = 0x1,
	EDU_MODEL_DMA_IRQ = 0x100,
};

struct edu_model {
	/* the registers */
	uint32_t addr4, fact, status, irq_status;
	uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
	uint8_t buf[EDU_MODEL_DMA_SIZE];
	uint64_t dma_mask; /* bus addresses are clamped to it, 28 bits as in QEMU */
	/* what the device's DMA reaches: host memory standing in for RAM */
	uint8_t *ram;
	uint64_t ram_base, ram_size;
	/* time */
	unsigned latency;               /* accesses before pending work finishes */
	unsigned fact_countdown, dma_countdown; /* 0: nothing pending */
	/* the interrupt line, level triggered (INTx) */
	void (*irq)(void *ctx, bool level);
	void *irq_ctx;
	bool irq_level;
	/* what QEMU would log as guest errors: bad access sizes, DMA outside
	 * the buffer or outside RAM */
	unsigned guest_errors;
};

void edu_model_init(struct edu_model *m, unsigned latency);
struct drv_sim_model edu_model_ops(struct edu_model *m);
/* Finishes pending work now, as if enough time had passed. */
void edu_model_run(struct edu_model *m);

#endif
