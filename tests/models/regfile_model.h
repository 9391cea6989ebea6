/* SPDX-License-Identifier: MIT */
/* regfile_model.h - a device model that is only its registers, behaving as
 * their access kinds say: a w1c bit clears when written 1, an rc field
 * clears when read, a read-only bit ignores writes, and so on. Driven by a
 * generated description, it tests what accessors write, bit by bit; tests
 * poke `mem` to play the hardware's part (setting a pending bit, say).
 */
#ifndef REGFILE_MODEL_H
#define REGFILE_MODEL_H

#include "drv_sim.h"

struct regfile_model {
	const struct drv_desc_block *desc;
	uint8_t mem[4096];      /* little-endian register contents */
	uint8_t bank_mem[4096]; /* the same for registers in a bank: their own storage */
	const char *bank;       /* the bank switched in, as a device register would say */
};

void regfile_model_init(struct regfile_model *m, const struct drv_desc_block *desc);
struct drv_sim_model regfile_model_ops(struct regfile_model *m);
/* The default bank's storage: what a test plays the hardware's part with. */
uint64_t regfile_peek(const struct regfile_model *m, uint64_t offset, unsigned bytes);
void regfile_poke(struct regfile_model *m, uint64_t offset, unsigned bytes, uint64_t value);

#endif
