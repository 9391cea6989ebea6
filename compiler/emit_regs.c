// SPDX-License-Identifier: MIT
/* emit_regs.c - register maps to typed accessors: <device>_regs.h, and
 * <device>_regs_desc.c, the same map as data for traces and debug dumps.
 *
 * The header is a table. Each register and field gets its constants
 * (offset, masks, reset), its value type, and one #define per accessor,
 * its name spelled out over the pattern of runtime/common/drv_regs.h that
 * does the work; which accessors exist is decided here, from the access
 * rules, so misuse has nothing to call: a read-only register gets no
 * write, a register whose read has side effects no update, a w1c register
 * a clear that never reads. Macros, not static inline functions, so that an
 * accessor costs the files that include the header nothing until used.
 * docs/accessors.md is the user's view of it.
 */
#include "gen.h"
#include "names.h"

#include <string.h>

struct regs_emitter {
	struct gen *g;
	struct gen_file *f;
	const struct ir_device *dev;
	const struct ir_block *block;
	struct strmap done;	  /* C names of the registers and groups already emitted */
	struct strbuf comment;	  /* a comment being made: lines are many, memory is not */
	struct strbuf args;	  /* a register's or field's patterns' arguments */
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
		if (w == WRITE_ONE_ACTS || w == WRITE_ZERO_ACTS ||
		    (f->is_volatile && w == WRITE_STORE))
			m.keep &= ~f->mask;
		if (w == WRITE_ZERO_ACTS)
			m.idle |= f->mask;
	}
	return m;
}

/* ---- the header ---- */

static const char *bits_text(unsigned bits)
{
	return bits == 8 ? "8" : bits == 16 ? "16" : bits == 32 ? "32" : "64";
}

static const char *width_type(unsigned bits)
{
	return bits == 8    ? "uint8_t"
	       : bits == 16 ? "uint16_t"
	       : bits == 32 ? "uint32_t"
			    : "uint64_t";
}

static void emit_define(struct regs_emitter *e, const char *name, const char *value)
{
	sb_printf(&e->f->text, "#define %s %s\n", name, value);
}

/* "#define PREFIX_SUFFIX value" for a constant of rule id. */
static void emit_constant(struct regs_emitter *e, const char *c_name, const char *c_const,
			  enum name_rule_id id, const char *value)
{
	struct strbuf *t = &e->f->text;
	sb_puts(t, "#define ");
	name_put(t, c_name, c_const, id);
	sb_putc(t, ' ');
	sb_puts(t, value);
	sb_putc(t, '\n');
}

/* An accessor, its name spelled out over the pattern of drv_regs.h that
 * does the work:
 *	#define edu_status_read(h) DRV_READ(edu_status, edu_bar0, mmio, 32, LE, EDU_STATUS, h)
 * name is rule id of c_name and c_const; the pattern takes `args`, then the
 * macro's parameters `params` ("h, v"). */
static void emit_accessor_macro(struct regs_emitter *e, const char *c_name, const char *c_const,
				enum name_rule_id id, const char *params, const char *pattern,
				const char *args)
{
	struct strbuf *t = &e->f->text;
	size_t start = t->len;
	sb_puts(t, "#define ");
	name_put(t, c_name, c_const, id);
	sb_putc(t, '(');
	sb_puts(t, params);
	sb_puts(t, ") ");
	size_t body_at = t->len;
	sb_puts(t, pattern);
	sb_putc(t, '(');
	sb_puts(t, args);
	sb_puts(t, ", ");
	sb_puts(t, params);
	sb_putc(t, ')');
	gen_macro_end(t, start, body_at);
}

/* The #define that checks a constant index over an array's accessor:
 *	#define nic_head_read(h, i) nic_head_read_(h, DRV_INDEX_FITS(i, NIC_HEAD))
 * `id` names it and `unchecked` the accessor it calls, both of c_name and
 * c_const (the prefix of the array's _COUNT); params are the macro's, the
 * index second. The patterns parenthesize what they are given. */
static void emit_index_checked(struct regs_emitter *e, const char *c_name, const char *c_const,
			       enum name_rule_id id, enum name_rule_id unchecked,
			       const char *const *params, size_t nparams)
{
	struct strbuf *t = &e->f->text;
	size_t start = t->len;
	sb_puts(t, "#define ");
	name_put(t, c_name, c_const, id);
	sb_putc(t, '(');
	for (size_t i = 0; i < nparams; i++) {
		if (i)
			sb_puts(t, ", ");
		sb_puts(t, params[i]);
	}
	sb_puts(t, ") ");
	size_t body_at = t->len;
	name_put(t, c_name, c_const, unchecked);
	sb_putc(t, '(');
	for (size_t i = 0; i < nparams; i++) {
		if (i)
			sb_puts(t, ", ");
		if (i == 1) {
			sb_puts(t, "DRV_INDEX_FITS(");
			sb_puts(t, params[i]);
			sb_puts(t, ", ");
			sb_puts(t, c_const);
			sb_putc(t, ')');
		} else {
			sb_puts(t, params[i]);
		}
	}
	sb_putc(t, ')');
	gen_macro_end(t, start, body_at);
}

/* struct handle { struct drv_io io; }: a block's or group's handle type. */
static void emit_handle_struct(struct regs_emitter *e, const char *handle)
{
	sb_printf(&e->f->text, "struct %s {\n\tstruct drv_io io;\n};\n", handle);
}

/* the primitives of drv_io.h: drv_mmio_read32, drv_pio_read8, drv_cfg_read16 */
static const char *space_text(enum reg_space space)
{
	static const char *const primitives[SPACE_COUNT] = {"mmio", "pio", "cfg"};
	return primitives[space];
}

/* "a, b, c" in e->args, which a register's accessors share. */
static const char *joined_args(struct regs_emitter *e, const char *const *items, size_t n)
{
	sb_truncate(&e->args, 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(&e->args, ", ");
		sb_puts(&e->args, items[i]);
	}
	return sb_str(&e->args);
}

static void emit_field(struct regs_emitter *e, const struct ir_register *r,
		       const struct ir_field *f)
{
	struct arena *a = e->g->arena;
	struct strbuf *t = &e->f->text;
	const struct access_info *ai = access_info(f->access);
	unsigned width = f->msb - f->lsb + 1;

	/* "r.f (x.regs.yaml:12): bits 7:4, rw." without printf: a field is the
	 * commonest thing in a map, and its text the most of the header's time */
	struct strbuf *c = &e->comment;
	sb_truncate(c, 0);
	sb_puts(c, r->name);
	sb_putc(c, '.');
	sb_puts(c, f->name);
	sb_puts(c, " (");
	gen_put_where(c, f->pos);
	sb_puts(c, width == 1 ? "): bit " : "): bits ");
	if (width != 1) {
		sb_putu(c, f->msb);
		sb_putc(c, ':');
	}
	sb_putu(c, f->lsb);
	sb_puts(c, ", ");
	sb_puts(c, ai->name);
	sb_puts(c, f->is_volatile ? ", volatile." : ".");
	if (f->doc) {
		sb_putc(c, ' ');
		sb_puts(c, f->doc);
	}
	gen_comment(t, 0, sb_str(c));

	sb_truncate(c, 0);
	sb_putu(c, f->lsb);
	emit_constant(e, f->c_name, f->c_const, N_FIELD_SHIFT, sb_str(c));
	emit_constant(e, f->c_name, f->c_const, N_FIELD_MASK,
		      gen_hex_width(e->g, f->mask, r->width));
	if (has_name(f->names, N_FIELD_RESET))
		emit_constant(e, f->c_name, f->c_const, N_FIELD_RESET, gen_hex(e->g, f->reset));
	bool as_enum = has_name(f->names, N_FIELD_ENUM);
	if (as_enum) {
		sb_printf(t, "enum %s {\n", name_field(a, f, N_FIELD_ENUM));
		for (size_t i = 0; i < f->enums.len; i++)
			sb_printf(t, "\t%s = %llu,\n", f->enums.items[i].c_const,
				  (unsigned long long)f->enums.items[i].value);
		sb_puts(t, "};\n");
	} else {
		for (size_t i = 0; i < f->enums.len; i++)
			emit_define(e, f->enums.items[i].c_const,
				    gen_hex(e->g, f->enums.items[i].value));
	}
	/* the patterns' arguments: the register's stem and the field's prefix */
	struct strbuf *args = &e->args;
	sb_truncate(args, 0);
	sb_puts(args, r->c_name);
	sb_puts(args, ", ");
	sb_puts(args, f->c_const);
	size_t len = args->len;
	if (has_name(f->names, N_FIELD_GET)) {
		sb_puts(args, ", ");
		if (as_enum) {
			sb_puts(args, "enum ");
			name_put(args, f->c_name, f->c_const, N_FIELD_ENUM);
		} else {
			sb_puts(args, width_type(r->width));
		}
		emit_accessor_macro(e, f->c_name, f->c_const, N_FIELD_GET, "v", "DRV_GET",
				    sb_str(args));
		sb_truncate(args, len);
	}
	if (has_name(f->names, N_FIELD_SET)) {
		emit_accessor_macro(e, f->c_name, f->c_const, N_FIELD_SET_AT, "v, x", "DRV_SET_",
				    sb_str(args));
		emit_accessor_macro(e, f->c_name, f->c_const, N_FIELD_SET, "v, x", "DRV_SET",
				    sb_str(args));
	}
	if (has_name(f->names, N_FIELD_UPDATE)) {
		emit_accessor_macro(e, f->c_name, f->c_const, N_FIELD_UPDATE_AT, "h, x",
				    "DRV_UPDATE_FIELD_", sb_str(args));
		emit_accessor_macro(e, f->c_name, f->c_const, N_FIELD_UPDATE, "h, x",
				    "DRV_UPDATE_FIELD", sb_str(args));
	}
}

/* An access of a register: `pattern`, with the parameters `rest` after the
 * handle (and, for an array, the index); an array's is `pattern`_AT_ under
 * the name of rule `at`, with the macro that checks a constant index over it. */
static void emit_access(struct regs_emitter *e, const struct ir_register *r, const char *pattern,
			const char *args, enum name_rule_id checked, enum name_rule_id at,
			const char *const *rest, size_t nrest)
{
	struct arena *a = e->g->arena;
	bool array = has_name(r->names, at);
	const char *params[4] = {"h", "i"};
	size_t n = array ? 2 : 1;
	for (size_t k = 0; k < nrest && n < 4; k++)
		params[n++] = rest[k];
	char joined[32] = "";
	for (size_t k = 0; k < n; k++) {
		if (k)
			strcat(joined, ", ");
		strcat(joined, params[k]);
	}
	if (array) {
		emit_accessor_macro(e, r->c_name, r->c_const, at, joined,
				    arena_concat(a, pattern, "_AT_"), args);
		emit_index_checked(e, r->c_name, r->c_const, checked, at, params, n);
	} else {
		emit_accessor_macro(e, r->c_name, r->c_const, checked, joined, pattern, args);
	}
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
	sb_putc(t, '\n');
	struct strbuf c = {0};
	sb_printf(&c, "Group %s (%s): ", g->path, gen_where(e->g, g->pos));
	if (g->count > 1)
		sb_printf(&c, "%llu copies every 0x%llx bytes from 0x%llx",
			  (unsigned long long)g->count, (unsigned long long)g->stride,
			  (unsigned long long)g->offset);
	else
		sb_printf(&c, "at 0x%llx", (unsigned long long)g->offset);
	sb_printf(&c, ", 0x%llx bytes each.", (unsigned long long)g->span);
	if (g->doc)
		sb_printf(&c, " %s", g->doc);
	gen_comment(t, 0, sb_str(&c));
	sb_free(&c);
	emit_constant(e, g->c_name, g->c_const, N_GROUP_OFFSET, gen_hex(e->g, g->offset));
	emit_constant(e, g->c_name, g->c_const, N_GROUP_SPAN, gen_hex(e->g, g->span));
	if (has_name(g->names, N_GROUP_COUNT))
		emit_constant(e, g->c_name, g->c_const, N_GROUP_COUNT, gen_hex(e->g, g->count));
	if (has_name(g->names, N_GROUP_STRIDE))
		emit_constant(e, g->c_name, g->c_const, N_GROUP_STRIDE, gen_hex(e->g, g->stride));
	emit_handle_struct(e, g->c_name);
	const char *args = arena_printf(a, "%s, %s, %s, %s", g->c_name, handle_of(e, g->parent),
					space_text(e->block->space), g->c_const);
	if (has_name(g->names, N_GROUP_AT_INDEX)) {
		static const char *const params[] = {"p", "i"};
		emit_accessor_macro(e, g->c_name, g->c_const, N_GROUP_AT_INDEX, "p, i",
				    "DRV_GROUP_AT_", args);
		emit_index_checked(e, g->c_name, g->c_const, N_GROUP_AT, N_GROUP_AT_INDEX, params,
				   2);
	} else {
		emit_accessor_macro(e, g->c_name, g->c_const, N_GROUP_AT, "p", "DRV_GROUP_AT",
				    args);
	}
}

/* The register's value type and its _value and _raw: a struct of its own
 * (registers with fields), the type of the register whose layout it
 * borrows, or a plain number. */
static void emit_value_type(struct regs_emitter *e, const struct ir_register *r,
			    const struct ir_register *other, const char *bits)
{
	struct arena *a = e->g->arena;
	struct strbuf *t = &e->f->text;
	const char *type = name_register(a, r, N_REG_TYPE);
	if (other)
		sb_printf(t, "typedef %s %s;\n", name_register(a, other, N_REG_TYPE), type);
	else if (r->fields.len)
		sb_printf(t, "typedef struct {\n\t%s raw;\n} %s;\n", width_type(r->width), type);
	else
		sb_printf(t, "typedef %s %s;\n", width_type(r->width), type);
	if (other || r->fields.len) {
		const char *const arg_list[] = {type, bits};
		emit_accessor_macro(e, r->c_name, r->c_const, N_REG_VALUE, "x", "DRV_VALUE",
				    joined_args(e, arg_list, 2));
		emit_accessor_macro(e, r->c_name, r->c_const, N_REG_RAW, "v", "DRV_RAW", type);
	} else {
		emit_accessor_macro(e, r->c_name, r->c_const, N_REG_VALUE, "x", "DRV_NUM", bits);
		emit_accessor_macro(e, r->c_name, r->c_const, N_REG_RAW, "v", "DRV_NUM", bits);
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

	struct strbuf *t = &e->f->text;
	const struct access_info *ai = access_info(r->access);
	const char *bits = bits_text(r->width);

	sb_putc(t, '\n');
	/* "r (x.regs.yaml:12): rw, 32 bits at 0x10." without printf, as a field's */
	struct strbuf *c = &e->comment;
	sb_truncate(c, 0);
	sb_puts(c, r->path);
	sb_puts(c, " (");
	gen_put_where(c, r->pos);
	sb_puts(c, "): ");
	sb_puts(c, ai->name);
	sb_puts(c, ", ");
	sb_putu(c, r->width);
	sb_puts(c, " bits at ");
	gen_put_hex(c, r->offset);
	if (r->count > 1) {
		sb_puts(c, ", ");
		sb_putu(c, r->count);
		sb_puts(c, " registers every ");
		gen_put_hex(c, r->stride);
		sb_puts(c, " bytes");
	}
	if (r->bank) {
		sb_puts(c, ", bank ");
		sb_puts(c, r->bank);
	}
	if (r->layout_of) {
		sb_puts(c, ", the fields of ");
		sb_puts(c, r->layout_of->path);
	}
	sb_puts(c, r->is_volatile ? ", volatile." : ".");
	if (r->doc) {
		sb_putc(c, ' ');
		sb_puts(c, r->doc);
	}
	gen_comment(t, 0, sb_str(c));

	emit_constant(e, r->c_name, r->c_const, N_REG_OFFSET, gen_hex(e->g, r->offset));
	if (has_name(r->names, N_REG_COUNT))
		emit_constant(e, r->c_name, r->c_const, N_REG_COUNT, gen_hex(e->g, r->count));
	if (has_name(r->names, N_REG_STRIDE))
		emit_constant(e, r->c_name, r->c_const, N_REG_STRIDE, gen_hex(e->g, r->stride));
	if (has_name(r->names, N_REG_RESET))
		emit_constant(e, r->c_name, r->c_const, N_REG_RESET,
			      gen_hex_width(e->g, r->reset, r->width));
	if (has_name(r->names, N_REG_RESET_MASK))
		emit_constant(e, r->c_name, r->c_const, N_REG_RESET_MASK,
			      gen_hex_width(e->g, r->reset_mask, r->width));
	if (has_name(r->names, N_REG_KEEP)) {
		struct update_masks m = update_masks(r);
		emit_constant(e, r->c_name, r->c_const, N_REG_KEEP,
			      gen_hex_width(e->g, m.keep, r->width));
		emit_constant(e, r->c_name, r->c_const, N_REG_IDLE,
			      gen_hex_width(e->g, m.idle, r->width));
	}
	emit_value_type(e, r, other, bits);

	const char *const arg_list[] = {r->c_name, handle_of(e, r->group),
					space_text(e->block->space), bits,
					e->block->endian == ENDIAN_BIG ? "BE" : "LE", r->c_const};
	const char *args = joined_args(e, arg_list, ARRAY_LEN(arg_list));
	static const char *const v[] = {"v"}, *const b[] = {"bits"}, *const mv[] = {"mask", "value"};
	if (has_name(r->names, N_REG_READ))
		emit_access(e, r, "DRV_READ", args, N_REG_READ, N_REG_READ_AT, NULL, 0);
	if (has_name(r->names, N_REG_WRITE))
		emit_access(e, r, "DRV_WRITE", args, N_REG_WRITE, N_REG_WRITE_AT, v, 1);
	/* write-1/0-to-act helpers: name(h, bits), touching no other bit */
	static const struct {
		enum name_rule_id name, at;
	} helpers[] = {{N_REG_CLEAR, N_REG_CLEAR_AT},
		       {N_REG_SET, N_REG_SET_AT},
		       {N_REG_TOGGLE, N_REG_TOGGLE_AT}};
	const char *acts = ai->write == WRITE_ONE_ACTS ? "DRV_WRITE_ONES" : "DRV_WRITE_ZEROS";
	for (size_t i = 0; i < ARRAY_LEN(helpers); i++)
		if (has_name(r->names, helpers[i].name))
			emit_access(e, r, acts, args, helpers[i].name, helpers[i].at, b, 1);
	if (has_name(r->names, N_REG_UPDATE))
		emit_access(e, r, "DRV_UPDATE", args, N_REG_UPDATE, N_REG_UPDATE_AT, mv, 2);

	for (size_t i = 0; i < r->fields.len; i++)
		emit_field(e, r, &r->fields.items[i]);
}

static void emit_block(struct regs_emitter *e, const struct ir_block *b)
{
	struct arena *a = e->g->arena;
	struct strbuf *t = &e->f->text;
	e->block = b;
	sb_putc(t, '\n');
	struct strbuf c = {0};
	sb_printf(&c, "Block %s (%s): %s, %s-endian, 0x%llx bytes", b->name,
		  gen_where(e->g, b->pos),
		  b->space == SPACE_IO ? "port I/O" : b->space == SPACE_CONFIG ? "PCI configuration space" : "MMIO",
		  b->endian == ENDIAN_BIG ? "big" : "little", (unsigned long long)b->size);
	if (b->count > 1)
		sb_printf(&c, ", %llu copies every 0x%llx bytes", (unsigned long long)b->count,
			  (unsigned long long)b->stride);
	sb_puts(&c, ".");
	if (b->doc)
		sb_printf(&c, " %s", b->doc);
	gen_comment(t, 0, sb_str(&c));
	sb_free(&c);
	emit_constant(e, b->c_name, b->c_const, N_BLOCK_SIZE, gen_hex(e->g, b->size));
	if (has_name(b->names, N_BLOCK_COUNT))
		emit_constant(e, b->c_name, b->c_const, N_BLOCK_COUNT, gen_hex(e->g, b->count));
	if (has_name(b->names, N_BLOCK_STRIDE))
		emit_constant(e, b->c_name, b->c_const, N_BLOCK_STRIDE, gen_hex(e->g, b->stride));
	emit_handle_struct(e, b->c_name);
	if (has_name(b->names, N_BLOCK_AT_INDEX)) {
		static const char *const params[] = {"io", "i"};
		emit_accessor_macro(e, b->c_name, b->c_const, N_BLOCK_AT_INDEX, "io, i",
				    "DRV_BLOCK_AT_",
				    arena_printf(a, "%s, %s, %s", b->c_name, space_text(b->space),
						 b->c_const));
		emit_index_checked(e, b->c_name, b->c_const, N_BLOCK_AT, N_BLOCK_AT_INDEX, params,
				   2);
	} else {
		emit_accessor_macro(e, b->c_name, b->c_const, N_BLOCK_AT, "io", "DRV_BLOCK_AT",
				    b->c_name);
	}
	sb_printf(t, "struct drv_desc_block;\nextern const struct drv_desc_block %s;\n",
		  name_block(a, b, N_BLOCK_DESC));
	for (size_t i = 0; i < b->regs.len; i++) {
		emit_register(e, b->regs.items[i]);
		gen_flush(e->g, e->f);
	}
}

static void emit_header(struct gen *g, const struct ir_device *dev)
{
	struct regs_emitter e = {.g = g, .dev = dev};
	strmap_init(&e.done, g->arena);
	e.f = gen_open(g, name_device(g->arena, dev, N_DEV_HEADER));
	struct strbuf *t = &e.f->text;
	const struct source *src = dev->pos.src;
	gen_banner(g, e.f,
		   arena_printf(g->arena,
				"typed register accessors for %s%s%s; docs/accessors.md "
				"explains them.",
				dev->name, dev->doc ? ": " : "", dev->doc ? dev->doc : ""),
		   &src, 1);
	const char *guard = name_device(g->arena, dev, N_DEV_GUARD);
	sb_printf(t, "#ifndef %s\n#define %s\n\n#include \"drv_regs.h\"\n\n", guard, guard);
	sb_puts(t, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n");
	for (size_t i = 0; i < dev->blocks.len; i++)
		emit_block(&e, dev->blocks.items[i]);
	sb_printf(t, "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s */\n", guard);
	gen_close(g, e.f);
	sb_free(&e.comment);
	sb_free(&e.args);
}

/* ---- the description ---- */

/* DRV_DESC_RW: an access's constant in drv_desc.h. */
static void put_desc_access(struct strbuf *out, enum reg_access a)
{
	sb_puts(out, "DRV_DESC_");
	for (const char *p = access_info(a)->name; *p; p++)
		sb_putc(out, *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p);
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
			if (!has_name(fld->names, N_FIELD_VALUES))
				continue;
			sb_printf(t, "\nstatic const struct drv_desc_enum %s[] = {\n",
				  name_field(g->arena, fld, N_FIELD_VALUES));
			for (size_t v = 0; v < fld->enums.len; v++)
				sb_printf(t, "\t{\"%s\", %s},\n", fld->enums.items[v].name,
					  gen_hex(g, fld->enums.items[v].value));
			sb_puts(t, "};\n");
		}
		if (has_name(r->names, N_REG_FIELDS)) {
			sb_printf(t, "\nstatic const struct drv_desc_field %s[] = {\n",
				  name_register(g->arena, r, N_REG_FIELDS));
			for (size_t k = 0; k < r->fields.len; k++) {
				/* {"name", lsb, msb, DRV_DESC_RW, values, count}, */
				const struct ir_field *fld = &r->fields.items[k];
				sb_puts(t, "\t{\"");
				sb_puts(t, fld->name);
				sb_puts(t, "\", ");
				sb_putu(t, fld->lsb);
				sb_puts(t, ", ");
				sb_putu(t, fld->msb);
				sb_puts(t, ", ");
				put_desc_access(t, fld->access);
				if (has_name(fld->names, N_FIELD_VALUES)) {
					sb_puts(t, ", ");
					name_put(t, fld->c_name, fld->c_const, N_FIELD_VALUES);
					sb_puts(t, ", ");
					sb_putu(t, fld->enums.len);
					sb_puts(t, "},\n");
				} else {
					sb_puts(t, ", NULL, 0},\n");
				}
			}
			sb_puts(t, "};\n");
		}
		if (has_name(r->names, N_REG_DIMS)) {
			sb_printf(t, "\nstatic const struct drv_desc_dim %s[] = {\n",
				  name_register(g->arena, r, N_REG_DIMS));
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
				sb_printf(t, "\t{%s, %s},\n", gen_hex(g, r->count),
					  gen_hex(g, r->stride));
			sb_puts(t, "};\n");
		}
		gen_flush(g, f);
	}
	/* a block of no registers has no table (C has no empty array) */
	const char *regs = b->regs.len ? name_block(g->arena, b, N_BLOCK_REGS) : "NULL";
	if (b->regs.len)
		sb_printf(t, "\nstatic const struct drv_desc_reg %s[] = {\n", regs);
	for (size_t i = 0; i < b->regs.len; i++) {
		const struct ir_register *r = b->regs.items[i];
		const struct access_info *ai = access_info(r->access);
		uint64_t offset = r->offset;
		unsigned ndims = r->count > 1;
		for (const struct ir_group *gr = r->group; gr; gr = gr->parent) {
			offset += gr->offset;
			ndims += gr->count > 1;
		}
		/* {"name", offset, bytes, DRV_DESC_RW, readable, writable, bank,
		 *  dims, ndims, fields, nfields}, */
		sb_puts(t, "\t{\"");
		desc_name(t, r->group, r->name, r->count);
		sb_puts(t, "\", ");
		gen_put_hex(t, offset);
		sb_puts(t, offset > UINT32_MAX ? "ull, " : "u, ");
		sb_putu(t, r->width / 8);
		sb_puts(t, ", ");
		put_desc_access(t, r->access);
		sb_puts(t, ai->readable ? ", true" : ", false");
		sb_puts(t, ai->write != WRITE_NONE ? ", true, " : ", false, ");
		if (r->bank) {
			sb_putc(t, '"');
			sb_puts(t, r->bank);
			sb_puts(t, "\", ");
		} else {
			sb_puts(t, "NULL, ");
		}
		if (has_name(r->names, N_REG_DIMS)) {
			name_put(t, r->c_name, r->c_const, N_REG_DIMS);
			sb_puts(t, ", ");
			sb_putu(t, ndims);
			sb_puts(t, ", ");
		} else {
			sb_puts(t, "NULL, 0, ");
		}
		if (has_name(r->names, N_REG_FIELDS)) {
			name_put(t, r->c_name, r->c_const, N_REG_FIELDS);
			sb_puts(t, ", ");
			sb_putu(t, r->fields.len);
			sb_puts(t, "},\n");
		} else {
			sb_puts(t, "NULL, 0},\n");
		}
	}
	if (b->regs.len)
		sb_puts(t, "};\n");
	sb_printf(t, "\nconst struct drv_desc_block %s = {\n",
		  name_block(g->arena, b, N_BLOCK_DESC));
	sb_printf(t, "\t.device = \"%s\",\n\t.name = \"%s\",\n", b->device->name, b->name);
	sb_printf(t, "\t.space = %s,\n\t.big_endian = %s,\n\t.size = %s,\n",
		  b->space == SPACE_IO ? "DRV_DESC_PIO" : b->space == SPACE_CONFIG ? "DRV_DESC_CONFIG" : "DRV_DESC_MMIO",
		  b->endian == ENDIAN_BIG ? "true" : "false", gen_hex(g, b->size));
	sb_printf(t, "\t.count = %s,\n\t.stride = %s,\n", gen_hex(g, b->count),
		  gen_hex(g, b->count > 1 ? b->stride : b->size));
	sb_printf(t, "\t.regs = %s,\n\t.nregs = %zu,\n};\n", regs, b->regs.len);
}

static void emit_desc(struct gen *g, const struct ir_device *dev)
{
	struct gen_file *f = gen_open(g, name_device(g->arena, dev, N_DEV_DESC_FILE));
	const struct source *src = dev->pos.src;
	gen_banner(g, f,
		   arena_printf(g->arena,
				"the registers of %s as data, for traces and debug dumps "
				"(runtime/common/drv_desc.h).",
				dev->name),
		   &src, 1);
	sb_printf(&f->text, "#include \"drv_desc.h\"\n#include \"%s\"\n",
		  name_device(g->arena, dev, N_DEV_HEADER));
	for (size_t i = 0; i < dev->blocks.len; i++)
		emit_desc_block(g, f, dev->blocks.items[i]);
	gen_close(g, f);
}

void emit_regs(struct gen *g)
{
	for (size_t i = 0; i < g->ir->devices.len; i++) {
		emit_header(g, g->ir->devices.items[i]);
		emit_desc(g, g->ir->devices.items[i]);
	}
}
