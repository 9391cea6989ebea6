/* SPDX-License-Identifier: MIT */
/* ir.h - the checked model of a whole spec: what every backend reads.
 *
 * The checker builds it from the three ASTs once all of them are known to be
 * well formed; nothing downstream of it sees YAML, tokens or the ASTs. Every
 * item keeps the position of its declaration so generated code can name the
 * spec line it came from. The IR is immutable once built.
 */
#ifndef DRVGEN_IR_H
#define DRVGEN_IR_H

#include "diag.h"

/* The message format's limits (DRV_HEADER_SIZE, DRV_MAX_MESSAGE,
 * DRV_MAX_CAPS): defined once, where every transport and the generated code
 * read them. */
#include "drv_wire.h"

/* ---- the C names of generated code (names.c) ----
 * The naming pass runs once the IR is checked and records every name the
 * generated C defines for an item, and each function's signature as types
 * and names; the emitters spell what it recorded, the clash checks compare
 * it, and the name tables of docs/ipc.md and docs/accessors.md are made
 * from its rules. */

struct ir_type;

/* A C type as a declaration spells it around a name. */
struct c_type {
	const char *spec;            /* "uint32_t", "struct kit_point", "char", "void" */
	bool is_const;               /* const spec */
	unsigned pointers;           /* spec *name: 1, spec **name: 2 */
	const struct ir_type *array; /* an IR_ARRAY: its dimensions follow the name */
};

/* What a parameter carries, for the code that passes it on. */
enum c_param_role {
	PARAM_OWN,           /* the generated code's own: status, ctx, handler, instance */
	PARAM_OBJECT,        /* self or client: the object the function is about */
	PARAM_CALL,          /* the call being served */
	PARAM_CAP_IN,        /* capability `index` of the request */
	PARAM_INPUT,         /* a parameter of the method */
	PARAM_INPUT_LENGTH,  /* the _len or _count of a variable one */
	PARAM_RESULT,        /* a call's result */
	PARAM_RESULT_LENGTH, /* its _len or _count */
	PARAM_CAP_OUT,       /* a capability of the reply */
};

struct c_param {
	struct c_type type;
	const char *name;
	enum c_param_role role;
	unsigned index;    /* PARAM_CAP_IN, PARAM_CAP_OUT: which capability */
	struct srcpos pos; /* the spec's declaration; none for the generated code's own */
};

struct c_function {
	struct c_type ret;
	const char *name;
	VEC(struct c_param) params;
};

/* One name generated code defines: `rule` indexes the table of name rules
 * (names.h), which says what it names and where it lives. */
struct c_symbol {
	const char *name;
	unsigned rule;
	const struct c_function *fn; /* a function's (or function type's) signature */
};
typedef VEC(struct c_symbol) c_symbol_list;

/* ---- register maps ---- */

enum reg_access {
	ACCESS_RO,
	ACCESS_RW,
	ACCESS_WO,
	ACCESS_RC,    /* a read clears the bits */
	ACCESS_RS,    /* a read sets the bits */
	ACCESS_W1C,   /* writing 1 clears a bit, 0 leaves it */
	ACCESS_W1S,   /* writing 1 sets a bit, 0 leaves it */
	ACCESS_W1T,   /* writing 1 toggles a bit, 0 leaves it */
	ACCESS_W0C,   /* writing 0 clears a bit, 1 leaves it */
	ACCESS_W0S,   /* writing 0 sets a bit, 1 leaves it */
	ACCESS_WONCE, /* the first write after reset sticks */
	ACCESS_COUNT
};

/* What a write of a bit does, which decides what a read-modify-write must
 * write back for bits it does not mean to change. */
enum write_effect {
	WRITE_NONE,     /* not writable */
	WRITE_STORE,    /* the bit takes the written value: write back what was read */
	WRITE_ONE_ACTS, /* 1 acts, 0 is harmless: write back 0 */
	WRITE_ZERO_ACTS /* 0 acts, 1 is harmless: write back 1 */
};

struct access_info {
	const char *name;
	bool readable;
	bool read_side_effect; /* a read changes the register: no read-modify-write */
	enum write_effect write;
};

extern const char *const access_names[ACCESS_COUNT + 1]; /* NULL-terminated, for the YAML reader */
const struct access_info *access_info(enum reg_access access);

/* Where a block's registers are: memory-mapped, x86 port I/O, or a PCI
 * function's configuration space. */
enum reg_space { SPACE_MMIO, SPACE_IO, SPACE_CONFIG, SPACE_COUNT };
/* As the register map language spells them: "mmio", "io", "pci-config";
 * NULL-terminated, for the YAML reader. */
extern const char *const space_names[SPACE_COUNT + 1];
enum reg_endian { ENDIAN_LITTLE, ENDIAN_BIG };

struct ir_enum_value {
	const char *name;
	const char *c_const; /* its constant: "EDU_DMA_CMD_DIRECTION_TO_DEVICE" */
	const char *doc;
	struct srcpos pos;
	uint64_t value;
};

struct ir_register;

/* Register map items record their names as a set of rules (names.h): each
 * name is the item's C name or constant prefix and the rule's suffix, so a
 * 100k-register map does not hold millions of strings. */
typedef uint64_t reg_names;

struct ir_field {
	const char *name;
	const char *c_name;  /* the prefix of its functions: "edu_status_irq_enable" */
	const char *c_const; /* the prefix of its constants: "EDU_STATUS_IRQ_ENABLE" */
	reg_names names;
	const char *doc;
	struct srcpos pos;
	unsigned lsb, msb;
	uint64_t mask; /* in register position */
	enum reg_access access;
	bool is_volatile;
	bool has_reset;
	uint64_t reset; /* field value (shifted down) */
	VEC(struct ir_enum_value) enums;
	const struct ir_register *reg;
};

/* A named, possibly repeated, set of registers inside a block (a queue's
 * register set). Registers point at their innermost group. */
struct ir_group {
	const char *name;
	const char *path;   /* group names from the block down, joined with '_' */
	const char *c_name;  /* its handle's name: "nic_queue" (docs/accessors.md) */
	const char *c_const; /* the prefix of its constants: "NIC_QUEUE" */
	reg_names names;
	const char *doc;
	struct srcpos pos;
	uint64_t offset; /* relative to the parent group or the block */
	uint64_t count;  /* 1 unless an array */
	uint64_t stride;
	uint64_t span; /* bytes one element covers (end of its last register) */
	const struct ir_group *parent;
};

struct ir_block;

struct ir_register {
	const char *name;
	const char *path;   /* group path + name: unique within the block */
	const char *c_name;  /* the accessors' prefix: "edu_status" (docs/accessors.md) */
	const char *c_const; /* the prefix of its constants: "EDU_STATUS" */
	reg_names names;
	const char *doc;
	struct srcpos pos;
	uint64_t offset; /* relative to the group, or the block if none */
	unsigned width;  /* bits: 8, 16, 32 or 64 */
	enum reg_access access;
	bool is_volatile;
	bool has_reset;
	uint64_t reset;
	uint64_t reset_mask; /* the bits whose reset value is known */
	uint64_t count;      /* 1 unless an array */
	uint64_t stride;
	const char *bank; /* registers of another bank may share its bytes; NULL: the default */
	const struct ir_group *group;
	const struct ir_register *layout_of; /* fields borrowed from this register */
	VEC(struct ir_field) fields;
	const struct ir_block *block;
};

struct ir_device;

struct ir_block {
	const char *name;
	const char *c_name;  /* its handle's name: "<device>_<block>" */
	const char *c_const; /* the prefix of its constants: "EDU_BAR0" */
	reg_names names;
	const char *doc;
	struct srcpos pos;
	enum reg_space space;
	enum reg_endian endian;
	uint64_t size;
	uint64_t count; /* 1 unless the block repeats */
	uint64_t stride;
	VEC(struct ir_register *) regs; /* every register, groups flattened, in order */
	VEC(struct ir_group *) groups;
	const struct ir_device *device;
};

struct ir_device {
	const char *name;
	const char *c_const; /* "EDU" */
	reg_names names;
	const char *doc;
	struct srcpos pos;
	VEC(struct ir_block *) blocks;
};

/* ---- protocols ---- */

enum ir_type_kind {
	IR_VOID,
	IR_BOOL,
	IR_U8,
	IR_U16,
	IR_U32,
	IR_U64,
	IR_I8,
	IR_I16,
	IR_I32,
	IR_I64,
	IR_ENUM,
	IR_BITS,
	IR_ERROR,
	IR_STRUCT,
	IR_ARRAY,  /* [N]T */
	IR_VECTOR, /* []T<MAX> */
	IR_BYTES,  /* bytes<MAX> */
	IR_STRING, /* str<MAX> */
};

/* An enumerator, a bits flag, an error code or a struct field. */
struct ir_member {
	const char *name;
	c_symbol_list c; /* a value's constant */
	const char *doc;
	struct srcpos pos;
	uint64_t value; /* enum/bits/error: two's complement of the value */
	const struct ir_type *type; /* struct field */
	uint32_t offset;            /* struct field: byte offset */
	const char *deprecated;
	unsigned since;
};

struct ir_type {
	enum ir_type_kind kind;
	const char *name;   /* "io::whence"; for built-ins the spelling: "uint" */
	const char *ns;     /* namespace; NULL for built-in and anonymous types */
	const char *local;  /* "whence" */
	const char *c_name; /* "io_whence" */
	c_symbol_list c;    /* declared types: the C type, its functions */
	const char *doc;
	struct srcpos pos;
	const struct ir_type *base; /* enum/bits/error: underlying; array/vector: element */
	uint64_t bound;             /* array count, or vector/bytes/str maximum */
	VEC(struct ir_member) members;
	/* Wire layout: inline size and alignment; max_size adds the largest
	 * out-of-line part a variable-size type can carry. */
	uint32_t size, align, max_size;
	bool is_signed;
	const char *deprecated;
	unsigned since;
};

bool ir_type_is_variable(const struct ir_type *t);
bool ir_type_is_integer(const struct ir_type *t);

enum ir_cap_kind {
	CAP_HANDLE, /* a bare name: one file descriptor / handle */
	CAP_PAGES,  /* page...: a shared memory buffer */
	CAP_OBJECT, /* name: some::iface: a handle to an object serving it */
};

struct ir_interface;

struct ir_cap {
	const char *name;
	struct srcpos pos;
	enum ir_cap_kind kind;
	bool variadic;
	const struct ir_interface *iface;
};

typedef VEC(struct ir_cap) ir_cap_list;

struct ir_param {
	const char *name;
	const char *doc;
	struct srcpos pos;
	const struct ir_type *type;
	uint32_t offset; /* inline offset in the payload */
	const char *deprecated;
	unsigned since;
};

enum ir_method_kind { METHOD_CALL, METHOD_SEND, METHOD_EVENT };

struct ir_method {
	enum ir_method_kind kind;
	const char *name;
	const char *member; /* its member of the ops struct: name, or name_ for a C++ keyword */
	/* The server side: label, ops member (with the handler's signature),
	 * deferred reply, event emitter. The client side is the interface's. */
	c_symbol_list c;
	const char *doc;
	struct srcpos pos;
	unsigned op;
	uint64_t label; /* owner->id << 16 | op */
	const struct ir_interface *owner;
	ir_cap_list caps_in;
	ir_cap_list caps_out;
	VEC(struct ir_param) params;
	const struct ir_type *result; /* calls; IR_VOID when nothing */
	const struct ir_type *error;  /* the '!' error type, or NULL */
	/* Payload bytes (the header excluded): the fixed inline part, and the
	 * most a message can hold with every variable part full. */
	uint32_t request_inline, request_max;
	uint32_t reply_inline, reply_max;
	const char *deprecated;
	unsigned since;
	bool idempotent; /* @idempotent: a client may make it again after a restart */
};

typedef VEC(const struct ir_interface *) ir_interface_list;

/* A method as the client API of one interface has it: its own, and the
 * inherited ones, which forward to their owner's. */
struct ir_client_method {
	const struct ir_method *method;
	c_symbol_list c; /* the stub (calls, sends); subscription and handler type (events) */
};

struct ir_interface {
	const char *name; /* "io::file" */
	const char *ns;
	const char *local;
	const char *c_name; /* "io_file" */
	c_symbol_list c;    /* files, structs, functions, macros */
	VEC(struct ir_client_method) client; /* all_methods' client side, in order */
	const char *doc;
	struct srcpos pos;
	uint32_t id;
	bool id_explicit;
	ir_interface_list parents;
	VEC(struct ir_method *) methods;           /* declared here */
	VEC(const struct ir_method *) all_methods; /* inherited ones first, each once */
	const char *deprecated;
	unsigned since;
	bool close_on_malformed; /* @malformed("close"): drop the client, do not reply */
	/* A call of it (inherited ones too) has out capabilities: its reply
	 * hands descriptors to the client (an event carries none, E0522). A
	 * userspace server serving no such interface is denied sendmsg. */
	bool sends_handles;
};

/* ---- manifests ---- */

/* A capability's kind, in the order of the manifest's `capabilities` keys
 * and of the runtime's descriptor tables (docs/internals.md: adding one). */
enum ir_capability_kind {
	CAPABILITY_MMIO,
	CAPABILITY_IOPORT,
	CAPABILITY_CONFIG,
	CAPABILITY_IRQ,
	CAPABILITY_DMA,
	CAPABILITY_TIMER,
};
enum ir_irq_kind { IRQ_INTX, IRQ_MSI, IRQ_LINE, IRQ_MSIX };
/* How many: one past the last of each (switches name every kind). */
enum { CAPABILITY_KIND_COUNT = CAPABILITY_TIMER + 1, IRQ_KIND_COUNT = IRQ_MSIX + 1 };

/* Their words in a manifest and in the JSON dump; NULL-terminated. */
extern const char *const capability_words[CAPABILITY_KIND_COUNT + 1];
extern const char *const irq_kind_words[IRQ_KIND_COUNT + 1];
enum ir_match_kind { MATCH_PCI, MATCH_ISA };

struct ir_capability {
	enum ir_capability_kind kind;
	const char *name;
	const char *doc;
	struct srcpos pos;
	unsigned bar;       /* mmio; ioport when in_bar */
	bool in_bar;        /* ioport: in I/O BAR `bar`, at `offset`; else at `base` */
	uint64_t base;      /* ioport */
	uint64_t offset;    /* mmio: of the block in the BAR; ioport: in the BAR; config */
	uint64_t size;      /* mmio, ioport, config, dma (bytes) */
	const struct ir_block *block;
	unsigned capability;   /* config: the PCI capability id it is at; 0: at `offset` */
	enum ir_irq_kind irq_kind;
	unsigned line;         /* irq: legacy line for IRQ_LINE */
	unsigned vector;       /* irq: MSI or MSI-X vector */
	bool intx_fallback;    /* irq: the one vector may become INTx */
	unsigned address_bits; /* dma: the device reaches addresses below 2^address_bits */
	bool streaming;        /* dma: clients' buffers mapped, not a buffer of its own */
	unsigned mappings;     /* dma streaming: at once */
	unsigned segments;     /* dma streaming: per mapping */
	uint64_t interval_ns;  /* timer: the manifest's interval; 0: none */
};

struct ir_match {
	enum ir_match_kind kind;
	struct srcpos pos;
	uint32_t vendor, device;       /* pci */
	uint32_t subvendor, subdevice; /* pci; PCI_ANY (0xffffffff) when not given */
	uint32_t class_code, class_mask;
	uint64_t ioport; /* isa */
};

/* A protocol a driver serves, and the names its skeleton gives it. */
struct ir_served {
	const struct ir_interface *iface;
	const char *prefix; /* of its handlers: the driver's name, or the interface's own */
	c_symbol_list c;    /* from_ functions, handlers (all_methods' order), their table */
};

struct ir_driver {
	const char *name;
	c_symbol_list c; /* files, structs, hooks (with signatures), descriptor */
	VEC(struct ir_served) served; /* provides, in order */
	const char *doc;
	const char *version;
	struct srcpos pos;
	VEC(struct ir_match) matches;
	ir_interface_list provides;
	ir_interface_list services;
	VEC(struct ir_capability) caps;
	/* power: the device sleeps after idle_ns with no client; saves says
	 * what the suspend hook keeps (the manifest's words) */
	bool power;
	uint64_t idle_ns;
	const char *saves;
	VEC(const struct ir_device *) devices; /* whose blocks it binds, in order of first use */
	/* Spec folders whose register maps and protocols joined the run for
	 * it, and whose C files join its sources, as the manifest wrote them
	 * (relative to its folder). */
	VEC(const char *) libraries;
};

/* ---- the whole spec ---- */

/* A protocol namespace: its types header. */
struct ir_namespace {
	const char *name;
	c_symbol_list c;
	VEC(const struct source *) sources; /* the IDL files declaring its types */
};

struct ir {
	VEC(const struct source *) sources;
	VEC(struct ir_namespace *) namespaces; /* those declaring types, in order */
	VEC(struct ir_device *) devices;
	VEC(struct ir_type *) types; /* declared (named) types, in file and declaration order */
	VEC(struct ir_interface *) interfaces;
	VEC(struct ir_driver *) drivers;
};

const struct ir_interface *ir_find_interface(const struct ir *ir, const char *qualified_name);

/* ---- what the accessors define (ir.c; docs/accessors.md) ---- */

/* A read of r changes the device (an rc/rs register or field). */
bool ir_register_read_side_effect(const struct ir_register *r);
/* r gets an update (read-modify-write) helper: read without side effects
 * and a plain register-wide write. */
bool ir_register_can_update(const struct ir_register *r);

#endif
