/* SPDX-License-Identifier: MIT */
/* idl_parse.h - what idl.l, idl.y and idl_parse.c share.
 *
 * The grammar's actions are one-line calls into the builders declared here,
 * so the grammar file reads as a grammar; the lexer keeps positions, doc
 * comments and open brackets in the same parser state.
 */
#ifndef DRVGEN_IDL_PARSE_H
#define DRVGEN_IDL_PARSE_H

#include "ast.h"

/* A token's text with the doc comment written directly above it. */
struct idl_token {
	const char *text;
	const char *doc;
};

struct idl_annotation_list {
	idl_annotations list;
	const char *doc; /* the doc comment above the first annotation */
};

struct idl_signed {
	struct lnum num; /* the magnitude */
	bool negative;
};

struct idl_caps {
	idl_cap_list in, out;
};

enum { IDL_MAX_NESTING = 32 };

struct idl_parser {
	struct arena *arena;
	struct diag_engine *diag;
	const struct source *src;
	struct idl_ast *ast;
	/* lexer position and doc-comment state */
	uint32_t line, col;
	struct strbuf doc;        /* '#' lines collected since the last token */
	uint32_t last_token_line; /* a comment on this line trails code: not a doc */
	bool line_blank;          /* nothing but spaces so far on this line */
	/* open brackets, for "to close '{' opened here" notes */
	struct srcpos open_pos[IDL_MAX_NESTING];
	char open_char[IDL_MAX_NESTING];
	size_t nopen;
	bool stopped; /* a fatal lexer error ended the parse: report nothing more */
	const char *last_text; /* the latest token, quoted in syntax errors */
	unsigned tokens;       /* tokens so far: none means a file of comments */
	struct srcpos prev_end; /* just past the token before the latest one */
	struct srcpos last_end;
	bool last_opened_by_lookahead; /* the latest token opened a bracket */
};

/* ---- used by the lexer (idl.l) ---- */
void idl_lex_step(struct idl_parser *p, struct srcpos *loc, const char *text, size_t len);
void idl_lex_comment(struct idl_parser *p, const char *text);
void idl_lex_newline(struct idl_parser *p);
const char *idl_lex_take_doc(struct idl_parser *p, const char *text);
bool idl_lex_open(struct idl_parser *p, char c, struct srcpos pos);
void idl_lex_close(struct idl_parser *p);
uint64_t idl_lex_integer(struct idl_parser *p, const char *text, struct srcpos pos);
const char *idl_lex_string(struct idl_parser *p, const char *text, size_t len);
void idl_lex_bad_char(struct idl_parser *p, struct srcpos pos, const char *text);
void idl_lex_error(struct idl_parser *p, struct srcpos pos, enum diag_code code, const char *fmt,
		   ...) PRINTF_LIKE(4, 5);

/* ---- used by the grammar (idl.y) ---- */
struct lstr idl_lstr(struct idl_token t, struct srcpos pos);
struct idl_qname idl_qname_simple(struct idl_parser *p, struct idl_token t, struct srcpos pos);
struct idl_qname idl_qname_join(struct idl_parser *p, struct idl_qname ns, struct idl_token t);
struct idl_type_ast *idl_type_named(struct idl_parser *p, struct idl_qname name);
struct idl_type_ast *idl_type_sized(struct idl_parser *p, enum idl_type_form form,
				    struct idl_type_ast *elem, struct lnum bound, struct srcpos pos);
struct idl_annotation idl_annotation(struct idl_token at, struct idl_token name, struct srcpos pos,
				     struct srcpos name_pos);
struct idl_decl_ast *idl_decl(struct idl_parser *p, enum idl_decl_kind kind,
			      struct idl_annotation_list annots, struct idl_token keyword,
			      struct idl_token name, struct srcpos name_pos);
struct idl_member_ast idl_member(struct idl_annotation_list annots, struct idl_token name,
				 struct srcpos pos);
struct idl_method_ast *idl_method(struct idl_parser *p, enum ir_method_kind kind,
				  struct idl_annotation_list annots, struct idl_token keyword,
				  struct idl_token name, struct srcpos name_pos, struct idl_caps caps,
				  idl_member_list params);
void idl_add_decl(struct idl_parser *p, struct idl_decl_ast *d);
const char *idl_describe_token(const char *bison_name);

#endif
