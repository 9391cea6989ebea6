// SPDX-License-Identifier: MIT
/* test_names.c - the naming pass (compiler/names.c): the names and
 * signatures it records, and the clash checks that compare them
 * (c_names.c for register maps, check_idl_names.c for protocols and
 * drivers): a clash of spelled names is refused, names that only look alike
 * are not. */
#include "harness.h"

#include "names.h"

static const struct ir_register *reg(const struct run *r, const char *name)
{
	const struct ir_block *b = r->ir->devices.items[0]->blocks.items[0];
	for (size_t i = 0; i < b->regs.len; i++)
		if (!strcmp(b->regs.items[i]->name, name))
			return b->regs.items[i];
	fail_msg("no register %s", name);
	return NULL;
}

static void register_names_follow_the_access_rules(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "a.regs.yaml",
		  "device: a\nblocks:\n  - name: b\n    size: 0x100\n    registers:\n"
		  "      - { name: st, offset: 0, access: ro }\n"
		  "      - { name: isr, offset: 4, access: w1c, count: 2 }\n"
		  "      - name: ctl\n        offset: 0x10\n        fields:\n"
		  "          - { name: go, bits: 0 }\n",
		  NULL);
	assert_clean(&r);
	struct arena a = {0};
	const struct ir_register *st = reg(&r, "st"), *isr = reg(&r, "isr"), *ctl = reg(&r, "ctl");
	assert_true(has_name(st->names, N_REG_READ));
	assert_false(has_name(st->names, N_REG_WRITE));
	assert_false(has_name(st->names, N_REG_UPDATE));
	assert_true(has_name(isr->names, N_REG_CLEAR) && has_name(isr->names, N_REG_CLEAR_AT));
	assert_false(has_name(isr->names, N_REG_READ_AT) && !has_name(isr->names, N_REG_READ));
	assert_string_equal(name_register(&a, isr, N_REG_CLEAR_AT), "a_isr_clear_");
	assert_string_equal(name_register(&a, isr, N_REG_STRIDE), "A_ISR_STRIDE");
	const struct ir_field *go = &ctl->fields.items[0];
	assert_true(has_name(go->names, N_FIELD_UPDATE));
	assert_string_equal(name_field(&a, go, N_FIELD_UPDATE_AT), "a_ctl_go_update_");
	assert_string_equal(name_field(&a, go, N_FIELD_MASK), "A_CTL_GO_MASK");
	arena_free(&a);
	run_free(&r);
}

/* A map whose items' names differ as spelled checks clean, though their
 * prefixes look alike: a field named after an accessor, a register whose
 * name continues another's, a read-only field beside a register of its C
 * name (they share no name). */
static void names_alike_are_no_clash(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "a.regs.yaml",
		  "device: a\nblocks:\n  - name: b\n    size: 0x100\n    registers:\n"
		  "      - name: ctl\n        offset: 0\n        fields:\n"
		  "          - { name: read, bits: \"3:0\" }\n"
		  "      - { name: ctl_read_x, offset: 4 }\n"
		  "      - { name: st, offset: 8, access: ro }\n"
		  "      - { name: st_read, offset: 0xc, access: ro }\n"
		  "      - name: lcr\n        offset: 0x10\n        access: ro\n        fields:\n"
		  "          - { name: dlab, bits: 7 }\n"
		  "      - { name: lcr_dlab, offset: 0x14, access: ro }\n",
		  NULL);
	assert_clean(&r);
	run_free(&r);
}

static void a_spelled_clash_is_refused(void **state)
{
	(void)state;
	struct run r;
	/* registers 'a' and 'A': A_A_OFFSET twice */
	run_texts(&r, "a.regs.yaml",
		  "device: a\nblocks:\n  - name: b\n    size: 0x10\n    registers:\n"
		  "      - { name: a, offset: 0 }\n      - { name: A, offset: 4 }\n",
		  NULL);
	assert_only_diag(&r, "E0216");
	assert_diag_at(&r, "E0216", 7, 9);
	run_free(&r);
	/* a writable field of an updatable register and a register of its C name:
	 * a_lcr_dlab_update is the field's macro and the register's function */
	run_texts(&r, "a.regs.yaml",
		  "device: a\nblocks:\n  - name: b\n    size: 0x10\n    registers:\n"
		  "      - name: lcr\n        offset: 0\n        fields:\n"
		  "          - { name: dlab, bits: 7 }\n"
		  "      - { name: lcr_dlab, offset: 4 }\n",
		  NULL);
	assert_only_diag(&r, "E0216");
	run_free(&r);
	/* an enum value's constant A_R_X_OFFSET is register r_x's offset */
	run_texts(&r, "a.regs.yaml",
		  "device: a\nblocks:\n  - name: b\n    size: 0x10\n    registers:\n"
		  "      - name: r\n        offset: 0\n        access: ro\n        fields:\n"
		  "          - { name: x, bits: \"1:0\", enum: { offset: 0, on: 1 } }\n"
		  "      - { name: r_x, offset: 4, access: ro }\n",
		  NULL);
	assert_diag_at(&r, "E0216", 10, 45);
	run_free(&r);
}

/* A constant prefix the accessor patterns paste must not be a constant:
 * group q's A_Q_COUNT is register q_count's prefix. */
static void a_prefix_that_is_a_constant_is_refused(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "a.regs.yaml",
		  "device: a\nblocks:\n  - name: b\n    size: 0x100\n    registers:\n"
		  "      - group: q\n        offset: 0x40\n        count: 2\n        stride: 0x10\n"
		  "        registers:\n          - { name: head, offset: 0 }\n"
		  "      - { name: q_count, offset: 0 }\n",
		  NULL);
	assert_only_diag(&r, "E0216");
	assert_diag_at(&r, "E0216", 12, 9);
	run_free(&r);
}

static const struct c_function *client_fn(const struct ir_interface *iface, const char *method)
{
	for (size_t i = 0; i < iface->client.len; i++)
		if (!strcmp(iface->client.items[i].method->name, method))
			return c_symbol_fn(&iface->client.items[i].c, N_M_STUB);
	fail_msg("no method %s", method);
	return NULL;
}

/* Signatures are recorded as types and names: what the emitters spell and
 * the parameter checks compare. */
static void signatures_are_types_and_names(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "k.idl",
		  "namespace k;\nstruct p { x: u32; };\ninterface s {\n"
		  "\tcall get{fd}(key: str<8>, at: p) bytes<16>;\n};\n"
		  "interface t :: s {};\n",
		  NULL);
	assert_clean(&r);
	const struct ir_interface *s = ir_find_interface(r.ir, "k::s");
	const struct ir_interface *t = ir_find_interface(r.ir, "k::t");
	const struct c_function *stub = client_fn(s, "get");
	assert_string_equal(stub->name, "k_s_get");
	static const struct {
		const char *name, *spec;
		unsigned pointers;
		bool is_const;
		enum c_param_role role;
	} want[] = {
		{"client", "struct k_s_client", 1, false, PARAM_OBJECT},
		{"fd", "int", 0, false, PARAM_CAP_IN},
		{"key", "char", 1, true, PARAM_INPUT},
		{"at", "struct k_p", 1, true, PARAM_INPUT},
		{"result", "uint8_t", 1, false, PARAM_RESULT},
		{"result_len", "uint32_t", 1, false, PARAM_RESULT_LENGTH},
	};
	assert_int_equal(stub->params.len, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct c_param *p = &stub->params.items[i];
		assert_string_equal(p->name, want[i].name);
		assert_string_equal(p->type.spec, want[i].spec);
		assert_int_equal(p->type.pointers, want[i].pointers);
		assert_int_equal(p->type.is_const, want[i].is_const);
		assert_int_equal(p->role, want[i].role);
	}
	/* the inherited stub takes the child's client */
	const struct c_function *inherited = client_fn(t, "get");
	assert_string_equal(inherited->name, "k_t_get");
	assert_string_equal(inherited->params.items[0].type.spec, "struct k_t_client");
	/* the handler and the deferred reply */
	const struct ir_method *m = s->methods.items[0];
	const struct c_function *handler = c_symbol_fn(&m->c, N_M_MEMBER);
	assert_string_equal(handler->params.items[0].type.spec, "struct k_s");
	assert_string_equal(handler->params.items[1].name, "call");
	const struct c_function *reply = c_symbol_fn(&m->c, N_M_REPLY);
	assert_string_equal(reply->name, "k_s_get_reply");
	assert_int_equal(reply->params.items[3].type.pointers, 0); /* result_len by value */
	run_free(&r);
}

/* The event thunk's own parameter `ev` is the generated code's: a
 * parameter of that name would redeclare it. */
static void an_event_parameter_cannot_be_ev(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "k.idl", "namespace k;\ninterface s {\n\tevent changed(ev: u32);\n};\n",
		  NULL);
	assert_only_diag(&r, "E0524");
	assert_diag_at(&r, "E0524", 3, 16);
	run_free(&r);
}

/* A driver named like the interface it serves would declare struct
 * k_s twice, and its handlers would be the client stubs. */
static void a_driver_cannot_take_its_protocols_names(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "k.idl", "namespace k;\ninterface s {\n\tcall ping() void;\n};\n",
		  "k.manifest.yaml", "driver: k_s\nprovides: [k::s]\n", NULL);
	assert_diag_at(&r, "E0216", 1, 9);
	run_free(&r);
	run_texts(&r, "k.idl", "namespace k;\ninterface s {\n\tcall ping() void;\n};\n",
		  "k.manifest.yaml", "driver: kdrv\nprovides: [k::s]\n", NULL);
	assert_clean(&r);
	assert_string_equal(driver_symbol(r.ir->drivers.items[0], N_DRV_INIT), "kdrv_init");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(register_names_follow_the_access_rules),
		cmocka_unit_test(names_alike_are_no_clash),
		cmocka_unit_test(a_spelled_clash_is_refused),
		cmocka_unit_test(a_prefix_that_is_a_constant_is_refused),
		cmocka_unit_test(signatures_are_types_and_names),
		cmocka_unit_test(an_event_parameter_cannot_be_ev),
		cmocka_unit_test(a_driver_cannot_take_its_protocols_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
