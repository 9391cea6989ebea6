// SPDX-License-Identifier: MIT
/* check_manifest.c - capability manifests: names resolved against the
 * protocols and register maps, ranges checked, IR built.
 *
 * Runs last, so a manifest's `provides: [edu::device]` finds the interface
 * and `block: bar0` finds the register block in the IR built before it.
 */
#include "check.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { PAGE_SIZE = 4096 };

#define DIAG_REPORT(c, pos, code, ...) diag_report((c)->diag, pos, code, __VA_ARGS__)
#define DIAG_NOTE(c, pos, ...) diag_note((c)->diag, pos, __VA_ARGS__)

static bool is_semver(const char *s)
{
	for (int part = 0; part < 3; part++) {
		if (!isdigit((unsigned char)*s))
			return false;
		if (*s == '0' && isdigit((unsigned char)s[1]))
			return false; /* no leading zeros, as semver says */
		while (isdigit((unsigned char)*s))
			s++;
		if (part < 2 && *s++ != '.')
			return false;
	}
	/* an optional pre-release or build suffix: 1.0.0-rc1, 1.0.0+abc */
	if (*s == '-' || *s == '+') {
		if (!s[1])
			return false;
		for (s++; *s; s++)
			if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '+')
				return false;
	}
	return *s == 0;
}

static const char *irq_kind_name(enum ir_irq_kind kind)
{
	static const char *const names[] = {"intx", "msi", "line", "msix"};
	return names[kind];
}

static void check_range(struct checker *c, const struct lnum *n, uint64_t max, const char *what)
{
	if (n->set && n->v > max)
		DIAG_REPORT(c, n->pos, E0306, "%s 0x%llx does not fit; the largest is 0x%llx", what,
			    (unsigned long long)n->v, (unsigned long long)max);
}

static void check_match(struct checker *c, struct ir_driver *drv,
			const struct manifest_match_ast *m)
{
	struct ir_match out = {.kind = m->kind, .pos = m->pos};
	if (m->kind == MATCH_PCI) {
		check_range(c, &m->vendor, 0xffff, "PCI vendor ID");
		check_range(c, &m->device, 0xffff, "PCI device ID");
		check_range(c, &m->subvendor, 0xffff, "PCI subsystem vendor ID");
		check_range(c, &m->subdevice, 0xffff, "PCI subsystem ID");
		check_range(c, &m->class_code, 0xffffff, "PCI class code");
		check_range(c, &m->class_mask, 0xffffff, "PCI class mask");
		out.vendor = (uint32_t)m->vendor.v;
		out.device = (uint32_t)m->device.v;
		out.subvendor = m->subvendor.set ? (uint32_t)m->subvendor.v : 0xffffffffu;
		out.subdevice = m->subdevice.set ? (uint32_t)m->subdevice.v : 0xffffffffu;
		out.class_code = (uint32_t)m->class_code.v;
		out.class_mask = m->class_mask.set ? (uint32_t)m->class_mask.v
				 : m->class_code.set ? 0xffffffu
						     : 0;
	} else {
		check_range(c, &m->ioport, 0xffff, "ISA I/O port");
		out.ioport = m->ioport.v;
	}
	vec_push(c->arena, &drv->matches, out);
}

static void resolve_interfaces(struct checker *c, const lstr_list *names, ir_interface_list *out,
			       const char *what)
{
	const char **known = malloc((c->ir->interfaces.len + 1) * sizeof *known);
	for (size_t i = 0; i < c->ir->interfaces.len; i++)
		known[i] = c->ir->interfaces.items[i]->name;
	for (size_t i = 0; i < names->len; i++) {
		const struct lstr *n = &names->items[i];
		const struct ir_interface *iface = ir_find_interface(c->ir, n->s);
		if (!iface) {
			const char *hint = diag_spend_hint(c->diag, c->ir->interfaces.len)
						   ? closest_word(n->s, known, c->ir->interfaces.len)
						   : NULL;
			DIAG_REPORT(c, n->pos, E0301, "%s '%s' is not an interface any IDL declares%s%s%s",
				    what, n->s, hint ? "; did you mean '" : "", hint ? hint : "",
				    hint ? "'?" : "");
			if (!strstr(n->s, "::"))
				DIAG_NOTE(c, (struct srcpos){0},
					  "interfaces are named with their namespace, as in 'io::file'");
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < out->len; j++)
			dup |= out->items[j] == iface;
		if (dup) {
			DIAG_REPORT(c, n->pos, E0202, "'%s' is listed twice", n->s);
			continue;
		}
		if (iface->deprecated)
			DIAG_REPORT(c, n->pos, W0501, "interface '%s' is deprecated: %s", iface->name,
				    iface->deprecated);
		vec_push(c->arena, out, iface);
	}
	free(known);
}

/* `block: bar0` or, where devices share block names, `block: edu.bar0`. */
static const struct ir_block *find_block(struct checker *c, const struct lstr *ref)
{
	const char *dot = strchr(ref->s, '.');
	const struct ir_block *found = NULL, *second = NULL;
	VEC(const char *) names = {0};
	for (size_t d = 0; d < c->ir->devices.len; d++) {
		const struct ir_device *dev = c->ir->devices.items[d];
		if (dot && (strlen(dev->name) != (size_t)(dot - ref->s) ||
			    strncmp(dev->name, ref->s, (size_t)(dot - ref->s)) != 0))
			continue;
		for (size_t b = 0; b < dev->blocks.len; b++) {
			const struct ir_block *blk = dev->blocks.items[b];
			vec_push(c->arena, &names, blk->name);
			if (strcmp(blk->name, dot ? dot + 1 : ref->s) != 0)
				continue;
			if (found)
				second = blk;
			else
				found = blk;
		}
	}
	if (!found) {
		const char *hint = diag_spend_hint(c->diag, names.len)
					   ? closest_word(dot ? dot + 1 : ref->s, names.items, names.len)
					   : NULL;
		DIAG_REPORT(c, ref->pos, E0302, "no register map declares a block '%s'%s%s%s", ref->s,
			    hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
		return NULL;
	}
	if (second) {
		DIAG_REPORT(c, ref->pos, E0308,
			    "block '%s' exists in devices '%s' and '%s'; write '%s.%s' or '%s.%s'",
			    ref->s, found->device->name, second->device->name, found->device->name,
			    ref->s, second->device->name, ref->s);
		return NULL;
	}
	return found;
}

/* A bound block's extent, which bind_block made sure is below 2^64. */
static uint64_t block_span(const struct ir_block *b)
{
	return (b->count - 1) * b->stride + b->size;
}

static void bind_block(struct checker *c, struct ir_driver *drv, struct ir_capability *cap,
		       const struct manifest_cap_ast *ca, enum reg_space space)
{
	if (!ca->block.s)
		return;
	const struct ir_block *b = find_block(c, &ca->block);
	uint64_t end;
	if (!b || !extent_end(0, b->count, b->stride, b->size, &end))
		return; /* unknown (E0302), or ending past 2^64 (E0218) */
	if (b->space != space) {
		DIAG_REPORT(c, ca->block.pos, E0303,
			    "block '%s' is in %s space, but '%s' is %s capability", b->name,
			    space_names[b->space], cap->name,
			    space == SPACE_MMIO ? "an mmio" : space == SPACE_IO ? "an ioport" : "a config");
		DIAG_NOTE(c, b->pos, "block '%s' declared here", b->name);
		return;
	}
	cap->block = b;
	bool known = false;
	for (size_t i = 0; i < drv->devices.len; i++)
		known |= drv->devices.items[i] == b->device;
	if (!known)
		vec_push(c->arena, &drv->devices, b->device);
}

/* Ranges are [base, base + len); all arithmetic is arranged not to wrap, so
 * a base near 2^64 is refused rather than folded back into range. */
static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return (a < b ? b - a < alen : a - b < blen) && alen && blen;
}

static bool range_ends_past(uint64_t base, uint64_t len, uint64_t limit)
{
	return base > limit || len > limit - base;
}

/* A range of a BAR: [offset, offset + size); its block starts at offset;
 * size defaults to the block's extent. False if it is left out, so it
 * cannot overlap or cover anything. */
static bool check_mmio(struct checker *c, struct ir_driver *drv, struct ir_capability *cap,
		       const struct manifest_cap_ast *ca)
{
	if (ca->bar.v > 5)
		DIAG_REPORT(c, ca->bar.pos, E0312, "BAR %llu does not exist; PCI has BARs 0 to 5",
			    (unsigned long long)ca->bar.v);
	cap->bar = (unsigned)ca->bar.v;
	cap->offset = ca->offset.v;
	bind_block(c, drv, cap, ca, SPACE_MMIO);
	if (ca->size.set)
		cap->size = ca->size.v;
	else if (cap->block)
		cap->size = block_span(cap->block);
	if (!ca->size.set && !ca->block.s) {
		DIAG_REPORT(c, ca->pos, E0310, "mmio capability '%s' needs a 'block' or a 'size'",
			    cap->name);
	} else if (ca->size.set && ca->size.v == 0) {
		DIAG_REPORT(c, ca->size.pos, E0310, "capability '%s' has size 0", cap->name);
	} else if (range_ends_past(cap->offset, cap->size, UINT64_MAX - 1)) {
		DIAG_REPORT(c, ca->offset.set ? ca->offset.pos : ca->pos, E0305,
			    "'%s' (0x%llx bytes at offset 0x%llx) runs past the end of any BAR",
			    cap->name, (unsigned long long)cap->size,
			    (unsigned long long)cap->offset);
		return false;
	} else if (cap->block && block_span(cap->block) > cap->size) {
		DIAG_REPORT(c, ca->size.pos, E0305,
			    "block '%s' (0x%llx bytes) does not fit '%s' (0x%llx bytes)",
			    cap->block->name, (unsigned long long)block_span(cap->block), cap->name,
			    (unsigned long long)cap->size);
	}
	return true;
}

/* Ports: [base, base + size) of the 64 KiB port space, or [offset, offset
 * + size) of an I/O BAR, wherever the firmware put it. The size defaults to
 * the block's extent. */
static bool check_ioport(struct checker *c, struct ir_driver *drv, struct ir_capability *cap,
			 const struct manifest_cap_ast *ca)
{
	if (ca->base.set == ca->bar.set || (ca->offset.set && !ca->bar.set)) {
		DIAG_REPORT(c, ca->pos, E0315,
			    "ioport '%s' needs either 'base' (a fixed range, as an ISA device has) or "
			    "'bar' (a range of a PCI I/O BAR, with an optional 'offset')",
			    cap->name);
		return false;
	}
	cap->in_bar = ca->bar.set;
	cap->base = ca->base.v;
	cap->offset = ca->offset.v;
	if (ca->bar.set && ca->bar.v > 5)
		DIAG_REPORT(c, ca->bar.pos, E0312, "BAR %llu does not exist; PCI has BARs 0 to 5",
			    (unsigned long long)ca->bar.v);
	cap->bar = (unsigned)(ca->bar.v & 7);
	bind_block(c, drv, cap, ca, SPACE_IO);
	cap->size = ca->size.set ? ca->size.v : cap->block ? block_span(cap->block) : 0;
	uint64_t first = cap->in_bar ? cap->offset : cap->base;
	if (!ca->size.set && !ca->block.s) {
		DIAG_REPORT(c, ca->pos, E0310, "ioport capability '%s' needs a 'block' or a 'size'",
			    cap->name);
		return false;
	} else if (cap->size == 0) {
		DIAG_REPORT(c, ca->size.pos, E0310, "capability '%s' has size 0", cap->name);
		return false;
	} else if (range_ends_past(first, cap->size, 0x10000)) {
		DIAG_REPORT(c, cap->in_bar ? ca->offset.pos : ca->base.pos, E0313,
			    "ports 0x%llx..+0x%llx go past 0xffff, the end of port space",
			    (unsigned long long)first, (unsigned long long)cap->size);
		return false;
	}
	if (cap->block && block_span(cap->block) > cap->size)
		DIAG_REPORT(c, ca->size.pos, E0305,
			    "block '%s' (0x%llx ports) does not fit '%s' (0x%llx ports)",
			    cap->block->name, (unsigned long long)block_span(cap->block), cap->name,
			    (unsigned long long)cap->size);
	return true;
}

/* A block of configuration space: at a fixed offset (the header at 0), or
 * at a capability the runtime finds by id when it acquires the device. */
static bool check_config(struct checker *c, struct ir_driver *drv, struct ir_capability *cap,
			 const struct manifest_cap_ast *ca)
{
	bind_block(c, drv, cap, ca, SPACE_CONFIG);
	if (!cap->block)
		return false;
	cap->size = block_span(cap->block);
	cap->offset = ca->offset.v;
	cap->capability = (unsigned)(ca->capability.v & 0xff);
	if (ca->offset.set && ca->capability.set) {
		DIAG_REPORT(c, ca->capability.pos, E0317,
			    "config '%s' is at a fixed 'offset' or at a 'capability', not both",
			    cap->name);
		return false;
	}
	if (ca->capability.set && (ca->capability.v == 0 || ca->capability.v > 0xff)) {
		DIAG_REPORT(c, ca->capability.pos, E0317,
			    "PCI capability id %llu is not 1 to 255", (unsigned long long)ca->capability.v);
		return false;
	}
	/* a capability is past the 64-byte header, at most at 0xfc */
	uint64_t first = ca->capability.set ? 0x40 : cap->offset;
	if (range_ends_past(first, cap->size, 0x1000)) {
		DIAG_REPORT(c, ca->offset.set ? ca->offset.pos : ca->block.pos, E0317,
			    "block '%s' (0x%llx bytes at 0x%llx) goes past 0x1000, the end of a PCI "
			    "function's configuration space",
			    cap->block->name, (unsigned long long)cap->size, (unsigned long long)first);
		return false;
	}
	return !ca->capability.set;
}

/* A PCI interrupt (INTx, an MSI or MSI-X vector) or an ISA line. */
static void check_irq(struct checker *c, struct ir_capability *cap,
		      const struct manifest_cap_ast *ca)
{
	cap->irq_kind = ca->irq_kind.set ? (enum ir_irq_kind)ca->irq_kind.v
			: ca->line.set	 ? IRQ_LINE
					 : IRQ_INTX;
	bool message = cap->irq_kind == IRQ_MSI || cap->irq_kind == IRQ_MSIX;
	if (cap->irq_kind == IRQ_LINE && !ca->line.set)
		DIAG_REPORT(c, ca->pos, E0309, "irq '%s' of kind 'line' needs a 'line'", cap->name);
	else if (cap->irq_kind != IRQ_LINE && ca->line.set)
		DIAG_REPORT(c, ca->line.pos, E0309,
			    "irq '%s' is a PCI interrupt; 'line' is for ISA interrupts only",
			    cap->name);
	else if (ca->line.set && ca->line.v > 15)
		DIAG_REPORT(c, ca->line.pos, E0309, "ISA interrupt line %llu is not 0 to 15",
			    (unsigned long long)ca->line.v);
	else if (ca->vector.set && !message)
		DIAG_REPORT(c, ca->vector.pos, E0309,
			    "irq '%s' has no vectors; 'vector' is for kinds msi and msix", cap->name);
	else if (ca->vector.set && ca->vector.v > (cap->irq_kind == IRQ_MSI ? 31u : 2047u))
		DIAG_REPORT(c, ca->vector.pos, E0309, "%s vector %llu is not 0 to %u",
			    cap->irq_kind == IRQ_MSI ? "MSI" : "MSI-X",
			    (unsigned long long)ca->vector.v, cap->irq_kind == IRQ_MSI ? 31 : 2047);
	else if (ca->fallback.set && (!message || ca->fallback.v != IRQ_INTX))
		DIAG_REPORT(c, ca->fallback.pos, E0309,
			    "irq '%s' may fall back only from msi or msix, and only to intx",
			    cap->name);
	cap->line = (unsigned)(ca->line.v & 0xff);
	cap->vector = (unsigned)(ca->vector.v & 0x7ff);
	cap->intx_fallback = ca->fallback.set;
}

/* Memory the device reaches by DMA, below 2^address_bits: a buffer of the
 * driver's own (pages or bytes), or the right to map clients' buffers
 * (streaming: so many at once, each in so many segments). */
static void check_dma(struct checker *c, struct ir_capability *cap,
		      const struct manifest_cap_ast *ca)
{
	cap->streaming = ca->streaming.set && ca->streaming.v;
	if (cap->streaming) {
		if (ca->pages.set || ca->size.set)
			DIAG_REPORT(c, ca->pages.set ? ca->pages.pos : ca->size.pos, E0319,
				    "dma '%s' maps clients' buffers: it has no 'pages' or 'size' of its "
				    "own",
				    cap->name);
		else if (ca->mappings.set && (ca->mappings.v == 0 || ca->mappings.v > 4096))
			DIAG_REPORT(c, ca->mappings.pos, E0319,
				    "dma '%s' of %llu mappings at once; give 1 to 4096", cap->name,
				    (unsigned long long)ca->mappings.v);
		else if (ca->segments.set && (ca->segments.v == 0 || ca->segments.v > 65536))
			DIAG_REPORT(c, ca->segments.pos, E0319,
				    "dma '%s' of %llu segments a mapping; give 1 to 65536", cap->name,
				    (unsigned long long)ca->segments.v);
		cap->mappings = ca->mappings.set ? (unsigned)(ca->mappings.v & 0xffff) : 32;
		cap->segments = ca->segments.set ? (unsigned)(ca->segments.v & 0x1ffff) : 64;
	} else if (ca->mappings.set || ca->segments.set) {
		DIAG_REPORT(c, ca->mappings.set ? ca->mappings.pos : ca->segments.pos, E0319,
			    "'mappings' and 'segments' are for a streaming dma capability "
			    "(streaming: true)");
	} else if (ca->pages.set == ca->size.set) {
		DIAG_REPORT(c, ca->pos, E0310, "dma '%s' needs one of 'pages' or 'size'",
			    cap->name);
	} else if (ca->pages.set && (ca->pages.v == 0 || ca->pages.v > (1u << 20))) {
		DIAG_REPORT(c, ca->pages.pos, E0310,
			    "dma '%s' of %llu pages; give 1 to 1048576 pages", cap->name,
			    (unsigned long long)ca->pages.v);
	} else if (ca->size.set && (ca->size.v == 0 || ca->size.v > (1ull << 32))) {
		DIAG_REPORT(c, ca->size.pos, E0310, "dma '%s' of %llu bytes; give 1 byte to 4 GiB",
			    cap->name, (unsigned long long)ca->size.v);
	}
	cap->size = cap->streaming ? 0 : ca->pages.set ? ca->pages.v * PAGE_SIZE : ca->size.v;
	/* Linux's default DMA mask: a device that says nothing reaches 4 GiB. */
	cap->address_bits = ca->address_bits.set ? (unsigned)ca->address_bits.v : 32;
	if (ca->address_bits.set && (ca->address_bits.v < 16 || ca->address_bits.v > 64))
		DIAG_REPORT(c, ca->address_bits.pos, E0314,
			    "dma '%s' reaches %llu address bits; give 16 to 64", cap->name,
			    (unsigned long long)ca->address_bits.v);
}

/* A timer the driver arms; its interval, if given, is a constant for it. */
static void check_timer(struct checker *c, struct ir_capability *cap,
			const struct manifest_cap_ast *ca)
{
	if (ca->interval.set && ca->interval.v == 0)
		DIAG_REPORT(c, ca->interval.pos, E0318, "timer '%s' has an interval of 0",
			    cap->name);
	cap->interval_ns = ca->interval.v;
}

/* Two capabilities of a kind that claim the same thing: a name, bytes of a
 * BAR, ports, an ISA line, or the one INTx line of a PCI function. */
static void check_overlap(struct checker *c, const struct ir_capability *cap,
			  const struct ir_capability *o, const struct manifest_cap_ast *ca)
{
	bool message = cap->irq_kind == IRQ_MSI || cap->irq_kind == IRQ_MSIX;
	bool meet = o->kind == cap->kind &&
		    ((cap->kind == CAPABILITY_MMIO && o->bar == cap->bar &&
		      ranges_meet(o->offset, o->size, cap->offset, cap->size)) ||
		     (cap->kind == CAPABILITY_IOPORT && o->in_bar == cap->in_bar &&
		      (!cap->in_bar || o->bar == cap->bar) &&
		      ranges_meet(cap->in_bar ? o->offset : o->base, o->size,
				  cap->in_bar ? cap->offset : cap->base, cap->size)) ||
		     (cap->kind == CAPABILITY_CONFIG && !o->capability && !cap->capability &&
		      ranges_meet(o->offset, o->size, cap->offset, cap->size)) ||
		     (cap->kind == CAPABILITY_IRQ && cap->irq_kind == IRQ_LINE &&
		      o->irq_kind == IRQ_LINE && o->line == cap->line) ||
		     (cap->kind == CAPABILITY_IRQ && message && o->irq_kind == cap->irq_kind &&
		      o->vector == cap->vector));
	if (strcmp(o->name, cap->name) == 0) {
		DIAG_REPORT(c, ca->name.pos, E0202, "capability '%s' is declared twice", cap->name);
		DIAG_NOTE(c, o->pos, "first declared here");
	} else if (meet) {
		DIAG_REPORT(c, ca->pos, E0304, "capability '%s' overlaps '%s'", cap->name, o->name);
		DIAG_NOTE(c, o->pos, "'%s' declared here", o->name);
	} else if (cap->kind == CAPABILITY_IRQ && cap->irq_kind == IRQ_INTX &&
		   o->kind == CAPABILITY_IRQ && o->irq_kind == IRQ_INTX) {
		DIAG_REPORT(c, ca->pos, E0309,
			    "'%s' is a second INTx interrupt; a PCI function has one", cap->name);
		DIAG_NOTE(c, o->pos, "'%s' declared here", o->name);
	}
}

static void check_capability(struct checker *c, struct ir_driver *drv,
			     const struct manifest_cap_ast *ca)
{
	struct ir_capability cap = {
		.kind = ca->kind, .name = ca->name.s, .doc = ca->doc, .pos = ca->pos};
	bool range_ok = true; /* false: left out, so it cannot overlap or cover */
	switch (ca->kind) {
	case CAPABILITY_MMIO:
		range_ok = check_mmio(c, drv, &cap, ca);
		break;
	case CAPABILITY_IOPORT:
		range_ok = check_ioport(c, drv, &cap, ca);
		break;
	case CAPABILITY_CONFIG:
		range_ok = check_config(c, drv, &cap, ca);
		break;
	case CAPABILITY_IRQ:
		check_irq(c, &cap, ca);
		break;
	case CAPABILITY_DMA:
		check_dma(c, &cap, ca);
		break;
	case CAPABILITY_TIMER:
		check_timer(c, &cap, ca);
		break;
	}
	/* a range left out (or one only the runtime places) cannot overlap */
	for (size_t i = 0; range_ok && i < drv->caps.len; i++)
		check_overlap(c, &cap, &drv->caps.items[i], ca);
	if (range_ok || ca->kind == CAPABILITY_CONFIG)
		vec_push(c->arena, &drv->caps, cap);
}

/* A PCI function interrupts through INTx, MSI or MSI-X, one at a time. Its
 * message interrupts fall back to INTx all together or not at all: on INTx
 * the one line carries every cause, and each arrives as the first
 * interrupt (the driver reads its cause register, as virtio's ISR), so an
 * interrupt left without a fallback could never be told from the others. */
static void check_pci_irqs(struct checker *c, const struct ir_driver *drv)
{
	const struct ir_capability *first = NULL, *falls = NULL, *stays = NULL;
	for (size_t k = 0; k < drv->caps.len; k++) {
		const struct ir_capability *cap = &drv->caps.items[k];
		if (cap->kind != CAPABILITY_IRQ || cap->irq_kind == IRQ_LINE)
			continue;
		if (cap->intx_fallback && !falls)
			falls = cap;
		else if (!cap->intx_fallback && !stays)
			stays = cap;
		if (!first) {
			first = cap;
		} else if (cap->irq_kind != first->irq_kind) {
			DIAG_REPORT(c, cap->pos, E0309,
				    "irq '%s' is %s but '%s' is %s: a PCI function interrupts through "
				    "INTx, MSI or MSI-X, one at a time",
				    cap->name, irq_kind_name(cap->irq_kind), first->name,
				    irq_kind_name(first->irq_kind));
			DIAG_NOTE(c, first->pos, "'%s' declared here", first->name);
		}
	}
	if (falls && stays && stays->irq_kind != IRQ_INTX) {
		DIAG_REPORT(c, stays->pos, E0309,
			    "irq '%s' has no fallback but '%s' falls back to INTx: the line carries "
			    "all of a driver's interrupts or none",
			    stays->name, falls->name);
		DIAG_NOTE(c, falls->pos, "'%s' declared here", falls->name);
	}
}

/* What the matches and the capabilities say must agree: an ISA device is
 * found at a port the driver may use, and has no BARs, configuration space
 * or PCI interrupts; a PCI device interrupts through INTx, MSI or MSI-X,
 * not an ISA line, and its ports are in its BARs. */
static void check_bus_fit(struct checker *c, const struct ir_driver *drv)
{
	bool pci = false, isa = false;
	for (size_t i = 0; i < drv->matches.len; i++) {
		pci |= drv->matches.items[i].kind == MATCH_PCI;
		isa |= drv->matches.items[i].kind == MATCH_ISA;
	}
	for (size_t i = 0; i < drv->matches.len; i++) {
		const struct ir_match *m = &drv->matches.items[i];
		if (m->kind != MATCH_ISA)
			continue;
		bool covered = false;
		for (size_t k = 0; k < drv->caps.len; k++) {
			const struct ir_capability *cap = &drv->caps.items[k];
			covered |= cap->kind == CAPABILITY_IOPORT && !cap->in_bar &&
				   m->ioport >= cap->base && m->ioport - cap->base < cap->size;
		}
		if (!covered)
			DIAG_REPORT(c, m->pos, E0306,
				    "the device is matched at port 0x%llx, which no ioport capability "
				    "grants",
				    (unsigned long long)m->ioport);
	}
	for (size_t k = 0; k < drv->caps.len; k++) {
		const struct ir_capability *cap = &drv->caps.items[k];
		bool pci_only = cap->kind == CAPABILITY_MMIO || cap->kind == CAPABILITY_CONFIG ||
				(cap->kind == CAPABILITY_IOPORT && cap->in_bar);
		bool line = cap->kind == CAPABILITY_IRQ && cap->irq_kind == IRQ_LINE;
		bool pci_irq = cap->kind == CAPABILITY_IRQ && !line;
		if (isa && !pci && pci_only)
			DIAG_REPORT(c, cap->pos, E0306,
				    "'%s' needs a PCI device, but the driver matches only ISA",
				    cap->name);
		else if (isa && !pci && pci_irq)
			DIAG_REPORT(c, cap->pos, E0316,
				    "irq '%s' is %s, a PCI interrupt, but the driver matches only ISA "
				    "devices, which interrupt through a line: give 'line: N'",
				    cap->name, irq_kind_name(cap->irq_kind));
		else if (pci && !isa && line)
			DIAG_REPORT(c, cap->pos, E0316,
				    "irq '%s' is ISA line %u, but the driver matches PCI devices, which "
				    "interrupt through INTx, MSI or MSI-X: give 'kind: intx' (or msi, "
				    "msix)",
				    cap->name, cap->line);
		else if (pci && cap->kind == CAPABILITY_IOPORT && !cap->in_bar)
			DIAG_REPORT(c, cap->pos, W0301,
				    "ioport '%s' is fixed at 0x%llx, which may not be where the PCI "
				    "device's ports are: give 'bar: N' for a range of its I/O BAR",
				    cap->name, (unsigned long long)cap->base);
	}
	if (pci)
		check_pci_irqs(c, drv);
}

void check_manifests(struct checker *c, struct manifest_ast *const *files, size_t n)
{
	struct strmap drivers;
	strmap_init(&drivers, c->arena);
	for (size_t f = 0; f < n; f++) {
		const struct manifest_ast *m = files[f];
		if (!check_c_name(c, m->driver, "driver"))
			continue;
		struct ir_driver *drv = NEW(c->arena, struct ir_driver);
		drv->name = m->driver.s;
		drv->doc = m->doc;
		drv->pos = m->driver.pos;
		drv->version = m->version.s;
		drv->power = m->power;
		drv->idle_ns = m->idle.v;
		drv->saves = m->saves.s;
		struct ir_driver *prev = strmap_put(&drivers, drv->name, drv);
		if (prev) {
			DIAG_REPORT(c, m->driver.pos, E0311, "driver '%s' has two manifests", drv->name);
			DIAG_NOTE(c, prev->pos, "the first one");
			continue;
		}
		if (m->version.s && !is_semver(m->version.s))
			DIAG_REPORT(c, m->version.pos, E0307,
				    "version '%s' is not MAJOR.MINOR.PATCH, as in 1.0.0", m->version.s);
		for (size_t i = 0; i < m->matches.len; i++)
			check_match(c, drv, &m->matches.items[i]);
		for (size_t i = 0; i < m->libraries.len; i++)
			vec_push(c->arena, &drv->libraries, m->libraries.items[i].s);
		resolve_interfaces(c, &m->provides, &drv->provides, "provided interface");
		resolve_interfaces(c, &m->services, &drv->services, "service");
		for (size_t i = 0; i < m->caps.len; i++) {
			const struct manifest_cap_ast *ca = &m->caps.items[i];
			if (ca->name.s && check_c_name(c, ca->name, "capability"))
				check_capability(c, drv, ca);
		}
		check_bus_fit(c, drv);
		vec_push(c->arena, &c->ir->drivers, drv);
	}
}
