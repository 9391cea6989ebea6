// SPDX-License-Identifier: MIT
/* names.c - the naming pass (names.h): the rules that make every name
 * generated C defines, and their application to the IR.
 *
 * Protocol items get their names spelled out, with the signature of each
 * function as types and names. Register map items get a set of rules: each
 * name there is the item's C name (lower-case rules) or constant prefix
 * (upper-case ones) followed by the rule's suffix, which is all the
 * emitter and the clash check need, and costs 8 bytes an item where a
 * 100k-register map would otherwise hold millions of strings.
 */
#include "names.h"

#include <ctype.h>
#include <string.h>

const struct name_rule name_rules[N_RULE_COUNT] = {
	[N_NS_HEADER] = {"{ns}_types.h", C_FILE, "file", NULL,
			 "the namespace's types with their wire codecs"},
	[N_NS_GUARD] = {"{NS}_TYPES_H", C_ORDINARY, "macro", NULL, "its include guard"},
	[N_TYPE_TAG] = {"{ns}_{t}", C_TAG, "struct, enum",
			"structs; enums and errors whose values fit an int", "the type"},
	[N_TYPE_TYPEDEF] = {"{ns}_{t}", C_ORDINARY, "typedef", "bits",
			    "the type: its underlying integer type"},
	[N_TYPE_VALID] = {"{ns}_{t}_valid", C_ORDINARY, "function", "enums, bits, errors",
			  "whether a number (two's complement) is a value of the type"},
	[N_TYPE_NAME] = {"{ns}_{t}_name", C_ORDINARY, "function", "enums, errors",
			 "a value's name in the spec, for messages"},
	[N_TYPE_PUT] = {"{ns}_{t}_put", C_ORDINARY, "function", "structs",
			"encodes a value into its wire bytes"},
	[N_TYPE_GET] = {"{ns}_{t}_get", C_ORDINARY, "function", "structs",
			"decodes wire bytes, false unless they are a value"},
	[N_TYPE_VALUE] = {"{NS}_{T}_{VALUE}", C_ORDINARY, "enumerator, macro",
			  "every value of an enum, bits or error",
			  "the value (a macro of the underlying type where the type is no C enum)"},
	[N_IF_HEADER] = {"{cn}.h", C_FILE, "file", NULL, "labels, client API, server object"},
	[N_IF_CLIENT_FILE] = {"{cn}_client.c", C_FILE, "file", NULL, "the client stubs"},
	[N_IF_SERVER_FILE] = {"{cn}_server.c", C_FILE, "file", NULL, "the server dispatch"},
	[N_IF_FUZZ_FILE] = {"{cn}_fuzz.c", C_FILE, "file", NULL, "a libFuzzer harness"},
	[N_IF_GUARD] = {"{CN}_H", C_ORDINARY, "macro", NULL, "the header's include guard"},
	[N_IF_NAME] = {"{CN}_NAME", C_ORDINARY, "macro", NULL,
		       "the interface's name, \"ns::name\""},
	[N_IF_ID] = {"{CN}_ID", C_ORDINARY, "macro", NULL, "its interface ID"},
	[N_IF_OPS_MACRO] = {"{CN}_OPS", C_ORDINARY, "macro", NULL,
			    "the ops of functions prefix_method, one per method"},
	[N_IF_OBJECT] = {"{cn}", C_TAG, "struct", NULL, "the object a driver serves it with"},
	[N_IF_OPS] = {"{cn}_ops", C_TAG, "struct", NULL, "its handlers"},
	[N_IF_CLIENT] = {"{cn}_client", C_TAG, "struct", NULL, "a connection to a server"},
	[N_IF_CONNECT] = {"{cn}_connect", C_ORDINARY, "function", NULL,
			  "connects to an instance of it"},
	[N_IF_DISCONNECT] = {"{cn}_disconnect", C_ORDINARY, "function", NULL,
			     "closes a connection"},
	[N_IF_INIT] = {"{cn}_init", C_ORDINARY, "function", NULL, "sets an object's handlers"},
	[N_IF_DISPATCH] = {"{cn}_dispatch", C_ORDINARY, "function", NULL,
			   "validates a request, runs its handler, encodes the reply"},
	[N_IF_INTERFACE] = {"{cn}_interface", C_ORDINARY, "variable", NULL,
			    "what a transport needs to serve it"},
	[N_IF_AS_PARENT] = {"{cn}_as_{p}", C_ORDINARY, "function", "each parent p",
			    "the same connection, as a client of the parent"},
	[N_IF_PARENT_OBJECT] = {"{cn}.{p}", C_MEMBER, "member", "each parent p",
				"the parent's object, embedded"},
	[N_IF_PARENT_OPS] = {"{cn}_ops.{p}", C_MEMBER, "member", "each parent p",
			     "the parent's handlers, embedded"},
	[N_M_STUB] = {"{cn}_{m}", C_ORDINARY, "function", "calls and sends, inherited ones too",
		      "the client stub"},
	[N_M_ON] = {"{cn}_on_{m}", C_ORDINARY, "function", "events, inherited ones too",
		    "subscribes a handler to the event"},
	[N_M_HANDLER_TYPE] = {"{cn}_{m}_handler", C_ORDINARY, "typedef",
			      "events, inherited ones too", "an event handler's type"},
	[N_M_LABEL] = {"{CN}_{M}_LABEL", C_ORDINARY, "macro", "methods declared in it",
		       "the method's label"},
	[N_M_MEMBER] = {"{cn}_ops.{member}", C_MEMBER, "member", "calls and sends declared in it",
			"the handler; member is the method's name, with a _ after a C++ keyword"},
	[N_M_REPLY] = {"{cn}_{m}_reply", C_ORDINARY, "function", "calls declared in it",
		       "replies to a call its handler deferred"},
	[N_M_EMIT] = {"{cn}_emit_{m}", C_ORDINARY, "function", "events declared in it",
		      "sends the event to every client"},

	[N_DEV_HEADER] = {"{dev}_regs.h", C_FILE, "file", NULL, "the accessors"},
	[N_DEV_DESC_FILE] = {"{dev}_regs_desc.c", C_FILE, "file", NULL, "the map as data"},
	[N_DEV_GUARD] = {"{DEV}_REGS_H", C_ORDINARY, "macro", NULL, "the header's include guard"},
	[N_BLOCK_HANDLE] = {"{blk}", C_TAG, "struct", NULL, "a handle to the block"},
	[N_BLOCK_AT] =
		{"{blk}_at", C_ORDINARY, "function, macro", NULL,
		 "the handle from an I/O handle (and, repeated, an index: a macro over _at_)"},
	[N_BLOCK_AT_INDEX] = {"{blk}_at_", C_ORDINARY, "function", "repeated blocks",
			      "the same, the index checked at run time only"},
	[N_BLOCK_DESC] = {"{blk}_desc", C_ORDINARY, "variable", NULL,
			  "the block as data (runtime/common/drv_desc.h)"},
	[N_BLOCK_REGS] = {"{blk}_regs", C_ORDINARY, "variable", NULL,
			  "its registers as data (static, in the description)"},
	[N_BLOCK_SIZE] = {"{BLK}_SIZE", C_ORDINARY, "macro", NULL, "bytes (ports) it covers"},
	[N_BLOCK_COUNT] = {"{BLK}_COUNT", C_ORDINARY, "macro", "repeated blocks", "copies"},
	[N_BLOCK_STRIDE] = {"{BLK}_STRIDE", C_ORDINARY, "macro", "repeated blocks",
			    "bytes from one copy to the next"},
	[N_GROUP_HANDLE] = {"{grp}", C_TAG, "struct", NULL, "a handle to the group"},
	[N_GROUP_AT] =
		{"{grp}_at", C_ORDINARY, "function, macro", NULL,
		 "the handle from its parent's (and, an array, an index: a macro over _at_)"},
	[N_GROUP_AT_INDEX] = {"{grp}_at_", C_ORDINARY, "function", "group arrays",
			      "the same, the index checked at run time only"},
	[N_GROUP_OFFSET] = {"{GRP}_OFFSET", C_ORDINARY, "macro", NULL,
			    "offset in its parent group or block"},
	[N_GROUP_SPAN] = {"{GRP}_SPAN", C_ORDINARY, "macro", NULL, "bytes one element covers"},
	[N_GROUP_COUNT] = {"{GRP}_COUNT", C_ORDINARY, "macro", "group arrays", "elements"},
	[N_GROUP_STRIDE] = {"{GRP}_STRIDE", C_ORDINARY, "macro", "group arrays",
			    "bytes from one element to the next"},
	[N_REG_OFFSET] = {"{REG}_OFFSET", C_ORDINARY, "macro", NULL,
			  "offset in its group or block"},
	[N_REG_COUNT] = {"{REG}_COUNT", C_ORDINARY, "macro", "register arrays", "registers"},
	[N_REG_STRIDE] = {"{REG}_STRIDE", C_ORDINARY, "macro", "register arrays",
			  "bytes from one register to the next"},
	[N_REG_RESET] = {"{REG}_RESET", C_ORDINARY, "macro", "registers with a reset value",
			 "the value after reset"},
	[N_REG_RESET_MASK] = {"{REG}_RESET_MASK", C_ORDINARY, "macro",
			      "resets known for some bits only", "the bits whose reset is known"},
	[N_REG_KEEP] = {"{REG}_KEEP", C_ORDINARY, "macro", "registers with an update",
			"bits an update writes back as read"},
	[N_REG_IDLE] = {"{REG}_IDLE", C_ORDINARY, "macro", "registers with an update",
			"bits an update writes as 1 (write-0-to-act bits)"},
	[N_REG_TYPE] = {"{reg}_t", C_ORDINARY, "typedef", NULL,
			"the register's value type (shared with a layout it borrows)"},
	[N_REG_VALUE] = {"{reg}_value", C_ORDINARY, "function", NULL, "a value from a number"},
	[N_REG_RAW] = {"{reg}_raw", C_ORDINARY, "function", NULL, "the number of a value"},
	[N_REG_READ] = {"{reg}_read", C_ORDINARY, "function, macro", "readable registers",
			"reads it (an array: a macro over _read_ that checks a constant index)"},
	[N_REG_READ_AT] = {"{reg}_read_", C_ORDINARY, "function", "readable arrays",
			   "reads element i"},
	[N_REG_WRITE] = {"{reg}_write", C_ORDINARY, "function, macro",
			 "registers a write stores to (rw, wo, wonce)", "writes it"},
	[N_REG_WRITE_AT] = {"{reg}_write_", C_ORDINARY, "function", "such arrays",
			    "writes element i"},
	[N_REG_CLEAR] = {"{reg}_clear", C_ORDINARY, "function, macro", "w1c and w0c registers",
			 "clears the given bits, touching no other"},
	[N_REG_CLEAR_AT] = {"{reg}_clear_", C_ORDINARY, "function", "such arrays",
			    "the same for element i"},
	[N_REG_SET] = {"{reg}_set", C_ORDINARY, "function, macro", "w1s and w0s registers",
		       "sets the given bits, touching no other"},
	[N_REG_SET_AT] = {"{reg}_set_", C_ORDINARY, "function", "such arrays",
			  "the same for element i"},
	[N_REG_TOGGLE] = {"{reg}_toggle", C_ORDINARY, "function, macro", "w1t registers",
			  "toggles the given bits, touching no other"},
	[N_REG_TOGGLE_AT] = {"{reg}_toggle_", C_ORDINARY, "function", "such arrays",
			     "the same for element i"},
	[N_REG_UPDATE] = {"{reg}_update", C_ORDINARY, "function, macro",
			  "rw registers whose reads change nothing",
			  "read-modify-write of the bits under a mask"},
	[N_REG_UPDATE_AT] = {"{reg}_update_", C_ORDINARY, "function", "such arrays",
			     "the same for element i"},
	[N_REG_FIELDS] = {"{reg}_fields", C_ORDINARY, "variable", "registers with fields",
			  "its fields as data (static, in the description)"},
	[N_REG_DIMS] = {"{reg}_dims", C_ORDINARY, "variable", "registers in arrays",
			"the arrays it is in, as data (static, in the description)"},
	[N_FIELD_SHIFT] = {"{REG}_{FIELD}_SHIFT", C_ORDINARY, "macro", NULL, "its lowest bit"},
	[N_FIELD_MASK] = {"{REG}_{FIELD}_MASK", C_ORDINARY, "macro", NULL,
			  "its bits, in register position"},
	[N_FIELD_RESET] = {"{REG}_{FIELD}_RESET", C_ORDINARY, "macro", "fields with a reset value",
			   "the field's value after reset"},
	[N_FIELD_GET] = {"{reg}_{field}_get", C_ORDINARY, "function", "readable fields",
			 "the field of a register value"},
	[N_FIELD_SET] = {"{reg}_{field}_set", C_ORDINARY, "macro", "writable fields",
			 "a register value with the field replaced; a constant must fit"},
	[N_FIELD_SET_AT] = {"{reg}_{field}_set_", C_ORDINARY, "function", "writable fields",
			    "the same, unchecked"},
	[N_FIELD_UPDATE] = {"{reg}_{field}_update", C_ORDINARY, "macro",
			    "writable fields of a register with an update, not an array",
			    "read-modify-write of the field; a constant must fit"},
	[N_FIELD_UPDATE_AT] = {"{reg}_{field}_update_", C_ORDINARY, "function", "the same fields",
			       "the same, unchecked"},
	[N_FIELD_ENUM] = {"{reg}_{field}", C_TAG, "enum", "fields with values that fit an int",
			  "the field's values as a type"},
	[N_FIELD_VALUES] = {"{reg}_{field}_values", C_ORDINARY, "variable", "fields with values",
			    "its values as data (static, in the description)"},
	[N_FIELD_VALUE] = {"{REG}_{FIELD}_{VALUE}", C_ORDINARY, "enumerator, macro",
			   "every value of a field", "the value"},

	[N_DRV_HEADER] = {"{dn}_driver.h", C_FILE, "file", NULL,
			  "its capabilities, its struct, the author's hooks and handlers"},
	[N_DRV_DESC_FILE] = {"{dn}_driver.c", C_FILE, "file", NULL,
			     "the manifest as data for the runtime of either target"},
	[N_DRV_KMOD_FILE] = {"{dn}_kmod.c", C_FILE, "file", "the kmod target", "the kernel module"},
	[N_DRV_MAIN_FILE] = {"{dn}_main.c", C_FILE, "file", "the user target",
			     "the userspace server's main"},
	[N_DRV_SKELETON] = {"{dn}.c", C_FILE, "file", NULL,
			    "the author's code: a skeleton, written once"},
	[N_DRV_GUARD] = {"{DN}_DRIVER_H", C_ORDINARY, "macro", NULL, "the header's include guard"},
	[N_DRV_CAPS] = {"{dn}_caps", C_TAG, "struct", NULL,
			"the capabilities, bound by the runtime"},
	[N_DRV_IRQS] = {"{dn}_irq", C_TAG, "enum", "drivers with interrupts",
			"the interrupts, numbered"},
	[N_DRV_IRQ] = {"{DN}_IRQ_{CAP}", C_ORDINARY, "enumerator", "each interrupt", "its number"},
	[N_DRV_STRUCT] = {"{dn}_driver", C_TAG, "struct", NULL, "the driver as drvgen sees it"},
	[N_DRV_AUTHOR] = {"{dn}", C_TAG, "struct", NULL,
			  "the author's state, which starts with it (in the skeleton)"},
	[N_DRV_INIT] = {"{dn}_init", C_ORDINARY, "function", NULL,
			"the author's hook: readies the device"},
	[N_DRV_START] = {"{dn}_start", C_ORDINARY, "function", NULL,
			 "the author's hook: runs once the protocols are published"},
	[N_DRV_IRQ_HOOK] = {"{dn}_irq", C_ORDINARY, "function", "drivers with interrupts",
			    "the author's hook: handles an interrupt"},
	[N_DRV_STOP] = {"{dn}_stop", C_ORDINARY, "function", NULL,
			"the author's hook: quiesces the device"},
	[N_DRV_SIZE] = {"{dn}_size", C_ORDINARY, "variable", NULL,
			"the size of the author's struct"},
	[N_DRV_SIZE_MACRO] = {"{DN}_DRIVER", C_ORDINARY, "macro", NULL,
			      "defines it from the author's struct"},
	[N_DRV_DESC] = {"{dn}_driver_desc", C_ORDINARY, "variable", NULL,
			"what the runtime of either target needs"},
	[N_DRV_OPS] = {"{cn}_ops", C_ORDINARY, "variable", "each protocol it serves",
		       "its handlers (in the skeleton)"},
	[N_DRV_FROM] = {"from_{cn}", C_ORDINARY, "function",
			"each protocol it serves, and its first parents",
			"the author's struct from a handler's self (in the skeleton)"},
	[N_DRV_HANDLER] = {"{prefix}_{member}", C_ORDINARY, "function",
			   "each call and send of a protocol it serves",
			   "a handler (in the skeleton); prefix is the driver's name when it "
			   "serves one protocol, else the interface's own name"},
};

const char *const ipc_own_names[] = {
	[OWN_SELF] = "self",
	[OWN_CALL] = "call",
	[OWN_CLIENT] = "client",
	[OWN_STATUS] = "status",
	[OWN_CTX] = "ctx",
	[OWN_HANDLER] = "handler",
	[OWN_EV] = "ev",
	[OWN_RESULT] = "result",
	[OWN_RESULT_LEN] = "result_len",
	[OWN_RESULT_COUNT] = "result_count",
};
const size_t ipc_own_name_count = ARRAY_LEN(ipc_own_names);

/* ---- reading ---- */

const struct c_symbol *c_symbol_find(const c_symbol_list *list, enum name_rule_id id)
{
	for (size_t i = 0; i < list->len; i++)
		if (list->items[i].rule == id)
			return &list->items[i];
	return NULL;
}

const struct c_symbol *c_symbol_nth(const c_symbol_list *list, enum name_rule_id id, size_t n)
{
	for (size_t i = 0; i < list->len; i++)
		if (list->items[i].rule == id && n-- == 0)
			return &list->items[i];
	return NULL;
}

const char *c_symbol_name(const c_symbol_list *list, enum name_rule_id id)
{
	const struct c_symbol *s = c_symbol_find(list, id);
	return s ? s->name : NULL;
}

const struct c_function *c_symbol_fn(const c_symbol_list *list, enum name_rule_id id)
{
	const struct c_symbol *s = c_symbol_find(list, id);
	return s ? s->fn : NULL;
}

/* ---- patterns ---- */

struct var {
	const char *key, *value;
};

/* The pattern with each {key} replaced by its value. */
static const char *expand(struct arena *a, const char *pattern, const struct var *vars, size_t n)
{
	struct strbuf out = {0};
	for (const char *p = pattern; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			sb_putc(&out, *p++);
			continue;
		}
		size_t len = (size_t)(close - p - 1);
		for (size_t i = 0; i < n; i++)
			if (strlen(vars[i].key) == len && !memcmp(vars[i].key, p + 1, len))
				sb_puts(&out, vars[i].value);
		p = close + 1;
	}
	const char *s = arena_strdup(a, sb_str(&out));
	sb_free(&out);
	return s;
}

bool rule_uses_constant_prefix(enum name_rule_id id)
{
	return isupper((unsigned char)name_rules[id].pattern[1]);
}

const char *rule_suffix(enum name_rule_id id)
{
	return strrchr(name_rules[id].pattern, '}') + 1;
}

static const char *prefixed(struct arena *a, const char *c_name, const char *c_const,
			    enum name_rule_id id)
{
	return arena_concat(a, rule_uses_constant_prefix(id) ? c_const : c_name, rule_suffix(id));
}

void name_put(struct strbuf *out, const char *c_name, const char *c_const, enum name_rule_id id)
{
	sb_puts(out, rule_uses_constant_prefix(id) ? c_const : c_name);
	sb_puts(out, rule_suffix(id));
}

const char *name_device(struct arena *a, const struct ir_device *d, enum name_rule_id id)
{
	return prefixed(a, d->name, d->c_const, id);
}

const char *name_block(struct arena *a, const struct ir_block *b, enum name_rule_id id)
{
	return prefixed(a, b->c_name, b->c_const, id);
}

const char *name_group(struct arena *a, const struct ir_group *g, enum name_rule_id id)
{
	return prefixed(a, g->c_name, g->c_const, id);
}

const char *name_register(struct arena *a, const struct ir_register *r, enum name_rule_id id)
{
	return prefixed(a, r->c_name, r->c_const, id);
}

const char *name_field(struct arena *a, const struct ir_field *f, enum name_rule_id id)
{
	return prefixed(a, f->c_name, f->c_const, id);
}

/* ---- C types ---- */

static const char *int_spec(enum ir_type_kind k)
{
	static const char *const names[] = {
		[IR_VOID] = "void",    [IR_BOOL] = "bool",    [IR_U8] = "uint8_t",
		[IR_U16] = "uint16_t", [IR_U32] = "uint32_t", [IR_U64] = "uint64_t",
		[IR_I8] = "int8_t",    [IR_I16] = "int16_t",  [IR_I32] = "int32_t",
		[IR_I64] = "int64_t",
	};
	return names[k];
}

bool c_is_enum(const struct ir_type *t)
{
	for (size_t i = 0; i < t->members.len; i++) {
		uint64_t v = t->members.items[i].value;
		if (t->is_signed ? ((int64_t)v < -2147483647 - 1 || (int64_t)v > 2147483647)
				 : v > 2147483647)
			return false;
	}
	return true;
}

const char *c_type_spec(struct arena *a, const struct ir_type *t)
{
	while (t->kind == IR_ARRAY)
		t = t->base;
	switch (t->kind) {
	case IR_ENUM:
	case IR_ERROR:
		return c_is_enum(t) ? arena_printf(a, "enum %s", t->c_name)
				    : int_spec(t->base->kind);
	case IR_BITS:
		return t->c_name;
	case IR_STRUCT:
		return arena_printf(a, "struct %s", t->c_name);
	default:
		return int_spec(t->kind);
	}
}

struct c_type c_value_type(struct arena *a, const struct ir_type *t)
{
	return (struct c_type){.spec = c_type_spec(a, t), .array = t->kind == IR_ARRAY ? t : NULL};
}

static unsigned array_depth(const struct ir_type *t)
{
	unsigned d = 0;
	for (; t->kind == IR_ARRAY; t = t->base)
		d++;
	return d;
}

/* ---- signatures ---- */

struct namer {
	struct arena *a;
	struct ir *ir;
};

static struct c_type type_of(const char *spec, unsigned pointers, bool is_const)
{
	return (struct c_type){.spec = spec, .pointers = pointers, .is_const = is_const};
}

static struct c_function *function(struct namer *n, struct c_type ret, const char *name)
{
	struct c_function *f = NEW(n->a, struct c_function);
	f->ret = ret;
	f->name = name;
	return f;
}

/* A function named by rule id. */
static struct c_function *named_function(struct namer *n, struct c_type ret, enum name_rule_id id,
					 const struct var *vars, size_t nvars)
{
	return function(n, ret, expand(n->a, name_rules[id].pattern, vars, nvars));
}

static void param(struct namer *n, struct c_function *f, struct c_type type, const char *name,
		  enum c_param_role role, size_t index, struct srcpos pos)
{
	struct c_param p = {type, name, role, (unsigned)index, pos};
	vec_push(n->a, &f->params, p);
}

static void own(struct namer *n, struct c_function *f, struct c_type type, enum ipc_own_name name,
		enum c_param_role role)
{
	param(n, f, type, ipc_own_names[name], role, 0, (struct srcpos){0});
}

/* An array given to be read: const, but for an array of arrays, which C
 * before C23 will not pass to a const parameter without a cast. */
static struct c_type array_in(struct namer *n, const struct ir_type *t)
{
	struct c_type ct = c_value_type(n->a, t);
	ct.is_const = array_depth(t) == 1;
	return ct;
}

/* A method's capabilities and parameters as its functions take them: a
 * variable one is a pointer and a length, a struct a pointer. `client`: a
 * stub's, whose page buffers are the caller's own (struct drv_buffer). */
static void add_inputs(struct namer *n, struct c_function *f, const struct ir_method *m,
		       bool client)
{
	for (size_t i = 0; i < m->caps_in.len; i++) {
		const struct ir_cap *c = &m->caps_in.items[i];
		struct c_type t = c->kind != CAP_PAGES ? type_of("int", 0, false)
				  : client	       ? type_of("struct drv_buffer", 1, false)
						       : type_of("struct drv_pages", 1, false);
		param(n, f, t, c->name, PARAM_CAP_IN, i, c->pos);
	}
	for (size_t i = 0; i < m->params.len; i++) {
		const struct ir_param *p = &m->params.items[i];
		const struct ir_type *t = p->type;
		if (!t)
			continue;
		const char *length = NULL;
		struct c_type ct = c_value_type(n->a, t);
		switch (t->kind) {
		case IR_BYTES:
			ct = type_of("uint8_t", 1, true);
			length = "%s_len";
			break;
		case IR_STRING:
			ct = type_of("char", 1, true);
			break;
		case IR_VECTOR:
			ct = type_of(c_type_spec(n->a, t->base), 1, true);
			length = "%s_count";
			break;
		case IR_STRUCT:
			ct = type_of(c_type_spec(n->a, t), 1, true);
			break;
		case IR_ARRAY:
			ct = array_in(n, t);
			break;
		default:
			break;
		}
		param(n, f, ct, p->name, PARAM_INPUT, i, p->pos);
		if (length)
			param(n, f, type_of("uint32_t", 0, false),
			      arena_printf(n->a, length, p->name), PARAM_INPUT_LENGTH, i, p->pos);
	}
}

/* A call's outputs: `by_value` as a deferred reply takes them, else as
 * pointers the handler (or a stub) fills in; a variable result goes into
 * the caller's storage, room for its bound. */
static void add_outputs(struct namer *n, struct c_function *f, const struct ir_method *m,
			bool by_value)
{
	const struct ir_type *t = m->result;
	unsigned out = by_value ? 0 : 1;
	struct c_type length = type_of("uint32_t", out, false);
	switch (t ? t->kind : IR_VOID) {
	case IR_VOID:
		break;
	case IR_BYTES:
		own(n, f, type_of("uint8_t", 1, by_value), OWN_RESULT, PARAM_RESULT);
		own(n, f, length, OWN_RESULT_LEN, PARAM_RESULT_LENGTH);
		break;
	case IR_STRING:
		own(n, f, type_of("char", 1, by_value), OWN_RESULT, PARAM_RESULT);
		break;
	case IR_VECTOR:
		own(n, f, type_of(c_type_spec(n->a, t->base), 1, by_value), OWN_RESULT,
		    PARAM_RESULT);
		own(n, f, length, OWN_RESULT_COUNT, PARAM_RESULT_LENGTH);
		break;
	case IR_ARRAY:
		own(n, f, by_value ? array_in(n, t) : c_value_type(n->a, t), OWN_RESULT,
		    PARAM_RESULT);
		break;
	case IR_STRUCT:
		own(n, f, type_of(c_type_spec(n->a, t), 1, by_value), OWN_RESULT, PARAM_RESULT);
		break;
	default:
		own(n, f, type_of(c_type_spec(n->a, t), out, false), OWN_RESULT, PARAM_RESULT);
		break;
	}
	for (size_t i = 0; i < m->caps_out.len; i++)
		param(n, f, type_of("int", out, false), m->caps_out.items[i].name, PARAM_CAP_OUT, i,
		      m->caps_out.items[i].pos);
}

/* ---- protocols ---- */

static void add(struct namer *n, c_symbol_list *list, enum name_rule_id id, const struct var *vars,
		size_t nvars, const struct c_function *fn)
{
	struct c_symbol s = {expand(n->a, name_rules[id].pattern, vars, nvars), id, fn};
	vec_push(n->a, list, s);
}

static struct ir_namespace *namespace_of(struct namer *n, struct strmap *seen, const char *ns)
{
	struct ir_namespace *s = strmap_get(seen, ns);
	if (s)
		return s;
	s = NEW(n->a, struct ir_namespace);
	s->name = ns;
	strmap_put(seen, ns, s);
	vec_push(n->a, &n->ir->namespaces, s);
	const struct var vars[] = {{"ns", ns}, {"NS", upper_dup(n->a, ns)}};
	add(n, &s->c, N_NS_HEADER, vars, 2, NULL);
	add(n, &s->c, N_NS_GUARD, vars, 2, NULL);
	return s;
}

static void name_namespaces(struct namer *n)
{
	struct strmap seen;
	strmap_init(&seen, n->a);
	for (size_t i = 0; i < n->ir->types.len; i++)
		namespace_of(n, &seen, n->ir->types.items[i]->ns);
	/* the files declaring a namespace's types, in input order */
	for (size_t k = 0; k < n->ir->namespaces.len; k++) {
		struct ir_namespace *s = n->ir->namespaces.items[k];
		for (size_t i = 0; i < n->ir->sources.len; i++) {
			const struct source *src = n->ir->sources.items[i];
			bool has = false;
			for (size_t t = 0; t < n->ir->types.len && !has; t++)
				has = n->ir->types.items[t]->pos.src == src &&
				      !strcmp(n->ir->types.items[t]->ns, s->name);
			if (has)
				vec_push(n->a, &s->sources, src);
		}
	}
}

static void name_type(struct namer *n, struct ir_type *t)
{
	struct var vars[] = {{"ns", t->ns},
			     {"NS", upper_dup(n->a, t->ns)},
			     {"t", t->local},
			     {"T", upper_dup(n->a, t->local)},
			     {"VALUE", NULL}};
	if (t->kind == IR_STRUCT) {
		const char *spec = arena_printf(n->a, "struct %s", t->c_name);
		add(n, &t->c, N_TYPE_TAG, vars, 4, NULL);
		struct c_function *put =
			named_function(n, type_of("void", 0, false), N_TYPE_PUT, vars, 4);
		param(n, put, type_of("uint8_t", 1, false), "p", PARAM_OWN, 0, (struct srcpos){0});
		param(n, put, type_of(spec, 1, true), "v", PARAM_OWN, 0, (struct srcpos){0});
		add(n, &t->c, N_TYPE_PUT, vars, 4, put);
		struct c_function *get =
			named_function(n, type_of("bool", 0, false), N_TYPE_GET, vars, 4);
		param(n, get, type_of("uint8_t", 1, true), "p", PARAM_OWN, 0, (struct srcpos){0});
		param(n, get, type_of(spec, 1, false), "v", PARAM_OWN, 0, (struct srcpos){0});
		add(n, &t->c, N_TYPE_GET, vars, 4, get);
		return;
	}
	if (t->kind == IR_BITS)
		add(n, &t->c, N_TYPE_TYPEDEF, vars, 4, NULL);
	else if (c_is_enum(t))
		add(n, &t->c, N_TYPE_TAG, vars, 4, NULL);
	struct c_function *valid =
		named_function(n, type_of("bool", 0, false), N_TYPE_VALID, vars, 4);
	param(n, valid, type_of("uint64_t", 0, false), "v", PARAM_OWN, 0, (struct srcpos){0});
	add(n, &t->c, N_TYPE_VALID, vars, 4, valid);
	if (t->kind != IR_BITS) {
		struct c_function *name =
			named_function(n, type_of("char", 1, true), N_TYPE_NAME, vars, 4);
		param(n, name, type_of("uint64_t", 0, false), "v", PARAM_OWN, 0,
		      (struct srcpos){0});
		add(n, &t->c, N_TYPE_NAME, vars, 4, name);
	}
	for (size_t i = 0; i < t->members.len; i++) {
		struct ir_member *m = &t->members.items[i];
		vars[4].value = upper_dup(n->a, m->name);
		add(n, &m->c, N_TYPE_VALUE, vars, 5, NULL);
	}
}

/* The client side of method m in interface iface (its own or inherited). */
static void name_client_method(struct namer *n, struct ir_interface *iface, const struct var *vars,
			       const struct ir_method *m)
{
	struct ir_client_method cm = {.method = m};
	const char *client = arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_CLIENT));
	if (m->kind == METHOD_EVENT) {
		struct c_function *type =
			function(n, type_of("void", 0, false),
				 expand(n->a, name_rules[N_M_HANDLER_TYPE].pattern, vars, 3));
		own(n, type, type_of("void", 1, false), OWN_CTX, PARAM_OWN);
		add_inputs(n, type, m, false);
		struct c_function *on =
			named_function(n, type_of("int", 0, false), N_M_ON, vars, 3);
		own(n, on, type_of(client, 1, false), OWN_CLIENT, PARAM_OBJECT);
		own(n, on, type_of(type->name, 0, false), OWN_HANDLER, PARAM_OWN);
		own(n, on, type_of("void", 1, false), OWN_CTX, PARAM_OWN);
		add(n, &cm.c, N_M_HANDLER_TYPE, vars, 3, type);
		add(n, &cm.c, N_M_ON, vars, 3, on);
	} else {
		struct c_function *stub =
			function(n, type_of("int", 0, false),
				 expand(n->a, name_rules[N_M_STUB].pattern, vars, 3));
		own(n, stub, type_of(client, 1, false), OWN_CLIENT, PARAM_OBJECT);
		add_inputs(n, stub, m, true);
		if (m->kind == METHOD_CALL)
			add_outputs(n, stub, m, false);
		add(n, &cm.c, N_M_STUB, vars, 3, stub);
	}
	vec_push(n->a, &iface->client, cm);
}

/* The server side of a method its interface declares. */
static void name_method(struct namer *n, const struct ir_interface *iface, struct ir_method *m)
{
	const char *cn = iface->c_name;
	m->member = is_c_keyword(m->name) ? arena_printf(n->a, "%s_", m->name) : m->name;
	const struct var vars[] = {{"cn", cn},
				   {"m", m->name},
				   {"member", m->member},
				   {"CN", upper_dup(n->a, cn)},
				   {"M", upper_dup(n->a, m->name)}};
	add(n, &m->c, N_M_LABEL, vars, 5, NULL);
	struct c_type self = type_of(
		arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_OBJECT)), 1, false);
	struct c_type call = type_of("struct drv_call", 1, false);
	if (m->kind == METHOD_EVENT) {
		struct c_function *emit =
			function(n, type_of("int", 0, false),
				 expand(n->a, name_rules[N_M_EMIT].pattern, vars, 5));
		own(n, emit, self, OWN_SELF, PARAM_OBJECT);
		add_inputs(n, emit, m, false);
		add(n, &m->c, N_M_EMIT, vars, 5, emit);
		return;
	}
	/* the handler, as the ops member's function type */
	struct c_function *handler =
		function(n, type_of(m->kind == METHOD_CALL ? "int" : "void", 0, false), m->member);
	own(n, handler, self, OWN_SELF, PARAM_OBJECT);
	own(n, handler, call, OWN_CALL, PARAM_CALL);
	add_inputs(n, handler, m, false);
	if (m->kind == METHOD_CALL)
		add_outputs(n, handler, m, false);
	add(n, &m->c, N_M_MEMBER, vars, 5, handler);
	if (m->kind != METHOD_CALL)
		return;
	struct c_function *reply = named_function(n, type_of("void", 0, false), N_M_REPLY, vars, 5);
	own(n, reply, call, OWN_CALL, PARAM_CALL);
	own(n, reply, type_of("int", 0, false), OWN_STATUS, PARAM_OWN);
	add_outputs(n, reply, m, true);
	add(n, &m->c, N_M_REPLY, vars, 5, reply);
}

static void name_interface(struct namer *n, struct ir_interface *iface)
{
	const char *cn = iface->c_name;
	struct var vars[] = {{"cn", cn}, {"CN", upper_dup(n->a, cn)}, {"p", NULL}};
	static const enum name_rule_id plain[] = {
		N_IF_HEADER, N_IF_CLIENT_FILE, N_IF_SERVER_FILE, N_IF_FUZZ_FILE,
		N_IF_GUARD,  N_IF_NAME,	       N_IF_ID,		 N_IF_OPS_MACRO,
		N_IF_OBJECT, N_IF_OPS,	       N_IF_CLIENT,	 N_IF_INTERFACE,
	};
	for (size_t i = 0; i < ARRAY_LEN(plain); i++)
		add(n, &iface->c, plain[i], vars, 2, NULL);

	struct c_type client = type_of(
		arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_CLIENT)), 1, false);
	struct c_function *f = named_function(n, type_of("int", 0, false), N_IF_CONNECT, vars, 2);
	param(n, f, type_of("unsigned", 0, false), "instance", PARAM_OWN, 0, (struct srcpos){0});
	own(n, f, type_of(client.spec, 2, false), OWN_CLIENT, PARAM_OBJECT);
	add(n, &iface->c, N_IF_CONNECT, vars, 2, f);
	f = named_function(n, type_of("void", 0, false), N_IF_DISCONNECT, vars, 2);
	own(n, f, client, OWN_CLIENT, PARAM_OBJECT);
	add(n, &iface->c, N_IF_DISCONNECT, vars, 2, f);
	f = named_function(n, type_of("bool", 0, false), N_IF_INIT, vars, 2);
	own(n, f,
	    type_of(arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_OBJECT)), 1,
		    false),
	    OWN_SELF, PARAM_OBJECT);
	param(n, f,
	      type_of(arena_printf(n->a, "struct %s", c_symbol_name(&iface->c, N_IF_OPS)), 1, true),
	      "ops", PARAM_OWN, 0, (struct srcpos){0});
	add(n, &iface->c, N_IF_INIT, vars, 2, f);
	f = named_function(n, type_of("int", 0, false), N_IF_DISPATCH, vars, 2);
	own(n, f, type_of("void", 1, false), OWN_SELF, PARAM_OBJECT);
	own(n, f, type_of("struct drv_call", 1, false), OWN_CALL, PARAM_CALL);
	add(n, &iface->c, N_IF_DISPATCH, vars, 2, f);
	for (size_t i = 0; i < iface->parents.len; i++) {
		vars[2].value = iface->parents.items[i]->c_name;
		f = function(
			n, type_of(arena_printf(n->a, "struct %s_client", vars[2].value), 1, false),
			expand(n->a, name_rules[N_IF_AS_PARENT].pattern, vars, 3));
		own(n, f, client, OWN_CLIENT, PARAM_OBJECT);
		add(n, &iface->c, N_IF_AS_PARENT, vars, 3, f);
		add(n, &iface->c, N_IF_PARENT_OBJECT, vars, 3, NULL);
		add(n, &iface->c, N_IF_PARENT_OPS, vars, 3, NULL);
	}
	for (size_t i = 0; i < iface->methods.len; i++)
		name_method(n, iface, iface->methods.items[i]);
	for (size_t i = 0; i < iface->all_methods.len; i++) {
		const struct ir_method *m = iface->all_methods.items[i];
		const struct var mvars[] = {{"cn", cn}, {"m", m->name}, {"CN", vars[1].value}};
		name_client_method(n, iface, mvars, m);
	}
}

static void name_protocols(struct namer *n)
{
	for (size_t i = 0; i < n->ir->types.len; i++) {
		struct ir_type *t = n->ir->types.items[i];
		t->c_name = arena_printf(n->a, "%s_%s", t->ns, t->local);
	}
	for (size_t i = 0; i < n->ir->interfaces.len; i++) {
		struct ir_interface *iface = n->ir->interfaces.items[i];
		iface->c_name = arena_printf(n->a, "%s_%s", iface->ns, iface->local);
	}
	name_namespaces(n);
	for (size_t i = 0; i < n->ir->types.len; i++)
		name_type(n, n->ir->types.items[i]);
	for (size_t i = 0; i < n->ir->interfaces.len; i++)
		name_interface(n, n->ir->interfaces.items[i]);
}

/* ---- register maps ---- */

#define BIT(id) ((reg_names)1 << ((id)-N_FIRST_REGISTER))
/* a name and, on an array, its index-taking form */
#define AND_AT(id, at, array) (BIT(id) | ((array) ? BIT(at) : 0))

static uint64_t width_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

static unsigned dimensions(const struct ir_register *r)
{
	unsigned n = r->count > 1;
	for (const struct ir_group *g = r->group; g; g = g->parent)
		n += g->count > 1;
	return n;
}

/* Which accessors and constants a register gets follows from its access
 * rules (docs/accessors.md): misuse has no function to call. */
static reg_names register_names(const struct ir_register *r)
{
	const struct access_info *ai = access_info(r->access);
	bool array = r->count > 1;
	reg_names names = BIT(N_REG_OFFSET) | BIT(N_REG_TYPE) | BIT(N_REG_VALUE) | BIT(N_REG_RAW);
	if (array)
		names |= BIT(N_REG_COUNT) | BIT(N_REG_STRIDE);
	if (r->has_reset)
		names |= BIT(N_REG_RESET);
	if (r->has_reset && r->reset_mask != width_mask(r->width))
		names |= BIT(N_REG_RESET_MASK);
	if (ir_register_can_update(r))
		names |= BIT(N_REG_KEEP) | BIT(N_REG_IDLE) |
			 AND_AT(N_REG_UPDATE, N_REG_UPDATE_AT, array);
	if (ai->readable)
		names |= AND_AT(N_REG_READ, N_REG_READ_AT, array);
	if (ai->write == WRITE_STORE)
		names |= AND_AT(N_REG_WRITE, N_REG_WRITE_AT, array);
	switch (r->access) {
	case ACCESS_W1C:
	case ACCESS_W0C:
		names |= AND_AT(N_REG_CLEAR, N_REG_CLEAR_AT, array);
		break;
	case ACCESS_W1S:
	case ACCESS_W0S:
		names |= AND_AT(N_REG_SET, N_REG_SET_AT, array);
		break;
	case ACCESS_W1T:
		names |= AND_AT(N_REG_TOGGLE, N_REG_TOGGLE_AT, array);
		break;
	default:
		break;
	}
	if (r->fields.len)
		names |= BIT(N_REG_FIELDS);
	if (dimensions(r))
		names |= BIT(N_REG_DIMS);
	return names;
}

static bool values_fit_int(const struct ir_field *f)
{
	for (size_t i = 0; i < f->enums.len; i++)
		if (f->enums.items[i].value > 0x7fffffff)
			return false;
	return f->enums.len > 0;
}

static reg_names field_names(const struct ir_register *r, const struct ir_field *f)
{
	const struct access_info *ai = access_info(f->access);
	bool writable = ai->write != WRITE_NONE;
	reg_names names = BIT(N_FIELD_SHIFT) | BIT(N_FIELD_MASK);
	if (f->has_reset)
		names |= BIT(N_FIELD_RESET);
	if (ai->readable)
		names |= BIT(N_FIELD_GET);
	if (writable)
		names |= BIT(N_FIELD_SET) | BIT(N_FIELD_SET_AT);
	/* an array's elements have no one-field update: which one? */
	if (writable && has_name(r->names, N_REG_UPDATE) && r->count == 1)
		names |= BIT(N_FIELD_UPDATE) | BIT(N_FIELD_UPDATE_AT);
	if (f->enums.len)
		names |= BIT(N_FIELD_VALUES) | BIT(N_FIELD_VALUE);
	if (values_fit_int(f))
		names |= BIT(N_FIELD_ENUM);
	return names;
}

/* <device>_<register>, with the block joining the prefix only for registers
 * (and groups) whose path more than one block uses (docs/accessors.md). */
static const char *c_name_of(struct namer *n, const struct ir_device *dev,
			     const struct strmap *blocks_of, const struct ir_block *blk,
			     const char *path)
{
	bool shared = strmap_get(blocks_of, path) == (void *)blocks_of;
	return shared ? arena_printf(n->a, "%s_%s_%s", dev->name, blk->name, path)
		      : arena_printf(n->a, "%s_%s", dev->name, path);
}

static void name_fields(struct namer *n, struct ir_register *r)
{
	for (size_t f = 0; f < r->fields.len; f++) {
		struct ir_field *fld = &r->fields.items[f];
		fld->c_name = arena_concat(n->a, r->c_name, arena_concat(n->a, "_", fld->name));
		fld->c_const = upper_dup(n->a, fld->c_name);
		fld->names = field_names(r, fld);
		for (size_t v = 0; v < fld->enums.len; v++) {
			struct ir_enum_value *ev = &fld->enums.items[v];
			ev->c_const =
				upper_dup(n->a, arena_concat(n->a, fld->c_const,
							     arena_concat(n->a, "_", ev->name)));
		}
	}
}

static void name_device_regs(struct namer *n, struct ir_device *dev)
{
	dev->c_const = upper_dup(n->a, dev->name);
	dev->names = BIT(N_DEV_HEADER) | BIT(N_DEV_DESC_FILE) | BIT(N_DEV_GUARD);
	struct strmap blocks_of; /* path -> first block holding it, or &blocks_of if shared */
	strmap_init(&blocks_of, n->a);
	for (size_t b = 0; b < dev->blocks.len; b++) {
		const struct ir_block *blk = dev->blocks.items[b];
		size_t count = blk->regs.len + blk->groups.len;
		for (size_t i = 0; i < count; i++) {
			const char *path = i < blk->regs.len
						   ? blk->regs.items[i]->path
						   : blk->groups.items[i - blk->regs.len]->path;
			const struct ir_block *first = strmap_get(&blocks_of, path);
			if (!first)
				strmap_put(&blocks_of, path, (void *)blk);
			else if (first != blk)
				strmap_set(&blocks_of, path, &blocks_of);
		}
	}
	for (size_t b = 0; b < dev->blocks.len; b++) {
		struct ir_block *blk = dev->blocks.items[b];
		bool repeated = blk->count > 1;
		blk->c_name = arena_printf(n->a, "%s_%s", dev->name, blk->name);
		blk->c_const = upper_dup(n->a, blk->c_name);
		blk->names = BIT(N_BLOCK_HANDLE) | AND_AT(N_BLOCK_AT, N_BLOCK_AT_INDEX, repeated) |
			     BIT(N_BLOCK_DESC) | BIT(N_BLOCK_REGS) | BIT(N_BLOCK_SIZE) |
			     (repeated ? BIT(N_BLOCK_COUNT) | BIT(N_BLOCK_STRIDE) : 0);
		for (size_t i = 0; i < blk->groups.len; i++) {
			struct ir_group *g = blk->groups.items[i];
			bool array = g->count > 1;
			g->c_name = c_name_of(n, dev, &blocks_of, blk, g->path);
			g->c_const = upper_dup(n->a, g->c_name);
			g->names = BIT(N_GROUP_HANDLE) |
				   AND_AT(N_GROUP_AT, N_GROUP_AT_INDEX, array) |
				   BIT(N_GROUP_OFFSET) | BIT(N_GROUP_SPAN) |
				   (array ? BIT(N_GROUP_COUNT) | BIT(N_GROUP_STRIDE) : 0);
		}
		for (size_t i = 0; i < blk->regs.len; i++) {
			struct ir_register *r = blk->regs.items[i];
			r->c_name = c_name_of(n, dev, &blocks_of, blk, r->path);
			r->c_const = upper_dup(n->a, r->c_name);
			r->names = register_names(r);
			name_fields(n, r);
		}
	}
}

/* ---- drivers ---- */

const char *driver_symbol(const struct ir_driver *d, enum name_rule_id id)
{
	return c_symbol_name(&d->c, id);
}

static bool has_irqs(const struct ir_driver *d)
{
	for (size_t i = 0; i < d->caps.len; i++)
		if (d->caps.items[i].kind == CAPABILITY_IRQ)
			return true;
	return false;
}

/* A hook: ret name(struct <dn>_driver *drv[, unsigned irq]). */
static const struct c_function *hook(struct namer *n, const char *ret, enum name_rule_id id,
				     const struct var *vars, const char *driver, bool irq)
{
	struct c_function *f = named_function(n, type_of(ret, 0, false), id, vars, 2);
	param(n, f, type_of(arena_printf(n->a, "struct %s", driver), 1, false), "drv", PARAM_OBJECT,
	      0, (struct srcpos){0});
	if (irq)
		param(n, f, type_of("unsigned", 0, false), "irq", PARAM_OWN, 0, (struct srcpos){0});
	return f;
}

/* The skeleton's names for a protocol the driver serves: one way back from
 * each object of the first-parent chain to the driver, the handlers, and
 * their table. */
static void name_served(struct namer *n, struct ir_driver *d, const struct ir_interface *iface)
{
	struct ir_served sv = {.iface = iface,
			       .prefix = d->provides.len == 1 ? d->name : iface->local};
	struct var vars[] = {{"cn", iface->c_name}, {"prefix", sv.prefix}, {"member", NULL}};
	for (const struct ir_interface *at = iface;; at = at->parents.items[0]) {
		const char *object = c_symbol_name(&at->c, N_IF_OBJECT);
		vars[0].value = at->c_name;
		struct c_function *from = named_function(
			n,
			type_of(arena_printf(n->a, "struct %s", c_symbol_name(&d->c, N_DRV_AUTHOR)),
				1, false),
			N_DRV_FROM, vars, 1);
		own(n, from, type_of(arena_printf(n->a, "struct %s", object), 1, false), OWN_SELF,
		    PARAM_OBJECT);
		add(n, &sv.c, N_DRV_FROM, vars, 1, from);
		if (!at->parents.len)
			break;
	}
	vars[0].value = iface->c_name;
	for (size_t i = 0; i < iface->all_methods.len; i++) {
		const struct ir_method *m = iface->all_methods.items[i];
		if (m->kind == METHOD_EVENT)
			continue;
		struct c_function *handler = NEW(n->a, struct c_function);
		*handler = *c_symbol_fn(&m->c, N_M_MEMBER);
		vars[2].value = m->member;
		handler->name = expand(n->a, name_rules[N_DRV_HANDLER].pattern, vars, 3);
		add(n, &sv.c, N_DRV_HANDLER, vars, 3, handler);
	}
	add(n, &sv.c, N_DRV_OPS, vars, 1, NULL);
	vec_push(n->a, &d->served, sv);
}

static void name_driver(struct namer *n, struct ir_driver *d)
{
	struct var vars[] = {{"dn", d->name}, {"DN", upper_dup(n->a, d->name)}, {"CAP", NULL}};
	static const enum name_rule_id plain[] = {
		N_DRV_HEADER,	N_DRV_DESC_FILE, N_DRV_KMOD_FILE,  N_DRV_MAIN_FILE,
		N_DRV_SKELETON, N_DRV_GUARD,	 N_DRV_CAPS,	   N_DRV_STRUCT,
		N_DRV_AUTHOR,	N_DRV_SIZE,	 N_DRV_SIZE_MACRO, N_DRV_DESC,
	};
	for (size_t i = 0; i < ARRAY_LEN(plain); i++)
		add(n, &d->c, plain[i], vars, 2, NULL);
	const char *driver = c_symbol_name(&d->c, N_DRV_STRUCT);
	add(n, &d->c, N_DRV_INIT, vars, 2, hook(n, "int", N_DRV_INIT, vars, driver, false));
	add(n, &d->c, N_DRV_START, vars, 2, hook(n, "void", N_DRV_START, vars, driver, false));
	if (has_irqs(d)) {
		add(n, &d->c, N_DRV_IRQS, vars, 2, NULL);
		for (size_t i = 0; i < d->caps.len; i++)
			if (d->caps.items[i].kind == CAPABILITY_IRQ) {
				vars[2].value = upper_dup(n->a, d->caps.items[i].name);
				add(n, &d->c, N_DRV_IRQ, vars, 3, NULL);
			}
		add(n, &d->c, N_DRV_IRQ_HOOK, vars, 2,
		    hook(n, "bool", N_DRV_IRQ_HOOK, vars, driver, true));
	}
	add(n, &d->c, N_DRV_STOP, vars, 2, hook(n, "void", N_DRV_STOP, vars, driver, false));
	for (size_t i = 0; i < d->provides.len; i++)
		name_served(n, d, d->provides.items[i]);
}

void name_ir(struct arena *a, struct ir *ir)
{
	struct namer n = {a, ir};
	name_protocols(&n);
	for (size_t i = 0; i < ir->devices.len; i++)
		name_device_regs(&n, ir->devices.items[i]);
	for (size_t i = 0; i < ir->drivers.len; i++)
		name_driver(&n, ir->drivers.items[i]);
}

/* ---- the docs' tables ---- */

/* The first name of rule id in a protocol symbol list of ir. */
static const char *protocol_example(const struct ir *ir, enum name_rule_id id)
{
	const char *name = NULL;
	for (size_t i = 0; i < ir->namespaces.len && !name; i++)
		name = c_symbol_name(&ir->namespaces.items[i]->c, id);
	for (size_t i = 0; i < ir->types.len && !name; i++) {
		const struct ir_type *t = ir->types.items[i];
		name = c_symbol_name(&t->c, id);
		for (size_t k = 0; k < t->members.len && !name; k++)
			name = c_symbol_name(&t->members.items[k].c, id);
	}
	for (size_t i = 0; i < ir->interfaces.len && !name; i++) {
		const struct ir_interface *iface = ir->interfaces.items[i];
		name = c_symbol_name(&iface->c, id);
		for (size_t k = 0; k < iface->methods.len && !name; k++)
			name = c_symbol_name(&iface->methods.items[k]->c, id);
		for (size_t k = 0; k < iface->client.len && !name; k++)
			name = c_symbol_name(&iface->client.items[k].c, id);
	}
	return name;
}

static const char *register_example(struct arena *a, const struct ir *ir, enum name_rule_id id)
{
	for (size_t d = 0; d < ir->devices.len; d++) {
		const struct ir_device *dev = ir->devices.items[d];
		if (has_name(dev->names, id))
			return name_device(a, dev, id);
		for (size_t b = 0; b < dev->blocks.len; b++) {
			const struct ir_block *blk = dev->blocks.items[b];
			if (has_name(blk->names, id))
				return name_block(a, blk, id);
			for (size_t g = 0; g < blk->groups.len; g++)
				if (has_name(blk->groups.items[g]->names, id))
					return name_group(a, blk->groups.items[g], id);
			for (size_t r = 0; r < blk->regs.len; r++) {
				const struct ir_register *reg = blk->regs.items[r];
				if (has_name(reg->names, id))
					return name_register(a, reg, id);
				for (size_t f = 0; f < reg->fields.len; f++) {
					const struct ir_field *fld = &reg->fields.items[f];
					if (id == N_FIELD_VALUE && fld->enums.len)
						return fld->enums.items[0].c_const;
					if (has_name(fld->names, id))
						return name_field(a, fld, id);
				}
			}
		}
	}
	return NULL;
}

static const char *driver_example(const struct ir *ir, enum name_rule_id id)
{
	const char *name = NULL;
	for (size_t i = 0; i < ir->drivers.len && !name; i++) {
		const struct ir_driver *d = ir->drivers.items[i];
		name = c_symbol_name(&d->c, id);
		for (size_t k = 0; k < d->served.len && !name; k++)
			name = c_symbol_name(&d->served.items[k].c, id);
	}
	return name;
}

size_t names_table(struct strbuf *out, struct arena *a, const struct ir *example,
		   enum name_rule_id first, enum name_rule_id last)
{
	size_t missing = 0;
	sb_puts(out, "| name | C | for | what | example |\n|---|---|---|---|---|\n");
	for (unsigned id = first; id <= last; id++) {
		const struct name_rule *r = &name_rules[id];
		sb_puts(out, "| `");
		for (const char *p = r->pattern; *p; p++)
			if (*p != '{' && *p != '}')
				sb_putc(out, *p);
		const char *ex = id >= N_FIRST_DRIVER	  ? driver_example(example, id)
				 : id >= N_FIRST_REGISTER ? register_example(a, example, id)
							  : protocol_example(example, id);
		missing += !ex;
		sb_printf(out, "` | %s | %s | %s | %s%s%s |\n", r->kind,
			  r->when ? r->when : "always", r->what, ex ? "`" : "", ex ? ex : "",
			  ex ? "`" : "");
	}
	return missing;
}
