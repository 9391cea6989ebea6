// SPDX-License-Identifier: MIT
/* nbd.c - drvgen-nbd: a blk::device served by a userspace driver server,
 * as a Linux block device (/dev/nbdN) through the kernel's NBD driver.
 *
 *   drvgen-nbd [--instance N] [--nbd N] [--connections K] [--hold S] [-v]
 *
 * The bridge is an ordinary client of blk::device (dsl/std/blk.idl): it
 * connects to the server's instance N, tells the kernel the disk's size
 * and features over netlink, and serves the NBD requests the kernel sends
 * on K socket pairs by starting blk::device calls, up to the device's
 * queue depth in flight (docs/ipc.md, "Pipelined calls"). A request's
 * data lives in a page buffer of its slot: the kernel's write lands there
 * from the socket, and the driver moves it to and from the device by DMA
 * (the server maps the buffer's pages, and under VFIO the IOMMU maps them
 * for the device): one copy each way, the socket's.
 *
 * The server may die and come back (a crash, an upgrade): the bridge keeps
 * the requests it had in flight, reconnects, and makes them again (a block
 * read or write done twice is the same read or write), so nothing is
 * lost and nothing fails while the server is back within --hold seconds
 * (default 30). Past that, the waiting requests fail with EIO, as do new
 * ones until the server is back.
 *
 * SIGTERM or SIGINT disconnects the device (the kernel answers what it
 * still has queued with errors) once the requests in flight are answered.
 * docs/drivers.md, "Block drivers", has the whole picture.
 */
#define _GNU_SOURCE
#include "nbd.h"

#include "bridge.h"

#include "blk_device.h"
#include "drv_client.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nbd.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_CONNECTIONS = 8,
	MAX_SLOTS = 32,                    /* requests in flight, at most */
	MAX_REQUEST_BYTES = 1024 * 1024,   /* one request's data */
	PAGE_BYTES = 4096,
	RECONNECT_MS = 100,
	BUSY_RETRY_MS = 2,
	NBD_TIMEOUT_S = 600,               /* the kernel's: the bridge answers first */
	NBD_REQUEST_SIZE = 28,
	NBD_REPLY_SIZE = 16,
};

enum slot_state { SLOT_FREE, SLOT_WAITING, SLOT_FLIGHT };

/* One NBD request being served: possibly several blk::device calls, when
 * it covers more than info.max_blocks. */
struct slot {
	union {
		struct drv_pending pending; /* first in each */
		struct blk_device_read_call read;
		struct blk_device_write_call write;
		struct blk_device_flush_call flush;
		struct blk_device_discard_call discard;
	} call;
	enum slot_state state;
	int sock; /* the connection it came on */
	uint16_t type;
	uint8_t handle[8];
	uint64_t first;  /* block */
	uint64_t blocks; /* in all */
	uint64_t done;   /* blocks answered */
	uint32_t count;  /* blocks of the call in flight */
	struct drv_buffer *buf;
};

struct bridge {
	unsigned instance;
	bool verbose;
	unsigned hold_s;
	struct blk_device_client *client; /* NULL while the server is gone */
	struct blk_info info;
	unsigned block_shift;
	uint64_t max_bytes; /* one request's data */
	uint32_t call_blocks; /* one call's: what maps at any offset */
	struct slot slots[MAX_SLOTS];
	unsigned nslots, in_use;
	int socks[MAX_CONNECTIONS]; /* the bridge's ends */
	unsigned nsocks;
	int index; /* /dev/nbd<index> */
	struct timespec lost_at;
	bool stopping;
};

/* ---- the socket side ---- */

static int read_full(int fd, void *p, size_t n)
{
	uint8_t *q = p;
	while (n) {
		ssize_t r = read(fd, q, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

static int write_full(int fd, struct iovec *iov, int n)
{
	while (n) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		while (n && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Answers a request: its header, then for a read that succeeded its data. */
static void reply(int sock, const uint8_t handle[8], int error, const void *data, size_t len)
{
	uint8_t h[NBD_REPLY_SIZE];
	uint32_t magic = htobe32(NBD_REPLY_MAGIC), err = htobe32((uint32_t)error);
	memcpy(h, &magic, 4);
	memcpy(h + 4, &err, 4);
	memcpy(h + 8, handle, 8);
	struct iovec iov[2] = {{h, sizeof h}, {(void *)data, error ? 0 : len}};
	if (write_full(sock, iov, error || !len ? 1 : 2))
		bridge_log("cannot answer the kernel: %s", strerror(errno));
}

/* The errno the kernel is told for a blk::device outcome. */
static int nbd_errno(int st)
{
	switch (st) {
	case BLK_ERROR_READ_ONLY:
		return EPERM;
	case BLK_ERROR_RANGE:
		return ENOSPC;
	case BLK_ERROR_UNSUPPORTED:
		return ENOTSUP;
	default:
		return EIO;
	}
}

/* ---- requests ---- */

static void slot_free(struct bridge *b, struct slot *s)
{
	s->state = SLOT_FREE;
	b->in_use--;
}

static void slot_answer(struct bridge *b, struct slot *s, int error)
{
	size_t len = s->type == NBD_CMD_READ ? (size_t)(s->blocks << b->block_shift) : 0;
	reply(s->sock, s->handle, error, s->buf->data, len);
	slot_free(b, s);
}

static void lost(struct bridge *b, const char *why);

/* Starts the slot's next call; on a connection gone it waits for the
 * server to be back. */
static void slot_start(struct bridge *b, struct slot *s)
{
	uint64_t left = s->blocks - s->done;
	s->count = (uint32_t)(left < b->call_blocks ? left : b->call_blocks);
	uint64_t lba = s->first + s->done, offset = s->done << b->block_shift;
	int st;
	s->state = SLOT_WAITING;
	if (!b->client)
		return;
	memset(&s->call, 0, sizeof s->call);
	s->call.pending.ctx = s;
	switch (s->type) {
	case NBD_CMD_READ:
		st = blk_device_read_start(b->client, s->buf, lba, s->count, offset, &s->call.read);
		break;
	case NBD_CMD_WRITE:
		st = blk_device_write_start(b->client, s->buf, lba, s->count, offset, &s->call.write);
		break;
	case NBD_CMD_FLUSH:
		st = blk_device_flush_start(b->client, &s->call.flush);
		break;
	default:
		st = blk_device_discard_start(b->client, lba, s->count, &s->call.discard);
		break;
	}
	if (bridge_server_gone(st))
		lost(b, bridge_server_gone(st));
	else if (st)
		slot_answer(b, s, EIO);
	else
		s->state = SLOT_FLIGHT;
}

static int slot_finish(struct slot *s)
{
	switch (s->type) {
	case NBD_CMD_READ:
		return blk_device_read_finish(&s->call.read);
	case NBD_CMD_WRITE:
		return blk_device_write_finish(&s->call.write);
	case NBD_CMD_FLUSH:
		return blk_device_flush_finish(&s->call.flush);
	default:
		return blk_device_discard_finish(&s->call.discard);
	}
}

/* A call of s completed. */
static void slot_completed(struct bridge *b, struct slot *s)
{
	int st = slot_finish(s);
	if (st == 0) {
		s->done += s->type == NBD_CMD_FLUSH ? s->blocks : s->count;
		if (s->done < s->blocks)
			slot_start(b, s);
		else
			slot_answer(b, s, 0);
	} else if (st == BLK_ERROR_BUSY) {
		s->state = SLOT_WAITING; /* another client holds the device's slots */
	} else if (bridge_server_gone(st)) {
		s->state = SLOT_WAITING;
		lost(b, bridge_server_gone(st));
	} else {
		if (b->verbose)
			bridge_log("request %u at block %llu: %s", s->type,
				   (unsigned long long)(s->first + s->done), drv_strerror(st));
		slot_answer(b, s, nbd_errno(st));
	}
}

/* Drops the requests past --hold, when the server is gone. */
static void fail_waiting(struct bridge *b)
{
	for (unsigned i = 0; i < b->nslots; i++)
		if (b->slots[i].state == SLOT_WAITING)
			slot_answer(b, &b->slots[i], EIO);
}

static void start_waiting(struct bridge *b)
{
	for (unsigned i = 0; i < b->nslots && b->client; i++)
		if (b->slots[i].state == SLOT_WAITING)
			slot_start(b, &b->slots[i]);
}

/* Reads the kernel's next request on sock and starts it. -1: the socket
 * closed or broke the protocol. */
static int take_request(struct bridge *b, int sock)
{
	uint8_t h[NBD_REQUEST_SIZE];
	uint32_t magic, type, len;
	uint64_t from;
	if (read_full(sock, h, sizeof h))
		return -1;
	memcpy(&magic, h, 4);
	memcpy(&type, h + 4, 4);
	memcpy(&from, h + 16, 8);
	memcpy(&len, h + 24, 4);
	magic = be32toh(magic);
	type = be32toh(type) & 0xffff; /* the upper half is flags (FUA: writes are
					* durable after a flush anyway) */
	from = be64toh(from);
	len = be32toh(len);
	if (magic != NBD_REQUEST_MAGIC) {
		bridge_log("not an NBD request (magic 0x%08x)", magic);
		return -1;
	}
	if (type == NBD_CMD_DISC) {
		b->stopping = true;
		return 0;
	}
	uint64_t mask = ((uint64_t)1 << b->block_shift) - 1, size = b->info.blocks << b->block_shift;
	bool data = type == NBD_CMD_READ || type == NBD_CMD_WRITE;
	bool known = data || type == NBD_CMD_FLUSH || type == NBD_CMD_TRIM;
	bool fits = type == NBD_CMD_FLUSH ||
		    (!(from & mask) && !(len & mask) && from <= size && len <= size - from &&
		     (!data || len <= b->max_bytes));
	if (!known || !fits) {
		/* a write's data follows its header all the same */
		for (uint32_t left = type == NBD_CMD_WRITE ? len : 0; left;) {
			uint8_t sink[4096];
			uint32_t n = left < sizeof sink ? left : (uint32_t)sizeof sink;
			if (read_full(sock, sink, n))
				return -1;
			left -= n;
		}
		reply(sock, h + 8, known ? EINVAL : ENOTSUP, NULL, 0);
		return 0;
	}
	struct slot *s = NULL;
	for (unsigned i = 0; i < b->nslots && !s; i++)
		if (b->slots[i].state == SLOT_FREE)
			s = &b->slots[i];
	if (!s)
		return -1; /* never: the socket is read only with a slot free */
	b->in_use++;
	s->sock = sock;
	s->type = (uint16_t)type;
	memcpy(s->handle, h + 8, 8);
	s->first = from >> b->block_shift;
	s->blocks = type == NBD_CMD_FLUSH ? 1 : len >> b->block_shift;
	s->done = 0;
	if (type == NBD_CMD_WRITE && read_full(sock, s->buf->data, len))
		return -1;
	if (!s->blocks) {
		slot_answer(b, s, 0);
		return 0;
	}
	if (!b->client && bridge_since(&b->lost_at) > b->hold_s) {
		slot_answer(b, s, EIO); /* the server is gone for good, it seems */
		return 0;
	}
	slot_start(b, s);
	return 0;
}

/* Whether sock holds a whole request header now. The kernel queues its
 * requests back to back: those taken in one round go to the server as one
 * batch, and it wakes once for all of them (a process switch costs more
 * than anything else on the way, most of all under emulation). */
static bool request_waiting(int sock)
{
	uint8_t h[NBD_REQUEST_SIZE];
	return recv(sock, h, sizeof h, MSG_PEEK | MSG_DONTWAIT) == (ssize_t)sizeof h;
}

/* ---- the server side ---- */

/* The kernel's disk takes the device's new size (before setup has made
 * it, there is none to tell). */
static void resize(struct bridge *b, uint64_t blocks)
{
	if (blocks > UINT64_MAX >> b->block_shift) {
		bridge_log("the medium changed to %llu blocks, more bytes than 64 bits hold: ignored",
			   (unsigned long long)blocks);
		return;
	}
	b->info.blocks = blocks;
	if (b->index < 0)
		return;
	int st = nbd_resize(b->index, blocks << b->block_shift);
	bridge_log("the medium changed: %llu blocks%s%s", (unsigned long long)blocks,
		   st ? "; the kernel refused the new size: " : "", st ? strerror(-st) : "");
}

static void on_media_changed(void *ctx, uint64_t blocks)
{
	resize(ctx, blocks);
}

static int connect_server(struct bridge *b)
{
	struct blk_device_client *c = NULL;
	int st = blk_device_connect(b->instance, &c);
	if (!st)
		st = blk_device_info(c, &b->info);
	if (!st)
		st = blk_device_on_media_changed(c, on_media_changed, b);
	if (st) {
		if (c)
			blk_device_disconnect(c);
		return st;
	}
	b->client = c;
	return 0;
}

static void lost(struct bridge *b, const char *why)
{
	if (!b->client)
		return;
	bridge_log("%s: holding %u requests, reconnecting", why, b->in_use);
	/* the calls in flight are abandoned: their slots wait to be made again */
	blk_device_disconnect(b->client);
	b->client = NULL;
	for (unsigned i = 0; i < b->nslots; i++)
		if (b->slots[i].state == SLOT_FLIGHT)
			b->slots[i].state = SLOT_WAITING;
	clock_gettime(CLOCK_MONOTONIC, &b->lost_at);
}

/* While the server is gone: back, or past --hold. */
static void reconnect(struct bridge *b)
{
	uint64_t blocks = b->info.blocks;
	uint32_t block_size = b->info.block_size;
	if (connect_server(b) == 0) {
		if (b->info.block_size != block_size)
			bridge_log("the disk's block size changed while the server was gone");
		else if (b->info.blocks != blocks)
			resize(b, b->info.blocks);
		bridge_log("the server is back after %.1f s: making %u requests again",
			   bridge_since(&b->lost_at), b->in_use);
		start_waiting(b);
	} else if (bridge_since(&b->lost_at) > b->hold_s) {
		fail_waiting(b);
	}
}

/* Hands the completed calls to their slots. */
static void take_completions(struct bridge *b)
{
	struct drv_client *c = (struct drv_client *)b->client;
	struct drv_pending *p;
	int n;
	int st = drv_client_poll(c, 0);
	if (bridge_server_gone(st)) {
		lost(b, bridge_server_gone(st));
		return;
	}
	while (b->client && (n = drv_client_next(c, 0, &p)) == 1)
		slot_completed(b, p->ctx);
}

/* ---- setup and the loop ---- */

static int setup(struct bridge *b, int want_index, unsigned nconns)
{
	int st = connect_server(b);
	if (st) {
		bridge_log("no blk::device instance %u: %s", b->instance, drv_strerror(st));
		return 1;
	}
	const struct blk_info *info = &b->info;
	if (info->block_size < 512 || info->block_size > 65536 ||
	    (info->block_size & (info->block_size - 1)) || !info->max_blocks ||
	    !info->queue_depth || info->max_segments < 2) {
		bridge_log("blk::device %u: not a disk (block size %u, %u segments a request)",
			   b->instance, info->block_size, info->max_segments);
		return 1;
	}
	b->block_shift = (unsigned)__builtin_ctz(info->block_size);
	/* a slot's pages lie anywhere: a call keeps to what maps at any
	 * offset (blk.idl's max_segments) */
	uint64_t fits = ((uint64_t)(info->max_segments - 1) * PAGE_BYTES) >> b->block_shift;
	b->call_blocks = (uint32_t)(fits < info->max_blocks ? fits : info->max_blocks);
	if (!b->call_blocks) {
		bridge_log("blk::device %u: no block fits %u segments", b->instance,
			   info->max_segments);
		return 1;
	}
	b->max_bytes = MAX_REQUEST_BYTES;
	b->nslots = info->queue_depth < MAX_SLOTS ? info->queue_depth : MAX_SLOTS;
	for (unsigned i = 0; i < b->nslots; i++)
		if (drv_buffer_new(b->max_bytes, &b->slots[i].buf)) {
			bridge_log("out of memory for %u buffers", b->nslots);
			return 1;
		}
	int kernel_ends[MAX_CONNECTIONS];
	for (b->nsocks = 0; b->nsocks < nconns; b->nsocks++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
			bridge_log("socketpair: %s", strerror(errno));
			return 1;
		}
		b->socks[b->nsocks] = sv[0];
		kernel_ends[b->nsocks] = sv[1];
	}
	struct nbd_config cfg = {
		.index = want_index,
		.size = info->blocks << b->block_shift,
		.block_size = info->block_size,
		.flags = NBD_FLAG_HAS_FLAGS | (nconns > 1 ? NBD_FLAG_CAN_MULTI_CONN : 0) |
			 (info->features & BLK_FEATURES_FLUSH ? NBD_FLAG_SEND_FLUSH : 0) |
			 (info->features & BLK_FEATURES_DISCARD ? NBD_FLAG_SEND_TRIM : 0) |
			 (info->features & BLK_FEATURES_READ_ONLY ? NBD_FLAG_READ_ONLY : 0),
		.timeout_s = NBD_TIMEOUT_S,
	};
	st = nbd_connect(&cfg, kernel_ends, b->nsocks, &b->index);
	for (unsigned i = 0; i < b->nsocks; i++)
		close(kernel_ends[i]); /* the kernel holds them now */
	if (st) {
		bridge_log("cannot connect an NBD device: %s%s", strerror(-st),
			   st == -ENOENT ? " (no nbd module: modprobe nbd)" : "");
		return 1;
	}
	/* the kernel's requests are never bigger than a slot's buffer */
	char path[64], kb[32];
	snprintf(path, sizeof path, "/sys/block/nbd%d/queue/max_sectors_kb", b->index);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int n = snprintf(kb, sizeof kb, "%llu", (unsigned long long)(b->max_bytes / 1024));
	if (fd < 0 || write(fd, kb, (size_t)n) != n)
		bridge_log("%s: %s (requests over %llu bytes will fail)", path, strerror(errno),
			   (unsigned long long)b->max_bytes);
	if (fd >= 0)
		close(fd);
	bridge_log("/dev/nbd%d: blk::device %u, %llu blocks of %u bytes%s, %u requests at once, "
		   "%u connection%s",
		   b->index, b->instance, (unsigned long long)info->blocks, info->block_size,
		   info->features & BLK_FEATURES_READ_ONLY ? ", read-only" : "", b->nslots,
		   b->nsocks, b->nsocks == 1 ? "" : "s");
	printf("/dev/nbd%d\n", b->index);
	fflush(stdout);
	return 0;
}

static int serve(struct bridge *b)
{
	bool asked_to_stop = false;
	unsigned open_socks = b->nsocks;
	while (open_socks && !(b->stopping && !b->in_use)) {
		struct pollfd pfd[MAX_CONNECTIONS + 1];
		unsigned n = 0;
		if (bridge_signalled && !asked_to_stop) {
			bridge_log("signal %d: disconnecting /dev/nbd%d", (int)bridge_signalled,
				   b->index);
			nbd_disconnect(b->index);
			asked_to_stop = true;
		}
		bool room = b->in_use < b->nslots && !b->stopping;
		for (unsigned i = 0; i < b->nsocks; i++)
			pfd[n++] = (struct pollfd){b->socks[i], (short)(room && b->socks[i] >= 0 ? POLLIN : 0), 0};
		int client_fd = b->client ? drv_client_fd((struct drv_client *)b->client) : -1;
		pfd[n++] = (struct pollfd){client_fd, POLLIN, 0};
		bool waiting = false;
		for (unsigned i = 0; i < b->nslots; i++)
			waiting |= b->slots[i].state == SLOT_WAITING;
		int timeout = !b->client ? RECONNECT_MS : waiting ? BUSY_RETRY_MS : -1;
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			bridge_log("poll: %s", strerror(errno));
			return 1;
		}
		if (b->client && (pfd[n - 1].revents || waiting))
			take_completions(b);
		if (!b->client)
			reconnect(b);
		else if (waiting)
			start_waiting(b);
		for (unsigned i = 0; i < b->nsocks; i++) {
			if (b->socks[i] < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int st;
			do
				st = take_request(b, b->socks[i]);
			while (!st && b->in_use < b->nslots && !b->stopping &&
			       request_waiting(b->socks[i]));
			if (st) {
				close(b->socks[i]);
				b->socks[i] = -1;
				open_socks--;
			}
		}
		/* the calls started this round go out together */
		if (b->client && drv_client_flush((struct drv_client *)b->client) < 0)
			lost(b, "the server went away");
	}
	bridge_log("/dev/nbd%d disconnected", b->index);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: drvgen-nbd [--instance N] [--nbd N] [--connections K] [--hold S] [-v]\n"
			"  --instance     the blk::device instance to serve (default 0)\n"
			"  --nbd          the NBD device, /dev/nbdN (default: the first free one)\n"
			"  --connections  sockets the kernel sends requests on (default 1, at most 8)\n"
			"  --hold         seconds requests wait for a server that went away (default 30)\n"
			"  -v             log every failed request\n");
}

int main(int argc, char **argv)
{
	static struct bridge b = {.hold_s = 30};
	bridge_name = "drvgen-nbd";
	long instance = 0, index = -1, conns = 1, hold = 30;
	for (int i = 1; i < argc; i++) {
		if (bridge_number_option(argc, argv, &i, "--instance", 0, INT_MAX, &instance) ||
		    bridge_number_option(argc, argv, &i, "--nbd", 0, INT_MAX, &index) ||
		    bridge_number_option(argc, argv, &i, "--connections", 1, MAX_CONNECTIONS, &conns) ||
		    bridge_number_option(argc, argv, &i, "--hold", 0, 86400, &hold))
			continue;
		if (!strcmp(argv[i], "-v")) {
			b.verbose = true;
			continue;
		}
		usage();
		return strcmp(argv[i], "-h") && strcmp(argv[i], "--help") ? 2 : 0;
	}
	b.instance = (unsigned)instance;
	b.hold_s = (unsigned)hold;
	b.index = -1; /* no /dev/nbd yet */
	bridge_reconnect_itself();
	bridge_catch_signals();
	if (setup(&b, (int)index, (unsigned)conns))
		return 1;
	return serve(&b);
}
