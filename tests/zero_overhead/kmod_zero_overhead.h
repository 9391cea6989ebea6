/* SPDX-License-Identifier: MIT OR GPL-2.0-only */
/* kmod_zero_overhead.h - the functions both kernel translation units define. */
#include <linux/types.h>

u32 zo_read_id(void __iomem *bar);
void zo_enable_fact_irq(void __iomem *bar);
void zo_ack(void __iomem *bar);
void zo_group_head(void __iomem *base, u32 v);
u32 zo_group_tail(void __iomem *base, unsigned int i);
void zo_slot(void __iomem *base, u16 v);
