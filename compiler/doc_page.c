// SPDX-License-Identifier: MIT
/* doc_page.c - the pages of `drvgen doc` as Markdown and as HTML (doc_page.h). */
#include "doc_page.h"

#include <stdarg.h>
#include <string.h>

static struct doc_block *add(struct doc_page *p, enum doc_block_kind kind)
{
	struct doc_block *b = NEW(p->arena, struct doc_block);
	b->kind = kind;
	b->arena = p->arena;
	vec_push(p->arena, &p->blocks, b);
	return b;
}

static const char *vformat(struct arena *a, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
static const char *vformat(struct arena *a, const char *fmt, va_list ap)
{
	struct strbuf sb = {0};
	sb_vprintf(&sb, fmt, ap);
	const char *s = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return s;
}

void doc_heading(struct doc_page *p, unsigned level, const char *anchor, const char *fmt, ...)
{
	struct doc_block *b = add(p, DOC_HEADING);
	va_list ap;
	va_start(ap, fmt);
	b->text = vformat(p->arena, fmt, ap);
	va_end(ap);
	b->level = level;
	b->anchor = anchor;
}

void doc_para(struct doc_page *p, const char *fmt, ...)
{
	struct doc_block *b = add(p, DOC_PARA);
	va_list ap;
	va_start(ap, fmt);
	b->text = vformat(p->arena, fmt, ap);
	va_end(ap);
}

struct doc_block *doc_table(struct doc_page *p, const char *header)
{
	struct doc_block *b = add(p, DOC_TABLE);
	for (const char *s = header; s;) {
		const char *bar = strchr(s, '|');
		struct doc_cell c = {arena_strndup(p->arena, s, bar ? (size_t)(bar - s) : strlen(s)),
				     NULL};
		vec_push(p->arena, &b->cells, c);
		s = bar ? bar + 1 : NULL;
	}
	b->columns = b->cells.len;
	return b;
}

void doc_cell(struct doc_block *table, const char *link, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct doc_cell c = {vformat(table->arena, fmt, ap), link};
	va_end(ap);
	vec_push(table->arena, &table->cells, c);
}

void doc_figure(struct doc_page *p, const char *file, const char *svg, const char *caption)
{
	struct doc_block *b = add(p, DOC_FIGURE);
	b->file = file;
	b->svg = svg;
	b->text = caption;
}

/* ---- Markdown ---- */

/* A table cell: one line, its bars escaped. */
static void md_cell(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			sb_puts(out, "\\|");
		else
			sb_putc(out, *s == '\n' ? ' ' : *s);
	}
}

void doc_markdown(const struct doc_page *p, struct strbuf *out)
{
	for (size_t i = 0; i < p->blocks.len; i++) {
		const struct doc_block *b = p->blocks.items[i];
		if (i)
			sb_putc(out, '\n');
		switch (b->kind) {
		case DOC_HEADING:
			if (b->anchor)
				sb_printf(out, "<a id=\"%s\"></a>\n\n", b->anchor);
			sb_printf(out, "%.*s %s\n", (int)b->level, "####", b->text);
			break;
		case DOC_PARA:
			sb_printf(out, "%s\n", b->text);
			break;
		case DOC_TABLE:
			for (size_t k = 0; k < b->cells.len; k++) {
				const struct doc_cell *c = &b->cells.items[k];
				sb_puts(out, k % b->columns ? " | " : "| ");
				if (c->link)
					sb_putc(out, '[');
				md_cell(out, c->text);
				if (c->link)
					sb_printf(out, "](%s%s)", c->link, *c->link == '#' ? "" : ".md");
				if (k % b->columns == b->columns - 1) {
					sb_puts(out, " |\n");
					for (size_t j = 0; k < b->columns && j < b->columns; j++)
						sb_puts(out, j ? "---|" : "|---|");
					if (k < b->columns)
						sb_putc(out, '\n');
				}
			}
			break;
		case DOC_FIGURE:
			sb_printf(out, "![%s](%s)\n", b->text, b->file);
			break;
		}
	}
}

/* ---- HTML ---- */

/* Text, escaped, its `code` spans as <code>. */
static void html_text(struct strbuf *out, const char *s)
{
	bool code = false;
	for (; *s; s++) {
		switch (*s) {
		case '&':
			sb_puts(out, "&amp;");
			break;
		case '<':
			sb_puts(out, "&lt;");
			break;
		case '>':
			sb_puts(out, "&gt;");
			break;
		case '"':
			sb_puts(out, "&quot;");
			break;
		case '`':
			sb_puts(out, code ? "</code>" : "<code>");
			code = !code;
			break;
		default:
			sb_putc(out, *s);
		}
	}
	if (code)
		sb_puts(out, "</code>");
}

static const char style[] =
	"body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;"
	"max-width:1100px;margin:2em auto;padding:0 1.5em}"
	"h1{border-bottom:2px solid #d0d7de;padding-bottom:.2em}"
	"h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:2em}"
	"h3{margin-top:1.8em}"
	"code{font:13px ui-monospace,'DejaVu Sans Mono',monospace;background:#f3f4f6;"
	"padding:.1em .3em;border-radius:4px}"
	"table{border-collapse:collapse;margin:.8em 0}"
	"th,td{border:1px solid #d0d7de;padding:.3em .7em;text-align:left;vertical-align:top}"
	"th{background:#f6f8fa}td code{white-space:nowrap}"
	"figure{margin:1em 0;overflow-x:auto}"
	"figcaption{font-size:13px;color:#59636e}"
	"a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}";

void doc_html(const struct doc_page *p, struct strbuf *out)
{
	sb_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
	sb_puts(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	sb_puts(out, "<title>");
	html_text(out, p->title);
	sb_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
	for (size_t i = 0; i < p->blocks.len; i++) {
		const struct doc_block *b = p->blocks.items[i];
		switch (b->kind) {
		case DOC_HEADING:
			sb_printf(out, "<h%u", b->level);
			if (b->anchor)
				sb_printf(out, " id=\"%s\"", b->anchor);
			sb_putc(out, '>');
			html_text(out, b->text);
			sb_printf(out, "</h%u>\n", b->level);
			break;
		case DOC_PARA:
			sb_puts(out, "<p>");
			html_text(out, b->text);
			sb_puts(out, "</p>\n");
			break;
		case DOC_TABLE:
			sb_puts(out, "<table>\n");
			for (size_t k = 0; k < b->cells.len; k++) {
				const struct doc_cell *c = &b->cells.items[k];
				const char *tag = k < b->columns ? "th" : "td";
				if (k % b->columns == 0)
					sb_puts(out, "<tr>");
				sb_printf(out, "<%s>", tag);
				if (c->link)
					sb_printf(out, "<a href=\"%s%s\">", c->link,
						  *c->link == '#' ? "" : ".html");
				html_text(out, c->text);
				if (c->link)
					sb_puts(out, "</a>");
				sb_printf(out, "</%s>", tag);
				if (k % b->columns == b->columns - 1)
					sb_puts(out, "</tr>\n");
			}
			sb_puts(out, "</table>\n");
			break;
		case DOC_FIGURE:
			sb_printf(out, "<figure>\n%s<figcaption>", b->svg);
			html_text(out, b->text);
			sb_puts(out, "</figcaption>\n</figure>\n");
			break;
		}
	}
	sb_puts(out, "</body>\n</html>\n");
}
