// SPDX-License-Identifier: MIT
/* test_host_config.c - the userspace server's configuration space
 * (runtime/user/host/config.c) on a file standing in for the device's
 * config file: the manifest's blocks found at their offset or capability,
 * and, once sealed, only the registers they name as writable written,
 * byte for byte; everything else refused with the file left as it was;
 * PMCSR for a driver with power hooks (runtime/user/host/power.c).
 */
#define _GNU_SOURCE
#include "host.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CAP_PM = 0x01, CAP_MSI = 0x05, CAP_AT = 0x40, PM_AT = 0x50, PMCSR = PM_AT + 4 };

/* A config space: a header whose capability list holds MSI at 0x40, and
 * the PM capability at 0x50 after it when pmcsr is not 0 (its PMCSR). */
static int config_file_pm(uint16_t pmcsr)
{
	uint8_t c[HOST_CONFIG_SIZE] = {0};
	char path[] = "/tmp/drvgen-config-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	c[0x06] = 0x10;          /* status: a capability list */
	c[0x34] = CAP_AT;        /* its first entry */
	c[CAP_AT] = CAP_MSI;     /* MSI, the last unless PM follows */
	for (unsigned i = 0x10; i < 0x28; i++)
		c[i] = 0xa5;     /* the BARs: never to be written */
	if (pmcsr) {
		c[CAP_AT + 1] = PM_AT;
		c[PM_AT] = CAP_PM;
		c[PM_AT + 2] = 0x03; /* PMC: version 3 */
		c[PMCSR] = (uint8_t)pmcsr;
		c[PMCSR + 1] = (uint8_t)(pmcsr >> 8);
	}
	assert_int_equal(write(fd, c, sizeof c), sizeof c);
	return fd;
}

static int config_file(void)
{
	return config_file_pm(0);
}

static void byte_at(int fd, unsigned off, uint8_t want)
{
	uint8_t b = 0;
	assert_int_equal(pread(fd, &b, 1, off), 1);
	assert_int_equal(b, want);
}

static const struct drv_config_write header_writes[] = {{0x3c, 1}};
static const struct drv_config_write msi_writes[] = {{0x02, 2}};

static void setup(struct host *h, struct drv_driver_desc *d, struct drv_config_desc *blocks,
		  unsigned n)
{
	memset(h, 0, sizeof *h);
	memset(d, 0, sizeof *d);
	d->config = blocks;
	d->nconfig = n;
	h->desc = d;
	h->name = "test";
	h->config.host = h;
	h->config.fd = config_file();
}

static void only_granted_registers_are_written(void **state)
{
	struct drv_config_desc blocks[] = {
		{.name = "header", .offset = 0, .size = 64, .writes = header_writes, .nwrites = 1},
		{.name = "msi", .capability = CAP_MSI, .size = 16, .writes = msi_writes, .nwrites = 1},
	};
	struct drv_driver_desc d;
	struct host h;

	(void)state;
	setup(&h, &d, blocks, 2);
	assert_int_equal(host_setup_config(&h), 0);
	assert_int_equal(h.config.nwrites, 2);

	/* before the seal the runtime writes where it must */
	drv_config_write(&h.config, 0x04, 2, 0x0406);
	byte_at(h.config.fd, 0x04, 0x06);
	host_seal_config(&h);

	drv_config_write(&h.config, 0x3c, 1, 0x0b); /* granted: interrupt line */
	byte_at(h.config.fd, 0x3c, 0x0b);
	drv_config_write(&h.config, CAP_AT + 2, 2, 0x0081); /* granted, at the capability */
	byte_at(h.config.fd, CAP_AT + 2, 0x81);

	drv_config_write(&h.config, 0x10, 4, 0); /* a BAR */
	byte_at(h.config.fd, 0x10, 0xa5);
	drv_config_write(&h.config, 0x04, 2, 0); /* the command register, after the seal */
	byte_at(h.config.fd, 0x04, 0x06);
	drv_config_write(&h.config, 0x3c, 2, 0xffff); /* granted offset, wider */
	byte_at(h.config.fd, 0x3c, 0x0b);
	byte_at(h.config.fd, 0x3d, 0x00);
	drv_config_write(&h.config, CAP_AT + 2, 1, 0xff); /* granted offset, narrower */
	byte_at(h.config.fd, CAP_AT + 2, 0x81);
	drv_config_write(&h.config, CAP_AT + 4, 4, 0xffffffff); /* the MSI address */
	byte_at(h.config.fd, CAP_AT + 4, 0x00);
	close(h.config.fd);
}

static void a_missing_capability_is_refused(void **state)
{
	struct drv_config_desc blocks[] = {{.name = "pm", .capability = CAP_PM, .size = 8}};
	struct drv_driver_desc d;
	struct host h;

	(void)state;
	setup(&h, &d, blocks, 1);
	assert_int_equal(host_setup_config(&h), -ENODEV);
	close(h.config.fd);
}

/* A read narrower than 4 bytes is those bytes, zero-extended (it gave
 * 0xffff in the upper half of a 16-bit read: PMCSR 0xffff0003). */
static void narrow_reads_are_zero_extended(void **state)
{
	struct drv_driver_desc d;
	struct host h;

	(void)state;
	setup(&h, &d, NULL, 0);
	assert_int_equal(drv_config_read(&h.config, 0x06, 2), 0x0010);
	assert_int_equal(drv_config_read(&h.config, 0x34, 1), CAP_AT);
	assert_int_equal(drv_config_read(&h.config, 0x10, 4), 0xa5a5a5a5);
	/* past the end, as a missing device reads */
	assert_int_equal(drv_config_read(&h.config, HOST_CONFIG_SIZE - 1, 2), 0xffff);
	close(h.config.fd);
}

static void a_block_past_config_space_is_refused(void **state)
{
	struct drv_config_desc blocks[] = {{.name = "tail", .offset = 0xff0, .size = 0x20}};
	struct drv_driver_desc d;
	struct host h;

	(void)state;
	setup(&h, &d, blocks, 1);
	assert_int_equal(host_setup_config(&h), -ERANGE);
	close(h.config.fd);
}

static int suspend_hook(void *drv)
{
	(void)drv;
	return 0;
}

/* A driver with a power section gets PMCSR, two bytes, and nothing else of
 * the PM capability, where D3hot keeps the configuration (No_Soft_Reset:
 * no VFIO here to restore it). */
static void power_grants_pmcsr_alone(void **state)
{
	struct drv_driver_desc d;
	struct host h;

	(void)state;
	setup(&h, &d, NULL, 0);
	close(h.config.fd);
	h.config.fd = config_file_pm(0x0008); /* D0, No_Soft_Reset */
	d.suspend = suspend_hook;
	assert_int_equal(host_setup_config(&h), 0);
	assert_int_equal(h.pmcsr, PMCSR);
	assert_int_equal(h.config.nwrites, 1);
	host_seal_config(&h);
	drv_config_write(&h.config, PMCSR, 2, 0x0003); /* D3hot */
	byte_at(h.config.fd, PMCSR, 0x03);
	drv_config_write(&h.config, PMCSR, 1, 0x00); /* narrower */
	byte_at(h.config.fd, PMCSR, 0x03);
	drv_config_write(&h.config, PM_AT + 2, 2, 0xffff); /* PMC */
	byte_at(h.config.fd, PM_AT + 2, 0x03);
	close(h.config.fd);

	/* without No_Soft_Reset, or without the hooks: nothing */
	setup(&h, &d, NULL, 0);
	close(h.config.fd);
	h.config.fd = config_file_pm(0x0000);
	d.suspend = suspend_hook;
	assert_int_equal(host_setup_config(&h), 0);
	assert_int_equal(h.pmcsr, 0);
	assert_int_equal(h.config.nwrites, 0);
	close(h.config.fd);
	setup(&h, &d, NULL, 0);
	close(h.config.fd);
	h.config.fd = config_file_pm(0x0008);
	assert_int_equal(host_setup_config(&h), 0);
	assert_int_equal(h.pmcsr, 0);
	assert_int_equal(h.config.nwrites, 0);
	close(h.config.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_granted_registers_are_written),
		cmocka_unit_test(a_missing_capability_is_refused),
		cmocka_unit_test(narrow_reads_are_zero_extended),
		cmocka_unit_test(a_block_past_config_space_is_refused),
		cmocka_unit_test(power_grants_pmcsr_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
