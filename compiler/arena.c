// SPDX-License-Identifier: MIT
/* arena.c - the compiler's one allocator: bump allocation, freed all at once. */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

enum { ARENA_CHUNK_MIN = 64 * 1024 };

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		/* Out of memory is not a spec error; there is nothing sensible to
		 * recover to, and continuing would only produce partial output. */
		fputs("drvgen: out of memory\n", stderr);
		abort();
	}
	return p;
}

static struct arena_chunk *new_chunk(struct arena *a, size_t size)
{
	/* A spare chunk that fits, else a new one; chunks grow with the arena so
	 * a 100k-register spec does not make thousands of small mallocs. */
	for (struct arena_chunk **pp = &a->spare; *pp; pp = &(*pp)->next)
		if ((*pp)->size >= size) {
			struct arena_chunk *c = *pp;
			*pp = c->next;
			c->used = 0;
			return c;
		}
	size_t align = sizeof(max_align_t);
	size_t chunk = size > ARENA_CHUNK_MIN ? size : ARENA_CHUNK_MIN;
	if (a->bytes / 4 > chunk)
		chunk = a->bytes / 4 / align * align;
	struct arena_chunk *c = xmalloc(sizeof *c + chunk);
	c->size = chunk;
	c->used = 0;
	return c;
}

static void *alloc_aligned(struct arena *a, size_t size, size_t align)
{
	struct arena_chunk *c = a->head;
	size_t at = c ? (c->used + align - 1) / align * align : 0;
	if (!c || at > c->size || c->size - at < size) {
		c = new_chunk(a, (size + 15) / 16 * 16);
		c->next = a->head;
		a->head = c;
		at = 0;
	}
	void *p = (char *)c->data + at;
	c->used = at + size;
	a->bytes += size;
	memset(p, 0, size);
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return alloc_aligned(a, size, sizeof(max_align_t));
}

void arena_take_spare(struct arena *to, struct arena *from)
{
	while (from->spare) {
		struct arena_chunk *c = from->spare;
		from->spare = c->next;
		c->next = to->spare;
		to->spare = c;
	}
}

void arena_recycle(struct arena *to, struct arena *from)
{
	struct arena_chunk *lists[2] = {from->head, from->spare};
	for (int i = 0; i < 2; i++)
		for (struct arena_chunk *c = lists[i], *next; c; c = next) {
			next = c->next;
			c->next = to->spare;
			to->spare = c;
		}
	from->head = from->spare = NULL;
	from->bytes = 0;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = alloc_aligned(a, n + 1, 1); /* text needs no alignment */
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_concat(struct arena *a, const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);
	char *p = alloc_aligned(a, n + m + 1, 1);
	memcpy(p, s, n);
	memcpy(p + n, t, m + 1);
	return p;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	/* through sb_vprintf, which formats most conversions without printf */
	struct strbuf text = {0};
	sb_vprintf(&text, fmt, ap);
	char *p = arena_strndup(a, sb_str(&text), text.len);
	sb_free(&text);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void vec_grow_(struct arena *a, void **items, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	size_t ncap = *cap ? *cap * 2 : 4;
	while (ncap < need)
		ncap *= 2;
	void *p = arena_alloc(a, ncap * elem);
	if (*cap)
		memcpy(p, *items, *cap * elem);
	*items = p;
	*cap = ncap;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *lists[2] = {a->head, a->spare};
	for (int i = 0; i < 2; i++)
		for (struct arena_chunk *c = lists[i], *next; c; c = next) {
			next = c->next;
			free(c);
		}
	a->head = a->spare = NULL;
	a->bytes = 0;
}
