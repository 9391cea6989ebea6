// SPDX-License-Identifier: MIT
/* test_host_timer.c - the userspace server's timers (runtime/user/host/
 * timer.c): timerfds in the serving loop, each expiry one call of the
 * timer hook with the timer's number. A one-shot timer fires once, a
 * periodic one until it is disarmed, a disarmed one never, and the hook
 * may arm its own timer again, as a driver's deadline does.
 *
 * No assertion is about time: each test runs the loop until the event it
 * waits for (bounded by a count of rounds, not a clock), then some rounds
 * more to see that nothing else came.
 */
#define _GNU_SOURCE
#include "host.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

enum {
	ONESHOT = 0,
	PERIODIC = 1,
	NS = 1000000,      /* 1 ms */
	ROUND_MS = 5,      /* the loop's wait for one round */
	MAX_ROUNDS = 2000, /* a timer that never fires ends the wait */
	QUIET_ROUNDS = 20, /* 100 ms in which nothing more may come */
};

static const struct drv_timer_desc timers[] = {
	{.name = "oneshot", .period_ns = NS},
	{.name = "periodic", .period_ns = NS},
};

struct fixture {
	struct host h;
	struct drv_driver_desc d;
	unsigned fired[2];
	unsigned rearm; /* the one-shot's hook arms it again this many times */
};

static struct fixture *fx; /* the hook's way back to the test */

static void on_timer(void *drv, unsigned timer)
{
	(void)drv;
	assert_in_range(timer, ONESHOT, PERIODIC);
	fx->fired[timer]++;
	if (timer == ONESHOT && fx->rearm) {
		fx->rearm--;
		drv_timer_arm(fx->h.timers[ONESHOT], NS);
	}
}

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	f.d.timers = timers;
	f.d.ntimers = 2;
	f.d.timer = on_timer;
	f.h.desc = &f.d;
	f.h.name = "test";
	assert_int_equal(drv_server_new(&f.h.server), 0);
	assert_int_equal(host_setup_timers(&f.h), 0);
	assert_int_equal(host_watch_timers(&f.h), 0);
	fx = &f;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	drv_server_free(f->h.server);
	host_free_timers(&f->h);
	return 0;
}

/* Runs the loop until timer has fired `want` times in all (or the rounds
 * run out). */
static void run_until(struct fixture *f, unsigned timer, unsigned want)
{
	for (unsigned i = 0; i < MAX_ROUNDS && f->fired[timer] < want; i++)
		assert_true(drv_server_run_once(f->h.server, ROUND_MS) >= 0);
	assert_int_equal(f->fired[timer], want);
}

static void run_quiet(struct fixture *f)
{
	for (unsigned i = 0; i < QUIET_ROUNDS; i++)
		assert_true(drv_server_run_once(f->h.server, ROUND_MS) >= 0);
}

static void oneshot_fires_once(void **state)
{
	struct fixture *f = *state;
	drv_timer_arm(f->h.timers[ONESHOT], NS);
	run_until(f, ONESHOT, 1);
	run_quiet(f);
	assert_int_equal(f->fired[ONESHOT], 1);
	assert_int_equal(f->fired[PERIODIC], 0);
}

static void the_hook_arms_it_again(void **state)
{
	struct fixture *f = *state;
	f->rearm = 2;
	drv_timer_arm(f->h.timers[ONESHOT], NS);
	run_until(f, ONESHOT, 3);
	run_quiet(f);
	assert_int_equal(f->fired[ONESHOT], 3);
}

static void periodic_fires_until_disarmed(void **state)
{
	struct fixture *f = *state;
	drv_timer_arm_periodic(f->h.timers[PERIODIC], NS);
	run_until(f, PERIODIC, 3);
	drv_timer_disarm(f->h.timers[PERIODIC]);
	unsigned n = f->fired[PERIODIC];
	run_quiet(f);
	assert_int_equal(f->fired[PERIODIC], n);
	assert_int_equal(f->fired[ONESHOT], 0);
}

/* A timer disarmed before it was due never reaches the hook, even if it
 * became due before the loop looked (setting a timerfd clears its count). */
static void disarmed_never_fires(void **state)
{
	struct fixture *f = *state;
	drv_timer_arm(f->h.timers[ONESHOT], 1);
	usleep(2000);
	drv_timer_disarm(f->h.timers[ONESHOT]);
	run_quiet(f);
	assert_int_equal(f->fired[ONESHOT], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(oneshot_fires_once, setup, teardown),
		cmocka_unit_test_setup_teardown(the_hook_arms_it_again, setup, teardown),
		cmocka_unit_test_setup_teardown(periodic_fires_until_disarmed, setup, teardown),
		cmocka_unit_test_setup_teardown(disarmed_never_fires, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
