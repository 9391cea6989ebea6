/* emit_regs.c - register maps to typed accessors: <device>_regs.h, and
 * <device>_regs_desc.c, the same map as data for traces and debug dumps.
 *
 * The header is a table. Each register and field gets its constants
 * (offset, masks, reset) and one line per pattern of runtime/common/drv_regs.h
 * that applies to it; which patterns apply is decided here, from the access
 * rules, so misuse has no function to call: a read-only register gets no
 * write, a register whose read has side effects no update, a w1c register
 * a clear that never reads. docs/accessors.md is the user's view of it.
 */
#include "gen.h"

#include <stdarg.h>
#include <string.h>

struct regs_emitter {
	struct gen *g;
	struct gen_file *f;
	const struct ir_device *dev;
	const struct ir_block *block;
	struct strmap done; /* C names of the registers and groups already emitted */
	struct strbuf scratch;
};

static uint64_t width_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

/* Marks a register or group emitted; false if it already was. */
static bool first_time(struct regs_emitter *e, const char *c_name)
{
	return strmap_put(&e->done, c_name, (void *)c_name) == NULL;
}

static const char *upper(struct regs_emitter *e, const char *s)
{
	return upper_dup(e->g->arena, s);
}

/* A register's value type is its own, or the one of the register whose
 * layout it borrows (same width, already emitted). */
static const struct ir_register *shares_type_with(const struct ir_register *r)
{
	const struct ir_register *t = r->layout_of;
	return t && t->width == r->width && t->fields.len ? t : NULL;
}

/* What an update may write back for bits it was not asked to change. */
struct update_masks {
	uint64_t keep; /* written back as read */
	uint64_t idle; /* written as 1: write-0-to-act bits */
};

static struct update_masks update_masks(const struct ir_register *r)
{
	struct update_masks m = {width_mask(r->width), 0};
	for (size_t i = 0; i < r->fields.len; i++) {
		const struct ir_field *f = &r->fields.items[i];
		enum write_effect w = access_info(f->access)->write;
		if (w == WRITE_ONE_ACTS || w == WRITE_ZERO_ACTS || (f->is_volatile && w == WRITE_STORE))
			m.keep &= ~f->mask;
		if (w == WRITE_ZERO_ACTS)
			m.idle |= f->mask;
	}
	return m;
}

static const char *write_helper(enum reg_access a)
{
	switch (a) {
	case ACCESS_W1C:
	case ACCESS_W0C:
		return "clear";
	case ACCESS_W1S:
	case ACCESS_W0S:
		return "set";
	case ACCESS_W1T:
		return "toggle";
	default:
		return NULL;
	}
}

/* ---- the header ---- */

/* One line of the table: pattern(arg, ...), laid out as clang-format would. */
static void emit_pattern(struct regs_emitter *e, const char *pattern, size_t n, ...)
{
	const char *args[10];
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n && i < 10; i++)
		args[i] = va_arg(ap, const char *);
	va_end(ap);
	gen_call(&e->f->text, pattern, args, n, "");
}

static const char *bits_text(unsigned bits)
{
	return bits == 8 ? "8" : bits == 16 ? "16" : bits == 32 ? "32" : "64";
}

static const char *width_type(unsigned bits)
{
	return bits == 8 ? "uint8_t" : bits == 16 ? "uint16_t" : bits == 32 ? "uint32_t" : "uint64_t";
}

/* #define stem_field_set(v, x) DRV_SET(stem_field, F, v, x), the body on a
 * line of its own when one line would be too long, as clang-format has it. */
static void emit_field_check(struct regs_emitter *e, const char *stem, const char *field,
			     const char *op, const char *first, const char *check, const char *F)
{
	struct strbuf *head = &e->scratch, body = {0};
	head->len = 0;
	sb_printf(head, "#define %s_%s_%s(%s, x)", stem, field, op, first);
	sb_printf(&body, "%s(%s_%s, %s, %s, x)", check, stem, field, F, first);
	if (head->len + 1 + body.len <= 100 || head->len + 2 > 100 || 8 + body.len > 100)
		sb_printf(&e->f->text, "%s %s\n", sb_str(head), sb_str(&body));
	else
		sb_printf(&e->f->text, "%s \\\n\t%s\n", sb_str(head), sb_str(&body));
	sb_free(&body);
}

static void emit_define(struct regs_emitter *e, const char *name, const char *value)
{
	sb_printf(&e->f->text, "#define %s %s\n", name, value);
}

/* The #define that puts a constant check over a function-like accessor:
 *	#define edu_status_irq_enable_set(v, x) \
 *		edu_status_irq_enable_set_((v), DRV_FIELD_FITS((x), EDU_STATUS_IRQ_ENABLE))
 * params are the macro's parameters; checked is the one DRV_FIELD_FITS or
 * DRV_INDEX_FITS (check) guards, with the prefix naming its limits. The body
 * goes on a line of its own when the whole does not fit but the parts do, as
 * clang-format puts it; else it is one line, which gen_finish fences off. */
static void emit_checked(struct regs_emitter *e, const char *name, const char *const *params,
			 size_t nparams, size_t checked, const char *check, const char *prefix)
{
	struct strbuf head = {0}, body = {0};
	sb_printf(&head, "#define %s(", name);
	sb_printf(&body, "%s_(", name);
	for (size_t i = 0; i < nparams; i++) {
		sb_printf(&head, "%s%s", i ? ", " : "", params[i]);
		if (i == checked)
			sb_printf(&body, "%s%s((%s), %s)", i ? ", " : "", check, params[i], prefix);
		else
			sb_printf(&body, "%s(%s)", i ? ", " : "", params[i]);
	}
	sb_puts(&head, ")");
	sb_puts(&body, ")");
	if (head.len + 1 + body.len <= 100 || head.len + 2 > 100 || 8 + body.len > 100)
		sb_printf(&e->f->text, "%s %s\n", sb_str(&head), sb_str(&body));
	else
		sb_printf(&e->f->text, "%s \\\n\t%s\n", sb_str(&head), sb_str(&body));
	sb_free(&head);
	sb_free(&body);
}

static void emit_enum(struct regs_emitter *e, const char *stem, const struct ir_field *f)
{
	struct strbuf *t = &e->f->text;
	const char *prefix = upper(e, arena_printf(e->g->arena, "%s_%s", stem, f->name));
	sb_printf(t, "enum %s_%s {\n", stem, f->name);
	for (size_t i = 0; i < f->enums.len; i++)
		sb_printf(t, "\t%s_%s = %llu,\n", prefix, upper(e, f->enums.items[i].name),
			  (unsigned long long)f->enums.items[i].value);
	sb_puts(t, "};\n");
}

static bool enum_fits_int(const struct ir_field *f)
{
	for (size_t i = 0; i < f->enums.len; i++)
		if (f->enums.items[i].value > 0x7fffffff)
			return false;
	return f->enums.len > 0;
}

static void emit_field(struct regs_emitter *e, const struct ir_register *r, const char *handle,
		       bool update, const struct ir_field *f)
{
	struct strbuf *t = &e->f->text;
	const struct access_info *ai = access_info(f->access);
	const char *stem = r->c_name;
	const char *F = f->c_const;
	unsigned width = f->msb - f->lsb + 1;

	struct strbuf c = {0};
	sb_printf(&c, "%s.%s (%s:%u): ", r->name, f->name, f->pos.src->name, f->pos.line);
	if (width == 1)
		sb_printf(&c, "bit %u", f->lsb);
	else
		sb_printf(&c, "bits %u:%u", f->msb, f->lsb);
	sb_printf(&c, ", %s%s.", ai->name, f->is_volatile ? ", volatile" : "");
	if (f->doc)
		sb_printf(&c, " %s", f->doc);
	gen_comment(t, 0, sb_str(&c));
	sb_free(&c);

	sb_printf(t, "#define %s_SHIFT %u\n", F, f->lsb);
	sb_printf(t, "#define %s_MASK %s\n", F, gen_hex_width(e->g, f->mask, r->width));
	if (f->has_reset)
		sb_printf(t, "#define %s_RESET %s\n", F, gen_hex(e->g, f->reset));
	bool as_enum = enum_fits_int(f);
	if (as_enum)
		emit_enum(e, stem, f);
	else
		for (size_t i = 0; i < f->enums.len; i++)
			sb_printf(t, "#define %s_%s %s\n", F, upper(e, f->enums.items[i].name),
				  gen_hex(e->g, f->enums.items[i].value));
	bool writable = ai->write != WRITE_NONE;
	bool field_update = writable && update && r->count == 1;
	const char *type = as_enum ? arena_printf(e->g->arena, "enum %s_%s", stem, f->name)
				   : width_type(r->width);
	emit_pattern(e, "DRV_FIELD", 8, stem, f->name, handle, bits_text(r->width), F, type,
		     ai->readable ? (writable ? "RW" : "RO") : "WO",
		     field_update ? "UPDATE" : "NO_UPDATE");
	if (writable)
		emit_field_check(e, stem, f->name, "set", "v", "DRV_SET", F);
	if (field_update)
		emit_field_check(e, stem, f->name, "update", "h", "DRV_UPDATE_FIELD", F);
}

/* The index check over an array accessor: name(h, i, rest...). */
static void emit_index_check(struct regs_emitter *e, const struct ir_register *r, const char *op,
			     const char *const *rest, size_t nrest)
{
	const char *params[4] = {"h", "i"};
	for (size_t k = 0; k < nrest && k < 2; k++)
		params[2 + k] = rest[k];
	emit_checked(e, arena_printf(e->g->arena, "%s_%s", r->c_name, op), params, 2 + nrest, 1,
		     "DRV_INDEX_FITS", r->c_const);
}

static void emit_register(struct regs_emitter *e, const struct ir_register *r);

static const char *handle_of(const struct regs_emitter *e, const struct ir_group *g)
{
	return g ? g->c_name : e->block->c_name;
}

static void emit_group(struct regs_emitter *e, const struct ir_group *g)
{
	if (g->parent)
		emit_group(e, g->parent);
	if (!first_time(e, g->c_name))
		return;
	struct arena *a = e->g->arena;
	struct strbuf *t = &e->f->text;
	const char *G = g->c_const;
	sb_putc(t, '\n');
	struct strbuf c = {0};
	sb_printf(&c, "Group %s (%s): ", g->path, gen_where(e->g, g->pos));
	if (g->count > 1)
		sb_printf(&c, "%llu copies every 0x%llx bytes from 0x%llx", (unsigned long long)g->count,
			  (unsigned long long)g->stride, (unsigned long long)g->offset);
	else
		sb_printf(&c, "at 0x%llx", (unsigned long long)g->offset);
	sb_printf(&c, ", 0x%llx bytes each.", (unsigned long long)g->span);
	if (g->doc)
		sb_printf(&c, " %s", g->doc);
	gen_comment(t, 0, sb_str(&c));
	sb_free(&c);
	emit_define(e, arena_printf(a, "%s_OFFSET", G), gen_hex(e->g, g->offset));
	emit_define(e, arena_printf(a, "%s_SPAN", G), gen_hex(e->g, g->span));
	const char *parent = handle_of(e, g->parent);
	if (g->count > 1) {
		emit_define(e, arena_printf(a, "%s_COUNT", G), gen_hex(e->g, g->count));
		emit_define(e, arena_printf(a, "%s_STRIDE", G), gen_hex(e->g, g->stride));
		emit_pattern(e, "DRV_GROUP_ARRAY", 3, g->c_name, parent, G);
		static const char *const params[] = {"p", "i"};
		emit_checked(e, arena_printf(a, "%s_at", g->c_name), params, 2, 1, "DRV_INDEX_FITS", G);
	} else {
		emit_pattern(e, "DRV_GROUP", 3, g->c_name, parent, G);
	}
}

static void emit_register(struct regs_emitter *e, const struct ir_register *r)
{
	if (strmap_get(&e->done, r->c_name))
		return;
	/* The register whose type this one shares comes first. */
	const struct ir_register *other = shares_type_with(r);
	if (other)
		emit_register(e, other);
	if (r->group)
		emit_group(e, r->group);
	first_time(e, r->c_name);

	struct arena *a = e->g->arena;
	struct strbuf *t = &e->f->text;
	const struct access_info *ai = access_info(r->access);
	const char *stem = r->c_name;
	const char *P = r->c_const;
	const char *handle = handle_of(e, r->group);
	const char *io = e->block->space == SPACE_IO ? "pio" : "mmio";
	const char *order = e->block->endian == ENDIAN_BIG ? "BE" : "LE";
	bool array = r->count > 1;
	bool update = ir_register_can_update(r);

	sb_putc(t, '\n');
	struct strbuf c = {0};
	sb_printf(&c, "%s (%s): %s, %u bits at 0x%llx", r->path, gen_where(e->g, r->pos), ai->name,
		  r->width, (unsigned long long)r->offset);
	if (array)
		sb_printf(&c, ", %llu registers every 0x%llx bytes", (unsigned long long)r->count,
			  (unsigned long long)r->stride);
	if (r->bank)
		sb_printf(&c, ", bank %s", r->bank);
	if (r->layout_of)
		sb_printf(&c, ", the fields of %s", r->layout_of->path);
	sb_puts(&c, r->is_volatile ? ", volatile." : ".");
	if (r->doc)
		sb_printf(&c, " %s", r->doc);
	gen_comment(t, 0, sb_str(&c));
	sb_free(&c);

	emit_define(e, arena_printf(a, "%s_OFFSET", P), gen_hex(e->g, r->offset));
	if (array) {
		emit_define(e, arena_printf(a, "%s_COUNT", P), gen_hex(e->g, r->count));
		emit_define(e, arena_printf(a, "%s_STRIDE", P), gen_hex(e->g, r->stride));
	}
	if (r->has_reset) {
		emit_define(e, arena_printf(a, "%s_RESET", P), gen_hex_width(e->g, r->reset, r->width));
		if (r->reset_mask != width_mask(r->width))
			emit_define(e, arena_printf(a, "%s_RESET_MASK", P),
				    gen_hex_width(e->g, r->reset_mask, r->width));
	}
	if (update) {
		struct update_masks m = update_masks(r);
		emit_define(e, arena_printf(a, "%s_KEEP", P), gen_hex_width(e->g, m.keep, r->width));
		emit_define(e, arena_printf(a, "%s_IDLE", P), gen_hex_width(e->g, m.idle, r->width));
	}

	if (other)
		emit_pattern(e, "DRV_VALUE_OF", 3, stem, other->c_name, bits_text(r->width));
	else if (r->fields.len)
		emit_pattern(e, "DRV_VALUE", 2, stem, bits_text(r->width));
	else
		emit_pattern(e, "DRV_VALUE_PLAIN", 2, stem, bits_text(r->width));

	const char *at = array ? "_AT" : "";
	if (ai->readable) {
		emit_pattern(e, arena_printf(a, "DRV_READ%s", at), 6, stem, handle, io, bits_text(r->width),
			     order, P);
		if (array)
			emit_index_check(e, r, "read", NULL, 0);
	}
	if (ai->write == WRITE_STORE) {
		emit_pattern(e, arena_printf(a, "DRV_WRITE%s", at), 6, stem, handle, io, bits_text(r->width),
			     order, P);
		static const char *const v[] = {"v"};
		if (array)
			emit_index_check(e, r, "write", v, 1);
	}
	const char *helper = write_helper(r->access);
	if (helper) {
		emit_pattern(e,
			     arena_printf(a, "DRV_WRITE_%s%s",
					  ai->write == WRITE_ONE_ACTS ? "ONES" : "ZEROS", at),
			     7, stem, helper, handle, io, bits_text(r->width), order, P);
		static const char *const bits[] = {"bits"};
		if (array)
			emit_index_check(e, r, helper, bits, 1);
	}
	if (update) {
		emit_pattern(e, arena_printf(a, "DRV_UPDATE%s", at), 6, stem, handle, io, bits_text(r->width),
			     order, P);
		static const char *const mv[] = {"mask", "value"};
		if (array)
			emit_index_check(e, r, "update", mv, 2);
	}

	for (size_t i = 0; i < r->fields.len; i++)
		emit_field(e, r, handle, update, &r->fields.items[i]);
}

static void emit_block(struct regs_emitter *e, const struct ir_block *b)
{
	struct arena *a = e->g->arena;
	struct strbuf *t = &e->f->text;
	e->block = b;
	const char *B = b->c_const;
	sb_putc(t, '\n');
	struct strbuf c = {0};
	sb_printf(&c, "Block %s (%s): %s, %s-endian, 0x%llx bytes", b->name, gen_where(e->g, b->pos),
		  b->space == SPACE_IO ? "port I/O" : "MMIO",
		  b->endian == ENDIAN_BIG ? "big" : "little", (unsigned long long)b->size);
	if (b->count > 1)
		sb_printf(&c, ", %llu copies every 0x%llx bytes", (unsigned long long)b->count,
			  (unsigned long long)b->stride);
	sb_puts(&c, ".");
	if (b->doc)
		sb_printf(&c, " %s", b->doc);
	gen_comment(t, 0, sb_str(&c));
	sb_free(&c);
	emit_define(e, arena_printf(a, "%s_SIZE", B), gen_hex(e->g, b->size));
	if (b->count > 1) {
		emit_define(e, arena_printf(a, "%s_COUNT", B), gen_hex(e->g, b->count));
		emit_define(e, arena_printf(a, "%s_STRIDE", B), gen_hex(e->g, b->stride));
		emit_pattern(e, "DRV_HANDLE_ARRAY", 2, b->c_name, B);
		static const char *const params[] = {"io", "i"};
		emit_checked(e, arena_printf(a, "%s_at", b->c_name), params, 2, 1, "DRV_INDEX_FITS", B);
	} else {
		emit_pattern(e, "DRV_HANDLE", 1, b->c_name);
	}
	sb_printf(t, "struct drv_desc_block;\nextern const struct drv_desc_block %s_desc;\n",
		  b->c_name);
	for (size_t i = 0; i < b->regs.len; i++)
		emit_register(e, b->regs.items[i]);
}

static void emit_header(struct gen *g, const struct ir_device *dev)
{
	struct regs_emitter e = {.g = g, .dev = dev};
	strmap_init(&e.done, g->arena);
	e.f = gen_open(g, arena_printf(g->arena, "%s_regs.h", dev->name));
	struct strbuf *t = &e.f->text;
	const struct source *src = dev->pos.src;
	gen_banner(g, e.f,
		   arena_printf(g->arena, "typed register accessors for %s%s%s; docs/accessors.md "
					  "explains them.",
				dev->name, dev->doc ? ": " : "", dev->doc ? dev->doc : ""),
		   &src, 1);
	const char *guard = upper(&e, arena_printf(g->arena, "%s_REGS_H", dev->name));
	sb_printf(t, "#ifndef %s\n#define %s\n\n#include \"drv_regs.h\"\n\n", guard, guard);
	sb_puts(t, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n");
	for (size_t i = 0; i < dev->blocks.len; i++)
		emit_block(&e, dev->blocks.items[i]);
	sb_printf(t, "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s */\n", guard);
	sb_free(&e.scratch);
}

/* ---- the description ---- */

static const char *desc_access(struct gen *g, enum reg_access a)
{
	return upper_dup(g->arena, arena_printf(g->arena, "DRV_DESC_%s", access_info(a)->name));
}

/* "ring[].head": group and register names, "[]" where an index goes. */
static void desc_name(struct strbuf *out, const struct ir_group *g, const char *name,
		      uint64_t count)
{
	if (g) {
		desc_name(out, g->parent, g->name, g->count);
		sb_putc(out, '.');
	}
	sb_puts(out, name);
	if (count > 1)
		sb_puts(out, "[]");
}

static void emit_desc_block(struct gen *g, struct gen_file *f, const struct ir_block *b)
{
	struct strbuf *t = &f->text;
	for (size_t i = 0; i < b->regs.len; i++) {
		const struct ir_register *r = b->regs.items[i];
		for (size_t k = 0; k < r->fields.len; k++) {
			const struct ir_field *fld = &r->fields.items[k];
			if (!fld->enums.len)
				continue;
			sb_printf(t, "\nstatic const struct drv_desc_enum %s_%s_values[] = {\n", r->c_name,
				  fld->name);
			for (size_t v = 0; v < fld->enums.len; v++)
				sb_printf(t, "\t{\"%s\", %s},\n", fld->enums.items[v].name,
					  gen_hex(g, fld->enums.items[v].value));
			sb_puts(t, "};\n");
		}
		if (r->fields.len) {
			sb_printf(t, "\nstatic const struct drv_desc_field %s_fields[] = {\n", r->c_name);
			for (size_t k = 0; k < r->fields.len; k++) {
				const struct ir_field *fld = &r->fields.items[k];
				const char *acc = desc_access(g, fld->access);
				if (fld->enums.len)
					sb_printf(t, "\t{\"%s\", %u, %u, %s, %s_%s_values, %zu},\n", fld->name,
						  fld->lsb, fld->msb, acc, r->c_name, fld->name,
						  fld->enums.len);
				else
					sb_printf(t, "\t{\"%s\", %u, %u, %s, NULL, 0},\n", fld->name,
						  fld->lsb, fld->msb, acc);
			}
			sb_puts(t, "};\n");
		}
		unsigned ndims = r->count > 1;
		for (const struct ir_group *gr = r->group; gr; gr = gr->parent)
			ndims += gr->count > 1;
		if (ndims) {
			sb_printf(t, "\nstatic const struct drv_desc_dim %s_dims[] = {\n", r->c_name);
			/* outermost first */
			const struct ir_group *chain[16];
			unsigned n = 0;
			for (const struct ir_group *gr = r->group; gr && n < 16; gr = gr->parent)
				chain[n++] = gr;
			while (n--)
				if (chain[n]->count > 1)
					sb_printf(t, "\t{%s, %s},\n", gen_hex(g, chain[n]->count),
						  gen_hex(g, chain[n]->stride));
			if (r->count > 1)
				sb_printf(t, "\t{%s, %s},\n", gen_hex(g, r->count), gen_hex(g, r->stride));
			sb_puts(t, "};\n");
		}
	}
	sb_printf(t, "\nstatic const struct drv_desc_reg %s_regs[] = {\n", b->c_name);
	for (size_t i = 0; i < b->regs.len; i++) {
		const struct ir_register *r = b->regs.items[i];
		const struct access_info *ai = access_info(r->access);
		uint64_t offset = r->offset;
		unsigned ndims = r->count > 1;
		for (const struct ir_group *gr = r->group; gr; gr = gr->parent) {
			offset += gr->offset;
			ndims += gr->count > 1;
		}
		struct strbuf name = {0};
		desc_name(&name, r->group, r->name, r->count);
		sb_printf(t, "\t{\"%s\", %s, %u, %s, %s, %s, %s%s%s, ", sb_str(&name), gen_hex(g, offset),
			  r->width / 8, desc_access(g, r->access), ai->readable ? "true" : "false",
			  ai->write != WRITE_NONE ? "true" : "false", r->bank ? "\"" : "",
			  r->bank ? r->bank : "NULL", r->bank ? "\"" : "");
		sb_free(&name);
		if (ndims)
			sb_printf(t, "%s_dims, %u, ", r->c_name, ndims);
		else
			sb_puts(t, "NULL, 0, ");
		if (r->fields.len)
			sb_printf(t, "%s_fields, %zu},\n", r->c_name, r->fields.len);
		else
			sb_puts(t, "NULL, 0},\n");
	}
	sb_puts(t, "};\n");
	sb_printf(t, "\nconst struct drv_desc_block %s_desc = {\n", b->c_name);
	sb_printf(t, "\t.device = \"%s\",\n\t.name = \"%s\",\n", b->device->name, b->name);
	sb_printf(t, "\t.space = %s,\n\t.big_endian = %s,\n\t.size = %s,\n",
		  b->space == SPACE_IO ? "DRV_DESC_PIO" : "DRV_DESC_MMIO",
		  b->endian == ENDIAN_BIG ? "true" : "false", gen_hex(g, b->size));
	sb_printf(t, "\t.count = %s,\n\t.stride = %s,\n", gen_hex(g, b->count),
		  gen_hex(g, b->count > 1 ? b->stride : b->size));
	sb_printf(t, "\t.regs = %s_regs,\n\t.nregs = %zu,\n};\n", b->c_name, b->regs.len);
}

static void emit_desc(struct gen *g, const struct ir_device *dev)
{
	struct gen_file *f = gen_open(g, arena_printf(g->arena, "%s_regs_desc.c", dev->name));
	const struct source *src = dev->pos.src;
	gen_banner(g, f,
		   arena_printf(g->arena, "the registers of %s as data, for traces and debug dumps "
					  "(runtime/common/drv_desc.h).",
				dev->name),
		   &src, 1);
	sb_printf(&f->text, "#include \"drv_desc.h\"\n#include \"%s_regs.h\"\n", dev->name);
	for (size_t i = 0; i < dev->blocks.len; i++)
		emit_desc_block(g, f, dev->blocks.items[i]);
}

void emit_regs(struct gen *g)
{
	for (size_t i = 0; i < g->ir->devices.len; i++) {
		emit_header(g, g->ir->devices.items[i]);
		emit_desc(g, g->ir->devices.items[i]);
	}
}
