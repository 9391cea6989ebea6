// SPDX-License-Identifier: MIT
/* test_edu_sim.c - the generated edu accessors driving the edu model on the
 * simulated bus: values, the exact access sequences, interrupts and DMA. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "drv_sim.h"
#include "edu_model.h"
#include "edu_regs.h"

struct fixture {
	struct drv_sim *sim;
	struct edu_model model;
	struct edu_bar0 h;
	int irq_edges;
};

/* A poll the model answers within its latency (3 accesses); one that has
 * not ended after this many is a failure, not a hang. */
enum { MAX_POLLS = 1000 };

static void on_irq(void *ctx, bool level)
{
	struct fixture *f = ctx;
	if (level)
		f->irq_edges++;
}

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	edu_model_init(&f.model, 3);
	f.model.irq = on_irq;
	f.model.irq_ctx = &f;
	f.sim = drv_sim_new();
	f.h = edu_bar0_at(drv_sim_map(f.sim, &edu_bar0_desc, edu_model_ops(&f.model)));
	drv_sim_record(f.sim, true);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	drv_sim_free(f->sim);
	return 0;
}

/* Asserts the trace is exactly these lines, then clears it. */
static void assert_trace(struct fixture *f, const char *const *lines, size_t n)
{
	char buf[512];
	size_t len = drv_sim_trace_len(f->sim);
	for (size_t i = 0; i < len || i < n; i++) {
		if (i < len)
			drv_sim_format_text(drv_sim_trace_at(f->sim, i), buf, sizeof buf);
		const char *want = i < n ? lines[i] : "(nothing)";
		const char *got = i < len ? buf : "(nothing)";
		if (strcmp(want, got) != 0)
			fail_msg("access %zu:\n  expected %s\n  got      %s", i, want, got);
	}
	drv_sim_trace_clear(f->sim);
}

static void ident(void **state)
{
	struct fixture *f = *state;
	edu_id_t id = edu_id_read(f->h);
	assert_int_equal(edu_id_raw(id), 0x010000ed);
	assert_int_equal(edu_id_magic_get(id), 0xed);
	assert_int_equal(edu_id_major_get(id), 1);
	assert_int_equal(edu_id_minor_get(id), 0);
	assert_int_equal(EDU_ID_RESET, edu_id_raw(id));
	static const char *const trace[] = {
		"R edu.bar0 id -> 0x010000ed {magic=0xed minor=0x0 major=0x1}",
	};
	assert_trace(f, trace, 1);
}

static void liveness_inverts(void **state)
{
	struct fixture *f = *state;
	edu_liveness_write(f->h, 0x12345678);
	assert_int_equal(edu_liveness_read(f->h), ~0x12345678u);
	static const char *const trace[] = {
		"W edu.bar0 liveness <- 0x12345678",
		"R edu.bar0 liveness -> 0xedcba987",
	};
	assert_trace(f, trace, 2);
}

/* The polling driver: start, wait for computing to clear, read. */
static void factorial_by_polling(void **state)
{
	struct fixture *f = *state;
	edu_factorial_write(f->h, 5);
	unsigned polls = 0;
	while (edu_status_computing_get(edu_status_read(f->h)))
		if (++polls == MAX_POLLS)
			fail_msg("factorial still computing after %u polls", polls);
	assert_int_equal(edu_factorial_read(f->h), 120);
	assert_int_equal(polls, 2); /* latency 3: done on the third access after the write */
	static const char *const trace[] = {
		"W edu.bar0 factorial <- 0x00000005",
		"R edu.bar0 status -> 0x00000001 {computing=0x1 irq_enable=0x0}",
		"R edu.bar0 status -> 0x00000001 {computing=0x1 irq_enable=0x0}",
		"R edu.bar0 status -> 0x00000000 {computing=0x0 irq_enable=0x0}",
		"R edu.bar0 factorial -> 0x00000078",
	};
	assert_trace(f, trace, 5);
	assert_int_equal(f->model.guest_errors, 0);
}

/* The interrupt-driven driver: enable, start, (interrupt), acknowledge. */
static void factorial_by_interrupt(void **state)
{
	struct fixture *f = *state;
	edu_status_irq_enable_update(f->h, 1);
	edu_factorial_write(f->h, 12);
	edu_model_run(&f->model);
	assert_int_equal(f->irq_edges, 1);
	edu_irq_status_t why = edu_irq_status_read(f->h);
	assert_int_equal(edu_irq_status_fact_get(why), 1);
	edu_irq_ack_write(f->h, why);
	assert_false(f->model.irq_level);
	assert_int_equal(edu_factorial_read(f->h), 479001600);
	static const char *const trace[] = {
		"R edu.bar0 status -> 0x00000000 {computing=0x0 irq_enable=0x0}",
		"W edu.bar0 status <- 0x00000080 {computing=0x0 irq_enable=0x1}",
		"W edu.bar0 factorial <- 0x0000000c",
		"R edu.bar0 irq_status -> 0x00000001 {fact=0x1 dma=0x0}",
		"W edu.bar0 irq_ack <- 0x00000001 {fact=0x1 dma=0x0}",
		"R edu.bar0 factorial -> 0x1c8cfc00",
	};
	assert_trace(f, trace, 6);
}

static void raise_and_ack(void **state)
{
	struct fixture *f = *state;
	edu_irq_raise_write(f->h, edu_irq_raise_dma_set(edu_irq_raise_value(0), 1));
	assert_true(f->model.irq_level);
	assert_int_equal(edu_irq_status_dma_get(edu_irq_status_read(f->h)), 1);
	edu_irq_ack_write(f->h, edu_irq_status_read(f->h));
	assert_false(f->model.irq_level);
	assert_int_equal(edu_irq_status_raw(edu_irq_status_read(f->h)), 0);
}

/* DMA of 100 bytes to the device buffer and back, 64-bit registers each
 * written by one 64-bit access. */
static void dma_round_trip(void **state)
{
	struct fixture *f = *state;
	static uint8_t ram[8192];
	for (size_t i = 0; i < 100; i++)
		ram[i] = (uint8_t)(i * 7 + 1);
	f->model.ram = ram;
	f->model.ram_base = 0x100000;
	f->model.ram_size = sizeof ram;

	edu_dma_src_write(f->h, 0x100000);
	edu_dma_dst_write(f->h, EDU_MODEL_DMA_BASE);
	edu_dma_count_write(f->h, 100);
	edu_dma_cmd_t go = edu_dma_cmd_start_set(edu_dma_cmd_value(0), 1);
	edu_dma_cmd_write(f->h, edu_dma_cmd_direction_set(go, EDU_DMA_CMD_DIRECTION_TO_DEVICE));
	unsigned polls = 0;
	while (edu_dma_cmd_start_get(edu_dma_cmd_read(f->h)))
		if (++polls == MAX_POLLS)
			fail_msg("DMA still running after %u polls", polls);
	assert_memory_equal(f->model.buf, ram, 100);

	edu_dma_src_write(f->h, EDU_MODEL_DMA_BASE);
	edu_dma_dst_write(f->h, 0x100000 + 4096);
	edu_dma_cmd_write(f->h, edu_dma_cmd_direction_set(go, EDU_DMA_CMD_DIRECTION_FROM_DEVICE));
	edu_model_run(&f->model);
	assert_int_equal(edu_dma_cmd_direction_get(edu_dma_cmd_read(f->h)),
			 EDU_DMA_CMD_DIRECTION_FROM_DEVICE);
	assert_memory_equal(ram + 4096, ram, 100);
	assert_int_equal(f->model.guest_errors, 0);

	char line[512];
	const struct drv_sim_access *a = drv_sim_trace_at(f->sim, 0);
	drv_sim_format_text(a, line, sizeof line);
	assert_string_equal(line, "W edu.bar0 dma_src <- 0x0000000000100000");
	assert_int_equal(a->bytes, 8);
	a = drv_sim_trace_at(f->sim, 3);
	drv_sim_format_text(a, line, sizeof line);
	assert_string_equal(line,
			    "W edu.bar0 dma_cmd <- 0x00000001 {start=0x1 direction=to_device irq_enable=0x0}");
	drv_sim_format_json(a, line, sizeof line);
	assert_string_equal(line, "{\"op\":\"write\",\"block\":\"edu.bar0\",\"offset\":152,\"bytes\":4,"
				  "\"value\":1,\"register\":\"dma_cmd\",\"fields\":{\"start\":1,"
				  "\"direction\":\"to_device\",\"irq_enable\":0}}");
	drv_sim_trace_clear(f->sim);
}

/* An update must not restart a DMA by writing back the start bit it read,
 * which is volatile: a trigger. */
static void update_does_not_retrigger(void **state)
{
	struct fixture *f = *state;
	f->model.dma_cmd = 0x1; /* a transfer in flight */
	f->model.dma_countdown = 100;
	edu_dma_cmd_irq_enable_update(f->h, 1);
	static const char *const trace[] = {
		"R edu.bar0 dma_cmd -> 0x00000001 {start=0x1 direction=to_device irq_enable=0x0}",
		"W edu.bar0 dma_cmd <- 0x00000004 {start=0x0 direction=to_device irq_enable=0x1}",
	};
	assert_trace(f, trace, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ident, setup, teardown),
		cmocka_unit_test_setup_teardown(liveness_inverts, setup, teardown),
		cmocka_unit_test_setup_teardown(factorial_by_polling, setup, teardown),
		cmocka_unit_test_setup_teardown(factorial_by_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(raise_and_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(update_does_not_retrigger, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
