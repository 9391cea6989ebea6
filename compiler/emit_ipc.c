/* emit_ipc.c - protocols to C: typed client stubs, validating server
 * dispatch, and a fuzz harness per interface (docs/ipc.md, docs/wire-format.md).
 *
 * Files:
 *	<ns>_types.h      enums, bits, errors and structs, with their wire codecs
 *	<iface>.h         labels, the client API, the server object and ops
 *	<iface>_client.c  one stub per call and send, event subscriptions
 *	<iface>_server.c  dispatch: every byte validated before a handler runs
 *	<iface>_fuzz.c    a libFuzzer entry point over raw messages
 *
 * Message layout comes from the IR (offsets, inline and maximum sizes);
 * this file only spells it in C. The codecs go through drv_get/drv_put, so
 * they are alignment- and byte-order-free, and allocate nothing. Every
 * global name made here is claimed in check_idl_names.c first.
 *
 * Generated functions declare their variables first (the kernel builds
 * with -Wdeclaration-after-statement) and name them drv_..., a prefix the
 * checker keeps out of specs.
 */
#include "gen.h"

#include <string.h>

struct ipc {
	struct gen *g;
	struct strbuf *o; /* the file being written */
	const struct ir_interface *iface;
};

#define A (e->g->arena)

typedef VEC(const char *) str_list;

static const char *up(struct ipc *e, const char *s)
{
	return upper_dup(A, s);
}

static void push(struct ipc *e, str_list *l, const char *s)
{
	vec_push(A, l, s);
}

/* ---- C types ---- */

static const char *int_type(enum ir_type_kind k)
{
	static const char *const names[] = {
		[IR_BOOL] = "bool",    [IR_U8] = "uint8_t",  [IR_U16] = "uint16_t",
		[IR_U32] = "uint32_t", [IR_U64] = "uint64_t", [IR_I8] = "int8_t",
		[IR_I16] = "int16_t",  [IR_I32] = "int32_t",  [IR_I64] = "int64_t",
	};
	return names[k];
}

/* An enum whose values all fit an int is a C enum; a wider one is its
 * underlying integer type with #defined values. */
static bool is_c_enum(const struct ir_type *t)
{
	for (size_t i = 0; i < t->members.len; i++) {
		uint64_t v = t->members.items[i].value;
		if (t->is_signed ? ((int64_t)v < -2147483647 - 1 || (int64_t)v > 2147483647)
				 : v > 2147483647)
			return false;
	}
	return true;
}

static bool has_values(const struct ir_type *t)
{
	return t->kind == IR_ENUM || t->kind == IR_ERROR || t->kind == IR_BITS;
}

/* The C type of a value of t; of an array's elements for an array. */
static const char *ctype(struct ipc *e, const struct ir_type *t)
{
	while (t->kind == IR_ARRAY)
		t = t->base;
	switch (t->kind) {
	case IR_ENUM:
	case IR_ERROR:
		return is_c_enum(t) ? arena_printf(A, "enum %s", t->c_name) : int_type(t->base->kind);
	case IR_BITS:
		return t->c_name;
	case IR_STRUCT:
		return arena_printf(A, "struct %s", t->c_name);
	default:
		return int_type(t->kind);
	}
}

/* "uint8_t name[3][4]" */
static const char *declarator(struct ipc *e, const struct ir_type *t, const char *name)
{
	struct strbuf dims = {0};
	for (const struct ir_type *u = t; u->kind == IR_ARRAY; u = u->base)
		sb_printf(&dims, "[%llu]", (unsigned long long)u->bound);
	const char *d = arena_printf(A, "%s %s%s", ctype(e, t), name, sb_str(&dims));
	sb_free(&dims);
	return d;
}

static unsigned bits_of(const struct ir_type *t)
{
	return t->size * 8;
}

/* Vectors of single bytes are used in place; any other is unpacked. */
static bool is_byte_vector(const struct ir_type *t)
{
	return t->kind == IR_VECTOR && (t->base->kind == IR_U8 || t->base->kind == IR_I8);
}

/* ---- expressions ---- */

static const char *at(struct ipc *e, const char *p, uint32_t offset)
{
	return offset ? arena_printf(A, "%s + %u", p, offset) : p;
}

/* "n * size", or n for bytes. */
static const char *scaled(struct ipc *e, const char *n, uint32_t size)
{
	return size == 1 ? n : arena_printf(A, "%s * %u", n, size);
}

/* &lvalue, or the pointer an lvalue "*p" dereferences. */
static const char *addr(struct ipc *e, const char *lvalue)
{
	return lvalue[0] == '*' ? lvalue + 1 : arena_printf(A, "&%s", lvalue);
}

/* A value as the 64-bit two's complement its _valid function takes. */
static const char *raw_value(struct ipc *e, const struct ir_type *t, const char *src)
{
	unsigned b = bits_of(t->base);
	if (t->base->is_signed)
		return arena_printf(A, "(uint64_t)(int64_t)(int%u_t)drv_get%u(%s)", b, b, src);
	return arena_printf(A, "drv_get%u(%s)", b, src);
}

/* ---- the codec of one value ----
 * put: the bytes of C value `val` at uint8_t pointer `dst`. get: the value
 * at `src` into lvalue `lv`, running `fail` (a statement) if the bytes are
 * not a value of t. Arrays loop, one index per nesting level. */

static void put_value(struct ipc *e, unsigned tabs, const struct ir_type *t, const char *dst,
		      const char *val, unsigned depth)
{
	switch (t->kind) {
	case IR_BOOL:
		gen_line(e->o, tabs, "drv_put8(%s, %s ? 1 : 0);", dst, val);
		return;
	case IR_STRUCT:
		gen_line(e->o, tabs, "%s_put(%s, %s);", t->c_name, dst, addr(e, val));
		return;
	case IR_ARRAY: {
		const char *i = arena_printf(A, "drv_i%u", depth);
		gen_line(e->o, tabs, "for (%s = 0; %s < %llu; %s++)", i, i, (unsigned long long)t->bound, i);
		put_value(e, tabs + 1, t->base, arena_printf(A, "%s + %s", dst, scaled(e, i, t->base->size)),
			  arena_printf(A, "%s[%s]", val, i), depth + 1);
		return;
	}
	default:
		if (t->is_signed)
			gen_line(e->o, tabs, "drv_put%u(%s, (uint%u_t)%s);", bits_of(t), dst, bits_of(t), val);
		else
			gen_line(e->o, tabs, "drv_put%u(%s, %s);", bits_of(t), dst, val);
		return;
	}
}

static void get_value(struct ipc *e, unsigned tabs, const struct ir_type *t, const char *src,
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
		gen_line(e->o, tabs, "if (!%s_valid(%s))", t->c_name, raw_value(e, t, src));
		gen_line(e->o, tabs + 1, "%s", fail);
		if (t->is_signed)
			gen_line(e->o, tabs, "%s = (%s)(int%u_t)drv_get%u(%s);", lv, ctype(e, t), bits_of(t),
			     bits_of(t), src);
		else if (t->kind != IR_BITS && is_c_enum(t))
			gen_line(e->o, tabs, "%s = (%s)drv_get%u(%s);", lv, ctype(e, t), bits_of(t), src);
		else
			gen_line(e->o, tabs, "%s = drv_get%u(%s);", lv, bits_of(t), src);
		return;
	case IR_STRUCT:
		gen_line(e->o, tabs, "if (!%s_get(%s, %s))", t->c_name, src, addr(e, lv));
		gen_line(e->o, tabs + 1, "%s", fail);
		return;
	case IR_ARRAY: {
		const char *i = arena_printf(A, "drv_i%u", depth);
		gen_line(e->o, tabs, "for (%s = 0; %s < %llu; %s++) {", i, i, (unsigned long long)t->bound,
		     i);
		get_value(e, tabs + 1, t->base, arena_printf(A, "%s + %s", src, scaled(e, i, t->base->size)),
			  arena_printf(A, "%s[%s]", lv, i), fail, depth + 1);
		gen_line(e->o, tabs, "}");
		return;
	}
	default:
		if (t->is_signed)
			gen_line(e->o, tabs, "%s = (%s)drv_get%u(%s);", lv, int_type(t->kind), bits_of(t), src);
		else
			gen_line(e->o, tabs, "%s = drv_get%u(%s);", lv, bits_of(t), src);
		return;
	}
}

/* How deep arrays nest in t, for the index variables a codec needs. */
static unsigned array_depth(const struct ir_type *t)
{
	unsigned d = 0;
	for (; t->kind == IR_ARRAY; t = t->base)
		d++;
	return d;
}

static void declare_indexes(struct ipc *e, unsigned depth)
{
	if (!depth)
		return;
	struct strbuf s = {0};
	for (unsigned i = 0; i < depth; i++)
		sb_printf(&s, "%sdrv_i%u", i ? ", " : "", i);
	gen_line(e->o, 1, "uint32_t %s;", sb_str(&s));
	sb_free(&s);
}

/* Padding between and after the values of an inline area must be zero:
 * it carries nothing, so a message has one encoding. */
static void check_padding(struct ipc *e, unsigned tabs, const char *p, const uint32_t *starts,
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

/* ---- <ns>_types.h ---- */

/* A value of t as _valid and _name compare it: two's complement. */
static const char *case_value(struct ipc *e, const struct ir_type *t, uint64_t v)
{
	if (t->is_signed && (int64_t)v < 0)
		return arena_printf(A, "(uint64_t)%lldll", (long long)v);
	return gen_hex(e->g, v);
}

static void emit_values(struct ipc *e, const struct ir_type *t)
{
	const char *prefix = up(e, t->c_name);
	if (t->kind == IR_BITS)
		gen_line(e->o, 0, "typedef %s %s;", int_type(t->base->kind), t->c_name);
	if (t->kind != IR_BITS && is_c_enum(t)) {
		gen_line(e->o, 0, "enum %s {", t->c_name);
		for (size_t i = 0; i < t->members.len; i++) {
			const struct ir_member *m = &t->members.items[i];
			if (m->doc)
				gen_comment(e->o, 1, m->doc);
			if (t->is_signed)
				gen_line(e->o, 1, "%s_%s = %lld,", prefix, up(e, m->name), (long long)m->value);
			else
				gen_line(e->o, 1, "%s_%s = %llu,", prefix, up(e, m->name),
				     (unsigned long long)m->value);
		}
		gen_line(e->o, 0, "};");
	} else {
		for (size_t i = 0; i < t->members.len; i++) {
			const struct ir_member *m = &t->members.items[i];
			if (m->doc)
				gen_comment(e->o, 0, m->doc);
			if (t->is_signed)
				gen_line(e->o, 0, "#define %s_%s ((%s)%lldll)", prefix, up(e, m->name),
				     int_type(t->base->kind), (long long)m->value);
			else
				gen_line(e->o, 0, "#define %s_%s ((%s)%s)", prefix, up(e, m->name),
				     t->kind == IR_BITS ? t->c_name : int_type(t->base->kind),
				     gen_hex(e->g, m->value));
		}
	}
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A, "Whether v (two's complement) is a %s.",
				 t->kind == IR_BITS ? arena_printf(A, "set of %s flags", t->name)
						    : arena_printf(A, "value of %s", t->name)));
	gen_line(e->o, 0, "static inline bool %s_valid(uint64_t v)", t->c_name);
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
	gen_line(e->o, 0, "static inline const char *%s_name(uint64_t v)", t->c_name);
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
	gen_line(e->o, 0, "struct %s {", t->c_name);
	unsigned depth = 0;
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		if (m->doc)
			gen_comment(e->o, 1, m->doc);
		gen_line(e->o, 1, "%s;", declarator(e, m->type, m->name));
		if (array_depth(m->type) > depth)
			depth = array_depth(m->type);
	}
	gen_line(e->o, 0, "};");

	gen_blank(e->o);
	gen_line(e->o, 0, "static inline void %s_put(uint8_t *p, const struct %s *v)", t->c_name, t->c_name);
	gen_line(e->o, 0, "{");
	declare_indexes(e, depth);
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
			gen_line(e->o, 1, "memset(%s, 0, %u);", at(e, "p", covered), next - covered);
		if (i < t->members.len && ends[i] > covered)
			covered = ends[i];
	}
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		put_value(e, 1, m->type, at(e, "p", m->offset), arena_printf(A, "v->%s", m->name), 0);
	}
	gen_line(e->o, 0, "}");

	gen_blank(e->o);
	gen_line(e->o, 0, "static inline bool %s_get(const uint8_t *p, struct %s *v)", t->c_name,
	     t->c_name);
	gen_line(e->o, 0, "{");
	declare_indexes(e, depth);
	if (depth)
		gen_blank(e->o);
	check_padding(e, 1, "p", starts, ends, t->members.len, t->size, "return false;");
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		get_value(e, 1, m->type, at(e, "p", m->offset), arena_printf(A, "v->%s", m->name),
			  "return false;", 0);
	}
	gen_line(e->o, 1, "return true;");
	gen_line(e->o, 0, "}");
}

static void open_header(struct ipc *e, const char *guard, const char *const *includes, size_t n)
{
	gen_line(e->o, 0, "#ifndef %s", guard);
	gen_line(e->o, 0, "#define %s", guard);
	gen_blank(e->o);
	for (size_t i = 0; i < n; i++)
		gen_line(e->o, 0, "#include \"%s\"", includes[i]);
	gen_blank(e->o);
	gen_line(e->o, 0, "#ifdef __cplusplus");
	gen_line(e->o, 0, "extern \"C\" {");
	gen_line(e->o, 0, "#endif");
}

static void close_header(struct ipc *e, const char *guard)
{
	gen_blank(e->o);
	gen_line(e->o, 0, "#ifdef __cplusplus");
	gen_line(e->o, 0, "}");
	gen_line(e->o, 0, "#endif");
	gen_blank(e->o);
	gen_line(e->o, 0, "#endif /* %s */", guard);
}

/* The IDL files declaring namespace ns. */
static const struct source *const *namespace_sources(struct ipc *e, const char *ns, size_t *n)
{
	VEC(const struct source *) v = {0};
	const struct ir *ir = e->g->ir;
	for (size_t i = 0; i < ir->sources.len; i++) {
		const struct source *s = ir->sources.items[i];
		bool has = false;
		for (size_t k = 0; k < ir->types.len && !has; k++)
			has = ir->types.items[k]->pos.src == s && !strcmp(ir->types.items[k]->ns, ns);
		if (has)
			vec_push(A, &v, s);
	}
	*n = v.len;
	return v.items;
}

static void emit_types(struct gen *g, const char *ns)
{
	struct ipc ec = {.g = g}, *e = &ec;
	struct gen_file *f = gen_open(g, arena_printf(A, "%s_types.h", ns));
	e->o = &f->text;
	size_t nsrc;
	const struct source *const *srcs = namespace_sources(e, ns, &nsrc);
	gen_banner(g, f,
		   arena_printf(A, "the types of protocol namespace %s, with their wire codecs "
				   "(docs/wire-format.md).",
				ns),
		   srcs, nsrc);
	static const char *const includes[] = {"drv_wire.h"};
	const char *guard = arena_printf(A, "%s_TYPES_H", up(e, ns));
	open_header(e, guard, includes, 1);
	for (size_t i = 0; i < g->ir->types.len; i++) {
		const struct ir_type *t = g->ir->types.items[i];
		if (strcmp(t->ns, ns) != 0)
			continue;
		static const char *const kinds[] = {[IR_ENUM] = "enum", [IR_BITS] = "bits",
						    [IR_ERROR] = "error", [IR_STRUCT] = "struct"};
		struct strbuf c = {0};
		sb_printf(&c, "%s %s (%s)", kinds[t->kind], t->name, gen_where(g, t->pos));
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
	close_header(e, guard);
}

/* ---- what a method's C functions take ---- */

/* An array given to be read: const, but for an array of arrays, which C
 * before C23 will not pass to a const parameter without a cast. */
static const char *array_in(struct ipc *e, const struct ir_type *t, const char *name)
{
	const char *d = declarator(e, t, name);
	return array_depth(t) == 1 ? arena_printf(A, "const %s", d) : d;
}

/* The inputs of a method in C: capabilities, then parameters; a variable
 * one is a pointer and a length. `client`: the stub's buffer type. */
static void input_params(struct ipc *e, const struct ir_method *m, str_list *out, bool client)
{
	for (size_t i = 0; i < m->caps_in.len; i++) {
		const struct ir_cap *c = &m->caps_in.items[i];
		if (c->kind == CAP_PAGES)
			push(e, out, arena_printf(A, "struct %s *%s", client ? "drv_buffer" : "drv_pages",
						  c->name));
		else
			push(e, out, arena_printf(A, "int %s", c->name));
	}
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		const struct ir_type *t = p->type;
		switch (t->kind) {
		case IR_BYTES:
			push(e, out, arena_printf(A, "const uint8_t *%s", p->name));
			push(e, out, arena_printf(A, "uint32_t %s_len", p->name));
			break;
		case IR_STRING:
			push(e, out, arena_printf(A, "const char *%s", p->name));
			break;
		case IR_VECTOR:
			push(e, out, arena_printf(A, "const %s *%s", ctype(e, t->base), p->name));
			push(e, out, arena_printf(A, "uint32_t %s_count", p->name));
			break;
		case IR_STRUCT:
			push(e, out, arena_printf(A, "const %s *%s", ctype(e, t), p->name));
			break;
		case IR_ARRAY:
			push(e, out, array_in(e, t, p->name));
			break;
		default:
			push(e, out, declarator(e, t, p->name));
			break;
		}
	}
}

/* The arguments that pass input_params on, from variables of the same
 * names (a struct from a variable of its own, not a pointer). */
static void input_args(struct ipc *e, const struct ir_method *m, str_list *out,
		       const char *caps_from)
{
	for (size_t i = 0; i < m->caps_in.len; i++)
		push(e, out,
		     m->caps_in.items[i].kind == CAP_PAGES
			     ? arena_printf(A, "&%s[%zu].pages", caps_from, i)
			     : arena_printf(A, "%s[%zu].fd", caps_from, i));
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		push(e, out, p->type->kind == IR_STRUCT ? arena_printf(A, "&%s", p->name) : p->name);
		if (p->type->kind == IR_BYTES)
			push(e, out, arena_printf(A, "%s_len", p->name));
		if (p->type->kind == IR_VECTOR)
			push(e, out, arena_printf(A, "%s_count", p->name));
	}
}

/* A call's outputs, filled in by the callee: the result and the handles
 * coming back. A variable result is written to the caller's storage,
 * room for its bound. */
static void output_params(struct ipc *e, const struct ir_method *m, str_list *out)
{
	const struct ir_type *t = m->result;
	switch (t->kind) {
	case IR_VOID:
		break;
	case IR_BYTES:
		push(e, out, "uint8_t *result");
		push(e, out, "uint32_t *result_len");
		break;
	case IR_STRING:
		push(e, out, "char *result");
		break;
	case IR_VECTOR:
		push(e, out, arena_printf(A, "%s *result", ctype(e, t->base)));
		push(e, out, "uint32_t *result_count");
		break;
	case IR_ARRAY:
		push(e, out, declarator(e, t, "result"));
		break;
	default:
		push(e, out, arena_printf(A, "%s *result", ctype(e, t)));
		break;
	}
	for (size_t i = 0; i < m->caps_out.len; i++)
		push(e, out, arena_printf(A, "int *%s", m->caps_out.items[i].name));
}

/* The parameters of a method's handler: the object, the call, the inputs
 * and the outputs. */
static void handler_params(struct ipc *e, const struct ir_method *m, str_list *out)
{
	push(e, out, arena_printf(A, "struct %s *self", m->owner->c_name));
	push(e, out, "struct drv_call *call");
	input_params(e, m, out, false);
	if (m->kind == METHOD_CALL)
		output_params(e, m, out);
}

/* For the skeleton (emit_driver.c), which defines the handlers. */
const char *const *ipc_handler_params(struct gen *g, const struct ir_method *m, size_t *n)
{
	struct ipc ec = {.g = g, .iface = m->owner}, *e = &ec;
	str_list params = {0};
	handler_params(e, m, &params);
	*n = params.len;
	return params.items;
}

/* The same outputs given by value, as a deferred reply takes them. */
static void output_values(struct ipc *e, const struct ir_method *m, str_list *out)
{
	const struct ir_type *t = m->result;
	switch (t->kind) {
	case IR_VOID:
		break;
	case IR_BYTES:
		push(e, out, "const uint8_t *result");
		push(e, out, "uint32_t result_len");
		break;
	case IR_STRING:
		push(e, out, "const char *result");
		break;
	case IR_VECTOR:
		push(e, out, arena_printf(A, "const %s *result", ctype(e, t->base)));
		push(e, out, "uint32_t result_count");
		break;
	case IR_ARRAY:
		push(e, out, array_in(e, t, "result"));
		break;
	case IR_STRUCT:
		push(e, out, arena_printf(A, "const %s *result", ctype(e, t)));
		break;
	default:
		push(e, out, declarator(e, t, "result"));
		break;
	}
	for (size_t i = 0; i < m->caps_out.len; i++)
		push(e, out, arena_printf(A, "int %s", m->caps_out.items[i].name));
}

/* Arguments for output_values from variables declared as the server's
 * serve function declares them (see serve_output_locals); `from_params`:
 * from output_params instead, as the fuzz harness has them. */
static void output_value_args(struct ipc *e, const struct ir_method *m, str_list *out,
			      bool from_params)
{
	const char *star = from_params ? "*" : "";
	switch (m->result->kind) {
	case IR_VOID:
		break;
	case IR_BYTES:
		push(e, out, "result");
		push(e, out, arena_printf(A, "%sresult_len", star));
		break;
	case IR_STRING:
	case IR_ARRAY:
		push(e, out, "result");
		break;
	case IR_VECTOR:
		push(e, out, "result");
		push(e, out, arena_printf(A, "%sresult_count", star));
		break;
	case IR_STRUCT:
		push(e, out, from_params ? "result" : "&result");
		break;
	default:
		push(e, out, from_params ? "*result" : "result");
		break;
	}
	for (size_t i = 0; i < m->caps_out.len; i++)
		push(e, out, arena_printf(A, "%s%s", star, m->caps_out.items[i].name));
}

static void method_comment(struct ipc *e, unsigned tabs, const struct ir_method *m)
{
	static const char *const kinds[] = {"call", "send", "event"};
	struct strbuf c = {0};
	sb_printf(&c, "%s %s (%s)", kinds[m->kind], m->name, gen_where(e->g, m->pos));
	if (m->owner != e->iface)
		sb_printf(&c, ", from %s", m->owner->name);
	if (m->error)
		sb_printf(&c, ", errors %s", m->error->name);
	if (m->deprecated)
		sb_printf(&c, ", deprecated: %s", m->deprecated);
	sb_puts(&c, m->doc ? ":" : ".");
	if (m->doc)
		sb_printf(&c, " %s", m->doc);
	gen_comment(e->o, tabs, sb_str(&c));
	sb_free(&c);
}

static const char *label_name(struct ipc *e, const struct ir_method *m)
{
	return arena_printf(A, "%s_%s_LABEL", up(e, m->owner->c_name), up(e, m->name));
}

/* ---- message bodies ----
 * A body is a list of values at inline offsets. A fixed value sits at its
 * offset; a variable one has its u32 count there and its data after the
 * inline part, each 8-aligned and zero-padded, in order. */

struct slot {
	const char *name; /* the C variable (or parameter) holding it */
	const struct ir_type *type;
	uint32_t offset;
};

typedef VEC(struct slot) slot_list;

static slot_list request_slots(struct ipc *e, const struct ir_method *m)
{
	slot_list s = {0};
	for (size_t i = 0; i < m->params.len; i++) {
		struct slot sl = {m->params.items[i].name, m->params.items[i].type,
				  m->params.items[i].offset};
		vec_push(A, &s, sl);
	}
	return s;
}

static slot_list reply_slots(struct ipc *e, const struct ir_method *m)
{
	slot_list s = {0};
	if (m->kind == METHOD_CALL && m->result->kind != IR_VOID) {
		struct slot sl = {"result", m->result, 0};
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
		if (s->items[i].type->kind == IR_VECTOR && !is_byte_vector(s->items[i].type))
			return true;
	return false;
}

static unsigned slots_depth(const slot_list *s)
{
	unsigned d = 0;
	for (size_t i = 0; i < s->len; i++) {
		const struct ir_type *t = s->items[i].type;
		unsigned k = array_depth(t->kind == IR_VECTOR ? t->base : t);
		if (k > d)
			d = k;
	}
	return d;
}

static uint32_t elem_size(const struct ir_type *t)
{
	return t->kind == IR_VECTOR ? t->base->size : 1;
}

/* " + 1": a str's data is followed by a zero byte. */
static const char *terminator(const struct ir_type *t)
{
	return t->kind == IR_STRING ? " + 1" : "";
}

static const char *count_name(struct ipc *e, const struct slot *s)
{
	return arena_printf(A, "%s_%s", s->name, s->type->kind == IR_BYTES ? "len" : "count");
}

/* The variables a function's codecs use, declared first. */
struct locals {
	bool at, end, n, k, s;
	unsigned depth; /* array indexes */
};

/* Array indexes and a vector's element index. */
static void add_loops(struct locals *l, const slot_list *s)
{
	unsigned d = slots_depth(s);
	if (d > l->depth)
		l->depth = d;
	l->k |= has_unpacked_vector(s);
}

static void for_encode(struct locals *l, const slot_list *s)
{
	add_loops(l, s);
	l->at |= l->end |= has_variable(s);
	for (size_t i = 0; i < s->len; i++)
		l->n |= s->items[i].type->kind == IR_STRING;
}

static void for_decode(struct locals *l, const slot_list *s)
{
	add_loops(l, s);
	l->at |= l->end |= l->n |= has_variable(s);
	l->s |= has_unpacked_vector(s);
}

/* A client copying a variable result out of the reply. */
static void for_result(struct locals *l, const slot_list *s)
{
	add_loops(l, s);
	l->end |= l->n |= has_variable(s);
}

static void declare_locals(struct ipc *e, const struct locals *l)
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
	declare_indexes(e, l->depth);
}

/* Encodes values held in variables (parameters) named as the slots: a
 * struct by pointer, a variable one as pointer and count. Returns the C
 * expression of the body's length; a value over its bound makes the
 * encoder run `too_big`. */
static const char *encode(struct ipc *e, unsigned tabs, const slot_list *s, const char *p,
			  const char *too_big)
{
	uint32_t inl = inline_size(s);
	if (!s->len)
		return "0";
	gen_line(e->o, tabs, "memset(%s, 0, %u);", p, inl);
	for (size_t i = 0; i < s->len; i++) {
		const struct slot *sl = &s->items[i];
		if (!ir_type_is_variable(sl->type))
			put_value(e, tabs, sl->type, at(e, p, sl->offset),
				  sl->type->kind == IR_STRUCT ? arena_printf(A, "*%s", sl->name)
							      : sl->name,
				  0);
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
			count = count_name(e, sl);
		if (t->kind == IR_STRING)
			gen_line(e->o, tabs, "if (drv_n > %llu || !drv_utf8((const uint8_t *)%s, drv_n))",
			     (unsigned long long)t->bound, sl->name);
		else
			gen_line(e->o, tabs, "if (%s > %llu)", count, (unsigned long long)t->bound);
		gen_line(e->o, tabs + 1, "%s", too_big);
		gen_line(e->o, tabs, "drv_put32(%s, %s);", at(e, p, sl->offset), count);
		if (t->kind == IR_VECTOR && !is_byte_vector(t)) {
			gen_line(e->o, tabs, "for (drv_k = 0; drv_k < %s; drv_k++)", count);
			put_value(e, tabs + 1, t->base,
				  arena_printf(A, "%s + drv_at + %s", p, scaled(e, "drv_k", t->base->size)),
				  arena_printf(A, "%s[drv_k]", sl->name), 0);
			gen_line(e->o, tabs, "drv_end = drv_at + %s;", scaled(e, count, t->base->size));
		} else {
			gen_line(e->o, tabs, "drv_copy(%s + drv_at, %s, %s);", p, sl->name, count);
			gen_line(e->o, tabs, "drv_end = drv_at + %s;", count);
		}
		gen_line(e->o, tabs, "drv_at = drv_align8(drv_end%s);", terminator(t));
		gen_line(e->o, tabs, "memset(%s + drv_end, 0, drv_at - drv_end);", p);
	}
	return "drv_at";
}

/* Decodes a body into local variables named as the slots (declared by the
 * caller): a variable one becomes a pointer into the message (bytes, str,
 * byte vectors) or into scratch room (other vectors), and its count. The
 * message is `in` "msg" and "len", scratch `in` "scratch" and
 * "scratch_cap" (`in`: "call->" or "ev->"). Runs `fail` on anything that
 * is not exactly one valid encoding. */
static void decode(struct ipc *e, unsigned tabs, const slot_list *s, const char *in,
		   const char *fail)
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
	check_padding(e, tabs, p, starts, ends, s->len, inl, fail);
	for (size_t i = 0; i < s->len; i++) {
		const struct slot *sl = &s->items[i];
		if (!ir_type_is_variable(sl->type))
			get_value(e, tabs, sl->type, at(e, p, sl->offset), sl->name, fail, 0);
	}
	if (!var)
		return;
	gen_line(e->o, tabs, "drv_at = %u;", inl);
	for (size_t i = 0; i < s->len; i++) {
		const struct slot *sl = &s->items[i];
		const struct ir_type *t = sl->type;
		if (!ir_type_is_variable(t))
			continue;
		gen_line(e->o, tabs, "drv_n = drv_get32(%s);", at(e, p, sl->offset));
		gen_line(e->o, tabs, "if (drv_n > %llu)", (unsigned long long)t->bound);
		gen_line(e->o, tabs + 1, "%s", fail);
		gen_line(e->o, tabs, "drv_end = drv_at + %s;", scaled(e, "drv_n", elem_size(t)));
		const char *bounds[] = {
			arena_printf(A, "drv_align8(drv_end%s) > %s", terminator(t), len),
			arena_printf(A, "!drv_zeros(%s, drv_end, drv_align8(drv_end%s))", p,
				     terminator(t))};
		gen_condition(e->o, tabs, bounds, 2, "||");
		gen_line(e->o, tabs + 1, "%s", fail);
		switch (t->kind) {
		case IR_BYTES:
			gen_line(e->o, tabs, "%s = %s + drv_at;", sl->name, p);
			gen_line(e->o, tabs, "%s = drv_n;", count_name(e, sl));
			break;
		case IR_STRING:
			gen_line(e->o, tabs, "if (!drv_utf8(%s + drv_at, drv_n))", p);
			gen_line(e->o, tabs + 1, "%s", fail);
			gen_line(e->o, tabs, "%s = (const char *)(%s + drv_at);", sl->name, p);
			break;
		default: {
			const char *ct = ctype(e, t->base);
			if (is_byte_vector(t)) {
				gen_line(e->o, tabs, "%s = (const %s *)(%s + drv_at);", sl->name, ct, p);
				gen_line(e->o, tabs, "%s = drv_n;", count_name(e, sl));
				break;
			}
			gen_line(e->o, tabs, "if (drv_n > (%sscratch_cap - drv_s) / sizeof(%s))", in, ct);
			gen_line(e->o, tabs + 1, "%s", fail);
			gen_line(e->o, tabs, "%s = (%s *)(void *)(%sscratch + drv_s);", sl->name, ct, in);
			gen_line(e->o, tabs, "for (drv_k = 0; drv_k < drv_n; drv_k++) {");
			get_value(e, tabs + 1, t->base,
				  arena_printf(A, "%s + drv_at + %s", p, scaled(e, "drv_k", t->base->size)),
				  arena_printf(A, "%s[drv_k]", sl->name), fail, 0);
			gen_line(e->o, tabs, "}");
			gen_line(e->o, tabs, "%s = drv_n;", count_name(e, sl));
			gen_line(e->o, tabs, "drv_s += drv_align8(drv_n * (uint32_t)sizeof(%s));", ct);
			break;
		}
		}
		gen_line(e->o, tabs, "drv_at = drv_align8(drv_end%s);", terminator(t));
	}
	gen_line(e->o, tabs, "if (drv_at != %s)", len);
	gen_line(e->o, tabs + 1, "%s", fail);
}

/* Locals for decode's output, named as the slots. */
static void declare_slot_locals(struct ipc *e, const slot_list *s)
{
	for (size_t i = 0; i < s->len; i++) {
		const struct slot *sl = &s->items[i];
		const struct ir_type *t = sl->type;
		switch (t->kind) {
		case IR_BYTES:
			gen_line(e->o, 1, "const uint8_t *%s;", sl->name);
			gen_line(e->o, 1, "uint32_t %s;", count_name(e, sl));
			break;
		case IR_STRING:
			gen_line(e->o, 1, "const char *%s;", sl->name);
			break;
		case IR_VECTOR:
			/* unpacked into scratch room, or used in place */
			gen_line(e->o, 1, "%s%s *%s;", is_byte_vector(t) ? "const " : "", ctype(e, t->base),
			     sl->name);
			gen_line(e->o, 1, "uint32_t %s;", count_name(e, sl));
			break;
		default:
			gen_line(e->o, 1, "%s;", declarator(e, t, sl->name));
			break;
		}
	}
}

/* ---- <iface>.h ---- */

/* Namespaces whose types t uses, into `seen`. */
static void note_namespaces(struct ipc *e, const struct ir_type *t, struct strmap *seen,
			    str_list *order)
{
	if (!t)
		return;
	if (t->kind == IR_ARRAY || t->kind == IR_VECTOR) {
		note_namespaces(e, t->base, seen, order);
		return;
	}
	if (!t->ns || strmap_put(seen, t->ns, (void *)t->ns))
		return;
	push(e, order, t->ns);
	for (size_t i = 0; i < t->members.len; i++)
		note_namespaces(e, t->members.items[i].type, seen, order);
}

/* The names of a stub's parameters after the client, in order. */
static void stub_args(struct ipc *e, const struct ir_method *m, str_list *out)
{
	for (size_t i = 0; i < m->caps_in.len; i++)
		push(e, out, m->caps_in.items[i].name);
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		push(e, out, p->name);
		if (p->type->kind == IR_BYTES || p->type->kind == IR_VECTOR)
			push(e, out, count_name(e, &(struct slot){p->name, p->type, 0}));
	}
	if (m->kind != METHOD_CALL)
		return;
	switch (m->result->kind) {
	case IR_VOID:
		break;
	case IR_BYTES:
		push(e, out, "result");
		push(e, out, "result_len");
		break;
	case IR_VECTOR:
		push(e, out, "result");
		push(e, out, "result_count");
		break;
	default:
		push(e, out, "result");
		break;
	}
	for (size_t i = 0; i < m->caps_out.len; i++)
		push(e, out, m->caps_out.items[i].name);
}

/* An inherited call is its owner's stub on the same connection; nothing
 * is generated twice. */
static void emit_inherited_stub(struct ipc *e, const struct ir_method *m)
{
	const char *cn = e->iface->c_name, *owner = m->owner->c_name;
	const char *client_param = arena_printf(A, "struct %s_client *client", cn);
	const char *as_owner = arena_printf(A, "(struct %s_client *)client", owner);
	if (m->kind == METHOD_EVENT) {
		gen_line(e->o, 0, "typedef %s_%s_handler %s_%s_handler;", owner, m->name, cn, m->name);
		const char *sub[] = {client_param, arena_printf(A, "%s_%s_handler handler", cn, m->name),
				     "void *ctx"};
		gen_signature(e->o, 0, arena_printf(A, "static inline int %s_on_%s", cn, m->name), 17,
			      sub, 3, "");
		gen_line(e->o, 0, "{");
		const char *args[] = {as_owner, "handler", "ctx"};
		gen_call_statement(e->o, 1, "return ", arena_printf(A, "%s_on_%s", owner, m->name), args,
				   3);
		gen_line(e->o, 0, "}");
		return;
	}
	str_list params = {0}, args = {0};
	push(e, &params, client_param);
	input_params(e, m, &params, true);
	if (m->kind == METHOD_CALL)
		output_params(e, m, &params);
	push(e, &args, as_owner);
	stub_args(e, m, &args);
	gen_signature(e->o, 0, arena_printf(A, "static inline int %s_%s", cn, m->name), 17,
		      params.items, params.len, "");
	gen_line(e->o, 0, "{");
	gen_call_statement(e->o, 1, "return ", arena_printf(A, "%s_%s", owner, m->name), args.items,
			   args.len);
	gen_line(e->o, 0, "}");
}

static void emit_header(struct gen *g, const struct ir_interface *iface)
{
	struct ipc ec = {.g = g, .iface = iface}, *e = &ec;
	struct gen_file *f = gen_open(g, arena_printf(A, "%s.h", iface->c_name));
	e->o = &f->text;
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A, "the protocol %s: its client API and its server's dispatch "
				   "(docs/ipc.md).",
				iface->name),
		   &src, 1);
	const char *cn = iface->c_name, *CN = up(e, cn);

	/* the types of the methods declared here; a parent's header brings its own */
	str_list includes = {0}, namespaces = {0};
	push(e, &includes, "drv_wire.h");
	for (size_t i = 0; i < iface->parents.len; i++)
		push(e, &includes, arena_printf(A, "%s.h", iface->parents.items[i]->c_name));
	struct strmap seen;
	strmap_init(&seen, A);
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		for (size_t k = 0; k < m->params.len; k++)
			note_namespaces(e, m->params.items[k].type, &seen, &namespaces);
		if (m->kind == METHOD_CALL)
			note_namespaces(e, m->result, &seen, &namespaces);
		note_namespaces(e, m->error, &seen, &namespaces);
	}
	for (size_t i = 0; i < namespaces.len; i++)
		push(e, &includes, arena_printf(A, "%s_types.h", namespaces.items[i]));
	const char *guard = arena_printf(A, "%s_H", CN);
	open_header(e, guard, includes.items, includes.len);

	struct strbuf c = {0};
	sb_printf(&c, "interface %s (%s)", iface->name, gen_where(g, iface->pos));
	for (size_t i = 0; i < iface->parents.len; i++)
		sb_printf(&c, "%s %s", i ? "," : ", inherits", iface->parents.items[i]->name);
	if (iface->deprecated)
		sb_printf(&c, ", deprecated: %s", iface->deprecated);
	sb_puts(&c, iface->doc ? ":" : ".");
	if (iface->doc)
		sb_printf(&c, " %s", iface->doc);
	gen_blank(e->o);
	gen_comment(e->o, 0, sb_str(&c));
	sb_free(&c);
	gen_line(e->o, 0, "#define %s_NAME \"%s\"", CN, iface->name);
	gen_line(e->o, 0, "#define %s_ID 0x%08xu", CN, iface->id);
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		gen_line(e->o, 0, "#define %s 0x%012llxull", label_name(e, m), (unsigned long long)m->label);
	}

	/* the client */
	gen_blank(e->o);
	gen_line(e->o, 0, "/* ---- client ---- */");
	gen_blank(e->o);
	gen_line(e->o, 0, "struct drv_buffer;");
	gen_line(e->o, 0, "struct %s_client;", cn);
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A, "Connects to instance `instance` of %s. Returns 0 or "
				    "-DRV_E_CONNECTION.",
				 iface->name));
	const char *open_params[] = {"unsigned instance",
				     arena_printf(A, "struct %s_client **client", cn)};
	gen_signature(e->o, 0, arena_printf(A, "int %s_connect", cn), 3, open_params, 2, ";");
	const char *client_param = arena_printf(A, "struct %s_client *client", cn);
	gen_signature(e->o, 0, arena_printf(A, "void %s_disconnect", cn), 4, &client_param, 1, ";");
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct ir_interface *p = iface->parents.items[i];
		gen_blank(e->o);
		gen_comment(e->o, 0, arena_printf(A, "The same connection, as a client of %s.", p->name));
		gen_signature(e->o, 0,
			      arena_printf(A, "static inline struct %s_client *%s_as_%s", p->c_name, cn,
					   p->c_name),
			      strlen(p->c_name) + 30, &client_param, 1, "");
		gen_line(e->o, 0, "{");
		gen_line(e->o, 1, "return (struct %s_client *)client;", p->c_name);
		gen_line(e->o, 0, "}");
	}
	for (size_t i = 0; i < iface->all_methods.len; i++) {
		const struct ir_method *m = iface->all_methods.items[i];
		str_list params = {0};
		gen_blank(e->o);
		method_comment(e, 0, m);
		if (m->owner != iface) {
			emit_inherited_stub(e, m);
			continue;
		}
		if (m->kind == METHOD_EVENT) {
			push(e, &params, "void *ctx");
			input_params(e, m, &params, false);
			gen_signature(e->o, 0,
				      arena_printf(A, "typedef void (*%s_%s_handler)", cn, m->name), 0,
				      params.items, params.len, ";");
			const char *sub[] = {client_param,
					     arena_printf(A, "%s_%s_handler handler", cn, m->name),
					     "void *ctx"};
			gen_signature(e->o, 0, arena_printf(A, "int %s_on_%s", cn, m->name), 3, sub, 3,
				      ";");
			continue;
		}
		push(e, &params, client_param);
		input_params(e, m, &params, true);
		if (m->kind == METHOD_CALL)
			output_params(e, m, &params);
		gen_signature(e->o, 0, arena_printf(A, "int %s_%s", cn, m->name), 3, params.items,
			      params.len, ";");
	}

	/* the server */
	gen_blank(e->o);
	gen_line(e->o, 0, "/* ---- server ---- */");
	gen_blank(e->o);
	gen_line(e->o, 0, "struct %s;", cn);
	gen_blank(e->o);
	gen_line(e->o, 0, "struct %s_ops {", cn);
	for (size_t i = 0; i < iface->parents.len; i++)
		gen_line(e->o, 1, "struct %s_ops %s;", iface->parents.items[i]->c_name,
		     iface->parents.items[i]->c_name);
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind == METHOD_EVENT)
			continue;
		method_comment(e, 1, m);
		str_list params = {0};
		handler_params(e, m, &params);
		gen_signature(e->o, 1,
			      arena_printf(A, "%s (*%s)", m->kind == METHOD_CALL ? "int" : "void",
					   m->member),
			      0, params.items, params.len, ";");
	}
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A, "An object serving %s: embed it in the driver's state and set "
				    "its handlers with %s_init.",
				 iface->name, cn));
	gen_line(e->o, 0, "struct %s {", cn);
	for (size_t i = 0; i < iface->parents.len; i++)
		gen_line(e->o, 1, "struct %s %s;", iface->parents.items[i]->c_name,
		     iface->parents.items[i]->c_name);
	gen_line(e->o, 1, "const struct %s_ops *ops;", cn);
	if (!iface->parents.len)
		gen_line(e->o, 1, "struct drv_object *object; /* the transport serving it */");
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A, "The ops of functions <prefix>_<method>, one per method of %s "
				    "and its parents, so a method added to the protocol is a "
				    "compile error until it is written.",
				 iface->name));
	/* clang-format packs a macro's initializer list; one per line reads better */
	gen_line(e->o, 0, "/* clang-format off */");
	gen_line(e->o, 0, "#define %s_OPS(prefix) \\", CN);
	gen_line(e->o, 1, "{ \\");
	for (size_t i = 0; i < iface->parents.len; i++)
		gen_line(e->o, 2, ".%s = %s_OPS(prefix), \\", iface->parents.items[i]->c_name,
		     up(e, iface->parents.items[i]->c_name));
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind != METHOD_EVENT)
			gen_line(e->o, 2, ".%s = prefix##_%s, \\", m->member, m->name);
	}
	gen_line(e->o, 1, "}");
	gen_line(e->o, 0, "/* clang-format on */");
	gen_blank(e->o);
	gen_comment(e->o, 0, "Sets the handlers; false if one of them is NULL.");
	const char *init_params[] = {arena_printf(A, "struct %s *self", cn),
				     arena_printf(A, "const struct %s_ops *ops", cn)};
	gen_signature(e->o, 0, arena_printf(A, "bool %s_init", cn), 4, init_params, 2, ";");
	gen_comment(e->o, 0, "Validates the request in call, runs its handler and encodes the reply. "
			     "Returns the reply's status, or DRV_DEFER.");
	const char *dispatch_params[] = {"void *self", "struct drv_call *call"};
	gen_signature(e->o, 0, arena_printf(A, "int %s_dispatch", cn), 3, dispatch_params, 2, ";");
	gen_comment(e->o, 0, "What a transport needs to serve the interface.");
	gen_line(e->o, 0, "extern const struct drv_interface %s_interface;", cn);
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		str_list params = {0};
		if (m->kind != METHOD_SEND)
			gen_blank(e->o);
		if (m->kind == METHOD_EVENT) {
			gen_comment(e->o, 0,
				    arena_printf(A, "Sends event %s to every client of self. Returns 0, "
						    "or -DRV_E_ARGUMENT for a value over its bound.",
						 m->name));
			push(e, &params, arena_printf(A, "struct %s *self", cn));
			input_params(e, m, &params, false);
			gen_signature(e->o, 0, arena_printf(A, "int %s_emit_%s", cn, m->name), 3,
				      params.items, params.len, ";");
		} else if (m->kind == METHOD_CALL) {
			gen_comment(e->o, 0,
				    arena_printf(A, "Replies to a call of %s whose handler returned "
						    "DRV_DEFER.",
						 m->name));
			push(e, &params, "struct drv_call *call");
			push(e, &params, "int status");
			output_values(e, m, &params);
			gen_signature(e->o, 0, arena_printf(A, "void %s_%s_reply", cn, m->name), 4,
				      params.items, params.len, ";");
		}
	}
	close_header(e, guard);
}

/* ---- <iface>_client.c ---- */

/* Decodes the reply body into the caller's outputs (output_params). */
static void decode_result(struct ipc *e, const struct ir_method *m, const char *fail)
{
	const struct ir_type *t = m->result;
	if (t->kind == IR_VOID) {
		gen_line(e->o, 1, "if (drv_r.len != 0)");
		gen_line(e->o, 2, "%s", fail);
		return;
	}
	uint32_t inl = (t->size + 7u) & ~7u;
	if (!ir_type_is_variable(t)) {
		gen_line(e->o, 1, "if (drv_r.len != %u)", inl);
		gen_line(e->o, 2, "%s", fail);
		if (inl > t->size) {
			gen_line(e->o, 1, "if (!drv_zeros(drv_r.payload, %u, %u))", t->size, inl);
			gen_line(e->o, 2, "%s", fail);
		}
		get_value(e, 1, t, "drv_r.payload", t->kind == IR_ARRAY ? "result" : "*result", fail,
			  0);
		return;
	}
	/* copied out of the reply, which the next call reuses */
	gen_line(e->o, 1, "if (drv_r.len < %u || !drv_zeros(drv_r.payload, 4, %u))", inl, inl);
	gen_line(e->o, 2, "%s", fail);
	gen_line(e->o, 1, "drv_n = drv_get32(drv_r.payload);");
	gen_line(e->o, 1, "if (drv_n > %llu)", (unsigned long long)t->bound);
	gen_line(e->o, 2, "%s", fail);
	gen_line(e->o, 1, "drv_end = %u + %s;", inl, scaled(e, "drv_n", elem_size(t)));
	const char *bounds[] = {arena_printf(A, "drv_align8(drv_end%s) != drv_r.len", terminator(t)),
				"!drv_zeros(drv_r.payload, drv_end, drv_r.len)"};
	gen_condition(e->o, 1, bounds, 2, "||");
	gen_line(e->o, 2, "%s", fail);
	const char *data = arena_printf(A, "drv_r.payload + %u", inl);
	switch (t->kind) {
	case IR_STRING:
		gen_line(e->o, 1, "if (!drv_utf8(%s, drv_n))", data);
		gen_line(e->o, 2, "%s", fail);
		gen_line(e->o, 1, "memcpy(result, %s, drv_n + 1);", data);
		break;
	case IR_BYTES:
		gen_line(e->o, 1, "drv_copy(result, %s, drv_n);", data);
		gen_line(e->o, 1, "*result_len = drv_n;");
		break;
	default:
		if (is_byte_vector(t)) {
			gen_line(e->o, 1, "drv_copy(result, %s, drv_n);", data);
		} else {
			gen_line(e->o, 1, "for (drv_k = 0; drv_k < drv_n; drv_k++) {");
			get_value(e, 2, t->base, arena_printf(A, "%s + %s", data, scaled(e, "drv_k", t->base->size)),
				  "result[drv_k]", fail, 0);
			gen_line(e->o, 1, "}");
		}
		gen_line(e->o, 1, "*result_count = drv_n;");
		break;
	}
}

/* A value the caller gives that the server would reject is refused here,
 * before it costs a round trip (values nested in structs and arrays are
 * left to the server; a NULL buffer or a negative handle to
 * drv_client_call, for every stub at once). */
static void check_arguments(struct ipc *e, const struct ir_method *m)
{
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		const struct ir_type *t = p->type;
		if (has_values(t))
			gen_line(e->o, 1, "if (!%s_valid((uint64_t)%s))", t->c_name, p->name);
		else if (t->kind == IR_STRING || t->kind == IR_STRUCT)
			gen_line(e->o, 1, "if (!%s)", p->name);
		else
			continue;
		gen_line(e->o, 2, "return -DRV_E_ARGUMENT;");
	}
}

static void emit_client_method(struct ipc *e, const struct ir_method *m)
{
	const char *cn = e->iface->c_name;
	slot_list req = request_slots(e, m), rep = reply_slots(e, m);
	str_list params = {0};
	push(e, &params, arena_printf(A, "struct %s_client *client", cn));
	input_params(e, m, &params, true);
	if (m->kind == METHOD_CALL)
		output_params(e, m, &params);
	gen_blank(e->o);
	gen_signature(e->o, 0, arena_printf(A, "int %s_%s", cn, m->name), 3, params.items,
		      params.len, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct drv_client *drv_c = (struct drv_client *)client;");
	if (req.len)
		gen_line(e->o, 1, "uint8_t *drv_p = drv_client_request(drv_c);");
	struct locals l = {0};
	for_encode(&l, &req);
	for_result(&l, &rep);
	declare_locals(e, &l);
	if (m->caps_in.len)
		gen_line(e->o, 1, "struct drv_cap drv_caps[%zu];", m->caps_in.len);
	if (m->kind == METHOD_CALL) {
		gen_line(e->o, 1, "struct drv_reply drv_r;");
		gen_line(e->o, 1, "int drv_st;");
	}
	gen_blank(e->o);
	check_arguments(e, m);
	for (size_t i = 0; i < m->caps_in.len; i++) {
		const struct ir_cap *c = &m->caps_in.items[i];
		gen_line(e->o, 1, "drv_caps[%zu] = %s(%s);", i,
		     c->kind == CAP_PAGES ? "drv_buffer_cap" : "drv_handle_cap", c->name);
	}
	const char *len = encode(e, 1, &req, "drv_p", "return -DRV_E_ARGUMENT;");
	const char *caps = m->caps_in.len ? "drv_caps" : "NULL";
	const char *ncaps = arena_printf(A, "%zu", m->caps_in.len);
	if (m->kind == METHOD_SEND) {
		const char *args[] = {"drv_c", label_name(e, m), len, caps, ncaps};
		gen_call_statement(e->o, 1, "return ", "drv_client_send", args, 5);
		gen_line(e->o, 0, "}");
		return;
	}
	const char *args[] = {"drv_c", label_name(e, m), len, caps, ncaps,
			      arena_printf(A, "%zu", m->caps_out.len), "&drv_r"};
	gen_call_statement(e->o, 1, "drv_st = ", "drv_client_call", args, 7);
	gen_line(e->o, 1, "if (drv_st)");
	gen_line(e->o, 2, "return drv_st;");
	gen_line(e->o, 1, "if (drv_r.status || drv_r.nfds != %zu)", m->caps_out.len);
	gen_line(e->o, 2, "return drv_client_status(&drv_r, %s);",
	     m->error ? arena_printf(A, "%s_valid", m->error->c_name) : "NULL");
	decode_result(e, m, "return drv_client_bad_reply(&drv_r);");
	for (size_t i = 0; i < m->caps_out.len; i++)
		gen_line(e->o, 1, "*%s = drv_r.fds[%zu];", m->caps_out.items[i].name, i);
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
}

static void emit_client_event(struct ipc *e, const struct ir_method *m)
{
	const char *cn = e->iface->c_name;
	slot_list req = request_slots(e, m);
	gen_blank(e->o);
	const char *thunk_params[] = {"drv_fn handler", "void *ctx", "const struct drv_event *ev"};
	gen_signature(e->o, 0, arena_printf(A, "static int drv_thunk_%s", m->name), 10,
		      thunk_params, 3, "");
	gen_line(e->o, 0, "{");
	if (req.len)
		gen_line(e->o, 1, "const uint8_t *drv_p = ev->msg;");
	struct locals l = {0};
	for_decode(&l, &req);
	declare_locals(e, &l);
	declare_slot_locals(e, &req);
	gen_blank(e->o);
	decode(e, 1, &req, "ev->", "return -DRV_E_BAD_REPLY;");
	str_list args = {0};
	push(e, &args, "ctx");
	input_args(e, m, &args, "ev->caps");
	gen_call_statement(e->o, 1, "", arena_printf(A, "((%s_%s_handler)handler)", cn, m->name),
			   args.items, args.len);
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	const char *sub[] = {arena_printf(A, "struct %s_client *client", cn),
			     arena_printf(A, "%s_%s_handler handler", cn, m->name), "void *ctx"};
	gen_signature(e->o, 0, arena_printf(A, "int %s_on_%s", cn, m->name), 3, sub, 3, "");
	gen_line(e->o, 0, "{");
	const char *args2[] = {"(struct drv_client *)client", label_name(e, m),
			       arena_printf(A, "drv_thunk_%s", m->name), "(drv_fn)handler", "ctx"};
	gen_call_statement(e->o, 1, "return ", "drv_client_on_event", args2, 5);
	gen_line(e->o, 0, "}");
}

static void emit_client(struct gen *g, const struct ir_interface *iface)
{
	struct ipc ec = {.g = g, .iface = iface}, *e = &ec;
	struct gen_file *f = gen_open(g, arena_printf(A, "%s_client.c", iface->c_name));
	e->o = &f->text;
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A, "the client stubs of %s: encode, call, validate the reply.",
				iface->name),
		   &src, 1);
	const char *cn = iface->c_name, *CN = up(e, cn);
	gen_line(e->o, 0, "#include \"%s.h\"", cn);
	gen_blank(e->o);
	gen_line(e->o, 0, "#include \"drv_client.h\"");
	gen_blank(e->o);
	gen_line(e->o, 0, "#include <string.h>");
	gen_blank(e->o);
	const char *open_params[] = {"unsigned instance",
				     arena_printf(A, "struct %s_client **client", cn)};
	gen_signature(e->o, 0, arena_printf(A, "int %s_connect", cn), 3, open_params, 2, "");
	gen_line(e->o, 0, "{");
	const char *oargs[] = {arena_printf(A, "%s_NAME", CN), "instance",
			       "(struct drv_client **)client"};
	gen_call_statement(e->o, 1, "return ", "drv_client_connect", oargs, 3);
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	const char *client_param = arena_printf(A, "struct %s_client *client", cn);
	gen_signature(e->o, 0, arena_printf(A, "void %s_disconnect", cn), 4, &client_param, 1, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "drv_client_disconnect((struct drv_client *)client);");
	gen_line(e->o, 0, "}");
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind == METHOD_EVENT)
			emit_client_event(e, m);
		else
			emit_client_method(e, m);
	}
}

/* ---- <iface>_server.c ---- */

/* complete: turns the handler's status and outputs into the reply. */
static void emit_complete(struct ipc *e, const struct ir_method *m)
{
	slot_list rep = reply_slots(e, m);
	str_list params = {0};
	push(e, &params, "struct drv_call *call");
	push(e, &params, "int status");
	output_values(e, m, &params);
	gen_blank(e->o);
	gen_signature(e->o, 0, arena_printf(A, "static uint32_t drv_complete_%s", m->name), 15,
		      params.items, params.len, "");
	gen_line(e->o, 0, "{");
	if (rep.len)
		gen_line(e->o, 1, "uint8_t *drv_p = call->reply;");
	struct locals l = {0};
	for_encode(&l, &rep);
	declare_locals(e, &l);
	if (rep.len)
		gen_blank(e->o);
	gen_line(e->o, 1, "if (status)");
	gen_line(e->o, 2, "return drv_error_status(status, %s);",
	     m->error ? arena_printf(A, "%s_valid", m->error->c_name) : "NULL");
	if (has_values(m->result)) {
		gen_line(e->o, 1, "if (!%s_valid((uint64_t)result))", m->result->c_name);
		gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
	}
	for (size_t i = 0; i < m->caps_out.len; i++) {
		gen_line(e->o, 1, "if (%s < 0)", m->caps_out.items[i].name);
		gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
	}
	const char *len = encode(e, 1, &rep, "drv_p", "return DRV_STATUS_INTERNAL;");
	for (size_t i = 0; i < m->caps_out.len; i++) {
		gen_line(e->o, 1, "call->reply_caps[%zu].kind = DRV_CAP_HANDLE;", i);
		gen_line(e->o, 1, "call->reply_caps[%zu].fd = %s;", i, m->caps_out.items[i].name);
	}
	gen_line(e->o, 1, "call->nreply_caps = %zu;", m->caps_out.len);
	gen_line(e->o, 1, "call->reply_len = %s;", len);
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
}

/* The serve function's variables for a call's outputs, as the handler
 * fills them in: a variable result straight into the reply (bytes, str)
 * or scratch room (vectors). */
static void serve_output_locals(struct ipc *e, const struct ir_method *m)
{
	const struct ir_type *t = m->result;
	switch (t->kind) {
	case IR_VOID:
		break;
	case IR_BYTES:
		gen_line(e->o, 1, "uint8_t *result = call->reply + 8;");
		gen_line(e->o, 1, "uint32_t result_len = 0;");
		break;
	case IR_STRING:
		gen_line(e->o, 1, "char *result = (char *)call->reply + 8;");
		break;
	case IR_VECTOR:
		gen_line(e->o, 1, "%s *result;", ctype(e, t->base));
		gen_line(e->o, 1, "uint32_t result_count = 0;");
		break;
	case IR_ARRAY:
	case IR_STRUCT:
		gen_line(e->o, 1, "%s;", declarator(e, t, "result"));
		break;
	default:
		gen_line(e->o, 1, "%s = %s;", declarator(e, t, "result"),
		     (t->kind == IR_ENUM || t->kind == IR_ERROR) && is_c_enum(t)
			     ? arena_printf(A, "(%s)0", ctype(e, t))
			     : "0");
		break;
	}
	for (size_t i = 0; i < m->caps_out.len; i++)
		gen_line(e->o, 1, "int %s = -1;", m->caps_out.items[i].name);
}

static void emit_serve(struct ipc *e, const struct ir_method *m)
{
	const char *cn = e->iface->c_name;
	slot_list req = request_slots(e, m);
	const struct ir_type *t = m->result;
	bool call = m->kind == METHOD_CALL;
	bool vector_result = call && t->kind == IR_VECTOR;
	const char *params[] = {arena_printf(A, "struct %s *self", cn), "struct drv_call *call"};
	gen_blank(e->o);
	gen_signature(e->o, 0, arena_printf(A, "static int drv_serve_%s", m->name), 10, params, 2,
		      "");
	gen_line(e->o, 0, "{");
	if (req.len)
		gen_line(e->o, 1, "const uint8_t *drv_p = call->msg;");
	struct locals l = {0};
	for_decode(&l, &req);
	l.s |= vector_result;
	declare_locals(e, &l);
	declare_slot_locals(e, &req);
	if (call) {
		serve_output_locals(e, m);
		gen_line(e->o, 1, "int drv_st;");
	}
	gen_blank(e->o);
	gen_line(e->o, 1, "if (call->kind != %s)", call ? "DRV_KIND_CALL" : "DRV_KIND_SEND");
	gen_line(e->o, 2, "return DRV_STATUS_MALFORMED;");
	str_list caps = {0};
	push(e, &caps, arena_printf(A, "call->ncaps != %zu", m->caps_in.len));
	for (size_t i = 0; i < m->caps_in.len; i++)
		push(e, &caps,
		     arena_printf(A, "call->caps[%zu].kind != %s", i,
				  m->caps_in.items[i].kind == CAP_PAGES ? "DRV_CAP_PAGES"
									 : "DRV_CAP_HANDLE"));
	gen_condition(e->o, 1, caps.items, caps.len, "||");
	gen_line(e->o, 2, "return DRV_STATUS_BAD_CAPS;");
	decode(e, 1, &req, "call->", "return DRV_STATUS_MALFORMED;");
	if (call && (t->kind == IR_ARRAY || t->kind == IR_STRUCT))
		gen_line(e->o, 1, "memset(&result, 0, sizeof result);");
	if (call && t->kind == IR_STRING)
		gen_line(e->o, 1, "result[0] = '\\0';");
	if (vector_result) {
		const char *ct = ctype(e, t->base);
		gen_line(e->o, 1, "if ((call->scratch_cap - drv_s) / sizeof(%s) < %llu)", ct,
		     (unsigned long long)t->bound);
		gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
		gen_line(e->o, 1, "result = (%s *)(void *)(call->scratch + drv_s);", ct);
	}
	/* ops filled in by hand may miss one */
	gen_line(e->o, 1, "if (!self->ops->%s)", m->member);
	gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
	str_list args = {0};
	push(e, &args, "self");
	push(e, &args, "call");
	input_args(e, m, &args, "call->caps");
	if (!call) {
		gen_call_statement(e->o, 1, "", arena_printf(A, "self->ops->%s", m->member), args.items,
				   args.len);
		gen_line(e->o, 1, "return 0;");
		gen_line(e->o, 0, "}");
		return;
	}
	switch (t->kind) {
	case IR_VOID:
		break;
	case IR_BYTES:
		push(e, &args, "result");
		push(e, &args, "&result_len");
		break;
	case IR_STRING:
	case IR_ARRAY:
		push(e, &args, "result");
		break;
	case IR_VECTOR:
		push(e, &args, "result");
		push(e, &args, "&result_count");
		break;
	default:
		push(e, &args, "&result");
		break;
	}
	for (size_t i = 0; i < m->caps_out.len; i++)
		push(e, &args, arena_printf(A, "&%s", m->caps_out.items[i].name));
	gen_call_statement(e->o, 1, "drv_st = ", arena_printf(A, "self->ops->%s", m->member),
			   args.items, args.len);
	gen_line(e->o, 1, "if (drv_st == DRV_DEFER)");
	gen_line(e->o, 2, "return DRV_DEFER;");
	str_list cargs = {0};
	push(e, &cargs, "call");
	push(e, &cargs, "drv_st");
	output_value_args(e, m, &cargs, false);
	gen_call_statement(e->o, 1, "return (int)", arena_printf(A, "drv_complete_%s", m->name),
			   cargs.items, cargs.len);
	gen_line(e->o, 0, "}");

	/* the deferred reply */
	str_list rparams = {0};
	push(e, &rparams, "struct drv_call *call");
	push(e, &rparams, "int status");
	output_values(e, m, &rparams);
	gen_blank(e->o);
	gen_signature(e->o, 0, arena_printf(A, "void %s_%s_reply", cn, m->name), 4, rparams.items,
		      rparams.len, "");
	gen_line(e->o, 0, "{");
	struct strbuf inner = {0};
	sb_printf(&inner, "drv_complete_%s(call, status", m->name);
	str_list vals = {0};
	output_value_args(e, m, &vals, false);
	for (size_t i = 0; i < vals.len; i++) {
		/* the reply's parameters are the values themselves */
		const char *v = vals.items[i];
		sb_printf(&inner, ", %s", v[0] == '&' ? v + 1 : v);
	}
	sb_putc(&inner, ')');
	const char *fargs[] = {"call", arena_strdup(A, sb_str(&inner))};
	sb_free(&inner);
	gen_call_statement(e->o, 1, "", "call->finish", fargs, 2);
	gen_line(e->o, 0, "}");
}

static void emit_emit(struct ipc *e, const struct ir_method *m)
{
	const char *cn = e->iface->c_name;
	slot_list req = request_slots(e, m);
	str_list params = {0};
	push(e, &params, arena_printf(A, "struct %s *self", cn));
	input_params(e, m, &params, false);
	gen_blank(e->o);
	gen_signature(e->o, 0, arena_printf(A, "int %s_emit_%s", cn, m->name), 3, params.items,
		      params.len, "");
	/* the transport object sits at the root of the first-parent chain */
	struct strbuf path = {0};
	sb_puts(&path, "self->");
	for (const struct ir_interface *i = e->iface; i->parents.len; i = i->parents.items[0])
		sb_printf(&path, "%s.", i->parents.items[0]->c_name);
	sb_puts(&path, "object");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct drv_object *drv_obj = %s;", sb_str(&path));
	sb_free(&path);
	if (req.len)
		gen_line(e->o, 1, "uint8_t *drv_p;");
	struct locals l = {0};
	for_encode(&l, &req);
	declare_locals(e, &l);
	gen_blank(e->o);
	gen_line(e->o, 1, "if (!drv_obj)");
	gen_line(e->o, 2, "return 0; /* not served yet: no client to tell */");
	if (req.len)
		gen_line(e->o, 1, "drv_p = drv_event_buffer(drv_obj);");
	const char *len = encode(e, 1, &req, "drv_p", "return -DRV_E_ARGUMENT;");
	const char *args[] = {"drv_obj", label_name(e, m), len};
	gen_call_statement(e->o, 1, "return ", "drv_event_send", args, 3);
	gen_line(e->o, 0, "}");
}

static void emit_attach_paths(struct ipc *e, const struct ir_interface *i, const char *path)
{
	if (!i->parents.len) {
		gen_line(e->o, 1, "%sobject = object;", path);
		return;
	}
	for (size_t k = 0; k < i->parents.len; k++)
		emit_attach_paths(e, i->parents.items[k],
				  arena_printf(A, "%s%s.", path, i->parents.items[k]->c_name));
}

static void emit_server(struct gen *g, const struct ir_interface *iface)
{
	struct ipc ec = {.g = g, .iface = iface}, *e = &ec;
	struct gen_file *f = gen_open(g, arena_printf(A, "%s_server.c", iface->c_name));
	e->o = &f->text;
	const char *cn = iface->c_name, *CN = up(e, cn);
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A, "the server dispatch of %s: every message validated before a "
				   "handler sees it.",
				iface->name),
		   &src, 1);
	gen_line(e->o, 0, "#include \"%s.h\"", cn);
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind == METHOD_CALL)
			emit_complete(e, m);
		if (m->kind == METHOD_EVENT)
			emit_emit(e, m);
		else
			emit_serve(e, m);
	}

	const char *init_params[] = {arena_printf(A, "struct %s *self", cn),
				     arena_printf(A, "const struct %s_ops *ops", cn)};
	gen_blank(e->o);
	gen_signature(e->o, 0, arena_printf(A, "bool %s_init", cn), 4, init_params, 2, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "bool ok = true;");
	gen_blank(e->o);
	for (size_t i = 0; i < iface->parents.len; i++) {
		const char *p = iface->parents.items[i]->c_name;
		gen_line(e->o, 1, "ok &= %s_init(&self->%s, &ops->%s);", p, p, p);
	}
	gen_line(e->o, 1, "self->ops = ops;");
	if (!iface->parents.len)
		gen_line(e->o, 1, "self->object = NULL;");
	for (size_t i = 0; i < iface->methods.len; i++)
		if (iface->methods.items[i]->kind != METHOD_EVENT)
			gen_line(e->o, 1, "ok &= ops->%s != NULL;", iface->methods.items[i]->member);
	gen_line(e->o, 1, "return ok;");
	gen_line(e->o, 0, "}");

	const char *dparams[] = {"void *self", "struct drv_call *call"};
	gen_blank(e->o);
	gen_signature(e->o, 0, arena_printf(A, "int %s_dispatch", cn), 3, dparams, 2, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s *drv_self = (struct %s *)self;", cn, cn);
	if (iface->parents.len)
		gen_line(e->o, 1, "int drv_st;");
	gen_blank(e->o);
	gen_line(e->o, 1, "if (!drv_self->ops)");
	gen_line(e->o, 2, "return DRV_STATUS_INTERNAL; /* never given its handlers */");
	gen_line(e->o, 1, "switch (call->label) {");
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind == METHOD_EVENT)
			continue;
		gen_line(e->o, 1, "case %s:", label_name(e, m));
		gen_line(e->o, 2, "return drv_serve_%s(drv_self, call);", m->name);
	}
	gen_line(e->o, 1, "default:");
	gen_line(e->o, 2, "break;");
	gen_line(e->o, 1, "}");
	for (size_t i = 0; i < iface->parents.len; i++) {
		const char *p = iface->parents.items[i]->c_name;
		gen_line(e->o, 1, "drv_st = %s_dispatch(&drv_self->%s, call);", p, p);
		gen_line(e->o, 1, "if (drv_st != DRV_STATUS_UNKNOWN_LABEL)");
		gen_line(e->o, 2, "return drv_st;");
	}
	gen_line(e->o, 1, "return DRV_STATUS_UNKNOWN_LABEL;");
	gen_line(e->o, 0, "}");

	/* every root ancestor has a transport object, wherever it is embedded */
	const char *aparams[] = {"void *self", "struct drv_object *object"};
	gen_blank(e->o);
	gen_signature(e->o, 0, "static void drv_attach", 11, aparams, 2, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s *drv_self = (struct %s *)self;", cn, cn);
	gen_blank(e->o);
	emit_attach_paths(e, iface, "drv_self->");
	gen_line(e->o, 0, "}");

	gen_blank(e->o);
	gen_line(e->o, 0, "const struct drv_interface %s_interface = {", cn);
	gen_line(e->o, 1, ".name = %s_NAME,", CN);
	gen_line(e->o, 1, ".id = %s_ID,", CN);
	gen_line(e->o, 1, ".dispatch = %s_dispatch,", cn);
	gen_line(e->o, 1, ".attach = drv_attach,");
	gen_line(e->o, 1, ".close_on_malformed = %s,", iface->close_on_malformed ? "true" : "false");
	gen_line(e->o, 0, "};");
}

/* ---- <iface>_fuzz.c ---- */

/* A handler that takes anything: methods with an odd op defer and reply
 * before they return, the others answer at once, so both paths run. */
static void emit_fuzz_handler(struct ipc *e, const struct ir_method *m)
{
	str_list params = {0};
	push(e, &params, arena_printf(A, "struct %s *self", m->owner->c_name));
	push(e, &params, "struct drv_call *call");
	input_params(e, m, &params, false);
	str_list args = {0};
	input_args(e, m, &args, "");
	if (m->kind == METHOD_CALL)
		output_params(e, m, &params);
	gen_blank(e->o);
	gen_signature(e->o, 0,
		      arena_printf(A, "static %s fuzz_%s", m->kind == METHOD_CALL ? "int" : "void",
				   m->name),
		      m->kind == METHOD_CALL ? 10 : 11, params.items, params.len, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "(void)self;");
	if (m->kind != METHOD_CALL || m->op % 2 == 0)
		gen_line(e->o, 1, "(void)call;");
	for (size_t i = 0; i < m->caps_in.len; i++)
		gen_line(e->o, 1, "(void)%s;", m->caps_in.items[i].name);
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		gen_line(e->o, 1, "(void)%s;", p->name);
		if (p->type->kind == IR_BYTES || p->type->kind == IR_VECTOR)
			gen_line(e->o, 1, "(void)%s;", count_name(e, &(struct slot){p->name, p->type, 0}));
	}
	if (m->kind != METHOD_CALL) {
		gen_line(e->o, 0, "}");
		return;
	}
	if (m->op % 2 == 0) {
		if (m->result->kind != IR_VOID)
			gen_line(e->o, 1, "(void)result;");
		for (size_t i = 0; i < m->caps_out.len; i++)
			gen_line(e->o, 1, "(void)%s;", m->caps_out.items[i].name);
		gen_line(e->o, 1, "return 0;");
		gen_line(e->o, 0, "}");
		return;
	}
	str_list rargs = {0};
	push(e, &rargs, "call");
	push(e, &rargs, "0");
	output_value_args(e, m, &rargs, true);
	gen_call_statement(e->o, 1, "", arena_printf(A, "%s_%s_reply", m->owner->c_name, m->name),
			   rargs.items, rargs.len);
	gen_line(e->o, 1, "return DRV_DEFER;");
	gen_line(e->o, 0, "}");
}

static void emit_fuzz(struct gen *g, const struct ir_interface *iface)
{
	struct ipc ec = {.g = g, .iface = iface}, *e = &ec;
	struct gen_file *f = gen_open(g, arena_printf(A, "%s_fuzz.c", iface->c_name));
	e->o = &f->text;
	const char *cn = iface->c_name;
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A, "a libFuzzer harness for the dispatch of %s: any bytes in, an "
				   "error reply or a well-formed one out, never a crash.",
				iface->name),
		   &src, 1);
	gen_line(e->o, 0, "#include \"%s.h\"", cn);
	gen_blank(e->o);
	gen_line(e->o, 0, "#include \"drv_fuzz.h\"");
	for (size_t i = 0; i < iface->all_methods.len; i++)
		if (iface->all_methods.items[i]->kind != METHOD_EVENT)
			emit_fuzz_handler(e, iface->all_methods.items[i]);
	gen_blank(e->o);
	gen_line(e->o, 0, "static const struct %s_ops fuzz_ops = %s_OPS(fuzz);", cn, up(e, cn));
	gen_blank(e->o);
	gen_line(e->o, 0, "int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);");
	gen_blank(e->o);
	gen_line(e->o, 0, "int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s object;", cn);
	gen_blank(e->o);
	gen_line(e->o, 1, "if (!%s_init(&object, &fuzz_ops))", cn);
	gen_line(e->o, 2, "abort();");
	gen_line(e->o, 1, "return drv_fuzz_dispatch(data, size, &object, %s_dispatch);", cn);
	gen_line(e->o, 0, "}");
}

/* ---- the backend ---- */

void emit_ipc(struct gen *g)
{
	struct strmap namespaces;
	strmap_init(&namespaces, g->arena);
	for (size_t i = 0; i < g->ir->types.len; i++) {
		const char *ns = g->ir->types.items[i]->ns;
		if (!strmap_put(&namespaces, ns, (void *)ns))
			emit_types(g, ns);
	}
	for (size_t i = 0; i < g->ir->interfaces.len; i++) {
		const struct ir_interface *iface = g->ir->interfaces.items[i];
		emit_header(g, iface);
		emit_client(g, iface);
		emit_server(g, iface);
		emit_fuzz(g, iface);
	}
}
