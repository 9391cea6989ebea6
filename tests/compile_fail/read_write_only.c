// SPDX-License-Identifier: MIT
/* expect: implicit declaration of function .acc_cmd_read */
/* A write-only register has no read function. */
#include "acc_regs.h"
unsigned f(struct acc_regs h);
unsigned f(struct acc_regs h) { return acc_cmd_read(h); }
