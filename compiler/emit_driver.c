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
 * socket); what is generated is only what differs per driver, as data.
 */
#include "drvgen.h"
#include "gen.h"

#include <string.h>

struct drv_emitter {
	struct gen *g;
	struct strbuf *o;
	const struct ir_driver *d;
	const char *dn, *DN; /* the driver's name, lower and upper case */
};

#define A (e->g->arena)

/* Per capability kind: the runtime's descriptor type is drv_<kind>_desc,
 * and the generated table of them drv_<kind>_table. */
static const char *const kinds[] = {"mmio", "port", "irq", "dma"};

static struct gen_file *open_file(struct drv_emitter *e, const char *name, const char *purpose)
{
	struct gen_file *f = gen_open(e->g, name);
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

/* The C type a capability is bound to: the block's typed handle, or the
 * bare access handle when no block describes the range. */
static const char *cap_type(struct drv_emitter *e, const struct ir_capability *c)
{
	if (c->kind == CAPABILITY_DMA)
		return "struct drv_dma_buffer";
	return c->block ? arena_printf(A, "struct %s", c->block->c_name) : "struct drv_io";
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
		return arena_printf(A, "ioport %s: %llu ports from 0x%llx (%s).", c->name, size,
				    (unsigned long long)c->base, where);
	case CAPABILITY_DMA:
		return arena_printf(A, "dma %s: 0x%llx bytes below 2^%u on the bus (%s).", c->name,
				    size, c->address_bits, where);
	case CAPABILITY_IRQ:
		break;
	}
	return "";
}

/* The prefix of the author's handlers for an interface: the driver's name
 * when it serves one protocol, else the interface's own name (edu_ident;
 * port_up, stats_frames). Never the interface's C name: that prefixes its
 * client stubs, which the driver's header declares. */
static const char *handler_prefix(struct drv_emitter *e, const struct ir_interface *iface)
{
	return e->d->provides.len == 1 ? e->dn : iface->local;
}

/* ---- <driver>_driver.h ---- */

static void emit_header(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	const char *dn = e->dn, *DN = e->DN;
	open_file(e, arena_printf(A, "%s_driver.h", dn),
		  arena_printf(A, "the driver %s: its capabilities, its struct, and the hooks and "
				  "handlers its author writes (%s.c).",
			       dn, dn));
	gen_line(e->o, 0, "#ifndef %s_DRIVER_H", DN);
	gen_line(e->o, 0, "#define %s_DRIVER_H", DN);
	gen_blank(e->o);
	gen_line(e->o, 0, "#include \"drv_driver.h\"");
	for (size_t i = 0; i < d->provides.len; i++)
		gen_line(e->o, 0, "#include \"%s.h\"", d->provides.items[i]->c_name);
	if (d->device)
		gen_line(e->o, 0, "#include \"%s_regs.h\"", d->device->name);
	gen_blank(e->o);

	gen_comment(e->o, 0,
		    arena_printf(A, "What %s grants the driver, bound by the runtime before %s_init.",
				 gen_where(e->g, d->pos), dn));
	gen_line(e->o, 0, "struct %s_caps {", dn);
	for (size_t i = 0; i < d->caps.len; i++) {
		const struct ir_capability *c = &d->caps.items[i];
		if (c->kind == CAPABILITY_IRQ)
			continue;
		gen_comment(e->o, 1, cap_summary(e, c));
		gen_line(e->o, 1, "%s %s;", cap_type(e, c), c->name);
	}
	if (!count_caps(d, CAPABILITY_MMIO) && !count_caps(d, CAPABILITY_IOPORT) &&
	    !count_caps(d, CAPABILITY_DMA))
		gen_line(e->o, 1, "char none; /* the manifest grants no memory or ports */");
	gen_line(e->o, 0, "};");
	gen_blank(e->o);

	if (count_caps(d, CAPABILITY_IRQ)) {
		gen_comment(e->o, 0, arena_printf(A, "The interrupts, as %s_irq numbers them.", dn));
		gen_line(e->o, 0, "enum %s_irq {", dn);
		unsigned n = 0;
		for (size_t i = 0; i < d->caps.len; i++) {
			const struct ir_capability *c = &d->caps.items[i];
			if (c->kind != CAPABILITY_IRQ)
				continue;
			const char *what = c->irq_kind == IRQ_LINE
						   ? arena_printf(A, "ISA line %u", c->line)
					   : c->irq_kind == IRQ_MSI ? "the first MSI vector"
								    : "the PCI INTx line";
			gen_comment(e->o, 1,
				    arena_printf(A, "irq %s: %s (%s).", c->name, what,
						 gen_where(e->g, c->pos)));
			gen_line(e->o, 1, "%s_IRQ_%s = %u,", DN, upper_dup(A, c->name), n++);
		}
		gen_line(e->o, 0, "};");
		gen_blank(e->o);
	}

	gen_comment(e->o, 0,
		    arena_printf(A, "The driver as drvgen sees it: the author's struct (%s.c) starts "
				    "with it, as its member `base`.",
				 dn));
	gen_line(e->o, 0, "struct %s_driver {", dn);
	gen_line(e->o, 1, "struct %s_caps caps;", dn);
	gen_line(e->o, 1, "/* Its number among the devices the driver serves. */");
	gen_line(e->o, 1, "unsigned instance;");
	for (size_t i = 0; i < d->provides.len; i++) {
		const struct ir_interface *p = d->provides.items[i];
		gen_comment(e->o, 1, arena_printf(A, "Serves %s, as instance `instance`.", p->name));
		gen_line(e->o, 1, "struct %s %s;", p->c_name, p->c_name);
	}
	gen_line(e->o, 0, "};");
	gen_blank(e->o);

	gen_line(e->o, 0, "/* ---- the author's part (%s.c) ---- */", dn);
	gen_blank(e->o);
	const char *drv_param = arena_printf(A, "struct %s_driver *drv", dn);
	gen_comment(e->o, 0,
		    "Readies the device before any client can call. 0, or a negative errno, "
		    "which fails the probe.");
	gen_signature(e->o, 0, arena_printf(A, "int %s_init", dn), 3, &drv_param, 1, ";");
	gen_comment(e->o, 0, "Runs once the protocols are published.");
	gen_signature(e->o, 0, arena_printf(A, "void %s_start", dn), 4, &drv_param, 1, ";");
	if (count_caps(d, CAPABILITY_IRQ)) {
		gen_comment(e->o, 0,
			    arena_printf(A, "Runs for each interrupt of `irq` (enum %s_irq); returns "
					    "whether the device raised it.",
					 dn));
		const char *irq_params[] = {drv_param, "unsigned irq"};
		gen_signature(e->o, 0, arena_printf(A, "bool %s_irq", dn), 4, irq_params, 2, ";");
	}
	gen_comment(e->o, 0, "Quiesces the device once every call was answered or cancelled.");
	gen_signature(e->o, 0, arena_printf(A, "void %s_stop", dn), 4, &drv_param, 1, ";");
	for (size_t i = 0; i < d->provides.len; i++) {
		const struct ir_interface *p = d->provides.items[i];
		gen_comment(e->o, 0,
			    arena_printf(A, "The handlers of %s: %s_OPS(%s).", p->name,
					 upper_dup(A, p->c_name), handler_prefix(e, p)));
		gen_line(e->o, 0, "extern const struct %s_ops %s_ops;", p->c_name, p->c_name);
	}
	gen_comment(e->o, 0, arena_printf(A, "The size of the author's struct: %s_DRIVER(type).", DN));
	gen_line(e->o, 0, "extern const size_t %s_size;", dn);
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A, "Defines %s_size for the author's struct, which must start with "
				    "struct %s_driver base.",
				 dn, dn));
	gen_line(e->o, 0, "/* clang-format off */");
	gen_line(e->o, 0, "#define %s_DRIVER(type) \\", DN);
	gen_line(e->o, 1, "const size_t %s_size = sizeof(type); \\", dn);
	gen_line(e->o, 1, "_Static_assert(offsetof(type, base) == 0, #type \" starts with its base\")");
	gen_line(e->o, 0, "/* clang-format on */");
	gen_blank(e->o);
	gen_comment(e->o, 0, "What the runtime of either target needs to run the driver.");
	gen_line(e->o, 0, "extern const struct drv_driver_desc %s_driver_desc;", dn);
	gen_blank(e->o);
	gen_line(e->o, 0, "#endif");
}

/* ---- <driver>_driver.c ---- */

/* A PCI id, or `any` for a wildcard. */
static const char *pci_id(struct drv_emitter *e, uint32_t v, const char *any)
{
	return v == 0xffffffffu ? any : arena_printf(A, "0x%04x", v);
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
				gen_line(e->o, 2, ".vendor = %s,", pci_id(e, m->vendor, "DRV_PCI_ANY"));
				gen_line(e->o, 2, ".device = %s,", pci_id(e, m->device, "DRV_PCI_ANY"));
				gen_line(e->o, 2, ".subvendor = %s,", pci_id(e, m->subvendor, "DRV_PCI_ANY"));
				gen_line(e->o, 2, ".subdevice = %s,", pci_id(e, m->subdevice, "DRV_PCI_ANY"));
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
	for (unsigned k = CAPABILITY_MMIO; k <= CAPABILITY_DMA; k++) {
		if (!count_caps(d, k))
			continue;
		gen_line(e->o, 0, "static const struct drv_%s_desc drv_%s_table[] = {", kinds[k], kinds[k]);
		for (size_t i = 0; i < d->caps.len; i++) {
			const struct ir_capability *c = &d->caps.items[i];
			if (c->kind != k)
				continue;
			gen_line(e->o, 1, "{");
			gen_line(e->o, 2, ".name = \"%s\",", c->name);
			switch (c->kind) {
			case CAPABILITY_MMIO:
				gen_line(e->o, 2, ".bar = %u,", c->bar);
				gen_line(e->o, 2, ".offset = %s,", gen_hex(e->g, c->offset));
				gen_line(e->o, 2, ".size = %s,", gen_hex(e->g, c->size));
				break;
			case CAPABILITY_IOPORT:
				gen_line(e->o, 2, ".base = %s,", gen_hex(e->g, c->base));
				gen_line(e->o, 2, ".size = %s,", gen_hex(e->g, c->size));
				break;
			case CAPABILITY_IRQ:
				gen_line(e->o, 2, ".kind = %s,",
				     c->irq_kind == IRQ_LINE  ? "DRV_IRQ_LINE"
				     : c->irq_kind == IRQ_MSI ? "DRV_IRQ_MSI"
							      : "DRV_IRQ_INTX");
				if (c->irq_kind == IRQ_LINE)
					gen_line(e->o, 2, ".line = %u,", c->line);
				break;
			case CAPABILITY_DMA:
				gen_line(e->o, 2, ".size = %s,", gen_hex(e->g, c->size));
				gen_line(e->o, 2, ".address_bits = %u,", c->address_bits);
				break;
			}
			gen_line(e->o, 1, "},");
		}
		gen_line(e->o, 0, "};");
		gen_blank(e->o);
	}
	if (d->provides.len) {
		gen_line(e->o, 0, "static const struct drv_interface *const drv_interface_table[] = {");
		for (size_t i = 0; i < d->provides.len; i++)
			gen_line(e->o, 1, "&%s_interface,", d->provides.items[i]->c_name);
		gen_line(e->o, 0, "};");
		gen_blank(e->o);
	}
}

static void emit_bind(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	const char *dn = e->dn;
	gen_comment(e->o, 0,
		    "The resources the runtime acquired, as typed handles; the objects, with the "
		    "author's handlers.");
	const char *bind_params[] = {"void *self", "const struct drv_resources *res"};
	gen_signature(e->o, 0, "static int drv_bind", 3, bind_params, 2, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s_driver *drv = self;", dn);
	gen_blank(e->o);
	unsigned io = 0, dma = 0;
	for (unsigned k = CAPABILITY_MMIO; k <= CAPABILITY_IOPORT; k++)
		for (size_t i = 0; i < d->caps.len; i++) {
			const struct ir_capability *c = &d->caps.items[i];
			if (c->kind != k)
				continue;
			if (c->block)
				gen_line(e->o, 1, "drv->caps.%s = %s_at(res->io[%u]);", c->name,
				     c->block->c_name, io++);
			else
				gen_line(e->o, 1, "drv->caps.%s = res->io[%u];", c->name, io++);
		}
	for (size_t i = 0; i < d->caps.len; i++)
		if (d->caps.items[i].kind == CAPABILITY_DMA)
			gen_line(e->o, 1, "drv->caps.%s = res->dma[%u];", d->caps.items[i].name, dma++);
	gen_line(e->o, 1, "drv->instance = res->instance;");
	for (size_t i = 0; i < d->provides.len; i++) {
		const struct ir_interface *p = d->provides.items[i];
		gen_line(e->o, 1, "if (!%s_init(&drv->%s, &%s_ops))", p->c_name, p->c_name, p->c_name);
		gen_line(e->o, 2, "return -EINVAL;");
	}
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);

	const char *object_params[] = {"void *self", "unsigned i"};
	gen_signature(e->o, 0, "static void *drv_object", 13, object_params, 2, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s_driver *drv = self;", dn);
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

	/* The hooks take void *: thunks keep the author's signatures typed. */
	gen_line(e->o, 0, "static int drv_init(void *self)");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "return %s_init(self);", dn);
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	gen_line(e->o, 0, "static void drv_start(void *self)");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "%s_start(self);", dn);
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	if (count_caps(d, CAPABILITY_IRQ)) {
		gen_line(e->o, 0, "static bool drv_irq(void *self, unsigned irq)");
		gen_line(e->o, 0, "{");
		gen_line(e->o, 1, "return %s_irq(self, irq);", dn);
		gen_line(e->o, 0, "}");
		gen_blank(e->o);
	}
	gen_line(e->o, 0, "static void drv_stop(void *self)");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "%s_stop(self);", dn);
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
}

static void emit_desc(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	const char *dn = e->dn;
	open_file(e, arena_printf(A, "%s_driver.c", dn),
		  arena_printf(A, "the driver %s as the runtime of either target sees it.", dn));
	gen_line(e->o, 0, "#include \"%s_driver.h\"", dn);
	gen_blank(e->o);
	emit_desc_tables(e);
	emit_bind(e);
	static const char *const counts[] = {"nmmio", "nports", "nirqs", "ndma"};
	static const char *const fields[] = {"mmio", "ports", "irqs", "dma"};
	gen_line(e->o, 0, "const struct drv_driver_desc %s_driver_desc = {", dn);
	gen_line(e->o, 1, ".name = \"%s\",", dn);
	gen_line(e->o, 1, ".version = \"%s\",", d->version ? d->version : "0.0.0");
	if (d->matches.len) {
		gen_line(e->o, 1, ".match = drv_match_table,");
		gen_line(e->o, 1, ".nmatch = %zu,", d->matches.len);
	}
	for (unsigned k = CAPABILITY_MMIO; k <= CAPABILITY_DMA; k++) {
		size_t n = count_caps(d, k);
		if (!n)
			continue;
		gen_line(e->o, 1, ".%s = drv_%s_table,", fields[k], kinds[k]);
		gen_line(e->o, 1, ".%s = %zu,", counts[k], n);
	}
	if (d->provides.len) {
		gen_line(e->o, 1, ".interfaces = drv_interface_table,");
		gen_line(e->o, 1, ".ninterfaces = %zu,", d->provides.len);
	}
	gen_line(e->o, 1, ".size = &%s_size,", dn);
	gen_line(e->o, 1, ".bind = drv_bind,");
	gen_line(e->o, 1, ".object = drv_object,");
	gen_line(e->o, 1, ".init = drv_init,");
	gen_line(e->o, 1, ".start = drv_start,");
	if (count_caps(d, CAPABILITY_IRQ))
		gen_line(e->o, 1, ".irq = drv_irq,");
	gen_line(e->o, 1, ".stop = drv_stop,");
	gen_line(e->o, 0, "};");
}

/* ---- <driver>_kmod.c and <driver>_main.c ---- */

/* text as the inside of a C string literal. */
static const char *c_escape(struct drv_emitter *e, const char *text)
{
	struct strbuf b = {0};
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_putc(&b, '\\');
		sb_putc(&b, *p == '\n' ? ' ' : *p);
	}
	const char *s = arena_strdup(A, sb_str(&b));
	sb_free(&b);
	return s;
}

static void emit_kmod(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	const char *dn = e->dn;
	open_file(e, arena_printf(A, "%s_kmod.c", dn),
		  arena_printf(A, "the driver %s as a Linux kernel module.", dn));
	gen_line(e->o, 0, "#include <linux/module.h>");
	gen_line(e->o, 0, "#include <linux/pci.h>");
	gen_blank(e->o);
	gen_line(e->o, 0, "#include \"drv_kmod.h\"");
	gen_line(e->o, 0, "#include \"%s_driver.h\"", dn);
	gen_blank(e->o);
	bool pci = false;
	for (size_t i = 0; i < d->matches.len; i++)
		pci |= d->matches.items[i].kind == MATCH_PCI;
	if (pci) {
		gen_comment(e->o, 0,
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
			gen_line(e->o, 2, ".subvendor = %s,", pci_id(e, m->subvendor, "PCI_ANY_ID"));
			gen_line(e->o, 2, ".subdevice = %s,", pci_id(e, m->subdevice, "PCI_ANY_ID"));
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
	const char *args[] = {"&drv_kmod", arena_printf(A, "&%s_driver_desc", dn),
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
	gen_line(e->o, 0, "MODULE_LICENSE(\"Dual MIT/GPL\");");
	if (d->doc)
		gen_line(e->o, 0, "MODULE_DESCRIPTION(\"%s\");", c_escape(e, d->doc));
	if (d->version)
		gen_line(e->o, 0, "MODULE_VERSION(\"%s\");", d->version);
}

static void emit_main(struct drv_emitter *e)
{
	const char *dn = e->dn;
	open_file(e, arena_printf(A, "%s_main.c", dn),
		  arena_printf(A, "the driver %s as a Linux userspace driver server.", dn));
	gen_line(e->o, 0, "#include \"drv_host.h\"");
	gen_line(e->o, 0, "#include \"%s_driver.h\"", dn);
	gen_blank(e->o);
	gen_line(e->o, 0, "int main(int argc, char **argv)");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "return drv_host_main(&%s_driver_desc, argc, argv);", dn);
	gen_line(e->o, 0, "}");
}

/* ---- <driver>.c: the skeleton ---- */

static void require(struct drv_emitter *e, const char *symbol, struct srcpos pos,
		    const char *what, const char *hint)
{
	struct gen_requirement r = {arena_printf(A, "%s.c", e->dn), symbol, pos, what, hint};
	vec_push(A, &e->g->required, r);
}

static void emit_skeleton(struct drv_emitter *e)
{
	const struct ir_driver *d = e->d;
	const char *dn = e->dn, *DN = e->DN;
	struct gen_file *f = gen_open(e->g, arena_printf(A, "%s.c", dn));
	f->author_owned = true;
	e->o = &f->text;
	gen_line(e->o, 0, "// SPDX-License-Identifier: %s", e->g->opts->spdx);
	gen_comment(e->o, 0,
		    arena_printf(A, "%s.c - the driver %s: written by drvgen once, as a starting "
				    "point, and yours from then on. drvgen never overwrites it; "
				    "when the protocol gains a method, `drvgen gen` names the "
				    "handler to add here.",
				 dn, dn));
	gen_line(e->o, 0, "#include \"%s_driver.h\"", dn);
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A, "The driver's state. It starts with what drvgen binds: the "
				    "capabilities of %s and the protocol objects.",
				 gen_where(e->g, d->pos)));
	gen_line(e->o, 0, "struct %s {", dn);
	gen_line(e->o, 1, "struct %s_driver base;", dn);
	gen_line(e->o, 0, "};");
	gen_line(e->o, 0, "%s_DRIVER(struct %s);", DN, dn);
	gen_blank(e->o);
	/* One way back from each object to the driver, for the handlers. */
	for (size_t i = 0; i < d->provides.len; i++) {
		const struct ir_interface *p = d->provides.items[i];
		const char *path = p->c_name;
		for (const struct ir_interface *at = p;;) {
			gen_line(e->o, 0, "static inline struct %s *from_%s(struct %s *self)", dn, at->c_name,
			     at->c_name);
			gen_line(e->o, 0, "{");
			gen_line(e->o, 1, "return drv_container_of(self, struct %s, base.%s);", dn, path);
			gen_line(e->o, 0, "}");
			gen_blank(e->o);
			if (!at->parents.len)
				break;
			at = at->parents.items[0];
			path = arena_printf(A, "%s.%s", path, at->c_name);
		}
	}
	require(e, arena_printf(A, "%s_init", dn), d->pos, "the init hook",
		arena_printf(A, "int %s_init(struct %s_driver *drv)", dn, dn));
	gen_line(e->o, 0, "int %s_init(struct %s_driver *drv)", dn, dn);
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "(void)drv;");
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	require(e, arena_printf(A, "%s_start", dn), d->pos, "the start hook",
		arena_printf(A, "void %s_start(struct %s_driver *drv)", dn, dn));
	gen_line(e->o, 0, "void %s_start(struct %s_driver *drv)", dn, dn);
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "(void)drv;");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	if (count_caps(d, CAPABILITY_IRQ)) {
		require(e, arena_printf(A, "%s_irq", dn), d->pos, "the irq hook",
			arena_printf(A, "bool %s_irq(struct %s_driver *drv, unsigned irq)", dn, dn));
		gen_line(e->o, 0, "bool %s_irq(struct %s_driver *drv, unsigned irq)", dn, dn);
		gen_line(e->o, 0, "{");
		gen_line(e->o, 1, "(void)drv;");
		gen_line(e->o, 1, "(void)irq;");
		gen_line(e->o, 1, "return false;");
		gen_line(e->o, 0, "}");
		gen_blank(e->o);
	}
	require(e, arena_printf(A, "%s_stop", dn), d->pos, "the stop hook",
		arena_printf(A, "void %s_stop(struct %s_driver *drv)", dn, dn));
	gen_line(e->o, 0, "void %s_stop(struct %s_driver *drv)", dn, dn);
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "(void)drv;");
	gen_line(e->o, 0, "}");
	for (size_t i = 0; i < d->provides.len; i++) {
		const struct ir_interface *p = d->provides.items[i];
		const char *prefix = handler_prefix(e, p);
		for (size_t j = 0; j < p->all_methods.len; j++) {
			const struct ir_method *m = p->all_methods.items[j];
			if (m->kind == METHOD_EVENT)
				continue;
			const char *name = arena_printf(A, "%s_%s", prefix, m->member);
			size_t n;
			const char *const *params = ipc_handler_params(e->g, m, &n);
			struct strbuf sig = {0};
			sb_printf(&sig, "static %s %s(", m->kind == METHOD_CALL ? "int" : "void", name);
			for (size_t k = 0; k < n; k++)
				sb_printf(&sig, "%s%s", k ? ", " : "", params[k]);
			sb_puts(&sig, ") and list it in the handler table");
			require(e, name, m->pos,
				arena_printf(A, "the handler of %s %s.%s",
					     m->kind == METHOD_CALL ? "call" : "send", m->owner->name,
					     m->name),
				arena_strdup(A, sb_str(&sig)));
			sb_free(&sig);
			gen_blank(e->o);
			gen_comment(e->o, 0,
				    arena_printf(A, "%s %s (%s). Not written yet: the client gets "
						    "DRV_STATUS_INTERNAL.",
						 m->kind == METHOD_CALL ? "call" : "send", m->name,
						 gen_where(e->g, m->pos)));
			gen_signature(e->o, 0,
				      arena_printf(A, "static %s %s",
						   m->kind == METHOD_CALL ? "int" : "void", name),
				      m->kind == METHOD_CALL ? 10 : 11, params, n, "");
			gen_line(e->o, 0, "{");
			for (size_t k = 0; k < n; k++) {
				const char *pn = strrchr(params[k], ' ');
				pn = pn ? pn + 1 : params[k];
				while (*pn == '*')
					pn++;
				size_t len = strcspn(pn, "[");
				if (!strcmp(pn, "self"))
					gen_line(e->o, 1, "(void)from_%s(self);", m->owner->c_name);
				else
					gen_line(e->o, 1, "(void)%.*s;", (int)len, pn);
			}
			if (m->kind == METHOD_CALL)
				gen_line(e->o, 1, "return DRV_STATUS_INTERNAL;");
			gen_line(e->o, 0, "}");
		}
		gen_blank(e->o);
		require(e, arena_printf(A, "%s_ops", p->c_name), p->pos,
			arena_printf(A, "the handler table of %s", p->name),
			arena_printf(A, "const struct %s_ops %s_ops = %s_OPS(%s);", p->c_name,
				     p->c_name, upper_dup(A, p->c_name), prefix));
		gen_line(e->o, 0, "const struct %s_ops %s_ops = %s_OPS(%s);", p->c_name, p->c_name,
		     upper_dup(A, p->c_name), prefix);
	}
}

void emit_driver(struct gen *g)
{
	for (size_t i = 0; i < g->ir->drivers.len; i++) {
		const struct ir_driver *d = g->ir->drivers.items[i];
		struct drv_emitter e = {.g = g, .d = d, .dn = d->name, .DN = upper_dup(g->arena, d->name)};
		emit_header(&e);
		emit_desc(&e);
		if (g->opts->targets & DRVGEN_TARGET_KMOD)
			emit_kmod(&e);
		if (g->opts->targets & DRVGEN_TARGET_USER)
			emit_main(&e);
		emit_skeleton(&e);
	}
}
