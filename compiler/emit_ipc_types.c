// SPDX-License-Identifier: MIT
/* emit_ipc_types.c - <ns>_types.h: a protocol namespace's enums, bits,
 * errors and structs, with their wire codecs.
 */
#include "emit_ipc.h"

#include <string.h>

/* A value of t as _valid and _name compare it: two's complement. */
static const char *case_value(struct ipc *e, const struct ir_type *t, uint64_t v)
{
	if (t->is_signed && (int64_t)v < 0)
		return arena_printf(A, "(uint64_t)%lldll", (long long)v);
	return gen_hex(e->g, v);
}

static void emit_values(struct ipc *e, const struct ir_type *t)
{
	const char *typedef_name = c_symbol_name(&t->c, N_TYPE_TYPEDEF);
	const char *tag = c_symbol_name(&t->c, N_TYPE_TAG);
	if (typedef_name)
		gen_line(e->o, 0, "typedef %s %s;", ipc_ctype(e, t->base), typedef_name);
	if (tag) {
		gen_line(e->o, 0, "enum %s {", tag);
		for (size_t i = 0; i < t->members.len; i++) {
			const struct ir_member *m = &t->members.items[i];
			const char *name = c_symbol_name(&m->c, N_TYPE_VALUE);
			if (m->doc)
				gen_comment(e->o, 1, m->doc);
			if (t->is_signed)
				gen_line(e->o, 1, "%s = %lld,", name, (long long)m->value);
			else
				gen_line(e->o, 1, "%s = %llu,", name, (unsigned long long)m->value);
		}
		gen_line(e->o, 0, "};");
	} else {
		/* constants of the type's integer type: a C enum holds an int */
		const char *type = typedef_name ? typedef_name : ipc_ctype(e, t->base);
		for (size_t i = 0; i < t->members.len; i++) {
			const struct ir_member *m = &t->members.items[i];
			const char *name = c_symbol_name(&m->c, N_TYPE_VALUE);
			if (m->doc)
				gen_comment(e->o, 0, m->doc);
			if (t->is_signed)
				gen_line(e->o, 0, "#define %s ((%s)%lldll)", name, type,
					 (long long)m->value);
			else
				gen_line(e->o, 0, "#define %s ((%s)%s)", name, type,
					 gen_hex(e->g, m->value));
		}
	}
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A, "Whether v (two's complement) is a %s.",
				 t->kind == IR_BITS ? arena_printf(A, "set of %s flags", t->name)
						    : arena_printf(A, "value of %s", t->name)));
	gen_function(e->g, e->o, 0, "static inline", c_symbol_fn(&t->c, N_TYPE_VALID), GEN_FUNCTION,
		     "");
	gen_line(e->o, 0, "{");
	if (t->kind == IR_BITS) {
		uint64_t all = 0;
		for (size_t i = 0; i < t->members.len; i++)
			all |= t->members.items[i].value;
		gen_line(e->o, 1, "return (v & ~(uint64_t)%s) == 0;", gen_hex(e->g, all));
		gen_line(e->o, 0, "}");
		return;
	}
	gen_line(e->o, 1, "switch (v) {");
	for (size_t i = 0; i < t->members.len; i++)
		gen_line(e->o, 1, "case %s:", case_value(e, t, t->members.items[i].value));
	gen_line(e->o, 2, "return true;");
	gen_line(e->o, 1, "default:");
	gen_line(e->o, 2, "return false;");
	gen_line(e->o, 1, "}");
	gen_line(e->o, 0, "}");

	/* for logs and messages: the name a value has in the spec */
	gen_blank(e->o);
	gen_comment(e->o, 0, arena_printf(A, "The name of v in %s, or NULL.", t->name));
	gen_function(e->g, e->o, 0, "static inline", c_symbol_fn(&t->c, N_TYPE_NAME), GEN_FUNCTION,
		     "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "switch (v) {");
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		gen_line(e->o, 1, "case %s:", case_value(e, t, m->value));
		gen_line(e->o, 2, "return \"%s\";", m->name);
	}
	gen_line(e->o, 1, "default:");
	gen_line(e->o, 2, "return NULL;");
	gen_line(e->o, 1, "}");
	gen_line(e->o, 0, "}");
}

static void emit_struct(struct ipc *e, const struct ir_type *t)
{
	gen_line(e->o, 0, "struct %s {", c_symbol_name(&t->c, N_TYPE_TAG));
	unsigned depth = 0;
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		if (m->doc)
			gen_comment(e->o, 1, m->doc);
		gen_line(e->o, 1, "%s;", ipc_declarator(e, m->type, m->name));
		if (ipc_array_depth(m->type) > depth)
			depth = ipc_array_depth(m->type);
	}
	gen_line(e->o, 0, "};");

	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static inline", c_symbol_fn(&t->c, N_TYPE_PUT), GEN_FUNCTION,
		     "");
	gen_line(e->o, 0, "{");
	ipc_declare_indexes(e, depth);
	uint32_t *starts = arena_alloc(A, (t->members.len + 1) * sizeof *starts);
	uint32_t *ends = arena_alloc(A, (t->members.len + 1) * sizeof *ends);
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		starts[i] = m->offset;
		ends[i] = m->offset + m->type->size;
	}
	/* padding first, so the values' bytes are what is left */
	uint32_t covered = 0;
	for (size_t i = 0; i <= t->members.len; i++) {
		uint32_t next = i < t->members.len ? starts[i] : t->size;
		if (next > covered)
			gen_line(e->o, 1, "memset(%s, 0, %u);", ipc_at(e, "p", covered),
				 next - covered);
		if (i < t->members.len && ends[i] > covered)
			covered = ends[i];
	}
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		ipc_put_value(e, 1, m->type, ipc_at(e, "p", m->offset),
			      ipc_operand(e, m->type, arena_printf(A, "v->%s", m->name)), 0);
	}
	gen_line(e->o, 0, "}");

	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static inline", c_symbol_fn(&t->c, N_TYPE_GET), GEN_FUNCTION,
		     "");
	gen_line(e->o, 0, "{");
	ipc_declare_indexes(e, depth);
	if (depth)
		gen_blank(e->o);
	ipc_check_padding(e, 1, "p", starts, ends, t->members.len, t->size, "return false;");
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		ipc_get_value(e, 1, m->type, ipc_at(e, "p", m->offset),
			      ipc_operand(e, m->type, arena_printf(A, "v->%s", m->name)),
			      "return false;", 0);
	}
	gen_line(e->o, 1, "return true;");
	gen_line(e->o, 0, "}");
}

/* One declared type: its comment, then its C type and codec. */
static void emit_type(struct ipc *e, const struct ir_type *t)
{
	static const char *const kinds[] = {[IR_ENUM] = "enum",
					    [IR_BITS] = "bits",
					    [IR_ERROR] = "error",
					    [IR_STRUCT] = "struct"};
	struct strbuf c = {0};
	sb_printf(&c, "%s %s (%s)", kinds[t->kind], t->name, gen_where(e->g, t->pos));
	if (t->deprecated)
		sb_printf(&c, ", deprecated: %s", t->deprecated);
	sb_puts(&c, t->doc ? ":" : ".");
	if (t->doc)
		sb_printf(&c, " %s", t->doc);
	gen_blank(e->o);
	gen_comment(e->o, 0, sb_str(&c));
	sb_free(&c);
	if (t->kind == IR_STRUCT)
		emit_struct(e, t);
	else
		emit_values(e, t);
}

/* Writes t after the types of its fields that the same header declares, in the order the
 * file declares them otherwise: C needs a field's type complete, and the IDL lets a type be
 * used above its declaration. Types cannot contain themselves (check_idl.c), so this ends. */
static void emit_type_after_fields(struct ipc *e, const char *ns, const struct ir_type *t,
				   struct strmap *written)
{
	if (strmap_put(written, t->name, (void *)t))
		return; /* defined already */
	for (size_t i = 0; t->kind == IR_STRUCT && i < t->members.len; i++) {
		const struct ir_type *m = t->members.items[i].type;
		while (m && (m->kind == IR_ARRAY || m->kind == IR_VECTOR))
			m = m->base;
		if (m && m->ns && strcmp(m->ns, ns) == 0)
			emit_type_after_fields(e, ns, m, written);
	}
	emit_type(e, t);
}

void emit_ipc_types(struct gen *g, const struct ir_namespace *ns)
{
	struct arena scratch = {0};
	struct ipc ec = {.g = g, .scratch = &scratch}, *e = &ec;
	struct gen_file *f = gen_open(g, c_symbol_name(&ns->c, N_NS_HEADER));
	e->o = &f->text;
	gen_banner(g, f,
		   arena_printf(A,
				"the types of protocol namespace %s, with their wire codecs "
				"(docs/wire-format.md).",
				ns->name),
		   ns->sources.items, ns->sources.len);
	static const char *const includes[] = {"drv_wire.h"};
	const char *guard = c_symbol_name(&ns->c, N_NS_GUARD);
	ipc_open_header(e, guard, includes, 1);
	struct strmap written; /* the types this header has defined, by name */
	strmap_init(&written, &scratch);
	for (size_t i = 0; i < g->ir->types.len; i++) {
		const struct ir_type *t = g->ir->types.items[i];
		if (strcmp(t->ns, ns->name) == 0)
			emit_type_after_fields(e, ns->name, t, &written);
	}
	ipc_close_header(e, guard);
	gen_close(g, f);
	arena_free(&scratch);
}
