// SPDX-License-Identifier: MIT
/* kit_inflight.c - the start/finish pairs kit_inflight.h declares: each
 * start is the synchronous stub's encoder (kit_store_client.c) ending in
 * drv_client_start, each finish its decoder reading the pending's reply. */
#include "kit_inflight.h"

#include <string.h>

/* The room for the reply, as the generated start will give it. */
static void give_room(struct drv_pending *p, uint64_t *reply, uint32_t size)
{
	p->reply_room = reply;
	p->reply_size = size;
}

int kit_add_start(struct drv_client *c, uint32_t a, uint32_t b, struct kit_add_call *call)
{
	uint8_t *p = drv_client_request(c);
	memset(p, 0, 8);
	drv_put32(p, a);
	drv_put32(p + 4, b);
	give_room(&call->pending, call->reply, sizeof call->reply);
	return drv_client_start(c, KIT_STORE_ADD_LABEL, 8, NULL, 0, 0, &call->pending);
}

int kit_add_finish(struct kit_add_call *call, uint32_t *result)
{
	struct drv_reply *r = &call->pending.reply;
	if (call->pending.error)
		return call->pending.error;
	if (r->status || r->nfds != 0)
		return drv_client_status(r, NULL);
	if (r->len != 8 || !drv_zeros(r->payload, 4, 8))
		return drv_client_bad_reply(r);
	*result = drv_get32(r->payload);
	return 0;
}

int kit_sum_start(struct drv_client *c, struct drv_buffer *pages, uint32_t len,
		  struct kit_sum_call *call)
{
	uint8_t *p = drv_client_request(c);
	struct drv_cap caps[1];
	caps[0] = drv_buffer_cap(pages);
	memset(p, 0, 8);
	drv_put32(p, len);
	give_room(&call->pending, call->reply, sizeof call->reply);
	return drv_client_start(c, KIT_STORE_SUM_LABEL, 8, caps, 1, 0, &call->pending);
}

int kit_sum_finish(struct kit_sum_call *call, uint64_t *result)
{
	struct drv_reply *r = &call->pending.reply;
	if (call->pending.error)
		return call->pending.error;
	if (r->status || r->nfds != 0)
		return drv_client_status(r, NULL);
	if (r->len != 8)
		return drv_client_bad_reply(r);
	*result = drv_get64(r->payload);
	return 0;
}

int kit_open_start(struct drv_client *c, const char *path, struct kit_open_call *call)
{
	uint8_t *p = drv_client_request(c);
	uint32_t at = 8, end, n;
	if (!path)
		return -DRV_E_ARGUMENT;
	memset(p, 0, 8);
	n = drv_strnlen(path, 65);
	if (n > 64 || !drv_utf8((const uint8_t *)path, n))
		return -DRV_E_ARGUMENT;
	drv_put32(p, n);
	drv_copy(p + at, path, n);
	end = at + n;
	at = drv_align8(end + 1);
	memset(p + end, 0, at - end);
	give_room(&call->pending, call->reply, sizeof call->reply);
	return drv_client_start(c, KIT_STORE_OPEN_LABEL, at, NULL, 0, 1, &call->pending);
}

int kit_open_finish(struct kit_open_call *call, uint64_t *result, int *fd)
{
	struct drv_reply *r = &call->pending.reply;
	if (call->pending.error)
		return call->pending.error;
	if (r->status || r->nfds != 1)
		return drv_client_status(r, kit_failure_valid);
	if (r->len != 8)
		return drv_client_bad_reply(r);
	*result = drv_get64(r->payload);
	*fd = r->fds[0];
	return 0;
}
