// SPDX-License-Identifier: MIT
/* test_compat_corpus.c - `drvgen compat` classifies each change as
 * docs/compat.md says.
 *
 * Each folder tests/compat/<case>/ holds two versions of a spec, old/ and
 * new/, and `expected`: one line per change in the report's order, `CLASS
 * RULE SUBJECT`, followed by `implementations CLASS` where the class for
 * the protocol's implementations differs, or one per diagnostic, `error CODE FILE:LINE:COL` (relative
 * to the case folder), then `exit N`. The JSON report of every case must
 * agree with the text one, and every rule of docs/compat.md's tables must
 * be exercised by some case, and only those rules reported.
 */
#include "harness.h"

#include "compat.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>

#define CORPUS "tests/compat"

static size_t list_cases(char ***out)
{
	return list_cases_in(CORPUS, NULL, out);
}

struct diag_lines {
	struct strbuf *out;
	size_t dir_len;
};

static void record_diagnostic(const struct diagnostic *d, void *ctx)
{
	struct diag_lines *l = ctx;
	if (!d->error)
		return;
	const char *file = d->pos.src ? d->pos.src->path : "?";
	if (strlen(file) > l->dir_len)
		file += l->dir_len + 1;
	sb_printf(l->out, "error %s %s:%u:%u\n", diag_code_name(d->code), file, d->pos.line,
		  d->pos.col);
}

/* The case's report in the `expected` form, and its JSON report. */
static void run_case(const char *dir, struct strbuf *actual, json_t **json)
{
	char old_path[600], new_path[600];
	snprintf(old_path, sizeof old_path, "%s/old", dir);
	snprintf(new_path, sizeof new_path, "%s/new", dir);

	struct diag_lines lines = {actual, strlen(dir)};
	struct drvgen_options opts = {.on_diagnostic = record_diagnostic, .ctx = &lines};
	struct drvgen *old_g = drvgen_new(&opts), *new_g = drvgen_new(&opts);
	drvgen_add_path(old_g, old_path);
	drvgen_add_path(new_g, new_path);
	const struct ir *old_ir = drvgen_build(old_g);
	const struct ir *new_ir = drvgen_build(new_g);
	if (old_ir && new_ir) {
		struct arena arena = {0};
		struct compat c = {.arena = &arena, .old = old_ir, .new = new_ir};
		compat_compare(&c);
		for (size_t i = 0; i < c.changes.len; i++) {
			const struct compat_change *ch = &c.changes.items[i];
			sb_printf(actual, "%s %s %s", compat_class_name(ch->cls), ch->rule,
				  ch->subject);
			if (ch->impl != ch->cls)
				sb_printf(actual, " implementations %s",
					  compat_class_name(ch->impl));
			sb_printf(actual, "\n");
		}
		arena_free(&arena);
	}
	drvgen_free(old_g);
	drvgen_free(new_g);

	/* The exit status and the JSON, as `drvgen compat --json` makes them. */
	FILE *out = tmpfile();
	assert_non_null(out);
	struct drvgen_options quiet = {0};
	int status = drvgen_compat(old_path, new_path, &quiet, true, out);
	sb_printf(actual, "exit %d\n", status);
	rewind(out);
	json_error_t error;
	*json = status < 2 && old_ir && new_ir ? json_loadf(out, 0, &error) : NULL;
	fclose(out);
}

/* Line i (from 0) of text. */
static const char *nth_line(const char *text, size_t i)
{
	while (i--)
		text = strchr(text, '\n') + 1;
	return text;
}

/* The JSON report says what the text report says. */
static int check_json(const char *dir, json_t *root, const char *expected)
{
	int failures = 0;
	json_t *changes = json_object_get(root, "changes");
	const char *result = json_string_value(json_object_get(root, "result"));
	size_t n = json_array_size(changes), lines = 0, counted = 0;
	const char *worst = "compatible";
	for (const char *p = expected; *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, "exit", 4))
			break;
		if (!lines)
			worst = p;
		lines++;
	}
	if (lines != n) {
		fprintf(stderr, "%s: the JSON has %zu changes, the text %zu\n", dir, n, lines);
		failures++;
	}
	if (!result || strncmp(worst, result, strlen(result)) != 0) {
		fprintf(stderr, "%s: the JSON's result is %s\n", dir, result ? result : "missing");
		failures++;
	}
	bool breaking = json_is_true(json_object_get(root, "breaking"));
	if (breaking != (strcmp(result ? result : "", "compatible") != 0)) {
		fprintf(stderr, "%s: the JSON's 'breaking' contradicts its result\n", dir);
		failures++;
	}
	const char *key;
	json_t *value;
	json_object_foreach(json_object_get(root, "counts"), key, value)
	{
		counted += (size_t)json_integer_value(value);
	}
	size_t impl_counted = 0;
	json_object_foreach(json_object_get(root, "implementation_counts"), key, value)
	{
		impl_counted += (size_t)json_integer_value(value);
	}
	if (impl_counted != n) {
		fprintf(stderr, "%s: the JSON's implementation_counts add up to %zu, not %zu\n",
			dir, impl_counted, n);
		failures++;
	}
	for (size_t i = 0; i < n && i < lines; i++) {
		json_t *c = json_array_get(changes, i);
		const char *impl = json_string_value(json_object_get(c, "implementations"));
		const char *line = nth_line(expected, i), *suffix = strstr(line, " implementations ");
		const char *want = suffix && suffix < strchr(line, '\n') ? suffix + 17 : line;
		if (!impl || strncmp(want, impl, strlen(impl)) != 0 || want[strlen(impl)] > ' ') {
			fprintf(stderr, "%s: change %zu's implementations class is %s\n", dir, i,
				impl ? impl : "missing");
			failures++;
		}
		if (!json_string_value(json_object_get(c, "message")) ||
		    (json_is_null(json_object_get(c, "old")) &&
		     json_is_null(json_object_get(c, "new")))) {
			fprintf(stderr, "%s: change %zu has no message or no position\n", dir, i);
			failures++;
		}
	}
	if (counted != n) {
		fprintf(stderr, "%s: the JSON's counts add up to %zu, not %zu\n", dir, counted, n);
		failures++;
	}
	return failures;
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
		struct strbuf actual = {0};
		json_t *json = NULL;
		run_case(dir, &actual, &json);
		if (strcmp(sb_str(&actual), expected) != 0) {
			fprintf(stderr, "--- %s: expected\n%s--- got\n%s", dir, expected,
				sb_str(&actual));
			failures++;
		} else if (json) {
			failures += check_json(dir, json, expected);
		}
		json_decref(json);
		sb_free(&actual);
		free(expected);
	}
	for (size_t i = 0; i < n; i++)
		free(cases[i]);
	free(cases);
	if (failures)
		fail_msg("%d compat case(s) failed", failures);
}

/* The rule names docs/compat.md lists: the first cell of table rows,
 * "| `label-changed` | ...". */
static size_t documented_rules(char *doc, char ***out)
{
	char **rules = NULL;
	size_t n = 0;
	for (char *line = strtok(doc, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "| `", 3) != 0)
			continue;
		char *end = strchr(line + 3, '`');
		if (!end)
			continue;
		*end = 0;
		rules = realloc(rules, (n + 1) * sizeof *rules);
		rules[n++] = line + 3;
	}
	*out = rules;
	return n;
}

static void every_rule_is_documented_and_exercised(void **state)
{
	(void)state;
	char *doc = read_text("docs/compat.md");
	assert_non_null(doc);
	char **rules;
	size_t nrules = documented_rules(doc, &rules);
	assert_true(nrules > 20);
	char **cases;
	size_t n = list_cases(&cases);
	struct strbuf all = {0};
	for (size_t i = 0; i < n; i++) {
		char path[600];
		snprintf(path, sizeof path, "%s/%s/expected", CORPUS, cases[i]);
		char *text = read_text(path);
		if (text)
			sb_puts(&all, text);
		free(text);
		free(cases[i]);
	}
	free(cases);
	int failures = 0;
	for (size_t i = 0; i < nrules; i++) {
		char word[128];
		snprintf(word, sizeof word, " %s ", rules[i]);
		if (!strstr(sb_str(&all), word)) {
			fprintf(stderr, "rule %s has no case in %s\n", rules[i], CORPUS);
			failures++;
		}
	}
	/* ... and no case reports a rule the document does not list. */
	char *text = strdup(sb_str(&all));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char cls[32], rule[64];
		if (sscanf(line, "%31s %63s", cls, rule) != 2 || !strcmp(cls, "exit") ||
		    !strcmp(cls, "error"))
			continue;
		bool found = false;
		for (size_t i = 0; i < nrules && !found; i++)
			found = !strcmp(rules[i], rule);
		if (!found) {
			fprintf(stderr, "rule %s is reported but not in docs/compat.md\n", rule);
			failures++;
		}
	}
	free(text);
	sb_free(&all);
	free(rules);
	free(doc);
	if (failures)
		fail_msg("%d rule(s) undocumented or untested", failures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_case_reports_what_it_expects),
		cmocka_unit_test(every_rule_is_documented_and_exercised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
