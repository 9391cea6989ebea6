// SPDX-License-Identifier: MIT
/* idl_parse.c - runs the IDL lexer and parser over one file and builds its AST.
 *
 * Holds the lexer's helpers (positions, doc comments, brackets, literals) and
 * the builders the grammar's actions call.
 */
#include "idl_parse.h"
#include "idl.tab.h"
#include "idl.lex.h"

#include <string.h>

/* ---- lexer helpers ---- */

void idl_lex_step(struct idl_parser *p, struct srcpos *loc, const char *text, size_t len)
{
	*loc = (struct srcpos){p->src, p->line, p->col};
	p->last_opened_by_lookahead = false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			p->line++;
			p->col = 1;
		} else if ((text[i] & 0xc0) != 0x80) {
			p->col++;
		}
	}
}

/* Consecutive '#' lines directly above a declaration are its doc text; a
 * blank line in between, or code before the '#' on its line, detaches them. */
void idl_lex_comment(struct idl_parser *p, const char *text)
{
	if (p->last_token_line == p->line)
		return;
	p->line_blank = false;
	text++;
	if (*text == ' ')
		text++;
	if (p->doc.len)
		sb_putc(&p->doc, '\n');
	sb_puts(&p->doc, text);
}

void idl_lex_newline(struct idl_parser *p)
{
	if (p->line_blank)
		p->doc.len = 0;
	p->line_blank = true;
}

const char *idl_lex_take_doc(struct idl_parser *p, const char *text)
{
	/* Called once per real token, after idl_lex_step moved past it. */
	p->last_text = text;
	p->tokens++;
	p->prev_end = p->last_end;
	p->last_end = (struct srcpos){p->src, p->line, p->col};
	p->line_blank = false;
	p->last_token_line = p->line;
	if (!p->doc.len)
		return NULL;
	const char *doc = arena_strndup(p->arena, p->doc.data, p->doc.len);
	p->doc.len = 0;
	return doc;
}

bool idl_lex_open(struct idl_parser *p, char c, struct srcpos pos)
{
	if (p->nopen == IDL_MAX_NESTING) {
		diag_report(p->diag, pos, E0405, "brackets are nested more than %d deep",
			    IDL_MAX_NESTING);
		p->stopped = true;
		return false;
	}
	p->open_pos[p->nopen] = pos;
	p->open_char[p->nopen++] = c;
	p->last_opened_by_lookahead = true;
	return true;
}

void idl_lex_close(struct idl_parser *p)
{
	if (p->nopen)
		p->nopen--;
}

void idl_lex_error(struct idl_parser *p, struct srcpos pos, enum diag_code code, const char *fmt,
		   ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vreport(p->diag, pos, code, fmt, ap);
	va_end(ap);
}

/* Names a stray character so it can be found even when it prints as
 * nothing: 'x' for printable ASCII, U+00A0 for the rest. */
void idl_lex_bad_char(struct idl_parser *p, struct srcpos pos, const char *text)
{
	const unsigned char *t = (const unsigned char *)text;
	if (t[0] > 0x20 && t[0] < 0x7f) {
		diag_report(p->diag, pos, E0401, "character '%c' is not part of the IDL", t[0]);
		return;
	}
	unsigned cp = t[0], n = 0;
	if (t[0] >= 0xf0)
		cp = t[0] & 0x07, n = 3;
	else if (t[0] >= 0xe0)
		cp = t[0] & 0x0f, n = 2;
	else if (t[0] >= 0xc0)
		cp = t[0] & 0x1f, n = 1;
	for (unsigned i = 1; i <= n && t[i]; i++)
		cp = cp << 6 | (t[i] & 0x3f);
	diag_report(p->diag, pos, E0401, "character U+%04X is not part of the IDL%s", cp,
		    cp >= 0x80 ? " (names and keywords are ASCII)" : "");
}

uint64_t idl_lex_integer(struct idl_parser *p, const char *text, struct srcpos pos)
{
	uint64_t v;
	if (parse_u64(text, &v))
		return v;
	diag_report(p->diag, pos, E0404,
		    "'%s' is not an integer (write decimal, 0x hex or 0b binary, at most 64 bits)",
		    text);
	return 0;
}

const char *idl_lex_string(struct idl_parser *p, const char *text, size_t len)
{
	char *out = arena_alloc(p->arena, len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\\' || i + 1 == len) {
			out[n++] = text[i];
			continue;
		}
		char c = text[++i];
		out[n++] = c == 'n' ? '\n' : c == 't' ? '\t' : c;
	}
	out[n] = 0;
	return out;
}

/* ---- builders for the grammar's actions ---- */

struct lstr idl_lstr(struct idl_token t, struct srcpos pos)
{
	return (struct lstr){t.text, pos};
}

struct idl_qname idl_qname_simple(struct idl_parser *p, struct idl_token t, struct srcpos pos)
{
	(void)p;
	return (struct idl_qname){NULL, t.text, t.text, pos};
}

struct idl_qname idl_qname_join(struct idl_parser *p, struct idl_qname ns, struct idl_token t)
{
	struct idl_qname q = ns;
	q.ns = ns.text;
	q.name = t.text;
	q.text = arena_printf(p->arena, "%s::%s", ns.text, t.text);
	return q;
}

struct idl_type_ast *idl_type_named(struct idl_parser *p, struct idl_qname name)
{
	struct idl_type_ast *t = NEW(p->arena, struct idl_type_ast);
	t->form = TYPE_NAMED;
	t->pos = name.pos;
	t->name = name;
	return t;
}

struct idl_type_ast *idl_type_sized(struct idl_parser *p, enum idl_type_form form,
				    struct idl_type_ast *elem, struct lnum bound, struct srcpos pos)
{
	struct idl_type_ast *t = NEW(p->arena, struct idl_type_ast);
	t->form = form;
	t->pos = pos;
	t->elem = elem;
	t->bound = bound;
	t->depth = elem ? elem->depth + 1 : 1;
	/* The checker walks types recursively; keep that walk shallow. */
	if (t->depth == IDL_MAX_NESTING + 1)
		diag_report(p->diag, pos, E0405, "types are nested more than %d deep",
			    IDL_MAX_NESTING);
	return t;
}

struct idl_annotation idl_annotation(struct idl_token at, struct idl_token name, struct srcpos pos,
				     struct srcpos name_pos)
{
	struct idl_annotation a = {0};
	a.name = (struct lstr){name.text, name_pos};
	a.doc = at.doc;
	a.pos = pos;
	return a;
}

struct idl_decl_ast *idl_decl(struct idl_parser *p, enum idl_decl_kind kind,
			      struct idl_annotation_list annots, struct idl_token keyword,
			      struct idl_token name, struct srcpos name_pos)
{
	struct idl_decl_ast *d = NEW(p->arena, struct idl_decl_ast);
	d->kind = kind;
	d->name = (struct lstr){name.text, name_pos};
	d->doc = annots.doc ? annots.doc : keyword.doc;
	d->annotations = annots.list;
	return d;
}

struct idl_member_ast idl_member(struct idl_annotation_list annots, struct idl_token name,
				 struct srcpos pos)
{
	struct idl_member_ast m = {0};
	m.name = (struct lstr){name.text, pos};
	m.doc = annots.doc ? annots.doc : name.doc;
	m.annotations = annots.list;
	return m;
}

struct idl_method_ast *idl_method(struct idl_parser *p, enum ir_method_kind kind,
				  struct idl_annotation_list annots, struct idl_token keyword,
				  struct idl_token name, struct srcpos name_pos, struct idl_caps caps,
				  idl_member_list params)
{
	struct idl_method_ast *m = NEW(p->arena, struct idl_method_ast);
	m->kind = kind;
	m->name = (struct lstr){name.text, name_pos};
	m->doc = annots.doc ? annots.doc : keyword.doc;
	m->annotations = annots.list;
	m->caps_in = caps.in;
	m->caps_out = caps.out;
	m->params = params;
	return m;
}

void idl_add_decl(struct idl_parser *p, struct idl_decl_ast *d)
{
	vec_push(p->arena, &p->ast->decls, d);
}

/* Bison names tokens by their alias in quotes ("\"name\"") or as a
 * character literal ("'{'"); messages want  name  and  '{'. */
const char *idl_describe_token(const char *bison_name)
{
	/* Bison's names live as long as the program; strip the quotes in a
	 * copy per call site's lifetime: a small ring of buffers suffices for
	 * the few names one message lists. */
	static char ring[64][40];
	static unsigned next;
	size_t len = strlen(bison_name);
	if (len >= 2 && bison_name[0] == '"' && bison_name[len - 1] == '"' && len - 2 < 40) {
		char *buf = ring[next++ % 64];
		memcpy(buf, bison_name + 1, len - 2);
		buf[len - 2] = 0;
		return buf;
	}
	return bison_name;
}

/* ---- entry point ---- */

struct idl_ast *idl_parse(struct arena *a, struct diag_engine *d, const struct source *src)
{
	struct idl_parser p = {
		.arena = a, .diag = d, .src = src, .line = 1, .col = 1, .line_blank = true};
	p.ast = NEW(a, struct idl_ast);
	p.ast->src = src;
	size_t errors_before = d->errors;

	yyscan_t scanner;
	if (idl_yylex_init_extra(&p, &scanner))
		return NULL;
	YY_BUFFER_STATE buf = idl_yy_scan_bytes(src->text, (int)src->len, scanner);
	int rc = idl_yyparse(scanner, &p);
	idl_yy_delete_buffer(buf, scanner);
	idl_yylex_destroy(scanner);
	sb_free(&p.doc);
	return rc == 0 && d->errors == errors_before ? p.ast : NULL;
}
