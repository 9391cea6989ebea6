// SPDX-License-Identifier: MIT
/* emit_ipc_header.c - <iface>.h: an interface's labels, its client API
 * (inherited methods forward to their owner's) and its server object, ops
 * and deferred replies (docs/ipc.md).
 */
#include "emit_ipc.h"

#include <string.h>

static const char *ns_header(struct ipc *e, const char *ns)
{
	for (size_t i = 0; i < e->g->ir->namespaces.len; i++)
		if (!strcmp(e->g->ir->namespaces.items[i]->name, ns))
			return c_symbol_name(&e->g->ir->namespaces.items[i]->c, N_NS_HEADER);
	return NULL;
}

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
	ipc_push(e, order, t->ns);
	for (size_t i = 0; i < t->members.len; i++)
		note_namespaces(e, t->members.items[i].type, seen, order);
}

/* A forwarder to the owner's function of the same rule. */
static void emit_forward(struct ipc *e, const struct ir_client_method *cm,
			 const struct ir_client_method *own, enum name_rule_id id)
{
	const struct c_function *fn = c_symbol_fn(&cm->c, id), *owner_fn = c_symbol_fn(&own->c, id);
	gen_function(e->g, e->o, 0, "static inline", fn, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	var_list vars = {0};
	ipc_add_params(e, &vars, fn);
	str_list args = ipc_arguments(e, owner_fn, &vars, NULL);
	gen_call_statement(e->o, 1, "return ", owner_fn->name, args.items, args.len);
	gen_line(e->o, 0, "}");
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
	if (m->kind == METHOD_EVENT) {
		gen_line(e->o, 0, "typedef %s %s;", c_symbol_name(&own->c, N_M_HANDLER_TYPE),
			 c_symbol_name(&cm->c, N_M_HANDLER_TYPE));
		emit_forward(e, cm, own, N_M_ON);
		return;
	}
	emit_forward(e, cm, own, N_M_STUB);
	if (m->kind != METHOD_CALL)
		return;
	gen_blank(e->o);
	emit_forward(e, cm, own, N_M_START);
	gen_blank(e->o);
	emit_forward(e, cm, own, N_M_FINISH);
}

/* The header's includes: the types of the methods declared here; a
 * parent's header brings its own. */
static str_list includes(struct ipc *e)
{
	const struct ir_interface *iface = e->iface;
	str_list includes = {0}, namespaces = {0};
	ipc_push(e, &includes, "drv_wire.h");
	for (size_t i = 0; i < iface->methods.len; i++)
		if (iface->methods.items[i]->kind == METHOD_CALL) {
			ipc_push(e, &includes, "drv_client.h"); /* struct drv_pending */
			break;
		}
	for (size_t i = 0; i < iface->parents.len; i++)
		ipc_push(e, &includes, c_symbol_name(&iface->parents.items[i]->c, N_IF_HEADER));
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
		ipc_push(e, &includes, ns_header(e, namespaces.items[i]));
	return includes;
}

/* The interface's comment, name, ID and labels. */
static void emit_labels(struct ipc *e)
{
	const struct ir_interface *iface = e->iface;
	const c_symbol_list *c = &iface->c;
	struct strbuf text = {0};
	sb_printf(&text, "interface %s (%s)", iface->name, gen_where(e->g, iface->pos));
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
		gen_line(e->o, 0, "#define %s 0x%012llxull", ipc_label(m),
			 (unsigned long long)m->label);
	}
}

/* A call's pipelined form: the struct of a call in flight, start and
 * finish. */
static void emit_started(struct ipc *e, const struct ir_client_method *cm)
{
	const struct ir_method *m = cm->method;
	gen_blank(e->o);
	gen_line(e->o, 0, "struct %s {", c_symbol_name(&m->c, N_M_CALL));
	gen_line(e->o, 1, "struct drv_pending pending;");
	gen_line(e->o, 1, "uint64_t reply[%u]; /* its largest reply */",
		 m->reply_max ? (m->reply_max + 7) / 8 : 1);
	gen_line(e->o, 0, "};");
	gen_function(e->g, e->o, 0, "", c_symbol_fn(&cm->c, N_M_START), GEN_FUNCTION, ";");
	gen_function(e->g, e->o, 0, "", c_symbol_fn(&cm->c, N_M_FINISH), GEN_FUNCTION, ";");
}

/* The client API: connecting, the parents' views, one stub per method
 * (inherited ones forward to their owner's). */
static void emit_client_api(struct ipc *e)
{
	const struct ir_interface *iface = e->iface;
	const c_symbol_list *c = &iface->c;
	struct gen *g = e->g;
	gen_blank(e->o);
	gen_line(e->o, 0, "/* ---- client ---- */");
	gen_blank(e->o);
	gen_line(e->o, 0, "struct drv_buffer;");
	gen_line(e->o, 0, "struct drv_pending;");
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
		ipc_method_comment(e, 0, m);
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
			if (m->kind == METHOD_CALL)
				emit_started(e, cm);
		}
	}
}

/* The server's structs: the handlers (ops), the object embedding its
 * parents', and the macro that fills an ops from functions prefix_method. */
static void emit_server_structs(struct ipc *e)
{
	const struct ir_interface *iface = e->iface;
	const c_symbol_list *c = &iface->c;
	const char *object = c_symbol_name(c, N_IF_OBJECT), *ops = c_symbol_name(c, N_IF_OPS);
	/* An interface of events alone has no handler, and C has no empty
	 * struct or initializer: its ops hold a placeholder instead. */
	bool handlers = iface->parents.len > 0;
	for (size_t i = 0; i < iface->methods.len; i++)
		handlers |= iface->methods.items[i]->kind != METHOD_EVENT;
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
		ipc_method_comment(e, 1, m);
		gen_function(e->g, e->o, 1, "", c_symbol_fn(&m->c, N_M_MEMBER), GEN_POINTER, ";");
	}
	if (!handlers)
		gen_line(e->o, 1, "char no_handlers; /* events only: nothing to serve */");
	gen_line(e->o, 0, "};");
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    arena_printf(A,
				 "An object serving %s: embed it in the driver's state and set "
				 "its handlers with %s.",
				 iface->name, c_symbol_name(c, N_IF_INIT)));
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
	if (!handlers)
		gen_line(e->o, 2, ".no_handlers = 0, \\");
	gen_line(e->o, 1, "}");
	gen_line(e->o, 0, "/* clang-format on */");
}

/* The server's functions: init and dispatch, the deferred replies and the
 * event emitters. */
static void emit_server_api(struct ipc *e)
{
	const struct ir_interface *iface = e->iface;
	const c_symbol_list *c = &iface->c;
	gen_blank(e->o);
	gen_comment(e->o, 0,
		    "Sets the handlers; if one of them is NULL, returns false and the object "
		    "refuses every call.");
	gen_function(e->g, e->o, 0, "", c_symbol_fn(c, N_IF_INIT), GEN_FUNCTION, ";");
	gen_comment(e->o, 0,
		    "Validates the request in call, runs its handler and encodes the reply. "
		    "Returns the reply's status, or DRV_DEFER.");
	gen_function(e->g, e->o, 0, "", c_symbol_fn(c, N_IF_DISPATCH), GEN_FUNCTION, ";");
	gen_comment(e->o, 0, "What a transport needs to serve the interface.");
	gen_line(e->o, 0, "extern const struct drv_interface %s;",
		 c_symbol_name(c, N_IF_INTERFACE));
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind == METHOD_SEND)
			continue;
		gen_blank(e->o);
		gen_comment(
			e->o, 0,
			m->kind == METHOD_EVENT
				? arena_printf(A,
					       "Sends event %s to every client of self. Returns 0, "
					       "or -DRV_E_ARGUMENT for a value over its bound.",
					       m->name)
				: arena_printf(A,
					       "Replies to a call of %s whose handler returned "
					       "DRV_DEFER.",
					       m->name));
		gen_function(e->g, e->o, 0, "",
			     c_symbol_fn(&m->c, m->kind == METHOD_EVENT ? N_M_EMIT : N_M_REPLY),
			     GEN_FUNCTION, ";");
	}
}

void emit_ipc_header(struct gen *g, const struct ir_interface *iface)
{
	struct arena scratch = {0};
	struct ipc ec = {.g = g, .iface = iface, .scratch = &scratch}, *e = &ec;
	struct gen_file *f = gen_open(g, c_symbol_name(&iface->c, N_IF_HEADER));
	e->o = &f->text;
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A,
				"the protocol %s: its client API and its server's dispatch "
				"(docs/ipc.md).",
				iface->name),
		   &src, 1);
	const char *guard = c_symbol_name(&iface->c, N_IF_GUARD);
	str_list files = includes(e);
	ipc_open_header(e, guard, files.items, files.len);
	emit_labels(e);
	emit_client_api(e);
	emit_server_structs(e);
	emit_server_api(e);
	ipc_close_header(e, guard);
	gen_close(g, f);
	arena_free(&scratch);
}
