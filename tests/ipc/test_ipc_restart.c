// SPDX-License-Identifier: MIT
/* test_ipc_restart.c - a client outlives its server (docs/ipc.md, "When the
 * server goes away"): a server process killed and started again, as a
 * supervisor would, at the same socket.
 *
 *   - the next call connects again and succeeds;
 *   - a call in flight when the server dies fails with -DRV_E_RESTARTED,
 *     a synchronous one and a started one alike;
 *   - a call made while no server listens fails with -DRV_E_CONNECTION,
 *     and the one after the restart succeeds;
 *   - an @idempotent call (kit::store.add) in flight when its server
 *     crashes is made again by its stub, once, once a supervisor has
 *     started the server again, and returns the new server's answer.
 *
 * A lost connection is tried again for DRVGEN_RECONNECT_MS (2 s by
 * default); the tests that need a call to fail at once set it to 0.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drv_client.h"
#include "kit_child.h"
#include "kit_impl.h"
#include "kit_store.h"

struct world {
	struct kit_child child;
	struct kit_store_client *client;
};

static int setup(void **state)
{
	static struct world w;
	memset(&w, 0, sizeof w);
	alarm(60);
	assert_int_equal(kit_child_start(&w.child, NULL, NULL), 0);
	assert_int_equal(kit_store_connect(0, &w.client), 0);
	*state = &w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	kit_store_disconnect(w->client);
	if (w->child.pid)
		kit_child_kill(&w->child);
	kit_child_clean(&w->child);
	alarm(0);
	return 0;
}

static void add_works(struct kit_store_client *c, uint32_t a)
{
	uint32_t r = 0;
	assert_int_equal(kit_store_add(c, a, 1, &r), 0);
	assert_int_equal(r, a + 1);
}

/* A killed server, started again: the client's next call reconnects. */
static void next_call_reconnects(void **state)
{
	struct world *w = *state;
	add_works(w->client, 1);
	kit_child_kill(&w->child);
	uint32_t r = 0;
	/* nobody listens: the call fails */
	setenv("DRVGEN_RECONNECT_MS", "0", 1);
	assert_int_equal(kit_store_add(w->client, 1, 1, &r), -DRV_E_CONNECTION);
	unsetenv("DRVGEN_RECONNECT_MS");
	assert_int_equal(kit_child_restart(&w->child), 0);
	add_works(w->client, 2);
}

/* The server dies with a deferred call of this client in flight: the call
 * may have run, and says so; the next one reconnects. */
static void in_flight_call_is_restarted(void **state)
{
	struct world *w = *state;
	struct drv_buffer *b = NULL;
	assert_int_equal(drv_buffer_new(4096, &b), 0);
	memset(b->data, 1, 4096);
	struct kit_store_sum_call sum;
	memset(&sum, 0, sizeof sum);
	assert_int_equal(kit_store_sum_start(w->client, b, KIT_DEFER_SUM | 16, &sum), 0);
	assert_int_equal(drv_client_flush((struct drv_client *)w->client), 0);
	/* the server has it (it counts it deferred) before it dies */
	struct drv_server_stats st;
	do
		assert_int_equal(kit_child_stats(&w->child, &st), 0);
	while (st.deferred == 0);
	kit_child_kill(&w->child);
	assert_int_equal(kit_child_restart(&w->child), 0);
	struct drv_pending *p = NULL;
	assert_int_equal(drv_client_next((struct drv_client *)w->client, -1, &p), 1);
	assert_ptr_equal(p, &sum.pending);
	uint64_t got = 0;
	assert_int_equal(kit_store_sum_finish(&sum, &got), -DRV_E_RESTARTED);
	add_works(w->client, 3);
	drv_buffer_free(b);
}

/* A synchronous call in flight when the server dies: -DRV_E_RESTARTED.
 * A helper process kills the server once the call waits, deferred, in
 * it. */
static void sync_call_is_restarted(void **state)
{
	struct world *w = *state;
	struct drv_buffer *b = NULL;
	assert_int_equal(drv_buffer_new(4096, &b), 0);
	pid_t killer = fork();
	assert_true(killer >= 0);
	if (killer == 0) {
		/* kills the server once the call below is deferred in it */
		struct drv_server_stats st;
		do
			if (kit_child_stats(&w->child, &st))
				_exit(1);
		while (st.deferred == 0);
		kill(w->child.pid, SIGKILL);
		_exit(0);
	}
	uint64_t got = 0;
	assert_int_equal(kit_store_sum(w->client, b, KIT_DEFER_SUM | 16, &got), -DRV_E_RESTARTED);
	int status = -1;
	assert_int_equal(waitpid(killer, &status, 0), killer);
	assert_int_equal(status, 0);
	kit_child_stop(&w->child); /* reaps it */
	assert_int_equal(kit_child_restart(&w->child), 0);
	add_works(w->client, 4);
	drv_buffer_free(b);
}

static void crash_in_add(void)
{
	kit_impl_crash_in_add = true;
}

/* The server crashes inside add, which is @idempotent; a supervisor (the
 * test) starts it again; the client, in a process of its own, got its
 * answer from the new server as if nothing had happened. */
static void idempotent_call_is_made_again(void **state)
{
	struct world *w = *state;
	kit_child_kill(&w->child);
	assert_int_equal(kit_child_start(&w->child, NULL, crash_in_add), 0);
	pid_t client = fork();
	assert_true(client >= 0);
	if (client == 0) {
		struct kit_store_client *c = NULL;
		uint32_t r = 0;
		if (kit_store_connect(0, &c))
			_exit(1);
		int st = kit_store_add(c, 20, 22, &r);
		_exit(st == 0 && r == 42 ? 0 : st == -DRV_E_RESTARTED ? 2 : 3);
	}
	int status = -1;
	assert_int_equal(waitpid(w->child.pid, &status, 0), w->child.pid); /* crashed in add */
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 9);
	w->child.pid = 0;
	close(w->child.control);
	assert_int_equal(kit_child_restart(&w->child), 0);
	assert_int_equal(waitpid(client, &status, 0), client);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(next_call_reconnects, setup, teardown),
		cmocka_unit_test_setup_teardown(in_flight_call_is_restarted, setup, teardown),
		cmocka_unit_test_setup_teardown(sync_call_is_restarted, setup, teardown),
		cmocka_unit_test_setup_teardown(idempotent_call_is_made_again, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
