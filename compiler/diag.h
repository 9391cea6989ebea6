/* SPDX-License-Identifier: MIT */
/* diag.h - source files, positions in them, and the diagnostics that point there. */
#ifndef DRVGEN_DIAG_H
#define DRVGEN_DIAG_H

#include "base.h"

/* ---- source.c ---- */

enum spec_kind { SPEC_IDL, SPEC_REGS, SPEC_MANIFEST };

/* One input file, held whole in memory: loaders parse `text`, diagnostics
 * quote lines from it. */
struct source {
	const char *path;    /* as the user named it (or dsl/std/x.idl for the built-in library) */
	const char *name;    /* the file name without folders, for generated comments */
	const char *text;    /* NUL-terminated, a leading UTF-8 BOM removed */
	size_t len;
	size_t *line_starts; /* byte offset of each line; filled when the text is valid */
	size_t nlines;
	enum spec_kind kind;
	unsigned order;      /* position in the sorted input list: diagnostics sort by it */
	bool quotable;       /* false for binary or non-UTF-8 text: never echo it to a terminal */
	bool builtin;        /* from the standard library compiled into drvgen */
};

/* A place in a source: 1-based line and column, the column counting Unicode
 * code points as libyaml does. line == 0 means "the file as a whole". */
struct srcpos {
	const struct source *src;
	uint32_t line, col;
};

struct diag_engine;

/* Files whose name ends like this are specs; everything else in a spec folder
 * (the author's C code, READMEs) is ignored. Returns false for other names. */
bool spec_kind_of_path(const char *path, enum spec_kind *kind);

/* Reads and validates a file (size, NUL bytes, UTF-8, line length, emptiness).
 * Returns NULL after reporting a diagnostic if it cannot be used. `order` is
 * its place among the inputs, which diagnostics are sorted by. */
struct source *source_from_file(struct arena *a, struct diag_engine *d, const char *path,
				enum spec_kind kind, unsigned order);
/* The same checks on text already in memory (the fuzzers, the built-in library). */
struct source *source_from_text(struct arena *a, struct diag_engine *d, const char *path,
				const char *text, size_t len, enum spec_kind kind, unsigned order);
/* A source that is only a name, for diagnostics about a path drvgen could
 * not read (a missing file, a search folder). */
struct source *source_named(struct arena *a, const char *path, unsigned order);
/* The text of line `line` (1-based) without its line break. */
const char *source_line(const struct source *src, uint32_t line, size_t *len);
/* The position of a byte offset in src->text. */
struct srcpos source_pos_at(const struct source *src, size_t offset);

/* ---- diag.c ---- */

enum diag_code {
#define DIAG(code, slug, status, summary) code,
#include "diag_codes.def"
#undef DIAG
	DIAG_CODE_COUNT
};

/* How a run reports a code: a warning unless -E makes it an error, or not
 * at all after -W no-... (docs/diagnostics.md). Errors are always errors. */
enum diag_level { DIAG_OFF, DIAG_WARNING, DIAG_ERROR };

struct diag_note {
	struct srcpos pos;
	const char *message;
};

struct diagnostic {
	enum diag_code code;
	bool error; /* an error, or a warning made one (-E) */
	struct srcpos pos;
	const char *message;
	VEC(struct diag_note) notes;
	size_t seq; /* report order, the tie-break when sorting */
};

struct diag_engine {
	struct arena *arena;
	VEC(struct diagnostic *) list;
	size_t errors, warnings;
	int status; /* the exit status the reports so far mean: 0, 1 or 2 */
	unsigned char level[DIAG_CODE_COUNT]; /* enum diag_level */
	bool muted; /* the last report was of a code turned off: drop its notes */
	size_t hint_budget; /* names "did you mean" may still compare (diag_spend_hint) */
};

/* An engine reporting every code at its own level. */
void diag_init(struct diag_engine *d, struct arena *a);

/* Whether a "did you mean" may compare a word with n names, taking them
 * from the run's budget: a hint costs a comparison per known name, so a
 * file of N misspellings among N names would cost N^2 without a bound. The
 * budget is far above what a real spec's mistakes use; past it,
 * diagnostics come without hints. */
bool diag_spend_hint(struct diag_engine *d, size_t n);

const char *diag_code_name(enum diag_code code);    /* "E0204" */
const char *diag_code_slug(enum diag_code code);    /* "field-overlap" */
const char *diag_code_summary(enum diag_code code); /* one line for the catalogue */
int diag_code_status(enum diag_code code);          /* as an error: 1 or 2; 0 a warning */
bool diag_code_is_warning(enum diag_code code);
/* The code of a name, its code or its slug ("W0501", "deprecated-use"). */
bool diag_code_of(const char *name, enum diag_code *code);
/* -W and -E: "NAME" or "no-NAME" of a warning sets its level (-W: warning
 * or off; -E: error or warning). False, and nothing set, if NAME is no
 * warning's. */
bool diag_set_level(struct diag_engine *d, const char *option, bool error);

/* Records a diagnostic; the notes that follow attach to it. */
void diag_report(struct diag_engine *d, struct srcpos pos, enum diag_code code, const char *fmt,
		 ...) PRINTF_LIKE(4, 5);
void diag_vreport(struct diag_engine *d, struct srcpos pos, enum diag_code code, const char *fmt,
		  va_list ap) PRINTF_LIKE(4, 0);
/* Adds a related location or hint to the diagnostic reported last. */
void diag_note(struct diag_engine *d, struct srcpos pos, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Sorts the diagnostics by file, line and column, dropping exact repeats
 * (a YAML alias can make one node be checked twice). */
void diag_sort(struct diag_engine *d);

/* Renders one diagnostic the way the CLI prints it:
 *   file:line:col: error[E0204]: message
 *      14 |       - { name: minor, bits: "23:16" }
 *         |               ^
 *   file:line:col: note: 'major' declared here ... */
void diag_render(struct strbuf *out, const struct diagnostic *dg, bool color);

#endif
