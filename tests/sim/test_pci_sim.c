// SPDX-License-Identifier: MIT
/* test_pci_sim.c - the PCI capability walk of runtime/common/drv_pci.h, over
 * a configuration space on the simulated bus: the chain as a device lays
 * it out, and the malformed ones a hostile or broken device could present
 * (a loop, a pointer into the header) end the walk instead of hanging it.
 */
#include "drv_pci.h"
#include "drv_sim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

struct config_model {
	uint8_t mem[256];
};

static uint64_t config_read(void *ctx, uint64_t off, unsigned bytes)
{
	struct config_model *m = ctx;
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && off + i < sizeof m->mem; i++)
		v |= (uint64_t)m->mem[off + i] << (8 * i);
	return v;
}

static void config_write(void *ctx, uint64_t off, unsigned bytes, uint64_t v)
{
	struct config_model *m = ctx;
	for (unsigned i = 0; i < bytes && off + i < sizeof m->mem; i++)
		m->mem[off + i] = (uint8_t)(v >> (8 * i));
}

struct fixture {
	struct drv_sim *sim;
	struct config_model model;
	struct drv_io cfg;
};

static struct fixture *fixture_new(void)
{
	static struct fixture f;
	memset(&f.model, 0, sizeof f.model);
	f.sim = drv_sim_new();
	f.cfg = drv_sim_map(f.sim, NULL, (struct drv_sim_model){config_read, config_write, &f.model});
	return &f;
}

/* A capability at `at`: its id and the next pointer. */
static void cap(struct fixture *f, uint8_t at, uint8_t id, uint8_t next)
{
	f->model.mem[at] = id;
	f->model.mem[at + 1] = next;
}

static void list_starts_at(struct fixture *f, uint8_t first)
{
	f->model.mem[DRV_PCI_STATUS] = DRV_PCI_STATUS_CAP_LIST;
	f->model.mem[DRV_PCI_CAP_POINTER] = first;
}

static void walks_the_chain_in_order(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	list_starts_at(f, 0x40);
	cap(f, 0x40, DRV_PCI_CAP_MSIX, 0x50);
	cap(f, 0x50, DRV_PCI_CAP_VENDOR, 0x64);
	cap(f, 0x64, DRV_PCI_CAP_VENDOR, 0x00);
	struct drv_pci_cap c = {0};
	const uint8_t want_at[] = {0x40, 0x50, 0x64}, want_id[] = {0x11, 0x09, 0x09};
	for (unsigned i = 0; i < 3; i++) {
		assert_true(drv_pci_next_cap(f->cfg, &c));
		assert_int_equal(c.offset, want_at[i]);
		assert_int_equal(c.id, want_id[i]);
	}
	assert_false(drv_pci_next_cap(f->cfg, &c));
	drv_sim_free(f->sim);
}

static void finds_each_vendor_capability(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	list_starts_at(f, 0x98);
	cap(f, 0x98, DRV_PCI_CAP_VENDOR, 0x84);
	cap(f, 0x84, DRV_PCI_CAP_MSIX, 0x70);
	cap(f, 0x70, DRV_PCI_CAP_VENDOR, 0x00);
	struct drv_pci_cap c = {0};
	assert_true(drv_pci_find_cap(f->cfg, DRV_PCI_CAP_VENDOR, &c));
	assert_int_equal(c.offset, 0x98);
	assert_true(drv_pci_find_cap(f->cfg, DRV_PCI_CAP_VENDOR, &c));
	assert_int_equal(c.offset, 0x70);
	assert_false(drv_pci_find_cap(f->cfg, DRV_PCI_CAP_VENDOR, &c));
	struct drv_pci_cap pm = {0};
	assert_false(drv_pci_find_cap(f->cfg, DRV_PCI_CAP_PM, &pm));
	drv_sim_free(f->sim);
}

static void no_list_without_the_status_bit(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	f->model.mem[DRV_PCI_CAP_POINTER] = 0x40;
	cap(f, 0x40, DRV_PCI_CAP_MSI, 0);
	struct drv_pci_cap c = {0};
	assert_false(drv_pci_next_cap(f->cfg, &c));
	drv_sim_free(f->sim);
}

/* A device whose list points back at itself: the walk stops after at most
 * DRV_PCI_MAX_CAPS capabilities, which is more than 256 bytes can hold. */
static void a_loop_ends(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	list_starts_at(f, 0x40);
	cap(f, 0x40, DRV_PCI_CAP_VENDOR, 0x48);
	cap(f, 0x48, DRV_PCI_CAP_VENDOR, 0x40);
	struct drv_pci_cap c = {0};
	unsigned n = 0;
	while (drv_pci_find_cap(f->cfg, DRV_PCI_CAP_VENDOR, &c))
		n++;
	assert_int_equal(n, DRV_PCI_MAX_CAPS);
	drv_sim_free(f->sim);
}

/* Pointers into the standard header, and the low two bits, which are
 * reserved and ignored. */
static void pointers_into_the_header_end_it(void **state)
{
	(void)state;
	struct fixture *f = fixture_new();
	list_starts_at(f, 0x43); /* low bits ignored: 0x40 */
	cap(f, 0x40, DRV_PCI_CAP_PM, 0x10);
	struct drv_pci_cap c = {0};
	assert_true(drv_pci_next_cap(f->cfg, &c));
	assert_int_equal(c.offset, 0x40);
	assert_false(drv_pci_next_cap(f->cfg, &c));
	drv_sim_free(f->sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_the_chain_in_order),
		cmocka_unit_test(finds_each_vendor_capability),
		cmocka_unit_test(no_list_without_the_status_bit),
		cmocka_unit_test(a_loop_ends),
		cmocka_unit_test(pointers_into_the_header_end_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
