// SPDX-License-Identifier: MIT
/* drv_uio_irq.c - an ISA interrupt line for a userspace driver server.
 *
 * Linux has no generic way to hand a fixed ISA line to a process (a PCI
 * device has uio_pci_generic). This module does it for one line, given as
 * `line=N`: it makes a UIO device named "drvgen-irq<N>" (/dev/uioN; the
 * server finds it by the name in /sys/class/uio/uioN), whose read returns when
 * the line fires. As with uio_pci_generic, the line is masked at each
 * interrupt until the server writes 1 (irqcontrol) after serving the
 * device, so the server's loop is the same for both.
 *
 *	insmod drv_uio_irq.ko line=3
 */
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>
#include <linux/uio_driver.h>

static unsigned int line;
module_param(line, uint, 0444);
MODULE_PARM_DESC(line, "the ISA interrupt line to hand to userspace (1..15)");

static struct platform_device *drv_uio_pdev;
static struct uio_info drv_uio_info;
static char drv_uio_name[sizeof("drvgen-irq") + 10];

/* Whether the line is masked, so disables and enables stay paired: the
 * kernel counts them, and an unpaired enable warns. */
static DEFINE_SPINLOCK(drv_uio_lock);
static bool drv_uio_masked;

static irqreturn_t drv_uio_handler(int irq, struct uio_info *info)
{
	/* The device is served by the process: until it has been, the line
	 * stays masked. An edge that comes meanwhile is kept pending by the
	 * kernel and delivered when the line is unmasked. */
	spin_lock(&drv_uio_lock);
	if (!drv_uio_masked) {
		drv_uio_masked = true;
		disable_irq_nosync(irq);
	}
	spin_unlock(&drv_uio_lock);
	return IRQ_HANDLED;
}

static int drv_uio_irqcontrol(struct uio_info *info, s32 on)
{
	unsigned long flags;

	spin_lock_irqsave(&drv_uio_lock, flags);
	if (on && drv_uio_masked) {
		drv_uio_masked = false;
		enable_irq((unsigned int)info->irq);
	} else if (!on && !drv_uio_masked) {
		drv_uio_masked = true;
		disable_irq_nosync((unsigned int)info->irq);
	}
	spin_unlock_irqrestore(&drv_uio_lock, flags);
	return 0;
}

static int __init drv_uio_init(void)
{
	int ret;

	/* 0 is the timer, and there are 16 ISA lines */
	if (line == 0 || line > 15)
		return -EINVAL;
	snprintf(drv_uio_name, sizeof(drv_uio_name), "drvgen-irq%u", line);
	/* UIO needs a parent device; nothing else binds to this one */
	drv_uio_pdev = platform_device_register_simple("drvgen-irq", (int)line, NULL, 0);
	if (IS_ERR(drv_uio_pdev))
		return PTR_ERR(drv_uio_pdev);
	drv_uio_info.name = drv_uio_name;
	drv_uio_info.version = "1.0";
	drv_uio_info.irq = line;
	drv_uio_info.irq_flags = 0; /* an ISA line is not shared */
	drv_uio_info.handler = drv_uio_handler;
	drv_uio_info.irqcontrol = drv_uio_irqcontrol;
	ret = uio_register_device(&drv_uio_pdev->dev, &drv_uio_info);
	if (ret) {
		pr_err("drvgen-irq: line %u: %d\n", line, ret);
		platform_device_unregister(drv_uio_pdev);
	}
	return ret;
}

static void __exit drv_uio_exit(void)
{
	uio_unregister_device(&drv_uio_info);
	platform_device_unregister(drv_uio_pdev);
}

module_init(drv_uio_init);
module_exit(drv_uio_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("An ISA interrupt line for a drvgen userspace driver, through UIO");
MODULE_VERSION("1.0.0");
