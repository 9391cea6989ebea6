/* SPDX-License-Identifier: MIT */
/* kmod_compat.h - every kernel interface the runtime uses that changed
 * between the kernels it supports (docs/drivers.md, "Supported kernels"),
 * in one place, so that the .c files read as code for one kernel.
 *
 * Each guard tests LINUX_VERSION_CODE against the release that made the
 * change, and says what changed; the .c files use the name or helper
 * defined here, never a version test of their own. How to add one:
 * docs/internals.md, "Kernel versions".
 */
#ifndef DRV_KMOD_COMPAT_H
#define DRV_KMOD_COMPAT_H

#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/version.h>

/* 6.8 renamed PCI_IRQ_LEGACY to PCI_IRQ_INTX; later kernels removed the old
 * name (6.12 has none). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

/* 6.11 made platform_driver's .remove return void (it returned int, which
 * the core ignored). DRV_PLATFORM_REMOVE(name, fn) defines the .remove
 * callback name, which calls void fn(struct platform_device *). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define DRV_PLATFORM_REMOVE(name, fn)                                                              \
	static void name(struct platform_device *pdev)                                             \
	{                                                                                          \
		fn(pdev);                                                                          \
	}
#else
#define DRV_PLATFORM_REMOVE(name, fn)                                                              \
	static int name(struct platform_device *pdev)                                              \
	{                                                                                          \
		fn(pdev);                                                                          \
		return 0;                                                                          \
	}
#endif

#endif
