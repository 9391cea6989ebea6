// SPDX-License-Identifier: MIT
/* expect: not compatible with any (generic )?association */
/* An accessor of block regs does not take a handle of group q, nor of any
 * other block or group. */
#include "acc_regs.h"
unsigned f(struct acc_q q);
unsigned f(struct acc_q q) { return acc_id_read(q); }
