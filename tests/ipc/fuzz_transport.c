// SPDX-License-Identifier: MIT
/* fuzz_transport.c - a libFuzzer target for the transport under the
 * generated dispatch: any bytes, as one datagram from a client, to a real
 * server of the kit objects (tests/ipc/kit_impl.c) over its socket. The
 * server's framing (a message, a batch of them), its limits and its
 * replies run as they do for any client, then the dispatch. It must never
 * crash or trip a sanitizer; it answers the client or cuts it off, and
 * the next input comes on a new connection then. An input is sent as it
 * is, or (first byte odd) taken as messages framed into a batch, which
 * gets past the framing to what lies under it. After each input an
 * in-process client pokes the store so that what the input deferred is
 * answered.
 */
#define _GNU_SOURCE
#include "drv_server.h"
#include "kit_impl.h"
#include "kit_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct drv_server *server;
static struct kit_impl impl;
static struct kit_store_client *poker;
static char path[128];
static int client = -1;

static void serve_all(void)
{
	while (drv_server_run_once(server, 0) > 0)
		;
}

static void start(void)
{
	static char dir[] = "/tmp/drvgen-fuzz-transport-XXXXXX";
	if (!mkdtemp(dir))
		abort();
	setenv("DRVGEN_RUN_DIR", dir, 1);
	if (drv_server_new(&server) || kit_impl_start(&impl, server) ||
	    drv_object_publish(impl.store_object, 0) ||
	    drv_object_connect(impl.store_object, (struct drv_client **)&poker))
		abort();
	snprintf(path, sizeof path, "%s/%s/0", dir, KIT_STORE_NAME);
}

static void connect_client(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
	client = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (client < 0 || connect(client, (struct sockaddr *)&addr, sizeof addr) < 0)
		abort();
	serve_all();
}

/* The labels of kit::store, and one nobody has: a framed message names
 * one of them. */
static const uint64_t labels[] = {
	KIT_STORE_ADD_LABEL,  KIT_STORE_SCALE_LABEL,  KIT_STORE_MOVE_LABEL, KIT_STORE_PUT_LABEL,
	KIT_STORE_GET_LABEL,  KIT_STORE_NAME_LABEL,   KIT_STORE_LIST_LABEL, KIT_STORE_MATRIX_LABEL,
	KIT_STORE_WIDE_LABEL, KIT_STORE_SHARE_LABEL,  KIT_STORE_OPEN_LABEL, KIT_STORE_SUM_LABEL,
	KIT_STORE_POKE_LABEL, KIT_STORE_NOTE_LABEL,   KIT_STORE_DELETE_LABEL, 0xdeadbeef0001ull,
};

/* Random bytes seldom make a header the server reads further: an input
 * whose first byte is odd is taken as messages to frame instead, each
 * three bytes (label, kind, payload words) and its payload, put together
 * as a batch whose lengths hold (or its first, alone). Returns the bytes. */
static size_t frame(const uint8_t *data, size_t size, uint8_t *out)
{
	uint32_t at = DRV_HEADER_SIZE, n = 0;
	while (size >= 3 && n < 64) {
		static const uint16_t kinds[] = {DRV_KIND_CALL, DRV_KIND_SEND, DRV_KIND_CALL,
						 DRV_KIND_REPLY};
		uint32_t len = 8u * (data[2] % 9);
		if (at + DRV_HEADER_SIZE + len > DRV_MAX_MESSAGE)
			break;
		struct drv_header h = {labels[data[0] % 16], n + 1, len, 0, kinds[data[1] % 4], 0};
		drv_header_put(out + at, &h);
		data += 3;
		size -= 3;
		uint32_t k = len < size ? len : (uint32_t)size;
		memset(out + at + DRV_HEADER_SIZE, 0, len);
		memcpy(out + at + DRV_HEADER_SIZE, data, k);
		data += k;
		size -= k;
		at += DRV_HEADER_SIZE + len;
		n++;
	}
	if (n == 1) {
		memmove(out, out + DRV_HEADER_SIZE, at - DRV_HEADER_SIZE);
		return at - DRV_HEADER_SIZE;
	}
	struct drv_header b = {0, 0, at - DRV_HEADER_SIZE, 0, DRV_KIND_BATCH, 0};
	drv_header_put(out, &b);
	return at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t in[DRV_MAX_MESSAGE], framed[DRV_MAX_MESSAGE];
	if (!server)
		start();
	if (client < 0)
		connect_client();
	if (size && data[0] % 2) {
		size = frame(data + 1, size - 1, framed);
		data = framed;
	}
	if (send(client, data, size, MSG_NOSIGNAL) < 0 && errno != EMSGSIZE && errno != EAGAIN)
		abort();
	serve_all();
	/* what it deferred is answered: a slow get, a flush, sums */
	for (uint32_t n = 8; n <= 10; n++)
		if (kit_store_poke(poker, n))
			abort();
	serve_all();
	for (;;) {
		ssize_t n = recv(client, in, sizeof in, MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		close(client); /* cut off: the next input comes on a new connection */
		client = -1;
		serve_all();
		break;
	}
	return 0;
}
