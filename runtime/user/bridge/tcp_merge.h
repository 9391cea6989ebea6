/* SPDX-License-Identifier: MIT */
/* tcp_merge.h - drvgen-tap's receive-side merging of TCP segments (what
 * Linux calls GRO), so that the frames a receive brought reach the TAP
 * interface as a few long segments instead of one write each.
 *
 * The frames of one receive are offered in order. Consecutive segments of
 * one TCP flow over IPv4 whose checksums are right, whose headers agree
 * and whose sequence numbers follow on join a merge; anything else ends it.
 * A merge of more than one segment is written as one frame with a
 * virtio-net header asking for segmentation (gso_type TCPV4, the first
 * segment's length as gso_size) and a partial checksum (NEEDS_CSUM), as a
 * virtio NIC hands a merged segment to its host: the kernel takes it as
 * checked. A frame that cannot join is written as it came.
 *
 * The frames are the bridge's own (its receive buffer, between two
 * receives): the first segment's headers are rewritten in place, and the
 * payloads are written from where they lie, without a copy.
 */
#ifndef DRVGEN_TCP_MERGE_H
#define DRVGEN_TCP_MERGE_H

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

enum {
	TCP_MERGE_MAX_SEGMENTS = 64, /* a receive's frames: the protocol's bound */
	TCP_MERGE_MAX_IP = 65535,    /* an IPv4 packet's length */
};

struct tcp_merge {
	/* the segments taken: the first whole (headers and payload), then
	 * each payload */
	struct iovec iov[1 + TCP_MERGE_MAX_SEGMENTS];
	unsigned count;
	uint8_t *first;    /* the first segment's frame */
	uint32_t header;   /* its headers' bytes: Ethernet, IPv4, TCP */
	uint32_t mss;      /* its payload's bytes: no later one may be longer */
	uint32_t ip_bytes; /* the merged IPv4 packet's length */
	uint32_t next_seq; /* the sequence number that follows */
	bool closed;       /* a shorter segment or PSH ended it */
};

/* Offers the next frame of a receive: true if it joined the merge (which it
 * starts when there is none). False if it cannot: the caller writes the merge
 * out (tcp_merge_finish) and offers it again, or writes it as it is if it is
 * not a TCP segment that can start one (false again). */
bool tcp_merge_add(struct tcp_merge *m, uint8_t *frame, uint32_t length);

/* Ends the merge: fills h and returns the iovec count of the frame to write
 * after it (0: there was none). The first segment's headers are rewritten
 * for the merged packet when there are several. The merge is empty again. */
unsigned tcp_merge_finish(struct tcp_merge *m, struct virtio_net_hdr *h, const struct iovec **iov);

#endif
