// SPDX-License-Identifier: MIT
/* virtio_blk_model.c - a virtio-blk PCI device's behaviour, after the
 * virtio 1.2 specification and QEMU's hw/virtio/virtio-pci.c and
 * hw/block/virtio-blk.c. */
#include "virtio_blk_model.h"

#include <stdlib.h>
#include <string.h>

enum {
	S_ACKNOWLEDGE = 1,
	S_DRIVER = 2,
	S_DRIVER_OK = 4,
	S_FEATURES_OK = 8,
	S_NEEDS_RESET = 0x40,
	D_NEXT = 1,
	D_WRITE = 2,
	D_INDIRECT = 4,
	SECTOR = 512,
	MSIX_ENABLE = 0x8000,
};

/* ---- configuration space ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* A vendor capability at `at` (struct virtio_pci_cap, and the notify
 * capability's multiplier). */
static void vendor_cap(uint8_t *c, unsigned at, unsigned next, unsigned type, unsigned bar,
		       uint32_t offset, uint32_t length)
{
	c[at] = 0x09;
	c[at + 1] = (uint8_t)next;
	c[at + 2] = type == 2 || type == 5 ? 20 : 16;
	c[at + 3] = (uint8_t)type;
	c[at + 4] = (uint8_t)bar;
	put32(c + at + 8, offset);
	put32(c + at + 12, length);
	if (type == 2)
		put32(c + at + 16, VBM_NOTIFY_MULTIPLIER);
}

/* QEMU's layout: MSI-X first, then the vendor capabilities. The first
 * common one points at a BAR the driver does not map, so the driver must
 * pass it over for the next. */
static void lay_out_config(uint8_t *c)
{
	put16(c + 0x00, 0x1af4);
	put16(c + 0x02, 0x1042);
	put16(c + 0x06, 0x10); /* a capability list */
	c[0x08] = 1;
	put16(c + 0x2e, 2); /* block */
	c[0x34] = VBM_MSIX_CAP;
	c[VBM_MSIX_CAP] = 0x11;
	c[VBM_MSIX_CAP + 1] = 0x4c;
	put16(c + VBM_MSIX_CAP + 2, VBM_VECTORS - 1);
	put32(c + VBM_MSIX_CAP + 4, 1); /* the table in BAR 1 */
	vendor_cap(c, 0x4c, 0x5c, 1, 2, 0, 0x1000);
	vendor_cap(c, 0x5c, 0x6c, 1, VBM_BAR, VBM_COMMON, 0x1000);
	vendor_cap(c, 0x6c, 0x80, 2, VBM_BAR, VBM_NOTIFY, 0x1000);
	vendor_cap(c, 0x80, 0x90, 3, VBM_BAR, VBM_ISR, 0x1000);
	vendor_cap(c, 0x90, 0xa0, 4, VBM_BAR, VBM_DEVICE, 0x1000);
	vendor_cap(c, 0xa0, 0x00, 5, 0, 0, 0);
}

static uint64_t config_read(void *ctx, uint64_t offset, unsigned bytes)
{
	struct virtio_blk_model *m = ctx;
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && offset + i < sizeof m->config; i++) {
		uint8_t b = m->config[offset + i];
		if (offset + i == VBM_MSIX_CAP + 3 && m->msix_enabled)
			b |= MSIX_ENABLE >> 8;
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

/* The runtime, not the driver, writes configuration space. */
static void config_write(void *ctx, uint64_t offset, unsigned bytes, uint64_t value)
{
	struct virtio_blk_model *m = ctx;
	(void)offset;
	(void)bytes;
	(void)value;
	m->guest_errors++;
}

struct drv_sim_model virtio_blk_model_config(struct virtio_blk_model *m)
{
	return (struct drv_sim_model){config_read, config_write, m};
}

/* ---- interrupts ---- */

static void set_intx(struct virtio_blk_model *m)
{
	bool level = m->isr != 0;
	if (level != m->intx_level) {
		m->intx_level = level;
		if (m->intx)
			m->intx(m->irq_ctx, level);
	}
}

/* A cause (1 a queue, 2 the configuration) on its vector, or the line. */
static void interrupt(struct virtio_blk_model *m, uint8_t cause, uint16_t vector)
{
	m->isr |= cause; /* QEMU sets it under MSI-X too */
	if (m->msix_enabled) {
		if (vector != VBM_NO_VECTOR && m->msi) {
			m->interrupts++;
			m->msi(m->irq_ctx, vector);
		}
		return;
	}
	if (!m->intx_level)
		m->interrupts++;
	set_intx(m);
}

/* ---- reset and features ---- */

static void reset(struct virtio_blk_model *m)
{
	m->status = 0;
	m->dfselect = m->gfselect = 0;
	m->driver_features = 0;
	m->config_vector = VBM_NO_VECTOR;
	m->isr = 0;
	m->queue_select = 0;
	m->qsize = m->queue_max;
	m->qvector = VBM_NO_VECTOR;
	m->qenable = 0;
	m->qdesc = m->qdriver = m->qdevice = 0;
	m->last_avail = m->used_idx = 0;
	m->npending = 0; /* forgotten: no more DMA for them */
	m->bell = false;
	set_intx(m);
}

static bool negotiated(const struct virtio_blk_model *m, unsigned bit)
{
	return m->driver_features & VBM_F(bit);
}

/* What QEMU's virtio_set_features refuses: bits it did not offer, or a
 * modern transport without VERSION_1. */
static void set_status(struct virtio_blk_model *m, uint8_t v)
{
	if (!v) {
		reset(m);
		m->resets++;
		return;
	}
	if ((v & S_FEATURES_OK) && !(m->status & S_FEATURES_OK) &&
	    ((m->driver_features & ~m->offered) || !negotiated(m, VBM_F_VERSION_1)))
		v &= (uint8_t)~S_FEATURES_OK;
	if ((m->status & ~v) & (S_ACKNOWLEDGE | S_DRIVER | S_DRIVER_OK | S_FEATURES_OK))
		m->guest_errors++; /* a status bit taken back without a reset */
	m->status = (uint8_t)(v | (m->status & S_NEEDS_RESET));
}

static uint16_t take_vector(uint16_t v)
{
	return v < VBM_VECTORS ? v : VBM_NO_VECTOR;
}

/* ---- the BAR ---- */

static uint64_t common_read(struct virtio_blk_model *m, uint64_t off)
{
	bool q0 = m->queue_select == 0;
	switch (off) {
	case 0x00:
		return m->dfselect;
	case 0x04:
		return m->dfselect < 2 ? (uint32_t)(m->offered >> (32 * m->dfselect)) : 0;
	case 0x08:
		return m->gfselect;
	case 0x0c:
		return m->gfselect < 2 ? (uint32_t)(m->driver_features >> (32 * m->gfselect)) : 0;
	case 0x10:
		return m->config_vector;
	case 0x12:
		return 1;
	case 0x14:
		return m->status;
	case 0x15:
		return m->generation;
	case 0x16:
		return m->queue_select;
	case 0x18:
		return q0 ? m->qsize : 0;
	case 0x1a:
		return q0 ? m->qvector : VBM_NO_VECTOR;
	case 0x1c:
		return q0 ? m->qenable : 0;
	case 0x1e:
		return q0 ? VBM_NOTIFY_OFF : 0;
	case 0x20:
		return (uint32_t)m->qdesc;
	case 0x24:
		return (uint32_t)(m->qdesc >> 32);
	case 0x28:
		return (uint32_t)m->qdriver;
	case 0x2c:
		return (uint32_t)(m->qdriver >> 32);
	case 0x30:
		return (uint32_t)m->qdevice;
	case 0x34:
		return (uint32_t)(m->qdevice >> 32);
	}
	m->guest_errors++;
	return 0;
}

static void set_half(uint64_t *v, bool high, uint64_t half)
{
	*v = high ? (*v & 0xffffffffu) | half << 32 : (*v & ~0xffffffffull) | half;
}

static void common_write(struct virtio_blk_model *m, uint64_t off, uint64_t v)
{
	if (off >= 0x18 && m->queue_select != 0) {
		m->guest_errors++; /* no such queue */
		return;
	}
	switch (off) {
	case 0x00:
		m->dfselect = (uint32_t)v;
		return;
	case 0x08:
		m->gfselect = (uint32_t)v;
		return;
	case 0x0c:
		if (m->gfselect < 2)
			set_half(&m->driver_features, m->gfselect, v);
		return;
	case 0x10:
		m->config_vector = take_vector((uint16_t)v);
		return;
	case 0x14:
		set_status(m, (uint8_t)v);
		return;
	case 0x16:
		m->queue_select = (uint16_t)v;
		return;
	case 0x18:
		/* a split queue's size: a power of two, at most the device's */
		if (!v || v > m->queue_max || (v & (v - 1)))
			m->guest_errors++;
		else
			m->qsize = (uint16_t)v;
		return;
	case 0x1a:
		m->qvector = take_vector((uint16_t)v);
		return;
	case 0x1c:
		m->qenable = (uint16_t)v;
		return;
	case 0x20:
	case 0x24:
		set_half(&m->qdesc, off == 0x24, v);
		return;
	case 0x28:
	case 0x2c:
		set_half(&m->qdriver, off == 0x2c, v);
		return;
	case 0x30:
	case 0x34:
		set_half(&m->qdevice, off == 0x34, v);
		return;
	}
	m->guest_errors++; /* read-only, or nothing there */
}

/* The width of each register of the common structure. */
static unsigned common_width(uint64_t off)
{
	if (off == 0x14 || off == 0x15)
		return 1;
	if (off >= 0x10 && off < 0x20)
		return 2;
	return 4;
}

static uint64_t device_read(struct virtio_blk_model *m, uint64_t off, unsigned bytes)
{
	if (bytes != 4) {
		m->guest_errors++;
		return 0;
	}
	switch (off) {
	case 0x00:
		return (uint32_t)m->sectors;
	case 0x04:
		return (uint32_t)(m->sectors >> 32);
	case 0x08:
		return m->size_max;
	case 0x0c:
		return m->seg_max;
	case 0x14:
		return m->blk_size;
	case 0x24:
		return m->max_discard;
	case 0x28:
		return 1; /* ranges in a discard */
	case 0x2c:
		return m->blk_size / SECTOR;
	}
	return 0;
}

static uint64_t bar_read(void *ctx, uint64_t off, unsigned bytes)
{
	struct virtio_blk_model *m = ctx;
	if (off < VBM_ISR) {
		if (bytes != common_width(off)) {
			m->guest_errors++;
			return 0;
		}
		return common_read(m, off);
	}
	if (off == VBM_ISR && bytes == 1) {
		uint8_t isr = m->isr;
		m->isr = 0; /* reading it clears it, and lowers the line */
		set_intx(m);
		return isr;
	}
	if (off >= VBM_DEVICE && off < VBM_NOTIFY)
		return device_read(m, off - VBM_DEVICE, bytes);
	m->guest_errors++;
	return 0;
}

static void bar_write(void *ctx, uint64_t off, unsigned bytes, uint64_t v)
{
	struct virtio_blk_model *m = ctx;
	if (off < VBM_ISR && bytes == common_width(off)) {
		common_write(m, off, v);
		return;
	}
	if (off == VBM_NOTIFY + VBM_NOTIFY_OFF * VBM_NOTIFY_MULTIPLIER && bytes == 2 && v == 0) {
		m->notifies++;
		if (m->lose_notifies) {
			m->lose_notifies--; /* as if the bell never rang */
			return;
		}
		m->bell = true; /* the requests are taken when time passes */
		return;
	}
	m->guest_errors++;
}

struct drv_sim_model virtio_blk_model_bar(struct virtio_blk_model *m)
{
	return (struct drv_sim_model){bar_read, bar_write, m};
}

/* ---- the rings, through the DMA space ---- */

static bool broken(struct virtio_blk_model *m)
{
	m->guest_errors++;
	m->status |= S_NEEDS_RESET;
	interrupt(m, 2, m->config_vector);
	return false;
}

static uint16_t ring16(struct virtio_blk_model *m, uint64_t bus)
{
	uint8_t b[2] = {0, 0};
	if (!drv_sim_dma_read(m->dma, bus, b, 2))
		m->guest_errors++;
	return (uint16_t)(b[0] | b[1] << 8);
}

static void put_ring16(struct virtio_blk_model *m, uint64_t bus, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	if (!drv_sim_dma_write(m->dma, bus, b, 2))
		m->guest_errors++;
}

static uint64_t avail_ring(struct virtio_blk_model *m, unsigned field)
{
	return m->qdriver + 2 * field; /* 0 flags, 1 idx, 2.. ring, 2 + size used_event */
}

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static bool read_desc(struct virtio_blk_model *m, uint64_t bus, struct vbm_seg *seg,
		      uint16_t *flags, uint16_t *next)
{
	uint8_t d[16];
	if (!drv_sim_dma_read(m->dma, bus, d, sizeof d))
		return false;
	seg->addr = le(d, 8);
	seg->len = (uint32_t)le(d + 8, 4);
	*flags = (uint16_t)le(d + 12, 2);
	*next = (uint16_t)le(d + 14, 2);
	seg->write = *flags & D_WRITE;
	return true;
}

/* Follows the chain at head into r, as QEMU's virtqueue_pop: an indirect
 * descriptor alone, no loops, no chain longer than its table, the
 * device-writable pieces after the readable ones. */
static bool take_chain(struct virtio_blk_model *m, uint16_t head, struct vbm_req *r)
{
	uint64_t table = m->qdesc;
	unsigned max = m->qsize, i = head;
	uint16_t flags, next;
	struct vbm_seg seg;

	r->head = head;
	r->nseg = 0;
	if (head >= m->qsize || !read_desc(m, table + 16ull * head, &seg, &flags, &next))
		return broken(m);
	if (flags & D_INDIRECT) {
		if ((flags & D_NEXT) || !seg.len || seg.len % 16 || seg.len / 16 > m->qsize ||
		    !negotiated(m, VBM_F_INDIRECT))
			return broken(m);
		table = seg.addr;
		max = seg.len / 16;
		i = 0;
		m->indirect++;
	} else {
		m->direct++;
	}
	for (;;) {
		if (i >= max || r->nseg == max || r->nseg == VBM_MAX_SEGS ||
		    !read_desc(m, table + 16ull * i, &seg, &flags, &next) || (flags & D_INDIRECT) ||
		    (r->nseg && r->seg[r->nseg - 1].write && !seg.write))
			return broken(m);
		r->seg[r->nseg++] = seg;
		if (!(flags & D_NEXT))
			return true;
		i = next;
	}
}

/* ---- requests ---- */

/* Moves bytes between the disk at `at` and the data pieces seg[1..n-1). */
static bool move_data(struct virtio_blk_model *m, const struct vbm_req *r, uint64_t at,
		      bool to_disk)
{
	for (unsigned i = 1; i + 1 < r->nseg; i++) {
		const struct vbm_seg *s = &r->seg[i];
		bool ok = to_disk ? drv_sim_dma_read(m->dma, s->addr, m->disk + at, s->len)
				  : drv_sim_dma_write(m->dma, s->addr, m->disk + at, s->len);
		if (!ok) {
			m->guest_errors++;
			return false;
		}
		at += s->len;
	}
	return true;
}

/* The data pieces: all written by the device (a read) or all read (a
 * write), none over size_max or past seg_max; their bytes. */
static bool data_pieces(const struct virtio_blk_model *m, const struct vbm_req *r,
			bool device_writes, uint64_t *bytes)
{
	*bytes = 0;
	if (negotiated(m, VBM_F_SEG_MAX) && r->nseg - 2 > m->seg_max)
		return false;
	for (unsigned i = 1; i + 1 < r->nseg; i++) {
		if (r->seg[i].write != device_writes ||
		    (negotiated(m, VBM_F_SIZE_MAX) && r->seg[i].len > m->size_max))
			return false;
		*bytes += r->seg[i].len;
	}
	return true;
}

static bool sectors_ok(const struct virtio_blk_model *m, uint64_t sector, uint64_t bytes)
{
	uint64_t n = bytes / SECTOR, per_block = m->blk_size / SECTOR;
	return bytes % m->blk_size == 0 && sector % per_block == 0 && sector <= m->sectors &&
	       n <= m->sectors - sector;
}

static uint8_t read_write(struct virtio_blk_model *m, const struct vbm_req *r, uint64_t sector,
			  bool write, uint32_t *written)
{
	uint64_t bytes;
	if (!data_pieces(m, r, !write, &bytes)) {
		m->guest_errors++;
		return VBM_S_IOERR;
	}
	if ((write && negotiated(m, VBM_F_RO)) || !sectors_ok(m, sector, bytes))
		return VBM_S_IOERR;
	if (!move_data(m, r, sector * SECTOR, write))
		return VBM_S_IOERR;
	if (!write)
		*written = (uint32_t)bytes;
	return VBM_S_OK;
}

static uint8_t discard(struct virtio_blk_model *m, const struct vbm_req *r)
{
	uint8_t range[16];
	uint64_t bytes;
	if (!negotiated(m, VBM_F_DISCARD))
		return VBM_S_UNSUPP;
	if (!data_pieces(m, r, false, &bytes) || bytes != 16 || r->nseg != 3 ||
	    !drv_sim_dma_read(m->dma, r->seg[1].addr, range, sizeof range)) {
		m->guest_errors++;
		return VBM_S_IOERR;
	}
	uint64_t sector = le(range, 8);
	uint32_t n = (uint32_t)le(range + 8, 4), flags = (uint32_t)le(range + 12, 4);
	if (flags)
		return VBM_S_UNSUPP;
	if (negotiated(m, VBM_F_RO) || n > m->max_discard ||
	    !sectors_ok(m, sector, (uint64_t)n * SECTOR))
		return VBM_S_IOERR;
	memset(m->disk + sector * SECTOR, 0, (size_t)n * SECTOR);
	return VBM_S_OK;
}

/* Runs a request; its status, and in *written the data bytes written. */
static uint8_t execute(struct virtio_blk_model *m, const struct vbm_req *r, uint32_t *written)
{
	uint8_t h[16];
	const struct vbm_seg *status = &r->seg[r->nseg - 1];
	*written = 0;
	if (r->nseg < 2 || r->seg[0].write || r->seg[0].len != 16 || !status->write ||
	    status->len != 1 || !drv_sim_dma_read(m->dma, r->seg[0].addr, h, sizeof h)) {
		m->guest_errors++; /* QEMU: "virtio-blk missing headers" */
		return VBM_S_IOERR;
	}
	uint32_t type = (uint32_t)le(h, 4);
	uint64_t sector = le(h + 8, 8);
	if (type < VBM_TYPES)
		m->requests[type]++;
	if (type < VBM_TYPES && m->status_of[type])
		return m->status_of[type];
	switch (type) {
	case VBM_T_IN:
	case VBM_T_OUT:
		return read_write(m, r, sector, type == VBM_T_OUT, written);
	case VBM_T_FLUSH:
		return negotiated(m, VBM_F_FLUSH) ? VBM_S_OK : VBM_S_UNSUPP;
	case VBM_T_GET_ID:
		if (r->nseg != 3 || !r->seg[1].write) {
			m->guest_errors++;
			return VBM_S_IOERR;
		}
		*written = r->seg[1].len < sizeof m->serial ? r->seg[1].len : sizeof m->serial;
		if (!drv_sim_dma_write(m->dma, r->seg[1].addr, m->serial, *written))
			m->guest_errors++;
		return VBM_S_OK;
	case VBM_T_DISCARD:
		return discard(m, r);
	default:
		return VBM_S_UNSUPP;
	}
}

/* Takes what the driver made available since the last look. */
static void take_available(struct virtio_blk_model *m)
{
	uint16_t idx = ring16(m, avail_ring(m, 1));
	if ((uint16_t)(idx - m->last_avail) > m->qsize) {
		broken(m);
		return;
	}
	while (m->last_avail != idx && !(m->status & S_NEEDS_RESET)) {
		uint16_t head = ring16(m, avail_ring(m, 2 + (m->last_avail & (m->qsize - 1))));
		struct vbm_req *r = &m->pending[m->npending];
		m->last_avail++;
		if (!take_chain(m, head, r))
			return;
		m->npending++;
	}
	if (m->npending > m->most_pending)
		m->most_pending = m->npending;
	if (negotiated(m, VBM_F_EVENT_IDX)) /* avail_event: notify me past this */
		put_ring16(m, m->qdevice + 4 + 8ull * m->qsize, m->last_avail);
}

static void complete(struct virtio_blk_model *m, unsigned k)
{
	struct vbm_req r = m->pending[k];
	uint32_t written;
	uint8_t status = execute(m, &r, &written);
	uint8_t used[8];
	memmove(&m->pending[k], &m->pending[k + 1], (m->npending - k - 1) * sizeof *m->pending);
	m->npending--;
	if (!drv_sim_dma_write(m->dma, r.seg[r.nseg - 1].addr, &status, 1))
		m->guest_errors++;
	put32(used, r.head);
	put32(used + 4, written + 1);
	if (!drv_sim_dma_write(m->dma, m->qdevice + 4 + 8ull * (m->used_idx & (m->qsize - 1)), used,
			       sizeof used))
		m->guest_errors++;
	m->used_idx++;
	m->completed++;
}

void virtio_blk_model_run(struct virtio_blk_model *m)
{
	if (!(m->status & S_DRIVER_OK) || (m->status & S_NEEDS_RESET) || !m->qenable)
		return;
	if (m->bell)
		take_available(m);
	m->bell = false;
	if (m->hold || !m->npending)
		return;
	uint16_t old = m->used_idx;
	for (unsigned n = 0; m->npending && (!m->per_run || n < m->per_run); n++)
		complete(m, m->newest_first ? m->npending - 1 : 0);
	put_ring16(m, m->qdevice + 2, m->used_idx);
	/* whether the driver wants an interrupt for these (2.7.7, 2.7.10) */
	bool want;
	if (negotiated(m, VBM_F_EVENT_IDX)) {
		uint16_t event = ring16(m, avail_ring(m, 2 + m->qsize));
		want = (uint16_t)(m->used_idx - event - 1) < (uint16_t)(m->used_idx - old);
	} else {
		want = !(ring16(m, avail_ring(m, 0)) & 1);
	}
	if (want && m->lose_interrupts)
		m->lose_interrupts--; /* the used ring holds them, unannounced */
	else if (want)
		interrupt(m, 1, m->qvector);
}

void virtio_blk_model_resize(struct virtio_blk_model *m, uint64_t sectors)
{
	m->sectors = sectors;
	m->generation++;
	interrupt(m, 2, m->config_vector);
}

void virtio_blk_model_break(struct virtio_blk_model *m)
{
	m->status |= S_NEEDS_RESET;
	interrupt(m, 2, m->config_vector);
}

void virtio_blk_model_init(struct virtio_blk_model *m, uint8_t *disk, uint64_t sectors,
			   uint64_t offered, struct drv_sim_dma *dma)
{
	memset(m, 0, sizeof *m);
	m->disk = disk;
	m->sectors = sectors;
	m->offered = offered;
	m->dma = dma;
	m->blk_size = 512;
	m->seg_max = 254;
	m->max_discard = 0x3fffff;
	m->queue_max = VBM_MAX_QUEUE;
	memcpy(m->serial, "drvgen-model-0001", 17);
	m->pending = calloc(VBM_MAX_QUEUE, sizeof *m->pending);
	if (!m->pending)
		abort();
	lay_out_config(m->config);
	reset(m);
}

void virtio_blk_model_free(struct virtio_blk_model *m)
{
	free(m->pending);
	m->pending = NULL;
}
