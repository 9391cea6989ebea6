/* SPDX-License-Identifier: MIT */
/* drv_fuzz.h - what every generated fuzz harness (<iface>_fuzz.c) shares:
 * any bytes, taken as a message, into an object's dispatch.
 *
 * The header's capability count and kinds are believed (a page buffer is a
 * 4 KiB page, a handle is -1), the payload is whatever follows. A crash,
 * a sanitizer report, or a reply that is not whole 8-byte words within the
 * reply buffer aborts; a deferred call must be answered exactly once (the
 * harness's handlers answer before they return DRV_DEFER).
 */
#ifndef DRV_FUZZ_H
#define DRV_FUZZ_H

#include "drv_wire.h"

#include <stdlib.h>

static unsigned drv_fuzz_answers;

static void drv_fuzz_check(struct drv_call *call, uint32_t status)
{
	if (status == 0 && (call->reply_len > call->reply_cap || call->reply_len % 8))
		abort();
	drv_fuzz_answers++;
}

static inline int drv_fuzz_dispatch(const uint8_t *data, size_t size, void *object,
				    int (*dispatch)(void *self, struct drv_call *call))
{
	static uint8_t reply[DRV_MAX_PAYLOAD];
	static uint64_t scratch[DRV_SCRATCH_SIZE / 8];
	static uint8_t page[4096];
	struct drv_header h;
	struct drv_call call;

	if (size < DRV_HEADER_SIZE || size > DRV_MAX_MESSAGE)
		return 0;
	drv_header_get(data, &h);
	memset(&call, 0, sizeof call);
	call.label = h.label;
	call.request = h.request;
	call.kind = h.kind;
	call.msg = data + DRV_HEADER_SIZE;
	call.len = (uint32_t)(size - DRV_HEADER_SIZE);
	call.ncaps = h.ncaps % (DRV_MAX_CAPS + 1);
	for (unsigned i = 0; i < call.ncaps; i++) {
		call.caps[i].kind = (h.status >> i) & 1 ? DRV_CAP_PAGES : DRV_CAP_HANDLE;
		call.caps[i].fd = -1;
		call.caps[i].pages.data = page;
		call.caps[i].pages.size = sizeof page;
	}
	call.reply = reply;
	call.reply_cap = sizeof reply;
	call.scratch = (uint8_t *)scratch;
	call.scratch_cap = sizeof scratch;
	call.finish = drv_fuzz_check;
	drv_fuzz_answers = 0;
	int st = dispatch(object, &call);
	if (st == DRV_DEFER ? drv_fuzz_answers != 1 : drv_fuzz_answers != 0)
		abort();
	if (st == 0)
		drv_fuzz_check(&call, 0);
	return 0;
}

#endif
