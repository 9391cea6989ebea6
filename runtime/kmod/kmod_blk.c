// SPDX-License-Identifier: MIT
/* kmod_blk.c - the block device class adapter: a blk-mq disk on top of
 * every blk::device object a driver serves (dsl/std/blk.idl), so that
 * mkfs, mount and dd are the driver's clients too (docs/drivers.md,
 * "Block drivers").
 *
 * The adapter is an ordinary client of the protocol, in the kernel
 * (drv_client.h): each request becomes one blk::device call made through
 * the generated stubs (generated/std/blk_device_client.c) and the
 * driver's generated dispatch, with the request's own pages as the call's
 * page buffer: the driver maps them for DMA (drv_dma_map) where the
 * device reads and writes them, with no copy. The disk's geometry is what
 * info() says; its queue is as deep as the device serves requests at
 * once, so a BUSY answer (another client holds some of the device's
 * slots) requeues the request a little later.
 *
 * The media_changed event resizes the disk (set_capacity_and_notify, from
 * a work item: events arrive under the instance's spinlock, often from
 * the driver's irq hook, and the resize sends a uevent).
 *
 * The disk's file operations pin the driver's module, as a misc device's
 * do: a mounted filesystem keeps rmmod away. Removing the device removes
 * the disk first, while the driver still answers: requests in flight
 * finish, and later ones fail.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "blk_device.h"
#include "kmod.h"
#include "kmod_compat.h"

enum {
	DRV_KBLK_MAX_DEPTH = 256, /* tags: what blk-mq keeps per request */
	DRV_KBLK_MAX_SEGMENTS = 256,
};

struct drv_kblk {
	struct drv_object *obj;
	struct blk_device_client *client; /* a kernel client (drv_client.h) as the stubs take it */
	spinlock_t start_lock; /* the client's starts, from any CPU */
	struct blk_info info;
	unsigned int block_shift; /* log2 of block_size */
	unsigned int max_segments;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	struct block_device_operations fops;
	struct work_struct resize;
	u64 new_blocks; /* what the last media_changed said, for resize */
};

/* One request's call, and its pages. */
struct drv_kblk_rq {
	union {
		struct drv_pending pending; /* first in each of them */
		struct blk_device_read_call read;
		struct blk_device_write_call write;
		struct blk_device_flush_call flush;
		struct blk_device_discard_call discard;
	} call;
	enum req_op op;
	blk_status_t status;
	struct drv_buffer buf;
	struct sg_table sgt;
	struct scatterlist sg[]; /* max_segments */
};

static blk_status_t drv_kblk_status(int st)
{
	switch (st) {
	case 0:
		return BLK_STS_OK;
	case BLK_ERROR_BUSY:
		return BLK_STS_RESOURCE; /* requeued */
	case BLK_ERROR_UNSUPPORTED:
		return BLK_STS_NOTSUPP;
	case BLK_ERROR_TIMEOUT:
		return BLK_STS_TIMEOUT;
	case -DRV_E_NO_MEMORY:
		return BLK_STS_RESOURCE;
	default: /* IO, RANGE, READ_ONLY, and the transport's (the device went) */
		return BLK_STS_IOERR;
	}
}

/* pending->done: the driver answered (under the instance lock, in any
 * context). The request ends from blk-mq's completion. */
static void drv_kblk_done(struct drv_pending *pending)
{
	struct request *rq = pending->ctx;
	struct drv_kblk_rq *r = blk_mq_rq_to_pdu(rq);
	int st;

	switch (r->op) {
	case REQ_OP_READ:
		st = blk_device_read_finish(&r->call.read);
		break;
	case REQ_OP_WRITE:
		st = blk_device_write_finish(&r->call.write);
		break;
	case REQ_OP_FLUSH:
		st = blk_device_flush_finish(&r->call.flush);
		break;
	default:
		st = blk_device_discard_finish(&r->call.discard);
		break;
	}
	r->status = drv_kblk_status(st);
	blk_mq_complete_request(rq);
}

static void drv_kblk_complete(struct request *rq)
{
	struct drv_kblk_rq *r = blk_mq_rq_to_pdu(rq);

	if (r->status == BLK_STS_RESOURCE) {
		blk_mq_requeue_request(rq, false);
		blk_mq_delay_kick_requeue_list(rq->q, 1);
		return;
	}
	blk_mq_end_request(rq, r->status);
}

/* The request's pages as a call's page buffer. */
static void drv_kblk_map(struct drv_kblk *kb, struct request *rq, struct drv_kblk_rq *r)
{
	int n;

	sg_init_table(r->sg, kb->max_segments);
	n = blk_rq_map_sg(rq->q, rq, r->sg);
	r->sgt.sgl = r->sg;
	r->sgt.nents = n;
	r->sgt.orig_nents = n;
	r->buf.sgt = &r->sgt;
	r->buf.size = blk_rq_bytes(rq);
	/* one contiguous run is in the kernel's direct map; more are not
	 * contiguous anywhere, and mapping them would cost every request */
	r->buf.data = n == 1 ? sg_virt(r->sg) : NULL;
}

static blk_status_t drv_kblk_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct drv_kblk *kb = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct drv_kblk_rq *r = blk_mq_rq_to_pdu(rq);
	u64 lba = blk_rq_pos(rq) >> (kb->block_shift - SECTOR_SHIFT);
	u32 count = blk_rq_bytes(rq) >> kb->block_shift;
	int st;

	r->op = req_op(rq);
	if (r->op != REQ_OP_READ && r->op != REQ_OP_WRITE && r->op != REQ_OP_FLUSH &&
	    r->op != REQ_OP_DISCARD)
		return BLK_STS_NOTSUPP;
	blk_mq_start_request(rq);
	memset(&r->call, 0, sizeof(r->call));
	r->call.pending.ctx = rq;
	r->call.pending.done = drv_kblk_done;
	if (r->op == REQ_OP_READ || r->op == REQ_OP_WRITE)
		drv_kblk_map(kb, rq, r);
	spin_lock(&kb->start_lock);
	switch (r->op) {
	case REQ_OP_READ:
		st = blk_device_read_start(kb->client, &r->buf, lba, count, 0, &r->call.read);
		break;
	case REQ_OP_WRITE:
		st = blk_device_write_start(kb->client, &r->buf, lba, count, 0, &r->call.write);
		break;
	case REQ_OP_FLUSH:
		st = blk_device_flush_start(kb->client, &r->call.flush);
		break;
	default:
		st = blk_device_discard_start(kb->client, lba, count, &r->call.discard);
		break;
	}
	spin_unlock(&kb->start_lock);
	return st ? drv_kblk_status(st) : BLK_STS_OK;
}

static const struct blk_mq_ops drv_kblk_mq_ops = {
	.queue_rq = drv_kblk_queue_rq,
	.complete = drv_kblk_complete,
};

/* The most segments one mapping of the driver's streaming DMA takes: a
 * request never has more. */
static unsigned int drv_kblk_segments(const struct drv_driver_desc *desc)
{
	unsigned int i, n = 0;

	for (i = 0; i < desc->ndma; i++)
		if (desc->dma[i].kind == DRV_DMA_STREAMING && desc->dma[i].segments > n)
			n = desc->dma[i].segments;
	return clamp_t(unsigned int, n, 1, DRV_KBLK_MAX_SEGMENTS);
}

/* The disk's limits from info(). */
static void drv_kblk_limits(const struct drv_kblk *kb, struct queue_limits *lim)
{
	const struct blk_info *info = &kb->info;
	u32 max_sectors = min_t(u64, ((u64)info->max_blocks << kb->block_shift) >> SECTOR_SHIFT,
				UINT_MAX);

	*lim = (struct queue_limits){
		.logical_block_size = info->block_size,
		.physical_block_size = info->block_size,
		.max_hw_sectors = max_sectors,
		.max_segments = kb->max_segments,
		.max_segment_size = UINT_MAX,
	};
	if (info->features & BLK_FEATURES_DISCARD) {
		lim->max_hw_discard_sectors = max_sectors;
		lim->discard_granularity = info->block_size;
	}
}

static bool drv_kblk_info_usable(struct drv_kinst *inst, const struct blk_info *info)
{
	if (info->block_size < SECTOR_SIZE || info->block_size > PAGE_SIZE ||
	    !is_power_of_2(info->block_size) || !info->max_blocks || !info->max_segments ||
	    !info->queue_depth) {
		dev_err(inst->dev, "%s: blk::device info is not a disk: block size %u, %u blocks and %u segments a request, depth %u\n",
			inst->name, info->block_size, info->max_blocks, info->max_segments,
			info->queue_depth);
		return false;
	}
	return true;
}

static int drv_kblk_disk(struct drv_kblk *kb)
{
	struct drv_kinst *inst = kb->obj->inst;
	struct queue_limits lim;
	struct gendisk *disk;
	int ret;

	kb->tag_set.ops = &drv_kblk_mq_ops;
	kb->tag_set.nr_hw_queues = 1;
	kb->tag_set.queue_depth = min_t(u32, kb->info.queue_depth, DRV_KBLK_MAX_DEPTH);
	kb->tag_set.numa_node = NUMA_NO_NODE;
	kb->tag_set.flags = BLK_MQ_F_SHOULD_MERGE;
	kb->tag_set.cmd_size = struct_size((struct drv_kblk_rq *)NULL, sg, kb->max_segments);
	kb->tag_set.driver_data = kb;
	ret = blk_mq_alloc_tag_set(&kb->tag_set);
	if (ret)
		return ret;
	drv_kblk_limits(kb, &lim);
	disk = drv_blk_mq_alloc_disk(&kb->tag_set, &lim, kb->info.features & BLK_FEATURES_FLUSH, kb);
	if (IS_ERR(disk)) {
		blk_mq_free_tag_set(&kb->tag_set);
		return PTR_ERR(disk);
	}
	kb->fops.owner = inst->kmod->owner;
	disk->fops = &kb->fops;
	disk->private_data = kb;
	/* /dev/<driver><number>, as the misc device's name */
	strscpy(disk->disk_name, kb->obj->misc.name, DISK_NAME_LEN);
	set_capacity(disk, kb->info.blocks << (kb->block_shift - SECTOR_SHIFT));
	if (kb->info.features & BLK_FEATURES_READ_ONLY)
		set_disk_ro(disk, true);
	ret = device_add_disk(inst->dev, disk, NULL);
	if (ret) {
		put_disk(disk);
		blk_mq_free_tag_set(&kb->tag_set);
		return ret;
	}
	kb->disk = disk;
	return 0;
}

static void drv_kblk_resize(struct work_struct *work)
{
	struct drv_kblk *kb = container_of(work, struct drv_kblk, resize);
	u64 blocks = READ_ONCE(kb->new_blocks);

	dev_info(kb->obj->inst->dev, "%s: the medium changed: %llu blocks\n", kb->disk->disk_name,
		 (unsigned long long)blocks);
	set_capacity_and_notify(kb->disk, blocks << (kb->block_shift - SECTOR_SHIFT));
}

static void drv_kblk_media_changed(void *ctx, uint64_t blocks)
{
	struct drv_kblk *kb = ctx;

	WRITE_ONCE(kb->new_blocks, blocks);
	schedule_work(&kb->resize);
}

int drv_kblk_attach(struct drv_object *obj)
{
	struct drv_kinst *inst = obj->inst;
	struct drv_kblk *kb = kzalloc(sizeof(*kb), GFP_KERNEL);
	int st;

	if (!kb)
		return -ENOMEM;
	kb->obj = obj;
	spin_lock_init(&kb->start_lock);
	INIT_WORK(&kb->resize, drv_kblk_resize);
	kb->max_segments = drv_kblk_segments(inst->desc);
	st = drv_kclient_open(obj, GFP_NOIO, (struct drv_client **)&kb->client);
	if (!st)
		st = blk_device_info(kb->client, &kb->info);
	if (st) {
		dev_err(inst->dev, "%s: blk::device info: %s\n", inst->name,
			st > 0 ? blk_error_name((uint64_t)st) : "no answer");
		st = -EIO;
		goto fail;
	}
	st = -EINVAL;
	if (!drv_kblk_info_usable(inst, &kb->info))
		goto fail;
	/* the block layer counts a request's pieces: no more than the device
	 * takes, and then it may be as long as max_blocks */
	kb->max_segments = min(kb->max_segments, kb->info.max_segments);
	kb->block_shift = ilog2(kb->info.block_size);
	st = drv_kblk_disk(kb);
	if (st)
		goto fail;
	obj->adapter = kb;
	if (blk_device_on_media_changed(kb->client, drv_kblk_media_changed, kb))
		dev_warn(inst->dev, "%s: /dev/%s will not follow a resize (no room to subscribe)\n",
			 inst->name, kb->disk->disk_name);
	dev_info(inst->dev, "%s: /dev/%s: %llu blocks of %u bytes%s, %u at once\n", inst->name,
		 kb->disk->disk_name, (unsigned long long)kb->info.blocks, kb->info.block_size,
		 kb->info.features & BLK_FEATURES_READ_ONLY ? ", read-only" : "",
		 kb->tag_set.queue_depth);
	return 0;
fail:
	blk_device_disconnect(kb->client);
	kfree(kb);
	return st;
}

/* The requests in flight finish, while the driver still answers; no
 * resize comes after (events are delivered under the instance lock, so
 * none runs once the subscription is gone). */
void drv_kblk_detach(struct drv_object *obj)
{
	struct drv_kblk *kb = obj->adapter;

	blk_device_on_media_changed(kb->client, NULL, NULL);
	cancel_work_sync(&kb->resize);
	del_gendisk(kb->disk);
}

void drv_kblk_release(struct drv_object *obj)
{
	struct drv_kblk *kb = obj->adapter;

	blk_mq_free_tag_set(&kb->tag_set);
	put_disk(kb->disk);
	blk_device_disconnect(kb->client);
	obj->adapter = NULL;
	kfree(kb);
}
