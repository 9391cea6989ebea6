// SPDX-License-Identifier: MIT
/* ipc_body.c - message bodies in C (docs/wire-format.md).
 *
 * A body is a list of values at inline offsets. A fixed value sits at its
 * offset; a variable one has its u32 count there and its data after the
 * inline part, each 8-aligned and zero-padded, in order. Layout comes from
 * the IR (offsets, inline and maximum sizes), the variables holding the
 * values from the signatures the naming pass recorded.
 */
#include "emit_ipc.h"

slot_list ipc_slots(struct ipc *e, const struct ir_method *m, const struct c_function *fn,
		    enum c_param_role value)
{
	slot_list s = {0};
	for (size_t i = 0; i < fn->params.len; i++) {
		const struct c_param *p = &fn->params.items[i];
		if (p->role != value)
			continue;
		bool input = value == PARAM_INPUT;
		struct slot sl = {p->name, NULL, input ? m->params.items[p->index].type : m->result,
				  input ? m->params.items[p->index].offset : 0};
		if (i + 1 < fn->params.len && fn->params.items[i + 1].role == value + 1)
			sl.count = fn->params.items[i + 1].name;
		vec_push(A, &s, sl);
	}
	return s;
}

static uint32_t inline_size(const slot_list *s)
{
	uint32_t end = 0;
	for (size_t i = 0; i < s->len; i++)
		if (s->items[i].offset + s->items[i].type->size > end)
			end = s->items[i].offset + s->items[i].type->size;
	return (end + 7u) & ~7u;
}

static bool has_variable(const slot_list *s)
{
	for (size_t i = 0; i < s->len; i++)
		if (ir_type_is_variable(s->items[i].type))
			return true;
	return false;
}

/* Vectors decoded element by element, into scratch room. */
static bool has_unpacked_vector(const slot_list *s)
{
	for (size_t i = 0; i < s->len; i++)
		if (s->items[i].type->kind == IR_VECTOR && !ipc_is_byte_vector(s->items[i].type))
			return true;
	return false;
}

static unsigned slots_depth(const slot_list *s)
{
	unsigned d = 0;
	for (size_t i = 0; i < s->len; i++) {
		const struct ir_type *t = s->items[i].type;
		unsigned k = ipc_array_depth(t->kind == IR_VECTOR ? t->base : t);
		if (k > d)
			d = k;
	}
	return d;
}

uint32_t ipc_elem_size(const struct ir_type *t)
{
	return t->kind == IR_VECTOR ? t->base->size : 1;
}

const char *ipc_terminator(const struct ir_type *t)
{
	return t->kind == IR_STRING ? " + 1" : "";
}

/* Array indexes and a vector's element index. */
static void add_loops(struct locals *l, const slot_list *s)
{
	unsigned d = slots_depth(s);
	if (d > l->depth)
		l->depth = d;
	l->k |= has_unpacked_vector(s);
}

void ipc_for_encode(struct locals *l, const slot_list *s)
{
	add_loops(l, s);
	l->at |= l->end |= has_variable(s);
	for (size_t i = 0; i < s->len; i++)
		l->n |= s->items[i].type->kind == IR_STRING;
}

void ipc_for_decode(struct locals *l, const slot_list *s)
{
	add_loops(l, s);
	l->at |= l->end |= l->n |= has_variable(s);
	l->s |= has_unpacked_vector(s);
}

void ipc_for_result(struct locals *l, const slot_list *s)
{
	add_loops(l, s);
	l->end |= l->n |= has_variable(s);
}

void ipc_declare_locals(struct ipc *e, const struct locals *l)
{
	struct strbuf names = {0};
	const char *all[] = {l->at ? "drv_at" : NULL, l->end ? "drv_end" : NULL,
			     l->n ? "drv_n" : NULL, l->k ? "drv_k" : NULL};
	for (size_t i = 0; i < ARRAY_LEN(all); i++)
		if (all[i])
			sb_printf(&names, "%s%s", names.len ? ", " : "", all[i]);
	if (names.len)
		gen_line(e->o, 1, "uint32_t %s;", sb_str(&names));
	sb_free(&names);
	if (l->s)
		gen_line(e->o, 1, "uint32_t drv_s = 0;");
	ipc_declare_indexes(e, l->depth);
}

const char *ipc_encode(struct ipc *e, unsigned tabs, const slot_list *s, const char *p,
		       const char *too_big)
{
	uint32_t inl = inline_size(s);
	if (!s->len)
		return "0";
	gen_line(e->o, tabs, "memset(%s, 0, %u);", p, inl);
	for (size_t i = 0; i < s->len; i++) {
		const struct slot *sl = &s->items[i];
		if (!ir_type_is_variable(sl->type))
			/* a struct's variable is a pointer: its address */
			ipc_put_value(e, tabs, sl->type, ipc_at(e, p, sl->offset), sl->name, 0);
	}
	if (!has_variable(s))
		return arena_printf(A, "%u", inl);
	gen_line(e->o, tabs, "drv_at = %u;", inl);
	for (size_t i = 0; i < s->len; i++) {
		const struct slot *sl = &s->items[i];
		const struct ir_type *t = sl->type;
		if (!ir_type_is_variable(t))
			continue;
		const char *count = "drv_n";
		if (t->kind == IR_STRING)
			gen_line(e->o, tabs, "drv_n = drv_strnlen(%s, %llu);", sl->name,
				 (unsigned long long)t->bound + 1);
		else
			count = sl->count;
		if (t->kind == IR_STRING)
			gen_line(e->o, tabs,
				 "if (drv_n > %llu || !drv_utf8((const uint8_t *)%s, drv_n))",
				 (unsigned long long)t->bound, sl->name);
		else
			gen_line(e->o, tabs, "if (%s > %llu)", count, (unsigned long long)t->bound);
		gen_line(e->o, tabs + 1, "%s", too_big);
		gen_line(e->o, tabs, "drv_put32(%s, %s);", ipc_at(e, p, sl->offset), count);
		if (t->kind == IR_VECTOR && !ipc_is_byte_vector(t)) {
			gen_line(e->o, tabs, "for (drv_k = 0; drv_k < %s; drv_k++)", count);
			ipc_put_value(
				e, tabs + 1, t->base,
				arena_printf(A, "%s + drv_at + %s", p,
					     ipc_scaled(e, "drv_k", t->base->size)),
				ipc_operand(e, t->base, arena_printf(A, "%s[drv_k]", sl->name)), 0);
			gen_line(e->o, tabs, "drv_end = drv_at + %s;",
				 ipc_scaled(e, count, t->base->size));
		} else {
			gen_line(e->o, tabs, "drv_copy(%s + drv_at, %s, %s);", p, sl->name, count);
			gen_line(e->o, tabs, "drv_end = drv_at + %s;", count);
		}
		gen_line(e->o, tabs, "drv_at = drv_align8(drv_end%s);", ipc_terminator(t));
		gen_line(e->o, tabs, "memset(%s + drv_end, 0, drv_at - drv_end);", p);
	}
	return "drv_at";
}

void ipc_decode(struct ipc *e, unsigned tabs, const slot_list *s, const char *in, const char *fail)
{
	const char *p = "drv_p";
	const char *len = arena_printf(A, "%slen", in);
	uint32_t inl = inline_size(s);
	bool var = has_variable(s);
	gen_line(e->o, tabs, "if (%s %s %u)", len, var ? "<" : "!=", inl);
	gen_line(e->o, tabs + 1, "%s", fail);
	uint32_t *starts = arena_alloc(A, (s->len + 1) * sizeof *starts);
	uint32_t *ends = arena_alloc(A, (s->len + 1) * sizeof *ends);
	for (size_t i = 0; i < s->len; i++) {
		starts[i] = s->items[i].offset;
		ends[i] = s->items[i].offset + s->items[i].type->size;
	}
	ipc_check_padding(e, tabs, p, starts, ends, s->len, inl, fail);
	for (size_t i = 0; i < s->len; i++) {
		const struct slot *sl = &s->items[i];
		if (!ir_type_is_variable(sl->type))
			ipc_get_value(e, tabs, sl->type, ipc_at(e, p, sl->offset),
				      ipc_operand(e, sl->type, sl->name), fail, 0);
	}
	if (!var)
		return;
	gen_line(e->o, tabs, "drv_at = %u;", inl);
	for (size_t i = 0; i < s->len; i++) {
		const struct slot *sl = &s->items[i];
		const struct ir_type *t = sl->type;
		if (!ir_type_is_variable(t))
			continue;
		gen_line(e->o, tabs, "drv_n = drv_get32(%s);", ipc_at(e, p, sl->offset));
		gen_line(e->o, tabs, "if (drv_n > %llu)", (unsigned long long)t->bound);
		gen_line(e->o, tabs + 1, "%s", fail);
		gen_line(e->o, tabs, "drv_end = drv_at + %s;",
			 ipc_scaled(e, "drv_n", ipc_elem_size(t)));
		gen_line(e->o, tabs, "if (drv_align8(drv_end%s) > %s)", ipc_terminator(t), len);
		gen_line(e->o, tabs + 1, "%s", fail);
		gen_line(e->o, tabs, "if (!drv_zeros(%s, drv_end, drv_align8(drv_end%s)))", p,
			 ipc_terminator(t));
		gen_line(e->o, tabs + 1, "%s", fail);
		switch (t->kind) {
		case IR_BYTES:
			gen_line(e->o, tabs, "%s = %s + drv_at;", sl->name, p);
			gen_line(e->o, tabs, "%s = drv_n;", sl->count);
			break;
		case IR_STRING:
			gen_line(e->o, tabs, "if (!drv_utf8(%s + drv_at, drv_n))", p);
			gen_line(e->o, tabs + 1, "%s", fail);
			gen_line(e->o, tabs, "%s = (const char *)(%s + drv_at);", sl->name, p);
			break;
		default: {
			const char *ct = ipc_ctype(e, t->base);
			if (ipc_is_byte_vector(t)) {
				gen_line(e->o, tabs, "%s = (const %s *)(%s + drv_at);", sl->name,
					 ct, p);
				gen_line(e->o, tabs, "%s = drv_n;", sl->count);
				break;
			}
			gen_line(e->o, tabs, "if (drv_n > (%sscratch_cap - drv_s) / sizeof(%s))",
				 in, ct);
			gen_line(e->o, tabs + 1, "%s", fail);
			gen_line(e->o, tabs, "%s = (%s *)(void *)(%sscratch + drv_s);", sl->name,
				 ct, in);
			gen_line(e->o, tabs, "for (drv_k = 0; drv_k < drv_n; drv_k++) {");
			ipc_get_value(
				e, tabs + 1, t->base,
				arena_printf(A, "%s + drv_at + %s", p,
					     ipc_scaled(e, "drv_k", t->base->size)),
				ipc_operand(e, t->base, arena_printf(A, "%s[drv_k]", sl->name)),
				fail, 0);
			gen_line(e->o, tabs, "}");
			gen_line(e->o, tabs, "%s = drv_n;", sl->count);
			gen_line(e->o, tabs, "drv_s += drv_align8(drv_n * (uint32_t)sizeof(%s));",
				 ct);
			break;
		}
		}
		gen_line(e->o, tabs, "drv_at = drv_align8(drv_end%s);", ipc_terminator(t));
	}
	gen_line(e->o, tabs, "if (drv_at != %s)", len);
	gen_line(e->o, tabs + 1, "%s", fail);
}

/* The variable decode leaves parameter p of a handler in: what it points
 * to for a struct, a copy for an array; a vector unpacked into scratch
 * room is written, one of bytes used in place is not. */
static struct c_type decoded_type(const struct c_param *p, const struct ir_type *t)
{
	struct c_type held = p->type;
	if (t->kind == IR_STRUCT)
		held.pointers = 0;
	if (t->kind == IR_STRUCT || t->kind == IR_ARRAY ||
	    (t->kind == IR_VECTOR && !ipc_is_byte_vector(t)))
		held.is_const = false;
	return held;
}

void ipc_declare_slot_locals(struct ipc *e, const struct ir_method *m,
			     const struct c_function *handler, var_list *vars)
{
	for (size_t i = 0; i < handler->params.len; i++) {
		const struct c_param *p = &handler->params.items[i];
		if (p->role != PARAM_INPUT && p->role != PARAM_INPUT_LENGTH)
			continue;
		struct c_type held = p->role == PARAM_INPUT
					     ? decoded_type(p, m->params.items[p->index].type)
					     : p->type;
		gen_line(e->o, 1, "%s;", gen_declaration(e->g, &held, p->name));
		ipc_add_var(e, vars, p->name, held, NULL);
	}
}
