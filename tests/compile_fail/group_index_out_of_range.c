// SPDX-License-Identifier: MIT
/* expect: ACC_Q: the index is past the last element */
/* Group q has 2 copies. */
#include "acc_regs.h"
void f(struct acc_regs h);
void f(struct acc_regs h) { acc_q_head_write(acc_q_at(h, 2), 1); }
