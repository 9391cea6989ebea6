/* SPDX-License-Identifier: MIT */
/* kit_inflight.h - kit::store calls kept in flight (drv_client_start),
 * written as drvgen will generate them (docs/ipc.md, "Pipelined calls"):
 * a start that encodes as the synchronous stub does and starts the call
 * with room for its largest reply, and a finish that decodes the reply as
 * the stub does. Tests and bench/ipc use them.
 */
#ifndef KIT_INFLIGHT_H
#define KIT_INFLIGHT_H

#include "drv_client.h"
#include "kit_store.h"

/* A call of add in flight: the pending first, then its reply's room. */
struct kit_add_call {
	struct drv_pending pending;
	uint64_t reply[1];
};

int kit_add_start(struct drv_client *c, uint32_t a, uint32_t b, struct kit_add_call *call);
int kit_add_finish(struct kit_add_call *call, uint32_t *result);

struct kit_sum_call {
	struct drv_pending pending;
	uint64_t reply[1];
};

int kit_sum_start(struct drv_client *c, struct drv_buffer *pages, uint32_t len,
		  struct kit_sum_call *call);
int kit_sum_finish(struct kit_sum_call *call, uint64_t *result);

/* open{; fd}: a handle in the reply */
struct kit_open_call {
	struct drv_pending pending;
	uint64_t reply[1];
};

int kit_open_start(struct drv_client *c, const char *path, struct kit_open_call *call);
int kit_open_finish(struct kit_open_call *call, uint64_t *result, int *fd);

#endif
