// SPDX-License-Identifier: MIT
/* name_ir.c - the naming pass (names.h): the rules of names.c applied to
 * the checked IR.
 *
 * Protocol items get their names spelled out, with the signature of each
 * function as types and names; drivers too. Register map items get a set of
 * rules: each name there is the item's C name (lower-case rules) or
 * constant prefix (upper-case ones) followed by the rule's suffix, which is
 * all the emitter and the clash check need, and costs 8 bytes an item where
 * a 100k-register map would otherwise hold millions of strings.
 */
#include "names.h"

#include <string.h>

/* ---- patterns ---- */

struct var {
	const char *key, *value;
};

/* The pattern with each {key} replaced by its value. */
static const char *expand(struct arena *a, const char *pattern, const struct var *vars, size_t n)
{
	struct strbuf out = {0};
	for (const char *p = pattern; *p;) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!close) {
			sb_puts(&out, p);
			break;
		}
		sb_putn(&out, p, (size_t)(open - p));
		size_t len = (size_t)(close - open - 1);
		for (size_t i = 0; i < n; i++)
			if (strlen(vars[i].key) == len && !memcmp(vars[i].key, open + 1, len))
				sb_puts(&out, vars[i].value);
		p = close + 1;
	}
	const char *s = arena_strndup(a, sb_str(&out), out.len);
	sb_free(&out);
	return s;
}

static unsigned array_depth(const struct ir_type *t)
{
	unsigned d = 0;
	for (; t->kind == IR_ARRAY; t = t->base)
		d++;
	return d;
}

/* ---- signatures ---- */

struct namer {
	struct arena *a;
	struct ir *ir;
};

static struct c_type type_of(const char *spec, unsigned pointers, bool is_const)
{
	return (struct c_type){.spec = spec, .pointers = pointers, .is_const = is_const};
}

static struct c_function *function(struct namer *n, struct c_type ret, const char *name)
{
	struct c_function *f = NEW(n->a, struct c_function);
	f->ret = ret;
	f->name = name;
	return f;
}

/* A function named by rule id. */
static struct c_function *named_function(struct namer *n, struct c_type ret, enum name_rule_id id,
					 const struct var *vars, size_t nvars)
{
	return function(n, ret, expand(n->a, name_rules[id].pattern, vars, nvars));
}

static void param(struct namer *n, struct c_function *f, struct c_type type, const char *name,
		  enum c_param_role role, size_t index, struct srcpos pos)
{
	struct c_param p = {type, name, role, (unsigned)index, pos};
	vec_push(n->a, &f->params, p);
}

static void own(struct namer *n, struct c_function *f, struct c_type type, enum ipc_own_name name,
		enum c_param_role role)
{
	param(n, f, type, ipc_own_names[name], role, 0, (struct srcpos){0});
}

/* An array given to be read: const, but for an array of arrays, which C
 * before C23 will not pass to a const parameter without a cast. */
static struct c_type array_in(struct namer *n, const struct ir_type *t)
{
	struct c_type ct = c_value_type(n->a, t);
	ct.is_const = array_depth(t) == 1;
	return ct;
}

/* A method's capabilities and parameters as its functions take them: a
 * variable one is a pointer and a length, a struct a pointer. `client`: a
 * stub's, whose page buffers are the caller's own (struct drv_buffer). */
static void add_inputs(struct namer *n, struct c_function *f, const struct ir_method *m,
		       bool client)
{
	for (size_t i = 0; i < m->caps_in.len; i++) {
		const struct ir_cap *c = &m->caps_in.items[i];
		struct c_type t = c->kind != CAP_PAGES ? type_of("int", 0, false)
				  : client	       ? type_of("struct drv_buffer", 1, false)
						       : type_of("struct drv_pages", 1, false);
		param(n, f, t, c->name, PARAM_CAP_IN, i, c->pos);
	}
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		const struct ir_type *t = p->type;
		if (!t)
			continue;
		const char *length = NULL;
		struct c_type ct = c_value_type(n->a, t);
		switch (t->kind) {
		case IR_BYTES:
			ct = type_of("uint8_t", 1, true);
			length = "%s_len";
			break;
		case IR_STRING:
			ct = type_of("char", 1, true);
			break;
		case IR_VECTOR:
			ct = type_of(c_type_spec(n->a, t->base), 1, true);
			length = "%s_count";
			break;
		case IR_STRUCT:
			ct = type_of(c_type_spec(n->a, t), 1, true);
			break;
		case IR_ARRAY:
			ct = array_in(n, t);
			break;
		default:
			break;
		}
		param(n, f, ct, p->name, PARAM_INPUT, i, p->pos);
		if (length)
			param(n, f, type_of("uint32_t", 0, false),
			      arena_printf(n->a, length, p->name), PARAM_INPUT_LENGTH, i, p->pos);
	}
}

/* A call's outputs: `by_value` as a deferred reply takes them, else as
 * pointers the handler (or a stub) fills in; a variable result goes into
 * the caller's storage, room for its bound. */
static void add_outputs(struct namer *n, struct c_function *f, const struct ir_method *m,
			bool by_value)
{
	const struct ir_type *t = m->result;
	unsigned out = by_value ? 0 : 1;
	struct c_type length = type_of("uint32_t", out, false);
	switch (t ? t->kind : IR_VOID) {
	case IR_VOID:
		break;
	case IR_BYTES:
		own(n, f, type_of("uint8_t", 1, by_value), OWN_RESULT, PARAM_RESULT);
		own(n, f, length, OWN_RESULT_LEN, PARAM_RESULT_LENGTH);
		break;
	case IR_STRING:
		own(n, f, type_of("char", 1, by_value), OWN_RESULT, PARAM_RESULT);
		break;
	case IR_VECTOR:
		own(n, f, type_of(c_type_spec(n->a, t->base), 1, by_value), OWN_RESULT,
		    PARAM_RESULT);
		own(n, f, length, OWN_RESULT_COUNT, PARAM_RESULT_LENGTH);
		break;
	case IR_ARRAY:
		own(n, f, by_value ? array_in(n, t) : c_value_type(n->a, t), OWN_RESULT,
		    PARAM_RESULT);
		break;
	case IR_STRUCT:
		own(n, f, type_of(c_type_spec(n->a, t), 1, by_value), OWN_RESULT, PARAM_RESULT);
		break;
	default:
		own(n, f, type_of(c_type_spec(n->a, t), out, false), OWN_RESULT, PARAM_RESULT);
		break;
	}
	for (size_t i = 0; i < m->caps_out.len; i++)
		param(n, f, type_of("int", out, false), m->caps_out.items[i].name, PARAM_CAP_OUT, i,
		      m->caps_out.items[i].pos);
}

/* ---- protocols ---- */

static void add(struct namer *n, c_symbol_list *list, enum name_rule_id id, const struct var *vars,
		size_t nvars, const struct c_function *fn)
{
	struct c_symbol s = {expand(n->a, name_rules[id].pattern, vars, nvars), id, fn};
	vec_push(n->a, list, s);
}

static struct ir_namespace *namespace_of(struct namer *n, struct strmap *seen, const char *ns)
{
	struct ir_namespace *s = strmap_get(seen, ns);
	if (s)
		return s;
	s = NEW(n->a, struct ir_namespace);
	s->name = ns;
	strmap_put(seen, ns, s);
	vec_push(n->a, &n->ir->namespaces, s);
	const struct var vars[] = {{"ns", ns}, {"NS", upper_dup(n->a, ns)}};
	add(n, &s->c, N_NS_HEADER, vars, 2, NULL);
	add(n, &s->c, N_NS_GUARD, vars, 2, NULL);
	return s;
}

static void name_namespaces(struct namer *n)
{
	struct strmap seen;
	strmap_init(&seen, n->a);
	for (size_t i = 0; i < n->ir->types.len; i++)
		namespace_of(n, &seen, n->ir->types.items[i]->ns);
	/* the files declaring a namespace's types, in input order */
	for (size_t k = 0; k < n->ir->namespaces.len; k++) {
		struct ir_namespace *s = n->ir->namespaces.items[k];
		for (size_t i = 0; i < n->ir->sources.len; i++) {
			const struct source *src = n->ir->sources.items[i];
			bool has = false;
			for (size_t t = 0; t < n->ir->types.len && !has; t++)
				has = n->ir->types.items[t]->pos.src == src &&
				      !strcmp(n->ir->types.items[t]->ns, s->name);
			if (has)
				vec_push(n->a, &s->sources, src);
		}
	}
}

static void name_type(struct namer *n, struct ir_type *t)
{
	struct var vars[] = {{"ns", t->ns},
			     {"NS", upper_dup(n->a, t->ns)},
			     {"t", t->local},
			     {"T", upper_dup(n->a, t->local)},
			     {"VALUE", NULL}};
	if (t->kind == IR_STRUCT) {
		const char *spec = arena_printf(n->a, "struct %s", t->c_name);
		add(n, &t->c, N_TYPE_TAG, vars, 4, NULL);
		struct c_function *put =
			named_function(n, type_of("void", 0, false), N_TYPE_PUT, vars, 4);
		param(n, put, type_of("uint8_t", 1, false), "p", PARAM_OWN, 0, (struct srcpos){0});
		param(n, put, type_of(spec, 1, true), "v", PARAM_OWN, 0, (struct srcpos){0});
		add(n, &t->c, N_TYPE_PUT, vars, 4, put);
		struct c_function *get =
			named_function(n, type_of("bool", 0, false), N_TYPE_GET, vars, 4);
		param(n, get, type_of("uint8_t", 1, true), "p", PARAM_OWN, 0, (struct srcpos){0});
		param(n, get, type_of(spec, 1, false), "v", PARAM_OWN, 0, (struct srcpos){0});
		add(n, &t->c, N_TYPE_GET, vars, 4, get);
		return;
	}
	if (t->kind == IR_BITS)
		add(n, &t->c, N_TYPE_TYPEDEF, vars, 4, NULL);
	else if (c_is_enum(t))
		add(n, &t->c, N_TYPE_TAG, vars, 4, NULL);
	struct c_function *valid =
		named_function(n, type_of("bool", 0, false), N_TYPE_VALID, vars, 4);
	param(n, valid, type_of("uint64_t", 0, false), "v", PARAM_OWN, 0, (struct srcpos){0});
	add(n, &t->c, N_TYPE_VALID, vars, 4, valid);
	if (t->kind != IR_BITS) {
		struct c_function *name =
			named_function(n, type_of("char", 1, true), N_TYPE_NAME, vars, 4);
		param(n, name, type_of("uint64_t", 0, false), "v", PARAM_OWN, 0,
		      (struct srcpos){0});
		add(n, &t->c, N_TYPE_NAME, vars, 4, name);
	}
	for (size_t i = 0; i < t->members.len; i++) {
		struct ir_member *m = &t->members.items[i];
		vars[4].value = upper_dup(n->a, m->name);
		add(n, &m->c, N_TYPE_VALUE, vars, 5, NULL);
	}
}

/* The client side of method m in interface iface (its own or inherited). */
static void name_client_method(struct namer *n, struct ir_interface *iface, const struct var *vars,
			       const struct ir_method *m)
{
	struct ir_client_method cm = {.method = m};
	const char *client = arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_CLIENT));
	if (m->kind == METHOD_EVENT) {
		struct c_function *type =
			function(n, type_of("void", 0, false),
				 expand(n->a, name_rules[N_M_HANDLER_TYPE].pattern, vars, 3));
		own(n, type, type_of("void", 1, false), OWN_CTX, PARAM_OWN);
		add_inputs(n, type, m, false);
		struct c_function *on =
			named_function(n, type_of("int", 0, false), N_M_ON, vars, 3);
		own(n, on, type_of(client, 1, false), OWN_CLIENT, PARAM_OBJECT);
		own(n, on, type_of(type->name, 0, false), OWN_HANDLER, PARAM_OWN);
		own(n, on, type_of("void", 1, false), OWN_CTX, PARAM_OWN);
		add(n, &cm.c, N_M_HANDLER_TYPE, vars, 3, type);
		add(n, &cm.c, N_M_ON, vars, 3, on);
	} else {
		struct c_function *stub =
			function(n, type_of("int", 0, false),
				 expand(n->a, name_rules[N_M_STUB].pattern, vars, 3));
		own(n, stub, type_of(client, 1, false), OWN_CLIENT, PARAM_OBJECT);
		add_inputs(n, stub, m, true);
		if (m->kind == METHOD_CALL)
			add_outputs(n, stub, m, false);
		add(n, &cm.c, N_M_STUB, vars, 4, stub);
	}
	if (m->kind == METHOD_CALL) {
		/* the owner's call struct, inherited calls too */
		const struct var owner[] = {{"cn", m->owner->c_name}, {"m", m->name}};
		struct c_type call = type_of(
			arena_printf(n->a, "struct %s",
				     expand(n->a, name_rules[N_M_CALL].pattern, owner, 2)),
			1, false);
		struct c_function *start =
			named_function(n, type_of("int", 0, false), N_M_START, vars, 4);
		own(n, start, type_of(client, 1, false), OWN_CLIENT, PARAM_OBJECT);
		add_inputs(n, start, m, true);
		own(n, start, call, OWN_CALL, PARAM_OWN);
		add(n, &cm.c, N_M_START, vars, 4, start);
		struct c_function *finish =
			named_function(n, type_of("int", 0, false), N_M_FINISH, vars, 4);
		own(n, finish, call, OWN_CALL, PARAM_OBJECT);
		add_outputs(n, finish, m, false);
		add(n, &cm.c, N_M_FINISH, vars, 4, finish);
	}
	vec_push(n->a, &iface->client, cm);
}

/* The server side of a method its interface declares. */
static void name_method(struct namer *n, const struct ir_interface *iface, struct ir_method *m)
{
	const char *cn = iface->c_name;
	m->member = is_c_keyword(m->name) ? arena_printf(n->a, "%s_", m->name) : m->name;
	const struct var vars[] = {{"cn", cn},
				   {"m", m->name},
				   {"member", m->member},
				   {"CN", upper_dup(n->a, cn)},
				   {"M", upper_dup(n->a, m->name)}};
	add(n, &m->c, N_M_LABEL, vars, 5, NULL);
	if (m->kind == METHOD_CALL)
		add(n, &m->c, N_M_CALL, vars, 5, NULL);
	struct c_type self = type_of(
		arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_OBJECT)), 1, false);
	struct c_type call = type_of("struct drv_call", 1, false);
	if (m->kind == METHOD_EVENT) {
		struct c_function *emit =
			function(n, type_of("int", 0, false),
				 expand(n->a, name_rules[N_M_EMIT].pattern, vars, 5));
		own(n, emit, self, OWN_SELF, PARAM_OBJECT);
		add_inputs(n, emit, m, false);
		add(n, &m->c, N_M_EMIT, vars, 5, emit);
		return;
	}
	/* the handler, as the ops member's function type */
	struct c_function *handler =
		function(n, type_of(m->kind == METHOD_CALL ? "int" : "void", 0, false), m->member);
	own(n, handler, self, OWN_SELF, PARAM_OBJECT);
	own(n, handler, call, OWN_CALL, PARAM_CALL);
	add_inputs(n, handler, m, false);
	if (m->kind == METHOD_CALL)
		add_outputs(n, handler, m, false);
	add(n, &m->c, N_M_MEMBER, vars, 5, handler);
	if (m->kind != METHOD_CALL)
		return;
	struct c_function *reply = named_function(n, type_of("void", 0, false), N_M_REPLY, vars, 5);
	own(n, reply, call, OWN_CALL, PARAM_CALL);
	own(n, reply, type_of("int", 0, false), OWN_STATUS, PARAM_OWN);
	add_outputs(n, reply, m, true);
	add(n, &m->c, N_M_REPLY, vars, 5, reply);
}

static void name_interface(struct namer *n, struct ir_interface *iface)
{
	const char *cn = iface->c_name;
	struct var vars[] = {{"cn", cn}, {"CN", upper_dup(n->a, cn)}, {"p", NULL}};
	static const enum name_rule_id plain[] = {
		N_IF_HEADER, N_IF_CLIENT_FILE, N_IF_SERVER_FILE, N_IF_FUZZ_FILE,
		N_IF_GUARD,  N_IF_NAME,	       N_IF_ID,		 N_IF_OPS_MACRO,
		N_IF_OBJECT, N_IF_OPS,	       N_IF_CLIENT,	 N_IF_INTERFACE,
	};
	for (size_t i = 0; i < ARRAY_LEN(plain); i++)
		add(n, &iface->c, plain[i], vars, 2, NULL);

	struct c_type client = type_of(
		arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_CLIENT)), 1, false);
	struct c_function *f = named_function(n, type_of("int", 0, false), N_IF_CONNECT, vars, 2);
	param(n, f, type_of("unsigned", 0, false), "instance", PARAM_OWN, 0, (struct srcpos){0});
	own(n, f, type_of(client.spec, 2, false), OWN_CLIENT, PARAM_OBJECT);
	add(n, &iface->c, N_IF_CONNECT, vars, 2, f);
	f = named_function(n, type_of("void", 0, false), N_IF_DISCONNECT, vars, 2);
	own(n, f, client, OWN_CLIENT, PARAM_OBJECT);
	add(n, &iface->c, N_IF_DISCONNECT, vars, 2, f);
	f = named_function(n, type_of("bool", 0, false), N_IF_INIT, vars, 2);
	own(n, f,
	    type_of(arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_OBJECT)), 1,
		    false),
	    OWN_SELF, PARAM_OBJECT);
	param(n, f,
	      type_of(arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_OPS)), 1, true),
	      "ops", PARAM_OWN, 0, (struct srcpos){0});
	add(n, &iface->c, N_IF_INIT, vars, 2, f);
	f = named_function(n, type_of("int", 0, false), N_IF_DISPATCH, vars, 2);
	own(n, f, type_of("void", 1, false), OWN_SELF, PARAM_OBJECT);
	own(n, f, type_of("struct drv_call", 1, false), OWN_CALL, PARAM_CALL);
	add(n, &iface->c, N_IF_DISPATCH, vars, 2, f);
	for (size_t i = 0; i < iface->parents.len; i++) {
		vars[2].value = iface->parents.items[i]->c_name;
		f = function(
			n, type_of(arena_printf(n->a, "struct %s_client", vars[2].value), 1, false),
			expand(n->a, name_rules[N_IF_AS_PARENT].pattern, vars, 3));
		own(n, f, client, OWN_CLIENT, PARAM_OBJECT);
		add(n, &iface->c, N_IF_AS_PARENT, vars, 3, f);
		add(n, &iface->c, N_IF_PARENT_OBJECT, vars, 3, NULL);
		add(n, &iface->c, N_IF_PARENT_OPS, vars, 3, NULL);
	}
	for (size_t i = 0; i < iface->methods.len; i++)
		name_method(n, iface, iface->methods.items[i]);
	for (size_t i = 0; i < iface->all_methods.len; i++) {
		const struct ir_method *m = iface->all_methods.items[i];
		const struct var mvars[] = {{"cn", cn},
					    {"m", m->name},
					    {"CN", vars[1].value},
					    {"M", upper_dup(n->a, m->name)}};
		name_client_method(n, iface, mvars, m);
	}
}

static void name_protocols(struct namer *n)
{
	for (size_t i = 0; i < n->ir->types.len; i++) {
		struct ir_type *t = n->ir->types.items[i];
		t->c_name = arena_printf(n->a, "%s_%s", t->ns, t->local);
	}
	for (size_t i = 0; i < n->ir->interfaces.len; i++) {
		struct ir_interface *iface = n->ir->interfaces.items[i];
		iface->c_name = arena_printf(n->a, "%s_%s", iface->ns, iface->local);
	}
	name_namespaces(n);
	for (size_t i = 0; i < n->ir->types.len; i++)
		name_type(n, n->ir->types.items[i]);
	for (size_t i = 0; i < n->ir->interfaces.len; i++)
		name_interface(n, n->ir->interfaces.items[i]);
}

/* ---- register maps ---- */

#define BIT(id) ((reg_names)1 << ((id)-N_FIRST_REGISTER))
/* a name and, on an array, its index-taking form */
#define AND_AT(id, at, array) (BIT(id) | ((array) ? BIT(at) : 0))

static uint64_t width_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

static unsigned dimensions(const struct ir_register *r)
{
	unsigned n = r->count > 1;
	for (const struct ir_group *g = r->group; g; g = g->parent)
		n += g->count > 1;
	return n;
}

/* Which accessors and constants a register gets follows from its access
 * rules (docs/accessors.md): misuse has no function to call. */
static reg_names register_names(const struct ir_register *r)
{
	const struct access_info *ai = access_info(r->access);
	bool array = r->count > 1;
	reg_names names = BIT(N_REG_OFFSET) | BIT(N_REG_TYPE) | BIT(N_REG_VALUE) | BIT(N_REG_RAW);
	if (array)
		names |= BIT(N_REG_COUNT) | BIT(N_REG_STRIDE);
	if (r->has_reset)
		names |= BIT(N_REG_RESET);
	if (r->has_reset && r->reset_mask != width_mask(r->width))
		names |= BIT(N_REG_RESET_MASK);
	if (ir_register_can_update(r))
		names |= BIT(N_REG_KEEP) | BIT(N_REG_IDLE) |
			 AND_AT(N_REG_UPDATE, N_REG_UPDATE_AT, array);
	if (ai->readable)
		names |= AND_AT(N_REG_READ, N_REG_READ_AT, array);
	if (ai->write == WRITE_STORE)
		names |= AND_AT(N_REG_WRITE, N_REG_WRITE_AT, array);
	switch (r->access) {
	case ACCESS_W1C:
	case ACCESS_W0C:
		names |= AND_AT(N_REG_CLEAR, N_REG_CLEAR_AT, array);
		break;
	case ACCESS_W1S:
	case ACCESS_W0S:
		names |= AND_AT(N_REG_SET, N_REG_SET_AT, array);
		break;
	case ACCESS_W1T:
		names |= AND_AT(N_REG_TOGGLE, N_REG_TOGGLE_AT, array);
		break;
	default:
		break;
	}
	if (r->fields.len)
		names |= BIT(N_REG_FIELDS);
	if (dimensions(r))
		names |= BIT(N_REG_DIMS);
	return names;
}

static bool values_fit_int(const struct ir_field *f)
{
	for (size_t i = 0; i < f->enums.len; i++)
		if (f->enums.items[i].value > 0x7fffffff)
			return false;
	return f->enums.len > 0;
}

static reg_names field_names(const struct ir_register *r, const struct ir_field *f)
{
	const struct access_info *ai = access_info(f->access);
	bool writable = ai->write != WRITE_NONE;
	reg_names names = BIT(N_FIELD_SHIFT) | BIT(N_FIELD_MASK);
	if (f->has_reset)
		names |= BIT(N_FIELD_RESET);
	if (ai->readable)
		names |= BIT(N_FIELD_GET);
	if (writable)
		names |= BIT(N_FIELD_SET) | BIT(N_FIELD_SET_AT);
	/* an array's elements have no one-field update: which one? */
	if (writable && has_name(r->names, N_REG_UPDATE) && r->count == 1)
		names |= BIT(N_FIELD_UPDATE) | BIT(N_FIELD_UPDATE_AT);
	if (f->enums.len)
		names |= BIT(N_FIELD_VALUES) | BIT(N_FIELD_VALUE);
	if (values_fit_int(f))
		names |= BIT(N_FIELD_ENUM);
	return names;
}

/* <device>_<register>, with the block joining the prefix only for registers
 * (and groups) whose path more than one block uses (docs/accessors.md). */
static const char *c_name_of(struct namer *n, const struct ir_device *dev,
			     const struct strmap *blocks_of, const struct ir_block *blk,
			     const char *path)
{
	bool shared = strmap_get(blocks_of, path) == (void *)blocks_of;
	return shared ? arena_printf(n->a, "%s_%s_%s", dev->name, blk->name, path)
		      : arena_printf(n->a, "%s_%s", dev->name, path);
}

static void name_fields(struct namer *n, struct ir_register *r)
{
	for (size_t f = 0; f < r->fields.len; f++) {
		struct ir_field *fld = &r->fields.items[f];
		fld->c_name = arena_concat(n->a, r->c_name, arena_concat(n->a, "_", fld->name));
		fld->c_const = upper_dup(n->a, fld->c_name);
		fld->names = field_names(r, fld);
		for (size_t v = 0; v < fld->enums.len; v++) {
			struct ir_enum_value *ev = &fld->enums.items[v];
			ev->c_const =
				upper_dup(n->a, arena_concat(n->a, fld->c_const,
							     arena_concat(n->a, "_", ev->name)));
		}
	}
}

static void name_device_regs(struct namer *n, struct ir_device *dev)
{
	dev->c_const = upper_dup(n->a, dev->name);
	dev->names = BIT(N_DEV_HEADER) | BIT(N_DEV_DESC_FILE) | BIT(N_DEV_GUARD);
	struct strmap blocks_of; /* path -> first block holding it, or &blocks_of if shared */
	strmap_init(&blocks_of, n->a);
	for (size_t b = 0; b < dev->blocks.len; b++) {
		const struct ir_block *blk = dev->blocks.items[b];
		size_t count = blk->regs.len + blk->groups.len;
		for (size_t i = 0; i < count; i++) {
			const char *path = i < blk->regs.len
						   ? blk->regs.items[i]->path
						   : blk->groups.items[i - blk->regs.len]->path;
			const struct ir_block *first = strmap_get(&blocks_of, path);
			if (!first)
				strmap_put(&blocks_of, path, (void *)blk);
			else if (first != blk)
				strmap_set(&blocks_of, path, &blocks_of);
		}
	}
	for (size_t b = 0; b < dev->blocks.len; b++) {
		struct ir_block *blk = dev->blocks.items[b];
		bool repeated = blk->count > 1;
		blk->c_name = arena_printf(n->a, "%s_%s", dev->name, blk->name);
		blk->c_const = upper_dup(n->a, blk->c_name);
		blk->names = BIT(N_BLOCK_HANDLE) | AND_AT(N_BLOCK_AT, N_BLOCK_AT_INDEX, repeated) |
			     BIT(N_BLOCK_DESC) | BIT(N_BLOCK_REGS) | BIT(N_BLOCK_SIZE) |
			     (repeated ? BIT(N_BLOCK_COUNT) | BIT(N_BLOCK_STRIDE) : 0);
		for (size_t i = 0; i < blk->groups.len; i++) {
			struct ir_group *g = blk->groups.items[i];
			bool array = g->count > 1;
			g->c_name = c_name_of(n, dev, &blocks_of, blk, g->path);
			g->c_const = upper_dup(n->a, g->c_name);
			g->names = BIT(N_GROUP_HANDLE) |
				   AND_AT(N_GROUP_AT, N_GROUP_AT_INDEX, array) |
				   BIT(N_GROUP_OFFSET) | BIT(N_GROUP_SPAN) |
				   (array ? BIT(N_GROUP_COUNT) | BIT(N_GROUP_STRIDE) : 0);
		}
		for (size_t i = 0; i < blk->regs.len; i++) {
			struct ir_register *r = blk->regs.items[i];
			r->c_name = c_name_of(n, dev, &blocks_of, blk, r->path);
			r->c_const = upper_dup(n->a, r->c_name);
			r->names = register_names(r);
			name_fields(n, r);
		}
	}
}

/* ---- drivers ---- */

static bool has_caps(const struct ir_driver *d, enum ir_capability_kind kind)
{
	for (size_t i = 0; i < d->caps.len; i++)
		if (d->caps.items[i].kind == kind)
			return true;
	return false;
}

/* A hook: ret name(struct <dn>_driver *drv[, unsigned <number>]): the irq
 * and timer hooks are told which one. */
static const struct c_function *hook(struct namer *n, const char *ret, enum name_rule_id id,
				     const struct var *vars, const char *driver, const char *number)
{
	struct c_function *f = named_function(n, type_of(ret, 0, false), id, vars, 2);
	param(n, f, type_of(arena_printf(n->a, "struct %s", driver), 1, false), "drv", PARAM_OBJECT,
	      0, (struct srcpos){0});
	if (number)
		param(n, f, type_of("unsigned", 0, false), number, PARAM_OWN, 0, (struct srcpos){0});
	return f;
}

/* The enum numbering the capabilities of a kind (rule `tag`), an
 * enumerator for each (rule `each`), and the hook they run. */
static void name_numbered(struct namer *n, struct ir_driver *d, struct var *vars,
			  enum ir_capability_kind kind, enum name_rule_id tag, enum name_rule_id each,
			  enum name_rule_id hook_id, const char *ret, const char *number)
{
	if (!has_caps(d, kind))
		return;
	add(n, &d->c, tag, vars, 2, NULL);
	for (size_t i = 0; i < d->caps.len; i++) {
		const struct ir_capability *cap = &d->caps.items[i];
		if (cap->kind != kind)
			continue;
		vars[2].value = upper_dup(n->a, cap->name);
		add(n, &d->c, each, vars, 3, NULL);
		if (kind == CAPABILITY_TIMER && cap->interval_ns)
			add(n, &d->c, N_DRV_TIMER_NS, vars, 3, NULL);
	}
	add(n, &d->c, hook_id, vars, 2,
	    hook(n, ret, hook_id, vars, c_symbol_name(&d->c, N_DRV_STRUCT), number));
}

/* The skeleton's names for a protocol the driver serves: one way back from
 * each object of the first-parent chain to the driver, the handlers, and
 * their table. */
static void name_served(struct namer *n, struct ir_driver *d, const struct ir_interface *iface)
{
	struct ir_served sv = {.iface = iface,
			       .prefix = d->provides.len == 1 ? d->name : iface->local};
	struct var vars[] = {{"cn", iface->c_name}, {"prefix", sv.prefix}, {"member", NULL}};
	for (const struct ir_interface *at = iface;; at = at->parents.items[0]) {
		const char *object = c_symbol_name(&at->c, N_IF_OBJECT);
		vars[0].value = at->c_name;
		struct c_function *from = named_function(
			n,
			type_of(arena_printf(n->a, "struct %s", c_symbol_name(&d->c, N_DRV_AUTHOR)),
				1, false),
			N_DRV_FROM, vars, 1);
		own(n, from, type_of(arena_printf(n->a, "struct %s", object), 1, false), OWN_SELF,
		    PARAM_OBJECT);
		add(n, &sv.c, N_DRV_FROM, vars, 1, from);
		if (!at->parents.len)
			break;
	}
	vars[0].value = iface->c_name;
	for (size_t i = 0; i < iface->all_methods.len; i++) {
		const struct ir_method *m = iface->all_methods.items[i];
		if (m->kind == METHOD_EVENT)
			continue;
		struct c_function *handler = NEW(n->a, struct c_function);
		*handler = *c_symbol_fn(&m->c, N_M_MEMBER);
		vars[2].value = m->member;
		handler->name = expand(n->a, name_rules[N_DRV_HANDLER].pattern, vars, 3);
		add(n, &sv.c, N_DRV_HANDLER, vars, 3, handler);
	}
	add(n, &sv.c, N_DRV_OPS, vars, 1, NULL);
	vec_push(n->a, &d->served, sv);
}

static void name_driver(struct namer *n, struct ir_driver *d)
{
	struct var vars[] = {{"dn", d->name}, {"DN", upper_dup(n->a, d->name)}, {"CAP", NULL}};
	static const enum name_rule_id plain[] = {
		N_DRV_HEADER,	N_DRV_DESC_FILE, N_DRV_KMOD_FILE,  N_DRV_MAIN_FILE,
		N_DRV_SKELETON, N_DRV_GUARD,	 N_DRV_CAPS,	   N_DRV_STRUCT,
		N_DRV_AUTHOR,	N_DRV_SIZE,	 N_DRV_SIZE_MACRO, N_DRV_DESC,
	};
	for (size_t i = 0; i < ARRAY_LEN(plain); i++)
		add(n, &d->c, plain[i], vars, 2, NULL);
	if (d->libraries.len)
		add(n, &d->c, N_DRV_LIBRARIES, vars, 2, NULL);
	const char *driver = c_symbol_name(&d->c, N_DRV_STRUCT);
	add(n, &d->c, N_DRV_INIT, vars, 2, hook(n, "int", N_DRV_INIT, vars, driver, NULL));
	add(n, &d->c, N_DRV_START, vars, 2, hook(n, "void", N_DRV_START, vars, driver, NULL));
	name_numbered(n, d, vars, CAPABILITY_IRQ, N_DRV_IRQS, N_DRV_IRQ, N_DRV_IRQ_HOOK, "bool",
		      "irq");
	add(n, &d->c, N_DRV_STOP, vars, 2, hook(n, "void", N_DRV_STOP, vars, driver, NULL));
	if (d->power) {
		add(n, &d->c, N_DRV_SUSPEND, vars, 2,
		    hook(n, "int", N_DRV_SUSPEND, vars, driver, NULL));
		add(n, &d->c, N_DRV_RESUME, vars, 2,
		    hook(n, "int", N_DRV_RESUME, vars, driver, NULL));
	}
	name_numbered(n, d, vars, CAPABILITY_TIMER, N_DRV_TIMERS, N_DRV_TIMER, N_DRV_TIMER_HOOK,
		      "void", "timer");
	for (size_t i = 0; i < d->provides.len; i++)
		name_served(n, d, d->provides.items[i]);
}

void name_ir(struct arena *a, struct ir *ir)
{
	struct namer n = {a, ir};
	name_protocols(&n);
	for (size_t i = 0; i < ir->devices.len; i++)
		name_device_regs(&n, ir->devices.items[i]);
	for (size_t i = 0; i < ir->drivers.len; i++)
		name_driver(&n, ir->drivers.items[i]);
}
