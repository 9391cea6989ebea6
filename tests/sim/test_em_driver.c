// SPDX-License-Identifier: MIT
/* test_em_driver.c - the em driver itself (specs/e1000/em.c, the file the
 * kernel module and the userspace server build) run on the host against
 * the 82540EM model (tests/models/e1000_model.c), through its generated
 * glue (em_driver_desc) and served over the userspace runtime to an
 * in-process client using the generated net::nic stubs.
 *
 * It covers what the QEMU test cannot make QEMU do: a transmit ring that
 * fills (the send waits for room, and for the link), the link going down
 * and up, frames over several receive descriptors, frames the device flags
 * bad, a receive ring that overflows, and MPC read-to-clear or sticky.
 *
 * The test plays the runtime (driver_harness.h): it binds the driver to a
 * simulated BAR and slices of host memory standing in for RAM, runs init,
 * serves net::nic, and routes the model's INTx line to the irq hook. A
 * call that waits, waits in the server's loop, whose next round makes the
 * test's next move (harness.meanwhile): a frame from the wire, the wire
 * freed, the link changed. Nothing sleeps; a hang is cut off by alarm().
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
#include "drv_sim.h"
#include "e1000_model.h"
#include "em_driver.h"

enum {
	RAM_BASE = 0x10000000, /* the model's RAM on the bus */
	RINGS = 0,             /* the driver's DMA buffers in it */
	RINGS_SIZE = 2 * 4096,
	RX_BUFFERS = RINGS + RINGS_SIZE,
	BUFFERS_SIZE = 256 * 2048,
	TX_BUFFERS = RX_BUFFERS + BUFFERS_SIZE,
	RAM_SIZE = TX_BUFFERS + BUFFERS_SIZE,
	RING = 256,
	SLOT = 2048,
	SLOTS = 64,
	JUMBO = 9000 + 18,
	JUMBO_SLOT = 9216,
	TX_BUF = 64 * 2048,
};

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t other_mac[6] = {0x52, 0x54, 0x00, 0x65, 0x43, 0x21};

struct fixture {
	struct e1000_model model;
	uint8_t *ram;
	struct drv_sim *sim;
	struct drv_resources res;
	struct harness h;
	struct net_nic_client *client;
	struct drv_buffer *tx, *rx;
	/* link_changed events */
	struct net_link events[8];
	unsigned nevents;
};

static void on_link_changed(void *ctx, const struct net_link *state)
{
	struct fixture *f = ctx;
	assert_true(f->nevents < 8);
	f->events[f->nevents++] = *state;
}

static struct drv_buffer *new_buffer(size_t size)
{
	struct drv_buffer *b = NULL;
	assert_int_equal(drv_buffer_new(size, &b), 0);
	return b;
}

/* The device and its resources, the driver allocated and bound: what the
 * runtime has before it calls init. */
static struct fixture *new_device(void)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	alarm(60); /* a hang is a failure, not a stuck build */
	f->ram = calloc(1, RAM_SIZE);
	assert_non_null(f->ram);
	e1000_model_init(&f->model, mac);
	f->model.ram = f->ram;
	f->model.ram_base = RAM_BASE;
	f->model.ram_size = RAM_SIZE;
	f->model.irq = harness_line;
	f->model.irq_ctx = &f->h;
	f->sim = drv_sim_new();
	f->res.io[0] = drv_sim_map(f->sim, &e1000_bar0_desc, e1000_model_ops(&f->model));
	f->res.dma[0] = (struct drv_dma_buffer){f->ram + RINGS, RAM_BASE + RINGS, RINGS_SIZE};
	f->res.dma[1] =
		(struct drv_dma_buffer){f->ram + RX_BUFFERS, RAM_BASE + RX_BUFFERS, BUFFERS_SIZE};
	f->res.dma[2] =
		(struct drv_dma_buffer){f->ram + TX_BUFFERS, RAM_BASE + TX_BUFFERS, BUFFERS_SIZE};

	const struct drv_driver_desc *desc = &em_driver_desc;
	assert_int_equal(desc->nmmio, 1);
	assert_int_equal(desc->nirqs, 1);
	assert_int_equal(desc->ndma, 3);
	assert_int_equal(desc->dma[0].size, RINGS_SIZE);
	assert_int_equal(desc->dma[1].size, BUFFERS_SIZE);
	assert_int_equal(desc->dma[2].size, BUFFERS_SIZE);
	assert_ptr_equal(desc->interfaces[0], &net_nic_interface);
	f->h = (struct harness){.desc = desc, .line = &f->model.irq_level, .ctx = f};
	harness_new_driver(&f->h);
	return f;
}

/* The remove (stop, if the probe ran and the test did not), then the
 * device. */
static void free_device(struct fixture *f)
{
	harness_free(&f->h);
	drv_sim_free(f->sim);
	e1000_model_free(&f->model);
	free(f->ram);
	free(f);
	alarm(0);
}

/* The probe: bind, init, serve, start; a client subscribed to
 * link_changed. */
static int setup(void **state)
{
	struct fixture *f = new_device();
	harness_probe(&f->h, &f->res);
	f->client = (struct net_nic_client *)harness_connect(&f->h);
	assert_int_equal(net_nic_on_link_changed(f->client, on_link_changed, f), 0);
	f->tx = new_buffer(TX_BUF);
	f->rx = new_buffer((size_t)SLOTS * JUMBO_SLOT);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	net_nic_disconnect(f->client);
	drv_buffer_free(f->tx);
	drv_buffer_free(f->rx);
	free_device(f);
	return 0;
}

/* What every test ends with: nothing a device would choke on, no call
 * left hanging, every interrupt the device's. */
static void assert_quiet(struct fixture *f)
{
	harness_assert_quiet(&f->h);
	assert_int_equal(f->model.guest_errors, 0);
}

static uint32_t reg(const struct fixture *f, uint32_t offset)
{
	return e1000_model_reg(&f->model, offset);
}

/* A frame to dst of length bytes, its payload from seed. */
static void make_frame(uint8_t *p, const uint8_t *dst, size_t length, unsigned seed)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, other_mac, 6);
	p[12] = 0x88;
	p[13] = 0xb5;
	for (size_t i = 14; i < length; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

/* The wire brings a frame to the device, addressed to it. */
static void arrive(struct fixture *f, size_t length, unsigned seed, uint8_t errors)
{
	uint8_t frame[JUMBO + 64];
	make_frame(frame, mac, length, seed);
	assert_true(e1000_model_receive(&f->model, frame, length, errors));
}

static void assert_frame(const uint8_t *got, uint32_t got_len, size_t length, unsigned seed)
{
	uint8_t want[JUMBO + 64];
	make_frame(want, mac, length, seed);
	assert_int_equal(got_len, length);
	assert_memory_equal(got, want, length);
}

static int receive(struct fixture *f, uint32_t slot, struct net_frame *frames, uint32_t *n)
{
	return net_nic_receive(f->client, f->rx, SLOTS, slot, frames, n);
}

/* ---- the probe ---- */

/* init: reset, address from the EEPROM into RA[0], filters empty, rings
 * of 256 set up with every receive buffer lent but one, receiver and
 * transmitter on; start: only the link interrupt. */
static void init_programs_the_device(void **state)
{
	struct fixture *f = *state;
	struct net_info info;
	assert_int_equal(net_nic_info(f->client, &info), 0);
	assert_memory_equal(info.address.octets, mac, 6);
	assert_int_equal(info.mtu, 1500);
	assert_int_equal(info.max_mtu, 9000);
	assert_int_equal(info.max_batch, 64);

	assert_int_equal(f->model.resets, 1);
	assert_int_equal(reg(f, 0x5400), 0x12005452);            /* RAL[0] */
	assert_int_equal(reg(f, 0x5404), 0x80000000u | 0x5634);  /* RAH[0]: AV */
	for (uint32_t i = 1; i < 16; i++)
		assert_int_equal(reg(f, 0x5404 + 8 * i), 0);
	for (uint32_t i = 0; i < 128; i++)
		assert_int_equal(reg(f, 0x5200 + 4 * i), 0);
	assert_int_equal(reg(f, 0x2800), RAM_BASE + RINGS);        /* RDBAL */
	assert_int_equal(reg(f, 0x2808), RING * 16);               /* RDLEN */
	assert_int_equal(reg(f, 0x2818), RING - 1);                /* RDT */
	assert_int_equal(reg(f, 0x3800), RAM_BASE + RINGS + 4096); /* TDBAL */
	assert_int_equal(reg(f, 0x3808), RING * 16);               /* TDLEN */
	assert_int_equal(reg(f, 0x3818), 0);                       /* TDT */
	/* RCTL: EN, BAM, SECRC, 2 KiB buffers, no LPE, UPE or MPE */
	assert_int_equal(reg(f, 0x0100), (1u << 1) | (1u << 15) | (1u << 26));
	/* TCTL: EN, PSP, CT 15, COLD 64 */
	assert_int_equal(reg(f, 0x0400), (1u << 1) | (1u << 3) | (15u << 4) | (64u << 12));
	assert_int_equal(reg(f, 0x00c4), 195);            /* ITR */
	assert_int_equal(reg(f, 0x00d0), 1u << 2);         /* IMS: LSC */
	assert_int_equal(reg(f, 0x0000) & (1u << 6), 1u << 6); /* CTRL.SLU */
	assert_quiet(f);
}

static void init_refuses_a_bad_eeprom(void **state)
{
	(void)state;
	struct fixture *f = new_device();
	f->model.eeprom[5] ^= 1; /* checksum wrong */
	assert_int_equal(f->h.desc->bind(f->h.drv, &f->res), 0);
	assert_int_equal(f->h.desc->init(f->h.drv), -EIO);
	f->model.eeprom[5] ^= 1;
	f->model.eeprom[0] |= 1; /* a multicast address, checksum right */
	e1000_model_fix_checksum(&f->model);
	assert_int_equal(f->h.desc->init(f->h.drv), -EIO);
	assert_int_equal(f->model.guest_errors, 0);
	free_device(f);
}

/* ---- send ---- */

/* Frames are copied out of the caller's buffer and sent, and the call is
 * answered at once, with no interrupt. */
static void send_copies_frames(void **state)
{
	struct fixture *f = *state;
	static const size_t lengths[3] = {60, 1514, 1518};
	struct net_frame fr[3];
	for (unsigned i = 0; i < 3; i++) {
		fr[i] = (struct net_frame){i * 2048 + 100, (uint32_t)lengths[i]};
		make_frame((uint8_t *)f->tx->data + fr[i].offset, other_mac, lengths[i], i);
	}
	uint32_t queued = 0;
	assert_int_equal(net_nic_send(f->client, f->tx, fr, 3, &queued), 0);
	assert_int_equal(queued, 3);
	assert_int_equal(f->model.nsent, 3);
	for (unsigned i = 0; i < 3; i++) {
		uint32_t len = 0;
		const uint8_t *got = e1000_model_sent(&f->model, i, &len);
		assert_int_equal(len, lengths[i]);
		assert_memory_equal(got, (uint8_t *)f->tx->data + fr[i].offset, len);
	}
	assert_int_equal(f->h.irqs, 0);
	assert_quiet(f);
}

/* At MTU 9000 a 9018-byte frame goes out through five descriptors. */
static void send_jumbo(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(net_nic_set_mtu(f->client, 9000), 0);
	assert_int_equal(reg(f, 0x0100) & (1u << 5), 1u << 5); /* RCTL.LPE */
	make_frame(f->tx->data, other_mac, JUMBO, 9);
	struct net_frame fr = {0, JUMBO};
	uint32_t queued = 0, len = 0;
	assert_int_equal(net_nic_send(f->client, f->tx, &fr, 1, &queued), 0);
	assert_int_equal(queued, 1);
	assert_int_equal(f->model.tx_descriptors, 5);
	const uint8_t *got = e1000_model_sent(&f->model, 0, &len);
	assert_int_equal(len, JUMBO);
	assert_memory_equal(got, f->tx->data, JUMBO);
	fr.length = JUMBO + 1;
	assert_int_equal(net_nic_send(f->client, f->tx, &fr, 1, &queued), NET_ERROR_RANGE);
	assert_int_equal(net_nic_set_mtu(f->client, 1500), 0);
	assert_int_equal(reg(f, 0x0100) & (1u << 5), 0);
	assert_quiet(f);
}

/* 64 one-descriptor frames, each numbered. */
static void number_frames(struct fixture *f, struct net_frame *fr, unsigned first)
{
	for (unsigned i = 0; i < 64; i++) {
		fr[i] = (struct net_frame){i * 64, 60};
		make_frame((uint8_t *)f->tx->data + i * 64, other_mac, 60, first + i);
	}
}

static void free_the_wire(void *ctx)
{
	struct fixture *f = ctx;
	f->model.tx_held = false;
	e1000_model_transmit(&f->model);
}

/* Fills the ring while the wire is busy: 255 frames fit. */
static void fill_tx_ring(struct fixture *f)
{
	struct net_frame fr[64];
	uint32_t queued = 0;
	f->model.tx_held = true;
	for (unsigned k = 0; k < 4; k++) {
		number_frames(f, fr, k * 64);
		assert_int_equal(net_nic_send(f->client, f->tx, fr, 64, &queued), 0);
		assert_int_equal(queued, k < 3 ? 64 : 63);
	}
	assert_int_equal(f->model.nsent, 0);
}

/* A send that finds the ring full waits; the device's transmit interrupt
 * (enabled only meanwhile) lets it in; every frame goes out in order. */
static void full_ring_defers_send(void **state)
{
	struct fixture *f = *state;
	struct net_frame fr[64];
	uint32_t queued = 0;
	fill_tx_ring(f);
	number_frames(f, fr, 1000);
	f->h.meanwhile = free_the_wire;
	assert_int_equal(net_nic_send(f->client, f->tx, fr, 2, &queued), 0);
	assert_int_equal(queued, 2);
	assert_true(f->h.irqs >= 1);
	assert_int_equal(f->model.nsent, 257);
	for (unsigned i = 0; i < 257; i++) {
		uint32_t len = 0;
		const uint8_t *got = e1000_model_sent(&f->model, i, &len);
		uint8_t want[60];
		make_frame(want, other_mac, 60, i < 255 ? i : 1000 + i - 255);
		assert_int_equal(len, 60);
		assert_memory_equal(got, want, 60);
	}
	assert_int_equal(reg(f, 0x00d0), 1u << 2); /* IMS: LSC alone again */
	assert_quiet(f);
}

static void link_down(void *ctx)
{
	struct fixture *f = ctx;
	e1000_model_set_link(&f->model, false);
}

/* The link goes down while a send waits for room: it is answered
 * LINK_DOWN, clients hear link_changed, and sends are refused until the
 * link is back. */
static void link_down_and_up(void **state)
{
	struct fixture *f = *state;
	struct net_frame fr[64];
	uint32_t queued = 0;
	fill_tx_ring(f);
	number_frames(f, fr, 1000);
	f->h.meanwhile = link_down;
	assert_int_equal(net_nic_send(f->client, f->tx, fr, 1, &queued), NET_ERROR_LINK_DOWN);
	assert_int_equal(f->nevents, 1);
	assert_false(f->events[0].up);
	assert_int_equal(f->events[0].speed_mbps, 0);
	struct net_link link;
	assert_int_equal(net_nic_link(f->client, &link), 0);
	assert_false(link.up);
	assert_int_equal(net_nic_send(f->client, f->tx, fr, 1, &queued), NET_ERROR_LINK_DOWN);

	f->model.tx_held = false;
	e1000_model_set_link(&f->model, true);
	harness_pump(&f->h);
	assert_int_equal(f->nevents, 2);
	assert_true(f->events[1].up && f->events[1].full_duplex);
	assert_int_equal(f->events[1].speed_mbps, 1000);
	assert_int_equal(f->model.nsent, 255); /* what waited for the link */
	assert_int_equal(net_nic_send(f->client, f->tx, fr, 1, &queued), 0);
	assert_int_equal(queued, 1);
	assert_int_equal(f->model.nsent, 256);
	assert_quiet(f);
}

/* ---- send with offloads ---- */

enum { IP = 14, TCP = IP + 20, PAYLOAD = TCP + 20, MSS = 1448 };

/* The ones' complement sum of n bytes, folded to 16 bits (RFC 1071), added to sum. */
static uint32_t ones_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The IPv4 pseudo-header's sum for a TCP or UDP length. */
static uint32_t pseudo_sum(const uint8_t *frame, uint8_t protocol, uint32_t length)
{
	uint32_t sum = ones_sum(0, frame + IP + 12, 8) + protocol + length;
	return ones_sum(sum, (const uint8_t[]){0, 0}, 2);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 frame of length bytes to 10.0.3.2 carrying protocol (6: TCP, 17: UDP), its
 * checksum field holding the pseudo-header's sum, as Linux leaves it for the device, and its
 * IPv4 header checksum right for the whole frame. */
static struct net_offload make_ipv4(uint8_t *p, size_t length, uint8_t protocol, unsigned seed)
{
	make_frame(p, other_mac, length, seed);
	p[12] = 0x08;
	p[13] = 0x00;
	memset(p + IP, 0, 20);
	p[IP] = 0x45;
	put16(p + IP + 2, length - IP);
	put16(p + IP + 4, 0x1000 + seed);
	p[IP + 8] = 64;
	p[IP + 9] = protocol;
	memcpy(p + IP + 12, (const uint8_t[]){10, 0, 3, 15, 10, 0, 3, 2}, 8);
	put16(p + IP + 10, ~ones_sum(0, p + IP, 20) & 0xffff);
	uint16_t check = protocol == 6 ? 16 : 6;
	if (protocol == 6) {
		memset(p + TCP, 0, 20);
		put16(p + TCP, 40000);
		put16(p + TCP + 2, 5201);
		put16(p + TCP + 4, 0x1234);
		put16(p + TCP + 6, 0xfff0); /* the sequence number wraps past 2^16 */
		p[TCP + 12] = 5 << 4;
		p[TCP + 13] = 0x18; /* PSH, ACK */
	} else {
		put16(p + TCP + 4, length - TCP);
		put16(p + TCP + 6, 0);
	}
	put16(p + TCP + check, pseudo_sum(p, protocol, (uint32_t)(length - TCP)));
	return (struct net_offload){.checksum = true, .csum_start = TCP, .csum_offset = check};
}

/* Whether a frame's IPv4 header checksum and its TCP or UDP checksum are right. */
static void assert_checksums(const uint8_t *p, uint32_t length)
{
	uint8_t protocol = p[IP + 9];
	assert_int_equal(ones_sum(0, p + IP, 20), 0xffff);
	assert_int_equal(ones_sum(pseudo_sum(p, protocol, length - TCP), p + TCP, length - TCP),
			 0xffff);
}

/* The device computes TCP and UDP checksums; frames whose checksums lie alike share a
 * context descriptor, and a frame without an offload goes as it is. */
static void send_offloaded_checksums(void **state)
{
	struct fixture *f = *state;
	static const uint8_t protocols[4] = {6, 6, 17, 0};
	struct net_offloaded_frame fr[4];
	for (unsigned i = 0; i < 4; i++) {
		uint8_t *p = (uint8_t *)f->tx->data + i * 2048;
		fr[i] = (struct net_offloaded_frame){.offset = i * 2048, .length = 1000 + i};
		if (protocols[i])
			fr[i].offload = make_ipv4(p, fr[i].length, protocols[i], i);
		else
			make_frame(p, other_mac, fr[i].length, i);
	}
	uint32_t queued = 0;
	assert_int_equal(net_nic_send_offloaded(f->client, f->tx, fr, 4, &queued), 0);
	assert_int_equal(queued, 4);
	assert_int_equal(f->model.nsent, 4);
	assert_int_equal(f->model.contexts, 2); /* TCP's, then UDP's */
	for (unsigned i = 0; i < 4; i++) {
		uint32_t len = 0;
		const uint8_t *got = e1000_model_sent(&f->model, i, &len);
		assert_int_equal(len, fr[i].length);
		if (protocols[i])
			assert_checksums(got, len);
		else
			assert_memory_equal(got, (uint8_t *)f->tx->data + fr[i].offset, len);
	}
	assert_int_equal(f->model.guest_errors, 0);
	assert_quiet(f);
}

/* A 10 KiB TCP segment goes as one frame and leaves the device as seven, each with its own
 * IPv4 length, identification and checksum, sequence number and TCP checksum, and PSH only on
 * the last; a frame with a checksum after it needs a context of its own again. */
static void send_offloaded_segments(void **state)
{
	struct fixture *f = *state;
	const uint32_t length = PAYLOAD + 10000;
	uint8_t *p = f->tx->data;
	struct net_offloaded_frame fr[2] = {
		{.offset = 0, .length = length, .offload = make_ipv4(p, length, 6, 1)},
		{.offset = 16384, .length = 200},
	};
	fr[0].offload.segmentation = NET_SEGMENTATION_TCP4;
	fr[0].offload.header_length = PAYLOAD;
	fr[0].offload.segment_size = MSS;
	fr[1].offload = make_ipv4(p + 16384, 200, 6, 2);
	uint32_t queued = 0;
	assert_int_equal(net_nic_send_offloaded(f->client, f->tx, fr, 2, &queued), 0);
	assert_int_equal(queued, 2);
	assert_int_equal(f->model.segmented, 1);
	assert_int_equal(f->model.contexts, 2);
	assert_int_equal(f->model.nsent, 8);
	for (uint32_t k = 0, done = 0; k < 7; k++) {
		uint32_t len = 0, n = k < 6 ? MSS : 10000 - 6 * MSS;
		const uint8_t *got = e1000_model_sent(&f->model, k, &len);
		assert_int_equal(len, PAYLOAD + n);
		assert_int_equal(get16(got + IP + 2), len - IP);
		assert_int_equal(get16(got + IP + 4), 0x1001 + k);
		uint32_t seq = (uint32_t)get16(got + TCP + 4) << 16 | get16(got + TCP + 6);
		assert_int_equal(seq, 0x1234fff0u + done);
		assert_int_equal(got[TCP + 13], k < 6 ? 0x10 : 0x18);
		assert_checksums(got, len);
		assert_memory_equal(got + PAYLOAD, p + PAYLOAD + done, n);
		done += n;
	}
	uint32_t len = 0;
	assert_checksums(e1000_model_sent(&f->model, 7, &len), 200);
	assert_int_equal(f->model.guest_errors, 0);
	assert_quiet(f);
}

/* What the device cannot do is UNSUPPORTED, offsets outside a frame's headers are RANGE, and a
 * call with one bad frame sends nothing. */
static void send_offloaded_refuses(void **state)
{
	struct fixture *f = *state;
	const uint32_t length = PAYLOAD + 4000;
	uint8_t *p = f->tx->data;
	struct net_offload good = make_ipv4(p, length, 6, 1);
	good.segmentation = NET_SEGMENTATION_TCP4;
	good.header_length = PAYLOAD;
	good.segment_size = MSS;
	static const struct {
		int error;
		uint32_t length;
		struct net_offload offload;
	} bad[] = {
		{NET_ERROR_UNSUPPORTED, PAYLOAD + 4000,
		 {true, TCP, 16, NET_SEGMENTATION_TCP6, PAYLOAD, MSS}},
		{NET_ERROR_RANGE, PAYLOAD + 4000, {false, TCP, 16, NET_SEGMENTATION_TCP4, PAYLOAD, MSS}},
		{NET_ERROR_RANGE, PAYLOAD + 4000, {true, TCP, 6, NET_SEGMENTATION_TCP4, PAYLOAD, MSS}},
		{NET_ERROR_RANGE, PAYLOAD + 4000, {true, TCP, 16, NET_SEGMENTATION_TCP4, TCP + 19, MSS}},
		{NET_ERROR_RANGE, PAYLOAD + 4000, {true, TCP, 16, NET_SEGMENTATION_TCP4, PAYLOAD, 1500}},
		{NET_ERROR_RANGE, PAYLOAD + 4000, {true, TCP, 16, NET_SEGMENTATION_TCP4, PAYLOAD, 0}},
		{NET_ERROR_RANGE, PAYLOAD + 4000, {true, IP + 8, 16, NET_SEGMENTATION_TCP4, PAYLOAD, MSS}},
		{NET_ERROR_RANGE, PAYLOAD, {true, TCP, 16, NET_SEGMENTATION_TCP4, PAYLOAD, MSS}},
		{NET_ERROR_RANGE, 65536, {true, TCP, 16, NET_SEGMENTATION_TCP4, PAYLOAD, MSS}},
		{NET_ERROR_RANGE, PAYLOAD + 4000, {true, TCP, 16, NET_SEGMENTATION_NONE, 0, 0}},
		{NET_ERROR_RANGE, 1000, {true, 10, 16, NET_SEGMENTATION_NONE, 0, 0}},
		{NET_ERROR_RANGE, 1000, {true, 240, 16, NET_SEGMENTATION_NONE, 0, 0}},
		{NET_ERROR_RANGE, 100, {true, 90, 9, NET_SEGMENTATION_NONE, 0, 0}},
	};
	uint32_t queued = 0;
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct net_offloaded_frame fr[2] = {
			{.offset = 0, .length = length, .offload = good},
			{.offset = 0, .length = bad[i].length, .offload = bad[i].offload},
		};
		assert_int_equal(net_nic_send_offloaded(f->client, f->tx, fr, 2, &queued),
				 bad[i].error);
	}
	p[12] = 0x86; /* IPv6: no IPv4 header to cut by */
	p[13] = 0xdd;
	struct net_offloaded_frame v6 = {.offset = 0, .length = length, .offload = good};
	assert_int_equal(net_nic_send_offloaded(f->client, f->tx, &v6, 1, &queued),
			 NET_ERROR_RANGE);
	assert_int_equal(f->model.nsent, 0);
	assert_int_equal(f->model.tx_descriptors, 0);
	assert_quiet(f);
}

/* ---- receive ---- */

static void one_frame_arrives(void *ctx)
{
	struct fixture *f = ctx;
	arrive(f, 100, 1, 0);
}

/* A receive with the ring empty waits, with the receive interrupts enabled
 * meanwhile, and is answered from the interrupt. */
static void receive_waits_for_a_frame(void **state)
{
	struct fixture *f = *state;
	struct net_frame fr[SLOTS];
	uint32_t n = 0;
	f->h.meanwhile = one_frame_arrives;
	assert_int_equal(receive(f, SLOT, fr, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(fr[0].offset, 0);
	assert_frame(f->rx->data, fr[0].length, 100, 1);
	assert_int_equal(f->h.irqs, 1);
	assert_int_equal(reg(f, 0x00d0), 1u << 2); /* IMS: LSC alone again */
	assert_int_equal(reg(f, 0x2818), 0);       /* RDT: the descriptor is back */
	assert_quiet(f);
}

/* Frames that arrived while nobody received wait in the ring, raise no
 * interrupt, and come in one receive, a slot each. */
static void receive_takes_a_batch(void **state)
{
	struct fixture *f = *state;
	struct net_frame fr[SLOTS];
	uint32_t n = 0;
	for (unsigned i = 0; i < 3; i++)
		arrive(f, 60 + 500 * i, i, 0);
	assert_int_equal(receive(f, SLOT, fr, &n), 0);
	assert_int_equal(n, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(fr[i].offset, i * SLOT);
		assert_frame((uint8_t *)f->rx->data + fr[i].offset, fr[i].length, 60 + 500 * i, i);
	}
	assert_int_equal(reg(f, 0x2818), 2);
	assert_int_equal(f->h.irqs, 0);
	assert_quiet(f);
}

/* At MTU 9000 a 9018-byte frame spans five 2 KiB receive buffers and
 * comes out whole. */
static void receive_jumbo(void **state)
{
	struct fixture *f = *state;
	struct net_frame fr[SLOTS];
	uint32_t n = 0;
	assert_int_equal(net_nic_set_mtu(f->client, 9000), 0);
	assert_int_equal(receive(f, SLOT, fr, &n), NET_ERROR_RANGE); /* a slot must hold 9018 */
	arrive(f, JUMBO, 5, 0);
	arrive(f, 64, 6, 0);
	assert_int_equal(f->model.rx_descriptors, 6);
	assert_int_equal(receive(f, JUMBO_SLOT, fr, &n), 0);
	assert_int_equal(n, 2);
	assert_frame(f->rx->data, fr[0].length, JUMBO, 5);
	assert_int_equal(fr[1].offset, JUMBO_SLOT);
	assert_frame((uint8_t *)f->rx->data + JUMBO_SLOT, fr[1].length, 64, 6);
	assert_int_equal(reg(f, 0x2818), 5);
	assert_quiet(f);
}

/* Frames the device flags bad, and frames longer than the MTU allows, are
 * dropped and counted; the good ones around them come through. */
static void receive_drops_bad_frames(void **state)
{
	struct fixture *f = *state;
	struct net_frame fr[SLOTS];
	struct net_stats s;
	uint32_t n = 0;
	assert_int_equal(net_nic_set_mtu(f->client, 2000), 0); /* LPE: the device takes 2100 */
	arrive(f, 80, 1, E1000_MODEL_RXE_CE);
	arrive(f, 90, 2, 0);
	arrive(f, 2100, 3, 0); /* over 2000 + 18 */
	arrive(f, 95, 4, 0);
	assert_int_equal(receive(f, 2048 + 16, fr, &n), 0);
	assert_int_equal(n, 2);
	assert_frame(f->rx->data, fr[0].length, 90, 2);
	assert_frame((uint8_t *)f->rx->data + fr[1].offset, fr[1].length, 95, 4);
	assert_int_equal(net_nic_stats(f->client, &s), 0);
	assert_int_equal(s.rx_errors, 2);
	assert_int_equal(s.rx_packets, 4); /* the device took them all */
	assert_int_equal(s.rx_dropped, 0);
	assert_quiet(f);
}

/* Past the ring's 255 frames the device misses frames and counts them in
 * MPC; the driver adds them up once, whether or not reading MPC clears it
 * (QEMU's does not). */
static void overflow_counted_once(struct fixture *f)
{
	struct net_frame fr[SLOTS];
	struct net_stats s;
	uint32_t n = 0;
	uint8_t frame[64];
	make_frame(frame, mac, 64, 0);
	unsigned taken = 0;
	for (unsigned i = 0; i < 300; i++)
		taken += e1000_model_receive(&f->model, frame, 64, 0);
	assert_int_equal(taken, RING - 1);
	assert_int_equal(net_nic_stats(f->client, &s), 0);
	assert_int_equal(s.rx_dropped, 45);
	assert_int_equal(s.rx_packets, RING - 1);
	assert_int_equal(s.rx_bytes, (RING - 1) * 68);
	assert_int_equal(receive(f, SLOT, fr, &n), 0);
	assert_int_equal(n, 64);
	/* 64 descriptors came back: 64 more frames fit, the next is missed */
	taken = 0;
	for (unsigned i = 0; i < 65; i++)
		taken += e1000_model_receive(&f->model, frame, 64, 0);
	assert_int_equal(taken, 64);
	assert_int_equal(net_nic_stats(f->client, &s), 0);
	assert_int_equal(s.rx_dropped, 46);
	assert_int_equal(net_nic_stats(f->client, &s), 0);
	assert_int_equal(s.rx_dropped, 46);
	assert_int_equal(s.rx_packets, RING - 1 + 64);
	assert_quiet(f);
}

static void overflow_mpc_cleared_by_reads(void **state)
{
	overflow_counted_once(*state);
}

static void overflow_mpc_sticky(void **state)
{
	struct fixture *f = *state;
	f->model.mpc_sticky = true;
	overflow_counted_once(f);
}

/* ---- filters ---- */

static bool wire_takes(struct fixture *f, const uint8_t *dst)
{
	uint8_t frame[64];
	make_frame(frame, dst, 64, 0);
	return e1000_model_receive(&f->model, frame, 64, 0);
}

/* The multicast table gets the manual's hash of the list (address bits
 * 47:36); promiscuous mode takes everything. */
static void filters(void **state)
{
	struct fixture *f = *state;
	static const uint8_t mdns[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
	static const uint8_t near[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfc};
	static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct net_address list[2];
	memcpy(list[0].octets, mdns, 6);
	memcpy(list[1].octets, mac, 6);

	assert_true(wire_takes(f, mac));
	assert_true(wire_takes(f, broadcast));
	assert_false(wire_takes(f, mdns));
	assert_false(wire_takes(f, other_mac));
	assert_int_equal(net_nic_set_multicast(f->client, list, 2), NET_ERROR_RANGE); /* unicast */
	assert_int_equal(net_nic_set_multicast(f->client, list, 1), 0);
	assert_int_equal(reg(f, 0x5200 + 4 * (0xfb0 / 32)), 1u << (0xfb0 % 32));
	assert_true(wire_takes(f, mdns));
	assert_false(wire_takes(f, near));
	assert_int_equal(net_nic_set_promiscuous(f->client, true), 0);
	assert_true(wire_takes(f, near));
	assert_true(wire_takes(f, other_mac));
	assert_int_equal(net_nic_set_promiscuous(f->client, false), 0);
	assert_false(wire_takes(f, other_mac));
	assert_int_equal(net_nic_set_multicast(f->client, NULL, 0), 0);
	for (uint32_t i = 0; i < 128; i++)
		assert_int_equal(reg(f, 0x5200 + 4 * i), 0);
	assert_false(wire_takes(f, mdns));
	assert_quiet(f);
}

/* ---- stop ---- */

/* stop leaves the device reset: receiver, transmitter and interrupts off. */
static void stop_quiesces(void **state)
{
	struct fixture *f = *state;
	harness_stop(&f->h);
	assert_int_equal(f->model.resets, 2);
	assert_int_equal(reg(f, 0x0100), 0);
	assert_int_equal(reg(f, 0x0400), 0);
	assert_int_equal(reg(f, 0x00d0), 0);
	assert_false(wire_takes(f, mac));
	e1000_model_set_link(&f->model, false);
	assert_false(f->model.irq_level);
	assert_quiet(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_programs_the_device, setup, teardown),
		cmocka_unit_test(init_refuses_a_bad_eeprom),
		cmocka_unit_test_setup_teardown(send_copies_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(send_jumbo, setup, teardown),
		cmocka_unit_test_setup_teardown(send_offloaded_checksums, setup, teardown),
		cmocka_unit_test_setup_teardown(send_offloaded_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(send_offloaded_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(full_ring_defers_send, setup, teardown),
		cmocka_unit_test_setup_teardown(link_down_and_up, setup, teardown),
		cmocka_unit_test_setup_teardown(receive_waits_for_a_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(receive_takes_a_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(receive_jumbo, setup, teardown),
		cmocka_unit_test_setup_teardown(receive_drops_bad_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(overflow_mpc_cleared_by_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(overflow_mpc_sticky, setup, teardown),
		cmocka_unit_test_setup_teardown(filters, setup, teardown),
		cmocka_unit_test_setup_teardown(stop_quiesces, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
