// SPDX-License-Identifier: MIT
/* emit_ipc_fuzz.c - <iface>_fuzz.c: a libFuzzer harness for an interface's
 * dispatch: any bytes in, an error reply or a well-formed one out, never a
 * crash.
 */
#include "emit_ipc.h"

/* A variable result answered at once: as long as its bound allows, so the
 * reply's encoder runs over all of it. */
static void fill_result(struct ipc *e, const struct ir_method *m, const struct c_function *fn)
{
	const struct ir_type *t = m->result;
	const struct c_param *result = ipc_param(fn, PARAM_RESULT);
	const struct c_param *length = ipc_param(fn, PARAM_RESULT_LENGTH);
	unsigned long long bound = (unsigned long long)t->bound;
	if (t->kind == IR_BYTES)
		gen_line(e->o, 1, "memset(%s, 0, %llu);", result->name, bound);
	else
		gen_line(e->o, 1, "memset(%s, 0, %llu * sizeof *%s);", result->name, bound,
			 result->name);
	gen_line(e->o, 1, "*%s = %llu;", length->name, bound);
}

/* A handler that takes anything: methods with an odd op defer and reply
 * before they return, the others answer at once, so both paths run. */
static void emit_fuzz_handler(struct ipc *e, const struct ir_method *m)
{
	struct c_function fuzz = *c_symbol_fn(&m->c, N_M_MEMBER);
	fuzz.name = arena_printf(A, "fuzz_%s", m->name);
	bool defer = m->kind == METHOD_CALL && m->op % 2;
	bool fill = ipc_param(&fuzz, PARAM_RESULT_LENGTH) != NULL;
	gen_blank(e->o);
	gen_function(e->g, e->o, 0, "static", &fuzz, GEN_FUNCTION, "");
	gen_line(e->o, 0, "{");
	for (size_t i = 0; i < fuzz.params.len; i++) {
		const struct c_param *p = &fuzz.params.items[i];
		bool output = p->role == PARAM_RESULT || p->role == PARAM_RESULT_LENGTH ||
			      p->role == PARAM_CAP_OUT;
		/* the reply uses what it passes on; a result it fills is used */
		if ((p->role == PARAM_CALL && defer) || (output && defer) ||
		    ((p->role == PARAM_RESULT || p->role == PARAM_RESULT_LENGTH) && fill))
			continue;
		gen_line(e->o, 1, "(void)%s;", p->name);
	}
	if (m->kind != METHOD_CALL) {
		gen_line(e->o, 0, "}");
		return;
	}
	if (!defer) {
		if (fill)
			fill_result(e, m, &fuzz);
		gen_line(e->o, 1, "return 0;");
		gen_line(e->o, 0, "}");
		return;
	}
	const struct c_function *reply = c_symbol_fn(&m->c, N_M_REPLY);
	var_list vars = {0};
	ipc_add_params(e, &vars, &fuzz);
	ipc_add_var(e, &vars, ipc_own_names[OWN_STATUS], (struct c_type){.spec = "int"}, "0");
	str_list rargs = ipc_arguments(e, reply, &vars, NULL);
	gen_call_statement(e->o, 1, "", reply->name, rargs.items, rargs.len);
	gen_line(e->o, 1, "return DRV_DEFER;");
	gen_line(e->o, 0, "}");
}

void emit_ipc_fuzz(struct gen *g, const struct ir_interface *iface)
{
	struct arena scratch = {0};
	struct ipc ec = {.g = g, .iface = iface, .scratch = &scratch}, *e = &ec;
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
	gen_close(g, f);
	arena_free(&scratch);
}
