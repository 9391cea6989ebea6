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
 *   kmod_client.c  kernel clients (drv_client.h): calls from kernel code
 *                into the same dispatch
 *   kmod_class.c the device classes whose objects get an OS device on top
 *   kmod_blk.c   the block device class adapter: a blk-mq disk on top of
 *                every blk::device object
 *   kmod_net.c   the network device class adapter: a net_device on top of
 *                every net::nic object
 *   kmod_pm.c    power: runtime PM while no client has the device open,
 *                and system sleep, through the suspend and resume hooks
 *   kmod_compat.h  the guards for the interfaces that differ between the
 *                kernels the runtime builds against
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

#include "drv_client.h"
#include "drv_kmod.h"

struct drv_kinst;

/* One interface served by one instance: a misc device. */
struct drv_object {
	struct drv_kinst *inst;
	const struct drv_interface *iface;
	void *self; /* the generated object struct, inside the author's */
	struct miscdevice misc;
	void *adapter; /* its class adapter's state (kmod_class.c), or NULL */
	struct list_head kclients; /* kernel clients connected to it (kmod_client.c) */
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

/* A call in the driver, however it came: from a program (an ioctl,
 * kmod_call.c) or from kernel code (a kernel client, kmod_client.c). */
enum drv_kcall_state {
	KCALL_DISPATCHING,    /* in the dispatch */
	KCALL_ANSWERED_EARLY, /* finished before its handler returned DRV_DEFER */
	KCALL_DEFERRED,       /* the driver holds it */
	KCALL_ANSWERED,       /* status final */
};

struct drv_kcall {
	struct drv_kcall_pages cp; /* first: what call.transport points at */
	struct drv_call call;
	struct drv_kinst *inst;
	/* a kernel client's call: its pending, completed when answered;
	 * NULL for a program's (or a kernel client's send) */
	struct drv_pending *pending;
	bool kernel; /* a kernel client's: one allocation, nothing pinned */
	struct workqueue_struct *wq; /* where its last reference is dropped from IRQ context */
	/* under the instance lock: */
	enum drv_kcall_state state;
	u32 status;
	unsigned int refs; /* the waiting ioctl; the driver while it holds the call */
	bool waiting;      /* an ioctl sleeps on done */
	struct list_head node; /* the instance's deferred or shutdown list */
	unsigned long lock_flags; /* drv_call_enter's, for drv_call_leave */

	struct completion done;
	struct work_struct free_work;
	u8 *msg;     /* the message, header first (an ioctl's); the payload (a kernel client's) */
	u8 *reply;   /* the reply's payload */
	u8 *scratch; /* the decoder's room */
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
	unsigned int pm_open; /* open files holding a runtime PM count (kmod_pm.c) */
	struct drv_object objs[]; /* desc->ninterfaces */
};

/* ---- drv_kmod.c ---- */

/* Protocol instance numbers are shared by every drvgen module: two drivers
 * serving dev::serial make /dev/drvgen/dev::serial/0 and .../1. The
 * lowest number free in all of the driver's interfaces, or a negative
 * errno; given back at removal. */
int drv_kregistry_take(const struct drv_driver_desc *desc);
void drv_kregistry_give(const struct drv_driver_desc *desc, int n);
/* Once its objects are ready: they can be found by name and number. */
void drv_kregistry_publish(struct drv_kinst *inst);
/* The object serving interface at number n, with a reference on its
 * instance (kref_put with drv_kinst_release), or NULL. */
struct drv_object *drv_kregistry_find(const char *interface, unsigned int n);

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

/* Runs kc through obj's dispatch, which takes the instance lock around
 * the handler alone (drv_call_enter), and returns with the lock held
 * (*flags), for the caller's bookkeeping. DRV_DEFER: the driver holds the
 * call (on the deferred list; call->finish runs when it answers); else
 * the reply's status, and the call is the caller's again. */
int drv_kcall_dispatch(struct drv_object *obj, struct drv_kcall *kc, unsigned long *flags)
	__acquires(&obj->inst->lock);
/* call->finish of every call: the driver's deferred answer (under the
 * lock). */
void drv_kcall_finish(struct drv_call *call, uint32_t status);

extern const struct file_operations drv_kmod_fops_template;
int drv_kcall_publish(struct drv_kinst *inst);
/* Answers every deferred call with DRV_STATUS_SHUTDOWN (under the lock),
 * and frees them once the driver's stop hook has run. */
void drv_kcall_shutdown_locked(struct drv_kinst *inst);
void drv_kcall_free_shutdown(struct drv_kinst *inst);
void drv_kinst_release(struct kref *ref);

/* ---- kmod_client.c ---- */

/* A kernel client's call answered with status, under the instance lock:
 * its pending completes. Freeing the call is the caller's (at once, or
 * after the stop hook for a call answered at removal). */
void drv_kclient_answered_locked(struct drv_kcall *kc, u32 status);
void drv_kclient_free(struct drv_kcall *kc);
/* Delivers an event the driver emits (under the lock) to the kernel
 * clients listening: 0, or -DRV_E_CONNECTION when none is. */
int drv_kclient_event_locked(struct drv_object *obj, uint64_t label, const u8 *msg, u32 len);

/* ---- kmod_pm.c ---- */

/* The PCI driver's dev_pm_ops when its desc has suspend and resume. */
extern const struct dev_pm_ops drv_kpm_ops;
/* After the probe (drvdata set) and before the removal's teardown. */
void drv_kpm_enable(struct drv_kinst *inst);
void drv_kpm_disable(struct drv_kinst *inst);
/* A client opens (wakes the device: 0 or a negative errno) and closes. */
int drv_kpm_open(struct drv_kinst *inst);
void drv_kpm_close(struct drv_kinst *inst);
/* Removal, under the lock once dead is set: the open files' counts go. */
void drv_kpm_drop_open_locked(struct drv_kinst *inst);

/* ---- kmod_class.c, kmod_blk.c, kmod_net.c ---- */

/* After the start hook: the OS device of every object of a device class
 * (logged and left out when one cannot be made). */
void drv_kclass_attach(struct drv_kinst *inst);
/* First thing at removal, while the driver still answers: no new
 * requests. */
void drv_kclass_detach(struct drv_kinst *inst);
/* After the stop hook, every call answered: the adapters' memory. */
void drv_kclass_release(struct drv_kinst *inst);
int drv_kblk_attach(struct drv_object *obj);
void drv_kblk_detach(struct drv_object *obj);
void drv_kblk_release(struct drv_object *obj);
int drv_knet_attach(struct drv_object *obj);
void drv_knet_detach(struct drv_object *obj);
void drv_knet_release(struct drv_object *obj);

#endif
