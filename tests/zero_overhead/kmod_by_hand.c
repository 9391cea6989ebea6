// SPDX-License-Identifier: MIT OR GPL-2.0-only
/* kmod_by_hand.c - the accesses of kmod_accessors.c, written by hand as a
 * kernel driver writer would without drvgen. */
#include <linux/io.h>
#include <linux/module.h>

#include "kmod_zero_overhead.h"

u32 zo_read_id(void __iomem *bar)
{
	return ioread32(bar + 0x00);
}

void zo_enable_fact_irq(void __iomem *bar)
{
	iowrite32(ioread32(bar + 0x20) | 0x80, bar + 0x20);
}

void zo_ack(void __iomem *bar)
{
	iowrite32(ioread32(bar + 0x24), bar + 0x64);
}

void zo_group_head(void __iomem *base, u32 v)
{
	iowrite32(v, base + 0x80 + 1 * 0x20);
}

u32 zo_group_tail(void __iomem *base, unsigned int i)
{
	return ioread32(base + 0x80 + (size_t)(i & 1) * 0x20 + 0x4);
}

void zo_slot(void __iomem *base, u16 v)
{
	iowrite16(v, base + 0x40 + 3 * 2);
}

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("drvgen: hand-written accesses, zero-overhead comparison (not to be loaded)");
