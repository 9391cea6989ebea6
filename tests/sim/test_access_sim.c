// SPDX-License-Identifier: MIT
/* test_access_sim.c - what each kind of accessor puts on the bus, checked
 * bit by bit against registers that behave as their access kinds say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "acc_regs.h"
#include "drv_sim.h"
#include "regfile_model.h"
#include "uart16550_regs.h"

struct fixture {
	struct drv_sim *sim;
	struct regfile_model regs, be, port, uart;
	struct drv_io regs_io, be_io, port_io, uart_io;
};

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	f.sim = drv_sim_new();
	regfile_model_init(&f.regs, &acc_regs_desc);
	regfile_model_init(&f.be, &acc_be_desc);
	regfile_model_init(&f.port, &acc_port_desc);
	regfile_model_init(&f.uart, &uart16550_uart_desc);
	f.regs_io = drv_sim_map(f.sim, &acc_regs_desc, regfile_model_ops(&f.regs));
	f.be_io = drv_sim_map(f.sim, &acc_be_desc, regfile_model_ops(&f.be));
	f.port_io = drv_sim_map(f.sim, &acc_port_desc, regfile_model_ops(&f.port));
	f.uart_io = drv_sim_map(f.sim, &uart16550_uart_desc, regfile_model_ops(&f.uart));
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

/* The heart of it: an update of one field leaves every other bit as the
 * hardware had it: reserved bits kept, a pending w1c bit not cleared, a w0c
 * bit not cleared, a trigger not fired again, a w1t bit not toggled. */
static void update_touches_only_its_field(void **state)
{
	struct fixture *f = *state;
	struct acc_regs h = acc_regs_at(f->regs_io);
	regfile_poke(&f->regs, ACC_CTRL_OFFSET, 4, 0xffffff8e); /* pending, nready, go, flip */
	acc_ctrl_enable_update(h, 1);
	static const char *const trace[] = {
		"R acc.regs ctrl -> 0xffffff8e {enable=0x0 pending=0x1 nready=0x1 go=0x1 mode=off flip=0x1}",
		"W acc.regs ctrl <- 0xffffff05 {enable=0x1 pending=0x0 nready=0x1 go=0x0 mode=off flip=0x0}",
	};
	assert_trace(f, trace, 2);
	assert_int_equal(regfile_peek(&f->regs, ACC_CTRL_OFFSET, 4), 0xffffff87);

	/* Asking for a w1c bit in the mask clears exactly it. */
	acc_ctrl_update(h, acc_ctrl_value(ACC_CTRL_PENDING_MASK), acc_ctrl_value(ACC_CTRL_PENDING_MASK));
	assert_int_equal(regfile_peek(&f->regs, ACC_CTRL_OFFSET, 4), 0xffffff85);
	drv_sim_trace_clear(f->sim);
}

static void write_one_and_zero_helpers_never_read(void **state)
{
	struct fixture *f = *state;
	struct acc_regs h = acc_regs_at(f->regs_io);
	regfile_poke(&f->regs, ACC_ISR_OFFSET, 4, 0x3);
	acc_isr_clear(h, acc_isr_rx_set(acc_isr_value(0), 1));
	regfile_poke(&f->regs, ACC_NCLR_OFFSET, 4, 0xff);
	acc_nclr_clear(h, 0x0f);
	acc_iset_set(h, 0x30);
	acc_itoggle_toggle(h, 0x5);
	acc_nset_set(h, 0x1);
	static const char *const trace[] = {
		"W acc.regs isr <- 0x00000001 {rx=0x1 tx=0x0}",
		"W acc.regs nclr <- 0xfffffff0",
		"W acc.regs iset <- 0x00000030",
		"W acc.regs itoggle <- 0x00000005",
		"W acc.regs nset <- 0xfffffffe",
	};
	assert_trace(f, trace, 5);
	assert_int_equal(regfile_peek(&f->regs, ACC_ISR_OFFSET, 4), 0x2);
	assert_int_equal(regfile_peek(&f->regs, ACC_NCLR_OFFSET, 4), 0xf0);
	assert_int_equal(regfile_peek(&f->regs, ACC_ISET_OFFSET, 4), 0x30);
	assert_int_equal(regfile_peek(&f->regs, ACC_ITOGGLE_OFFSET, 4), 0x5);
	assert_int_equal(regfile_peek(&f->regs, ACC_NSET_OFFSET, 4), 0x1);
}

static void reads_with_side_effects(void **state)
{
	struct fixture *f = *state;
	struct acc_regs h = acc_regs_at(f->regs_io);
	regfile_poke(&f->regs, ACC_COUNTER_OFFSET, 4, 42);
	assert_int_equal(acc_counter_read(h), 42);
	assert_int_equal(acc_counter_read(h), 0);
	regfile_poke(&f->regs, ACC_ERR_OFFSET, 4, 0x1ab);
	acc_err_t e = acc_err_read(h);
	assert_int_equal(acc_err_code_get(e), 0xab);
	assert_int_equal(acc_err_enable_get(e), 1);
	assert_int_equal(regfile_peek(&f->regs, ACC_ERR_OFFSET, 4), 0x100);
}

static void constants_fail_the_build_values_are_masked(void **state)
{
	struct fixture *f = *state;
	(void)f;
	volatile uint32_t nine = 9; /* not a constant: masked at run time */
	acc_ctrl_t v = acc_ctrl_mode_set(acc_ctrl_value(0), nine);
	assert_int_equal(acc_ctrl_mode_get(v), 1);
	assert_int_equal(acc_ctrl_raw(v), 0x10);
	v = acc_ctrl_mode_set(v, ACC_CTRL_MODE_FAST);
	assert_int_equal(acc_ctrl_mode_get(v), ACC_CTRL_MODE_FAST);
	acc_small_t s = acc_small_hi_set(acc_small_lo_set(acc_small_value(0), 0xa), 0x5);
	assert_int_equal(acc_small_raw(s), 0x5a);
	assert_int_equal(ACC_ID_RESET, 0xacc0001);
}

static void arrays_groups_and_widths(void **state)
{
	struct fixture *f = *state;
	struct acc_regs h = acc_regs_at(f->regs_io);
	acc_slot_write(h, 2, 0xbeef);
	assert_int_equal(acc_slot_read(h, 2), 0xbeef);
	struct acc_q q1 = acc_q_at(h, 1);
	acc_q_head_write(q1, 5);
	acc_q_bell_write(q1, 3, 1);
	acc_big_write(h, 0x0123456789abcdefull);
	static const char *const trace[] = {
		"W acc.regs slot[2] <- 0xbeef",
		"R acc.regs slot[2] -> 0xbeef",
		"W acc.regs q[1].head <- 0x00000005",
		"W acc.regs q[1].bell[3] <- 0x01",
		"W acc.regs big <- 0x0123456789abcdef",
	};
	assert_trace(f, trace, 5);
	assert_int_equal(regfile_peek(&f->regs, 0x44, 2), 0xbeef);
	assert_int_equal(regfile_peek(&f->regs, 0xa0, 4), 5);
	assert_int_equal(regfile_peek(&f->regs, 0xab, 1), 1);
	assert_int_equal(regfile_peek(&f->regs, 0xc0, 8), 0x0123456789abcdefull);
}

static void big_endian_and_port_blocks(void **state)
{
	struct fixture *f = *state;
	struct acc_be be = acc_be_at(f->be_io);
	acc_word_write(be, 0x11223344);
	acc_half_write(be, 0xaabb);
	assert_int_equal(regfile_peek(&f->be, 0, 4), 0x44332211);
	assert_int_equal(regfile_peek(&f->be, 4, 2), 0xbbaa);
	assert_int_equal(acc_word_read(be), 0x11223344);

	drv_sim_trace_clear(f->sim);
	struct acc_port p1 = acc_port_at(f->port_io, 1);
	acc_data_write(p1, 0x7f);
	assert_int_equal(regfile_peek(&f->port, 0x100, 1), 0x7f);
	static const char *const trace[] = {"W acc.port[1] data <- 0x7f"};
	assert_trace(f, trace, 1);
}

/* Offsets shared by banks decode to the register the bank selects. */
static void banks_decode(void **state)
{
	struct fixture *f = *state;
	struct uart16550_uart u = uart16550_uart_at(f->uart_io);
	uart16550_thr_write(u, 'A');
	drv_sim_set_bank(f->uart_io, "dlab");
	f->uart.bank = "dlab";
	uart16550_dll_write(u, 1);
	drv_sim_set_bank(f->uart_io, NULL);
	f->uart.bank = NULL;
	assert_int_equal(uart16550_rbr_read(u), 'A');
	static const char *const trace[] = {
		"W uart16550.uart thr <- 0x41",
		"W uart16550.uart dll <- 0x01",
		"R uart16550.uart rbr -> 0x41",
	};
	assert_trace(f, trace, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(update_touches_only_its_field, setup, teardown),
		cmocka_unit_test_setup_teardown(write_one_and_zero_helpers_never_read, setup, teardown),
		cmocka_unit_test_setup_teardown(reads_with_side_effects, setup, teardown),
		cmocka_unit_test_setup_teardown(constants_fail_the_build_values_are_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(arrays_groups_and_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(big_endian_and_port_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(banks_decode, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
