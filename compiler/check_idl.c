// SPDX-License-Identifier: MIT
/* check_idl.c - protocols: names resolved across files, types laid out on the
 * wire, inheritance flattened, interface IDs and call labels assigned.
 *
 * Declarations are entered into one symbol table first, so a file may refer
 * to a type declared further down or in another file; then types are
 * resolved and laid out (struct layout recursing on demand, which is also
 * where a struct containing itself is caught); then interfaces, whose
 * inherited methods need their parents done first.
 */
#include "check.h"
#include "spec.h"

#include <stdlib.h>
#include <string.h>

enum visit { UNVISITED, VISITING, DONE };

struct symbol {
	struct ir_type *type;       /* a type, or NULL for an interface */
	struct ir_interface *iface; /* an interface */
	const struct idl_decl_ast *decl;
	const struct idl_ast *file;
	enum visit state;
	unsigned depth; /* a struct's nesting, an interface's inheritance: 1 + its deepest */
};

struct ns_info {
	const char *name;
	VEC(const char *) names; /* local names, for "did you mean" */
};

struct idl_checker {
	struct checker *c;
	struct strmap symbols;    /* "ns::name" -> symbol */
	struct strmap builtins;   /* "u32" -> symbol */
	struct strmap namespaces; /* "io" -> ns_info */
	VEC(struct symbol *) order;
	size_t inherited; /* methods copied into children so far (E0526) */
};

enum {
	/* Structs in structs, interfaces inheriting interfaces: generated C
	 * nests a codec call or an #include per level, and the IDL's own
	 * brackets stop at the same depth (E0405). */
	IDL_MAX_DEPTH = 32,
	/* Inherited methods copied into all interfaces together: each is a
	 * stub, a dispatch case and names in generated code, so a small file
	 * of many children of a big parent would otherwise cost quadratic
	 * time and memory; as the YAML alias limit, far above real use. */
	IDL_MAX_INHERITED = 100000,
};

/* Where a type is used decides what it may be. */
enum use {
	USE_PARAM,
	USE_RESULT,
	USE_FIELD,
	USE_ELEMENT,
	USE_UNDERLYING,
};

#define DIAG_REPORT(ic, pos, code, ...) diag_report((ic)->c->diag, pos, code, __VA_ARGS__)
#define DIAG_NOTE(ic, pos, ...) diag_note((ic)->c->diag, pos, __VA_ARGS__)

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* ---- built-in types ---- */

static const struct {
	const char *name;
	enum ir_type_kind kind;
	uint32_t size;
	bool is_signed;
} builtin_table[] = {
	{"void", IR_VOID, 0, false},   {"bool", IR_BOOL, 1, false},   {"u8", IR_U8, 1, false},
	{"u16", IR_U16, 2, false},     {"u32", IR_U32, 4, false},     {"u64", IR_U64, 8, false},
	{"i8", IR_I8, 1, true},        {"i16", IR_I16, 2, true},      {"i32", IR_I32, 4, true},
	{"i64", IR_I64, 8, true},      {"uint", IR_U32, 4, false},    {"int", IR_I32, 4, true},
	{"size", IR_U64, 8, false},    {"uintptr", IR_U64, 8, false},
};

static void add_builtins(struct idl_checker *ic)
{
	for (size_t i = 0; i < ARRAY_LEN(builtin_table); i++) {
		struct ir_type *t = NEW(ic->c->arena, struct ir_type);
		t->kind = builtin_table[i].kind;
		t->name = t->local = builtin_table[i].name;
		t->size = t->max_size = builtin_table[i].size;
		t->align = t->size ? t->size : 1;
		t->is_signed = builtin_table[i].is_signed;
		struct symbol *s = NEW(ic->c->arena, struct symbol);
		s->type = t;
		s->state = DONE;
		strmap_put(&ic->builtins, t->name, s);
	}
}

static const struct ir_type *builtin(struct idl_checker *ic, const char *name)
{
	return ((struct symbol *)strmap_get(&ic->builtins, name))->type;
}

/* ---- annotations ---- */

struct annotations {
	unsigned since;
	const char *deprecated;
	struct lnum op;
	int malformed; /* -1 unset, 0 reply, 1 close */
	bool idempotent;
	struct srcpos idempotent_pos;
};

enum { ALLOW_OP = 1, ALLOW_MALFORMED = 2 };

/* The annotations, and what each takes: a number, a string or nothing. */
enum annotation { AN_SINCE, AN_DEPRECATED, AN_OP, AN_MALFORMED, AN_IDEMPOTENT, AN_COUNT };
static const char *const annotation_names[AN_COUNT] = {"since", "deprecated", "op", "malformed",
						       "idempotent"};
static const char *const annotation_examples[AN_COUNT] = {
	"@since(2)", "@deprecated(\"use x\")", "@op(3)", "@malformed(\"close\")", "@idempotent"};
enum { TAKES_NUMBER, TAKES_STRING, TAKES_NOTHING };
static const int annotation_takes[AN_COUNT] = {TAKES_NUMBER, TAKES_STRING, TAKES_NUMBER,
					       TAKES_STRING, TAKES_NOTHING};

static struct annotations read_annotations(struct idl_checker *ic, const idl_annotations *list,
					   unsigned allow)
{
	struct annotations out = {.malformed = -1};
	bool seen[AN_COUNT] = {false};
	for (size_t i = 0; i < list->len; i++) {
		const struct idl_annotation *a = &list->items[i];
		const char *name = a->name.s;
		int which = -1;
		for (int k = 0; k < AN_COUNT; k++)
			if (!strcmp(name, annotation_names[k]))
				which = k;
		if (which < 0) {
			const char *hint = closest_word(name, annotation_names, AN_COUNT);
			DIAG_REPORT(ic, a->name.pos, E0511, "unknown annotation '@%s'%s%s%s", name,
				    hint ? "; did you mean '@" : "", hint ? hint : "", hint ? "'?" : "");
			continue;
		}
		if (seen[which]) {
			DIAG_REPORT(ic, a->pos, E0511, "'@%s' is given twice", name);
			continue;
		}
		seen[which] = true;
		int takes = annotation_takes[which];
		if (a->has_arg != (takes != TAKES_NOTHING) ||
		    (a->has_arg && a->arg_is_string != (takes == TAKES_STRING))) {
			DIAG_REPORT(ic, a->pos, E0511, "'@%s' takes %s, as in %s", name,
				    takes == TAKES_STRING   ? "a string"
				    : takes == TAKES_NUMBER ? "a number"
							    : "no argument",
				    annotation_examples[which]);
			continue;
		}
		switch (which) {
		case AN_SINCE:
			if (a->num == 0 || a->num > 65535)
				DIAG_REPORT(ic, a->arg_pos, E0511,
					    "'@since' takes a protocol version from 1 to 65535");
			else
				out.since = (unsigned)a->num;
			break;
		case AN_DEPRECATED:
			out.deprecated = a->str;
			break;
		case AN_OP:
			if (!(allow & ALLOW_OP))
				DIAG_REPORT(ic, a->pos, E0511,
					    "'@op' numbers a call, send or event; it means nothing here");
			else
				out.op = (struct lnum){a->num, a->arg_pos, true};
			break;
		case AN_MALFORMED:
			if (!(allow & ALLOW_MALFORMED))
				DIAG_REPORT(ic, a->pos, E0511,
					    "'@malformed' is a policy of an interface; it means nothing "
					    "here");
			else if (strcmp(a->str, "reply") && strcmp(a->str, "close"))
				DIAG_REPORT(ic, a->arg_pos, E0511,
					    "'@malformed' takes \"reply\" (an error reply, the default) or "
					    "\"close\" (drop the client)");
			else
				out.malformed = !strcmp(a->str, "close");
			break;
		case AN_IDEMPOTENT:
			if (!(allow & ALLOW_OP))
				DIAG_REPORT(ic, a->pos, E0511,
					    "'@idempotent' marks a call that may be made twice; it means "
					    "nothing here");
			out.idempotent = true;
			out.idempotent_pos = a->pos;
			break;
		}
	}
	return out;
}

/* ---- declarations into the symbol table ---- */

static struct ns_info *namespace_info(struct idl_checker *ic, const char *ns)
{
	struct ns_info *info = strmap_get(&ic->namespaces, ns);
	if (!info) {
		info = NEW(ic->c->arena, struct ns_info);
		info->name = ns;
		strmap_put(&ic->namespaces, ns, info);
	}
	return info;
}

static bool is_builtin_name(struct idl_checker *ic, const char *name)
{
	return strmap_get(&ic->builtins, name) != NULL || strcmp(name, "page") == 0;
}

static void declare(struct idl_checker *ic, const struct idl_ast *file,
		    const struct idl_decl_ast *d)
{
	struct arena *a = ic->c->arena;
	const char *ns = file->ns.s;
	const char *qualified = arena_printf(a, "%s::%s", ns, d->name.s);
	if (is_builtin_name(ic, d->name.s)) {
		DIAG_REPORT(ic, d->name.pos, E0502,
			    "'%s' is a built-in type name; choose another name", d->name.s);
		return;
	}
	struct symbol *s = NEW(a, struct symbol);
	s->decl = d;
	s->file = file;
	struct symbol *prev = strmap_put(&ic->symbols, qualified, s);
	if (prev) {
		DIAG_REPORT(ic, d->name.pos, E0502, "'%s' is declared twice", qualified);
		DIAG_NOTE(ic, prev->decl->name.pos, "first declared here");
		return;
	}
	vec_push(a, &namespace_info(ic, ns)->names, d->name.s);
	if (d->kind == DECL_INTERFACE) {
		struct ir_interface *i = NEW(a, struct ir_interface);
		i->name = qualified;
		i->ns = ns;
		i->local = d->name.s;
		i->doc = d->doc;
		i->pos = d->name.pos;
		s->iface = i;
	} else {
		static const enum ir_type_kind kinds[] = {
			[DECL_ENUM] = IR_ENUM, [DECL_BITS] = IR_BITS, [DECL_ERROR] = IR_ERROR,
			[DECL_STRUCT] = IR_STRUCT};
		struct ir_type *t = NEW(a, struct ir_type);
		t->kind = kinds[d->kind];
		t->name = qualified;
		t->ns = ns;
		t->local = d->name.s;
		t->doc = d->doc;
		t->pos = d->name.pos;
		s->type = t;
	}
	vec_push(a, &ic->order, s);
}

/* ---- name lookup ---- */

/* The standard library is always there to `use`, loaded or not. */
static bool std_has_namespace(const char *ns)
{
	size_t len = strlen(ns);
	for (size_t i = 0; i < builtin_files_count; i++) {
		const char *name = strrchr(builtin_files[i].path, '/');
		name = name ? name + 1 : builtin_files[i].path;
		if (!strncmp(name, ns, len) && !strcmp(name + len, ".idl"))
			return true;
	}
	return false;
}

static bool namespace_visible(const struct idl_ast *file, const char *ns)
{
	if (strcmp(file->ns.s, ns) == 0)
		return true;
	for (size_t i = 0; i < file->uses.len; i++)
		if (strcmp(file->uses.items[i].s, ns) == 0)
			return true;
	return false;
}

/* "did you mean": the nearest of the namespace's names and, for a name
 * written unqualified, of the built-in types ("u88": 'u8'). */
static void suggest(struct idl_checker *ic, const char *word, const struct ns_info *info,
		    bool builtins)
{
	size_t nb = builtins ? ARRAY_LEN(builtin_table) : 0, nl = info ? info->names.len : 0;
	if ((!nb && !nl) || !diag_spend_hint(ic->c->diag, nb + nl))
		return;
	const char **words = arena_alloc(ic->c->arena, (nb + nl) * sizeof *words);
	for (size_t i = 0; i < nb; i++)
		words[i] = builtin_table[i].name;
	for (size_t i = 0; i < nl; i++)
		words[nb + i] = info->names.items[i];
	const char *hint = closest_word(word, words, nb + nl);
	if (hint && strmap_get(&ic->builtins, hint))
		DIAG_NOTE(ic, (struct srcpos){0}, "did you mean '%s'?", hint);
	else if (hint)
		DIAG_NOTE(ic, (struct srcpos){0}, "did you mean '%s::%s'?", info->name, hint);
}

/* The declaration a name in file refers to, or NULL; lookup says why not. */
static struct symbol *find_symbol(struct idl_checker *ic, const struct idl_ast *file,
				  const struct idl_qname *q)
{
	if (q->ns)
		return namespace_visible(file, q->ns) ? strmap_get(&ic->symbols, q->text) : NULL;
	return strmap_get(&ic->symbols, arena_printf(ic->c->arena, "%s::%s", file->ns.s, q->name));
}

static const struct symbol *lookup(struct idl_checker *ic, const struct idl_ast *file,
				   const struct idl_qname *q)
{
	if (!q->ns) {
		const struct symbol *s = strmap_get(&ic->builtins, q->name);
		if (s || (s = find_symbol(ic, file, q)))
			return s;
		DIAG_REPORT(ic, q->pos, E0501, "unknown name '%s'", q->name);
		suggest(ic, q->name, strmap_get(&ic->namespaces, file->ns.s), true);
		for (size_t i = 0; i < file->uses.len; i++) {
			const char *other =
				arena_printf(ic->c->arena, "%s::%s", file->uses.items[i].s, q->name);
			if (strmap_get(&ic->symbols, other))
				DIAG_NOTE(ic, q->pos, "'%s' exists: write the qualified name", other);
		}
		return NULL;
	}
	const struct ns_info *info = strmap_get(&ic->namespaces, q->ns);
	if (!info && std_has_namespace(q->ns)) {
		DIAG_REPORT(ic, q->pos, E0509, "namespace '%s' is not imported; add 'use %s;'", q->ns,
			    q->ns);
		return NULL;
	}
	if (!info) {
		DIAG_REPORT(ic, q->pos, E0501, "unknown namespace '%s' in '%s'", q->ns, q->text);
		return NULL;
	}
	if (!namespace_visible(file, q->ns)) {
		DIAG_REPORT(ic, q->pos, E0509, "namespace '%s' is not imported; add 'use %s;'", q->ns,
			    q->ns);
		return NULL;
	}
	const struct symbol *s = strmap_get(&ic->symbols, q->text);
	if (!s) {
		DIAG_REPORT(ic, q->pos, E0501, "namespace '%s' declares no '%s'", q->ns, q->name);
		suggest(ic, q->name, info, false);
	}
	return s;
}

static void warn_deprecated(struct idl_checker *ic, struct srcpos pos, const char *what,
			    const char *name, const char *reason, const char *user_deprecated)
{
	if (!reason || user_deprecated)
		return;
	diag_report(ic->c->diag, pos, W0501, "%s '%s' is deprecated: %s", what, name, reason);
}

/* ---- types ---- */

static const struct ir_type *resolve_type(struct idl_checker *ic, const struct idl_ast *file,
					  const struct idl_type_ast *t, enum use use,
					  const char *user_deprecated);

static const struct ir_type *resolve_named(struct idl_checker *ic, const struct idl_ast *file,
					   const struct idl_type_ast *t, enum use use,
					   const char *user_deprecated)
{
	const struct symbol *s = lookup(ic, file, &t->name);
	if (!s)
		return NULL;
	if (s->iface) {
		DIAG_REPORT(ic, t->pos, E0510,
			    "interface '%s' is not a value type; pass an object as a capability, "
			    "as in {obj: %s}",
			    s->iface->name, s->iface->name);
		return NULL;
	}
	const struct ir_type *type = s->type;
	if (type->kind == IR_ERROR) {
		DIAG_REPORT(ic, t->pos, E0510,
			    "error type '%s' can only follow '!' in a call, as in \"call f() u32 ! %s\"",
			    type->name, type->local);
		return NULL;
	}
	if (type->kind == IR_VOID && use != USE_RESULT) {
		DIAG_REPORT(ic, t->pos, E0510, "'void' is only a call's result");
		return NULL;
	}
	if (use == USE_UNDERLYING && !ir_type_is_integer(type)) {
		DIAG_REPORT(ic, t->pos, E0510,
			    "an underlying type is an integer type such as u8 or u32, not '%s'",
			    type->name);
		return NULL;
	}
	if (type->kind == IR_STRUCT && s->state != DONE)
		return NULL; /* it contains the struct being laid out: E0516, reported */
	warn_deprecated(ic, t->pos, "type", type->name, type->deprecated, user_deprecated);
	return type;
}

static const struct ir_type *resolve_type(struct idl_checker *ic, const struct idl_ast *file,
					  const struct idl_type_ast *t, enum use use,
					  const char *user_deprecated)
{
	if (t->form == TYPE_NAMED)
		return resolve_named(ic, file, t, use, user_deprecated);

	static const char *const form_names[] = {"", "array", "vector", "bytes", "str"};
	if (use == USE_UNDERLYING) {
		DIAG_REPORT(ic, t->pos, E0510, "an underlying type is an integer type, not a %s",
			    form_names[t->form]);
		return NULL;
	}
	bool variable = t->form != TYPE_ARRAY;
	if (variable && (use == USE_FIELD || use == USE_ELEMENT)) {
		DIAG_REPORT(ic, t->pos, E0513,
			    "a %s has a variable size, so it can only be a parameter or a result, "
			    "not %s",
			    form_names[t->form],
			    use == USE_FIELD ? "a struct field" : "an element of another type");
		return NULL;
	}
	if (!t->bound.set) {
		static const char *const examples[] = {"", "", "[]u32<16>", "bytes<256>", "str<64>"};
		DIAG_REPORT(ic, t->pos, E0507,
			    "%s has no maximum; every message has a bounded size: write e.g. %s",
			    form_names[t->form], examples[t->form]);
		return NULL;
	}
	if (t->bound.v == 0 || t->bound.v > DRV_MAX_MESSAGE) {
		DIAG_REPORT(ic, t->bound.pos, E0514, "%s %s %llu is not between 1 and %d",
			    form_names[t->form], t->form == TYPE_ARRAY ? "count" : "maximum",
			    (unsigned long long)t->bound.v, DRV_MAX_MESSAGE);
		return NULL;
	}
	const struct ir_type *elem = NULL;
	if (t->elem) {
		elem = resolve_type(ic, file, t->elem, USE_ELEMENT, user_deprecated);
		if (!elem)
			return NULL;
	}
	struct ir_type *r = NEW(ic->c->arena, struct ir_type);
	r->bound = t->bound.v;
	r->base = elem;
	r->pos = t->pos;
	uint64_t size, align, max;
	switch (t->form) {
	case TYPE_ARRAY:
		r->kind = IR_ARRAY;
		size = t->bound.v * elem->size;
		align = elem->align;
		max = size;
		r->name = arena_printf(ic->c->arena, "[%llu]%s", (unsigned long long)t->bound.v,
				       elem->name);
		break;
	case TYPE_VECTOR:
		r->kind = IR_VECTOR;
		size = align = 4;
		max = 4 + align_up(t->bound.v * elem->size, 8);
		r->name = arena_printf(ic->c->arena, "[]%s<%llu>", elem->name,
				       (unsigned long long)t->bound.v);
		break;
	case TYPE_BYTES:
		r->kind = IR_BYTES;
		size = align = 4;
		max = 4 + align_up(t->bound.v, 8);
		r->name = arena_printf(ic->c->arena, "bytes<%llu>", (unsigned long long)t->bound.v);
		break;
	default:
		r->kind = IR_STRING;
		size = align = 4;
		/* The text is followed by at least one zero byte on the wire, so a
		 * server can use it in place as a C string. */
		max = 4 + align_up(t->bound.v + 1, 8);
		r->name = arena_printf(ic->c->arena, "str<%llu>", (unsigned long long)t->bound.v);
		break;
	}
	if (size > DRV_MAX_MESSAGE) {
		DIAG_REPORT(ic, t->pos, E0514, "%s is %llu bytes, more than a message can hold",
			    r->name, (unsigned long long)size);
		return NULL;
	}
	r->size = (uint32_t)size;
	r->align = (uint32_t)align;
	r->max_size = (uint32_t)(max > UINT32_MAX ? UINT32_MAX : max);
	return r;
}

static bool value_fits(uint64_t magnitude, bool negative, const struct ir_type *t)
{
	unsigned bits = t->size * 8;
	if (!t->is_signed)
		return !negative && (bits == 64 || magnitude < (1ull << bits));
	uint64_t limit = 1ull << (bits - 1); /* -limit .. limit-1 */
	return negative ? magnitude <= limit : magnitude < limit;
}

/* E0502 for every member named as an earlier one: `what` is "" or a noun
 * and a space ("parameter "), `scope` NULL or where they are declared. */
static void report_repeated_members(struct idl_checker *ic, const idl_member_list *members,
				    const char *what, const char *scope)
{
	const char **names = malloc((members->len ? members->len : 1) * sizeof *names);
	if (!names)
		abort();
	for (size_t i = 0; i < members->len; i++)
		names[i] = members->items[i].name.s;
	struct repeat *repeats;
	size_t n = find_repeated_names(names, members->len, &repeats);
	for (size_t k = 0; k < n; k++) {
		const struct lstr *name = &members->items[repeats[k].index].name;
		DIAG_REPORT(ic, name->pos, E0502, "%s'%s' is declared twice%s%s", what, name->s,
			    scope ? " in " : "", scope ? scope : "");
		DIAG_NOTE(ic, members->items[repeats[k].first].name.pos, "first declared here");
	}
	free(repeats);
	free(names);
}

/* enum, bits and error: values assigned, range-checked and unique. */
static void check_values(struct idl_checker *ic, struct symbol *s)
{
	const struct idl_decl_ast *d = s->decl;
	struct ir_type *t = s->type;
	static const char *const what[] = {[DECL_ENUM] = "enum", [DECL_BITS] = "bits",
					   [DECL_ERROR] = "error"};
	t->base = builtin(ic, "uint");
	if (d->underlying) {
		const struct ir_type *u =
			resolve_type(ic, s->file, d->underlying, USE_UNDERLYING, t->deprecated);
		if (u)
			t->base = u;
	}
	t->size = t->max_size = t->base->size;
	t->align = t->base->align;
	t->is_signed = t->base->is_signed;
	if (d->kind == DECL_BITS && t->is_signed) {
		DIAG_REPORT(ic, d->underlying->pos, E0510, "bits take an unsigned type, not '%s'",
			    t->base->name);
		t->is_signed = false;
	}
	if (!d->members.len) {
		DIAG_REPORT(ic, d->name.pos, E0521,
			    "%s '%s' declares no values, so no message could carry one", what[d->kind],
			    d->name.s);
		return;
	}
	report_repeated_members(ic, &d->members, "", d->name.s);

	/* the values given, and where, to find repeats once all are known */
	uint64_t *values = malloc(d->members.len * sizeof *values);
	struct srcpos *value_pos = malloc(d->members.len * sizeof *value_pos);
	if (!values || !value_pos)
		abort();
	uint64_t next = d->kind == DECL_ERROR ? 1 : d->kind == DECL_BITS ? 1 : 0;
	bool next_negative = false, overflowed = false, next_exhausted = false;
	for (size_t i = 0; i < d->members.len; i++) {
		const struct idl_member_ast *m = &d->members.items[i];
		struct annotations an = read_annotations(ic, &m->annotations, 0);
		uint64_t mag = m->value.set ? m->value.v : next;
		bool negative = m->value.set ? m->negative && m->value.v != 0 : next_negative;
		struct srcpos vpos = m->value.set ? m->value.pos : m->name.pos;
		if (!m->value.set && next_exhausted) {
			if (!overflowed && d->kind == DECL_BITS)
				DIAG_REPORT(ic, vpos, E0506,
					    "'%s' would take the bit above bit 63; give it a value",
					    m->name.s);
			else if (!overflowed)
				DIAG_REPORT(ic, vpos, E0506,
					    "'%s' would follow 0xffffffffffffffff, the largest value of "
					    "'%s'; give it a value",
					    m->name.s, t->base->name);
			overflowed = true;
			continue;
		}
		if (!value_fits(mag, negative, t->base)) {
			/* Implicit values after an overflow overflow too: say it once. */
			if (!m->value.set && overflowed)
				continue;
			overflowed = true;
			DIAG_REPORT(ic, vpos, E0506, "value %s%llu of '%s' does not fit %s '%s'",
				    negative ? "-" : "", (unsigned long long)mag, m->name.s,
				    t->is_signed ? "signed type" : "type", t->base->name);
		} else if (d->kind == DECL_ERROR && mag == 0) {
			DIAG_REPORT(ic, vpos, E0518,
				    "error value 0 means success; error codes start at 1");
		} else if (d->kind == DECL_BITS && mag == 0) {
			DIAG_REPORT(ic, vpos, E0520, "bits member '%s' has no bit set", m->name.s);
		}
		uint64_t value = negative ? (uint64_t)0 - mag : mag;
		struct ir_member im = {
			.name = m->name.s, .doc = m->doc, .pos = m->name.pos, .value = value,
			.deprecated = an.deprecated, .since = an.since};
		values[t->members.len] = value;
		value_pos[t->members.len] = vpos;
		vec_push(ic->c->arena, &t->members, im);
		/* The next implicit value; past the top of u64 (or the last bit) there
		 * is none, which value_fits reports on the next member. */
		if (d->kind == DECL_BITS) {
			unsigned top = 0;
			for (uint64_t v = mag; v > 1; v >>= 1)
				top++;
			next_exhausted = top >= 63;
			next = next_exhausted ? 0 : 1ull << (top + 1);
		} else if (negative) {
			next = mag - 1;
			next_negative = next != 0;
			next_exhausted = false;
		} else {
			next_exhausted = mag == UINT64_MAX;
			next = mag + 1;
			next_negative = false;
		}
	}
	struct repeat *repeats;
	size_t n = find_repeated_values(values, t->members.len, &repeats);
	for (size_t k = 0; k < n; k++) {
		const struct ir_member *m = &t->members.items[repeats[k].index];
		const struct ir_member *o = &t->members.items[repeats[k].first];
		DIAG_REPORT(ic, value_pos[repeats[k].index], E0517, "'%s' has the same value as '%s'",
			    m->name, o->name);
		DIAG_NOTE(ic, o->pos, "'%s' declared here", o->name);
	}
	free(repeats);
	free(value_pos);
	free(values);
}

static void check_field_name(struct idl_checker *ic, struct lstr name, const char *what)
{
	if (is_c_keyword(name.s))
		DIAG_REPORT(ic, name.pos, E0519,
			    "%s '%s' is a C keyword and would not compile in generated code", what,
			    name.s);
	else if (is_c_library_name(name.s))
		DIAG_REPORT(ic, name.pos, E0519,
			    "%s '%s' is a name the C library or the kernel defines and would not "
			    "compile in generated code",
			    what, name.s);
}

/* ---- declarations that depend on declarations ---- */

/* What a declaration depends on: a struct the types of its fields, an
 * interface its parents. */
struct dependencies {
	size_t (*count)(struct idl_checker *ic, struct symbol *s);
	/* The k-th, or NULL if it is nothing to walk (a built-in type, an
	 * unknown name). */
	struct symbol *(*get)(struct idl_checker *ic, struct symbol *s, size_t k);
	/* The k-th is still being walked, so s depends on itself: report it,
	 * and cut it if the walk would otherwise meet it again. */
	void (*cycle)(struct idl_checker *ic, struct symbol *s, size_t k, struct symbol *on_stack);
	/* All s depends on is finished, and s->depth is set. */
	void (*finish)(struct idl_checker *ic, struct symbol *s);
};

/* Depth-first from root, on a stack of its own rather than the C stack's,
 * so a chain of 100k declarations costs no more stack than one. */
static void walk_dependencies(struct idl_checker *ic, struct symbol *root,
			      const struct dependencies *deps)
{
	struct frame {
		struct symbol *s;
		size_t next;
	};
	VEC(struct frame) stack = {0};
	if (root->state != UNVISITED)
		return;
	root->state = VISITING;
	vec_push(ic->c->arena, &stack, ((struct frame){root, 0}));
	while (stack.len) {
		struct frame *top = &stack.items[stack.len - 1];
		if (top->next < deps->count(ic, top->s)) {
			size_t k = top->next++;
			struct symbol *d = deps->get(ic, top->s, k);
			if (d && d->state == VISITING)
				deps->cycle(ic, top->s, k, d);
			if (!d || d->state != UNVISITED)
				continue;
			d->state = VISITING;
			vec_push(ic->c->arena, &stack, ((struct frame){d, 0}));
			continue;
		}
		struct symbol *s = top->s;
		unsigned deepest = 0;
		for (size_t k = 0; k < deps->count(ic, s); k++) {
			struct symbol *d = deps->get(ic, s, k);
			if (d && d->state == DONE && d->depth > deepest)
				deepest = d->depth;
		}
		s->depth = deepest + 1;
		deps->finish(ic, s);
		s->state = DONE;
		stack.len--;
	}
}

/* ---- structs ---- */

static size_t struct_field_count(struct idl_checker *ic, struct symbol *s)
{
	(void)ic;
	return s->decl->members.len;
}

/* The struct a field's type names, itself or as an array's element. */
static struct symbol *struct_of_field(struct idl_checker *ic, struct symbol *s, size_t k)
{
	const struct idl_type_ast *t = s->decl->members.items[k].type;
	while (t->elem)
		t = t->elem;
	struct symbol *d = t->form == TYPE_NAMED ? find_symbol(ic, s->file, &t->name) : NULL;
	return d && d->type && d->type->kind == IR_STRUCT ? d : NULL;
}

static void struct_contains_itself(struct idl_checker *ic, struct symbol *s, size_t k,
				   struct symbol *on_stack)
{
	(void)s;
	(void)k;
	DIAG_REPORT(ic, on_stack->decl->name.pos, E0516,
		    "struct '%s' contains itself, so it would have no finite size",
		    on_stack->type->name);
}

/* Lays out a struct whose field types are laid out already (or are in a
 * cycle, reported). */
static void layout_struct(struct idl_checker *ic, struct symbol *s)
{
	const struct idl_decl_ast *d = s->decl;
	struct ir_type *t = s->type;
	if (!d->members.len)
		DIAG_REPORT(ic, d->name.pos, E0521, "struct '%s' declares no fields", t->name);
	if (s->depth == IDL_MAX_DEPTH + 1)
		DIAG_REPORT(ic, d->name.pos, E0525,
			    "struct '%s' holds structs %d deep; at most %d levels can nest",
			    t->name, IDL_MAX_DEPTH, IDL_MAX_DEPTH);
	report_repeated_members(ic, &d->members, "", d->name.s);
	uint64_t offset = 0, align = 1;
	for (size_t i = 0; i < d->members.len; i++) {
		const struct idl_member_ast *m = &d->members.items[i];
		struct annotations an = read_annotations(ic, &m->annotations, 0);
		check_field_name(ic, m->name, "field");
		const struct ir_type *ft = resolve_type(ic, s->file, m->type, USE_FIELD, t->deprecated);
		if (!ft)
			continue;
		offset = align_up(offset, ft->align);
		struct ir_member im = {.name = m->name.s, .doc = m->doc, .pos = m->name.pos,
				       .type = ft, .offset = (uint32_t)offset,
				       .deprecated = an.deprecated, .since = an.since};
		vec_push(ic->c->arena, &t->members, im);
		offset += ft->size;
		if (ft->align > align)
			align = ft->align;
	}
	offset = align_up(offset, align);
	if (offset > DRV_MAX_MESSAGE) {
		DIAG_REPORT(ic, d->name.pos, E0514, "struct '%s' is %llu bytes, more than a message "
			    "can hold", t->name, (unsigned long long)offset);
	}
	/* Done even with errors, so its users are not reported again; the
	 * pipeline stops before any backend sees the placeholder size. */
	t->size = t->max_size = (uint32_t)(offset > DRV_MAX_MESSAGE ? DRV_MAX_MESSAGE : offset);
	t->align = (uint32_t)align;
}

static const struct dependencies struct_fields = {
	struct_field_count, struct_of_field, struct_contains_itself, layout_struct};

/* ---- interfaces ---- */

struct parent {
	struct ir_interface *iface;
	const struct idl_qname *name;
};

static void resolve_parents(struct idl_checker *ic, struct symbol *s)
{
	const struct idl_decl_ast *d = s->decl;
	struct ir_interface *iface = s->iface;
	struct parent *found = malloc((d->parents.len ? d->parents.len : 1) * sizeof *found);
	uint64_t *ids = malloc((d->parents.len ? d->parents.len : 1) * sizeof *ids);
	if (!found || !ids)
		abort();
	size_t n = 0;
	for (size_t i = 0; i < d->parents.len; i++) {
		const struct idl_qname *q = &d->parents.items[i];
		const struct symbol *p = lookup(ic, s->file, q);
		if (!p)
			continue;
		if (!p->iface) {
			DIAG_REPORT(ic, q->pos, E0510, "'%s' is not an interface, so it cannot be "
				    "inherited", q->text);
			continue;
		}
		ids[n] = (uintptr_t)p->iface;
		found[n++] = (struct parent){p->iface, q};
	}
	struct repeat *repeats;
	size_t nrepeats = find_repeated_values(ids, n, &repeats);
	for (size_t k = 0; k < nrepeats; k++) {
		const struct idl_qname *q = found[repeats[k].index].name;
		DIAG_REPORT(ic, q->pos, E0502, "'%s' is listed twice as a parent", q->text);
		found[repeats[k].index].iface = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!found[i].iface)
			continue;
		warn_deprecated(ic, found[i].name->pos, "interface", found[i].iface->name,
				found[i].iface->deprecated, iface->deprecated);
		vec_push(ic->c->arena, &iface->parents, found[i].iface);
	}
	free(repeats);
	free(ids);
	free(found);
}

static size_t parent_count(struct idl_checker *ic, struct symbol *s)
{
	(void)ic;
	return s->iface->parents.len;
}

static struct symbol *parent_of(struct idl_checker *ic, struct symbol *s, size_t k)
{
	return strmap_get(&ic->symbols, s->iface->parents.items[k]->name);
}

static void inherits_itself(struct idl_checker *ic, struct symbol *s, size_t k,
			    struct symbol *on_stack)
{
	struct ir_interface *iface = s->iface;
	const struct idl_decl_ast *d = s->decl;
	struct srcpos at = d->parents.len > k ? d->parents.items[k].pos : d->name.pos;
	if (on_stack == s) {
		DIAG_REPORT(ic, at, E0503, "'%s' inherits from itself", iface->name);
	} else {
		DIAG_REPORT(ic, at, E0503, "'%s' inherits from '%s', which in turn inherits from '%s'",
			    iface->name, on_stack->iface->name, iface->name);
		DIAG_NOTE(ic, on_stack->decl->name.pos, "'%s' declared here", on_stack->iface->name);
	}
	iface->parents.len = k; /* cut the cycle so later passes terminate */
}

/* The parents' methods, in order, each once: a method reached through two
 * parents is one, two methods of one name from two parents are E0502. A
 * sort each, never a search per method: a child of parents with 40k
 * methods costs n log n. */
static void inherit_methods(struct idl_checker *ic, struct symbol *s)
{
	struct ir_interface *iface = s->iface;
	if (s->depth > IDL_MAX_DEPTH)
		return; /* E0525, reported: its own methods only */
	size_t n = 0;
	for (size_t i = 0; i < iface->parents.len; i++)
		n += iface->parents.items[i]->all_methods.len;
	if (ic->inherited <= IDL_MAX_INHERITED && n > IDL_MAX_INHERITED - ic->inherited)
		DIAG_REPORT(ic, s->decl->name.pos, E0526,
			    "'%s' would make the interfaces inherit more than %d methods in all; is "
			    "this an inheritance bomb?",
			    iface->name, IDL_MAX_INHERITED);
	ic->inherited += n;
	if (ic->inherited > IDL_MAX_INHERITED)
		return; /* E0526, reported: its own methods only */
	const struct ir_method **all = malloc((n ? n : 1) * sizeof *all);
	uint64_t *ids = malloc((n ? n : 1) * sizeof *ids);
	const char **names = malloc((n ? n : 1) * sizeof *names);
	if (!all || !ids || !names)
		abort();
	n = 0;
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct ir_interface *p = iface->parents.items[i];
		for (size_t j = 0; j < p->all_methods.len; j++) {
			all[n] = p->all_methods.items[j];
			ids[n] = (uintptr_t)all[n];
			names[n] = all[n]->name;
			n++;
		}
	}
	struct repeat *repeats;
	size_t nrepeats = iface->parents.len > 1 ? find_repeated_values(ids, n, &repeats) : 0;
	for (size_t k = 0; k < nrepeats; k++)
		names[repeats[k].index] = NULL; /* the same method reached through two parents */
	if (nrepeats)
		free(repeats);
	nrepeats = iface->parents.len > 1 ? find_repeated_names(names, n, &repeats) : 0;
	for (size_t k = 0; k < nrepeats; k++) {
		const struct ir_method *m = all[repeats[k].index], *other = all[repeats[k].first];
		DIAG_REPORT(ic, s->decl->name.pos, E0502,
			    "'%s' inherits two methods named '%s', from '%s' and '%s'", iface->name,
			    m->name, other->owner->name, m->owner->name);
		DIAG_NOTE(ic, other->pos, "one is declared here");
		DIAG_NOTE(ic, m->pos, "the other is declared here");
		names[repeats[k].index] = NULL;
	}
	if (nrepeats)
		free(repeats);
	vec_reserve(ic->c->arena, &iface->all_methods, n + s->decl->methods.len);
	for (size_t i = 0; i < n; i++)
		if (names[i])
			iface->all_methods.items[iface->all_methods.len++] = all[i];
	free(names);
	free(ids);
	free(all);
}

static void check_method(struct idl_checker *ic, struct symbol *s, const struct idl_method_ast *ma,
			 size_t index);

/* Its own methods named as another of its methods (E0502), and its own
 * methods' op numbers, explicit ones colliding with each other or with
 * positions (E0505). */
static void check_method_names(struct idl_checker *ic, struct ir_interface *iface)
{
	const char **names = malloc((iface->all_methods.len + 1) * sizeof *names);
	uint64_t *ops = malloc((iface->methods.len + 1) * sizeof *ops);
	if (!names || !ops)
		abort();
	for (size_t i = 0; i < iface->all_methods.len; i++)
		names[i] = iface->all_methods.items[i]->name;
	struct repeat *repeats;
	size_t n = find_repeated_names(names, iface->all_methods.len, &repeats);
	for (size_t k = 0; k < n; k++) {
		const struct ir_method *m = iface->all_methods.items[repeats[k].index];
		const struct ir_method *other = iface->all_methods.items[repeats[k].first];
		if (other->owner == iface)
			DIAG_REPORT(ic, m->pos, E0502, "'%s' is declared twice in '%s'", m->name,
				    iface->name);
		else
			DIAG_REPORT(ic, m->pos, E0502, "'%s' is already inherited from '%s'", m->name,
				    other->owner->name);
		DIAG_NOTE(ic, other->pos, "first declared here");
	}
	free(repeats);
	/* an op of 0 is out of range, reported: each gets one of its own */
	for (size_t i = 0; i < iface->methods.len; i++)
		ops[i] = iface->methods.items[i]->op ? iface->methods.items[i]->op : 0x10000 + i;
	n = find_repeated_values(ops, iface->methods.len, &repeats);
	for (size_t k = 0; k < n; k++) {
		const struct ir_method *m = iface->methods.items[repeats[k].index];
		const struct ir_method *other = iface->methods.items[repeats[k].first];
		DIAG_REPORT(ic, m->pos, E0505, "'%s' and '%s' both have op %u, so their labels collide",
			    other->name, m->name, m->op);
		DIAG_NOTE(ic, other->pos, "'%s' declared here", other->name);
	}
	free(repeats);
	free(ops);
	free(names);
}

/* An interface whose parents are done: their methods, then its own. */
static void check_interface(struct idl_checker *ic, struct symbol *s)
{
	if (s->depth == IDL_MAX_DEPTH + 1)
		DIAG_REPORT(ic, s->decl->name.pos, E0525,
			    "'%s' inherits through %d levels of interfaces; at most %d can nest",
			    s->iface->name, IDL_MAX_DEPTH, IDL_MAX_DEPTH);
	inherit_methods(ic, s);
	const struct idl_decl_ast *d = s->decl;
	if (!d->methods.len && !d->parents.len)
		DIAG_REPORT(ic, d->name.pos, E0521,
			    "interface '%s' declares no calls or events and inherits none, so a client "
			    "could do nothing with it",
			    s->iface->name);
	for (size_t i = 0; i < d->methods.len; i++)
		check_method(ic, s, d->methods.items[i], i);
	check_method_names(ic, s->iface);
	for (size_t i = 0; i < s->iface->all_methods.len; i++)
		s->iface->sends_handles |= s->iface->all_methods.items[i]->caps_out.len > 0;
}

static const struct dependencies interface_parents = {
	parent_count, parent_of, inherits_itself, check_interface};

/* `seen` holds the capabilities already checked for this method (in, then
 * out): they become parameters of one C function and need distinct names. */
static void check_caps(struct idl_checker *ic, struct symbol *s, const idl_cap_list *list,
		       ir_cap_list *out, ir_cap_list *seen)
{
	for (size_t i = 0; i < list->len; i++) {
		const struct idl_cap_ast *ca = &list->items[i];
		struct ir_cap cap = {.name = ca->name.s, .pos = ca->name.pos, .variadic = ca->variadic};
		check_field_name(ic, ca->name, "capability");
		if (!ca->type.name) {
			cap.kind = CAP_HANDLE;
		} else if (!ca->type.ns && strcmp(ca->type.name, "page") == 0) {
			cap.kind = CAP_PAGES;
		} else {
			const struct symbol *t = lookup(ic, s->file, &ca->type);
			if (!t)
				continue;
			if (!t->iface) {
				DIAG_REPORT(ic, ca->type.pos, E0522,
					    "a capability is 'page', an interface or a bare handle, "
					    "not the value type '%s'",
					    ca->type.text);
				continue;
			}
			cap.kind = CAP_OBJECT;
			cap.iface = t->iface;
		}
		bool dup = false;
		for (size_t j = 0; j < seen->len && !dup; j++)
			if (!strcmp(seen->items[j].name, cap.name)) {
				DIAG_REPORT(ic, ca->name.pos, E0502, "capability '%s' is declared twice",
					    cap.name);
				DIAG_NOTE(ic, seen->items[j].pos, "first declared here");
				dup = true;
			}
		if (dup)
			continue;
		if (cap.variadic && cap.kind != CAP_PAGES) {
			DIAG_REPORT(ic, ca->name.pos, E0522,
				    "only 'page...' may be variadic: a buffer of pages is one shared "
				    "memory region");
			continue;
		}
		vec_push(ic->c->arena, out, cap);
		vec_push(ic->c->arena, seen, cap);
	}
}

/* Lays out parameters like struct fields; variable parts follow in order. */
static void layout_params(struct ir_method *m, uint32_t *inline_size, uint32_t *max_size)
{
	uint64_t offset = 0, extra = 0;
	for (size_t i = 0; i < m->params.len; i++) {
		struct ir_param *p = &m->params.items[i];
		offset = align_up(offset, p->type->align);
		p->offset = (uint32_t)offset;
		offset += p->type->size;
		extra += p->type->max_size - p->type->size;
	}
	offset = align_up(offset, 8);
	*inline_size = (uint32_t)offset;
	uint64_t max = offset + extra;
	*max_size = (uint32_t)(max > UINT32_MAX ? UINT32_MAX : max);
}

static void check_method(struct idl_checker *ic, struct symbol *s, const struct idl_method_ast *ma,
			 size_t index)
{
	struct arena *a = ic->c->arena;
	struct ir_interface *iface = s->iface;
	struct annotations an = read_annotations(ic, &ma->annotations, ALLOW_OP);
	struct ir_method *m = NEW(a, struct ir_method);
	m->kind = ma->kind;
	m->name = ma->name.s;
	m->doc = ma->doc;
	m->pos = ma->name.pos;
	m->owner = iface;
	m->since = an.since;
	m->deprecated = an.deprecated;
	m->idempotent = an.idempotent;
	if (an.idempotent && ma->kind != METHOD_CALL)
		DIAG_REPORT(ic, an.idempotent_pos, E0511,
			    "'@idempotent' marks a call, whose reply says it ran; a %s is never made "
			    "again",
			    ma->kind == METHOD_SEND ? "send" : "event");
	const char *deprecated_scope = m->deprecated ? m->deprecated : iface->deprecated;

	if (is_c11_keyword(ma->name.s))
		DIAG_REPORT(ic, ma->name.pos, E0519,
			    "method '%s' is a C keyword and would not compile in generated code",
			    ma->name.s);
	uint64_t op = an.op.set ? an.op.v : index + 1;
	if (op == 0 || op > 65535) {
		DIAG_REPORT(ic, an.op.set ? an.op.pos : ma->name.pos, E0512,
			    "op %llu of '%s' is not in 1..65535 (the low 16 bits of the label)",
			    (unsigned long long)op, m->name);
		op = 0;
	}
	m->op = (unsigned)op;
	m->label = (uint64_t)iface->id << 16 | op;

	ir_cap_list seen = {0};
	check_caps(ic, s, &ma->caps_in, &m->caps_in, &seen);
	check_caps(ic, s, &ma->caps_out, &m->caps_out, &seen);
	if (m->kind != METHOD_CALL && ma->caps_out.len)
		DIAG_REPORT(ic, ma->caps_out.items[0].name.pos, E0522,
			    "a %s has no reply to carry capabilities back",
			    m->kind == METHOD_SEND ? "send" : "event");
	else if (m->kind == METHOD_EVENT && ma->caps_in.len)
		DIAG_REPORT(ic, ma->caps_in.items[0].name.pos, E0522,
			    "an event carries no capabilities: it goes to every client, and a "
			    "handle or buffer belongs to one");
	for (size_t i = 0; i < m->caps_out.len; i++)
		if (m->caps_out.items[i].kind == CAP_PAGES)
			DIAG_REPORT(ic, m->caps_out.items[i].pos, E0522,
				    "a reply carries handles, not pages: the caller lends the "
				    "buffer, as an input capability");
	const ir_cap_list *lists[] = {&m->caps_in, &m->caps_out};
	for (size_t l = 0; l < 2; l++)
		if (lists[l]->len > DRV_MAX_CAPS)
			DIAG_REPORT(ic, lists[l]->items[DRV_MAX_CAPS].pos, E0522,
				    "a message carries at most %d capabilities; '%s' has %zu",
				    DRV_MAX_CAPS, m->name, lists[l]->len);

	bool ok = true;
	for (size_t i = 0; i < ma->params.len; i++) {
		const struct idl_member_ast *pa = &ma->params.items[i];
		struct annotations pan = read_annotations(ic, &pa->annotations, 0);
		check_field_name(ic, pa->name, "parameter");
		for (size_t j = 0; j < i; j++)
			if (strcmp(ma->params.items[j].name.s, pa->name.s) == 0) {
				DIAG_REPORT(ic, pa->name.pos, E0502, "parameter '%s' is declared twice",
					    pa->name.s);
				DIAG_NOTE(ic, ma->params.items[j].name.pos, "first declared here");
				break;
			}
		for (size_t j = 0; j < m->caps_in.len + m->caps_out.len; j++) {
			const struct ir_cap *cap = j < m->caps_in.len
							   ? &m->caps_in.items[j]
							   : &m->caps_out.items[j - m->caps_in.len];
			if (strcmp(cap->name, pa->name.s) == 0) {
				DIAG_REPORT(ic, pa->name.pos, E0502,
					    "parameter '%s' has the name of a capability", pa->name.s);
				DIAG_NOTE(ic, cap->pos, "the capability is declared here");
				break;
			}
		}
		const struct ir_type *t = resolve_type(ic, s->file, pa->type, USE_PARAM,
						       deprecated_scope);
		if (!t) {
			ok = false;
			continue;
		}
		struct ir_param p = {.name = pa->name.s, .doc = pa->doc, .pos = pa->name.pos, .type = t,
				     .since = pan.since, .deprecated = pan.deprecated};
		vec_push(a, &m->params, p);
	}
	m->result = builtin(ic, "void");
	if (ma->result) {
		const struct ir_type *t = resolve_type(ic, s->file, ma->result, USE_RESULT,
						       deprecated_scope);
		if (t)
			m->result = t;
		else
			ok = false;
	}
	if (ma->error.name) {
		const struct symbol *e = lookup(ic, s->file, &ma->error);
		if (e && (!e->type || e->type->kind != IR_ERROR))
			DIAG_REPORT(ic, ma->error.pos, E0510,
				    "'%s' after '!' must be an error type declared with 'error'",
				    ma->error.text);
		else if (e) {
			m->error = e->type;
			warn_deprecated(ic, ma->error.pos, "error type", e->type->name,
					e->type->deprecated, deprecated_scope);
		}
	}
	if (ok) {
		layout_params(m, &m->request_inline, &m->request_max);
		if (m->kind == METHOD_CALL) {
			m->reply_inline = (uint32_t)align_up(m->result->size, 8);
			m->reply_max = m->reply_inline + (m->result->max_size - m->result->size);
		}
		uint32_t biggest = m->request_max > m->reply_max ? m->request_max : m->reply_max;
		if ((uint64_t)biggest + DRV_HEADER_SIZE > DRV_MAX_MESSAGE)
			DIAG_REPORT(ic, m->pos, E0515,
				    "a '%s' message can be %llu bytes, over the %d-byte limit; pass "
				    "bulk data as 'page...'",
				    m->name, (unsigned long long)biggest + DRV_HEADER_SIZE,
				    DRV_MAX_MESSAGE);
	}
	vec_push(a, &iface->methods, m);
	vec_push(a, &iface->all_methods, m);
}

/* ---- the stage ---- */

static void check_decl_header(struct idl_checker *ic, struct symbol *s)
{
	struct annotations an =
		read_annotations(ic, &s->decl->annotations, s->iface ? ALLOW_MALFORMED : 0);
	if (s->type) {
		s->type->since = an.since;
		s->type->deprecated = an.deprecated;
	} else {
		s->iface->since = an.since;
		s->iface->deprecated = an.deprecated;
		s->iface->close_on_malformed = an.malformed == 1;
	}
}

static void assign_interface_id(struct idl_checker *ic, struct symbol *s, struct strmap *ids)
{
	struct ir_interface *iface = s->iface;
	const struct idl_decl_ast *d = s->decl;
	if (d->id.set) {
		iface->id = (uint32_t)d->id.v;
		iface->id_explicit = true;
		if (d->id.v > UINT32_MAX) {
			DIAG_REPORT(ic, d->id.pos, E0506, "interface ID 0x%llx does not fit 32 bits",
				    (unsigned long long)d->id.v);
			return;
		}
		if (d->id.v == 0) {
			DIAG_REPORT(ic, d->id.pos, E0523,
				    "interface ID 0 is reserved for the transport's own messages");
			return;
		}
	} else {
		iface->id = fnv1a32(iface->name, strlen(iface->name));
	}
	const char *key = arena_printf(ic->c->arena, "%08x", iface->id);
	struct symbol *prev = strmap_put(ids, key, s);
	if (!prev)
		return;
	/* Blame the declaration the author can change: an explicit ID, else one
	 * outside the standard library, else the later one. */
	struct symbol *blamed = s, *other = prev;
	if ((prev->decl->id.set && !d->id.set) ||
	    (!prev->decl->id.set && !d->id.set && s->file->src->builtin && !prev->file->src->builtin)) {
		blamed = prev;
		other = s;
	}
	const struct idl_decl_ast *bd = blamed->decl;
	DIAG_REPORT(ic, bd->id.set ? bd->id.pos : bd->name.pos, E0504,
		    "'%s' and '%s' have the same interface ID 0x%08x, so their labels collide",
		    blamed->iface->name, other->iface->name, iface->id);
	DIAG_NOTE(ic, other->decl->name.pos, "'%s' declared here", other->iface->name);
	if (!bd->id.set)
		DIAG_NOTE(ic, (struct srcpos){0},
			  "give one of them an explicit ID: interface %s = 0x... { ... }",
			  blamed->iface->local);
}

void check_idl(struct checker *c, struct idl_ast *const *files, size_t n)
{
	struct idl_checker ic = {.c = c};
	strmap_init(&ic.symbols, c->arena);
	strmap_init(&ic.builtins, c->arena);
	strmap_init(&ic.namespaces, c->arena);
	add_builtins(&ic);

	for (size_t f = 0; f < n; f++) {
		namespace_info(&ic, files[f]->ns.s);
		for (size_t i = 0; i < files[f]->decls.len; i++)
			declare(&ic, files[f], files[f]->decls.items[i]);
	}
	for (size_t i = 0; i < ic.order.len; i++)
		check_decl_header(&ic, ic.order.items[i]);

	/* Types: values first (no dependencies), then struct layouts. */
	for (size_t i = 0; i < ic.order.len; i++) {
		struct symbol *s = ic.order.items[i];
		if (s->type && s->type->kind != IR_STRUCT) {
			check_values(&ic, s);
			s->state = DONE;
		}
	}
	for (size_t i = 0; i < ic.order.len; i++) {
		struct symbol *s = ic.order.items[i];
		if (s->type && s->type->kind == IR_STRUCT)
			walk_dependencies(&ic, s, &struct_fields);
	}

	/* Interfaces: IDs before methods (labels need them), parents before
	 * children (inherited methods need them). */
	struct strmap ids;
	strmap_init(&ids, c->arena);
	for (size_t i = 0; i < ic.order.len; i++) {
		struct symbol *s = ic.order.items[i];
		if (s->iface) {
			assign_interface_id(&ic, s, &ids);
			resolve_parents(&ic, s);
		}
	}
	for (size_t i = 0; i < ic.order.len; i++)
		if (ic.order.items[i]->iface)
			walk_dependencies(&ic, ic.order.items[i], &interface_parents);

	for (size_t i = 0; i < ic.order.len; i++) {
		struct symbol *s = ic.order.items[i];
		if (s->type)
			vec_push(c->arena, &c->ir->types, s->type);
		else
			vec_push(c->arena, &c->ir->interfaces, s->iface);
	}
}
