/* drv_kmod.h - a drvgen driver as a Linux kernel module.
 *
 * The generated <driver>_kmod.c registers the generated driver description
 * from its module_init and unregisters it from its module_exit; everything
 * between (probing, the author's hooks, serving calls through misc devices)
 * is drv_kmod.c's. docs: contract "Kernel target", drv_driver.h.
 */
#ifndef DRV_KMOD_H
#define DRV_KMOD_H

#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/workqueue.h>

#include "drv_driver.h"

struct drv_kinst;

/* One registered driver. The generated module keeps it in a static; only
 * drv_kmod.c looks inside. */
struct drv_kmod {
	const struct drv_driver_desc *desc;
	struct module *owner;
	bool pci;                     /* registered with the PCI core (else ISA) */
	struct pci_driver pci_driver; /* built from desc and the ids table */
	struct file_operations fops;  /* its .owner pins the module while a file is open */
	/* Frees deferred calls whose caller went away: their pages are
	 * unmapped in process context, and the queue is drained before the
	 * module's code goes. */
	struct workqueue_struct *wq;
	struct ida instances;  /* instance numbers, lowest free first */
	struct drv_kinst *isa; /* the ISA driver's one instance */
};

/* Registers a driver: with the PCI core when ids is its match table, or
 * (ids NULL) as an ISA driver of fixed ports and lines, probed at once as
 * instance 0. 0, or a negative errno (a failed ISA probe is one). */
int drv_kmod_register(struct drv_kmod *kmod, const struct drv_driver_desc *desc,
		      const struct pci_device_id *ids, struct module *owner);
/* Removes every instance: its calls still deferred are answered with
 * DRV_STATUS_SHUTDOWN, files still open fail with -ENODEV. */
void drv_kmod_unregister(struct drv_kmod *kmod);

#endif
