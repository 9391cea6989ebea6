// SPDX-License-Identifier: MIT
/* test_edu_driver.c - the edu driver itself (specs/edu/edu.c, the file the
 * kernel module and the userspace server build) run on the host against the
 * edu model, through its generated glue (edu_driver_desc) and served over
 * the userspace runtime to in-process clients using the generated stubs.
 *
 * The test plays the runtime (driver_harness.h): it binds the driver to a
 * simulated BAR and a slice of the model's RAM, runs init, serves
 * edu::device and routes the model's interrupt line to the irq hook.
 *
 * Time is the poll loop's: the model's latency is far longer than any call
 * takes, so work the driver starts finishes only when a deferred call waits
 * in the loop, whose every round runs edu_model_run. A driver that read a
 * result before its interrupt would read n, not n!. Nothing sleeps; a hang
 * is cut off by alarm().
 *
 * The deadline timer's time is the loop's too (driver_harness.h): while
 * the driver has it armed, every DEADLINE_ROUNDS rounds are one of its
 * intervals. Configuration space is a small model of edu's: its header
 * and its MSI capability at 0x40.
 *
 * Several calls in flight at once come from several in-process clients: a
 * round can, instead of letting time pass, make the next call, which then
 * waits in a nested round of the loop (harness.meanwhile).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver_harness.h"
#include "drv_pci.h"
#include "drv_sim.h"
#include "edu_driver.h"
#include "edu_model.h"

enum {
	LATENCY = 1000,		  /* accesses: never reached by a call's own */
	RAM_BASE = 0x00200000,	  /* the model's RAM on the bus, below 2^28 */
	RAM_SIZE = 4 * 4096,
	DMA_OFFSET = 2 * 4096,	  /* the driver's DMA buffer in that RAM */
	DMA_SIZE = 4096,
	NQUEUE = 9,		  /* the driver queues 8 factorials; the ninth is BUSY */
	EDU_ID = 0x010000ed,
	DEADLINE_ROUNDS = 50,	  /* rounds of the loop in one interval of the deadline */
	MSI_CAP = 0x40,		  /* where the model's MSI capability is */
};

struct fixture {
	struct edu_model model;
	uint8_t *ram;
	struct drv_sim *sim;
	struct drv_sim_model inner; /* the model's ops, behind the tweak */
	uint32_t id_override;	    /* nonzero: what the id register reads */
	struct drv_resources res;
	uint8_t config[256]; /* configuration space */
	bool hold;	     /* the device never finishes its work */
	struct harness h;
	struct edu_device_client *client;
	/* the queue test */
	struct edu_device_client *queue[NQUEUE];
	int qrc[NQUEUE];
	uint32_t qres[NQUEUE];
	unsigned queued;
	/* the DMA chain test */
	struct drv_buffer *chained;
	struct edu_device_client *other;
	int chained_rc;
};

/* ---- the model, as the harness sees it ---- */

static bool edu_busy(void *ctx)
{
	const struct fixture *f = ctx;
	return f->model.fact_countdown || f->model.dma_countdown;
}

/* Time passes for the model unless the test holds it. */
static void edu_time_passes(void *ctx)
{
	struct fixture *f = ctx;
	if (!f->hold)
		edu_model_run(&f->model);
}

/* The id register reads id_override when set; everything else is the
 * model's. */
static uint64_t tweak_read(void *ctx, uint64_t offset, unsigned bytes)
{
	struct fixture *f = ctx;
	uint64_t v = f->inner.read(f->inner.ctx, offset, bytes);
	return offset == 0 && f->id_override ? f->id_override : v;
}

static void tweak_write(void *ctx, uint64_t offset, unsigned bytes, uint64_t value)
{
	struct fixture *f = ctx;
	f->inner.write(f->inner.ctx, offset, bytes, value);
}

/* Configuration space: edu's header, and its MSI capability, on. Nothing
 * of it is writable for the driver. */
static uint64_t config_read(void *ctx, uint64_t offset, unsigned bytes)
{
	struct fixture *f = ctx;
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && offset + i < sizeof f->config; i++)
		v |= (uint64_t)f->config[offset + i] << (8 * i);
	return v;
}

static void config_write(void *ctx, uint64_t offset, unsigned bytes, uint64_t value)
{
	(void)ctx;
	fail_msg("the driver wrote 0x%llx to config space at 0x%llx (%u bytes)",
		 (unsigned long long)value, (unsigned long long)offset, bytes);
}

static struct drv_io map_config(struct fixture *f)
{
	static const uint8_t header[] = {0x34, 0x12, 0xe8, 0x11};
	memcpy(f->config, header, sizeof header);
	f->config[0x06] = 0x10; /* status: a capability list */
	f->config[0x34] = MSI_CAP;
	f->config[MSI_CAP] = 0x05;	   /* MSI */
	f->config[MSI_CAP + 2] = 0x81; /* 64-bit, on */
	return drv_sim_map(f->sim, &edu_pci_desc, (struct drv_sim_model){config_read, config_write, f});
}

/* The device and its resources, the driver allocated and bound: what the
 * runtime has before it calls init. */
static struct fixture *new_device(uint32_t id_override)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	alarm(30); /* a hang is a failure, not a stuck build */
	f->ram = calloc(1, RAM_SIZE);
	assert_non_null(f->ram);
	edu_model_init(&f->model, LATENCY);
	f->model.ram = f->ram;
	f->model.ram_base = RAM_BASE;
	f->model.ram_size = RAM_SIZE;
	f->model.irq = harness_line;
	f->model.irq_ctx = &f->h;
	f->sim = drv_sim_new();
	f->id_override = id_override;
	f->inner = edu_model_ops(&f->model);
	struct drv_sim_model ops = f->inner;
	if (id_override)
		ops = (struct drv_sim_model){tweak_read, tweak_write, f};
	f->res.io[0] = drv_sim_map(f->sim, &edu_bar0_desc, ops);
	f->res.dma[0] = (struct drv_dma_buffer){f->ram + DMA_OFFSET, RAM_BASE + DMA_OFFSET, DMA_SIZE};
	f->res.config[0] = map_config(f);
	/* what the runtime does for a block at a capability */
	struct drv_pci_cap cap = {0};
	assert_true(drv_pci_find_cap(f->res.config[0], DRV_PCI_CAP_MSI, &cap));
	f->res.config[1] = drv_io_offset(f->res.config[0], cap.offset);
	f->res.timers[0] = drv_sim_timer_new();
	f->res.instance = 0;

	const struct drv_driver_desc *desc = &edu_driver_desc;
	assert_int_equal(desc->nmmio, 1);
	assert_int_equal(desc->nirqs, 1);
	assert_int_equal(desc->ndma, 1);
	assert_int_equal(desc->dma[0].size, DMA_SIZE);
	assert_true(RAM_BASE + DMA_OFFSET + DMA_SIZE <= UINT64_C(1) << desc->dma[0].address_bits);
	assert_ptr_equal(desc->interfaces[0], &edu_device_interface);
	assert_true(*desc->size >= sizeof(struct edu_driver));
	f->h = (struct harness){.desc = desc,
				.line = &f->model.irq_level,
				.busy = edu_busy,
				.time_passes = edu_time_passes,
				.model = f,
				.ctx = f,
				.timers = f->res.timers,
				.ntimers = 1,
				.timer_rounds = DEADLINE_ROUNDS};
	harness_new_driver(&f->h);
	return f;
}

/* The remove (stop, if the probe ran and the test did not), then the
 * device. */
static void free_device(struct fixture *f)
{
	harness_free(&f->h);
	drv_sim_timer_free(f->res.timers[0]);
	drv_sim_free(f->sim);
	free(f->ram);
	free(f);
	alarm(0);
}

static struct edu_device_client *connect_client(struct fixture *f)
{
	return (struct edu_device_client *)harness_connect(&f->h);
}

/* The probe: bind, init, serve, start. */
static int setup(void **state)
{
	struct fixture *f = new_device(0);
	harness_probe(&f->h, &f->res);
	f->client = connect_client(f);
	*state = f;
	return 0;
}

/* The remove: stop (no call is open), then free what the runtime holds. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	edu_device_disconnect(f->client);
	for (unsigned i = 0; i < NQUEUE; i++)
		if (f->queue[i])
			edu_device_disconnect(f->queue[i]);
	if (f->other)
		edu_device_disconnect(f->other);
	if (f->chained)
		drv_buffer_free(f->chained);
	free_device(f);
	return 0;
}

/* What every test ends with: the device saw nothing it would log, the line
 * is low, and every interrupt was the device's. */
static void assert_quiet(struct fixture *f)
{
	harness_assert_quiet(&f->h);
	assert_int_equal(f->model.guest_errors, 0);
	assert_false(f->model.irq_level);
	assert_int_equal(f->model.irq_status, 0);
}

static struct drv_buffer *new_buffer(size_t size)
{
	struct drv_buffer *b = NULL;
	assert_int_equal(drv_buffer_new(size, &b), 0);
	assert_non_null(b);
	assert_int_equal(b->size, size);
	return b;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

/* Asserts the recorded accesses are exactly these lines, then clears them. */
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

/* ---- the probe ---- */

/* init acknowledged nothing stale and enabled the factorial interrupt. */
static void init_enables_interrupt(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(f->model.status, 0x80);
	assert_int_equal(f->model.dma_cmd, 0);
	assert_int_equal(f->h.irqs, 0);
	assert_quiet(f);
}

static void ident(void **state)
{
	struct fixture *f = *state;
	uint32_t id = 0;
	assert_int_equal(edu_device_ident(f->client, &id), 0);
	assert_int_equal(id, EDU_ID);
	assert_int_equal(f->h.ticks, 0); /* answered at once */
	assert_quiet(f);
}

static void liveness(void **state)
{
	struct fixture *f = *state;
	static const uint32_t values[] = {0, 1, 0x12345678, 0x80000000u, 0xffffffffu};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		uint32_t r = values[i];
		assert_int_equal(edu_device_liveness(f->client, values[i], &r), 0);
		assert_int_equal(r, ~values[i]);
	}
	assert_int_equal(f->h.ticks, 0);
	assert_quiet(f);
}

/* ---- factorials, answered from the interrupt ---- */

static void factorial(void **state)
{
	struct fixture *f = *state;
	uint32_t r = 0;
	drv_sim_record(f->sim, true);
	assert_int_equal(edu_device_factorial(f->client, 5, &r), 0);
	assert_int_equal(r, 120);
	assert_int_equal(f->h.irqs, 1);
	/* started, then nothing until the interrupt: no polling, no early read */
	static const char *const trace[] = {
		"W edu.bar0 factorial <- 0x00000005",
		"R edu.bar0 irq_status -> 0x00000001 {fact=0x1 dma=0x0}",
		"W edu.bar0 irq_ack <- 0x00000001 {fact=0x1 dma=0x0}",
		"R edu.bar0 factorial -> 0x00000078",
	};
	assert_trace(f, trace, 4);
	drv_sim_record(f->sim, false);

	assert_int_equal(edu_device_factorial(f->client, 12, &r), 0);
	assert_int_equal(r, 479001600);
	assert_int_equal(f->h.irqs, 2);
	assert_int_equal(edu_device_factorial(f->client, 0, &r), 0);
	assert_int_equal(r, 1);
	assert_int_equal(f->h.irqs, 3);
	/* 13! does not fit the 32-bit register: refused, the device untouched */
	r = 7;
	drv_sim_record(f->sim, true);
	assert_int_equal(edu_device_factorial(f->client, 13, &r), EDU_ERROR_RANGE);
	assert_int_equal(r, 7);
	assert_trace(f, trace, 0);
	drv_sim_record(f->sim, false);
	assert_int_equal(f->h.irqs, 3);
	assert_quiet(f);
}

/* Makes the next queued call from its own client; that call waits in a
 * nested round of the loop, whose tick makes the one after it. */
static void queue_next(void *ctx)
{
	struct fixture *f = ctx;
	unsigned k = f->queued++;
	if (f->queued < NQUEUE)
		f->h.meanwhile = queue_next;
	f->qrc[k] = edu_device_factorial(f->queue[k], k + 1, &f->qres[k]);
	if (k == NQUEUE - 1) {
		/* the factorial unit is full; the rest of the device is not */
		uint32_t v = 0;
		assert_int_equal(edu_device_liveness(f->queue[k], 0x0f0f0f0f, &v), 0);
		assert_int_equal(v, 0xf0f0f0f0u);
		assert_int_equal(f->h.irqs, 0);
	}
}

/* Eight factorials wait in the driver's queue; the ninth is BUSY, and the
 * eight are answered in order, one interrupt each. */
static void factorial_queue_full(void **state)
{
	struct fixture *f = *state;
	for (unsigned k = 0; k < NQUEUE; k++) {
		f->queue[k] = connect_client(f);
		f->qrc[k] = -1;
		f->qres[k] = 0xdeadbeef;
	}
	queue_next(f);
	assert_int_equal(f->queued, NQUEUE);
	uint32_t want = 1;
	for (unsigned k = 0; k < NQUEUE - 1; k++) {
		want *= k + 1;
		assert_int_equal(f->qrc[k], 0);
		assert_int_equal(f->qres[k], want);
	}
	assert_int_equal(f->qrc[NQUEUE - 1], EDU_ERROR_BUSY);
	assert_int_equal(f->qres[NQUEUE - 1], 0xdeadbeef);
	assert_int_equal(f->h.irqs, NQUEUE - 1);
	struct drv_server_stats st;
	drv_server_get_stats(f->h.server, &st);
	assert_int_equal(st.deferred, NQUEUE - 1);

	/* the queue is empty again */
	uint32_t r = 0;
	assert_int_equal(edu_device_factorial(f->client, 10, &r), 0);
	assert_int_equal(r, 3628800);
	assert_quiet(f);
}

/* ---- DMA ---- */

static void dma_round_trip(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(DMA_SIZE);
	uint8_t want[DMA_SIZE];
	fill(want, sizeof want, 3);
	memcpy(b->data, want, sizeof want);

	assert_int_equal(edu_device_dma_write(f->client, b, 0, DMA_SIZE), 0);
	assert_int_equal(f->h.irqs, 1);
	/* all but the last byte, which QEMU 7.2 cannot move (the driver's
	 * erratum note) */
	assert_memory_equal(f->model.buf, want, DMA_SIZE - 1);
	/* the device was told the driver's buffer and its own window */
	assert_int_equal(f->model.dma_src, RAM_BASE + DMA_OFFSET);
	assert_int_equal(f->model.dma_dst, EDU_MODEL_DMA_BASE);
	assert_int_equal(f->model.dma_cnt, DMA_SIZE - 1);

	/* what comes back is what the device holds now */
	f->model.buf[10] ^= 0xff;
	want[10] ^= 0xff;
	memset(b->data, 0, DMA_SIZE);
	assert_int_equal(edu_device_dma_read(f->client, b, 0, DMA_SIZE), 0);
	assert_int_equal(f->h.irqs, 2);
	assert_memory_equal(b->data, want, DMA_SIZE);
	assert_int_equal(f->model.dma_src, EDU_MODEL_DMA_BASE);
	assert_int_equal(f->model.dma_dst, RAM_BASE + DMA_OFFSET);

	/* part of the buffer, at an offset: the caller's first bytes */
	uint8_t part[50];
	fill(part, sizeof part, 99);
	memcpy(b->data, part, sizeof part);
	assert_int_equal(edu_device_dma_write(f->client, b, 100, sizeof part), 0);
	assert_memory_equal(f->model.buf + 100, part, sizeof part);
	assert_memory_equal(f->model.buf, want, 100);
	assert_memory_equal(f->model.buf + 150, want + 150, DMA_SIZE - 151);
	memset(b->data, 0, DMA_SIZE);
	assert_int_equal(edu_device_dma_read(f->client, b, 4000, 96), 0);
	assert_memory_equal(b->data, want + 4000, 96);
	assert_int_equal(f->h.irqs, 4);
	/* the last byte alone never reaches the device */
	((uint8_t *)b->data)[0] = 0x5a;
	assert_int_equal(edu_device_dma_write(f->client, b, DMA_SIZE - 1, 1), 0);
	((uint8_t *)b->data)[0] = 0;
	assert_int_equal(edu_device_dma_read(f->client, b, DMA_SIZE - 1, 1), 0);
	assert_int_equal(((uint8_t *)b->data)[0], 0x5a);
	assert_int_equal(f->h.irqs, 4);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* Refused before the device is touched. */
static void dma_out_of_range(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(DMA_SIZE);
	struct drv_buffer *small = new_buffer(100);
	uint8_t before[DMA_SIZE];
	fill(f->model.buf, DMA_SIZE, 5);
	memcpy(before, f->model.buf, DMA_SIZE);
	drv_sim_record(f->sim, true);

	/* past the end of the device's buffer */
	assert_int_equal(edu_device_dma_write(f->client, b, 4000, 200), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_read(f->client, b, 4000, 200), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_write(f->client, b, 0, DMA_SIZE + 1), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_read(f->client, b, 4097, 0), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_write(f->client, b, 0xffffffffu, 2), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_write(f->client, b, 1, 0xffffffffu), EDU_ERROR_RANGE);
	/* longer than the caller's buffer */
	assert_int_equal(edu_device_dma_write(f->client, small, 0, 200), EDU_ERROR_RANGE);
	assert_int_equal(edu_device_dma_read(f->client, small, 0, 101), EDU_ERROR_RANGE);
	/* nothing to move: done, without the device */
	assert_int_equal(edu_device_dma_read(f->client, b, DMA_SIZE, 0), 0);
	assert_int_equal(edu_device_dma_write(f->client, small, 0, 0), 0);

	assert_int_equal(drv_sim_trace_len(f->sim), 0);
	assert_int_equal(f->h.ticks, 0);
	assert_int_equal(f->h.irqs, 0);
	assert_memory_equal(f->model.buf, before, DMA_SIZE);

	/* the edges of the range are in it */
	fill(small->data, 100, 11);
	assert_int_equal(edu_device_dma_write(f->client, small, DMA_SIZE - 100, 100), 0);
	assert_memory_equal(f->model.buf + DMA_SIZE - 100, small->data, 99);
	uint8_t sent[100];
	memcpy(sent, small->data, sizeof sent);
	memset(small->data, 0, 100);
	assert_int_equal(edu_device_dma_read(f->client, small, DMA_SIZE - 100, 100), 0);
	assert_memory_equal(small->data, sent, sizeof sent);
	drv_buffer_free(small);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* While a dma_write waits, a dma_read of the same bytes queues behind it
 * and so reads what the write put there. */
static void read_behind_write(void *ctx)
{
	struct fixture *f = ctx;
	f->chained_rc = edu_device_dma_read(f->other, f->chained, 0, DMA_SIZE);
}

static void dma_queued(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(DMA_SIZE);
	f->chained = new_buffer(DMA_SIZE);
	f->other = connect_client(f);
	f->chained_rc = -1;
	fill(b->data, DMA_SIZE, 42);
	memset(f->chained->data, 0, DMA_SIZE);
	f->h.meanwhile = read_behind_write;
	assert_int_equal(edu_device_dma_write(f->client, b, 0, DMA_SIZE), 0);
	assert_int_equal(f->chained_rc, 0);
	assert_memory_equal(f->chained->data, b->data, DMA_SIZE);
	assert_memory_equal(f->model.buf, b->data, DMA_SIZE - 1);
	assert_int_equal(f->h.irqs, 2);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* ---- configuration space ---- */

static void pci_info(void **state)
{
	struct fixture *f = *state;
	struct edu_pci_info info = {0};
	assert_int_equal(edu_device_pci_info(f->client, &info), 0);
	assert_int_equal(info.vendor, 0x1234);
	assert_int_equal(info.device, 0x11e8);
	assert_int_equal(info.msi, MSI_CAP);
	assert_true(info.msi_enabled);
	assert_int_equal(info.capabilities, 1);
	/* MSI off: the device interrupts through INTx */
	f->config[MSI_CAP + 2] = 0x80;
	assert_int_equal(edu_device_pci_info(f->client, &info), 0);
	assert_false(info.msi_enabled);
	/* a list that loops is walked once (drv_pci.h's bound) */
	f->config[MSI_CAP + 1] = MSI_CAP;
	assert_int_equal(edu_device_pci_info(f->client, &info), 0);
	assert_int_equal(info.msi, MSI_CAP);
	assert_true(info.capabilities >= 1);
	assert_int_equal(f->h.ticks, 0);
	assert_quiet(f);
}

/* ---- the deadline ---- */

/* A factorial whose interrupt never comes fails with TIMEOUT at the
 * deadline's second tick; the next one, its interrupt back, succeeds. */
static void factorial_times_out(void **state)
{
	struct fixture *f = *state;
	uint32_t r = 7;
	f->h.drop_edges = true;
	assert_int_equal(edu_device_factorial(f->client, 5, &r), EDU_ERROR_TIMEOUT);
	assert_int_equal(r, 7); /* an error leaves the result alone */
	assert_int_equal(f->h.expiries, 2);
	assert_int_equal(drv_sim_timer_interval(f->res.timers[0]), EDU_TIMER_DEADLINE_NS);
	assert_false(drv_sim_timer_armed(f->res.timers[0])); /* nothing waits */
	assert_int_equal(f->h.irqs, 0);
	assert_true(f->model.irq_level); /* the completion nobody heard */

	f->h.drop_edges = false;
	assert_int_equal(edu_device_factorial(f->client, 6, &r), 0);
	assert_int_equal(r, 720);
	assert_int_equal(f->h.irqs, 1);
	assert_int_equal(f->h.expiries, 2);
	assert_quiet(f);
}

/* A job that times out while the device is still on it: the next waits
 * until the device is free, forgets the late completion and gets its own
 * answer. */
static void factorial_device_late(void **state)
{
	struct fixture *f = *state;
	uint32_t r = 7;
	f->hold = true;
	assert_int_equal(edu_device_factorial(f->client, 5, &r), EDU_ERROR_TIMEOUT);
	assert_true(f->model.status & 0x01); /* still computing */
	drv_sim_record(f->sim, true);
	f->hold = false;
	assert_int_equal(edu_device_factorial(f->client, 4, &r), 0);
	assert_int_equal(r, 24);
	static const char *const trace[] = {
		/* busy: not started */
		"R edu.bar0 status -> 0x00000081 {computing=0x1 irq_enable=0x1}",
		/* the late completion's interrupt, which frees the device */
		"R edu.bar0 irq_status -> 0x00000001 {fact=0x1 dma=0x0}",
		"W edu.bar0 irq_ack <- 0x00000001 {fact=0x1 dma=0x0}",
		"R edu.bar0 status -> 0x00000080 {computing=0x0 irq_enable=0x1}",
		"W edu.bar0 irq_ack <- 0x00000001 {fact=0x1 dma=0x0}",
		"W edu.bar0 factorial <- 0x00000004",
		/* its own */
		"R edu.bar0 irq_status -> 0x00000001 {fact=0x1 dma=0x0}",
		"W edu.bar0 irq_ack <- 0x00000001 {fact=0x1 dma=0x0}",
		"R edu.bar0 factorial -> 0x00000018",
	};
	assert_trace(f, trace, sizeof trace / sizeof trace[0]);
	drv_sim_record(f->sim, false);
	assert_int_equal(f->h.irqs, 2);
	assert_quiet(f);
}

/* A DMA transfer whose interrupt never comes: TIMEOUT, and the next one
 * works. */
static void dma_times_out(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(DMA_SIZE);
	fill(b->data, DMA_SIZE, 9);
	f->h.drop_edges = true;
	assert_int_equal(edu_device_dma_write(f->client, b, 0, 64), EDU_ERROR_TIMEOUT);
	assert_int_equal(f->h.expiries, 2);
	f->h.drop_edges = false;
	assert_int_equal(edu_device_dma_write(f->client, b, 64, 64), 0);
	memset(b->data, 0, DMA_SIZE);
	assert_int_equal(edu_device_dma_read(f->client, b, 0, 128), 0);
	uint8_t want[DMA_SIZE];
	fill(want, sizeof want, 9);
	/* the timed-out transfer happened too: only its answer was lost */
	assert_memory_equal(b->data, want, 64);
	assert_memory_equal((uint8_t *)b->data + 64, want, 64);
	assert_int_equal(f->h.irqs, 2);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* ---- stop, and a probe that fails ---- */

static void stop_disables_interrupt(void **state)
{
	struct fixture *f = *state;
	uint32_t r = 0;
	assert_int_equal(edu_device_factorial(f->client, 4, &r), 0);
	assert_int_equal(r, 24);
	harness_stop(&f->h);
	assert_int_equal(f->model.status & 0x80, 0);
	/* a factorial now raises nothing */
	f->model.fact = 3;
	f->model.status |= 0x01;
	f->model.fact_countdown = 1;
	edu_model_run(&f->model);
	assert_int_equal(f->h.edges, 1);
	assert_quiet(f);
}

static void init_rejects_wrong_magic(void **state)
{
	(void)state;
	struct fixture *f = new_device(0x010000eeu);
	assert_int_equal(f->h.desc->bind(f->h.drv, &f->res), 0);
	drv_sim_record(f->sim, true);
	assert_int_equal(f->h.desc->init(f->h.drv), -ENODEV);
	/* it looked, and touched nothing */
	static const char *const trace[] = {
		"R edu.bar0 id -> 0x010000ee {magic=0xee minor=0x0 major=0x1}",
	};
	assert_trace(f, trace, 1);
	assert_int_equal(f->model.status, 0);
	assert_int_equal(f->model.guest_errors, 0);
	free_device(f);
}

/* A DMA buffer smaller than the device's is refused too. */
static void init_rejects_small_buffer(void **state)
{
	(void)state;
	struct fixture *f = new_device(0);
	f->res.dma[0].size = DMA_SIZE / 2;
	assert_int_equal(f->h.desc->bind(f->h.drv, &f->res), 0);
	assert_int_equal(f->h.desc->init(f->h.drv), -ENOMEM);
	assert_int_equal(f->model.status, 0);
	free_device(f);
}

/* ---- everything at once: what QEMU would have logged ---- */

static void no_guest_errors(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(DMA_SIZE);
	uint32_t r = 0;
	for (unsigned round = 0; round < 3; round++) {
		assert_int_equal(edu_device_ident(f->client, &r), 0);
		assert_int_equal(edu_device_liveness(f->client, round, &r), 0);
		assert_int_equal(edu_device_factorial(f->client, 6 + round, &r), 0);
		fill(b->data, DMA_SIZE, round);
		assert_int_equal(edu_device_dma_write(f->client, b, round * 512, 1024), 0);
		assert_int_equal(edu_device_dma_read(f->client, b, 0, DMA_SIZE), 0);
		assert_int_equal(edu_device_dma_write(f->client, b, 4000, 200), EDU_ERROR_RANGE);
	}
	assert_int_equal(f->h.irqs, 9);
	assert_int_equal(f->model.guest_errors, 0);
	drv_buffer_free(b);
	assert_quiet(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_enables_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(ident, setup, teardown),
		cmocka_unit_test_setup_teardown(liveness, setup, teardown),
		cmocka_unit_test_setup_teardown(factorial, setup, teardown),
		cmocka_unit_test_setup_teardown(factorial_queue_full, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(pci_info, setup, teardown),
		cmocka_unit_test_setup_teardown(factorial_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(factorial_device_late, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_disables_interrupt, setup, teardown),
		cmocka_unit_test(init_rejects_wrong_magic),
		cmocka_unit_test(init_rejects_small_buffer),
		cmocka_unit_test_setup_teardown(no_guest_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
