// SPDX-License-Identifier: MIT
/* diff.c - a unified diff of two texts, for `drvgen gen --check`.
 *
 * The edit script is a shortest one, found with Myers' O(ND) algorithm ("An
 * O(ND) Difference Algorithm and Its Variations", 1986) in linear space: the
 * furthest-reaching paths are grown from both corners of the edit graph at
 * once until they meet, the meeting point splits the problem in two, and
 * each half is solved the same way. Lines are compared by hash first.
 */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct diff_line {
	const char *text;
	size_t len; /* with its '\n', so a last line without one differs */
	uint64_t hash;
};

struct diff_side {
	struct diff_line *lines;
	size_t count;
	bool *changed; /* deleted from the old text, or inserted into the new */
};

struct differ {
	struct diff_side old, new;
	long *forward;	/* furthest x on each diagonal k = x - y, from the start */
	long *backward; /* the same from the end, in coordinates counted backwards */
	long max_edits; /* of one half-search; the arrays hold 2 * max_edits + 3 */
};

static void split_lines(struct diff_side *side, const char *text, size_t len)
{
	size_t count = 0;
	for (size_t i = 0; i < len; i++)
		count += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		count++;
	side->lines = calloc(count + 1, sizeof *side->lines);
	side->changed = calloc(count + 1, sizeof *side->changed);
	if (!side->lines || !side->changed)
		abort();
	side->count = count;
	const char *p = text, *end = text + len;
	for (size_t i = 0; i < count; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		side->lines[i] = (struct diff_line){p, n, fnv1a64(0, p, n)};
		p += n;
	}
}

static bool same_line(const struct differ *d, size_t i, size_t j)
{
	const struct diff_line *a = &d->old.lines[i], *b = &d->new.lines[j];
	return a->hash == b->hash && a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* Grows the two searches over old[a0, a1) and new[b0, b1), both non-empty,
 * one edit at a time, until a forward path meets a backward one. The
 * forward path's end is then a point on a shortest edit path, and it lies
 * strictly inside the rectangle (a0 .. a1 and b0 .. b1 are trimmed of equal
 * lines, so at least two edits separate them). Returns false when more than
 * max_edits edits each way would be needed. */
static bool find_split(struct differ *d, size_t a0, size_t a1, size_t b0, size_t b1,
		       size_t *split_a, size_t *split_b)
{
	long n = (long)(a1 - a0), m = (long)(b1 - b0), delta = n - m;
	long limit = (n + m + 1) / 2;
	if (limit > d->max_edits)
		limit = d->max_edits;
	long mid = limit + 1, size = 2 * limit + 3;
	long *fw = d->forward + (d->max_edits + 1 - mid); /* fw[mid + k]: diagonal k */
	long *bw = d->backward + (d->max_edits + 1 - mid);
	for (long i = 0; i < size; i++)
		fw[i] = bw[i] = -1;
	fw[mid + 1] = bw[mid + 1] = 0;
	bool odd = delta & 1;
	/* Diagonals whose paths have left the rectangle are not grown again:
	 * *_low counts those cut off the low end, *_high the high end. */
	long fw_low = 0, fw_high = 0, bw_low = 0, bw_high = 0;
	for (long e = 0; e < limit; e++) {
		for (long k = -e + fw_low; k <= e - fw_high; k += 2) {
			long x = k == -e || (k != e && fw[mid + k - 1] < fw[mid + k + 1])
					 ? fw[mid + k + 1]
					 : fw[mid + k - 1] + 1;
			long y = x - k;
			while (x < n && y < m && same_line(d, a0 + (size_t)x, b0 + (size_t)y))
				x++, y++;
			fw[mid + k] = x;
			if (x > n) {
				fw_high += 2;
			} else if (y > m) {
				fw_low += 2;
			} else if (odd) {
				long rk = delta - k; /* this diagonal, seen from the end */
				if (rk >= -mid && rk < size - mid && bw[mid + rk] >= 0 &&
				    x >= n - bw[mid + rk]) {
					*split_a = a0 + (size_t)x, *split_b = b0 + (size_t)y;
					return x + y > 0 && x + y < n + m;
				}
			}
		}
		for (long k = -e + bw_low; k <= e - bw_high; k += 2) {
			long x = k == -e || (k != e && bw[mid + k - 1] < bw[mid + k + 1])
					 ? bw[mid + k + 1]
					 : bw[mid + k - 1] + 1;
			long y = x - k;
			while (x < n && y < m &&
			       same_line(d, a1 - 1 - (size_t)x, b1 - 1 - (size_t)y))
				x++, y++;
			bw[mid + k] = x;
			if (x > n) {
				bw_high += 2;
			} else if (y > m) {
				bw_low += 2;
			} else if (!odd) {
				long fk = delta - k;
				if (fk >= -mid && fk < size - mid && fw[mid + fk] >= 0) {
					long fx = fw[mid + fk], fy = fx - fk;
					if (fx >= n - x) {
						*split_a = a0 + (size_t)fx,
						*split_b = b0 + (size_t)fy;
						return fx + fy > 0 && fx + fy < n + m;
					}
				}
			}
		}
	}
	return false;
}

static void mark(bool *changed, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		changed[i] = true;
}

/* Marks the lines of old[a0, a1) and new[b0, b1) that a shortest edit
 * script deletes or inserts. */
static void compare(struct differ *d, size_t a0, size_t a1, size_t b0, size_t b1)
{
	for (;;) {
		while (a0 < a1 && b0 < b1 && same_line(d, a0, b0))
			a0++, b0++;
		while (a0 < a1 && b0 < b1 && same_line(d, a1 - 1, b1 - 1))
			a1--, b1--;
		size_t split_a, split_b;
		if (a0 == a1 || b0 == b1 || !find_split(d, a0, a1, b0, b1, &split_a, &split_b)) {
			mark(d->old.changed, a0, a1);
			mark(d->new.changed, b0, b1);
			return;
		}
		/* The first half by recursion, the second by looping: each split
		 * halves the edits, so the depth stays logarithmic. */
		compare(d, a0, split_a, b0, split_b);
		a0 = split_a, b0 = split_b;
	}
}

/* One run of changed lines: old[a0, a1) became new[b0, b1). */
struct diff_change {
	size_t a0, a1, b0, b1;
};

static void put_lines(struct strbuf *out, char mark, const struct diff_side *side, size_t from,
		      size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct diff_line *l = &side->lines[i];
		sb_putc(out, mark);
		sb_putn(out, l->text, l->len);
		if (l->text[l->len - 1] != '\n')
			sb_puts(out, "\n\\ No newline at end of file\n");
	}
}

/* "-12,5" in a hunk header; an empty range names the line before it. */
static void put_range(struct strbuf *out, char sign, size_t start, size_t len)
{
	sb_printf(out, "%c%zu", sign, len ? start + 1 : start);
	if (len != 1)
		sb_printf(out, ",%zu", len);
}

static void put_hunk(struct strbuf *out, const struct differ *d, const struct diff_change *first,
		     const struct diff_change *last, size_t context)
{
	size_t before = first->a0 < context ? first->a0 : context;
	size_t a_start = first->a0 - before, b_start = first->b0 - before;
	size_t after = d->old.count - last->a1 < context ? d->old.count - last->a1 : context;
	size_t a_end = last->a1 + after, b_end = last->b1 + after;
	sb_puts(out, "@@ ");
	put_range(out, '-', a_start, a_end - a_start);
	sb_putc(out, ' ');
	put_range(out, '+', b_start, b_end - b_start);
	sb_puts(out, " @@\n");
	size_t a = a_start;
	for (const struct diff_change *c = first; c <= last; c++) {
		put_lines(out, ' ', &d->old, a, c->a0);
		put_lines(out, '-', &d->old, c->a0, c->a1);
		put_lines(out, '+', &d->new, c->b0, c->b1);
		a = c->a1;
	}
	put_lines(out, ' ', &d->old, a, a_end);
}

size_t diff_unified(struct strbuf *out, const char *old_name, const char *old_text, size_t old_len,
		    const char *new_name, const char *new_text, size_t new_len, unsigned context)
{
	if (old_len == new_len && memcmp(old_text, new_text, old_len) == 0)
		return 0;
	struct differ d = {0};
	split_lines(&d.old, old_text, old_len);
	split_lines(&d.new, new_text, new_len);
	long most = (long)(d.old.count + d.new.count + 1) / 2;
	d.max_edits = most < DIFF_MAX_EDITS ? most : DIFF_MAX_EDITS;
	d.forward = malloc((size_t)(2 * d.max_edits + 3) * sizeof *d.forward);
	d.backward = malloc((size_t)(2 * d.max_edits + 3) * sizeof *d.backward);
	if (!d.forward || !d.backward)
		abort();
	compare(&d, 0, d.old.count, 0, d.new.count);

	/* The runs of changes, in order. Unchanged lines pair up one to one. */
	VEC(struct diff_change) changes = {0};
	struct arena scratch = {0};
	size_t a = 0, b = 0;
	for (;;) {
		while (a < d.old.count && b < d.new.count && !d.old.changed[a] && !d.new.changed[b])
			a++, b++;
		if (a == d.old.count && b == d.new.count)
			break;
		struct diff_change c = {a, a, b, b};
		while (c.a1 < d.old.count && d.old.changed[c.a1])
			c.a1++;
		while (c.b1 < d.new.count && d.new.changed[c.b1])
			c.b1++;
		vec_push(&scratch, &changes, c);
		a = c.a1, b = c.b1;
	}

	sb_printf(out, "--- %s\n+++ %s\n", old_name, new_name);
	size_t hunks = 0;
	for (size_t i = 0; i < changes.len; hunks++) {
		/* Changes closer than twice the context share a hunk. */
		size_t j = i;
		while (j + 1 < changes.len &&
		       changes.items[j + 1].a0 - changes.items[j].a1 <= 2 * context)
			j++;
		put_hunk(out, &d, &changes.items[i], &changes.items[j], context);
		i = j + 1;
	}
	arena_free(&scratch);
	free(d.old.lines);
	free(d.old.changed);
	free(d.new.lines);
	free(d.new.changed);
	free(d.forward);
	free(d.backward);
	return hunks;
}
