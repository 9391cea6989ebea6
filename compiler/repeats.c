// SPDX-License-Identifier: MIT
/* repeats.c - the items of a list equal to an earlier one, by sorting. */
#include "base.h"

#include <stdlib.h>
#include <string.h>

struct keyed {
	const char *name; /* NULL when keyed by value */
	uint64_t value;
	size_t index;
};

static bool same_key(const struct keyed *a, const struct keyed *b)
{
	return a->name ? !strcmp(a->name, b->name) : a->value == b->value;
}

/* By key, then by index: each run of equal keys starts with its earliest item. */
static int compare_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c = a->name ? strcmp(a->name, b->name) : (a->value > b->value) - (a->value < b->value);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Every item of a run of equal keys but the first repeats the first. */
static size_t collect(struct keyed *k, size_t n, struct repeat **out)
{
	*out = NULL;
	if (n > 1)
		qsort(k, n, sizeof *k, compare_keyed);
	size_t count = 0;
	for (size_t i = 1; i < n; i++)
		count += same_key(&k[i - 1], &k[i]);
	if (count) {
		*out = malloc(count * sizeof **out);
		if (!*out)
			abort();
	}
	for (size_t i = 1, first = 0, m = 0; i < n; i++) {
		if (!same_key(&k[i - 1], &k[i]))
			first = i;
		else
			(*out)[m++] = (struct repeat){k[i].index, k[first].index};
	}
	free(k);
	return count;
}

static struct keyed *keys_for(size_t n)
{
	struct keyed *k = malloc((n ? n : 1) * sizeof *k);
	if (!k)
		abort();
	return k;
}

size_t find_repeated_names(const char *const *names, size_t n, struct repeat **out)
{
	struct keyed *k = keys_for(n);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (names[i])
			k[m++] = (struct keyed){names[i], 0, i};
	return collect(k, m, out);
}

size_t find_repeated_values(const uint64_t *values, size_t n, struct repeat **out)
{
	struct keyed *k = keys_for(n);
	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed){NULL, values[i], i};
	return collect(k, n, out);
}
