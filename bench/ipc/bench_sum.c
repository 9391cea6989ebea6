// SPDX-License-Identifier: MIT
/* bench_sum.c - kit_sum's loop (tests/ipc/kit_impl.c), byte for byte, in a
 * translation unit of its own: built with the same flags as kit_impl.c and
 * called through an external symbol, so the compiler can neither inline it
 * into the timing loop nor hoist the work out of it. */
#include "bench_sum.h"

uint64_t bench_sum(const struct drv_pages *pages, uint32_t len)
{
	const uint8_t *p = pages->data;
	uint64_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}
