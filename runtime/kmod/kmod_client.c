// SPDX-License-Identifier: MIT
/* kmod_client.c - kernel clients (drv_client.h): calls from kernel code
 * into an instance's generated dispatch, as the ioctl transport makes a
 * program's (kmod_call.c), with the same states and the same answer at
 * removal.
 *
 * A kernel client's call is one allocation: the call, a copy of the
 * request payload (the driver may keep the call, and the client's request
 * buffer is reused by the next start), and the decoder's scratch room,
 * which a C element of a vector needs at most 4 times its wire size of
 * (drv_wire.h): 4 times the request and the largest reply. Its page buffers are the client's
 * own, described by their scatter list: nothing is pinned or mapped. The
 * reply is encoded straight into the pending's reply_room.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kmod.h"

enum { DRV_KCLIENT_SUBSCRIPTIONS = 8 };

/* An event a kernel client listens to. */
struct drv_ksub {
	uint64_t label; /* 0: a free entry */
	drv_event_thunk thunk;
	drv_fn handler;
	void *ctx;
};

struct drv_client {
	struct drv_object *obj;
	gfp_t gfp;
	u32 next_request;
	u8 *request; /* DRV_MAX_PAYLOAD: where stubs encode */
	u8 *reply;   /* DRV_MAX_PAYLOAD: drv_client_call's reply */
	/* under the instance lock: */
	struct list_head node; /* in obj->kclients */
	struct drv_ksub subs[DRV_KCLIENT_SUBSCRIPTIONS];
};

#define DRV_KCLIENT_CALL_HEAD ALIGN(sizeof(struct drv_kcall), 8)

int drv_kclient_open(struct drv_object *obj, gfp_t gfp, struct drv_client **out)
{
	struct drv_client *c = kzalloc(sizeof(*c), GFP_KERNEL);
	unsigned long flags;

	*out = NULL;
	if (!c)
		return -DRV_E_NO_MEMORY;
	c->request = kvmalloc(DRV_MAX_PAYLOAD, GFP_KERNEL);
	c->reply = kvmalloc(DRV_MAX_PAYLOAD, GFP_KERNEL);
	if (!c->request || !c->reply) {
		kvfree(c->request);
		kvfree(c->reply);
		kfree(c);
		return -DRV_E_NO_MEMORY;
	}
	/* a kernel client holds its device awake, as an open file does (the
	 * blk-mq disk and the net_device for as long as they exist) */
	if (drv_kpm_open(obj->inst)) {
		kvfree(c->request);
		kvfree(c->reply);
		kfree(c);
		return -DRV_E_CONNECTION;
	}
	c->obj = obj;
	c->gfp = gfp;
	kref_get(&obj->inst->ref);
	spin_lock_irqsave(&obj->inst->lock, flags);
	list_add_tail(&c->node, &obj->kclients);
	spin_unlock_irqrestore(&obj->inst->lock, flags);
	*out = c;
	return 0;
}
EXPORT_SYMBOL_GPL(drv_kclient_open);

int drv_client_connect(const char *interface_name, unsigned int instance,
		       struct drv_client **out)
{
	struct drv_object *obj = drv_kregistry_find(interface_name, instance);
	int st;

	*out = NULL;
	if (!obj)
		return -DRV_E_CONNECTION;
	st = drv_kclient_open(obj, GFP_KERNEL, out);
	kref_put(&obj->inst->ref, drv_kinst_release); /* the find's */
	return st;
}
EXPORT_SYMBOL_GPL(drv_client_connect);

void drv_client_disconnect(struct drv_client *c)
{
	unsigned long flags;

	if (!c)
		return;
	spin_lock_irqsave(&c->obj->inst->lock, flags);
	list_del(&c->node);
	spin_unlock_irqrestore(&c->obj->inst->lock, flags);
	drv_kpm_close(c->obj->inst);
	kref_put(&c->obj->inst->ref, drv_kinst_release);
	kvfree(c->request);
	kvfree(c->reply);
	kfree(c);
}
EXPORT_SYMBOL_GPL(drv_client_disconnect);

uint8_t *drv_client_request(struct drv_client *c)
{
	return c->request;
}
EXPORT_SYMBOL_GPL(drv_client_request);

/* The cap a stub passes to drv_client_start points at the buffer itself:
 * the start needs its scatter list, which a cap has no room for. */
struct drv_cap drv_buffer_cap(struct drv_buffer *buffer)
{
	struct drv_cap cap = {.kind = DRV_CAP_PAGES, .fd = -1};

	cap.pages.data = buffer;
	cap.pages.size = buffer ? buffer->size : 0;
	return cap;
}
EXPORT_SYMBOL_GPL(drv_buffer_cap);

struct drv_cap drv_handle_cap(int fd)
{
	struct drv_cap cap = {.kind = DRV_CAP_HANDLE, .fd = fd};

	return cap;
}
EXPORT_SYMBOL_GPL(drv_handle_cap);

void drv_kclient_answered_locked(struct drv_kcall *kc, u32 status)
{
	struct drv_pending *p = kc->pending;
	struct drv_call *call = &kc->call;

	if (!p)
		return; /* a send */
	if (status == 0 && call->nreply_caps)
		status = DRV_STATUS_BAD_CAPS; /* handles do not travel this way */
	else if (status == 0 && call->reply_len > p->reply_size)
		status = DRV_STATUS_INTERNAL;
	p->error = 0;
	p->reply.status = status;
	p->reply.payload = p->reply_room;
	p->reply.len = status ? 0 : call->reply_len;
	p->reply.nfds = 0;
	if (p->done)
		p->done(p);
}

void drv_kclient_free(struct drv_kcall *kc)
{
	kfree(kc);
}

/* The caps as the driver sees them: each page buffer's data and size, and
 * its scatter list for drv_dma_map. 0, or -DRV_E_ARGUMENT for a handle
 * (this transport carries none) or a buffer without pages. */
static int drv_kclient_caps(struct drv_kcall *kc, const struct drv_cap *caps, unsigned int ncaps)
{
	unsigned int i;

	for (i = 0; i < ncaps; i++) {
		const struct drv_buffer *b = caps[i].pages.data;
		struct drv_kpages *p = &kc->cp.pages[i];

		if (caps[i].kind != DRV_CAP_PAGES || !b || (b->size && !b->sgt))
			return -DRV_E_ARGUMENT;
		kc->call.caps[i] = (struct drv_cap){.kind = DRV_CAP_PAGES, .fd = -1};
		kc->call.caps[i].pages.data = b->data;
		kc->call.caps[i].pages.size = b->size;
		if (b->size) {
			p->sgt = *b->sgt;
			p->npages = b->sgt->orig_nents;
		}
	}
	kc->call.ncaps = ncaps;
	kc->cp.npinned = ncaps;
	return 0;
}

/* Makes a call or send at once (see drv_client.h). */
static int drv_kclient_make(struct drv_client *c, u16 kind, uint64_t label, uint32_t len,
			    const struct drv_cap *caps, unsigned int ncaps,
			    struct drv_pending *pending)
{
	struct drv_kinst *inst = c->obj->inst;
	struct drv_call *call;
	struct drv_kcall *kc;
	unsigned long flags;
	int st;

	u32 reply_size = pending ? pending->reply_size : 0;
	u32 msg_room = ALIGN(len, 8), scratch = 4 * (msg_room + ALIGN(reply_size, 8));

	if (len > DRV_MAX_PAYLOAD || reply_size > DRV_MAX_PAYLOAD || ncaps > DRV_MAX_CAPS)
		return -DRV_E_ARGUMENT;
	kc = kzalloc(DRV_KCLIENT_CALL_HEAD + msg_room + scratch, c->gfp);
	if (!kc)
		return -DRV_E_NO_MEMORY;
	kc->kernel = true;
	kc->inst = inst;
	kc->pending = pending;
	kc->refs = 1; /* the driver's, while it holds the call */
	kc->msg = (u8 *)kc + DRV_KCLIENT_CALL_HEAD;
	memcpy(kc->msg, c->request, len);
	call = &kc->call;
	call->label = label;
	call->request = ++c->next_request;
	call->kind = kind;
	call->msg = kc->msg;
	call->len = len;
	call->reply = pending ? pending->reply_room : NULL;
	call->reply_cap = reply_size;
	call->scratch = kc->msg + msg_room;
	call->scratch_cap = scratch;
	call->finish = drv_kcall_finish;
	call->transport = &kc->cp;
	st = drv_kclient_caps(kc, caps, ncaps);
	if (st) {
		kfree(kc);
		return st;
	}
	if (READ_ONCE(inst->dead)) {
		kfree(kc);
		return -DRV_E_CONNECTION;
	}
	st = drv_kcall_dispatch(c->obj, kc, &flags);
	if (st != DRV_DEFER) {
		drv_kclient_answered_locked(kc, (u32)st);
		kfree(kc);
	}
	spin_unlock_irqrestore(&inst->lock, flags);
	return 0;
}

int drv_client_start(struct drv_client *c, uint64_t label, uint32_t len,
		     const struct drv_cap *caps, unsigned int ncaps, unsigned int reply_caps,
		     struct drv_pending *pending)
{
	if (!pending || reply_caps || (pending->reply_size && !pending->reply_room))
		return -DRV_E_ARGUMENT;
	return drv_kclient_make(c, DRV_KIND_CALL, label, len, caps, ncaps, pending);
}
EXPORT_SYMBOL_GPL(drv_client_start);

int drv_client_send(struct drv_client *c, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned int ncaps)
{
	return drv_kclient_make(c, DRV_KIND_SEND, label, len, caps, ncaps, NULL);
}
EXPORT_SYMBOL_GPL(drv_client_send);

struct drv_kclient_sync {
	struct drv_pending pending;
	struct completion done;
};

static void drv_kclient_sync_done(struct drv_pending *p)
{
	complete(&container_of(p, struct drv_kclient_sync, pending)->done);
}

int drv_client_call(struct drv_client *c, uint64_t label, uint32_t len,
		    const struct drv_cap *caps, unsigned int ncaps, unsigned int reply_caps,
		    struct drv_reply *reply)
{
	struct drv_kclient_sync s = {
		.pending = {.reply_room = c->reply,
			    .reply_size = DRV_MAX_PAYLOAD,
			    .done = drv_kclient_sync_done},
	};
	int st;

	might_sleep();
	init_completion(&s.done);
	st = drv_client_start(c, label, len, caps, ncaps, reply_caps, &s.pending);
	if (st)
		return st;
	wait_for_completion(&s.done);
	*reply = s.pending.reply;
	return s.pending.error;
}
EXPORT_SYMBOL_GPL(drv_client_call);

int drv_client_bad_reply(struct drv_reply *reply)
{
	reply->nfds = 0;
	return -DRV_E_BAD_REPLY;
}
EXPORT_SYMBOL_GPL(drv_client_bad_reply);

int drv_client_status(struct drv_reply *reply, bool (*valid)(uint64_t))
{
	u32 st = reply->status;

	reply->nfds = 0;
	if (st == 0)
		return -DRV_E_BAD_REPLY; /* success with the wrong handles */
	if (st <= 0xffff && valid && valid(st))
		return (int)st;
	if (drv_is_transport_status(st))
		return -(int)st;
	return -DRV_E_BAD_REPLY;
}
EXPORT_SYMBOL_GPL(drv_client_status);

int drv_client_on_event(struct drv_client *c, uint64_t label, drv_event_thunk thunk,
			drv_fn handler, void *ctx)
{
	struct drv_ksub *free = NULL, *sub = NULL;
	unsigned long flags;
	unsigned int i;
	int st = 0;

	spin_lock_irqsave(&c->obj->inst->lock, flags);
	for (i = 0; i < DRV_KCLIENT_SUBSCRIPTIONS && !sub; i++) {
		if (c->subs[i].label == label)
			sub = &c->subs[i];
		else if (!c->subs[i].label && !free)
			free = &c->subs[i];
	}
	if (!sub)
		sub = free;
	if (!handler && sub && sub->label == label)
		sub->label = 0;
	else if (handler && sub)
		*sub = (struct drv_ksub){label, thunk, handler, ctx};
	else if (handler)
		st = -DRV_E_NO_MEMORY;
	spin_unlock_irqrestore(&c->obj->inst->lock, flags);
	return st;
}
EXPORT_SYMBOL_GPL(drv_client_on_event);

int drv_kclient_event_locked(struct drv_object *obj, uint64_t label, const u8 *msg, u32 len)
{
	struct drv_event ev = {.label = label, .msg = msg, .len = len};
	struct drv_client *c;
	unsigned int i;
	int told = 0;

	list_for_each_entry(c, &obj->kclients, node)
		for (i = 0; i < DRV_KCLIENT_SUBSCRIPTIONS; i++) {
			const struct drv_ksub *sub = &c->subs[i];
			u8 scratch[256] __aligned(8);

			if (sub->label != label)
				continue;
			/* events are small; one whose vectors would not fit
			 * here is not delivered */
			ev.scratch = scratch;
			ev.scratch_cap = sizeof(scratch);
			if (!sub->thunk(sub->handler, sub->ctx, &ev))
				told++;
		}
	return told ? 0 : -DRV_E_CONNECTION;
}
