/* SPDX-License-Identifier: MIT */
/* names.h - the naming pass: every C name generated code defines, made by
 * one table of rules (names.c) and recorded in the IR (name_ir.c).
 *
 * A name rule is a pattern over an item's names ("{cn}_connect"), the C
 * name space the result lives in, and what it names. The pass applies the
 * rules to the checked IR; the emitters spell the recorded names and
 * signatures, check_idl_names.c and c_names.c compare them, and the tables
 * in docs/ipc.md, docs/accessors.md and docs/drivers.md are printed from
 * the same rules (tools/names_table.c; make test-generated holds the docs
 * to them).
 */
#ifndef DRVGEN_NAMES_H
#define DRVGEN_NAMES_H

#include "ir.h"

enum name_rule_id {
	/* a protocol namespace */
	N_NS_HEADER,
	N_NS_GUARD,
	/* a declared type */
	N_TYPE_TAG,
	N_TYPE_TYPEDEF,
	N_TYPE_VALID,
	N_TYPE_NAME,
	N_TYPE_PUT,
	N_TYPE_GET,
	N_TYPE_VALUE,
	/* an interface */
	N_IF_HEADER,
	N_IF_CLIENT_FILE,
	N_IF_SERVER_FILE,
	N_IF_FUZZ_FILE,
	N_IF_GUARD,
	N_IF_NAME,
	N_IF_ID,
	N_IF_OPS_MACRO,
	N_IF_OBJECT,
	N_IF_OPS,
	N_IF_CLIENT,
	N_IF_CONNECT,
	N_IF_DISCONNECT,
	N_IF_INIT,
	N_IF_DISPATCH,
	N_IF_INTERFACE,
	N_IF_AS_PARENT,
	N_IF_PARENT_OBJECT,
	N_IF_PARENT_OPS,
	/* a method, in the client API of each interface that has it */
	N_M_STUB,
	N_M_START,
	N_M_FINISH,
	N_M_ON,
	N_M_HANDLER_TYPE,
	/* a method, served by its own interface */
	N_M_LABEL,
	N_M_CALL,
	N_M_MEMBER,
	N_M_REPLY,
	N_M_EMIT,
	/* a register map: its names are an item's C name or constant prefix
	 * and the rule's suffix, recorded as a set of rules (reg_names) */
	N_DEV_HEADER,
	N_DEV_DESC_FILE,
	N_DEV_GUARD,
	N_BLOCK_HANDLE,
	N_BLOCK_AT,
	N_BLOCK_AT_INDEX,
	N_BLOCK_DESC,
	N_BLOCK_REGS,
	N_BLOCK_SIZE,
	N_BLOCK_COUNT,
	N_BLOCK_STRIDE,
	N_GROUP_HANDLE,
	N_GROUP_AT,
	N_GROUP_AT_INDEX,
	N_GROUP_OFFSET,
	N_GROUP_SPAN,
	N_GROUP_COUNT,
	N_GROUP_STRIDE,
	N_REG_OFFSET,
	N_REG_COUNT,
	N_REG_STRIDE,
	N_REG_RESET,
	N_REG_RESET_MASK,
	N_REG_KEEP,
	N_REG_IDLE,
	N_REG_TYPE,
	N_REG_VALUE,
	N_REG_RAW,
	N_REG_READ,
	N_REG_READ_AT,
	N_REG_WRITE,
	N_REG_WRITE_AT,
	N_REG_CLEAR,
	N_REG_CLEAR_AT,
	N_REG_SET,
	N_REG_SET_AT,
	N_REG_TOGGLE,
	N_REG_TOGGLE_AT,
	N_REG_UPDATE,
	N_REG_UPDATE_AT,
	N_REG_FIELDS,
	N_REG_DIMS,
	N_FIELD_SHIFT,
	N_FIELD_MASK,
	N_FIELD_RESET,
	N_FIELD_GET,
	N_FIELD_SET,
	N_FIELD_SET_AT,
	N_FIELD_UPDATE,
	N_FIELD_UPDATE_AT,
	N_FIELD_ENUM,
	N_FIELD_VALUES,
	N_FIELD_VALUE,
	/* a driver */
	N_DRV_HEADER,
	N_DRV_DESC_FILE,
	N_DRV_KMOD_FILE,
	N_DRV_MAIN_FILE,
	N_DRV_SKELETON,
	N_DRV_LIBRARIES,
	N_DRV_GUARD,
	N_DRV_CAPS,
	N_DRV_IRQS,
	N_DRV_IRQ,
	N_DRV_STRUCT,
	N_DRV_AUTHOR,
	N_DRV_INIT,
	N_DRV_START,
	N_DRV_IRQ_HOOK,
	N_DRV_STOP,
	N_DRV_SUSPEND,
	N_DRV_RESUME,
	N_DRV_TIMERS,
	N_DRV_TIMER,
	N_DRV_TIMER_NS,
	N_DRV_TIMER_HOOK,
	N_DRV_SIZE,
	N_DRV_SIZE_MACRO,
	N_DRV_DESC,
	/* a protocol a driver serves */
	N_DRV_OPS,
	N_DRV_FROM,
	N_DRV_HANDLER,
	N_RULE_COUNT,
	N_FIRST_PROTOCOL = N_NS_HEADER,
	N_FIRST_REGISTER = N_DEV_HEADER,
	N_FIRST_DRIVER = N_DRV_HEADER,
};

/* Where a C name lives: two names clash only within one space. Macros are
 * counted with the ordinary identifiers they would replace. */
enum c_space {
	C_ORDINARY, /* functions, variables, typedefs, enumerators, macros */
	C_TAG,	    /* struct and enum tags */
	C_MEMBER,   /* members of one struct, recorded as "struct.member" */
	C_FILE,	    /* generated files */
};

struct name_rule {
	const char *pattern; /* "{cn}_connect"; a register map's: "{REG}_OFFSET" */
	enum c_space space;
	const char *kind; /* "function", "macro", ... */
	const char *when; /* which items have it; NULL: every one */
	const char *what;
};

extern const struct name_rule name_rules[N_RULE_COUNT];

/* Names every generated function of a protocol may give its own parameters
 * and variables: a spec's parameter cannot take one (E0524). */
enum ipc_own_name {
	OWN_SELF,
	OWN_CALL,
	OWN_CLIENT,
	OWN_STATUS,
	OWN_CTX,
	OWN_HANDLER,
	OWN_EV,
	OWN_RESULT,
	OWN_RESULT_LEN,
	OWN_RESULT_COUNT,
};
extern const char *const ipc_own_names[];
extern const size_t ipc_own_name_count;

/* name_ir.c: runs the pass over a checked IR. Items the checker left
 * half-built (a type that did not resolve) get what can be named without
 * them. */
void name_ir(struct arena *a, struct ir *ir);

/* ---- reading what it recorded ---- */

/* The symbol of rule `id` in a list, or NULL; its name, or NULL. */
const struct c_symbol *c_symbol_find(const c_symbol_list *list, enum name_rule_id id);
const char *c_symbol_name(const c_symbol_list *list, enum name_rule_id id);
/* The n-th symbol of rule id (one per parent, say), or NULL. */
const struct c_symbol *c_symbol_nth(const c_symbol_list *list, enum name_rule_id id, size_t n);
/* The signature recorded with rule `id` (never NULL for a function rule the
 * item has). */
const struct c_function *c_symbol_fn(const c_symbol_list *list, enum name_rule_id id);

/* A driver's name of rule `id` among its own (NULL if it has none). */
const char *driver_symbol(const struct ir_driver *d, enum name_rule_id id);

static inline bool has_name(reg_names names, enum name_rule_id id)
{
	return (names >> (id - N_FIRST_REGISTER)) & 1;
}

/* A register map item's name of rule `id`: its C name (lower-case rules) or
 * constant prefix (upper-case ones) and the rule's suffix. */
const char *name_device(struct arena *a, const struct ir_device *d, enum name_rule_id id);
const char *name_block(struct arena *a, const struct ir_block *b, enum name_rule_id id);
const char *name_group(struct arena *a, const struct ir_group *g, enum name_rule_id id);
const char *name_register(struct arena *a, const struct ir_register *r, enum name_rule_id id);
const char *name_field(struct arena *a, const struct ir_field *f, enum name_rule_id id);
/* The same, written to out, from an item's C name and constant prefix. */
void name_put(struct strbuf *out, const char *c_name, const char *c_const, enum name_rule_id id);
/* How a rule makes its names, for the clash check. */
bool rule_uses_constant_prefix(enum name_rule_id id);
const char *rule_suffix(enum name_rule_id id);

/* ---- C types of protocol values ---- */

/* An enum whose values all fit an int is a C enum; a wider one is its
 * underlying integer type with #defined values. */
bool c_is_enum(const struct ir_type *t);
/* The C type holding a value of t (an array's: its element type, with the
 * array's dimensions). */
struct c_type c_value_type(struct arena *a, const struct ir_type *t);
/* "uint32_t", "enum kit_mode", ...: the specifier alone; an element's for
 * bytes, str and vectors. */
const char *c_type_spec(struct arena *a, const struct ir_type *t);

/* The markdown table of rules first..last, with an example of each from
 * the example IR (docs/ipc.md, docs/accessors.md, docs/drivers.md).
 * Returns how many rules the example has no name of. */
size_t names_table(struct strbuf *out, struct arena *a, const struct ir *example,
		   enum name_rule_id first, enum name_rule_id last);

#endif
