/* SPDX-License-Identifier: MIT */
/* doc_page.h - a page of `drvgen doc`, built once and written twice: as
 * Markdown, and as one self-contained HTML page (its style and its
 * drawings inline). Text is plain, but for `code` spans between
 * backquotes, which both renderings keep.
 */
#ifndef DRVGEN_DOC_PAGE_H
#define DRVGEN_DOC_PAGE_H

#include "base.h"

enum doc_block_kind { DOC_HEADING, DOC_PARA, DOC_TABLE, DOC_FIGURE };

struct doc_cell {
	const char *text;
	/* "#anchor" of the page, or "name" of another page (name.md from the
	 * Markdown, name.html from the HTML); NULL: none */
	const char *link;
};

struct doc_block {
	struct arena *arena; /* the page's */
	enum doc_block_kind kind;
	unsigned level;       /* a heading's, 1 to 4 */
	const char *text;     /* a heading's, a paragraph's; a figure's caption */
	const char *anchor;   /* a heading's, or NULL */
	size_t columns;       /* a table's */
	VEC(struct doc_cell) cells; /* a table's: the header row, then each row */
	const char *svg;      /* a figure's drawing */
	const char *file;     /* a figure's file, which the Markdown shows */
};

struct doc_page {
	struct arena *arena;
	const char *title;
	VEC(struct doc_block *) blocks;
};

void doc_heading(struct doc_page *p, unsigned level, const char *anchor, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
void doc_para(struct doc_page *p, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* A table of the columns named in `header` ("offset|register|..."); its
 * cells follow, row by row, with doc_cell. */
struct doc_block *doc_table(struct doc_page *p, const char *header);
void doc_cell(struct doc_block *table, const char *link, const char *fmt, ...) PRINTF_LIKE(3, 4);
void doc_figure(struct doc_page *p, const char *file, const char *svg, const char *caption);

void doc_markdown(const struct doc_page *p, struct strbuf *out);
void doc_html(const struct doc_page *p, struct strbuf *out);

#endif
