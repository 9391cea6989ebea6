/* SPDX-License-Identifier: MIT */
/* kit_impl.h - a server of the test protocols in tests/golden/gen/ipc
 * (kit::store, kit::cache, kit::stats, kit::tiered): a small key-value
 * store whose methods exercise every path of the generated code.
 *
 * What the handlers do, as the tests rely on it:
 *   add(a, b)          a + b
 *   scale(v, l, f)     f has NOATIME: error DENIED; else the sign of v + l as a level
 *   move(r, by)        r moved by `by`; tag 0: error NOT_FOUND
 *   put(key, ...)      stores value under key; result = sum(marks) + 100 * count(modes);
 *                      a 9th key: error FULL
 *   get(key)           the value; "slow": deferred until poke(8); unknown: NOT_FOUND
 *   name(id)           "name-<id>"; id 99: a 17-byte name, over its bound (INTERNAL)
 *   list(from)         `from` records (tag i, at (i, -i)); from > 3: over the bound (INTERNAL)
 *   matrix()           {{1, -2}, {3, -4}}
 *   wide(b)            SMALL <-> HUGE
 *   share{fd}(note)    writes the byte `note` to fd
 *   open{; fd}(path)   a pipe's read end holding path; result = its length; "missing": NOT_FOUND
 *   sum{pages}(len)    the sum of the first len bytes; len past the buffer: INTERNAL;
 *                      len with KIT_DEFER_SUM set: deferred, the sum of the first
 *                      len & 0xffff bytes, until poke(10) (at most KIT_DEFERRED_SUMS wait;
 *                      one more: INTERNAL)
 *   poke(n)            n 7: event changed("poked", 7); n 8: answers the deferred get;
 *                      n 9: answers a deferred flush; n 10: answers every deferred sum,
 *                      the newest first; others: remembered (last_poke)
 *   note(text)         remembered (last_note)
 *   delete(id)         forgets everything
 *   flush()            no keys: answered before the handler returns (DRV_DEFER after
 *                      replying); else deferred until poke(9), then the key count and
 *                      event evicted(count)
 *   count()            the number of keys
 *   tier()             2
 */
#ifndef KIT_IMPL_H
#define KIT_IMPL_H

#include "drv_server.h"
#include "kit_tiered.h"

enum {
	KIT_DEFER_SUM = 0x40000000, /* in sum's len: defer it */
	KIT_DEFERRED_SUMS = 1024,
};

struct kit_impl {
	struct kit_store store;   /* a plain kit::store */
	struct kit_tiered tiered; /* kit::tiered, with cache, store and stats */
	struct drv_object *store_object, *tiered_object;
	uint32_t last_poke;
	char last_note[41];
};

/* Adds both objects to the server; 0 or a negative errno. */
int kit_impl_start(struct kit_impl *k, struct drv_server *server);

/* Set (in a server process): add exits the process instead of answering,
 * a server crashing with a call in it (test_ipc_restart.c). */
extern bool kit_impl_crash_in_add;

#endif
