/* SPDX-License-Identifier: MIT */
/* emit_ipc.h - what the files of the IPC backend share (emit_ipc.c lists
 * them). Generated functions declare their variables first (the kernel
 * builds with -Wdeclaration-after-statement) and name them drv_..., a prefix
 * the checker keeps out of specs.
 */
#ifndef DRVGEN_EMIT_IPC_H
#define DRVGEN_EMIT_IPC_H

#include "gen.h"
#include "names.h"

/* An emitter writing one file. */
struct ipc {
	struct gen *g;
	struct strbuf *o; /* the file being written */
	const struct ir_interface *iface;
	/* the text and lists of this file's code, freed when it is written:
	 * what outlives it (the file, signatures) is in the generation's */
	struct arena *scratch;
};

/* The scratch arena of the file, in functions given `struct ipc *e`. */
#define A (e->scratch)

typedef VEC(const char *) str_list;

/* A variable a generated function has at hand to pass on: `expr` holds a
 * value of `type`, named `name` as the parameters that take it. */
struct var {
	const char *name;
	struct c_type type;
	const char *expr;
};

typedef VEC(struct var) var_list;

/* One value of a message body (ipc_body.c). */
struct slot {
	const char *name;  /* the C variable (or parameter) holding it */
	const char *count; /* a variable one's length or count variable */
	const struct ir_type *type;
	uint32_t offset;
};

typedef VEC(struct slot) slot_list;

/* The variables a function's codecs use, declared first. */
struct locals {
	bool at, end, n, k, s;
	unsigned depth; /* array indexes */
};

/* ---- emit_ipc.c ---- */

void ipc_push(struct ipc *e, str_list *l, const char *s);
/* A variable at hand; expr NULL: the variable name itself. */
void ipc_add_var(struct ipc *e, var_list *vars, const char *name, struct c_type type,
		 const char *expr);

/* A function's parameters as variables of its body. */
void ipc_add_params(struct ipc *e, var_list *vars, const struct c_function *fn);

/* The arguments of a call to fn from the variables at hand, each passed as
 * its parameter takes it; `caps`: where the request's capabilities are
 * ("call->caps"), or NULL if they are variables too. */
str_list ipc_arguments(struct ipc *e, const struct c_function *fn, const var_list *vars,
		       const char *caps);

/* The first parameter of fn with the role, or NULL. */
const struct c_param *ipc_param(const struct c_function *fn, enum c_param_role role);
/* "call add (kit.idl:52), errors kit::failure: <doc>" */
void ipc_method_comment(struct ipc *e, unsigned tabs, const struct ir_method *m);
/* The name of m's label macro. */
const char *ipc_label(const struct ir_method *m);
/* A header's guard, includes and extern "C", and their end. */
void ipc_open_header(struct ipc *e, const char *guard, const char *const *includes, size_t n);
void ipc_close_header(struct ipc *e, const char *guard);

/* ---- ipc_codec.c ---- */

/* An enum, bits or error: a type of named values. */
bool ipc_has_values(const struct ir_type *t);
/* The C type of a value of t; of an array's elements for an array. */
const char *ipc_ctype(struct ipc *e, const struct ir_type *t);
/* "uint8_t name[3][4]" */
const char *ipc_declarator(struct ipc *e, const struct ir_type *t, const char *name);
/* The name of t's _valid function. */
const char *ipc_valid_fn(const struct ir_type *t);

/* Vectors of single bytes are used in place; any other is unpacked. */
bool ipc_is_byte_vector(const struct ir_type *t);

/* "p + offset", or p. */
const char *ipc_at(struct ipc *e, const char *p, uint32_t offset);

/* "n * size", or n for bytes. */
const char *ipc_scaled(struct ipc *e, const char *n, uint32_t size);

/* The codec of one value. put: the bytes of C value `val` at uint8_t pointer
 * `dst`. get: the value at `src` into lvalue `lv`, running `fail` (a
 * statement) if the bytes are not a value of t. A struct is given by its
 * address (ipc_operand). Arrays loop, with index variables drv_i<depth>... */
const char *ipc_operand(struct ipc *e, const struct ir_type *t, const char *lvalue);
void ipc_put_value(struct ipc *e, unsigned tabs, const struct ir_type *t, const char *dst,
		   const char *val, unsigned depth);
void ipc_get_value(struct ipc *e, unsigned tabs, const struct ir_type *t, const char *src,
		   const char *lv, const char *fail, unsigned depth);

/* How deep arrays nest in t, for the index variables a codec needs. */
unsigned ipc_array_depth(const struct ir_type *t);

/* Declares the index variables drv_i0... of `depth` nested arrays. */
void ipc_declare_indexes(struct ipc *e, unsigned depth);

/* Padding between and after the values of an inline area must be zero:
 * it carries nothing, so a message has one encoding. */
void ipc_check_padding(struct ipc *e, unsigned tabs, const char *p, const uint32_t *starts,
		       const uint32_t *ends, size_t n, uint32_t size, const char *fail);

/* ---- ipc_body.c ---- */

/* The values of a message as the parameters of fn hold them: those of the
 * role `value` (PARAM_INPUT, the request; PARAM_RESULT, the reply), each
 * followed by its length or count. */
slot_list ipc_slots(struct ipc *e, const struct ir_method *m, const struct c_function *fn,
		    enum c_param_role value);

/* The wire size of an element of a variable type (a byte for bytes, str). */
uint32_t ipc_elem_size(const struct ir_type *t);

/* " + 1": a str's data is followed by a zero byte. */
const char *ipc_terminator(const struct ir_type *t);

/* The locals encoding, decoding, or (a client) copying a variable result
 * out of the reply needs; then their declarations. */
void ipc_for_encode(struct locals *l, const slot_list *s);
void ipc_for_decode(struct locals *l, const slot_list *s);
void ipc_for_result(struct locals *l, const slot_list *s);
void ipc_declare_locals(struct ipc *e, const struct locals *l);

/* Encodes values held in variables (parameters) named as the slots: a
 * struct by pointer, a variable one as pointer and count. Returns the C
 * expression of the body's length; a value over its bound makes the
 * encoder run `too_big`. */
const char *ipc_encode(struct ipc *e, unsigned tabs, const slot_list *s, const char *p,
		       const char *too_big);

/* Decodes a body into local variables named as the slots (declared by the
 * caller): a variable one becomes a pointer into the message (bytes, str,
 * byte vectors) or into scratch room (other vectors), and its count. The
 * message is `in` "msg" and "len", scratch `in` "scratch" and
 * "scratch_cap" (`in`: "call->" or "ev->"). Runs `fail` on anything that
 * is not exactly one valid encoding. */
void ipc_decode(struct ipc *e, unsigned tabs, const slot_list *s, const char *in, const char *fail);

/* Locals for decode's output, named as the handler's parameters; into
 * vars, for the call to the handler. */
void ipc_declare_slot_locals(struct ipc *e, const struct ir_method *m,
			     const struct c_function *handler, var_list *vars);

/* ---- the files (emit_ipc_<file>.c) ---- */

void emit_ipc_types(struct gen *g, const struct ir_namespace *ns);
void emit_ipc_header(struct gen *g, const struct ir_interface *iface);
void emit_ipc_client(struct gen *g, const struct ir_interface *iface);
void emit_ipc_server(struct gen *g, const struct ir_interface *iface);
void emit_ipc_fuzz(struct gen *g, const struct ir_interface *iface);

#endif
