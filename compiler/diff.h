/* SPDX-License-Identifier: MIT */
/* diff.h - unified diffs of two texts, for `drvgen gen --check` (diff.c). */
#ifndef DRVGEN_DIFF_H
#define DRVGEN_DIFF_H

#include "base.h"

/* Appends to out a unified diff (`diff -u` / `git diff` form, `context`
 * lines around each change) that turns old_text into new_text, under the
 * headers "--- old_name" and "+++ new_name". Appends nothing if the texts
 * are equal. The edit script is a shortest one unless the texts differ in
 * more than DIFF_MAX_EDITS lines, when parts of it may be coarser (still
 * correct). Returns the number of hunks. */
enum { DIFF_MAX_EDITS = 20000 };
size_t diff_unified(struct strbuf *out, const char *old_name, const char *old_text, size_t old_len,
		    const char *new_name, const char *new_text, size_t new_len, unsigned context);

#endif
