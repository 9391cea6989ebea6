/* SPDX-License-Identifier: MIT */
/* kmod.h - the parts of the kernel-module runtime, and what they share.
 *
 *   drv_kmod.c   the driver: registration (PCI or ISA), probe and removal
 *                of instances, in order
 *   kmod_res.c   an instance's resources: BARs, ports, configuration
 *                space, interrupt vectors, DMA (coherent and streaming),
 *                timers
 *   kmod_call.c  the misc devices and the DRV_IOC_CALL transport: calls
 *                from userspace into the generated dispatch
 *
 * The author's code (hooks, handlers, the IRQ and timer hooks) runs under
 * one spinlock per instance with interrupts off: it never runs concurrently
 * with itself and never sleeps, which is what drv_driver.h promises it on
 * both targets. That lock also guards every call's state, since every
 * reply comes from author code or from removal.
 */
#ifndef DRV_KMOD_INTERNAL_H
#define DRV_KMOD_INTERNAL_H

#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>

#include "drv_kmod.h"

struct drv_kinst;

/* One interface served by one instance: a misc device. */
struct drv_object {
	struct drv_kinst *inst;
	const struct drv_interface *iface;
	void *self; /* the generated object struct, inside the author's */
	struct miscdevice misc;
};

struct drv_kirq {
	struct drv_kinst *inst;
	unsigned int index; /* in desc->irqs: what the IRQ hook is told */
	unsigned int irq;   /* Linux's number */
};

/* A timer of the manifest (drv_driver.h's drv_timer_arm). */
struct drv_timer {
	struct hrtimer hr;
	struct drv_kinst *inst;
	unsigned int index;
	/* under the instance lock: */
	bool armed;
	u64 period_ns; /* 0: one shot */
};

/* A page buffer lent for a call: the caller's pages, pinned, mapped
 * contiguously in the kernel so the handler may touch it in any context,
 * and as a scatter list, for streaming DMA. */
struct drv_kpages {
	struct page **pages;
	unsigned long npages;
	struct mm_struct *mm; /* whose locked memory they are accounted to */
	unsigned int offset; /* of the buffer's first byte in the first page */
	void *vaddr;
	struct sg_table sgt;
	bool mapped; /* sgt is DMA-mapped (at most once at a time) */
};

/* What every call's transport state starts with, however the call came
 * (an ioctl, or later a block or network class adapter): its page
 * buffers, which streaming DMA maps. */
struct drv_kcall_pages {
	struct drv_kpages pages[DRV_MAX_CAPS];
	unsigned int npinned;
};

struct drv_dma_slot {
	struct drv_dma_stream *stream;
	struct drv_call *call; /* NULL: free */
	struct drv_kpages *pages;
	enum dma_data_direction dir;
	struct drv_dma_segment *seg;
};

struct drv_dma_stream {
	struct drv_kinst *inst;
	const struct drv_dma_desc *desc;
	unsigned int nslots, max_segments;
	struct drv_dma_slot *slots;
	struct drv_dma_segment *segments; /* nslots * max_segments */
};

/* One device the driver drives. Open files hold references, so a removed
 * instance lives on (dead) until the last one closes. */
struct drv_kinst {
	struct kref ref;
	struct drv_kmod *kmod;
	const struct drv_driver_desc *desc;
	struct pci_dev *pdev; /* NULL for ISA */
	struct device *dev;   /* the PCI or ISA device */
	int number;           /* among the driver's devices; -1 until numbered */
	int instance;         /* its protocols' instance (drv_kregistry); -1 until given */
	char *name;           /* "edu0": driver and number, for the IRQ and misc names */

	spinlock_t lock; /* the author's code, and the state of every call */
	bool dead;       /* removed: no call reaches the driver any more */
	void *drv;       /* the author's struct, *desc->size bytes */
	struct list_head deferred; /* calls the driver holds, unanswered */
	struct list_head shutdown; /* answered at removal, held until stop */
	u8 *event;                 /* what generated emitters encode into */

	/* what was acquired, for the teardown */
	bool inited;
	bool vectors; /* pci_alloc_irq_vectors succeeded */
	unsigned int nports;
	unsigned long port_base[DRV_MAX_RESOURCES];
	unsigned int nirqs;
	struct drv_kirq irqs[DRV_MAX_RESOURCES];
	struct drv_timer *timers[DRV_MAX_RESOURCES];
	struct drv_dma_stream *streams[DRV_MAX_RESOURCES];
	unsigned int nattached;
	unsigned int nregistered;
	struct drv_object objs[]; /* desc->ninterfaces */
};

/* ---- drv_kmod.c ---- */

/* Protocol instance numbers are shared by every drvgen module: two drivers
 * serving dev::serial make /dev/drvgen/dev::serial/0 and .../1. The
 * lowest number free in all of the driver's interfaces, or a negative
 * errno; given back at removal. */
int drv_kregistry_take(const struct drv_driver_desc *desc);
void drv_kregistry_give(const struct drv_driver_desc *desc, int n);

/* ---- kmod_res.c ---- */

int drv_kres_acquire(struct drv_kinst *inst, struct drv_resources *res);
int drv_kres_irqs(struct drv_kinst *inst);
void drv_kres_free_irqs(struct drv_kinst *inst);
void drv_kres_cancel_timers(struct drv_kinst *inst);
void drv_kres_release(struct drv_kinst *inst);
/* Unmaps what the driver still has mapped of a call it answered. Under
 * the instance lock. */
void drv_kres_release_call(struct drv_kinst *inst, struct drv_call *call);

/* ---- kmod_call.c ---- */

extern const struct file_operations drv_kmod_fops_template;
int drv_kcall_publish(struct drv_kinst *inst);
/* Answers every deferred call with DRV_STATUS_SHUTDOWN (under the lock),
 * and frees them once the driver's stop hook has run. */
void drv_kcall_shutdown_locked(struct drv_kinst *inst);
void drv_kcall_free_shutdown(struct drv_kinst *inst);
void drv_kinst_release(struct kref *ref);

#endif
