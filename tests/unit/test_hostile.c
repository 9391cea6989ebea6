// SPDX-License-Identifier: MIT
/* test_hostile.c - the hostile shapes of tools/hostile_shapes.c at sizes
 * that once crashed drvgen (recursion as deep as the input) or took minutes
 * (quadratic or cubic checkers): each is diagnosed, with the code it must
 * give, or accepted. Their time is measured by bench/complexity.sh, not
 * here: a test has no wall-clock limit, and the sanitizer tiers run these. */
#include "harness.h"
#include "hostile_shapes.h"

#include <pthread.h>

struct job {
	struct run *r;
	const char *file, *text;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	run_texts(j->r, j->file, j->text, NULL);
	return NULL;
}

/* A shape at size n, checked in-process on a thread of a 1 MiB stack (an
 * eighth of the main thread's), so that recursion as deep as the input
 * overflows it at sizes the sanitizer tiers check quickly; code is the
 * diagnostic it must give (only that code), or NULL if it checks clean. */
static void check_shape(const char *name, unsigned long n, const char *code)
{
	const struct hostile_shape *s = hostile_shape_named(name);
	assert_non_null(s);
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	s->write(f, n);
	assert_int_equal(fclose(f), 0);
	struct run r;
	struct job job = {&r, s->file, text};
	pthread_attr_t attr;
	pthread_t thread;
	assert_int_equal(pthread_attr_init(&attr), 0);
	assert_int_equal(pthread_attr_setstacksize(&attr, 1 << 20), 0);
	assert_int_equal(pthread_create(&thread, &attr, run_job, &job), 0);
	assert_int_equal(pthread_join(thread, NULL), 0);
	pthread_attr_destroy(&attr);
	if (code) {
		assert_diag_at(&r, code, 0, 0);
		for (size_t i = 0; i < drvgen_diagnostic_count(r.g); i++)
			if (strcmp(diag_code_name(drvgen_diagnostic(r.g, i)->code), code)) {
				print_diagnostics(&r);
				fail_msg("%s %lu: only %s expected", name, n, code);
			}
	} else {
		assert_clean(&r);
	}
	run_free(&r);
	free(text);
}

/* 30,000 structs each holding the next once overflowed the main stack. */
static void struct_chain(void **state)
{
	(void)state;
	check_shape("struct-chain", 30000, "E0525");
	check_shape("struct-chain", 32, NULL);
}

/* 100,000 interfaces each inheriting the next overflowed the main stack;
 * 3,000 took 51 s and 1.3 GB copying every inherited method into each
 * child. */
static void interface_chain(void **state)
{
	(void)state;
	check_shape("interface-chain", 20000, "E0525");
	check_shape("interface-chain", 32, NULL);
}

static void interface_fanout(void **state)
{
	(void)state;
	check_shape("interface-fanout", 1000, "E0526");
	check_shape("interface-fanout", 300, NULL);
}

/* Repeats among names and values, once found by comparing every pair. */
static void many_members(void **state)
{
	(void)state;
	check_shape("methods", 40000, NULL);
	check_shape("enumerators", 40000, NULL);
	check_shape("fields", 40000, NULL);
}

/* Keys and anchors, once found by a search per key and per alias; a
 * register's enum values and fields, once compared pairwise. */
static void big_yaml(void **state)
{
	(void)state;
	check_shape("yaml-keys", 80000, NULL);
	check_shape("yaml-anchors", 80000, NULL);
	check_shape("field-overlaps", 5000, "E0204");
}

/* "Did you mean" once compared every misspelt name with every known one. */
static void misspellings(void **state)
{
	(void)state;
	check_shape("idl-typos", 5000, "E0501");
	check_shape("layout-typos", 5000, "E0212");
}

/* Registers that overlap, or could: once every pair compared. */
static void register_overlaps(void **state)
{
	(void)state;
	check_shape("overlaps", 5000, "E0203");
	check_shape("banks", 5000, NULL);
	check_shape("interleaved", 5000, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(struct_chain),
		cmocka_unit_test(interface_chain),
		cmocka_unit_test(interface_fanout),
		cmocka_unit_test(many_members),
		cmocka_unit_test(big_yaml),
		cmocka_unit_test(misspellings),
		cmocka_unit_test(register_overlaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
