// SPDX-License-Identifier: MIT
/* regfile_model.c - registers that behave as their access kinds say. */
#include "regfile_model.h"

#include <string.h>

void regfile_model_init(struct regfile_model *m, const struct drv_desc_block *desc)
{
	memset(m, 0, sizeof *m);
	m->desc = desc;
}

static uint64_t load(const uint8_t *mem, uint64_t offset, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && offset + i < 4096; i++)
		v |= (uint64_t)mem[offset + i] << (8 * i);
	return v;
}

static void store(uint8_t *mem, uint64_t offset, unsigned bytes, uint64_t value)
{
	for (unsigned i = 0; i < bytes && offset + i < 4096; i++)
		mem[offset + i] = (uint8_t)(value >> (8 * i));
}

uint64_t regfile_peek(const struct regfile_model *m, uint64_t offset, unsigned bytes)
{
	return load(m->mem, offset, bytes);
}

void regfile_poke(struct regfile_model *m, uint64_t offset, unsigned bytes, uint64_t value)
{
	store(m->mem, offset, bytes, value);
}

/* Registers of a bank keep their own storage (a 16550's divisor latch is
 * not its receive buffer). Offsets of a repeated block are as on the bus. */
static uint8_t *storage(struct regfile_model *m, const struct drv_desc_reg *r)
{
	return r && r->bank ? m->bank_mem : m->mem;
}

/* The register at offset (any element of an array), in the current bank if
 * several share the offset, else the first. */
static const struct drv_desc_reg *find(const struct regfile_model *m, uint64_t offset,
				       unsigned bytes, bool write)
{
	const struct drv_desc_reg *found = NULL;
	if (m->desc->count > 1 && m->desc->stride)
		offset %= m->desc->stride;
	for (size_t i = 0; i < m->desc->nregs; i++) {
		const struct drv_desc_reg *r = &m->desc->regs[i];
		if (r->bytes != bytes || offset < r->offset || !(write ? r->writable : r->readable))
			continue;
		uint64_t rel = offset - r->offset;
		for (uint8_t d = 0; d < r->ndims; d++) {
			uint64_t k = rel / r->dims[d].stride;
			if (k >= r->dims[d].count)
				break;
			rel -= k * r->dims[d].stride;
		}
		if (rel)
			continue;
		bool bank_match = (!r->bank && !m->bank) ||
				  (r->bank && m->bank && strcmp(r->bank, m->bank) == 0);
		if (bank_match)
			return r;
		if (!found)
			found = r;
	}
	return found;
}

/* The access kind of each bit: a field's, or the register's elsewhere. */
static enum drv_desc_access bit_access(const struct drv_desc_reg *r, unsigned bit)
{
	for (uint16_t i = 0; i < r->nfields; i++)
		if (bit >= r->fields[i].lsb && bit <= r->fields[i].msb)
			return r->fields[i].access;
	return r->access;
}

static uint64_t regfile_read(void *ctx, uint64_t offset, unsigned bytes)
{
	struct regfile_model *m = ctx;
	const struct drv_desc_reg *r = find(m, offset, bytes, false);
	uint64_t v = load(storage(m, r), offset, bytes);
	if (!r)
		return v;
	uint64_t after = v;
	for (unsigned bit = 0; bit < bytes * 8u; bit++) {
		enum drv_desc_access a = bit_access(r, bit);
		if (a == DRV_DESC_RC)
			after &= ~(UINT64_C(1) << bit);
		else if (a == DRV_DESC_RS)
			after |= UINT64_C(1) << bit;
	}
	store(storage(m, r), offset, bytes, after);
	return v;
}

static void regfile_write(void *ctx, uint64_t offset, unsigned bytes, uint64_t value)
{
	struct regfile_model *m = ctx;
	const struct drv_desc_reg *r = find(m, offset, bytes, true);
	if (!r)
		return;
	uint64_t now = load(storage(m, r), offset, bytes);
	for (unsigned bit = 0; bit < bytes * 8u; bit++) {
		uint64_t b = UINT64_C(1) << bit;
		bool one = value & b;
		switch (bit_access(r, bit)) {
		case DRV_DESC_RW:
		case DRV_DESC_WO:
		case DRV_DESC_WONCE:
			now = one ? now | b : now & ~b;
			break;
		case DRV_DESC_W1C:
			now = one ? now & ~b : now;
			break;
		case DRV_DESC_W1S:
			now = one ? now | b : now;
			break;
		case DRV_DESC_W1T:
			now = one ? now ^ b : now;
			break;
		case DRV_DESC_W0C:
			now = one ? now : now & ~b;
			break;
		case DRV_DESC_W0S:
			now = one ? now : now | b;
			break;
		default:
			break; /* read-only bits ignore writes */
		}
	}
	store(storage(m, r), offset, bytes, now);
}

struct drv_sim_model regfile_model_ops(struct regfile_model *m)
{
	struct drv_sim_model ops = {regfile_read, regfile_write, m};
	return ops;
}
