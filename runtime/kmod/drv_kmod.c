/* drv_kmod.c - the kernel-module runtime: a drvgen driver description
 * (drv_driver.h) probed on PCI or ISA and served through misc devices.
 *
 * For each device it drives, the runtime acquires exactly the resources
 * the manifest lists, hands them to the generated bind, runs the author's
 * hooks, and makes one misc device per interface the driver serves, at
 * /dev/drvgen/<interface>/<instance>. A client's DRV_IOC_CALL
 * (drv_ioctl.h) carries the same message bytes as the userspace socket
 * transport into the generated dispatch, with the same checks and
 * statuses as runtime/user/drv_server.c.
 *
 * The author's code (hooks, handlers, the IRQ hook) runs under one
 * spinlock per instance with interrupts off: it never runs concurrently
 * with itself and never sleeps, which is what drv_driver.h promises it on
 * both targets. That lock also guards every call's state, since every
 * reply comes from author code (a handler, the IRQ hook) or from removal.
 *
 * A call's memory (the message, the reply, the decoder's scratch, the
 * pinned page buffers) is shared by the ioctl that waits for it and by the
 * driver, which may keep a deferred call; each holds a reference, counted
 * under the instance lock, and the last one frees it. Freeing unmaps and
 * unpins pages, which needs process context, so a call whose last
 * reference goes in interrupt context is freed from a work item.
 */
#include <linux/build_bug.h>
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "drv_ioctl.h"
#include "drv_kmod.h"

static_assert(DRV_IOC_MAX_CAPS == DRV_MAX_CAPS);

/* ---- what the runtime keeps ---- */

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

/* One device the driver drives. Open files hold references, so a removed
 * instance lives on (dead) until the last one closes. */
struct drv_kinst {
	struct kref ref;
	struct drv_kmod *kmod;
	const struct drv_driver_desc *desc;
	struct pci_dev *pdev; /* NULL for ISA */
	int instance;         /* -1 until numbered */
	char *name;           /* "edu0": the IRQ's name in /proc/interrupts */

	spinlock_t lock; /* the author's code, and the state of every call */
	bool dead;       /* removed: no call reaches the driver any more */
	void *drv;       /* the author's struct, *desc->size bytes */
	struct list_head deferred; /* calls the driver holds, unanswered */
	struct list_head shutdown; /* answered at removal, held until stop */
	u8 *event;                 /* what generated emitters encode into */

	/* what was acquired, for the teardown */
	bool inited;
	bool msi;
	unsigned int nports;
	unsigned int nirqs;
	struct drv_kirq irqs[DRV_MAX_RESOURCES];
	unsigned int nattached;
	unsigned int nregistered;
	struct drv_object objs[]; /* desc->ninterfaces */
};

enum drv_kcall_state {
	KCALL_DISPATCHING,    /* in the dispatch */
	KCALL_ANSWERED_EARLY, /* finished before its handler returned DRV_DEFER */
	KCALL_DEFERRED,       /* the driver holds it */
	KCALL_ANSWERED,       /* status final */
};

/* A page buffer lent for the call: the caller's pages, pinned, mapped
 * contiguously in the kernel so the handler may touch it in any context. */
struct drv_kpages {
	struct page **pages;
	unsigned long npages;
	void *vaddr;
};

struct drv_kcall {
	struct drv_call call;
	struct workqueue_struct *wq; /* where its last reference is dropped from IRQ context */
	/* under the instance lock: */
	enum drv_kcall_state state;
	u32 status;
	unsigned int refs; /* the waiting ioctl; the driver while it holds the call */
	bool waiting;      /* an ioctl sleeps on done */
	struct list_head node; /* the instance's deferred or shutdown list */

	struct completion done;
	struct work_struct free_work;
	unsigned int npinned; /* caps whose pages[] are held */
	struct drv_kpages pages[DRV_MAX_CAPS];
	u8 *msg;     /* the message, header first */
	u8 *reply;   /* the reply's payload */
	u8 *scratch; /* the decoder's room */
};

/* The call struct, then its buffers, each 8-aligned, in one allocation. */
#define DRV_KCALL_HEAD ALIGN(sizeof(struct drv_kcall), 8)
#define DRV_KCALL_SIZE (DRV_KCALL_HEAD + DRV_MAX_MESSAGE + DRV_MAX_PAYLOAD + DRV_SCRATCH_SIZE)

/* An open file: a client, as a socket connection is one to the server. */
struct drv_kfile {
	struct drv_object *obj;
	bool cut_off; /* it broke the framing, or the protocol closes on malformed */
	struct drv_kcall *spare; /* the last call's memory, kept for the next */
};

/* ---- calls ---- */

static void drv_kcall_unpin(struct drv_kcall *kc)
{
	unsigned int i;

	for (i = 0; i < kc->npinned; i++) {
		struct drv_kpages *p = &kc->pages[i];

		if (!p->npages)
			continue;
		/* the handler wrote through the kernel's alias of the pages */
		flush_kernel_vmap_range(p->vaddr, (int)(p->npages * PAGE_SIZE));
		vunmap(p->vaddr);
		unpin_user_pages_dirty_lock(p->pages, p->npages, true);
		kvfree(p->pages);
	}
	kc->npinned = 0;
}

static void drv_kcall_free(struct drv_kcall *kc)
{
	drv_kcall_unpin(kc);
	kvfree(kc);
}

static void drv_kcall_free_work(struct work_struct *work)
{
	drv_kcall_free(container_of(work, struct drv_kcall, free_work));
}

/* Drops a reference under the instance lock, in any context. */
static void drv_kcall_unref_locked(struct drv_kcall *kc)
{
	if (--kc->refs == 0)
		queue_work(kc->wq, &kc->free_work);
}

/* call->finish: a reply is ready in call->reply. Every caller holds the
 * instance lock: replies come from author code or from removal. */
static void drv_kcall_finish(struct drv_call *call, uint32_t status)
{
	struct drv_kcall *kc = container_of(call, struct drv_kcall, call);

	if (kc->state == KCALL_DISPATCHING) {
		kc->state = KCALL_ANSWERED_EARLY;
		kc->status = status;
		return;
	}
	if (kc->state != KCALL_DEFERRED)
		return; /* answered twice, or at removal: the first answer stands */
	list_del(&kc->node);
	kc->state = KCALL_ANSWERED;
	kc->status = status;
	if (kc->waiting)
		complete(&kc->done);
	drv_kcall_unref_locked(kc); /* the driver's */
}

/* A call's memory: the file's spare one, or a new one. */
static struct drv_kcall *drv_kcall_get(struct drv_kfile *f)
{
	struct drv_kcall *kc = xchg(&f->spare, NULL);

	if (!kc) {
		kc = kvmalloc(DRV_KCALL_SIZE, GFP_KERNEL);
		if (!kc)
			return NULL;
		kc->msg = (u8 *)kc + DRV_KCALL_HEAD;
		kc->reply = kc->msg + DRV_MAX_MESSAGE;
		kc->scratch = kc->reply + DRV_MAX_PAYLOAD;
		kc->wq = f->obj->inst->kmod->wq;
		INIT_WORK(&kc->free_work, drv_kcall_free_work);
	}
	memset(&kc->call, 0, sizeof(kc->call));
	init_completion(&kc->done);
	kc->npinned = 0;
	kc->state = KCALL_ANSWERED; /* nothing to finish until it is dispatched */
	kc->refs = 1;
	kc->waiting = false;
	kc->status = 0;
	return kc;
}

/* The end of a call only this ioctl holds: its memory is kept for the
 * file's next call. */
static void drv_kcall_put(struct drv_kfile *f, struct drv_kcall *kc)
{
	drv_kcall_unpin(kc);
	if (cmpxchg(&f->spare, NULL, kc))
		kvfree(kc);
}

static void drv_kcall_prepare(struct drv_kcall *kc, const struct drv_header *h)
{
	struct drv_call *call = &kc->call;

	call->label = h->label;
	call->request = h->request;
	call->kind = h->kind;
	call->msg = kc->msg + DRV_HEADER_SIZE;
	call->len = h->length;
	call->reply = kc->reply;
	call->reply_cap = DRV_MAX_PAYLOAD;
	call->reply_len = 0;
	call->scratch = kc->scratch;
	call->scratch_cap = DRV_SCRATCH_SIZE;
	call->ncaps = 0;
	call->nreply_caps = 0;
	call->finish = drv_kcall_finish;
	call->transport = kc;
	call->cancelled = false;
}

/* Pins and maps page buffer i. 0, or a negative errno. */
static int drv_kcall_pin(struct drv_kcall *kc, unsigned int i, const struct drv_ioc_cap *cap)
{
	struct drv_kpages *p = &kc->pages[i];
	struct drv_cap *c = &kc->call.caps[i];
	unsigned long addr = (unsigned long)cap->addr;
	unsigned long off = offset_in_page(addr);
	int pinned;

	if (cap->size > DRV_IOC_MAX_PAGES_SIZE || addr != cap->addr || addr + cap->size < addr)
		return -EINVAL;
	p->npages = 0;
	c->kind = DRV_CAP_PAGES;
	c->fd = -1;
	c->pages.data = NULL;
	c->pages.size = 0;
	kc->npinned = i + 1;
	if (!cap->size)
		return 0; /* as a socket's empty memfd: no data */
	p->npages = DIV_ROUND_UP(off + cap->size, PAGE_SIZE);
	p->pages = kvmalloc_array(p->npages, sizeof(*p->pages), GFP_KERNEL);
	if (!p->pages)
		goto none;
	pinned = pin_user_pages_fast(addr - off, (int)p->npages, FOLL_WRITE, p->pages);
	if (pinned != (int)p->npages) {
		if (pinned > 0)
			unpin_user_pages(p->pages, pinned);
		goto free;
	}
	p->vaddr = vmap(p->pages, p->npages, VM_MAP, PAGE_KERNEL);
	if (!p->vaddr) {
		unpin_user_pages(p->pages, p->npages);
		goto free;
	}
	c->pages.data = (u8 *)p->vaddr + off;
	c->pages.size = cap->size;
	return 0;
free:
	kvfree(p->pages);
none:
	p->npages = 0;
	return -EFAULT;
}

/* The transport's part of validation, as drv_server.c's check_message:
 * the header against what arrived. A status for the reply, 0 if the
 * message may be dispatched. */
static u32 drv_kcall_check(struct drv_kcall *kc, const struct drv_header *h,
			   const struct drv_ioc_call *ioc)
{
	unsigned int i;
	u32 st = drv_check_header(h, ioc->msg_len, ioc->ncaps);

	if (st)
		return st;
	for (i = 0; i < h->ncaps; i++) {
		/* a handle (a file descriptor) means nothing to a kernel
		 * driver, so this transport does not carry one */
		if (!(h->status >> i & 1))
			return DRV_STATUS_BAD_CAPS;
		if (drv_kcall_pin(kc, i, &ioc->caps[i]))
			return DRV_STATUS_BAD_CAPS;
	}
	kc->call.ncaps = h->ncaps;
	return 0;
}

/* Copies a reply message out: the header rh, then its payload. */
static long drv_put_reply(const struct drv_ioc_call *ioc, struct drv_ioc_call __user *uioc,
			  const struct drv_header *rh, const u8 *payload)
{
	u8 __user *dst = u64_to_user_ptr(ioc->reply);
	u32 n = DRV_HEADER_SIZE + rh->length;
	u8 hdr[DRV_HEADER_SIZE];

	if (ioc->reply_cap < n)
		return -EMSGSIZE;
	drv_header_put(hdr, rh);
	if (copy_to_user(dst, hdr, sizeof(hdr)) ||
	    (rh->length && copy_to_user(dst + DRV_HEADER_SIZE, payload, rh->length)) ||
	    put_user(n, &uioc->reply_len))
		return -EFAULT;
	return 0;
}

/* The reply to a call the handler answered with status st. */
static long drv_kcall_reply(struct drv_kcall *kc, u32 st, const struct drv_ioc_call *ioc,
			    struct drv_ioc_call __user *uioc)
{
	struct drv_header rh = {kc->call.label, kc->call.request, 0, 0, DRV_KIND_REPLY, st};

	if (st == 0 && kc->call.nreply_caps)
		rh.status = DRV_STATUS_BAD_CAPS; /* handles do not travel this way */
	else if (st == 0 && kc->call.reply_len > DRV_MAX_PAYLOAD)
		rh.status = DRV_STATUS_INTERNAL;
	else if (st == 0)
		rh.length = kc->call.reply_len;
	return drv_put_reply(ioc, uioc, &rh, kc->reply);
}

/* Waits for the driver to answer a deferred call. */
static long drv_kcall_wait(struct drv_kfile *f, struct drv_kcall *kc, const struct drv_ioc_call *ioc,
			   struct drv_ioc_call __user *uioc)
{
	struct drv_kinst *inst = f->obj->inst;
	int killed = wait_for_completion_killable(&kc->done);
	struct drv_header rh = {0, 0, 0, 0, DRV_KIND_REPLY, 0};
	unsigned long flags;
	bool last;
	u32 status;
	long ret;

	spin_lock_irqsave(&inst->lock, flags);
	if (killed && kc->state == KCALL_DEFERRED) {
		/* The driver may still be working on it (a transfer into
		 * its pages): it is told, and its answer frees the call. */
		kc->waiting = false;
		kc->call.cancelled = true;
		kc->refs--;
		spin_unlock_irqrestore(&inst->lock, flags);
		return -EINTR;
	}
	status = kc->status;
	rh.label = kc->call.label;
	rh.request = kc->call.request;
	rh.status = status;
	last = --kc->refs == 0;
	spin_unlock_irqrestore(&inst->lock, flags);
	if (!last) {
		/* Answered at removal: the driver may use the call until its
		 * stop hook has run, and the removal frees it then. The reply
		 * is a header alone, built from what was read under the lock. */
		return killed ? -EINTR : drv_put_reply(ioc, uioc, &rh, NULL);
	}
	ret = killed ? -EINTR : drv_kcall_reply(kc, status, ioc, uioc);
	drv_kcall_put(f, kc);
	return ret;
}

/* ---- the misc device ---- */

static long drv_kfile_cut(struct drv_kfile *f, long err)
{
	WRITE_ONCE(f->cut_off, true);
	return err;
}

static long drv_kmod_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct drv_kfile *f = file->private_data;
	struct drv_object *obj = f->obj;
	struct drv_kinst *inst = obj->inst;
	struct drv_ioc_call __user *uioc = (struct drv_ioc_call __user *)arg;
	struct drv_ioc_call ioc;
	struct drv_header h;
	struct drv_kcall *kc;
	unsigned long flags;
	long ret;
	int st;

	if (cmd != DRV_IOC_CALL)
		return -ENOTTY;
	if (copy_from_user(&ioc, uioc, sizeof(ioc)))
		return -EFAULT;
	if (READ_ONCE(f->cut_off))
		return -ECONNRESET;
	if (READ_ONCE(inst->dead))
		return -ENODEV;
	/* Not a message one could even answer: the client goes, as a
	 * socket server drops such a connection. */
	if (ioc.msg_len < DRV_HEADER_SIZE || ioc.msg_len > DRV_MAX_MESSAGE ||
	    ioc.ncaps > DRV_MAX_CAPS)
		return drv_kfile_cut(f, -EINVAL);
	kc = drv_kcall_get(f);
	if (!kc)
		return -ENOMEM;
	if (copy_from_user(kc->msg, u64_to_user_ptr(ioc.msg), ioc.msg_len)) {
		ret = -EFAULT;
		goto out;
	}
	drv_header_get(kc->msg, &h);
	if (h.kind != DRV_KIND_CALL && h.kind != DRV_KIND_SEND) {
		ret = drv_kfile_cut(f, -EINVAL);
		goto out;
	}
	drv_kcall_prepare(kc, &h);
	st = (int)drv_kcall_check(kc, &h, &ioc);
	if (st == 0) {
		spin_lock_irqsave(&inst->lock, flags);
		if (inst->dead) {
			spin_unlock_irqrestore(&inst->lock, flags);
			ret = -ENODEV;
			goto out;
		}
		kc->state = KCALL_DISPATCHING;
		st = obj->iface->dispatch(obj->self, &kc->call);
		if (st == DRV_DEFER && kc->state == KCALL_DISPATCHING) {
			kc->state = KCALL_DEFERRED;
			list_add_tail(&kc->node, &inst->deferred);
			if (h.kind == DRV_KIND_SEND) {
				/* Nobody waits for a send: the call is the
				 * driver's until it answers, which frees it. */
				spin_unlock_irqrestore(&inst->lock, flags);
				return put_user(0, &uioc->reply_len) ? -EFAULT : 0;
			}
			kc->refs = 2;
			kc->waiting = true;
			spin_unlock_irqrestore(&inst->lock, flags);
			return drv_kcall_wait(f, kc, &ioc, uioc);
		}
		if (st == DRV_DEFER) /* answered before its handler returned */
			st = (int)kc->status;
		spin_unlock_irqrestore(&inst->lock, flags);
	}
	if (drv_is_client_fault((u32)st) && obj->iface->close_on_malformed) {
		ret = drv_kfile_cut(f, -ECONNRESET);
		goto out;
	}
	if (h.kind == DRV_KIND_CALL)
		ret = drv_kcall_reply(kc, (u32)st, &ioc, uioc);
	else
		ret = put_user(0, &uioc->reply_len) ? -EFAULT : 0;
out:
	drv_kcall_put(f, kc);
	return ret;
}

static void drv_kinst_release(struct kref *ref)
{
	struct drv_kinst *inst = container_of(ref, struct drv_kinst, ref);
	unsigned int i;

	for (i = 0; i < inst->desc->ninterfaces; i++) {
		kfree(inst->objs[i].misc.name);
		kfree(inst->objs[i].misc.nodename);
	}
	kfree(inst->name);
	kfree(inst);
}

static int drv_kmod_open(struct inode *inode, struct file *file)
{
	/* misc_open leaves the miscdevice here, and holds the lock
	 * misc_deregister takes: the instance is not being removed yet. */
	struct miscdevice *misc = file->private_data;
	struct drv_object *obj = container_of(misc, struct drv_object, misc);
	struct drv_kfile *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->obj = obj;
	kref_get(&obj->inst->ref);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int drv_kmod_release(struct inode *inode, struct file *file)
{
	struct drv_kfile *f = file->private_data;

	kvfree(f->spare);
	kref_put(&f->obj->inst->ref, drv_kinst_release);
	kfree(f);
	return 0;
}

/* ---- events ---- */

/*
 * The kernel transport does not carry events: a client's only way in is a
 * blocking ioctl. The generated emitters still need room to encode into
 * (they run under the instance lock, so one buffer per instance serves
 * them all); the event then goes nowhere, and emitting returns
 * -DRV_E_CONNECTION, "no client to tell", for the author to notice.
 */
uint8_t *drv_event_buffer(struct drv_object *obj)
{
	return obj->inst->event;
}

int drv_event_send(struct drv_object *obj, uint64_t label, uint32_t len)
{
	return -DRV_E_CONNECTION;
}

/* ---- instances ---- */

static irqreturn_t drv_kmod_irq(int irq, void *data)
{
	struct drv_kirq *ki = data;
	struct drv_kinst *inst = ki->inst;
	unsigned long flags;
	bool mine = false;

	/* Even after removal began: until stop has quiesced it, the device
	 * may still raise its line, and only the author knows if it did. */
	spin_lock_irqsave(&inst->lock, flags);
	mine = inst->desc->irq(inst->drv, ki->index); /* drv_desc_usable: there is one */
	spin_unlock_irqrestore(&inst->lock, flags);
	return mine ? IRQ_HANDLED : IRQ_NONE;
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
	struct drv_kcall *kc, *next;
	unsigned long flags;
	LIST_HEAD(done);
	unsigned int i;

	/* no new clients */
	for (i = inst->nregistered; i-- > 0;)
		misc_deregister(&inst->objs[i].misc);

	/* no new calls; those the driver holds are answered now, but it may
	 * still touch them until its stop hook ran */
	spin_lock_irqsave(&inst->lock, flags);
	WRITE_ONCE(inst->dead, true); /* the ioctl's early check reads it unlocked */
	list_for_each_entry_safe(kc, next, &inst->deferred, node) {
		kc->state = KCALL_ANSWERED;
		kc->status = DRV_STATUS_SHUTDOWN;
		if (kc->waiting)
			complete(&kc->done);
		list_move_tail(&kc->node, &inst->shutdown);
	}
	for (i = 0; i < inst->nattached; i++)
		inst->objs[i].iface->attach(inst->objs[i].self, NULL);
	spin_unlock_irqrestore(&inst->lock, flags);

	for (i = inst->nirqs; i-- > 0;)
		free_irq(inst->irqs[i].irq, &inst->irqs[i]);
	if (inst->msi)
		pci_free_irq_vectors(inst->pdev);
	if (inst->inited)
		drv_kinst_hook(inst, desc->stop);

	/* now nothing of the driver's refers to a call */
	spin_lock_irqsave(&inst->lock, flags);
	list_for_each_entry_safe(kc, next, &inst->shutdown, node)
		if (--kc->refs == 0)
			list_move_tail(&kc->node, &done);
		else
			list_del(&kc->node);
	spin_unlock_irqrestore(&inst->lock, flags);
	list_for_each_entry_safe(kc, next, &done, node)
		drv_kcall_free(kc);

	for (i = inst->nports; i-- > 0;)
		release_region(desc->ports[i].base, desc->ports[i].size);
	kvfree(inst->drv);
	inst->drv = NULL;
	kvfree(inst->event);
	inst->event = NULL;
	if (inst->instance >= 0)
		ida_free(&inst->kmod->instances, inst->instance);
	/* the mappings and DMA buffers are the PCI device's managed
	 * resources, released once remove returns */
	kref_put(&inst->ref, drv_kinst_release);
}

static int drv_kinst_mmio(struct drv_kinst *inst, struct drv_resources *res)
{
	const struct drv_driver_desc *desc = inst->desc;
	struct pci_dev *pdev = inst->pdev;
	void __iomem *const *table;
	unsigned int i;
	int mask = 0;
	int ret;

	if (!desc->nmmio)
		return 0;
	if (!pdev)
		return -EINVAL; /* MMIO ranges are a PCI device's BARs */
	for (i = 0; i < desc->nmmio; i++) {
		const struct drv_mmio_desc *m = &desc->mmio[i];
		u64 len;

		if (m->bar >= PCI_STD_NUM_BARS)
			return -EINVAL;
		len = pci_resource_len(pdev, m->bar);
		if (m->offset > len || m->size > len - m->offset) {
			pr_err("%s: BAR %u is %llu bytes, %s needs %llu at %llu\n", desc->name,
			       m->bar, len, m->name, m->size, m->offset);
			return -ENODEV;
		}
		mask |= 1 << m->bar;
	}
	ret = pcim_iomap_regions(pdev, mask, desc->name);
	if (ret)
		return ret;
	table = pcim_iomap_table(pdev);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < desc->nmmio; i++)
		res->io[i] = drv_io_offset(drv_io_mmio(table[desc->mmio[i].bar]),
					   desc->mmio[i].offset);
	return 0;
}

static int drv_kinst_ports(struct drv_kinst *inst, struct drv_resources *res)
{
	const struct drv_driver_desc *desc = inst->desc;
	unsigned int i;

	for (i = 0; i < desc->nports; i++) {
		const struct drv_port_desc *p = &desc->ports[i];

		if (!request_region(p->base, p->size, desc->name)) {
			pr_err("%s: ports %#x..%#x are in use\n", desc->name, p->base,
			       p->base + p->size - 1);
			return -EBUSY;
		}
		inst->nports++;
		res->io[desc->nmmio + i] = drv_io_pio(p->base);
	}
	return 0;
}

static int drv_kinst_dma(struct drv_kinst *inst, struct drv_resources *res)
{
	const struct drv_driver_desc *desc = inst->desc;
	struct pci_dev *pdev = inst->pdev;
	unsigned int i;
	int ret;

	if (!desc->ndma)
		return 0;
	if (!pdev)
		return -EINVAL; /* no device to map DMA for */
	pci_set_master(pdev);
	for (i = 0; i < desc->ndma; i++) {
		const struct drv_dma_desc *d = &desc->dma[i];
		unsigned int bits = d->address_bits && d->address_bits < 64 ? d->address_bits : 64;
		dma_addr_t bus;
		void *cpu;

		/* each buffer within its own bound: the mask in force when
		 * it is allocated is what places it */
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(bits));
		if (ret)
			return ret;
		cpu = dmam_alloc_coherent(&pdev->dev, d->size, &bus, GFP_KERNEL);
		if (!cpu)
			return -ENOMEM;
		res->dma[i].cpu = cpu;
		res->dma[i].bus = bus;
		res->dma[i].size = d->size;
	}
	return 0;
}

static int drv_kinst_irqs(struct drv_kinst *inst)
{
	const struct drv_driver_desc *desc = inst->desc;
	struct pci_dev *pdev = inst->pdev;
	unsigned int i;
	int ret;

	for (i = 0; i < desc->nirqs; i++) {
		const struct drv_irq_desc *d = &desc->irqs[i];
		struct drv_kirq *ki = &inst->irqs[i];
		unsigned long flags = 0;
		int irq;

		switch (d->kind) {
		case DRV_IRQ_INTX:
			if (!pdev || !pdev->irq)
				return -ENODEV;
			pci_intx(pdev, 1);
			irq = pdev->irq;
			flags = IRQF_SHARED; /* a PCI line may be */
			break;
		case DRV_IRQ_MSI:
			if (!pdev)
				return -EINVAL;
			ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
			if (ret < 0)
				return ret;
			inst->msi = true;
			irq = pci_irq_vector(pdev, 0);
			if (irq < 0)
				return irq;
			break;
		case DRV_IRQ_LINE:
			irq = (int)d->line;
			break;
		default:
			return -EINVAL;
		}
		ki->inst = inst;
		ki->index = i;
		ki->irq = (unsigned int)irq;
		ret = request_irq(ki->irq, drv_kmod_irq, flags, inst->name, ki);
		if (ret) {
			pr_err("%s: IRQ %d: %d\n", desc->name, irq, ret);
			return ret;
		}
		inst->nirqs++;
	}
	return 0;
}

static int drv_kinst_publish(struct drv_kinst *inst)
{
	const struct drv_driver_desc *desc = inst->desc;
	unsigned long flags;
	unsigned int i;
	int ret;

	for (i = 0; i < desc->ninterfaces; i++) {
		struct drv_object *obj = &inst->objs[i];
		struct miscdevice *misc = &obj->misc;

		obj->inst = inst;
		obj->iface = desc->interfaces[i];
		obj->self = desc->object(inst->drv, i);
		if (!obj->self)
			return -EINVAL;
		misc->minor = MISC_DYNAMIC_MINOR;
		misc->name = desc->ninterfaces == 1 ?
				     kasprintf(GFP_KERNEL, "%s%d", desc->name, inst->instance) :
				     kasprintf(GFP_KERNEL, "%s%d-%u", desc->name, inst->instance, i);
		/* devtmpfs makes /dev/drvgen/<interface>/<instance>: the
		 * userspace run directory's layout */
		misc->nodename = kasprintf(GFP_KERNEL, "drvgen/%s/%d", obj->iface->name,
					   inst->instance);
		misc->fops = &inst->kmod->fops;
		misc->parent = inst->pdev ? &inst->pdev->dev : NULL;
		if (!misc->name || !misc->nodename)
			return -ENOMEM;
		/* the IRQ hook may emit events: it sees self->object change
		 * only under the lock */
		spin_lock_irqsave(&inst->lock, flags);
		obj->iface->attach(obj->self, obj);
		inst->nattached++;
		spin_unlock_irqrestore(&inst->lock, flags);
	}
	for (i = 0; i < desc->ninterfaces; i++) {
		ret = misc_register(&inst->objs[i].misc);
		if (ret) {
			pr_err("%s: /dev/%s: %d\n", desc->name, inst->objs[i].misc.nodename, ret);
			return ret;
		}
		inst->nregistered++;
	}
	return 0;
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

/* Drives one device (pdev NULL: the ISA driver's fixed resources), in the
 * contract's order. */
static int drv_kinst_probe(struct drv_kmod *kmod, struct pci_dev *pdev, struct drv_kinst **out)
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
	spin_lock_init(&inst->lock);
	INIT_LIST_HEAD(&inst->deferred);
	INIT_LIST_HEAD(&inst->shutdown);
	inst->instance = ida_alloc(&kmod->instances, GFP_KERNEL);
	if (inst->instance < 0) {
		ret = inst->instance;
		goto fail;
	}
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	inst->name = kasprintf(GFP_KERNEL, "%s%d", desc->name, inst->instance);
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
	ret = drv_kinst_mmio(inst, res);
	if (!ret)
		ret = drv_kinst_ports(inst, res);
	if (!ret)
		ret = drv_kinst_dma(inst, res);
	if (!ret)
		ret = desc->bind(inst->drv, res);
	if (ret)
		goto fail_res;
	kfree(res);
	res = NULL;

	ret = drv_kinst_init(inst);
	if (ret) {
		pr_err("%s: init: %d\n", desc->name, ret);
		goto fail;
	}
	inst->inited = true;
	ret = drv_kinst_irqs(inst);
	if (!ret)
		ret = drv_kinst_publish(inst);
	if (ret)
		goto fail;
	drv_kinst_hook(inst, desc->start);
	pr_info("%s: instance %d%s%s\n", desc->name, inst->instance, pdev ? " at " : "",
		pdev ? pci_name(pdev) : "");
	*out = inst;
	return 0;

fail_res:
	kfree(res);
fail:
	drv_kinst_teardown(inst);
	return ret;
}

static int drv_kmod_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct drv_kmod *kmod =
		container_of(to_pci_driver(pdev->dev.driver), struct drv_kmod, pci_driver);
	struct drv_kinst *inst;
	int ret = drv_kinst_probe(kmod, pdev, &inst);

	if (ret)
		return ret;
	pci_set_drvdata(pdev, inst);
	return 0;
}

static void drv_kmod_pci_remove(struct pci_dev *pdev)
{
	drv_kinst_teardown(pci_get_drvdata(pdev));
}

/* ---- the driver ---- */

int drv_kmod_register(struct drv_kmod *kmod, const struct drv_driver_desc *desc,
		      const struct pci_device_id *ids, struct module *owner)
{
	int ret;

	kmod->desc = desc;
	kmod->owner = owner;
	kmod->isa = NULL;
	kmod->pci = false;
	ida_init(&kmod->instances);
	kmod->fops = (struct file_operations){
		.owner = owner,
		.open = drv_kmod_open,
		.release = drv_kmod_release,
		.unlocked_ioctl = drv_kmod_ioctl,
		.compat_ioctl = compat_ptr_ioctl,
		.llseek = no_llseek,
	};
	kmod->wq = alloc_workqueue("%s", 0, 0, desc->name);
	if (!kmod->wq)
		return -ENOMEM;
	if (ids) {
		kmod->pci_driver = (struct pci_driver){
			.name = desc->name,
			.id_table = ids,
			.probe = drv_kmod_pci_probe,
			.remove = drv_kmod_pci_remove,
		};
		ret = __pci_register_driver(&kmod->pci_driver, owner, KBUILD_MODNAME);
		kmod->pci = !ret;
	} else {
		/* fixed ports and lines are the device's identity: it is
		 * there, or the probe fails and so does loading */
		ret = drv_kinst_probe(kmod, NULL, &kmod->isa);
	}
	if (ret) {
		destroy_workqueue(kmod->wq);
		ida_destroy(&kmod->instances);
	}
	return ret;
}

void drv_kmod_unregister(struct drv_kmod *kmod)
{
	if (kmod->pci)
		pci_unregister_driver(&kmod->pci_driver);
	if (kmod->isa)
		drv_kinst_teardown(kmod->isa);
	kmod->isa = NULL;
	kmod->pci = false;
	/* calls whose caller went away may still be freed from here */
	destroy_workqueue(kmod->wq);
	ida_destroy(&kmod->instances);
}
