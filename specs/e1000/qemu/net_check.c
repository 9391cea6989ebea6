// SPDX-License-Identifier: MIT
/* net_check.c - the net::nic checks of the QEMU tests, one client program
 * for both targets: it opens net::nic instance N and does not know whether
 * the kernel module or the userspace server answers. The device is on
 * QEMU's user network (slirp): this guest is 10.0.2.15, the gateway
 * 10.0.2.2, and nothing else sends it frames unasked.
 *
 *   net_check [--tag T] [--instance N] --mac XX:XX:XX:XX:XX:XX [MODE]
 *
 * Checks, in order: info() gives the MAC QEMU was told (the driver read it
 * from the EEPROM), MTU 1500, batches of 64; the link is up at 1000 Mb/s,
 * full duplex; a receive with nothing to receive waits in the driver (a
 * second one meanwhile is BUSY), a new one takes the place of a waiting
 * receiver that was killed, and is answered, from the interrupt, with the
 * gateway's reply to an ARP request sent after it; an ICMP echo to the
 * gateway comes back; eight echo requests in one send all come back; bad
 * frames (too short, over mtu + 18, outside the buffer, none) and bad
 * receive slots are RANGE, and a batch with one bad frame sends nothing;
 * promiscuous mode and the multicast list; MTU 9000 takes a 9018-byte
 * frame (several transmit descriptors) and refuses what 1500 allowed; the
 * counters count what was sent and received.
 *
 * The link tests (test.sh turns QEMU's link off and on through its
 * monitor) use the other modes:
 *
 *   --link-is down|up  no output; exit 0 iff link() says so and the driver
 *                      agrees (a send is LINK_DOWN, or goes out): what the
 *                      script polls for after set_link
 *   --link-down        link() down at 0 Mb/s, a send is LINK_DOWN
 *   --link-up          link() up at 1000 Mb/s, and an ARP request to the
 *                      gateway is answered again
 *   --watch-events     subscribes to link_changed, says "ready" on fd 3,
 *                      and checks that the link goes down, then up (the
 *                      userspace server's transport carries events; the
 *                      kernel's does not)
 *   --receive-one      one receive, which waits for frames (the script
 *                      brings the kernel's interface up meanwhile), and
 *                      gets some
 *
 * and the flood test (the device's receive belongs to an interface on top
 * of it then, so these only send, and ask the counters):
 *
 *   --flood N --gateway XX:XX:XX:XX:XX:XX
 *                      sends N echo requests to the gateway (at that
 *                      address), in sends of 64: N replies come back
 *   --rx-dropped       prints stats().rx_dropped, nothing else
 */
#define _GNU_SOURCE
#include "check.h"
#include "net_nic.h"

#include <errno.h>
#include <poll.h>
#include <sys/wait.h>

enum {
	GUARD_S = 60,
	SLOT = 2048,      /* receive slot: a frame at MTU 1500 fits */
	SLOTS = 16,       /* slots per receive */
	TX_BUF = 65536,   /* the send buffer */
	MAX_CALLS = 32,   /* receives before an expected frame counts as lost */
	BLOCK_WAIT_MS = 20000,
	BATCH = 8,        /* echo requests in one send */
	PING_DATA = 56,   /* ping's default payload */
	ECHO_ID = 0x4e43, /* "NC" */
	FLOOD_ID = 0x464c, /* "FL" */
	ETH_ARP = 0x0806,
	ETH_IPV4 = 0x0800,
	ETH_LOCAL = 0x88b5, /* IEEE local experimental: frames nobody answers */
};

static const uint8_t guest_ip[4] = {10, 0, 2, 15};
static const uint8_t gateway_ip[4] = {10, 0, 2, 2};
static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct net_address mac;     /* the device's, from --mac */
static struct net_address gateway; /* learnt from its ARP reply */

/* What this program sent and received, for the counters' check. */
static struct {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
} sent_and_received;

static const char *net_status(int st)
{
	return status_text(st, net_error_name);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The Internet checksum (RFC 1071) of n bytes. */
static unsigned inet_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static size_t put_ethernet(uint8_t *p, const uint8_t *dst, unsigned type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, mac.octets, 6);
	put16(p + 12, type);
	return 14;
}

/* An ARP request for the gateway's address: 42 bytes at p. */
static size_t arp_request(uint8_t *p)
{
	size_t n = put_ethernet(p, broadcast, ETH_ARP);
	put16(p + n, 1);         /* Ethernet */
	put16(p + n + 2, ETH_IPV4);
	p[n + 4] = 6;
	p[n + 5] = 4;
	put16(p + n + 6, 1);     /* request */
	memcpy(p + n + 8, mac.octets, 6);
	memcpy(p + n + 14, guest_ip, 4);
	memset(p + n + 18, 0, 6);
	memcpy(p + n + 24, gateway_ip, 4);
	return n + 28;
}

/* An ICMP echo request to the gateway, sequence seq, with PING_DATA bytes
 * that depend on seq. */
static size_t echo_request_id(uint8_t *p, unsigned id, unsigned seq)
{
	size_t n = put_ethernet(p, gateway.octets, ETH_IPV4);
	uint8_t *ip = p + n, *icmp = ip + 20;
	unsigned total = 20 + 8 + PING_DATA;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, total);
	put16(ip + 4, seq);
	ip[8] = 64; /* TTL */
	ip[9] = 1;  /* ICMP */
	memcpy(ip + 12, guest_ip, 4);
	memcpy(ip + 16, gateway_ip, 4);
	put16(ip + 10, inet_checksum(ip, 20));
	memset(icmp, 0, 8);
	icmp[0] = 8; /* echo request */
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	for (unsigned i = 0; i < PING_DATA; i++)
		icmp[8 + i] = (uint8_t)(seq * 7 + i);
	put16(icmp + 2, inet_checksum(icmp, 8 + PING_DATA));
	return n + total;
}

static size_t echo_request(uint8_t *p, unsigned seq)
{
	return echo_request_id(p, ECHO_ID, seq);
}

/* A frame nobody answers (an unknown EtherType, broadcast), length bytes. */
static size_t quiet_frame(uint8_t *p, size_t length)
{
	size_t n = put_ethernet(p, broadcast, ETH_LOCAL);
	for (size_t i = n; i < length; i++)
		p[i] = (uint8_t)i;
	return length;
}

/* Whether f is the gateway's ARP reply to this device; it learns the
 * gateway's MAC. */
static bool is_arp_reply(const uint8_t *f, uint32_t len, void *unused)
{
	(void)unused;
	if (len < 42 || get16(f + 12) != ETH_ARP || get16(f + 20) != 2)
		return false;
	if (memcmp(f + 28, gateway_ip, 4) || memcmp(f + 32, mac.octets, 6) ||
	    memcmp(f + 38, guest_ip, 4) || memcmp(f, mac.octets, 6))
		return false;
	memcpy(gateway.octets, f + 22, 6);
	return true;
}

/* Whether f is the gateway's echo reply to one of ours, with its data:
 * its sequence number, or -1. */
static long echo_reply_seq(const uint8_t *f, uint32_t len)
{
	if (len < 14 + 20 + 8 + PING_DATA || get16(f + 12) != ETH_IPV4 || memcmp(f, mac.octets, 6))
		return -1;
	const uint8_t *ip = f + 14, *icmp = ip + (ip[0] & 0xf) * 4;
	if (ip[9] != 1 || memcmp(ip + 12, gateway_ip, 4) || memcmp(ip + 16, guest_ip, 4))
		return -1;
	if (icmp + 8 + PING_DATA > f + len || icmp[0] != 0 || get16(icmp + 4) != ECHO_ID)
		return -1;
	unsigned seq = get16(icmp + 6);
	for (unsigned i = 0; i < PING_DATA; i++)
		if (icmp[8 + i] != (uint8_t)(seq * 7 + i))
			return -1;
	return seq;
}

/* ---- sending and receiving ---- */

static int send_frames(struct net_nic_client *c, struct drv_buffer *b, const struct net_frame *f,
		       uint32_t n, uint32_t *queued)
{
	int st = net_nic_send(c, b, f, n, queued);
	if (!st)
		for (uint32_t i = 0; i < *queued; i++) {
			sent_and_received.tx_packets++;
			sent_and_received.tx_bytes += f[i].length;
		}
	return st;
}

/* Sends one frame of length bytes from the start of b. */
static int send_one(struct net_nic_client *c, struct drv_buffer *b, size_t length)
{
	struct net_frame f = {0, (uint32_t)length};
	uint32_t queued = 0;
	int st = send_frames(c, b, &f, 1, &queued);
	return st ? st : queued == 1 ? 0 : -DRV_E_BAD_REPLY;
}

/* One receive into b: the frames it got, counted; checks that each lies
 * in its own slot. */
static int receive_once(struct net_nic_client *c, struct drv_buffer *b, struct net_frame *f,
			uint32_t *n)
{
	int st = net_nic_receive(c, b, SLOTS, SLOT, f, n);
	if (st)
		return st;
	for (uint32_t i = 0; i < *n; i++) {
		if (f[i].offset != i * SLOT || f[i].length < 14 || f[i].length > SLOT)
			return -DRV_E_BAD_REPLY;
		sent_and_received.rx_packets++;
		sent_and_received.rx_bytes += f[i].length;
	}
	return *n ? 0 : -DRV_E_BAD_REPLY;
}

/* Receives until match accepts a frame, in at most MAX_CALLS receives. */
static int receive_until(struct net_nic_client *c, struct drv_buffer *b,
			 bool (*match)(const uint8_t *, uint32_t, void *), void *ctx)
{
	struct net_frame f[64];
	for (unsigned call = 0; call < MAX_CALLS; call++) {
		uint32_t n = 0;
		int st = receive_once(c, b, f, &n);
		if (st)
			return st;
		bool found = false;
		for (uint32_t i = 0; i < n; i++)
			found |= match((const uint8_t *)b->data + f[i].offset, f[i].length, ctx);
		if (found)
			return 0;
	}
	return -ETIMEDOUT;
}

/* ---- the checks ---- */

static void check_info(struct net_nic_client *c)
{
	struct net_info info;
	int st = net_nic_info(c, &info);
	char got[32];
	const uint8_t *a = info.address.octets;
	snprintf(got, sizeof got, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
	check(st == 0 && !memcmp(a, mac.octets, 6), st ? net_status(st) : "expected QEMU's mac=",
	      "info(): address %s, read from the EEPROM, is QEMU's", st ? "?" : got);
	check(st == 0 && info.mtu == 1500 && info.max_mtu >= 1500 && info.max_batch == 64,
	      st ? net_status(st) : "expected MTU 1500, max_mtu >= 1500, batches of 64",
	      "info(): mtu %u, max_mtu %u, max_batch %u", (unsigned)info.mtu, (unsigned)info.max_mtu,
	      (unsigned)info.max_batch);
}

static void check_link(struct net_nic_client *c)
{
	struct net_link link;
	int st = net_nic_link(c, &link);
	check(st == 0 && link.up && link.full_duplex && link.speed_mbps == 1000,
	      st ? net_status(st) : "expected up, full duplex, 1000 Mb/s",
	      "link(): %s, %s duplex, %u Mb/s", link.up ? "up" : "down",
	      link.full_duplex ? "full" : "half", (unsigned)link.speed_mbps);
}

/* What the child receiver tells its parent. */
struct child_report {
	int status;
	uint32_t frames;
	bool arp_reply;
	struct net_address gateway;
	uint64_t rx_bytes;
};

/* The child: connected, it says so on ready, then makes one receive,
 * which waits for the frames its parent makes come. */
static void child_receive(int ready, int report)
{
	struct child_report r = {0};
	struct net_nic_client *c = NULL;
	struct drv_buffer *b = NULL;
	struct net_frame f[64];

	r.status = net_nic_connect(check_instance, &c);
	if (!r.status)
		r.status = drv_buffer_new(SLOTS * SLOT, &b);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	if (!r.status)
		r.status = receive_once(c, b, f, &r.frames);
	for (uint32_t i = 0; !r.status && i < r.frames; i++) {
		r.arp_reply |= is_arp_reply((const uint8_t *)b->data + f[i].offset, f[i].length, NULL);
		r.rx_bytes += f[i].length;
	}
	r.gateway = gateway;
	if (write(report, &r, sizeof r) != (ssize_t)sizeof r)
		_exit(1);
	_exit(0);
}

/* A child process waiting in receive(). */
struct receiver {
	pid_t pid;
	int report; /* where its child_report comes */
};

/* Two calls on c, another connection: by their replies the driver has
 * taken every request sent before them (a server serves each connection
 * that is ready before it polls again; the kernel runs the handler before
 * the ioctl sleeps). */
static int settle(struct net_nic_client *c)
{
	struct net_link link;
	int st = net_nic_link(c, &link);
	return st ? st : net_nic_link(c, &link);
}

/* Starts a receiver; true once it sleeps in its receive() and the driver
 * has taken the call. */
static bool start_receiver(struct net_nic_client *c, struct receiver *r, const char *who)
{
	int ready[2], report[2];
	r->pid = -1;
	if (pipe(ready) || pipe(report))
		return check(false, strerror(errno), "pipes for %s", who);
	fflush(stdout);
	r->pid = fork();
	if (r->pid < 0)
		return check(false, strerror(errno), "fork %s", who);
	if (r->pid == 0) {
		close(ready[0]);
		close(report[0]);
		child_receive(ready[1], report[1]);
	}
	close(ready[1]);
	close(report[1]);
	r->report = report[0];
	char ch = 0;
	bool up = read(ready[0], &ch, 1) == 1;
	close(ready[0]);
	long nr = up ? wait_blocked(r->pid, BLOCK_WAIT_MS) : -1;
	int st = nr >= 0 ? settle(c) : 0;
	return check(nr >= 0 && st == 0, nr < 0 ? "it never went to sleep in a syscall" : net_status(st),
		     "%s (pid %d) waits in receive() (asleep in syscall %ld)", who, (int)r->pid, nr);
}

/* Whether the receiver still waits. */
static bool still_waiting(const struct receiver *r)
{
	return waitpid(r->pid, NULL, WNOHANG) == 0;
}

/* What the receiver got, once it returned. */
static struct child_report end_receiver(struct receiver *r)
{
	struct child_report rep = {.status = -DRV_E_CONNECTION};
	if (read(r->report, &rep, sizeof rep) != (ssize_t)sizeof rep)
		rep.status = -DRV_E_CONNECTION;
	close(r->report);
	waitpid(r->pid, NULL, 0);
	return rep;
}

/* A receive with nothing to receive waits in the driver, and a second one
 * is BUSY meanwhile; once the waiting receiver is killed a new one takes
 * its place; that one is answered, from the interrupt, with the reply to
 * an ARP request sent after it. */
static void check_waiting_receive(struct net_nic_client *c, struct drv_buffer *tx,
				  struct drv_buffer *rx)
{
	struct receiver first, second;
	if (!start_receiver(c, &first, "a receiver"))
		return;
	struct net_frame f[64];
	uint32_t n = 0;
	int st = still_waiting(&first) ? net_nic_receive(c, rx, SLOTS, SLOT, f, &n) : -ECHILD;
	check(st == NET_ERROR_BUSY, st == -ECHILD ? "the receiver returned unasked" : "expected BUSY",
	      "a second receive while one waits = %s", net_status(st));
	kill(first.pid, SIGKILL);
	close(first.report);
	int ws = 0;
	waitpid(first.pid, &ws, 0);
	check(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL, "it ended otherwise",
	      "kill -9 ends the waiting receiver");

	if (!start_receiver(c, &second, "a new receiver, in the killed one's place"))
		return;
	st = send_one(c, tx, arp_request(tx->data));
	check(st == 0, net_status(st), "send(ARP request: who has 10.0.2.2? tell 10.0.2.15) = %s",
	      net_status(st));
	struct child_report r = end_receiver(&second);
	gateway = r.gateway;
	sent_and_received.rx_packets += r.frames;
	sent_and_received.rx_bytes += r.rx_bytes;
	const uint8_t *g = gateway.octets;
	char why[128];
	snprintf(why, sizeof why, "%s, %u frames, %s", net_status(r.status), (unsigned)r.frames,
		 r.arp_reply ? "the reply among them" : "no ARP reply among them");
	check(r.status == 0 && r.arp_reply, why,
	      "the waiting receive is answered with the gateway's ARP reply: 10.0.2.2 is at "
	      "%02x:%02x:%02x:%02x:%02x:%02x",
	      g[0], g[1], g[2], g[3], g[4], g[5]);
}

static bool is_echo_reply(const uint8_t *f, uint32_t len, void *seen)
{
	long seq = echo_reply_seq(f, len);
	if (seq < 0)
		return false;
	bool *s = seen;
	if (seq < 64)
		s[seq] = true;
	for (unsigned i = 1; i <= BATCH; i++)
		if (!s[i])
			return false;
	return true;
}

static bool is_first_echo_reply(const uint8_t *f, uint32_t len, void *unused)
{
	(void)unused;
	return echo_reply_seq(f, len) == 0;
}

static void check_ping(struct net_nic_client *c, struct drv_buffer *tx, struct drv_buffer *rx)
{
	int st = send_one(c, tx, echo_request(tx->data, 0));
	check(st == 0, net_status(st), "send(ICMP echo request to 10.0.2.2) = %s", net_status(st));
	if (st)
		return;
	st = receive_until(c, rx, is_first_echo_reply, NULL);
	check(st == 0, st == -ETIMEDOUT ? "no reply among the frames received" : net_status(st),
	      "the echo reply comes back, its data intact");
}

/* BATCH echo requests, sequence 1..BATCH, in one send; every reply. */
static void check_batch(struct net_nic_client *c, struct drv_buffer *tx, struct drv_buffer *rx)
{
	struct net_frame f[BATCH];
	uint32_t at = 0, queued = 0;
	for (unsigned i = 0; i < BATCH; i++) {
		f[i].offset = at;
		f[i].length = (uint32_t)echo_request((uint8_t *)tx->data + at, i + 1);
		at += 128;
	}
	int st = send_frames(c, tx, f, BATCH, &queued);
	check(st == 0 && queued == BATCH, st ? net_status(st) : "expected all of them queued",
	      "send(%u echo requests in one call) queued %u", BATCH, (unsigned)queued);
	bool seen[64] = {false};
	st = receive_until(c, rx, is_echo_reply, seen);
	unsigned n = 0;
	for (unsigned i = 1; i <= BATCH; i++)
		n += seen[i];
	check(st == 0, st == -ETIMEDOUT ? "some replies never came" : net_status(st),
	      "all %u echo replies come back (%u seen)", BATCH, n);
}

static int stats_of(struct net_nic_client *c, struct net_stats *s)
{
	int st = net_nic_stats(c, s);
	if (st)
		memset(s, 0, sizeof *s);
	return st;
}

/* Frames the protocol refuses, each RANGE, and nothing of a refused
 * batch goes out. */
static void check_bad_frames(struct net_nic_client *c, struct drv_buffer *tx,
			     struct drv_buffer *rx)
{
	static const struct {
		uint32_t offset, length;
		const char *what;
	} bad[] = {
		{0, 13, "13 bytes, shorter than a header"},
		{0, 1500 + 19, "mtu + 19 bytes"},
		{TX_BUF - 100, 200, "past the end of the buffer"},
		{TX_BUF, 14, "at the end of the buffer"},
		{0xffffff00u, 0x200, "at an offset that wraps"},
	};
	uint32_t queued = 0;
	quiet_frame(tx->data, TX_BUF);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct net_frame f = {bad[i].offset, bad[i].length};
		int st = net_nic_send(c, tx, &f, 1, &queued);
		check(st == NET_ERROR_RANGE, "expected RANGE", "send(a frame %s) = %s", bad[i].what,
		      net_status(st));
	}
	int st = net_nic_send(c, tx, NULL, 0, &queued);
	check(st == NET_ERROR_RANGE, "expected RANGE", "send(no frames) = %s", net_status(st));

	struct net_stats before, after;
	struct net_frame mixed[3] = {{0, 60}, {0, 1500 + 19}, {0, 60}};
	int st0 = stats_of(c, &before);
	st = net_nic_send(c, tx, mixed, 3, &queued);
	int st1 = stats_of(c, &after);
	check(st == NET_ERROR_RANGE && !st0 && !st1 && after.tx_packets == before.tx_packets,
	      "expected RANGE and no frame sent",
	      "send(good, too long, good) = %s, and it sent %llu frames", net_status(st),
	      (unsigned long long)(after.tx_packets - before.tx_packets));

	st = send_one(c, tx, quiet_frame(tx->data, 1500 + 18));
	check(st == 0, net_status(st), "send(a frame of mtu + 18 bytes) = %s", net_status(st));

	static const struct {
		uint32_t slots, slot_size;
		const char *what;
	} bad_slots[] = {
		{0, SLOT, "no slots"},
		{SLOTS, 1500 + 17, "slots of mtu + 17 bytes"},
		{SLOTS + 1, SLOT, "more slots than the buffer holds"},
		{0x10000, 0x10000, "slots whose size overflows 32 bits"},
	};
	for (size_t i = 0; i < sizeof bad_slots / sizeof bad_slots[0]; i++) {
		struct net_frame f[64];
		uint32_t n = 0;
		st = net_nic_receive(c, rx, bad_slots[i].slots, bad_slots[i].slot_size, f, &n);
		check(st == NET_ERROR_RANGE, "expected RANGE", "receive(%s) = %s", bad_slots[i].what,
		      net_status(st));
	}
}

static void check_filters(struct net_nic_client *c)
{
	int st = net_nic_set_promiscuous(c, true);
	check(st == 0, net_status(st), "set_promiscuous(on) = %s", net_status(st));
	st = net_nic_set_promiscuous(c, false);
	check(st == 0, net_status(st), "set_promiscuous(off) = %s", net_status(st));

	struct net_address groups[2] = {{{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}},
					{{0x33, 0x33, 0x00, 0x00, 0x00, 0x01}}};
	st = net_nic_set_multicast(c, groups, 2);
	check(st == 0, net_status(st), "set_multicast(01:00:5e:00:00:fb, 33:33:00:00:00:01) = %s",
	      net_status(st));
	groups[1] = mac;
	st = net_nic_set_multicast(c, groups, 2);
	check(st == NET_ERROR_RANGE, "expected RANGE",
	      "set_multicast(with the device's own, unicast, address) = %s", net_status(st));
	st = net_nic_set_multicast(c, NULL, 0);
	check(st == 0, net_status(st), "set_multicast(no addresses) = %s", net_status(st));
}

static void check_mtu(struct net_nic_client *c, struct drv_buffer *tx, struct drv_buffer *rx)
{
	static const uint32_t unsupported[] = {67, 9001, 0xffffffffu};
	for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
		int st = net_nic_set_mtu(c, unsupported[i]);
		check(st == NET_ERROR_UNSUPPORTED, "expected UNSUPPORTED", "set_mtu(%u) = %s",
		      (unsigned)unsupported[i], net_status(st));
	}
	int st = net_nic_set_mtu(c, 9000);
	struct net_info info = {0};
	if (!st)
		st = net_nic_info(c, &info);
	check(st == 0 && info.mtu == 9000, st ? net_status(st) : "info() disagrees",
	      "set_mtu(9000): info().mtu = %u", (unsigned)info.mtu);

	struct net_stats before, after;
	int st0 = stats_of(c, &before);
	st = send_one(c, tx, quiet_frame(tx->data, 9000 + 18));
	int st1 = stats_of(c, &after);
	check(st == 0 && !st0 && !st1 && after.tx_packets - before.tx_packets == 1 &&
		      after.tx_bytes - before.tx_bytes >= 9018,
	      st ? net_status(st) : "expected one frame of at least 9018 bytes counted",
	      "send(a 9018-byte frame, five transmit descriptors) went out as %llu frame of %llu "
	      "bytes",
	      (unsigned long long)(after.tx_packets - before.tx_packets),
	      (unsigned long long)(after.tx_bytes - before.tx_bytes));
	struct net_frame f = {0, 9000 + 19}, got[64];
	uint32_t queued = 0, n = 0;
	st = net_nic_send(c, tx, &f, 1, &queued);
	check(st == NET_ERROR_RANGE, "expected RANGE", "send(9019 bytes) at MTU 9000 = %s",
	      net_status(st));
	st = net_nic_receive(c, rx, SLOTS, SLOT, got, &n);
	check(st == NET_ERROR_RANGE, "expected RANGE",
	      "receive(2048-byte slots) at MTU 9000 = %s: a slot must hold 9018 bytes",
	      net_status(st));
	st = net_nic_set_mtu(c, 1500);
	check(st == 0, net_status(st), "set_mtu(1500) = %s", net_status(st));
}

static void check_stats(struct net_nic_client *c, const struct net_stats *before)
{
	struct net_stats after;
	int st = stats_of(c, &after);
	uint64_t tx = after.tx_packets - before->tx_packets, rx = after.rx_packets - before->rx_packets;
	uint64_t txb = after.tx_bytes - before->tx_bytes, rxb = after.rx_bytes - before->rx_bytes;
	char why[160];
	snprintf(why, sizeof why, "%s; expected %llu frames, at least %llu bytes", net_status(st),
		 (unsigned long long)sent_and_received.tx_packets,
		 (unsigned long long)sent_and_received.tx_bytes);
	check(st == 0 && tx == sent_and_received.tx_packets && txb >= sent_and_received.tx_bytes, why,
	      "stats(): %llu frames, %llu bytes sent", (unsigned long long)tx,
	      (unsigned long long)txb);
	snprintf(why, sizeof why, "%s; expected at least %llu frames, %llu bytes", net_status(st),
		 (unsigned long long)sent_and_received.rx_packets,
		 (unsigned long long)sent_and_received.rx_bytes);
	check(st == 0 && rx >= sent_and_received.rx_packets && rxb >= sent_and_received.rx_bytes,
	      why, "stats(): %llu frames, %llu bytes received", (unsigned long long)rx,
	      (unsigned long long)rxb);
	check(st == 0 && after.tx_errors == before->tx_errors &&
		      after.rx_dropped == before->rx_dropped,
	      "expected no transmit errors and nothing dropped",
	      "stats(): %llu transmit errors, %llu frames dropped, %llu receive errors",
	      (unsigned long long)(after.tx_errors - before->tx_errors),
	      (unsigned long long)(after.rx_dropped - before->rx_dropped),
	      (unsigned long long)(after.rx_errors - before->rx_errors));
}

/* ---- the link tests ---- */

/* Whether the link is up (or down) as link() says, and as the driver acts
 * on it: a send goes out (or is LINK_DOWN). Prints nothing. */
static bool link_is(struct net_nic_client *c, struct drv_buffer *tx, bool up)
{
	struct net_link link;
	if (net_nic_link(c, &link) || link.up != up)
		return false;
	int st = send_one(c, tx, arp_request(tx->data));
	return up ? st == 0 : st == NET_ERROR_LINK_DOWN;
}

static void check_link_down(struct net_nic_client *c, struct drv_buffer *tx)
{
	struct net_link link;
	int st = net_nic_link(c, &link);
	check(st == 0 && !link.up && link.speed_mbps == 0, st ? net_status(st) : "expected down",
	      "link(): %s, %u Mb/s", link.up ? "up" : "down", (unsigned)link.speed_mbps);
	st = send_one(c, tx, arp_request(tx->data));
	check(st == NET_ERROR_LINK_DOWN, "expected LINK_DOWN", "send(ARP request) = %s",
	      net_status(st));
}

static void check_link_up(struct net_nic_client *c, struct drv_buffer *tx, struct drv_buffer *rx)
{
	check_link(c);
	int st = send_one(c, tx, arp_request(tx->data));
	check(st == 0, net_status(st), "send(ARP request) = %s", net_status(st));
	st = receive_until(c, rx, is_arp_reply, NULL);
	check(st == 0, st == -ETIMEDOUT ? "no reply among the frames received" : net_status(st),
	      "the gateway answers again");
}

struct link_events {
	struct net_link seen[4];
	unsigned n;
};

static void on_link_changed(void *ctx, const struct net_link *state)
{
	struct link_events *e = ctx;
	if (e->n < 4)
		e->seen[e->n] = *state;
	e->n++;
}

/* Subscribed to link_changed, tells the script (fd 3) it may turn the
 * link off, then waits (the guard bounds it) for down and up. */
static void watch_events(struct net_nic_client *c)
{
	struct link_events e = {.n = 0};
	int st = net_nic_on_link_changed(c, on_link_changed, &e);
	check(st == 0, net_status(st), "subscribe to link_changed");
	if (write(3, "ready\n", 6) != 6)
		check(false, strerror(errno), "tell the script (fd 3) it may turn the link off");
	struct pollfd p = {drv_client_fd((struct drv_client *)c), POLLIN, 0};
	while (e.n < 2 && poll(&p, 1, -1) > 0)
		if (drv_client_poll((struct drv_client *)c, 0) < 0)
			break;
	check(e.n >= 1 && !e.seen[0].up && e.seen[0].speed_mbps == 0, "no such event",
	      "link_changed: down");
	check(e.n >= 2 && e.seen[1].up && e.seen[1].full_duplex && e.seen[1].speed_mbps == 1000,
	      "no such event", "link_changed: up, full duplex, 1000 Mb/s");
	check(e.n == 2, "more events than the link's changes", "%u events in all", e.n);
}

/* Sends count echo requests to the gateway (with an ID of their own, so no
 * ping of the guest waits for their replies), in sends of up to 64. */
static void flood(struct net_nic_client *c, struct drv_buffer *tx, unsigned count)
{
	struct net_frame f[64];
	unsigned sent = 0, calls = 0;
	int st = 0;
	while (sent < count && !st) {
		uint32_t n = count - sent < 64 ? count - sent : 64, at = 0, queued = 0;
		for (uint32_t i = 0; i < n; i++, at += 128)
			f[i] = (struct net_frame){
				at, (uint32_t)echo_request_id((uint8_t *)tx->data + at, FLOOD_ID,
							      sent + i)};
		st = net_nic_send(c, tx, f, n, &queued);
		sent += st ? 0 : queued;
		calls++;
	}
	check(st == 0 && sent == count, net_status(st),
	      "flood: %u echo requests to the gateway sent in %u calls", sent, calls);
}

static bool parse_mac(const char *s, struct net_address *a)
{
	unsigned v[6];
	char end;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
		return false;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 0xff)
			return false;
		a->octets[i] = (uint8_t)v[i];
	}
	return true;
}

enum mode {
	ALL,
	LINK_IS_DOWN,
	LINK_IS_UP,
	LINK_DOWN,
	LINK_UP,
	WATCH_EVENTS,
	RECEIVE_ONE,
	FLOOD,
	RX_DROPPED
};

static bool parse_mode(const char *arg, const char *value, enum mode *mode, bool *took_value)
{
	*took_value = false;
	if (!strcmp(arg, "--link-is") && value) {
		*took_value = true;
		*mode = !strcmp(value, "up") ? LINK_IS_UP : LINK_IS_DOWN;
		return !strcmp(value, "up") || !strcmp(value, "down");
	}
	static const struct {
		const char *arg;
		enum mode mode;
	} modes[] = {{"--link-down", LINK_DOWN},
		     {"--link-up", LINK_UP},
		     {"--watch-events", WATCH_EVENTS},
		     {"--receive-one", RECEIVE_ONE},
		     {"--rx-dropped", RX_DROPPED}};
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (!strcmp(arg, modes[i].arg)) {
			*mode = modes[i].mode;
			return true;
		}
	return false;
}

static void check_all(struct net_nic_client *c, struct drv_buffer *tx, struct drv_buffer *rx)
{
	check_info(c);
	check_link(c);
	struct net_stats before;
	int st = stats_of(c, &before);
	check(st == 0, net_status(st), "stats() = %s", net_status(st));

	guard(GUARD_S, "a receive that waits for the gateway's ARP reply");
	check_waiting_receive(c, tx, rx);
	guard(GUARD_S, "pinging the gateway");
	check_ping(c, tx, rx);
	guard(GUARD_S, "a batch of pings");
	check_batch(c, tx, rx);
	guard(GUARD_S, "refused frames");
	check_bad_frames(c, tx, rx);
	guard(GUARD_S, "filters and MTU");
	check_filters(c);
	check_mtu(c, tx, rx);
	check_stats(c, &before);
}

int main(int argc, char **argv)
{
	bool have_mac = false, have_gateway = false, ok = true, took_value;
	enum mode mode = ALL;
	unsigned long flood_count = 0;
	char *end = NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_tag = "net";
	for (int i = 1; ok && i < argc; i++) {
		if (check_common_option(argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "--mac") && i + 1 < argc)
			ok = have_mac = parse_mac(argv[++i], &mac);
		else if (!strcmp(argv[i], "--gateway") && i + 1 < argc)
			ok = have_gateway = parse_mac(argv[++i], &gateway);
		else if (!strcmp(argv[i], "--flood") && i + 1 < argc) {
			mode = FLOOD;
			flood_count = strtoul(argv[++i], &end, 10);
			ok = *argv[i] && !*end && flood_count && flood_count <= 65536;
		} else if ((ok = parse_mode(argv[i], i + 1 < argc ? argv[i + 1] : NULL, &mode,
					  &took_value)))
			i += took_value;
	}
	if (!ok || !have_mac || (mode == FLOOD && !have_gateway)) {
		fprintf(stderr,
			"usage: %s [--tag T] [--instance N] --mac XX:XX:XX:XX:XX:XX\n"
			"          [--link-is down|up | --link-down | --link-up | --watch-events |\n"
			"           --receive-one |\n"
			"           --flood N --gateway XX:XX:XX:XX:XX:XX | --rx-dropped]\n",
			argv[0]);
		return 2;
	}
	guard(GUARD_S, "connecting");
	struct net_nic_client *c = NULL;
	struct drv_buffer *tx = NULL, *rx = NULL;
	int st = net_nic_connect(check_instance, &c);
	if (!st && (drv_buffer_new(TX_BUF, &tx) || drv_buffer_new(SLOTS * SLOT, &rx)))
		st = -DRV_E_NO_MEMORY;
	if (mode == LINK_IS_DOWN || mode == LINK_IS_UP)
		return !st && link_is(c, tx, mode == LINK_IS_UP) ? 0 : 1;
	if (mode == RX_DROPPED) {
		struct net_stats stats;
		if (st || net_nic_stats(c, &stats))
			return 1;
		printf("%llu\n", (unsigned long long)stats.rx_dropped);
		return 0;
	}
	if (!check(st == 0, net_status(st), "connect net::nic %u, and buffers", check_instance))
		return check_exit();

	switch (mode) {
	case LINK_DOWN:
		check_link_down(c, tx);
		break;
	case LINK_UP:
		check_link_up(c, tx, rx);
		break;
	case WATCH_EVENTS:
		watch_events(c);
		break;
	case RECEIVE_ONE: {
		struct net_frame f[64];
		uint32_t n = 0;
		st = receive_once(c, rx, f, &n);
		check(st == 0, net_status(st), "a receive waited, and got %u frames", (unsigned)n);
		break;
	}
	case FLOOD:
		flood(c, tx, (unsigned)flood_count);
		break;
	default:
		check_all(c, tx, rx);
		break;
	}

	drv_buffer_free(tx);
	drv_buffer_free(rx);
	net_nic_disconnect(c);
	return check_exit();
}
