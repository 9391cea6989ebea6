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

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
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
#define DRV_PLATFORM_REMOVE(name, fn) \
	static void name(struct platform_device *pdev) \
	{ \
		fn(pdev); \
	}
#else
#define DRV_PLATFORM_REMOVE(name, fn) \
	static int name(struct platform_device *pdev) \
	{ \
		fn(pdev); \
		return 0; \
	}
#endif

/* A blk-mq disk with the limits lim and, when write_cache, a volatile
 * write cache (REQ_OP_FLUSH requests). 6.9 made blk_mq_alloc_disk take the
 * queue's limits (struct queue_limits) instead of the blk_queue_*()
 * setters after it, which later kernels removed (6.12 has none of those
 * used here); 6.11 moved the write cache flag from blk_queue_write_cache()
 * into lim->features (and made a disk rotational only when its features
 * say so: it is not on 6.12, it is on 6.1). Before 6.9 the fields of lim
 * the runtime sets (kmod_blk.c) go through the setters, the others are the
 * defaults. No test builds the 6.9 and 6.10 branch. */
static inline struct gendisk *drv_blk_mq_alloc_disk(struct blk_mq_tag_set *set,
						    struct queue_limits *lim, bool write_cache,
						    void *queuedata)
{
	struct gendisk *disk;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	if (write_cache)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	disk = blk_mq_alloc_disk(set, lim, queuedata);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	disk = blk_mq_alloc_disk(set, lim, queuedata);
	if (!IS_ERR(disk))
		blk_queue_write_cache(disk->queue, write_cache, false);
#else
	struct request_queue *q;

	disk = blk_mq_alloc_disk(set, queuedata);
	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	blk_queue_logical_block_size(q, lim->logical_block_size);
	blk_queue_physical_block_size(q, lim->physical_block_size);
	blk_queue_max_hw_sectors(q, lim->max_hw_sectors);
	blk_queue_max_segments(q, lim->max_segments);
	blk_queue_max_segment_size(q, lim->max_segment_size);
	if (lim->max_hw_discard_sectors) {
		blk_queue_max_discard_sectors(q, lim->max_hw_discard_sectors);
		q->limits.discard_granularity = lim->discard_granularity;
	}
	blk_queue_write_cache(q, write_cache, false);
#endif
	return disk;
}

#endif
