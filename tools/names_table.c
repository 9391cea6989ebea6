// SPDX-License-Identifier: MIT
/* names_table.c [--check] DOC... - the tables of generated C names in the
 * docs, printed from the naming pass's rules (compiler/names.c).
 *
 * In each DOC, the lines between
 *	<!-- names: protocols|registers|drivers SPEC -->
 * and
 *	<!-- end of names -->
 * become the table of that language's rules, each with an example from the
 * spec folder SPEC, which must have one of every rule: it is a golden case,
 * so every name is generated and compiled by the tests. With --check,
 * nothing is written: the exit status is 1 if a table is not what the rules
 * make (make test-generated), and make generate rewrites them.
 */
#include "drvgen.h"
#include "gen.h"
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEGIN "<!-- names: "
#define END "<!-- end of names -->\n"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf b = {0};
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_putn(&b, chunk, n);
	fclose(f);
	return (char *)sb_str(&b);
}

/* The table for `what` ("protocols SPEC") into out; false if it is not one. */
static bool table(struct strbuf *out, struct arena *a, const char *what)
{
	static const struct {
		const char *language;
		enum name_rule_id first, last;
	} languages[] = {
		{"protocols", N_FIRST_PROTOCOL, N_FIRST_REGISTER - 1},
		{"registers", N_FIRST_REGISTER, N_FIRST_DRIVER - 1},
		{"drivers", N_FIRST_DRIVER, N_RULE_COUNT - 1},
	};
	for (size_t i = 0; i < ARRAY_LEN(languages); i++) {
		size_t len = strlen(languages[i].language);
		if (strncmp(what, languages[i].language, len) || what[len] != ' ')
			continue;
		struct drvgen *g = drvgen_new(NULL);
		drvgen_add_path(g, what + len + 1);
		const struct ir *ir = drvgen_build(g);
		if (!ir) {
			fprintf(stderr, "names_table: %s does not check clean\n", what + len + 1);
			exit(2);
		}
		/* the example spec is also what the tests compile: every name in it */
		if (names_table(out, a, ir, languages[i].first, languages[i].last)) {
			fprintf(stderr,
				"names_table: %s lacks an example of a rule of %s; extend it\n",
				what + len + 1, languages[i].language);
			exit(1);
		}
		if (languages[i].first == N_FIRST_PROTOCOL) {
			sb_puts(out,
				"\nA parameter cannot take a name the generated functions give "
				"their own parameters and variables (E0524):");
			for (size_t k = 0; k < ipc_own_name_count; k++)
				sb_printf(out, "%s `%s`", k ? "," : "", ipc_own_names[k]);
			sb_puts(out, "; nor any name beginning `drv_`.\n");
		}
		drvgen_free(g);
		return true;
	}
	return false;
}

/* The doc with every table made anew. */
static char *update(const char *path, const char *text, struct arena *a)
{
	struct strbuf out = {0};
	const char *p = text;
	for (const char *begin; (begin = strstr(p, BEGIN));) {
		const char *eol = strchr(begin, '\n');
		const char *end = eol ? strstr(eol, END) : NULL;
		const char *close = eol ? strstr(begin, " -->") : NULL;
		if (!end || !close || close > eol) {
			fprintf(stderr, "%s: '%s' without '%s'\n", path, BEGIN, END);
			exit(2);
		}
		sb_putn(&out, p, (size_t)(eol + 1 - p));
		const char *what = arena_strndup(a, begin + strlen(BEGIN),
						 (size_t)(close - begin - strlen(BEGIN)));
		if (!table(&out, a, what)) {
			fprintf(stderr, "%s: no table of names '%s'\n", path, what);
			exit(2);
		}
		p = end;
	}
	sb_puts(&out, p);
	return (char *)sb_str(&out);
}

int main(int argc, char **argv)
{
	bool check = argc > 1 && !strcmp(argv[1], "--check");
	int status = 0;
	struct arena a = {0};
	for (int i = 1 + check; i < argc; i++) {
		char *text = read_file(argv[i]);
		if (!text) {
			perror(argv[i]);
			return 2;
		}
		char *made = update(argv[i], text, &a);
		if (strcmp(made, text) && check) {
			fprintf(stderr,
				"%s: its tables of generated names are stale; run make generate\n",
				argv[i]);
			status = 1;
		} else if (strcmp(made, text) && write_atomically(argv[i], made, strlen(made))) {
			perror(argv[i]);
			status = 2;
		}
		free(text);
		free(made);
	}
	arena_free(&a);
	return status;
}
