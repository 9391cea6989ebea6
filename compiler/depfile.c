// SPDX-License-Identifier: MIT
/* depfile.c - `drvgen gen --depfile FILE`: make rules saying what a
 * generation read, so a build reruns drvgen when, and only when, one of
 * those files changes (docs/regeneration.md).
 *
 * Every generated file depends on every file the run read: the spec files,
 * the IDL files found for a `use`, the author-owned files checked for
 * missing handlers, and the spec folders named on the command line (a file
 * added to one changes the inputs). With --depfile-target, the one target
 * is a stamp file, which also depends on the generated files. Each
 * prerequisite also gets a rule of its own with no prerequisites and no
 * recipe, as `gcc -MP` writes, so a file deleted or renamed does not stop
 * make with "no rule to make target".
 */
#include "drvgen.h"
#include "gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether make can read path literally in a rule. A line break would end
 * the rule (and let the name write a recipe of its own), ';' starts a
 * recipe, '=' makes the line a variable assignment, '|' order-only
 * prerequisites, '%' a pattern, and wildcards expand even escaped: no
 * escape keeps these, so a depfile naming them is refused. */
static bool make_can_read(const char *path)
{
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || strchr(";=|%*?[]", *p))
			return false;
	return true;
}

/* A path as make reads it in a rule: spaces, '#' and ':' escaped, '$'
 * doubled. */
static void put_make_path(struct strbuf *out, const char *path)
{
	while (!strncmp(path, "./", 2) && path[2])
		path += 2;
	for (const char *p = path; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '#' || *p == '\\' || *p == ':')
			sb_putc(out, '\\');
		if (*p == '$')
			sb_putc(out, '$');
		sb_putc(out, *p);
	}
}

static bool is_folder(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

struct path_list {
	const char **items;
	size_t len, cap;
};

static void add_unique(struct arena *a, struct path_list *list, const char *path)
{
	for (size_t i = 0; i < list->len; i++)
		if (!strcmp(list->items[i], path))
			return;
	vec_push(a, list, path);
}

static void add_folder(struct arena *a, struct path_list *list, const char *path)
{
	char *p = arena_strdup(a, path);
	for (size_t n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
		p[n - 1] = 0;
	add_unique(a, list, p);
}

static void put_rule(struct strbuf *out, const struct path_list *targets,
		     const struct path_list *prerequisites)
{
	for (size_t i = 0; i < targets->len; i++) {
		if (i)
			sb_puts(out, " \\\n");
		put_make_path(out, targets->items[i]);
	}
	sb_putc(out, ':');
	for (size_t i = 0; i < prerequisites->len; i++) {
		sb_puts(out, " \\\n ");
		put_make_path(out, prerequisites->items[i]);
	}
	sb_putc(out, '\n');
}

int drvgen_write_depfile(const struct ir *ir, const struct drvgen_output *out, const char *dir,
			 const struct drvgen_depfile *dep, FILE *report)
{
	struct arena arena = {0};
	struct path_list inputs = {0}, outputs = {0}, stamp = {0};
	for (size_t i = 0; i < dep->spec_count; i++)
		if (is_folder(dep->specs[i]))
			add_folder(&arena, &inputs, dep->specs[i]);
	for (size_t i = 0; i < ir->sources.len; i++) {
		const struct source *s = ir->sources.items[i];
		/* The standard library is compiled into drvgen: the file is a
		 * dependency only where it exists, in drvgen's own tree. */
		if (!s->builtin || access(s->path, R_OK) == 0)
			add_unique(&arena, &inputs, s->path);
	}
	for (size_t i = 0; i < out->count; i++) {
		const struct drvgen_file *f = &out->files[i];
		const char *path = arena_printf(&arena, "%s/%s", f->dir ? f->dir : dir, f->name);
		add_unique(&arena, f->author_owned ? &inputs : &outputs, path);
	}

	if (dep->target)
		add_unique(&arena, &stamp, dep->target);
	const struct path_list *lists[] = {&inputs, &outputs, &stamp};
	for (size_t k = 0; k < ARRAY_LEN(lists); k++)
		for (size_t i = 0; i < lists[k]->len; i++)
			if (!make_can_read(lists[k]->items[i])) {
				fprintf(report,
					"drvgen: cannot write %s: make cannot read the file name '%s' "
					"(a line break, or one of ;=|%%*?[] in it)\n",
					dep->path, lists[k]->items[i]);
				arena_free(&arena);
				return 2;
			}

	struct strbuf text = {0};
	sb_printf(&text, "# Written by drvgen %s (gen --depfile): what the generation read.\n",
		  DRVGEN_VERSION);
	if (dep->target) {
		/* A stamp is out of date when an input changed, and when a
		 * generated file was edited or deleted since. */
		for (size_t i = 0; i < outputs.len; i++)
			add_unique(&arena, &inputs, outputs.items[i]);
		put_rule(&text, &stamp, &inputs);
	} else {
		put_rule(&text, &outputs, &inputs);
	}
	for (size_t i = 0; i < inputs.len; i++) {
		sb_putc(&text, '\n');
		put_make_path(&text, inputs.items[i]);
		sb_puts(&text, ":\n");
	}

	int status = 0;
	if (write_atomically(dep->path, sb_str(&text), text.len) != 0) {
		fprintf(report, "drvgen: cannot write %s: %s\n", dep->path, strerror(errno));
		status = 2;
	}
	sb_free(&text);
	arena_free(&arena);
	return status;
}
