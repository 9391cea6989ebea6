// SPDX-License-Identifier: MIT
/* expect: not compatible with any (generic )?association */
/* A register with fields takes a value of its type, not a bare number:
 * acc_ctrl_value(5) says that the bits are meant. */
#include "acc_regs.h"
void f(struct acc_regs h);
void f(struct acc_regs h) { acc_ctrl_write(h, 5); }
