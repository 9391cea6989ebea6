// SPDX-License-Identifier: MIT
/* check_idl_names.c - the C that protocols and drivers become must not
 * declare a name twice.
 *
 * Every name the naming pass (names.c) recorded for the protocols and the
 * drivers is claimed by the declaration it comes from, in its C name space,
 * along with the register maps' files and include guards, which a protocol
 * must not take (namespace edu, interface regs: edu_regs.h). Two declarations
 * claiming one name are E0216, reported once per pair. The parameters of
 * each recorded signature are claimed in a scope of their own, where the
 * names generated functions give their own parameters and variables
 * (ipc_own_names) are claimed first, so a parameter taking one is E0524;
 * so is any name beginning drv_, which generated code keeps for its locals.
 */
#include "check.h"
#include "names.h"

#include <stdlib.h>
#include <string.h>

/* A declaration claiming names. Its description, "method 'read' of
 * io::file", is formatted only for a diagnostic: 1,000 interfaces claim
 * a hundred thousand names, and almost never clash. */
struct owner {
	const char *fmt, *a, *b; /* the description: fmt with a and b */
	struct srcpos pos;
};

enum { C_SPACE_COUNT = C_FILE + 1 };

/* The C names claimed, each of its space's map. */
struct claims {
	struct strmap space[C_SPACE_COUNT];
};

struct names {
	struct checker *c;
	struct claims *claimed; /* C name -> owner, by space */
	struct strmap reported; /* owner pairs already reported */
	/* A driver's own names, beside the claimed ones: each driver is its
	 * own translation unit (and module or program), so two drivers may
	 * both name their dev::serial handler table dev_serial_ops. */
	struct claims *scope;
	/* the names generated functions give their own parameters and
	 * variables: the claims each method's parameters are checked against */
	struct claims own;
	struct claims params; /* one method's parameters (claim_params) */
};

static void claims_init(struct claims *cl, struct arena *a)
{
	for (size_t i = 0; i < C_SPACE_COUNT; i++)
		strmap_init(&cl->space[i], a);
}

static struct owner *owner(struct names *n, struct srcpos pos, const char *fmt, const char *a,
			   const char *b)
{
	struct owner *o = NEW(n->c->arena, struct owner);
	*o = (struct owner){fmt, a, b, pos};
	return o;
}

static const char *what(struct names *n, const struct owner *o)
{
	return arena_printf(n->c->arena, o->fmt, o->a, o->b);
}

static bool same_declaration(const struct owner *a, const struct owner *b)
{
	return a == b || (a->pos.src && a->pos.src == b->pos.src && a->pos.line == b->pos.line &&
			  a->pos.col == b->pos.col);
}

static void claim(struct names *n, const struct owner *o, enum c_space space, const char *name)
{
	/* generated code's own locals begin with drv_ */
	if (!strncmp(name, "drv_", 4) && o->pos.src) {
		if (strmap_put(&n->reported, arena_printf(n->c->arena, "%p drv_", (const void *)o),
			       (void *)o))
			return;
		diag_report(n->c->diag, o->pos, E0524,
			    "%s needs the C name '%s', but names beginning 'drv_' are generated "
			    "code's own",
			    what(n, o), name);
		return;
	}
	const struct owner *prev = n->scope ? strmap_get(&n->claimed->space[space], name) : NULL;
	if (!prev)
		prev = strmap_put(&(n->scope ? n->scope : n->claimed)->space[space], name, (void *)o);
	if (!prev || same_declaration(prev, o))
		return;
	const char *pair = arena_printf(n->c->arena, "%p %p", (const void *)prev, (const void *)o);
	if (strmap_put(&n->reported, pair, (void *)o))
		return;
	if (!prev->pos.src) {
		diag_report(n->c->diag, o->pos, E0524,
			    "%s needs the C name '%s', which generated code uses for %s; rename it",
			    what(n, o), name, what(n, prev));
		return;
	}
	diag_report(n->c->diag, o->pos, E0216, "%s and %s both become '%s' in the generated C",
		    what(n, o), what(n, prev), name);
	diag_note(n->c->diag, prev->pos, "%s declared here", what(n, prev));
}

static void claim_all(struct names *n, const struct owner *o, const c_symbol_list *list)
{
	for (size_t i = 0; i < list->len; i++)
		claim(n, o, name_rules[list->items[i].rule].space, list->items[i].name);
}

/* The parameters a method's functions take from the spec, in one scope
 * with the generated code's own names. */
static void claim_params(struct names *n, const struct ir_method *m, const c_symbol_list *client)
{
	/* One map for every method's parameters, emptied for each (a few
	 * names); one a large method grew is dropped rather than cleared. */
	struct strmap *params = &n->params.space[C_ORDINARY];
	if (params->cap > 64)
		strmap_init(params, n->c->arena);
	else
		strmap_clear(params);
	struct claims *saved = n->claimed;
	n->claimed = &n->own;
	n->scope = &n->params;
	const c_symbol_list *lists[] = {&m->c, client};
	for (size_t l = 0; l < ARRAY_LEN(lists); l++)
		for (size_t s = 0; s < lists[l]->len; s++) {
			const struct c_function *fn = lists[l]->items[s].fn;
			for (size_t i = 0; fn && i < fn->params.len; i++) {
				const struct c_param *p = &fn->params.items[i];
				if (!p->pos.src)
					continue;
				bool cap = p->role == PARAM_CAP_IN || p->role == PARAM_CAP_OUT;
				const char *declared =
					cap ? p->name : m->params.items[p->index].name;
				const struct owner *o = owner(n, p->pos,
							      cap ? "capability '%s' of %s"
								  : "parameter '%s' of %s",
							      declared, m->name);
				claim(n, o, C_ORDINARY, p->name);
			}
		}
	n->claimed = saved;
	n->scope = NULL;
}

/* Which of the methods are named as an earlier one (E0502 already): a
 * malloc'd array of flags. */
static bool *repeated(const struct ir_method *const *methods, size_t n)
{
	const char **names = malloc((n ? n : 1) * sizeof *names);
	bool *flags = calloc(n ? n : 1, sizeof *flags);
	if (!names || !flags)
		abort();
	for (size_t i = 0; i < n; i++)
		names[i] = methods[i]->name;
	struct repeat *repeats;
	size_t count = find_repeated_names(names, n, &repeats);
	for (size_t k = 0; k < count; k++)
		flags[repeats[k].index] = true;
	free(repeats);
	free(names);
	return flags;
}

static void claim_interface(struct names *n, const struct ir_interface *iface)
{
	claim_all(n, owner(n, iface->pos, "interface %s", iface->name, NULL), &iface->c);
	bool *skip = repeated((const struct ir_method *const *)iface->methods.items,
			      iface->methods.len);
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (!skip[i])
			claim_all(n, owner(n, m->pos, "method '%s' of %s", m->name, iface->name),
				  &m->c);
	}
	free(skip);
	/* the client API covers inherited methods too */
	skip = repeated(iface->all_methods.items, iface->all_methods.len);
	for (size_t i = 0; i < iface->client.len; i++) {
		const struct ir_client_method *cm = &iface->client.items[i];
		const struct ir_method *m = cm->method;
		if (skip[i])
			continue;
		const struct owner *o =
			m->owner == iface
				? owner(n, m->pos, "method '%s' of %s", m->name, iface->name)
				: owner(n, m->pos, "method '%s' inherited from %s", m->name,
					m->owner->name);
		claim_all(n, o, &cm->c);
		if (m->owner == iface)
			claim_params(n, m, &cm->c);
	}
	free(skip);
}

void check_idl_names(struct checker *c)
{
	struct claims claimed;
	struct names n = {.c = c, .claimed = &claimed};
	claims_init(&claimed, c->arena);
	strmap_init(&n.reported, c->arena);
	claims_init(&n.own, c->arena);
	claims_init(&n.params, c->arena);
	static const struct owner generated = {"its own variables", NULL, NULL, {0}};
	n.claimed = &n.own;
	for (size_t i = 0; i < ipc_own_name_count; i++)
		claim(&n, &generated, C_ORDINARY, ipc_own_names[i]);
	n.claimed = &claimed;
	static const enum name_rule_id map_names[] = {N_DEV_HEADER, N_DEV_DESC_FILE, N_DEV_GUARD};
	for (size_t i = 0; i < c->ir->devices.len; i++) {
		const struct ir_device *d = c->ir->devices.items[i];
		const struct owner *o = owner(&n, d->pos, "register map %s", d->name, NULL);
		for (size_t k = 0; k < ARRAY_LEN(map_names); k++)
			claim(&n, o, name_rules[map_names[k]].space,
			      name_device(c->arena, d, map_names[k]));
	}
	/* a namespace's names are claimed by its first type */
	for (size_t i = 0; i < c->ir->namespaces.len; i++) {
		const struct ir_namespace *ns = c->ir->namespaces.items[i];
		size_t first = 0;
		while (strcmp(c->ir->types.items[first]->ns, ns->name) != 0)
			first++;
		claim_all(&n,
			  owner(&n, c->ir->types.items[first]->pos, "namespace %s", ns->name, NULL),
			  &ns->c);
	}
	for (size_t i = 0; i < c->ir->types.len; i++) {
		const struct ir_type *t = c->ir->types.items[i];
		static const char *const kinds[] = {[IR_ENUM] = "enum",
						    [IR_BITS] = "bits",
						    [IR_ERROR] = "error",
						    [IR_STRUCT] = "struct"};
		claim_all(&n, owner(&n, t->pos, "%s %s", kinds[t->kind], t->name), &t->c);
		for (size_t k = 0; k < t->members.len; k++) {
			const struct ir_member *m = &t->members.items[k];
			claim_all(&n, owner(&n, m->pos, "value '%s' of %s", m->name, t->name),
				  &m->c);
		}
	}
	for (size_t i = 0; i < c->ir->interfaces.len; i++)
		claim_interface(&n, c->ir->interfaces.items[i]);
	/* a driver's header includes its protocols' */
	for (size_t i = 0; i < c->ir->drivers.len; i++) {
		const struct ir_driver *d = c->ir->drivers.items[i];
		struct claims scope;
		claims_init(&scope, c->arena);
		n.scope = &scope;
		claim_all(&n, owner(&n, d->pos, "driver %s", d->name, NULL), &d->c);
		for (size_t k = 0; k < d->served.len; k++)
			claim_all(&n,
				  owner(&n, d->pos, "the handlers of %s in driver %s",
					d->served.items[k].iface->name, d->name),
				  &d->served.items[k].c);
		n.scope = NULL;
	}
}
