// SPDX-License-Identifier: MIT OR GPL-2.0-only
/* regs_kmod.c - the generated register accessors compiled into a kernel
 * module against runtime/kmod/drv_io.h: a Kbuild compile test, not meant to
 * be loaded (it has no device). */
#include <linux/module.h>

#include "acc_regs.h"
#include "drv_pci.h"
#include "edu_regs.h"
#include "nic_regs.h"
#include "uart16550_regs.h"

u32 regs_kmod_touch(void __iomem *bar, void __iomem *acc);
u32 regs_kmod_touch(void __iomem *bar, void __iomem *acc)
{
	struct edu_bar0 h = edu_bar0_at(drv_io_mmio(bar));
	struct acc_regs a = acc_regs_at(drv_io_mmio(acc));
	struct uart16550_uart u = uart16550_uart_at(drv_io_pio(0x2f8));
	u32 sum;

	edu_status_irq_enable_update(h, 1);
	edu_dma_src_write(h, 0x1000);
	edu_irq_ack_write(h, edu_irq_status_read(h));
	acc_isr_clear(a, acc_isr_rx_set(acc_isr_value(0), 1));
	acc_slot_write(a, 1, 2);
	acc_q_head_write(acc_q_at(a, 1), 3);
	uart16550_lcr_write(u, uart16550_lcr_wls_set(uart16550_lcr_value(0), UART16550_LCR_WLS_EIGHT));
	sum = edu_id_raw(edu_id_read(h)) + uart16550_lsr_dr_get(uart16550_lsr_read(u));
	return sum + acc_word_read(acc_be_at(drv_io_mmio(acc)));
}
EXPORT_SYMBOL(regs_kmod_touch);

/* Configuration space: a block at 0 and one at a capability, through the
 * PCI core, and the capability walk. */
u32 regs_kmod_config(struct pci_dev *pdev);
u32 regs_kmod_config(struct pci_dev *pdev)
{
	struct nic_header hdr = nic_header_at(drv_io_config(pdev, 0));
	struct drv_pci_cap cap = {0};
	u32 v = nic_vendor_read(hdr);

	nic_command_master_update(hdr, 1);
	if (drv_pci_find_cap(hdr.io, DRV_PCI_CAP_PM, &cap)) {
		struct nic_pm pm = nic_pm_at(drv_io_offset(hdr.io, cap.offset));

		nic_pmcsr_state_update(pm, NIC_PMCSR_STATE_D3HOT);
		v += nic_pmcsr_raw(nic_pmcsr_read(pm));
	}
	return v;
}
EXPORT_SYMBOL(regs_kmod_config);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("drvgen: generated register accessors, compile test");
