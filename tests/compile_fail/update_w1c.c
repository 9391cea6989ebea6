// SPDX-License-Identifier: MIT
/* expect: implicit declaration of function .acc_isr_update */
/* A w1c register is cleared with acc_isr_clear, never read-modify-written. */
#include "acc_regs.h"
void f(struct acc_regs h);
void f(struct acc_regs h) { acc_isr_update(h, acc_isr_value(1), acc_isr_value(1)); }
