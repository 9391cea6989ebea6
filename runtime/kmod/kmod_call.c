// SPDX-License-Identifier: MIT
/* kmod_call.c - the misc devices of an instance and the DRV_IOC_CALL
 * transport (drv_ioctl.h): a client's call, from userspace into the
 * generated dispatch and the author's handler, and its reply.
 *
 * A client's DRV_IOC_CALL carries the same message bytes as the userspace
 * socket transport into the generated dispatch, with the same checks and
 * statuses as runtime/user/drv_server.c.
 *
 * A call's memory (the message, the reply, the decoder's scratch, the
 * pinned page buffers) is shared by the ioctl that waits for it and by the
 * driver, which may keep a deferred call; each holds a reference, counted
 * under the instance lock, and the last one frees it. Freeing unmaps and
 * unpins pages, which needs process context, so a call whose last
 * reference goes in interrupt context is freed from a work item.
 */
#include <linux/build_bug.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "drv_ioctl.h"
#include "kmod.h"

static_assert(DRV_IOC_MAX_CAPS == DRV_MAX_CAPS);

/* ---- calls ---- */

/* The call struct, then its buffers, each 8-aligned, in one allocation. */
#define DRV_KCALL_HEAD ALIGN(sizeof(struct drv_kcall), 8)
#define DRV_KCALL_SIZE (DRV_KCALL_HEAD + DRV_MAX_MESSAGE + DRV_MAX_PAYLOAD + DRV_SCRATCH_SIZE)

/* An open file: a client, as a socket connection is one to the server. */
struct drv_kfile {
	struct drv_object *obj;
	bool cut_off; /* it broke the framing, or the protocol closes on malformed */
	struct drv_kcall *spare; /* the last call's memory, kept for the next */
	atomic_t inflight; /* ioctls running on it */
};

/*
 * What one client, and all of a driver's clients, may hold: each call in
 * flight is about DRV_KCALL_SIZE (384 KiB) of kernel memory and its page
 * buffers stay pinned while the driver keeps it. A call over a limit fails
 * with EBUSY before anything is allocated or pinned. The owner of the
 * machine sets them as drvgen.ko's parameters (docs/drivers.md); pinned
 * pages count against the caller's RLIMIT_MEMLOCK, as io_uring's do.
 */
static unsigned int max_calls_per_file = 32;
module_param(max_calls_per_file, uint, 0644);
MODULE_PARM_DESC(max_calls_per_file, "calls one open file may have in flight (default 32)");
static unsigned int max_calls_per_driver = 256;
module_param(max_calls_per_driver, uint, 0644);
MODULE_PARM_DESC(max_calls_per_driver,
		 "calls in flight or deferred across a driver's devices (default 256)");

/* ---- calls ---- */

static void drv_kcall_unpin(struct drv_kcall *kc)
{
	unsigned int i;

	for (i = 0; i < kc->cp.npinned; i++) {
		struct drv_kpages *p = &kc->cp.pages[i];

		if (!p->npages)
			continue;
		/* the handler wrote through the kernel's alias of the pages */
		flush_kernel_vmap_range(p->vaddr, (int)(p->npages * PAGE_SIZE));
		vunmap(p->vaddr);
		sg_free_table(&p->sgt);
		unpin_user_pages_dirty_lock(p->pages, p->npages, true);
		kvfree(p->pages);
		account_locked_vm(p->mm, p->npages, false);
		mmdrop(p->mm);
	}
	kc->cp.npinned = 0;
}

static void drv_kcall_free(struct drv_kcall *kc)
{
	if (kc->kernel) {
		drv_kclient_free(kc);
		return;
	}
	drv_kcall_unpin(kc);
	atomic_dec(&kc->inst->kmod->calls);
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
void drv_kcall_finish(struct drv_call *call, uint32_t status)
{
	struct drv_kcall *kc = container_of(call, struct drv_kcall, call);

	if (kc->state == KCALL_DISPATCHING) {
		kc->state = KCALL_ANSWERED_EARLY;
		kc->status = status;
		return;
	}
	if (kc->state != KCALL_DEFERRED)
		return; /* answered twice, or at removal: the first answer stands */
	drv_kres_release_call(kc->inst, call);
	list_del(&kc->node);
	kc->state = KCALL_ANSWERED;
	kc->status = status;
	if (kc->kernel) {
		drv_kclient_answered_locked(kc, status);
		drv_kclient_free(kc);
		return;
	}
	if (kc->waiting)
		complete(&kc->done);
	drv_kcall_unref_locked(kc); /* the driver's */
}

/* A call's memory: the file's spare one, or a new one; NULL and *err
 * (-EBUSY: the driver has max_calls_per_driver already). */
static struct drv_kcall *drv_kcall_get(struct drv_kfile *f, long *err)
{
	struct drv_kmod *kmod = f->obj->inst->kmod;
	struct drv_kcall *kc;

	if (atomic_inc_return(&kmod->calls) > (int)READ_ONCE(max_calls_per_driver)) {
		atomic_dec(&kmod->calls);
		*err = -EBUSY;
		return NULL;
	}
	kc = xchg(&f->spare, NULL);
	if (!kc) {
		kc = kvmalloc(DRV_KCALL_SIZE, GFP_KERNEL);
		if (!kc) {
			atomic_dec(&kmod->calls);
			*err = -ENOMEM;
			return NULL;
		}
		kc->msg = (u8 *)kc + DRV_KCALL_HEAD;
		kc->reply = kc->msg + DRV_MAX_MESSAGE;
		kc->scratch = kc->reply + DRV_MAX_PAYLOAD;
		kc->inst = f->obj->inst;
		kc->wq = f->obj->inst->kmod->wq;
		INIT_WORK(&kc->free_work, drv_kcall_free_work);
	}
	memset(&kc->call, 0, sizeof(kc->call));
	init_completion(&kc->done);
	kc->cp.npinned = 0;
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
	atomic_dec(&kc->inst->kmod->calls);
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
	call->transport = &kc->cp;
	call->cancelled = false;
}

/* Pins and maps page buffer i. 0, or a negative errno. */
static int drv_kcall_pin(struct drv_kcall *kc, unsigned int i, const struct drv_ioc_cap *cap)
{
	struct drv_kpages *p = &kc->cp.pages[i];
	struct drv_cap *c = &kc->call.caps[i];
	unsigned long addr = (unsigned long)cap->addr;
	unsigned long off = offset_in_page(addr);
	int pinned;

	if (cap->size > DRV_IOC_MAX_PAGES_SIZE || addr != cap->addr || addr + cap->size < addr)
		return -EINVAL;
	p->npages = 0;
	p->offset = off;
	p->mapped = false;
	c->kind = DRV_CAP_PAGES;
	c->fd = -1;
	c->pages.data = NULL;
	c->pages.size = 0;
	kc->cp.npinned = i + 1;
	if (!cap->size)
		return 0; /* as a socket's empty memfd: no data */
	p->npages = DIV_ROUND_UP(off + cap->size, PAGE_SIZE);
	/* the driver may keep them for as long as it defers the call */
	if (account_locked_vm(current->mm, p->npages, true))
		goto none;
	p->mm = current->mm;
	mmgrab(p->mm);
	p->pages = kvmalloc_array(p->npages, sizeof(*p->pages), GFP_KERNEL);
	if (!p->pages)
		goto unaccount;
	pinned = pin_user_pages_fast(addr - off, (int)p->npages, FOLL_WRITE | FOLL_LONGTERM,
				     p->pages);
	if (pinned != (int)p->npages) {
		if (pinned > 0)
			unpin_user_pages(p->pages, pinned);
		goto free;
	}
	p->vaddr = vmap(p->pages, p->npages, VM_MAP, PAGE_KERNEL);
	if (!p->vaddr)
		goto unpin;
	/* for streaming DMA: mapping it later, under the instance lock,
	 * must not allocate */
	if (sg_alloc_table_from_pages(&p->sgt, p->pages, (unsigned int)p->npages, off, cap->size,
				      GFP_KERNEL)) {
		vunmap(p->vaddr);
		goto unpin;
	}
	c->pages.data = (u8 *)p->vaddr + off;
	c->pages.size = cap->size;
	return 0;
unpin:
	unpin_user_pages(p->pages, p->npages);
free:
	kvfree(p->pages);
unaccount:
	account_locked_vm(p->mm, p->npages, false);
	mmdrop(p->mm);
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

bool drv_call_enter(struct drv_call *call) __acquires(call)
{
	struct drv_kcall *kc = container_of(call, struct drv_kcall, call);

	spin_lock_irqsave(&kc->inst->lock, kc->lock_flags);
	__acquire(call);
	__release(&kc->inst->lock);
	return !kc->inst->dead;
}
EXPORT_SYMBOL_GPL(drv_call_enter);

void drv_call_leave(struct drv_call *call) __releases(call)
{
	struct drv_kcall *kc = container_of(call, struct drv_kcall, call);

	__acquire(&kc->inst->lock);
	__release(call);
	spin_unlock_irqrestore(&kc->inst->lock, kc->lock_flags);
}
EXPORT_SYMBOL_GPL(drv_call_leave);

int drv_kcall_dispatch(struct drv_object *obj, struct drv_kcall *kc, unsigned long *flags)
	__acquires(&obj->inst->lock)
{
	int st;

	/* nobody else sees the call before its handler has it */
	kc->state = KCALL_DISPATCHING;
	st = obj->iface->dispatch(obj->self, &kc->call);
	spin_lock_irqsave(&obj->inst->lock, *flags);
	if (st == DRV_DEFER && kc->state == KCALL_DISPATCHING) {
		kc->state = KCALL_DEFERRED;
		list_add_tail(&kc->node, &obj->inst->deferred);
		return DRV_DEFER;
	}
	if (st == DRV_DEFER) /* answered before its handler returned */
		st = (int)kc->status;
	kc->state = KCALL_ANSWERED;
	drv_kres_release_call(obj->inst, &kc->call);
	return st;
}

/* ---- the misc device ---- */

static long drv_kfile_cut(struct drv_kfile *f, long err)
{
	WRITE_ONCE(f->cut_off, true);
	return err;
}

static long drv_kmod_call(struct file *file, unsigned int cmd, unsigned long arg)
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
	kc = drv_kcall_get(f, &ret);
	if (!kc)
		return ret;
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
		st = drv_kcall_dispatch(obj, kc, &flags);
		if (st == DRV_DEFER) {
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

/* One ioctl: a call, within the file's share of calls in flight. */
static long drv_kmod_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct drv_kfile *f = file->private_data;
	long ret = -EBUSY;

	if (atomic_inc_return(&f->inflight) <= (int)READ_ONCE(max_calls_per_file))
		ret = drv_kmod_call(file, cmd, arg);
	atomic_dec(&f->inflight);
	return ret;
}

void drv_kinst_release(struct kref *ref)
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
	int ret;

	if (!f)
		return -ENOMEM;
	ret = drv_kpm_open(obj->inst); /* wakes a sleeping device */
	if (ret) {
		kfree(f);
		return ret;
	}
	f->obj = obj;
	kref_get(&obj->inst->ref);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int drv_kmod_release(struct inode *inode, struct file *file)
{
	struct drv_kfile *f = file->private_data;

	kvfree(f->spare);
	drv_kpm_close(f->obj->inst);
	kref_put(&f->obj->inst->ref, drv_kinst_release);
	kfree(f);
	return 0;
}

/* ---- events ---- */

/*
 * A program's only way in is a blocking ioctl, so events reach kernel
 * clients alone (a class adapter's: the link of a network device). The
 * generated emitters encode into one buffer per instance (they run under
 * the instance lock); with no kernel client listening, emitting returns
 * -DRV_E_CONNECTION, "no client to tell", for the author to notice.
 */
uint8_t *drv_event_buffer(struct drv_object *obj)
{
	return obj->inst->event;
}
EXPORT_SYMBOL_GPL(drv_event_buffer);

int drv_event_send(struct drv_object *obj, uint64_t label, uint32_t len)
{
	return drv_kclient_event_locked(obj, label, obj->inst->event, len);
}
EXPORT_SYMBOL_GPL(drv_event_send);

/* ---- the instance's misc devices ---- */

int drv_kcall_publish(struct drv_kinst *inst)
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
		INIT_LIST_HEAD(&obj->kclients);
		obj->self = desc->object(inst->drv, i);
		if (!obj->self)
			return -EINVAL;
		misc->minor = MISC_DYNAMIC_MINOR;
		misc->name = desc->ninterfaces == 1 ?
				     kasprintf(GFP_KERNEL, "%s", inst->name) :
				     kasprintf(GFP_KERNEL, "%s-%u", inst->name, i);
		/* devtmpfs makes /dev/drvgen/<interface>/<instance>: the
		 * userspace run directory's layout */
		misc->nodename = kasprintf(GFP_KERNEL, "drvgen/%s/%d", obj->iface->name,
					   inst->instance);
		misc->fops = &inst->kmod->fops;
		misc->parent = inst->dev;
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


/* Removal: the calls the driver holds are answered now, but it may still
 * touch them until its stop hook ran. */
void drv_kcall_shutdown_locked(struct drv_kinst *inst)
{
	struct drv_kcall *kc, *next;

	list_for_each_entry_safe(kc, next, &inst->deferred, node) {
		drv_kres_release_call(inst, &kc->call);
		kc->state = KCALL_ANSWERED;
		kc->status = DRV_STATUS_SHUTDOWN;
		list_move_tail(&kc->node, &inst->shutdown);
		if (kc->kernel)
			drv_kclient_answered_locked(kc, DRV_STATUS_SHUTDOWN);
		else if (kc->waiting)
			complete(&kc->done);
	}
}

/* After the stop hook: nothing of the driver's refers to a call now. */
void drv_kcall_free_shutdown(struct drv_kinst *inst)
{
	struct drv_kcall *kc, *next;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&inst->lock, flags);
	list_for_each_entry_safe(kc, next, &inst->shutdown, node)
		if (--kc->refs == 0)
			list_move_tail(&kc->node, &done);
		else
			list_del(&kc->node);
	spin_unlock_irqrestore(&inst->lock, flags);
	list_for_each_entry_safe(kc, next, &done, node)
		drv_kcall_free(kc);
}

/* No .llseek: nonseekable_open makes lseek fail with ESPIPE, and
 * no_llseek is gone from kernels after 6.11. */
const struct file_operations drv_kmod_fops_template = {
	.open = drv_kmod_open,
	.release = drv_kmod_release,
	.unlocked_ioctl = drv_kmod_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
