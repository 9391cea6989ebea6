// SPDX-License-Identifier: MIT
/* test_virtioblk_driver.c - the virtioblk driver and the virtio library
 * (specs/virtioblk/virtioblk.c, specs/virtio/virtio.c: the files the kernel
 * module and the userspace server build) run on the host against the
 * virtio-blk model, through the driver's generated glue, served over the
 * userspace runtime to in-process clients using the generated stubs, the
 * pipelined ones for many requests at once.
 *
 * The test plays the runtime, as test_edu_driver.c does: it binds the
 * driver to the model's simulated BAR and configuration space, a coherent
 * buffer mapped in a simulated DMA space (drv_sim.h) and a streaming
 * capability over it that maps a client's buffer in page-sized pieces at
 * scattered bus addresses, so every request is a real scatter-gather list
 * and any DMA outside what the driver mapped faults. The model's MSI-X
 * messages or INTx line reach the irq hook through an eventfd the server
 * watches.
 *
 * Time is the loop's: each round of the server's loop is a tick that lets
 * the model take and complete requests, and every DEADLINE_ROUNDS rounds
 * with the driver's deadline timer armed are one of its intervals. Rounds
 * in a row with nothing the device or the timer could still do while a
 * call waits mean the driver lost a request: the loop is made to fail,
 * and so does the test, where the driver hung.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "drv_client.h"
#include "drv_pci.h"
#include "drv_server.h"
#include "drv_sim.h"
#include "virtio_blk_model.h"
#include "virtioblk_driver.h"

enum {
	SECTORS = 16384, /* an 8 MiB disk */
	DISK = SECTORS * 512,
	PAGE = 4096,
	DEPTH = 64,	      /* what the driver serves at once */
	MAX_BLOCKS = 8192,    /* 4 MiB of 512-byte blocks, the driver's most */
	MAX_SEGMENTS = 254,   /* QEMU's seg_max */
	WHOLE = 2024,	      /* 253 pages: what fits at any offset */
	DEADLINE_ROUNDS = 20, /* rounds of the loop in one interval of the deadline */
	STUCK_ROUNDS = 10,
	RINGS = 0, /* the manifest's dma capabilities, in order */
	DATA = 1,
};

#define ALL_FEATURES \
	(VBM_F(VBM_F_SEG_MAX) | VBM_F(VBM_F_GEOMETRY) | VBM_F(VBM_F_BLK_SIZE) | \
	 VBM_F(VBM_F_FLUSH) | VBM_F(VBM_F_TOPOLOGY) | VBM_F(VBM_F_MQ) | VBM_F(VBM_F_DISCARD) | \
	 VBM_F(VBM_F_INDIRECT) | VBM_F(VBM_F_EVENT_IDX) | VBM_F(VBM_F_VERSION_1) | \
	 VBM_F(VBM_F_ACCESS_PLATFORM) | VBM_F(VBM_F_RING_PACKED))

/* How a device differs from the default (all features, MSI-X, 256
 * entries, pages at scattered bus addresses). */
struct variant {
	uint64_t drop; /* features it does not offer */
	uint64_t add;  /* features it offers besides */
	bool intx;     /* the runtime gave no MSI-X */
	uint16_t queue_max;
	uint64_t chunk; /* the streaming map's pieces; 0: one */
	uint32_t seg_max, size_max, max_discard;
	uint32_t blk_size;
};

struct fixture {
	struct virtio_blk_model model;
	uint8_t *disk;
	uint8_t *rings;
	struct drv_sim *sim;
	struct drv_sim_dma *dma;
	struct drv_resources res;
	const struct drv_driver_desc *desc;
	void *drv;
	bool stopped;
	struct drv_server *server;
	struct drv_object *object;
	struct blk_device_client *client;
	/* each interrupt of the manifest, as the runtime would watch it: an
	 * eventfd the model's vector (or, for the first, its INTx line)
	 * signals, and how often the hook was told of it */
	struct irq_line {
		struct fixture *f;
		unsigned index;
		int fd;
		unsigned taken;
	} lines[2];
	int tick_fd;
	unsigned edges, irqs, unhandled, ticks, idle, deadlines;
	bool stuck;
	uint64_t media_changed; /* the last event's blocks */
	unsigned events;
};

/* ---- the runtime's part ---- */

static void signal_fd(int fd)
{
	uint64_t one = 1;
	assert_int_equal(write(fd, &one, sizeof one), (ssize_t)sizeof one);
}

/* A vector reaches the interrupt of the manifest that names it; the driver
 * programs the device with no other. */
static void on_msi(void *ctx, unsigned vector)
{
	struct fixture *f = ctx;
	unsigned i = 0;
	while (i < f->desc->nirqs && f->desc->irqs[i].vector != vector)
		i++;
	assert_in_range(i, 0, f->desc->nirqs - 1);
	f->edges++;
	signal_fd(f->lines[i].fd);
}

/* INTx arrives as the first interrupt, whatever the cause. */
static void on_intx(void *ctx, bool level)
{
	struct fixture *f = ctx;
	if (!level)
		return;
	f->edges++;
	signal_fd(f->lines[0].fd);
}

static void on_irq_fd(void *ctx, int fd, short revents)
{
	struct irq_line *l = ctx;
	struct fixture *f = l->f;
	uint64_t count;
	(void)revents;
	if (read(fd, &count, sizeof count) != (ssize_t)sizeof count)
		return;
	f->irqs++;
	l->taken++;
	if (!f->desc->irq(f->drv, l->index))
		f->unhandled++;
	if (f->model.intx_level && !f->model.msix_enabled)
		signal_fd(f->lines[0].fd); /* level-triggered: still asserted */
}

static bool device_busy(const struct fixture *f)
{
	return (f->model.npending && !f->model.hold) || f->model.bell ||
	       (f->model.intx_level && !f->model.msix_enabled);
}

static void on_tick(void *ctx, int fd, short revents)
{
	struct fixture *f = ctx;
	struct drv_timer *deadline = f->res.timers[VIRTIOBLK_TIMER_DEADLINE];
	(void)fd;
	(void)revents;
	f->ticks++;
	if (drv_sim_timer_armed(deadline) && f->ticks % DEADLINE_ROUNDS == 0 &&
	    drv_sim_timer_expire(deadline)) {
		f->deadlines++;
		f->desc->timer(f->drv, VIRTIOBLK_TIMER_DEADLINE);
	}
	if (device_busy(f) || drv_sim_timer_armed(deadline)) {
		f->idle = 0;
	} else if (++f->idle == STUCK_ROUNDS) {
		f->stuck = true;
		for (unsigned i = 0; i < f->desc->nirqs; i++)
			drv_server_unwatch(f->server, f->lines[i].fd);
		drv_server_unwatch(f->server, f->tick_fd);
	}
	virtio_blk_model_run(&f->model);
}

static void on_media_changed(void *ctx, uint64_t blocks)
{
	struct fixture *f = ctx;
	f->events++;
	f->media_changed = blocks;
}

/* The device and what the runtime acquires for it, before bind. */
static struct fixture *new_device(const struct variant *v)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	alarm(60);
	f->tick_fd = -1;
	f->desc = &virtioblk_driver_desc;
	assert_int_equal(f->desc->nmmio, 1);
	assert_int_equal(f->desc->mmio[0].bar, VBM_BAR);
	assert_int_equal(f->desc->ndma, 2);
	assert_int_equal(f->desc->dma[DATA].kind, DRV_DMA_STREAMING);
	assert_int_equal(f->desc->nconfig, 2);
	assert_int_equal(f->desc->ntimers, 1);
	assert_int_equal(f->desc->nirqs, 2);
	for (unsigned i = 0; i < f->desc->nirqs; i++) {
		assert_int_equal(f->desc->irqs[i].kind, DRV_IRQ_MSIX);
		assert_true(f->desc->irqs[i].intx_fallback);
		f->lines[i] = (struct irq_line){f, i, -1, 0};
	}

	f->disk = calloc(1, DISK);
	f->rings = aligned_alloc(PAGE, f->desc->dma[RINGS].size);
	assert_non_null(f->disk);
	assert_non_null(f->rings);
	f->dma = drv_sim_dma_new();
	virtio_blk_model_init(&f->model, f->disk, SECTORS, (ALL_FEATURES | v->add) & ~v->drop,
			      f->dma);
	if (v->queue_max)
		f->model.queue_max = f->model.qsize = v->queue_max;
	if (v->seg_max)
		f->model.seg_max = v->seg_max;
	if (v->blk_size)
		f->model.blk_size = v->blk_size;
	if (v->size_max)
		f->model.size_max = v->size_max;
	if (v->max_discard)
		f->model.max_discard = v->max_discard;
	f->model.msix_enabled = !v->intx;
	f->model.msi = on_msi;
	f->model.intx = on_intx;
	f->model.irq_ctx = f;

	f->sim = drv_sim_new();
	f->res.io[0] = drv_sim_map(f->sim, NULL, virtio_blk_model_bar(&f->model));
	f->res.config[0] =
		drv_sim_map(f->sim, &virtio_pci_desc, virtio_blk_model_config(&f->model));
	struct drv_pci_cap cap = {0};
	assert_true(drv_pci_find_cap(f->res.config[0], DRV_PCI_CAP_MSIX, &cap));
	f->res.config[1] = drv_io_offset(f->res.config[0], cap.offset);
	f->res.dma[RINGS] = (struct drv_dma_buffer){
		f->rings,
		drv_sim_dma_add(f->dma, f->rings, f->desc->dma[RINGS].size, DRV_DMA_BIDIRECTIONAL),
		f->desc->dma[RINGS].size};
	f->res.streams[DATA] = drv_sim_stream_new(f->dma, f->desc->dma[DATA].mappings,
						  f->desc->dma[DATA].segments, v->chunk);
	f->res.timers[VIRTIOBLK_TIMER_DEADLINE] = drv_sim_timer_new();
	f->drv = calloc(1, *f->desc->size);
	assert_non_null(f->drv);
	return f;
}

static void free_device(struct fixture *f)
{
	drv_sim_timer_free(f->res.timers[VIRTIOBLK_TIMER_DEADLINE]);
	drv_sim_stream_free(f->res.streams[DATA]);
	drv_sim_free(f->sim);
	drv_sim_dma_free(f->dma);
	virtio_blk_model_free(&f->model);
	free(f->drv);
	free(f->rings);
	free(f->disk);
	free(f);
	alarm(0);
}

static struct blk_device_client *connect_client(struct fixture *f)
{
	struct blk_device_client *c = NULL;
	assert_int_equal(drv_object_connect(f->object, (struct drv_client **)&c), 0);
	assert_non_null(c);
	return c;
}

/* The probe: bind, init, serve, start. */
static int setup_variant(void **state, const struct variant *v)
{
	struct fixture *f = new_device(v);
	assert_int_equal(f->desc->bind(f->drv, &f->res), 0);
	assert_int_equal(f->desc->init(f->drv), 0);
	assert_int_equal(drv_server_new(&f->server), 0);
	assert_int_equal(drv_server_add(f->server, f->desc->interfaces[0],
					f->desc->object(f->drv, 0), &f->object),
			 0);
	for (unsigned i = 0; i < f->desc->nirqs; i++) {
		f->lines[i].fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		assert_true(f->lines[i].fd >= 0);
		assert_int_equal(drv_server_watch(f->server, f->lines[i].fd, POLLIN, on_irq_fd,
						  &f->lines[i]),
				 0);
	}
	f->tick_fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK); /* never read: always ready */
	assert_true(f->tick_fd >= 0);
	assert_int_equal(drv_server_watch(f->server, f->tick_fd, POLLIN, on_tick, f), 0);
	f->desc->start(f->drv);
	f->client = connect_client(f);
	assert_int_equal(blk_device_on_media_changed(f->client, on_media_changed, f), 0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	static const struct variant v = {.chunk = PAGE};
	return setup_variant(state, &v);
}

static int setup_intx(void **state)
{
	static const struct variant v = {.intx = true, .chunk = PAGE};
	return setup_variant(state, &v);
}

static int setup_read_only(void **state)
{
	static const struct variant v = {.add = VBM_F(VBM_F_RO), .chunk = PAGE};
	return setup_variant(state, &v);
}

/* Eight entries: the rings wrap every eight requests. */
static int setup_small_queue(void **state)
{
	static const struct variant v = {.queue_max = 8, .chunk = PAGE};
	return setup_variant(state, &v);
}

/* No indirect descriptors, no event index, no flush, no discard, each
 * buffer one piece (an IOMMU's mapping). */
static int setup_plain(void **state)
{
	static const struct variant v = {.drop = VBM_F(VBM_F_INDIRECT) | VBM_F(VBM_F_EVENT_IDX) |
						 VBM_F(VBM_F_FLUSH) | VBM_F(VBM_F_DISCARD)};
	return setup_variant(state, &v);
}

/* A device that takes four data segments a request. */
static int setup_few_segments(void **state)
{
	static const struct variant v = {.seg_max = 4, .chunk = PAGE};
	return setup_variant(state, &v);
}

/* Every buffer one piece, as an IOMMU maps it or a block layer's request
 * of pages that lie together. */
static int setup_one_piece(void **state)
{
	static const struct variant v = {.chunk = 0};
	return setup_variant(state, &v);
}

/* A device whose segments are at most 16 KiB, and whose discards at most
 * 24 sectors. */
static int setup_limits(void **state)
{
	static const struct variant v = {
		.add = VBM_F(VBM_F_SIZE_MAX), .size_max = 16384, .max_discard = 24, .chunk = 0};
	return setup_variant(state, &v);
}

/* The remove: stop, then free what the runtime holds. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->client)
		blk_device_disconnect(f->client);
	if (!f->stopped)
		f->desc->stop(f->drv);
	drv_server_free(f->server);
	for (unsigned i = 0; i < f->desc->nirqs; i++)
		close(f->lines[i].fd);
	close(f->tick_fd);
	free_device(f);
	return 0;
}

/* What every test ends with: the device saw nothing QEMU would complain
 * of, its DMA stayed inside what was mapped, nothing is left mapped, and
 * every interrupt was the device's. */
static void assert_quiet(struct fixture *f)
{
	assert_false(f->stuck);
	assert_int_equal(f->model.guest_errors, 0);
	assert_int_equal(drv_sim_dma_faults(f->dma), 0);
	assert_int_equal(drv_sim_stream_mapped(f->res.streams[DATA]), 0);
	assert_int_equal(f->unhandled, 0);
	assert_int_equal(f->model.npending, 0);
}

static struct drv_buffer *new_buffer(size_t size)
{
	struct drv_buffer *b = NULL;
	assert_int_equal(drv_buffer_new(size, &b), 0);
	assert_non_null(b);
	return b;
}

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 13 + seed * 101 + (i >> 9));
}

/* A call of any of the four request methods: each is a pending and room
 * for a reply of no result, so one finish serves them all. */
union blk_call {
	struct drv_pending pending;
	struct blk_device_read_call read;
	struct blk_device_write_call write;
	struct blk_device_flush_call flush;
	struct blk_device_discard_call discard;
};

static struct blk_info info_of(struct fixture *f)
{
	struct blk_info info;
	memset(&info, 0, sizeof info);
	assert_int_equal(blk_device_info(f->client, &info), 0);
	return info;
}

/* Waits for every call started on c; each must end as its `want` says. */
static void finish_all(struct blk_device_client *c, union blk_call *calls, const int *want,
		       unsigned n)
{
	for (unsigned done = 0; done < n; done++) {
		struct drv_pending *p = NULL;
		assert_int_equal(drv_client_next((struct drv_client *)c, -1, &p), 1);
		unsigned k = (unsigned)((union blk_call *)(void *)p - calls);
		assert_true(k < n);
		assert_int_equal(blk_device_write_finish(&calls[k].write), want ? want[k] : 0);
	}
	assert_int_equal(drv_client_in_flight((struct drv_client *)c), 0);
}

/* ---- the probe ---- */

static void probe(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk_model *m = &f->model;
	/* the transport's features and the block device's the driver knows;
	 * not MQ, GEOMETRY, TOPOLOGY or RING_PACKED, which it does not */
	assert_int_equal(m->driver_features,
			 VBM_F(VBM_F_SEG_MAX) | VBM_F(VBM_F_BLK_SIZE) | VBM_F(VBM_F_FLUSH) |
				 VBM_F(VBM_F_DISCARD) | VBM_F(VBM_F_INDIRECT) |
				 VBM_F(VBM_F_EVENT_IDX) | VBM_F(VBM_F_VERSION_1) |
				 VBM_F(VBM_F_ACCESS_PLATFORM));
	assert_int_equal(m->status, 0x0f); /* ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK */
	assert_int_equal(m->qsize, 256);
	assert_int_equal(m->qenable, 1);
	assert_int_equal(m->qvector, f->desc->irqs[VIRTIOBLK_IRQ_QUEUE].vector);
	assert_int_equal(m->config_vector, f->desc->irqs[VIRTIOBLK_IRQ_CONFIG].vector);
	assert_int_not_equal(m->qvector, m->config_vector);
	/* the rings in the coherent buffer, where the library put them */
	assert_int_equal(m->qdesc, f->res.dma[RINGS].bus);
	assert_true(m->qdriver > m->qdesc && m->qdevice > m->qdriver);
	assert_int_equal(m->qdevice % 4, 0);

	struct blk_info info = info_of(f);
	assert_int_equal(m->requests[VBM_T_GET_ID], 1); /* asked at start */
	assert_int_equal(info.block_size, 512);
	assert_int_equal(info.blocks, SECTORS);
	assert_int_equal(info.max_blocks, MAX_BLOCKS);
	assert_int_equal(info.max_segments, MAX_SEGMENTS);
	assert_int_equal(info.queue_depth, DEPTH);
	assert_int_equal(info.features, BLK_FEATURES_FLUSH | BLK_FEATURES_DISCARD);
	assert_memory_equal(info.model, "virtio-blk\0", 11);
	assert_memory_equal(info.serial, "drvgen-model-0001\0\0\0", 20);
	assert_quiet(f);
}

/* A device with 4096-byte blocks: blocks count in them, the device's
 * sectors in 512 bytes. */
static int setup_4k_blocks(void **state)
{
	static const struct variant v = {.blk_size = 4096, .chunk = PAGE};
	return setup_variant(state, &v);
}

static void blocks_of_4k(void **state)
{
	struct fixture *f = *state;
	struct blk_info info = info_of(f);
	struct drv_buffer *b = new_buffer(4 * PAGE);
	assert_int_equal(info.block_size, 4096);
	assert_int_equal(info.blocks, SECTORS / 8);
	assert_int_equal(info.max_blocks, MAX_BLOCKS * 512 / 4096); /* 4 MiB, in whole blocks */
	assert_int_equal(info.max_segments, MAX_SEGMENTS);
	fill(b->data, b->size, 2);
	assert_int_equal(blk_device_write(f->client, b, 3, 2, PAGE), 0);
	assert_memory_equal(f->disk + 3 * 4096, (uint8_t *)b->data + PAGE, 2 * 4096);
	memset(f->disk + 100 * 4096, 0x11, 4096);
	assert_int_equal(blk_device_discard(f->client, 100, 1), 0);
	assert_int_equal(f->disk[100 * 4096], 0);
	assert_int_equal(f->disk[100 * 4096 + 4095], 0);
	assert_int_equal(blk_device_read(f->client, b, SECTORS / 8, 1, 0), BLK_ERROR_RANGE);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* What a device must be for the library to drive it. */
static void probe_refuses(void **state)
{
	(void)state;
	static const struct {
		uint64_t drop;
		int want;
	} cases[] = {
		{VBM_F(VBM_F_VERSION_1), -ENODEV},	 /* a legacy device */
		{VBM_F(VBM_F_ACCESS_PLATFORM), -ENODEV}, /* DMA past the IOMMU */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct variant v = {.drop = cases[i].drop, .chunk = PAGE};
		struct fixture *f = new_device(&v);
		assert_int_equal(f->desc->bind(f->drv, &f->res), 0);
		assert_int_equal(f->desc->init(f->drv), cases[i].want);
		assert_false(f->model.status & 0x04); /* never DRIVER_OK */
		assert_true(f->model.status & 0x80);  /* FAILED */
		free_device(f);
	}
	/* no device configuration structure among the capabilities */
	static const struct variant plain = {.chunk = PAGE};
	struct fixture *f = new_device(&plain);
	f->model.config[0x90 + 3] = 9; /* the device capability becomes vendor data */
	assert_int_equal(f->desc->bind(f->drv, &f->res), 0);
	assert_int_equal(f->desc->init(f->drv), -ENODEV);
	assert_int_equal(f->model.status, 0); /* untouched */
	free_device(f);
}

/* ---- data ---- */

/* Writes then reads back at the start, the end and across the disk, at
 * offsets inside the caller's buffer; what lands on the disk is what was
 * written, and nothing else moves. */
static void round_trip(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer((size_t)WHOLE * 512 + 3 * PAGE);
	static const struct {
		uint64_t lba;
		uint32_t count;
		uint64_t offset;
	} cases[] = {
		{0, 1, 0},
		{0, WHOLE, 512},       /* unaligned: 254 pieces */
		{SECTORS - 1, 1, 100}, /* the last block, at an odd offset */
		{SECTORS - WHOLE, WHOLE, PAGE},
		{4000, 37, 3 * PAGE - 7},
	};
	uint8_t *shadow = malloc(DISK);
	assert_non_null(shadow);
	memset(shadow, 0, DISK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t bytes = (size_t)cases[i].count * 512;
		uint8_t *data = (uint8_t *)b->data + cases[i].offset;
		fill(data, bytes, (unsigned)i + 1);
		memcpy(shadow + cases[i].lba * 512, data, bytes);
		assert_int_equal(blk_device_write(f->client, b, cases[i].lba, cases[i].count,
						  cases[i].offset),
				 0);
		assert_memory_equal(f->disk, shadow, DISK);
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t bytes = (size_t)cases[i].count * 512;
		memset(b->data, 0xee, b->size);
		assert_int_equal(blk_device_read(f->client, b, cases[i].lba, cases[i].count,
						 cases[i].offset),
				 0);
		uint8_t *data = (uint8_t *)b->data;
		assert_memory_equal(data + cases[i].offset, shadow + cases[i].lba * 512, bytes);
		/* not a byte outside the range asked for */
		for (size_t k = 0; k < cases[i].offset; k++)
			assert_int_equal(data[k], 0xee);
		assert_int_equal(data[cases[i].offset + bytes], 0xee);
	}
	assert_int_equal(f->model.requests[VBM_T_OUT], 5);
	assert_int_equal(f->model.requests[VBM_T_IN], 5);
	assert_int_equal(f->model.indirect, 11); /* the ID, and every read and write */
	assert_true(drv_sim_stream_maps(f->res.streams[DATA]) == 10);
	free(shadow);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* DEPTH requests in flight at once, the device holding them all; one more
 * is BUSY; then they complete newest first, a few at a time, each with its
 * own data. */
static void many_in_flight(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer((size_t)(DEPTH + 1) * 8 * 512);
	union blk_call *calls = calloc(DEPTH + 1, sizeof *calls);
	assert_non_null(calls);
	info_of(f);
	fill(b->data, b->size, 7);
	f->model.hold = true;
	for (unsigned i = 0; i <= DEPTH; i++)
		assert_int_equal(blk_device_write_start(f->client, b, 16ull * i, 8, 8ull * 512 * i,
							&calls[i].write),
				 0);
	/* the one past the depth is answered at once */
	assert_int_equal(drv_client_wait((struct drv_client *)f->client, &calls[DEPTH].pending, 0),
			 1);
	assert_int_equal(blk_device_write_finish(&calls[DEPTH].write), BLK_ERROR_BUSY);
	/* let the device see them, still holding them */
	for (unsigned r = 0; r < 3; r++)
		assert_true(drv_server_run_once(f->server, 0) >= 0);
	assert_int_equal(f->model.most_pending, DEPTH);
	assert_int_equal(drv_sim_stream_mapped(f->res.streams[DATA]), DEPTH);
	f->model.hold = false;
	f->model.newest_first = true;
	f->model.per_run = 5;
	finish_all(f->client, calls, NULL, DEPTH);
	for (unsigned i = 0; i < DEPTH; i++)
		assert_memory_equal(f->disk + 16 * 512 * i, (uint8_t *)b->data + 8 * 512 * i,
				    8 * 512);
	/* every one read back at once too */
	memset(b->data, 0, b->size);
	for (unsigned i = 0; i < DEPTH; i++)
		assert_int_equal(blk_device_read_start(f->client, b, 16ull * i, 8, 8ull * 512 * i,
						       &calls[i].read),
				 0);
	finish_all(f->client, calls, NULL, DEPTH);
	for (unsigned i = 0; i < DEPTH; i++)
		assert_memory_equal((uint8_t *)b->data + 8 * 512 * i, f->disk + 16 * 512 * i,
				    8 * 512);
	free(calls);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* An eight-entry queue: its rings wrap every eight requests, and its
 * 16-bit indexes past 65535 too; completions come out of order. */
static void ring_wraps(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(8 * PAGE);
	union blk_call calls[8];
	struct blk_info info = info_of(f);
	assert_int_equal(info.queue_depth, 8);
	/* 6 data pieces at most: no chain is longer than the queue */
	assert_int_equal(info.max_segments, 6);
	f->model.newest_first = true;
	f->model.per_run = 3;
	memset(calls, 0, sizeof calls);
	/* writes, checked on the disk */
	for (unsigned round = 0; round < 40; round++) {
		fill(b->data, b->size, round);
		for (unsigned i = 0; i < 8; i++)
			assert_int_equal(
				blk_device_write_start(f->client, b, 8ull * (round * 8 + i), 8,
						       (uint64_t)PAGE * i, &calls[i].write),
				0);
		finish_all(f->client, calls, NULL, 8);
		assert_memory_equal(f->disk + (size_t)round * 64 * 512, b->data, 8 * PAGE);
	}
	/* flushes until the 16-bit indexes have wrapped */
	f->model.per_run = 0;
	while (f->model.completed < 66000) {
		for (unsigned i = 0; i < 8; i++)
			assert_int_equal(blk_device_flush_start(f->client, &calls[i].flush), 0);
		finish_all(f->client, calls, NULL, 8);
	}
	assert_true(f->model.used_idx < f->model.completed);
	/* and data still goes where it should */
	fill(b->data, b->size, 77);
	assert_int_equal(blk_device_write(f->client, b, 100, 40, 512), 0);
	assert_memory_equal(f->disk + 100 * 512, (uint8_t *)b->data + 512, 40 * 512);
	memset(b->data, 0, b->size);
	assert_int_equal(blk_device_read(f->client, b, 100, 40, 0), 0);
	assert_memory_equal(b->data, f->disk + 100 * 512, 40 * 512);
	assert_int_equal(blk_device_write(f->client, b, 100, 48, 0), 0);	     /* 6 pages */
	assert_int_equal(blk_device_write(f->client, b, 100, 49, 0), BLK_ERROR_RANGE); /* 7 */
	drv_buffer_free(b);
	assert_quiet(f);
}

/* Without indirect descriptors a request is a chain of the queue's own:
 * fewer at once, the same data. Without the event index every request is
 * notified and interrupts. Without FLUSH a flush has nothing to do; without
 * DISCARD a discard is UNSUPPORTED. Each buffer is one piece. */
static void plain_device(void **state)
{
	struct fixture *f = *state;
	struct blk_info info = info_of(f);
	/* a request may have 256 / 4 - 2 = 62 segments, for 4 of them at once;
	 * its data at any offset, 61 pages */
	assert_int_equal(info.queue_depth, 256 / (62 + 2));
	assert_int_equal(info.max_segments, 62);
	assert_int_equal(info.features, 0);
	const uint32_t whole = 61 * PAGE / 512;
	struct drv_buffer *b = new_buffer((size_t)whole * 512 + 512);
	union blk_call calls[3];
	memset(calls, 0, sizeof calls);
	for (unsigned round = 0; round < 20; round++) {
		fill(b->data, b->size, round);
		for (unsigned i = 0; i < 3; i++)
			assert_int_equal(blk_device_write_start(f->client, b, 100ull * i + round,
								100, 512ull * i, &calls[i].write),
					 0);
		finish_all(f->client, calls, NULL, 3);
		for (unsigned i = 0; i < 3; i++)
			assert_memory_equal(f->disk + (100 * i + round) * 512,
					    (uint8_t *)b->data + 512 * i, 100 * 512);
	}
	memset(b->data, 0, b->size);
	assert_int_equal(blk_device_read(f->client, b, 7, whole, 512), 0);
	assert_memory_equal((uint8_t *)b->data + 512, f->disk + 7 * 512, whole * 512);
	assert_int_equal(f->model.indirect, 0);
	assert_int_equal(f->model.direct, 62);
	unsigned flushes = f->model.requests[VBM_T_FLUSH];
	assert_int_equal(blk_device_flush(f->client), 0);
	assert_int_equal(f->model.requests[VBM_T_FLUSH], flushes);
	assert_int_equal(blk_device_discard(f->client, 0, 8), BLK_ERROR_UNSUPPORTED);
	assert_int_equal(f->model.requests[VBM_T_DISCARD], 0);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* ---- refusals ---- */

/* Every request out of range is RANGE before the device or the DMA
 * mapping sees it. */
static void out_of_range(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(MAX_BLOCKS * 512 + PAGE);
	struct drv_buffer *small = new_buffer(PAGE);
	info_of(f);
	unsigned requests = f->model.completed, maps = drv_sim_stream_maps(f->res.streams[DATA]);
	static const struct {
		uint64_t lba;
		uint32_t count;
		uint64_t offset;
	} cases[] = {
		{SECTORS, 1, 0},     /* past the end */
		{SECTORS - 1, 2, 0}, /* across the end */
		{UINT64_MAX, 1, 0},
		{UINT64_MAX - 1, 4, 0}, /* lba + count wraps */
		{0, 0, 0},		/* nothing */
		{0, MAX_BLOCKS + 1, 0}, /* more than max_blocks */
		{0, UINT32_MAX, 0},
		{0, 1, MAX_BLOCKS * 512 + PAGE},       /* the offset at the buffer's end */
		{0, 8, MAX_BLOCKS * 512 + PAGE - 512}, /* the bytes past it */
		{0, 1, UINT64_MAX - 100},	       /* offset + bytes wraps */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(blk_device_read(f->client, b, cases[i].lba, cases[i].count,
						 cases[i].offset),
				 BLK_ERROR_RANGE);
		assert_int_equal(blk_device_write(f->client, b, cases[i].lba, cases[i].count,
						  cases[i].offset),
				 BLK_ERROR_RANGE);
		if (cases[i].offset == 0)
			assert_int_equal(
				blk_device_discard(f->client, cases[i].lba, cases[i].count),
				BLK_ERROR_RANGE);
	}
	/* a buffer smaller than the blocks */
	assert_int_equal(blk_device_read(f->client, small, 0, 9, 0), BLK_ERROR_RANGE);
	assert_int_equal(f->model.completed, requests);
	assert_int_equal(f->model.notifies, 1); /* the ID's */
	assert_int_equal(drv_sim_stream_maps(f->res.streams[DATA]), maps);
	/* the edges are in range */
	assert_int_equal(blk_device_read(f->client, small, SECTORS - 8, 8, 0), 0);
	assert_int_equal(blk_device_discard(f->client, SECTORS - MAX_BLOCKS, MAX_BLOCKS), 0);
	drv_buffer_free(small);
	drv_buffer_free(b);
	assert_quiet(f);
}

static void read_only(void **state)
{
	struct fixture *f = *state;
	struct blk_info info = info_of(f);
	struct drv_buffer *b = new_buffer(PAGE);
	assert_int_equal(info.features, BLK_FEATURES_READ_ONLY | BLK_FEATURES_FLUSH);
	fill(f->disk, PAGE, 3);
	assert_int_equal(blk_device_write(f->client, b, 0, 8, 0), BLK_ERROR_READ_ONLY);
	assert_int_equal(blk_device_write(f->client, b, SECTORS, 8, 0), BLK_ERROR_READ_ONLY);
	assert_int_equal(blk_device_discard(f->client, 0, 8), BLK_ERROR_READ_ONLY);
	assert_int_equal(f->model.requests[VBM_T_OUT], 0);
	assert_int_equal(f->model.requests[VBM_T_DISCARD], 0);
	assert_int_equal(blk_device_read(f->client, b, 0, 8, 0), 0);
	assert_memory_equal(b->data, f->disk, PAGE);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* A device that takes 4 data segments: a buffer in more pieces is RANGE
 * before the device sees it. */
static void few_segments(void **state)
{
	struct fixture *f = *state;
	struct blk_info info = info_of(f);
	struct drv_buffer *b = new_buffer(5 * PAGE);
	assert_int_equal(info.max_segments, 4);
	fill(b->data, b->size, 9);
	assert_int_equal(blk_device_write(f->client, b, 1, 24, 512), 0); /* 4 pieces */
	assert_memory_equal(f->disk + 512, (uint8_t *)b->data + 512, 24 * 512);
	unsigned requests = f->model.requests[VBM_T_OUT];
	assert_int_equal(blk_device_write(f->client, b, 1, 32, 0), 0); /* 4 pieces */
	requests++;
	assert_int_equal(blk_device_write(f->client, b, 1, 32, 512), BLK_ERROR_RANGE); /* 5 */
	assert_int_equal(f->model.requests[VBM_T_OUT], requests);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* A buffer in one piece goes to the device as one request of up to
 * max_blocks, however many pages it covers: what max_segments - 1 pages
 * hold is only what fits at any offset. */
static void long_in_one_piece(void **state)
{
	struct fixture *f = *state;
	struct blk_info info = info_of(f);
	struct drv_buffer *b = new_buffer((size_t)MAX_BLOCKS * 512 + PAGE);
	assert_int_equal(info.max_blocks, MAX_BLOCKS);
	assert_true(MAX_BLOCKS * 512 / PAGE > MAX_SEGMENTS);
	unsigned writes = f->model.requests[VBM_T_OUT], reads = f->model.requests[VBM_T_IN];
	fill(b->data, b->size, 5);
	assert_int_equal(blk_device_write(f->client, b, 1, MAX_BLOCKS, 512), 0);
	assert_int_equal(f->model.requests[VBM_T_OUT], writes + 1);
	assert_memory_equal(f->disk + 512, (uint8_t *)b->data + 512, (size_t)MAX_BLOCKS * 512);
	memset(b->data, 0, b->size);
	assert_int_equal(blk_device_read(f->client, b, 1, MAX_BLOCKS, 0), 0);
	assert_int_equal(f->model.requests[VBM_T_IN], reads + 1);
	assert_memory_equal(b->data, f->disk + 512, (size_t)MAX_BLOCKS * 512);
	assert_int_equal(blk_device_write(f->client, b, 1, MAX_BLOCKS + 1, 0), BLK_ERROR_RANGE);
	assert_int_equal(f->model.requests[VBM_T_OUT], writes + 1);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* max_blocks keeps a request within size_max (one piece, as an IOMMU maps
 * it, never longer) and within the largest discard. */
static void device_limits(void **state)
{
	struct fixture *f = *state;
	struct blk_info info = info_of(f);
	struct drv_buffer *b = new_buffer(8 * PAGE);
	assert_true(f->model.driver_features & VBM_F(VBM_F_SIZE_MAX));
	assert_int_equal(info.max_blocks, 24);
	fill(b->data, b->size, 6);
	assert_int_equal(blk_device_write(f->client, b, 0, 24, 100), 0);
	assert_memory_equal(f->disk, (uint8_t *)b->data + 100, 24 * 512);
	assert_int_equal(blk_device_discard(f->client, 0, 24), 0);
	assert_int_equal(f->disk[0], 0);
	assert_int_equal(blk_device_discard(f->client, 0, 25), BLK_ERROR_RANGE);
	assert_int_equal(blk_device_write(f->client, b, 0, 25, 0), BLK_ERROR_RANGE);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* ---- flush, discard, and the device's errors ---- */

static void flush_and_discard(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	assert_int_equal(blk_device_flush(f->client), 0);
	assert_int_equal(f->model.requests[VBM_T_FLUSH], 1);
	memset(f->disk, 0x5a, 64 * 512);
	assert_int_equal(blk_device_discard(f->client, 8, 16), 0);
	assert_int_equal(f->model.requests[VBM_T_DISCARD], 1);
	for (unsigned i = 0; i < 64 * 512; i++)
		assert_int_equal(f->disk[i], i >= 8 * 512 && i < 24 * 512 ? 0 : 0x5a);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* IOERR is IO, UNSUPP is UNSUPPORTED; the next request is fine again. */
static void device_errors(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	f->model.status_of[VBM_T_IN] = VBM_S_IOERR;
	f->model.status_of[VBM_T_OUT] = VBM_S_UNSUPP;
	f->model.status_of[VBM_T_FLUSH] = VBM_S_IOERR;
	f->model.status_of[VBM_T_DISCARD] = VBM_S_UNSUPP;
	assert_int_equal(blk_device_read(f->client, b, 0, 8, 0), BLK_ERROR_IO);
	assert_int_equal(blk_device_write(f->client, b, 0, 8, 0), BLK_ERROR_UNSUPPORTED);
	assert_int_equal(blk_device_flush(f->client), BLK_ERROR_IO);
	assert_int_equal(blk_device_discard(f->client, 0, 8), BLK_ERROR_UNSUPPORTED);
	f->model.status_of[VBM_T_IN] = 7; /* no status the spec knows */
	assert_int_equal(blk_device_read(f->client, b, 0, 8, 0), BLK_ERROR_IO);
	memset(f->model.status_of, 0, sizeof f->model.status_of);
	fill(b->data, PAGE, 1);
	assert_int_equal(blk_device_write(f->client, b, 0, 8, 0), 0);
	assert_memory_equal(f->disk, b->data, PAGE);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* ---- the deadline, and a device that needs a reset ---- */

/* Requests the device never completes fail with TIMEOUT at the deadline;
 * the device is reset (so it no longer reaches the buffers) and brought
 * up again, and the next requests work. */
static void timeout_resets(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(4 * PAGE);
	union blk_call calls[4];
	int want[4] = {BLK_ERROR_TIMEOUT, BLK_ERROR_TIMEOUT, BLK_ERROR_TIMEOUT, BLK_ERROR_TIMEOUT};
	info_of(f);
	unsigned resets = f->model.resets;
	memset(calls, 0, sizeof calls);
	f->model.hold = true;
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(blk_device_read_start(f->client, b, 8ull * i, 8,
						       (uint64_t)PAGE * i, &calls[i].read),
				 0);
	finish_all(f->client, calls, want, 4);
	assert_int_equal(f->deadlines, 30); /* DEADLINE_TICKS */
	assert_int_equal(f->model.resets, resets + 1);
	assert_int_equal(f->model.status, 0x0f); /* up again */
	assert_int_equal(drv_sim_timer_interval(f->res.timers[0]), VIRTIOBLK_TIMER_DEADLINE_NS);
	assert_false(drv_sim_timer_armed(f->res.timers[0])); /* nothing in flight */
	f->model.hold = false;
	fill(b->data, b->size, 4);
	assert_int_equal(blk_device_write(f->client, b, 0, 32, 0), 0);
	assert_memory_equal(f->disk, b->data, 32 * 512);
	struct blk_info info = info_of(f);
	assert_int_equal(info.blocks, SECTORS);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* A notification the device never got: the next tick without a completion
 * notifies it again, and the requests complete, no reset, no error. */
static void lost_notification(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(2 * PAGE);
	union blk_call calls[2];
	int want[2] = {0, 0};
	info_of(f);
	unsigned resets = f->model.resets, notifies = f->model.notifies;
	memset(calls, 0, sizeof calls);
	f->model.lose_notifies = 2;
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(blk_device_read_start(f->client, b, 8ull * i, 8,
						       (uint64_t)PAGE * i, &calls[i].read),
				 0);
	finish_all(f->client, calls, want, 2);
	assert_int_equal(f->model.lose_notifies, 0);
	assert_true(f->deadlines >= 1 && f->deadlines < 30);
	assert_true(f->model.notifies > notifies + 2); /* notified again */
	assert_int_equal(f->model.resets, resets);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* Completions the device put in the used ring without the interrupt the
 * event index asked for: the next tick without a completion takes them,
 * no reset, no error, and the device is not notified again for them. */
static void lost_interrupt(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	union blk_call call;
	int want = 0;
	info_of(f);
	unsigned resets = f->model.resets, interrupts = f->model.interrupts;
	unsigned notifies = f->model.notifies;
	memset(&call, 0, sizeof call);
	f->model.lose_interrupts = 1;
	assert_int_equal(blk_device_read_start(f->client, b, 8, 8, 0, &call.read), 0);
	finish_all(f->client, &call, &want, 1);
	assert_int_equal(f->model.lose_interrupts, 0);
	assert_int_equal(f->model.interrupts, interrupts); /* none came */
	assert_true(f->deadlines >= 1 && f->deadlines < 30);
	assert_int_equal(f->model.notifies, notifies + 1); /* not notified again */
	assert_int_equal(f->model.resets, resets);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* DEVICE_NEEDS_RESET: the requests in flight fail with IO, the device is
 * brought up again. */
static void needs_reset(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	union blk_call calls[2];
	int want[2] = {BLK_ERROR_IO, BLK_ERROR_IO};
	info_of(f);
	unsigned resets = f->model.resets;
	memset(calls, 0, sizeof calls);
	f->model.hold = true;
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(blk_device_write_start(f->client, b, i, 1, 0, &calls[i].write), 0);
	assert_true(drv_server_run_once(f->server, 0) >= 0);
	virtio_blk_model_break(&f->model);
	finish_all(f->client, calls, want, 2);
	assert_int_equal(f->deadlines, 0); /* the interrupt said so, not the timer */
	assert_int_equal(f->model.resets, resets + 1);
	assert_int_equal(f->model.status, 0x0f);
	f->model.hold = false;
	assert_int_equal(blk_device_write(f->client, b, 0, 1, 0), 0);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* A used entry that names no request in flight is not believed: the
 * queue is broken, the device reset. */
static void hostile_used_entry(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	struct virtio_blk_model *m = &f->model;
	info_of(f);
	unsigned resets = m->resets;
	/* descriptor 200 was never made available */
	uint8_t *used = f->rings + (m->qdevice - f->res.dma[RINGS].bus);
	unsigned slot = m->used_idx & (m->qsize - 1);
	memset(used + 4 + 8 * slot, 0, 8);
	used[4 + 8 * slot] = 200;
	m->used_idx++;
	used[2] = (uint8_t)m->used_idx;
	used[3] = (uint8_t)(m->used_idx >> 8);
	on_msi(f, f->desc->irqs[VIRTIOBLK_IRQ_QUEUE].vector);
	assert_true(drv_server_run_once(f->server, 0) >= 0);
	assert_int_equal(m->resets, resets + 1);
	assert_int_equal(m->status, 0x0f);
	assert_int_equal(blk_device_read(f->client, b, 0, 8, 0), 0);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* ---- interrupts ---- */

/* Under INTx the ISR says what happened, and reading it lowers the line;
 * an interrupt with nothing in the ISR is another device's. */
static void intx(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	info_of(f);
	fill(b->data, PAGE, 5);
	assert_int_equal(blk_device_write(f->client, b, 3, 8, 0), 0);
	assert_int_equal(blk_device_read(f->client, b, 3, 8, 0), 0);
	assert_memory_equal(f->disk + 3 * 512, b->data, PAGE);
	assert_false(f->model.intx_level);
	assert_int_equal(f->model.isr, 0);
	/* the ID, the write, the read: one interrupt each, all on the line
	 * (the first interrupt's) */
	assert_int_equal(f->irqs, 3);
	assert_int_equal(f->lines[VIRTIOBLK_IRQ_CONFIG].taken, 3);
	assert_int_equal(f->model.interrupts, 3);
	assert_false(f->desc->irq(f->drv, VIRTIOBLK_IRQ_CONFIG)); /* a shared line's other device */
	drv_buffer_free(b);
	assert_quiet(f);
}

/* Under MSI-X each cause has its own vector: completions come on the
 * queue's, a configuration change on the configuration's, and each is
 * told to the hook as its own interrupt. */
static void vectors(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	struct irq_line *queue = &f->lines[VIRTIOBLK_IRQ_QUEUE];
	struct irq_line *config = &f->lines[VIRTIOBLK_IRQ_CONFIG];
	info_of(f);
	assert_int_equal(queue->taken, 1); /* the ID */
	assert_int_equal(config->taken, 0);
	assert_int_equal(blk_device_write(f->client, b, 0, 8, 0), 0);
	assert_int_equal(blk_device_read(f->client, b, 0, 8, 0), 0);
	assert_int_equal(queue->taken, 3);
	assert_int_equal(config->taken, 0);
	virtio_blk_model_resize(&f->model, SECTORS / 2);
	assert_true(drv_server_run_once(f->server, 0) >= 0);
	assert_int_equal(config->taken, 1);
	assert_int_equal(queue->taken, 3);
	assert_int_equal(f->events, 1);
	assert_int_equal(f->media_changed, SECTORS / 2);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* Under INTx a configuration change arrives as the first interrupt too,
 * and the ISR says it is one. */
static void intx_resize(void **state)
{
	struct fixture *f = *state;
	info_of(f);
	virtio_blk_model_resize(&f->model, SECTORS / 4);
	assert_true(drv_server_run_once(f->server, 0) >= 0);
	assert_int_equal(f->events, 1);
	assert_int_equal(f->media_changed, SECTORS / 4);
	assert_int_equal(f->lines[VIRTIOBLK_IRQ_QUEUE].taken, 0);
	assert_false(f->model.intx_level);
	assert_quiet(f);
}

/* A resize: a configuration change; the clients hear of it, and info and
 * the range checks follow. */
static void resize(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	info_of(f);
	virtio_blk_model_resize(&f->model, SECTORS / 2);
	assert_true(drv_server_run_once(f->server, 0) >= 0);
	assert_int_equal(f->events, 1);
	assert_int_equal(f->media_changed, SECTORS / 2);
	assert_int_equal(info_of(f).blocks, SECTORS / 2);
	assert_int_equal(blk_device_read(f->client, b, SECTORS / 2, 1, 0), BLK_ERROR_RANGE);
	assert_int_equal(blk_device_read(f->client, b, SECTORS / 2 - 1, 1, 0), 0);
	drv_buffer_free(b);
	assert_quiet(f);
}

/* ---- power ---- */

/* Idle, the driver resets the device for its sleep and brings it up again
 * on resume; requests in flight keep it awake. */
static void suspend_resume(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	union blk_call call;
	memset(&call, 0, sizeof call);
	info_of(f);
	fill(b->data, PAGE, 3);
	assert_int_equal(blk_device_write(f->client, b, 5, 8, 0), 0);
	f->model.hold = true;
	assert_int_equal(blk_device_read_start(f->client, b, 5, 8, 0, &call.read), 0);
	assert_true(drv_server_run_once(f->server, 0) >= 0);
	assert_int_equal(f->desc->suspend(f->drv), -EBUSY);
	assert_int_equal(f->model.status, 0x0f);
	f->model.hold = false;
	finish_all(f->client, &call, NULL, 1);
	unsigned resets = f->model.resets;
	assert_int_equal(f->desc->suspend(f->drv), 0);
	assert_false(drv_sim_timer_armed(f->res.timers[0])); /* no tick finds it reset */
	assert_int_equal(f->model.resets, resets + 1);
	assert_int_equal(f->model.status, 0);
	assert_int_equal(f->desc->resume(f->drv), 0);
	assert_int_equal(f->model.status, 0x0f);
	memset(b->data, 0, PAGE);
	assert_int_equal(blk_device_read(f->client, b, 5, 8, 0), 0);
	uint8_t want[PAGE];
	fill(want, PAGE, 3);
	assert_memory_equal(b->data, want, PAGE); /* what was written before the sleep */
	drv_buffer_free(b);
	assert_quiet(f);
}

/* ---- stop ---- */

/* Stop with requests in flight: the device is reset before their buffers
 * are let go; the runtime answers them. */
static void stop_in_flight(void **state)
{
	struct fixture *f = *state;
	struct drv_buffer *b = new_buffer(PAGE);
	union blk_call calls[2];
	memset(calls, 0, sizeof calls);
	info_of(f);
	f->model.hold = true;
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(blk_device_write_start(f->client, b, i, 1, 0, &calls[i].write), 0);
	assert_true(drv_server_run_once(f->server, 0) >= 0);
	assert_int_equal(drv_sim_stream_mapped(f->res.streams[DATA]), 2);
	f->desc->stop(f->drv);
	f->stopped = true;
	assert_int_equal(f->model.status, 0);
	assert_int_equal(f->model.npending, 0);
	assert_int_equal(drv_sim_stream_mapped(f->res.streams[DATA]), 0);
	assert_false(drv_sim_timer_armed(f->res.timers[0]));
	/* the calls' storage goes with this function: the client first */
	blk_device_disconnect(f->client);
	f->client = NULL;
	drv_buffer_free(b);
	assert_int_equal(f->model.guest_errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(probe, setup, teardown),
		cmocka_unit_test_setup_teardown(blocks_of_4k, setup_4k_blocks, teardown),
		cmocka_unit_test(probe_refuses),
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(many_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(ring_wraps, setup_small_queue, teardown),
		cmocka_unit_test_setup_teardown(plain_device, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(read_only, setup_read_only, teardown),
		cmocka_unit_test_setup_teardown(few_segments, setup_few_segments, teardown),
		cmocka_unit_test_setup_teardown(long_in_one_piece, setup_one_piece, teardown),
		cmocka_unit_test_setup_teardown(device_limits, setup_limits, teardown),
		cmocka_unit_test_setup_teardown(flush_and_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(device_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(timeout_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_notification, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(needs_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_used_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(intx, setup_intx, teardown),
		cmocka_unit_test_setup_teardown(intx_resize, setup_intx, teardown),
		cmocka_unit_test_setup_teardown(vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(suspend_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(resize, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_in_flight, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
