// SPDX-License-Identifier: MIT
/* expect: nothing: this file must compile. It uses the right calls for every
 * case above, so a failure of those is about the misuse, not the harness. */
#include "acc_regs.h"
void f(struct acc_regs h, struct drv_io io);
void f(struct acc_regs h, struct drv_io io)
{
	(void)acc_id_read(h);
	acc_cmd_write(h, 1);
	acc_err_write(h, acc_err_enable_set(acc_err_value(0), 1));
	(void)acc_counter_read(h);
	acc_isr_clear(h, acc_isr_rx_set(acc_isr_value(0), 1));
	(void)acc_ctrl_enable_get(acc_ctrl_read(h));
	acc_ctrl_write(h, acc_ctrl_mode_set(acc_ctrl_value(0), 7));
	acc_ctrl_enable_update(h, 1);
	(void)acc_err_code_get(acc_err_read(h));
	(void)acc_slot_read(h, 3);
	acc_q_head_write(acc_q_at(h, 1), 1);
	acc_data_write(acc_port_at(io, 1), 1);
}
