// SPDX-License-Identifier: MIT
/* compat_regs.c - `drvgen compat` for register maps (docs/compat.md).
 *
 * For a register map, "the wire" is the bus: a change is wire-breaking when
 * an access a driver built from OLD makes now means something else to the
 * device (a register moved, resized, removed; a field's bits or access
 * changed). Devices and blocks match by name, registers by path within their
 * block, fields by name within their register; a register missing under its
 * name is looked for at the same place under another name (a rename), and
 * so is a field.
 */
#include "compat.h"

#include <string.h>

/* The offset of a register's first element from the start of its block. */
static uint64_t block_offset(const struct ir_register *r)
{
	uint64_t offset = r->offset;
	for (const struct ir_group *g = r->group; g; g = g->parent)
		offset += g->offset;
	return offset;
}

/* Changing access is harmless only when it adds reads or plain writes to a
 * register or field that had the other of the two. */
static enum compat_class access_change(enum reg_access o, enum reg_access n)
{
	if (o == n)
		return COMPAT_COMPATIBLE;
	return n == ACCESS_RW && (o == ACCESS_RO || o == ACCESS_WO) ? COMPAT_COMPATIBLE
								    : COMPAT_WIRE;
}

static const char *access_name(enum reg_access a)
{
	return access_info(a)->name;
}

static const struct ir_enum_value *value_named(const struct ir_field *f, const char *name)
{
	for (size_t i = 0; i < f->enums.len; i++)
		if (!strcmp(f->enums.items[i].name, name))
			return &f->enums.items[i];
	return NULL;
}

static void compare_field_values(struct compat *c, const char *field, const struct ir_field *o,
				 const struct ir_field *n)
{
	bool *renamed_to = arena_alloc(c->arena, n->enums.len + 1);
	bool writable = access_info(o->access)->write != WRITE_NONE;
	for (size_t i = 0; i < o->enums.len; i++) {
		const struct ir_enum_value *ov = &o->enums.items[i];
		const char *subject = arena_printf(c->arena, "%s.%s", field, ov->name);
		const struct ir_enum_value *nv = value_named(n, ov->name);
		if (nv) {
			if (nv->value != ov->value)
				compat_report(c, COMPAT_WIRE, "field-value-changed", subject,
					      ov->pos, nv->pos, "value %llu -> %llu",
					      (unsigned long long)ov->value,
					      (unsigned long long)nv->value);
			continue;
		}
		size_t k = 0;
		while (k < n->enums.len && (n->enums.items[k].value != ov->value || renamed_to[k] ||
					    value_named(o, n->enums.items[k].name)))
			k++;
		if (k < n->enums.len) {
			renamed_to[k] = true;
			compat_report(c, COMPAT_SOURCE, "field-value-renamed", subject, ov->pos,
				      n->enums.items[k].pos, "renamed %s, the same value %llu",
				      n->enums.items[k].name, (unsigned long long)ov->value);
		} else {
			compat_report(
				c, writable ? COMPAT_WIRE : COMPAT_SOURCE, "field-value-removed",
				subject, ov->pos, (struct srcpos){0}, "removed%s",
				writable ? ": drivers built from OLD may still write it" : "");
		}
	}
	for (size_t k = 0; k < n->enums.len; k++)
		if (!renamed_to[k] && !value_named(o, n->enums.items[k].name))
			compat_report(
				c, COMPAT_COMPATIBLE, "field-value-added",
				arena_printf(c->arena, "%s.%s", field, n->enums.items[k].name),
				(struct srcpos){0}, n->enums.items[k].pos, "added (%llu)",
				(unsigned long long)n->enums.items[k].value);
}

static const struct ir_field *field_named(const struct ir_register *r, const char *name)
{
	for (size_t i = 0; i < r->fields.len; i++)
		if (!strcmp(r->fields.items[i].name, name))
			return &r->fields.items[i];
	return NULL;
}

static void compare_field(struct compat *c, const char *subject, const struct ir_field *o,
			  const struct ir_field *n)
{
	if (o->lsb != n->lsb || o->msb != n->msb)
		compat_report(c, COMPAT_WIRE, "field-bits-changed", subject, o->pos, n->pos,
			      "bits %u:%u -> %u:%u", o->msb, o->lsb, n->msb, n->lsb);
	enum compat_class access = access_change(o->access, n->access);
	if (o->access != n->access)
		compat_report(c, access, "field-access-changed", subject, o->pos, n->pos,
			      "%s -> %s", access_name(o->access), access_name(n->access));
	compare_field_values(c, subject, o, n);
}

static void compare_fields(struct compat *c, const char *reg, const struct ir_register *o,
			   const struct ir_register *n)
{
	bool *renamed_to = arena_alloc(c->arena, n->fields.len + 1);
	for (size_t i = 0; i < o->fields.len; i++) {
		const struct ir_field *of = &o->fields.items[i];
		const char *subject = arena_printf(c->arena, "%s.%s", reg, of->name);
		const struct ir_field *nf = field_named(n, of->name);
		if (nf) {
			compare_field(c, subject, of, nf);
			continue;
		}
		size_t k = 0;
		while (k < n->fields.len &&
		       (n->fields.items[k].lsb != of->lsb || n->fields.items[k].msb != of->msb ||
			renamed_to[k] || field_named(o, n->fields.items[k].name)))
			k++;
		if (k < n->fields.len) {
			renamed_to[k] = true;
			compat_report(c, COMPAT_SOURCE, "field-renamed", subject, of->pos,
				      n->fields.items[k].pos, "renamed %s, the same bits %u:%u",
				      n->fields.items[k].name, of->msb, of->lsb);
			compare_field(c, subject, of, &n->fields.items[k]);
		} else {
			compat_report(c, COMPAT_WIRE, "field-removed", subject, of->pos, n->pos,
				      "removed: bits %u:%u are reserved now", of->msb, of->lsb);
		}
	}
	for (size_t k = 0; k < n->fields.len; k++)
		if (!renamed_to[k] && !field_named(o, n->fields.items[k].name))
			compat_report(c, COMPAT_COMPATIBLE, "field-added",
				      arena_printf(c->arena, "%s.%s", reg, n->fields.items[k].name),
				      o->pos, n->fields.items[k].pos, "added at bits %u:%u",
				      n->fields.items[k].msb, n->fields.items[k].lsb);
}

static void compare_register(struct compat *c, const char *subject, const struct ir_register *o,
			     const struct ir_register *n)
{
	uint64_t o_at = block_offset(o), n_at = block_offset(n);
	if (o_at != n_at)
		compat_report(c, COMPAT_WIRE, "register-moved", subject, o->pos, n->pos,
			      "offset 0x%llx -> 0x%llx", (unsigned long long)o_at,
			      (unsigned long long)n_at);
	if (o->width != n->width)
		compat_report(c, COMPAT_WIRE, "register-width-changed", subject, o->pos, n->pos,
			      "%u -> %u bits", o->width, n->width);
	if (o->access != n->access)
		compat_report(c, access_change(o->access, n->access), "register-access-changed",
			      subject, o->pos, n->pos, "%s -> %s", access_name(o->access),
			      access_name(n->access));
	if (o->count != n->count)
		compat_report(c, n->count < o->count ? COMPAT_WIRE : COMPAT_COMPATIBLE,
			      "register-count-changed", subject, o->pos, n->pos,
			      "%llu -> %llu elements", (unsigned long long)o->count,
			      (unsigned long long)n->count);
	if (o->count > 1 && n->count > 1 && o->stride != n->stride)
		compat_report(c, COMPAT_WIRE, "register-stride-changed", subject, o->pos, n->pos,
			      "stride 0x%llx -> 0x%llx", (unsigned long long)o->stride,
			      (unsigned long long)n->stride);
	if (o->has_reset != n->has_reset || (o->reset ^ n->reset) & o->reset_mask & n->reset_mask)
		compat_report(c, COMPAT_COMPATIBLE, "register-reset-changed", subject, o->pos,
			      n->pos, "reset value changed");
	compare_fields(c, subject, o, n);
}

/* A block's registers by path: blocks can hold 100k registers. */
typedef VEC(size_t) index_list;

static const char *offset_key(struct compat *c, const struct ir_register *r)
{
	return arena_printf(c->arena, "%llx", (unsigned long long)block_offset(r));
}

static void index_registers(struct arena *a, struct strmap *m, const struct ir_block *b)
{
	strmap_init_sized(m, a, b->regs.len);
	for (size_t i = 0; i < b->regs.len; i++)
		strmap_put(m, b->regs.items[i]->path, b->regs.items[i]);
}

static void compare_block(struct compat *c, const char *subject, const struct ir_block *o,
			  const struct ir_block *n)
{
	static const char *const endians[] = {"little", "big"};
	if (o->space != n->space)
		compat_report(c, COMPAT_WIRE, "block-space-changed", subject, o->pos, n->pos,
			      "%s -> %s", space_names[o->space], space_names[n->space]);
	if (o->endian != n->endian)
		compat_report(c, COMPAT_WIRE, "block-endian-changed", subject, o->pos, n->pos,
			      "%s -> %s endian", endians[o->endian], endians[n->endian]);
	if (o->size != n->size)
		compat_report(c, n->size < o->size ? COMPAT_WIRE : COMPAT_COMPATIBLE,
			      "block-size-changed", subject, o->pos, n->pos,
			      "size 0x%llx -> 0x%llx", (unsigned long long)o->size,
			      (unsigned long long)n->size);
	if (o->count != n->count)
		compat_report(c, n->count < o->count ? COMPAT_WIRE : COMPAT_COMPATIBLE,
			      "block-count-changed", subject, o->pos, n->pos, "%llu -> %llu copies",
			      (unsigned long long)o->count, (unsigned long long)n->count);
	if (o->count > 1 && n->count > 1 && o->stride != n->stride)
		compat_report(c, COMPAT_WIRE, "block-stride-changed", subject, o->pos, n->pos,
			      "stride 0x%llx -> 0x%llx", (unsigned long long)o->stride,
			      (unsigned long long)n->stride);

	struct strmap old_regs, new_regs;
	index_registers(c->arena, &old_regs, o);
	index_registers(c->arena, &new_regs, n);
	bool *renamed_to = arena_alloc(c->arena, n->regs.len + 1);
	/* Where a register OLD had and NEW lacks by name is looked for: NEW's
	 * registers OLD lacks by name, by offset (a map, so a map of renames
	 * compares in linear time). */
	struct strmap unmatched;
	strmap_init(&unmatched, c->arena);
	for (size_t k = 0; k < n->regs.len; k++) {
		if (strmap_get(&old_regs, n->regs.items[k]->path))
			continue;
		const char *key = offset_key(c, n->regs.items[k]);
		index_list *l = strmap_get(&unmatched, key);
		if (!l) {
			l = arena_alloc(c->arena, sizeof *l);
			*l = (index_list){0};
			strmap_put(&unmatched, key, l);
		}
		vec_push(c->arena, l, k);
	}
	for (size_t i = 0; i < o->regs.len; i++) {
		const struct ir_register *o_reg = o->regs.items[i];
		const char *reg = arena_printf(c->arena, "%s.%s", subject, o_reg->path);
		const struct ir_register *n_reg = strmap_get(&new_regs, o_reg->path);
		if (n_reg) {
			compare_register(c, reg, o_reg, n_reg);
			continue;
		}
		size_t k = n->regs.len;
		const index_list *at = strmap_get(&unmatched, offset_key(c, o_reg));
		for (size_t j = 0; at && j < at->len && k == n->regs.len; j++) {
			const struct ir_register *r = n->regs.items[at->items[j]];
			if (r->width == o_reg->width && !renamed_to[at->items[j]] &&
			    (r->bank == o_reg->bank ||
			     (r->bank && o_reg->bank && !strcmp(r->bank, o_reg->bank))))
				k = at->items[j];
		}
		if (k < n->regs.len) {
			renamed_to[k] = true;
			compat_report(c, COMPAT_SOURCE, "register-renamed", reg, o_reg->pos,
				      n->regs.items[k]->pos, "renamed %s, the same offset 0x%llx",
				      n->regs.items[k]->path,
				      (unsigned long long)block_offset(o_reg));
			compare_register(c, reg, o_reg, n->regs.items[k]);
		} else {
			compat_report(c, COMPAT_WIRE, "register-removed", reg, o_reg->pos,
				      (struct srcpos){0}, "removed (offset 0x%llx)",
				      (unsigned long long)block_offset(o_reg));
		}
	}
	for (size_t k = 0; k < n->regs.len; k++)
		if (!renamed_to[k] && !strmap_get(&old_regs, n->regs.items[k]->path))
			compat_report(
				c, COMPAT_COMPATIBLE, "register-added",
				arena_printf(c->arena, "%s.%s", subject, n->regs.items[k]->path),
				(struct srcpos){0}, n->regs.items[k]->pos, "added at offset 0x%llx",
				(unsigned long long)block_offset(n->regs.items[k]));
}

static const struct ir_block *block_named(const struct ir_device *d, const char *name)
{
	for (size_t i = 0; i < d->blocks.len; i++)
		if (!strcmp(d->blocks.items[i]->name, name))
			return d->blocks.items[i];
	return NULL;
}

static const struct ir_device *device_named(const struct ir *ir, const char *name)
{
	for (size_t i = 0; i < ir->devices.len; i++)
		if (!strcmp(ir->devices.items[i]->name, name))
			return ir->devices.items[i];
	return NULL;
}

void compat_regs(struct compat *c)
{
	for (size_t i = 0; i < c->old->devices.len; i++) {
		const struct ir_device *od = c->old->devices.items[i];
		const struct ir_device *nd = device_named(c->new, od->name);
		if (!nd) {
			compat_report(c, COMPAT_WIRE, "device-removed", od->name, od->pos,
				      (struct srcpos){0}, "register map removed");
			continue;
		}
		for (size_t k = 0; k < od->blocks.len; k++) {
			const struct ir_block *ob = od->blocks.items[k];
			const char *subject = arena_printf(c->arena, "%s.%s", od->name, ob->name);
			const struct ir_block *nb = block_named(nd, ob->name);
			if (nb)
				compare_block(c, subject, ob, nb);
			else
				compat_report(c, COMPAT_WIRE, "block-removed", subject, ob->pos,
					      (struct srcpos){0}, "block removed");
		}
		for (size_t k = 0; k < nd->blocks.len; k++)
			if (!block_named(od, nd->blocks.items[k]->name))
				compat_report(c, COMPAT_COMPATIBLE, "block-added",
					      arena_printf(c->arena, "%s.%s", nd->name,
							   nd->blocks.items[k]->name),
					      (struct srcpos){0}, nd->blocks.items[k]->pos,
					      "block added");
	}
	for (size_t i = 0; i < c->new->devices.len; i++)
		if (!device_named(c->old, c->new->devices.items[i]->name))
			compat_report(c, COMPAT_COMPATIBLE, "device-added",
				      c->new->devices.items[i]->name, (struct srcpos){0},
				      c->new->devices.items[i]->pos, "register map added");
}
