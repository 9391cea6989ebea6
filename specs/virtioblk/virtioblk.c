// SPDX-License-Identifier: MIT
/*
 * virtioblk.c - a virtio block device (Virtual I/O Device (VIRTIO) Version
 * 1.2, 5.2; QEMU's virtio-blk-pci, modern), serving blk::device
 * (dsl/std/blk.idl) over the virtio library's transport and split
 * virtqueue (specs/virtio).
 *
 * Every read and write goes to the device straight from and into the
 * client's pages: the handler maps the call's page buffer for the device
 * (drv_dma_map, the manifest's streaming capability) and hands it to the
 * queue as the request's data, between a header and a status byte of the
 * driver's own, all through one indirect descriptor table in coherent
 * memory. Nothing is copied. As every drvgen driver it never waits: a
 * request is queued and deferred, and answered from the interrupt.
 *
 * A request is hostile until checked: its blocks must lie on the disk and
 * number 1 .. info.max_blocks, its bytes must lie in the caller's buffer,
 * and they must map in at most info.max_segments pieces (RANGE), before the
 * device sees it; a write or a discard to a read-only disk is READ_ONLY.
 * As many requests as info.queue_depth are in flight at once; the next is
 * BUSY.
 *
 * The size of a request is two limits, as Linux's block layer keeps them:
 * info.max_segments is the most pieces a buffer may map in (the manifest's
 * `segments`, no more than the device takes: seg_max, and no chain longer
 * than its queue, 2.7.5.3.1), and info.max_blocks the most blocks, MAX_BYTES
 * (nor more than a discard may cover). A client that cannot know how its
 * buffer lies keeps to max_segments - 1 pages, which fit at any offset; the
 * blk-mq disk counts a request's pieces, and sends a 1 MiB request whose
 * pages lie together as one, as Linux's virtio_blk takes it. With size_max
 * no piece may be longer: max_blocks then keeps to it.
 *
 * The deadline timer ticks every second while requests are in flight. A
 * tick with requests in flight and no completion since the last one first
 * takes what the used ring holds: an interrupt that never came costs a
 * second, not the deadline and a reset. Finding nothing, it notifies the
 * device again: a notification the device missed costs a second as well.
 * Each is logged the first time, with the queue's state. Both were seen
 * under QEMU 7.2's TCG on a machine of one CPU, which drops the guest's
 * barriers, so that the index stores and event index loads on either side
 * pass each other (targets/qemu/run.sh says how the tests avoid it); a
 * device or hypervisor with the same fault meets the same remedy. A
 * request still in
 * flight at its DEADLINE_TICKS-th tick means the device is wedged: it is
 * reset, which stops its DMA into the clients' pages, every request in
 * flight fails with TIMEOUT (its effect is not known), and the device is
 * brought up again. A device that says it needs a reset is treated the
 * same way, with IO. The serial number is asked of the device once the
 * interrupts are up (start); an info call waits for it.
 */
#include "virtio.h"
#include "virtioblk_driver.h"
#include "virtioblk_regs.h"

/* virtio-blk's feature bits (5.2.3). */
enum {
	VIRTIO_BLK_F_SIZE_MAX = 1,
	VIRTIO_BLK_F_SEG_MAX = 2,
	VIRTIO_BLK_F_RO = 5,
	VIRTIO_BLK_F_BLK_SIZE = 6,
	VIRTIO_BLK_F_FLUSH = 9,
	VIRTIO_BLK_F_DISCARD = 13,
};

/* Request types and status (5.2.6). */
enum {
	VIRTIO_BLK_T_IN = 0,
	VIRTIO_BLK_T_OUT = 1,
	VIRTIO_BLK_T_FLUSH = 4,
	VIRTIO_BLK_T_GET_ID = 8,
	VIRTIO_BLK_T_DISCARD = 11,
	VIRTIO_BLK_S_OK = 0,
	VIRTIO_BLK_S_IOERR = 1,
	VIRTIO_BLK_S_UNSUPP = 2,
	VIRTIO_BLK_ID_BYTES = 20,
};

enum {
	SECTOR = 512, /* virtio-blk counts in 512-byte sectors whatever the block size */
	PAGE = 4096,
	DEPTH = 64,		  /* requests in flight at most (the streaming `mappings`) */
	/* The most pieces of a read or write: QEMU's seg_max, 254. An
	 * indirect table of 256 entries fills one page. */
	MAX_SEGMENTS = 254, /* the streaming `segments` */
	TABLE = MAX_SEGMENTS + 2, /* header, data, status */
	/* The most bytes: more than Linux's block layer sends (1280 KiB).
	 * Under emulation a request's cost hardly depends on its size: a
	 * 1 MiB write in two requests ran at 0.6 of Linux's speed. */
	MAX_BYTES = 4 << 20,
	/* Without indirect tables a chain takes its own ring entries: a
	 * request may then have as many segments as leave room for this many
	 * in flight. */
	DIRECT_DEPTH = 4,
	DEADLINE_TICKS = 30,	  /* ticks of the deadline timer a request may see */
	INFO_WAITING = 8,	  /* info calls waiting for the serial number */
	/* A request's own DMA memory: its header, a payload (a discard's
	 * range, or the ID), its status byte, its indirect table. */
	HEADER_BYTES = 16, /* struct virtio_blk_req's type, priority, sector */
	REQ_PAYLOAD = HEADER_BYTES,
	REQ_STATUS = 48,
	REQ_TABLE = 64,
	REQ_BYTES = REQ_TABLE + TABLE * 16,
	REQ_ALIGN = 64,
	NO_STATUS = 0xff, /* what a status byte reads until the device writes it */
};

_Static_assert(TABLE * 16 == PAGE, "an indirect table fills a page");
_Static_assert((int)(REQ_STATUS - REQ_PAYLOAD) >= (int)VIRTIO_BLK_ID_BYTES,
	       "the payload holds the ID, and a discard's 16 bytes");
_Static_assert((int)DEPTH <= (int)VIRTQ_MAX_SIZE && DEPTH <= 256,
	       "a request's slot number is a byte");

struct vblk_req {
	struct drv_call *call; /* NULL: the driver's own (GET_ID) */
	uint8_t type;	       /* VIRTIO_BLK_T_... */
	bool busy;	       /* in flight */
	bool mapped;	       /* map holds the caller's buffer */
	unsigned ticks;	       /* deadline ticks seen in flight */
	struct drv_dma_map map;
	struct virtio_dma mem; /* REQ_BYTES of coherent memory */
};

struct virtioblk {
	struct virtioblk_driver base;
	struct virtio_dev dev;
	struct virtq vq;
	struct virtio_dma ring; /* the queue's memory */
	struct vblk_req reqs[DEPTH];
	uint8_t free[DEPTH]; /* slots not in flight */
	unsigned nfree;
	unsigned depth;	    /* in flight at most: info.queue_depth */
	unsigned seg_limit; /* data segments a request may have */
	struct blk_info info;
	uint64_t sectors; /* the device's capacity */
	uint32_t blk_size, seg_max, size_max, max_discard;
	bool serial_known;
	struct drv_call *info_waiting[INFO_WAITING];
	unsigned ninfo;
	bool ticking;
	uint16_t used_at_tick; /* vq.last_used at the deadline timer's last tick */
	unsigned renotified;   /* ticks that notified the device again */
	unsigned polled;       /* ticks that took completions no interrupt announced */
	bool dead; /* the device could not be brought back: every request fails */
	/* read_write's chain, being built: 4 KiB, too much for a kernel stack
	 * (the hooks of one instance never run at once) */
	struct virtq_buf chain[TABLE];
};
VIRTIOBLK_DRIVER(struct virtioblk);

static const char model[] = "virtio-blk";

static struct virtioblk *from_blk_device(struct blk_device *self)
{
	return drv_container_of(self, struct virtioblk, base.blk_device);
}

static struct virtioblk *from_driver(struct virtioblk_driver *drv)
{
	return drv_container_of(drv, struct virtioblk, base);
}

static uint8_t *req_bytes(struct vblk_req *req, unsigned at)
{
	return (uint8_t *)req->mem.cpu + at;
}

/* ---- bringing the device up ---- */

static void read_config(void *ctx)
{
	struct virtioblk *b = ctx;
	struct virtioblk_config c = virtioblk_config_at(b->dev.device);

	b->sectors = virtioblk_capacity_lo_read(c) | (uint64_t)virtioblk_capacity_hi_read(c) << 32;
	b->blk_size = virtio_dev_has(&b->dev, VIRTIO_BLK_F_BLK_SIZE) ? virtioblk_blk_size_read(c)
								     : SECTOR;
	b->seg_max = virtio_dev_has(&b->dev, VIRTIO_BLK_F_SEG_MAX) ? virtioblk_seg_max_read(c) : 0;
	b->size_max =
		virtio_dev_has(&b->dev, VIRTIO_BLK_F_SIZE_MAX) ? virtioblk_size_max_read(c) : 0;
	b->max_discard = virtio_dev_has(&b->dev, VIRTIO_BLK_F_DISCARD)
				 ? virtioblk_max_discard_sectors_read(c)
				 : 0;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* info from the negotiated features and the configuration just read; 0,
 * or -ENODEV for a configuration no request could be made of. */
static int describe(struct virtioblk *b)
{
	struct blk_info *info = &b->info;
	uint32_t spb, max_bytes;

	if (b->blk_size < SECTOR || b->blk_size > PAGE || (b->blk_size & (b->blk_size - 1))) {
		drv_log("virtioblk", "block size %u is not a power of two from 512 to 4096",
			b->blk_size);
		return -ENODEV;
	}
	spb = b->blk_size / SECTOR;
	/* no chain, even through an indirect table, is longer than the queue */
	b->seg_limit = min32(b->seg_max ? b->seg_max : MAX_SEGMENTS, MAX_SEGMENTS);
	b->seg_limit = min32(b->seg_limit, b->vq.size > 2 ? b->vq.size - 2u : 0);
	if (!b->vq.indirect && b->vq.size / DIRECT_DEPTH > 2)
		b->seg_limit = min32(b->seg_limit, b->vq.size / DIRECT_DEPTH - 2u);
	b->depth = b->vq.indirect ? min32(DEPTH, b->vq.size)
				  : min32(DEPTH, b->vq.size / (b->seg_limit + 2));
	max_bytes = b->seg_limit ? MAX_BYTES : 0;
	if (b->size_max)
		max_bytes = min32(max_bytes, b->size_max); /* then no piece is longer */
	info->block_size = b->blk_size;
	info->max_blocks = max_bytes / b->blk_size;
	info->max_segments = b->seg_limit;
	if (b->max_discard)
		info->max_blocks = min32(info->max_blocks, b->max_discard / spb);
	info->blocks = b->sectors / spb;
	info->queue_depth = b->depth;
	info->features = 0;
	if (virtio_dev_has(&b->dev, VIRTIO_BLK_F_RO))
		info->features |= BLK_FEATURES_READ_ONLY;
	else if (virtio_dev_has(&b->dev, VIRTIO_BLK_F_DISCARD))
		info->features |= BLK_FEATURES_DISCARD;
	if (virtio_dev_has(&b->dev, VIRTIO_BLK_F_FLUSH))
		info->features |= BLK_FEATURES_FLUSH;
	if (!info->max_blocks || !b->depth) {
		drv_log("virtioblk", "no request fits the device: %u segments, queue of %u",
			b->seg_limit, b->vq.size);
		return -ENODEV;
	}
	return 0;
}

/* After a reset: features, configuration, the queue, DRIVER_OK (3.1.1). */
static int bring_up(struct virtioblk *b)
{
	const uint64_t wanted = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
				VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_RO) |
				VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
				VIRTIO_BIT(VIRTIO_BLK_F_DISCARD);
	const struct drv_irq_desc *irqs = virtioblk_driver_desc.irqs;
	uint32_t needed;
	int st = virtio_dev_negotiate(&b->dev, wanted);

	if (st)
		return st;
	/* the fields read: to blk_size, or to the discard limits */
	needed = virtio_dev_has(&b->dev, VIRTIO_BLK_F_DISCARD)
			 ? VIRTIOBLK_MAX_DISCARD_SECTORS_OFFSET + 4
			 : VIRTIOBLK_BLK_SIZE_OFFSET + 4;
	if (b->dev.device_len < needed) {
		drv_log("virtioblk", "the device configuration is %u bytes, not %u",
			b->dev.device_len, needed);
		return -ENODEV;
	}
	st = virtio_dev_read_config(&b->dev, read_config, b);
	if (!st)
		st = virtq_setup(&b->vq, &b->dev, 0, &b->ring,
				 (uint16_t)irqs[VIRTIOBLK_IRQ_QUEUE].vector);
	if (!st)
		st = virtio_dev_config_vector(&b->dev, (uint16_t)irqs[VIRTIOBLK_IRQ_CONFIG].vector);
	if (!st)
		st = describe(b);
	if (st)
		return st;
	virtio_dev_ready(&b->dev);
	return 0;
}

/* ---- requests ---- */

static struct vblk_req *take_req(struct virtioblk *b)
{
	struct vblk_req *req;

	if (DEPTH - b->nfree >= b->depth)
		return NULL;
	req = &b->reqs[b->free[--b->nfree]];
	req->busy = true;
	req->mapped = false;
	req->ticks = 0;
	return req;
}

static void put_req(struct virtioblk *b, struct vblk_req *req)
{
	req->busy = false;
	req->call = NULL;
	b->free[b->nfree++] = (uint8_t)(req - b->reqs);
}

static void unmap(struct vblk_req *req)
{
	if (!req->mapped)
		return;
	if (req->type == VIRTIO_BLK_T_IN)
		drv_dma_sync_for_cpu(&req->map);
	drv_dma_unmap(&req->map);
	req->mapped = false;
}

/* The deadline timer ticks while requests are in flight. */
static void watch(struct virtioblk *b)
{
	if (b->ticking)
		return;
	drv_timer_arm_periodic(b->base.caps.deadline, VIRTIOBLK_TIMER_DEADLINE_NS);
	b->ticking = true;
	b->used_at_tick = b->vq.last_used;
}

static void got_id(struct virtioblk *b, const uint8_t *id)
{
	if (id)
		drv_copy(b->info.serial, id, VIRTIO_BLK_ID_BYTES);
	b->serial_known = true;
	for (unsigned i = 0; i < b->ninfo; i++)
		blk_device_info_reply(b->info_waiting[i], 0, &b->info);
	b->ninfo = 0;
}

/* Answers a request with `error` (0 or a blk::error) and frees its slot. */
static void finish(struct virtioblk *b, struct vblk_req *req, int error)
{
	struct drv_call *call = req->call;

	unmap(req);
	switch (req->type) {
	case VIRTIO_BLK_T_IN:
		blk_device_read_reply(call, error);
		break;
	case VIRTIO_BLK_T_OUT:
		blk_device_write_reply(call, error);
		break;
	case VIRTIO_BLK_T_FLUSH:
		blk_device_flush_reply(call, error);
		break;
	case VIRTIO_BLK_T_DISCARD:
		blk_device_discard_reply(call, error);
		break;
	default: /* GET_ID */
		got_id(b, error ? NULL : req_bytes(req, REQ_PAYLOAD));
		break;
	}
	put_req(b, req);
}

/* The device's status byte as the protocol's error. */
static int device_error(uint8_t status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_UNSUPP:
		return BLK_ERROR_UNSUPPORTED;
	default: /* IOERR, or a status the device never wrote */
		return BLK_ERROR_IO;
	}
}

/* Queues a request of header, bufs[1 .. n-1) and status (the caller fills
 * the middle), and tells the device. 0, or BUSY. */
static int submit(struct virtioblk *b, struct vblk_req *req, uint8_t type, uint64_t sector,
		  struct virtq_buf *bufs, unsigned n)
{
	struct virtio_dma table = {req_bytes(req, REQ_TABLE), req->mem.bus + REQ_TABLE};

	req->type = type;
	drv_put32(req_bytes(req, 0), type);
	drv_put32(req_bytes(req, 4), 0); /* priority */
	drv_put64(req_bytes(req, 8), sector);
	*req_bytes(req, REQ_STATUS) = NO_STATUS;
	bufs[0] = (struct virtq_buf){req->mem.bus, HEADER_BYTES, false};
	bufs[n - 1] = (struct virtq_buf){req->mem.bus + REQ_STATUS, 1, true};
	if (virtq_add(&b->vq, bufs, n, &table, req)) {
		unmap(req);
		put_req(b, req);
		return BLK_ERROR_BUSY;
	}
	virtq_kick(&b->vq);
	watch(b);
	return DRV_DEFER;
}

/* Whether count blocks from lba are on the disk, and one request's worth. */
static bool blocks_ok(const struct virtioblk *b, uint64_t lba, uint32_t count)
{
	return count && count <= b->info.max_blocks && lba < b->info.blocks &&
	       count <= b->info.blocks - lba;
}

static uint64_t sector_of(const struct virtioblk *b, uint64_t lba)
{
	return lba * (b->info.block_size / SECTOR);
}

/* A slot for a request of `call`, or NULL and *error why not. */
static struct vblk_req *new_req(struct virtioblk *b, struct drv_call *call, int *error)
{
	struct vblk_req *req = b->dead ? NULL : take_req(b);

	*error = b->dead ? BLK_ERROR_IO : BLK_ERROR_BUSY;
	if (req)
		req->call = call;
	return req;
}

static int read_write(struct virtioblk *b, struct drv_call *call, struct drv_pages *buf,
		      uint64_t lba, uint32_t count, uint64_t offset, bool write)
{
	struct virtq_buf *bufs = b->chain;
	uint64_t bytes = (uint64_t)count * b->info.block_size;
	struct vblk_req *req;
	int st;

	if (write && (b->info.features & BLK_FEATURES_READ_ONLY))
		return BLK_ERROR_READ_ONLY;
	if (!blocks_ok(b, lba, count) || offset > buf->size || bytes > buf->size - offset)
		return BLK_ERROR_RANGE;
	req = new_req(b, call, &st);
	if (!req)
		return st;
	req->type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	st = drv_dma_map(b->base.caps.data, call, 0, offset, bytes,
			 write ? DRV_DMA_TO_DEVICE : DRV_DMA_FROM_DEVICE, &req->map);
	req->mapped = !st;
	if (!st && req->map.nseg > b->seg_limit)
		st = -EINVAL;
	if (st) {
		unmap(req);
		put_req(b, req);
		/* a buffer in more pieces than the device takes, or no mapping free */
		return st == -EINVAL ? BLK_ERROR_RANGE : BLK_ERROR_BUSY;
	}
	if (write)
		drv_dma_sync_for_device(&req->map);
	for (unsigned i = 0; i < req->map.nseg; i++)
		bufs[1 + i] = (struct virtq_buf){req->map.seg[i].bus, req->map.seg[i].len, !write};
	return submit(b, req, req->type, sector_of(b, lba), bufs, req->map.nseg + 2);
}

/* A request without a buffer of the caller's (a flush, a discard, the ID):
 * its header, `payload` bytes of its own memory (filled by the caller for
 * the device to read, or zeroed here for it to write), its status. */
static int command(struct virtioblk *b, struct vblk_req *req, uint8_t type, unsigned payload,
		   bool device_writes)
{
	struct virtq_buf bufs[3];

	if (!payload)
		return submit(b, req, type, 0, bufs, 2);
	if (device_writes) /* what the device leaves unwritten reads as NULs */
		memset(req_bytes(req, REQ_PAYLOAD), 0, payload);
	bufs[1] = (struct virtq_buf){req->mem.bus + REQ_PAYLOAD, payload, device_writes};
	return submit(b, req, type, 0, bufs, 3);
}

/* ---- completions and recovery ---- */

/* Answers what the device is done with. */
static void complete_used(struct virtioblk *b)
{
	struct vblk_req *req;
	uint32_t len;

	while ((req = virtq_get(&b->vq, &len)))
		finish(b, req, device_error(*req_bytes(req, REQ_STATUS)));
}

/* Tells the clients of a size other than `blocks`, the one they knew
 * (the QEMU tests wait for the log line). */
static void size_changed(struct virtioblk *b, uint64_t blocks)
{
	if (b->info.blocks == blocks)
		return;
	drv_log("virtioblk", "the disk is now %llu blocks", (unsigned long long)b->info.blocks);
	blk_device_emit_media_changed(&b->base.blk_device, b->info.blocks);
}

/* Resets a wedged or broken device, fails every request in flight with
 * `error`, and brings the device up again (or gives up on it). */
static void recover(struct virtioblk *b, int error, const char *why)
{
	uint64_t blocks = b->info.blocks;
	struct vblk_req *req;
	int st;

	drv_log("virtioblk", "%s: resetting the device; %u requests in flight fail with %s", why,
		DEPTH - b->nfree, blk_error_name((uint64_t)error));
	virtq_log_state(&b->vq);
	st = virtio_dev_reset(&b->dev); /* its DMA has stopped */
	while ((req = virtq_drain(&b->vq)))
		finish(b, req, error);
	if (!st)
		st = bring_up(b);
	if (st) {
		drv_log("virtioblk",
			"the device did not come back (%d): every request fails with IO", st);
		virtio_dev_fail(&b->dev);
		b->dead = true;
		return;
	}
	size_changed(b, blocks);
}

/* The device configuration changed, or the device needs a reset. */
static void config_changed(struct virtioblk *b)
{
	uint64_t blocks = b->info.blocks;

	if (b->dead)
		return;
	if (virtio_dev_broken(&b->dev)) {
		recover(b, BLK_ERROR_IO, "the device needs a reset");
		return;
	}
	if (virtio_dev_read_config(&b->dev, read_config, b) || describe(b)) {
		recover(b, BLK_ERROR_IO, "the device configuration is unreadable");
		return;
	}
	size_changed(b, blocks);
}

/* ---- hooks ---- */

int virtioblk_init(struct virtioblk_driver *drv)
{
	struct virtioblk *b = from_driver(drv);
	const struct drv_mmio_desc *bar = &virtioblk_driver_desc.mmio[0];
	struct virtio_bar bars[] = {{bar->bar, drv->caps.bar, bar->size}};
	struct virtio_pool pool = {drv->caps.rings, 0};
	int st;

	st = virtio_dev_find(&b->dev, "virtioblk", drv->caps.pci, &drv->caps.msix, bars, 1);
	if (st)
		return st;
	if (!virtio_pool_take(&pool, virtq_bytes(VIRTQ_MAX_SIZE), PAGE, &b->ring))
		return -ENOMEM;
	for (unsigned i = 0; i < DEPTH; i++) {
		if (!virtio_pool_take(&pool, REQ_BYTES, REQ_ALIGN, &b->reqs[i].mem))
			return -ENOMEM;
		b->free[i] = (uint8_t)(DEPTH - 1 - i);
	}
	b->nfree = DEPTH;
	drv_copy(b->info.model, model, sizeof(model) - 1);
	st = virtio_dev_reset(&b->dev);
	if (!st)
		st = bring_up(b);
	if (st) {
		virtio_dev_fail(&b->dev);
		return st;
	}
	drv_log("virtioblk",
		"%llu blocks of %u bytes%s%s%s, %u requests at once of up to %u blocks in %u "
		"pieces, %s "
		"descriptors, instance %u",
		(unsigned long long)b->info.blocks, b->info.block_size,
		b->info.features & BLK_FEATURES_READ_ONLY ? ", read-only" : "",
		b->info.features & BLK_FEATURES_FLUSH ? ", flush" : "",
		b->info.features & BLK_FEATURES_DISCARD ? ", discard" : "", b->depth,
		b->info.max_blocks, b->info.max_segments, b->vq.indirect ? "indirect" : "direct",
		drv->instance);
	return 0;
}

/* The interrupts are up: where they come from, and the serial number. */
void virtioblk_start(struct virtioblk_driver *drv)
{
	struct virtioblk *b = from_driver(drv);

	struct vblk_req *req;
	int st;

	virtio_dev_start(&b->dev);
	req = new_req(b, NULL, &st);
	if (!req || command(b, req, VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_ID_BYTES, true) != DRV_DEFER)
		got_id(b, NULL);
}

/* The queue's vector or the configuration's; on INTx both arrive as the
 * configuration's (the first interrupt), and the ISR says which. */
bool virtioblk_irq(struct virtioblk_driver *drv, unsigned irq)
{
	struct virtioblk *b = from_driver(drv);
	unsigned cause = virtio_dev_irq(&b->dev, irq == VIRTIOBLK_IRQ_QUEUE ? VIRTIO_IRQ_QUEUE
									     : VIRTIO_IRQ_CONFIG);

	if (!cause)
		return false; /* another device's on a shared line */
	if (cause & VIRTIO_IRQ_QUEUE)
		complete_used(b);
	if (b->vq.broken)
		recover(b, BLK_ERROR_IO, "the device broke its queue");
	else if (cause & VIRTIO_IRQ_CONFIG)
		config_changed(b);
	return true;
}

/* Idle and about to sleep. Nothing of the device is relied on across
 * D3hot: it is reset (its DMA stops), and resume brings it up as init did.
 * A request in flight, or an info call waiting for the serial number,
 * keeps it awake. */
int virtioblk_suspend(struct virtioblk_driver *drv)
{
	struct virtioblk *b = from_driver(drv);

	if (b->nfree < DEPTH || b->ninfo)
		return -EBUSY;
	/* its next tick would take the reset device for a broken one */
	drv_timer_disarm(drv->caps.deadline);
	b->ticking = false;
	if (!b->dead)
		virtio_dev_reset(&b->dev);
	drv_log("virtioblk", "instance %u suspended: the device is reset", drv->instance);
	return 0;
}

/* Awake (D0): features, the queue and its vectors again; a disk resized
 * meanwhile is told to the clients. */
int virtioblk_resume(struct virtioblk_driver *drv)
{
	struct virtioblk *b = from_driver(drv);
	uint64_t blocks = b->info.blocks;
	int st = b->dead ? 0 : bring_up(b);

	if (st) {
		drv_log("virtioblk", "the device did not come back from sleep (%d)", st);
		virtio_dev_fail(&b->dev);
		b->dead = true;
		return st;
	}
	drv_log("virtioblk", "instance %u resumed", drv->instance);
	size_changed(b, blocks);
	return 0;
}

void virtioblk_stop(struct virtioblk_driver *drv)
{
	struct virtioblk *b = from_driver(drv);
	struct vblk_req *req;

	virtio_dev_reset(&b->dev); /* no more DMA into what is unmapped below */
	drv_timer_disarm(drv->caps.deadline);
	b->ticking = false;
	/* the runtime answers the calls still open (SHUTDOWN); forget them */
	while ((req = virtq_drain(&b->vq))) {
		unmap(req);
		put_req(b, req);
	}
	b->ninfo = 0;
	if (b->polled || b->renotified)
		drv_log("virtioblk",
			"%u ticks took completions no interrupt announced, %u notified the device "
			"again",
			b->polled, b->renotified);
}

/* A second with requests in flight and no completion: the interrupt or
 * the notification went missing (see the top of the file). */
static void poll_or_renotify(struct virtioblk *b)
{
	uint16_t before = b->vq.last_used;

	complete_used(b);
	if (b->vq.broken) {
		recover(b, BLK_ERROR_IO, "the device broke its queue");
	} else if (b->vq.last_used != before) {
		if (!b->polled++) {
			drv_log("virtioblk", "%u completions waited a second in the used ring without an "
					     "interrupt: taken by the deadline timer (logged once)",
				(unsigned)(uint16_t)(b->vq.last_used - before));
			virtq_log_state(&b->vq);
		}
	} else {
		if (!b->renotified++) {
			drv_log("virtioblk", "no completion for a second with %u requests in flight: "
					     "notifying the device again, in case it missed it (logged once)",
				DEPTH - b->nfree);
			virtq_log_state(&b->vq);
		}
		virtq_notify(&b->vq);
	}
}

/* A tick of the deadline: a request in flight too long means the device
 * is wedged; the timer stops once nothing is in flight. */
void virtioblk_timer(struct virtioblk_driver *drv, unsigned timer)
{
	struct virtioblk *b = from_driver(drv);
	bool late = false, busy = b->nfree < DEPTH;

	(void)timer;
	for (unsigned i = 0; i < DEPTH; i++)
		if (b->reqs[i].busy && ++b->reqs[i].ticks >= DEADLINE_TICKS)
			late = true;
	if (late) {
		recover(b, BLK_ERROR_TIMEOUT, "a request was not completed in time");
	} else if (!b->dead && virtio_dev_broken(&b->dev)) {
		recover(b, BLK_ERROR_IO, "the device needs a reset");
	} else if (busy && !b->dead && b->vq.last_used == b->used_at_tick) {
		poll_or_renotify(b);
	}
	b->used_at_tick = b->vq.last_used;
	if (b->nfree == DEPTH) {
		drv_timer_disarm(drv->caps.deadline);
		b->ticking = false;
	}
}

/* ---- blk::device ---- */

static int virtioblk_info(struct blk_device *self, struct drv_call *call, struct blk_info *result)
{
	struct virtioblk *b = from_blk_device(self);

	if (!b->serial_known) {
		if (b->ninfo == INFO_WAITING)
			return BLK_ERROR_BUSY;
		b->info_waiting[b->ninfo++] = call;
		return DRV_DEFER;
	}
	*result = b->info;
	return 0;
}

static int virtioblk_read(struct blk_device *self, struct drv_call *call, struct drv_pages *buf,
			  uint64_t lba, uint32_t count, uint64_t offset)
{
	return read_write(from_blk_device(self), call, buf, lba, count, offset, false);
}

static int virtioblk_write(struct blk_device *self, struct drv_call *call, struct drv_pages *buf,
			   uint64_t lba, uint32_t count, uint64_t offset)
{
	return read_write(from_blk_device(self), call, buf, lba, count, offset, true);
}

/* Without a volatile cache (no FLUSH) every answered write is durable
 * already: nothing to do. */
static int virtioblk_flush(struct blk_device *self, struct drv_call *call)
{
	struct virtioblk *b = from_blk_device(self);
	struct vblk_req *req;
	int st;

	if (!(b->info.features & BLK_FEATURES_FLUSH))
		return 0;
	req = new_req(b, call, &st);
	return req ? command(b, req, VIRTIO_BLK_T_FLUSH, 0, false) : st;
}

static int virtioblk_discard(struct blk_device *self, struct drv_call *call, uint64_t lba,
			     uint32_t count)
{
	struct virtioblk *b = from_blk_device(self);
	struct vblk_req *req;
	int st;

	if (b->info.features & BLK_FEATURES_READ_ONLY)
		return BLK_ERROR_READ_ONLY;
	if (!(b->info.features & BLK_FEATURES_DISCARD))
		return BLK_ERROR_UNSUPPORTED;
	if (!blocks_ok(b, lba, count))
		return BLK_ERROR_RANGE;
	req = new_req(b, call, &st);
	if (!req)
		return st;
	/* the range, struct virtio_blk_discard_write_zeroes: sector, count, flags */
	drv_put64(req_bytes(req, REQ_PAYLOAD), sector_of(b, lba));
	drv_put32(req_bytes(req, REQ_PAYLOAD + 8), count * (b->info.block_size / SECTOR));
	drv_put32(req_bytes(req, REQ_PAYLOAD + 12), 0);
	return command(b, req, VIRTIO_BLK_T_DISCARD, 16, false);
}

const struct blk_device_ops blk_device_ops = BLK_DEVICE_OPS(virtioblk);
