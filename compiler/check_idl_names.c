/* check_idl_names.c - the C that protocols become must not declare a name
 * twice.
 *
 * Every global name the IPC backend generates (docs/ipc.md lists them) is
 * claimed here by the declaration it comes from; two declarations claiming
 * one name are E0216, reported once per pair. Names a generated function
 * uses for itself (self, call, result, drv_...) are claimed up front, so a
 * parameter that takes one is E0524. Kept next to emit_ipc.c's naming: a
 * name generated there and not claimed here is a compile error waiting for
 * some spec.
 */
#include "check.h"

#include <string.h>

struct owner {
	const char *what; /* "method read of io::file" */
	struct srcpos pos;
};

struct names {
	struct checker *c;
	struct strmap claimed; /* C name -> owner */
	struct strmap reported; /* owner pairs already reported */
};

static struct owner *owner(struct names *n, struct srcpos pos, const char *fmt, const char *a,
			   const char *b)
{
	struct owner *o = NEW(n->c->arena, struct owner);
	o->what = arena_printf(n->c->arena, fmt, a, b);
	o->pos = pos;
	return o;
}

static void claim(struct names *n, const struct owner *o, const char *name)
{
	/* generated code's own locals begin with drv_ */
	if (!strncmp(name, "drv_", 4) && o->pos.src) {
		if (strmap_put(&n->reported, arena_printf(n->c->arena, "%p drv_", (const void *)o),
			       (void *)o))
			return;
		diag_report(n->c->diag, o->pos, E0524,
			    "%s needs the C name '%s', but names beginning 'drv_' are generated "
			    "code's own",
			    o->what, name);
		return;
	}
	const struct owner *prev = strmap_put(&n->claimed, name, (void *)o);
	if (!prev || prev == o)
		return;
	const char *pair = arena_printf(n->c->arena, "%p %p", (const void *)prev, (const void *)o);
	if (strmap_put(&n->reported, pair, (void *)o))
		return;
	if (!prev->pos.src) {
		diag_report(n->c->diag, o->pos, E0524,
			    "%s needs the C name '%s', which generated code uses for %s; rename it", o->what,
			    name, prev->what);
		return;
	}
	diag_report(n->c->diag, o->pos, E0216, "%s and %s both become '%s' in the generated C",
		    o->what, prev->what, name);
	diag_note(n->c->diag, prev->pos, "%s declared here", prev->what);
}

static void claimf(struct names *n, const struct owner *o, const char *fmt, const char *a,
		   const char *b)
{
	claim(n, o, arena_printf(n->c->arena, fmt, a, b));
}

static const char *up(struct names *n, const char *s)
{
	return upper_dup(n->c->arena, s);
}

static void claim_type(struct names *n, const struct ir_type *t)
{
	static const char *const kinds[] = {[IR_ENUM] = "enum", [IR_BITS] = "bits",
					    [IR_ERROR] = "error", [IR_STRUCT] = "struct"};
	const struct owner *o = owner(n, t->pos, "%s %s", kinds[t->kind], t->name);
	claim(n, o, t->c_name);
	if (t->kind == IR_STRUCT) {
		claimf(n, o, "%s_put", t->c_name, NULL);
		claimf(n, o, "%s_get", t->c_name, NULL);
		return;
	}
	claimf(n, o, "%s_valid", t->c_name, NULL);
	if (t->kind != IR_BITS)
		claimf(n, o, "%s_name", t->c_name, NULL);
	for (size_t i = 0; i < t->members.len; i++) {
		const struct ir_member *m = &t->members.items[i];
		const struct owner *mo = owner(n, m->pos, "value '%s' of %s", m->name, t->name);
		claimf(n, mo, "%s_%s", up(n, t->c_name), up(n, m->name));
	}
}

/* The parameters of one generated function: capabilities, parameters and
 * the _len/_count each variable one brings, and the names the generated
 * code itself declares. */
static void claim_params(struct names *n, const struct ir_method *m)
{
	struct strmap saved = n->claimed;
	strmap_init(&n->claimed, n->c->arena);
	static const char *const reserved[] = {"self", "call", "client", "status", "ctx",
					       "handler", "result", "result_len", "result_count"};
	static const struct owner generated = {"its own variables", {0}};
	for (size_t i = 0; i < ARRAY_LEN(reserved); i++)
		claim(n, &generated, reserved[i]);
	const ir_cap_list *lists[] = {&m->caps_in, &m->caps_out};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->len; i++) {
			const struct ir_cap *c = &lists[l]->items[i];
			claim(n, owner(n, c->pos, "capability '%s' of %s", c->name, m->name), c->name);
		}
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		const struct owner *o = owner(n, p->pos, "parameter '%s' of %s", p->name, m->name);
		claim(n, o, p->name);
		if (p->type && p->type->kind == IR_BYTES)
			claimf(n, o, "%s_len", p->name, NULL);
		if (p->type && p->type->kind == IR_VECTOR)
			claimf(n, o, "%s_count", p->name, NULL);
	}
	n->claimed = saved;
}

static bool declared_before(const struct ir_interface *iface, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (!strcmp(iface->all_methods.items[k]->name, iface->all_methods.items[i]->name))
			return true;
	return false;
}

static void claim_interface(struct names *n, const struct ir_interface *iface)
{
	const char *cn = iface->c_name, *CN = up(n, cn);
	const struct owner *o = owner(n, iface->pos, "interface %s", iface->name, NULL);
	static const char *const lower[] = {"%s", "%s_ops", "%s_client", "%s_interface", "%s_connect",
					    "%s_disconnect", "%s_init", "%s_dispatch",
					    "%s.h", "%s_client.c", "%s_server.c", "%s_fuzz.c"};
	static const char *const upper[] = {"%s_H", "%s_NAME", "%s_ID", "%s_OPS"};
	for (size_t i = 0; i < ARRAY_LEN(lower); i++)
		claimf(n, o, lower[i], cn, NULL);
	for (size_t i = 0; i < ARRAY_LEN(upper); i++)
		claimf(n, o, upper[i], CN, NULL);
	for (size_t i = 0; i < iface->parents.len; i++) {
		claimf(n, o, "%s_as_%s", cn, iface->parents.items[i]->c_name);
		/* the ops struct embeds each parent's ops as a member */
		claimf(n, o, "%s_ops.%s", cn, iface->parents.items[i]->c_name);
	}
	/* the client API covers inherited methods too */
	for (size_t i = 0; i < iface->all_methods.len; i++) {
		const struct ir_method *m = iface->all_methods.items[i];
		if (declared_before(iface, i))
			continue; /* E0502 already */
		const struct owner *mo =
			m->owner == iface
				? owner(n, m->pos, "method '%s' of %s", m->name, iface->name)
				: owner(n, m->pos, "method '%s' inherited from %s", m->name, m->owner->name);
		if (m->kind == METHOD_EVENT) {
			claimf(n, mo, "%s_on_%s", cn, m->name);
			claimf(n, mo, "%s_%s_handler", cn, m->name);
		} else {
			claimf(n, mo, "%s_%s", cn, m->name);
		}
		if (m->owner != iface)
			continue;
		claimf(n, mo, "%s_%s_LABEL", CN, up(n, m->name));
		claimf(n, mo, "%s_ops.%s", cn, m->member);
		if (m->kind == METHOD_EVENT) {
			claimf(n, mo, "%s_emit_%s", cn, m->name);
			continue;
		}
		if (m->kind == METHOD_CALL) {
			claimf(n, mo, "%s_%s_reply", cn, m->name);
		}
		claim_params(n, m);
	}
}

void check_idl_names(struct checker *c)
{
	struct names n = {.c = c};
	strmap_init(&n.claimed, c->arena);
	strmap_init(&n.reported, c->arena);
	/* Register maps own their headers' names; a protocol must not take
	 * one (namespace edu, interface regs: edu_regs.h). */
	for (size_t i = 0; i < c->ir->devices.len; i++) {
		const struct ir_device *d = c->ir->devices.items[i];
		const struct owner *o = owner(&n, d->pos, "register map %s", d->name, NULL);
		claimf(&n, o, "%s_regs.h", d->name, NULL);
		claimf(&n, o, "%s_regs_desc.c", d->name, NULL);
		claimf(&n, o, "%s_REGS_H", up(&n, d->name), NULL);
	}
	/* a namespace owns its types header: claimed by its first type */
	struct strmap namespaces;
	strmap_init(&namespaces, c->arena);
	for (size_t i = 0; i < c->ir->types.len; i++) {
		const struct ir_type *t = c->ir->types.items[i];
		if (strmap_get(&namespaces, t->ns))
			continue;
		const struct owner *o = owner(&n, t->pos, "namespace %s", t->ns, NULL);
		strmap_put(&namespaces, t->ns, (void *)o);
		claimf(&n, o, "%s_types.h", t->ns, NULL);
		claimf(&n, o, "%s_TYPES_H", up(&n, t->ns), NULL);
	}
	for (size_t i = 0; i < c->ir->types.len; i++)
		claim_type(&n, c->ir->types.items[i]);
	for (size_t i = 0; i < c->ir->interfaces.len; i++)
		claim_interface(&n, c->ir->interfaces.items[i]);
}
