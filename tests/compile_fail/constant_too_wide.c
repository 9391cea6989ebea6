// SPDX-License-Identifier: MIT
/* expect: ACC_CTRL_MODE: the constant does not fit the field */
/* mode is 3 bits wide: 8 does not fit, and a constant is checked when compiled. */
#include "acc_regs.h"
unsigned f(void);
unsigned f(void) { return acc_ctrl_raw(acc_ctrl_mode_set(acc_ctrl_value(0), 8)); }
