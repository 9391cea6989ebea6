// SPDX-License-Identifier: MIT
/* test_diag_corpus.c - every check has a bad input, and every diagnostic
 * code is tested and documented.
 *
 * Each folder tests/diag/<CODE>-<slug>[-<n>]/ holds spec files and
 * `expected`: one line per diagnostic drvgen must report, in its sorted
 * order, as `file:line:col: CODE` (or `file: CODE` for a whole-file
 * problem), then `exit N`. File names are relative to the case folder. An
 * optional `args` file lists what to pass instead of the folder, one path
 * per line relative to the case folder, or `-I dir` for a search folder.
 */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

#define CORPUS "tests/diag"

/* The case folders, sorted. */
static size_t list_cases(char ***out)
{
	return list_cases_in(CORPUS, "EW", out);
}

/* Runs one case and renders what drvgen reported in the `expected` form. */
static void run_case(const char *dir, struct strbuf *actual, struct strbuf *rendered)
{
	char path[1100];
	snprintf(path, sizeof path, "%s/args", dir);
	char *args = read_text(path);
	const char *includes[8];
	size_t nincludes = 0;
	char *lines[32];
	size_t nlines = 0;
	for (char *line = args ? strtok(args, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		if (nlines == sizeof lines / sizeof lines[0])
			fail_msg("%s: more than %zu lines", path, nlines);
		lines[nlines++] = line;
	}
	for (size_t i = 0; i < nlines; i++)
		if (!strncmp(lines[i], "-I ", 3)) {
			if (nincludes == sizeof includes / sizeof includes[0])
				fail_msg("%s: more than %zu -I lines", path, nincludes);
			char *p = malloc(1100);
			snprintf(p, 1100, "%s/%s", dir, lines[i] + 3);
			includes[nincludes++] = p;
		}
	struct drvgen_options opts = {.include_dirs = includes, .include_dir_count = nincludes};
	struct drvgen *g = drvgen_new(&opts);
	bool any = false;
	for (size_t i = 0; i < nlines; i++)
		if (strncmp(lines[i], "-I ", 3) != 0) {
			snprintf(path, sizeof path, "%s/%s", dir, lines[i]);
			drvgen_add_path(g, path);
			any = true;
		}
	if (!any)
		drvgen_add_path(g, dir);
	/* A driver's author-owned file in the folder is checked as gen checks
	 * it, without writing anything. */
	if (drvgen_build(g)) {
		drvgen_generate(g, &(struct drvgen_gen_options){.author_dir = dir});
		drvgen_check_author_files(g, dir, NULL);
	}

	size_t dirlen = strlen(dir);
	for (size_t i = 0; i < drvgen_diagnostic_count(g); i++) {
		const struct diagnostic *d = drvgen_diagnostic(g, i);
		const char *file = d->pos.src ? d->pos.src->path : "?";
		if (!strncmp(file, dir, dirlen) && file[dirlen] == '/')
			file += dirlen + 1;
		if (d->pos.line)
			sb_printf(actual, "%s:%u:%u: %s\n", file, d->pos.line, d->pos.col,
				  diag_code_name(d->code));
		else
			sb_printf(actual, "%s: %s\n", file, diag_code_name(d->code));
		diag_render(rendered, d, false);
	}
	sb_printf(actual, "exit %d\n", drvgen_status(g));
	drvgen_free(g);
	for (size_t i = 0; i < nincludes; i++)
		free((void *)includes[i]);
	free(args);
}

static void every_case_reports_what_it_expects(void **state)
{
	(void)state;
	char **cases;
	size_t n = list_cases(&cases);
	assert_true(n > 0);
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		char dir[512], path[600];
		snprintf(dir, sizeof dir, "%s/%s", CORPUS, cases[i]);
		snprintf(path, sizeof path, "%s/expected", dir);
		char *expected = read_text(path);
		if (!expected) {
			fprintf(stderr, "%s: no 'expected' file\n", dir);
			failures++;
			continue;
		}
		struct strbuf actual = {0}, rendered = {0};
		run_case(dir, &actual, &rendered);
		/* The case is named after the code it exists for; that code must be
		 * among what it expects. */
		char code[6];
		memcpy(code, cases[i], 5);
		code[5] = 0;
		if (strcmp(sb_str(&actual), expected) != 0) {
			fprintf(stderr, "--- %s: expected\n%s--- got\n%s--- as printed\n%s\n", dir,
				expected, sb_str(&actual), sb_str(&rendered));
			failures++;
		} else if (!strstr(expected, code)) {
			fprintf(stderr, "%s: expects no %s\n", dir, code);
			failures++;
		}
		sb_free(&actual);
		sb_free(&rendered);
		free(expected);
	}
	for (size_t i = 0; i < n; i++)
		free(cases[i]);
	free(cases);
	if (failures)
		fail_msg("%d corpus case(s) failed", failures);
}

/* Blanks out the C comments of text, not what is in its string and
 * character literals. */
static void blank_comments(char *text)
{
	for (char *p = text; *p; p++) {
		if (*p == '"' || *p == '\'') {
			for (char q = *p++; *p && *p != q; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return;
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (!*p)
				return;
		} else if (p[0] == '/' && p[1] == '*') {
			char *end = strstr(p + 2, "*/");
			char *stop = end ? end + 2 : p + strlen(p);
			for (; p < stop; p++)
				if (*p != '\n')
					*p = ' ';
			p--;
		}
	}
}

/* Whether code is what a call of assert_only_diag or assert_diag_at in
 * text (comments blanked) asserts: its second argument, as a literal. */
static bool asserts_code(const char *text, const char *code)
{
	static const char *const asserts[] = {"assert_only_diag(", "assert_diag_at("};
	for (size_t i = 0; i < sizeof asserts / sizeof asserts[0]; i++)
		for (const char *p = strstr(text, asserts[i]); p; p = strstr(p + 1, asserts[i])) {
			const char *arg = strchr(p, ',');
			if (!arg)
				break;
			arg += strspn(arg + 1, " \t\n") + 1;
			if (arg[0] == '"' && !strncmp(arg + 1, code, strlen(code)) &&
			    arg[1 + strlen(code)] == '"')
				return true;
		}
	return false;
}

/* A code is tested if a corpus case expects it or a unit test asserts it
 * (the few inputs too big to commit, like a 17 MB file): names it in
 * assert_only_diag or assert_diag_at, outside comments. */
static bool unit_tests_assert(const char *code)
{
	DIR *d = opendir("tests/unit");
	assert_non_null(d);
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		if (strncmp(e->d_name, "test_", 5) != 0 || !strcmp(e->d_name, "test_diag_corpus.c"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "tests/unit/%s", e->d_name);
		char *text = read_text(path);
		if (text) {
			blank_comments(text);
			found = asserts_code(text, code);
		}
		free(text);
	}
	closedir(d);
	return found;
}

/* The count above is not fooled by a mention. */
static void only_an_assertion_counts(void **state)
{
	(void)state;
	char text[] = "/* assert_only_diag(&r, \"E0006\"); */\n"
		      "// assert_diag_at(&r, \"E0007\", 1, 1);\n"
		      "puts(\"E0008\"); assert_diag_at(&r, \"/*\", 0, 0);\n"
		      "assert_diag_at(&r,\n\t\"E0009\", 2, 1);\n";
	blank_comments(text);
	assert_false(asserts_code(text, "E0006"));
	assert_false(asserts_code(text, "E0007"));
	assert_false(asserts_code(text, "E0008"));
	assert_false(asserts_code(text, "E000"));
	assert_true(asserts_code(text, "E0009"));
}

static void every_code_is_tested(void **state)
{
	(void)state;
	char **cases;
	size_t n = list_cases(&cases);
	int missing = 0;
	for (int code = 0; code < DIAG_CODE_COUNT; code++) {
		const char *name = diag_code_name((enum diag_code)code);
		bool found = false;
		for (size_t i = 0; i < n && !found; i++) {
			char path[600];
			snprintf(path, sizeof path, "%s/%s/expected", CORPUS, cases[i]);
			char *expected = read_text(path);
			found = expected && strstr(expected, name);
			free(expected);
		}
		if (!found && !unit_tests_assert(name)) {
			fprintf(stderr, "%s (%s) has no corpus case and no unit test\n", name,
				diag_code_slug((enum diag_code)code));
			missing++;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(cases[i]);
	free(cases);
	if (missing)
		fail_msg("%d code(s) untested", missing);
}

/* The exit status column of diag_codes.def agrees with the codes' letters:
 * a warning fails nothing, an error is 1 or 2. */
static void every_code_has_its_status(void **state)
{
	(void)state;
	for (int code = 0; code < DIAG_CODE_COUNT; code++) {
		const char *name = diag_code_name((enum diag_code)code);
		int status = diag_code_status((enum diag_code)code);
		if (name[0] == 'W')
			assert_int_equal(status, 0);
		else
			assert_true(status == 1 || status == 2);
	}
	assert_int_equal(diag_code_status(E0001), 2);
	assert_int_equal(diag_code_status(E0204), 1);
}

/* docs/diagnostics.md has a section `## E0204 field-overlap` per code, with
 * a bad and a good example. */
static void every_code_is_documented(void **state)
{
	(void)state;
	char *doc = read_text("docs/diagnostics.md");
	assert_non_null(doc);
	int missing = 0;
	for (int code = 0; code < DIAG_CODE_COUNT; code++) {
		char heading[64];
		snprintf(heading, sizeof heading, "\n## %s %s\n", diag_code_name((enum diag_code)code),
			 diag_code_slug((enum diag_code)code));
		const char *at = strstr(doc, heading);
		if (!at) {
			fprintf(stderr, "docs/diagnostics.md: no section '%s'\n", heading + 1);
			missing++;
			continue;
		}
		const char *end = strstr(at + 1, "\n## ");
		size_t len = end ? (size_t)(end - at) : strlen(at);
		char *section = strndup(at, len);
		if (!strstr(section, "Bad:") || !strstr(section, "Good:")) {
			fprintf(stderr, "docs/diagnostics.md: %s lacks a Bad: or Good: example\n",
				diag_code_name((enum diag_code)code));
			missing++;
		}
		free(section);
	}
	free(doc);
	if (missing)
		fail_msg("%d code(s) undocumented", missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_case_reports_what_it_expects),
		cmocka_unit_test(every_code_is_tested),
		cmocka_unit_test(only_an_assertion_counts),
		cmocka_unit_test(every_code_is_documented),
		cmocka_unit_test(every_code_has_its_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
