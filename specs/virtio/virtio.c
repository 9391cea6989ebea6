// SPDX-License-Identifier: MIT
/*
 * virtio.c - the virtio 1.x PCI transport and split virtqueues (virtio.h),
 * after Virtual I/O Device (VIRTIO) Version 1.2: 3.1 (device
 * initialization), 4.1.4 (the PCI capabilities), 2.7 (split virtqueues).
 */
#include "virtio.h"

#include "drv_pci.h"

/* ---- little-endian fields of DMA memory ----
 *
 * The rings are little-endian whatever the CPU (2.7); drv_wire.h's
 * helpers order the bytes. The two indexes the other side moves while we
 * look (the used ring's, and the event indexes) are read and written as
 * one volatile access each. */

static uint16_t load16(const uint8_t *p)
{
	uint16_t raw = *(const volatile uint16_t *)(const void *)p;

	return drv_get16((const uint8_t *)&raw);
}

static void store16(uint8_t *p, uint16_t v)
{
	uint16_t raw;

	drv_put16((uint8_t *)&raw, v);
	*(volatile uint16_t *)(void *)p = raw;
}

/* ---- finding the structures ---- */

/* Where `length` bytes at `offset` of BAR `bar` are, if the driver mapped
 * that BAR and they fit in it. */
static bool locate(const struct virtio_bar *bars, unsigned nbars, unsigned bar, uint32_t offset,
		   uint32_t length, struct drv_io *out)
{
	for (unsigned i = 0; i < nbars; i++) {
		if (bars[i].bar != bar)
			continue;
		if ((uint64_t)offset + length > bars[i].size)
			return false;
		*out = drv_io_offset(bars[i].io, offset);
		return true;
	}
	return false;
}

enum {
	HAVE_COMMON = 1 << VIRTIO_CFG_TYPE_TYPE_COMMON,
	HAVE_NOTIFY = 1 << VIRTIO_CFG_TYPE_TYPE_NOTIFY,
	HAVE_ISR = 1 << VIRTIO_CFG_TYPE_TYPE_ISR,
	HAVE_DEVICE = 1 << VIRTIO_CFG_TYPE_TYPE_DEVICE,
	HAVE_ALL = HAVE_COMMON | HAVE_NOTIFY | HAVE_ISR | HAVE_DEVICE,
	NOTIFY_CAP_LEN = 20, /* struct virtio_pci_notify_cap */
	PCI_CAP_LEN = 16,    /* struct virtio_pci_cap */
};

/* Takes the structure one capability describes, if it is the first
 * usable one of its type; the bit of the type taken, or 0. */
static unsigned take(struct virtio_dev *v, struct virtio_pci_cap c, unsigned have,
		     const struct virtio_bar *bars, unsigned nbars)
{
	unsigned type = virtio_cfg_type_type_get(virtio_cfg_type_read(c));
	uint8_t len = virtio_cap_len_read(c);
	uint32_t length = virtio_cap_length_read(c);
	struct drv_io io;

	if (type >= 8 * sizeof(have) || (have & 1u << type) || len < PCI_CAP_LEN ||
	    !locate(bars, nbars, virtio_cap_bar_read(c), virtio_cap_offset_read(c), length, &io))
		return 0;
	switch (type) {
	case VIRTIO_CFG_TYPE_TYPE_COMMON:
		if (length < VIRTIO_COMMON_SIZE)
			return 0;
		v->common = virtio_common_at(io);
		break;
	case VIRTIO_CFG_TYPE_TYPE_NOTIFY:
		if (len < NOTIFY_CAP_LEN || length < VIRTIO_NOTIFY_SIZE)
			return 0;
		v->notify = io;
		v->notify_len = length;
		v->notify_multiplier = virtio_notify_off_multiplier_read(c);
		break;
	case VIRTIO_CFG_TYPE_TYPE_ISR:
		if (length < VIRTIO_ISR_SIZE)
			return 0;
		v->isr = virtio_isr_at(io);
		break;
	case VIRTIO_CFG_TYPE_TYPE_DEVICE:
		v->device = io;
		v->device_len = length;
		break;
	default:
		return 0; /* PCI configuration access, shared memory, vendor data */
	}
	return 1u << type;
}

int virtio_dev_find(struct virtio_dev *v, const char *name, struct virtio_pci pci,
		    const struct virtio_msix *msix, const struct virtio_bar *bars, unsigned nbars)
{
	struct drv_pci_cap cap = {0};
	unsigned have = 0;

	memset(v, 0, sizeof(*v));
	v->name = name;
	while (drv_pci_find_cap(pci.io, DRV_PCI_CAP_VENDOR, &cap))
		have |= take(v, virtio_pci_cap_at(drv_io_offset(pci.io, cap.offset)), have, bars,
			     nbars);
	if ((have & HAVE_ALL) != HAVE_ALL) {
		drv_log(name,
			"not a usable virtio device: it lacks, in a BAR the driver maps, "
			"its%s%s%s%s "
			"structure",
			have & HAVE_COMMON ? "" : " common", have & HAVE_NOTIFY ? "" : " notify",
			have & HAVE_ISR ? "" : " ISR", have & HAVE_DEVICE ? "" : " device");
		return -ENODEV;
	}
	if (msix) {
		v->msix = *msix;
		v->has_msix = true;
	}
	return 0;
}

/* ---- status and features ---- */

static uint8_t status(struct virtio_dev *v)
{
	return virtio_device_status_raw(virtio_device_status_read(v->common));
}

/* Status bits are only ever added (3.1.1). */
static void add_status(struct virtio_dev *v, uint8_t bits)
{
	virtio_device_status_write(v->common, virtio_device_status_value(status(v) | bits));
}

int virtio_dev_reset(struct virtio_dev *v)
{
	virtio_device_status_write(v->common, virtio_device_status_value(0));
	for (unsigned i = 0; i < VIRTIO_RESET_READS; i++)
		if (!status(v))
			return 0;
	drv_log(v->name, "the device did not finish its reset (status 0x%02x)", status(v));
	return -EIO;
}

static uint64_t device_features(struct virtio_dev *v)
{
	uint64_t f;

	virtio_device_feature_select_write(v->common, 0);
	f = virtio_device_feature_read(v->common);
	virtio_device_feature_select_write(v->common, 1);
	return f | (uint64_t)virtio_device_feature_read(v->common) << 32;
}

int virtio_dev_negotiate(struct virtio_dev *v, uint64_t wanted)
{
	const uint64_t transport =
		VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM) |
		VIRTIO_BIT(VIRTIO_F_RING_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX);
	uint64_t offered;

	add_status(v, VIRTIO_DEVICE_STATUS_ACKNOWLEDGE_MASK);
	add_status(v, VIRTIO_DEVICE_STATUS_DRIVER_MASK);
	offered = device_features(v);
	if (!(offered & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		drv_log(v->name, "a legacy device (no VIRTIO_F_VERSION_1): not driven");
		return -ENODEV;
	}
	if (!(offered & VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM))) {
		drv_log(v->name, "the device's DMA would bypass the IOMMU (no "
				 "VIRTIO_F_ACCESS_PLATFORM; QEMU: iommu_platform=on): not driven");
		return -ENODEV;
	}
	v->features = offered & (wanted | transport);
	virtio_driver_feature_select_write(v->common, 0);
	virtio_driver_feature_write(v->common, (uint32_t)v->features);
	virtio_driver_feature_select_write(v->common, 1);
	virtio_driver_feature_write(v->common, (uint32_t)(v->features >> 32));
	add_status(v, VIRTIO_DEVICE_STATUS_FEATURES_OK_MASK);
	if (!(status(v) & VIRTIO_DEVICE_STATUS_FEATURES_OK_MASK)) {
		drv_log(v->name, "the device refused features 0x%llx of 0x%llx",
			(unsigned long long)v->features, (unsigned long long)offered);
		return -EIO;
	}
	return 0;
}

int virtio_dev_read_config(struct virtio_dev *v, void (*read)(void *ctx), void *ctx)
{
	for (unsigned i = 0; i < VIRTIO_CONFIG_TRIES; i++) {
		uint8_t before = virtio_config_generation_read(v->common);

		read(ctx);
		if (virtio_config_generation_read(v->common) == before)
			return 0;
	}
	drv_log(v->name, "the device configuration kept changing while it was read");
	return -EIO;
}

int virtio_dev_config_vector(struct virtio_dev *v, uint16_t vector)
{
	if (!v->has_msix)
		return 0;
	virtio_config_msix_vector_write(v->common, vector);
	if (virtio_config_msix_vector_read(v->common) != vector) {
		drv_log(v->name, "the device refused MSI-X vector %u for configuration changes",
			vector);
		return -EIO;
	}
	return 0;
}

void virtio_dev_ready(struct virtio_dev *v)
{
	add_status(v, VIRTIO_DEVICE_STATUS_DRIVER_OK_MASK);
}

void virtio_dev_fail(struct virtio_dev *v)
{
	add_status(v, VIRTIO_DEVICE_STATUS_FAILED_MASK);
}

bool virtio_dev_broken(struct virtio_dev *v)
{
	uint8_t s = status(v);

	return (s & VIRTIO_DEVICE_STATUS_DEVICE_NEEDS_RESET_MASK) ||
	       !(s & VIRTIO_DEVICE_STATUS_DRIVER_OK_MASK);
}

void virtio_dev_start(struct virtio_dev *v)
{
	v->msix_on =
		v->has_msix && virtio_msix_control_enable_get(virtio_msix_control_read(v->msix));
	drv_log(v->name, "interrupts by %s", v->msix_on ? "MSI-X" : "INTx and the ISR");
}

unsigned virtio_dev_irq(struct virtio_dev *v, unsigned vector_causes)
{
	virtio_isr_status_t isr;
	unsigned cause = 0;

	if (v->msix_on)
		return vector_causes;
	isr = virtio_isr_status_read(v->isr);
	if (virtio_isr_status_queue_get(isr))
		cause |= VIRTIO_IRQ_QUEUE;
	if (virtio_isr_status_config_get(isr))
		cause |= VIRTIO_IRQ_CONFIG;
	return cause;
}

/* ---- coherent memory ---- */

bool virtio_pool_take(struct virtio_pool *p, uint64_t size, uint64_t align, struct virtio_dma *out)
{
	uint64_t at = (p->used + align - 1) & ~(align - 1);

	if (at < p->used || at > p->buf.size || size > p->buf.size - at)
		return false;
	p->used = at + size;
	out->cpu = (uint8_t *)p->buf.cpu + at;
	out->bus = p->buf.bus + at;
	memset(out->cpu, 0, size);
	return true;
}

/* ---- split virtqueues ---- */

/* Where the rings are, from the start of a queue's memory (2.7: the
 * descriptor table 16-aligned, the available ring 2-aligned, the used
 * ring 4-aligned). */
static uint64_t avail_offset(uint16_t size)
{
	return 16ull * size;
}

static uint64_t used_offset(uint16_t size)
{
	return (avail_offset(size) + 6 + 2ull * size + 3) & ~3ull;
}

uint64_t virtq_bytes(uint16_t size)
{
	return used_offset(size) + 6 + 8ull * size;
}

/* The fields past each ring's entries. */
static uint8_t *used_event(const struct virtq *vq)
{
	return vq->avail + 4 + 2 * vq->size;
}

static uint8_t *avail_event(const struct virtq *vq)
{
	return vq->used + 4 + 8 * vq->size;
}

int virtq_setup(struct virtq *vq, struct virtio_dev *v, uint16_t index,
		const struct virtio_dma *mem, uint16_t vector)
{
	struct virtio_common common = v->common;
	uint16_t most, size = VIRTQ_MAX_SIZE;
	uint64_t notify;

	memset(vq, 0, sizeof(*vq));
	vq->dev = v;
	vq->index = index;
	virtio_queue_select_write(common, index);
	most = virtio_queue_size_read(common);
	if (!most)
		return -ENODEV;
	while (size > most)
		size >>= 1; /* a split queue's size is a power of two */
	virtio_queue_size_write(common, size);
	vq->size = size;
	vq->desc = mem->cpu;
	vq->avail = (uint8_t *)mem->cpu + avail_offset(size);
	vq->used = (uint8_t *)mem->cpu + used_offset(size);
	memset(mem->cpu, 0, virtq_bytes(size));
	/* 64-bit addresses as two halves, low first (4.1.3.1) */
	virtio_queue_desc_lo_write(common, (uint32_t)mem->bus);
	virtio_queue_desc_hi_write(common, (uint32_t)(mem->bus >> 32));
	virtio_queue_driver_lo_write(common, (uint32_t)(mem->bus + avail_offset(size)));
	virtio_queue_driver_hi_write(common, (uint32_t)((mem->bus + avail_offset(size)) >> 32));
	virtio_queue_device_lo_write(common, (uint32_t)(mem->bus + used_offset(size)));
	virtio_queue_device_hi_write(common, (uint32_t)((mem->bus + used_offset(size)) >> 32));
	if (v->has_msix) {
		virtio_queue_msix_vector_write(common, vector);
		if (virtio_queue_msix_vector_read(common) != vector) {
			drv_log(v->name, "the device refused MSI-X vector %u for queue %u", vector,
				index);
			return -EIO;
		}
	}
	notify = (uint64_t)virtio_queue_notify_off_read(common) * v->notify_multiplier;
	if (notify + VIRTIO_NOTIFY_SIZE > v->notify_len) {
		drv_log(v->name, "queue %u's notify address 0x%llx is past the notify structure",
			index, (unsigned long long)notify);
		return -EIO;
	}
	vq->notify = virtio_notify_at(drv_io_offset(v->notify, notify));
	vq->indirect = virtio_dev_has(v, VIRTIO_F_RING_INDIRECT_DESC);
	vq->event_idx = virtio_dev_has(v, VIRTIO_F_RING_EVENT_IDX);
	for (unsigned i = 0; i < size; i++)
		vq->next[i] = (uint16_t)(i + 1);
	vq->nfree = size;
	virtio_queue_enable_write(common, 1);
	return 0;
}

static void put_desc(struct virtq_desc *d, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	uint8_t *p = (uint8_t *)d;

	drv_put64(p, addr);
	drv_put32(p + 8, len);
	drv_put16(p + 12, flags);
	drv_put16(p + 14, next);
}

static uint16_t buf_flags(const struct virtq_buf *b, bool more)
{
	return (uint16_t)((b->device_writes ? VIRTQ_DESC_F_WRITE : 0) |
			  (more ? VIRTQ_DESC_F_NEXT : 0));
}

int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned n,
	      const struct virtio_dma *table, void *token)
{
	bool indirect = table && vq->indirect && n > 1;
	uint16_t head = vq->free_head, d = head;
	unsigned need = indirect ? 1 : n;

	/* no chain, indirect or not, may be longer than the queue (2.7.5.3.1) */
	if (!n || n > vq->size)
		return -EINVAL;
	if (need > vq->nfree || vq->broken)
		return -ENOSPC;
	if (indirect) {
		struct virtq_desc *t = table->cpu;

		for (unsigned i = 0; i < n; i++)
			put_desc(&t[i], bufs[i].bus, bufs[i].len, buf_flags(&bufs[i], i + 1 < n),
				 (uint16_t)(i + 1 < n ? i + 1 : 0));
		put_desc(&vq->desc[head], table->bus, (uint32_t)(n * sizeof(*t)),
			 VIRTQ_DESC_F_INDIRECT, 0);
		d = vq->next[head];
	} else {
		/* the free list's next entries, linked as they are in it */
		for (unsigned i = 0; i < n; i++) {
			uint16_t next = vq->next[d];

			put_desc(&vq->desc[d], bufs[i].bus, bufs[i].len,
				 buf_flags(&bufs[i], i + 1 < n), i + 1 < n ? next : 0);
			d = next;
		}
	}
	vq->free_head = d;
	vq->nfree = (uint16_t)(vq->nfree - need);
	vq->chain[head] = (uint16_t)need;
	vq->token[head] = token;
	drv_put16(vq->avail + 4 + 2 * (vq->avail_idx & (vq->size - 1)), head);
	vq->avail_idx++;
	return 0;
}

void virtq_kick(struct virtq *vq)
{
	uint16_t old = vq->kicked_idx, now = vq->avail_idx;

	if (old == now)
		return;
	drv_dma_wmb(); /* the descriptors and ring entries, then the index */
	store16(vq->avail + 2, now);
	vq->kicked_idx = now;
	drv_mb(); /* the index, then whether the device wants to hear of it */
	if (vq->event_idx) {
		uint16_t event = load16(avail_event(vq));

		/* notify only if the device asked to hear of an entry in (old, now] */
		if ((uint16_t)(now - event - 1) >= (uint16_t)(now - old))
			return;
	} else if (load16(vq->used) & VIRTQ_USED_F_NO_NOTIFY) {
		return;
	}
	virtio_notify_queue_write(vq->notify, vq->index);
}

static void free_chain(struct virtq *vq, uint16_t head)
{
	uint16_t last = head;

	for (unsigned i = 1; i < vq->chain[head]; i++)
		last = vq->next[last];
	vq->next[last] = vq->free_head;
	vq->free_head = head;
	vq->nfree = (uint16_t)(vq->nfree + vq->chain[head]);
	vq->chain[head] = 0;
	vq->token[head] = NULL;
}

/* Whether the used ring has an entry the driver has not taken; under
 * the event index, asks first for an interrupt at the next, and looks once
 * more after: one that came meanwhile raised none. */
static bool used_waiting(struct virtq *vq, uint16_t *idx)
{
	*idx = load16(vq->used + 2);
	if (*idx != vq->last_used || !vq->event_idx)
		return *idx != vq->last_used;
	store16(used_event(vq), vq->last_used);
	drv_mb(); /* the event index, then the used index */
	*idx = load16(vq->used + 2);
	return *idx != vq->last_used;
}

void *virtq_get(struct virtq *vq, uint32_t *len)
{
	const uint8_t *entry;
	uint16_t idx;
	uint32_t id;
	void *token;

	if (vq->broken || !used_waiting(vq, &idx))
		return NULL;
	if ((uint16_t)(idx - vq->last_used) > vq->size) {
		drv_log(vq->dev->name,
			"queue %u: the device moved its used index by %u entries of %u", vq->index,
			(unsigned)(uint16_t)(idx - vq->last_used), vq->size);
		vq->broken = true;
		return NULL;
	}
	drv_dma_rmb(); /* the index, then the entry it covers */
	entry = vq->used + 4 + 8 * (vq->last_used & (vq->size - 1));
	id = drv_get32(entry);
	*len = drv_get32(entry + 4);
	vq->last_used++;
	if (id >= vq->size || !vq->chain[id]) {
		drv_log(vq->dev->name,
			"queue %u: the device gave back descriptor %u, not in flight", vq->index,
			id);
		vq->broken = true;
		return NULL;
	}
	token = vq->token[id];
	free_chain(vq, (uint16_t)id);
	return token;
}

void virtq_notify(struct virtq *vq)
{
	drv_mb(); /* the entries and the index before the bell */
	virtio_notify_queue_write(vq->notify, vq->index);
}

void virtq_log_state(const struct virtq *vq)
{
	drv_log(vq->dev->name,
		"queue %u: available %u (the device asked to hear of %u), used %u (the driver "
		"took %u, asked to hear of %u), %u descriptors free",
		vq->index, vq->avail_idx, load16(avail_event(vq)),
		load16(vq->used + 2), vq->last_used, load16(used_event(vq)),
		vq->nfree);
}

void *virtq_drain(struct virtq *vq)
{
	for (uint16_t i = 0; i < vq->size; i++) {
		if (vq->chain[i]) {
			void *token = vq->token[i];

			free_chain(vq, i);
			return token;
		}
	}
	return NULL;
}
