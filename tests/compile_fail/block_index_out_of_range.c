// SPDX-License-Identifier: MIT
/* expect: ACC_PORT: the index is past the last element */
/* Block port repeats twice. */
#include "acc_regs.h"
void f(struct drv_io io);
void f(struct drv_io io) { acc_data_write(acc_port_at(io, 2), 1); }
