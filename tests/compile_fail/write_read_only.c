// SPDX-License-Identifier: MIT
/* expect: implicit declaration of function .acc_id_write */
/* A read-only register has no write function. */
#include "acc_regs.h"
void f(struct acc_regs h);
void f(struct acc_regs h) { acc_id_write(h, 1); }
