// SPDX-License-Identifier: MIT
/* strmap.c - open-addressing hash map from strings to pointers. */
#include "base.h"

#include <string.h>

struct strmap_slot {
	const char *key;
	void *value;
	uint32_t hash;
};

void strmap_init(struct strmap *m, struct arena *a)
{
	m->arena = a;
	m->cap = 0;
	m->len = 0;
	m->slots = NULL;
}

/* FNV-1a's low bits, which pick the slot, mix poorly for keys that differ
 * only at the end (EDU_R1_A, EDU_R1_B, ...): spread them first. */
static uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

void strmap_init_sized(struct strmap *m, struct arena *a, size_t expected)
{
	strmap_init(m, a);
	size_t cap = 64;
	while (cap < expected * 2 + 2)
		cap *= 2;
	m->slots = arena_alloc(a, cap * sizeof *m->slots);
	m->cap = cap;
}

void strmap_clear(struct strmap *m)
{
	if (m->cap)
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->len = 0;
}

static struct strmap_slot *find_slot(struct strmap_slot *slots, size_t cap, const char *key,
				     uint32_t hash)
{
	size_t i = mix(hash) & (cap - 1);
	while (slots[i].key && (slots[i].hash != hash || strcmp(slots[i].key, key) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	struct strmap_slot *s = find_slot(m->slots, m->cap, key, fnv1a32(key, strlen(key)));
	return s->key ? s->value : NULL;
}

static void grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct strmap_slot *slots = arena_alloc(m->arena, ncap * sizeof *slots);
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*find_slot(slots, ncap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
	m->slots = slots;
	m->cap = ncap;
}

/* At most half full: linear probing stays short. */
static bool needs_growth(const struct strmap *m)
{
	return (m->len + 1) * 2 > m->cap;
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	if (needs_growth(m))
		grow(m);
	uint32_t hash = fnv1a32(key, strlen(key));
	struct strmap_slot *s = find_slot(m->slots, m->cap, key, hash);
	if (s->key)
		return s->value;
	s->key = key;
	s->value = value;
	s->hash = hash;
	m->len++;
	return NULL;
}

void strmap_set(struct strmap *m, const char *key, void *value)
{
	if (needs_growth(m))
		grow(m);
	uint32_t hash = fnv1a32(key, strlen(key));
	struct strmap_slot *s = find_slot(m->slots, m->cap, key, hash);
	if (!s->key) {
		s->key = key;
		s->hash = hash;
		m->len++;
	}
	s->value = value;
}
