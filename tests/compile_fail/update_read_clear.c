// SPDX-License-Identifier: MIT
/* expect: implicit declaration of function .acc_counter_update */
/* A read-to-clear register has no read-modify-write either. */
#include "acc_regs.h"
void f(struct acc_regs h);
void f(struct acc_regs h) { acc_counter_update(h, 1, 1); }
