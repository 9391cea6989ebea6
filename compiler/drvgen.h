/* drvgen.h - drvgen as a library: the CLI is a thin main over this, and the
 * tests and fuzzers call it in-process.
 *
 *	struct drvgen *g = drvgen_new(&opts);
 *	drvgen_add_path(g, "specs/edu");
 *	const struct ir *ir = drvgen_build(g);   // NULL if the specs have errors
 *	... backends read ir ...
 *	int status = drvgen_status(g);           // 0, 1 or 2, as the CLI exits
 *	drvgen_free(g);
 */
#ifndef DRVGEN_H
#define DRVGEN_H

#include <stdbool.h>
#include <stddef.h>

#define DRVGEN_VERSION "0.1.0"

struct diagnostic;
struct ir;
struct drvgen;

struct drvgen_options {
	/* IDL search path for `use`, before the built-in standard library. */
	const char *const *include_dirs;
	size_t include_dir_count;
	/* Called once per diagnostic, sorted by file and position, when
	 * drvgen_build returns. NULL: keep them for drvgen_diagnostic(). */
	void (*on_diagnostic)(const struct diagnostic *d, void *ctx);
	void *ctx;
};

struct drvgen *drvgen_new(const struct drvgen_options *opts);
void drvgen_free(struct drvgen *g);

/* A spec folder (its *.idl, *.regs.yaml and *.manifest.yaml) or one file. */
void drvgen_add_path(struct drvgen *g, const char *path);
/* A spec held in memory; `name` decides its language as a file name would. */
void drvgen_add_text(struct drvgen *g, const char *name, const char *text, size_t len);

/* Loads and checks everything added, then builds the IR; NULL if there
 * were errors. Call once. */
const struct ir *drvgen_build(struct drvgen *g);

/* 0 success, 1 the specs have errors, 2 a file could not be read. */
int drvgen_status(const struct drvgen *g);
size_t drvgen_diagnostic_count(const struct drvgen *g);
const struct diagnostic *drvgen_diagnostic(const struct drvgen *g, size_t i);

/* The IR as JSON text (malloc'd; the caller frees it). */
char *drvgen_ir_json(const struct ir *ir);

#endif
