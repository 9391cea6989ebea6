// SPDX-License-Identifier: MIT
/* expect: implicit declaration of function .acc_err_update */
/* err.code clears when read, so err has no read-modify-write. */
#include "acc_regs.h"
void f(struct acc_regs h);
void f(struct acc_regs h) { acc_err_update(h, acc_err_value(0x100), acc_err_value(0x100)); }
