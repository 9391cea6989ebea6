/* ir.c - facts about the IR that every backend asks the same way. */
#include "ir.h"

#include <string.h>

const char *const access_names[ACCESS_COUNT + 1] = {
	"ro", "rw", "wo", "rc", "rs", "w1c", "w1s", "w1t", "w0c", "w0s", "wonce", NULL,
};

static const struct access_info access_table[ACCESS_COUNT] = {
	[ACCESS_RO] = {"ro", true, false, WRITE_NONE},
	[ACCESS_RW] = {"rw", true, false, WRITE_STORE},
	[ACCESS_WO] = {"wo", false, false, WRITE_STORE},
	[ACCESS_RC] = {"rc", true, true, WRITE_NONE},
	[ACCESS_RS] = {"rs", true, true, WRITE_NONE},
	[ACCESS_W1C] = {"w1c", true, false, WRITE_ONE_ACTS},
	[ACCESS_W1S] = {"w1s", true, false, WRITE_ONE_ACTS},
	[ACCESS_W1T] = {"w1t", true, false, WRITE_ONE_ACTS},
	[ACCESS_W0C] = {"w0c", true, false, WRITE_ZERO_ACTS},
	[ACCESS_W0S] = {"w0s", true, false, WRITE_ZERO_ACTS},
	[ACCESS_WONCE] = {"wonce", true, false, WRITE_STORE},
};

const struct access_info *access_info(enum reg_access access)
{
	return &access_table[access];
}

bool ir_type_is_variable(const struct ir_type *t)
{
	return t->kind == IR_VECTOR || t->kind == IR_BYTES || t->kind == IR_STRING;
}

bool ir_type_is_integer(const struct ir_type *t)
{
	return t->kind >= IR_U8 && t->kind <= IR_I64;
}

const struct ir_interface *ir_find_interface(const struct ir *ir, const char *qualified_name)
{
	for (size_t i = 0; i < ir->interfaces.len; i++)
		if (strcmp(ir->interfaces.items[i]->name, qualified_name) == 0)
			return ir->interfaces.items[i];
	return NULL;
}

bool ir_register_read_side_effect(const struct ir_register *r)
{
	if (access_info(r->access)->read_side_effect)
		return true;
	for (size_t i = 0; i < r->fields.len; i++)
		if (access_info(r->fields.items[i].access)->read_side_effect)
			return true;
	return false;
}

bool ir_register_can_update(const struct ir_register *r)
{
	return r->access == ACCESS_RW && !ir_register_read_side_effect(r);
}

static uint64_t full_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

size_t ir_register_constants(const struct ir_register *r, const char **suffixes)
{
	size_t n = 0;
	suffixes[n++] = "OFFSET";
	if (r->count > 1) {
		suffixes[n++] = "COUNT";
		suffixes[n++] = "STRIDE";
	}
	if (r->has_reset) {
		suffixes[n++] = "RESET";
		if (r->reset_mask != full_mask(r->width))
			suffixes[n++] = "RESET_MASK";
	}
	if (ir_register_can_update(r)) {
		suffixes[n++] = "KEEP";
		suffixes[n++] = "IDLE";
	}
	return n;
}

size_t ir_field_constants(const struct ir_field *f, const char **suffixes)
{
	size_t n = 0;
	suffixes[n++] = "SHIFT";
	suffixes[n++] = "MASK";
	if (f->has_reset)
		suffixes[n++] = "RESET";
	return n;
}

size_t ir_group_constants(const struct ir_group *g, const char **suffixes)
{
	size_t n = 0;
	suffixes[n++] = "OFFSET";
	suffixes[n++] = "SPAN";
	if (g->count > 1) {
		suffixes[n++] = "COUNT";
		suffixes[n++] = "STRIDE";
	}
	return n;
}

size_t ir_block_constants(const struct ir_block *b, const char **suffixes)
{
	size_t n = 0;
	suffixes[n++] = "SIZE";
	if (b->count > 1) {
		suffixes[n++] = "COUNT";
		suffixes[n++] = "STRIDE";
	}
	return n;
}
