// SPDX-License-Identifier: MIT
/* expect: ACC_CTRL_ENABLE: the constant does not fit the field */
/* The same check guards the field update helpers. */
#include "acc_regs.h"
void f(struct acc_regs h);
void f(struct acc_regs h) { acc_ctrl_enable_update(h, 2); }
