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

/* The identifiers of C text, outside comments, strings and characters. */
static void collect_identifiers(struct arena *a, const char *p, const char *end,
				struct strmap *out)
{
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
			if (!isdigit((unsigned char)*s))
				strmap_put(out, arena_strndup(a, s, (size_t)(p - s)), (void *)s);
		} else {
			p++;
		}
	}
}

void check_author_file(struct arena *a, struct diag_engine *d, const char *path,
		       const struct gen_requirement *req, size_t n, unsigned order)
{
	if (access(path, F_OK) != 0)
		return; /* not written yet (gen --check reports it missing) */
	struct source *src = source_from_file(a, d, path, SPEC_IDL, order);
	if (!src)
		return;
	struct strmap idents;
	strmap_init(&idents, a);
	collect_identifiers(a, src->text, src->text + src->len, &idents);
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
		if (req[i].hint)
			diag_note(d, top, "add: %s", req[i].hint);
	}
}
