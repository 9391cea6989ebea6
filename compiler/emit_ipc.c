// SPDX-License-Identifier: MIT
/* emit_ipc.c - protocols to C: typed client stubs, validating server
 * dispatch, and a fuzz harness per interface (docs/ipc.md, docs/wire-format.md).
 *
 * Files, each from a file of this backend:
 *	<ns>_types.h      enums, bits, errors and structs, with their wire
 *	                  codecs (emit_ipc_types.c)
 *	<iface>.h         labels, the client API, the server object and ops
 *	                  (emit_ipc_header.c)
 *	<iface>_client.c  one stub per call and send, event subscriptions
 *	                  (emit_ipc_client.c)
 *	<iface>_server.c  dispatch: every byte validated before a handler runs
 *	                  (emit_ipc_server.c)
 *	<iface>_fuzz.c    a libFuzzer entry point over raw messages
 *	                  (emit_ipc_fuzz.c)
 * and what they share: C values and their codecs (ipc_codec.c), message
 * bodies (ipc_body.c), and below, the variables a generated function passes
 * on and the comments and guards every file has.
 */
#include "emit_ipc.h"

#include <string.h>

void ipc_push(struct ipc *e, str_list *l, const char *s)
{
	vec_push(A, l, s);
}

void ipc_add_var(struct ipc *e, var_list *vars, const char *name, struct c_type type,
		 const char *expr)
{
	struct var v = {name, type, expr ? expr : name};
	vec_push(A, vars, v);
}

void ipc_add_params(struct ipc *e, var_list *vars, const struct c_function *fn)
{
	for (size_t i = 0; i < fn->params.len; i++)
		ipc_add_var(e, vars, fn->params.items[i].name, fn->params.items[i].type, NULL);
}

str_list ipc_arguments(struct ipc *e, const struct c_function *fn, const var_list *vars,
		       const char *caps)
{
	str_list args = {0};
	for (size_t i = 0; i < fn->params.len; i++) {
		const struct c_param *p = &fn->params.items[i];
		if (p->role == PARAM_CAP_IN && caps) {
			bool pages = !strcmp(p->type.spec, "struct drv_pages");
			struct c_type held = {.spec = p->type.spec};
			ipc_push(e, &args,
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
			ipc_push(e, &args, arena_printf(A, "(%s *)%s", p->type.spec, v->expr));
		else
			ipc_push(e, &args, gen_pass(e->g, &p->type, &v->type, v->expr));
	}
	return args;
}

const struct c_param *ipc_param(const struct c_function *fn, enum c_param_role role)
{
	for (size_t i = 0; i < fn->params.len; i++)
		if (fn->params.items[i].role == role)
			return &fn->params.items[i];
	return NULL;
}

void ipc_method_comment(struct ipc *e, unsigned tabs, const struct ir_method *m)
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

const char *ipc_label(const struct ir_method *m)
{
	return c_symbol_name(&m->c, N_M_LABEL);
}

void ipc_open_header(struct ipc *e, const char *guard, const char *const *includes, size_t n)
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

void ipc_close_header(struct ipc *e, const char *guard)
{
	gen_blank(e->o);
	gen_line(e->o, 0, "#ifdef __cplusplus");
	gen_line(e->o, 0, "}");
	gen_line(e->o, 0, "#endif");
	gen_blank(e->o);
	gen_line(e->o, 0, "#endif /* %s */", guard);
}

void emit_ipc(struct gen *g)
{
	for (size_t i = 0; i < g->ir->namespaces.len; i++)
		emit_ipc_types(g, g->ir->namespaces.items[i]);
	for (size_t i = 0; i < g->ir->interfaces.len; i++) {
		const struct ir_interface *iface = g->ir->interfaces.items[i];
		emit_ipc_header(g, iface);
		emit_ipc_client(g, iface);
		emit_ipc_server(g, iface);
		emit_ipc_fuzz(g, iface);
	}
}
