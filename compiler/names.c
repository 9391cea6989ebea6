// SPDX-License-Identifier: MIT
/* names.c - the rules that make every C name generated code defines
 * (names.h), reading what the naming pass (name_ir.c) recorded with them,
 * and the docs' tables printed from them.
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
	[N_M_START] = {"{cn}_{m}_start", C_ORDINARY, "function", "calls, inherited ones too",
		       "starts the call, to finish when it completes (docs/ipc.md, \"Pipelined calls\")"},
	[N_M_FINISH] = {"{cn}_{m}_finish", C_ORDINARY, "function", "calls, inherited ones too",
			"a completed call's outcome, as the stub returns it"},
	[N_M_ON] = {"{cn}_on_{m}", C_ORDINARY, "function", "events, inherited ones too",
		    "subscribes a handler to the event"},
	[N_M_HANDLER_TYPE] = {"{cn}_{m}_handler", C_ORDINARY, "typedef",
			      "events, inherited ones too", "an event handler's type"},
	[N_M_LABEL] = {"{CN}_{M}_LABEL", C_ORDINARY, "macro", "methods declared in it",
		       "the method's label"},
	[N_M_CALL] = {"{cn}_{m}_call", C_TAG, "struct", "calls declared in it",
		      "a started call: its struct drv_pending, then room for its largest reply"},
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
		{"{blk}_at", C_ORDINARY, "macro", NULL,
		 "the handle from an I/O handle (and, repeated, an index: a macro over _at_)"},
	[N_BLOCK_AT_INDEX] = {"{blk}_at_", C_ORDINARY, "macro", "repeated blocks",
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
		{"{grp}_at", C_ORDINARY, "macro", NULL,
		 "the handle from its parent's (and, an array, an index: a macro over _at_)"},
	[N_GROUP_AT_INDEX] = {"{grp}_at_", C_ORDINARY, "macro", "group arrays",
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
	[N_REG_VALUE] = {"{reg}_value", C_ORDINARY, "macro", NULL, "a value from a number"},
	[N_REG_RAW] = {"{reg}_raw", C_ORDINARY, "macro", NULL, "the number of a value"},
	[N_REG_READ] = {"{reg}_read", C_ORDINARY, "macro", "readable registers",
			"reads it (an array: a macro over _read_ that checks a constant index)"},
	[N_REG_READ_AT] = {"{reg}_read_", C_ORDINARY, "macro", "readable arrays",
			   "reads element i"},
	[N_REG_WRITE] = {"{reg}_write", C_ORDINARY, "macro",
			 "registers a write stores to (rw, wo, wonce)", "writes it"},
	[N_REG_WRITE_AT] = {"{reg}_write_", C_ORDINARY, "macro", "such arrays",
			    "writes element i"},
	[N_REG_CLEAR] = {"{reg}_clear", C_ORDINARY, "macro", "w1c and w0c registers",
			 "clears the given bits, touching no other"},
	[N_REG_CLEAR_AT] = {"{reg}_clear_", C_ORDINARY, "macro", "such arrays",
			    "the same for element i"},
	[N_REG_SET] = {"{reg}_set", C_ORDINARY, "macro", "w1s and w0s registers",
		       "sets the given bits, touching no other"},
	[N_REG_SET_AT] = {"{reg}_set_", C_ORDINARY, "macro", "such arrays",
			  "the same for element i"},
	[N_REG_TOGGLE] = {"{reg}_toggle", C_ORDINARY, "macro", "w1t registers",
			  "toggles the given bits, touching no other"},
	[N_REG_TOGGLE_AT] = {"{reg}_toggle_", C_ORDINARY, "macro", "such arrays",
			     "the same for element i"},
	[N_REG_UPDATE] = {"{reg}_update", C_ORDINARY, "macro",
			  "rw registers whose reads change nothing",
			  "read-modify-write of the bits under a mask"},
	[N_REG_UPDATE_AT] = {"{reg}_update_", C_ORDINARY, "macro", "such arrays",
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
	[N_FIELD_GET] = {"{reg}_{field}_get", C_ORDINARY, "macro", "readable fields",
			 "the field of a register value"},
	[N_FIELD_SET] = {"{reg}_{field}_set", C_ORDINARY, "macro", "writable fields",
			 "a register value with the field replaced; a constant must fit"},
	[N_FIELD_SET_AT] = {"{reg}_{field}_set_", C_ORDINARY, "macro", "writable fields",
			    "the same, unchecked"},
	[N_FIELD_UPDATE] = {"{reg}_{field}_update", C_ORDINARY, "macro",
			    "writable fields of a register with an update, not an array",
			    "read-modify-write of the field; a constant must fit"},
	[N_FIELD_UPDATE_AT] = {"{reg}_{field}_update_", C_ORDINARY, "macro", "the same fields",
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
	[N_DRV_LIBRARIES] = {"{dn}_libraries.txt", C_FILE, "file", "drivers with libraries",
			     "the library folders whose C files join the driver's (build scripts "
			     "read it)"},
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
	[N_DRV_SUSPEND] = {"{dn}_suspend", C_ORDINARY, "function", "drivers with power",
			   "the author's hook: saves the device's state before it sleeps"},
	[N_DRV_RESUME] = {"{dn}_resume", C_ORDINARY, "function", "drivers with power",
			  "the author's hook: restores it when it wakes"},
	[N_DRV_TIMERS] = {"{dn}_timer", C_TAG, "enum", "drivers with timers",
			  "the timers, numbered"},
	[N_DRV_TIMER] = {"{DN}_TIMER_{CAP}", C_ORDINARY, "enumerator", "each timer", "its number"},
	[N_DRV_TIMER_NS] = {"{DN}_TIMER_{CAP}_NS", C_ORDINARY, "macro",
			    "each timer with an interval", "the interval, in nanoseconds"},
	[N_DRV_TIMER_HOOK] = {"{dn}_timer", C_ORDINARY, "function", "drivers with timers",
			      "the author's hook: a timer expired"},
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

/* ---- how register map names are made ---- */

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
	/* a half-built type (its check failed) is named as nothing */
	return (size_t)k < ARRAY_LEN(names) && names[k] ? names[k] : "void";
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
	case IR_BYTES:
		return "uint8_t";
	case IR_STRING:
		return "char";
	case IR_VECTOR:
		return c_type_spec(a, t->base);
	default:
		return int_spec(t->kind);
	}
}

struct c_type c_value_type(struct arena *a, const struct ir_type *t)
{
	return (struct c_type){.spec = c_type_spec(a, t), .array = t->kind == IR_ARRAY ? t : NULL};
}

const char *driver_symbol(const struct ir_driver *d, enum name_rule_id id)
{
	return c_symbol_name(&d->c, id);
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
