// SPDX-License-Identifier: MIT OR GPL-2.0-only
/* kmod_accessors.c - register accesses through the generated accessors on
 * the kernel target, among them group and repeated-block handles made with
 * an index. kmod_by_hand.c does the same with ioread32/iowrite32 on base +
 * offset; the two must compile to the same instructions (kmod.sh). Port
 * I/O is not compared here: a repeated port block's read computes its port
 * in 64 bits (lea to %rdx where the hand-written one has %edx), the same
 * instructions otherwise. */
#include <linux/module.h>

#include "acc_regs.h"
#include "edu_regs.h"

#include "kmod_zero_overhead.h"

u32 zo_read_id(void __iomem *bar)
{
	return edu_id_raw(edu_id_read(edu_bar0_at(drv_io_mmio(bar))));
}

void zo_enable_fact_irq(void __iomem *bar)
{
	edu_status_irq_enable_update(edu_bar0_at(drv_io_mmio(bar)), 1);
}

void zo_ack(void __iomem *bar)
{
	struct edu_bar0 h = edu_bar0_at(drv_io_mmio(bar));

	edu_irq_ack_write(h, edu_irq_status_read(h));
}

void zo_group_head(void __iomem *base, u32 v)
{
	acc_q_head_write(acc_q_at(acc_regs_at(drv_io_mmio(base)), 1), v);
}

u32 zo_group_tail(void __iomem *base, unsigned int i)
{
	return acc_q_tail_read(acc_q_at_(acc_regs_at(drv_io_mmio(base)), i & 1));
}

void zo_slot(void __iomem *base, u16 v)
{
	acc_slot_write(acc_regs_at(drv_io_mmio(base)), 3, v);
}

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("drvgen: generated accessors, zero-overhead comparison (not to be loaded)");
