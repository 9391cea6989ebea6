/* SPDX-License-Identifier: MIT */
/* base.h - memory, growable arrays and string building used by every stage.
 *
 * The compiler allocates everything a run needs from one arena and frees it
 * in one call at the end, so no stage has to track ownership and an early
 * error return never leaks (the fuzzers run under LeakSanitizer).
 */
#ifndef DRVGEN_BASE_H
#define DRVGEN_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- arena.c ---- */

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	struct arena_chunk *spare; /* recycled chunks, used before new ones */
	size_t bytes;              /* total bytes handed out */
};

void *arena_alloc(struct arena *a, size_t size); /* zeroed, aligned for any type */
/* Moves every chunk of `from` to `to`'s spare list, emptying `from`: memory a
 * phase is done with (a YAML tree once its AST exists) is reused by the next
 * phase instead of being returned and faulted in again. */
void arena_recycle(struct arena *to, struct arena *from);
/* Moves `from`'s spare chunks to `to`: a phase's own arena reuses what
 * earlier phases are done with, and arena_recycle gives it all back. */
void arena_take_spare(struct arena *to, struct arena *from);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_concat(struct arena *a, const char *s, const char *t); /* s then t, without printf */
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
void arena_free(struct arena *a);

#define NEW(arena, type) ((type *)arena_alloc((arena), sizeof(type)))

/* A growable array whose storage lives in an arena. Growth doubles, so the
 * space left behind by a reallocation is at most what the array holds. */
#define VEC(T)               \
	struct {             \
		T *items;    \
		size_t len;  \
		size_t cap;  \
	}

void vec_grow_(struct arena *a, void **items, size_t *cap, size_t need, size_t elem);
/* Room for n items, where the count is known up front. */
#define vec_reserve(arena, v, n) \
	vec_grow_((arena), (void **)&(v)->items, &(v)->cap, (n), sizeof *(v)->items)
#define vec_push(arena, v, x)                                                             \
	(vec_grow_((arena), (void **)&(v)->items, &(v)->cap, (v)->len + 1, sizeof *(v)->items), \
	 (v)->items[(v)->len++] = (x))

/* ---- strbuf.c ---- */

/* A heap string builder for output text; the one place output bytes are made. */
struct strbuf {
	char *data;
	size_t len;
	size_t cap;
};

void sb_putc(struct strbuf *sb, char c);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putn(struct strbuf *sb, const char *s, size_t n);
/* Drops what follows the first len bytes. */
void sb_truncate(struct strbuf *sb, size_t len);
/* v in decimal: sb_printf's "%llu" without its cost, for emitters' hot paths. */
void sb_putu(struct strbuf *sb, unsigned long long v);
void sb_printf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
void sb_free(struct strbuf *sb);
const char *sb_str(struct strbuf *sb); /* never NULL, NUL-terminated */

/* ---- strmap.c ---- */

/* A string-keyed hash map in an arena, for name lookups and duplicate checks
 * that must stay linear on 100k-register specs. Keys are not copied. */
struct strmap {
	struct strmap_slot *slots;
	size_t cap, len;
	struct arena *arena;
};

void strmap_init(struct strmap *m, struct arena *a);
/* The same, sized for `expected` keys up front, so it never grows. */
void strmap_init_sized(struct strmap *m, struct arena *a, size_t expected);
/* The value stored under key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* Stores value under key unless the key is present; returns the value that
 * was already there (the caller reports the duplicate) or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *value);
/* Stores value under key, replacing any value there. */
void strmap_set(struct strmap *m, const char *key, void *value);
/* Empties the map, keeping its room: the cost of its capacity. */
void strmap_clear(struct strmap *m);

/* ---- repeats.c ---- */

/* An item of a list equal to an earlier one: its index, and the earliest
 * equal one's. */
struct repeat {
	size_t index, first;
};

/* The repeats among n names (NULL ones left out) or values, found by
 * sorting, so that a declaration of 100k members costs n log n rather than
 * n^2. Returns how many, in no particular order; *out is malloc'd for the
 * caller to free (NULL if there are none). */
size_t find_repeated_names(const char *const *names, size_t n, struct repeat **out);
size_t find_repeated_values(const uint64_t *values, size_t n, struct repeat **out);

/* ---- text.c ---- */

uint32_t fnv1a32(const char *s, size_t len);
uint64_t fnv1a64(uint64_t h, const void *data, size_t len); /* h = 0 starts a hash */
bool is_c_identifier(const char *s);
bool is_c_keyword(const char *s);
bool is_c11_keyword(const char *s); /* C11 alone, without C++ */
/* A name the C library or the kernel defines (NULL, uint32_t, memset,
 * EINVAL, current): a field or parameter of the name breaks generated code. */
bool is_c_library_name(const char *s);
size_t edit_distance(const char *a, const char *b);
/* The candidate closest to `word`, or NULL if none is close enough to be a
 * plausible typo (used for "did you mean" notes). */
const char *closest_word(const char *word, const char *const *candidates, size_t n);
/* Parses a number in the spec languages' syntax: decimal, 0x hex, 0b binary,
 * with '_' allowed between digits. Returns false if malformed or > UINT64_MAX. */
bool parse_u64(const char *s, uint64_t *out);
char *upper_dup(struct arena *a, const char *s);

#endif
