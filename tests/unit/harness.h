/* SPDX-License-Identifier: MIT */
/* harness.h - running drvgen in-process from cmocka tests.
 *
 * A test hands specs as (file name, text) pairs, gets the IR or the sorted
 * diagnostics back, and asserts on codes and positions, never on message
 * wording (the corpus and the docs pin the wording's intent, not its text).
 */
#ifndef DRVGEN_TEST_HARNESS_H
#define DRVGEN_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "drvgen.h"
#include "ir.h"

struct run {
	struct drvgen *g;
	const struct ir *ir;
	int status;
};

/* run_texts(&r, "a.idl", "namespace a; ...", "b.regs.yaml", "...", NULL) */
static inline void run_texts(struct run *r, const char *name, ...)
{
	r->g = drvgen_new(NULL);
	va_list ap;
	va_start(ap, name);
	for (const char *n = name; n; n = va_arg(ap, const char *)) {
		const char *text = va_arg(ap, const char *);
		drvgen_add_text(r->g, n, text, strlen(text));
	}
	va_end(ap);
	r->ir = drvgen_build(r->g);
	r->status = drvgen_status(r->g);
}

static inline void run_paths(struct run *r, const char *path, ...)
{
	r->g = drvgen_new(NULL);
	va_list ap;
	va_start(ap, path);
	for (const char *p = path; p; p = va_arg(ap, const char *))
		drvgen_add_path(r->g, p);
	va_end(ap);
	r->ir = drvgen_build(r->g);
	r->status = drvgen_status(r->g);
}

static inline void run_free(struct run *r)
{
	drvgen_free(r->g);
	r->g = NULL;
}

static inline void print_diagnostics(const struct run *r)
{
	for (size_t i = 0; i < drvgen_diagnostic_count(r->g); i++) {
		struct strbuf sb = {0};
		diag_render(&sb, drvgen_diagnostic(r->g, i), false);
		fputs(sb_str(&sb), stderr);
		sb_free(&sb);
	}
}

/* Asserts that some diagnostic has this code at this line and column
 * (line 0: anywhere in the file). */
static inline void assert_diag_at(const struct run *r, const char *code, unsigned line, unsigned col)
{
	for (size_t i = 0; i < drvgen_diagnostic_count(r->g); i++) {
		const struct diagnostic *d = drvgen_diagnostic(r->g, i);
		if (!strcmp(diag_code_name(d->code), code) && (!line || (d->pos.line == line &&
									 d->pos.col == col)))
			return;
	}
	print_diagnostics(r);
	fail_msg("expected %s at %u:%u", code, line, col);
}

/* Asserts the run produced exactly one diagnostic, with this code. */
static inline void assert_only_diag(const struct run *r, const char *code)
{
	if (drvgen_diagnostic_count(r->g) != 1 ||
	    strcmp(diag_code_name(drvgen_diagnostic(r->g, 0)->code), code) != 0) {
		print_diagnostics(r);
		fail_msg("expected exactly one %s, got %zu diagnostics", code,
			 drvgen_diagnostic_count(r->g));
	}
}

static inline void assert_clean(const struct run *r)
{
	if (drvgen_diagnostic_count(r->g) || !r->ir) {
		print_diagnostics(r);
		fail_msg("expected no diagnostics");
	}
}

/* ---- corpus helpers ---- */

/* A file's whole text, NUL-terminated ("" if empty); NULL if it cannot be
 * read. The caller frees it. */
static inline char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_putn(&sb, buf, n);
	fclose(f);
	sb_putn(&sb, "", 0);
	return sb.data;
}

static inline int harness_compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in folder dir that start with one of the characters of
 * `first` (NULL: any but '.'), sorted: a corpus's cases. The caller frees
 * each name and the array. */
static inline size_t list_cases_in(const char *dir, const char *first, char ***out)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (first ? e->d_name[0] && strchr(first, e->d_name[0]) : e->d_name[0] != '.') {
			names = realloc(names, (n + 1) * sizeof *names);
			names[n++] = strdup(e->d_name);
		}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, harness_compare_names);
	*out = names;
	return n;
}

#endif
