// SPDX-License-Identifier: MIT
/* test_regs.c - register maps in the IR: fields, layouts, banks, arrays,
 * groups, resets and C names. */
#include "harness.h"

static const struct ir_register *reg(const struct ir_block *b, const char *path)
{
	for (size_t i = 0; i < b->regs.len; i++)
		if (!strcmp(b->regs.items[i]->path, path))
			return b->regs.items[i];
	fail_msg("no register %s", path);
	return NULL;
}

static void edu_register_map(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, "specs/edu/edu.regs.yaml", NULL);
	assert_clean(&r);
	const struct ir_device *edu = r.ir->devices.items[0];
	assert_string_equal(edu->name, "edu");
	assert_int_equal(edu->blocks.len, 3);
	/* configuration space first: the header, then the MSI capability */
	assert_string_equal(edu->blocks.items[0]->name, "pci");
	assert_int_equal(edu->blocks.items[0]->space, SPACE_CONFIG);
	assert_int_equal(edu->blocks.items[0]->size, 0x40);
	assert_true(reg(edu->blocks.items[0], "pci_vendor")->reset == 0x1234);
	assert_string_equal(edu->blocks.items[1]->name, "msi");
	assert_int_equal(edu->blocks.items[1]->space, SPACE_CONFIG);
	const struct ir_block *bar0 = edu->blocks.items[2];
	assert_string_equal(bar0->name, "bar0");
	assert_int_equal(bar0->size, 0x100000);
	assert_int_equal(bar0->space, SPACE_MMIO);

	const struct ir_register *id = reg(bar0, "id");
	assert_int_equal(id->access, ACCESS_RO);
	assert_true(id->has_reset && id->reset == 0x010000ed);
	assert_int_equal(id->fields.items[1].lsb, 16);
	assert_int_equal(id->fields.items[1].msb, 23);
	assert_true(id->fields.items[1].mask == 0x00ff0000);
	/* The register's reset flows into its fields. */
	assert_true(id->fields.items[2].has_reset && id->fields.items[2].reset == 1);

	const struct ir_register *status = reg(bar0, "status");
	assert_int_equal(status->fields.items[0].access, ACCESS_RO);
	assert_true(status->fields.items[0].is_volatile);
	assert_int_equal(status->fields.items[1].access, ACCESS_RW);

	/* irq_raise borrows irq_status's fields but is write-only. */
	const struct ir_register *raise = reg(bar0, "irq_raise");
	assert_ptr_equal(raise->layout_of, reg(bar0, "irq_status"));
	assert_int_equal(raise->fields.len, 2);
	assert_true(raise->fields.items[1].mask == 0x100);
	assert_int_equal(raise->fields.items[1].access, ACCESS_WO);

	const struct ir_register *src = reg(bar0, "dma_src");
	assert_int_equal(src->width, 64);
	const struct ir_field *dir = &reg(bar0, "dma_cmd")->fields.items[1];
	assert_int_equal(dir->enums.len, 2);
	assert_string_equal(dir->enums.items[1].name, "from_device");
	assert_int_equal(dir->enums.items[1].value, 1);
	assert_string_equal(reg(bar0, "liveness")->c_name, "edu_liveness");
	run_free(&r);
}

static void uart_banks_and_shared_offsets(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, "specs/uart16550/uart16550.regs.yaml", NULL);
	assert_clean(&r);
	const struct ir_block *uart = r.ir->devices.items[0]->blocks.items[0];
	assert_int_equal(uart->space, SPACE_IO);
	assert_string_equal(reg(uart, "dll")->bank, "dlab");
	assert_null(reg(uart, "rbr")->bank);
	assert_int_equal(reg(uart, "lsr")->fields.items[1].access, ACCESS_RC);
	run_free(&r);

	/* Two read-write registers in the same bank may not share bytes. */
	run_texts(&r, "u.regs.yaml",
		  "device: u\nblocks:\n  - name: b\n    space: io\n    size: 8\n    registers:\n"
		  "      - { name: a, offset: 0, width: 8 }\n"
		  "      - { name: c, offset: 0, width: 8, bank: x }\n"
		  "      - { name: d, offset: 0, width: 8, bank: x }\n",
		  NULL);
	assert_only_diag(&r, "E0203");
	assert_diag_at(&r, "E0203", 9, 9);
	run_free(&r);
}

static void arrays_groups_and_interleaving(void **state)
{
	(void)state;
	static const char text[] =
		"device: nic\nblocks:\n  - name: regs\n    size: 0x1000\n    registers:\n"
		"      - { name: ctrl, offset: 0 }\n"
		"      - { name: mac, offset: 0x10, width: 16, count: 3 }\n"
		/* Two arrays interleaved in one span, sharing no byte. */
		"      - { name: head, offset: 0x100, count: 8, stride: 0x10 }\n"
		"      - { name: tail, offset: 0x104, count: 8, stride: 0x10 }\n"
		"      - group: queue\n"
		"        offset: 0x200\n"
		"        count: 4\n"
		"        stride: 0x40\n"
		"        registers:\n"
		"          - { name: base, offset: 0, width: 64 }\n"
		"          - { name: len, offset: 8 }\n"
		"          - group: irq\n"
		"            offset: 0x10\n"
		"            registers:\n"
		"              - { name: mask, offset: 0 }\n";
	struct run r;
	run_texts(&r, "nic.regs.yaml", text, NULL);
	assert_clean(&r);
	const struct ir_block *b = r.ir->devices.items[0]->blocks.items[0];
	const struct ir_register *mac = reg(b, "mac");
	assert_int_equal(mac->count, 3);
	assert_int_equal(mac->stride, 2); /* defaults to the element size */
	const struct ir_register *len = reg(b, "queue_len");
	assert_string_equal(len->group->name, "queue");
	assert_int_equal(len->group->count, 4);
	assert_int_equal(len->group->stride, 0x40);
	assert_int_equal(len->group->span, 0x14);
	assert_string_equal(reg(b, "queue_irq_mask")->c_name, "nic_queue_irq_mask");
	assert_ptr_equal(reg(b, "queue_irq_mask")->group->parent, len->group);
	run_free(&r);

	/* The same layout, but tail lands on head's bytes. */
	run_texts(&r, "nic.regs.yaml",
		  "device: nic\nblocks:\n  - name: regs\n    size: 0x1000\n    registers:\n"
		  "      - { name: head, offset: 0x100, count: 8, stride: 0x10 }\n"
		  "      - { name: tail, offset: 0x130, count: 8, stride: 0x10 }\n",
		  NULL);
	assert_only_diag(&r, "E0203");
	run_free(&r);

	/* Short arrays are swept element by element, long ones whole: a mix
	 * interleaves cleanly, and an overlap is still reported once. */
	run_texts(&r, "nic.regs.yaml",
		  "device: nic\nblocks:\n  - name: regs\n    size: 0x1000\n    registers:\n"
		  "      - { name: head, offset: 0x100, count: 100, stride: 0x10 }\n"
		  "      - { name: tail, offset: 0x104, count: 8, stride: 0x10 }\n"
		  "      - { name: more, offset: 0x108, count: 100, stride: 0x10 }\n",
		  NULL);
	assert_clean(&r);
	run_free(&r);
	run_texts(&r, "nic.regs.yaml",
		  "device: nic\nblocks:\n  - name: regs\n    size: 0x1000\n    registers:\n"
		  "      - { name: head, offset: 0x100, count: 100, stride: 0x10 }\n"
		  "      - { name: tail, offset: 0x200, count: 8, stride: 0x10 }\n",
		  NULL);
	assert_only_diag(&r, "E0203");
	assert_diag_at(&r, "E0203", 7, 9);
	run_free(&r);
}

static void block_joins_the_name_only_when_shared(void **state)
{
	(void)state;
	static const char text[] =
		"device: dual\nblocks:\n"
		"  - name: rx\n    size: 0x10\n    registers:\n"
		"      - { name: status, offset: 0 }\n      - { name: level, offset: 4 }\n"
		"  - name: tx\n    size: 0x10\n    registers:\n"
		"      - { name: status, offset: 0 }\n      - { name: space, offset: 4 }\n";
	struct run r;
	run_texts(&r, "dual.regs.yaml", text, NULL);
	assert_clean(&r);
	const struct ir_device *d = r.ir->devices.items[0];
	assert_string_equal(reg(d->blocks.items[0], "status")->c_name, "dual_rx_status");
	assert_string_equal(reg(d->blocks.items[1], "status")->c_name, "dual_tx_status");
	assert_string_equal(reg(d->blocks.items[0], "level")->c_name, "dual_level");
	run_free(&r);

	/* rx.status becomes dual_rx_status; so would a register rx_status. */
	run_texts(&r, "dual.regs.yaml",
		  "device: dual\nblocks:\n"
		  "  - name: rx\n    size: 0x10\n    registers:\n      - { name: status, offset: 0 }\n"
		  "  - name: tx\n    size: 0x10\n    registers:\n      - { name: status, offset: 0 }\n"
		  "      - { name: rx_status, offset: 4 }\n",
		  NULL);
	assert_only_diag(&r, "E0216");
	run_free(&r);
}

static void resets_compose_from_fields(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "r.regs.yaml",
		  "device: r\nblocks:\n  - name: b\n    size: 4\n    registers:\n"
		  "      - name: ctrl\n        offset: 0\n        fields:\n"
		  "          - { name: en, bits: 0, reset: 1 }\n"
		  "          - { name: div, bits: \"15:8\", reset: 0x1b }\n",
		  NULL);
	assert_clean(&r);
	const struct ir_register *ctrl = r.ir->devices.items[0]->blocks.items[0]->regs.items[0];
	assert_true(ctrl->has_reset && ctrl->reset == 0x1b01);
	run_free(&r);

	run_texts(&r, "r.regs.yaml",
		  "device: r\nblocks:\n  - name: b\n    size: 4\n    registers:\n"
		  "      - name: ctrl\n        offset: 0\n        reset: 0x3\n        fields:\n"
		  "          - { name: en, bits: 0, reset: 0 }\n",
		  NULL);
	assert_only_diag(&r, "E0206");
	run_free(&r);
}

static void register_arrays_past_the_block(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "a.regs.yaml",
		  "device: a\nblocks:\n  - name: b\n    size: 0x20\n    registers:\n"
		  "      - { name: slot, offset: 0x10, count: 5 }\n",
		  NULL);
	assert_only_diag(&r, "E0207");
	run_free(&r);
}

static void alignment_inside_groups_and_port_width(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "g.regs.yaml",
		  "device: g\nblocks:\n  - name: b\n    size: 0x100\n    registers:\n"
		  "      - group: odd\n        offset: 0x2\n        registers:\n"
		  "          - { name: a, offset: 0 }\n"
		  "      - group: q\n        offset: 0x10\n        count: 2\n        stride: 6\n"
		  "        registers:\n          - { name: a, offset: 0 }\n"
		  "  - name: p\n    space: io\n    size: 16\n    registers:\n"
		  "      - { name: wide, offset: 0, width: 64 }\n",
		  NULL);
	assert_diag_at(&r, "E0208", 7, 17);
	assert_diag_at(&r, "E0208", 13, 17);
	assert_diag_at(&r, "E0210", 20, 41);
	assert_int_equal(drvgen_diagnostic_count(r.g), 3);
	run_free(&r);
}

static void duplicates_are_reported_once(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "d.regs.yaml",
		  "device: d\nblocks:\n  - name: b\n    size: 0x10\n    registers:\n"
		  "      - { name: x, offset: 0 }\n      - { name: x, offset: 4 }\n"
		  "      - name: y\n        offset: 8\n        fields:\n"
		  "          - { name: f, bits: 0 }\n          - { name: f, bits: 1 }\n",
		  NULL);
	assert_diag_at(&r, "E0202", 7, 17);
	assert_diag_at(&r, "E0202", 12, 21);
	assert_int_equal(drvgen_diagnostic_count(r.g), 2);
	run_free(&r);
}

static void layout_cycles_name_the_chain(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "l.regs.yaml",
		  "device: l\nblocks:\n  - name: b\n    size: 0x10\n    registers:\n"
		  "      - { name: x, offset: 0, layout: y }\n"
		  "      - { name: y, offset: 4, layout: z }\n"
		  "      - { name: z, offset: 8, layout: x }\n",
		  NULL);
	assert_only_diag(&r, "E0212");
	assert_non_null(strstr(drvgen_diagnostic(r.g, 0)->message, "x -> y -> z -> x"));
	run_free(&r);
}

static void partial_reset_is_not_zeros(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "p.regs.yaml",
		  "device: p\nblocks:\n  - name: b\n    size: 4\n    registers:\n"
		  "      - name: c\n        offset: 0\n        fields:\n"
		  "          - { name: en, bits: 0, reset: 1 }\n          - { name: div, bits: \"15:8\" }\n",
		  NULL);
	assert_clean(&r);
	const struct ir_register *c = r.ir->devices.items[0]->blocks.items[0]->regs.items[0];
	assert_true(c->reset == 1 && c->reset_mask == 1);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edu_register_map),
		cmocka_unit_test(uart_banks_and_shared_offsets),
		cmocka_unit_test(arrays_groups_and_interleaving),
		cmocka_unit_test(block_joins_the_name_only_when_shared),
		cmocka_unit_test(resets_compose_from_fields),
		cmocka_unit_test(register_arrays_past_the_block),
		cmocka_unit_test(alignment_inside_groups_and_port_width),
		cmocka_unit_test(duplicates_are_reported_once),
		cmocka_unit_test(layout_cycles_name_the_chain),
		cmocka_unit_test(partial_reset_is_not_zeros),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
