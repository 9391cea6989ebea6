// SPDX-License-Identifier: MIT
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

/* True if a line is no wider than the column limit, known without walking
 * it byte by byte: its leading tabs widen it by at most TAB_WIDTH - 1 each,
 * and a tab elsewhere (rare) leaves it to display_width. Most lines of a
 * big header are just short of the limit. */
static bool surely_fits(const char *line, size_t len)
{
	size_t tabs = 0;
	while (tabs < len && line[tabs] == '\t')
		tabs++;
	return len + tabs * (TAB_WIDTH - 1) <= COLUMN_LIMIT &&
	       !memchr(line + tabs, '\t', len - tabs);
}

static bool is_comment_line(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && (line[i] == '\t' || line[i] == ' '))
		i++;
	return i < len && (line[i] == '*' || (line[i] == '/' && i + 1 < len && line[i + 1] == '*'));
}

static bool line_is(const char *p, size_t len, const char *text)
{
	return len == strlen(text) && memcmp(p, text, len) == 0;
}

struct line {
	const char *p;
	size_t len;
};

/* The change in the depth of brackets of kind open/close over a line,
 * strings aside. */
static int bracket_delta(const char *line, size_t len, char open, char close)
{
	int d = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
			in_string = !in_string;
		else if (!in_string && line[i] == open)
			d++;
		else if (!in_string && line[i] == close)
			d--;
	}
	return d;
}

/* A line the next one belongs with: a macro's line continued, or a
 * function's head, whose body follows. */
static bool continued(const struct line *l, const struct line *next)
{
	return l->len && (l->p[l->len - 1] == '\\' ||
			  (l->p[l->len - 1] == ')' && next && line_is(next->p, next->len, "{")));
}

/* One of the fences below, or put_list's. */
static bool is_fence(const struct line *l)
{
	size_t i = 0;
	while (i < l->len && l->p[i] == '\t')
		i++;
	return line_is(l->p + i, l->len - i, "/* clang-format off */") ||
	       line_is(l->p + i, l->len - i, "/* clang-format on */");
}

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
		any = !surely_fits(p, len) && display_width(p, len) > COLUMN_LIMIT &&
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
		/* One construct: lines i..j-1, from brace and parenthesis depth
		 * 0 back to 0, a function's head and body together, a macro's
		 * lines together. */
		size_t j = i;
		int depth = 0, parens = 0;
		bool long_code = false, more = false;
		do {
			const struct line *l = &lines.items[j];
			bool wrapper = line_is(l->p, l->len, "extern \"C\" {") ||
				       (line_is(l->p, l->len, "}") && j > 0 &&
					line_is(lines.items[j - 1].p, lines.items[j - 1].len,
						"#ifdef __cplusplus"));
			if (!wrapper && !is_comment_line(l->p, l->len)) {
				depth += bracket_delta(l->p, l->len, '{', '}');
				parens += bracket_delta(l->p, l->len, '(', ')');
				long_code |= display_width(l->p, l->len) > COLUMN_LIMIT;
				more = continued(l, j + 1 < lines.len ? &lines.items[j + 1] : NULL);
			}
			j++;
		} while (j < lines.len && (depth > 0 || parens > 0 || more));
		if (long_code)
			sb_puts(&out, "/* clang-format off */\n");
		for (size_t k = i; k < j; k++) {
			/* fenced whole: a fence inside would end it early */
			if (long_code && is_fence(&lines.items[k]))
				continue;
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

static bool is_c_file(const struct gen_file *f)
{
	const char *dot = strrchr(f->name, '.');
	return dot && (!strcmp(dot, ".c") || !strcmp(dot, ".h")); /* which clang-format reads */
}

/* The text held so far, fenced, to the file's stream. Fencing piece by
 * piece fences as fencing the whole would, since a piece ends between two
 * constructs (gen_flush). */
static void write_out(struct gen_file *f)
{
	if (is_c_file(f))
		guard_long_lines(&f->text);
	stream_put(f->stream, sb_str(&f->text), f->text.len);
	sb_truncate(&f->text, 0);
}

/* What f holds so far, to its stream (opened the first time). */
static void stream_out(struct gen *g, struct gen_file *f)
{
	if (!f->stream) {
		f->stream = stream_open(g->stream_dir, f->name);
		vec_push(g->arena, &g->streams, f->stream);
	}
	write_out(f);
}

void gen_flush(struct gen *g, struct gen_file *f)
{
	if (g->stream_dir && !f->author_owned && f->text.len >= GEN_STREAM_CHUNK)
		stream_out(g, f);
}

void gen_close(struct gen *g, struct gen_file *f)
{
	if (!g->stream_dir || f->author_owned)
		return;
	stream_out(g, f);
	stream_park(f->stream);
	sb_free(&f->text);
}

void gen_finish(struct gen *g)
{
	for (size_t i = 0; i < g->files.len; i++) {
		struct gen_file *f = g->files.items[i];
		if (f->stream) {
			write_out(f); /* nothing, once gen_close has */
			sb_free(&f->text);
		} else if (is_c_file(f)) {
			guard_long_lines(&f->text);
		}
	}
	if (g->files.len)
		qsort(g->files.items, g->files.len, sizeof *g->files.items, compare_files);
}

/* ---- text ---- */

static void put_tabs(struct strbuf *out, unsigned tabs)
{
	static const char tab_run[] = "\t\t\t\t\t\t\t\t";
	for (; tabs > 8; tabs -= 8)
		sb_putn(out, tab_run, 8);
	sb_putn(out, tab_run, tabs);
}

void gen_line(struct strbuf *out, unsigned tabs, const char *fmt, ...)
{
	put_tabs(out, tabs);
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

void gen_put_where(struct strbuf *out, struct srcpos pos)
{
	sb_puts(out, pos.src ? pos.src->name : "?");
	sb_putc(out, ':');
	sb_putu(out, pos.line);
}

const char *gen_where(struct gen *g, struct srcpos pos)
{
	struct strbuf text = {0};
	gen_put_where(&text, pos);
	const char *where = arena_strdup(g->arena, sb_str(&text));
	sb_free(&text);
	return where;
}

/* "0x" and v in hex, at least `digits` of them, into buf (32 bytes), not
 * terminated; its length. What "0x%0*llx" would make, without printf's
 * cost, which a 100k register header pays a million times. */
static size_t hex_digits(char *buf, uint64_t v, unsigned digits)
{
	char rev[20];
	size_t n = 0;
	do {
		rev[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v || n < digits);
	size_t len = 0;
	buf[len++] = '0';
	buf[len++] = 'x';
	while (n)
		buf[len++] = rev[--n];
	return len;
}

void gen_put_hex(struct strbuf *out, uint64_t v)
{
	char buf[32];
	sb_putn(out, buf, hex_digits(buf, v, 1));
}

/* hex_digits, then suffix, in the arena. */
static const char *hex_text(struct arena *a, uint64_t v, unsigned digits, const char *suffix)
{
	char buf[32];
	size_t n = hex_digits(buf, v, digits), slen = strlen(suffix);
	char *out = arena_alloc(a, n + slen + 1);
	memcpy(out, buf, n);
	memcpy(out + n, suffix, slen + 1);
	return out;
}

const char *gen_hex(struct gen *g, uint64_t v)
{
	return hex_text(g->arena, v, 1, v > UINT32_MAX ? "ull" : "u");
}

const char *gen_hex_width(struct gen *g, uint64_t v, unsigned bits)
{
	return hex_text(g->arena, v, bits / 4, bits > 32 ? "ull" : "u");
}

void gen_macro(struct strbuf *out, const char *head, const char *body)
{
	size_t start = out->len;
	sb_puts(out, head);
	sb_putc(out, ' ');
	size_t body_at = out->len;
	sb_puts(out, body);
	gen_macro_end(out, start, body_at);
}

void gen_macro_end(struct strbuf *out, size_t start, size_t body_at)
{
	size_t h = body_at - 1 - start, b = out->len - body_at;
	if (!(h + 1 + b <= COLUMN_LIMIT || h + 2 > COLUMN_LIMIT || TAB_WIDTH + b > COLUMN_LIMIT)) {
		/* the ' ' becomes " \\\n\t" */
		sb_puts(out, "...");
		memmove(out->data + body_at + 3, out->data + body_at, b);
		memcpy(out->data + body_at - 1, " \\\n\t", 4);
	}
	sb_putc(out, '\n');
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

void gen_call(struct strbuf *out, const char *name, const char *const *args, size_t nargs,
	      const char *end)
{
	sb_printf(out, "%s(", name);
	put_joined(out, args, nargs);
	sb_printf(out, ")%s\n", end);
}


/* ---- the layout ----
 * A signature or a call is one line if it fits the column limit; else it
 * breaks after its '(' with one item per line, a tab further in, and the
 * ')' after the last. generated/.clang-format asks clang-format for the
 * same (AlignAfterOpenBracket: AlwaysBreak, no packing, no return type and
 * no right side of an assignment on a line of its own), so the output is
 * what it would make. Where it weighs other breaks, in a call through an
 * expression and in a function pointer's declarator, a construct that does
 * not fit is fenced off from it; so is any line too long even then
 * (guard_long_lines). make test-generated checks every file. */
static void put_list(struct strbuf *out, unsigned tabs, const char *head,
		     const char *const *items, size_t n, const char *tail, bool fence)
{
	size_t width = tabs * TAB_WIDTH + strlen(head) + 1 + joined_len(items, n) + 1 + strlen(tail);
	if (width <= COLUMN_LIMIT) {
		put_tabs(out, tabs);
		sb_printf(out, "%s(", head);
		put_joined(out, items, n);
		sb_printf(out, ")%s\n", tail);
		return;
	}
	if (fence)
		gen_line(out, tabs, "/* clang-format off */");
	gen_line(out, tabs, "%s(", head);
	for (size_t i = 0; i < n; i++)
		gen_line(out, tabs + 1, "%s%s%s", items[i], i + 1 < n ? "," : ")",
			 i + 1 < n ? "" : tail);
	if (fence)
		gen_line(out, tabs, "/* clang-format on */");
}

/* "const uint8_t *name", "int8_t name[2][2]" */
static void put_declaration(struct strbuf *out, const struct c_type *t, const char *name)
{
	if (t->is_const)
		sb_puts(out, "const ");
	sb_puts(out, t->spec);
	sb_putc(out, ' ');
	for (unsigned i = 0; i < t->pointers; i++)
		sb_putc(out, '*');
	sb_puts(out, name);
	for (const struct ir_type *u = t->array; u && u->kind == IR_ARRAY; u = u->base) {
		sb_putc(out, '[');
		sb_putu(out, u->bound);
		sb_putc(out, ']');
	}
}

const char *gen_declaration(struct gen *g, const struct c_type *t, const char *name)
{
	struct strbuf d = {0};
	put_declaration(&d, t, name);
	const char *text = arena_strndup(g->arena, sb_str(&d), d.len);
	sb_free(&d);
	return text;
}

/* The head "[storage ]ret name", or "ret (*name)". */
static void put_function_head(struct strbuf *out, const char *storage,
			      const struct c_function *fn, enum gen_decl decl)
{
	if (*storage) {
		sb_puts(out, storage);
		sb_putc(out, ' ');
	}
	if (decl == GEN_FUNCTION) {
		put_declaration(out, &fn->ret, fn->name);
		return;
	}
	struct strbuf name = {0};
	sb_puts(&name, "(*");
	sb_puts(&name, fn->name);
	sb_putc(&name, ')');
	put_declaration(out, &fn->ret, sb_str(&name));
	sb_free(&name);
}

/* A signature on one line, "head(param, param)", into out. */
static void put_signature(struct strbuf *out, const char *storage, const struct c_function *fn,
			  enum gen_decl decl)
{
	put_function_head(out, storage, fn, decl);
	sb_putc(out, '(');
	for (size_t i = 0; i < fn->params.len; i++) {
		if (i)
			sb_puts(out, ", ");
		put_declaration(out, &fn->params.items[i].type, fn->params.items[i].name);
	}
	sb_putc(out, ')');
}

/* gen_function, as put_list lays a list out, with no text but the output's
 * made: 1,000 interfaces declare 50,000 signatures. */
void gen_function(struct gen *g, struct strbuf *out, unsigned tabs, const char *storage,
		  const struct c_function *fn, enum gen_decl decl, const char *tail)
{
	(void)g;
	size_t start = out->len;
	put_tabs(out, tabs);
	put_signature(out, storage, fn, decl);
	sb_puts(out, tail);
	if (tabs * TAB_WIDTH + (out->len - start - tabs) <= COLUMN_LIMIT) {
		sb_putc(out, '\n');
		return;
	}
	sb_truncate(out, start);
	bool fence = decl == GEN_POINTER && !strcmp(storage, "typedef");
	if (fence)
		gen_line(out, tabs, "/* clang-format off */");
	put_tabs(out, tabs);
	put_function_head(out, storage, fn, decl);
	sb_puts(out, "(\n");
	for (size_t i = 0; i < fn->params.len; i++) {
		put_tabs(out, tabs + 1);
		put_declaration(out, &fn->params.items[i].type, fn->params.items[i].name);
		sb_puts(out, i + 1 < fn->params.len ? "," : ")");
		if (i + 1 == fn->params.len)
			sb_puts(out, tail);
		sb_putc(out, '\n');
	}
	if (fence)
		gen_line(out, tabs, "/* clang-format on */");
}

const char *gen_function_text(struct gen *g, const char *storage, const struct c_function *fn)
{
	struct strbuf text = {0};
	put_signature(&text, storage, fn, GEN_FUNCTION);
	const char *s = arena_strndup(g->arena, sb_str(&text), text.len);
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
	bool callee_is_name = true;
	for (const char *p = name; *p; p++)
		callee_is_name &= *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				  (*p >= '0' && *p <= '9');
	struct strbuf head = {0};
	sb_printf(&head, "%s%s", lead, name);
	put_list(out, tabs, sb_str(&head), args, nargs, ";", !callee_is_name);
	sb_free(&head);
}

/* Comments must neither end early nor seem to nest (-Wcomment): a spec's
 * "*" followed by "/", or "/" followed by "*" (a glob of device files), is
 * broken up. So is "??" before a trigraph's third character: -std=c11 turns
 * "??/" into a backslash, which at the end of a line splices the comment's
 * closing line into it (-Wtrigraphs). */
static void put_comment_text(struct strbuf *out, const char *s, size_t n)
{
	size_t run = 0; /* s[run..i] is copied at once, up to a break */
	for (size_t i = 0; i < n; i++) {
		bool split = false;
		if (s[i] == '*' || s[i] == '/')
			split = i + 1 < n && s[i + 1] == (s[i] == '*' ? '/' : '*');
		else if (s[i] == '?')
			split = i + 2 < n && s[i + 1] == '?' && strchr("=/'()!<>-", s[i + 2]);
		if (split) {
			sb_putn(out, s + run, i + 1 - run);
			sb_putc(out, ' ');
			run = i + 1;
		}
	}
	sb_putn(out, s + run, n - run);
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

/* The hash of a source's name and text, computed the first time a banner
 * names it. */
static uint64_t source_hash(struct gen *g, const struct source *s)
{
	if (!g->source_hashes.arena)
		strmap_init(&g->source_hashes, g->arena);
	char key[32];
	snprintf(key, sizeof key, "%p", (const void *)s);
	uint64_t *hash = strmap_get(&g->source_hashes, key);
	if (!hash) {
		hash = NEW(g->arena, uint64_t);
		*hash = fnv1a64(fnv1a64(0, s->name, strlen(s->name) + 1), s->text, s->len);
		strmap_put(&g->source_hashes, arena_strdup(g->arena, key), hash);
	}
	return *hash;
}

void gen_banner(struct gen *g, struct gen_file *f, const char *purpose,
		const struct source *const *sources, size_t nsources)
{
	uint64_t hash = 0;
	struct strbuf names = {0};
	for (size_t i = 0; i < nsources; i++) {
		uint64_t one = source_hash(g, sources[i]);
		hash = i ? fnv1a64(hash, &one, sizeof one) : one;
		sb_printf(&names, "%s%s", i ? ", " : "", sources[i]->name);
	}
	/* the kernel's form: a line comment in a .c file, a block one in a header */
	size_t len = strlen(f->name);
	if (len > 2 && !strcmp(f->name + len - 2, ".c"))
		sb_printf(&f->text, "// SPDX-License-Identifier: %s\n", g->opts->spdx);
	else
		sb_printf(&f->text, "/* SPDX-License-Identifier: %s */\n", g->opts->spdx);
	struct strbuf text = {0};
	sb_printf(&text, "%s - %s\n\nGenerated by drvgen %s from %s (input hash %016llx). Do not "
			 "edit: change the spec and run drvgen gen.",
		  f->name, purpose, DRVGEN_VERSION, sb_str(&names), (unsigned long long)hash);
	gen_comment(&f->text, 0, sb_str(&text));
	sb_free(&text);
	sb_free(&names);
}
