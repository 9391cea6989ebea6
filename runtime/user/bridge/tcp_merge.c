// SPDX-License-Identifier: MIT
/* tcp_merge.c - merging the TCP segments of a receive (tcp_merge.h). The
 * rules are those a NIC's large receive offload keeps: only plain data
 * segments (ACK, and PSH on the last) of one flow, in sequence, with equal
 * headers but for the sequence number and the IPv4 length, identification
 * and checksum; each one checked before it joins, since the merged packet
 * reaches TCP as checked. */
#include "tcp_merge.h"

#include <arpa/inet.h>
#include <string.h>

enum {
	ETH_HEADER = 14,
	ETH_TYPE_IPV4 = 0x0800,
	IPV4_HEADER = 20, /* without options: a merge takes none */
	IP_PROTO_TCP = 6,
	TCP_HEADER = 20,
	TCP_CHECK = 16, /* the checksum's offset in the TCP header */
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
};

static uint32_t get_be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
	return get_be16(p) << 16 | get_be16(p + 2);
}

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The ones' complement sum of n bytes (RFC 1071), in network order, plus
 * sum. Summed a word at a time in the machine's order, which gives the same
 * sum byte-swapped. */
static uint32_t ones_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	uint64_t acc = 0;
	for (; n >= 4; p += 4, n -= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
	}
	for (; n >= 2; p += 2, n -= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
	}
	if (n) {
		uint16_t w = 0;
		memcpy(&w, p, 1); /* the last byte is a word's first, padded with 0 */
		acc += w;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	acc = ntohs((uint16_t)acc) + (uint64_t)sum;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

/* The sum of the IPv4 pseudo-header of a TCP segment of tcp_bytes. */
static uint32_t pseudo_sum(const uint8_t *ip, uint32_t tcp_bytes)
{
	return ones_sum(IP_PROTO_TCP + tcp_bytes, ip + 12, 8);
}

/* A frame that can be merged: a plain TCP data segment over IPv4, its
 * checksums right. */
struct segment {
	uint32_t ip_bytes; /* the IPv4 packet's length (the frame may be padded) */
	uint32_t header;   /* Ethernet, IPv4 and TCP headers */
	uint32_t payload;
	uint32_t seq;
	bool psh;
};

static bool segment_of(const uint8_t *frame, uint32_t length, struct segment *s)
{
	const uint8_t *ip = frame + ETH_HEADER, *tcp = ip + IPV4_HEADER;
	if (length < ETH_HEADER + IPV4_HEADER + TCP_HEADER ||
	    get_be16(frame + 12) != ETH_TYPE_IPV4 || ip[0] != 0x45 || ip[9] != IP_PROTO_TCP ||
	    (get_be16(ip + 6) & 0x3fff)) /* options, another protocol, a fragment */
		return false;
	uint32_t ip_bytes = get_be16(ip + 2), tcp_header = (uint32_t)(tcp[12] >> 4) * 4;
	if (ETH_HEADER + ip_bytes > length || tcp_header < TCP_HEADER ||
	    IPV4_HEADER + tcp_header >= ip_bytes || (tcp[13] & ~TCP_PSH) != TCP_ACK)
		return false; /* no payload, or a flag that ends a merge (FIN, SYN, RST, URG, ECN) */
	if (ones_sum(0, ip, IPV4_HEADER) != 0xffff ||
	    ones_sum(pseudo_sum(ip, ip_bytes - IPV4_HEADER), tcp, ip_bytes - IPV4_HEADER) != 0xffff)
		return false; /* bad: the kernel drops it */
	*s = (struct segment){.ip_bytes = ip_bytes,
			      .header = ETH_HEADER + IPV4_HEADER + tcp_header,
			      .payload = ip_bytes - IPV4_HEADER - tcp_header,
			      .seq = get_be32(tcp + 4),
			      .psh = tcp[13] & TCP_PSH};
	return true;
}

/* Whether a segment's headers are the merge's, but for what each segment
 * has of its own: the IPv4 length, identification and checksum, the
 * sequence number, PSH and the TCP checksum. */
static bool same_flow(const struct tcp_merge *m, const uint8_t *frame, const struct segment *s)
{
	const uint8_t *a = m->first + ETH_HEADER, *b = frame + ETH_HEADER;
	const uint8_t *at = a + IPV4_HEADER, *bt = b + IPV4_HEADER;
	return s->header == m->header && !memcmp(m->first, frame, ETH_HEADER) &&
	       a[1] == b[1] && a[6] == b[6] && a[8] == b[8] && !memcmp(a + 12, b + 12, 8) &&
	       !memcmp(at, bt, 4) && !memcmp(at + 8, bt + 8, 5) &&
	       (at[13] & ~TCP_PSH) == (bt[13] & ~TCP_PSH) && !memcmp(at + 14, bt + 14, 2) &&
	       !memcmp(at + TCP_HEADER, bt + TCP_HEADER,
		       m->header - ETH_HEADER - IPV4_HEADER - TCP_HEADER);
}

bool tcp_merge_add(struct tcp_merge *m, uint8_t *frame, uint32_t length)
{
	struct segment s;
	if (!segment_of(frame, length, &s))
		return false;
	if (!m->count) {
		*m = (struct tcp_merge){.first = frame, .header = s.header, .mss = s.payload,
					.ip_bytes = s.ip_bytes, .next_seq = s.seq + s.payload,
					.closed = s.psh, .count = 1};
		m->iov[0] = (struct iovec){frame, ETH_HEADER + s.ip_bytes};
		return true;
	}
	if (m->closed || m->count == TCP_MERGE_MAX_SEGMENTS || s.seq != m->next_seq ||
	    s.payload > m->mss || m->ip_bytes + s.payload > TCP_MERGE_MAX_IP ||
	    !same_flow(m, frame, &s))
		return false;
	m->iov[m->count++] = (struct iovec){frame + s.header, s.payload};
	m->ip_bytes += s.payload;
	m->next_seq += s.payload;
	m->closed = s.psh || s.payload < m->mss;
	if (s.psh)
		m->first[ETH_HEADER + IPV4_HEADER + 13] |= TCP_PSH;
	return true;
}

unsigned tcp_merge_finish(struct tcp_merge *m, struct virtio_net_hdr *h, const struct iovec **iov)
{
	unsigned count = m->count;
	*h = (struct virtio_net_hdr){.gso_type = VIRTIO_NET_HDR_GSO_NONE};
	*iov = m->iov;
	m->count = 0;
	if (count < 2)
		return count;
	uint8_t *ip = m->first + ETH_HEADER, *tcp = ip + IPV4_HEADER;
	put_be16(ip + 2, m->ip_bytes);
	put_be16(ip + 10, 0);
	put_be16(ip + 10, ~ones_sum(0, ip, IPV4_HEADER));
	/* a partial checksum: the pseudo-header's sum, as the stack leaves it */
	put_be16(tcp + TCP_CHECK, pseudo_sum(ip, m->ip_bytes - IPV4_HEADER));
	*h = (struct virtio_net_hdr){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = (uint16_t)m->header,
		.gso_size = (uint16_t)m->mss,
		.csum_start = ETH_HEADER + IPV4_HEADER,
		.csum_offset = TCP_CHECK,
	};
	return count;
}
