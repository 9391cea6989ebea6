/* SPDX-License-Identifier: MIT */
/* ast.h - what each front end read, before any checking.
 *
 * One section per language. ASTs hold values exactly as written, each with
 * its position (`struct lnum` / `struct lstr`) so the checker can point at
 * the precise token it objects to. Only the checker reads them.
 */
#ifndef DRVGEN_AST_H
#define DRVGEN_AST_H

#include "ir.h"

/* A located number: `set` is false when the spec did not give it. */
struct lnum {
	uint64_t v;
	struct srcpos pos;
	bool set;
};

/* A located string: `s` is NULL when the spec did not give it. */
struct lstr {
	const char *s;
	struct srcpos pos;
};

typedef VEC(struct lstr) lstr_list;

/* ---- register maps (regs_load.c) ---- */

struct regs_enum_ast {
	struct lstr name;
	struct lnum value;
};

struct regs_field_ast {
	struct lstr name;
	struct srcpos pos;
	struct lnum msb, lsb; /* both set when `bits` parsed */
	struct lnum access;   /* enum reg_access */
	struct lnum is_volatile;
	struct lnum reset;
	VEC(struct regs_enum_ast) enums;
	const char *doc;
};

struct regs_node_ast; /* a register or a group of registers */
typedef VEC(struct regs_node_ast *) regs_node_list;

struct regs_node_ast {
	bool is_group;
	struct lstr name;
	struct srcpos pos;
	struct lnum offset, width, reset, count, stride;
	struct lnum access, is_volatile;
	struct lstr layout;
	struct lstr bank;
	VEC(struct regs_field_ast) fields;
	regs_node_list children; /* a group's registers */
	const char *doc;
};

struct regs_block_ast {
	struct lstr name;
	struct srcpos pos;
	struct lnum space, endian, size, count, stride;
	regs_node_list items;
	const char *doc;
};

struct regs_ast {
	const struct source *src;
	struct lstr device;
	const char *doc;
	VEC(struct regs_block_ast *) blocks;
};

/* The YAML tree is built in `scratch`, which the caller may recycle after;
 * the AST lives in `a`, the strings it holds (which the IR keeps) in `text`,
 * so `a` may go once the map is checked. */
struct regs_ast *regs_load(struct arena *a, struct arena *text, struct arena *scratch,
			   struct diag_engine *d, const struct source *src);

/* ---- capability manifests (manifest_load.c) ---- */

struct manifest_match_ast {
	enum ir_match_kind kind;
	struct srcpos pos;
	struct lnum vendor, device, subvendor, subdevice, class_code, class_mask;
	struct lnum ioport;
};

struct manifest_cap_ast {
	enum ir_capability_kind kind;
	struct lstr name;
	struct srcpos pos;
	struct lnum bar, base, offset, size, pages, line, address_bits;
	struct lnum irq_kind, vector, fallback; /* fallback: an irq kind */
	struct lnum capability;                 /* config */
	struct lnum streaming, mappings, segments;
	struct lnum interval; /* timer: nanoseconds */
	struct lstr block;
	const char *doc;
};

struct manifest_ast {
	const struct source *src;
	struct lstr driver;
	const char *doc;
	struct lstr version;
	VEC(struct manifest_match_ast) matches;
	lstr_list provides;
	lstr_list services;
	lstr_list libraries; /* folders, relative to the manifest's */
	VEC(struct manifest_cap_ast) caps;
	/* power: the device may sleep when idle (docs/manifest.md, "power") */
	struct srcpos power_pos;
	bool power;
	struct lnum idle; /* nanoseconds */
	struct lstr saves;
};

struct manifest_ast *manifest_load(struct arena *a, struct arena *scratch, struct diag_engine *d,
				   const struct source *src);

/* ---- protocols (idl_parse.c, idl.l, idl.y) ---- */

struct idl_annotation {
	struct lstr name;
	const char *doc; /* the doc comment above the '@' */
	struct srcpos pos;
	bool has_arg, arg_is_string;
	uint64_t num;
	const char *str;
	struct srcpos arg_pos;
};

typedef VEC(struct idl_annotation) idl_annotations;
typedef VEC(struct idl_member_ast) idl_member_list;
typedef VEC(struct idl_cap_ast) idl_cap_list;
typedef VEC(struct idl_qname) idl_qname_list;
typedef VEC(struct idl_method_ast *) idl_method_list;

/* A possibly qualified name: ns is NULL for a bare name. */
struct idl_qname {
	const char *ns;
	const char *name;
	const char *text; /* as written, for messages */
	struct srcpos pos;
};

enum idl_type_form { TYPE_NAMED, TYPE_ARRAY, TYPE_VECTOR, TYPE_BYTES, TYPE_STRING };

struct idl_type_ast {
	enum idl_type_form form;
	struct srcpos pos;
	struct idl_qname name;       /* TYPE_NAMED */
	struct idl_type_ast *elem;   /* TYPE_ARRAY, TYPE_VECTOR */
	struct lnum bound;           /* count or maximum; unset = unbounded */
	unsigned depth;              /* element nesting, bounded by the parser */
};

/* An enumerator, bits flag, error code, struct field or parameter. */
struct idl_member_ast {
	struct lstr name;
	const char *doc;
	idl_annotations annotations;
	struct idl_type_ast *type; /* struct fields and parameters */
	struct lnum value;         /* explicit enumerator value */
	bool negative;
};

struct idl_cap_ast {
	struct lstr name;
	struct idl_qname type; /* name NULL for a bare handle */
	bool variadic;
};

struct idl_method_ast {
	enum ir_method_kind kind;
	struct lstr name;
	const char *doc;
	idl_annotations annotations;
	idl_cap_list caps_in, caps_out;
	idl_member_list params;
	struct idl_type_ast *result; /* calls only */
	struct idl_qname error;      /* name NULL when no '!' */
};

enum idl_decl_kind { DECL_ENUM, DECL_BITS, DECL_ERROR, DECL_STRUCT, DECL_INTERFACE };

struct idl_decl_ast {
	enum idl_decl_kind kind;
	struct lstr name;
	const char *doc;
	idl_annotations annotations;
	struct idl_type_ast *underlying; /* enum/bits ": type" */
	idl_member_list members;
	struct lnum id; /* interface "= 0x..." */
	idl_qname_list parents;
	idl_method_list methods;
};

struct idl_ast {
	const struct source *src;
	struct lstr ns;
	lstr_list uses;
	VEC(struct idl_decl_ast *) decls;
};

struct idl_ast *idl_parse(struct arena *a, struct diag_engine *d, const struct source *src);

#endif
