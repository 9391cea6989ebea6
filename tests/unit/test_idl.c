// SPDX-License-Identifier: MIT
/* test_idl.c - the protocol language: the seed protocols verbatim
 * (tests/unit/seed) and the standard library equal to them, the extensions,
 * doc comments, labels, sizes and the search path. */
#include "harness.h"

#include <ctype.h>

/* The seed protocols, as published (tests/unit/seed/README.md). */
#define SEED "tests/unit/seed/"

static const struct ir_interface *iface(const struct run *r, const char *name)
{
	const struct ir_interface *i = ir_find_interface(r->ir, name);
	assert_non_null(i);
	return i;
}

static const struct ir_method *method(const struct ir_interface *i, const char *name)
{
	for (size_t k = 0; k < i->all_methods.len; k++)
		if (!strcmp(i->all_methods.items[k]->name, name))
			return i->all_methods.items[k];
	fail_msg("no method %s in %s", name, i->name);
	return NULL;
}

static const struct ir_type *type(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->ir->types.len; i++)
		if (!strcmp(r->ir->types.items[i]->name, name))
			return r->ir->types.items[i];
	fail_msg("no type %s", name);
	return NULL;
}

static void seed_protocols_parse_unchanged(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, SEED "io.idl", SEED "dev.idl", SEED "sys.idl", NULL);
	assert_clean(&r);
	const struct ir_interface *file = iface(&r, "io::file");
	assert_int_equal(file->id, 0x7b9588b7u);
	assert_true(method(file, "read")->label == 0x7b9588b70001ull);
	assert_true(method(file, "seek")->label == 0x7b9588b70003ull);
	assert_int_equal(method(file, "read")->caps_in.items[0].kind, CAP_PAGES);
	assert_true(method(file, "read")->caps_in.items[0].variadic);

	const struct ir_interface *serial = iface(&r, "dev::serial");
	assert_int_equal(serial->all_methods.len, 11);
	/* Inherited calls keep their parent's label; own calls count from 1. */
	assert_ptr_equal(method(serial, "read"), method(file, "read"));
	static const char *const ops[] = {"get_baud",	 "get_charlen", "get_stopbits", "get_parity",
					  "set_baud",	 "set_charlen", "set_stopbits", "set_parity"};
	for (size_t i = 0; i < ARRAY_LEN(ops); i++)
		assert_true(method(serial, ops[i])->label == ((uint64_t)serial->id << 16 | (i + 1)));
	assert_int_equal(method(serial, "get_parity")->result->kind, IR_ENUM);
	assert_string_equal(method(serial, "set_charlen")->doc,
			    "Sets the number of bits per character. Must be 5, 6, 7, or 8.");
	/* as printed, with no blank line: both comments document the enum */
	assert_string_equal(type(&r, "dev::stop_bits")->doc,
			    "TODO: Add busy error and narrow semantics\n"
			    "Note: TWO is interpreted as 1.5 for some char lengths (5)");

	const struct ir_method *reg = method(iface(&r, "sys::devregistry"), "new");
	assert_int_equal(reg->caps_in.len, 0);
	assert_int_equal(reg->caps_out.len, 1);
	assert_int_equal(reg->caps_out.items[0].kind, CAP_HANDLE);
	assert_string_equal(type(&r, "io::whence")->doc,
			    "The location with respect to which a seek operation is performed.");
	run_free(&r);
}

/* The next token of IDL text at *p, into tok; false at the end. A comment
 * is one token, its text after '#' without the spaces around it; a word
 * (letters, digits, '_') is one, as are "::" and "...", and any other
 * character. */
static bool next_token(const char **p, char *tok, size_t cap, unsigned *line)
{
	const char *s = *p;
	for (; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'; s++)
		*line += *s == '\n';
	if (!*s)
		return false;
	size_t n = 1;
	if (*s == '#') {
		const char *start = ++s;
		while (*start == ' ')
			start++;
		for (s = start; *s && *s != '\n'; s++)
			;
		n = (size_t)(s - start);
		while (n && (start[n - 1] == ' ' || start[n - 1] == '\r'))
			n--;
		assert_true(n + 2 < cap);
		tok[0] = '#';
		memcpy(tok + 1, start, n);
		tok[n + 1] = 0;
		*p = s;
		return true;
	}
	if (isalnum((unsigned char)*s) || *s == '_')
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
	else if (!strncmp(s, "::", 2))
		n = 2;
	else if (!strncmp(s, "...", 3))
		n = 3;
	assert_true(n < cap);
	memcpy(tok, s, n);
	tok[n] = 0;
	*p = s + n;
	return true;
}

/* dsl/std is the seed protocols: the same tokens in the same order, comments
 * included; only spacing and indentation may differ. */
static void std_library_is_the_seed_token_by_token(void **state)
{
	(void)state;
	static const char *const files[] = {"io.idl", "dev.idl", "sys.idl"};
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char seed_path[64], std_path[64];
		snprintf(seed_path, sizeof seed_path, SEED "%s", files[i]);
		snprintf(std_path, sizeof std_path, "dsl/std/%s", files[i]);
		char *seed = read_text(seed_path), *std = read_text(std_path);
		assert_non_null(seed);
		assert_non_null(std);
		const char *a = seed, *b = std;
		char ta[256], tb[256];
		unsigned la = 1, lb = 1;
		for (;;) {
			bool more_a = next_token(&a, ta, sizeof ta, &la);
			bool more_b = next_token(&b, tb, sizeof tb, &lb);
			if (!more_a && !more_b)
				break;
			if (more_a != more_b || strcmp(ta, tb))
				fail_msg("%s:%u has '%s' where %s:%u has '%s'", std_path, lb,
					 more_b ? tb : "(the end)", seed_path, la,
					 more_a ? ta : "(the end)");
		}
		free(seed);
		free(std);
	}
}

static void std_library_is_built_in(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "uart.idl",
		  "namespace uart;\nuse dev;\ninterface port :: dev::serial { call flush() void; };\n",
		  NULL);
	assert_clean(&r);
	assert_int_equal(method(iface(&r, "uart::port"), "flush")->label & 0xffff, 1);
	/* dev uses io: both were loaded from the library compiled into drvgen. */
	assert_non_null(ir_find_interface(r.ir, "io::file"));
	/* dsl/std spaces the file-wide TODO off the enum the note documents */
	assert_string_equal(type(&r, "dev::stop_bits")->doc,
			    "Note: TWO is interpreted as 1.5 for some char lengths (5)");
	bool builtin = false;
	for (size_t i = 0; i < r.ir->sources.len; i++)
		builtin |= r.ir->sources.items[i]->builtin;
	assert_true(builtin);
	run_free(&r);
}

static void search_path_comes_first(void **state)
{
	(void)state;
	const char *dirs[] = {"tests/unit/idl_path"};
	struct drvgen_options opts = {.include_dirs = dirs, .include_dir_count = 1};
	struct drvgen *g = drvgen_new(&opts);
	const char *text = "namespace app;\nuse io;\ninterface x { call f(v: io::tiny) void; };\n";
	drvgen_add_text(g, "app.idl", text, strlen(text));
	const struct ir *ir = drvgen_build(g);
	/* tests/unit/idl_path/io.idl shadows the standard io namespace. */
	assert_non_null(ir);
	assert_null(ir_find_interface(ir, "io::file"));
	drvgen_free(g);
}

static void missing_namespace(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "a.idl", "namespace a;\nuse nowhere;\n", NULL);
	assert_only_diag(&r, "E0508");
	assert_diag_at(&r, "E0508", 2, 5);
	run_free(&r);
}

static void extensions(void **state)
{
	(void)state;
	static const char text[] =
		"namespace ext;\n"
		"enum mode : u8 { OFF = 0, SLOW = 3, FAST, };\n"
		"enum delta : i16 { DOWN = -2, NONE_ = 0, UP = 2 };\n"
		"bits perm : u8 { READ, WRITE, EXEC = 0x10, SUID };\n"
		"error fault { BUSY, TIMEOUT = 7, RANGE };\n"
		"struct point { x: i32; y: i32; tag: u8; };\n"
		"struct path { count: u16; pts: [4]point; };\n"
		"interface shapes = 0x1234abcd {\n"
		"\tcall draw(p: path, label: str<15>, data: bytes<100>, ids: []u32<3>) u64 ! fault;\n"
		"\tsend poke(m: mode);\n"
		"\tevent moved(to: point);\n"
		"\t@op(40) @since(2) call late() bool;\n"
		"\t@deprecated(\"use draw\") call old() void;\n"
		"};\n";
	struct run r;
	run_texts(&r, "ext.idl", text, NULL);
	assert_clean(&r);
	const struct ir_type *mode = type(&r, "ext::mode");
	assert_int_equal(mode->size, 1);
	assert_int_equal(mode->members.items[2].value, 4);
	const struct ir_type *delta = type(&r, "ext::delta");
	assert_true(delta->members.items[0].value == (uint64_t)-2);
	const struct ir_type *perm = type(&r, "ext::perm");
	assert_int_equal(perm->members.items[0].value, 1);
	assert_int_equal(perm->members.items[1].value, 2);
	assert_int_equal(perm->members.items[3].value, 0x20);
	const struct ir_type *fault = type(&r, "ext::fault");
	assert_int_equal(fault->members.items[0].value, 1);
	assert_int_equal(fault->members.items[2].value, 8);
	const struct ir_type *point = type(&r, "ext::point");
	assert_int_equal(point->size, 12);
	assert_int_equal(point->align, 4);
	const struct ir_type *path = type(&r, "ext::path");
	assert_int_equal(path->members.items[1].offset, 4);
	assert_int_equal(path->size, 52);

	const struct ir_interface *shapes = iface(&r, "ext::shapes");
	assert_int_equal(shapes->id, 0x1234abcd);
	assert_true(shapes->id_explicit);
	const struct ir_method *draw = method(shapes, "draw");
	assert_ptr_equal(draw->error, fault);
	/* path at 0 (52 bytes), then three 4-byte counts: 52, 56, 60 -> 64. */
	assert_int_equal(draw->params.items[1].offset, 52);
	assert_int_equal(draw->params.items[3].offset, 60);
	assert_int_equal(draw->request_inline, 64);
	/* str<15> carries 15 bytes and a zero: 16; bytes<100>: 104; []u32<3>: 16. */
	assert_int_equal(draw->request_max, 64 + 16 + 104 + 16);
	assert_int_equal(draw->reply_inline, 8);
	assert_int_equal(method(shapes, "poke")->kind, METHOD_SEND);
	assert_int_equal(method(shapes, "moved")->kind, METHOD_EVENT);
	assert_int_equal(method(shapes, "moved")->op, 3);
	const struct ir_method *late = method(shapes, "late");
	assert_int_equal(late->op, 40);
	assert_int_equal(late->since, 2);
	assert_string_equal(method(shapes, "old")->deprecated, "use draw");
	assert_int_equal(method(shapes, "old")->op, 5);
	run_free(&r);
}

static void multiple_inheritance_diamond(void **state)
{
	(void)state;
	static const char text[] =
		"namespace m;\n"
		"interface base { call ping() void; };\n"
		"interface left :: base { call l() void; };\n"
		"interface right :: base { call r() void; };\n"
		"interface both :: left, right { call b() void; };\n";
	struct run r;
	run_texts(&r, "m.idl", text, NULL);
	assert_clean(&r);
	const struct ir_interface *both = iface(&r, "m::both");
	assert_int_equal(both->all_methods.len, 4); /* ping once, l, r, b */
	assert_string_equal(both->all_methods.items[0]->name, "ping");
	assert_string_equal(both->all_methods.items[3]->name, "b");
	run_free(&r);
}

static void doc_comments(void **state)
{
	(void)state;
	static const char text[] =
		"namespace d;\n"
		"# Detached by the blank line below.\n"
		"\n"
		"# First line.\n"
		"# Second line.\n"
		"enum e {\n"
		"\tA, # trailing, not a doc\n"
		"\t# B's doc.\n"
		"\tB,\n"
		"};\n"
		"interface i {\n"
		"\t# f's doc.\n"
		"\t@since(1)\n"
		"\tcall f() void;\n"
		"};\n";
	struct run r;
	run_texts(&r, "d.idl", text, NULL);
	assert_clean(&r);
	const struct ir_type *e = type(&r, "d::e");
	assert_string_equal(e->doc, "First line.\nSecond line.");
	assert_null(e->members.items[0].doc);
	assert_string_equal(e->members.items[1].doc, "B's doc.");
	assert_string_equal(method(iface(&r, "d::i"), "f")->doc, "f's doc.");
	run_free(&r);
}

static void keywords_are_contextual(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "k.idl",
		  "namespace k;\nerror error { BUSY };\n"
		  "struct s { event: u8; send: u8; };\n"
		  "interface call { call error(send: u32) u32 ! error; };\n",
		  NULL);
	assert_clean(&r);
	assert_non_null(method(iface(&r, "k::call"), "error")->error);
	run_free(&r);
}

static void syntax_errors_recover(void **state)
{
	(void)state;
	static const char text[] = "namespace s;\n"
				   "interface x {\n"
				   "\tcall f(a: u32 b: u32) void;\n"
				   "\tcall g() u32;\n"
				   "\tcall h() u32\n"
				   "};\n"
				   "enum e { A B };\n";
	struct run r;
	run_texts(&r, "s.idl", text, NULL);
	assert_diag_at(&r, "E0403", 3, 16);
	assert_diag_at(&r, "E0403", 5, 14); /* the missing ';' goes where it is missing */
	assert_diag_at(&r, "E0403", 7, 12);
	assert_int_equal(drvgen_diagnostic_count(r.g), 3);
	/* The first one points at the '(' it is waiting to close. */
	const struct diagnostic *d = drvgen_diagnostic(r.g, 0);
	assert_int_equal(d->notes.len, 1);
	assert_int_equal(d->notes.items[0].pos.line, 3);
	assert_int_equal(d->notes.items[0].pos.col, 8);
	run_free(&r);
}

static void lexical_errors(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "l.idl",
		  "namespace l;\nenum e { A = 0x1z, B = 99999999999999999999 };\n"
		  "interface i { @deprecated(\"open call f() void; };\n"
		  "struct s { x: u8; $ };\n"
		  "struct t { \xc3\xa9: u8; };\n",
		  NULL);
	assert_diag_at(&r, "E0404", 2, 14);
	assert_diag_at(&r, "E0404", 2, 24);
	assert_diag_at(&r, "E0402", 3, 27);
	assert_diag_at(&r, "E0401", 4, 19);
	assert_diag_at(&r, "E0401", 5, 12);
	run_free(&r);
}

static void nesting_limit(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	sb_puts(&sb, "namespace n;\nstruct s { x: ");
	for (int i = 0; i < 5000; i++)
		sb_puts(&sb, "[1]");
	sb_puts(&sb, "u8; };\n");
	struct run r;
	run_texts(&r, "n.idl", sb_str(&sb), NULL);
	assert_diag_at(&r, "E0405", 0, 0);
	run_free(&r);
	sb_free(&sb);
}

/* Found in review: each of these once gave a wrong value, a misleading code
 * or a cascade of follow-on errors. */
static void values_past_the_top(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "v.idl", "namespace v;\nenum e : u64 { A = 0xffffffffffffffff, B };\n", NULL);
	assert_only_diag(&r, "E0506");
	assert_diag_at(&r, "E0506", 2, 40);
	run_free(&r);
	run_texts(&r, "v.idl", "namespace v;\nbits b : u64 { TOP = 0x8000000000000000, NEXT };\n",
		  NULL);
	assert_only_diag(&r, "E0506");
	run_free(&r);
	run_texts(&r, "v.idl", "namespace v;\nenum e : u8 { A = 255, B, C, D };\n", NULL);
	assert_only_diag(&r, "E0506");
	run_free(&r);
}

static void no_cascades_from_bad_numbers(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "o.idl",
		  "namespace o;\ninterface i {\n\t@op(0) call a() void;\n\t@op(70000) call b() void;\n};\n"
		  "interface j = 0x100000000 { call c() void; };\ninterface k = 0 { call c() void; };\n",
		  NULL);
	assert_diag_at(&r, "E0512", 3, 6);
	assert_diag_at(&r, "E0512", 4, 6);
	assert_diag_at(&r, "E0506", 6, 15);
	assert_diag_at(&r, "E0523", 7, 15);
	assert_int_equal(drvgen_diagnostic_count(r.g), 4);
	run_free(&r);
}

static void capability_names(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "c.idl", "namespace c;\ninterface i {\n\tcall f{a, a}() void;\n\tcall g{b; b}() void;\n};\n",
		  NULL);
	assert_diag_at(&r, "E0502", 3, 12);
	assert_diag_at(&r, "E0502", 4, 12);
	assert_int_equal(drvgen_diagnostic_count(r.g), 2);
	run_free(&r);
	run_texts(&r, "c.idl", "namespace c;\ninterface i { call f{, a}() void; };\n", NULL);
	assert_only_diag(&r, "E0403");
	run_free(&r);
}

/* Whether a reply of an interface carries descriptors to the client,
 * inherited calls included: what the server's sandbox allows sendmsg for
 * (runtime/user/host/sandbox.c). */
static void sends_handles(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "h.idl",
		  "namespace h;\n"
		  "interface takes { call put{fd}() void; send note{fd}(); };\n"
		  "interface gives { call get{; fd}() void; };\n"
		  "interface heir :: gives { call more() void; };\n"
		  "interface tells { event ready(n: u32); };\n"
		  "interface pages { call read{pages: page...}(n: u32) void; };\n",
		  NULL);
	assert_clean(&r);
	assert_false(iface(&r, "h::takes")->sends_handles);
	assert_true(iface(&r, "h::gives")->sends_handles);
	assert_true(iface(&r, "h::heir")->sends_handles);
	assert_false(iface(&r, "h::tells")->sends_handles);
	assert_false(iface(&r, "h::pages")->sends_handles);
	run_free(&r);
}

static void deprecated_error_type(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "d.idl",
		  "namespace d;\n@deprecated(\"use fault\") error old { X };\n"
		  "interface i { call f() void ! old; };\n",
		  NULL);
	assert_only_diag(&r, "W0501");
	assert_int_equal(r.status, 0); /* warnings alone do not fail */
	assert_non_null(r.ir);
	run_free(&r);
}

static void std_namespace_without_use(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "u.idl", "namespace u;\ninterface i { call f(w: io::whence) void; };\n", NULL);
	assert_only_diag(&r, "E0509");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_protocols_parse_unchanged),
		cmocka_unit_test(std_library_is_the_seed_token_by_token),
		cmocka_unit_test(std_library_is_built_in),
		cmocka_unit_test(search_path_comes_first),
		cmocka_unit_test(missing_namespace),
		cmocka_unit_test(extensions),
		cmocka_unit_test(multiple_inheritance_diamond),
		cmocka_unit_test(doc_comments),
		cmocka_unit_test(keywords_are_contextual),
		cmocka_unit_test(syntax_errors_recover),
		cmocka_unit_test(lexical_errors),
		cmocka_unit_test(nesting_limit),
		cmocka_unit_test(values_past_the_top),
		cmocka_unit_test(no_cascades_from_bad_numbers),
		cmocka_unit_test(capability_names),
		cmocka_unit_test(sends_handles),
		cmocka_unit_test(deprecated_error_type),
		cmocka_unit_test(std_namespace_without_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
