// SPDX-License-Identifier: MIT
/* check_regs.c - register maps: layout, access and names checked, IR built.
 *
 * Registers and groups are checked level by level: at each level (a block,
 * or one element of a group) every item is a progression of byte ranges
 * (offset, size, count, stride) and two items overlap only if some element
 * of one meets some element of the other. Interleaved arrays, which share a
 * span without sharing bytes, are therefore allowed.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

struct regs_checker {
	struct checker *c;
	struct ir_device *dev;
	struct ir_block *block;
	struct strmap paths;   /* register path -> register, per block */
	struct strmap indices; /* register path -> its index in block->regs, plus one */
	VEC(const struct regs_node_ast *) layout_asts; /* parallel to block->regs */
};

#define DIAG_REPORT(rc, pos, code, ...) diag_report((rc)->c->diag, pos, code, __VA_ARGS__)
#define DIAG_NOTE(rc, pos, ...) diag_note((rc)->c->diag, pos, __VA_ARGS__)

/* Names of register maps and manifests only ever appear inside longer C
 * names (uart16550_lcr_break_get), so a C keyword is a fine name; clashes
 * between the longer names are checked where they are made. */
bool check_c_name(struct checker *c, struct lstr name, const char *what)
{
	if (!name.s)
		return false;
	if (!is_c_identifier(name.s)) {
		diag_report(c->diag, name.pos, E0201,
			    "%s name '%s' is not a C identifier (letters, digits and '_', not "
			    "starting with a digit)",
			    what, name.s);
		return false;
	}
	return true;
}

static uint64_t width_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

bool extent_end(uint64_t offset, uint64_t count, uint64_t stride, uint64_t size, uint64_t *end)
{
	uint64_t last;
	return !__builtin_mul_overflow(count - 1, stride, &last) &&
	       !__builtin_add_overflow(offset, last, &last) && !__builtin_add_overflow(last, size, end);
}

static void report_past_last_address(struct regs_checker *rc, struct srcpos pos, const char *what,
				     const char *name, uint64_t offset, uint64_t count,
				     uint64_t stride, uint64_t size)
{
	if (count > 1)
		DIAG_REPORT(rc, pos, E0218,
			    "%s '%s' (0x%llx elements of 0x%llx bytes every 0x%llx from offset 0x%llx) "
			    "ends past 0xffffffffffffffff, the last address",
			    what, name, (unsigned long long)count, (unsigned long long)size,
			    (unsigned long long)stride, (unsigned long long)offset);
	else
		DIAG_REPORT(rc, pos, E0218,
			    "%s '%s' (0x%llx bytes at offset 0x%llx) ends past 0xffffffffffffffff, the "
			    "last address",
			    what, name, (unsigned long long)size, (unsigned long long)offset);
}

/* ---- overlap of byte-range progressions ---- */

struct span_item {
	uint64_t offset, size, count, stride;
	const char *name;
	struct srcpos pos;
	uint64_t end; /* of the last element */
	const char *bank;
	bool readable, writable;
	uint64_t align; /* the alignment its elements need: the widest register */
	/* Swept as one element of its array (check_overlaps): which one, and
	 * the array's place among the items. */
	bool element;
	uint64_t index;
	size_t whole;
};

static bool same_bank(const struct span_item *a, const struct span_item *b)
{
	return a->bank == b->bank || (a->bank && b->bank && !strcmp(a->bank, b->bank));
}

static bool may_share_bytes(const struct span_item *a, const struct span_item *b)
{
	if (!same_bank(a, b))
		return true;
	return !(a->readable && b->readable) && !(a->writable && b->writable);
}

/* By bank (none first), then offset: registers of different banks never
 * overlap, so each bank is swept on its own. */
static int compare_span(const void *pa, const void *pb)
{
	const struct span_item *a = pa, *b = pb;
	if (!same_bank(a, b))
		return !a->bank ? -1 : !b->bank ? 1 : strcmp(a->bank, b->bank);
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return a->pos.line < b->pos.line ? -1 : a->pos.line > b->pos.line;
}

static struct progression progression_of(const struct span_item *s)
{
	return (struct progression){s->offset, s->size, s->count, s->stride};
}

static const char *element_name(struct regs_checker *rc, const struct span_item *s, uint64_t i)
{
	if (s->element)
		i += s->index;
	else if (s->count == 1)
		return s->name;
	return arena_printf(rc->c->arena, "%s[%llu]", s->name, (unsigned long long)i);
}

/* Arrays of at most this many elements are swept element by element:
 * interleaved arrays each span the others' range, and would otherwise all
 * be compared with each other. Longer ones are swept whole, and two that
 * span each other's range are compared by arithmetic (progressions.c). */
enum { SWEPT_ELEMENTS = 64 };

/* The items to sweep: arrays of up to SWEPT_ELEMENTS elements as their
 * elements, other items whole. *n becomes their number. */
static struct span_item *sweep_items(const struct span_item *items, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < *n; i++)
		total += items[i].count <= SWEPT_ELEMENTS ? items[i].count : 1;
	struct span_item *parts = malloc((total ? total : 1) * sizeof *parts);
	if (!parts)
		abort();
	size_t m = 0;
	for (size_t i = 0; i < *n; i++) {
		const struct span_item *it = &items[i];
		if (it->count == 1 || it->count > SWEPT_ELEMENTS) {
			parts[m] = *it;
			parts[m++].whole = i;
			continue;
		}
		for (uint64_t k = 0; k < it->count; k++) {
			struct span_item *e = &parts[m++];
			*e = *it;
			e->offset = it->offset + k * it->stride;
			e->count = 1;
			e->end = e->offset + it->size;
			e->element = true;
			e->index = k;
			e->whole = i;
		}
	}
	*n = m;
	return parts;
}

static void check_overlaps(struct regs_checker *rc, const struct span_item *whole, size_t nwhole)
{
	size_t n = nwhole;
	struct span_item *items = sweep_items(whole, &n);
	/* an item, or an array, is reported once */
	bool *reported_whole = calloc(nwhole ? nwhole : 1, sizeof *reported_whole);
	if (!reported_whole)
		abort();
	if (n)
		qsort(items, n, sizeof *items, compare_span);
	/* Items of the current bank whose span reaches past the current start;
	 * usually just one. An item reported overlapping one of them does not
	 * join them, so N registers at one offset cost N reports, not N^2. */
	size_t *active = malloc((n ? n : 1) * sizeof *active);
	if (!active)
		abort();
	size_t nactive = 0;
	for (size_t i = 0; i < n; i++) {
		struct span_item *cur = &items[i];
		if (i && !same_bank(&items[i - 1], cur))
			nactive = 0;
		size_t kept = 0;
		bool reported = reported_whole[cur->whole];
		for (size_t k = 0; k < nactive; k++) {
			struct span_item *prev = &items[active[k]];
			if (prev->end <= cur->offset)
				continue;
			active[kept++] = active[k];
			uint64_t ia, ib;
			struct progression pp = progression_of(prev), pc = progression_of(cur);
			if (reported || may_share_bytes(prev, cur) ||
			    !progressions_meet(&pp, &pc, &ia, &ib))
				continue;
			reported = reported_whole[cur->whole] = true;
			uint64_t at = cur->offset + ib * cur->stride;
			DIAG_REPORT(rc, cur->pos, E0203,
				    "'%s' (bytes 0x%llx..0x%llx) overlaps '%s'",
				    element_name(rc, cur, ib), (unsigned long long)at,
				    (unsigned long long)(at + cur->size - 1), element_name(rc, prev, ia));
			DIAG_NOTE(rc, prev->pos, "'%s' declared here", prev->name);
		}
		nactive = kept;
		if (!reported)
			active[nactive++] = i;
	}
	free(active);
	free(reported_whole);
	free(items);
}

/* ---- fields ---- */

static void check_enum(struct regs_checker *rc, const struct regs_field_ast *fa,
		       struct ir_field *f)
{
	uint64_t *values = malloc((fa->enums.len ? fa->enums.len : 1) * sizeof *values);
	if (!values)
		abort();
	unsigned bits = f->msb - f->lsb + 1;
	for (size_t i = 0; i < fa->enums.len; i++) {
		const struct regs_enum_ast *e = &fa->enums.items[i];
		check_c_name(rc->c, e->name, "enum value");
		if (e->value.v > width_mask(bits))
			DIAG_REPORT(rc, e->value.pos, E0206,
				    "enum value %s = %llu does not fit the %u-bit field '%s'", e->name.s,
				    (unsigned long long)e->value.v, bits, f->name);
		struct ir_enum_value v = {.name = e->name.s, .pos = e->name.pos, .value = e->value.v};
		vec_push(rc->c->arena, &f->enums, v);
		values[i] = e->value.v;
	}
	/* Names are keys of one YAML mapping: a repeat is already E0109. */
	struct repeat *repeats;
	size_t n = find_repeated_values(values, fa->enums.len, &repeats);
	for (size_t k = 0; k < n; k++) {
		const struct regs_enum_ast *e = &fa->enums.items[repeats[k].index];
		const struct regs_enum_ast *o = &fa->enums.items[repeats[k].first];
		DIAG_REPORT(rc, e->value.pos, E0215, "'%s' and '%s' both have the value %llu",
			    o->name.s, e->name.s, (unsigned long long)e->value.v);
		DIAG_NOTE(rc, o->name.pos, "'%s' named here", o->name.s);
	}
	free(repeats);
	free(values);
}

static bool access_allowed(enum reg_access field, enum reg_access reg)
{
	const struct access_info *f = access_info(field), *r = access_info(reg);
	return (!f->readable || r->readable) && (f->write == WRITE_NONE || r->write != WRITE_NONE);
}

static void check_fields(struct regs_checker *rc, const struct regs_node_ast *ra,
			 struct ir_register *r)
{
	for (size_t i = 0; i < ra->fields.len; i++) {
		const struct regs_field_ast *fa = &ra->fields.items[i];
		if (!fa->name.s || !fa->msb.set)
			continue; /* reported by the loader */
		check_c_name(rc->c, fa->name, "field");
		struct ir_field f = {.name = fa->name.s, .doc = fa->doc, .pos = fa->pos, .reg = r};
		f.lsb = (unsigned)(fa->lsb.v > 63 ? 63 : fa->lsb.v);
		f.msb = (unsigned)(fa->msb.v > 63 ? 63 : fa->msb.v);
		if (fa->msb.v >= r->width) {
			DIAG_REPORT(rc, fa->msb.pos, E0205,
				    "field '%s' (bits %llu:%llu) does not fit the %u-bit register '%s'",
				    fa->name.s, (unsigned long long)fa->msb.v,
				    (unsigned long long)fa->lsb.v, r->width, r->name);
			continue;
		}
		f.mask = width_mask(f.msb - f.lsb + 1) << f.lsb;
		f.access = fa->access.set ? (enum reg_access)fa->access.v : r->access;
		if (!access_allowed(f.access, r->access))
			DIAG_REPORT(rc, fa->access.pos, E0213,
				    "field '%s' is '%s' but its register '%s' is '%s'", f.name,
				    access_info(f.access)->name, r->name, access_info(r->access)->name);
		f.is_volatile = fa->is_volatile.set ? fa->is_volatile.v : r->is_volatile;
		if (fa->reset.set) {
			if (fa->reset.v > width_mask(f.msb - f.lsb + 1))
				DIAG_REPORT(rc, fa->reset.pos, E0206,
					    "reset 0x%llx does not fit the %u-bit field '%s'",
					    (unsigned long long)fa->reset.v, f.msb - f.lsb + 1, f.name);
			f.has_reset = true;
			f.reset = fa->reset.v & width_mask(f.msb - f.lsb + 1);
		}
		/* Only fields that are neither repeats nor overlaps join the
		 * register: at most 64, so comparing with them stays linear. */
		bool bad = false;
		for (size_t j = 0; j < r->fields.len && !bad; j++) {
			const struct ir_field *o = &r->fields.items[j];
			if (strcmp(o->name, f.name) == 0) {
				DIAG_REPORT(rc, fa->name.pos, E0202,
					    "field '%s' is declared twice in '%s'", f.name, r->name);
				DIAG_NOTE(rc, o->pos, "first declared here");
				bad = true;
			} else if (o->mask & f.mask) {
				DIAG_REPORT(rc, fa->msb.pos, E0204,
					    "field '%s' (bits %u:%u) overlaps field '%s' (bits %u:%u)",
					    f.name, f.msb, f.lsb, o->name, o->msb, o->lsb);
				DIAG_NOTE(rc, o->pos, "'%s' declared here", o->name);
				bad = true;
			}
		}
		check_enum(rc, fa, &f);
		if (!bad)
			vec_push(rc->c->arena, &r->fields, f);
	}
}

static struct srcpos field_reset_pos(const struct regs_node_ast *ra, const struct ir_field *f)
{
	for (size_t i = 0; i < ra->fields.len; i++)
		if (ra->fields.items[i].name.s && !strcmp(ra->fields.items[i].name.s, f->name) &&
		    ra->fields.items[i].reset.set)
			return ra->fields.items[i].reset.pos;
	return f->pos;
}

/* The register's reset is its own or, without one, composed of its fields'.
 * reset_mask says which bits are known: a partly given reset is not zeros. */
static void check_reset(struct regs_checker *rc, const struct regs_node_ast *ra,
			struct ir_register *r)
{
	if (ra->reset.set) {
		if (ra->reset.v > width_mask(r->width))
			DIAG_REPORT(rc, ra->reset.pos, E0206,
				    "reset 0x%llx does not fit the %u-bit register '%s'",
				    (unsigned long long)ra->reset.v, r->width, r->name);
		r->has_reset = true;
		r->reset = ra->reset.v & width_mask(r->width);
		r->reset_mask = width_mask(r->width);
	}
	for (size_t i = 0; i < r->fields.len; i++) {
		struct ir_field *f = &r->fields.items[i];
		if (r->has_reset && ra->reset.set) {
			uint64_t from_reg = (r->reset & f->mask) >> f->lsb;
			if (f->has_reset && f->reset != from_reg)
				DIAG_REPORT(rc, field_reset_pos(ra, f), E0206,
					    "field '%s' resets to 0x%llx but register '%s' resets it "
					    "to 0x%llx",
					    f->name, (unsigned long long)f->reset, r->name,
					    (unsigned long long)from_reg);
			f->has_reset = true;
			f->reset = from_reg;
		}
	}
	if (!ra->reset.set) {
		bool any = false;
		for (size_t i = 0; i < r->fields.len; i++)
			if (r->fields.items[i].has_reset) {
				any = true;
				r->reset |= r->fields.items[i].reset << r->fields.items[i].lsb;
				r->reset_mask |= r->fields.items[i].mask;
			}
		r->has_reset = any;
	}
}

/* ---- registers and groups ---- */

static bool check_array(struct regs_checker *rc, const struct regs_node_ast *na, uint64_t size,
			uint64_t *count, uint64_t *stride)
{
	*count = na->count.set ? na->count.v : 1;
	*stride = na->stride.set ? na->stride.v : size;
	if (na->count.set && na->count.v == 0) {
		DIAG_REPORT(rc, na->count.pos, E0214, "'%s' has count 0; an array has at least one "
			    "element", na->name.s);
		return false;
	}
	if (na->stride.set && !na->count.set) {
		DIAG_REPORT(rc, na->stride.pos, E0214,
			    "'%s' has a stride but no count; a stride only means something in an "
			    "array",
			    na->name.s);
		return false;
	}
	if (*count > 1 && *stride < size) {
		DIAG_REPORT(rc, na->stride.pos, E0209,
			    "stride 0x%llx of '%s' is smaller than its element (0x%llx bytes)",
			    (unsigned long long)*stride, na->name.s, (unsigned long long)size);
		return false;
	}
	return true;
}

static void check_items(struct regs_checker *rc, const regs_node_list *items,
			const struct ir_group *group, const char *prefix, uint64_t *span,
			uint64_t *align);

static void add_register(struct regs_checker *rc, const struct regs_node_ast *na,
			 const struct ir_group *group, const char *prefix, struct span_item *out)
{
	struct arena *a = rc->c->arena;
	struct ir_register *r = NEW(a, struct ir_register);
	r->name = na->name.s;
	r->path = prefix ? arena_printf(a, "%s_%s", prefix, na->name.s) : na->name.s;
	r->doc = na->doc;
	r->pos = na->pos;
	r->offset = na->offset.v;
	r->group = group;
	r->block = rc->block;
	r->access = na->access.set ? (enum reg_access)na->access.v : ACCESS_RW;
	if (na->bank.s && check_c_name(rc->c, na->bank, "bank"))
		r->bank = na->bank.s;
	r->is_volatile = na->is_volatile.set && na->is_volatile.v;
	r->width = 32;
	if (na->width.set) {
		if (na->width.v == 8 || na->width.v == 16 || na->width.v == 32 || na->width.v == 64)
			r->width = (unsigned)na->width.v;
		else
			DIAG_REPORT(rc, na->width.pos, E0210,
				    "width %llu of '%s' is not 8, 16, 32 or 64 bits",
				    (unsigned long long)na->width.v, r->name);
	}
	if (r->width == 64 && rc->block->space == SPACE_IO)
		DIAG_REPORT(rc, na->width.pos, E0210,
			    "'%s' is 64 bits wide, but x86 port I/O reads at most 32 bits at a time",
			    r->name);
	else if (r->width == 64 && rc->block->space == SPACE_CONFIG)
		DIAG_REPORT(rc, na->width.pos, E0210,
			    "'%s' is 64 bits wide, but PCI configuration space is read at most 32 bits "
			    "at a time; make it two registers",
			    r->name);
	unsigned bytes = r->width / 8;
	if (na->offset.set && na->offset.v % bytes)
		DIAG_REPORT(rc, na->offset.pos, E0208,
			    "offset 0x%llx of the %u-bit register '%s' is not a multiple of %u",
			    (unsigned long long)na->offset.v, r->width, r->name, bytes);
	uint64_t count, stride;
	if (!check_array(rc, na, bytes, &count, &stride))
		count = 1;
	if (count > 1 && stride % bytes)
		DIAG_REPORT(rc, na->stride.pos, E0208,
			    "stride 0x%llx of '%s' would misalign its %u-bit elements",
			    (unsigned long long)stride, r->name, r->width);
	r->count = count;
	r->stride = count > 1 ? stride : 0;

	struct ir_register *prev = strmap_put(&rc->paths, r->path, r);
	if (prev) {
		if (strcmp(prev->name, r->name) == 0 && prev->group == group)
			DIAG_REPORT(rc, na->name.pos, E0202, "register '%s' is declared twice in '%s'",
				    r->name, group ? group->name : rc->block->name);
		else
			DIAG_REPORT(rc, na->name.pos, E0216,
				    "register '%s'%s%s and register '%s'%s%s both get the C name "
				    "'%s_%s'",
				    r->name, group ? " of group " : "", group ? group->path : "",
				    prev->name, prev->group ? " of group " : "",
				    prev->group ? prev->group->path : "", rc->dev->name, r->path);
		DIAG_NOTE(rc, prev->pos, "the other one is declared here");
	}
	if (na->layout.s && na->fields.len)
		DIAG_REPORT(rc, na->layout.pos, E0212,
			    "'%s' has both 'layout' and 'fields'; use one", r->name);
	else
		check_fields(rc, na, r);
	/* A duplicate stays out of the IR, so no later check reports it again. */
	if (!prev) {
		strmap_put(&rc->indices, r->path, (void *)(uintptr_t)(rc->block->regs.len + 1));
		vec_push(a, &rc->block->regs, r);
		vec_push(a, &rc->layout_asts, na);
	}
	*out = (struct span_item){.offset = r->offset, .size = bytes, .count = count,
				  .stride = r->stride, .name = r->name, .pos = r->pos,
				  .bank = r->bank, .readable = access_info(r->access)->readable,
				  .writable = access_info(r->access)->write != WRITE_NONE,
				  .align = bytes};
}

static void add_group(struct regs_checker *rc, const struct regs_node_ast *na,
		      const struct ir_group *parent, const char *prefix, struct span_item *out)
{
	struct arena *a = rc->c->arena;
	struct ir_group *g = NEW(a, struct ir_group);
	g->name = na->name.s;
	g->path = prefix ? arena_printf(a, "%s_%s", prefix, na->name.s) : na->name.s;
	g->doc = na->doc;
	g->pos = na->pos;
	g->offset = na->offset.v;
	g->parent = parent;
	vec_push(a, &rc->block->groups, g);
	uint64_t align;
	check_items(rc, &na->children, g, g->path, &g->span, &align);
	if (!na->children.len)
		DIAG_REPORT(rc, na->pos, E0214, "group '%s' holds no registers", g->name);
	uint64_t count, stride;
	if (!check_array(rc, na, g->span ? g->span : 1, &count, &stride))
		count = 1;
	g->count = count;
	g->stride = count > 1 ? stride : 0;
	/* Offsets inside a group are relative: the group's own offset and
	 * stride must keep its widest register aligned in the block. */
	if (g->offset % align)
		DIAG_REPORT(rc, na->offset.pos, E0208,
			    "group '%s' at offset 0x%llx misaligns its %llu-byte registers",
			    g->name, (unsigned long long)g->offset, (unsigned long long)align);
	else if (g->stride % align)
		DIAG_REPORT(rc, na->stride.pos, E0208,
			    "stride 0x%llx of group '%s' misaligns its %llu-byte registers",
			    (unsigned long long)g->stride, g->name, (unsigned long long)align);
	*out = (struct span_item){.offset = g->offset, .size = g->span ? g->span : 1,
				  .count = count, .stride = g->stride, .name = g->name,
				  .pos = g->pos, .readable = true, .writable = true,
				  .align = align};
}

/* Checks one level and returns the bytes its first elements cover and the
 * alignment its widest register needs. */
static void check_items(struct regs_checker *rc, const regs_node_list *items,
			const struct ir_group *group, const char *prefix, uint64_t *span,
			uint64_t *align)
{
	struct span_item *spans = malloc((items->len ? items->len : 1) * sizeof *spans);
	size_t n = 0;
	*span = 0;
	*align = 1;
	for (size_t i = 0; i < items->len; i++) {
		const struct regs_node_ast *na = items->items[i];
		if (!na->name.s || !na->offset.set)
			continue; /* reported by the loader */
		if (!check_c_name(rc->c, na->name, na->is_group ? "group" : "register"))
			continue;
		struct span_item *s = &spans[n++];
		if (na->is_group)
			add_group(rc, na, group, prefix, s);
		else
			add_register(rc, na, group, prefix, s);
		if (!extent_end(s->offset, s->count, s->stride, s->size, &s->end)) {
			report_past_last_address(rc, s->count > 1 ? na->count.pos : na->offset.pos,
						 na->is_group ? "group" : "register", s->name, s->offset,
						 s->count, s->stride, s->size);
			n--; /* no end to compare with others' */
			continue;
		}
		if (s->end > *span)
			*span = s->end;
		if (s->align > *align)
			*align = s->align;
	}
	check_overlaps(rc, spans, n);
	if (!group)
		for (size_t i = 0; i < n; i++)
			if (spans[i].end > rc->block->size)
				/* inclusive ranges, as E0203 gives them */
				DIAG_REPORT(rc, spans[i].pos, E0207,
					    "'%s' (bytes 0x%llx..0x%llx) reaches past the end of block "
					    "'%s' (bytes 0x0..0x%llx)",
					    spans[i].name, (unsigned long long)spans[i].offset,
					    (unsigned long long)(spans[i].end - 1), rc->block->name,
					    (unsigned long long)(rc->block->size - 1));
	free(spans);
}

/* ---- layout: a register borrowing another's fields ---- */

static size_t register_index(const struct regs_checker *rc, const struct ir_register *r)
{
	return (size_t)(uintptr_t)strmap_get(&rc->indices, r->path) - 1;
}

static void borrow_fields(struct regs_checker *rc, struct ir_register *r,
			  const struct ir_register *target, const struct regs_node_ast *na)
{
	r->layout_of = target;
	for (size_t i = 0; i < target->fields.len; i++) {
		struct ir_field f = target->fields.items[i];
		if (f.msb >= r->width) {
			DIAG_REPORT(rc, na->layout.pos, E0212,
				    "field '%s' of layout '%s' (bits %u:%u) does not fit the %u-bit "
				    "register '%s'",
				    f.name, target->name, f.msb, f.lsb, r->width, r->name);
			continue;
		}
		/* Positions, names and enums are borrowed; what a bit does on access
		 * is the borrowing register's (irq_raise is wo, irq_status ro). */
		f.access = r->access;
		f.is_volatile = r->is_volatile;
		f.has_reset = false;
		f.reset = 0;
		f.reg = r;
		vec_push(rc->c->arena, &r->fields, f);
	}
}

enum layout_state { LAYOUT_NEW, LAYOUT_VISITING, LAYOUT_DONE };

/* Resolves every layout of the block. A chain x -> y -> z is walked to its
 * end without recursion (a long chain must not exhaust the C stack), then
 * each register borrows from the next, last first; a chain that comes back
 * to itself is reported once, at the register where the walk entered it. */
static void resolve_layouts(struct regs_checker *rc)
{
	size_t n = rc->block->regs.len;
	enum layout_state *state = calloc(n ? n : 1, sizeof *state);
	size_t *path = malloc((n ? n : 1) * sizeof *path);
	for (size_t start = 0; start < n; start++) {
		size_t len = 0, cycle_at = SIZE_MAX;
		for (size_t j = start;;) {
			const struct regs_node_ast *na = rc->layout_asts.items[j];
			if (state[j] == LAYOUT_DONE || !na->layout.s || na->fields.len)
				break;
			if (state[j] == LAYOUT_VISITING) {
				cycle_at = j;
				break;
			}
			state[j] = LAYOUT_VISITING;
			path[len++] = j;
			const struct ir_register *target = strmap_get(&rc->paths, na->layout.s);
			if (!target) {
				const char *hint = NULL;
				if (diag_spend_hint(rc->c->diag, n)) {
					const char **names = malloc(n * sizeof *names);
					if (!names)
						abort();
					for (size_t i = 0; i < n; i++)
						names[i] = rc->block->regs.items[i]->path;
					hint = closest_word(na->layout.s, names, n);
					free(names);
				}
				DIAG_REPORT(rc, na->layout.pos, E0212,
					    "layout '%s' names no register of block '%s'%s%s%s",
					    na->layout.s, rc->block->name, hint ? "; did you mean '" : "",
					    hint ? hint : "", hint ? "'?" : "");
				break;
			}
			j = register_index(rc, target);
		}
		if (cycle_at != SIZE_MAX) {
			struct strbuf chain = {0};
			size_t k = 0;
			while (path[k] != cycle_at)
				k++;
			for (size_t i = k; i < len; i++)
				sb_printf(&chain, "%s -> ", rc->block->regs.items[path[i]]->name);
			sb_puts(&chain, rc->block->regs.items[cycle_at]->name);
			DIAG_REPORT(rc, rc->layout_asts.items[cycle_at]->layout.pos, E0212,
				    "layouts form a cycle: %s", sb_str(&chain));
			sb_free(&chain);
			for (size_t i = k; i < len; i++)
				state[path[i]] = LAYOUT_DONE;
			len = k;
		}
		while (len) {
			size_t j = path[--len];
			struct ir_register *r = rc->block->regs.items[j];
			const struct regs_node_ast *na = rc->layout_asts.items[j];
			const struct ir_register *target = strmap_get(&rc->paths, na->layout.s);
			if (target)
				borrow_fields(rc, r, target, na);
			state[j] = LAYOUT_DONE;
		}
	}
	free(path);
	free(state);
}

/* ---- the stage ---- */

static size_t count_registers(const regs_node_list *items)
{
	size_t n = 0;
	for (size_t i = 0; i < items->len; i++)
		n += items->items[i]->is_group ? count_registers(&items->items[i]->children) : 1;
	return n;
}

static void check_block(struct regs_checker *rc, const struct regs_block_ast *ba)
{
	struct arena *a = rc->c->arena;
	struct ir_block *b = NEW(a, struct ir_block);
	b->name = ba->name.s;
	b->doc = ba->doc;
	b->pos = ba->pos;
	b->space = ba->space.set ? (enum reg_space)ba->space.v : SPACE_MMIO;
	b->endian = ba->endian.set ? (enum reg_endian)ba->endian.v : ENDIAN_LITTLE;
	b->size = ba->size.v;
	b->device = rc->dev;
	if (ba->size.set && ba->size.v == 0)
		DIAG_REPORT(rc, ba->size.pos, E0217, "block '%s' has size 0", b->name);
	if (b->space == SPACE_IO && b->size > 0x10000)
		DIAG_REPORT(rc, ba->size.pos, E0217,
			    "I/O block '%s' is 0x%llx bytes; port space holds 0x10000",
			    b->name, (unsigned long long)b->size);
	else if (b->space == SPACE_CONFIG && b->size > 0x1000)
		DIAG_REPORT(rc, ba->size.pos, E0217,
			    "configuration-space block '%s' is 0x%llx bytes; a PCI function's "
			    "configuration space holds 0x1000",
			    b->name, (unsigned long long)b->size);
	struct regs_node_ast fake = {.name = ba->name, .count = ba->count, .stride = ba->stride};
	uint64_t count, stride;
	if (!check_array(rc, &fake, b->size ? b->size : 1, &count, &stride))
		count = 1;
	b->count = count;
	b->stride = count > 1 ? stride : 0;
	uint64_t extent;
	if (!extent_end(0, b->count, b->stride, b->size, &extent))
		report_past_last_address(rc, ba->count.pos, "block", b->name, 0, b->count, b->stride,
					 b->size);

	rc->block = b;
	size_t nregs = count_registers(&ba->items);
	strmap_init_sized(&rc->paths, a, nregs);
	strmap_init_sized(&rc->indices, a, nregs);
	rc->layout_asts.len = 0;
	uint64_t span, align;
	check_items(rc, &ba->items, NULL, NULL, &span, &align);
	resolve_layouts(rc);
	for (size_t i = 0; i < b->regs.len; i++)
		check_reset(rc, rc->layout_asts.items[i], b->regs.items[i]);
	vec_push(a, &rc->dev->blocks, b);
}

void check_regs(struct checker *c, struct regs_ast *const *files, size_t n)
{
	struct strmap devices;
	strmap_init(&devices, c->arena);
	for (size_t f = 0; f < n; f++) {
		const struct regs_ast *ast = files[f];
		struct regs_checker rc = {.c = c};
		if (!check_c_name(c, ast->device, "device"))
			continue;
		struct ir_device *dev = NEW(c->arena, struct ir_device);
		dev->name = ast->device.s;
		dev->doc = ast->doc;
		dev->pos = ast->device.pos;
		struct ir_device *prev = strmap_put(&devices, dev->name, dev);
		if (prev) {
			diag_report(c->diag, ast->device.pos, E0202, "device '%s' is described twice",
				    dev->name);
			diag_note(c->diag, prev->pos, "first described here");
			continue;
		}
		rc.dev = dev;
		struct strmap block_names;
		strmap_init(&block_names, c->arena);
		for (size_t i = 0; i < ast->blocks.len; i++) {
			const struct regs_block_ast *ba = ast->blocks.items[i];
			if (!check_c_name(c, ba->name, "block") || !ba->size.set)
				continue;
			const struct regs_block_ast *pb = strmap_put(&block_names, ba->name.s, (void *)ba);
			if (pb) {
				diag_report(c->diag, ba->name.pos, E0202,
					    "block '%s' is declared twice", ba->name.s);
				diag_note(c->diag, pb->name.pos, "first declared here");
				continue;
			}
			check_block(&rc, ba);
		}
		vec_push(c->arena, &c->ir->devices, dev);
	}
}
