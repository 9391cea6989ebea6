// SPDX-License-Identifier: MIT
/* blk_check.c - the blk::device checks of the QEMU tests, one client for
 * both targets: it opens blk::device instance N and does not know whether
 * the kernel module or the userspace server answers.
 *
 *   blk_check [--tag T] [--instance N] --size BYTES --serial S [--read-only]
 *             [--clients P] [--in-flight K] [--kill-clients]
 *
 * info() against what the host made: the disk's size, the serial number
 * QEMU was given, the model, a queue depth of 32 or more, read-only or
 * not. On a writable disk: writes read back at its start, its end and
 * across it, at offsets inside the caller's buffer; P client processes at
 * once, each with K requests in flight through the pipelined stubs (the
 * kernel's ioctl makes one call at a time per process, so it takes P
 * processes there for as many in flight as K does on a socket), every
 * request's data its own; flush; discard; requests out of range are
 * RANGE. On a read-only disk writes and discards are READ_ONLY, reads
 * work. --kill-clients: then P client processes are killed (SIGKILL) with
 * their K writes and reads in flight, and the P clients at once run again.
 */
#define _GNU_SOURCE
#include "blk_device.h"
#include "check.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
	GUARD_S = 240,
	REGION = 16, /* blocks each in-flight request writes */
	ACROSS = 14, /* positions across the disk */
	MAX_CLIENTS = 64,
	MAX_IN_FLIGHT = 64,
};

/* A read or a write in flight: a pending and room for a reply of no
 * result, so one finish serves both. */
union blk_call {
	struct drv_pending pending;
	struct blk_device_read_call read;
	struct blk_device_write_call write;
};

static struct blk_device_client *client;
static struct blk_info info;
/* The most blocks of a request whose buffer lies anywhere: max_blocks, or
 * what max_segments - 1 pages hold (blk.idl) */
static uint32_t whole;
static uint64_t disk_size;
static const char *serial = "";
static bool read_only;
static unsigned nclients = 1, in_flight = 32;
static bool kill_clients;

static const char *blk_status(int st)
{
	return status_text(st, blk_error_name);
}

/* The bytes block `lba` holds after a write of generation `gen`. */
static void pattern(uint8_t *p, uint64_t lba, uint32_t count, unsigned gen)
{
	for (uint64_t i = 0; i < (uint64_t)count * info.block_size; i++) {
		uint64_t x = (lba * info.block_size + i) * 0x9e3779b97f4a7c15ull ^
			     gen * 0xbf58476d1ce4e5b9ull;
		p[i] = (uint8_t)(x >> 56);
	}
}

static struct drv_buffer *new_buffer(size_t size)
{
	struct drv_buffer *b = NULL;
	int st = drv_buffer_new(size, &b);
	if (st) {
		check(false, blk_status(st), "a buffer of %zu bytes", size);
		exit(check_exit());
	}
	return b;
}

static void check_info(void)
{
	char want[20] = {0};
	int st = blk_device_info(client, &info);
	if (!check(st == 0, blk_status(st), "info()"))
		exit(check_exit());
	memcpy(want, serial, strnlen(serial, sizeof want));
	check(info.block_size >= 512 && !(info.block_size & (info.block_size - 1)), NULL,
	      "info: block size %u, a power of two from 512", info.block_size);
	check(info.blocks * info.block_size == disk_size, NULL,
	      "info: %llu blocks of %u bytes are the host's %llu-byte image",
	      (unsigned long long)info.blocks, info.block_size, (unsigned long long)disk_size);
	check(info.queue_depth >= 32, NULL, "info: %u requests at once (32 or more)",
	      info.queue_depth);
	check(info.max_blocks >= 8, NULL, "info: up to %u blocks a request", info.max_blocks);
	check(info.max_segments >= 2, NULL, "info: in up to %u pieces", info.max_segments);
	uint64_t fits = (uint64_t)(info.max_segments ? info.max_segments - 1 : 0) * 4096 /
			info.block_size;
	whole = (uint32_t)(fits < info.max_blocks ? fits : info.max_blocks);
	check(whole >= 8, NULL, "info: a buffer of %u blocks fits at any offset", whole);
	check(!memcmp(info.model, "virtio-blk", 11), (const char *)info.model,
	      "info: the model is virtio-blk");
	check(!memcmp(info.serial, want, sizeof want), NULL, "info: the serial is %.20s (%.20s)",
	      serial, (const char *)info.serial);
	check(!(info.features & BLK_FEATURES_READ_ONLY) == !read_only, NULL, "info: the disk is %s",
	      read_only ? "read-only" : "writable");
	check(!(info.features & BLK_FEATURES_DISCARD) == read_only, NULL, "info: it %s",
	      read_only ? "does not discard (read-only)" : "discards");
	check(info.features & BLK_FEATURES_FLUSH, NULL, "info: it has a write cache to flush");
}

/* Writes count blocks at lba from `offset` in b, reads them back into
 * another offset, and compares. */
static void round_trip(struct drv_buffer *b, uint64_t lba, uint32_t count, uint64_t offset,
		       unsigned gen, const char *where)
{
	size_t bytes = (size_t)count * info.block_size;
	uint8_t *want = malloc(bytes);
	if (!want)
		exit(3);
	pattern(want, lba, count, gen);
	memcpy((uint8_t *)b->data + offset, want, bytes);
	int st = blk_device_write(client, b, lba, count, offset);
	check(st == 0, blk_status(st), "write %u block(s) at %llu (%s), from offset %llu", count,
	      (unsigned long long)lba, where, (unsigned long long)offset);
	memset(b->data, 0, b->size);
	uint64_t back = offset ? 0 : 512;
	st = blk_device_read(client, b, lba, count, back);
	check(st == 0 && !memcmp((uint8_t *)b->data + back, want, bytes), blk_status(st),
	      "read back %u block(s) at %llu (%s), into offset %llu: the same bytes", count,
	      (unsigned long long)lba, where, (unsigned long long)back);
	free(want);
}

/* Reads count blocks at lba and compares them with generation gen's. */
static bool same(struct drv_buffer *b, uint64_t lba, uint32_t count, unsigned gen)
{
	size_t bytes = (size_t)count * info.block_size;
	uint8_t *want = malloc(bytes);
	if (!want)
		exit(3);
	pattern(want, lba, count, gen);
	int st = blk_device_read(client, b, lba, count, 0);
	bool ok = st == 0 && !memcmp(b->data, want, bytes);
	free(want);
	return ok;
}

/* The k-th of the writes across the disk: where, and how many blocks. */
static uint64_t across(unsigned k)
{
	return (info.blocks - whole) / (ACROSS + 1) * (k + 1);
}

static uint32_t across_count(unsigned k)
{
	return 1 + k * 5 % 64;
}

static void data_round_trips(void)
{
	struct drv_buffer *b = new_buffer((size_t)whole * info.block_size + 4096);
	round_trip(b, 0, 1, 0, 1, "the first block");
	round_trip(b, 1, whole, 512, 1, "the start, a whole request");
	round_trip(b, info.blocks - 1, 1, 100, 1, "the last block");
	round_trip(b, info.blocks - whole, whole - 1, 4096, 2,
		   "the end, a whole request");
	for (unsigned k = 0; k < ACROSS; k++)
		round_trip(b, across(k), across_count(k), k * 512, 3, "across the disk");
	/* each of them is still there: no write landed elsewhere */
	bool ok = same(b, 0, 1, 1) && same(b, 1, whole, 1) &&
		  same(b, info.blocks - 1, 1, 1) &&
		  same(b, info.blocks - whole, whole - 1, 2);
	for (unsigned k = 0; k < ACROSS; k++)
		ok = ok && same(b, across(k), across_count(k), 3);
	check(ok, NULL, "every block written is read back as written, after all the writes");
	drv_buffer_free(b);
}

/* Starts client c's request i of a pass (0: writes, 1: reads) of
 * one_client. */
static int start_one(struct blk_device_client *c, struct drv_buffer *b, unsigned pass,
		     uint64_t base, unsigned i, union blk_call *call)
{
	size_t bytes = (size_t)REGION * info.block_size;
	uint64_t lba = base + (uint64_t)i * REGION;
	return pass ? blk_device_read_start(c, b, lba, REGION, bytes * i, &call->read)
		    : blk_device_write_start(c, b, lba, REGION, bytes * i, &call->write);
}

/* One client process's part: `in_flight` writes started at once, each of
 * its own region and data, finished in whatever order they come, then as
 * many reads; 0 if every request succeeded with the right data, else
 * which step failed. The device's depth is shared: a request answered
 * BUSY (those of killed clients may still hold the device's slots) is
 * made again a millisecond later. One that stays BUSY ends with the
 * alarm, as a call that never completes would. */
static int one_client(unsigned who)
{
	union blk_call calls[MAX_IN_FLIGHT];
	size_t bytes = (size_t)REGION * info.block_size;
	uint64_t base = info.blocks / 2 + (uint64_t)who * in_flight * REGION;
	struct blk_device_client *c;
	struct drv_buffer *b = NULL;
	uint8_t *want = malloc(bytes * in_flight);

	alarm(GUARD_S);
	if (!want || drv_buffer_new(bytes * in_flight, &b) ||
	    blk_device_connect(check_instance, &c))
		return 1;
	memset(calls, 0, sizeof calls);
	for (unsigned i = 0; i < in_flight; i++)
		pattern(want + bytes * i, base + (uint64_t)i * REGION, REGION, 4);
	memcpy(b->data, want, bytes * in_flight);
	for (unsigned pass = 0; pass < 2; pass++) {
		if (pass)
			memset(b->data, 0,
			       b->size); /* the writes are done: the reads fill it again */
		for (unsigned i = 0; i < in_flight; i++)
			if (start_one(c, b, pass, base, i, &calls[i]))
				return 2;
		for (unsigned done = 0; done < in_flight;) {
			struct drv_pending *p;
			if (drv_client_next((struct drv_client *)c, -1, &p) != 1)
				return 3;
			union blk_call *call = (union blk_call *)(void *)p;
			int st = blk_device_write_finish(&call->write);
			if (st == BLK_ERROR_BUSY) {
				usleep(1000);
				if (start_one(c, b, pass, base, (unsigned)(call - calls), call))
					return 2;
				continue;
			}
			if (st) {
				printf("# client %u: a request was answered %d\n", who, st);
				fflush(stdout);
				return 4;
			}
			done++;
		}
	}
	if (memcmp(b->data, want, bytes * in_flight))
		return 5;
	blk_device_disconnect(c);
	drv_buffer_free(b);
	free(want);
	return 0;
}

static const char *const client_failure[] = {
	"",
	"could not connect",
	"a start failed",
	"a call never completed",
	"a request failed",
	"read back other bytes",
};

static void many_in_flight(void)
{
	pid_t pids[MAX_CLIENTS];
	unsigned ok = 0;

	fflush(stdout);
	for (unsigned i = 0; i < nclients; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(one_client(i));
		if (pids[i] < 0) {
			check(false, strerror(errno), "fork client %u", i);
			return;
		}
	}
	for (unsigned i = 0; i < nclients; i++) {
		int status = 0;
		waitpid(pids[i], &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) < 6)
			printf("# client %u: %s\n", i, client_failure[WEXITSTATUS(status)]);
		else
			printf("# client %u: ended with status 0x%x\n", i, status);
	}
	check(ok == nclients, NULL,
	      "%u client(s) at once, each with %u request(s) of %u blocks in flight (pipelined): "
	      "all right (%u of them)",
	      nclients, in_flight, REGION, ok);
}

/* A client to be killed: its regions' writes (the data one_client
 * writes) and reads, in_flight at a time, over and over; a byte on `ready`
 * once the first ones are sent (on the kernel's ioctl, made: the next one
 * is then being made whenever it dies). */
static int doomed_client(unsigned who, int ready)
{
	union blk_call calls[MAX_IN_FLIGHT];
	size_t bytes = (size_t)REGION * info.block_size;
	uint64_t base = info.blocks / 2 + (uint64_t)who * in_flight * REGION;
	struct blk_device_client *c;
	struct drv_buffer *b = NULL;

	alarm(GUARD_S); /* an alarm is not inherited: dies even if the parent did */
	if (drv_buffer_new(bytes * in_flight, &b) || blk_device_connect(check_instance, &c))
		return 1;
	memset(calls, 0, sizeof calls);
	for (unsigned i = 0; i < in_flight; i++)
		pattern((uint8_t *)b->data + bytes * i, base + (uint64_t)i * REGION, REGION, 4);
	for (unsigned round = 0;; round++) {
		for (unsigned i = 0; i < in_flight; i++) {
			uint64_t lba = base + (uint64_t)i * REGION;
			int st = round % 2 ? blk_device_read_start(c, b, lba, REGION, bytes * i,
								   &calls[i].read)
					   : blk_device_write_start(c, b, lba, REGION, bytes * i,
								    &calls[i].write);
			if (st)
				return 2;
		}
		if (drv_client_flush((struct drv_client *)c) < 0)
			return 2;
		if (!round && write(ready, "x", 1) != 1)
			return 1;
		for (unsigned done = 0; done < in_flight; done++) {
			struct drv_pending *p;
			if (drv_client_next((struct drv_client *)c, -1, &p) != 1)
				return 3;
			if (blk_device_write_finish(&((union blk_call *)(void *)p)->write))
				return 4;
		}
	}
}

/* nclients clients killed with their requests in flight: the driver must
 * finish with their pages (the device may still be moving them) without
 * harm, and serve the next clients as before. */
static void killed_clients(void)
{
	pid_t pids[MAX_CLIENTS];
	int ready[2];
	unsigned started = 0, forked = 0;
	char byte;

	if (pipe(ready)) {
		check(false, strerror(errno), "a pipe for the clients to be killed");
		return;
	}
	fflush(stdout);
	for (; forked < nclients; forked++) {
		pids[forked] = fork();
		if (pids[forked] == 0) {
			close(ready[0]);
			_exit(doomed_client(forked, ready[1]));
		}
		if (pids[forked] < 0)
			break;
	}
	close(ready[1]);
	while (started < forked && read(ready[0], &byte, 1) == 1)
		started++;
	close(ready[0]);
	for (unsigned i = 0; i < forked; i++)
		kill(pids[i], SIGKILL);
	unsigned killed = 0;
	for (unsigned i = 0; i < forked; i++) {
		int status = 0;
		waitpid(pids[i], &status, 0);
		killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	}
	check(forked == nclients && started == nclients && killed == nclients, NULL,
	      "%u client(s) killed (SIGKILL) amid their requests, %u at a time each on a socket "
	      "(one at a time on the kernel's ioctl) (%u forked, %u started, %u killed)",
	      nclients, in_flight, forked, started, killed);
	many_in_flight();
}

static void flush_and_discard(void)
{
	struct drv_buffer *b = new_buffer((size_t)64 * info.block_size);
	uint64_t lba = across(3);
	uint32_t count = across_count(3);
	int st = blk_device_flush(client);

	check(st == 0, blk_status(st), "flush");
	st = blk_device_discard(client, lba, count);
	check(st == 0, blk_status(st), "discard %u blocks at %llu", count, (unsigned long long)lba);
	/* what was there before, or zeros (blk.idl) */
	st = blk_device_read(client, b, lba, count, 0);
	bool zeros = true;
	for (size_t i = 0; i < (size_t)count * info.block_size; i++)
		zeros = zeros && !((uint8_t *)b->data)[i];
	check(st == 0 && (zeros || same(b, lba, count, 3)), blk_status(st),
	      "the discarded blocks read as zeros or as they were (%s)",
	      zeros ? "zeros" : "as they were");
	drv_buffer_free(b);
}

/* Out of range, refused: with the device's error, or RANGE. */
static void refusals(void)
{
	struct drv_buffer *b = new_buffer((size_t)(info.max_blocks + 1) * info.block_size);
	struct drv_buffer *small = new_buffer(info.block_size);
	int write_error = read_only ? BLK_ERROR_READ_ONLY : BLK_ERROR_RANGE;
	int st;

	st = blk_device_read(client, b, info.blocks, 1, 0);
	check(st == BLK_ERROR_RANGE, blk_status(st), "read past the end: RANGE");
	st = blk_device_read(client, b, info.blocks - 1, 2, 0);
	check(st == BLK_ERROR_RANGE, blk_status(st), "read across the end: RANGE");
	st = blk_device_read(client, b, UINT64_MAX, 1, 0);
	check(st == BLK_ERROR_RANGE, blk_status(st), "read at block 2^64-1: RANGE");
	st = blk_device_read(client, b, 0, 0, 0);
	check(st == BLK_ERROR_RANGE, blk_status(st), "read of no blocks: RANGE");
	st = blk_device_read(client, b, 0, info.max_blocks + 1, 0);
	check(st == BLK_ERROR_RANGE, blk_status(st), "read of max_blocks + 1: RANGE");
	st = blk_device_read(client, small, 0, 2, 0);
	check(st == BLK_ERROR_RANGE, blk_status(st), "read into a buffer too small: RANGE");
	st = blk_device_read(client, small, 0, 1, 1);
	check(st == BLK_ERROR_RANGE, blk_status(st), "read past the buffer's end: RANGE");
	st = blk_device_write(client, b, info.blocks, 1, 0);
	check(st == write_error, blk_status(st), "write past the end: %s",
	      blk_error_name((uint64_t)write_error));
	st = blk_device_discard(client, info.blocks - 1, 2);
	check(st == write_error, blk_status(st), "discard across the end: %s",
	      blk_error_name((uint64_t)write_error));
	drv_buffer_free(small);
	drv_buffer_free(b);
}

static void read_only_disk(void)
{
	struct drv_buffer *b = new_buffer((size_t)whole * info.block_size);
	int st = blk_device_write(client, b, 0, 1, 0);

	check(st == BLK_ERROR_READ_ONLY, blk_status(st), "write to the read-only disk: READ_ONLY");
	st = blk_device_discard(client, 0, 1);
	check(st == BLK_ERROR_READ_ONLY, blk_status(st),
	      "discard on the read-only disk: READ_ONLY");
	memset(b->data, 0xee, b->size);
	st = blk_device_read(client, b, 0, whole, 0);
	bool zeros = true;
	for (size_t i = 0; i < b->size; i++)
		zeros = zeros && !((uint8_t *)b->data)[i];
	check(st == 0 && zeros, blk_status(st), "read %u blocks of the (empty) read-only disk",
	      whole);
	st = blk_device_read(client, b, info.blocks - 1, 1, 0);
	check(st == 0, blk_status(st), "read its last block");
	drv_buffer_free(b);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (check_common_option(argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "--read-only")) {
			read_only = true;
		} else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			disk_size = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--serial") && i + 1 < argc) {
			serial = argv[++i];
		} else if (!strcmp(argv[i], "--clients") && i + 1 < argc) {
			nclients = (unsigned)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--in-flight") && i + 1 < argc) {
			in_flight = (unsigned)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--kill-clients")) {
			kill_clients = true;
		} else {
			fprintf(stderr,
				"usage: blk_check [--tag T] [--instance N] --size BYTES --serial S "
				"[--read-only] [--clients P] [--in-flight K] [--kill-clients]\n");
			return 2;
		}
	}
	if (!nclients || nclients > MAX_CLIENTS || !in_flight || in_flight > MAX_IN_FLIGHT) {
		fprintf(stderr, "blk_check: 1 to %d clients, 1 to %d in flight\n", MAX_CLIENTS,
			MAX_IN_FLIGHT);
		return 2;
	}
	guard(GUARD_S, "checking blk::device");
	int st = blk_device_connect(check_instance, &client);
	if (!check(st == 0, blk_status(st), "connect to blk::device instance %u", check_instance))
		return check_exit();
	check_info();
	if (read_only) {
		read_only_disk();
	} else {
		data_round_trips();
		many_in_flight();
		if (kill_clients)
			killed_clients();
		flush_and_discard();
	}
	refusals();
	blk_device_disconnect(client);
	return check_exit();
}
