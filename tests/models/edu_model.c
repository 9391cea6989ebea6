// SPDX-License-Identifier: MIT
/* edu_model.c - the edu device's behaviour, after QEMU's hw/misc/edu.c. */
#include "edu_model.h"

#include <string.h>

enum {
	STATUS_COMPUTING = 0x01,
	STATUS_IRQFACT = 0x80,
	DMA_RUN = 0x1,
	DMA_TO_RAM = 0x2, /* direction bit: 0 RAM -> device, 1 device -> RAM */
	DMA_IRQ_ENABLE = 0x4,
};

void edu_model_init(struct edu_model *m, unsigned latency)
{
	memset(m, 0, sizeof *m);
	m->latency = latency;
	m->dma_mask = (UINT64_C(1) << 28) - 1;
}

static void update_irq(struct edu_model *m)
{
	bool level = m->irq_status != 0;
	if (level != m->irq_level) {
		m->irq_level = level;
		if (m->irq)
			m->irq(m->irq_ctx, level);
	}
}

static void raise_irq(struct edu_model *m, uint32_t val)
{
	m->irq_status |= val;
	update_irq(m);
}

static void lower_irq(struct edu_model *m, uint32_t val)
{
	m->irq_status &= ~val;
	update_irq(m);
}

static void finish_fact(struct edu_model *m)
{
	uint32_t n = m->fact, r = 1;
	while (n > 0)
		r *= n--;
	m->fact = r;
	m->status &= ~(uint32_t)STATUS_COMPUTING;
	if (m->status & STATUS_IRQFACT)
		raise_irq(m, EDU_MODEL_FACT_IRQ);
}

/* QEMU logs a transfer outside the buffer and goes on; this model refuses
 * it and counts a guest error, which is what a test wants to see. */
static bool in_range(uint64_t start, uint64_t len, uint64_t base, uint64_t size)
{
	return start >= base && len <= size && start - base <= size - len;
}

/* QEMU 7.2 (Debian 12's, what targets/qemu boots) checks the device side of
 * a transfer with the end exclusive twice over: a transfer that ends at the
 * buffer's last byte is refused, and refused with hw_error, which kills the
 * VM. So the model refuses it too (fixed in later QEMU). */
static bool in_device_buffer(uint64_t start, uint64_t len)
{
	return len > 0 && in_range(start, len, EDU_MODEL_DMA_BASE, EDU_MODEL_DMA_SIZE - 1);
}

static void finish_dma(struct edu_model *m)
{
	uint64_t cnt = m->dma_cnt;
	if (!(m->dma_cmd & DMA_TO_RAM)) {
		uint64_t src = m->dma_src & m->dma_mask;
		if (in_device_buffer(m->dma_dst, cnt) &&
		    in_range(src, cnt, m->ram_base, m->ram_size))
			memcpy(m->buf + (m->dma_dst - EDU_MODEL_DMA_BASE), m->ram + (src - m->ram_base),
			       cnt);
		else
			m->guest_errors++;
	} else {
		uint64_t dst = m->dma_dst & m->dma_mask;
		if (in_device_buffer(m->dma_src, cnt) &&
		    in_range(dst, cnt, m->ram_base, m->ram_size))
			memcpy(m->ram + (dst - m->ram_base), m->buf + (m->dma_src - EDU_MODEL_DMA_BASE),
			       cnt);
		else
			m->guest_errors++;
	}
	m->dma_cmd &= ~(uint64_t)DMA_RUN;
	if (m->dma_cmd & DMA_IRQ_ENABLE)
		raise_irq(m, EDU_MODEL_DMA_IRQ);
}

void edu_model_run(struct edu_model *m)
{
	if (m->fact_countdown) {
		m->fact_countdown = 0;
		finish_fact(m);
	}
	if (m->dma_countdown) {
		m->dma_countdown = 0;
		finish_dma(m);
	}
}

/* Every access lets time pass for work in flight. */
static void tick(struct edu_model *m)
{
	if (m->fact_countdown && --m->fact_countdown == 0)
		finish_fact(m);
	if (m->dma_countdown && --m->dma_countdown == 0)
		finish_dma(m);
}

static bool size_ok(struct edu_model *m, uint64_t addr, unsigned bytes)
{
	/* 4-byte accesses below 0x80; 4 or 8 bytes from 0x80. */
	if ((addr < 0x80 && bytes != 4) || (addr >= 0x80 && bytes != 4 && bytes != 8)) {
		m->guest_errors++;
		return false;
	}
	return true;
}

static uint64_t edu_read(void *ctx, uint64_t addr, unsigned bytes)
{
	struct edu_model *m = ctx;
	tick(m);
	if (!size_ok(m, addr, bytes))
		return ~UINT64_C(0);
	switch (addr) {
	case 0x00:
		return 0x010000edu;
	case 0x04:
		return m->addr4;
	case 0x08:
		return m->fact;
	case 0x20:
		return m->status;
	case 0x24:
		return m->irq_status;
	case 0x80:
		return m->dma_src;
	case 0x88:
		return m->dma_dst;
	case 0x90:
		return m->dma_cnt;
	case 0x98:
		return m->dma_cmd;
	default:
		return ~UINT64_C(0);
	}
}

static void edu_write(void *ctx, uint64_t addr, unsigned bytes, uint64_t val)
{
	struct edu_model *m = ctx;
	tick(m);
	if (!size_ok(m, addr, bytes))
		return;
	bool dma_idle = !(m->dma_cmd & DMA_RUN);
	switch (addr) {
	case 0x04:
		m->addr4 = ~(uint32_t)val;
		break;
	case 0x08:
		if (m->status & STATUS_COMPUTING)
			break;
		m->fact = (uint32_t)val;
		m->status |= STATUS_COMPUTING;
		m->fact_countdown = m->latency ? m->latency : 1;
		break;
	case 0x20:
		if (val & STATUS_IRQFACT)
			m->status |= STATUS_IRQFACT;
		else
			m->status &= ~(uint32_t)STATUS_IRQFACT;
		break;
	case 0x60:
		raise_irq(m, (uint32_t)val);
		break;
	case 0x64:
		lower_irq(m, (uint32_t)val);
		break;
	case 0x80:
		if (dma_idle)
			m->dma_src = val;
		break;
	case 0x88:
		if (dma_idle)
			m->dma_dst = val;
		break;
	case 0x90:
		if (dma_idle)
			m->dma_cnt = val;
		break;
	case 0x98:
		if (!(val & DMA_RUN) || !dma_idle)
			break;
		m->dma_cmd = val;
		m->dma_countdown = m->latency ? m->latency : 1;
		break;
	}
}

struct drv_sim_model edu_model_ops(struct edu_model *m)
{
	struct drv_sim_model ops = {edu_read, edu_write, m};
	return ops;
}
