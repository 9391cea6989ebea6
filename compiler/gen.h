/* SPDX-License-Identifier: MIT */
/* gen.h - what every backend shares: the files of one generation, banners,
 * comments. A backend is a function from the IR to files in memory; the
 * writer (writer.c) decides what reaches the disk.
 */
#ifndef DRVGEN_GEN_H
#define DRVGEN_GEN_H

#include "ir.h"

struct drvgen_handler_body;

struct gen_options {
	unsigned targets; /* DRVGEN_TARGET_* bits (drvgen.h) */
	const char *spdx; /* the SPDX line of every generated file */
	/* skeleton handlers written in full (drvgen.h) */
	const struct drvgen_handler_body *bodies;
	size_t body_count;
};

struct gen_file {
	const char *name;  /* a file name, no folders: "edu_regs.h" */
	struct strbuf text; /* of a streamed file, what is not written out yet */
	bool author_owned; /* written only where no file of the name exists */
	struct drvgen_stream *stream; /* written out as it is made (gen_flush), or NULL */
};

/* A name an author-owned file must define: once the author owns the
 * skeleton, drvgen checks it still defines what the spec now asks for. */
struct gen_requirement {
	const char *file;   /* the author-owned file's name */
	const char *symbol; /* "edu_factorial" */
	struct srcpos pos;  /* what asks for it: an IDL method, a manifest */
	const char *what;   /* "the handler of call edu::device.factorial" */
	const char *hint;   /* what to add, or NULL */
	const struct source *spec; /* the driver's manifest: its folder holds the file */
};
typedef VEC(struct gen_requirement) gen_requirement_list;

struct gen {
	struct arena *arena;
	const struct ir *ir;
	const struct gen_options *opts;
	VEC(struct gen_file *) files;
	gen_requirement_list required;
	/* each source's banner hash, computed once a run (gen_banner): every
	 * file names its sources, and 1,000 interfaces make 4,000 files */
	struct strmap source_hashes;
	/* Where drvgen_write will write, if files may go there while they are
	 * made (gen_flush) and once finished (gen_close); NULL: every file
	 * stays in memory. */
	const char *stream_dir;
	VEC(struct drvgen_stream *) streams; /* of the files streamed */
};

/* ---- gen.c ---- */

struct gen_file *gen_open(struct gen *g, const char *name);
/* The banner: SPDX line, the file's purpose, drvgen's version, the spec
 * files it comes from and a hash of their contents. */
void gen_banner(struct gen *g, struct gen_file *f, const char *purpose,
		const struct source *const *sources, size_t nsources);
/* One line of code at an indent of `tabs` tabs; every emitter writes through
 * these two. */
void gen_line(struct strbuf *out, unsigned tabs, const char *fmt, ...) PRINTF_LIKE(3, 4);
void gen_blank(struct strbuf *out);
/* A C comment holding text, wrapped to the 100-column limit, at an indent
 * of `tabs` tabs: one line if it fits, else a block. */
void gen_comment(struct strbuf *out, unsigned tabs, const char *text);
/* name(arg, arg, ...) on one line; `end` follows the ')' (";" or ""). A
 * line too long for clang-format's limit is fenced off from it by
 * gen_finish, like any other. */
void gen_call(struct strbuf *out, const char *name, const char *const *args, size_t nargs,
	      const char *end);
/* "#define head body" on one line, or the body on a line of its own after
 * a backslash when the whole does not fit but the parts do, as clang-format
 * lays a macro out (a line too long either way is fenced off by gen_finish). */
void gen_macro(struct strbuf *out, const char *head, const char *body);
/* The same for a macro written straight into out, from `start`: its head,
 * a ' ', and its body from body_at; lays it out and ends the line. */
void gen_macro_end(struct strbuf *out, size_t start, size_t body_at);
/* "const uint8_t *name", "int8_t name[2][2]": a declaration of name. */
const char *gen_declaration(struct gen *g, const struct c_type *t, const char *name);

/* How gen_function declares a signature. */
enum gen_decl {
	GEN_FUNCTION, /* [storage] ret name(params) */
	GEN_POINTER,  /* [storage] ret (*name)(params): an ops member, a typedef */
};

/* A function's head and parameters, on one line if they fit, else one
 * parameter a line (gen.c has the layout), followed by `tail`: ";" or "". */
void gen_function(struct gen *g, struct strbuf *out, unsigned tabs, const char *storage,
		  const struct c_function *fn, enum gen_decl decl, const char *tail);
/* The same on one line, for messages. */
const char *gen_function_text(struct gen *g, const char *storage, const struct c_function *fn);
/* A signature an emitter makes for a function of its own, and its
 * parameters: `pointers` stars before the name. */
struct c_function *gen_fn(struct gen *g, const char *ret, const char *name);
void gen_fn_param(struct gen *g, struct c_function *fn, const char *spec, unsigned pointers,
		  const char *name);
/* expr, of type `from`, as an argument of type `to`: its address, what it
 * points to, or itself. */
const char *gen_pass(struct gen *g, const struct c_type *to, const struct c_type *from,
		     const char *expr);
/* A statement ending in a call, "lead name(args);", laid out as a
 * signature is (gen.c). */
void gen_call_statement(struct strbuf *out, unsigned tabs, const char *lead, const char *name,
			const char *const *args, size_t nargs);
/* "edu.regs.yaml:12": where an item came from, without folders. */
const char *gen_where(struct gen *g, struct srcpos pos);
void gen_put_where(struct strbuf *out, struct srcpos pos);
/* v as "0x%llx" would write it, without printf: 0x1f. */
void gen_put_hex(struct strbuf *out, uint64_t v);
/* A C integer constant: 0x20u, or 0x100000000ull past 32 bits. */
const char *gen_hex(struct gen *g, uint64_t v);
/* The same, padded to a register's width: 0x00000080u. */
const char *gen_hex_width(struct gen *g, uint64_t v, unsigned bits);
/* A point between two top-level constructs of f, where a backend that may
 * make a big file calls it: once the text held passes GEN_STREAM_CHUNK,
 * and if the run has a stream_dir, it is fenced (as gen_finish would) and
 * written out (writer.c), so memory follows the model, not the output. */
void gen_flush(struct gen *g, struct gen_file *f);
enum { GEN_STREAM_CHUNK = 1 << 20 };
/* f is complete, whatever its size: if the run has a stream_dir, it is
 * fenced and written out now and its text freed (writer.c parks it until
 * drvgen_write renames it into place), so a run holds the files it is
 * making, not all it has made. The emitters of many files (four an IPC
 * interface) and of big ones (registers) call it when a file ends; the few
 * a driver adds stay in memory until drvgen_write. */
void gen_close(struct gen *g, struct gen_file *f);
/* Fences over-long code lines off from clang-format (and writes out the
 * rest of a streamed file), and sorts the files by name, so output never
 * depends on backend order. */
void gen_finish(struct gen *g);

/* writer.c: writes path beside itself and renames it into place, so a
 * reader (or make) never sees half a file. 0, or -1 with errno. */
int write_atomically(const char *path, const char *text, size_t len);
/* writer.c: a file of dir written as it is made, piece by piece, to a
 * temporary file that drvgen_write renames into place (or drops, if the
 * file on disk already holds the same bytes); stream_close frees it and
 * removes the temporary file if it is still there. */
struct drvgen_stream *stream_open(const char *dir, const char *name);
void stream_put(struct drvgen_stream *s, const char *text, size_t len);
/* The file is complete: whether it differs is settled and its descriptors
 * closed; drvgen_write renames it into place, stream_close removes it. */
void stream_park(struct drvgen_stream *s);
size_t stream_length(const struct drvgen_stream *s);
void stream_close(struct drvgen_stream *s);

/* ---- the backends ---- */

void emit_regs(struct gen *g);
void emit_ipc(struct gen *g);
void emit_driver(struct gen *g);
/* emit_doc.c: drvgen doc's pages, not generated code (drvgen_document) */
void emit_doc(struct gen *g);


#endif
