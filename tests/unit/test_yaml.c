// SPDX-License-Identifier: MIT
/* test_yaml.c - the YAML layer: limits, aliases, keys, kinds, numbers, words. */
#include "harness.h"

#include <stdlib.h>

static const char regs_head[] = "device: d\nblocks:\n  - name: b\n    size: 0x100\n    registers:\n";

static void nesting_past_the_limit(void **state)
{
	(void)state;
	/* 100 levels, and a million: both stop at the limit, the second must
	 * not take longer than reading the file or use the C stack. */
	size_t depths[] = {100, 1000000};
	for (size_t k = 0; k < 2; k++) {
		size_t n = depths[k];
		/* One bracket a line: the lines stay short, only the depth grows. */
		char *text = malloc(4 * n + 16);
		strcpy(text, "device: ");
		size_t len = strlen(text);
		for (size_t i = 0; i < n; i++, len += 2)
			memcpy(text + len, "[\n", 2);
		for (size_t i = 0; i < n; i++, len += 2)
			memcpy(text + len, "]\n", 2);
		text[len] = 0;
		struct run r;
		run_texts(&r, "deep.regs.yaml", text, NULL);
		assert_only_diag(&r, "E0102");
		run_free(&r);
		free(text);
	}
}

static void alias_bomb(void **state)
{
	(void)state;
	/* "Billion laughs": each level doubles ten times. */
	struct strbuf sb = {0};
	sb_puts(&sb, "device: d\ndoc: x\nblocks: []\nx0: &a0 [lol]\n");
	for (int i = 1; i < 12; i++) {
		sb_printf(&sb, "x%d: &a%d [", i, i);
		for (int j = 0; j < 10; j++)
			sb_printf(&sb, "%s*a%d", j ? ", " : "", i - 1);
		sb_puts(&sb, "]\n");
	}
	struct run r;
	run_texts(&r, "bomb.regs.yaml", sb_str(&sb), NULL);
	assert_only_diag(&r, "E0103");
	run_free(&r);
	sb_free(&sb);
}

static void aliases_for_reuse_work(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	sb_puts(&sb, regs_head);
	sb_puts(&sb, "      - name: ctrl_a\n        offset: 0\n        fields: &ctrl_fields\n"
		     "          - { name: en, bits: 0 }\n          - { name: mode, bits: \"3:1\" }\n"
		     "      - { name: ctrl_b, offset: 4, fields: *ctrl_fields }\n");
	struct run r;
	run_texts(&r, "alias.regs.yaml", sb_str(&sb), NULL);
	assert_clean(&r);
	const struct ir_block *b = r.ir->devices.items[0]->blocks.items[0];
	assert_int_equal(b->regs.items[1]->fields.len, 2);
	assert_string_equal(b->regs.items[1]->fields.items[1].name, "mode");
	run_free(&r);
	sb_free(&sb);
}

static void undefined_alias(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "a.regs.yaml", "device: d\nblocks: *nowhere\n", NULL);
	assert_only_diag(&r, "E0103");
	assert_diag_at(&r, "E0103", 2, 9);
	run_free(&r);
}

static void self_referencing_anchor(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "a.regs.yaml", "device: d\nblocks: &x [ *x ]\n", NULL);
	assert_only_diag(&r, "E0103");
	run_free(&r);
}

static void syntax_error_position(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "s.regs.yaml", "device: d\nblocks:\n  - name: b\n   size: 4\n", NULL);
	assert_only_diag(&r, "E0101");
	assert_int_equal(drvgen_diagnostic(r.g, 0)->pos.line, 4);
	run_free(&r);
}

static void second_document(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "two.regs.yaml", "device: d\nblocks: []\n---\ndevice: e\nblocks: []\n", NULL);
	assert_only_diag(&r, "E0110");
	assert_diag_at(&r, "E0110", 3, 1);
	run_free(&r);
}

static void keys_kinds_numbers_words(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	sb_puts(&sb, regs_head);
	sb_puts(&sb, "      - { name: a, ofset: 0 }\n"       /* 6: unknown key, taken for offset */
		     "      - { name: b, offset: 0x1g }\n"     /* 7: bad number */
		     "      - { name: c, offset: 8, access: rx }\n" /* 8: bad word */
		     "      - { name: d, offset: 12, offset: 16 }\n" /* 9: duplicate key */
		     "      - { name: e, offset: [1] }\n"      /* 10: wrong kind */
		     "      - { name: f, offset: -4 }\n"      /* 11: negative */
		     "      - { name: g, width: 8 }\n");      /* 12: missing offset */
	struct run r;
	run_texts(&r, "k.regs.yaml", sb_str(&sb), NULL);
	/* one error for the typo, not a missing 'offset' as well */
	assert_diag_at(&r, "E0105", 6, 20);
	assert_diag_at(&r, "E0107", 7, 28);
	assert_diag_at(&r, "E0108", 8, 39);
	assert_diag_at(&r, "E0109", 9, 32);
	assert_diag_at(&r, "E0104", 10, 28);
	assert_diag_at(&r, "E0107", 11, 28);
	assert_diag_at(&r, "E0106", 12, 9);
	assert_int_equal(drvgen_diagnostic_count(r.g), 7);
	assert_int_equal(r.status, 1);
	run_free(&r);
	sb_free(&sb);
}

static void non_scalar_key(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "k.regs.yaml", "device: d\n? [a, b]\n: 1\nblocks: []\n", NULL);
	assert_only_diag(&r, "E0104");
	run_free(&r);
}

static void null_values_count_as_absent(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	sb_puts(&sb, regs_head);
	sb_puts(&sb, "      - { name: a, offset: 0, doc: , width: ~ }\n");
	struct run r;
	run_texts(&r, "n.regs.yaml", sb_str(&sb), NULL);
	assert_clean(&r);
	assert_int_equal(r.ir->devices.items[0]->blocks.items[0]->regs.items[0]->width, 32);
	run_free(&r);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nesting_past_the_limit),
		cmocka_unit_test(alias_bomb),
		cmocka_unit_test(aliases_for_reuse_work),
		cmocka_unit_test(undefined_alias),
		cmocka_unit_test(self_referencing_anchor),
		cmocka_unit_test(syntax_error_position),
		cmocka_unit_test(second_document),
		cmocka_unit_test(keys_kinds_numbers_words),
		cmocka_unit_test(non_scalar_key),
		cmocka_unit_test(null_values_count_as_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
