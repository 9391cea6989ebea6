/* SPDX-License-Identifier: MIT */
/* idl.y - grammar of the drvgen protocol language (docs/idl.md).
 *
 * The Helios/Mercury ipcgen protocols parse unchanged; the extensions are
 * fixed-width types, enum values and underlying types, bits, structs,
 * bounded data, typed errors, send/event, annotations, explicit interface
 * IDs and multiple inheritance. Actions are calls into idl_parse.c. Syntax
 * errors recover at the next ';' so one run reports every one of them.
 */
%define api.pure full
%define api.prefix {idl_yy}
%define api.location.type {struct srcpos}
%define parse.error custom
/* Lookahead correction: "expected" lists name exactly the tokens that could
 * continue, not what default reductions happened to leave. */
%define parse.lac full
%locations
%param {yyscan_t scanner}
%parse-param {struct idl_parser *p}
%expect 0

%code requires {
#include "idl_parse.h"
typedef void *yyscan_t;
}

%code provides {
/* flex's header names the types without the prefix. */
#define YYSTYPE IDL_YYSTYPE
#define YYLTYPE IDL_YYLTYPE
int idl_yylex(IDL_YYSTYPE *lval, IDL_YYLTYPE *lloc, yyscan_t scanner);
}

%code {
#include <string.h>

/* A rule's position is that of its first symbol. */
#define YYLLOC_DEFAULT(cur, rhs, n) ((cur) = (n) ? YYRHSLOC(rhs, 1) : YYRHSLOC(rhs, 0))
static void idl_yyerror(IDL_YYLTYPE *loc, yyscan_t scanner, struct idl_parser *p, const char *msg);
}

%union {
	struct idl_token tok;
	uint64_t num;
	const char *str;
	struct lnum lnum;
	struct idl_signed signed_num;
	struct idl_qname qname;
	idl_qname_list qnames;
	struct idl_type_ast *type;
	struct idl_annotation annotation;
	struct idl_annotation_list annots;
	struct idl_member_ast member;
	idl_member_list members;
	struct idl_cap_ast cap;
	idl_cap_list cap_list;
	struct idl_caps caps;
	struct idl_method_ast *method;
	idl_method_list methods;
	struct idl_decl_ast *decl;
}

%token <tok> IDENT "name"
%token <tok> NAMESPACE "'namespace'" USE "'use'" ENUM "'enum'" BITS "'bits'" STRUCT "'struct'"
%token <tok> ERROR "'error'" INTERFACE "'interface'" CALL "'call'" SEND "'send'" EVENT "'event'"
%token <tok> BYTES "'bytes'" STR "'str'" AT "'@'"
%token <num> INTEGER "number"
%token <str> STRING "string"
%token SCOPE "'::'" ELLIPSIS "'...'"

%type <tok> ident
%type <qname> qname
%type <qnames> qnames parents
%type <type> type underlying
%type <lnum> bound number
%type <signed_num> signed_number
%type <annotation> annotation
%type <annots> annotations
%type <member> enumerator field param
%type <members> enumerators enumerator_list fields params param_list
%type <cap> cap
%type <cap_list> cap_list caps_nonempty
%type <caps> caps
%type <method> method
%type <methods> methods
%type <decl> decl
%type <lnum> interface_id

/* "[]bytes<8>": a bound binds to the innermost type that can take one. */
%precedence UNBOUNDED
%precedence '<'

%%

file
	: NAMESPACE ident ';' items
		{ p->ast->ns = idl_lstr($2, @2); }
	;

items
	: %empty
	| items USE ident ';'
		{ vec_push(p->arena, &p->ast->uses, idl_lstr($3, @3)); }
	| items decl
		{ idl_add_decl(p, $2); }
	| items error ';'
		{ yyerrok; }
	;

/* Keywords are reserved only where they start a declaration, so a field or
 * a parameter may still be called 'error' or 'event'. */
ident
	: IDENT | NAMESPACE | USE | ENUM | BITS | STRUCT | ERROR | INTERFACE | CALL | SEND | EVENT
	;

qname
	: ident
		{ $$ = idl_qname_simple(p, $1, @1); }
	| qname SCOPE ident
		{ $$ = idl_qname_join(p, $1, $3); }
	;

qnames
	: qname
		{ $$ = (idl_qname_list){0}; vec_push(p->arena, &$$, $1); }
	| qnames ',' qname
		{ $$ = $1; vec_push(p->arena, &$$, $3); }
	;

number
	: INTEGER
		{ $$ = (struct lnum){$1, @1, true}; }
	;

signed_number
	: number
		{ $$ = (struct idl_signed){$1, false}; }
	| '-' number
		{ $$ = (struct idl_signed){$2, true}; $$.num.pos = @1; }
	;

annotation
	: AT ident
		{ $$ = idl_annotation($1, $2, @1, @2); }
	| AT ident '(' number ')'
		{ $$ = idl_annotation($1, $2, @1, @2); $$.has_arg = true; $$.num = $4.v; $$.arg_pos = @4; }
	| AT ident '(' STRING ')'
		{ $$ = idl_annotation($1, $2, @1, @2); $$.has_arg = true; $$.arg_is_string = true;
		  $$.str = $4; $$.arg_pos = @4; }
	;

annotations
	: %empty
		{ $$ = (struct idl_annotation_list){0}; }
	| annotations annotation
		{ $$ = $1; if (!$$.list.len) $$.doc = $2.doc; vec_push(p->arena, &$$.list, $2); }
	;

decl
	: annotations ENUM ident underlying '{' enumerators '}' ';'
		{ $$ = idl_decl(p, DECL_ENUM, $1, $2, $3, @3); $$->underlying = $4;
		  $$->members = $6; }
	| annotations BITS ident underlying '{' enumerators '}' ';'
		{ $$ = idl_decl(p, DECL_BITS, $1, $2, $3, @3); $$->underlying = $4;
		  $$->members = $6; }
	| annotations ERROR ident '{' enumerators '}' ';'
		{ $$ = idl_decl(p, DECL_ERROR, $1, $2, $3, @3);
		  $$->members = $5; }
	| annotations STRUCT ident '{' fields close_brace ';'
		{ $$ = idl_decl(p, DECL_STRUCT, $1, $2, $3, @3);
		  $$->members = $5; }
	| annotations INTERFACE ident interface_id parents '{' methods close_brace ';'
		{ $$ = idl_decl(p, DECL_INTERFACE, $1, $2, $3, @3); $$->id = $4;
		  $$->parents = $5; $$->methods = $7; }
	;

/* After an error in the last member (a missing ';' before '}', say), the
 * closing brace still closes the declaration instead of being skipped. */
close_brace
	: '}'
	| error '}'
		{ yyerrok; }
	;

underlying
	: %empty
		{ $$ = NULL; }
	| ':' type
		{ $$ = $2; }
	;

enumerators
	: %empty
		{ $$ = (idl_member_list){0}; }
	| enumerator_list
	| enumerator_list ','
	;

enumerator_list
	: enumerator
		{ $$ = (idl_member_list){0}; vec_push(p->arena, &$$, $1); }
	| enumerator_list ',' enumerator
		{ $$ = $1; vec_push(p->arena, &$$, $3); }
	;

enumerator
	: annotations ident
		{ $$ = idl_member($1, $2, @2); }
	| annotations ident '=' signed_number
		{ $$ = idl_member($1, $2, @2); $$.value = $4.num; $$.negative = $4.negative; }
	;

fields
	: %empty
		{ $$ = (idl_member_list){0}; }
	| fields field
		{ $$ = $1; vec_push(p->arena, &$$, $2); }
	| fields error ';'
		{ $$ = $1; yyerrok; }
	;

field
	: annotations ident ':' type ';'
		{ $$ = idl_member($1, $2, @2); $$.type = $4; }
	;

interface_id
	: %empty
		{ $$ = (struct lnum){0}; }
	| '=' number
		{ $$ = $2; }
	;

parents
	: %empty
		{ $$ = (idl_qname_list){0}; }
	| SCOPE qnames
		{ $$ = $2; }
	;

methods
	: %empty
		{ $$ = (idl_method_list){0}; }
	| methods method
		{ $$ = $1; vec_push(p->arena, &$$, $2); }
	| methods error ';'
		{ $$ = $1; yyerrok; }
	;

method
	: annotations CALL ident caps '(' params ')' type ';'
		{ $$ = idl_method(p, METHOD_CALL, $1, $2, $3, @3, $4, $6); $$->result = $8; }
	| annotations CALL ident caps '(' params ')' type '!' qname ';'
		{ $$ = idl_method(p, METHOD_CALL, $1, $2, $3, @3, $4, $6); $$->result = $8;
		  $$->error = $10; }
	| annotations SEND ident caps '(' params ')' ';'
		{ $$ = idl_method(p, METHOD_SEND, $1, $2, $3, @3, $4, $6); }
	| annotations EVENT ident caps '(' params ')' ';'
		{ $$ = idl_method(p, METHOD_EVENT, $1, $2, $3, @3, $4, $6); }
	;

/* {caps_in} or {caps_in; caps_out}, as in ipcgen's read{pages: page...} and new{; out}. */
caps
	: %empty
		{ $$ = (struct idl_caps){0}; }
	| '{' cap_list '}'
		{ $$ = (struct idl_caps){0}; $$.in = $2; }
	| '{' cap_list ';' cap_list '}'
		{ $$.in = $2; $$.out = $4; }
	/* Safe only because the '{' leaves the stack once the caps reduce; a
	 * rule like this for '(' params ')' would catch errors after the ')'. */
	| '{' error '}'
		{ $$ = (struct idl_caps){0}; yyerrok; }
	;

cap_list
	: %empty
		{ $$ = (idl_cap_list){0}; }
	| caps_nonempty
	;

caps_nonempty
	: cap
		{ $$ = (idl_cap_list){0}; vec_push(p->arena, &$$, $1); }
	| caps_nonempty ',' cap
		{ $$ = $1; vec_push(p->arena, &$$, $3); }
	;

cap
	: ident
		{ $$ = (struct idl_cap_ast){idl_lstr($1, @1), {0}, false}; }
	| ident ':' qname
		{ $$ = (struct idl_cap_ast){idl_lstr($1, @1), $3, false}; }
	| ident ':' qname ELLIPSIS
		{ $$ = (struct idl_cap_ast){idl_lstr($1, @1), $3, true}; }
	;

params
	: %empty
		{ $$ = (idl_member_list){0}; }
	| param_list
	| param_list ','
	;

param_list
	: param
		{ $$ = (idl_member_list){0}; vec_push(p->arena, &$$, $1); }
	| param_list ',' param
		{ $$ = $1; vec_push(p->arena, &$$, $3); }
	;

param
	: annotations ident ':' type
		{ $$ = idl_member($1, $2, @2); $$.type = $4; }
	;

bound
	: '<' number '>'
		{ $$ = $2; }
	;

type
	: qname
		{ $$ = idl_type_named(p, $1); }
	| BYTES %prec UNBOUNDED
		{ $$ = idl_type_sized(p, TYPE_BYTES, NULL, (struct lnum){0}, @1); }
	| BYTES bound
		{ $$ = idl_type_sized(p, TYPE_BYTES, NULL, $2, @1); }
	| STR %prec UNBOUNDED
		{ $$ = idl_type_sized(p, TYPE_STRING, NULL, (struct lnum){0}, @1); }
	| STR bound
		{ $$ = idl_type_sized(p, TYPE_STRING, NULL, $2, @1); }
	| '[' number ']' type
		{ $$ = idl_type_sized(p, TYPE_ARRAY, $4, $2, @1); }
	| '[' ']' type %prec UNBOUNDED
		{ $$ = idl_type_sized(p, TYPE_VECTOR, $3, (struct lnum){0}, @1); }
	| '[' ']' type bound
		{ $$ = idl_type_sized(p, TYPE_VECTOR, $3, $4, @1); }
	;

%%

static void idl_yyerror(IDL_YYLTYPE *loc, yyscan_t scanner, struct idl_parser *p, const char *msg)
{
	(void)scanner;
	if (p->stopped)
		return;
	/* Only bison's own failures arrive here ("memory exhausted" when the
	 * parser stack is full); syntax errors go to yyreport_syntax_error. */
	diag_report(p->diag, *loc, E0405, "the IDL is nested too deeply to parse (%s)", msg);
	p->stopped = true;
}

static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, struct idl_parser *p)
{
	(void)scanner;
	if (p->stopped)
		return 0;
	yysymbol_kind_t found = yypcontext_token(ctx);
	if (found == YYSYMBOL_YYEOF && p->tokens == 0) {
		diag_report(p->diag, (struct srcpos){p->src, 0, 0}, E0003,
			    "file holds only comments; a spec file declares at least one thing");
		return 0;
	}
	/* Keywords are names too where a name may stand: list them once, as
	 * "name", and give up on lists too long to help. */
	enum { MAX_SHOWN = 6 };
	yysymbol_kind_t expected[YYNTOKENS];
	int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS);
	bool name_expected = false;
	for (int i = 0; i < n; i++)
		name_expected |= expected[i] == YYSYMBOL_IDENT;
	const char *shown[YYNTOKENS];
	int nshown = 0;
	for (int i = 0; i < n; i++) {
		if (name_expected && expected[i] >= YYSYMBOL_NAMESPACE && expected[i] <= YYSYMBOL_EVENT)
			continue;
		shown[nshown++] = idl_describe_token(yysymbol_name(expected[i]));
	}
	struct strbuf msg = {0};
	bool closes = false, semicolon = false;
	if (nshown > 0 && nshown <= MAX_SHOWN) {
		sb_puts(&msg, "expected ");
		for (int i = 0; i < nshown; i++) {
			const char *name = shown[i];
			sb_printf(&msg, "%s%s", i == 0 ? "" : i == nshown - 1 ? " or " : ", ", name);
			closes |= !strcmp(name, "'}'") || !strcmp(name, "')'") || !strcmp(name, "']'");
			semicolon |= !strcmp(name, "';'");
		}
		sb_puts(&msg, ", found ");
	} else {
		sb_puts(&msg, "unexpected ");
	}
	sb_puts(&msg, found == YYSYMBOL_YYEOF ? "the end of the file"
					      : idl_describe_token(yysymbol_name(found)));
	if ((found == YYSYMBOL_IDENT || found == YYSYMBOL_INTEGER) && p->last_text)
		sb_printf(&msg, " '%s'", p->last_text);
	/* A ';' missing at the end of a line belongs there, not at whatever
	 * starts the next line. */
	struct srcpos at = *yypcontext_location(ctx);
	if (semicolon && p->prev_end.line && p->prev_end.line < at.line)
		at = p->prev_end;
	diag_report(p->diag, at, E0403, "%s", sb_str(&msg));
	sb_free(&msg);
	/* The lexer has already counted the unexpected token if it opens a
	 * bracket; the one waiting to be closed is the one before it. */
	size_t open = p->nopen;
	if (open && p->last_opened_by_lookahead)
		open--;
	if (closes && open)
		diag_note(p->diag, p->open_pos[open - 1], "to close the '%c' opened here",
			  p->open_char[open - 1]);
	return 0;
}
