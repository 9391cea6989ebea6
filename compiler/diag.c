// SPDX-License-Identifier: MIT
/* diag.c - collecting diagnostics and printing them with the source line and a caret. */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *slug, *summary;
	int status;
} code_table[] = {
#define DIAG(code, slug, status, summary) {#code, #slug, summary, status},
#include "diag_codes.def"
#undef DIAG
};

/* Names compared for "did you mean" hints in one run: a million, a few
 * tenths of a second at most. */
enum { DIAG_HINT_BUDGET = 1 << 20 };

void diag_init(struct diag_engine *d, struct arena *a)
{
	d->arena = a;
	d->hint_budget = DIAG_HINT_BUDGET;
	for (int code = 0; code < DIAG_CODE_COUNT; code++)
		d->level[code] = code_table[code].status ? DIAG_ERROR : DIAG_WARNING;
}

bool diag_spend_hint(struct diag_engine *d, size_t n)
{
	if (n > d->hint_budget)
		return false;
	d->hint_budget -= n;
	return true;
}

const char *diag_code_name(enum diag_code code)
{
	return code_table[code].name;
}

const char *diag_code_slug(enum diag_code code)
{
	return code_table[code].slug;
}

const char *diag_code_summary(enum diag_code code)
{
	return code_table[code].summary;
}

int diag_code_status(enum diag_code code)
{
	return code_table[code].status;
}

bool diag_code_is_warning(enum diag_code code)
{
	return code_table[code].status == 0;
}

bool diag_code_of(const char *name, enum diag_code *code)
{
	for (int c = 0; c < DIAG_CODE_COUNT; c++)
		if (!strcmp(name, code_table[c].name) || !strcmp(name, code_table[c].slug)) {
			*code = (enum diag_code)c;
			return true;
		}
	return false;
}

bool diag_set_level(struct diag_engine *d, const char *option, bool error)
{
	bool no = !strncmp(option, "no-", 3);
	enum diag_code code;
	if (!diag_code_of(no ? option + 3 : option, &code) || !diag_code_is_warning(code))
		return false;
	if (error)
		d->level[code] = no ? DIAG_WARNING : DIAG_ERROR;
	else
		d->level[code] = no ? DIAG_OFF : DIAG_WARNING;
	return true;
}

void diag_vreport(struct diag_engine *d, struct srcpos pos, enum diag_code code, const char *fmt,
		  va_list ap)
{
	if (d->level[code] == DIAG_OFF) {
		d->muted = true; /* its notes go too */
		return;
	}
	d->muted = false;
	struct diagnostic *dg = NEW(d->arena, struct diagnostic);
	dg->code = code;
	dg->error = d->level[code] == DIAG_ERROR;
	dg->pos = pos;
	dg->message = arena_vprintf(d->arena, fmt, ap);
	dg->seq = d->list.len;
	vec_push(d->arena, &d->list, dg);
	if (dg->error)
		d->errors++;
	else
		d->warnings++;
	int status = dg->error ? (code_table[code].status ? code_table[code].status : 1) : 0;
	if (status > d->status)
		d->status = status;
}

void diag_report(struct diag_engine *d, struct srcpos pos, enum diag_code code, const char *fmt,
		 ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vreport(d, pos, code, fmt, ap);
	va_end(ap);
}

void diag_note(struct diag_engine *d, struct srcpos pos, const char *fmt, ...)
{
	if (!d->list.len || d->muted)
		return;
	struct diagnostic *dg = d->list.items[d->list.len - 1];
	va_list ap;
	va_start(ap, fmt);
	struct diag_note note = {pos, arena_vprintf(d->arena, fmt, ap)};
	va_end(ap);
	vec_push(d->arena, &dg->notes, note);
}

static int compare_pos(struct srcpos a, struct srcpos b)
{
	unsigned ao = a.src ? a.src->order : 0, bo = b.src ? b.src->order : 0;
	if (ao != bo)
		return ao < bo ? -1 : 1;
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.col != b.col)
		return a.col < b.col ? -1 : 1;
	return 0;
}

static int compare_diag(const void *pa, const void *pb)
{
	const struct diagnostic *a = *(const struct diagnostic *const *)pa;
	const struct diagnostic *b = *(const struct diagnostic *const *)pb;
	int c = compare_pos(a->pos, b->pos);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool same_diag(const struct diagnostic *a, const struct diagnostic *b)
{
	return a->code == b->code && a->pos.src == b->pos.src && compare_pos(a->pos, b->pos) == 0 &&
	       strcmp(a->message, b->message) == 0;
}

void diag_sort(struct diag_engine *d)
{
	if (d->list.len)
		qsort(d->list.items, d->list.len, sizeof *d->list.items, compare_diag);
	size_t kept = 0;
	for (size_t i = 0; i < d->list.len; i++) {
		struct diagnostic *dg = d->list.items[i];
		if (kept && same_diag(d->list.items[kept - 1], dg)) {
			if (dg->error)
				d->errors--;
			else
				d->warnings--;
			continue;
		}
		d->list.items[kept++] = dg;
	}
	d->list.len = kept;
}

/* ---- rendering ---- */

enum { QUOTE_WIDTH = 160 };

static const char *paint(bool color, const char *code)
{
	return color ? code : "";
}

static void render_location(struct strbuf *out, struct srcpos pos, bool color)
{
	if (!pos.src)
		return;
	sb_printf(out, "%s%s", paint(color, "\033[1m"), pos.src->path);
	if (pos.line)
		sb_printf(out, ":%u:%u", pos.line, pos.col);
	sb_printf(out, ":%s ", paint(color, "\033[0m"));
}

static size_t byte_of_column(const char *line, size_t len, uint32_t col)
{
	size_t i = 0;
	for (uint32_t c = 1; c < col && i < len; c++) {
		i++;
		while (i < len && (line[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

/* Writes source text for a terminal: control characters, and the
 * bidirectional overrides of "Trojan Source", become '?', one column each
 * like the character they replace, so the caret still lines up. */
static void put_printable(struct strbuf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		const unsigned char *p = (const unsigned char *)s + i;
		size_t n = 1;
		if (p[0] >= 0xc0)
			while (i + n < len && (p[n] & 0xc0) == 0x80)
				n++;
		bool control = (p[0] < 0x20 && p[0] != '\t') || p[0] == 0x7f ||
			       (p[0] == 0xc2 && n == 2 && p[1] < 0xa0) ||
			       (p[0] == 0xe2 && n == 3 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
			       (p[0] == 0xe2 && n == 3 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9);
		if (control)
			sb_putc(out, '?');
		else
			sb_putn(out, s + i, n);
		i += n;
	}
}

static size_t back_to_char_start(const char *line, size_t i)
{
	while (i > 0 && (line[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* Quotes the line with a caret under the column. A very long line is shown as
 * a window around the column so a 60 KB line does not flood the terminal. */
static void render_quote(struct strbuf *out, struct srcpos pos, bool color)
{
	size_t len;
	const char *line = source_line(pos.src, pos.line, &len);
	if (!line)
		return;
	size_t caret = byte_of_column(line, len, pos.col);
	size_t start = 0, end = len;
	if (len > QUOTE_WIDTH) {
		start = caret > QUOTE_WIDTH / 2 ? back_to_char_start(line, caret - QUOTE_WIDTH / 2) : 0;
		end = start + QUOTE_WIDTH < len ? back_to_char_start(line, start + QUOTE_WIDTH) : len;
	}
	char gutter[16];
	int gw = snprintf(gutter, sizeof gutter, "%u", pos.line);
	sb_printf(out, " %s |%s ", gutter, start ? " ..." : "");
	put_printable(out, line + start, end - start);
	sb_printf(out, "%s\n", end < len ? "..." : "");

	sb_printf(out, " %*s |%s ", gw, "", start ? "    " : "");
	for (size_t i = start; i < caret && i < len; i++) {
		if ((line[i] & 0xc0) == 0x80)
			continue;
		sb_putc(out, line[i] == '\t' ? '\t' : ' ');
	}
	sb_printf(out, "%s^%s\n", paint(color, "\033[1;32m"), paint(color, "\033[0m"));
}

void diag_render(struct strbuf *out, const struct diagnostic *dg, bool color)
{
	bool warning = !dg->error;
	render_location(out, dg->pos, color);
	sb_printf(out, "%s%s[%s]:%s %s%s%s\n", paint(color, warning ? "\033[1;33m" : "\033[1;31m"),
		  warning ? "warning" : "error", diag_code_name(dg->code), paint(color, "\033[0m"),
		  paint(color, "\033[1m"), dg->message, paint(color, "\033[0m"));
	render_quote(out, dg->pos, color);
	for (size_t i = 0; i < dg->notes.len; i++) {
		const struct diag_note *n = &dg->notes.items[i];
		render_location(out, n->pos, color);
		sb_printf(out, "%snote:%s %s\n", paint(color, "\033[1;36m"), paint(color, "\033[0m"),
			  n->message);
		render_quote(out, n->pos, color);
	}
}
