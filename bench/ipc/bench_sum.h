/* SPDX-License-Identifier: MIT */
/* bench_sum.h - the summing loop of kit::store.sum (tests/ipc/kit_impl.c,
 * kit_sum), for bench/ipc's single-process baseline. */
#ifndef BENCH_SUM_H
#define BENCH_SUM_H

#include "drv_wire.h"

/* The sum of the first len bytes of pages, as kit_sum computes it. */
uint64_t bench_sum(const struct drv_pages *pages, uint32_t len);

#endif
