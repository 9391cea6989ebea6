// SPDX-License-Identifier: MIT
/* emit_doc.c - `drvgen doc`: the reference of a spec for people, as
 * Markdown and as one self-contained HTML page each:
 *
 *	<device>.regs.md, .html   every block, register and field of a
 *	                          register map: offsets, widths, access,
 *	                          reset, enums, docs, and a bitfield drawing
 *	                          per register (<device>.regs.<block>.<register>.svg,
 *	                          inline in the HTML)
 *	<namespace>.idl.md, .html every type and interface of a protocol
 *	                          namespace: wire sizes, labels, message sizes,
 *	                          docs
 *	index.md, .html           the pages
 *
 * Everything shown is the IR's: what drvgen computed, not a second
 * reading of the YAML or the IDL.
 */
#include "drvgen.h"
#include "doc_page.h"
#include "doc_svg.h"
#include "gen.h"

#include <string.h>

#define A (g->arena)

/* A page, written as both its files. */
static void write_page(struct gen *g, const struct doc_page *p, const char *base)
{
	doc_markdown(p, &gen_open(g, arena_printf(A, "%s.md", base))->text);
	doc_html(p, &gen_open(g, arena_printf(A, "%s.html", base))->text);
}

static struct doc_page *new_page(struct gen *g, const char *title)
{
	struct doc_page *p = NEW(A, struct doc_page);
	p->arena = A;
	p->title = title;
	return p;
}

static const char *made_by(struct gen *g, const struct source *src)
{
	return arena_printf(A, "Written by `drvgen doc` (drvgen %s) from `%s`.", DRVGEN_VERSION,
			    src ? src->name : "?");
}

/* ---- register maps ---- */

/* "0x1f" as wide as the largest offset of a block of this size needs. */
static const char *hex_for(struct gen *g, uint64_t v, uint64_t size)
{
	int digits = 1;
	while (digits < 16 && (size - 1) >> (4 * digits))
		digits++;
	return arena_printf(A, "0x%0*llx", digits, (unsigned long long)v);
}

static const char *bits_of(struct gen *g, unsigned msb, unsigned lsb)
{
	return msb == lsb ? arena_printf(A, "%u", msb) : arena_printf(A, "%u:%u", msb, lsb);
}

static const char *reg_anchor(struct gen *g, const struct ir_register *r)
{
	return arena_printf(A, "%s-%s", r->block->name, r->path);
}

/* Where a register is in its block: its first element's offset, and how it
 * and the groups around it repeat. */
static const char *place_of(struct gen *g, const struct ir_register *r)
{
	uint64_t at = r->offset;
	struct strbuf repeat = {0};
	if (r->count > 1)
		sb_printf(&repeat, ", %llu of them %s bytes apart", (unsigned long long)r->count,
			  hex_for(g, r->stride, r->stride + 1));
	for (const struct ir_group *gr = r->group; gr; gr = gr->parent) {
		at += gr->offset;
		if (gr->count > 1)
			sb_printf(&repeat, ", in group `%s` (%llu of them %s bytes apart)", gr->name,
				  (unsigned long long)gr->count, hex_for(g, gr->stride, gr->stride + 1));
		else
			sb_printf(&repeat, ", in group `%s`", gr->name);
	}
	const char *s = arena_printf(A, "%s%s", hex_for(g, at, r->block->size), sb_str(&repeat));
	sb_free(&repeat);
	return s;
}

static const char *reset_of(struct gen *g, const struct ir_register *r)
{
	uint64_t all = r->width == 64 ? UINT64_MAX : (1ull << r->width) - 1;
	if (!r->reset_mask)
		return "unknown";
	const char *v = arena_printf(A, "0x%0*llx", (int)r->width / 4, (unsigned long long)r->reset);
	if ((r->reset_mask & all) == all)
		return v;
	return arena_printf(A, "%s (bits 0x%0*llx known)", v, (int)r->width / 4,
			    (unsigned long long)r->reset_mask);
}

static const char *field_reset(struct gen *g, const struct ir_field *f)
{
	const struct ir_register *r = f->reg;
	if (f->has_reset)
		return arena_printf(A, "0x%llx", (unsigned long long)f->reset);
	if ((r->reset_mask & f->mask) == f->mask)
		return arena_printf(A, "0x%llx", (unsigned long long)((r->reset & f->mask) >> f->lsb));
	return "unknown";
}

static const char *or_blank(const char *s)
{
	return s ? s : "";
}

static void document_register(struct gen *g, struct doc_page *p, const struct ir_device *d,
			      const struct ir_register *r)
{
	doc_heading(p, 3, reg_anchor(g, r), "Register `%s`", r->path);
	struct strbuf about = {0};
	sb_printf(&about, "Offset %s of block `%s`; %u bits, `%s`%s; reset %s.", place_of(g, r),
		  r->block->name, r->width, access_info(r->access)->name,
		  r->is_volatile ? ", volatile (the device changes it)" : "", reset_of(g, r));
	if (r->layout_of)
		sb_printf(&about, " Its fields are those of `%s`.", r->layout_of->path);
	if (r->bank)
		sb_printf(&about, " In bank `%s`: registers of other banks share its bytes.",
			  r->bank);
	doc_para(p, "%s", sb_str(&about));
	sb_free(&about);
	if (r->doc)
		doc_para(p, "%s", r->doc);
	const char *file = arena_printf(A, "%s.regs.%s.%s.svg", d->name, r->block->name, r->path);
	struct gen_file *svg = gen_open(g, file);
	doc_svg_register(&svg->text, r);
	doc_figure(p, file, arena_strdup(A, sb_str(&svg->text)),
		   arena_printf(A, "The bits of `%s` (%s)", r->path, file));
	if (!r->fields.len)
		return;
	/* the fields from the most significant, as the drawing has them */
	size_t n = r->fields.len;
	const struct ir_field **order = arena_alloc(A, n * sizeof *order);
	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		while (k && order[k - 1]->msb < r->fields.items[i].msb) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = &r->fields.items[i];
	}
	struct doc_block *t = doc_table(p, "bits|field|access|reset|values|description");
	for (size_t i = 0; i < n; i++) {
		const struct ir_field *f = order[i];
		struct strbuf values = {0};
		for (size_t k = 0; k < f->enums.len; k++)
			sb_printf(&values, "%s`%s` = %llu", k ? ", " : "", f->enums.items[k].name,
				  (unsigned long long)f->enums.items[k].value);
		doc_cell(t, NULL, "%s", bits_of(g, f->msb, f->lsb));
		doc_cell(t, NULL, "`%s`", f->name);
		doc_cell(t, NULL, "`%s`%s", access_info(f->access)->name,
			 f->is_volatile ? ", volatile" : "");
		doc_cell(t, NULL, "%s", field_reset(g, f));
		doc_cell(t, NULL, "%s", sb_str(&values));
		doc_cell(t, NULL, "%s", or_blank(f->doc));
		sb_free(&values);
	}
}

static void document_block(struct gen *g, struct doc_page *p, const struct ir_device *d,
			   const struct ir_block *b)
{
	static const char *const spaces[] = {"memory-mapped", "I/O port", "PCI configuration"};
	doc_heading(p, 2, arena_printf(A, "block-%s", b->name), "Block `%s`", b->name);
	struct strbuf about = {0};
	sb_printf(&about, "%s space, %s bytes, %s-endian; %zu registers.", spaces[b->space],
		  hex_for(g, b->size, b->size + 1),
		  b->endian == ENDIAN_BIG ? "big" : "little", b->regs.len);
	if (b->count > 1)
		sb_printf(&about, " The block repeats: %llu copies, %s bytes apart.",
			  (unsigned long long)b->count, hex_for(g, b->stride, b->stride + 1));
	doc_para(p, "%s", sb_str(&about));
	sb_free(&about);
	if (b->doc)
		doc_para(p, "%s", b->doc);
	struct doc_block *t = doc_table(p, "offset|register|width|access|reset|description");
	for (size_t i = 0; i < b->regs.len; i++) {
		const struct ir_register *r = b->regs.items[i];
		doc_cell(t, NULL, "%s", place_of(g, r));
		doc_cell(t, arena_printf(A, "#%s", reg_anchor(g, r)), "%s", r->path);
		doc_cell(t, NULL, "%u", r->width);
		doc_cell(t, NULL, "`%s`", access_info(r->access)->name);
		doc_cell(t, NULL, "%s", reset_of(g, r));
		doc_cell(t, NULL, "%s", or_blank(r->doc));
	}
	for (size_t i = 0; i < b->regs.len; i++)
		document_register(g, p, d, b->regs.items[i]);
}

static void document_device(struct gen *g, const struct ir_device *d)
{
	struct doc_page *p = new_page(g, arena_printf(A, "%s: registers", d->name));
	doc_heading(p, 1, NULL, "`%s`: registers", d->name);
	if (d->doc)
		doc_para(p, "%s", d->doc);
	doc_para(p, "%s", made_by(g, d->pos.src));
	struct doc_block *t = doc_table(p, "block|space|size|registers|description");
	for (size_t i = 0; i < d->blocks.len; i++) {
		const struct ir_block *b = d->blocks.items[i];
		doc_cell(t, arena_printf(A, "#block-%s", b->name), "%s", b->name);
		doc_cell(t, NULL, "`%s`", space_names[b->space]);
		doc_cell(t, NULL, "%s", hex_for(g, b->size, b->size + 1));
		doc_cell(t, NULL, "%zu", b->regs.len);
		doc_cell(t, NULL, "%s", or_blank(b->doc));
	}
	for (size_t i = 0; i < d->blocks.len; i++)
		document_block(g, p, d, d->blocks.items[i]);
	write_page(g, p, arena_printf(A, "%s.regs", d->name));
}

/* ---- protocols ---- */

static const char *size_range(struct gen *g, uint32_t inline_size, uint32_t max)
{
	return inline_size == max ? arena_printf(A, "%u bytes", inline_size)
				  : arena_printf(A, "%u to %u bytes", inline_size, max);
}

static const char *caps_text(struct gen *g, const ir_cap_list *caps)
{
	struct strbuf sb = {0};
	for (size_t i = 0; i < caps->len; i++) {
		const struct ir_cap *c = &caps->items[i];
		sb_printf(&sb, "%s%s", i ? ", " : "{", c->name);
		if (c->kind == CAP_PAGES)
			sb_puts(&sb, ": page");
		else if (c->kind == CAP_OBJECT)
			sb_printf(&sb, ": %s", c->iface->name);
		if (c->variadic)
			sb_puts(&sb, "...");
	}
	if (caps->len)
		sb_putc(&sb, '}');
	const char *s = arena_strdup(A, sb_str(&sb));
	sb_free(&sb);
	return s;
}

/* "call factorial(n: u32) u32 ! error", as the IDL declares it. */
static const char *signature(struct gen *g, const struct ir_method *m)
{
	static const char *const kinds[] = {"call", "send", "event"};
	struct strbuf sb = {0};
	sb_printf(&sb, "%s %s%s(", kinds[m->kind], m->name, caps_text(g, &m->caps_in));
	for (size_t i = 0; i < m->params.len; i++)
		sb_printf(&sb, "%s%s: %s", i ? ", " : "", m->params.items[i].name,
			  m->params.items[i].type->name);
	sb_putc(&sb, ')');
	if (m->kind == METHOD_CALL)
		sb_printf(&sb, " %s%s", m->result->name, caps_text(g, &m->caps_out));
	if (m->error)
		sb_printf(&sb, " ! %s", m->error->name);
	const char *s = arena_strdup(A, sb_str(&sb));
	sb_free(&sb);
	return s;
}

static void document_type(struct gen *g, struct doc_page *p, const struct ir_type *t)
{
	static const char *const kinds[] = {[IR_ENUM] = "enum", [IR_BITS] = "bits",
					    [IR_ERROR] = "error", [IR_STRUCT] = "struct"};
	doc_heading(p, 3, arena_printf(A, "type-%s", t->local), "%s `%s`", kinds[t->kind],
		    t->name);
	if (t->kind == IR_STRUCT)
		doc_para(p, "%s on the wire, aligned to %u%s.", size_range(g, t->size, t->max_size),
			 t->align, t->deprecated ? arena_printf(A, "; deprecated: %s", t->deprecated)
						 : "");
	else
		doc_para(p, "A `%s` on the wire (%u bytes).", t->base->name, t->size);
	if (t->doc)
		doc_para(p, "%s", t->doc);
	struct doc_block *tb = doc_table(p, t->kind == IR_STRUCT ? "offset|field|type|description"
								  : "value|name|description");
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		if (t->kind == IR_STRUCT) {
			doc_cell(tb, NULL, "%u", m->offset);
			doc_cell(tb, NULL, "`%s`", m->name);
			doc_cell(tb, NULL, "`%s`", m->type->name);
		} else {
			doc_cell(tb, NULL, t->kind == IR_BITS ? "0x%llx" : "%llu",
				 (unsigned long long)m->value);
			doc_cell(tb, NULL, "`%s`", m->name);
		}
		doc_cell(tb, NULL, "%s", or_blank(m->doc));
	}
}

static void document_method(struct gen *g, struct doc_page *p, const struct ir_interface *iface,
			    const struct ir_method *m)
{
	doc_heading(p, 4, arena_printf(A, "%s-%s", iface->local, m->name), "Method `%s`", m->name);
	doc_para(p, "`%s`", signature(g, m));
	struct strbuf about = {0};
	sb_printf(&about, "Label `0x%llx` (op %u). Request payload: %s.", (unsigned long long)m->label,
		  m->op, size_range(g, m->request_inline, m->request_max));
	if (m->kind == METHOD_CALL)
		sb_printf(&about, " Reply payload: %s.", size_range(g, m->reply_inline, m->reply_max));
	if (m->since)
		sb_printf(&about, " Since version %u.", m->since);
	if (m->deprecated)
		sb_printf(&about, " Deprecated: %s.", m->deprecated);
	doc_para(p, "%s", sb_str(&about));
	sb_free(&about);
	if (m->doc)
		doc_para(p, "%s", m->doc);
	if (!m->params.len)
		return;
	struct doc_block *t = doc_table(p, "parameter|type|offset|description");
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *pa = &m->params.items[i];
		doc_cell(t, NULL, "`%s`", pa->name);
		doc_cell(t, NULL, "`%s`", pa->type->name);
		doc_cell(t, NULL, "%u", pa->offset);
		doc_cell(t, NULL, "%s", or_blank(pa->doc));
	}
}

static void document_interface(struct gen *g, struct doc_page *p, const struct ir_interface *iface)
{
	doc_heading(p, 3, iface->local, "interface `%s`", iface->name);
	struct strbuf about = {0};
	sb_printf(&about, "Interface id `0x%08x` (%s).", iface->id,
		  iface->id_explicit ? "given" : "the FNV-1a hash of its name");
	for (size_t i = 0; i < iface->parents.len; i++)
		sb_printf(&about, "%s`%s`", i ? ", " : " It inherits from ",
			  iface->parents.items[i]->name);
	sb_puts(&about, iface->parents.len ? "." : "");
	doc_para(p, "%s", sb_str(&about));
	sb_free(&about);
	if (iface->doc)
		doc_para(p, "%s", iface->doc);
	struct doc_block *t = doc_table(p, "label|method|request|reply|description");
	for (size_t i = 0; i < iface->all_methods.len; i++) {
		const struct ir_method *m = iface->all_methods.items[i];
		doc_cell(t, NULL, "`0x%llx`", (unsigned long long)m->label);
		doc_cell(t, m->owner == iface ? arena_printf(A, "#%s-%s", iface->local, m->name) : NULL,
			 "%s%s", m->name,
			 m->owner == iface ? "" : arena_printf(A, " (from %s)", m->owner->name));
		doc_cell(t, NULL, "%s", size_range(g, m->request_inline, m->request_max));
		doc_cell(t, NULL, "%s",
			 m->kind == METHOD_CALL ? size_range(g, m->reply_inline, m->reply_max)
						: m->kind == METHOD_SEND ? "none (send)" : "none (event)");
		doc_cell(t, NULL, "%s", or_blank(m->doc));
	}
	for (size_t i = 0; i < iface->methods.len; i++)
		document_method(g, p, iface, iface->methods.items[i]);
}

static void document_namespace(struct gen *g, const char *ns)
{
	struct doc_page *p = new_page(g, arena_printf(A, "%s: protocol", ns));
	doc_heading(p, 1, NULL, "`%s`: protocol", ns);
	const struct source *src = NULL;
	for (size_t i = 0; i < g->ir->types.len && !src; i++)
		if (g->ir->types.items[i]->ns && !strcmp(g->ir->types.items[i]->ns, ns))
			src = g->ir->types.items[i]->pos.src;
	for (size_t i = 0; i < g->ir->interfaces.len && !src; i++)
		if (!strcmp(g->ir->interfaces.items[i]->ns, ns))
			src = g->ir->interfaces.items[i]->pos.src;
	doc_para(p, "%s Sizes are the message payload's, after the header (docs/wire-format.md).",
		 made_by(g, src));
	bool any = false;
	for (size_t i = 0; i < g->ir->types.len; i++) {
		const struct ir_type *t = g->ir->types.items[i];
		if (!t->ns || strcmp(t->ns, ns))
			continue;
		if (!any)
			doc_heading(p, 2, "types", "Types");
		any = true;
		document_type(g, p, t);
	}
	any = false;
	for (size_t i = 0; i < g->ir->interfaces.len; i++) {
		const struct ir_interface *iface = g->ir->interfaces.items[i];
		if (strcmp(iface->ns, ns))
			continue;
		if (!any)
			doc_heading(p, 2, "interfaces", "Interfaces");
		any = true;
		document_interface(g, p, iface);
	}
	write_page(g, p, arena_printf(A, "%s.idl", ns));
}

typedef VEC(const char *) name_list;

/* The protocol namespaces of the spec, in order of first declaration. */
static void namespaces_of(struct gen *g, name_list *out)
{
	const struct ir *ir = g->ir;
	for (size_t i = 0; i < ir->types.len + ir->interfaces.len; i++) {
		const char *ns = i < ir->types.len ? ir->types.items[i]->ns
						   : ir->interfaces.items[i - ir->types.len]->ns;
		bool seen = !ns;
		for (size_t k = 0; k < out->len && !seen; k++)
			seen = !strcmp(out->items[k], ns);
		if (!seen)
			vec_push(A, out, ns);
	}
}

void emit_doc(struct gen *g)
{
	struct doc_page *index = new_page(g, "drvgen doc");
	doc_heading(index, 1, NULL, "Devices and protocols");
	doc_para(index, "Written by `drvgen doc` (drvgen %s).", DRVGEN_VERSION);
	struct doc_block *t = doc_table(index, "page|what");
	for (size_t i = 0; i < g->ir->devices.len; i++) {
		const struct ir_device *d = g->ir->devices.items[i];
		document_device(g, d);
		doc_cell(t, arena_printf(A, "%s.regs", d->name), "%s.regs", d->name);
		doc_cell(t, NULL, "registers of `%s`: %s", d->name, or_blank(d->doc));
	}
	name_list namespaces = {0};
	namespaces_of(g, &namespaces);
	for (size_t i = 0; i < namespaces.len; i++) {
		document_namespace(g, namespaces.items[i]);
		doc_cell(t, arena_printf(A, "%s.idl", namespaces.items[i]), "%s.idl",
			 namespaces.items[i]);
		doc_cell(t, NULL, "protocol namespace `%s`", namespaces.items[i]);
	}
	write_page(g, index, "index");
}
