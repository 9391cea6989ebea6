// SPDX-License-Identifier: MIT
/* test_source.c - files no parser should see get one clear diagnostic. */
#include "harness.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void run_bytes(struct run *r, const char *name, const char *bytes, size_t len)
{
	r->g = drvgen_new(NULL);
	drvgen_add_text(r->g, name, bytes, len);
	r->ir = drvgen_build(r->g);
	r->status = drvgen_status(r->g);
}

static void empty_and_blank_files(void **state)
{
	(void)state;
	const char *blanks[] = {"", "\n\n", "  \t\r\n"};
	for (size_t i = 0; i < 3; i++) {
		struct run r;
		run_bytes(&r, "empty.idl", blanks[i], strlen(blanks[i]));
		assert_only_diag(&r, "E0003");
		assert_int_equal(r.status, 1);
		run_free(&r);
	}
	struct run r;
	run_texts(&r, "comments.regs.yaml", "# nothing but a comment\n", NULL);
	assert_only_diag(&r, "E0003");
	run_free(&r);
}

static void binary_file(void **state)
{
	(void)state;
	struct run r;
	run_bytes(&r, "blob.idl", "namespace a;\n\x7f" "ELF\0\0\1", 20);
	assert_only_diag(&r, "E0004");
	assert_diag_at(&r, "E0004", 2, 5);
	run_free(&r);
}

static void invalid_utf8(void **state)
{
	(void)state;
	const char *bad[] = {
		"namespace a;\n# caf\xe9\n",        /* Latin-1 */
		"namespace a;\n# \xc0\xaf\n",        /* overlong '/' */
		"namespace a;\n# \xed\xa0\x80\n",    /* surrogate */
		"namespace a;\n# \xf4\x90\x80\x80\n", /* past U+10FFFF */
		"namespace a;\n# \xe2\x82\n",        /* truncated */
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct run r;
		run_bytes(&r, "bad.idl", bad[i], strlen(bad[i]));
		assert_only_diag(&r, "E0005");
		assert_int_equal(drvgen_diagnostic(r.g, 0)->pos.line, 2);
		run_free(&r);
	}
	struct run ok;
	run_texts(&ok, "ok.idl", "namespace a;\n# caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\nenum e { A };\n",
		  NULL);
	assert_clean(&ok);
	run_free(&ok);
}

static void ten_megabyte_line(void **state)
{
	(void)state;
	size_t len = 10 * 1024 * 1024;
	char *text = malloc(len + 1);
	memcpy(text, "namespace a;\n# ", 15);
	memset(text + 15, 'x', len - 15);
	text[len] = 0;
	struct run r;
	run_bytes(&r, "long.idl", text, len);
	assert_only_diag(&r, "E0006");
	assert_diag_at(&r, "E0006", 2, 1);
	/* The quote of the line is a window, not 10 MB. */
	struct strbuf sb = {0};
	diag_render(&sb, drvgen_diagnostic(r.g, 0), false);
	assert_true(sb.len < 1024);
	sb_free(&sb);
	run_free(&r);
	free(text);
}

static void file_too_large(void **state)
{
	(void)state;
	size_t len = 17 * 1024 * 1024;
	char *text = malloc(len);
	for (size_t i = 0; i < len; i++)
		text[i] = i % 64 == 63 ? '\n' : '#';
	struct run r;
	run_bytes(&r, "big.idl", text, len);
	assert_only_diag(&r, "E0007");
	run_free(&r);
	free(text);
}

static void byte_order_mark_is_skipped(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "bom.idl", "\xef\xbb\xbfnamespace a;\nenum e { A };\n", NULL);
	assert_clean(&r);
	run_free(&r);
}

static void missing_file_is_an_io_error(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, "/nonexistent/drvgen/x.idl", NULL);
	assert_only_diag(&r, "E0001");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static char scratch[64];

static void make_scratch(void)
{
	strcpy(scratch, "/tmp/drvgen-test-XXXXXX");
	assert_non_null(mkdtemp(scratch));
}

static void folder_without_specs(void **state)
{
	(void)state;
	make_scratch();
	char path[128];
	snprintf(path, sizeof path, "%s/README", scratch);
	FILE *f = fopen(path, "w");
	fputs("not a spec\n", f);
	fclose(f);
	struct run r;
	run_paths(&r, scratch, NULL);
	assert_only_diag(&r, "E0008");
	assert_int_equal(r.status, 2);
	run_free(&r);
	unlink(path);
	rmdir(scratch);
}

static void unreadable_spec_in_a_folder(void **state)
{
	(void)state;
	/* A folder named like a spec: readdir lists it, reading it fails. As
	 * root, permissions would not stop a read, so this is the portable way
	 * to make a spec path unreadable. */
	make_scratch();
	char path[128];
	snprintf(path, sizeof path, "%s/x.idl", scratch);
	assert_int_equal(mkdir(path, 0755), 0);
	struct run r;
	run_paths(&r, scratch, NULL);
	assert_only_diag(&r, "E0001");
	assert_int_equal(r.status, 2);
	run_free(&r);
	rmdir(path);
	rmdir(scratch);
}

static void unknown_file_kind(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, "Makefile", NULL);
	assert_only_diag(&r, "E0002");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static void missing_folder_and_search_folder(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, "specs/no-such-device", NULL);
	assert_only_diag(&r, "E0001");
	assert_int_equal(r.status, 2);
	run_free(&r);

	const char *dirs[] = {"/nonexistent/include"};
	struct drvgen_options opts = {.include_dirs = dirs, .include_dir_count = 1};
	r.g = drvgen_new(&opts);
	drvgen_add_path(r.g, "specs/edu");
	r.ir = drvgen_build(r.g);
	assert_only_diag(&r, "E0001");
	assert_int_equal(drvgen_status(r.g), 2);
	run_free(&r);
}

static void terminals_never_see_control_characters(void **state)
{
	(void)state;
	/* A spec must not be able to clear or recolour the terminal through a
	 * quoted line, nor hide a character in a message. */
	struct run r;
	run_texts(&r, "t.idl", "namespace t;\nstruct s { \x1b[2J x: u8; };\nstruct u { \xc2\xa0y: u8; };\n",
		  NULL);
	assert_diag_at(&r, "E0401", 2, 12);
	assert_diag_at(&r, "E0401", 3, 12);
	struct strbuf sb = {0};
	for (size_t i = 0; i < drvgen_diagnostic_count(r.g); i++)
		diag_render(&sb, drvgen_diagnostic(r.g, i), false);
	assert_null(memchr(sb.data, 0x1b, sb.len));
	assert_non_null(strstr(sb_str(&sb), "U+00A0"));
	assert_non_null(strstr(sb_str(&sb), "U+001B"));
	sb_free(&sb);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_and_blank_files),
		cmocka_unit_test(binary_file),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(ten_megabyte_line),
		cmocka_unit_test(file_too_large),
		cmocka_unit_test(byte_order_mark_is_skipped),
		cmocka_unit_test(missing_file_is_an_io_error),
		cmocka_unit_test(folder_without_specs),
		cmocka_unit_test(unreadable_spec_in_a_folder),
		cmocka_unit_test(unknown_file_kind),
		cmocka_unit_test(missing_folder_and_search_folder),
		cmocka_unit_test(terminals_never_see_control_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
