// SPDX-License-Identifier: MIT
/* emit_json.c - the IR as JSON (`drvgen dump --json`): exactly what the
 * backends see. Masks, resets, IDs and labels are hex strings, so 64-bit
 * values survive JSON readers that hold numbers as doubles. */
#include "drvgen.h"
#include "ir.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>

static json_t *hex(uint64_t v, unsigned digits)
{
	char buf[32];
	snprintf(buf, sizeof buf, "0x%0*" PRIx64, (int)digits, v);
	return json_string(buf);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *pos(struct srcpos p)
{
	char buf[512];
	if (!p.src)
		return json_null();
	snprintf(buf, sizeof buf, "%s:%u:%u", p.src->path, p.line, p.col);
	return json_string(buf);
}

/* A JSON number where it fits a signed 64-bit integer (every value below
 * 2^63), else its decimal digits as a string: never a wrapped number. */
static json_t *value_json(uint64_t v, bool is_signed)
{
	if (is_signed || v <= INT64_MAX)
		return json_integer((json_int_t)(int64_t)v);
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return json_string(buf);
}

static void set(json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value);
}

/* ---- register maps ---- */

static json_t *field_json(const struct ir_field *f)
{
	json_t *o = json_object();
	set(o, "name", json_string(f->name));
	set(o, "pos", pos(f->pos));
	set(o, "lsb", json_integer(f->lsb));
	set(o, "msb", json_integer(f->msb));
	set(o, "mask", hex(f->mask, f->reg->width / 4));
	set(o, "access", json_string(access_info(f->access)->name));
	set(o, "volatile", json_boolean(f->is_volatile));
	set(o, "reset", f->has_reset ? hex(f->reset, 1) : json_null());
	json_t *enums = json_array();
	for (size_t i = 0; i < f->enums.len; i++) {
		json_t *e = json_object();
		set(e, "name", json_string(f->enums.items[i].name));
		set(e, "value", value_json(f->enums.items[i].value, false));
		json_array_append_new(enums, e);
	}
	set(o, "enum", enums);
	set(o, "doc", str_or_null(f->doc));
	return o;
}

static json_t *register_json(const struct ir_register *r)
{
	json_t *o = json_object();
	set(o, "name", json_string(r->name));
	set(o, "path", json_string(r->path));
	set(o, "c_name", json_string(r->c_name));
	set(o, "pos", pos(r->pos));
	set(o, "group", r->group ? json_string(r->group->path) : json_null());
	set(o, "offset", hex(r->offset, 1));
	set(o, "width", json_integer(r->width));
	set(o, "access", json_string(access_info(r->access)->name));
	set(o, "volatile", json_boolean(r->is_volatile));
	set(o, "reset", r->has_reset ? hex(r->reset, r->width / 4) : json_null());
	set(o, "reset_mask", r->has_reset ? hex(r->reset_mask, r->width / 4) : json_null());
	set(o, "count", json_integer((json_int_t)r->count));
	set(o, "stride", hex(r->stride, 1));
	set(o, "layout", r->layout_of ? json_string(r->layout_of->path) : json_null());
	set(o, "bank", str_or_null(r->bank));
	json_t *fields = json_array();
	for (size_t i = 0; i < r->fields.len; i++)
		json_array_append_new(fields, field_json(&r->fields.items[i]));
	set(o, "fields", fields);
	set(o, "doc", str_or_null(r->doc));
	return o;
}

static json_t *block_json(const struct ir_block *b)
{
	json_t *o = json_object();
	set(o, "name", json_string(b->name));
	set(o, "pos", pos(b->pos));
	set(o, "space", json_string(space_names[b->space]));
	set(o, "endian", json_string(b->endian == ENDIAN_BIG ? "big" : "little"));
	set(o, "size", hex(b->size, 1));
	set(o, "count", json_integer((json_int_t)b->count));
	set(o, "stride", hex(b->stride, 1));
	json_t *groups = json_array();
	for (size_t i = 0; i < b->groups.len; i++) {
		const struct ir_group *g = b->groups.items[i];
		json_t *go = json_object();
		set(go, "name", json_string(g->name));
		set(go, "path", json_string(g->path));
		set(go, "pos", pos(g->pos));
		set(go, "parent", g->parent ? json_string(g->parent->path) : json_null());
		set(go, "offset", hex(g->offset, 1));
		set(go, "count", json_integer((json_int_t)g->count));
		set(go, "stride", hex(g->stride, 1));
		set(go, "span", hex(g->span, 1));
		set(go, "doc", str_or_null(g->doc));
		json_array_append_new(groups, go);
	}
	set(o, "groups", groups);
	json_t *regs = json_array();
	for (size_t i = 0; i < b->regs.len; i++)
		json_array_append_new(regs, register_json(b->regs.items[i]));
	set(o, "registers", regs);
	set(o, "doc", str_or_null(b->doc));
	return o;
}

/* ---- protocols ---- */

static const char *const type_kinds[] = {
	[IR_VOID] = "void",   [IR_BOOL] = "bool",	[IR_U8] = "u8",	      [IR_U16] = "u16",
	[IR_U32] = "u32",     [IR_U64] = "u64",		[IR_I8] = "i8",	      [IR_I16] = "i16",
	[IR_I32] = "i32",     [IR_I64] = "i64",		[IR_ENUM] = "enum",   [IR_BITS] = "bits",
	[IR_ERROR] = "error", [IR_STRUCT] = "struct", [IR_ARRAY] = "array", [IR_VECTOR] = "vector",
	[IR_BYTES] = "bytes", [IR_STRING] = "str",
};

static json_t *type_json(const struct ir_type *t)
{
	json_t *o = json_object();
	set(o, "name", json_string(t->name));
	set(o, "kind", json_string(type_kinds[t->kind]));
	set(o, "pos", pos(t->pos));
	if (t->c_name)
		set(o, "c_name", json_string(t->c_name));
	if (t->base)
		set(o, t->kind == IR_ARRAY || t->kind == IR_VECTOR ? "element" : "underlying",
		    json_string(t->base->name));
	set(o, "size", json_integer(t->size));
	set(o, "align", json_integer(t->align));
	set(o, "max_size", json_integer(t->max_size));
	if (t->kind == IR_ENUM || t->kind == IR_BITS || t->kind == IR_ERROR || t->kind == IR_STRUCT) {
		json_t *members = json_array();
		for (size_t i = 0; i < t->members.len; i++) {
			const struct ir_member *m = &t->members.items[i];
			json_t *mo = json_object();
			set(mo, "name", json_string(m->name));
			if (t->kind == IR_STRUCT) {
				set(mo, "type", json_string(m->type->name));
				set(mo, "offset", json_integer(m->offset));
			} else {
				set(mo, "value", value_json(m->value, t->is_signed));
			}
			set(mo, "doc", str_or_null(m->doc));
			if (m->deprecated)
				set(mo, "deprecated", json_string(m->deprecated));
			if (m->since)
				set(mo, "since", json_integer(m->since));
			json_array_append_new(members, mo);
		}
		set(o, "members", members);
	}
	set(o, "doc", str_or_null(t->doc));
	if (t->deprecated)
		set(o, "deprecated", json_string(t->deprecated));
	if (t->since)
		set(o, "since", json_integer(t->since));
	return o;
}

static json_t *caps_json(const ir_cap_list *caps)
{
	static const char *const kinds[] = {"handle", "pages", "object"};
	json_t *a = json_array();
	for (size_t i = 0; i < caps->len; i++) {
		const struct ir_cap *c = &caps->items[i];
		json_t *o = json_object();
		set(o, "name", json_string(c->name));
		set(o, "kind", json_string(kinds[c->kind]));
		set(o, "variadic", json_boolean(c->variadic));
		if (c->iface)
			set(o, "interface", json_string(c->iface->name));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *method_json(const struct ir_method *m)
{
	static const char *const kinds[] = {"call", "send", "event"};
	json_t *o = json_object();
	set(o, "name", json_string(m->name));
	set(o, "kind", json_string(kinds[m->kind]));
	set(o, "pos", pos(m->pos));
	set(o, "interface", json_string(m->owner->name));
	set(o, "op", json_integer(m->op));
	if (m->idempotent)
		set(o, "idempotent", json_true());
	set(o, "label", hex(m->label, 12));
	set(o, "caps_in", caps_json(&m->caps_in));
	set(o, "caps_out", caps_json(&m->caps_out));
	json_t *params = json_array();
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		json_t *po = json_object();
		set(po, "name", json_string(p->name));
		set(po, "type", json_string(p->type->name));
		set(po, "offset", json_integer(p->offset));
		set(po, "doc", str_or_null(p->doc));
		if (p->deprecated)
			set(po, "deprecated", json_string(p->deprecated));
		if (p->since)
			set(po, "since", json_integer(p->since));
		json_array_append_new(params, po);
	}
	set(o, "params", params);
	if (m->kind == METHOD_CALL)
		set(o, "result", json_string(m->result->name));
	set(o, "error", m->error ? json_string(m->error->name) : json_null());
	set(o, "request_inline", json_integer(m->request_inline));
	set(o, "request_max", json_integer(m->request_max));
	set(o, "reply_inline", json_integer(m->reply_inline));
	set(o, "reply_max", json_integer(m->reply_max));
	set(o, "doc", str_or_null(m->doc));
	if (m->deprecated)
		set(o, "deprecated", json_string(m->deprecated));
	if (m->since)
		set(o, "since", json_integer(m->since));
	return o;
}

static json_t *names_json(const ir_interface_list *list)
{
	json_t *a = json_array();
	for (size_t i = 0; i < list->len; i++)
		json_array_append_new(a, json_string(list->items[i]->name));
	return a;
}

static json_t *interface_json(const struct ir_interface *i)
{
	json_t *o = json_object();
	set(o, "name", json_string(i->name));
	set(o, "c_name", json_string(i->c_name));
	set(o, "pos", pos(i->pos));
	set(o, "id", hex(i->id, 8));
	set(o, "id_explicit", json_boolean(i->id_explicit));
	set(o, "parents", names_json(&i->parents));
	json_t *methods = json_array();
	for (size_t k = 0; k < i->all_methods.len; k++)
		json_array_append_new(methods, method_json(i->all_methods.items[k]));
	set(o, "methods", methods);
	set(o, "doc", str_or_null(i->doc));
	if (i->deprecated)
		set(o, "deprecated", json_string(i->deprecated));
	if (i->since)
		set(o, "since", json_integer(i->since));
	return o;
}

/* ---- manifests ---- */

static json_t *capability_json(const struct ir_capability *c)
{
	json_t *o = json_object();
	set(o, "name", json_string(c->name));
	set(o, "kind", json_string(capability_words[c->kind]));
	set(o, "pos", pos(c->pos));
	switch (c->kind) {
	case CAPABILITY_MMIO:
		set(o, "bar", json_integer(c->bar));
		set(o, "offset", hex(c->offset, 1));
		set(o, "size", hex(c->size, 1));
		break;
	case CAPABILITY_IOPORT:
		if (c->in_bar) {
			set(o, "bar", json_integer(c->bar));
			set(o, "offset", hex(c->offset, 1));
		} else {
			set(o, "base", hex(c->base, 1));
		}
		set(o, "size", hex(c->size, 1));
		break;
	case CAPABILITY_CONFIG:
		if (c->capability)
			set(o, "capability", hex(c->capability, 2));
		else
			set(o, "offset", hex(c->offset, 1));
		set(o, "size", hex(c->size, 1));
		break;
	case CAPABILITY_IRQ:
		set(o, "irq_kind", json_string(irq_kind_words[c->irq_kind]));
		if (c->irq_kind == IRQ_LINE)
			set(o, "line", json_integer(c->line));
		if (c->irq_kind == IRQ_MSI || c->irq_kind == IRQ_MSIX)
			set(o, "vector", json_integer(c->vector));
		if (c->intx_fallback)
			set(o, "fallback", json_string("intx"));
		break;
	case CAPABILITY_DMA:
		if (c->streaming) {
			set(o, "streaming", json_true());
			set(o, "mappings", json_integer(c->mappings));
			set(o, "segments", json_integer(c->segments));
		} else {
			set(o, "size", hex(c->size, 1));
		}
		set(o, "address_bits", json_integer(c->address_bits));
		break;
	case CAPABILITY_TIMER:
		set(o, "interval_ns", c->interval_ns ? json_integer((json_int_t)c->interval_ns)
						     : json_null());
		break;
	}
	if (c->kind == CAPABILITY_MMIO || c->kind == CAPABILITY_IOPORT ||
	    c->kind == CAPABILITY_CONFIG)
		set(o, "block", c->block ? json_string(c->block->name) : json_null());
	set(o, "doc", str_or_null(c->doc));
	return o;
}

static json_t *driver_json(const struct ir_driver *d)
{
	json_t *o = json_object();
	set(o, "name", json_string(d->name));
	set(o, "pos", pos(d->pos));
	set(o, "version", str_or_null(d->version));
	json_t *devices = json_array();
	for (size_t i = 0; i < d->devices.len; i++)
		json_array_append_new(devices, json_string(d->devices.items[i]->name));
	set(o, "devices", devices);
	json_t *matches = json_array();
	for (size_t i = 0; i < d->matches.len; i++) {
		const struct ir_match *m = &d->matches.items[i];
		json_t *mo = json_object();
		if (m->kind == MATCH_PCI) {
			set(mo, "bus", json_string("pci"));
			set(mo, "vendor", hex(m->vendor, 4));
			set(mo, "device", hex(m->device, 4));
			if (m->subvendor != 0xffffffffu)
				set(mo, "subvendor", hex(m->subvendor, 4));
			if (m->subdevice != 0xffffffffu)
				set(mo, "subdevice", hex(m->subdevice, 4));
			if (m->class_mask) {
				set(mo, "class", hex(m->class_code, 6));
				set(mo, "class_mask", hex(m->class_mask, 6));
			}
		} else {
			set(mo, "bus", json_string("isa"));
			set(mo, "ioport", hex(m->ioport, 3));
		}
		json_array_append_new(matches, mo);
	}
	set(o, "match", matches);
	set(o, "provides", names_json(&d->provides));
	set(o, "services", names_json(&d->services));
	json_t *caps = json_array();
	for (size_t i = 0; i < d->caps.len; i++)
		json_array_append_new(caps, capability_json(&d->caps.items[i]));
	set(o, "capabilities", caps);
	set(o, "doc", str_or_null(d->doc));
	return o;
}

char *drvgen_ir_json(const struct ir *ir)
{
	static const char *const kinds[] = {"idl", "regs", "manifest"};
	json_t *root = json_object();
	json_t *sources = json_array();
	for (size_t i = 0; i < ir->sources.len; i++) {
		json_t *s = json_object();
		set(s, "path", json_string(ir->sources.items[i]->path));
		set(s, "kind", json_string(kinds[ir->sources.items[i]->kind]));
		set(s, "builtin", json_boolean(ir->sources.items[i]->builtin));
		json_array_append_new(sources, s);
	}
	set(root, "sources", sources);
	json_t *devices = json_array();
	for (size_t i = 0; i < ir->devices.len; i++) {
		const struct ir_device *d = ir->devices.items[i];
		json_t *o = json_object();
		set(o, "name", json_string(d->name));
		set(o, "pos", pos(d->pos));
		json_t *blocks = json_array();
		for (size_t b = 0; b < d->blocks.len; b++)
			json_array_append_new(blocks, block_json(d->blocks.items[b]));
		set(o, "blocks", blocks);
		set(o, "doc", str_or_null(d->doc));
		json_array_append_new(devices, o);
	}
	set(root, "devices", devices);
	json_t *types = json_array();
	for (size_t i = 0; i < ir->types.len; i++)
		json_array_append_new(types, type_json(ir->types.items[i]));
	set(root, "types", types);
	json_t *ifaces = json_array();
	for (size_t i = 0; i < ir->interfaces.len; i++)
		json_array_append_new(ifaces, interface_json(ir->interfaces.items[i]));
	set(root, "interfaces", ifaces);
	json_t *drivers = json_array();
	for (size_t i = 0; i < ir->drivers.len; i++)
		json_array_append_new(drivers, driver_json(ir->drivers.items[i]));
	set(root, "drivers", drivers);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(root);
	return text;
}
