// SPDX-License-Identifier: MIT
/* expect: wrong type argument to unary plus|invalid argument type .* to unary expression */
/* A field takes a number, not a pointer (nor a struct). */
#include "acc_regs.h"
unsigned f(unsigned *p);
unsigned f(unsigned *p) { return acc_ctrl_raw(acc_ctrl_mode_set(acc_ctrl_value(0), p)); }
