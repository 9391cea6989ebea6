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
 * the names and signatures from the naming pass (names.c); this file only
 * spells them in C. The codecs go through drv_get/drv_put, so they are
 * alignment- and byte-order-free, and allocate nothing.
 *
 * Generated functions declare their variables first (the kernel builds
 * with -Wdeclaration-after-statement) and name them drv_..., a prefix the
 * checker keeps out of specs.
 */
#include "gen.h"
#include "names.h"

#include <string.h>

struct ipc {
	struct gen *g;
	struct strbuf *o; /* the file being written */
	const struct ir_interface *iface;
};

#define A (e->g->arena)

typedef VEC(const char *) str_list;

static void push(struct ipc *e, str_list *l, const char *s)
{
	vec_push(A, l, s);
}

/* A variable a generated function has at hand to pass on: `expr` holds a
 * value of `type`, named `name` as the parameters that take it. */
struct var {
	const char *name;
	struct c_type type;
	const char *expr;
};

typedef VEC(struct var) var_list;

static void add_var(struct ipc *e, var_list *vars, const char *name, struct c_type type,
		    const char *expr)
{
	struct var v = {name, type, expr ? expr : name};
	vec_push(A, vars, v);
}

/* A function's parameters as variables of its body. */
static void add_params(struct ipc *e, var_list *vars, const struct c_function *fn)
{
	for (size_t i = 0; i < fn->params.len; i++)
		add_var(e, vars, fn->params.items[i].name, fn->params.items[i].type, NULL);
}

/* The arguments of a call to fn from the variables at hand, each passed as
 * its parameter takes it; `caps`: where the request's capabilities are
 * ("call->caps"), or NULL if they are variables too. */
static str_list arguments(struct ipc *e, const struct c_function *fn, const var_list *vars,
			  const char *caps)
{
	str_list args = {0};
	for (size_t i = 0; i < fn->params.len; i++) {
		const struct c_param *p = &fn->params.items[i];
		if (p->role == PARAM_CAP_IN && caps) {
			bool pages = !strcmp(p->type.spec, "struct drv_pages");
			struct c_type held = {.spec = p->type.spec};
			push(e, &args,
			     gen_pass(e->g, &p->type, &held,
				      arena_printf(A, "%s[%u].%s", caps, p->index,
						   pages ? "pages" : "fd")));
			continue;
		}
		const struct var *v = NULL;
		for (size_t k = 0; k < vars->len && !v; k++)
			if (!strcmp(vars->items[k].name, p->name))
				v = &vars->items[k];
		/* the object, as the parent interface's type */
		if (p->role == PARAM_OBJECT && strcmp(p->type.spec, v->type.spec))
			push(e, &args, arena_printf(A, "(%s *)%s", p->type.spec, v->expr));
		else
			push(e, &args, gen_pass(e->g, &p->type, &v->type, v->expr));
	}
	return args;
}

static const struct c_param *param_of(const struct c_function *fn, enum c_param_role role)
{
	for (size_t i = 0; i < fn->params.len; i++)
		if (fn->params.items[i].role == role)
			return &fn->params.items[i];
	return NULL;
}

static const char *ns_header(struct ipc *e, const char *ns)
{
	for (size_t i = 0; i < e->g->ir->namespaces.len; i++)
		if (!strcmp(e->g->ir->namespaces.items[i]->name, ns))
			return c_symbol_name(&e->g->ir->namespaces.items[i]->c, N_NS_HEADER);
	return NULL;
}

/* ---- C types ---- */

static bool has_values(const struct ir_type *t)
{
	return t->kind == IR_ENUM || t->kind == IR_ERROR || t->kind == IR_BITS;
}

static const char *ctype(struct ipc *e, const struct ir_type *t)
{
	return c_type_spec(A, t);
}

/* "uint8_t name[3][4]" */
static const char *declarator(struct ipc *e, const struct ir_type *t, const char *name)
{
	struct c_type ct = c_value_type(A, t);
	return gen_declaration(e->g, &ct, name);
}

static const char *valid_fn(const struct ir_type *t)
{
	return c_symbol_name(&t->c, N_TYPE_VALID);
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
		gen_line(e->o, tabs, "%s(%s, %s);", c_symbol_name(&t->c, N_TYPE_PUT), dst,
			 addr(e, val));
		return;
	case IR_ARRAY: {
		const char *i = arena_printf(A, "drv_i%u", depth);
		gen_line(e->o, tabs, "for (%s = 0; %s < %llu; %s++)", i, i,
			 (unsigned long long)t->bound, i);
		put_value(e, tabs + 1, t->base,
			  arena_printf(A, "%s + %s", dst, scaled(e, i, t->base->size)),
			  arena_printf(A, "%s[%s]", val, i), depth + 1);
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
		gen_line(e->o, tabs, "if (!%s(%s))", valid_fn(t), raw_value(e, t, src));
		gen_line(e->o, tabs + 1, "%s", fail);
		if (t->is_signed)
			gen_line(e->o, tabs, "%s = (%s)(int%u_t)drv_get%u(%s);", lv, ctype(e, t),
				 bits_of(t), bits_of(t), src);
		else if (c_symbol_find(&t->c, N_TYPE_TAG))
			gen_line(e->o, tabs, "%s = (%s)drv_get%u(%s);", lv, ctype(e, t), bits_of(t),
				 src);
		else
			gen_line(e->o, tabs, "%s = drv_get%u(%s);", lv, bits_of(t), src);
		return;
	case IR_STRUCT:
		gen_line(e->o, tabs, "if (!%s(%s, %s))", c_symbol_name(&t->c, N_TYPE_GET), src,
			 addr(e, lv));
		gen_line(e->o, tabs + 1, "%s", fail);
		return;
	case IR_ARRAY: {
		const char *i = arena_printf(A, "drv_i%u", depth);
		gen_line(e->o, tabs, "for (%s = 0; %s < %llu; %s++) {", i, i,
			 (unsigned long long)t->bound, i);
		get_value(e, tabs + 1, t->base,
			  arena_printf(A, "%s + %s", src, scaled(e, i, t->base->size)),
			  arena_printf(A, "%s[%s]", lv, i), fail, depth + 1);
		gen_line(e->o, tabs, "}");
		return;
	}
	default:
		if (t->is_signed)
			gen_line(e->o, tabs, "%s = (%s)drv_get%u(%s);", lv, ctype(e, t), bits_of(t),
				 src);
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
	const char *typedef_name = c_symbol_name(&t->c, N_TYPE_TYPEDEF);
	const char *tag = c_symbol_name(&t->c, N_TYPE_TAG);
	if (typedef_name)
		gen_line(e->o, 0, "typedef %s %s;", ctype(e, t->base), typedef_name);
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
		const char *type = typedef_name ? typedef_name : ctype(e, t->base);
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
		gen_line(e->o, 1, "%s;", declarator(e, m->type, m->name));
		if (array_depth(m->type) > depth)
			depth = array_depth(m->type);
	}
	gen_line(e->o, 0, "};");

	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static inline", c_symbol_fn(&t->c, N_TYPE_PUT), GEN_FUNCTION,
		     "");
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
			gen_line(e->o, 1, "memset(%s, 0, %u);", at(e, "p", covered),
				 next - covered);
		if (i < t->members.len && ends[i] > covered)
			covered = ends[i];
	}
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		put_value(e, 1, m->type, at(e, "p", m->offset), arena_printf(A, "v->%s", m->name),
			  0);
	}
	gen_line(e->o, 0, "}");

	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static inline", c_symbol_fn(&t->c, N_TYPE_GET), GEN_FUNCTION,
		     "");
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

static void emit_types(struct gen *g, const struct ir_namespace *ns)
{
	struct ipc ec = {.g = g}, *e = &ec;
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
	open_header(e, guard, includes, 1);
	for (size_t i = 0; i < g->ir->types.len; i++) {
		const struct ir_type *t = g->ir->types.items[i];
		if (strcmp(t->ns, ns->name) != 0)
			continue;
		static const char *const kinds[] = {[IR_ENUM] = "enum",
						    [IR_BITS] = "bits",
						    [IR_ERROR] = "error",
						    [IR_STRUCT] = "struct"};
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

static const char *label_name(const struct ir_method *m)
{
	return c_symbol_name(&m->c, N_M_LABEL);
}

/* ---- message bodies ----
 * A body is a list of values at inline offsets. A fixed value sits at its
 * offset; a variable one has its u32 count there and its data after the
 * inline part, each 8-aligned and zero-padded, in order. */

struct slot {
	const char *name;  /* the C variable (or parameter) holding it */
	const char *count; /* a variable one's length or count variable */
	const struct ir_type *type;
	uint32_t offset;
};

typedef VEC(struct slot) slot_list;

/* The values of a message as the parameters of fn hold them: those of the
 * role `value` (PARAM_INPUT, the request; PARAM_RESULT, the reply), each
 * followed by its length or count. */
static slot_list slots_of(struct ipc *e, const struct ir_method *m, const struct c_function *fn,
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
			count = sl->count;
		if (t->kind == IR_STRING)
			gen_line(e->o, tabs,
				 "if (drv_n > %llu || !drv_utf8((const uint8_t *)%s, drv_n))",
				 (unsigned long long)t->bound, sl->name);
		else
			gen_line(e->o, tabs, "if (%s > %llu)", count, (unsigned long long)t->bound);
		gen_line(e->o, tabs + 1, "%s", too_big);
		gen_line(e->o, tabs, "drv_put32(%s, %s);", at(e, p, sl->offset), count);
		if (t->kind == IR_VECTOR && !is_byte_vector(t)) {
			gen_line(e->o, tabs, "for (drv_k = 0; drv_k < %s; drv_k++)", count);
			put_value(e, tabs + 1, t->base,
				  arena_printf(A, "%s + drv_at + %s", p,
					       scaled(e, "drv_k", t->base->size)),
				  arena_printf(A, "%s[drv_k]", sl->name), 0);
			gen_line(e->o, tabs, "drv_end = drv_at + %s;",
				 scaled(e, count, t->base->size));
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
			gen_line(e->o, tabs, "%s = drv_n;", sl->count);
			break;
		case IR_STRING:
			gen_line(e->o, tabs, "if (!drv_utf8(%s + drv_at, drv_n))", p);
			gen_line(e->o, tabs + 1, "%s", fail);
			gen_line(e->o, tabs, "%s = (const char *)(%s + drv_at);", sl->name, p);
			break;
		default: {
			const char *ct = ctype(e, t->base);
			if (is_byte_vector(t)) {
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
			get_value(e, tabs + 1, t->base,
				  arena_printf(A, "%s + drv_at + %s", p,
					       scaled(e, "drv_k", t->base->size)),
				  arena_printf(A, "%s[drv_k]", sl->name), fail, 0);
			gen_line(e->o, tabs, "}");
			gen_line(e->o, tabs, "%s = drv_n;", sl->count);
			gen_line(e->o, tabs, "drv_s += drv_align8(drv_n * (uint32_t)sizeof(%s));",
				 ct);
			break;
		}
		}
		gen_line(e->o, tabs, "drv_at = drv_align8(drv_end%s);", terminator(t));
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
	    (t->kind == IR_VECTOR && !is_byte_vector(t)))
		held.is_const = false;
	return held;
}

/* Locals for decode's output, named as the handler's parameters; into
 * vars, for the call to the handler. */
static void declare_slot_locals(struct ipc *e, const struct ir_method *m,
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
		add_var(e, vars, p->name, held, NULL);
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

/* An inherited method is its owner's on the same connection: nothing is
 * generated twice. */
static void emit_inherited(struct ipc *e, const struct ir_client_method *cm)
{
	const struct ir_method *m = cm->method;
	const struct ir_client_method *own = NULL;
	for (size_t i = 0; i < m->owner->client.len && !own; i++)
		if (m->owner->client.items[i].method == m)
			own = &m->owner->client.items[i];
	enum name_rule_id id = m->kind == METHOD_EVENT ? N_M_ON : N_M_STUB;
	const struct c_function *fn = c_symbol_fn(&cm->c, id), *owner_fn = c_symbol_fn(&own->c, id);
	if (m->kind == METHOD_EVENT)
		gen_line(e->o, 0, "typedef %s %s;", c_symbol_name(&own->c, N_M_HANDLER_TYPE),
			 c_symbol_name(&cm->c, N_M_HANDLER_TYPE));
	gen_function(e->g, e->o, 0, "static inline", fn, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	var_list vars = {0};
	add_params(e, &vars, fn);
	str_list args = arguments(e, owner_fn, &vars, NULL);
	gen_call_statement(e->o, 1, "return ", owner_fn->name, args.items, args.len);
	gen_line(e->o, 0, "}");
}

static void emit_header(struct gen *g, const struct ir_interface *iface)
{
	struct ipc ec = {.g = g, .iface = iface}, *e = &ec;
	struct gen_file *f = gen_open(g, c_symbol_name(&iface->c, N_IF_HEADER));
	e->o = &f->text;
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A,
				"the protocol %s: its client API and its server's dispatch "
				"(docs/ipc.md).",
				iface->name),
		   &src, 1);
	const c_symbol_list *c = &iface->c;

	/* the types of the methods declared here; a parent's header brings its own */
	str_list includes = {0}, namespaces = {0};
	push(e, &includes, "drv_wire.h");
	for (size_t i = 0; i < iface->parents.len; i++)
		push(e, &includes, c_symbol_name(&iface->parents.items[i]->c, N_IF_HEADER));
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
		push(e, &includes, ns_header(e, namespaces.items[i]));
	const char *guard = c_symbol_name(c, N_IF_GUARD);
	open_header(e, guard, includes.items, includes.len);

	struct strbuf text = {0};
	sb_printf(&text, "interface %s (%s)", iface->name, gen_where(g, iface->pos));
	for (size_t i = 0; i < iface->parents.len; i++)
		sb_printf(&text, "%s %s", i ? "," : ", inherits", iface->parents.items[i]->name);
	if (iface->deprecated)
		sb_printf(&text, ", deprecated: %s", iface->deprecated);
	sb_puts(&text, iface->doc ? ":" : ".");
	if (iface->doc)
		sb_printf(&text, " %s", iface->doc);
	gen_blank(e->o);
	gen_comment(e->o, 0, sb_str(&text));
	sb_free(&text);
	gen_line(e->o, 0, "#define %s \"%s\"", c_symbol_name(c, N_IF_NAME), iface->name);
	gen_line(e->o, 0, "#define %s 0x%08xu", c_symbol_name(c, N_IF_ID), iface->id);
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		gen_line(e->o, 0, "#define %s 0x%012llxull", label_name(m),
			 (unsigned long long)m->label);
	}

	/* the client */
	gen_blank(e->o);
	gen_line(e->o, 0, "/* ---- client ---- */");
	gen_blank(e->o);
	gen_line(e->o, 0, "struct drv_buffer;");
	gen_line(e->o, 0, "struct %s;", c_symbol_name(c, N_IF_CLIENT));
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A,
				 "Connects to instance `instance` of %s. Returns 0 or "
				 "-DRV_E_CONNECTION.",
				 iface->name));
	gen_function(g, e->o, 0, "", c_symbol_fn(c, N_IF_CONNECT), GEN_FUNCTION, ";");
	gen_function(g, e->o, 0, "", c_symbol_fn(c, N_IF_DISCONNECT), GEN_FUNCTION, ";");
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct c_function *as = c_symbol_nth(c, N_IF_AS_PARENT, i)->fn;
		gen_blank(e->o);
		gen_comment(e->o, 0,
			    arena_printf(A, "The same connection, as a client of %s.",
					 iface->parents.items[i]->name));
		gen_function(g, e->o, 0, "static inline", as, GEN_FUNCTION, "");
		gen_line(e->o, 0, "{");
		gen_line(e->o, 1, "return (%s *)client;", as->ret.spec);
		gen_line(e->o, 0, "}");
	}
	for (size_t i = 0; i < iface->client.len; i++) {
		const struct ir_client_method *cm = &iface->client.items[i];
		const struct ir_method *m = cm->method;
		gen_blank(e->o);
		method_comment(e, 0, m);
		if (m->owner != iface) {
			emit_inherited(e, cm);
		} else if (m->kind == METHOD_EVENT) {
			gen_function(g, e->o, 0, "typedef", c_symbol_fn(&cm->c, N_M_HANDLER_TYPE),
				     GEN_POINTER, ";");
			gen_function(g, e->o, 0, "", c_symbol_fn(&cm->c, N_M_ON), GEN_FUNCTION,
				     ";");
		} else {
			gen_function(g, e->o, 0, "", c_symbol_fn(&cm->c, N_M_STUB), GEN_FUNCTION,
				     ";");
		}
	}

	/* the server */
	const char *object = c_symbol_name(c, N_IF_OBJECT), *ops = c_symbol_name(c, N_IF_OPS);
	gen_blank(e->o);
	gen_line(e->o, 0, "/* ---- server ---- */");
	gen_blank(e->o);
	gen_line(e->o, 0, "struct %s;", object);
	gen_blank(e->o);
	gen_line(e->o, 0, "struct %s {", ops);
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct ir_interface *p = iface->parents.items[i];
		gen_line(e->o, 1, "struct %s %s;", c_symbol_name(&p->c, N_IF_OPS), p->c_name);
	}
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind == METHOD_EVENT)
			continue;
		method_comment(e, 1, m);
		gen_function(g, e->o, 1, "", c_symbol_fn(&m->c, N_M_MEMBER), GEN_POINTER, ";");
	}
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
	const char *init = c_symbol_name(c, N_IF_INIT);
	gen_comment(e->o, 0,
		    arena_printf(A,
				 "An object serving %s: embed it in the driver's state and set "
				 "its handlers with %s.",
				 iface->name, init));
	gen_line(e->o, 0, "struct %s {", object);
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct ir_interface *p = iface->parents.items[i];
		gen_line(e->o, 1, "struct %s %s;", c_symbol_name(&p->c, N_IF_OBJECT), p->c_name);
	}
	gen_line(e->o, 1, "const struct %s *ops;", ops);
	if (!iface->parents.len)
		gen_line(e->o, 1, "struct drv_object *object; /* the transport serving it */");
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A,
				 "The ops of functions <prefix>_<method>, one per method of %s "
				 "and its parents, so a method added to the protocol is a "
				 "compile error until it is written.",
				 iface->name));
	/* clang-format packs a macro's initializer list; one per line reads better */
	gen_line(e->o, 0, "/* clang-format off */");
	gen_line(e->o, 0, "#define %s(prefix) \\", c_symbol_name(c, N_IF_OPS_MACRO));
	gen_line(e->o, 1, "{ \\");
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct ir_interface *p = iface->parents.items[i];
		gen_line(e->o, 2, ".%s = %s(prefix), \\", p->c_name,
			 c_symbol_name(&p->c, N_IF_OPS_MACRO));
	}
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind != METHOD_EVENT)
			gen_line(e->o, 2, ".%s = prefix##_%s, \\", m->member, m->name);
	}
	gen_line(e->o, 1, "}");
	gen_line(e->o, 0, "/* clang-format on */");
	gen_blank(e->o);
	gen_comment(e->o, 0, "Sets the handlers; false if one of them is NULL.");
	gen_function(g, e->o, 0, "", c_symbol_fn(c, N_IF_INIT), GEN_FUNCTION, ";");
	gen_comment(e->o, 0,
		    "Validates the request in call, runs its handler and encodes the reply. "
		    "Returns the reply's status, or DRV_DEFER.");
	gen_function(g, e->o, 0, "", c_symbol_fn(c, N_IF_DISPATCH), GEN_FUNCTION, ";");
	gen_comment(e->o, 0, "What a transport needs to serve the interface.");
	gen_line(e->o, 0, "extern const struct drv_interface %s;",
		 c_symbol_name(c, N_IF_INTERFACE));
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind != METHOD_SEND)
			gen_blank(e->o);
		if (m->kind == METHOD_EVENT) {
			gen_comment(
				e->o, 0,
				arena_printf(A,
					     "Sends event %s to every client of self. Returns 0, "
					     "or -DRV_E_ARGUMENT for a value over its bound.",
					     m->name));
			gen_function(g, e->o, 0, "", c_symbol_fn(&m->c, N_M_EMIT), GEN_FUNCTION,
				     ";");
		} else if (m->kind == METHOD_CALL) {
			gen_comment(e->o, 0,
				    arena_printf(A,
						 "Replies to a call of %s whose handler returned "
						 "DRV_DEFER.",
						 m->name));
			gen_function(g, e->o, 0, "", c_symbol_fn(&m->c, N_M_REPLY), GEN_FUNCTION,
				     ";");
		}
	}
	close_header(e, guard);
}

/* ---- <iface>_client.c ---- */

/* The client side of method m in the interface being written. */
static const struct ir_client_method *client_of(struct ipc *e, const struct ir_method *m)
{
	for (size_t i = 0; i < e->iface->client.len; i++)
		if (e->iface->client.items[i].method == m)
			return &e->iface->client.items[i];
	return NULL;
}

/* Decodes the reply body into the stub's outputs. */
static void decode_result(struct ipc *e, const struct ir_method *m, const struct c_function *stub,
			  const char *fail)
{
	const struct ir_type *t = m->result;
	const struct c_param *result = param_of(stub, PARAM_RESULT);
	const struct c_param *length = param_of(stub, PARAM_RESULT_LENGTH);
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
		struct c_type value = c_value_type(A, t);
		get_value(e, 1, t, "drv_r.payload",
			  gen_pass(e->g, &value, &result->type, result->name), fail, 0);
		return;
	}
	/* copied out of the reply, which the next call reuses */
	gen_line(e->o, 1, "if (drv_r.len < %u || !drv_zeros(drv_r.payload, 4, %u))", inl, inl);
	gen_line(e->o, 2, "%s", fail);
	gen_line(e->o, 1, "drv_n = drv_get32(drv_r.payload);");
	gen_line(e->o, 1, "if (drv_n > %llu)", (unsigned long long)t->bound);
	gen_line(e->o, 2, "%s", fail);
	gen_line(e->o, 1, "drv_end = %u + %s;", inl, scaled(e, "drv_n", elem_size(t)));
	const char *bounds[] = {
		arena_printf(A, "drv_align8(drv_end%s) != drv_r.len", terminator(t)),
		"!drv_zeros(drv_r.payload, drv_end, drv_r.len)"};
	gen_condition(e->o, 1, bounds, 2, "||");
	gen_line(e->o, 2, "%s", fail);
	const char *data = arena_printf(A, "drv_r.payload + %u", inl);
	if (t->kind == IR_STRING) {
		gen_line(e->o, 1, "if (!drv_utf8(%s, drv_n))", data);
		gen_line(e->o, 2, "%s", fail);
		gen_line(e->o, 1, "memcpy(%s, %s, drv_n + 1);", result->name, data);
		return;
	}
	if (t->kind == IR_BYTES || is_byte_vector(t)) {
		gen_line(e->o, 1, "drv_copy(%s, %s, drv_n);", result->name, data);
	} else {
		gen_line(e->o, 1, "for (drv_k = 0; drv_k < drv_n; drv_k++) {");
		get_value(e, 2, t->base,
			  arena_printf(A, "%s + %s", data, scaled(e, "drv_k", t->base->size)),
			  arena_printf(A, "%s[drv_k]", result->name), fail, 0);
		gen_line(e->o, 1, "}");
	}
	gen_line(e->o, 1, "*%s = drv_n;", length->name);
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
			gen_line(e->o, 1, "if (!%s((uint64_t)%s))", valid_fn(t), p->name);
		else if (t->kind == IR_STRING || t->kind == IR_STRUCT)
			gen_line(e->o, 1, "if (!%s)", p->name);
		else
			continue;
		gen_line(e->o, 2, "return -DRV_E_ARGUMENT;");
	}
}

static void emit_client_method(struct ipc *e, const struct ir_method *m)
{
	const struct c_function *stub = c_symbol_fn(&client_of(e, m)->c, N_M_STUB);
	slot_list req = slots_of(e, m, stub, PARAM_INPUT), rep = slots_of(e, m, stub, PARAM_RESULT);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", stub, GEN_FUNCTION, "");
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
	for (size_t i = 0; i < stub->params.len; i++) {
		const struct c_param *p = &stub->params.items[i];
		if (p->role == PARAM_CAP_IN)
			gen_line(e->o, 1, "drv_caps[%u] = %s(%s);", p->index,
				 p->type.pointers ? "drv_buffer_cap" : "drv_handle_cap", p->name);
	}
	const char *len = encode(e, 1, &req, "drv_p", "return -DRV_E_ARGUMENT;");
	const char *caps = m->caps_in.len ? "drv_caps" : "NULL";
	const char *ncaps = arena_printf(A, "%zu", m->caps_in.len);
	if (m->kind == METHOD_SEND) {
		const char *args[] = {"drv_c", label_name(m), len, caps, ncaps};
		gen_call_statement(e->o, 1, "return ", "drv_client_send", args, 5);
		gen_line(e->o, 0, "}");
		return;
	}
	const char *args[] = {"drv_c", label_name(m), len,
			      caps,    ncaps,	      arena_printf(A, "%zu", m->caps_out.len),
			      "&drv_r"};
	gen_call_statement(e->o, 1, "drv_st = ", "drv_client_call", args, 7);
	gen_line(e->o, 1, "if (drv_st)");
	gen_line(e->o, 2, "return drv_st;");
	gen_line(e->o, 1, "if (drv_r.status || drv_r.nfds != %zu)", m->caps_out.len);
	gen_line(e->o, 2, "return drv_client_status(&drv_r, %s);",
		 m->error ? valid_fn(m->error) : "NULL");
	decode_result(e, m, stub, "return drv_client_bad_reply(&drv_r);");
	for (size_t i = 0; i < stub->params.len; i++) {
		const struct c_param *p = &stub->params.items[i];
		if (p->role == PARAM_CAP_OUT)
			gen_line(e->o, 1, "*%s = drv_r.fds[%u];", p->name, p->index);
	}
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
}

static void emit_client_event(struct ipc *e, const struct ir_method *m)
{
	const struct ir_client_method *cm = client_of(e, m);
	const struct c_function *type = c_symbol_fn(&cm->c, N_M_HANDLER_TYPE);
	const struct c_function *on = c_symbol_fn(&cm->c, N_M_ON);
	slot_list req = slots_of(e, m, type, PARAM_INPUT);
	struct c_function *thunk = gen_fn(e->g, "int", arena_printf(A, "drv_thunk_%s", m->name));
	gen_fn_param(e->g, thunk, "drv_fn", 0, ipc_own_names[OWN_HANDLER]);
	gen_fn_param(e->g, thunk, "void", 1, ipc_own_names[OWN_CTX]);
	gen_fn_param(e->g, thunk, "const struct drv_event", 1, ipc_own_names[OWN_EV]);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static", thunk, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	if (req.len)
		gen_line(e->o, 1, "const uint8_t *drv_p = ev->msg;");
	struct locals l = {0};
	for_decode(&l, &req);
	declare_locals(e, &l);
	var_list vars = {0};
	add_params(e, &vars, thunk);
	declare_slot_locals(e, m, type, &vars);
	gen_blank(e->o);
	decode(e, 1, &req, "ev->", "return -DRV_E_BAD_REPLY;");
	str_list args = arguments(e, type, &vars, NULL);
	gen_call_statement(e->o, 1, "", arena_printf(A, "((%s)handler)", type->name), args.items,
			   args.len);
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", on, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	const char *args2[] = {"(struct drv_client *)client", label_name(m), thunk->name,
			       "(drv_fn)handler", "ctx"};
	gen_call_statement(e->o, 1, "return ", "drv_client_on_event", args2, 5);
	gen_line(e->o, 0, "}");
}

static void emit_client(struct gen *g, const struct ir_interface *iface)
{
	struct ipc ec = {.g = g, .iface = iface}, *e = &ec;
	const c_symbol_list *c = &iface->c;
	struct gen_file *f = gen_open(g, c_symbol_name(c, N_IF_CLIENT_FILE));
	e->o = &f->text;
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A, "the client stubs of %s: encode, call, validate the reply.",
				iface->name),
		   &src, 1);
	gen_line(e->o, 0, "#include \"%s\"", c_symbol_name(c, N_IF_HEADER));
	gen_blank(e->o);
	gen_line(e->o, 0, "#include \"drv_client.h\"");
	gen_blank(e->o);
	gen_line(e->o, 0, "#include <string.h>");
	gen_blank(e->o);
	gen_function(g, e->o, 0, "", c_symbol_fn(c, N_IF_CONNECT), GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	const char *oargs[] = {c_symbol_name(c, N_IF_NAME), "instance",
			       "(struct drv_client **)client"};
	gen_call_statement(e->o, 1, "return ", "drv_client_connect", oargs, 3);
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	gen_function(g, e->o, 0, "", c_symbol_fn(c, N_IF_DISCONNECT), GEN_FUNCTION, "");
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

/* complete: turns the handler's status and outputs into the reply; it takes
 * what the deferred reply takes. */
static const struct c_function *complete_fn(struct ipc *e, const struct ir_method *m)
{
	struct c_function *fn =
		gen_fn(e->g, "uint32_t", arena_printf(A, "drv_complete_%s", m->name));
	fn->params = c_symbol_fn(&m->c, N_M_REPLY)->params;
	return fn;
}

static void emit_complete(struct ipc *e, const struct ir_method *m)
{
	const struct c_function *fn = complete_fn(e, m);
	slot_list rep = slots_of(e, m, fn, PARAM_RESULT);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static", fn, GEN_FUNCTION, "");
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
		 m->error ? valid_fn(m->error) : "NULL");
	if (has_values(m->result)) {
		gen_line(e->o, 1, "if (!%s((uint64_t)%s))", valid_fn(m->result),
			 param_of(fn, PARAM_RESULT)->name);
		gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
	}
	for (size_t i = 0; i < fn->params.len; i++)
		if (fn->params.items[i].role == PARAM_CAP_OUT) {
			gen_line(e->o, 1, "if (%s < 0)", fn->params.items[i].name);
			gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
		}
	const char *len = encode(e, 1, &rep, "drv_p", "return DRV_STATUS_INTERNAL;");
	for (size_t i = 0; i < fn->params.len; i++) {
		const struct c_param *p = &fn->params.items[i];
		if (p->role != PARAM_CAP_OUT)
			continue;
		gen_line(e->o, 1, "call->reply_caps[%u].kind = DRV_CAP_HANDLE;", p->index);
		gen_line(e->o, 1, "call->reply_caps[%u].fd = %s;", p->index, p->name);
	}
	gen_line(e->o, 1, "call->nreply_caps = %zu;", m->caps_out.len);
	gen_line(e->o, 1, "call->reply_len = %s;", len);
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
}

/* The serve function's variables for a call's outputs, as the handler
 * fills them in: a variable result straight into the reply (bytes, str)
 * or scratch room (vectors); into vars. */
static void serve_output_locals(struct ipc *e, const struct ir_method *m,
				const struct c_function *handler, var_list *vars)
{
	const struct ir_type *t = m->result;
	bool in_place = t->kind == IR_BYTES || t->kind == IR_STRING || t->kind == IR_VECTOR;
	for (size_t i = 0; i < handler->params.len; i++) {
		const struct c_param *p = &handler->params.items[i];
		struct c_type held = p->type;
		const char *init = NULL;
		switch (p->role) {
		case PARAM_RESULT:
			if (!in_place && !held.array)
				held.pointers--;
			init = t->kind == IR_BYTES    ? "call->reply + 8"
			       : t->kind == IR_STRING ? "(char *)call->reply + 8"
			       : in_place || t->kind == IR_ARRAY || t->kind == IR_STRUCT ? NULL
			       : c_symbol_find(&t->c, N_TYPE_TAG)
				       ? arena_printf(A, "(%s)0", held.spec)
				       : "0";
			break;
		case PARAM_RESULT_LENGTH:
			held.pointers--;
			init = "0";
			break;
		case PARAM_CAP_OUT:
			held.pointers--;
			init = "-1";
			break;
		default:
			continue;
		}
		const char *decl = gen_declaration(e->g, &held, p->name);
		if (init)
			gen_line(e->o, 1, "%s = %s;", decl, init);
		else
			gen_line(e->o, 1, "%s;", decl);
		add_var(e, vars, p->name, held, NULL);
	}
}

static void emit_serve(struct ipc *e, const struct ir_method *m)
{
	const struct c_function *handler = c_symbol_fn(&m->c, N_M_MEMBER);
	slot_list req = slots_of(e, m, handler, PARAM_INPUT);
	const struct ir_type *t = m->result;
	bool call = m->kind == METHOD_CALL;
	bool vector_result = call && t->kind == IR_VECTOR;
	struct c_function *serve = gen_fn(e->g, "int", arena_printf(A, "drv_serve_%s", m->name));
	gen_fn_param(e->g, serve,
		     arena_printf(A, "struct %s", c_symbol_name(&e->iface->c, N_IF_OBJECT)), 1,
		     ipc_own_names[OWN_SELF]);
	gen_fn_param(e->g, serve, "struct drv_call", 1, ipc_own_names[OWN_CALL]);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static", serve, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	if (req.len)
		gen_line(e->o, 1, "const uint8_t *drv_p = call->msg;");
	struct locals l = {0};
	for_decode(&l, &req);
	l.s |= vector_result;
	declare_locals(e, &l);
	var_list vars = {0};
	add_params(e, &vars, serve);
	declare_slot_locals(e, m, handler, &vars);
	if (call) {
		serve_output_locals(e, m, handler, &vars);
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
	str_list args = arguments(e, handler, &vars, "call->caps");
	const char *op = arena_printf(A, "self->ops->%s", m->member);
	if (!call) {
		gen_call_statement(e->o, 1, "", op, args.items, args.len);
		gen_line(e->o, 1, "return 0;");
		gen_line(e->o, 0, "}");
		return;
	}
	gen_call_statement(e->o, 1, "drv_st = ", op, args.items, args.len);
	gen_line(e->o, 1, "if (drv_st == DRV_DEFER)");
	gen_line(e->o, 2, "return DRV_DEFER;");
	const struct c_function *complete = complete_fn(e, m);
	add_var(e, &vars, ipc_own_names[OWN_STATUS], (struct c_type){.spec = "int"}, "drv_st");
	str_list cargs = arguments(e, complete, &vars, NULL);
	gen_call_statement(e->o, 1, "return (int)", complete->name, cargs.items, cargs.len);
	gen_line(e->o, 0, "}");

	/* the deferred reply: what complete makes of its values, handed over */
	const struct c_function *reply = c_symbol_fn(&m->c, N_M_REPLY);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", reply, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	var_list given = {0};
	add_params(e, &given, reply);
	str_list rargs = arguments(e, complete, &given, NULL);
	struct strbuf inner = {0};
	sb_printf(&inner, "%s(", complete->name);
	for (size_t i = 0; i < rargs.len; i++)
		sb_printf(&inner, "%s%s", i ? ", " : "", rargs.items[i]);
	sb_putc(&inner, ')');
	const char *fargs[] = {ipc_own_names[OWN_CALL], arena_strdup(A, sb_str(&inner))};
	sb_free(&inner);
	gen_call_statement(e->o, 1, "", "call->finish", fargs, 2);
	gen_line(e->o, 0, "}");
}

static void emit_emit(struct ipc *e, const struct ir_method *m)
{
	const struct c_function *fn = c_symbol_fn(&m->c, N_M_EMIT);
	slot_list req = slots_of(e, m, fn, PARAM_INPUT);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", fn, GEN_FUNCTION, "");
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
	const char *args[] = {"drv_obj", label_name(m), len};
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
	const c_symbol_list *c = &iface->c;
	struct gen_file *f = gen_open(g, c_symbol_name(c, N_IF_SERVER_FILE));
	e->o = &f->text;
	const char *object = c_symbol_name(c, N_IF_OBJECT);
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A,
				"the server dispatch of %s: every message validated before a "
				"handler sees it.",
				iface->name),
		   &src, 1);
	gen_line(e->o, 0, "#include \"%s\"", c_symbol_name(c, N_IF_HEADER));
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind == METHOD_CALL)
			emit_complete(e, m);
		if (m->kind == METHOD_EVENT)
			emit_emit(e, m);
		else
			emit_serve(e, m);
	}

	gen_blank(e->o);
	gen_function(g, e->o, 0, "", c_symbol_fn(c, N_IF_INIT), GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "bool ok = true;");
	gen_blank(e->o);
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct ir_interface *p = iface->parents.items[i];
		gen_line(e->o, 1, "ok &= %s(&self->%s, &ops->%s);", c_symbol_name(&p->c, N_IF_INIT),
			 p->c_name, p->c_name);
	}
	gen_line(e->o, 1, "self->ops = ops;");
	if (!iface->parents.len)
		gen_line(e->o, 1, "self->object = NULL;");
	for (size_t i = 0; i < iface->methods.len; i++)
		if (iface->methods.items[i]->kind != METHOD_EVENT)
			gen_line(e->o, 1, "ok &= ops->%s != NULL;",
				 iface->methods.items[i]->member);
	gen_line(e->o, 1, "return ok;");
	gen_line(e->o, 0, "}");

	gen_blank(e->o);
	gen_function(g, e->o, 0, "", c_symbol_fn(c, N_IF_DISPATCH), GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s *drv_self = (struct %s *)self;", object, object);
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
		gen_line(e->o, 1, "case %s:", label_name(m));
		gen_line(e->o, 2, "return drv_serve_%s(drv_self, call);", m->name);
	}
	gen_line(e->o, 1, "default:");
	gen_line(e->o, 2, "break;");
	gen_line(e->o, 1, "}");
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct ir_interface *p = iface->parents.items[i];
		gen_line(e->o, 1, "drv_st = %s(&drv_self->%s, call);",
			 c_symbol_name(&p->c, N_IF_DISPATCH), p->c_name);
		gen_line(e->o, 1, "if (drv_st != DRV_STATUS_UNKNOWN_LABEL)");
		gen_line(e->o, 2, "return drv_st;");
	}
	gen_line(e->o, 1, "return DRV_STATUS_UNKNOWN_LABEL;");
	gen_line(e->o, 0, "}");

	/* every root ancestor has a transport object, wherever it is embedded */
	struct c_function *attach = gen_fn(g, "void", "drv_attach");
	gen_fn_param(g, attach, "void", 1, ipc_own_names[OWN_SELF]);
	gen_fn_param(g, attach, "struct drv_object", 1, "object");
	gen_blank(e->o);
	gen_function(g, e->o, 0, "static", attach, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s *drv_self = (struct %s *)self;", object, object);
	gen_blank(e->o);
	emit_attach_paths(e, iface, "drv_self->");
	gen_line(e->o, 0, "}");

	gen_blank(e->o);
	gen_line(e->o, 0, "const struct drv_interface %s = {", c_symbol_name(c, N_IF_INTERFACE));
	gen_line(e->o, 1, ".name = %s,", c_symbol_name(c, N_IF_NAME));
	gen_line(e->o, 1, ".id = %s,", c_symbol_name(c, N_IF_ID));
	gen_line(e->o, 1, ".dispatch = %s,", c_symbol_name(c, N_IF_DISPATCH));
	gen_line(e->o, 1, ".attach = drv_attach,");
	gen_line(e->o, 1, ".close_on_malformed = %s,",
		 iface->close_on_malformed ? "true" : "false");
	gen_line(e->o, 0, "};");
}

/* ---- <iface>_fuzz.c ---- */

/* A handler that takes anything: methods with an odd op defer and reply
 * before they return, the others answer at once, so both paths run. */
static void emit_fuzz_handler(struct ipc *e, const struct ir_method *m)
{
	struct c_function fuzz = *c_symbol_fn(&m->c, N_M_MEMBER);
	fuzz.name = arena_printf(A, "fuzz_%s", m->name);
	bool defer = m->kind == METHOD_CALL && m->op % 2;
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static", &fuzz, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	for (size_t i = 0; i < fuzz.params.len; i++) {
		const struct c_param *p = &fuzz.params.items[i];
		bool output = p->role == PARAM_RESULT || p->role == PARAM_RESULT_LENGTH ||
			      p->role == PARAM_CAP_OUT;
		if ((p->role == PARAM_CALL && defer) || (output && defer) ||
		    p->role == PARAM_RESULT_LENGTH)
			continue;
		gen_line(e->o, 1, "(void)%s;", p->name);
	}
	if (m->kind != METHOD_CALL) {
		gen_line(e->o, 0, "}");
		return;
	}
	if (!defer) {
		gen_line(e->o, 1, "return 0;");
		gen_line(e->o, 0, "}");
		return;
	}
	const struct c_function *reply = c_symbol_fn(&m->c, N_M_REPLY);
	var_list vars = {0};
	add_params(e, &vars, &fuzz);
	add_var(e, &vars, ipc_own_names[OWN_STATUS], (struct c_type){.spec = "int"}, "0");
	str_list rargs = arguments(e, reply, &vars, NULL);
	gen_call_statement(e->o, 1, "", reply->name, rargs.items, rargs.len);
	gen_line(e->o, 1, "return DRV_DEFER;");
	gen_line(e->o, 0, "}");
}

static void emit_fuzz(struct gen *g, const struct ir_interface *iface)
{
	struct ipc ec = {.g = g, .iface = iface}, *e = &ec;
	const c_symbol_list *c = &iface->c;
	struct gen_file *f = gen_open(g, c_symbol_name(c, N_IF_FUZZ_FILE));
	e->o = &f->text;
	const char *object = c_symbol_name(c, N_IF_OBJECT);
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A,
				"a libFuzzer harness for the dispatch of %s: any bytes in, an "
				"error reply or a well-formed one out, never a crash.",
				iface->name),
		   &src, 1);
	gen_line(e->o, 0, "#include \"%s\"", c_symbol_name(c, N_IF_HEADER));
	gen_blank(e->o);
	gen_line(e->o, 0, "#include \"drv_fuzz.h\"");
	for (size_t i = 0; i < iface->all_methods.len; i++)
		if (iface->all_methods.items[i]->kind != METHOD_EVENT)
			emit_fuzz_handler(e, iface->all_methods.items[i]);
	gen_blank(e->o);
	gen_line(e->o, 0, "static const struct %s fuzz_ops = %s(fuzz);", c_symbol_name(c, N_IF_OPS),
		 c_symbol_name(c, N_IF_OPS_MACRO));
	gen_blank(e->o);
	gen_line(e->o, 0, "int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);");
	gen_blank(e->o);
	gen_line(e->o, 0, "int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s object;", object);
	gen_blank(e->o);
	gen_line(e->o, 1, "if (!%s(&object, &fuzz_ops))", c_symbol_name(c, N_IF_INIT));
	gen_line(e->o, 2, "abort();");
	gen_line(e->o, 1, "return drv_fuzz_dispatch(data, size, &object, %s);",
		 c_symbol_name(c, N_IF_DISPATCH));
	gen_line(e->o, 0, "}");
}

/* ---- the backend ---- */

void emit_ipc(struct gen *g)
{
	for (size_t i = 0; i < g->ir->namespaces.len; i++)
		emit_types(g, g->ir->namespaces.items[i]);
	for (size_t i = 0; i < g->ir->interfaces.len; i++) {
		const struct ir_interface *iface = g->ir->interfaces.items[i];
		emit_header(g, iface);
		emit_client(g, iface);
		emit_server(g, iface);
		emit_fuzz(g, iface);
	}
}
