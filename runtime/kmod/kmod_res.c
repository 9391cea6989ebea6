// SPDX-License-Identifier: MIT
/* kmod_res.c - an instance's resources in the kernel module: exactly what
 * the manifest lists (drv_driver.h), acquired at probe and given back at
 * removal, and the runtime services the author's code calls on them
 * (timers, streaming DMA).
 *
 * BAR mappings, coherent DMA buffers and interrupt vectors are the PCI
 * device's managed resources (pcim_*, dmam_*), released once remove
 * returns; ports, IRQ handlers, timers and streaming slots are given back
 * here, in reverse.
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/iommu.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "kmod.h"
#include "kmod_compat.h"

/* ---- BARs and ports ---- */

static int drv_kres_mmio(struct drv_kinst *inst, struct drv_resources *res)
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

		if (m->bar >= PCI_STD_NUM_BARS ||
		    !(pci_resource_flags(pdev, m->bar) & IORESOURCE_MEM)) {
			dev_err(inst->dev, "%s: mmio %s: BAR %u is not a memory BAR\n", desc->name,
				m->name, m->bar);
			return -ENXIO;
		}
		len = pci_resource_len(pdev, m->bar);
		if (m->offset > len || m->size > len - m->offset) {
			dev_err(inst->dev, "%s: BAR %u is %llu bytes, %s needs %llu at %llu\n",
				desc->name, m->bar, len, m->name, m->size, m->offset);
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

/* A fixed range (an ISA device's), or a range of an I/O BAR, wherever the
 * firmware put the BAR: its ports are requested exactly, inside it. */
static int drv_kres_ports(struct drv_kinst *inst, struct drv_resources *res)
{
	const struct drv_driver_desc *desc = inst->desc;
	unsigned int i;

	for (i = 0; i < desc->nports; i++) {
		const struct drv_port_desc *p = &desc->ports[i];
		unsigned long base = p->base;

		if (p->in_bar) {
			struct pci_dev *pdev = inst->pdev;

			if (!pdev || p->bar >= PCI_STD_NUM_BARS ||
			    !(pci_resource_flags(pdev, p->bar) & IORESOURCE_IO)) {
				dev_err(inst->dev, "%s: ports %s: BAR %u is not an I/O BAR\n",
					desc->name, p->name, p->bar);
				return -ENXIO;
			}
			if ((u64)p->offset + p->size > pci_resource_len(pdev, p->bar)) {
				dev_err(inst->dev, "%s: ports %s do not fit BAR %u\n", desc->name,
					p->name, p->bar);
				return -ERANGE;
			}
			base = (unsigned long)pci_resource_start(pdev, p->bar) + p->offset;
		}
		if (!request_region(base, p->size, desc->name)) {
			dev_err(inst->dev, "%s: ports %#lx..%#lx are in use\n", desc->name, base,
				base + p->size - 1);
			return -EBUSY;
		}
		inst->port_base[inst->nports++] = base;
		res->io[desc->nmmio + i] = drv_io_pio(base);
	}
	return 0;
}

/* ---- configuration space ---- */

/* The kernel trusts the module: the write grant of a block is what the
 * generated accessors offer (no write function for a read-only register),
 * not a filter as in the userspace server. */
static int drv_kres_config(struct drv_kinst *inst, struct drv_resources *res)
{
	const struct drv_driver_desc *desc = inst->desc;
	unsigned int i;

	for (i = 0; i < desc->nconfig; i++) {
		const struct drv_config_desc *c = &desc->config[i];
		unsigned int base = c->offset;

		if (!inst->pdev)
			return -EINVAL;
		if (c->capability) {
			base = pci_find_capability(inst->pdev, c->capability);
			if (!base) {
				dev_err(inst->dev, "%s: config %s: no capability %#x\n", desc->name,
					c->name, c->capability);
				return -ENODEV;
			}
		}
		if (base + c->size > (unsigned int)inst->pdev->cfg_size)
			return -ERANGE;
		res->config[i] = drv_io_config(inst->pdev, base);
	}
	return 0;
}

/* ---- DMA ---- */

static int drv_kres_stream(struct drv_kinst *inst, const struct drv_dma_desc *d,
			   struct drv_dma_stream **out)
{
	unsigned int nslots = d->mappings ? d->mappings : 1;
	unsigned int nseg = d->segments ? d->segments : 1;
	struct drv_dma_stream *s;
	unsigned int i;

	s = devm_kzalloc(inst->dev, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->slots = devm_kcalloc(inst->dev, nslots, sizeof(*s->slots), GFP_KERNEL);
	s->segments = devm_kcalloc(inst->dev, (size_t)nslots * nseg, sizeof(*s->segments),
				   GFP_KERNEL);
	if (!s->slots || !s->segments)
		return -ENOMEM;
	s->inst = inst;
	s->desc = d;
	s->nslots = nslots;
	s->max_segments = nseg;
	for (i = 0; i < nslots; i++) {
		s->slots[i].stream = s;
		s->slots[i].seg = &s->segments[(size_t)i * nseg];
	}
	*out = s;
	return 0;
}

static int drv_kres_dma(struct drv_kinst *inst, struct drv_resources *res)
{
	const struct drv_driver_desc *desc = inst->desc;
	struct pci_dev *pdev = inst->pdev;
	struct iommu_domain *domain;
	unsigned int i, bits = 64;
	const char *how;
	int ret;

	if (!desc->ndma)
		return 0;
	if (!pdev)
		return -EINVAL; /* no device to map DMA for */
	pci_set_master(pdev);
	/* One mask per device, the strictest the manifest names: streaming
	 * maps happen long after probe, and each must land below its
	 * capability's bound. */
	for (i = 0; i < desc->ndma; i++)
		if (desc->dma[i].address_bits && desc->dma[i].address_bits < bits)
			bits = desc->dma[i].address_bits;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(bits));
	if (ret)
		return ret;
	/* which addresses the device is given: docs/drivers.md, "The kernel
	 * target's DMA", and the QEMU tests that check the log */
	domain = iommu_get_domain_for_dev(&pdev->dev);
	how = !domain ? "no IOMMU"
	      : domain->type == IOMMU_DOMAIN_IDENTITY ? "IOMMU passthrough"
						       : "IOMMU-translated";
	for (i = 0; i < desc->ndma; i++) {
		const struct drv_dma_desc *d = &desc->dma[i];
		dma_addr_t bus;
		void *cpu;

		if (d->kind == DRV_DMA_STREAMING) {
			ret = drv_kres_stream(inst, d, &inst->streams[i]);
			if (ret)
				return ret;
			res->streams[i] = inst->streams[i];
			continue;
		}
		cpu = dmam_alloc_coherent(&pdev->dev, d->size, &bus, GFP_KERNEL);
		if (!cpu)
			return -ENOMEM;
		dev_info(&pdev->dev, "%s: dma %s: %llu bytes at bus %pad (below 2^%u), %s\n",
			 desc->name, d->name, (unsigned long long)d->size, &bus, bits, how);
		res->dma[i].cpu = cpu;
		res->dma[i].bus = bus;
		res->dma[i].size = d->size;
	}
	return 0;
}

static enum dma_data_direction drv_kres_dir(enum drv_dma_dir dir)
{
	switch (dir) {
	case DRV_DMA_TO_DEVICE:
		return DMA_TO_DEVICE;
	case DRV_DMA_FROM_DEVICE:
		return DMA_FROM_DEVICE;
	default:
		return DMA_BIDIRECTIONAL;
	}
}

/* The page buffer's scatter list was built when it was pinned, so mapping
 * it here, under the instance lock, allocates nothing. The whole buffer is
 * mapped; the segments the driver sees are trimmed to its range. Every
 * address is below the device's mask, the strictest of its capabilities'
 * (drv_kres_dma). */
int drv_dma_map(struct drv_dma_stream *s, struct drv_call *call, unsigned int cap, uint64_t offset,
		uint64_t len, enum drv_dma_dir dir, struct drv_dma_map *map)
{
	struct drv_kcall_pages *cp = call ? call->transport : NULL;
	struct drv_dma_slot *slot = NULL;
	struct drv_kpages *p;
	struct scatterlist *sg;
	u64 at = 0, end = offset + len;
	unsigned int i, n = 0;
	int nents;

	map->seg = NULL;
	map->nseg = 0;
	map->slot = NULL;
	if (!cp || cap >= cp->npinned || !drv_dma_map_ok(call, cap, offset, len, dir))
		return -EINVAL;
	p = &cp->pages[cap];
	if (p->mapped || !p->npages)
		return -EINVAL;
	for (i = 0; i < s->nslots && !slot; i++)
		if (!s->slots[i].call)
			slot = &s->slots[i];
	if (!slot)
		return -ENOSPC;
	slot->dir = drv_kres_dir(dir);
	nents = dma_map_sg(s->inst->dev, p->sgt.sgl, (int)p->sgt.orig_nents, slot->dir);
	if (nents <= 0)
		return -ENOMEM;
	p->sgt.nents = (unsigned int)nents;
	for_each_sgtable_dma_sg(&p->sgt, sg, i) {
		u64 from = max_t(u64, at, offset), to = min_t(u64, at + sg_dma_len(sg), end);

		if (from < to) {
			if (n == s->max_segments) {
				dma_unmap_sg(s->inst->dev, p->sgt.sgl, (int)p->sgt.orig_nents,
					     slot->dir);
				return -EINVAL;
			}
			slot->seg[n].bus = sg_dma_address(sg) + (from - at);
			slot->seg[n].len = (u32)(to - from);
			n++;
		}
		at += sg_dma_len(sg);
	}
	p->mapped = true;
	slot->call = call;
	slot->pages = p;
	map->seg = slot->seg;
	map->nseg = n;
	map->slot = slot;
	return 0;
}
EXPORT_SYMBOL_GPL(drv_dma_map);

void drv_dma_unmap(struct drv_dma_map *map)
{
	struct drv_dma_slot *slot = map->slot;

	if (!slot || !slot->call)
		return;
	dma_unmap_sg(slot->stream->inst->dev, slot->pages->sgt.sgl, (int)slot->pages->sgt.orig_nents,
		     slot->dir);
	slot->pages->mapped = false;
	slot->call = NULL;
	map->slot = NULL;
	map->seg = NULL;
	map->nseg = 0;
}
EXPORT_SYMBOL_GPL(drv_dma_unmap);

void drv_dma_sync_for_cpu(struct drv_dma_map *map)
{
	struct drv_dma_slot *slot = map->slot;

	if (slot && slot->call)
		dma_sync_sg_for_cpu(slot->stream->inst->dev, slot->pages->sgt.sgl,
				    (int)slot->pages->sgt.orig_nents, slot->dir);
}
EXPORT_SYMBOL_GPL(drv_dma_sync_for_cpu);

void drv_dma_sync_for_device(struct drv_dma_map *map)
{
	struct drv_dma_slot *slot = map->slot;

	if (slot && slot->call)
		dma_sync_sg_for_device(slot->stream->inst->dev, slot->pages->sgt.sgl,
				       (int)slot->pages->sgt.orig_nents, slot->dir);
}
EXPORT_SYMBOL_GPL(drv_dma_sync_for_device);

void drv_kres_release_call(struct drv_kinst *inst, struct drv_call *call)
{
	unsigned int i, k;

	for (i = 0; i < inst->desc->ndma; i++) {
		struct drv_dma_stream *s = inst->streams[i];

		for (k = 0; s && k < s->nslots; k++)
			if (s->slots[k].call == call) {
				struct drv_dma_map map = {.slot = &s->slots[k]};

				drv_dma_unmap(&map);
			}
	}
}

/* ---- timers ---- */

/*
 * An hrtimer fires in hard interrupt context and takes the instance lock
 * like the IRQ hook. An expiry that was already running when the author
 * disarmed or re-armed the timer (it waits for the lock the author holds)
 * must not reach the hook: a disarmed timer is not armed, and a re-armed
 * one is queued again, so either way this expiry is stale.
 */
static enum hrtimer_restart drv_kres_timer_fired(struct hrtimer *hr)
{
	struct drv_timer *t = container_of(hr, struct drv_timer, hr);
	struct drv_kinst *inst = t->inst;
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	if (t->armed && !inst->dead && !hrtimer_is_queued(hr)) {
		if (!t->period_ns)
			t->armed = false;
		inst->desc->timer(inst->drv, t->index);
		/* still periodic, and the hook did not arm it anew */
		if (t->armed && t->period_ns && !hrtimer_is_queued(hr)) {
			hrtimer_forward_now(hr, ns_to_ktime(t->period_ns));
			ret = HRTIMER_RESTART;
		}
	}
	spin_unlock_irqrestore(&inst->lock, flags);
	return ret;
}

static void drv_kres_timer_start(struct drv_timer *t, u64 ns, u64 period)
{
	t->armed = true;
	t->period_ns = period;
	hrtimer_start(&t->hr, ns_to_ktime(ns ? ns : 1), HRTIMER_MODE_REL);
}

void drv_timer_arm(struct drv_timer *t, uint64_t ns)
{
	drv_kres_timer_start(t, ns, 0);
}
EXPORT_SYMBOL_GPL(drv_timer_arm);

void drv_timer_arm_periodic(struct drv_timer *t, uint64_t ns)
{
	drv_kres_timer_start(t, ns, ns ? ns : 1);
}
EXPORT_SYMBOL_GPL(drv_timer_arm_periodic);

/* The author holds the instance lock: an expiry waiting for it sees the
 * timer disarmed (hrtimer_try_to_cancel cannot wait for it here). */
void drv_timer_disarm(struct drv_timer *t)
{
	t->armed = false;
	hrtimer_try_to_cancel(&t->hr);
}
EXPORT_SYMBOL_GPL(drv_timer_disarm);

static int drv_kres_timers(struct drv_kinst *inst, struct drv_resources *res)
{
	unsigned int i;

	for (i = 0; i < inst->desc->ntimers; i++) {
		struct drv_timer *t = kzalloc(sizeof(*t), GFP_KERNEL);

		if (!t)
			return -ENOMEM;
		hrtimer_init(&t->hr, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		t->hr.function = drv_kres_timer_fired;
		t->inst = inst;
		t->index = i;
		inst->timers[i] = t;
		res->timers[i] = t;
	}
	return 0;
}

/* Outside the lock, once the instance is dead: waits for a running
 * expiry, which then sees it dead. */
void drv_kres_cancel_timers(struct drv_kinst *inst)
{
	unsigned int i;

	for (i = 0; i < inst->desc->ntimers; i++)
		if (inst->timers[i])
			hrtimer_cancel(&inst->timers[i]->hr);
}

int drv_kres_acquire(struct drv_kinst *inst, struct drv_resources *res)
{
	int ret = drv_kres_mmio(inst, res);

	if (!ret)
		ret = drv_kres_ports(inst, res);
	if (!ret)
		ret = drv_kres_config(inst, res);
	if (!ret)
		ret = drv_kres_dma(inst, res);
	if (!ret)
		ret = drv_kres_timers(inst, res);
	return ret;
}

/* ---- interrupts ---- */

static irqreturn_t drv_kres_irq(int irq, void *data)
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

/* The vectors the manifest's PCI interrupts need, all of one kind: the
 * Linux IRQ number of each, in irqs[] order, and how many to request.
 * Message interrupts that may fall back to INTx do, all of them, when the
 * vectors cannot be had: the one line is requested once, for irqs[0]. */
static int drv_kres_vectors(struct drv_kinst *inst, int *linux_irq, unsigned int *nrequest)
{
	const struct drv_driver_desc *desc = inst->desc;
	enum drv_irq_kind kind = desc->irqs[0].kind;
	unsigned int i, nvec = 0;
	unsigned int types;
	int ret;

	for (i = 0; i < desc->nirqs; i++) {
		if (desc->irqs[i].kind != kind || kind == DRV_IRQ_LINE)
			return -EINVAL; /* drvgen check refuses such a manifest */
		nvec = max(nvec, kind == DRV_IRQ_INTX ? 1 : desc->irqs[i].vector + 1);
	}
	types = kind == DRV_IRQ_INTX ? PCI_IRQ_INTX : kind == DRV_IRQ_MSI ? PCI_IRQ_MSI : PCI_IRQ_MSIX;
	ret = pci_alloc_irq_vectors(inst->pdev, nvec, nvec, types);
	if (ret < 0 && kind != DRV_IRQ_INTX && desc->irqs[0].intx_fallback) {
		dev_info(inst->dev, "%s: no %u %s vectors, falling back to INTx as the manifest allows\n",
			 desc->name, nvec, kind == DRV_IRQ_MSI ? "MSI" : "MSI-X");
		ret = pci_alloc_irq_vectors(inst->pdev, 1, 1, PCI_IRQ_INTX);
		kind = DRV_IRQ_INTX;
	}
	if (ret < 0) {
		dev_err(inst->dev, "%s: cannot have %u %s vectors: %d\n", desc->name, nvec,
			kind == DRV_IRQ_INTX ? "INTx" : kind == DRV_IRQ_MSI ? "MSI" : "MSI-X", ret);
		return ret;
	}
	inst->vectors = true;
	*nrequest = kind == DRV_IRQ_INTX ? 1 : desc->nirqs;
	for (i = 0; i < *nrequest; i++) {
		linux_irq[i] = pci_irq_vector(inst->pdev, kind == DRV_IRQ_INTX ? 0 : desc->irqs[i].vector);
		if (linux_irq[i] < 0)
			return linux_irq[i];
	}
	if (kind == DRV_IRQ_INTX)
		pci_intx(inst->pdev, 1);
	return 0;
}

int drv_kres_irqs(struct drv_kinst *inst)
{
	const struct drv_driver_desc *desc = inst->desc;
	int linux_irq[DRV_MAX_RESOURCES];
	unsigned int i, nrequest = desc->nirqs;
	int ret;

	if (!desc->nirqs)
		return 0;
	if (inst->pdev) {
		ret = drv_kres_vectors(inst, linux_irq, &nrequest);
		if (ret)
			return ret;
	} else {
		for (i = 0; i < desc->nirqs; i++) {
			if (desc->irqs[i].kind != DRV_IRQ_LINE)
				return -EINVAL;
			linux_irq[i] = (int)desc->irqs[i].line;
		}
	}
	for (i = 0; i < nrequest; i++) {
		struct drv_kirq *ki = &inst->irqs[i];
		/* an INTx line may be shared; a vector or an ISA line is ours */
		unsigned long flags = inst->pdev && !pci_dev_msi_enabled(inst->pdev) ? IRQF_SHARED : 0;
		/* /proc/interrupts names a driver's one interrupt after the
		 * instance, and each of several after the instance and itself */
		const char *name = desc->nirqs == 1 ? inst->name
				   : devm_kasprintf(inst->dev, GFP_KERNEL, "%s-%s", inst->name,
						    desc->irqs[i].name);

		if (!name)
			return -ENOMEM;
		ki->inst = inst;
		ki->index = i;
		ki->irq = (unsigned int)linux_irq[i];
		ret = request_irq(ki->irq, drv_kres_irq, flags, name, ki);
		if (ret) {
			dev_err(inst->dev, "%s: IRQ %u: %d\n", desc->name, ki->irq, ret);
			return ret;
		}
		inst->nirqs++;
	}
	return 0;
}

void drv_kres_free_irqs(struct drv_kinst *inst)
{
	unsigned int i;

	for (i = inst->nirqs; i-- > 0;)
		free_irq(inst->irqs[i].irq, &inst->irqs[i]);
	inst->nirqs = 0;
	if (inst->vectors)
		pci_free_irq_vectors(inst->pdev);
	inst->vectors = false;
}

/* What the device's managed resources do not give back themselves. */
void drv_kres_release(struct drv_kinst *inst)
{
	const struct drv_driver_desc *desc = inst->desc;
	unsigned int i;

	for (i = inst->nports; i-- > 0;)
		release_region(inst->port_base[i], desc->ports[i].size);
	inst->nports = 0;
	for (i = 0; i < desc->ntimers; i++) {
		kfree(inst->timers[i]);
		inst->timers[i] = NULL;
	}
}
