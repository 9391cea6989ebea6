// SPDX-License-Identifier: MIT
/* emit_ipc_server.c - <iface>_server.c: the dispatch, which validates every
 * byte of a request before a handler sees it, the replies, deferred or not,
 * and the event emitters.
 */
#include "emit_ipc.h"

/* complete: turns the handler's status and outputs into the reply; it takes
 * what the deferred reply takes. Calls of the same result shape share one,
 * named after the first of them. */
static const struct c_function *complete_fn(struct ipc *e, const struct ir_method *m,
					    const char *name)
{
	struct c_function *fn = gen_fn(e->g, "int", name);
	fn->params = c_symbol_fn(&m->c, N_M_REPLY)->params;
	return fn;
}

static void emit_complete(struct ipc *e, const struct ir_method *m, const char *name)
{
	const struct c_function *fn = complete_fn(e, m, name);
	slot_list rep = ipc_slots(e, m, fn, PARAM_RESULT);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static", fn, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	if (rep.len)
		gen_line(e->o, 1, "uint8_t *drv_p = call->reply;");
	struct locals l = {0};
	ipc_for_encode(&l, &rep);
	ipc_declare_locals(e, &l);
	if (rep.len)
		gen_blank(e->o);
	gen_line(e->o, 1, "if (status)");
	gen_line(e->o, 2, "return (int)drv_error_status(status, %s);",
		 m->error ? ipc_valid_fn(m->error) : "NULL");
	if (ipc_has_values(m->result)) {
		gen_line(e->o, 1, "if (!%s((uint64_t)%s))", ipc_valid_fn(m->result),
			 ipc_param(fn, PARAM_RESULT)->name);
		gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
	}
	for (size_t i = 0; i < fn->params.len; i++)
		if (fn->params.items[i].role == PARAM_CAP_OUT) {
			gen_line(e->o, 1, "if (%s < 0)", fn->params.items[i].name);
			gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
		}
	const char *len = ipc_encode(e, 1, &rep, "drv_p", "return DRV_STATUS_INTERNAL;");
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
		ipc_add_var(e, vars, p->name, held, NULL);
	}
}

/* The checks before decoding: the kind of message and its capabilities. */
static void check_envelope(struct ipc *e, const struct ir_method *m)
{
	gen_line(e->o, 1, "if (call->kind != %s)",
		 m->kind == METHOD_CALL ? "DRV_KIND_CALL" : "DRV_KIND_SEND");
	gen_line(e->o, 2, "return DRV_STATUS_MALFORMED;");
	gen_line(e->o, 1, "if (call->ncaps != %zu)", m->caps_in.len);
	gen_line(e->o, 2, "return DRV_STATUS_BAD_CAPS;");
	for (size_t i = 0; i < m->caps_in.len; i++) {
		gen_line(e->o, 1, "if (call->caps[%zu].kind != %s)", i,
			 m->caps_in.items[i].kind == CAP_PAGES ? "DRV_CAP_PAGES" : "DRV_CAP_HANDLE");
		gen_line(e->o, 2, "return DRV_STATUS_BAD_CAPS;");
	}
}

/* A call's result, readied for the handler to fill in: zeroed, or room in
 * the scratch space for a vector. */
static void ready_result(struct ipc *e, const struct ir_type *t)
{
	if (t->kind == IR_ARRAY || t->kind == IR_STRUCT)
		gen_line(e->o, 1, "memset(&result, 0, sizeof result);");
	if (t->kind == IR_STRING)
		gen_line(e->o, 1, "result[0] = '\\0';");
	if (t->kind != IR_VECTOR)
		return;
	const char *ct = ipc_ctype(e, t->base);
	gen_line(e->o, 1, "if ((call->scratch_cap - drv_s) / sizeof(%s) < %llu)", ct,
		 (unsigned long long)t->bound);
	gen_line(e->o, 2, "return DRV_STATUS_INTERNAL;");
	gen_line(e->o, 1, "result = (%s *)(void *)(call->scratch + drv_s);", ct);
}

/* serve: decodes a request into the handler's parameters, calls it, and
 * completes the reply unless it deferred. */
static void emit_serve(struct ipc *e, const struct ir_method *m, const char *complete_name)
{
	const struct c_function *handler = c_symbol_fn(&m->c, N_M_MEMBER);
	slot_list req = ipc_slots(e, m, handler, PARAM_INPUT);
	bool call = m->kind == METHOD_CALL;
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
	ipc_for_decode(&l, &req);
	l.s |= call && m->result->kind == IR_VECTOR;
	ipc_declare_locals(e, &l);
	var_list vars = {0};
	ipc_add_params(e, &vars, serve);
	ipc_declare_slot_locals(e, m, handler, &vars);
	if (call) {
		serve_output_locals(e, m, handler, &vars);
		gen_line(e->o, 1, "int drv_st;");
	}
	gen_blank(e->o);
	check_envelope(e, m);
	ipc_decode(e, 1, &req, "call->", "return DRV_STATUS_MALFORMED;");
	if (call)
		ready_result(e, m->result);
	str_list args = ipc_arguments(e, handler, &vars, "call->caps");
	const char *op = arena_printf(A, "self->ops->%s", m->member);
	/* the handler alone under the driver's lock (drv_wire.h) */
	gen_line(e->o, 1, "if (!drv_call_enter(call)) {");
	gen_line(e->o, 2, "drv_call_leave(call);");
	gen_line(e->o, 2, "return DRV_STATUS_SHUTDOWN;");
	gen_line(e->o, 1, "}");
	if (!call) {
		gen_call_statement(e->o, 1, "", op, args.items, args.len);
		gen_line(e->o, 1, "drv_call_leave(call);");
		gen_line(e->o, 1, "return 0;");
		gen_line(e->o, 0, "}");
		return;
	}
	gen_call_statement(e->o, 1, "drv_st = ", op, args.items, args.len);
	gen_line(e->o, 1, "drv_call_leave(call);");
	gen_line(e->o, 1, "if (drv_st == DRV_DEFER)");
	gen_line(e->o, 2, "return DRV_DEFER;");
	const struct c_function *complete = complete_fn(e, m, complete_name);
	ipc_add_var(e, &vars, ipc_own_names[OWN_STATUS], (struct c_type){.spec = "int"}, "drv_st");
	str_list cargs = ipc_arguments(e, complete, &vars, NULL);
	gen_call_statement(e->o, 1, "return ", complete->name, cargs.items, cargs.len);
	gen_line(e->o, 0, "}");
}

/* The deferred reply: what complete makes of its values, handed over. */
static void emit_reply(struct ipc *e, const struct ir_method *m, const char *complete_name)
{
	const struct c_function *reply = c_symbol_fn(&m->c, N_M_REPLY);
	const struct c_function *complete = complete_fn(e, m, complete_name);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", reply, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	var_list given = {0};
	ipc_add_params(e, &given, reply);
	str_list rargs = ipc_arguments(e, complete, &given, NULL);
	struct strbuf inner = {0};
	sb_printf(&inner, "(uint32_t)%s(", complete->name);
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
	slot_list req = ipc_slots(e, m, fn, PARAM_INPUT);
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
	ipc_for_encode(&l, &req);
	ipc_declare_locals(e, &l);
	gen_blank(e->o);
	gen_line(e->o, 1, "if (!drv_obj)");
	gen_line(e->o, 2, "return 0; /* not served yet: no client to tell */");
	if (req.len)
		gen_line(e->o, 1, "drv_p = drv_event_buffer(drv_obj);");
	const char *len = ipc_encode(e, 1, &req, "drv_p", "return -DRV_E_ARGUMENT;");
	const char *args[] = {"drv_obj", ipc_label(m), len};
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

/* init sets the handlers, parents' first, only if none is NULL: dispatch
 * refuses an object without them, so a handler is never NULL when called. */
static void emit_init(struct ipc *e)
{
	const struct ir_interface *iface = e->iface;
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", c_symbol_fn(&iface->c, N_IF_INIT), GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "bool ok = true;");
	gen_blank(e->o);
	for (size_t i = 0; i < iface->parents.len; i++) {
		const struct ir_interface *p = iface->parents.items[i];
		gen_line(e->o, 1, "ok &= %s(&self->%s, &ops->%s);", c_symbol_name(&p->c, N_IF_INIT),
			 p->c_name, p->c_name);
	}
	for (size_t i = 0; i < iface->methods.len; i++)
		if (iface->methods.items[i]->kind != METHOD_EVENT)
			gen_line(e->o, 1, "ok &= ops->%s != NULL;",
				 iface->methods.items[i]->member);
	gen_line(e->o, 1, "self->ops = ok ? ops : NULL;");
	if (!iface->parents.len)
		gen_line(e->o, 1, "self->object = NULL;");
	gen_line(e->o, 1, "return ok;");
	gen_line(e->o, 0, "}");
}

/* dispatch: the interface's own labels, then each parent's. */
static void emit_dispatch(struct ipc *e)
{
	const struct ir_interface *iface = e->iface;
	const char *object = c_symbol_name(&iface->c, N_IF_OBJECT);
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", c_symbol_fn(&iface->c, N_IF_DISPATCH), GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s *drv_self = (struct %s *)self;", object, object);
	if (iface->parents.len)
		gen_line(e->o, 1, "int drv_st;");
	gen_blank(e->o);
	gen_line(e->o, 1, "if (!drv_self->ops)");
	gen_line(e->o, 2, "return DRV_STATUS_INTERNAL; /* no handlers: init refused them */");
	gen_line(e->o, 1, "switch (call->label) {");
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (m->kind == METHOD_EVENT)
			continue;
		gen_line(e->o, 1, "case %s:", ipc_label(m));
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
}

/* What a transport needs: dispatch, and attach, which gives every root
 * ancestor its transport object, wherever it is embedded. */
static void emit_interface(struct ipc *e)
{
	const c_symbol_list *c = &e->iface->c;
	const char *object = c_symbol_name(c, N_IF_OBJECT);
	struct c_function *attach = gen_fn(e->g, "void", "drv_attach");
	gen_fn_param(e->g, attach, "void", 1, ipc_own_names[OWN_SELF]);
	gen_fn_param(e->g, attach, "struct drv_object", 1, "object");
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static", attach, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct %s *drv_self = (struct %s *)self;", object, object);
	gen_blank(e->o);
	emit_attach_paths(e, e->iface, "drv_self->");
	gen_line(e->o, 0, "}");

	gen_blank(e->o);
	gen_line(e->o, 0, "const struct drv_interface %s = {", c_symbol_name(c, N_IF_INTERFACE));
	gen_line(e->o, 1, ".name = %s,", c_symbol_name(c, N_IF_NAME));
	gen_line(e->o, 1, ".id = %s,", c_symbol_name(c, N_IF_ID));
	gen_line(e->o, 1, ".dispatch = %s,", c_symbol_name(c, N_IF_DISPATCH));
	gen_line(e->o, 1, ".attach = drv_attach,");
	gen_line(e->o, 1, ".close_on_malformed = %s,",
		 e->iface->close_on_malformed ? "true" : "false");
	gen_line(e->o, 1, ".sends_handles = %s,", e->iface->sends_handles ? "true" : "false");
	gen_line(e->o, 0, "};");
}

/* A call's complete function: calls whose complete would be the same text
 * but for its name share the first one's. */
struct complete {
	const char *name;
	bool first; /* emitted before this call's serve */
};

/* By method index; NULL names for the methods that are not calls. */
static struct complete *share_completes(struct ipc *e)
{
	size_t n = e->iface->methods.len;
	struct complete *out = arena_alloc(A, (n + 1) * sizeof *out);
	struct strmap seen;
	strmap_init(&seen, A);
	struct strbuf *file = e->o;
	for (size_t i = 0; i < n; i++) {
		const struct ir_method *m = e->iface->methods.items[i];
		if (m->kind != METHOD_CALL)
			continue;
		struct strbuf text = {0};
		e->o = &text;
		emit_complete(e, m, "drv_complete");
		const char *name = arena_printf(A, "drv_complete_%s", m->name);
		const char *shared =
			strmap_put(&seen, arena_strdup(A, sb_str(&text)), (void *)name);
		out[i] = (struct complete){shared ? shared : name, !shared};
		sb_free(&text);
	}
	e->o = file;
	return out;
}

void emit_ipc_server(struct gen *g, const struct ir_interface *iface)
{
	struct arena scratch = {0};
	struct ipc ec = {.g = g, .iface = iface, .scratch = &scratch}, *e = &ec;
	const c_symbol_list *c = &iface->c;
	struct gen_file *f = gen_open(g, c_symbol_name(c, N_IF_SERVER_FILE));
	e->o = &f->text;
	const struct source *src = iface->pos.src;
	gen_banner(g, f,
		   arena_printf(A,
				"the server dispatch of %s: every message validated before a "
				"handler sees it.",
				iface->name),
		   &src, 1);
	gen_line(e->o, 0, "#include \"%s\"", c_symbol_name(c, N_IF_HEADER));
	const struct complete *complete = share_completes(e);
	for (size_t i = 0; i < iface->methods.len; i++) {
		const struct ir_method *m = iface->methods.items[i];
		if (complete[i].first)
			emit_complete(e, m, complete[i].name);
		if (m->kind == METHOD_EVENT)
			emit_emit(e, m);
		else
			emit_serve(e, m, complete[i].name);
		if (m->kind == METHOD_CALL)
			emit_reply(e, m, complete[i].name);
	}
	emit_init(e);
	emit_dispatch(e);
	emit_interface(e);
	gen_close(g, f);
	arena_free(&scratch);
}
