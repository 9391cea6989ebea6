// SPDX-License-Identifier: MIT
/* test_wire.c - the bytes on the wire, and a client's distrust of them.
 *
 * A recording transport stands where the socket would: it keeps what a
 * stub sends and hands back a reply the test wrote byte by byte. So the
 * encodings docs/wire-format.md shows are checked here exactly, and every
 * way a reply can break the protocol is shown to the generated decoders.
 * A batch, which only a socket makes, is checked over a real one.
 */
#define _GNU_SOURCE
#include "drv_transport.h"
#include "edu_device.h"
#include "kit_store.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

struct recorder {
	struct drv_client c;
	uint8_t sent[DRV_MAX_MESSAGE];
	size_t sent_len;
	unsigned sent_caps;
	uint8_t reply[DRV_MAX_MESSAGE]; /* header and payload, as received */
	size_t reply_len;
	int reply_fds[DRV_MAX_CAPS];
	unsigned reply_nfds;
};

static int record_call(struct drv_client *c, uint16_t kind, uint64_t label, uint32_t len,
		       const struct drv_cap *caps, unsigned ncaps, unsigned reply_caps,
		       struct drv_reply *r)
{
	(void)reply_caps;
	struct recorder *rec = (struct recorder *)c;
	drv_client_put_header(c, kind, label, drv_client_new_request(c), len, caps, ncaps);
	memcpy(rec->sent, c->out, DRV_HEADER_SIZE + len);
	rec->sent_len = DRV_HEADER_SIZE + len;
	rec->sent_caps = ncaps;
	if (!r)
		return 0;
	struct drv_header rh;
	drv_header_get(rec->reply, &rh);
	memset(r, 0, sizeof *r);
	r->status = rh.status;
	r->payload = rec->reply + DRV_HEADER_SIZE;
	r->len = (uint32_t)(rec->reply_len - DRV_HEADER_SIZE);
	r->nfds = rec->reply_nfds;
	memcpy(r->fds, rec->reply_fds, sizeof r->fds);
	return 0;
}

static int record_receive(struct drv_client *c, int timeout_ms)
{
	(void)c;
	(void)timeout_ms;
	return 0;
}

static int record_fd(const struct drv_client *c)
{
	(void)c;
	return -1;
}

static void record_disconnect(struct drv_client *c)
{
	drv_client_release(c);
}

static const struct drv_client_ops record_ops = {record_call,	 NULL,	    NULL,
						 record_receive, record_fd, record_disconnect};

static int setup(void **state)
{
	struct recorder *rec = calloc(1, sizeof *rec);
	drv_client_init(&rec->c, &record_ops);
	*state = rec;
	return 0;
}

static int teardown(void **state)
{
	struct recorder *rec = *state;
	drv_client_release(&rec->c);
	free(rec);
	return 0;
}

/* The reply the next call gets: header fields, then payload bytes. */
static void canned(struct recorder *rec, uint32_t status, const uint8_t *payload, uint32_t len)
{
	struct drv_header h = {0, 1, len, 0, DRV_KIND_REPLY, status};
	drv_header_put(rec->reply, &h);
	if (len)
		memcpy(rec->reply + DRV_HEADER_SIZE, payload, len);
	rec->reply_len = DRV_HEADER_SIZE + len;
	rec->reply_nfds = 0;
}

/* docs/wire-format.md, "An example": edu::device liveness(0x12345678). */
static void edu_liveness_bytes(void **state)
{
	struct recorder *rec = *state;
	static const uint8_t request[] = {
		0x02, 0x00, 0xa1, 0x7e, 0xc5, 0x81, 0x00, 0x00, /* label 0x81c57ea1 << 16 | 2 */
		0x01, 0x00, 0x00, 0x00,                         /* request 1 */
		0x08, 0x00, 0x00, 0x00,                         /* length 8 */
		0x00, 0x00,                                     /* ncaps 0 */
		0x01, 0x00,                                     /* kind: call */
		0x00, 0x00, 0x00, 0x00,                         /* no page buffers */
		0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00, 0x00, /* v, padding */
	};
	static const uint8_t reply_payload[] = {0x87, 0xa9, 0xcb, 0xed, 0, 0, 0, 0};
	canned(rec, 0, reply_payload, 8);
	uint32_t r = 0;
	assert_int_equal(edu_device_liveness((struct edu_device_client *)&rec->c, 0x12345678, &r),
			 0);
	assert_int_equal(rec->sent_len, sizeof request);
	assert_memory_equal(rec->sent, request, sizeof request);
	assert_int_equal(r, 0xedcba987);

	/* factorial's own error: an empty reply whose status is BUSY */
	canned(rec, EDU_ERROR_BUSY, NULL, 0);
	assert_int_equal(edu_device_factorial((struct edu_device_client *)&rec->c, 5, &r),
			 EDU_ERROR_BUSY);
}

/* Variable-size values: counts inline, data after, each 8-aligned. */
static void kit_put_bytes(void **state)
{
	struct recorder *rec = *state;
	static const uint8_t payload[] = {
		3,   0,	  0,   0,   /* key: 3 bytes */
		2,   0,	  0,   0,   /* value: 2 bytes */
		1,   0,	  0,   0,   /* marks: 1 */
		0,   0,	  0,   0,   /* modes: 0 */
		'a', 'b', 'c', 0,   0, 0, 0, 0, /* "abc", its zero byte, padding */
		9,   8,	  0,   0,   0, 0, 0, 0, /* value, padding */
		0x34, 0x12, 0, 0,   0, 0, 0, 0, /* marks[0] = 0x1234, padding */
	};
	static const uint8_t reply_payload[] = {7, 0, 0, 0, 0, 0, 0, 0};
	const uint8_t value[] = {9, 8};
	const uint16_t marks[] = {0x1234};
	uint32_t r = 0;
	canned(rec, 0, reply_payload, 8);
	assert_int_equal(kit_store_put((struct kit_store_client *)&rec->c, "abc", value, 2, marks, 1,
				       NULL, 0, &r),
			 0);
	assert_int_equal(r, 7);
	assert_int_equal(rec->sent_len, DRV_HEADER_SIZE + sizeof payload);
	assert_memory_equal(rec->sent + DRV_HEADER_SIZE, payload, sizeof payload);
	struct drv_header h;
	drv_header_get(rec->sent, &h);
	assert_true(h.label == KIT_STORE_PUT_LABEL);
	assert_int_equal(h.length, sizeof payload);
}

/* A reply that breaks the protocol is -DRV_E_BAD_REPLY, never a value. */
static void distrusted_replies(void **state)
{
	struct recorder *rec = *state;
	struct kit_store_client *c = (struct kit_store_client *)&rec->c;
	uint32_t sum = 0;
	enum kit_level level;
	char name[17];
	uint8_t value[200];
	uint32_t len;

	static const uint8_t ok[] = {5, 0, 0, 0, 0, 0, 0, 0};
	canned(rec, 0, ok, 8);
	assert_int_equal(kit_store_add(c, 2, 3, &sum), 0);
	assert_int_equal(sum, 5);

	canned(rec, 0, ok, 4); /* short */
	assert_int_equal(kit_store_add(c, 2, 3, &sum), -DRV_E_BAD_REPLY);
	static const uint8_t padded[] = {5, 0, 0, 0, 0, 0, 1, 0}; /* nonzero padding */
	canned(rec, 0, padded, 8);
	assert_int_equal(kit_store_add(c, 2, 3, &sum), -DRV_E_BAD_REPLY);
	static const uint8_t level7[] = {7, 0, 0, 0, 0, 0, 0, 0}; /* not a level */
	canned(rec, 0, level7, 8);
	assert_int_equal(kit_store_scale(c, 1, KIT_LEVEL_MID, 0, &level), -DRV_E_BAD_REPLY);
	static const uint8_t minus100[] = {0x9c, 0xff, 0, 0, 0, 0, 0, 0}; /* LOW, sign-extended */
	canned(rec, 0, minus100, 8);
	assert_int_equal(kit_store_scale(c, 1, KIT_LEVEL_MID, 0, &level), 0);
	assert_int_equal(level, KIT_LEVEL_LOW);

	/* statuses */
	canned(rec, KIT_FAILURE_FULL, NULL, 0);
	assert_int_equal(kit_store_scale(c, 1, KIT_LEVEL_MID, 0, &level), KIT_FAILURE_FULL);
	canned(rec, 77, NULL, 0); /* not a kit::failure */
	assert_int_equal(kit_store_scale(c, 1, KIT_LEVEL_MID, 0, &level), -DRV_E_BAD_REPLY);
	canned(rec, 5, NULL, 0); /* add has no error type */
	assert_int_equal(kit_store_add(c, 2, 3, &sum), -DRV_E_BAD_REPLY);
	canned(rec, DRV_STATUS_MALFORMED, NULL, 0);
	assert_int_equal(kit_store_add(c, 2, 3, &sum), -DRV_STATUS_MALFORMED);
	canned(rec, 0x10099, NULL, 0); /* no such transport status */
	assert_int_equal(kit_store_add(c, 2, 3, &sum), -DRV_E_BAD_REPLY);

	/* strings: within the bound, UTF-8, zero-terminated on the wire */
	static const uint8_t good_name[] = {2, 0, 0, 0, 0, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 0, 0};
	canned(rec, 0, good_name, sizeof good_name);
	assert_int_equal(kit_store_name(c, 1, name), 0);
	assert_string_equal(name, "hi");
	static const uint8_t bad_utf8[] = {2, 0, 0, 0, 0, 0, 0, 0, 0xc3, 0x28, 0, 0, 0, 0, 0, 0};
	canned(rec, 0, bad_utf8, sizeof bad_utf8);
	assert_int_equal(kit_store_name(c, 1, name), -DRV_E_BAD_REPLY);
	static const uint8_t too_long[] = {17, 0, 0, 0, 0, 0, 0, 0};
	canned(rec, 0, too_long, sizeof too_long);
	assert_int_equal(kit_store_name(c, 1, name), -DRV_E_BAD_REPLY);
	static const uint8_t no_zero[] = {8, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
	canned(rec, 0, no_zero, sizeof no_zero);
	assert_int_equal(kit_store_name(c, 1, name), -DRV_E_BAD_REPLY);

	/* bytes running past the reply */
	static const uint8_t overrun[] = {9, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
	canned(rec, 0, overrun, sizeof overrun);
	assert_int_equal(kit_store_get(c, "k", value, &len), -DRV_E_BAD_REPLY);
	/* trailing bytes */
	static const uint8_t trailing[] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
					   0, 0, 0, 0, 0, 0, 0, 0};
	canned(rec, 0, trailing, sizeof trailing);
	assert_int_equal(kit_store_get(c, "k", value, &len), -DRV_E_BAD_REPLY);
}

/* Handles the reply should not carry are closed, not leaked. */
static void unexpected_handles_are_closed(void **state)
{
	struct recorder *rec = *state;
	struct kit_store_client *c = (struct kit_store_client *)&rec->c;
	int p[2];
	assert_int_equal(pipe(p), 0);
	static const uint8_t ok[] = {5, 0, 0, 0, 0, 0, 0, 0};
	canned(rec, 0, ok, 8);
	rec->reply_fds[0] = p[0];
	rec->reply_nfds = 1;
	uint32_t sum;
	assert_int_equal(kit_store_add(c, 2, 3, &sum), -DRV_E_BAD_REPLY);
	assert_int_equal(fcntl(p[0], F_GETFD), -1); /* closed */
	close(p[1]);

	/* open's handle is the caller's on success */
	assert_int_equal(pipe(p), 0);
	static const uint8_t len3[] = {3, 0, 0, 0, 0, 0, 0, 0};
	canned(rec, 0, len3, 8);
	rec->reply_fds[0] = p[0];
	rec->reply_nfds = 1;
	uint64_t n = 0;
	int fd = -1;
	assert_int_equal(kit_store_open(c, "x", &n, &fd), 0);
	assert_int_equal(fd, p[0]);
	assert_true(n == 3);
	close(p[0]);
	close(p[1]);
}

/* docs/wire-format.md, "Batches": two calls of liveness started together
 * go as one batch, over a real socket to a listener the test holds, and
 * their replies, sent back in a batch the other way round, complete them
 * in that order. */
static void edu_batch_bytes(void **state)
{
	(void)state;
	static const uint8_t batch[] = {
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* label 0 */
		0x00, 0x00, 0x00, 0x00,                         /* request 0 */
		0x40, 0x00, 0x00, 0x00,                         /* length 64 */
		0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, /* ncaps 0, kind: batch, status 0 */
		0x02, 0x00, 0xa1, 0x7e, 0xc5, 0x81, 0x00, 0x00, /* liveness */
		0x05, 0x00, 0x00, 0x00,                         /* request 5 */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, /* length 8, ncaps 0, call */
		0x00, 0x00, 0x00, 0x00,                         /* no page buffers */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* v = 1 */
		0x02, 0x00, 0xa1, 0x7e, 0xc5, 0x81, 0x00, 0x00, /* liveness */
		0x06, 0x00, 0x00, 0x00,                         /* request 6 */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* v = 2 */
	};
	char dir[] = "/tmp/drvgen-wire-XXXXXX", sub[64];
	assert_non_null(mkdtemp(dir));
	setenv("DRVGEN_RUN_DIR", dir, 1);
	snprintf(sub, sizeof sub, "%s/%s", dir, EDU_DEVICE_NAME);
	assert_int_equal(mkdir(sub, 0755), 0);
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s/0", sub);
	int l = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(l, 1), 0);
	struct edu_device_client *client;
	assert_int_equal(edu_device_connect(0, &client), 0);
	struct drv_client *c = (struct drv_client *)client;
	int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(s >= 0);

	struct {
		struct drv_pending p;
		uint64_t reply[1];
	} calls[2];
	memset(calls, 0, sizeof calls);
	c->next_request = 5;
	for (uint32_t v = 1; v <= 2; v++) {
		uint8_t *p = drv_client_request(c);
		memset(p, 0, 8);
		drv_put32(p, v);
		calls[v - 1].p.reply_room = calls[v - 1].reply;
		calls[v - 1].p.reply_size = 8;
		assert_int_equal(drv_client_start(c, EDU_DEVICE_LIVENESS_LABEL, 8, NULL, 0, 0,
						  &calls[v - 1].p),
				 0);
	}
	assert_int_equal(drv_client_flush(c), 0);
	uint8_t got[sizeof batch + 8];
	assert_int_equal(recv(s, got, sizeof got, 0), (ssize_t)sizeof batch);
	assert_memory_equal(got, batch, sizeof batch);

	/* the replies, 6 before 5: ~v each */
	uint8_t replies[DRV_HEADER_SIZE + 2 * (DRV_HEADER_SIZE + 8)];
	struct drv_header h = {0, 0, 2 * (DRV_HEADER_SIZE + 8), 0, DRV_KIND_BATCH, 0};
	drv_header_put(replies, &h);
	for (uint32_t i = 0; i < 2; i++) {
		uint8_t *m = replies + DRV_HEADER_SIZE + i * (DRV_HEADER_SIZE + 8);
		struct drv_header r = {EDU_DEVICE_LIVENESS_LABEL, 6 - i, 8, 0, DRV_KIND_REPLY, 0};
		drv_header_put(m, &r);
		drv_put64(m + DRV_HEADER_SIZE, (uint32_t)~(2 - i));
	}
	assert_int_equal(send(s, replies, sizeof replies, 0), (ssize_t)sizeof replies);
	for (uint32_t i = 0; i < 2; i++) {
		struct drv_pending *done;
		assert_int_equal(drv_client_next(c, 5000, &done), 1);
		assert_ptr_equal(done, &calls[1 - i].p);
		assert_int_equal(done->error, 0);
		assert_int_equal(done->reply.status, 0);
		assert_int_equal(done->reply.len, 8);
		assert_int_equal(drv_get32(done->reply.payload), ~(2 - i));
	}
	edu_device_disconnect(client);
	close(s);
	close(l);
	unlink(addr.sun_path);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(edu_liveness_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(kit_put_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(distrusted_replies, setup, teardown),
		cmocka_unit_test_setup_teardown(unexpected_handles_are_closed, setup, teardown),
		cmocka_unit_test(edu_batch_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
