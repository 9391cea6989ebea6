/* SPDX-License-Identifier: MIT */
/* drv_kmod.h - a drvgen driver as a Linux kernel module.
 *
 * The generated <driver>_kmod.c registers the generated driver description
 * from its module_init and unregisters it from its module_exit; everything
 * between (probing, the author's hooks, serving calls through misc devices)
 * is the runtime's (drv_kmod.c and the files runtime/kmod/kmod.h lists).
 * docs/drivers.md describes the target.
 */
#ifndef DRV_KMOD_H
#define DRV_KMOD_H

#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/workqueue.h>

#include "drv_driver.h"

struct drv_kinst;

/* One registered driver. The generated module keeps it in a static; only
 * the runtime looks inside. */
struct drv_kmod {
	const struct drv_driver_desc *desc;
	struct module *owner;
	bool pci;                     /* registered with the PCI core */
	struct pci_driver pci_driver; /* built from desc and the ids table */
	/* An ISA driver: its one device, on the platform bus (x86_64
	 * kernels have no ISA bus API), and the result of probing it. */
	struct platform_driver isa_driver;
	struct platform_device *isa_device;
	int isa_probed;
	struct file_operations fops;  /* its .owner pins the module while a file is open */
	/* Frees deferred calls whose caller went away: their pages are
	 * unmapped in process context, and the queue is drained before the
	 * module's code goes. */
	struct workqueue_struct *wq;
	struct ida instances; /* instance numbers, lowest free first */
	atomic_t calls;       /* calls of every device alive (drv_kcall_get) */
};

/* Registers a driver: with the PCI core when ids is its match table, or
 * (ids NULL) as an ISA driver of fixed ports and lines, a platform device
 * probed at once as instance 0. 0, or a negative errno: a failed ISA probe, or -EBUSY when
 * every device the table matches is held by another driver (the log names
 * each and the driver holding it). */
int drv_kmod_register(struct drv_kmod *kmod, const struct drv_driver_desc *desc,
		      const struct pci_device_id *ids, struct module *owner);
/* Removes every instance: its calls still deferred are answered with
 * DRV_STATUS_SHUTDOWN, files still open fail with -ENODEV. */
void drv_kmod_unregister(struct drv_kmod *kmod);

#endif
