/* gen.c - the output of one generation and the text every backend writes alike. */
#include "gen.h"
#include "drvgen.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { COLUMN_LIMIT = 100, TAB_WIDTH = 8 };

struct gen_file *gen_open(struct gen *g, const char *name)
{
	struct gen_file *f = NEW(g->arena, struct gen_file);
	f->name = arena_strdup(g->arena, name);
	vec_push(g->arena, &g->files, f);
	return f;
}

/* ---- fencing long lines off from clang-format ---- */

static size_t display_width(const char *line, size_t len)
{
	size_t col = 0;
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\t')
			col = (col / TAB_WIDTH + 1) * TAB_WIDTH;
		else if ((line[i] & 0xc0) != 0x80)
			col++;
	return col;
}

static bool is_comment_line(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && (line[i] == '\t' || line[i] == ' '))
		i++;
	return i < len && (line[i] == '*' || (line[i] == '/' && i + 1 < len && line[i + 1] == '*'));
}

/* The change in brace depth over a line, strings aside. */
static int brace_delta(const char *line, size_t len)
{
	int d = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
			in_string = !in_string;
		else if (!in_string && line[i] == '{')
			d++;
		else if (!in_string && line[i] == '}')
			d--;
	}
	return d;
}

static bool line_is(const char *p, size_t len, const char *text)
{
	return len == strlen(text) && memcmp(p, text, len) == 0;
}

struct line {
	const char *p;
	size_t len;
};

/* Code lines longer than the column limit (long spec names make them) are
 * fenced off from clang-format rather than broken by rules of our own that
 * could drift from its: the output stays clang-format clean either way. A
 * fence covers whole top-level constructs (an array and all its rows), since
 * clang-format formats a construct as one; extern "C" does not count. */
static void guard_long_lines(struct strbuf *text)
{
	/* Most files have no long line: find out before copying anything. */
	bool any = false;
	for (const char *p = sb_str(text), *end = p + text->len; p < end && !any;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* A line holds at most a few tabs: short ones cannot be too wide. */
		any = len > COLUMN_LIMIT - 4 * TAB_WIDTH && display_width(p, len) > COLUMN_LIMIT &&
		      !is_comment_line(p, len);
		p += len + 1;
	}
	if (!any)
		return;
	VEC(struct line) lines = {0};
	struct arena scratch = {0};
	const char *p = sb_str(text), *end = p + text->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct line l = {p, len};
		vec_push(&scratch, &lines, l);
		p += len + 1;
	}
	struct strbuf out = {0};
	size_t i = 0;
	while (i < lines.len) {
		/* One construct: lines i..j-1, from brace depth 0 back to 0. */
		size_t j = i;
		int depth = 0;
		bool long_code = false;
		do {
			const struct line *l = &lines.items[j];
			bool wrapper = line_is(l->p, l->len, "extern \"C\" {") ||
				       (line_is(l->p, l->len, "}") && j > 0 &&
					line_is(lines.items[j - 1].p, lines.items[j - 1].len,
						"#ifdef __cplusplus"));
			if (!wrapper && !is_comment_line(l->p, l->len)) {
				depth += brace_delta(l->p, l->len);
				long_code |= display_width(l->p, l->len) > COLUMN_LIMIT;
			}
			j++;
		} while (j < lines.len && depth > 0);
		if (long_code)
			sb_puts(&out, "/* clang-format off */\n");
		for (size_t k = i; k < j; k++) {
			sb_putn(&out, lines.items[k].p, lines.items[k].len);
			sb_putc(&out, '\n');
		}
		if (long_code)
			sb_puts(&out, "/* clang-format on */\n");
		i = j;
	}
	arena_free(&scratch);
	sb_free(text);
	*text = out;
}

static int compare_files(const void *a, const void *b)
{
	return strcmp((*(struct gen_file *const *)a)->name, (*(struct gen_file *const *)b)->name);
}

void gen_finish(struct gen *g)
{
	for (size_t i = 0; i < g->files.len; i++) {
		const char *dot = strrchr(g->files.items[i]->name, '.');
		if (dot && (!strcmp(dot, ".c") || !strcmp(dot, ".h"))) /* C, which clang-format reads */
			guard_long_lines(&g->files.items[i]->text);
	}
	if (g->files.len)
		qsort(g->files.items, g->files.len, sizeof *g->files.items, compare_files);
}

/* ---- text ---- */

void gen_line(struct strbuf *out, unsigned tabs, const char *fmt, ...)
{
	for (unsigned i = 0; i < tabs; i++)
		sb_putc(out, '\t');
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(out, fmt, ap);
	va_end(ap);
	sb_putc(out, '\n');
}

void gen_blank(struct strbuf *out)
{
	sb_putc(out, '\n');
}

const char *gen_where(struct gen *g, struct srcpos pos)
{
	return arena_printf(g->arena, "%s:%u", pos.src ? pos.src->name : "?", pos.line);
}

const char *gen_hex(struct gen *g, uint64_t v)
{
	return arena_printf(g->arena, "0x%llx%s", (unsigned long long)v,
			    v > UINT32_MAX ? "ull" : "u");
}

const char *gen_hex_width(struct gen *g, uint64_t v, unsigned bits)
{
	return arena_printf(g->arena, "0x%0*llx%s", (int)bits / 4, (unsigned long long)v,
			    bits > 32 ? "ull" : "u");
}

void gen_call(struct strbuf *out, const char *name, const char *const *args, size_t nargs,
	      const char *end)
{
	sb_puts(out, name);
	sb_putc(out, '(');
	for (size_t i = 0; i < nargs; i++) {
		if (i)
			sb_puts(out, ", ");
		sb_puts(out, args[i]);
	}
	sb_putc(out, ')');
	sb_puts(out, end);
	sb_putc(out, '\n');
}

void gen_macro(struct strbuf *out, const char *head, const char *body)
{
	size_t h = strlen(head), b = strlen(body);
	if (h + 1 + b <= COLUMN_LIMIT || h + 2 > COLUMN_LIMIT || TAB_WIDTH + b > COLUMN_LIMIT)
		sb_printf(out, "%s %s\n", head, body);
	else
		sb_printf(out, "%s \\\n\t%s\n", head, body);
}

static size_t joined_len(const char *const *items, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(items[i]) + (i ? 2 : 0);
	return len;
}

static void put_joined(struct strbuf *out, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(out, ", ");
		sb_puts(out, items[i]);
	}
}

static void put_indent(struct strbuf *out, unsigned col)
{
	for (unsigned i = 0; i < col / TAB_WIDTH; i++)
		sb_putc(out, '\t');
	for (unsigned i = 0; i < col % TAB_WIDTH; i++)
		sb_putc(out, ' ');
}

/* Each item of a list at column col, one per line, the last followed by
 * `last` (a ")" or ");" and a tail): does every line fit? */
static bool fits_aligned(size_t col, const char *const *items, size_t n, size_t last)
{
	for (size_t i = 0; i < n; i++)
		if (col + strlen(items[i]) + (i + 1 == n ? last : 1) > COLUMN_LIMIT)
			return false;
	return true;
}

static void put_aligned(struct strbuf *out, size_t col, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i) {
			sb_puts(out, ",\n");
			put_indent(out, (unsigned)col);
		}
		sb_puts(out, items[i]);
	}
}

static void put_one_per_line(struct strbuf *out, unsigned col, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(out, ",\n");
		put_indent(out, col);
		sb_puts(out, items[i]);
	}
}

/* The layouts below are the ones clang-format (14, generated/.clang-format)
 * chooses, in its order of preference, measured on thousands of random
 * signatures and calls; tests/golden and the clang-format check in `make
 * test` hold them to it. `head` is "static int name": the name at name_at,
 * the return type before it (none for a function pointer). */
static void put_signature(struct strbuf *out, unsigned tabs, const char *head, size_t name_at,
			  const char *const *params, size_t nparams, const char *tail)
{
	unsigned indent = tabs * TAB_WIDTH;
	size_t head_len = strlen(head), tail_len = strlen(tail);
	size_t all = joined_len(params, nparams);
	const char *name = head + name_at;
	size_t ret_len = name_at;
	while (ret_len && head[ret_len - 1] == ' ')
		ret_len--;
	put_indent(out, indent);
	/* on one line */
	if (indent + head_len + 1 + all + 1 + tail_len <= COLUMN_LIMIT) {
		sb_printf(out, "%s(", head);
		put_joined(out, params, nparams);
		sb_printf(out, ")%s\n", tail);
		return;
	}
	/* "static int\nname(...)": only ever after a storage class */
	if (ret_len && !strncmp(head, "static ", 7) &&
	    indent + strlen(name) + 1 + all + 1 + tail_len <= COLUMN_LIMIT) {
		sb_putn(out, head, ret_len);
		sb_putc(out, '\n');
		put_indent(out, indent);
		sb_printf(out, "%s(", name);
		put_joined(out, params, nparams);
		sb_printf(out, ")%s\n", tail);
		return;
	}
	sb_printf(out, "%s(", head);
	unsigned inner = indent + TAB_WIDTH;
	bool next_line = inner + all + 1 + tail_len <= COLUMN_LIMIT;
	/* five or more: all on the next line beats a line each */
	if (nparams >= 5 && next_line) {
		sb_putc(out, '\n');
		put_indent(out, inner);
		put_joined(out, params, nparams);
	} else if (fits_aligned(indent + head_len + 1, params, nparams, 1 + tail_len)) {
		put_aligned(out, indent + head_len + 1, params, nparams);
	} else if (next_line) {
		sb_putc(out, '\n');
		put_indent(out, inner);
		put_joined(out, params, nparams);
	} else {
		sb_putc(out, '\n');
		put_one_per_line(out, inner, params, nparams);
	}
	sb_printf(out, ")%s\n", tail);
}

const char *gen_declaration(struct gen *g, const struct c_type *t, const char *name)
{
	struct strbuf d = {0};
	sb_printf(&d, "%s%s ", t->is_const ? "const " : "", t->spec);
	for (unsigned i = 0; i < t->pointers; i++)
		sb_putc(&d, '*');
	sb_puts(&d, name);
	for (const struct ir_type *u = t->array; u && u->kind == IR_ARRAY; u = u->base)
		sb_printf(&d, "[%llu]", (unsigned long long)u->bound);
	const char *text = arena_strdup(g->arena, sb_str(&d));
	sb_free(&d);
	return text;
}

/* The head "[storage ]ret name" (or "ret (*name)") and where the name
 * starts in it. */
static const char *function_head(struct gen *g, const char *storage, const struct c_function *fn,
				 enum gen_decl decl, size_t *name_at)
{
	const char *name =
		decl == GEN_POINTER ? arena_printf(g->arena, "(*%s)", fn->name) : fn->name;
	const char *head = arena_printf(g->arena, "%s%s%s", storage, *storage ? " " : "",
					gen_declaration(g, &fn->ret, name));
	*name_at = decl == GEN_POINTER ? 0 : strlen(head) - strlen(name);
	return head;
}

static const char *const *param_texts(struct gen *g, const struct c_function *fn)
{
	const char **texts = arena_alloc(g->arena, (fn->params.len + 1) * sizeof *texts);
	for (size_t i = 0; i < fn->params.len; i++)
		texts[i] = gen_declaration(g, &fn->params.items[i].type, fn->params.items[i].name);
	return texts;
}

void gen_function(struct gen *g, struct strbuf *out, unsigned tabs, const char *storage,
		  const struct c_function *fn, enum gen_decl decl, const char *tail)
{
	size_t name_at;
	const char *head = function_head(g, storage, fn, decl, &name_at);
	put_signature(out, tabs, head, name_at, param_texts(g, fn), fn->params.len, tail);
}

const char *gen_function_text(struct gen *g, const char *storage, const struct c_function *fn)
{
	size_t name_at;
	struct strbuf text = {0};
	sb_printf(&text, "%s(", function_head(g, storage, fn, GEN_FUNCTION, &name_at));
	put_joined(&text, param_texts(g, fn), fn->params.len);
	sb_putc(&text, ')');
	const char *s = arena_strdup(g->arena, sb_str(&text));
	sb_free(&text);
	return s;
}

struct c_function *gen_fn(struct gen *g, const char *ret, const char *name)
{
	struct c_function *fn = NEW(g->arena, struct c_function);
	fn->ret.spec = ret;
	fn->name = name;
	return fn;
}

void gen_fn_param(struct gen *g, struct c_function *fn, const char *spec, unsigned pointers,
		  const char *name)
{
	struct c_param p = {.type = {.spec = spec, .pointers = pointers}, .name = name};
	vec_push(g->arena, &fn->params, p);
}

const char *gen_pass(struct gen *g, const struct c_type *to, const struct c_type *from,
		     const char *expr)
{
	if (to->array || from->array || to->pointers == from->pointers)
		return expr;
	return arena_printf(g->arena, to->pointers > from->pointers ? "&%s" : "*%s", expr);
}

void gen_call_statement(struct strbuf *out, unsigned tabs, const char *lead, const char *name,
			const char *const *args, size_t nargs)
{
	unsigned indent = tabs * TAB_WIDTH, inner = indent + TAB_WIDTH;
	size_t lead_len = strlen(lead), name_len = strlen(name);
	size_t start = indent + lead_len + name_len + 1;
	size_t all = joined_len(args, nargs);
	put_indent(out, indent);
	if (start + all + 2 <= COLUMN_LIMIT) {
		sb_printf(out, "%s%s(", lead, name);
		put_joined(out, args, nargs);
		sb_puts(out, ");\n");
		return;
	}
	bool next_line = inner + all + 2 <= COLUMN_LIMIT;
	bool aligned = nargs > 1 && fits_aligned(start, args, nargs, 2);
	bool assignment = lead_len >= 2 && !strcmp(lead + lead_len - 2, "= ");
	if (next_line && (nargs >= 3 || !aligned)) {
		/* all the arguments on the next line */
		sb_printf(out, "%s%s(\n", lead, name);
		put_indent(out, inner);
		put_joined(out, args, nargs);
	} else if (aligned) {
		sb_printf(out, "%s%s(", lead, name);
		put_aligned(out, start, args, nargs);
	} else if (assignment && inner + name_len + all + 3 <= COLUMN_LIMIT) {
		/* "x =\n\tname(args);" */
		sb_putn(out, lead, lead_len - 1);
		sb_putc(out, '\n');
		put_indent(out, inner);
		sb_printf(out, "%s(", name);
		put_joined(out, args, nargs);
	} else if (assignment && fits_aligned(inner + name_len + 1, args, nargs, 2)) {
		sb_putn(out, lead, lead_len - 1);
		sb_putc(out, '\n');
		put_indent(out, inner);
		sb_printf(out, "%s(", name);
		put_aligned(out, inner + name_len + 1, args, nargs);
	} else {
		sb_printf(out, "%s%s(\n", lead, name);
		put_one_per_line(out, inner, args, nargs);
	}
	sb_puts(out, ");\n");
}

/* "if (a || b)" on one line, else as many operands a line as fit, each
 * continuation aligned after the "if (". */
void gen_condition(struct strbuf *out, unsigned tabs, const char *const *operands, size_t n,
		   const char *op)
{
	unsigned indent = tabs * TAB_WIDTH;
	size_t col = indent + 4, op_len = strlen(op);
	put_indent(out, indent);
	sb_puts(out, "if (");
	size_t at = col;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(operands[i]) + (i + 1 == n ? 1 : op_len + 1);
		if (i && at + 1 + len > COLUMN_LIMIT) {
			sb_putc(out, '\n');
			put_indent(out, (unsigned)col);
			at = col;
		} else if (i) {
			sb_putc(out, ' ');
			at++;
		}
		sb_puts(out, operands[i]);
		if (i + 1 < n)
			sb_printf(out, " %s", op);
		at += len;
	}
	sb_puts(out, ")\n");
}

/* Comments must not end early: a spec's "*" followed by "/" is broken up. */
static void put_comment_text(struct strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sb_putc(out, s[i]);
		if (s[i] == '*' && i + 1 < n && s[i + 1] == '/')
			sb_putc(out, ' ');
	}
}

static void put_tabs(struct strbuf *out, unsigned tabs)
{
	for (unsigned i = 0; i < tabs; i++)
		sb_putc(out, '\t');
}

/* Greedy word wrap, as clang-format reflows comments: each line as full as
 * the column limit allows. Paragraphs (blank lines in the text) stay. */
void gen_comment(struct strbuf *out, unsigned tabs, const char *text)
{
	unsigned indent = tabs * TAB_WIDTH;
	size_t len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	bool one_line = indent + 3 + len + 3 <= COLUMN_LIMIT && !memchr(text, '\n', len);
	if (one_line) {
		put_tabs(out, tabs);
		sb_puts(out, "/* ");
		put_comment_text(out, text, len);
		sb_puts(out, " */\n");
		return;
	}
	put_tabs(out, tabs);
	sb_puts(out, "/*\n");
	size_t width = COLUMN_LIMIT - indent - 3;
	size_t i = 0;
	while (i < len) {
		size_t eol = i;
		while (eol < len && text[eol] != '\n')
			eol++;
		if (eol == i) {
			put_tabs(out, tabs);
			sb_puts(out, " *\n");
		}
		while (i < eol) {
			while (i < eol && text[i] == ' ')
				i++;
			if (i == eol)
				break;
			size_t end = i, last_space = 0;
			while (end < eol && end - i < width) {
				if (text[end] == ' ')
					last_space = end;
				end++;
			}
			if (end < eol && last_space > i)
				end = last_space;
			else if (end < eol) /* a word longer than a line stays whole */
				while (end < eol && text[end] != ' ')
					end++;
			put_tabs(out, tabs);
			sb_puts(out, " * ");
			size_t n = end - i;
			while (n && text[i + n - 1] == ' ')
				n--;
			put_comment_text(out, text + i, n);
			sb_putc(out, '\n');
			i = end;
		}
		i = eol + 1;
	}
	put_tabs(out, tabs);
	sb_puts(out, " */\n");
}

void gen_banner(struct gen *g, struct gen_file *f, const char *purpose,
		const struct source *const *sources, size_t nsources)
{
	uint64_t hash = 0;
	struct strbuf names = {0};
	for (size_t i = 0; i < nsources; i++) {
		const struct source *s = sources[i];
		hash = fnv1a64(hash, s->name, strlen(s->name) + 1);
		hash = fnv1a64(hash, s->text, s->len);
		sb_printf(&names, "%s%s", i ? ", " : "", s->name);
	}
	sb_printf(&f->text, "/* SPDX-License-Identifier: %s */\n", g->opts->spdx);
	struct strbuf text = {0};
	sb_printf(&text, "%s - %s\n\nGenerated by drvgen %s from %s (input hash %016llx). Do not "
			 "edit: change the spec and run drvgen gen.",
		  f->name, purpose, DRVGEN_VERSION, sb_str(&names), (unsigned long long)hash);
	gen_comment(&f->text, 0, sb_str(&text));
	sb_free(&text);
	sb_free(&names);
}
