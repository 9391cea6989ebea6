// SPDX-License-Identifier: MIT
/* tap.c - drvgen-tap: a net::nic served by a userspace driver server, as a
 * Linux network interface through a TAP device (/dev/net/tun).
 *
 *   drvgen-tap [--instance N] [--tap NAME] [-v]
 *
 * The bridge is an ordinary client of net::nic (dsl/std/net.idl): it
 * connects to the server's instance N, opens a TAP interface (NAME, or the
 * kernel's first free drvtapN) with the device's address and MTU, and
 * moves frames between the two with pipelined calls (docs/ipc.md,
 * "Pipelined calls"):
 *
 *   transmit  the frames the kernel sends on the interface are read from
 *             the TAP descriptor into a page buffer, packed, and go to the
 *             device in one send call, up to info.max_batch of them. One
 *             send is in flight at a time; the frames that come meanwhile
 *             fill a second buffer, so the busier the interface, the bigger
 *             the batches. A frame the device refuses (RANGE: longer than
 *             its MTU allows) is dropped alone: a refused batch goes again
 *             frame by frame.
 *   receive   one receive call is always outstanding, into a buffer of
 *             max_batch slots of max_mtu + 18 bytes; its frames are written
 *             to the TAP descriptor, and the next receive starts. The TCP
 *             segments of one flow among them go as one long segment
 *             (tcp_merge.h), as a NIC's large receive offload hands them
 *             to Linux: one write and one pass through the stack for many.
 *   offloads  the interface speaks the virtio-net header (IFF_VNET_HDR),
 *             and takes from info.offloads what the device does
 *             (TUNSETOFFLOAD): checksums and TCP segmentation. The kernel
 *             then hands over 64 KiB TCP segments, each with what the
 *             device is to do to it. Every batch goes by send_offloaded
 *             (with nothing asked, to a device without offloads).
 *   link      the link_changed event, and link() at every connection, set
 *             the interface's carrier (TUNSETCARRIER).
 *
 * The server may die and come back (a crash, an upgrade): the bridge turns
 * the carrier off, tries to connect every 100 ms, and turns the carrier
 * back on from link() once it is back. Frames meanwhile are dropped, as a
 * NIC drops them without a link; TCP makes them again.
 *
 * The interface stays down until someone sets it up (ip link set NAME up).
 * SIGTERM or SIGINT ends the bridge, and the interface with it. The
 * interface's name is printed on stdout once it exists. docs/drivers.md,
 * "Network drivers", has the whole picture.
 */
#define _GNU_SOURCE
#include "bridge.h"

#include "drv_client.h"
#include "net_nic.h"
#include "tcp_merge.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_BATCH = 64,                /* frames per call: the protocol's bound */
	TAP_FRAME_MAX = 65536 + 64,    /* the longest frame a TAP read can give */
	TCP_SEGMENT_MAX = 65535,       /* the longest the kernel's TCP makes, headers included */
	TX_BUFFER = 4 * TAP_FRAME_MAX, /* one batch's frames, packed */
	FRAME_OVERHEAD = 18,           /* a frame is at most mtu + 18 bytes */
	RECONNECT_MS = 100,
	BUSY_RETRY_MS = 2, /* another client's call waits in the driver */
	ERROR_RETRY_MS = 1000,
};

/* Frames read from the interface, to go to the device in one send. */
struct batch {
	struct net_nic_send_offloaded_call call;
	struct drv_buffer *buf;
	struct net_offloaded_frame frames[MAX_BATCH];
	uint32_t count; /* frames in it */
	uint32_t used;  /* bytes of buf they take */
	uint32_t done;  /* frames the device took (or refused, one by one) */
	bool singly;    /* the device refused the batch: its frames go one by one */
	bool in_flight;
};

struct bridge {
	unsigned instance;
	bool verbose;
	int tap;
	char ifname[IFNAMSIZ];
	struct net_nic_client *client; /* NULL while the server is gone */
	struct net_info info;
	unsigned offloads; /* what the interface asks of the device: TUNSETOFFLOAD's TUN_F_* */

	struct batch batches[2];
	struct batch *filling; /* where frames read from the interface go */
	struct batch *out;     /* the batch being sent, or NULL */

	struct net_nic_receive_call rx_call;
	struct drv_buffer *rx_buf;
	struct net_frame rx_frames[MAX_BATCH];
	uint32_t rx_slots, rx_slot_size;
	bool rx_in_flight;

	struct timespec tx_retry_at; /* not before: the next try of a refused send */
	struct timespec rx_retry_at; /* and of a refused receive */
	struct timespec lost_at;     /* when the server went */
	struct timespec tried_at;    /* the last connection attempt */
	unsigned long long sent, received, dropped, refused;
	unsigned long long to_cut; /* frames read that the device is to cut */
	unsigned long long receives; /* receive calls answered with frames */
	unsigned long long writes;   /* to the interface: frames, and merged segments */
};

static long ms_until(const struct timespec *t)
{
	double s = -bridge_since(t);
	return s <= 0 ? 0 : (long)(s * 1000) + 1;
}

static void later(struct timespec *t, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_nsec += ms * 1000000;
	t->tv_sec += t->tv_nsec / 1000000000;
	t->tv_nsec %= 1000000000;
}

static const char *net_status(int st)
{
	if (st > 0 && net_error_name((uint64_t)st))
		return net_error_name((uint64_t)st);
	return drv_strerror(st);
}

/* ---- the TAP interface ---- */

/* Opens the interface: name, or the kernel's first free drvtapN. */
static int tap_open(struct bridge *b, const char *name)
{
	struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name ? name : "drvtap%d");
	b->tap = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (b->tap < 0) {
		bridge_log("/dev/net/tun: %s%s", strerror(errno),
			   errno == ENOENT ? " (no tun module: modprobe tun)" : "");
		return -1;
	}
	if (ioctl(b->tap, TUNSETIFF, &ifr)) {
		bridge_log("a TAP interface named %s: %s", ifr.ifr_name, strerror(errno));
		return -1;
	}
	snprintf(b->ifname, sizeof b->ifname, "%s", ifr.ifr_name);
	return 0;
}

static void tap_carrier(struct bridge *b, bool on)
{
	int carrier = on;
	if (ioctl(b->tap, TUNSETCARRIER, &carrier))
		bridge_log("%s: carrier %s: %s", b->ifname, on ? "on" : "off", strerror(errno));
}

/* The interface takes the device's address and MTU. */
static int tap_identity(struct bridge *b)
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", b->ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, b->info.address.octets, 6);
	if (ioctl(b->tap, SIOCSIFHWADDR, &ifr)) {
		bridge_log("%s: the device's address: %s", b->ifname, strerror(errno));
		return -1;
	}
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ifr.ifr_mtu = (int)b->info.mtu;
	int st = sock < 0 ? -1 : ioctl(sock, SIOCSIFMTU, &ifr);
	if (st)
		bridge_log("%s: MTU %u: %s", b->ifname, (unsigned)b->info.mtu, strerror(errno));
	if (sock >= 0)
		close(sock);
	return st;
}

/* The interface asks for what the device does to the frames it sends, and
 * no more: checksums, and TCP segmentation if the device takes the longest
 * segment the kernel's TCP makes (the TAP's GSO limit cannot be lowered by
 * its descriptor; a longer frame would be refused and dropped). */
static int tap_offloads(struct bridge *b)
{
	const struct net_offloads *o = &b->info.offloads;
	unsigned flags = 0;
	if (o->checksum) {
		flags |= TUN_F_CSUM;
		if (o->tcp4 && o->max_segmented >= TCP_SEGMENT_MAX)
			flags |= TUN_F_TSO4;
		if (o->tcp6 && o->max_segmented >= TCP_SEGMENT_MAX)
			flags |= TUN_F_TSO6;
	}
	if (ioctl(b->tap, TUNSETOFFLOAD, flags)) {
		bridge_log("%s: offloads %#x: %s", b->ifname, flags, strerror(errno));
		return -1;
	}
	b->offloads = flags;
	return 0;
}

/* What the virtio-net header the kernel put before a frame asks of the
 * device, as net.idl says it. The kernel's hdr_len is the bytes it had
 * together, not the headers' length: that comes from the TCP header. False
 * if the header asks for what the protocol cannot say. */
static bool offload_of(const struct virtio_net_hdr *h, const uint8_t *frame, uint32_t length,
		       struct net_offload *o)
{
	*o = (struct net_offload){.segmentation = NET_SEGMENTATION_NONE};
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return h->gso_type == VIRTIO_NET_HDR_GSO_NONE;
	o->checksum = true;
	o->csum_start = h->csum_start;
	o->csum_offset = h->csum_offset;
	switch (h->gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		o->segmentation = NET_SEGMENTATION_TCP4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		o->segmentation = NET_SEGMENTATION_TCP6;
		break;
	default:
		return false;
	}
	if ((uint32_t)h->csum_start + 13 > length)
		return false;
	o->header_length = (uint16_t)(h->csum_start + (frame[h->csum_start + 12] >> 4) * 4);
	o->segment_size = h->gso_size;
	return true;
}

/* ---- transmit ---- */

static void batch_empty(struct batch *t)
{
	t->count = t->used = t->done = 0;
	t->singly = t->in_flight = false;
}

/* Whether the filling batch has room for another frame of any length. */
static bool tx_room(const struct bridge *b)
{
	const struct batch *t = b->filling;
	return t->count < b->info.max_batch && TX_BUFFER - t->used >= TAP_FRAME_MAX;
}

/* Reads the frames the interface has into the filling batch, while it has
 * room; without a server they are dropped. */
static void read_frames(struct bridge *b)
{
	while (tx_room(b)) {
		struct batch *t = b->filling;
		struct virtio_net_hdr h;
		uint8_t *frame = (uint8_t *)t->buf->data + t->used;
		struct iovec iov[2] = {{&h, sizeof h}, {frame, TAP_FRAME_MAX}};
		ssize_t n = readv(b->tap, iov, 2);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= (ssize_t)sizeof h)
			break;
		n -= (ssize_t)sizeof h;
		struct net_offloaded_frame *f = &t->frames[t->count];
		*f = (struct net_offloaded_frame){.offset = t->used, .length = (uint32_t)n};
		if (!b->client || !offload_of(&h, frame, f->length, &f->offload)) {
			b->dropped++;
			continue;
		}
		if (f->offload.segmentation != NET_SEGMENTATION_NONE)
			b->to_cut++;
		t->count++;
		t->used += ((uint32_t)n + 7) & ~7u;
	}
}

static void lost(struct bridge *b, const char *why);

/* Starts the batch out's frames not yet taken: all of them, or the next
 * one alone once the device refused them together. */
static void send_out(struct bridge *b)
{
	struct batch *t = b->out;
	uint32_t n = t->singly ? 1 : t->count - t->done;
	memset(&t->call, 0, sizeof t->call);
	int st = net_nic_send_offloaded_start(b->client, t->buf, t->frames + t->done, n, &t->call);
	if (bridge_server_gone(st)) {
		lost(b, bridge_server_gone(st));
	} else if (st) {
		bridge_log("send: %s: %u frames dropped", net_status(st), t->count - t->done);
		b->dropped += t->count - t->done;
		batch_empty(t);
		b->out = NULL;
	} else {
		t->in_flight = true;
	}
}

/* When nothing is being sent, the frames read so far go. */
static void start_send(struct bridge *b)
{
	if (!b->out && b->filling->count) {
		b->out = b->filling;
		b->filling = b->out == &b->batches[0] ? &b->batches[1] : &b->batches[0];
	}
	if (b->out && !b->out->in_flight && !ms_until(&b->tx_retry_at))
		send_out(b);
}

/* The send of out completed. */
static void sent(struct bridge *b)
{
	struct batch *t = b->out;
	uint32_t queued = 0, left = t->count - t->done;
	int st = net_nic_send_offloaded_finish(&t->call, &queued);
	t->in_flight = false;
	if (st == 0 && queued) {
		t->done += queued < left ? queued : left;
		b->sent += queued < left ? queued : left;
	} else if (st == 0 || st == NET_ERROR_BUSY) {
		/* another client's send waits for room; the device took none */
		later(&b->tx_retry_at, BUSY_RETRY_MS);
	} else if ((st == NET_ERROR_RANGE || st == NET_ERROR_UNSUPPORTED) && !t->singly) {
		t->singly = true; /* which of them? */
	} else if (st == NET_ERROR_RANGE || st == NET_ERROR_UNSUPPORTED) {
		b->refused++;
		if (b->verbose || b->refused == 1)
			bridge_log("a frame of %u bytes refused: %s (the device's MTU is %u); "
				   "dropped",
				   (unsigned)t->frames[t->done].length, net_status(st),
				   (unsigned)b->info.mtu);
		t->done++;
	} else if (bridge_server_gone(st)) {
		lost(b, bridge_server_gone(st));
		return;
	} else {
		if (b->verbose || st != NET_ERROR_LINK_DOWN)
			bridge_log("send: %s: %u frames dropped", net_status(st), left);
		b->dropped += left;
		t->done = t->count;
	}
	if (t->done == t->count) {
		batch_empty(t);
		b->out = NULL;
	}
}

/* ---- receive ---- */

static void start_receive(struct bridge *b)
{
	if (b->rx_in_flight || ms_until(&b->rx_retry_at))
		return;
	memset(&b->rx_call, 0, sizeof b->rx_call);
	int st = net_nic_receive_start(b->client, b->rx_buf, b->rx_slots, b->rx_slot_size,
				       &b->rx_call);
	if (bridge_server_gone(st)) {
		lost(b, bridge_server_gone(st));
	} else if (st) {
		bridge_log("receive: %s", net_status(st));
		later(&b->rx_retry_at, ERROR_RETRY_MS);
	} else {
		b->rx_in_flight = true;
	}
}

/* Writes frames to the interface as one, after the virtio-net header h; it
 * fails while the interface is down, and the frames are dropped. */
static void write_frames(struct bridge *b, const struct virtio_net_hdr *h, const struct iovec *iov,
			 unsigned count)
{
	struct iovec all[1 + TCP_MERGE_MAX_SEGMENTS] = {{(void *)h, sizeof *h}};
	memcpy(all + 1, iov, count * sizeof *iov);
	b->writes++;
	if (writev(b->tap, all, (int)count + 1) < 0)
		b->dropped += count;
	else
		b->received += count;
}

/* The merge so far goes to the interface. */
static void write_merged(struct bridge *b, struct tcp_merge *m)
{
	struct virtio_net_hdr h;
	const struct iovec *iov;
	unsigned count = tcp_merge_finish(m, &h, &iov);
	if (count)
		write_frames(b, &h, iov, count);
}

/* The receive completed: its frames go to the interface. */
static void received(struct bridge *b)
{
	uint32_t n = 0;
	int st = net_nic_receive_finish(&b->rx_call, b->rx_frames, &n);
	b->rx_in_flight = false;
	if (bridge_server_gone(st)) {
		lost(b, bridge_server_gone(st));
		return;
	}
	if (st == NET_ERROR_BUSY) {
		later(&b->rx_retry_at, BUSY_RETRY_MS); /* another client receives */
		return;
	}
	if (st) {
		bridge_log("receive: %s", net_status(st));
		later(&b->rx_retry_at, ERROR_RETRY_MS);
		return;
	}
	b->receives += n > 0;
	struct tcp_merge m = {0};
	for (uint32_t i = 0; i < n; i++) {
		const struct net_frame *f = &b->rx_frames[i];
		if (f->offset > b->rx_buf->size || f->length > b->rx_buf->size - f->offset) {
			b->dropped++; /* the driver broke the protocol */
			continue;
		}
		uint8_t *frame = (uint8_t *)b->rx_buf->data + f->offset;
		if (tcp_merge_add(&m, frame, f->length))
			continue;
		write_merged(b, &m);
		if (tcp_merge_add(&m, frame, f->length))
			continue;
		const struct iovec alone = {frame, f->length};
		write_frames(b, &(struct virtio_net_hdr){.gso_type = VIRTIO_NET_HDR_GSO_NONE},
			     &alone, 1);
	}
	write_merged(b, &m);
}

/* ---- the server side ---- */

static void on_link_changed(void *ctx, const struct net_link *link)
{
	struct bridge *b = ctx;
	bridge_log("%s: link %s, %u Mb/s", b->ifname, link->up ? "up" : "down",
		   (unsigned)link->speed_mbps);
	tap_carrier(b, link->up);
}

static bool info_usable(const struct net_info *info)
{
	return !(info->address.octets[0] & 1) && info->mtu >= 68 && info->max_mtu >= info->mtu &&
	       info->max_mtu <= 65535 && info->max_batch;
}

/* Connects, learns the device (the interface takes its address and MTU),
 * follows its link, and starts receiving. */
static int connect_server(struct bridge *b)
{
	struct net_nic_client *c = NULL;
	struct net_link link;
	struct net_info old = b->info;
	int st = net_nic_connect(b->instance, &c);
	if (!st)
		st = net_nic_info(c, &b->info);
	if (!st && !info_usable(&b->info))
		st = NET_ERROR_UNSUPPORTED;
	if (!st)
		st = net_nic_on_link_changed(c, on_link_changed, b);
	if (!st)
		st = net_nic_link(c, &link);
	if (st)
		goto fail;
	if (b->info.max_batch > MAX_BATCH)
		b->info.max_batch = MAX_BATCH;
	b->rx_slots = b->info.max_batch;
	b->rx_slot_size = (b->info.max_mtu + FRAME_OVERHEAD + 63) & ~63u;
	size_t rx_size = (size_t)b->rx_slots * b->rx_slot_size;
	if (!b->rx_buf || b->rx_buf->size < rx_size) {
		drv_buffer_free(b->rx_buf);
		b->rx_buf = NULL;
		st = drv_buffer_new(rx_size, &b->rx_buf);
		if (st)
			goto fail;
	}
	bool same = !memcmp(&old.address, &b->info.address, sizeof old.address) &&
		    old.mtu == b->info.mtu;
	if (!same && tap_identity(b)) {
		st = -DRV_E_ARGUMENT;
		goto fail;
	}
	if (tap_offloads(b)) {
		st = -DRV_E_ARGUMENT;
		goto fail;
	}
	b->client = c;
	tap_carrier(b, link.up);
	start_receive(b);
	return 0;
fail:
	if (c)
		net_nic_disconnect(c);
	b->info = old;
	return st;
}

static void lost(struct bridge *b, const char *why)
{
	if (!b->client)
		return;
	unsigned dropped = b->filling->count + (b->out ? b->out->count - b->out->done : 0);
	bridge_log("%s: %s; carrier off, %u frames dropped, reconnecting", b->ifname, why, dropped);
	/* the calls in flight are abandoned: their buffers are the bridge's again */
	net_nic_disconnect(b->client);
	b->client = NULL;
	tap_carrier(b, false);
	b->dropped += dropped;
	batch_empty(&b->batches[0]);
	batch_empty(&b->batches[1]);
	b->out = NULL;
	b->rx_in_flight = false;
	clock_gettime(CLOCK_MONOTONIC, &b->lost_at);
	b->tried_at = b->lost_at;
}

/* While the server is gone: every RECONNECT_MS, whether it is back. */
static void reconnect(struct bridge *b)
{
	if (bridge_since(&b->tried_at) * 1000 < RECONNECT_MS)
		return;
	clock_gettime(CLOCK_MONOTONIC, &b->tried_at);
	if (connect_server(b) == 0)
		bridge_log("%s: the server is back after %.1f s", b->ifname,
			   bridge_since(&b->lost_at));
}

/* Hands the completed calls to their owners. */
static void take_completions(struct bridge *b)
{
	struct drv_client *c = (struct drv_client *)b->client;
	struct drv_pending *p;
	if (drv_client_poll(c, 0) < 0) { /* the connection is gone */
		lost(b, "the server went away");
		return;
	}
	while (b->client && drv_client_next(c, 0, &p) == 1) {
		if (p == &b->rx_call.pending)
			received(b);
		else
			sent(b);
	}
}

/* ---- setup and the loop ---- */

static int setup(struct bridge *b, const char *name)
{
	for (unsigned i = 0; i < 2; i++)
		if (drv_buffer_new(TX_BUFFER, &b->batches[i].buf)) {
			bridge_log("out of memory for the send buffers");
			return 1;
		}
	b->filling = &b->batches[0];
	if (tap_open(b, name))
		return 1;
	tap_carrier(b, false);
	int st = connect_server(b);
	if (st) {
		bridge_log("net::nic instance %u: %s", b->instance,
			   st == NET_ERROR_UNSUPPORTED ? "not an Ethernet device" : net_status(st));
		return 1;
	}
	const uint8_t *a = b->info.address.octets;
	bridge_log("%s: net::nic %u, %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, %u frames a call, "
		   "offloads:%s%s%s",
		   b->ifname, b->instance, a[0], a[1], a[2], a[3], a[4], a[5],
		   (unsigned)b->info.mtu, (unsigned)b->info.max_batch,
		   b->offloads & TUN_F_CSUM ? " checksum" : "", b->offloads & TUN_F_TSO4 ? " tcp4" : "",
		   b->offloads & TUN_F_TSO6 ? " tcp6" : "");
	printf("%s\n", b->ifname);
	fflush(stdout);
	return 0;
}

/* How long the loop may sleep: until the next connection attempt, or the
 * next try of a refused call; else until something happens. */
static int next_timeout(const struct bridge *b)
{
	long t = -1;
	if (!b->client)
		return RECONNECT_MS;
	if (b->out && !b->out->in_flight)
		t = ms_until(&b->tx_retry_at);
	if (!b->rx_in_flight && (t < 0 || ms_until(&b->rx_retry_at) < t))
		t = ms_until(&b->rx_retry_at);
	return (int)t;
}

static int serve(struct bridge *b)
{
	while (!bridge_signalled) {
		struct drv_client *c = (struct drv_client *)b->client;
		struct pollfd pfd[2] = {
			{b->tap, (short)(tx_room(b) ? POLLIN : 0), 0},
			{c ? drv_client_fd(c) : -1, POLLIN, 0},
		};
		if (poll(pfd, 2, next_timeout(b)) < 0 && errno != EINTR) {
			bridge_log("poll: %s", strerror(errno));
			return 1;
		}
		if (b->client)
			take_completions(b);
		else
			reconnect(b);
		if (pfd[0].revents & POLLIN)
			read_frames(b);
		if (b->client)
			start_send(b);
		if (b->client)
			start_receive(b);
		/* the calls started this round go out together */
		if (b->client &&
		    drv_client_flush((struct drv_client *)b->client) < 0)
			lost(b, "the server went away");
	}
	bridge_log("signal %d: %s closed; %llu frames sent (%llu of them read to be cut into TCP "
		   "segments), %llu received (in %llu receives, %llu writes), %llu dropped, %llu "
		   "refused",
		   (int)bridge_signalled, b->ifname, b->sent, b->to_cut, b->received, b->receives,
		   b->writes, b->dropped, b->refused);
	if (b->client)
		net_nic_disconnect(b->client);
	close(b->tap);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: drvgen-tap [--instance N] [--tap NAME] [-v]\n"
			"  --instance  the net::nic instance to serve (default 0)\n"
			"  --tap       the interface's name (default: the first free drvtapN)\n"
			"  -v          log every refused frame, and sends the link refused\n");
}

int main(int argc, char **argv)
{
	static struct bridge b;
	long instance = 0;
	const char *name = NULL;
	bridge_name = "drvgen-tap";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tap") && i + 1 < argc && strlen(argv[i + 1]) < IFNAMSIZ) {
			name = argv[++i];
		} else if (!strcmp(argv[i], "-v")) {
			b.verbose = true;
		} else if (!bridge_number_option(argc, argv, &i, "--instance", 0, INT_MAX,
						 &instance)) {
			usage();
			return strcmp(argv[i], "-h") && strcmp(argv[i], "--help") ? 2 : 0;
		}
	}
	b.instance = (unsigned)instance;
	bridge_catch_signals();
	bridge_reconnect_itself();
	if (setup(&b, name))
		return 1;
	return serve(&b);
}
