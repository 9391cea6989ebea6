// SPDX-License-Identifier: MIT
/* test_manifest.c - manifests resolved against protocols and register maps. */
#include "harness.h"

static void edu_driver(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, "specs/edu", NULL);
	assert_clean(&r);
	assert_int_equal(r.ir->drivers.len, 1);
	const struct ir_driver *d = r.ir->drivers.items[0];
	assert_string_equal(d->name, "edu");
	assert_int_equal(d->devices.len, 1);
	assert_string_equal(d->devices.items[0]->name, "edu");
	assert_int_equal(d->matches.items[0].kind, MATCH_PCI);
	assert_int_equal(d->matches.items[0].vendor, 0x1234);
	assert_int_equal(d->matches.items[0].device, 0x11e8);
	assert_string_equal(d->provides.items[0]->name, "edu::device");
	assert_int_equal(d->caps.len, 6);
	const struct ir_capability *c = d->caps.items;
	assert_int_equal(c[0].kind, CAPABILITY_MMIO);
	assert_string_equal(c[0].block->name, "bar0");
	assert_int_equal(c[0].size, 0x100000); /* from the block */
	/* configuration space: the header at 0, the MSI capability where the
	 * list says */
	assert_int_equal(c[1].kind, CAPABILITY_CONFIG);
	assert_int_equal(c[1].offset, 0);
	assert_int_equal(c[1].capability, 0);
	assert_int_equal(c[1].size, 0x40);
	assert_int_equal(c[2].kind, CAPABILITY_CONFIG);
	assert_int_equal(c[2].capability, 0x05);
	assert_string_equal(c[2].block->name, "msi");
	assert_int_equal(c[3].kind, CAPABILITY_IRQ);
	assert_int_equal(c[3].irq_kind, IRQ_MSI);
	assert_true(c[3].intx_fallback);
	assert_int_equal(c[4].kind, CAPABILITY_DMA);
	assert_int_equal(c[4].size, 4096);
	assert_false(c[4].streaming);
	assert_int_equal(c[5].kind, CAPABILITY_TIMER);
	assert_int_equal(c[5].interval_ns, 500000000);
	run_free(&r);
}

static void uart_driver_loads_its_protocol(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, "specs/pcserial", NULL);
	assert_clean(&r);
	const struct ir_driver *d = r.ir->drivers.items[0];
	assert_string_equal(d->name, "pcserial");
	/* dev::serial came from the standard library, and io::file with it. */
	assert_string_equal(d->provides.items[0]->name, "dev::serial");
	assert_non_null(ir_find_interface(r.ir, "io::file"));
	assert_int_equal(d->caps.items[0].base, 0x2f8);
	assert_int_equal(d->caps.items[1].irq_kind, IRQ_LINE);
	assert_int_equal(d->caps.items[1].line, 3);
	/* its register map came from the library it lists */
	assert_int_equal(d->libraries.len, 1);
	assert_string_equal(d->libraries.items[0], "../uart16550");
	assert_string_equal(d->devices.items[0]->name, "uart16550");
	run_free(&r);
}

/* A library named as a spec too, or by two drivers, is loaded once: no
 * device is declared twice. */
static void a_library_loads_once(void **state)
{
	(void)state;
	struct run r;
	run_paths(&r, "specs/uart16550", "specs/pcserial", "specs/pciserial", NULL);
	assert_clean(&r);
	assert_int_equal(r.ir->devices.len, 1);
	assert_int_equal(r.ir->drivers.len, 2);
	run_free(&r);
}

/* A library folder that is not there is an I/O error at the manifest's
 * line. */
static void a_missing_library(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "x.manifest.yaml", "driver: x\nlibraries: [ no/such/folder ]\n", NULL);
	assert_only_diag(&r, "E0001");
	assert_int_equal(r.status, 2);
	run_free(&r);
}

static const char two_devices[] =
	"device: %s\nblocks:\n  - name: regs\n    size: 0x100\n    registers:\n"
	"      - { name: ctrl, offset: 0 }\n";

static void qualified_block_names(void **state)
{
	(void)state;
	char a[256], b[256];
	snprintf(a, sizeof a, two_devices, "alpha");
	snprintf(b, sizeof b, two_devices, "beta");
	struct run r;
	run_texts(&r, "alpha.regs.yaml", a, "beta.regs.yaml", b, "x.manifest.yaml",
		  "driver: x\ncapabilities:\n  mmio: [ { name: m, bar: 0, block: regs } ]\n", NULL);
	assert_only_diag(&r, "E0308");
	run_free(&r);
	run_texts(&r, "alpha.regs.yaml", a, "beta.regs.yaml", b, "x.manifest.yaml",
		  "driver: x\ncapabilities:\n  mmio: [ { name: m, bar: 0, block: beta.regs } ]\n",
		  NULL);
	assert_clean(&r);
	assert_string_equal(r.ir->drivers.items[0]->devices.items[0]->name, "beta");
	run_free(&r);
}

static void overlapping_ranges(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "x.manifest.yaml",
		  "driver: x\ncapabilities:\n"
		  "  ioport: [ { name: a, base: 0x3f8, size: 8 }, { name: b, base: 0x3fc, size: 4 } ]\n"
		  "  mmio: [ { name: m, bar: 1, size: 0x100 }, { name: n, bar: 1, offset: 0x80, "
		  "size: 0x10 }, { name: o, bar: 2, size: 0x100 } ]\n",
		  NULL);
	assert_diag_at(&r, "E0304", 3, 48);
	assert_diag_at(&r, "E0304", 4, 45);
	assert_int_equal(drvgen_diagnostic_count(r.g), 2);
	run_free(&r);
}

static void ranges_that_would_wrap(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "w.manifest.yaml",
		  "driver: w\ncapabilities:\n"
		  "  ioport: [ { name: a, base: 0xfffffffffffffff8, size: 8 }, "
		  "{ name: b, base: 0x2f8, size: 0xfffffffffffffd08 } ]\n"
		  "  mmio: [ { name: m, bar: 0, offset: 0xfffffffffff00000, size: 0x100000 } ]\n",
		  NULL);
	assert_diag_at(&r, "E0313", 3, 30);
	assert_diag_at(&r, "E0313", 3, 78);
	assert_diag_at(&r, "E0305", 4, 38);
	assert_int_equal(drvgen_diagnostic_count(r.g), 3);
	run_free(&r);
}

static void matches_agree_with_capabilities(void **state)
{
	(void)state;
	struct run r;
	run_texts(&r, "i.manifest.yaml",
		  "driver: i\nmatch:\n  - isa: { ioport: 0x3f8 }\ncapabilities:\n"
		  "  ioport: [ { name: p, base: 0x2f8, size: 8 } ]\n"
		  "  mmio: [ { name: m, bar: 0, size: 0x100 } ]\n",
		  NULL);
	assert_diag_at(&r, "E0306", 3, 5);
	assert_diag_at(&r, "E0306", 6, 11);
	assert_int_equal(drvgen_diagnostic_count(r.g), 2);
	run_free(&r);
	run_texts(&r, "x.manifest.yaml",
		  "driver: x\nmatch:\n  - pci: { vendor: 1, device: 2 }\ncapabilities:\n"
		  "  irq: [ { name: a }, { name: b, kind: intx } ]\n",
		  NULL);
	assert_only_diag(&r, "E0309");
	run_free(&r);
}

static void mmio_offset_and_size(void **state)
{
	(void)state;
	/* A 0x1100-byte block at 0x2000 of BAR 0: the capability is
	 * [0x2000, 0x3100), which does not reach one at 0x4000. */
	struct run r;
	run_texts(&r, "m.regs.yaml",
		  "device: m\nblocks:\n  - name: msix\n    size: 0x1100\n    registers:\n"
		  "      - { name: ctl, offset: 0 }\n",
		  "m.manifest.yaml",
		  "driver: m\ncapabilities:\n  mmio: [ { name: t, bar: 0, offset: 0x2000, block: msix }, "
		  "{ name: u, bar: 0, offset: 0x4000, size: 0x100 }, "
		  "{ name: v, bar: 1, offset: 0x2000, size: 0x1100, block: msix } ]\n",
		  NULL);
	assert_clean(&r);
	assert_int_equal(r.ir->drivers.items[0]->caps.items[0].size, 0x1100);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edu_driver),
		cmocka_unit_test(uart_driver_loads_its_protocol),
		cmocka_unit_test(a_library_loads_once),
		cmocka_unit_test(a_missing_library),
		cmocka_unit_test(qualified_block_names),
		cmocka_unit_test(overlapping_ranges),
		cmocka_unit_test(ranges_that_would_wrap),
		cmocka_unit_test(matches_agree_with_capabilities),
		cmocka_unit_test(mmio_offset_and_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
