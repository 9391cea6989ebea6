// SPDX-License-Identifier: MIT
/* pipeline.c - one run of drvgen: inputs -> load -> check -> IR.
 *
 * drvgen_build is the whole front half of the compiler in order; read it
 * first. Inputs are sorted before loading so the same files give the same
 * IR whatever order the command line or the folder listing had.
 */
#include "drvgen.h"

#include "check.h"
#include "gen.h"
#include "names.h"
#include "spec.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct input {
	const char *path;  /* as the user wrote it */
	const char *key;   /* resolved path, to drop duplicates */
	const char *text;  /* for in-memory inputs */
	size_t len;
	enum spec_kind kind;
};

struct drvgen {
	struct arena arena;
	struct diag_engine diag;
	struct drvgen_options opts;
	VEC(struct input) inputs;
	VEC(struct source *) sources;
	VEC(struct idl_ast *) idl;
	VEC(struct regs_ast *) regs; /* in regs_arena, until they are checked */
	struct arena regs_arena;
	VEC(struct manifest_ast *) manifests;
	bool idl_ok, regs_ok, manifests_ok; /* every file of the language loaded */
	unsigned next_order;                /* sources are numbered as they are read */
	VEC(void *) owned;                  /* malloc'd texts of generated files */
	VEC(struct drvgen_stream *) streams; /* generated files written as they were made */
	struct ir *ir;
	/* From drvgen_generate, for drvgen_check_author_files. */
	gen_requirement_list required;
	const char *author_dir;
	bool generated;
};

struct drvgen *drvgen_new(const struct drvgen_options *opts)
{
	struct drvgen *g = calloc(1, sizeof *g);
	if (!g)
		abort();
	diag_init(&g->diag, &g->arena);
	if (opts)
		g->opts = *opts;
	for (size_t i = 0; i < g->opts.diag_option_count; i++)
		diag_set_level(&g->diag, g->opts.diag_options[i].name, g->opts.diag_options[i].error);
	g->idl_ok = g->regs_ok = g->manifests_ok = true;
	return g;
}

void drvgen_free(struct drvgen *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->owned.len; i++)
		free(g->owned.items[i]);
	arena_free(&g->regs_arena);
	for (size_t i = 0; i < g->streams.len; i++)
		stream_close(g->streams.items[i]);
	arena_free(&g->arena);
	free(g);
}

/* ---- collecting inputs ---- */

static void add_input(struct drvgen *g, const char *path, enum spec_kind kind, const char *text,
		      size_t len)
{
	char resolved[PATH_MAX];
	struct input in = {.path = arena_strdup(&g->arena, path), .kind = kind, .len = len};
	in.key = !text && realpath(path, resolved) ? arena_strdup(&g->arena, resolved) : in.path;
	in.text = text ? arena_strndup(&g->arena, text, len) : NULL;
	vec_push(&g->arena, &g->inputs, in);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The spec files of a folder, sorted, as inputs: all of them, or (for a
 * library) its register maps and protocols only. `at` is where the folder
 * was named. */
static void add_folder_at(struct drvgen *g, const char *path, struct srcpos at, bool library)
{
	struct srcpos whole = at.src ? at : (struct srcpos){source_named(&g->arena, path, 0), 0, 0};
	DIR *dir = opendir(path);
	if (!dir) {
		diag_report(&g->diag, whole, E0001, "cannot open folder");
		return;
	}
	VEC(const char *) names = {0};
	struct dirent *e;
	while ((e = readdir(dir))) {
		enum spec_kind kind;
		if (e->d_name[0] != '.' && spec_kind_of_path(e->d_name, &kind) &&
		    !(library && kind == SPEC_MANIFEST))
			vec_push(&g->arena, &names, arena_strdup(&g->arena, e->d_name));
	}
	closedir(dir);
	if (!names.len) {
		diag_report(&g->diag, whole, E0008,
			    "folder holds no spec files (*.idl, *.regs.yaml, *.manifest.yaml)");
		return;
	}
	qsort(names.items, names.len, sizeof *names.items, compare_names);
	size_t plen = strlen(path);
	bool slash = plen && path[plen - 1] == '/';
	for (size_t i = 0; i < names.len; i++) {
		enum spec_kind kind;
		spec_kind_of_path(names.items[i], &kind);
		add_input(g, arena_printf(&g->arena, "%s%s%s", path, slash ? "" : "/", names.items[i]),
			  kind, NULL, 0);
	}
}

static void add_folder(struct drvgen *g, const char *path)
{
	add_folder_at(g, path, (struct srcpos){0}, false);
}

void drvgen_add_path(struct drvgen *g, const char *path)
{
	struct stat st;
	struct srcpos whole = {source_named(&g->arena, path, 0), 0, 0};
	if (stat(path, &st) != 0) {
		diag_report(&g->diag, whole, E0001, "no such file or folder");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		add_folder(g, path);
		return;
	}
	enum spec_kind kind;
	if (!spec_kind_of_path(path, &kind)) {
		diag_report(&g->diag, whole, E0002,
			    "not a spec file: drvgen reads *.idl, *.regs.yaml and *.manifest.yaml");
		return;
	}
	add_input(g, path, kind, NULL, 0);
}

void drvgen_add_text(struct drvgen *g, const char *name, const char *text, size_t len)
{
	enum spec_kind kind;
	if (!spec_kind_of_path(name, &kind))
		kind = SPEC_IDL;
	add_input(g, name, kind, text, len);
}

/* ---- loading ---- */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* By file name, then full path: the order does not depend on which folder
 * prefix or argument order reached the file. */
static int compare_inputs(const void *pa, const void *pb)
{
	const struct input *a = pa, *b = pb;
	int c = strcmp(base_name(a->path), base_name(b->path));
	return c ? c : strcmp(a->key, b->key);
}

static void load_source(struct drvgen *g, struct source *src)
{
	if (!src)
		return;
	vec_push(&g->arena, &g->sources, src);
	switch (src->kind) {
	case SPEC_IDL: {
		struct idl_ast *ast = idl_parse(&g->arena, &g->diag, src);
		if (ast)
			vec_push(&g->arena, &g->idl, ast);
		else
			g->idl_ok = false;
		break;
	}
	case SPEC_REGS: {
		size_t before = g->diag.errors;
		struct arena scratch = {0};
		struct regs_ast *ast = regs_load(&g->regs_arena, &g->arena, &scratch, &g->diag, src);
		arena_recycle(&g->arena, &scratch);
		if (ast && g->diag.errors == before)
			vec_push(&g->arena, &g->regs, ast);
		else
			g->regs_ok = false;
		break;
	}
	case SPEC_MANIFEST: {
		size_t before = g->diag.errors;
		struct arena scratch = {0};
		struct manifest_ast *ast = manifest_load(&g->arena, &scratch, &g->diag, src);
		arena_recycle(&g->arena, &scratch);
		if (ast && g->diag.errors == before)
			vec_push(&g->arena, &g->manifests, ast);
		else
			g->manifests_ok = false;
		break;
	}
	}
}

static void load_input(struct drvgen *g, const struct input *in)
{
	unsigned order = g->next_order++;
	struct source *src = in->text ? source_from_text(&g->arena, &g->diag, in->path, in->text,
							 in->len, in->kind, order)
				      : source_from_file(&g->arena, &g->diag, in->path, in->kind, order);
	if (!src) {
		g->idl_ok &= in->kind != SPEC_IDL;
		g->regs_ok &= in->kind != SPEC_REGS;
		g->manifests_ok &= in->kind != SPEC_MANIFEST;
	}
	load_source(g, src);
}

static void load_inputs(struct drvgen *g)
{
	if (g->inputs.len)
		qsort(g->inputs.items, g->inputs.len, sizeof *g->inputs.items, compare_inputs);
	for (size_t i = 0; i < g->inputs.len; i++)
		if (!i || strcmp(g->inputs.items[i].key, g->inputs.items[i - 1].key) != 0)
			load_input(g, &g->inputs.items[i]); /* once, if named twice (a folder and a file in it) */
}

/* The folders a manifest names under `libraries` (relative to its own):
 * their register maps and protocols join the run, once each however many
 * drivers use them (or name them as specs too). */
static void load_libraries(struct drvgen *g)
{
	size_t first = g->inputs.len;
	for (size_t m = 0; m < g->manifests.len; m++) {
		const struct manifest_ast *ma = g->manifests.items[m];
		const char *slash = strrchr(ma->src->path, '/');
		int dirlen = slash ? (int)(slash - ma->src->path) : 1;
		const char *dir = slash ? ma->src->path : ".";
		for (size_t i = 0; i < ma->libraries.len; i++) {
			const struct lstr *lib = &ma->libraries.items[i];
			struct stat st;
			const char *path = arena_printf(&g->arena, "%.*s/%s", dirlen, dir, lib->s);
			if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
				diag_report(&g->diag, lib->pos, E0001,
					    "library '%s' is not a folder (looked at %s)", lib->s, path);
				continue;
			}
			add_folder_at(g, path, lib->pos, true);
		}
	}
	if (g->inputs.len == first)
		return;
	/* loaded already: named on the command line, or by another driver */
	struct strmap loaded;
	strmap_init(&loaded, &g->arena);
	for (size_t i = 0; i < first; i++)
		strmap_put(&loaded, g->inputs.items[i].key, (void *)g->inputs.items[i].key);
	for (size_t i = first; i < g->inputs.len; i++) {
		const struct input *in = &g->inputs.items[i];
		if (strmap_get(&loaded, in->key))
			continue;
		strmap_put(&loaded, in->key, (void *)in->key);
		load_input(g, in);
	}
}

static bool namespace_loaded(const struct drvgen *g, const char *ns)
{
	for (size_t i = 0; i < g->idl.len; i++)
		if (g->idl.items[i]->ns.s && strcmp(g->idl.items[i]->ns.s, ns) == 0)
			return true;
	return false;
}

/* Finds the file for `use ns;`: the -I folders in order, then the built-in
 * standard library. */
static struct source *find_namespace(struct drvgen *g, const char *ns)
{
	const char *file = arena_printf(&g->arena, "%s.idl", ns);
	for (size_t i = 0; i < g->opts.include_dir_count; i++) {
		const char *path = arena_printf(&g->arena, "%s/%s", g->opts.include_dirs[i], file);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return source_from_file(&g->arena, &g->diag, path, SPEC_IDL, g->next_order++);
	}
	for (size_t i = 0; i < builtin_files_count; i++)
		if (strcmp(base_name(builtin_files[i].path), file) == 0) {
			struct source *src = source_from_text(&g->arena, &g->diag, builtin_files[i].path,
							      builtin_files[i].data, builtin_files[i].len,
							      SPEC_IDL, g->next_order++);
			if (src)
				src->builtin = true;
			return src;
		}
	return NULL;
}

/* Loads namespace `ns` for a `use` (report true) or for a manifest's
 * interface name (report false: the manifest check reports the unknown
 * interface with more context). */
static void load_namespace(struct drvgen *g, struct strmap *tried, const char *ns,
			   struct srcpos pos, bool report)
{
	if (namespace_loaded(g, ns) || strmap_get(tried, ns))
		return;
	strmap_put(tried, ns, (void *)ns);
	size_t before = g->idl.len;
	struct source *src = find_namespace(g, ns);
	if (!src) {
		if (report) {
			diag_report(&g->diag, pos, E0508,
				    "no file provides namespace '%s' (looked for %s.idl in the -I "
				    "folders and the standard library)",
				    ns, ns);
			g->idl_ok = false;
		}
		return;
	}
	load_source(g, src);
	if (g->idl.len > before && strcmp(g->idl.items[before]->ns.s, ns) != 0) {
		diag_report(&g->diag, pos, E0508, "%s declares namespace '%s', not '%s'", src->path,
			    g->idl.items[before]->ns.s, ns);
		g->idl_ok = false;
	}
}

static void load_namespaces_of(struct drvgen *g, struct strmap *tried, const lstr_list *names)
{
	for (size_t i = 0; i < names->len; i++) {
		const char *sep = strstr(names->items[i].s, "::");
		if (sep)
			load_namespace(g, tried,
				       arena_strndup(&g->arena, names->items[i].s,
						     (size_t)(sep - names->items[i].s)),
				       names->items[i].pos, false);
	}
}

/* Loads the namespaces that `use` or a manifest names and no input
 * provides, and those they use in turn. */
static void load_used_namespaces(struct drvgen *g)
{
	struct strmap tried;
	strmap_init(&tried, &g->arena);
	for (size_t m = 0; m < g->manifests.len; m++) {
		load_namespaces_of(g, &tried, &g->manifests.items[m]->provides);
		load_namespaces_of(g, &tried, &g->manifests.items[m]->services);
	}
	for (size_t f = 0; f < g->idl.len; f++) {
		const struct idl_ast *ast = g->idl.items[f];
		for (size_t u = 0; u < ast->uses.len; u++)
			load_namespace(g, &tried, ast->uses.items[u].s, ast->uses.items[u].pos, true);
	}
}

/* ---- the run ---- */

/* A search folder that does not exist is a typo worth hearing about, not
 * something to skip silently. */
static void check_include_dirs(struct drvgen *g)
{
	for (size_t i = 0; i < g->opts.include_dir_count; i++) {
		struct stat st;
		const char *dir = g->opts.include_dirs[i];
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			diag_report(&g->diag, (struct srcpos){source_named(&g->arena, dir, 0), 0, 0},
				    E0001, "the -I search folder does not exist");
	}
}

const struct ir *drvgen_build(struct drvgen *g)
{
	check_include_dirs(g);
	load_inputs(g);
	load_libraries(g);
	load_used_namespaces(g);

	g->ir = NEW(&g->arena, struct ir);
	for (size_t i = 0; i < g->sources.len; i++)
		vec_push(&g->arena, &g->ir->sources, g->sources.items[i]);
	struct checker c = {&g->arena, &g->diag, g->ir};
	/* Check every language whose files all loaded; manifests refer to the
	 * other two, so they need all three. */
	if (g->idl_ok)
		check_idl(&c, g->idl.items, g->idl.len);
	if (g->regs_ok)
		check_regs(&c, g->regs.items, g->regs.len);
	if (g->idl_ok && g->regs_ok && g->manifests_ok)
		check_manifests(&c, g->manifests.items, g->manifests.len);
	/* The IR holds what the register maps' ASTs said (their strings are
	 * g->arena's): a big map's AST (1.4 KB a register) is freed before
	 * the clash check needs as much again. */
	arena_free(&g->regs_arena);
	g->regs.len = 0;
	/* the C names of all that, and whether two of them clash */
	name_ir(&g->arena, g->ir);
	if (g->regs_ok)
		check_c_name_clashes(&c);
	if (g->idl_ok)
		check_idl_names(&c);

	diag_sort(&g->diag);
	if (g->opts.on_diagnostic)
		for (size_t i = 0; i < g->diag.list.len; i++)
			g->opts.on_diagnostic(g->diag.list.items[i], g->opts.ctx);
	return g->diag.errors ? NULL : g->ir;
}

bool drvgen_diag_option_valid(const char *option)
{
	struct diag_engine probe = {0};
	diag_init(&probe, NULL);
	return diag_set_level(&probe, option, false);
}

int drvgen_status(const struct drvgen *g)
{
	return g->diag.status;
}

size_t drvgen_diagnostic_count(const struct drvgen *g)
{
	return g->diag.list.len;
}

const struct diagnostic *drvgen_diagnostic(const struct drvgen *g, size_t i)
{
	return g->diag.list.items[i];
}

/* ---- generation ---- */

/* The files of a run of backends, handed over, not copied: a 100k-register
 * header is hundreds of megabytes. drvgen_free frees them. */
static struct drvgen_output output_of(struct drvgen *g, const struct gen *gen)
{
	struct drvgen_file *files = arena_alloc(&g->arena, (gen->files.len + 1) * sizeof *files);
	for (size_t i = 0; i < gen->files.len; i++) {
		struct gen_file *f = gen->files.items[i];
		files[i] = (struct drvgen_file){.name = f->name,
						.text = f->stream ? NULL : sb_str(&f->text),
						.len = f->stream ? stream_length(f->stream) : f->text.len,
						.author_owned = f->author_owned,
						.dir = f->author_owned ? g->author_dir : NULL,
						.stream = f->stream};
		if (f->text.data)
			vec_push(&g->arena, &g->owned, (void *)f->text.data);
	}
	for (size_t i = 0; i < gen->streams.len; i++)
		vec_push(&g->arena, &g->streams, gen->streams.items[i]);
	return (struct drvgen_output){files, gen->files.len};
}

struct drvgen_output drvgen_generate(struct drvgen *g, const struct drvgen_gen_options *opts)
{
	struct gen_options go = {
		.targets = opts && opts->targets ? opts->targets : DRVGEN_TARGET_ALL,
		.spdx = opts && opts->spdx ? opts->spdx : "MIT",
		.bodies = opts ? opts->bodies : NULL,
		.body_count = opts ? opts->body_count : 0,
	};
	struct gen gen = {.arena = &g->arena, .ir = g->ir, .opts = &go,
			  .stream_dir = opts ? opts->stream_dir : NULL};
	emit_regs(&gen);
	emit_ipc(&gen);
	emit_driver(&gen);
	gen_finish(&gen);
	g->required = gen.required;
	g->author_dir = opts ? opts->author_dir : NULL;
	g->generated = true;
	return output_of(g, &gen);
}

struct drvgen_output drvgen_document(struct drvgen *g)
{
	struct gen_options go = {.targets = DRVGEN_TARGET_ALL, .spdx = "MIT"};
	struct gen gen = {.arena = &g->arena, .ir = g->ir, .opts = &go};
	emit_doc(&gen);
	gen_finish(&gen);
	return output_of(g, &gen);
}

/* The folder of a spec file, as the user named it ("." for a bare name). */
static const char *folder_of(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? arena_strndup(a, path, slash == path ? 1 : (size_t)(slash - path)) : ".";
}

int drvgen_check_author_files(struct drvgen *g, const char *out_dir, size_t *checked)
{
	size_t first = g->diag.list.len, errors = g->diag.errors;
	if (!g->generated) {
		/* `drvgen check`: what the skeletons ask for is the driver
		 * backend's to say; nothing else is generated. */
		struct gen_options go = {.targets = DRVGEN_TARGET_ALL, .spdx = "MIT"};
		struct gen gen = {.arena = &g->arena, .ir = g->ir, .opts = &go};
		emit_driver(&gen);
		g->required = gen.required;
	}
	const char *dir = g->author_dir ? g->author_dir : out_dir;
	if (checked)
		*checked = 0;
	for (size_t i = 0; i < g->required.len;) {
		const struct gen_requirement *req = &g->required.items[i];
		size_t n = 1;
		while (i + n < g->required.len && !strcmp(g->required.items[i + n].file, req->file))
			n++;
		const char *in = dir ? dir : folder_of(&g->arena, req->spec->path);
		const char *path = arena_printf(&g->arena, "%s/%s", in, req->file);
		if (check_author_file(&g->arena, &g->diag, path, req, n, g->next_order++) && checked)
			++*checked;
		i += n;
	}
	if (g->opts.on_diagnostic)
		for (size_t i = first; i < g->diag.list.len; i++)
			g->opts.on_diagnostic(g->diag.list.items[i], g->opts.ctx);
	return g->diag.errors > errors ? 1 : 0;
}
