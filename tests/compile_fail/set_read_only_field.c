// SPDX-License-Identifier: MIT
/* expect: implicit declaration of function .acc_err_code_set */
/* err.code is read-only (read to clear): there is no setter. */
#include "acc_regs.h"
unsigned f(void);
unsigned f(void) { return acc_err_raw(acc_err_code_set(acc_err_value(0), 1)); }
