// SPDX-License-Identifier: MIT
/* test_text.c - hashing, numbers, identifiers and typo hints. */
#include "harness.h"

#include "base.h"

#include <stdio.h>

static void fnv1a_matches_the_documented_vectors(void **state)
{
	(void)state;
	/* docs/interface-ids.md lists these, io::file's among them. */
	assert_int_equal(fnv1a32("", 0), 0x811c9dc5u);
	assert_int_equal(fnv1a32("a", 1), 0xe40c292cu);
	assert_int_equal(fnv1a32("io::file", 8), 0x7b9588b7u);
	assert_int_equal(fnv1a32("dev::serial", 11), 0x5430284cu);
	assert_int_equal(fnv1a32("sys::devregistry", 16), 0xd794b6b2u);
	assert_int_equal(fnv1a32("edu::device", 11), 0x81c57ea1u);
}

static void numbers_in_every_base(void **state)
{
	(void)state;
	uint64_t v;
	assert_true(parse_u64("0", &v) && v == 0);
	assert_true(parse_u64("42", &v) && v == 42);
	assert_true(parse_u64("0x2f8", &v) && v == 0x2f8);
	assert_true(parse_u64("0X2F8", &v) && v == 0x2f8);
	assert_true(parse_u64("0b101", &v) && v == 5);
	assert_true(parse_u64("0x1_0000", &v) && v == 0x10000);
	assert_true(parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	assert_true(parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX);
}

static void malformed_numbers(void **state)
{
	(void)state;
	uint64_t v;
	const char *bad[] = {"", "0x", "0b2", "12a", "-1", "1.5", "_1", "1_", "1__0",
			     "18446744073709551616", "0x10000000000000000", " 1", "0x_1"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (parse_u64(bad[i], &v))
			fail_msg("'%s' parsed as %llu", bad[i], (unsigned long long)v);
}

static void keyword_table_is_sorted_and_found(void **state)
{
	(void)state;
	assert_true(is_c_keyword("int"));
	assert_true(is_c_keyword("_Bool"));
	assert_true(is_c_keyword("xor"));
	assert_true(is_c_keyword("alignas"));
	assert_true(is_c_keyword("while"));
	assert_false(is_c_keyword("status"));
	assert_false(is_c_keyword("Int"));
}

/* Names that break generated code although they are no keyword (issue
 * 17), and near misses that stay allowed. */
static void c_library_names(void **state)
{
	(void)state;
	const char *refused[] = {"NULL", "uint32_t", "int8_t", "uintptr_t", "UINT32_MAX",
				 "INT64_C", "INT8_MIN", "memset", "strlen", "errno", "EINVAL",
				 "E2BIG", "__x", "_Reserved", "size_t", "offsetof", "current",
				 "PAGE_SIZE"};
	const char *allowed[] = {"stride", "memory", "status", "uint", "intr", "Enable", "E",
				 "index_t_", "_x", "count", "INTERRUPTS", "uint32"};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		assert_true(is_c_library_name(refused[i]));
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		assert_false(is_c_library_name(allowed[i]));
}

static void identifiers(void **state)
{
	(void)state;
	assert_true(is_c_identifier("irq_status"));
	assert_true(is_c_identifier("_x1"));
	assert_false(is_c_identifier("1x"));
	assert_false(is_c_identifier("a-b"));
	assert_false(is_c_identifier(""));
	assert_false(is_c_identifier("caf\xc3\xa9"));
}

static void did_you_mean(void **state)
{
	(void)state;
	const char *keys[] = {"name", "offset", "width", "access"};
	assert_string_equal(closest_word("ofset", keys, 4), "offset");
	assert_string_equal(closest_word("widht", keys, 4), "width");
	assert_string_equal(closest_word("acess", keys, 4), "access");
	assert_null(closest_word("color", keys, 4));
	assert_null(closest_word("x", keys, 4));
	assert_int_equal(edit_distance("mmoi", "mmio"), 1);
	assert_int_equal(edit_distance("kitten", "sitting"), 3);
}

/* sb_printf formats the common conversions itself (strbuf.c): each must
 * give what snprintf gives, and so must the ones it leaves to vsnprintf. */
#define SAME_AS_SNPRINTF(...)                                                         \
	do {                                                                          \
		char want[256];                                                       \
		snprintf(want, sizeof want, __VA_ARGS__);                             \
		struct strbuf got = {0};                                              \
		sb_puts(&got, "<");                                                   \
		sb_printf(&got, __VA_ARGS__);                                         \
		assert_string_equal(sb_str(&got) + 1, want);                          \
		char *in_arena = arena_printf(&a, __VA_ARGS__);                       \
		assert_string_equal(in_arena, want);                                  \
		sb_free(&got);                                                        \
	} while (0)

static void formatting_matches_snprintf(void **state)
{
	(void)state;
	struct arena a = {0};
	SAME_AS_SNPRINTF("plain text, no conversion");
	SAME_AS_SNPRINTF("%s", "");
	SAME_AS_SNPRINTF("%s(%s)%s", "drv_put32", "drv_p + 4", ";");
	SAME_AS_SNPRINTF("[%3s|%1s]", "ab", "abc");
	SAME_AS_SNPRINTF("%c%c %% %3c", 'x', '\t', 'y');
	SAME_AS_SNPRINTF("%d %i %d %d", 0, -1, INT32_MIN, INT32_MAX);
	SAME_AS_SNPRINTF("%5d|%05d|%5d|%05d|%1d", -42, -42, 42, 42, -42);
	SAME_AS_SNPRINTF("%ld %lld %lld", -3L, (long long)INT64_MIN, (long long)INT64_MAX);
	SAME_AS_SNPRINTF("%u %lu %llu %zu", 0u, 4000000000ul, (unsigned long long)UINT64_MAX,
			 (size_t)12345);
	SAME_AS_SNPRINTF("%x %X %08x %04X %llx %016llx %012llxull", 0xbeefu, 0xbeefu, 0x80u,
			 0xabu, 0x100000000ull, 0x1234ull, 0xfedcba987ull);
	/* left to vsnprintf */
	SAME_AS_SNPRINTF("%0*llx|%.*s|%*s|%p|%s", 6, 0x2aull, 3, "abcdef", 4, "z", (void *)&a,
			 "after");
	SAME_AS_SNPRINTF("%s: %-5d|%+d", "flags", 7, 7);
	SAME_AS_SNPRINTF("%lldll %s%s %u", -9ll, "a", "b", 7u);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fnv1a_matches_the_documented_vectors),
		cmocka_unit_test(numbers_in_every_base),
		cmocka_unit_test(malformed_numbers),
		cmocka_unit_test(keyword_table_is_sorted_and_found),
		cmocka_unit_test(c_library_names),
		cmocka_unit_test(identifiers),
		cmocka_unit_test(did_you_mean),
		cmocka_unit_test(formatting_matches_snprintf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
