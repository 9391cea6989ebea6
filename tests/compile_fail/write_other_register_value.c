// SPDX-License-Identifier: MIT
/* expect: not compatible with any (generic )?association */
/* Nor does a register take another register's value. */
#include "acc_regs.h"
void f(struct acc_regs h);
void f(struct acc_regs h) { acc_ctrl_write(h, acc_err_read(h)); }
