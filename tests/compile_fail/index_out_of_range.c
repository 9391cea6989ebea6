// SPDX-License-Identifier: MIT
/* expect: ACC_SLOT: the index is past the last element */
/* slot has 4 elements; a constant index 4 is refused at build time. */
#include "acc_regs.h"
unsigned f(struct acc_regs h);
unsigned f(struct acc_regs h) { return acc_slot_read(h, 4); }
