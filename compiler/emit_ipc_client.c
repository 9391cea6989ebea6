// SPDX-License-Identifier: MIT
/* emit_ipc_client.c - <iface>_client.c: one stub per call and send
 * (arguments checked, request encoded, reply validated) and the event
 * subscriptions.
 */
#include "emit_ipc.h"

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
	const struct c_param *result = ipc_param(stub, PARAM_RESULT);
	const struct c_param *length = ipc_param(stub, PARAM_RESULT_LENGTH);
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
		/* into what the result parameter points to: a struct by that address */
		struct c_type value = c_value_type(A, t);
		ipc_get_value(e, 1, t, "drv_r.payload",
			      t->kind == IR_STRUCT
				      ? result->name
				      : gen_pass(e->g, &value, &result->type, result->name),
			      fail, 0);
		return;
	}
	/* copied out of the reply, which the next call reuses */
	gen_line(e->o, 1, "if (drv_r.len < %u || !drv_zeros(drv_r.payload, 4, %u))", inl, inl);
	gen_line(e->o, 2, "%s", fail);
	gen_line(e->o, 1, "drv_n = drv_get32(drv_r.payload);");
	gen_line(e->o, 1, "if (drv_n > %llu)", (unsigned long long)t->bound);
	gen_line(e->o, 2, "%s", fail);
	gen_line(e->o, 1, "drv_end = %u + %s;", inl, ipc_scaled(e, "drv_n", ipc_elem_size(t)));
	gen_line(e->o, 1, "if (drv_align8(drv_end%s) != drv_r.len)", ipc_terminator(t));
	gen_line(e->o, 2, "%s", fail);
	gen_line(e->o, 1, "if (!drv_zeros(drv_r.payload, drv_end, drv_r.len))");
	gen_line(e->o, 2, "%s", fail);
	const char *data = arena_printf(A, "drv_r.payload + %u", inl);
	if (t->kind == IR_STRING) {
		gen_line(e->o, 1, "if (!drv_utf8(%s, drv_n))", data);
		gen_line(e->o, 2, "%s", fail);
		gen_line(e->o, 1, "memcpy(%s, %s, drv_n + 1);", result->name, data);
		return;
	}
	if (t->kind == IR_BYTES || ipc_is_byte_vector(t)) {
		gen_line(e->o, 1, "drv_copy(%s, %s, drv_n);", result->name, data);
	} else {
		gen_line(e->o, 1, "for (drv_k = 0; drv_k < drv_n; drv_k++) {");
		ipc_get_value(
			e, 2, t->base,
			arena_printf(A, "%s + %s", data, ipc_scaled(e, "drv_k", t->base->size)),
			ipc_operand(e, t->base, arena_printf(A, "%s[drv_k]", result->name)), fail,
			0);
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
		if (ipc_has_values(t))
			gen_line(e->o, 1, "if (!%s((uint64_t)%s))", ipc_valid_fn(t), p->name);
		else if (t->kind == IR_STRING || t->kind == IR_STRUCT)
			gen_line(e->o, 1, "if (!%s)", p->name);
		else
			continue;
		gen_line(e->o, 2, "return -DRV_E_ARGUMENT;");
	}
}

/* What a stub, a start or a finish declares first: the request's buffer
 * and capabilities and the encoder's variables (encode), the reply and the
 * decoder's (decode). */
static void declare_locals(struct ipc *e, const struct ir_method *m, const struct c_function *fn,
			   bool encode, bool decode)
{
	slot_list req = ipc_slots(e, m, fn, PARAM_INPUT), rep = ipc_slots(e, m, fn, PARAM_RESULT);
	if (encode && req.len)
		gen_line(e->o, 1, "uint8_t *drv_p = drv_client_request(drv_c);");
	struct locals l = {0};
	if (encode)
		ipc_for_encode(&l, &req);
	if (decode)
		ipc_for_result(&l, &rep);
	ipc_declare_locals(e, &l);
	if (encode && m->caps_in.len)
		gen_line(e->o, 1, "struct drv_cap drv_caps[%zu];", m->caps_in.len);
	if (decode)
		gen_line(e->o, 1, "struct drv_reply drv_r;");
}

/* Checks the arguments and encodes the request at drv_p, its capabilities
 * in drv_caps; the arguments of the runtime call that sends it (client,
 * label, length, capabilities and their count) into args. */
static void encode_request(struct ipc *e, const struct ir_method *m, const struct c_function *fn,
			   const char **args)
{
	slot_list req = ipc_slots(e, m, fn, PARAM_INPUT);
	check_arguments(e, m);
	for (size_t i = 0; i < fn->params.len; i++) {
		const struct c_param *p = &fn->params.items[i];
		if (p->role == PARAM_CAP_IN)
			gen_line(e->o, 1, "drv_caps[%u] = %s(%s);", p->index,
				 p->type.pointers ? "drv_buffer_cap" : "drv_handle_cap", p->name);
	}
	args[0] = "drv_c";
	args[1] = ipc_label(m);
	args[2] = ipc_encode(e, 1, &req, "drv_p", "return -DRV_E_ARGUMENT;");
	args[3] = m->caps_in.len ? "drv_caps" : "NULL";
	args[4] = arena_printf(A, "%zu", m->caps_in.len);
}

/* Validates the reply in drv_r and gives fn's outputs from it. */
static void decode_reply(struct ipc *e, const struct ir_method *m, const struct c_function *fn)
{
	gen_line(e->o, 1, "if (drv_r.status || drv_r.nfds != %zu)", m->caps_out.len);
	gen_line(e->o, 2, "return drv_client_status(&drv_r, %s);",
		 m->error ? ipc_valid_fn(m->error) : "NULL");
	decode_result(e, m, fn, "return drv_client_bad_reply(&drv_r);");
	for (size_t i = 0; i < fn->params.len; i++) {
		const struct c_param *p = &fn->params.items[i];
		if (p->role == PARAM_CAP_OUT)
			gen_line(e->o, 1, "*%s = drv_r.fds[%u];", p->name, p->index);
	}
	gen_line(e->o, 1, "return 0;");
}

static void emit_client_method(struct ipc *e, const struct ir_client_method *cm)
{
	const struct ir_method *m = cm->method;
	const struct c_function *stub = c_symbol_fn(&cm->c, N_M_STUB);
	const char *args[7];
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", stub, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct drv_client *drv_c = (struct drv_client *)client;");
	declare_locals(e, m, stub, true, m->kind == METHOD_CALL);
	if (m->kind == METHOD_CALL)
		gen_line(e->o, 1, "int drv_st;");
	gen_blank(e->o);
	encode_request(e, m, stub, args);
	if (m->kind == METHOD_SEND) {
		gen_call_statement(e->o, 1, "return ", "drv_client_send", args, 5);
		gen_line(e->o, 0, "}");
		return;
	}
	args[5] = arena_printf(A, "%zu", m->caps_out.len);
	args[6] = "&drv_r";
	gen_call_statement(e->o, 1, "drv_st = ", "drv_client_call", args, 7);
	if (m->idempotent) {
		/* made again once, on a new connection, when the server went away
		 * during it: the IDL says running it twice is harmless */
		gen_line(e->o, 1,
			 "if (drv_st == -DRV_E_RESTARTED || (!drv_st && drv_r.status == "
			 "DRV_STATUS_SHUTDOWN))");
		gen_call_statement(e->o, 2, "drv_st = ", "drv_client_call", args, 7);
	}
	gen_line(e->o, 1, "if (drv_st)");
	gen_line(e->o, 2, "return drv_st;");
	decode_reply(e, m, stub);
	gen_line(e->o, 0, "}");
}

/* A call's pipelined form: the start encodes and starts it, the finish
 * reads its completed reply as the stub would. */
static void emit_client_started(struct ipc *e, const struct ir_client_method *cm)
{
	const struct ir_method *m = cm->method;
	const struct c_function *start = c_symbol_fn(&cm->c, N_M_START);
	const struct c_function *finish = c_symbol_fn(&cm->c, N_M_FINISH);
	const char *args[7];
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", start, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	gen_line(e->o, 1, "struct drv_client *drv_c = (struct drv_client *)client;");
	declare_locals(e, m, start, true, false);
	gen_blank(e->o);
	encode_request(e, m, start, args);
	gen_line(e->o, 1, "call->pending.reply_room = call->reply;");
	gen_line(e->o, 1, "call->pending.reply_size = sizeof call->reply;");
	args[5] = arena_printf(A, "%zu", m->caps_out.len);
	args[6] = "&call->pending";
	gen_call_statement(e->o, 1, "return ", "drv_client_start", args, 7);
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", finish, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	declare_locals(e, m, finish, false, true);
	gen_blank(e->o);
	gen_line(e->o, 1, "if (call->pending.error)");
	gen_line(e->o, 2, "return call->pending.error;");
	gen_line(e->o, 1, "drv_r = call->pending.reply;");
	decode_reply(e, m, finish);
	gen_line(e->o, 0, "}");
}

static void emit_client_event(struct ipc *e, const struct ir_method *m)
{
	const struct ir_client_method *cm = client_of(e, m);
	const struct c_function *type = c_symbol_fn(&cm->c, N_M_HANDLER_TYPE);
	const struct c_function *on = c_symbol_fn(&cm->c, N_M_ON);
	slot_list req = ipc_slots(e, m, type, PARAM_INPUT);
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
	ipc_for_decode(&l, &req);
	ipc_declare_locals(e, &l);
	var_list vars = {0};
	ipc_add_params(e, &vars, thunk);
	ipc_declare_slot_locals(e, m, type, &vars);
	gen_blank(e->o);
	ipc_decode(e, 1, &req, "ev->", "return -DRV_E_BAD_REPLY;");
	str_list args = ipc_arguments(e, type, &vars, NULL);
	gen_call_statement(e->o, 1, "", arena_printf(A, "((%s)handler)", type->name), args.items,
			   args.len);
	gen_line(e->o, 1, "return 0;");
	gen_line(e->o, 0, "}");
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "", on, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	const char *args2[] = {"(struct drv_client *)client", ipc_label(m), thunk->name,
			       "(drv_fn)handler", "ctx"};
	gen_call_statement(e->o, 1, "return ", "drv_client_on_event", args2, 5);
	gen_line(e->o, 0, "}");
}

void emit_ipc_client(struct gen *g, const struct ir_interface *iface)
{
	struct arena scratch = {0};
	struct ipc ec = {.g = g, .iface = iface, .scratch = &scratch}, *e = &ec;
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
		const struct ir_client_method *cm = client_of(e, m);
		if (m->kind == METHOD_EVENT) {
			emit_client_event(e, m);
			continue;
		}
		emit_client_method(e, cm);
		if (m->kind == METHOD_CALL)
			emit_client_started(e, cm);
	}
	gen_close(g, f);
	arena_free(&scratch);
}
