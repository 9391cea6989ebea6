/* SPDX-License-Identifier: MIT */
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
#include <stdio.h>

#define DRVGEN_VERSION "0.1.0"

struct diagnostic;
struct ir;
struct drvgen;

/* -W NAME, -W no-NAME, -E NAME, -E no-NAME: how a warning (by its code or
 * slug, docs/diagnostics.md) is reported: -W turns it on or off, -E makes
 * it an error or a warning again. */
struct drvgen_diag_option {
	bool error;       /* -E rather than -W */
	const char *name; /* "no-deprecated-use", "W0501" */
};

struct drvgen_options {
	/* IDL search path for `use`, before the built-in standard library. */
	const char *const *include_dirs;
	size_t include_dir_count;
	/* Called once per diagnostic, sorted by file and position, when
	 * drvgen_build returns. NULL: keep them for drvgen_diagnostic(). */
	void (*on_diagnostic)(const struct diagnostic *d, void *ctx);
	void *ctx;
	/* Applied in order; a name that is no warning's is ignored (the CLI
	 * refuses it first: drvgen_diag_option_valid). */
	const struct drvgen_diag_option *diag_options;
	size_t diag_option_count;
};

/* Whether "[no-]NAME" names a warning, as -W and -E take it. */
bool drvgen_diag_option_valid(const char *option);

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

/* ---- generation ---- */

enum { DRVGEN_TARGET_KMOD = 1, DRVGEN_TARGET_USER = 2, DRVGEN_TARGET_SIM = 4, DRVGEN_TARGET_ALL = 7 };

/* A handler a driver's skeleton writes in full rather than as a stub that
 * answers DRV_STATUS_INTERNAL (what `drvgen new` makes of its ident call). */
struct drvgen_handler_body {
	const char *method;  /* qualified: "mydev::device.ident" */
	const char *comment; /* what it does, for the comment above it */
	const char *const *lines; /* its statements, one a line */
	size_t line_count;
};

struct drvgen_gen_options {
	unsigned targets; /* DRVGEN_TARGET_* bits; 0 means all */
	const char *spdx; /* SPDX-License-Identifier of generated files; NULL: "MIT" */
	/* Where author-owned files (driver skeletons) live; NULL: the output
	 * folder. */
	const char *author_dir;
	const struct drvgen_handler_body *bodies;
	size_t body_count;
	/* The folder the files will be written into by drvgen_write (without
	 * check), or NULL. Given, a file that grows big (a register header of
	 * thousands of registers) is written to a temporary file there while it
	 * is made, and every register and IPC file once its backend finishes
	 * it, so memory follows the spec, not the output; such a drvgen_file
	 * has text NULL and a stream, which drvgen_write renames into place. */
	const char *stream_dir;
};

struct drvgen_stream;

struct drvgen_file {
	const char *name; /* no folders: "edu_regs.h" */
	const char *text; /* NULL if streamed */
	size_t len;
	bool author_owned; /* a skeleton: written only where no file of the name exists */
	const char *dir;   /* author-owned: the folder it belongs in; NULL: the output folder */
	struct drvgen_stream *stream; /* written while generated (stream_dir), or NULL */
};

struct drvgen_output {
	const struct drvgen_file *files; /* sorted by name */
	size_t count;
};

/* The MODULE_LICENSE a kernel module of SPDX licence `spdx` declares:
 * "GPL" for GPL-2.0 (-only, -or-later), "Dual MIT/GPL" for MIT, "Dual
 * BSD/GPL" and "Dual MPL/GPL" for BSD and MPL, and for "X OR GPL-2.0" that
 * of X; NULL for any other, which no kernel module can be built under
 * (docs/drivers.md). */
const char *drvgen_module_license(const char *spdx);

/* Runs every backend over the IR of a successful drvgen_build. The files
 * live until drvgen_free. */
struct drvgen_output drvgen_generate(struct drvgen *g, const struct drvgen_gen_options *opts);

/* What drvgen_write did, for the CLI to say. */
struct drvgen_write_counts {
	size_t written;   /* generated files written (new or changed) */
	size_t unchanged; /* generated files already on disk as they are */
	/* The author-owned files written because none was there: the
	 * skeletons. malloc'd: the caller frees the array. */
	const struct drvgen_file **skeletons;
	size_t skeleton_count;
};

/* `drvgen doc` (emit_doc.c): the reference of the spec of a successful
 * drvgen_build for people, each page as Markdown and as one self-contained
 * HTML page: a page per register map (every block, register and field,
 * with an SVG bitfield drawing per register, also a file of its own), a
 * page per protocol namespace (types, interfaces, labels, message sizes),
 * and an index. The files live until drvgen_free. */
struct drvgen_output drvgen_document(struct drvgen *g);

/* Writes the files into dir (created if needed), each only if its bytes
 * changed. With check, writes nothing and reports each missing file, and
 * each stale one with a unified diff from the disk to what would be
 * written, to `report` instead. Returns 0, 1 (check found stale or missing
 * files) or 2 (I/O); fills `counts` (may be NULL). */
int drvgen_write(const struct drvgen_output *out, const char *dir, bool check, FILE *report,
		 struct drvgen_write_counts *counts);

/* `drvgen compat OLD NEW` (compat.c, docs/compat.md): loads and checks both
 * versions (a spec folder or a file each; diagnostics go to the options'
 * callback), then writes to `out` every change from OLD to NEW, classed as
 * compatible, source-breaking or wire-breaking, as text or as JSON. Returns
 * 0 if nothing breaks, 1 if something does or a version has errors, 2 on an
 * I/O error. */
int drvgen_compat(const char *old_path, const char *new_path, const struct drvgen_options *opts,
		  bool json, FILE *out);

/* What `gen --depfile` writes (depfile.c). */
struct drvgen_depfile {
	const char *path;   /* the file of make rules to write */
	const char *target; /* the rule's one target (a stamp); NULL: every generated file */
	/* The SPEC arguments: the folders among them are prerequisites too. */
	const char *const *specs;
	size_t spec_count;
};

/* Writes make rules making the files of `out` (written into dir) depend on
 * every file the run read: spec files, files found for a `use`, author-owned
 * files, spec folders. Returns 0, or 2 if the file cannot be written. */
int drvgen_write_depfile(const struct ir *ir, const struct drvgen_output *out, const char *dir,
			 const struct drvgen_depfile *dep, FILE *report);

/* Checks that each driver's author-owned file still defines every handler
 * and hook the spec asks for (a method added to the protocol since the
 * skeleton was written): those of the last drvgen_generate, in its
 * author_dir, else in out_dir; without a drvgen_generate (`drvgen check`),
 * each driver's in the folder of its manifest (out_dir NULL). A file not
 * there is skipped. Reports each missing name as a diagnostic (E0601);
 * returns 0, or 1 if any is missing. `checked` (may be NULL): how many
 * files were there to check. */
int drvgen_check_author_files(struct drvgen *g, const char *out_dir, size_t *checked);

/* ---- drvgen new (new_spec.c) ---- */

enum drvgen_bus { DRVGEN_BUS_PCI, DRVGEN_BUS_ISA };

struct drvgen_new_options {
	const char *name; /* the driver's, its device's and its protocol's namespace */
	const char *dir;  /* the folder to write into (made if need be); NULL: ./name */
	enum drvgen_bus bus;
	unsigned vendor, device; /* PCI */
	unsigned port, irq;      /* ISA: the first of its 8 ports, its interrupt line */
	const char *spdx;        /* of the files with an SPDX line; NULL: MIT */
	/* The folder of the JSON Schemas the YAML files' modelines name
	 * (dsl/schema, installed as share/drvgen/schema); NULL: no modelines. */
	const char *schema_dir;
	const char *command; /* how drvgen new was run, for the folder's README */
};

/* Writes a spec folder for the device: register map, protocol, manifest,
 * the driver's C file (whose one call reads the id register), its QEMU test
 * and example client, a README and a Makefile. The spec is checked first;
 * its diagnostics (a name drvgen cannot use) go to the options' callback.
 * Returns 0; 1 if the spec has errors, 2 if a file of those names exists
 * or a file cannot be written (said on `report`); nothing is written
 * unless every file can be. */
int drvgen_new_spec(const struct drvgen_new_options *o, const struct drvgen_options *opts,
		    FILE *report);

#endif
