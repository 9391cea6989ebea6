// SPDX-License-Identifier: MIT
/* test_tcp_merge.c - drvgen-tap's merging of received TCP segments
 * (runtime/user/bridge/tcp_merge.c): which segments join, and that a merged
 * packet is what the kernel takes from a TAP device: the headers of the
 * first with the merged length, a right IPv4 checksum, a TCP checksum field
 * that completes to a right checksum, and the payloads in order. Checksums
 * here are summed byte by byte, apart from the merger's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tcp_merge.h"

enum { IP = 14, TCP = IP + 20, DATA = TCP + 20, MSS = 1448, SLOT = 2048, FLOWS = 8 };

static uint8_t frames[FLOWS][SLOT];

static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum += i % 2 ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static uint32_t pseudo(const uint8_t *frame, uint32_t tcp_bytes)
{
	return sum_bytes(6 + tcp_bytes, frame + IP + 12, 8);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* Frame k: a TCP segment of payload bytes at seq with flags, its checksums
 * right; the payload's bytes say where they are in the stream. */
static uint8_t *segment(unsigned k, uint32_t seq, uint32_t payload, uint8_t flags)
{
	uint8_t *f = frames[k];
	memset(f, 0, SLOT);
	memcpy(f, (const uint8_t[]){0x52, 0x54, 0, 0x12, 0x34, 0x56, 0x52, 0x55, 10, 0, 2, 2}, 12);
	put16(f + 12, 0x0800);
	f[IP] = 0x45;
	put16(f + IP + 2, 40 + payload);
	put16(f + IP + 4, 100 + k);
	f[IP + 6] = 0x40; /* DF */
	f[IP + 8] = 64;
	f[IP + 9] = 6;
	memcpy(f + IP + 12, (const uint8_t[]){10, 0, 2, 2, 10, 0, 2, 15}, 8);
	put16(f + IP + 10, ~sum_bytes(0, f + IP, 20));
	put16(f + TCP, 5201);
	put16(f + TCP + 2, 40000);
	put16(f + TCP + 4, seq >> 16);
	put16(f + TCP + 6, seq);
	put16(f + TCP + 8, 0x7777);
	put16(f + TCP + 10, 0x8888);
	f[TCP + 12] = 5 << 4;
	f[TCP + 13] = flags;
	put16(f + TCP + 14, 502);
	for (uint32_t i = 0; i < payload; i++)
		f[DATA + i] = (uint8_t)((seq + i) * 13 + 7);
	put16(f + TCP + 16, ~sum_bytes(pseudo(f, 20 + payload), f + TCP, 20 + payload));
	return f;
}

static uint32_t length_of(const uint8_t *f)
{
	return IP + get16(f + IP + 2);
}

/* Writes the merge out and checks the packet the kernel would get, made of
 * segments segs of the flow from seq0 on. */
static void check_merged(struct tcp_merge *m, unsigned segs, uint32_t seq0, uint32_t payload,
			 uint8_t flags)
{
	static uint8_t packet[TCP_MERGE_MAX_IP + IP];
	struct virtio_net_hdr h;
	const struct iovec *iov;
	assert_int_equal(tcp_merge_finish(m, &h, &iov), segs);
	size_t n = 0;
	for (unsigned i = 0; i < segs; i++) {
		memcpy(packet + n, iov[i].iov_base, iov[i].iov_len);
		n += iov[i].iov_len;
	}
	assert_int_equal(n, DATA + payload);
	assert_int_equal(get16(packet + IP + 2), 40 + payload);
	assert_int_equal(sum_bytes(0, packet + IP, 20), 0xffff);
	assert_int_equal(packet[TCP + 13], flags);
	assert_int_equal((uint32_t)get16(packet + TCP + 4) << 16 | get16(packet + TCP + 6), seq0);
	for (uint32_t i = 0; i < payload; i++)
		assert_int_equal(packet[DATA + i], (uint8_t)((seq0 + i) * 13 + 7));
	if (segs == 1) {
		assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		assert_int_equal(h.flags, 0);
		assert_int_equal(sum_bytes(pseudo(packet, 20 + payload), packet + TCP, 20 + payload),
				 0xffff);
		return;
	}
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(h.hdr_len, DATA);
	assert_int_equal(h.gso_size, MSS);
	assert_int_equal(h.csum_start, TCP);
	assert_int_equal(h.csum_offset, 16);
	/* what the kernel does with a partial checksum: sums from csum_start
	 * with the field as it is, and stores the complement */
	assert_int_equal(get16(packet + TCP + 16), pseudo(packet, 20 + payload));
	put16(packet + TCP + 16, ~sum_bytes(0, packet + TCP, 20 + payload));
	assert_int_equal(sum_bytes(pseudo(packet, 20 + payload), packet + TCP, 20 + payload), 0xffff);
}

/* Segments in sequence merge; PSH on the last one is the merge's. */
static void merges_a_flow(void **state)
{
	(void)state;
	struct tcp_merge m = {0};
	uint32_t seq = 0xfffff000; /* the sequence number wraps inside the merge */
	for (unsigned k = 0; k < 4; k++) {
		uint32_t payload = k < 3 ? MSS : 500;
		uint8_t *f = segment(k, seq + k * MSS, payload, k < 3 ? 0x10 : 0x18);
		assert_true(tcp_merge_add(&m, f, length_of(f)));
	}
	check_merged(&m, 4, seq, 3 * MSS + 500, 0x18);
}

/* A single segment goes as it came, with no offload asked. */
static void one_segment_is_left_alone(void **state)
{
	(void)state;
	struct tcp_merge m = {0};
	uint8_t *f = segment(0, 1000, 700, 0x10);
	assert_true(tcp_merge_add(&m, f, length_of(f) + 6)); /* padded: its IPv4 length counts */
	check_merged(&m, 1, 1000, 700, 0x10);
	struct virtio_net_hdr h;
	const struct iovec *iov;
	assert_int_equal(tcp_merge_finish(&m, &h, &iov), 0); /* empty again */
}

/* What ends a merge: a gap or a step back in sequence, another flow, a
 * longer segment after a shorter one, PSH, a different ACK or window. */
static void what_ends_a_merge(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		uint32_t seq_delta;
		unsigned field;
		uint8_t value;
	} cases[] = {
		{"a gap", 1, 0, 0},
		{"another port", 0, TCP + 1, 0x99},
		{"another address", 0, IP + 15, 9},
		{"another ACK", 0, TCP + 11, 0x89},
		{"another window", 0, TCP + 15, 7},
		{"another TTL", 0, IP + 8, 63},
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tcp_merge m = {0};
		uint8_t *a = segment(0, 5000, MSS, 0x10);
		assert_true(tcp_merge_add(&m, a, length_of(a)));
		uint8_t *b = segment(1, 5000 + MSS + cases[i].seq_delta, MSS, 0x10);
		if (cases[i].field) {
			b[cases[i].field] = cases[i].value;
			/* both checksums right again: only the difference counts */
			put16(b + IP + 10, 0);
			put16(b + IP + 10, ~sum_bytes(0, b + IP, 20));
			put16(b + TCP + 16, 0);
			put16(b + TCP + 16, ~sum_bytes(pseudo(b, 20 + MSS), b + TCP, 20 + MSS));
		}
		print_message("%s\n", cases[i].what);
		assert_false(tcp_merge_add(&m, b, length_of(b)));
		check_merged(&m, 1, 5000, MSS, 0x10);
	}
	struct tcp_merge m = {0};
	uint8_t *a = segment(0, 1, 500, 0x10), *b = segment(1, 501, MSS, 0x10);
	assert_true(tcp_merge_add(&m, a, length_of(a)));
	assert_false(tcp_merge_add(&m, b, length_of(b))); /* longer than the first */
	check_merged(&m, 1, 1, 500, 0x10);
	a = segment(0, 1, MSS, 0x18);
	b = segment(1, 1 + MSS, MSS, 0x10);
	assert_true(tcp_merge_add(&m, a, length_of(a)));
	assert_false(tcp_merge_add(&m, b, length_of(b))); /* after PSH */
	check_merged(&m, 1, 1, MSS, 0x18);
}

/* What never merges: a bad checksum (the kernel is to drop it), a segment
 * without data, SYN, FIN, IPv4 options, a fragment, another protocol. */
static void what_never_merges(void **state)
{
	(void)state;
	struct tcp_merge m = {0};
	uint8_t *f = segment(0, 1, MSS, 0x10);
	f[DATA + 5] ^= 1;
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	f = segment(0, 1, MSS, 0x10);
	f[IP + 8] = 1; /* the IPv4 checksum no longer holds */
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	f = segment(0, 1, 0, 0x10);
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	f = segment(0, 1, MSS, 0x12);
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	f = segment(0, 1, MSS, 0x11);
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	f = segment(0, 1, MSS, 0x10);
	assert_false(tcp_merge_add(&m, f, length_of(f) - 1)); /* cut short */
	f[IP] = 0x46;
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	f = segment(0, 1, MSS, 0x10);
	f[IP + 6] |= 0x20; /* more fragments */
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	f = segment(0, 1, MSS, 0x10);
	f[IP + 9] = 17;
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	f = segment(0, 1, MSS, 0x10);
	put16(f + 12, 0x86dd);
	assert_false(tcp_merge_add(&m, f, length_of(f)));
	struct virtio_net_hdr h;
	const struct iovec *iov;
	assert_int_equal(tcp_merge_finish(&m, &h, &iov), 0);
}

/* A merge stops short of an IPv4 packet's 65535 bytes. */
static void stops_at_the_ip_limit(void **state)
{
	(void)state;
	static uint8_t big[64][SLOT];
	struct tcp_merge m = {0};
	unsigned k = 0;
	for (;; k++) {
		uint8_t *f = segment(k % FLOWS, 7 + k * MSS, MSS, 0x10);
		memcpy(big[k], f, SLOT);
		if (!tcp_merge_add(&m, big[k], length_of(big[k])))
			break;
	}
	assert_int_equal(k, (TCP_MERGE_MAX_IP - 40) / MSS);
	check_merged(&m, k, 7, k * MSS, 0x10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merges_a_flow),
		cmocka_unit_test(one_segment_is_left_alone),
		cmocka_unit_test(what_ends_a_merge),
		cmocka_unit_test(what_never_merges),
		cmocka_unit_test(stops_at_the_ip_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
