// SPDX-License-Identifier: MIT
/*
 * em.c - the driver of Intel's 82540EM Gigabit Ethernet controller (QEMU's e1000), serving
 * net::nic (dsl/std/net.idl). Section numbers are those of Intel's "PCI/PCI-X Family of Gigabit
 * Ethernet Controllers Software Developer's Manual" (8254x).
 *
 * Written once, against the typed registers of e1000.regs.yaml and the capabilities of
 * e1000.manifest.yaml; the same file builds into the kernel module and the userspace server. Like
 * every drvgen driver it runs one event at a time and never waits: a receive that finds no frame,
 * or a send that finds the transmit ring full, is deferred and answered from the interrupt hook.
 *
 * The rings: 256 descriptors each way (3.2.3, 3.3.3), each with a 2 KiB buffer of the driver's
 * own. A send copies the client's frames into transmit buffers (a longer frame takes several
 * descriptors) and is answered at once; a receive copies frames from the receive buffers into
 * the client's slots. Frames that arrive while nobody receives wait in the ring; when it is full
 * the device drops them and counts them (MPC). A frame sent with an offload (send_offloaded)
 * goes in extended descriptors after a context descriptor that tells the device where its
 * checksums lie and how to cut it into TCP segments (3.3.5-3.3.7): one 64 KiB frame instead of
 * 45, which is what makes TCP fast.
 *
 * Interrupts (13.4.17): link-status change is always enabled; the receive causes only while a
 * receive waits, and transmit-written-back only while a send waits for room, so a busy device
 * that is kept fed raises no interrupts at all. ITR bounds the rate when it does.
 *
 * Frames come from clients, which are not trusted: every offset and length is checked against
 * the client's buffer and the MTU before a byte is copied, and a call with one bad frame sends
 * nothing.
 *
 * Erratum: QEMU's e1000 model does not clear MPC when it is read (see missed_frames).
 */
#include "em_driver.h"

/* The descriptors below are the device's little-endian layout in memory. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "em.c assumes a little-endian CPU");

enum {
	EM_RING = 256,          /* descriptors per ring: one page of 16-byte descriptors */
	EM_BUF = 2048,          /* bytes per buffer (rctl.bsize) */
	EM_HEADER = 14,         /* the shortest frame: an Ethernet header */
	EM_OVERHEAD = 18,       /* a frame is at most mtu + 18 bytes: header and 802.1Q tag */
	EM_MTU = 1500,          /* Ethernet's; above it the device needs rctl.lpe */
	EM_MIN_MTU = 68,        /* IPv4's minimum */
	EM_MAX_MTU = 9000,      /* a 9018-byte frame fits the 16 KiB transmit FIFO (pba) */
	EM_BATCH = 64,          /* frames per send or receive: the protocol's bound */
	EM_MAX_SEGMENTED = 65535, /* the longest frame the device cuts into segments */
	EM_CSUM_REACH = 255,    /* checksum offsets in a context descriptor are bytes */
	EM_IPV4_HEADER = 20,    /* the shortest IPv4 header, and TCP's */
	EM_IPV4_MAX_HEADER = 60, /* the longest IPv4 header, with options */
	EM_TCP_CHECK = 16,      /* where TCP's checksum lies in its header */
	EM_EEPROM_WORDS = 64,   /* the words the checksum covers (5.6.1) */
	EM_EEPROM_SUM = 0xbaba, /* what they add up to */
	EM_POLL = 10000,        /* reads of a register before a short operation has failed */
	EM_ITR = 195,           /* at most 20000 interrupts per second, in 256 ns units */
	EM_STATS_FOLD = 256,    /* interrupts between two readings of the counters */
};

/* ---- descriptors (3.2.3, 3.3.3) ---- */

/* A receive descriptor: the device writes length, status and errors. */
struct em_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t checksum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};

enum {
	EM_RXD_DD = 0x01,  /* status: the device is done with the descriptor */
	EM_RXD_EOP = 0x02, /* status: the last descriptor of a frame */
	/* errors that spoil a frame: CRC, symbol, sequence, carrier extension, RX data
	 * (the TCP and IP checksum bits are only the device's opinion of the payload) */
	EM_RXD_FRAME_ERRORS = 0x01 | 0x02 | 0x04 | 0x10 | 0x80,
};

/* A legacy transmit descriptor: the device writes status. */
struct em_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
};

/* A TCP/IP context descriptor (3.3.6): where the checksums of the frames after it lie and, with
 * TSE, how to cut them. The device writes status. */
struct em_tx_context {
	uint8_t ipcss;  /* the IP header's start */
	uint8_t ipcso;  /* its checksum's offset */
	uint16_t ipcse; /* its last byte */
	uint8_t tucss;  /* the TCP or UDP header's start: what its checksum sums from */
	uint8_t tucso;  /* the checksum's offset */
	uint16_t tucse; /* the last byte summed; 0: the frame's end */
	uint32_t paylen_cmd; /* TSE: the TCP payload bytes, in bits 0-19; cmd in bits 24-31 */
	uint8_t status;
	uint8_t hdr_len; /* TSE: the header each segment begins with */
	uint16_t mss;    /* TSE: the payload bytes in each segment */
};

/* A TCP/IP data descriptor (3.3.7) is a legacy one with dext set in cmd, its type in what the
 * legacy layout calls cso, and popts in what it calls css. */
enum {
	EM_TXD_EOP = 0x01,  /* cmd: the last descriptor of a frame */
	EM_TXD_IFCS = 0x02, /* cmd: append the Ethernet CRC */
	EM_TXD_TSE = 0x04,  /* cmd (data and context): cut the frame into TCP segments */
	EM_TXD_RS = 0x08,   /* cmd: report status (write status.dd back) */
	EM_TXD_DEXT = 0x20, /* cmd: an extended descriptor, data or context */
	EM_TXC_TCP = 0x01,  /* context cmd: the segments are TCP (not UDP) */
	EM_TXC_IP = 0x02,   /* context cmd: the segments are IPv4 (not IPv6) */
	EM_TXD_DATA = 0x10, /* data descriptor's type, in the cso byte */
	EM_TXD_IXSM = 0x01, /* data popts: insert the IPv4 header checksum */
	EM_TXD_TXSM = 0x02, /* data popts: insert the TCP or UDP checksum */
	EM_TXD_DD = 0x01,   /* status: sent */
};

_Static_assert(sizeof(struct em_rx_desc) == 16 && sizeof(struct em_tx_desc) == 16 &&
		       sizeof(struct em_tx_context) == 16,
	       "descriptors are 16 bytes");

/* Interrupt causes (icr, ims, imc) the driver enables. */
enum {
	EM_IRQ_LINK = E1000_ICR_LSC_MASK,
	EM_IRQ_RX = E1000_ICR_RXT0_MASK | E1000_ICR_RXO_MASK | E1000_ICR_RXDMT0_MASK,
	EM_IRQ_TX = E1000_ICR_TXDW_MASK,
};

/* ---- the driver ---- */

/* A receive waiting for frames: where they go. */
struct em_receive {
	struct drv_call *call; /* NULL: none waits */
	struct drv_pages *buf;
	uint32_t slots, slot_size;
	struct net_frame *result; /* the reply's room (the call's, until it is answered) */
};

/* A send waiting for room in the transmit ring: send's frames, or send_offloaded's. */
struct em_send {
	struct drv_call *call; /* NULL: none waits */
	struct drv_pages *buf;
	const struct net_frame *frames;
	const struct net_offloaded_frame *offloaded;
	uint32_t count;
};

/* One frame of a send, with what the device does to it (nothing, for send's). */
struct em_frame {
	uint32_t offset, length;
	struct net_offload offload;
};

struct em {
	struct em_driver base;
	struct net_address address;
	uint32_t mtu;
	bool promiscuous;
	struct net_link link; /* as last told */
	uint32_t ims;         /* the causes enabled */
	uint32_t mta[E1000_MTA_COUNT]; /* what the multicast table holds */

	volatile struct em_rx_desc *rx;
	unsigned rx_next; /* the oldest descriptor lent to the device */
	unsigned rx_tail; /* rdt: the device fills up to the one before it */
	volatile struct em_tx_desc *tx;
	unsigned tx_clean; /* the oldest descriptor the device may still be sending */
	unsigned tx_next;  /* the next free one; tdt */
	/* the checksum context the device holds (a segmentation context replaces it) */
	bool tx_context_valid;
	uint16_t tx_context_start, tx_context_offset;

	struct em_receive receive;
	struct em_send send;

	struct net_stats stats; /* the device's counters, added up, and the driver's own */
	uint32_t mpc_seen;      /* the erratum in missed_frames */
	unsigned irqs;          /* since the counters were last read */
};
EM_DRIVER(struct em);

static struct em *from_net_nic(struct net_nic *self)
{
	return drv_container_of(self, struct em, base.net_nic);
}

static struct e1000_bar0 regs(const struct em *em)
{
	return em->base.caps.regs;
}

static unsigned ring_next(unsigned i)
{
	return (i + 1) % EM_RING;
}

static uint32_t max_frame(const struct em *em)
{
	return em->mtu + EM_OVERHEAD;
}

/* The descriptors a frame of length bytes takes. */
static unsigned descriptors(uint32_t length)
{
	return (length + EM_BUF - 1) / EM_BUF;
}

/* ---- interrupts ---- */

static void enable_irqs(struct em *em, uint32_t causes)
{
	if (!(causes & ~em->ims))
		return;
	em->ims |= causes;
	e1000_ims_set(regs(em), e1000_icr_value(causes));
}

static void disable_irqs(struct em *em, uint32_t causes)
{
	if (!(causes & em->ims))
		return;
	em->ims &= ~causes;
	e1000_imc_write(regs(em), e1000_icr_value(causes));
}

/* ---- the link ---- */

static struct net_link read_link(const struct em *em)
{
	e1000_status_t status = e1000_status_read(regs(em));
	struct net_link link = {.up = false, .full_duplex = false, .speed_mbps = 0};

	if (!e1000_status_lu_get(status))
		return link;
	link.up = true;
	link.full_duplex = e1000_status_fd_get(status);
	switch (e1000_status_speed_get(status)) {
	case E1000_STATUS_SPEED_MBPS10:
		link.speed_mbps = 10;
		break;
	case E1000_STATUS_SPEED_MBPS100:
		link.speed_mbps = 100;
		break;
	default: /* 2 and 3 both mean 1000 (13.4.2) */
		link.speed_mbps = 1000;
		break;
	}
	return link;
}

/* ---- statistics (13.7) ---- */

/*
 * Frames the device missed since the last look (MPC).
 *
 * Erratum: QEMU's e1000 model (7.2, and still in later releases) does not clear MPC when it is
 * read, as 13.7 says every statistics register is: its count only grows. The driver reads MPC
 * twice in a row when it is not 0: a device that clears it gives less the second time (only what
 * it missed in between), QEMU's the same, and then what counts is how far it grew since the
 * driver last looked.
 */
static uint32_t missed_frames(struct em *em)
{
	uint32_t first = e1000_mpc_read(regs(em)), again, grown;

	if (!first)
		return 0;
	again = e1000_mpc_read(regs(em));
	if (again < first)
		return first + again; /* cleared by each read */
	grown = again >= em->mpc_seen ? again - em->mpc_seen : again;
	em->mpc_seen = again;
	return grown;
}

/* Adds the device's counters to stats; reading them clears them. The 64-bit octet counters are
 * read low half first (13.7). */
static void read_counters(struct em *em)
{
	struct e1000_bar0 r = regs(em);
	struct net_stats *s = &em->stats;
	uint64_t low;

	s->rx_packets += e1000_gprc_read(r);
	low = e1000_gorcl_read(r);
	s->rx_bytes += low | (uint64_t)e1000_gorch_read(r) << 32;
	s->tx_packets += e1000_gptc_read(r);
	low = e1000_gotcl_read(r);
	s->tx_bytes += low | (uint64_t)e1000_gotch_read(r) << 32;
	s->rx_errors += e1000_crcerrs_read(r);
	s->rx_errors += e1000_algnerrc_read(r);
	s->rx_errors += e1000_rxerrc_read(r);
	s->rx_errors += e1000_cexterr_read(r);
	s->rx_errors += e1000_ruc_read(r);
	s->rx_errors += e1000_roc_read(r);
	s->rx_dropped += missed_frames(em);
	s->tx_errors += e1000_ecol_read(r);
	s->tx_errors += e1000_latecol_read(r);
	s->collisions += e1000_colc_read(r);
	em->irqs = 0;
}

/* ---- transmit ---- */

static unsigned tx_free(const struct em *em)
{
	/* one descriptor stays empty: tdh == tdt means the ring is empty */
	return EM_RING - 1 - (em->tx_next + EM_RING - em->tx_clean) % EM_RING;
}

/* Takes back the descriptors the device has sent. */
static void reclaim_tx(struct em *em)
{
	while (em->tx_clean != em->tx_next && (em->tx[em->tx_clean].status & EM_TXD_DD))
		em->tx_clean = ring_next(em->tx_clean);
}

static struct em_frame frame_at(const struct em_send *s, uint32_t i)
{
	if (s->offloaded)
		return (struct em_frame){.offset = s->offloaded[i].offset,
					 .length = s->offloaded[i].length,
					 .offload = s->offloaded[i].offload};
	return (struct em_frame){.offset = s->frames[i].offset, .length = s->frames[i].length};
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Where the IPv4 header of a frame starts, after the Ethernet header and an 802.1Q tag if there
 * is one; 0 if the frame does not carry IPv4. */
static uint32_t ipv4_start(const uint8_t *frame, uint32_t length)
{
	uint32_t type = 12;

	if (length >= 18 && get_be16(frame + type) == 0x8100)
		type = 16;
	return get_be16(frame + type) == 0x0800 ? type + 2 : 0;
}

/* 0 if the device can do what the frame's offload asks, within the frame's headers. */
static int check_offload(const struct em *em, const uint8_t *bytes, const struct em_frame *f)
{
	const struct net_offload *o = &f->offload;
	uint32_t ip;

	if (o->segmentation == NET_SEGMENTATION_NONE) {
		if (f->length > max_frame(em))
			return NET_ERROR_RANGE;
		if (o->checksum && (o->csum_start < EM_HEADER ||
				    (uint32_t)o->csum_start + o->csum_offset + 2 > f->length ||
				    (uint32_t)o->csum_start + o->csum_offset >= EM_CSUM_REACH))
			return NET_ERROR_RANGE;
		return 0;
	}
	if (o->segmentation != NET_SEGMENTATION_TCP4)
		return NET_ERROR_UNSUPPORTED; /* QEMU's model writes IPv6's payload length wrong */
	ip = ipv4_start(bytes, f->length);
	if (!o->checksum || o->csum_offset != EM_TCP_CHECK || !ip ||
	    o->csum_start < ip + EM_IPV4_HEADER || o->csum_start > ip + EM_IPV4_MAX_HEADER ||
	    o->header_length < o->csum_start + EM_IPV4_HEADER || o->header_length > EM_CSUM_REACH ||
	    o->header_length >= f->length || f->length > EM_MAX_SEGMENTED || !o->segment_size ||
	    (uint32_t)o->header_length + o->segment_size > max_frame(em))
		return NET_ERROR_RANGE;
	return 0;
}

/* 0 unless a frame does not lie in the buffer, has a length the device may not send, or an
 * offload it cannot do. */
static int check_frames(const struct em *em, const struct em_send *s)
{
	uint32_t i;

	if (!s->count)
		return NET_ERROR_RANGE;
	for (i = 0; i < s->count; i++) {
		struct em_frame f = frame_at(s, i);
		int st;

		if (f.length < EM_HEADER || f.offset > s->buf->size ||
		    f.length > s->buf->size - f.offset)
			return NET_ERROR_RANGE;
		st = check_offload(em, (const uint8_t *)s->buf->data + f.offset, &f);
		if (st)
			return st;
	}
	return 0;
}

/* Whether a frame needs a context descriptor before it: a segmented one always, one with a
 * checksum when the device holds another context. */
static bool needs_context(const struct em *em, const struct net_offload *o)
{
	if (o->segmentation != NET_SEGMENTATION_NONE)
		return true;
	return o->checksum && !(em->tx_context_valid && em->tx_context_start == o->csum_start &&
				em->tx_context_offset == o->csum_offset);
}

static unsigned frame_descriptors(const struct em *em, const struct em_frame *f)
{
	return descriptors(f->length) + needs_context(em, &f->offload);
}

/* a - b in 16-bit ones' complement arithmetic (RFC 1071) */
static uint16_t ones_subtract(uint16_t a, uint16_t b)
{
	uint32_t sum = (uint32_t)a + (uint16_t)~b;

	return (uint16_t)((sum & 0xffff) + (sum >> 16));
}

/* Fills the context descriptor at slot for the frame, whose first bytes (the headers) the
 * driver's copy holds at headers. For segmentation, that copy is made what the device expects
 * (3.3.6.1): it adds each segment's length to the pseudo-header sum it finds in the TCP checksum
 * field, so the whole frame's length the sender put in comes out, and it sums each IPv4 header
 * with its checksum field, so the field is cleared. */
static void put_context(struct em *em, unsigned slot, const struct em_frame *f, uint8_t *headers)
{
	const struct net_offload *o = &f->offload;
	volatile struct em_tx_context *c = (volatile struct em_tx_context *)&em->tx[slot];
	uint32_t cmd = EM_TXD_DEXT | EM_TXD_RS;
	uint8_t *check = headers + o->csum_start + o->csum_offset;
	uint32_t ip;

	c->tucss = (uint8_t)o->csum_start;
	c->tucso = (uint8_t)(o->csum_start + o->csum_offset);
	c->tucse = 0;
	c->status = 0;
	if (o->segmentation == NET_SEGMENTATION_NONE) {
		c->ipcss = c->ipcso = 0;
		c->ipcse = 0;
		c->paylen_cmd = cmd << 24;
		c->hdr_len = 0;
		c->mss = 0;
		em->tx_context_valid = true;
		em->tx_context_start = o->csum_start;
		em->tx_context_offset = o->csum_offset;
		return;
	}
	/* checked against the client's bytes, which it may have changed since: the copy's
	 * type decides, and a frame that lost it goes out as garbage, not out of bounds */
	ip = ipv4_start(headers, f->length);
	if (!ip)
		ip = EM_HEADER;
	put_be16(headers + ip + 10, 0);
	put_be16(check, ones_subtract(get_be16(check), (uint16_t)(f->length - o->csum_start)));
	c->ipcss = (uint8_t)ip;
	c->ipcso = (uint8_t)(ip + 10);
	c->ipcse = (uint16_t)(o->csum_start - 1);
	c->paylen_cmd = (f->length - o->header_length) |
			(cmd | EM_TXD_TSE | EM_TXC_IP | EM_TXC_TCP) << 24;
	c->hdr_len = (uint8_t)o->header_length;
	c->mss = o->segment_size;
	em->tx_context_valid = false; /* the device holds one context, now this one */
}

/* Copies a frame into transmit buffers from tx_next on, a descriptor for each 2 KiB, and
 * returns the first buffer, which holds its headers. */
static uint8_t *copy_to_tx(struct em *em, const uint8_t *bytes, uint32_t left, uint8_t cmd,
			   uint8_t type, uint8_t popts)
{
	const struct drv_dma_buffer *tx_buffers = &em->base.caps.tx_buffers;
	uint8_t *first = (uint8_t *)tx_buffers->cpu + (size_t)em->tx_next * EM_BUF;

	while (left) {
		volatile struct em_tx_desc *d = &em->tx[em->tx_next];
		uint32_t n = left < EM_BUF ? left : EM_BUF;

		drv_copy((uint8_t *)tx_buffers->cpu + (size_t)em->tx_next * EM_BUF, bytes, n);
		d->addr = tx_buffers->bus + (uint64_t)em->tx_next * EM_BUF;
		d->length = (uint16_t)n;
		d->cso = type;
		d->css = popts;
		d->special = 0;
		d->status = 0;
		d->cmd = cmd | (n == left ? EM_TXD_EOP : 0);
		bytes += n;
		left -= n;
		em->tx_next = ring_next(em->tx_next);
	}
	return first;
}

/* Copies the frames, in order, into transmit descriptors while they fit, and hands them to the
 * device; how many it queued. A frame with an offload goes in data descriptors after its
 * context, which is filled once its headers are copied. */
static uint32_t queue_frames(struct em *em, const struct em_send *s)
{
	uint32_t i;

	for (i = 0; i < s->count; i++) {
		struct em_frame f = frame_at(s, i);
		const struct net_offload *o = &f.offload;
		bool context = needs_context(em, o);
		unsigned slot = em->tx_next;
		uint8_t cmd = EM_TXD_RS | EM_TXD_IFCS, type = 0, popts = 0;
		uint8_t *headers;

		if (tx_free(em) < frame_descriptors(em, &f))
			break;
		if (context)
			em->tx_next = ring_next(em->tx_next);
		if (o->checksum) {
			cmd |= EM_TXD_DEXT;
			type = EM_TXD_DATA;
			popts = EM_TXD_TXSM;
		}
		if (o->segmentation != NET_SEGMENTATION_NONE) {
			cmd |= EM_TXD_TSE;
			popts |= EM_TXD_IXSM;
		}
		headers = copy_to_tx(em, (const uint8_t *)s->buf->data + f.offset, f.length, cmd,
				     type, popts);
		if (context)
			put_context(em, slot, &f, headers);
	}
	if (i)
		e1000_tdt_write(regs(em), em->tx_next); /* a barrier orders it after the descriptors */
	return i;
}

/* Queues the frames of a send, if the first fits: how many. The transmit interrupt goes off
 * first, so that their own write-back does not raise it. */
static uint32_t send_frames(struct em *em, const struct em_send *s)
{
	struct em_frame first = frame_at(s, 0);

	reclaim_tx(em);
	if (tx_free(em) < frame_descriptors(em, &first))
		return 0;
	disable_irqs(em, EM_IRQ_TX);
	return queue_frames(em, s);
}

/* Answers the waiting send once the device has made room for its first frame. */
static void retry_send(struct em *em)
{
	struct em_send *s = &em->send;
	uint32_t n = 0;

	if (s->call->cancelled) {
		disable_irqs(em, EM_IRQ_TX); /* its client has gone: send nothing */
	} else {
		n = send_frames(em, s);
		if (!n)
			return;
	}
	net_nic_send_reply(s->call, 0, n);
	s->call = NULL;
}

/* ---- receive ---- */

/* Whether the device has written a whole frame at rx_next: its descriptors and length, and
 * whether the device found it bad. */
static bool rx_frame(const struct em *em, unsigned *ndesc, uint32_t *length, bool *bad)
{
	unsigned i = em->rx_next, n;

	*length = 0;
	*bad = false;
	for (n = 1; n < EM_RING; n++, i = ring_next(i)) {
		volatile struct em_rx_desc *d = &em->rx[i];
		uint8_t status = d->status;

		if (!(status & EM_RXD_DD))
			return false;
		drv_barrier(); /* the rest of the descriptor, and the buffer, after status */
		*length += d->length;
		if ((d->errors & EM_RXD_FRAME_ERRORS) || d->length > EM_BUF)
			*bad = true;
		if (status & EM_RXD_EOP) {
			*ndesc = n;
			return true;
		}
	}
	*ndesc = EM_RING - 1; /* no end in a whole ring: the device is confused; drop it all */
	*bad = true;
	return true;
}

/* Copies the frame at rx_next, ndesc descriptors long, to dst. */
static void copy_frame(const struct em *em, uint8_t *dst, unsigned ndesc)
{
	const uint8_t *rx_buffers = em->base.caps.rx_buffers.cpu;
	unsigned i = em->rx_next;

	while (ndesc--) {
		uint16_t n = em->rx[i].length;

		drv_copy(dst, rx_buffers + (size_t)i * EM_BUF, n);
		dst += n;
		i = ring_next(i);
	}
}

/* Moves up to slots whole frames from the ring into the slots of buf, and says where each went
 * in result. How many it moved; their descriptors are the driver's until return_rx. */
static uint32_t take_frames(struct em *em, const struct drv_pages *buf, uint32_t slots,
			    uint32_t slot_size, struct net_frame *result)
{
	uint32_t n = 0, length;
	unsigned ndesc;
	bool bad;

	while (n < slots && rx_frame(em, &ndesc, &length, &bad)) {
		if (bad || length > max_frame(em)) {
			em->stats.rx_errors++;
		} else if (length > slot_size) { /* the MTU grew while the receive waited */
			em->stats.rx_dropped++;
		} else {
			copy_frame(em, (uint8_t *)buf->data + (size_t)n * slot_size, ndesc);
			result[n].offset = n * slot_size;
			result[n].length = length;
			n++;
		}
		while (ndesc--) {
			em->rx[em->rx_next].status = 0;
			em->rx_next = ring_next(em->rx_next);
		}
	}
	return n;
}

/* Lends the descriptors taken back to the device. */
static void return_rx(struct em *em)
{
	unsigned tail = (em->rx_next + EM_RING - 1) % EM_RING;

	if (tail == em->rx_tail)
		return;
	em->rx_tail = tail;
	e1000_rdt_write(regs(em), tail);
}

/* Takes frames for a receive: how many. Once it has some, the receive interrupts go off before
 * the descriptors go back to the device: frames that arrive then wait for the next receive. */
static uint32_t receive_frames(struct em *em, const struct em_receive *r)
{
	uint32_t n = take_frames(em, r->buf, r->slots, r->slot_size, r->result);

	if (n)
		disable_irqs(em, EM_IRQ_RX);
	return_rx(em);
	return n;
}

/* Answers the waiting receive once frames have arrived. */
static void retry_receive(struct em *em)
{
	struct em_receive *r = &em->receive;
	uint32_t n;

	if (r->call->cancelled) {
		/* its client has gone: the frames stay for the next receive */
		disable_irqs(em, EM_IRQ_RX);
		net_nic_receive_reply(r->call, NET_ERROR_IO, NULL, 0);
	} else {
		n = receive_frames(em, r);
		if (!n)
			return;
		net_nic_receive_reply(r->call, 0, r->result, n);
	}
	r->call = NULL;
}

/* ---- filters ---- */

/* Writes rctl.upe and rctl.mpe, rctl.lpe from the driver's state, if they changed (QEMU's model
 * holds reception for a second after every rctl write). */
static void update_rctl(struct em *em)
{
	e1000_rctl_t mask = e1000_rctl_value(E1000_RCTL_UPE_MASK | E1000_RCTL_MPE_MASK |
					     E1000_RCTL_LPE_MASK);
	e1000_rctl_t now = e1000_rctl_read(regs(em)), want = now;

	want = e1000_rctl_upe_set(want, em->promiscuous);
	want = e1000_rctl_mpe_set(want, em->promiscuous);
	want = e1000_rctl_lpe_set(want, em->mtu > EM_MTU);
	if (e1000_rctl_raw(want) != e1000_rctl_raw(now))
		e1000_rctl_update(regs(em), mask, want);
}

/* The bit of the multicast table for address (13.5.1, rctl.mo = 0: address bits 47:36). */
static unsigned mta_bit(const struct net_address *a)
{
	return ((unsigned)a->octets[4] >> 4 | (unsigned)a->octets[5] << 4) & 0xfff;
}

/* ---- hooks ---- */

/* Reads a 16-bit EEPROM word through eerd (13.4.4). */
static int eeprom_word(const struct em *em, unsigned addr, uint16_t *word)
{
	e1000_eerd_t v = e1000_eerd_start_set(e1000_eerd_value(0), 1);
	unsigned i;

	e1000_eerd_write(regs(em), e1000_eerd_addr_set(v, addr));
	for (i = 0; i < EM_POLL; i++) {
		v = e1000_eerd_read(regs(em));
		if (e1000_eerd_done_get(v)) {
			*word = (uint16_t)e1000_eerd_data_get(v);
			return 0;
		}
	}
	return -ETIMEDOUT;
}

/* The device's address, from EEPROM words 0-2 (5.6.1), once the checksum says the EEPROM is
 * sound. */
static int read_address(struct em *em)
{
	uint16_t sum = 0, word;
	unsigned i;
	int st;

	for (i = 0; i < EM_EEPROM_WORDS; i++) {
		st = eeprom_word(em, i, &word);
		if (st)
			return st;
		sum = (uint16_t)(sum + word);
		if (i < 3) {
			em->address.octets[2 * i] = (uint8_t)word;
			em->address.octets[2 * i + 1] = (uint8_t)(word >> 8);
		}
	}
	if (sum != EM_EEPROM_SUM) {
		drv_log("em", "EEPROM checksum 0x%04x, not 0x%04x", sum, EM_EEPROM_SUM);
		return -EIO;
	}
	if (em->address.octets[0] & 1) {
		drv_log("em", "the EEPROM's address is a multicast one");
		return -EIO;
	}
	return 0;
}

/* Global reset (13.4.1, 14.5): nothing the device did before survives, interrupts masked. */
static int reset(struct em *em)
{
	unsigned i;

	e1000_imc_write(regs(em), e1000_icr_value(~0u));
	e1000_ctrl_rst_update(regs(em), 1);
	for (i = 0; i < EM_POLL && e1000_ctrl_rst_get(e1000_ctrl_read(regs(em))); i++)
		;
	if (i == EM_POLL)
		return -ETIMEDOUT;
	e1000_imc_write(regs(em), e1000_icr_value(~0u)); /* 14.4: again, after the reset */
	(void)e1000_icr_read(regs(em));
	em->ims = 0;
	return 0;
}

/* The link (14.5): the MAC follows the internal PHY's auto-negotiation; no flow control. */
static void setup_link(struct em *em)
{
	struct e1000_bar0 r = regs(em);
	e1000_ctrl_t mask = e1000_ctrl_value(
		E1000_CTRL_SLU_MASK | E1000_CTRL_ASDE_MASK | E1000_CTRL_FRCSPD_MASK |
		E1000_CTRL_FRCDPLX_MASK | E1000_CTRL_ILOS_MASK | E1000_CTRL_LRST_MASK |
		E1000_CTRL_PHY_RST_MASK | E1000_CTRL_VME_MASK | E1000_CTRL_RFCE_MASK |
		E1000_CTRL_TFCE_MASK);
	e1000_ctrl_t v = e1000_ctrl_value(0);

	v = e1000_ctrl_slu_set(v, 1);
	v = e1000_ctrl_asde_set(v, 1);
	e1000_ctrl_update(r, mask, v);
	e1000_fcal_write(r, 0);
	e1000_fcah_write(r, 0);
	e1000_fct_write(r, 0);
	e1000_fcttv_write(r, 0);
}

/* The address filters (14.4): the device's own address in entry 0, no others, no multicast. */
static void setup_filters(struct em *em)
{
	struct e1000_bar0 r = regs(em);
	const uint8_t *a = em->address.octets;
	e1000_ra_high_t high = e1000_ra_high_value(0);
	unsigned i;

	high = e1000_ra_high_addr_set(high, (uint32_t)a[4] | (uint32_t)a[5] << 8);
	high = e1000_ra_high_as_set(high, E1000_RA_HIGH_AS_DESTINATION);
	high = e1000_ra_high_av_set(high, 1);
	e1000_ra_low_write(e1000_ra_at(r, 0), (uint32_t)a[0] | (uint32_t)a[1] << 8 |
						       (uint32_t)a[2] << 16 | (uint32_t)a[3] << 24);
	e1000_ra_high_write(e1000_ra_at(r, 0), high);
	for (i = 1; i < E1000_RA_COUNT; i++) {
		e1000_ra_high_write(e1000_ra_at(r, i), e1000_ra_high_value(0));
		e1000_ra_low_write(e1000_ra_at(r, i), 0);
	}
	for (i = 0; i < E1000_MTA_COUNT; i++) {
		em->mta[i] = 0;
		e1000_mta_write(r, i, 0);
	}
}

/* The receive ring (14.4): every buffer lent to the device but one, 2 KiB buffers, broadcast
 * accepted, CRC stripped; an interrupt as soon as a frame is in memory, within ITR. */
static void setup_rx(struct em *em)
{
	struct e1000_bar0 r = regs(em);
	const struct drv_dma_buffer *rings = &em->base.caps.rings;
	const struct drv_dma_buffer *rx_buffers = &em->base.caps.rx_buffers;
	e1000_rctl_t rctl = e1000_rctl_value(0);
	unsigned i;

	em->rx = rings->cpu;
	for (i = 0; i < EM_RING; i++) {
		em->rx[i].addr = rx_buffers->bus + (uint64_t)i * EM_BUF;
		em->rx[i].status = 0;
	}
	em->rx_next = 0;
	em->rx_tail = EM_RING - 1;
	e1000_rdbal_write(r, (uint32_t)rings->bus);
	e1000_rdbah_write(r, (uint32_t)(rings->bus >> 32));
	e1000_rdlen_write(r, EM_RING * sizeof(struct em_rx_desc));
	e1000_rdh_write(r, 0);
	e1000_rdt_write(r, em->rx_tail);
	e1000_rdtr_write(r, e1000_rdtr_value(0));
	e1000_radv_write(r, e1000_radv_value(0));
	e1000_itr_write(r, e1000_itr_interval_set(e1000_itr_value(0), EM_ITR));

	rctl = e1000_rctl_en_set(rctl, 1);
	rctl = e1000_rctl_bam_set(rctl, 1);
	rctl = e1000_rctl_rdmts_set(rctl, E1000_RCTL_RDMTS_HALF);
	rctl = e1000_rctl_bsize_set(rctl, E1000_RCTL_BSIZE_SIZE2048);
	rctl = e1000_rctl_secrc_set(rctl, 1);
	rctl = e1000_rctl_lpe_set(rctl, em->mtu > EM_MTU);
	e1000_rctl_write(r, rctl);
}

/* The transmit ring (14.5): empty; short frames padded; full-duplex collision values. */
static void setup_tx(struct em *em)
{
	struct e1000_bar0 r = regs(em);
	const struct drv_dma_buffer *rings = &em->base.caps.rings;
	uint64_t bus = rings->bus + EM_RING * sizeof(struct em_rx_desc);
	e1000_tctl_t tctl = e1000_tctl_value(0);
	e1000_tipg_t tipg = e1000_tipg_value(0);
	unsigned i;

	em->tx = (volatile struct em_tx_desc *)((uint8_t *)rings->cpu +
						EM_RING * sizeof(struct em_rx_desc));
	for (i = 0; i < EM_RING; i++) {
		em->tx[i].addr = 0;
		em->tx[i].cmd = 0;
		em->tx[i].status = 0;
	}
	em->tx_clean = em->tx_next = 0;
	em->tx_context_valid = false;
	e1000_tdbal_write(r, (uint32_t)bus);
	e1000_tdbah_write(r, (uint32_t)(bus >> 32));
	e1000_tdlen_write(r, EM_RING * sizeof(struct em_tx_desc));
	e1000_tdh_write(r, 0);
	e1000_tdt_write(r, 0);
	e1000_tidv_write(r, e1000_tidv_value(0));

	tipg = e1000_tipg_ipgt_set(tipg, 10);
	tipg = e1000_tipg_ipgr1_set(tipg, 8);
	tipg = e1000_tipg_ipgr2_set(tipg, 6);
	e1000_tipg_write(r, tipg);
	tctl = e1000_tctl_en_set(tctl, 1);
	tctl = e1000_tctl_psp_set(tctl, 1);
	tctl = e1000_tctl_ct_set(tctl, 15);
	tctl = e1000_tctl_cold_set(tctl, 64);
	e1000_tctl_write(r, tctl);
}

int em_init(struct em_driver *drv)
{
	struct em *em = drv_container_of(drv, struct em, base);
	const struct em_caps *caps = &drv->caps;
	int st;

	if (caps->rings.size < 2 * EM_RING * sizeof(struct em_rx_desc) ||
	    caps->rx_buffers.size < (uint64_t)EM_RING * EM_BUF ||
	    caps->tx_buffers.size < (uint64_t)EM_RING * EM_BUF)
		return -ENOMEM;
	st = reset(em);
	if (!st)
		st = read_address(em);
	if (st) {
		drv_log("em", "no usable 82540EM: %d", st);
		return st;
	}
	em->mtu = EM_MTU;
	setup_link(em);
	setup_filters(em);
	setup_rx(em);
	setup_tx(em);
	read_counters(em); /* what an earlier driver left counts for nothing */
	em->stats = (struct net_stats){0};
	em->link = read_link(em);
	drv_log("em", "82540EM %02x:%02x:%02x:%02x:%02x:%02x, instance %u, link %s %u Mb/s",
		em->address.octets[0], em->address.octets[1], em->address.octets[2],
		em->address.octets[3], em->address.octets[4], em->address.octets[5],
		drv->instance, em->link.up ? "up" : "down", (unsigned)em->link.speed_mbps);
	return 0;
}

void em_start(struct em_driver *drv)
{
	struct em *em = drv_container_of(drv, struct em, base);

	em->link = read_link(em);
	enable_irqs(em, EM_IRQ_LINK);
}

/* The link went up or down: tell the clients; a send waiting for room gets LINK_DOWN. */
static void link_changed(struct em *em)
{
	struct net_link now = read_link(em);

	if (now.up == em->link.up && now.full_duplex == em->link.full_duplex &&
	    now.speed_mbps == em->link.speed_mbps)
		return;
	em->link = now;
	drv_log("em", "link %s %u Mb/s", now.up ? "up" : "down", (unsigned)now.speed_mbps);
	if (!now.up && em->send.call) {
		net_nic_send_reply(em->send.call, NET_ERROR_LINK_DOWN, 0);
		em->send.call = NULL;
		disable_irqs(em, EM_IRQ_TX);
	}
	net_nic_emit_link_changed(&em->base.net_nic, &now);
}

bool em_irq(struct em_driver *drv, unsigned irq)
{
	struct em *em = drv_container_of(drv, struct em, base);
	uint32_t cause = e1000_icr_raw(e1000_icr_read(regs(em))); /* and clears it */

	(void)irq;
	if (!(cause & em->ims))
		return false; /* a device sharing the line */
	if (cause & EM_IRQ_LINK)
		link_changed(em);
	if (em->receive.call)
		retry_receive(em);
	if (em->send.call)
		retry_send(em);
	if (++em->irqs == EM_STATS_FOLD)
		read_counters(em); /* before a 32-bit counter could fill up */
	return true;
}

void em_stop(struct em_driver *drv)
{
	struct em *em = drv_container_of(drv, struct em, base);

	/* the device stops using the rings before the runtime frees them */
	e1000_rctl_en_update(regs(em), 0);
	e1000_tctl_en_update(regs(em), 0);
	if (reset(em))
		drv_log("em", "the device did not come out of reset");
	/* the runtime answers the calls still waiting (SHUTDOWN); forget them */
	em->receive.call = NULL;
	em->send.call = NULL;
}

/* ---- net::nic ---- */

static int em_info(struct net_nic *self, struct drv_call *call, struct net_info *result)
{
	struct em *em = from_net_nic(self);

	(void)call;
	result->address = em->address;
	result->mtu = em->mtu;
	result->max_mtu = EM_MAX_MTU;
	result->max_batch = EM_BATCH;
	/* TCP over IPv6 is not cut: QEMU's model (7.2) writes an IPv6 payload length that counts
	 * the IPv6 header, as Linux's e1000 never asks it to */
	result->offloads = (struct net_offloads){.checksum = true, .tcp4 = true, .tcp6 = false,
						 .max_segmented = EM_MAX_SEGMENTED};
	return 0;
}

static int em_link(struct net_nic *self, struct drv_call *call, struct net_link *result)
{
	(void)call;
	*result = read_link(from_net_nic(self));
	return 0;
}

/* send and send_offloaded: the frames go now, or the call waits for room. */
static int start_send(struct em *em, const struct em_send send, uint32_t *result)
{
	int st = check_frames(em, &send);

	if (st)
		return st;
	if (!em->link.up)
		return NET_ERROR_LINK_DOWN;
	if (em->send.call && !em->send.call->cancelled)
		return NET_ERROR_BUSY;
	if (em->send.call)
		retry_send(em); /* forgets the cancelled one */
	*result = send_frames(em, &send);
	if (*result)
		return 0;
	em->send = send;
	enable_irqs(em, EM_IRQ_TX);
	return DRV_DEFER;
}

static int em_send(struct net_nic *self, struct drv_call *call, struct drv_pages *buf,
		   const struct net_frame *frames, uint32_t frames_count, uint32_t *result)
{
	return start_send(from_net_nic(self),
			  (struct em_send){.call = call, .buf = buf, .frames = frames,
					   .count = frames_count},
			  result);
}

static int em_send_offloaded(struct net_nic *self, struct drv_call *call, struct drv_pages *buf,
			     const struct net_offloaded_frame *frames, uint32_t frames_count,
			     uint32_t *result)
{
	return start_send(from_net_nic(self),
			  (struct em_send){.call = call, .buf = buf, .offloaded = frames,
					   .count = frames_count},
			  result);
}

static int em_receive(struct net_nic *self, struct drv_call *call, struct drv_pages *buf,
		      uint32_t slots, uint32_t slot_size, struct net_frame *result,
		      uint32_t *result_count)
{
	struct em *em = from_net_nic(self);
	struct em_receive receive = {.call = call, .buf = buf, .slots = slots,
				     .slot_size = slot_size, .result = result};

	if (!slots || slot_size < max_frame(em) || (uint64_t)slots * slot_size > buf->size)
		return NET_ERROR_RANGE;
	if (em->receive.call && !em->receive.call->cancelled)
		return NET_ERROR_BUSY;
	if (em->receive.call)
		retry_receive(em); /* forgets the cancelled one */
	if (receive.slots > EM_BATCH)
		receive.slots = EM_BATCH;
	*result_count = receive_frames(em, &receive);
	if (*result_count)
		return 0;
	em->receive = receive;
	enable_irqs(em, EM_IRQ_RX);
	return DRV_DEFER;
}

static int em_set_promiscuous(struct net_nic *self, struct drv_call *call, bool on)
{
	struct em *em = from_net_nic(self);

	(void)call;
	em->promiscuous = on;
	update_rctl(em);
	return 0;
}

static int em_set_multicast(struct net_nic *self, struct drv_call *call,
			    const struct net_address *addresses, uint32_t addresses_count)
{
	struct em *em = from_net_nic(self);
	uint32_t mta[E1000_MTA_COUNT] = {0};
	unsigned i;

	(void)call;
	for (i = 0; i < addresses_count; i++) {
		unsigned bit = mta_bit(&addresses[i]);

		if (!(addresses[i].octets[0] & 1))
			return NET_ERROR_RANGE;
		mta[bit / 32] |= 1u << (bit % 32);
	}
	for (i = 0; i < E1000_MTA_COUNT; i++) {
		if (mta[i] == em->mta[i])
			continue;
		em->mta[i] = mta[i];
		e1000_mta_write(regs(em), i, mta[i]);
	}
	return 0;
}

static int em_set_mtu(struct net_nic *self, struct drv_call *call, uint32_t mtu)
{
	struct em *em = from_net_nic(self);

	(void)call;
	if (mtu < EM_MIN_MTU || mtu > EM_MAX_MTU)
		return NET_ERROR_UNSUPPORTED;
	em->mtu = mtu;
	update_rctl(em);
	return 0;
}

static int em_stats(struct net_nic *self, struct drv_call *call, struct net_stats *result)
{
	struct em *em = from_net_nic(self);

	(void)call;
	read_counters(em);
	*result = em->stats;
	return 0;
}

const struct net_nic_ops net_nic_ops = NET_NIC_OPS(em);
