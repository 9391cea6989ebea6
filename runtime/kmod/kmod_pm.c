// SPDX-License-Identifier: MIT
/* kmod_pm.c - power, for a PCI driver whose manifest has a power section
 * (its desc has suspend and resume hooks, and idle_ns).
 *
 * Runtime PM: the device is in use while a client has one of its nodes
 * open (every open holds a usage count). idle_ns after the last one
 * closes, the PM core calls the suspend hook and the PCI core saves the
 * configuration space and puts the device in D3hot (where it has the PM
 * capability); the next open wakes it, restoring D0 and the configuration,
 * and the resume hook runs before the open returns. A suspend hook's error
 * keeps the device awake until the next close.
 *
 * System sleep uses the same hooks: pm_runtime_force_suspend and
 * pm_runtime_force_resume run them unless the device already sleeps.
 */
#include <linux/pm_runtime.h>

#include "kmod.h"

/* A hook under the instance lock, as every hook runs. */
static int drv_kpm_hook(struct device *dev, bool resume)
{
	struct drv_kinst *inst = dev_get_drvdata(dev);
	unsigned long flags;
	int ret = 0;

	if (!inst)
		return 0;
	spin_lock_irqsave(&inst->lock, flags);
	if (!inst->dead)
		ret = resume ? inst->desc->resume(inst->drv) : inst->desc->suspend(inst->drv);
	spin_unlock_irqrestore(&inst->lock, flags);
	if (ret)
		dev_info(dev, "%s: %s: %d\n", inst->desc->name, resume ? "resume" : "suspend", ret);
	return ret;
}

static int drv_kpm_runtime_suspend(struct device *dev)
{
	/* -EBUSY: the PM core keeps the device active, not in error */
	return drv_kpm_hook(dev, false) ? -EBUSY : 0;
}

static int drv_kpm_runtime_resume(struct device *dev)
{
	return drv_kpm_hook(dev, true);
}

const struct dev_pm_ops drv_kpm_ops = {
	SET_SYSTEM_SLEEP_PM_OPS(pm_runtime_force_suspend, pm_runtime_force_resume)
	SET_RUNTIME_PM_OPS(drv_kpm_runtime_suspend, drv_kpm_runtime_resume, NULL)
};

static bool drv_kpm_used(const struct drv_kinst *inst)
{
	return inst->pdev && inst->desc->suspend && inst->desc->resume;
}

void drv_kpm_enable(struct drv_kinst *inst)
{
	struct device *dev = inst->dev;

	if (!drv_kpm_used(inst))
		return;
	pm_runtime_set_autosuspend_delay(dev, (int)div_u64(inst->desc->idle_ns, NSEC_PER_MSEC));
	pm_runtime_use_autosuspend(dev);
	/* PCI devices start with runtime PM forbidden (power/control "on") */
	pm_runtime_allow(dev);
	pm_runtime_mark_last_busy(dev);
	/* the PCI core held the device awake for the probe */
	pm_runtime_put_autosuspend(dev);
}

void drv_kpm_disable(struct drv_kinst *inst)
{
	struct device *dev = inst->dev;

	if (!drv_kpm_used(inst))
		return;
	/* the PCI core woke it for the removal; this takes back the probe's put */
	pm_runtime_get_noresume(dev);
	pm_runtime_forbid(dev);
	pm_runtime_dont_use_autosuspend(dev);
}

int drv_kpm_open(struct drv_kinst *inst)
{
	unsigned long flags;
	int ret;

	if (!drv_kpm_used(inst))
		return 0;
	ret = pm_runtime_resume_and_get(inst->dev);
	if (ret)
		return ret;
	spin_lock_irqsave(&inst->lock, flags);
	if (inst->dead)
		pm_runtime_put_noidle(inst->dev); /* removed meanwhile: the count is gone with it */
	else
		inst->pm_open++;
	spin_unlock_irqrestore(&inst->lock, flags);
	return 0;
}

void drv_kpm_close(struct drv_kinst *inst)
{
	unsigned long flags;

	if (!drv_kpm_used(inst))
		return;
	/* under the lock: removal, which drops the counts of files still
	 * open, sets dead under it before the device can go */
	spin_lock_irqsave(&inst->lock, flags);
	if (!inst->dead && inst->pm_open) {
		inst->pm_open--;
		pm_runtime_mark_last_busy(inst->dev);
		pm_runtime_put_autosuspend(inst->dev);
	}
	spin_unlock_irqrestore(&inst->lock, flags);
}

void drv_kpm_drop_open_locked(struct drv_kinst *inst)
{
	for (; inst->pm_open; inst->pm_open--)
		pm_runtime_put_noidle(inst->dev);
}
