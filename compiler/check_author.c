// SPDX-License-Identifier: MIT
/* check_author.c - does an author-owned driver file still implement what
 * the spec asks for?
 *
 * drvgen writes a driver's skeleton once and never again, so a method added
 * to a protocol later would otherwise surface as a C compiler's complaint
 * about a name inside a macro, or as a NULL handler. Instead each handler
 * and hook the skeleton would define is looked up in the author's file, as
 * a whole C identifier outside comments and strings; each one missing is an
 * E0601 at the file, with a note at the IDL method that asks for it.
 */
#include "check.h"
#include "gen.h"

#include <ctype.h>
#include <string.h>
#include <unistd.h>

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* A name a '(' follows in the file (a function defined or called), and
 * where: the candidates of "did you mean". */
struct call_name {
	const char *name;
	size_t at;
};
typedef VEC(struct call_name) call_name_list;

/* The identifiers of C text, outside comments, strings and characters;
 * those a '(' follows also in `calls`. */
static void collect_identifiers(struct arena *a, const char *p, const char *end,
				struct strmap *out, call_name_list *calls)
{
	const char *start = p;
	while (p < end) {
		if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			const char *close = strstr(p + 2, "*/");
			p = close ? close + 2 : end;
		} else if (p + 1 < end && p[0] == '/' && p[1] == '/') {
			while (p < end && *p != '\n')
				p++;
		} else if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (p < end && *p != q && *p != '\n')
				p += (*p == '\\' && p + 1 < end) ? 2 : 1;
			p++;
		} else if (ident_char(*p)) {
			const char *s = p;
			while (p < end && ident_char(*p))
				p++;
			if (isdigit((unsigned char)*s))
				continue;
			const char *word = arena_strndup(a, s, (size_t)(p - s));
			strmap_put(out, word, (void *)s);
			const char *q = p;
			while (q < end && isspace((unsigned char)*q))
				q++;
			if (q < end && *q == '(') {
				struct call_name c = {word, (size_t)(s - start)};
				vec_push(a, calls, c);
			}
		} else {
			p++;
		}
	}
}

/* A function name of the file that is a near miss of `symbol` and not
 * itself a name the spec asks for ("edu_rset" for "edu_reset"), or NULL. */
static const struct call_name *near_miss(struct arena *a, const call_name_list *calls,
					 const char *symbol, const struct gen_requirement *req,
					 size_t n)
{
	const char **words = arena_alloc(a, (calls->len + 1) * sizeof *words);
	size_t nwords = 0;
	for (size_t i = 0; i < calls->len; i++) {
		bool asked = false;
		for (size_t k = 0; k < n && !asked; k++)
			asked = !strcmp(calls->items[i].name, req[k].symbol);
		if (!asked)
			words[nwords++] = calls->items[i].name;
	}
	const char *hint = closest_word(symbol, words, nwords);
	for (size_t i = 0; hint && i < calls->len; i++)
		if (calls->items[i].name == hint)
			return &calls->items[i];
	return NULL;
}

bool check_author_file(struct arena *a, struct diag_engine *d, const char *path,
		       const struct gen_requirement *req, size_t n, unsigned order)
{
	if (access(path, F_OK) != 0)
		return false; /* not written yet (gen --check reports it missing) */
	struct source *src = source_from_file(a, d, path, SPEC_IDL, order);
	if (!src)
		return true;
	struct strmap idents;
	call_name_list calls = {0};
	strmap_init(&idents, a);
	collect_identifiers(a, src->text, src->text + src->len, &idents, &calls);
	/* Point at the handler table, where a new handler is listed, if the
	 * file has one. */
	const char *table = strstr(src->text, "_OPS(");
	while (table && table > src->text && ident_char(table[-1]))
		table--;
	struct srcpos top = source_pos_at(src, table ? (size_t)(table - src->text) : 0);
	for (size_t i = 0; i < n; i++) {
		if (strmap_get(&idents, req[i].symbol))
			continue;
		diag_report(d, top, E0601, "%s does not define %s, %s", src->name, req[i].symbol,
			    req[i].what);
		diag_note(d, req[i].pos, "declared here");
		const struct call_name *miss = near_miss(a, &calls, req[i].symbol, req, n);
		if (miss)
			diag_note(d, source_pos_at(src, miss->at), "did you mean '%s'? this is '%s'",
				  req[i].symbol, miss->name);
		if (req[i].hint)
			diag_note(d, top, "add: %s", req[i].hint);
	}
	return true;
}
