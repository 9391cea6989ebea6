// SPDX-License-Identifier: MIT
/* kit_impl.c - the handlers kit_impl.h describes. Two objects share them:
 * each handler finds its store from `self`, whichever object it is in. */
#define _GNU_SOURCE
#include "kit_impl.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CONTAINER(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

enum { KEYS = 8 };

struct entry {
	char key[33];
	uint8_t value[200];
	uint32_t len;
};

struct store_data {
	struct kit_store *object;
	struct kit_impl *impl;
	struct entry entries[KEYS];
	unsigned count;
	struct drv_call *slow_get;
	struct drv_call *flush;
	struct deferred_sum {
		struct drv_call *call;
		const struct drv_pages *pages;
		uint32_t len;
	} sums[KIT_DEFERRED_SUMS];
	unsigned nsums;
};

/* Tests run one kit_impl at a time, in this process or a child. */
static struct store_data stores[2];

static struct store_data *data_of(struct kit_store *self)
{
	for (size_t i = 0; i < 2; i++)
		if (stores[i].object == self)
			return &stores[i];
	return NULL;
}

static struct entry *entry_of(struct store_data *d, const char *key)
{
	for (unsigned i = 0; i < d->count; i++)
		if (!strcmp(d->entries[i].key, key))
			return &d->entries[i];
	return NULL;
}

bool kit_impl_crash_in_add;

static int kit_add(struct kit_store *self, struct drv_call *call, uint32_t a, uint32_t b,
		   uint32_t *result)
{
	(void)self;
	(void)call;
	if (kit_impl_crash_in_add)
		_exit(9); /* the server crashes with the call in it */
	*result = a + b;
	return 0;
}

static int kit_scale(struct kit_store *self, struct drv_call *call, int64_t v, enum kit_level l,
		     kit_flags f, enum kit_level *result)
{
	(void)self;
	(void)call;
	if (f & KIT_FLAGS_NOATIME)
		return KIT_FAILURE_DENIED;
	int64_t sum = v + (int64_t)l;
	*result = sum > 0 ? KIT_LEVEL_HIGH : sum < 0 ? KIT_LEVEL_LOW : KIT_LEVEL_MID;
	return 0;
}

static int kit_move(struct kit_store *self, struct drv_call *call, const struct kit_record *r,
		    const struct kit_point *by, struct kit_record *result)
{
	(void)self;
	(void)call;
	if (r->tag == 0)
		return KIT_FAILURE_NOT_FOUND;
	*result = *r;
	/* wrapping, as two's complement does: any point may be given */
	result->at.x = (int32_t)((uint32_t)result->at.x + (uint32_t)by->x);
	result->at.y = (int32_t)((uint32_t)result->at.y + (uint32_t)by->y);
	return 0;
}

static int kit_put(struct kit_store *self, struct drv_call *call, const char *key,
		   const uint8_t *value, uint32_t value_len, const uint16_t *marks,
		   uint32_t marks_count, const enum kit_mode *modes, uint32_t modes_count,
		   uint32_t *result)
{
	struct store_data *d = data_of(self);
	(void)call;
	(void)modes;
	struct entry *e = entry_of(d, key);
	if (!e) {
		if (d->count == KEYS)
			return KIT_FAILURE_FULL;
		e = &d->entries[d->count++];
		snprintf(e->key, sizeof e->key, "%s", key);
	}
	memcpy(e->value, value, value_len);
	e->len = value_len;
	uint32_t sum = 0;
	for (uint32_t i = 0; i < marks_count; i++)
		sum += marks[i];
	*result = sum + 100 * modes_count;
	return 0;
}

static int kit_get(struct kit_store *self, struct drv_call *call, const char *key,
		   uint8_t *result, uint32_t *result_len)
{
	struct store_data *d = data_of(self);
	if (!strcmp(key, "slow")) {
		d->slow_get = call;
		return DRV_DEFER;
	}
	struct entry *e = entry_of(d, key);
	if (!e)
		return KIT_FAILURE_NOT_FOUND;
	memcpy(result, e->value, e->len);
	*result_len = e->len;
	return 0;
}

static int kit_name(struct kit_store *self, struct drv_call *call, uint32_t id, char *result)
{
	(void)self;
	(void)call;
	if (id == 99)
		strcpy(result, "seventeen-letters");
	else
		sprintf(result, "name-%u", id);
	return 0;
}

static int kit_list(struct kit_store *self, struct drv_call *call, uint32_t from,
		    struct kit_record *result, uint32_t *result_count)
{
	(void)self;
	(void)call;
	for (uint32_t i = 0; i < from && i < 3; i++) {
		memset(&result[i], 0, sizeof result[i]);
		result[i].tag = (uint8_t)i;
		result[i].at.x = (int32_t)i;
		result[i].at.y = -(int32_t)i;
		result[i].mode = KIT_MODE_READ;
		result[i].level = KIT_LEVEL_LOW;
		result[i].ok = i % 2;
		result[i].grid[1][2] = (uint16_t)(1000 + i);
	}
	*result_count = from;
	return 0;
}

static int kit_matrix(struct kit_store *self, struct drv_call *call, int8_t result[2][2])
{
	(void)self;
	(void)call;
	result[0][0] = 1;
	result[0][1] = -2;
	result[1][0] = 3;
	result[1][1] = -4;
	return 0;
}

static int kit_wide(struct kit_store *self, struct drv_call *call, uint64_t b, uint64_t *result)
{
	(void)self;
	(void)call;
	*result = b == KIT_BIG_SMALL ? KIT_BIG_HUGE : KIT_BIG_SMALL;
	return 0;
}

static int kit_share(struct kit_store *self, struct drv_call *call, int fd, uint8_t note)
{
	(void)self;
	(void)call;
	return write(fd, &note, 1) == 1 ? 0 : 1;
}

static int kit_open(struct kit_store *self, struct drv_call *call, const char *path,
		    uint64_t *result, int *fd)
{
	(void)self;
	(void)call;
	if (!strcmp(path, "missing"))
		return KIT_FAILURE_NOT_FOUND;
	int p[2];
	if (pipe(p) < 0)
		return KIT_FAILURE_FULL;
	size_t len = strlen(path);
	if (write(p[1], path, len) != (ssize_t)len) {
		close(p[0]);
		close(p[1]);
		return KIT_FAILURE_FULL;
	}
	close(p[1]);
	*result = len;
	*fd = p[0];
	return 0;
}

static uint64_t sum_of(const struct drv_pages *pages, uint32_t len)
{
	const uint8_t *p = pages->data;
	uint64_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

static int kit_sum(struct kit_store *self, struct drv_call *call, struct drv_pages *pages,
		   uint32_t len, uint64_t *result)
{
	struct store_data *d = data_of(self);
	if (len & KIT_DEFER_SUM) {
		len &= 0xffff;
		if (len > pages->size || d->nsums == KIT_DEFERRED_SUMS)
			return 1;
		d->sums[d->nsums++] = (struct deferred_sum){call, pages, len};
		return DRV_DEFER;
	}
	if (len > pages->size)
		return 1; /* kit::store.sum has no error type: INTERNAL */
	*result = sum_of(pages, len);
	return 0;
}

static void kit_poke(struct kit_store *self, struct drv_call *call, uint32_t n)
{
	struct store_data *d = data_of(self);
	(void)call;
	d->impl->last_poke = n;
	if (n == 7) {
		kit_store_emit_changed(self, "poked", 7);
	} else if (n == 8 && d->slow_get) {
		static const uint8_t late[] = {'l', 'a', 't', 'e'};
		struct drv_call *c = d->slow_get;
		d->slow_get = NULL;
		kit_store_get_reply(c, 0, late, sizeof late);
	} else if (n == 10) {
		while (d->nsums) {
			struct deferred_sum *ds = &d->sums[--d->nsums];
			kit_store_sum_reply(ds->call, 0, sum_of(ds->pages, ds->len));
		}
	} else if (n == 9 && d->flush) {
		struct drv_call *c = d->flush;
		d->flush = NULL;
		kit_cache_flush_reply(c, 0, d->count);
		kit_cache_emit_evicted(&d->impl->tiered.kit_cache, d->count);
	}
}

static void kit_note(struct kit_store *self, struct drv_call *call, const char *text)
{
	(void)call;
	snprintf(data_of(self)->impl->last_note, sizeof data_of(self)->impl->last_note, "%s", text);
}

static int kit_delete(struct kit_store *self, struct drv_call *call, uint32_t id)
{
	(void)call;
	(void)id;
	data_of(self)->count = 0;
	return 0;
}

static int kit_flush(struct kit_cache *self, struct drv_call *call, uint32_t *result)
{
	struct store_data *d = data_of(&self->kit_store);
	if (d->count == 0) {
		/* answered before the handler even returns */
		kit_cache_flush_reply(call, 0, 0);
		(void)result;
		return DRV_DEFER;
	}
	d->flush = call;
	return DRV_DEFER;
}

static int kit_count(struct kit_stats *self, struct drv_call *call, uint64_t *result)
{
	(void)call;
	struct kit_impl *k = CONTAINER(self, struct kit_impl, tiered.kit_stats);
	*result = data_of(&k->tiered.kit_cache.kit_store)->count;
	return 0;
}

static int kit_tier(struct kit_tiered *self, struct drv_call *call, uint8_t *result)
{
	(void)self;
	(void)call;
	*result = 2;
	return 0;
}

static const struct kit_store_ops store_ops = KIT_STORE_OPS(kit);
static const struct kit_tiered_ops tiered_ops = KIT_TIERED_OPS(kit);

int kit_impl_start(struct kit_impl *k, struct drv_server *server)
{
	memset(stores, 0, sizeof stores);
	stores[0].object = &k->store;
	stores[0].impl = k;
	stores[1].object = &k->tiered.kit_cache.kit_store;
	stores[1].impl = k;
	k->last_poke = 0;
	k->last_note[0] = '\0';
	if (!kit_store_init(&k->store, &store_ops) || !kit_tiered_init(&k->tiered, &tiered_ops))
		return -22;
	int st = drv_server_add(server, &kit_store_interface, &k->store, &k->store_object);
	if (st)
		return st;
	return drv_server_add(server, &kit_tiered_interface, &k->tiered, &k->tiered_object);
}
