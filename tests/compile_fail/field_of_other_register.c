// SPDX-License-Identifier: MIT
/* expect: not compatible with any (generic )?association */
/* A field helper of one register does not take another register's value. */
#include "acc_regs.h"
unsigned f(struct acc_regs h);
unsigned f(struct acc_regs h) { return acc_ctrl_enable_get(acc_err_read(h)); }
