// SPDX-License-Identifier: MIT
/* compat.c - `drvgen compat OLD NEW`: loads and checks both versions with
 * the usual pipeline, compares their protocols (here) and register maps
 * (compat_regs.c), and reports each change as compatible, source-breaking or
 * wire-breaking, as text or JSON. docs/compat.md states every rule; the
 * rule names reported here are the ones it lists.
 *
 * Items are matched by name; an item missing on one side is looked for
 * under another name at the same wire position (an interface by ID, a
 * method by op, an enum value by value, a struct field by offset) before it
 * counts as removed, so a rename reads as a rename.
 */
#include "compat.h"
#include "drvgen.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const class_names[COMPAT_CLASS_COUNT] = {"compatible", "source-breaking",
							    "wire-breaking"};

const char *compat_class_name(enum compat_class cls)
{
	return class_names[cls];
}

void compat_report(struct compat *c, enum compat_class cls, const char *rule, const char *subject,
		   struct srcpos old_pos, struct srcpos new_pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *text = arena_vprintf(c->arena, fmt, ap);
	va_end(ap);
	struct compat_change change = {
		.cls = cls,
		.impl = cls,
		.rule = rule,
		.subject = subject,
		.message = arena_printf(c->arena, "%s: %s", subject, text),
		.old_pos = old_pos,
		.new_pos = new_pos,
	};
	vec_push(c->arena, &c->changes, change);
}

void compat_implementations_break(struct compat *c, const char *why)
{
	struct compat_change *last = &c->changes.items[c->changes.len - 1];
	if (last->impl < COMPAT_SOURCE) {
		last->impl = COMPAT_SOURCE;
		last->impl_why = why;
	}
}

/* ---- which way each type travels ---- */

enum { TO_SERVER = 1, TO_CLIENT = 2 };

struct protocols {
	struct compat *c;
	struct strmap directions; /* qualified type name -> unsigned TO_* bits, both versions */
	struct strmap old_types, new_types, old_ifaces, new_ifaces; /* by qualified name */
};

static void mark_type(struct protocols *p, const struct ir_type *t, unsigned dir)
{
	if (!t)
		return;
	if (t->ns) {
		unsigned *bits = strmap_get(&p->directions, t->name);
		if (!bits) {
			bits = NEW(p->c->arena, unsigned);
			strmap_put(&p->directions, t->name, bits);
		}
		if ((*bits & dir) == dir)
			return;
		*bits |= dir;
	}
	if (t->kind == IR_STRUCT)
		for (size_t i = 0; i < t->members.len; i++)
			mark_type(p, t->members.items[i].type, dir);
	else
		mark_type(p, t->base, dir);
}

static unsigned params_direction(const struct ir_method *m)
{
	return m->kind == METHOD_EVENT ? TO_CLIENT : TO_SERVER;
}

static void mark_directions(struct protocols *p, const struct ir *ir)
{
	for (size_t i = 0; i < ir->interfaces.len; i++) {
		const struct ir_interface *iface = ir->interfaces.items[i];
		for (size_t k = 0; k < iface->methods.len; k++) {
			const struct ir_method *m = iface->methods.items[k];
			for (size_t a = 0; a < m->params.len; a++)
				mark_type(p, m->params.items[a].type, params_direction(m));
			mark_type(p, m->result, TO_CLIENT);
			mark_type(p, m->error, TO_CLIENT);
		}
	}
}

static unsigned direction(struct protocols *p, const struct ir_type *t)
{
	const unsigned *bits = strmap_get(&p->directions, t->name);
	return bits ? *bits : 0;
}

/* ---- types ---- */

static const struct ir_member *member_named(const struct ir_type *t, const char *name)
{
	for (size_t i = 0; i < t->members.len; i++)
		if (!strcmp(t->members.items[i].name, name))
			return &t->members.items[i];
	return NULL;
}

static bool same_wire(const struct ir_type *a, const struct ir_type *b);

static bool same_values(const struct ir_type *a, const struct ir_type *b)
{
	if (a->members.len != b->members.len)
		return false;
	for (size_t i = 0; i < a->members.len; i++) {
		bool found = false;
		for (size_t k = 0; k < b->members.len && !found; k++)
			found = a->members.items[i].value == b->members.items[k].value;
		if (!found)
			return false;
	}
	return true;
}

/* The two types put the same bytes on the wire and accept the same ones;
 * names aside. */
static bool same_wire(const struct ir_type *a, const struct ir_type *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->size != b->size || a->align != b->align ||
	    a->is_signed != b->is_signed || a->bound != b->bound || a->max_size != b->max_size)
		return false;
	switch (a->kind) {
	case IR_ENUM:
	case IR_BITS:
	case IR_ERROR:
		return same_values(a, b) && same_wire(a->base, b->base);
	case IR_STRUCT:
		if (a->members.len != b->members.len)
			return false;
		for (size_t i = 0; i < a->members.len; i++)
			if (a->members.items[i].offset != b->members.items[i].offset ||
			    !same_wire(a->members.items[i].type, b->members.items[i].type))
				return false;
		return true;
	case IR_ARRAY:
	case IR_VECTOR:
		return same_wire(a->base, b->base);
	default:
		return true;
	}
}

/* One place a type is used (a parameter, a result, a struct field) in both
 * versions. A declared type that keeps its name is compared where it is
 * declared (compare_type); here only a change of type, or of an inline
 * type's bound, counts. */
static void compare_use(struct protocols *p, const char *subject, const char *what,
			const struct ir_type *o, const struct ir_type *n, unsigned dir,
			struct srcpos op, struct srcpos np)
{
	struct compat *c = p->c;
	if (o->ns && n->ns && !strcmp(o->name, n->name))
		return;
	if (o->ns || n->ns || o->kind != n->kind || o->size != n->size ||
	    o->is_signed != n->is_signed || (o->kind == IR_ARRAY && o->bound != n->bound)) {
		if (same_wire(o, n))
			compat_report(c, COMPAT_SOURCE, "type-changed", subject, op, np,
				      "%s: type %s -> %s, the same on the wire but not in C", what,
				      o->name, n->name);
		else
			compat_report(c, COMPAT_WIRE, "type-changed", subject, op, np,
				      "%s: type %s -> %s", what, o->name, n->name);
		return;
	}
	if (o->kind == IR_VECTOR || o->kind == IR_BYTES || o->kind == IR_STRING) {
		if (n->bound < o->bound)
			compat_report(
				c, dir & TO_SERVER ? COMPAT_WIRE : COMPAT_COMPATIBLE,
				"bound-narrowed", subject, op, np, "%s: at most %llu -> %llu%s",
				what, (unsigned long long)o->bound, (unsigned long long)n->bound,
				dir & TO_SERVER
					? ": servers built from NEW refuse longer requests that "
					  "clients built from OLD may send"
					: "");
		else if (n->bound > o->bound)
			compat_report(c, dir & TO_CLIENT ? COMPAT_WIRE : COMPAT_COMPATIBLE,
				      "bound-widened", subject, op, np,
				      "%s: at most %llu -> %llu%s", what,
				      (unsigned long long)o->bound, (unsigned long long)n->bound,
				      dir & TO_CLIENT
					      ? ": clients built from OLD refuse the longer "
						"replies or events servers built from NEW may send"
					      : "");
	}
	if (o->kind == IR_ARRAY || o->kind == IR_VECTOR)
		compare_use(p, subject, arena_printf(c->arena, "%s (elements)", what), o->base,
			    n->base, dir, op, np);
}

static const char *since_note(struct compat *c, unsigned since, unsigned old_version)
{
	if (!old_version || since > old_version)
		return "";
	return arena_printf(c->arena, "; mark it @since(%u), OLD being at version %u",
			    old_version + 1, old_version);
}

/* The newest @since of a type and its members, 0 if it uses none. */
static unsigned type_version(const struct ir_type *t)
{
	unsigned v = t->since;
	for (size_t i = 0; i < t->members.len; i++)
		if (t->members.items[i].since > v)
			v = t->members.items[i].since;
	return v;
}

static void compare_values(struct protocols *p, const struct ir_type *o, const struct ir_type *n,
			   unsigned dir)
{
	struct compat *c = p->c;
	bool *renamed_to = arena_alloc(c->arena, n->members.len + 1);
	for (size_t i = 0; i < o->members.len; i++) {
		const struct ir_member *om = &o->members.items[i];
		const char *subject = arena_printf(c->arena, "%s.%s", o->name, om->name);
		const struct ir_member *nm = member_named(n, om->name);
		if (nm) {
			if (nm->value != om->value)
				compat_report(c, dir ? COMPAT_WIRE : COMPAT_SOURCE, "value-changed",
					      subject, om->pos, nm->pos, "value %lld -> %lld",
					      (long long)om->value, (long long)nm->value);
			if (nm->deprecated && !om->deprecated)
				compat_report(c, COMPAT_COMPATIBLE, "deprecated", subject, om->pos,
					      nm->pos, "deprecated: %s", nm->deprecated);
			continue;
		}
		size_t k = 0;
		while (k < n->members.len &&
		       (n->members.items[k].value != om->value || renamed_to[k] ||
			member_named(o, n->members.items[k].name)))
			k++;
		if (k < n->members.len) {
			renamed_to[k] = true;
			compat_report(c, COMPAT_SOURCE, "value-renamed", subject, om->pos,
				      n->members.items[k].pos, "renamed %s, the same value %lld",
				      n->members.items[k].name, (long long)om->value);
			continue;
		}
		const char *deprecated = om->deprecated ? om->deprecated : o->deprecated;
		if (deprecated)
			compat_report(c, COMPAT_SOURCE, "value-removed", subject, om->pos,
				      (struct srcpos){0}, "removed, deprecated in OLD (%s)",
				      deprecated);
		else if (dir & TO_SERVER)
			compat_report(
				c, COMPAT_WIRE, "value-removed", subject, om->pos,
				(struct srcpos){0},
				"removed: servers built from NEW refuse it from clients built from "
				"OLD");
		else
			compat_report(c, COMPAT_SOURCE, "value-removed", subject, om->pos,
				      (struct srcpos){0}, "removed");
	}
	unsigned version = type_version(o);
	for (size_t k = 0; k < n->members.len; k++) {
		const struct ir_member *nm = &n->members.items[k];
		if (renamed_to[k] || member_named(o, nm->name))
			continue;
		const char *subject = arena_printf(c->arena, "%s.%s", n->name, nm->name);
		compat_report(c, dir & TO_CLIENT ? COMPAT_WIRE : COMPAT_COMPATIBLE, "value-added",
			      subject, (struct srcpos){0}, nm->pos, "added (%lld)%s%s",
			      (long long)nm->value,
			      dir & TO_CLIENT
				      ? ": clients built from OLD refuse it in a reply or event"
				      : "",
			      since_note(c, nm->since, version));
	}
}

static const struct ir_member *field_at(const struct ir_type *t, uint32_t offset)
{
	for (size_t i = 0; i < t->members.len; i++)
		if (t->members.items[i].offset == offset)
			return &t->members.items[i];
	return NULL;
}

static void compare_fields(struct protocols *p, const struct ir_type *o, const struct ir_type *n,
			   unsigned dir)
{
	struct compat *c = p->c;
	bool *renamed_to = arena_alloc(c->arena, n->members.len + 1);
	for (size_t i = 0; i < o->members.len; i++) {
		const struct ir_member *of = &o->members.items[i];
		const char *subject = arena_printf(c->arena, "%s.%s", o->name, of->name);
		const struct ir_member *nf = member_named(n, of->name);
		if (!nf) {
			nf = field_at(n, of->offset);
			if (nf && !member_named(o, nf->name) && same_wire(of->type, nf->type)) {
				renamed_to[nf - n->members.items] = true;
				compat_report(c, COMPAT_SOURCE, "struct-field-renamed", subject,
					      of->pos, nf->pos, "renamed %s", nf->name);
			} else {
				compat_report(c, dir ? COMPAT_WIRE : COMPAT_SOURCE,
					      "struct-field-removed", subject, of->pos,
					      (struct srcpos){0}, "removed%s",
					      dir ? ": the struct's layout changes" : "");
			}
			continue;
		}
		if (nf->offset != of->offset)
			compat_report(c, dir ? COMPAT_WIRE : COMPAT_COMPATIBLE,
				      "struct-field-moved", subject, of->pos, nf->pos,
				      "offset %u -> %u", of->offset, nf->offset);
		compare_use(p, subject, "field", of->type, nf->type, dir, of->pos, nf->pos);
	}
	for (size_t k = 0; k < n->members.len; k++) {
		const struct ir_member *nf = &n->members.items[k];
		if (renamed_to[k] || member_named(o, nf->name))
			continue;
		compat_report(c, dir ? COMPAT_WIRE : COMPAT_COMPATIBLE, "struct-field-added",
			      arena_printf(c->arena, "%s.%s", n->name, nf->name),
			      (struct srcpos){0}, nf->pos, "added%s",
			      dir ? ": the struct's layout changes" : "");
	}
}

static const char *const kind_names[] = {
	[IR_ENUM] = "enum",
	[IR_BITS] = "bits",
	[IR_ERROR] = "error",
	[IR_STRUCT] = "struct",
};

/* A declared type in both versions, under one name. Its changes matter on
 * the wire when some method of either version sends it. */
static void compare_type(struct protocols *p, const struct ir_type *o, const struct ir_type *n)
{
	struct compat *c = p->c;
	unsigned dir = direction(p, o);
	if (o->kind != n->kind) {
		compat_report(c, dir ? COMPAT_WIRE : COMPAT_SOURCE, "type-kind-changed", o->name,
			      o->pos, n->pos, "%s -> %s", kind_names[o->kind], kind_names[n->kind]);
		return;
	}
	if (n->deprecated && !o->deprecated)
		compat_report(c, COMPAT_COMPATIBLE, "deprecated", o->name, o->pos, n->pos,
			      "deprecated: %s", n->deprecated);
	if (o->kind == IR_STRUCT) {
		compare_fields(p, o, n, dir);
		return;
	}
	if (o->base && n->base && !same_wire(o->base, n->base))
		compat_report(c, dir ? COMPAT_WIRE : COMPAT_SOURCE, "underlying-changed", o->name,
			      o->pos, n->pos, "underlying type %s -> %s", o->base->name,
			      n->base->name);
	compare_values(p, o, n, dir);
}

static void compare_types(struct protocols *p)
{
	struct compat *c = p->c;
	for (size_t i = 0; i < c->old->types.len; i++) {
		const struct ir_type *o = c->old->types.items[i];
		const struct ir_type *n = strmap_get(&p->new_types, o->name);
		if (n)
			compare_type(p, o, n);
		else
			compat_report(c, COMPAT_SOURCE, "type-removed", o->name, o->pos,
				      (struct srcpos){0}, "%s removed%s", kind_names[o->kind],
				      o->deprecated ? " (deprecated in OLD)" : "");
	}
	for (size_t i = 0; i < c->new->types.len; i++) {
		const struct ir_type *n = c->new->types.items[i];
		if (!strmap_get(&p->old_types, n->name))
			compat_report(c, COMPAT_COMPATIBLE, "type-added", n->name,
				      (struct srcpos){0}, n->pos, "%s added", kind_names[n->kind]);
	}
}

/* ---- methods ---- */

static const char *const method_kinds[] = {"call", "send", "event"};

static bool same_caps(const ir_cap_list *a, const ir_cap_list *b)
{
	if (a->len != b->len)
		return false;
	for (size_t i = 0; i < a->len; i++) {
		const struct ir_cap *x = &a->items[i], *y = &b->items[i];
		if (x->kind != y->kind || x->variadic != y->variadic ||
		    (x->iface && y->iface && strcmp(x->iface->name, y->iface->name)) ||
		    !x->iface != !y->iface)
			return false;
	}
	return true;
}

static void compare_method(struct protocols *p, const char *subject, const struct ir_method *o,
			   const struct ir_method *n, bool id_changed)
{
	struct compat *c = p->c;
	if (o->kind != n->kind) {
		compat_report(c, COMPAT_WIRE, "method-kind-changed", subject, o->pos, n->pos,
			      "%s -> %s", method_kinds[o->kind], method_kinds[n->kind]);
		return;
	}
	if (!id_changed && o->label != n->label)
		compat_report(
			c, COMPAT_WIRE, "label-changed", subject, o->pos, n->pos,
			"label 0x%llx -> 0x%llx (op %u -> %u: a method was inserted, removed or "
			"moved before it; @op(%u) keeps the old label)",
			(unsigned long long)o->label, (unsigned long long)n->label, o->op, n->op,
			o->op);
	if (!same_caps(&o->caps_in, &n->caps_in) || !same_caps(&o->caps_out, &n->caps_out))
		compat_report(c, COMPAT_WIRE, "caps-changed", subject, o->pos, n->pos,
			      "the capabilities it passes changed");
	unsigned dir = params_direction(o);
	size_t common = o->params.len < n->params.len ? o->params.len : n->params.len;
	for (size_t i = 0; i < common; i++) {
		const struct ir_param *op = &o->params.items[i], *np = &n->params.items[i];
		const char *what = arena_printf(c->arena, "parameter %zu (%s)", i + 1, op->name);
		if (strcmp(op->name, np->name))
			compat_report(c, COMPAT_COMPATIBLE, "param-renamed", subject, op->pos,
				      np->pos, "%s renamed %s", what, np->name);
		compare_use(p, subject, what, op->type, np->type, dir, op->pos, np->pos);
	}
	for (size_t i = common; i < o->params.len; i++)
		compat_report(c, COMPAT_WIRE, "param-removed", subject, o->params.items[i].pos,
			      n->pos, "parameter %zu (%s) removed", i + 1, o->params.items[i].name);
	for (size_t i = common; i < n->params.len; i++)
		compat_report(c, COMPAT_WIRE, "param-added", subject, o->pos,
			      n->params.items[i].pos, "parameter %zu (%s) added", i + 1,
			      n->params.items[i].name);
	if (o->result && n->result)
		compare_use(p, subject, "result", o->result, n->result, TO_CLIENT, o->pos, n->pos);
	if (!o->error && n->error)
		compat_report(
			c, COMPAT_WIRE, "error-type-changed", subject, o->pos, n->pos,
			"now fails with %s: clients built from OLD take its codes for bad replies",
			n->error->name);
	else if (o->error && !n->error)
		compat_report(c, COMPAT_SOURCE, "error-type-changed", subject, o->pos, n->pos,
			      "no longer fails with %s", o->error->name);
	else if (o->error)
		compare_use(p, subject, "error type", o->error, n->error, TO_CLIENT, o->pos,
			    n->pos);
	if (n->deprecated && !o->deprecated)
		compat_report(c, COMPAT_COMPATIBLE, "deprecated", subject, o->pos, n->pos,
			      "deprecated: %s", n->deprecated);
}

static const struct ir_method *method_named(const struct ir_interface *i, const char *name)
{
	for (size_t k = 0; k < i->methods.len; k++)
		if (!strcmp(i->methods.items[k]->name, name))
			return i->methods.items[k];
	return NULL;
}

/* The newest @since of an interface and its methods, 0 if it uses none. */
static unsigned interface_version(const struct ir_interface *i)
{
	unsigned v = i->since;
	for (size_t k = 0; k < i->methods.len; k++)
		if (i->methods.items[k]->since > v)
			v = i->methods.items[k]->since;
	return v;
}

/* Whether a server of i defines a handler for some method (events have none). */
static bool has_handlers(const struct ir_interface *i)
{
	for (size_t k = 0; k < i->all_methods.len; k++)
		if (i->all_methods.items[k]->kind != METHOD_EVENT)
			return true;
	return false;
}

static bool has_parent(const struct ir_interface *i, const char *name)
{
	for (size_t k = 0; k < i->parents.len; k++)
		if (!strcmp(i->parents.items[k]->name, name))
			return true;
	return false;
}

static void compare_interface(struct protocols *p, const struct ir_interface *o,
			      const struct ir_interface *n)
{
	struct compat *c = p->c;
	bool id_changed = o->id != n->id;
	if (id_changed)
		compat_report(c, COMPAT_WIRE, "interface-id-changed", o->name, o->pos, n->pos,
			      "ID 0x%08x -> 0x%08x: the label of each of its %zu methods changes%s",
			      o->id, n->id, o->methods.len,
			      o->id_explicit ? ""
					     : "; an explicit ID (interface x = 0x...) keeps it");
	if (n->deprecated && !o->deprecated)
		compat_report(c, COMPAT_COMPATIBLE, "deprecated", o->name, o->pos, n->pos,
			      "deprecated: %s", n->deprecated);
	for (size_t k = 0; k < o->parents.len; k++)
		if (!has_parent(n, o->parents.items[k]->name))
			compat_report(c, COMPAT_WIRE, "parent-removed", o->name, o->pos, n->pos,
				      "no longer inherits %s: its methods are not served",
				      o->parents.items[k]->name);
	for (size_t k = 0; k < n->parents.len; k++) {
		const struct ir_interface *parent = n->parents.items[k];
		if (has_parent(o, parent->name))
			continue;
		compat_report(c, COMPAT_COMPATIBLE, "parent-added", o->name, o->pos, n->pos,
			      "inherits %s too", parent->name);
		if (has_handlers(parent))
			compat_implementations_break(c, "each must define the handlers of the "
							"inherited methods (E0601)");
	}

	bool *renamed_to = arena_alloc(c->arena, n->methods.len + 1);
	for (size_t k = 0; k < o->methods.len; k++) {
		const struct ir_method *om = o->methods.items[k];
		const char *subject = arena_printf(c->arena, "%s.%s", o->name, om->name);
		const struct ir_method *nm = method_named(n, om->name);
		if (nm) {
			compare_method(p, subject, om, nm, id_changed);
			continue;
		}
		size_t r = 0;
		while (r < n->methods.len && (n->methods.items[r]->op != om->op || renamed_to[r] ||
					      method_named(o, n->methods.items[r]->name)))
			r++;
		if (r < n->methods.len) {
			renamed_to[r] = true;
			nm = n->methods.items[r];
			compat_report(c, COMPAT_SOURCE, "method-renamed", subject, om->pos, nm->pos,
				      "renamed %s, the same op %u", nm->name, om->op);
			compare_method(p, subject, om, nm, id_changed);
		} else if (om->deprecated) {
			compat_report(c, COMPAT_SOURCE, "method-removed", subject, om->pos,
				      (struct srcpos){0}, "%s removed, deprecated in OLD (%s)",
				      method_kinds[om->kind], om->deprecated);
		} else {
			compat_report(c, COMPAT_WIRE, "method-removed", subject, om->pos,
				      (struct srcpos){0}, "%s removed (label 0x%llx)",
				      method_kinds[om->kind], (unsigned long long)om->label);
		}
	}
	unsigned version = interface_version(o);
	for (size_t k = 0; k < n->methods.len; k++) {
		const struct ir_method *nm = n->methods.items[k];
		if (renamed_to[k] || method_named(o, nm->name))
			continue;
		/* Its label may be one an OLD method had: say whose. */
		const struct ir_method *before = NULL;
		for (size_t r = 0; r < o->methods.len && !before; r++)
			if (o->methods.items[r]->op == nm->op && o->id == n->id)
				before = o->methods.items[r];
		compat_report(c, COMPAT_COMPATIBLE, "method-added",
			      arena_printf(c->arena, "%s.%s", n->name, nm->name),
			      (struct srcpos){0}, nm->pos, "%s added (label 0x%llx%s%s)%s",
			      method_kinds[nm->kind], (unsigned long long)nm->label,
			      before ? ", the label of OLD's " : "", before ? before->name : "",
			      since_note(c, nm->since, version));
		if (nm->kind != METHOD_EVENT)
			compat_implementations_break(c, "each must define its handler (E0601)");
	}
}

static void compare_interfaces(struct protocols *p)
{
	struct compat *c = p->c;
	const struct ir *old = c->old, *new = c->new;
	bool *renamed_to = arena_alloc(c->arena, new->interfaces.len + 1);
	for (size_t i = 0; i < old->interfaces.len; i++) {
		const struct ir_interface *o = old->interfaces.items[i];
		const struct ir_interface *n = strmap_get(&p->new_ifaces, o->name);
		if (n) {
			compare_interface(p, o, n);
			continue;
		}
		size_t r = 0;
		while (r < new->interfaces.len &&
		       (new->interfaces.items[r]->id != o->id || renamed_to[r] ||
			strmap_get(&p->old_ifaces, new->interfaces.items[r]->name)))
			r++;
		if (r < new->interfaces.len) {
			renamed_to[r] = true;
			n = new->interfaces.items[r];
			compat_report(c, COMPAT_SOURCE, "interface-renamed", o->name, o->pos,
				      n->pos, "renamed %s, the same ID 0x%08x", n->name, o->id);
			compare_interface(p, o, n);
		} else {
			compat_report(c, o->deprecated ? COMPAT_SOURCE : COMPAT_WIRE,
				      "interface-removed", o->name, o->pos, (struct srcpos){0},
				      "interface removed%s",
				      o->deprecated ? ", deprecated in OLD" : "");
		}
	}
	for (size_t r = 0; r < new->interfaces.len; r++) {
		const struct ir_interface *n = new->interfaces.items[r];
		if (!renamed_to[r] && !strmap_get(&p->old_ifaces, n->name))
			compat_report(c, COMPAT_COMPATIBLE, "interface-added", n->name,
				      (struct srcpos){0}, n->pos, "interface added (ID 0x%08x)",
				      n->id);
	}
}

static void compat_protocols(struct compat *c)
{
	struct protocols p = {.c = c};
	strmap_init(&p.directions, c->arena);
	strmap_init(&p.old_types, c->arena);
	strmap_init(&p.new_types, c->arena);
	strmap_init(&p.old_ifaces, c->arena);
	strmap_init(&p.new_ifaces, c->arena);
	for (size_t i = 0; i < c->old->types.len; i++)
		strmap_put(&p.old_types, c->old->types.items[i]->name, c->old->types.items[i]);
	for (size_t i = 0; i < c->new->types.len; i++)
		strmap_put(&p.new_types, c->new->types.items[i]->name, c->new->types.items[i]);
	for (size_t i = 0; i < c->old->interfaces.len; i++)
		strmap_put(&p.old_ifaces, c->old->interfaces.items[i]->name,
			   c->old->interfaces.items[i]);
	for (size_t i = 0; i < c->new->interfaces.len; i++)
		strmap_put(&p.new_ifaces, c->new->interfaces.items[i]->name,
			   c->new->interfaces.items[i]);
	mark_directions(&p, c->old);
	mark_directions(&p, c->new);
	compare_interfaces(&p);
	compare_types(&p);
}

/* ---- the comparison and its report ---- */

void compat_compare(struct compat *c)
{
	compat_protocols(c);
	compat_regs(c);
	/* Most severe first, otherwise in the order found: one pass per class
	 * keeps it stable and linear. */
	size_t n = c->changes.len, at = 0;
	if (n < 2)
		return;
	struct compat_change *sorted = arena_alloc(c->arena, (n + 1) * sizeof *sorted);
	for (int cls = COMPAT_CLASS_COUNT - 1; cls >= 0; cls--)
		for (size_t i = 0; i < n; i++)
			if ((int)c->changes.items[i].cls == cls)
				sorted[at++] = c->changes.items[i];
	memcpy(c->changes.items, sorted, n * sizeof *sorted);
}

static const char *where(struct compat *c, struct srcpos pos)
{
	return pos.src ? arena_printf(c->arena, "%s:%u:%u", pos.src->path, pos.line, pos.col)
		       : NULL;
}

static enum compat_class worst(const struct compat *c)
{
	return c->changes.len ? c->changes.items[0].cls : COMPAT_COMPATIBLE;
}

static void print_text(struct compat *c, FILE *out)
{
	size_t counts[COMPAT_CLASS_COUNT] = {0};
	for (size_t i = 0; i < c->changes.len; i++) {
		const struct compat_change *ch = &c->changes.items[i];
		counts[ch->cls]++;
		const char *at = where(c, ch->new_pos.src ? ch->new_pos : ch->old_pos);
		fprintf(out, "%s%s%s[%s]: %s", at ? at : "", at ? ": " : "",
			compat_class_name(ch->cls), ch->rule, ch->message);
		if (ch->impl != ch->cls)
			fprintf(out, "; for implementations %s: %s", compat_class_name(ch->impl),
				ch->impl_why);
		fputc('\n', out);
	}
	if (!c->changes.len)
		fputs("drvgen compat: no changes\n", out);
	else
		fprintf(out,
			"drvgen compat: %s (%zu wire-breaking, %zu source-breaking, %zu "
			"compatible)\n",
			compat_class_name(worst(c)), counts[COMPAT_WIRE], counts[COMPAT_SOURCE],
			counts[COMPAT_COMPATIBLE]);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static bool print_json(struct compat *c, const char *old_path, const char *new_path, FILE *out)
{
	json_t *root = json_object(), *counts = json_object(), *changes = json_array();
	json_t *impl_counts = json_object();
	size_t n[COMPAT_CLASS_COUNT] = {0}, impl[COMPAT_CLASS_COUNT] = {0};
	for (size_t i = 0; i < c->changes.len; i++) {
		const struct compat_change *ch = &c->changes.items[i];
		n[ch->cls]++;
		impl[ch->impl]++;
		json_t *o = json_object();
		json_object_set_new(o, "class", json_string(compat_class_name(ch->cls)));
		json_object_set_new(o, "implementations", json_string(compat_class_name(ch->impl)));
		json_object_set_new(o, "rule", json_string(ch->rule));
		json_object_set_new(o, "subject", json_string(ch->subject));
		json_object_set_new(o, "message", json_string(ch->message));
		json_object_set_new(o, "old", str_or_null(where(c, ch->old_pos)));
		json_object_set_new(o, "new", str_or_null(where(c, ch->new_pos)));
		json_array_append_new(changes, o);
	}
	for (int k = COMPAT_CLASS_COUNT - 1; k >= 0; k--) {
		json_object_set_new(counts, compat_class_name((enum compat_class)k),
				    json_integer((json_int_t)n[k]));
		json_object_set_new(impl_counts, compat_class_name((enum compat_class)k),
				    json_integer((json_int_t)impl[k]));
	}
	json_object_set_new(root, "old", json_string(old_path));
	json_object_set_new(root, "new", json_string(new_path));
	json_object_set_new(root, "result", json_string(compat_class_name(worst(c))));
	json_object_set_new(root, "breaking", json_boolean(worst(c) != COMPAT_COMPATIBLE));
	json_object_set_new(root, "counts", counts);
	json_object_set_new(root, "implementation_counts", impl_counts);
	json_object_set_new(root, "changes", changes);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(root);
	bool ok = text && fputs(text, out) != EOF && fputc('\n', out) != EOF;
	free(text);
	return ok;
}

int drvgen_compat(const char *old_path, const char *new_path, const struct drvgen_options *opts,
		  bool json, FILE *out)
{
	struct drvgen *old_g = drvgen_new(opts), *new_g = drvgen_new(opts);
	drvgen_add_path(old_g, old_path);
	drvgen_add_path(new_g, new_path);
	const struct ir *old_ir = drvgen_build(old_g);
	const struct ir *new_ir = drvgen_build(new_g);
	int status = drvgen_status(old_g) > drvgen_status(new_g) ? drvgen_status(old_g)
								 : drvgen_status(new_g);
	if (old_ir && new_ir) {
		struct arena arena = {0};
		struct compat c = {.arena = &arena, .old = old_ir, .new = new_ir};
		compat_compare(&c);
		status = worst(&c) == COMPAT_COMPATIBLE ? 0 : 1;
		if (json ? !print_json(&c, old_path, new_path, out)
			 : (print_text(&c, out), ferror(out) != 0)) {
			fputs("drvgen: cannot write the report\n", stderr);
			status = 2;
		}
		arena_free(&arena);
	}
	drvgen_free(old_g);
	drvgen_free(new_g);
	return status;
}
