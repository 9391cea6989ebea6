// SPDX-License-Identifier: MIT
/* emit_driver.c - manifests to drivers: the glue between what a manifest
 * grants and the runtime of each target (docs/drivers.md).
 *
 * Files, per driver:
 *	<driver>_driver.h  the typed capabilities, the driver struct the author
 *	                   embeds, the hooks and handlers the author writes
 *	<driver>_driver.c  the manifest as a struct drv_driver_desc, for both
 *	                   targets (runtime/common/drv_driver.h)
 *	<driver>_kmod.c    the module: its PCI match table and init/exit
 *	<driver>_main.c    the userspace server's main
 *	<driver>.c         the skeleton, written once; the author owns it
 *
 * The runtimes do the acquiring (probe, BARs, IRQs, DMA, misc device or
 * socket); what is generated is only what differs per driver, as data. The
 * names and the signatures of the hooks and handlers are the naming pass's
 * (names.c).
 */
#include "drvgen.h"
#include "gen.h"
#include "names.h"

#include <string.h>

struct drv_emitter {
	struct gen *g;
	struct strbuf *o;
	const struct ir_driver *d;
	unsigned bytes; /* emit_write_entry's register width */
};

#define A (e->g->arena)

/* Per capability kind, how struct drv_driver_desc (runtime/common/
 * drv_driver.h) holds it: entries of type drv_<type>_desc in its member
 * <member>, <count> of them; the generated table is drv_<type>_table. */
static const struct {
	const char *type, *member, *count;
} tables[CAPABILITY_KIND_COUNT] = {
	[CAPABILITY_MMIO] = {"mmio", "mmio", "nmmio"},
	[CAPABILITY_IOPORT] = {"port", "ports", "nports"},
	[CAPABILITY_CONFIG] = {"config", "config", "nconfig"},
	[CAPABILITY_IRQ] = {"irq", "irqs", "nirqs"},
	[CAPABILITY_DMA] = {"dma", "dma", "ndma"},
	[CAPABILITY_TIMER] = {"timer", "timers", "ntimers"},
};

/* The author's hooks, in the order the header declares them, with the
 * header's comment and the last line of the skeleton's body. */
static const struct {
	enum name_rule_id id;
	const char *field; /* of struct drv_driver_desc; the thunk is drv_<field> */
	const char *what;  /* for E0601 */
	enum name_rule_id numbers; /* the enum the hook's number is of, named by doc's "%s" */
	const char *doc;
	const char *body;
} hooks[] = {
	{N_DRV_INIT, "init", "the init hook", 0,
	 "Readies the device before any client can call. 0, or a negative errno, which fails the "
	 "probe.",
	 "return 0;"},
	{N_DRV_START, "start", "the start hook", 0, "Runs once the protocols are published.", NULL},
	{N_DRV_IRQ_HOOK, "irq", "the irq hook", N_DRV_IRQS,
	 "Runs for each interrupt of `irq` (enum %s); returns whether the device raised it.",
	 "return false;"},
	{N_DRV_STOP, "stop", "the stop hook", 0,
	 "Quiesces the device once every call was answered or cancelled.", NULL},
	{N_DRV_SUSPEND, "suspend", "the suspend hook", 0,
	 "The device is idle and about to sleep (D3hot, or the machine's suspend): saves what it "
	 "would lose and quiesces it. 0, or a negative errno, which keeps it awake.",
	 "return 0;"},
	{N_DRV_RESUME, "resume", "the resume hook", 0,
	 "The device woke (D0): restores what suspend saved, before any call or interrupt. 0, or "
	 "a negative errno.",
	 "return 0;"},
	{N_DRV_TIMER_HOOK, "timer", "the timer hook", N_DRV_TIMERS,
	 "Runs when `timer` (enum %s) expires, as every hook runs: one event at a time.", NULL},
};

static const char *name_of(const struct drv_emitter *e, enum name_rule_id id)
{
	return driver_symbol(e->d, id);
}

static struct gen_file *open_file(struct drv_emitter *e, enum name_rule_id id, const char *purpose)
{
	struct gen_file *f = gen_open(e->g, name_of(e, id));
	const struct source *src = e->d->pos.src;
	gen_banner(e->g, f, purpose, &src, 1);
	e->o = &f->text;
	return f;
}

static size_t count_caps(const struct ir_driver *d, enum ir_capability_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < d->caps.len; i++)
		n += d->caps.items[i].kind == kind;
	return n;
}

/* The C type a capability is bound to: a DMA buffer, a streaming
 * capability or a timer of the runtime's, the block's typed handle, or the
 * bare access handle when no block describes the range. */
/* A capability bound to a block that does not repeat is a handle to it; a
 * block array is bound as the I/O handle of the whole array, which its
 * _at macro indexes (the author picks the copy). */
static bool binds_handle(const struct ir_capability *c)
{
	return c->block && c->block->count == 1;
}

static const char *cap_type(struct drv_emitter *e, const struct ir_capability *c)
{
	if (c->kind == CAPABILITY_DMA)
		return c->streaming ? "struct drv_dma_stream *" : "struct drv_dma_buffer";
	if (c->kind == CAPABILITY_TIMER)
		return "struct drv_timer *";
	return binds_handle(c) ? arena_printf(A, "struct %s", name_block(A, c->block, N_BLOCK_HANDLE))
			       : "struct drv_io";
}

/* "struct drv_timer *deadline" and "struct edu_bar0 regs" */
static const char *cap_member(struct drv_emitter *e, const struct ir_capability *c)
{
	const char *type = cap_type(e, c);
	size_t n = strlen(type);
	return arena_printf(A, "%s%s%s", type, n && type[n - 1] == '*' ? "" : " ", c->name);
}

static const char *cap_summary(struct drv_emitter *e, const struct ir_capability *c)
{
	const char *where = gen_where(e->g, c->pos);
	unsigned long long size = (unsigned long long)c->size;
	switch (c->kind) {
	case CAPABILITY_MMIO:
		return arena_printf(A, "mmio %s: 0x%llx bytes at 0x%llx in BAR %u (%s).", c->name,
				    size, (unsigned long long)c->offset, c->bar, where);
	case CAPABILITY_IOPORT:
		if (c->in_bar)
			return arena_printf(A, "ioport %s: %llu ports at +0x%llx in I/O BAR %u (%s).",
					    c->name, size, (unsigned long long)c->offset, c->bar,
					    where);
		return arena_printf(A, "ioport %s: %llu ports from 0x%llx (%s).", c->name, size,
				    (unsigned long long)c->base, where);
	case CAPABILITY_CONFIG:
		if (c->capability)
			return arena_printf(A,
					    "config %s: 0x%llx bytes of configuration space at PCI "
					    "capability 0x%02x (%s).",
					    c->name, size, c->capability, where);
		return arena_printf(A, "config %s: 0x%llx bytes of configuration space at 0x%llx (%s).",
				    c->name, size, (unsigned long long)c->offset, where);
	case CAPABILITY_DMA:
		if (c->streaming)
			return arena_printf(A,
					    "dma %s: clients' buffers mapped for the device, %u at "
					    "once, %u segments each, below 2^%u (%s).",
					    c->name, c->mappings, c->segments, c->address_bits, where);
		return arena_printf(A, "dma %s: 0x%llx bytes below 2^%u on the bus (%s).", c->name,
				    size, c->address_bits, where);
	case CAPABILITY_TIMER:
		if (c->interval_ns)
			return arena_printf(A, "timer %s: its interval is %llu ns (%s).", c->name,
					    (unsigned long long)c->interval_ns, where);
		return arena_printf(A, "timer %s (%s).", c->name, where);
	case CAPABILITY_IRQ:
		break;
	}
	return "";
}

/* ---- <driver>_driver.h ---- */

/* first: the driver's first interrupt, which INTx arrives as when the
 * vectors fall back to it. */
static const char *irq_summary(struct drv_emitter *e, const struct ir_capability *c,
			       const struct ir_capability *first)
{
	switch (c->irq_kind) {
	case IRQ_LINE:
		return arena_printf(A, "ISA line %u", c->line);
	case IRQ_MSI:
	case IRQ_MSIX:
		return arena_printf(A, "%s vector %u%s%s", c->irq_kind == IRQ_MSI ? "MSI" : "MSI-X",
				    c->vector,
				    !c->intx_fallback ? ""
				    : c == first      ? ", or INTx where there is none"
						      : ", or where there is none INTx, arriving as ",
				    c->intx_fallback && c != first ? first->name : "");
	case IRQ_INTX:
		break;
	}
	return "the PCI INTx line";
}

/* The enum numbering a driver's capabilities of one kind (its interrupts,
 * its timers) for their hook. */
static void emit_numbered(struct drv_emitter *e, enum ir_capability_kind kind, enum name_rule_id tag,
			  enum name_rule_id each, enum name_rule_id hook)
{
	const struct ir_driver *d = e->d;
	if (!name_of(e, tag))
		return;
	gen_comment(e->o, 0,
		    arena_printf(A, "The %s, as %s numbers them.",
				 kind == CAPABILITY_IRQ ? "interrupts" : "timers", name_of(e, hook)));
	gen_line(e->o, 0, "enum %s {", name_of(e, tag));
	unsigned n = 0;
	const struct ir_capability *first = NULL;
	for (size_t i = 0; i < d->caps.len; i++) {
		const struct ir_capability *c = &d->caps.items[i];
		if (c->kind != kind)
			continue;
		if (!first)
			first = c;
		gen_comment(e->o, 1,
			    kind == CAPABILITY_IRQ
				    ? arena_printf(A, "irq %s: %s (%s).", c->name, irq_summary(e, c, first),
						   gen_where(e->g, c->pos))
				    : cap_summary(e, c));
		gen_line(e->o, 1, "%s = %u,", c_symbol_nth(&d->c, each, n)->name, n);
		n++;
	}
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
}

static void emit_caps(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	gen_comment(e->o, 0,
		    arena_printf(A, "What %s grants the driver, bound by the runtime before %s.",
				 gen_where(e->g, d->pos), name_of(e, N_DRV_INIT)));
	gen_line(e->o, 0, "struct %s {", name_of(e, N_DRV_CAPS));
	bool any = false;
	for (size_t i = 0; i < d->caps.len; i++) {
		const struct ir_capability *c = &d->caps.items[i];
		if (c->kind == CAPABILITY_IRQ)
			continue;
		const char *summary = cap_summary(e, c);
		if (c->block && !binds_handle(c))
			summary = arena_printf(A, "%s Block array %s: %s(drv->caps.%s, i) is copy i.",
					       summary, c->block->name,
					       name_block(A, c->block, N_BLOCK_AT), c->name);
		gen_comment(e->o, 1, summary);
		gen_line(e->o, 1, "%s;", cap_member(e, c));
		any = true;
	}
	if (!any)
		gen_line(e->o, 1, "char none; /* the manifest grants no memory, ports or timers */");
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
	emit_numbered(e, CAPABILITY_IRQ, N_DRV_IRQS, N_DRV_IRQ, N_DRV_IRQ_HOOK);
	emit_numbered(e, CAPABILITY_TIMER, N_DRV_TIMERS, N_DRV_TIMER, N_DRV_TIMER_HOOK);
	/* the manifest's intervals, for drv_timer_arm */
	size_t n = 0;
	for (size_t i = 0; i < d->caps.len; i++) {
		const struct ir_capability *c = &d->caps.items[i];
		if (c->kind != CAPABILITY_TIMER || !c->interval_ns)
			continue;
		gen_line(e->o, 0, "#define %s %lluull", c_symbol_nth(&d->c, N_DRV_TIMER_NS, n++)->name,
			 (unsigned long long)c->interval_ns);
	}
	if (n)
		gen_blank(e->o);
}

/* The author's part: hooks, handler tables, the size of the author's
 * struct. */
static void emit_author_part(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	gen_line(e->o, 0, "/* ---- the author's part (%s) ---- */", name_of(e, N_DRV_SKELETON));
	gen_blank(e->o);
	for (size_t i = 0; i < ARRAY_LEN(hooks); i++) {
		const struct c_function *fn = c_symbol_fn(&d->c, hooks[i].id);
		if (!fn)
			continue;
		const char *doc = hooks[i].numbers
					  ? arena_printf(A, hooks[i].doc, name_of(e, hooks[i].numbers))
					  : hooks[i].doc;
		if (hooks[i].id == N_DRV_SUSPEND)
			doc = arena_printf(A, "%s What it saves, as the manifest says: %s", doc,
					   d->saves);
		gen_comment(e->o, 0, doc);
		gen_function(e->g, e->o, 0, "", fn, GEN_FUNCTION, ";");
	}
	for (size_t i = 0; i < d->served.len; i++) {
		const struct ir_served *sv = &d->served.items[i];
		const c_symbol_list *p = &sv->iface->c;
		gen_comment(e->o, 0,
			    arena_printf(A, "The handlers of %s: %s(%s).", sv->iface->name,
					 c_symbol_name(p, N_IF_OPS_MACRO), sv->prefix));
		gen_line(e->o, 0, "extern const struct %s %s;", c_symbol_name(p, N_IF_OPS),
			 c_symbol_name(&sv->c, N_DRV_OPS));
	}
	const char *size = name_of(e, N_DRV_SIZE), *macro = name_of(e, N_DRV_SIZE_MACRO);
	gen_comment(e->o, 0, arena_printf(A, "The size of the author's struct: %s(type).", macro));
	gen_line(e->o, 0, "extern const size_t %s;", size);
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A,
				 "Defines %s for the author's struct, which must start with "
				 "struct %s base.",
				 size, name_of(e, N_DRV_STRUCT)));
	gen_line(e->o, 0, "/* clang-format off */");
	gen_line(e->o, 0, "#define %s(type) \\", macro);
	gen_line(e->o, 1, "const size_t %s = sizeof(type); \\", size);
	gen_line(e->o, 1,
		 "_Static_assert(offsetof(type, base) == 0, #type \" starts with its base\")");
	gen_line(e->o, 0, "/* clang-format on */");
}

static void emit_header(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	open_file(e, N_DRV_HEADER,
		  arena_printf(A,
			       "the driver %s: its capabilities, its struct, and the hooks and "
			       "handlers its author writes (%s).",
			       d->name, name_of(e, N_DRV_SKELETON)));
	const char *guard = name_of(e, N_DRV_GUARD);
	gen_line(e->o, 0, "#ifndef %s", guard);
	gen_line(e->o, 0, "#define %s", guard);
	gen_blank(e->o);
	gen_line(e->o, 0, "#include \"drv_driver.h\"");
	for (size_t i = 0; i < d->provides.len; i++)
		gen_line(e->o, 0, "#include \"%s\"",
			 c_symbol_name(&d->provides.items[i]->c, N_IF_HEADER));
	for (size_t i = 0; i < d->devices.len; i++)
		gen_line(e->o, 0, "#include \"%s\"",
			 name_device(A, d->devices.items[i], N_DEV_HEADER));
	gen_blank(e->o);
	emit_caps(e);

	gen_comment(e->o, 0,
		    arena_printf(A,
				 "The driver as drvgen sees it: the author's struct (%s) starts "
				 "with it, as its member `base`.",
				 name_of(e, N_DRV_SKELETON)));
	gen_line(e->o, 0, "struct %s {", name_of(e, N_DRV_STRUCT));
	gen_line(e->o, 1, "struct %s caps;", name_of(e, N_DRV_CAPS));
	gen_line(e->o, 1, "/* The instance number its protocols are published at. */");
	gen_line(e->o, 1, "unsigned instance;");
	for (size_t i = 0; i < d->provides.len; i++) {
		const struct ir_interface *p = d->provides.items[i];
		gen_comment(e->o, 1,
			    arena_printf(A, "Serves %s.", p->name));
		gen_line(e->o, 1, "struct %s %s;", c_symbol_name(&p->c, N_IF_OBJECT), p->c_name);
	}
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
	emit_author_part(e);
	gen_blank(e->o);
	gen_comment(e->o, 0, "What the runtime of either target needs to run the driver.");
	gen_line(e->o, 0, "extern const struct drv_driver_desc %s;", name_of(e, N_DRV_DESC));
	gen_blank(e->o);
	gen_line(e->o, 0, "#endif");
}

/* ---- <driver>_driver.c ---- */

/* A PCI id, or `any` for a wildcard. */
static const char *pci_id(struct drv_emitter *e, uint32_t v, const char *any)
{
	return v == 0xffffffffu ? any : arena_printf(A, "0x%04x", v);
}

/* Calls fn(ctx, offset) for each element of r: its offset from the start
 * of its block, through every group and array it is in. */
static void each_element(const struct ir_register *r, void (*fn)(void *ctx, uint64_t offset),
			 void *ctx)
{
	uint64_t count[16], stride[16], index[16] = {0}, base = r->offset;
	unsigned dims = 0;
	count[dims] = r->count;
	stride[dims++] = r->stride;
	for (const struct ir_group *g = r->group; g && dims < 16; g = g->parent) {
		base += g->offset;
		count[dims] = g->count;
		stride[dims++] = g->stride;
	}
	for (;;) {
		uint64_t off = base;
		for (unsigned k = 0; k < dims; k++)
			off += index[k] * stride[k];
		fn(ctx, off);
		unsigned k = 0;
		while (k < dims && ++index[k] == count[k])
			index[k++] = 0;
		if (k == dims)
			return;
	}
}

static void emit_write_entry(void *ctx, uint64_t offset)
{
	struct drv_emitter *e = ctx;
	gen_line(e->o, 1, "{%s, %u},", gen_hex(e->g, offset), e->bytes);
}

/* A register the generated accessors can write (a write, clear, set,
 * toggle or update function). */
static bool writable(const struct ir_register *r)
{
	static const enum name_rule_id writes[] = {N_REG_WRITE, N_REG_CLEAR, N_REG_SET,
						   N_REG_TOGGLE, N_REG_UPDATE};
	for (size_t i = 0; i < ARRAY_LEN(writes); i++)
		if (has_name(r->names, writes[i]))
			return true;
	return false;
}

/* The registers of a config block the driver may write: what the userspace
 * server lets through to configuration space (runtime/user/host/config.c),
 * each as the (offset, bytes) its accessor writes. */
static void emit_config_writes(struct drv_emitter *e, const struct ir_capability *c)
{
	const struct ir_block *b = c->block;
	if (!b)
		return;
	size_t n = 0;
	for (size_t i = 0; i < b->regs.len; i++)
		n += writable(b->regs.items[i]);
	if (!n)
		return;
	gen_comment(e->o, 0,
		    arena_printf(A, "The registers of %s that config %s may write.", b->name, c->name));
	gen_line(e->o, 0, "static const struct drv_config_write drv_config_writes_%s[] = {",
		 c->name);
	for (size_t i = 0; i < b->regs.len; i++) {
		const struct ir_register *r = b->regs.items[i];
		if (!writable(r))
			continue;
		e->bytes = r->width / 8;
		each_element(r, emit_write_entry, e);
	}
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
}

static unsigned count_writes(const struct ir_capability *c)
{
	unsigned n = 0;
	for (size_t i = 0; c->block && i < c->block->regs.len; i++) {
		const struct ir_register *r = c->block->regs.items[i];
		uint64_t elements = r->count;
		for (const struct ir_group *g = r->group; g; g = g->parent)
			elements *= g->count;
		n += writable(r) ? (unsigned)elements : 0;
	}
	return n;
}

static const char *irq_kind_constant(enum ir_irq_kind kind)
{
	static const char *const names[] = {"DRV_IRQ_INTX", "DRV_IRQ_MSI", "DRV_IRQ_LINE",
					    "DRV_IRQ_MSIX"};
	return names[kind];
}

/* One capability's entry in its kind's table. */
static void emit_desc_entry(struct drv_emitter *e, const struct ir_capability *c)
{
	gen_line(e->o, 1, "{");
	gen_line(e->o, 2, ".name = \"%s\",", c->name);
	switch (c->kind) {
	case CAPABILITY_MMIO:
		gen_line(e->o, 2, ".bar = %u,", c->bar);
		gen_line(e->o, 2, ".offset = %s,", gen_hex(e->g, c->offset));
		gen_line(e->o, 2, ".size = %s,", gen_hex(e->g, c->size));
		break;
	case CAPABILITY_IOPORT:
		if (c->in_bar) {
			gen_line(e->o, 2, ".in_bar = true,");
			gen_line(e->o, 2, ".bar = %u,", c->bar);
			gen_line(e->o, 2, ".offset = %s,", gen_hex(e->g, c->offset));
		} else {
			gen_line(e->o, 2, ".base = %s,", gen_hex(e->g, c->base));
		}
		gen_line(e->o, 2, ".size = %s,", gen_hex(e->g, c->size));
		break;
	case CAPABILITY_CONFIG:
		if (c->capability)
			gen_line(e->o, 2, ".capability = 0x%02x,", c->capability);
		else
			gen_line(e->o, 2, ".offset = %s,", gen_hex(e->g, c->offset));
		gen_line(e->o, 2, ".size = %s,", gen_hex(e->g, c->size));
		if (count_writes(c)) {
			gen_line(e->o, 2, ".writes = drv_config_writes_%s,", c->name);
			gen_line(e->o, 2, ".nwrites = %u,", count_writes(c));
		}
		break;
	case CAPABILITY_IRQ:
		gen_line(e->o, 2, ".kind = %s,", irq_kind_constant(c->irq_kind));
		if (c->irq_kind == IRQ_LINE)
			gen_line(e->o, 2, ".line = %u,", c->line);
		if (c->irq_kind == IRQ_MSI || c->irq_kind == IRQ_MSIX)
			gen_line(e->o, 2, ".vector = %u,", c->vector);
		if (c->intx_fallback)
			gen_line(e->o, 2, ".intx_fallback = true,");
		break;
	case CAPABILITY_DMA:
		if (c->streaming) {
			gen_line(e->o, 2, ".kind = DRV_DMA_STREAMING,");
			gen_line(e->o, 2, ".mappings = %u,", c->mappings);
			gen_line(e->o, 2, ".segments = %u,", c->segments);
		} else {
			gen_line(e->o, 2, ".size = %s,", gen_hex(e->g, c->size));
		}
		gen_line(e->o, 2, ".address_bits = %u,", c->address_bits);
		break;
	case CAPABILITY_TIMER:
		if (c->interval_ns)
			gen_line(e->o, 2, ".period_ns = %lluull,", (unsigned long long)c->interval_ns);
		break;
	}
	gen_line(e->o, 1, "},");
}

static void emit_desc_tables(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	if (d->matches.len) {
		gen_line(e->o, 0, "static const struct drv_match drv_match_table[] = {");
		for (size_t i = 0; i < d->matches.len; i++) {
			const struct ir_match *m = &d->matches.items[i];
			gen_line(e->o, 1, "{");
			if (m->kind == MATCH_PCI) {
				gen_line(e->o, 2, ".bus = DRV_BUS_PCI,");
				gen_line(e->o, 2, ".vendor = %s,",
					 pci_id(e, m->vendor, "DRV_PCI_ANY"));
				gen_line(e->o, 2, ".device = %s,",
					 pci_id(e, m->device, "DRV_PCI_ANY"));
				gen_line(e->o, 2, ".subvendor = %s,",
					 pci_id(e, m->subvendor, "DRV_PCI_ANY"));
				gen_line(e->o, 2, ".subdevice = %s,",
					 pci_id(e, m->subdevice, "DRV_PCI_ANY"));
				gen_line(e->o, 2, ".class_code = 0x%06x,", m->class_code);
				gen_line(e->o, 2, ".class_mask = 0x%06x,", m->class_mask);
			} else {
				gen_line(e->o, 2, ".bus = DRV_BUS_ISA,");
				gen_line(e->o, 2, ".ioport = %s,", gen_hex(e->g, m->ioport));
			}
			gen_line(e->o, 1, "},");
		}
		gen_line(e->o, 0, "};");
		gen_blank(e->o);
	}
	for (size_t i = 0; i < d->caps.len; i++)
		if (d->caps.items[i].kind == CAPABILITY_CONFIG)
			emit_config_writes(e, &d->caps.items[i]);
	for (unsigned k = 0; k < CAPABILITY_KIND_COUNT; k++) {
		if (!count_caps(d, k))
			continue;
		gen_line(e->o, 0, "static const struct drv_%s_desc drv_%s_table[] = {", tables[k].type,
			 tables[k].type);
		for (size_t i = 0; i < d->caps.len; i++)
			if (d->caps.items[i].kind == k)
				emit_desc_entry(e, &d->caps.items[i]);
		gen_line(e->o, 0, "};");
		gen_blank(e->o);
	}
	if (d->provides.len) {
		gen_line(e->o, 0,
			 "static const struct drv_interface *const drv_interface_table[] = {");
		for (size_t i = 0; i < d->provides.len; i++)
			gen_line(e->o, 1, "&%s,",
				 c_symbol_name(&d->provides.items[i]->c, N_IF_INTERFACE));
		gen_line(e->o, 0, "};");
		gen_blank(e->o);
	}
}

static void emit_bind(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	const char *driver = name_of(e, N_DRV_STRUCT);
	gen_comment(e->o, 0,
		    "The resources the runtime acquired, as typed handles; the objects, with the "
		    "author's handlers.");
	struct c_function *bind = gen_fn(e->g, "int", "drv_bind");
	gen_fn_param(e->g, bind, "void", 1, "self");
	gen_fn_param(e->g, bind, "const struct drv_resources", 1, "res");
	gen_function(e->g, e->o, 0, "static", bind, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s *drv = self;", driver);
	gen_blank(e->o);
	/* io[] holds the mmio ranges, then the ports; each other kind has its
	 * own array, in manifest order (drv_driver.h) */
	unsigned io = 0;
	for (unsigned k = CAPABILITY_MMIO; k <= CAPABILITY_IOPORT; k++)
		for (size_t i = 0; i < d->caps.len; i++) {
			const struct ir_capability *c = &d->caps.items[i];
			if (c->kind != k)
				continue;
			if (binds_handle(c))
				gen_line(e->o, 1, "drv->caps.%s = %s(res->io[%u]);", c->name,
					 name_block(A, c->block, N_BLOCK_AT), io++);
			else
				gen_line(e->o, 1, "drv->caps.%s = res->io[%u];", c->name, io++);
		}
	unsigned index[CAPABILITY_KIND_COUNT] = {0};
	for (size_t i = 0; i < d->caps.len; i++) {
		const struct ir_capability *c = &d->caps.items[i];
		unsigned n = index[c->kind]++;
		if (c->kind == CAPABILITY_CONFIG && binds_handle(c))
			gen_line(e->o, 1, "drv->caps.%s = %s(res->config[%u]);", c->name,
				 name_block(A, c->block, N_BLOCK_AT), n);
		else if (c->kind == CAPABILITY_CONFIG && c->block)
			gen_line(e->o, 1, "drv->caps.%s = res->config[%u];", c->name, n);
		else if (c->kind == CAPABILITY_DMA)
			gen_line(e->o, 1, "drv->caps.%s = res->%s[%u];", c->name,
				 c->streaming ? "streams" : "dma", n);
		else if (c->kind == CAPABILITY_TIMER)
			gen_line(e->o, 1, "drv->caps.%s = res->timers[%u];", c->name, n);
	}
	gen_line(e->o, 1, "drv->instance = res->instance;");
	for (size_t i = 0; i < d->served.len; i++) {
		const struct ir_served *sv = &d->served.items[i];
		const char *member = sv->iface->c_name;
		gen_line(e->o, 1, "if (!%s(&drv->%s, &%s))",
			 c_symbol_name(&sv->iface->c, N_IF_INIT), member,
			 c_symbol_name(&sv->c, N_DRV_OPS));
		gen_line(e->o, 2, "return -EINVAL;");
	}
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
}

/* The protocol object i, for the runtime to serve. */
static void emit_object(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	struct c_function *object = gen_fn(e->g, "void", "drv_object");
	object->ret.pointers = 1;
	gen_fn_param(e->g, object, "void", 1, "self");
	gen_fn_param(e->g, object, "unsigned", 0, "i");
	gen_function(e->g, e->o, 0, "static", object, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	if (!d->provides.len) {
		gen_line(e->o, 1, "(void)self; /* the manifest provides no interface */");
		gen_line(e->o, 1, "(void)i;");
		gen_line(e->o, 1, "return NULL;");
		gen_line(e->o, 0, "}");
		gen_blank(e->o);
		return;
	}
	gen_line(e->o, 1, "struct %s *drv = self;", name_of(e, N_DRV_STRUCT));
	gen_blank(e->o);
	gen_line(e->o, 1, "switch (i) {");
	for (size_t i = 0; i < d->provides.len; i++) {
		gen_line(e->o, 1, "case %zu:", i);
		gen_line(e->o, 2, "return &drv->%s;", d->provides.items[i]->c_name);
	}
	gen_line(e->o, 1, "default:");
	gen_line(e->o, 2, "return NULL;");
	gen_line(e->o, 1, "}");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
}

/* The runtime calls the hooks with void *: thunks keep the author's
 * signatures typed. */
static void emit_thunks(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	for (size_t i = 0; i < ARRAY_LEN(hooks); i++) {
		const struct c_function *fn = c_symbol_fn(&d->c, hooks[i].id);
		if (!fn)
			continue;
		struct c_function thunk = *fn;
		thunk.name = arena_printf(A, "drv_%s", hooks[i].field);
		thunk.params.items = arena_alloc(A, fn->params.len * sizeof *fn->params.items);
		struct strbuf args = {0};
		for (size_t k = 0; k < fn->params.len; k++) {
			thunk.params.items[k] = fn->params.items[k];
			if (k == 0)
				thunk.params.items[k] = (struct c_param){
					.type = {.spec = "void", .pointers = 1}, .name = "self"};
			sb_printf(&args, "%s%s", k ? ", " : "", thunk.params.items[k].name);
		}
		gen_function(e->g, e->o, 0, "static", &thunk, GEN_FUNCTION, "");
		gen_line(e->o, 0, "{");
		gen_line(e->o, 1, "%s%s(%s);", strcmp(fn->ret.spec, "void") ? "return " : "",
			 fn->name, sb_str(&args));
		gen_line(e->o, 0, "}");
		gen_blank(e->o);
		sb_free(&args);
	}
}

static void emit_desc(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	const char *dn = d->name;
	open_file(e, N_DRV_DESC_FILE,
		  arena_printf(A, "the driver %s as the runtime of either target sees it.", dn));
	gen_line(e->o, 0, "#include \"%s\"", name_of(e, N_DRV_HEADER));
	gen_blank(e->o);
	emit_desc_tables(e);
	emit_bind(e);
	emit_object(e);
	emit_thunks(e);
	gen_line(e->o, 0, "const struct drv_driver_desc %s = {", name_of(e, N_DRV_DESC));
	gen_line(e->o, 1, ".name = \"%s\",", dn);
	gen_line(e->o, 1, ".version = \"%s\",", d->version ? d->version : "0.0.0");
	if (d->matches.len) {
		gen_line(e->o, 1, ".match = drv_match_table,");
		gen_line(e->o, 1, ".nmatch = %zu,", d->matches.len);
	}
	for (unsigned k = 0; k < CAPABILITY_KIND_COUNT; k++) {
		size_t n = count_caps(d, k);
		if (!n)
			continue;
		gen_line(e->o, 1, ".%s = drv_%s_table,", tables[k].member, tables[k].type);
		gen_line(e->o, 1, ".%s = %zu,", tables[k].count, n);
	}
	if (d->provides.len) {
		gen_line(e->o, 1, ".interfaces = drv_interface_table,");
		gen_line(e->o, 1, ".ninterfaces = %zu,", d->provides.len);
	}
	if (d->power)
		gen_line(e->o, 1, ".idle_ns = %lluull,", (unsigned long long)d->idle_ns);
	for (size_t i = 0; i < d->services.len; i++)
		if (!strcmp(d->services.items[i]->name, "sys::devregistry"))
			gen_line(e->o, 1, ".registers = true,");
	gen_line(e->o, 1, ".size = &%s,", name_of(e, N_DRV_SIZE));
	gen_line(e->o, 1, ".bind = drv_bind,");
	gen_line(e->o, 1, ".object = drv_object,");
	for (size_t i = 0; i < ARRAY_LEN(hooks); i++)
		if (c_symbol_fn(&d->c, hooks[i].id))
			gen_line(e->o, 1, ".%s = drv_%s,", hooks[i].field, hooks[i].field);
	gen_line(e->o, 0, "};");
}

/* ---- <driver>_kmod.c and <driver>_main.c ---- */

/* text as the inside of a C string literal. */
static const char *c_escape(struct drv_emitter *e, const char *text)
{
	struct strbuf b = {0};
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\' || (c == '?' && p[1] == '?')) /* "??/" is a trigraph */
			sb_putc(&b, '\\');
		sb_putc(&b, c < 0x20 || c == 0x7f ? ' ' : *p); /* line breaks, CR, tabs */
	}
	const char *s = arena_strdup(A, sb_str(&b));
	sb_free(&b);
	return s;
}

/* The licences a kernel module can declare that the SPDX ids drvgen knows
 * map to (include/linux/module.h has the strings). A licence the kernel
 * takes as GPL-compatible only beside the GPL is declared dual, as its
 * authors' licence and the GPL the module is linked under. */
static const struct {
	const char *spdx, *module;
} module_licenses[] = {
	{"GPL-2.0", "GPL"},
	{"GPL-2.0-only", "GPL"},
	{"GPL-2.0+", "GPL"},
	{"GPL-2.0-or-later", "GPL"},
	{"MIT", "Dual MIT/GPL"},
	{"BSD-2-Clause", "Dual BSD/GPL"},
	{"BSD-3-Clause", "Dual BSD/GPL"},
	{"MPL-1.1", "Dual MPL/GPL"},
	{"MPL-2.0", "Dual MPL/GPL"},
};

static const char *module_license_of(const char *spdx, size_t len)
{
	for (size_t i = 0; i < ARRAY_LEN(module_licenses); i++)
		if (strlen(module_licenses[i].spdx) == len &&
		    !strncmp(module_licenses[i].spdx, spdx, len))
			return module_licenses[i].module;
	return NULL;
}

const char *drvgen_module_license(const char *spdx)
{
	/* "X OR Y": the GPL or a dual licence, whichever part says it */
	const char *or = strstr(spdx, " OR ");
	if (!or)
		return module_license_of(spdx, strlen(spdx));
	const char *a = module_license_of(spdx, (size_t)(or - spdx));
	const char *b = drvgen_module_license(or + 4);
	if (!a || !b)
		return NULL;
	return strcmp(a, "GPL") ? a : b;
}

static void emit_kmod(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	open_file(e, N_DRV_KMOD_FILE,
		  arena_printf(A, "the driver %s as a Linux kernel module.", d->name));
	gen_line(e->o, 0, "#include <linux/module.h>");
	gen_line(e->o, 0, "#include <linux/pci.h>");
	gen_blank(e->o);
	gen_line(e->o, 0, "#include \"drv_kmod.h\"");
	gen_line(e->o, 0, "#include \"%s\"", name_of(e, N_DRV_HEADER));
	gen_blank(e->o);
	bool pci = false;
	for (size_t i = 0; i < d->matches.len; i++)
		pci |= d->matches.items[i].kind == MATCH_PCI;
	if (pci) {
		gen_comment(
			e->o, 0,
			"The devices it drives; the table is also what lets udev load the module "
			"for them.");
		gen_line(e->o, 0, "static const struct pci_device_id drv_pci_ids[] = {");
		for (size_t i = 0; i < d->matches.len; i++) {
			const struct ir_match *m = &d->matches.items[i];
			if (m->kind != MATCH_PCI)
				continue;
			gen_line(e->o, 1, "{");
			gen_line(e->o, 2, ".vendor = %s,", pci_id(e, m->vendor, "PCI_ANY_ID"));
			gen_line(e->o, 2, ".device = %s,", pci_id(e, m->device, "PCI_ANY_ID"));
			gen_line(e->o, 2, ".subvendor = %s,",
				 pci_id(e, m->subvendor, "PCI_ANY_ID"));
			gen_line(e->o, 2, ".subdevice = %s,",
				 pci_id(e, m->subdevice, "PCI_ANY_ID"));
			gen_line(e->o, 2, ".class = 0x%06x,", m->class_code);
			gen_line(e->o, 2, ".class_mask = 0x%06x,", m->class_mask);
			gen_line(e->o, 1, "},");
		}
		gen_line(e->o, 1, "{0},");
		gen_line(e->o, 0, "};");
		gen_line(e->o, 0, "MODULE_DEVICE_TABLE(pci, drv_pci_ids);");
		gen_blank(e->o);
	}
	gen_line(e->o, 0, "static struct drv_kmod drv_kmod;");
	gen_blank(e->o);
	gen_line(e->o, 0, "static int __init drv_module_init(void)");
	gen_line(e->o, 0, "{");
	const char *args[] = {"&drv_kmod", arena_printf(A, "&%s", name_of(e, N_DRV_DESC)),
			      pci ? "drv_pci_ids" : "NULL", "THIS_MODULE"};
	gen_call_statement(e->o, 1, "return ", "drv_kmod_register", args, 4);
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	gen_line(e->o, 0, "static void __exit drv_module_exit(void)");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "drv_kmod_unregister(&drv_kmod);");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	gen_line(e->o, 0, "module_init(drv_module_init);");
	gen_line(e->o, 0, "module_exit(drv_module_exit);");
	const char *license = drvgen_module_license(e->g->opts->spdx);
	gen_line(e->o, 0, "MODULE_LICENSE(\"%s\");", license ? license : "Proprietary");
	if (d->doc)
		gen_line(e->o, 0, "MODULE_DESCRIPTION(\"%s\");", c_escape(e, d->doc));
	if (d->version)
		gen_line(e->o, 0, "MODULE_VERSION(\"%s\");", d->version);
}

static void emit_main(struct drv_emitter *e)
{
	open_file(e, N_DRV_MAIN_FILE,
		  arena_printf(A, "the driver %s as a Linux userspace driver server.", e->d->name));
	gen_line(e->o, 0, "#include \"drv_host.h\"");
	gen_line(e->o, 0, "#include \"%s\"", name_of(e, N_DRV_HEADER));
	gen_blank(e->o);
	gen_line(e->o, 0, "int main(int argc, char **argv)");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "return drv_host_main(&%s, argc, argv);", name_of(e, N_DRV_DESC));
	gen_line(e->o, 0, "}");
}

/* ---- <driver>.c: the skeleton ---- */

static void require(struct drv_emitter *e, const char *symbol, struct srcpos pos, const char *what,
		    const char *hint)
{
	struct gen_requirement r = {name_of(e, N_DRV_SKELETON), symbol, pos, what, hint,
				    e->d->pos.src};
	vec_push(A, &e->g->required, r);
}

/* A function of the skeleton, which the author's file must still define:
 * its signature, `(void)` for each parameter, and the last line. */
static void emit_stub(struct drv_emitter *e, const char *storage, const struct c_function *fn,
		      const char *last)
{
	gen_function(e->g, e->o, 0, storage, fn, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	for (size_t i = 0; i < fn->params.len; i++)
		gen_line(e->o, 1, "(void)%s;", fn->params.items[i].name);
	if (last)
		gen_line(e->o, 1, "%s", last);
	gen_line(e->o, 0, "}");
}

static void emit_hooks(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	for (size_t i = 0; i < ARRAY_LEN(hooks); i++) {
		const struct c_function *fn = c_symbol_fn(&d->c, hooks[i].id);
		if (!fn)
			continue;
		require(e, fn->name, d->pos, hooks[i].what, gen_function_text(e->g, "", fn));
		if (i)
			gen_blank(e->o);
		emit_stub(e, "", fn, hooks[i].body);
	}
}

/* The body the caller gave for method m's handler, or NULL: a stub. */
static const struct drvgen_handler_body *body_of(struct drv_emitter *e, const struct ir_method *m)
{
	const struct gen_options *o = e->g->opts;
	const char *name = arena_printf(A, "%s.%s", m->owner->name, m->name);
	for (size_t i = 0; i < o->body_count; i++)
		if (!strcmp(o->bodies[i].method, name))
			return &o->bodies[i];
	return NULL;
}

/* The handlers of one protocol the driver serves, and their table; the
 * handlers find the driver with a from_ function. */
static void emit_handlers(struct drv_emitter *e, const struct ir_served *sv)
{
	const struct ir_interface *p = sv->iface;
	size_t k = 0;
	for (size_t j = 0; j < p->all_methods.len; j++) {
		const struct ir_method *m = p->all_methods.items[j];
		if (m->kind == METHOD_EVENT)
			continue;
		const struct c_function *fn = c_symbol_nth(&sv->c, N_DRV_HANDLER, k++)->fn;
		const char *kind = m->kind == METHOD_CALL ? "call" : "send";
		require(e, fn->name, m->pos,
			arena_printf(A, "the handler of %s %s.%s", kind, m->owner->name, m->name),
			arena_printf(A, "%s; %s(%s) puts it in the handler table by its name",
				     gen_function_text(e->g, "static", fn),
				     c_symbol_name(&p->c, N_IF_OPS_MACRO), sv->prefix));
		gen_blank(e->o);
		const struct drvgen_handler_body *body = body_of(e, m);
		gen_comment(e->o, 0,
			    arena_printf(A, "%s %s (%s). %s", kind, m->name, gen_where(e->g, m->pos),
					 body ? body->comment
					      : "Not written yet: the client gets "
						"DRV_STATUS_INTERNAL."));
		gen_function(e->g, e->o, 0, "static", fn, GEN_FUNCTION, "");
		gen_line(e->o, 0, "{");
		for (size_t i = 0; body && i < body->line_count; i++)
			gen_line(e->o, 1, "%s", body->lines[i]);
		for (size_t i = 0; !body && i < fn->params.len; i++) {
			const struct c_param *param = &fn->params.items[i];
			if (param->role == PARAM_OBJECT)
				gen_line(e->o, 1, "(void)from_%s(self);", m->owner->c_name);
			else
				gen_line(e->o, 1, "(void)%s;", param->name);
		}
		if (!body && m->kind == METHOD_CALL)
			gen_line(e->o, 1, "return DRV_STATUS_INTERNAL;");
		gen_line(e->o, 0, "}");
	}
	gen_blank(e->o);
	const char *ops = c_symbol_name(&sv->c, N_DRV_OPS);
	const char *table =
		arena_printf(A, "const struct %s %s = %s(%s);", c_symbol_name(&p->c, N_IF_OPS), ops,
			     c_symbol_name(&p->c, N_IF_OPS_MACRO), sv->prefix);
	require(e, ops, p->pos, arena_printf(A, "the handler table of %s", p->name), table);
	gen_line(e->o, 0, "%s", table);
}

static void emit_skeleton(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	const char *file = name_of(e, N_DRV_SKELETON), *author = name_of(e, N_DRV_AUTHOR);
	struct gen_file *f = gen_open(e->g, file);
	f->author_owned = true;
	e->o = &f->text;
	gen_line(e->o, 0, "// SPDX-License-Identifier: %s", e->g->opts->spdx);
	gen_comment(e->o, 0,
		    arena_printf(A,
				 "%s - the driver %s: written by drvgen once, as a starting "
				 "point, and yours from then on. drvgen never overwrites it; "
				 "when the protocol gains a method, `drvgen gen` names the "
				 "handler to add here.",
				 file, d->name));
	gen_line(e->o, 0, "#include \"%s\"", name_of(e, N_DRV_HEADER));
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A,
				 "The driver's state. It starts with what drvgen binds: the "
				 "capabilities of %s and the protocol objects.",
				 gen_where(e->g, d->pos)));
	gen_line(e->o, 0, "struct %s {", author);
	gen_line(e->o, 1, "struct %s base;", name_of(e, N_DRV_STRUCT));
	gen_line(e->o, 0, "};");
	gen_line(e->o, 0, "%s(struct %s);", name_of(e, N_DRV_SIZE_MACRO), author);
	gen_blank(e->o);
	/* One way back from each object to the driver, for the handlers. */
	for (size_t i = 0; i < d->served.len; i++) {
		const struct ir_served *sv = &d->served.items[i];
		const char *path = sv->iface->c_name;
		const struct ir_interface *at = sv->iface;
		for (size_t k = 0; k < sv->c.len; k++) {
			if (sv->c.items[k].rule != N_DRV_FROM)
				continue;
			gen_function(e->g, e->o, 0, "static inline", sv->c.items[k].fn,
				     GEN_FUNCTION, "");
			gen_line(e->o, 0, "{");
			gen_line(e->o, 1, "return drv_container_of(self, struct %s, base.%s);",
				 author, path);
			gen_line(e->o, 0, "}");
			gen_blank(e->o);
			if (at->parents.len) {
				at = at->parents.items[0];
				path = arena_printf(A, "%s.%s", path, at->c_name);
			}
		}
	}
	emit_hooks(e);
	for (size_t i = 0; i < d->served.len; i++)
		emit_handlers(e, &d->served.items[i]);
}

/* The library folders, for targets/kmod/build.sh and targets/user/build.sh:
 * each one's C files are compiled into the driver, on both targets, with
 * the folder on the include path. */
static void emit_libraries(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	if (!d->libraries.len)
		return;
	struct gen_file *f = gen_open(e->g, name_of(e, N_DRV_LIBRARIES));
	sb_printf(&f->text,
		  "# %s - the libraries of the driver %s (%s):\n"
		  "# folders, relative to its spec folder, whose C files the build compiles\n"
		  "# into it. Generated by drvgen %s; do not edit.\n",
		  f->name, d->name, gen_where(e->g, d->pos), DRVGEN_VERSION);
	for (size_t i = 0; i < d->libraries.len; i++)
		sb_printf(&f->text, "%s\n", d->libraries.items[i]);
}

void emit_driver(struct gen *g)
{
	for (size_t i = 0; i < g->ir->drivers.len; i++) {
		struct drv_emitter e = {.g = g, .d = g->ir->drivers.items[i]};
		emit_header(&e);
		emit_desc(&e);
		emit_libraries(&e);
		if (g->opts->targets & DRVGEN_TARGET_KMOD)
			emit_kmod(&e);
		if (g->opts->targets & DRVGEN_TARGET_USER)
			emit_main(&e);
		emit_skeleton(&e);
	}
}
