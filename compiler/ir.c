// SPDX-License-Identifier: MIT
/* ir.c - facts about the IR that every backend asks the same way. */
#include "ir.h"

#include <string.h>

const char *const space_names[SPACE_COUNT + 1] = {"mmio", "io", "pci-config", NULL};

const char *const access_names[ACCESS_COUNT + 1] = {
	"ro", "rw", "wo", "rc", "rs", "w1c", "w1s", "w1t", "w0c", "w0s", "wonce", NULL,
};

const char *const capability_words[CAPABILITY_KIND_COUNT + 1] = {
	[CAPABILITY_MMIO] = "mmio",	[CAPABILITY_IOPORT] = "ioport",
	[CAPABILITY_CONFIG] = "config", [CAPABILITY_IRQ] = "irq",
	[CAPABILITY_DMA] = "dma",	[CAPABILITY_TIMER] = "timer",
	[CAPABILITY_KIND_COUNT] = NULL,
};

const char *const irq_kind_words[IRQ_KIND_COUNT + 1] = {
	[IRQ_INTX] = "intx", [IRQ_MSI] = "msi",		[IRQ_LINE] = "line",
	[IRQ_MSIX] = "msix", [IRQ_KIND_COUNT] = NULL,
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
