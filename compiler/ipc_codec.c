// SPDX-License-Identifier: MIT
/* ipc_codec.c - protocol values in C: their C types, and the code that
 * puts one into its wire bytes or gets it back, checked (docs/wire-format.md).
 * The codecs go through drv_get/drv_put, so they are alignment- and
 * byte-order-free, and allocate nothing.
 */
#include "emit_ipc.h"

bool ipc_has_values(const struct ir_type *t)
{
	return t->kind == IR_ENUM || t->kind == IR_ERROR || t->kind == IR_BITS;
}

const char *ipc_ctype(struct ipc *e, const struct ir_type *t)
{
	return c_type_spec(A, t);
}

const char *ipc_declarator(struct ipc *e, const struct ir_type *t, const char *name)
{
	struct c_type ct = c_value_type(A, t);
	return gen_declaration(e->g, &ct, name);
}

const char *ipc_valid_fn(const struct ir_type *t)
{
	return c_symbol_name(&t->c, N_TYPE_VALID);
}

static unsigned bits_of(const struct ir_type *t)
{
	return t->size * 8;
}

bool ipc_is_byte_vector(const struct ir_type *t)
{
	return t->kind == IR_VECTOR && (t->base->kind == IR_U8 || t->base->kind == IR_I8);
}

const char *ipc_at(struct ipc *e, const char *p, uint32_t offset)
{
	return offset ? arena_printf(A, "%s + %u", p, offset) : p;
}

const char *ipc_scaled(struct ipc *e, const char *n, uint32_t size)
{
	return size == 1 ? n : arena_printf(A, "%s * %u", n, size);
}

const char *ipc_operand(struct ipc *e, const struct ir_type *t, const char *lvalue)
{
	return t->kind == IR_STRUCT ? arena_printf(A, "&%s", lvalue) : lvalue;
}

/* A value as the 64-bit two's complement its _valid function takes. */
static const char *raw_value(struct ipc *e, const struct ir_type *t, const char *src)
{
	unsigned b = bits_of(t->base);
	if (t->base->is_signed)
		return arena_printf(A, "(uint64_t)(int64_t)(int%u_t)drv_get%u(%s)", b, b, src);
	return arena_printf(A, "drv_get%u(%s)", b, src);
}

void ipc_put_value(struct ipc *e, unsigned tabs, const struct ir_type *t, const char *dst,
		   const char *val, unsigned depth)
{
	switch (t->kind) {
	case IR_BOOL:
		gen_line(e->o, tabs, "drv_put8(%s, %s ? 1 : 0);", dst, val);
		return;
	case IR_STRUCT:
		gen_line(e->o, tabs, "%s(%s, %s);", c_symbol_name(&t->c, N_TYPE_PUT), dst, val);
		return;
	case IR_ARRAY: {
		const char *i = arena_printf(A, "drv_i%u", depth);
		gen_line(e->o, tabs, "for (%s = 0; %s < %llu; %s++)", i, i,
			 (unsigned long long)t->bound, i);
		ipc_put_value(e, tabs + 1, t->base,
			      arena_printf(A, "%s + %s", dst, ipc_scaled(e, i, t->base->size)),
			      ipc_operand(e, t->base, arena_printf(A, "%s[%s]", val, i)),
			      depth + 1);
		return;
	}
	default:
		if (t->is_signed)
			gen_line(e->o, tabs, "drv_put%u(%s, (uint%u_t)%s);", bits_of(t), dst,
				 bits_of(t), val);
		else
			gen_line(e->o, tabs, "drv_put%u(%s, %s);", bits_of(t), dst, val);
		return;
	}
}

void ipc_get_value(struct ipc *e, unsigned tabs, const struct ir_type *t, const char *src,
		   const char *lv, const char *fail, unsigned depth)
{
	switch (t->kind) {
	case IR_BOOL:
		gen_line(e->o, tabs, "if (drv_get8(%s) > 1)", src);
		gen_line(e->o, tabs + 1, "%s", fail);
		gen_line(e->o, tabs, "%s = drv_get8(%s) != 0;", lv, src);
		return;
	case IR_ENUM:
	case IR_ERROR:
	case IR_BITS:
		gen_line(e->o, tabs, "if (!%s(%s))", ipc_valid_fn(t), raw_value(e, t, src));
		gen_line(e->o, tabs + 1, "%s", fail);
		if (t->is_signed)
			gen_line(e->o, tabs, "%s = (%s)(int%u_t)drv_get%u(%s);", lv,
				 ipc_ctype(e, t), bits_of(t), bits_of(t), src);
		else if (c_symbol_find(&t->c, N_TYPE_TAG))
			gen_line(e->o, tabs, "%s = (%s)drv_get%u(%s);", lv, ipc_ctype(e, t),
				 bits_of(t), src);
		else
			gen_line(e->o, tabs, "%s = drv_get%u(%s);", lv, bits_of(t), src);
		return;
	case IR_STRUCT:
		gen_line(e->o, tabs, "if (!%s(%s, %s))", c_symbol_name(&t->c, N_TYPE_GET), src, lv);
		gen_line(e->o, tabs + 1, "%s", fail);
		return;
	case IR_ARRAY: {
		const char *i = arena_printf(A, "drv_i%u", depth);
		gen_line(e->o, tabs, "for (%s = 0; %s < %llu; %s++) {", i, i,
			 (unsigned long long)t->bound, i);
		ipc_get_value(e, tabs + 1, t->base,
			      arena_printf(A, "%s + %s", src, ipc_scaled(e, i, t->base->size)),
			      ipc_operand(e, t->base, arena_printf(A, "%s[%s]", lv, i)), fail,
			      depth + 1);
		gen_line(e->o, tabs, "}");
		return;
	}
	default:
		if (t->is_signed)
			gen_line(e->o, tabs, "%s = (%s)drv_get%u(%s);", lv, ipc_ctype(e, t),
				 bits_of(t), src);
		else
			gen_line(e->o, tabs, "%s = drv_get%u(%s);", lv, bits_of(t), src);
		return;
	}
}

unsigned ipc_array_depth(const struct ir_type *t)
{
	unsigned d = 0;
	for (; t->kind == IR_ARRAY; t = t->base)
		d++;
	return d;
}

void ipc_declare_indexes(struct ipc *e, unsigned depth)
{
	if (!depth)
		return;
	struct strbuf s = {0};
	for (unsigned i = 0; i < depth; i++)
		sb_printf(&s, "%sdrv_i%u", i ? ", " : "", i);
	gen_line(e->o, 1, "uint32_t %s;", sb_str(&s));
	sb_free(&s);
}

void ipc_check_padding(struct ipc *e, unsigned tabs, const char *p, const uint32_t *starts,
		       const uint32_t *ends, size_t n, uint32_t size, const char *fail)
{
	uint32_t covered = 0;
	for (size_t i = 0; i <= n; i++) {
		uint32_t next = i < n ? starts[i] : size;
		if (next > covered) {
			gen_line(e->o, tabs, "if (!drv_zeros(%s, %u, %u))", p, covered, next);
			gen_line(e->o, tabs + 1, "%s", fail);
		}
		if (i < n && ends[i] > covered)
			covered = ends[i];
	}
}
