// SPDX-License-Identifier: MIT
/* drv_kmod.c - the kernel-module runtime, drvgen.ko: a drvgen driver description
 * (drv_driver.h) registered with the PCI core or, for an ISA device, as a
 * platform device, and its
 * instances probed and removed in order.
 *
 * For each device it drives, the runtime acquires exactly the resources
 * the manifest lists (kmod_res.c), hands them to the generated bind, runs
 * the author's hooks, and makes one misc device per interface the driver
 * serves, at /dev/drvgen/<interface>/<instance> (kmod_call.c).
 *
 * The runtime is one module every driver module depends on, as a class
 * core is in Linux: one copy of it in memory, one registry of protocol
 * instance numbers for all drivers, and the class adapters of block and
 * network drivers written once. Its exports are GPL-only; the driver
 * modules drvgen generates are Dual MIT/GPL. A driver module built against
 * other runtime headers is refused at load (modversions).
 */
#include <linux/mutex.h>
#include <linux/slab.h>

#include "kmod.h"
#include "kmod_compat.h"

/* ---- protocol instance numbers ---- */

struct drv_kregistry_entry {
	struct list_head node;
	const char *interface;
	int n;
	struct drv_object *obj; /* once published */
};

static LIST_HEAD(drv_kregistry);
static DEFINE_MUTEX(drv_kregistry_lock);

static bool drv_kregistry_taken(const char *interface, int n)
{
	struct drv_kregistry_entry *e;

	list_for_each_entry(e, &drv_kregistry, node)
		if (e->n == n && !strcmp(e->interface, interface))
			return true;
	return false;
}

int drv_kregistry_take(const struct drv_driver_desc *desc)
{
	struct drv_kregistry_entry *e[DRV_MAX_RESOURCES];
	unsigned int i;
	int n = 0;

	if (desc->ninterfaces > DRV_MAX_RESOURCES)
		return -EINVAL;
	for (i = 0; i < desc->ninterfaces; i++) {
		e[i] = kzalloc(sizeof(*e[i]), GFP_KERNEL);
		if (!e[i]) {
			while (i-- > 0)
				kfree(e[i]);
			return -ENOMEM;
		}
	}
	mutex_lock(&drv_kregistry_lock);
	for (i = 0; i < desc->ninterfaces;) {
		if (drv_kregistry_taken(desc->interfaces[i]->name, n)) {
			n++;
			i = 0;
		} else {
			i++;
		}
	}
	for (i = 0; i < desc->ninterfaces; i++) {
		/* the name lives in the driver module, which outlives the entry */
		e[i]->interface = desc->interfaces[i]->name;
		e[i]->n = n;
		list_add_tail(&e[i]->node, &drv_kregistry);
	}
	mutex_unlock(&drv_kregistry_lock);
	return n;
}

void drv_kregistry_publish(struct drv_kinst *inst)
{
	struct drv_kregistry_entry *e;
	unsigned int i;

	mutex_lock(&drv_kregistry_lock);
	list_for_each_entry(e, &drv_kregistry, node)
		for (i = 0; i < inst->desc->ninterfaces; i++)
			if (e->n == inst->instance && e->interface == inst->desc->interfaces[i]->name)
				e->obj = &inst->objs[i];
	mutex_unlock(&drv_kregistry_lock);
}

struct drv_object *drv_kregistry_find(const char *interface, unsigned int n)
{
	struct drv_kregistry_entry *e;
	struct drv_object *obj = NULL;

	mutex_lock(&drv_kregistry_lock);
	list_for_each_entry(e, &drv_kregistry, node)
		if (e->obj && e->n == (int)n && !strcmp(e->interface, interface)) {
			obj = e->obj;
			kref_get(&obj->inst->ref);
			break;
		}
	mutex_unlock(&drv_kregistry_lock);
	return obj;
}

void drv_kregistry_give(const struct drv_driver_desc *desc, int n)
{
	struct drv_kregistry_entry *e, *next;
	unsigned int i;

	mutex_lock(&drv_kregistry_lock);
	for (i = 0; i < desc->ninterfaces; i++)
		list_for_each_entry_safe(e, next, &drv_kregistry, node)
			if (e->n == n && e->interface == desc->interfaces[i]->name) {
				list_del(&e->node);
				kfree(e);
				break;
			}
	mutex_unlock(&drv_kregistry_lock);
}

/* Runs a hook under the instance lock. */
static void drv_kinst_hook(struct drv_kinst *inst, void (*hook)(void *drv))
{
	unsigned long flags;

	if (!hook)
		return;
	spin_lock_irqsave(&inst->lock, flags);
	hook(inst->drv);
	spin_unlock_irqrestore(&inst->lock, flags);
}

/* Undoes what was acquired, in reverse (a whole removal, or a failed
 * probe), and drops the probe's reference. */
static void drv_kinst_teardown(struct drv_kinst *inst)
{
	const struct drv_driver_desc *desc = inst->desc;
	unsigned long flags;
	unsigned int i;

	/* the OS's devices first, while the driver still answers them */
	drv_kclass_detach(inst);
	/* no new clients */
	for (i = inst->nregistered; i-- > 0;)
		misc_deregister(&inst->objs[i].misc);

	/* no new calls; those the driver holds are answered now */
	spin_lock_irqsave(&inst->lock, flags);
	WRITE_ONCE(inst->dead, true); /* the ioctl's early check reads it unlocked */
	drv_kpm_drop_open_locked(inst);
	drv_kcall_shutdown_locked(inst);
	for (i = 0; i < inst->nattached; i++)
		inst->objs[i].iface->attach(inst->objs[i].self, NULL);
	spin_unlock_irqrestore(&inst->lock, flags);

	drv_kres_free_irqs(inst);
	drv_kres_cancel_timers(inst);
	if (inst->inited)
		drv_kinst_hook(inst, desc->stop);
	drv_kcall_free_shutdown(inst);
	drv_kclass_release(inst);

	drv_kres_release(inst);
	kvfree(inst->drv);
	inst->drv = NULL;
	kvfree(inst->event);
	inst->event = NULL;
	if (inst->instance >= 0)
		drv_kregistry_give(desc, inst->instance);
	if (inst->number >= 0)
		ida_free(&inst->kmod->instances, inst->number);
	/* the mappings, DMA buffers and vectors are the device's managed
	 * resources, released once remove returns */
	kref_put(&inst->ref, drv_kinst_release);
}

/* Runs the hook under the instance lock; its result. */
static int drv_kinst_init(struct drv_kinst *inst)
{
	unsigned long flags;
	int ret;

	if (!inst->desc->init)
		return 0;
	spin_lock_irqsave(&inst->lock, flags);
	ret = inst->desc->init(inst->drv);
	spin_unlock_irqrestore(&inst->lock, flags);
	return ret;
}

/* Drives one device: a PCI one (pdev), or the ISA driver's fixed
 * resources (dev), in the order docs/drivers.md gives. */
static int drv_kinst_probe(struct drv_kmod *kmod, struct pci_dev *pdev, struct device *dev,
			   struct drv_kinst **out)
{
	const struct drv_driver_desc *desc = kmod->desc;
	struct drv_resources *res;
	struct drv_kinst *inst;
	int ret;

	if (!drv_desc_usable(desc))
		return -EINVAL;
	inst = kzalloc(struct_size(inst, objs, desc->ninterfaces), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	kref_init(&inst->ref);
	inst->kmod = kmod;
	inst->desc = desc;
	inst->pdev = pdev;
	inst->dev = dev;
	spin_lock_init(&inst->lock);
	INIT_LIST_HEAD(&inst->deferred);
	INIT_LIST_HEAD(&inst->shutdown);
	inst->instance = -1;
	inst->number = ida_alloc(&kmod->instances, GFP_KERNEL);
	if (inst->number < 0) {
		ret = inst->number;
		goto fail;
	}
	inst->instance = drv_kregistry_take(desc);
	if (inst->instance < 0) {
		ret = inst->instance;
		goto fail;
	}
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	inst->name = kasprintf(GFP_KERNEL, "%s%d", desc->name, inst->number);
	inst->drv = kvzalloc(*desc->size ? *desc->size : 1, GFP_KERNEL);
	inst->event = kvzalloc(DRV_MAX_PAYLOAD, GFP_KERNEL);
	if (!res || !inst->name || !inst->drv || !inst->event) {
		ret = -ENOMEM;
		goto fail_res;
	}
	res->instance = (unsigned int)inst->instance;

	if (pdev) {
		ret = pcim_enable_device(pdev);
		if (ret)
			goto fail_res;
	}
	ret = drv_kres_acquire(inst, res);
	if (!ret)
		ret = desc->bind(inst->drv, res);
	if (ret)
		goto fail_res;
	kfree(res);
	res = NULL;

	ret = drv_kinst_init(inst);
	if (ret) {
		dev_err(dev, "%s: init: %d\n", desc->name, ret);
		goto fail;
	}
	inst->inited = true;
	ret = drv_kres_irqs(inst);
	if (!ret)
		ret = drv_kcall_publish(inst);
	if (ret)
		goto fail;
	drv_kinst_hook(inst, desc->start);
	drv_kregistry_publish(inst);
	drv_kclass_attach(inst);
	dev_info(dev, "%s: %s, protocols at instance %d\n", desc->name, inst->name, inst->instance);
	*out = inst;
	return 0;

fail_res:
	kfree(res);
fail:
	dev_err(dev, "%s: probe failed: %d\n", desc->name, ret);
	drv_kinst_teardown(inst);
	return ret;
}

/* ---- PCI ---- */

static int drv_kmod_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct drv_kmod *kmod =
		container_of(to_pci_driver(pdev->dev.driver), struct drv_kmod, pci_driver);
	struct drv_kinst *inst;
	int ret = drv_kinst_probe(kmod, pdev, &pdev->dev, &inst);

	if (ret)
		return ret;
	pci_set_drvdata(pdev, inst);
	drv_kpm_enable(inst);
	return 0;
}

static void drv_kmod_pci_remove(struct pci_dev *pdev)
{
	struct drv_kinst *inst = pci_get_drvdata(pdev);

	drv_kpm_disable(inst);
	drv_kinst_teardown(inst);
}

/*
 * The PCI core probes a driver only for devices no other driver holds, and
 * says nothing about the others: a module that loaded and made no device
 * looks like success. So the runtime looks, after registering, at every
 * device its table matches and names the ones another driver holds; if
 * that leaves it with none, loading fails with -EBUSY.
 */
static int drv_kmod_check_owners(struct drv_kmod *kmod)
{
	struct pci_dev *pdev = NULL;
	unsigned int ours = 0, theirs = 0;

	for_each_pci_dev(pdev) {
		struct device_driver *drv;

		if (!pci_match_id(kmod->pci_driver.id_table, pdev))
			continue;
		device_lock(&pdev->dev);
		drv = pdev->dev.driver;
		if (drv == &kmod->pci_driver.driver) {
			ours++;
		} else if (drv) {
			theirs++;
			dev_warn(&pdev->dev,
				 "%s: not driving %s: it is bound to %s (echo %s > /sys/bus/pci/drivers/%s/unbind)\n",
				 kmod->desc->name, pci_name(pdev), drv->name, pci_name(pdev), drv->name);
		}
		device_unlock(&pdev->dev);
	}
	return theirs && !ours ? -EBUSY : 0;
}

/* ---- ISA ---- */

/* A legacy device is a platform device, as the kernel's own 8250 ISA ports
 * are: a struct device for the log, sysfs and misc devices to hang from. */
static int drv_kmod_isa_probe(struct platform_device *pdev)
{
	struct drv_kmod *kmod =
		container_of(to_platform_driver(pdev->dev.driver), struct drv_kmod, isa_driver);
	struct drv_kinst *inst;
	int ret = drv_kinst_probe(kmod, NULL, &pdev->dev, &inst);

	kmod->isa_probed = ret;
	if (ret)
		return ret;
	platform_set_drvdata(pdev, inst);
	return 0;
}

static void drv_kmod_isa_teardown(struct platform_device *pdev)
{
	drv_kinst_teardown(platform_get_drvdata(pdev));
}

DRV_PLATFORM_REMOVE(drv_kmod_isa_remove, drv_kmod_isa_teardown)

/* Fixed ports and lines are the device's identity: it is there, or the
 * probe fails and so does loading. */
static int drv_kmod_register_isa(struct drv_kmod *kmod)
{
	int ret;

	kmod->isa_driver = (struct platform_driver){
		.probe = drv_kmod_isa_probe,
		.remove = drv_kmod_isa_remove,
		.driver = {.name = kmod->desc->name, .owner = kmod->owner},
	};
	kmod->isa_probed = -ENODEV;
	ret = platform_driver_register(&kmod->isa_driver);
	if (ret)
		return ret;
	kmod->isa_device = platform_device_register_simple(kmod->desc->name, PLATFORM_DEVID_NONE,
							   NULL, 0);
	if (IS_ERR(kmod->isa_device))
		ret = PTR_ERR(kmod->isa_device);
	else
		ret = kmod->isa_probed;
	if (ret) {
		if (!IS_ERR(kmod->isa_device))
			platform_device_unregister(kmod->isa_device);
		platform_driver_unregister(&kmod->isa_driver);
		kmod->isa_device = NULL;
	}
	return ret;
}

/* ---- the driver ---- */

int drv_kmod_register(struct drv_kmod *kmod, const struct drv_driver_desc *desc,
		      const struct pci_device_id *ids, struct module *owner)
{
	int ret;

	kmod->desc = desc;
	kmod->owner = owner;
	kmod->pci = false;
	kmod->isa_device = NULL;
	ida_init(&kmod->instances);
	atomic_set(&kmod->calls, 0);
	kmod->fops = drv_kmod_fops_template;
	kmod->fops.owner = owner;
	kmod->wq = alloc_workqueue("%s", 0, 0, desc->name);
	if (!kmod->wq)
		return -ENOMEM;
	if (ids) {
		kmod->pci_driver = (struct pci_driver){
			.name = desc->name,
			.id_table = ids,
			.probe = drv_kmod_pci_probe,
			.remove = drv_kmod_pci_remove,
			.driver.pm = desc->suspend && desc->resume ? &drv_kpm_ops : NULL,
		};
		ret = __pci_register_driver(&kmod->pci_driver, owner, KBUILD_MODNAME);
		kmod->pci = !ret;
		if (!ret) {
			ret = drv_kmod_check_owners(kmod);
			if (ret) {
				pci_unregister_driver(&kmod->pci_driver);
				kmod->pci = false;
			}
		}
	} else {
		ret = drv_kmod_register_isa(kmod);
	}
	if (ret) {
		destroy_workqueue(kmod->wq);
		ida_destroy(&kmod->instances);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(drv_kmod_register);

void drv_kmod_unregister(struct drv_kmod *kmod)
{
	if (kmod->pci)
		pci_unregister_driver(&kmod->pci_driver);
	if (kmod->isa_device) {
		platform_device_unregister(kmod->isa_device);
		platform_driver_unregister(&kmod->isa_driver);
	}
	kmod->isa_device = NULL;
	kmod->pci = false;
	/* calls whose caller went away may still be freed from here */
	destroy_workqueue(kmod->wq);
	ida_destroy(&kmod->instances);
}
EXPORT_SYMBOL_GPL(drv_kmod_unregister);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("drvgen: the runtime of drvgen's kernel-module drivers");
