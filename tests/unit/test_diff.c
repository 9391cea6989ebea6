// SPDX-License-Identifier: MIT
/* test_diff.c - the unified diff `drvgen gen --check` prints (compiler/diff.c):
 * exact output for small cases, and for thousands of random pairs of texts,
 * that applying the diff to the old text gives the new one and that it
 * deletes and inserts no more lines than a longest common subsequence
 * leaves over. */
#include "harness.h"

#include "diff.h"

#include <stdlib.h>

static char *diff_of(const char *old_text, const char *new_text, unsigned context)
{
	struct strbuf out = {0};
	diff_unified(&out, "a/f", old_text, strlen(old_text), "b/f", new_text, strlen(new_text),
		     context);
	return out.data ? out.data : strdup("");
}

static void equal_texts_give_no_diff(void **state)
{
	(void)state;
	char *d = diff_of("a\nb\n", "a\nb\n", 3);
	assert_string_equal(d, "");
	free(d);
}

static void one_changed_line(void **state)
{
	(void)state;
	char *d = diff_of("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n", 3);
	assert_string_equal(d, "--- a/f\n+++ b/f\n"
			       "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
	free(d);
}

static void far_changes_get_their_own_hunks(void **state)
{
	(void)state;
	char *d = diff_of("a\n1\n2\n3\n4\n5\n6\n7\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\nB\n", 1);
	assert_string_equal(d, "--- a/f\n+++ b/f\n"
			       "@@ -1,2 +1,2 @@\n-a\n+A\n 1\n"
			       "@@ -8,2 +8,2 @@\n 7\n-b\n+B\n");
	free(d);
	/* Within twice the context they share one. */
	d = diff_of("a\n1\n2\nb\n", "A\n1\n2\nB\n", 1);
	assert_string_equal(d, "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n-b\n+B\n");
	free(d);
}

static void insertion_into_empty_and_deletion_to_empty(void **state)
{
	(void)state;
	char *d = diff_of("", "x\ny\n", 3);
	assert_string_equal(d, "--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+x\n+y\n");
	free(d);
	d = diff_of("x\n", "", 3);
	assert_string_equal(d, "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-x\n");
	free(d);
	/* A pure insertion names the line before it. */
	d = diff_of("a\nb\n", "a\nnew\nb\n", 0);
	assert_string_equal(d, "--- a/f\n+++ b/f\n@@ -1,0 +2 @@\n+new\n");
	free(d);
}

static void missing_final_newline(void **state)
{
	(void)state;
	char *d = diff_of("a\nb", "a\nb\n", 3);
	assert_string_equal(d, "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n"
			       "\\ No newline at end of file\n+b\n");
	free(d);
}

/* ---- random texts against a reference ---- */

struct lines {
	char **items;
	size_t n;
};

static struct lines split(const char *text)
{
	struct lines l = {0};
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		l.items = realloc(l.items, (l.n + 1) * sizeof *l.items);
		l.items[l.n++] = strndup(p, len);
		p += len;
	}
	return l;
}

static void free_lines(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
}

static size_t lcs_length(const struct lines *a, const struct lines *b)
{
	size_t *row = calloc((b->n + 1) * (a->n + 1), sizeof *row);
	for (size_t i = 1; i <= a->n; i++)
		for (size_t j = 1; j <= b->n; j++) {
			size_t *cell = &row[i * (b->n + 1) + j];
			if (!strcmp(a->items[i - 1], b->items[j - 1]))
				*cell = row[(i - 1) * (b->n + 1) + j - 1] + 1;
			else {
				size_t up = row[(i - 1) * (b->n + 1) + j], left = cell[-1];
				*cell = up > left ? up : left;
			}
		}
	size_t len = row[a->n * (b->n + 1) + b->n];
	free(row);
	return len;
}

/* Applies the diff to old, strictly: context and deleted lines must match
 * and hunk headers must agree with their bodies. Counts the edits. */
static char *apply(const char *old_text, const char *diff, size_t *edits)
{
	struct lines old = split(old_text), d = split(diff);
	struct strbuf out = {0};
	size_t at = 0; /* next old line to copy */
	*edits = 0;
	assert_true(d.n >= 2 || !d.n);
	for (size_t i = 2; i < d.n;) {
		unsigned long a_start, a_len = 1, b_start, b_len = 1;
		const char *h = d.items[i];
		assert_int_equal(strncmp(h, "@@ -", 4), 0);
		char *p;
		a_start = strtoul(h + 4, &p, 10);
		if (*p == ',')
			a_len = strtoul(p + 1, &p, 10);
		assert_int_equal(strncmp(p, " +", 2), 0);
		b_start = strtoul(p + 2, &p, 10);
		if (*p == ',')
			b_len = strtoul(p + 1, &p, 10);
		(void)b_start;
		size_t first = a_len ? a_start - 1 : a_start;
		assert_true(first >= at);
		for (; at < first; at++)
			sb_puts(&out, old.items[at]);
		size_t seen_a = 0, seen_b = 0;
		for (i++; i < d.n && d.items[i][0] != '@'; i++) {
			const char *l = d.items[i];
			char line[256];
			snprintf(line, sizeof line, "%s", l + 1);
			if (i + 1 < d.n && d.items[i + 1][0] == '\\')
				line[strlen(line) - 1] = 0; /* no newline at the end */
			if (l[0] == '\\')
				continue;
			if (l[0] == ' ' || l[0] == '-') {
				assert_true(at < old.n);
				assert_string_equal(old.items[at], line);
				at++;
				seen_a++;
			}
			if (l[0] == ' ' || l[0] == '+') {
				sb_puts(&out, line);
				seen_b++;
			}
			*edits += l[0] != ' ';
		}
		assert_int_equal(seen_a, a_len);
		assert_int_equal(seen_b, b_len);
	}
	for (; at < old.n; at++)
		sb_puts(&out, old.items[at]);
	free_lines(&old);
	free_lines(&d);
	return out.data ? out.data : strdup("");
}

static char *random_text(unsigned *seed, unsigned lines, unsigned alphabet)
{
	struct strbuf sb = {0};
	unsigned n = (unsigned)rand_r(seed) % (lines + 1);
	for (unsigned i = 0; i < n; i++)
		sb_printf(&sb, "%c\n", 'a' + rand_r(seed) % alphabet);
	if (n && rand_r(seed) % 8 == 0)
		sb.data[--sb.len] = 0; /* sometimes no final newline */
	return sb.data ? sb.data : strdup("");
}

static void random_pairs_apply_and_are_shortest(void **state)
{
	(void)state;
	unsigned seed = 12345;
	for (int round = 0; round < 4000; round++) {
		unsigned size = round < 2000 ? 12 : 60;
		char *a = random_text(&seed, size, round % 3 ? 4 : 2);
		char *b;
		if (round % 2) {
			b = random_text(&seed, size, round % 3 ? 4 : 2);
		} else { /* a few edits of a: the usual case */
			struct strbuf sb = {0};
			struct lines la = split(a);
			for (size_t i = 0; i < la.n; i++) {
				unsigned r = (unsigned)rand_r(&seed) % 10;
				if (r == 0)
					continue;
				if (r == 1)
					sb_puts(&sb, "new\n");
				sb_puts(&sb, la.items[i]);
			}
			free_lines(&la);
			b = sb.data ? sb.data : strdup("");
		}
		unsigned context = (unsigned)round % 4;
		char *d = diff_of(a, b, context);
		size_t edits = 0;
		char *applied = apply(a, d, &edits);
		if (strcmp(applied, b) != 0)
			fail_msg("round %d: the diff does not turn\n%s\ninto\n%s\ndiff:\n%s", round,
				 a, b, d);
		struct lines la = split(a), lb = split(b);
		size_t shortest = la.n + lb.n - 2 * lcs_length(&la, &lb);
		if (edits != shortest)
			fail_msg("round %d: %zu edits, the shortest script has %zu\n%s", round,
				 edits, shortest, d);
		free_lines(&la);
		free_lines(&lb);
		free(applied);
		free(d);
		free(a);
		free(b);
	}
}

/* A generated header of thousands of lines with two calls added: two small
 * hunks, found quickly. */
static void large_text_small_change(void **state)
{
	(void)state;
	struct strbuf a = {0}, b = {0};
	for (int i = 0; i < 50000; i++) {
		sb_printf(&a, "line %d\n", i);
		if (i == 100 || i == 40000)
			sb_printf(&b, "inserted after %d\n", i - 1);
		sb_printf(&b, "line %d\n", i);
	}
	struct strbuf out = {0};
	size_t hunks = diff_unified(&out, "a", a.data, a.len, "b", b.data, b.len, 3);
	assert_int_equal(hunks, 2);
	assert_non_null(strstr(sb_str(&out), "@@ -98,6 +98,7 @@\n line 97\n line 98\n line 99\n"
					     "+inserted after 99\n line 100\n"));
	sb_free(&out);
	sb_free(&a);
	sb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_texts_give_no_diff),
		cmocka_unit_test(one_changed_line),
		cmocka_unit_test(far_changes_get_their_own_hunks),
		cmocka_unit_test(insertion_into_empty_and_deletion_to_empty),
		cmocka_unit_test(missing_final_newline),
		cmocka_unit_test(random_pairs_apply_and_are_shortest),
		cmocka_unit_test(large_text_small_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
