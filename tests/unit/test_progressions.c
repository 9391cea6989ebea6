// SPDX-License-Identifier: MIT
/* test_progressions.c - where two arrays of byte ranges meet
 * (compiler/progressions.c), against every pair of elements compared on
 * random small arrays, and on arrays of 2^40 elements, which no walk of
 * their elements would finish. */
#include "harness.h"

#include "check.h"

/* What progressions_meet promises, element by element. */
static bool every_pair(const struct progression *a, const struct progression *b, uint64_t *ia,
		       uint64_t *ib)
{
	bool a_first = a->count <= b->count; /* the shorter one's elements first */
	const struct progression *p = a_first ? a : b, *q = a_first ? b : a;
	for (uint64_t i = 0; i < p->count; i++)
		for (uint64_t j = 0; j < q->count; j++) {
			uint64_t x = p->offset + i * p->stride, y = q->offset + j * q->stride;
			if (x < y + q->size && y < x + p->size) {
				*ia = a_first ? i : j;
				*ib = a_first ? j : i;
				return true;
			}
		}
	return false;
}

static uint64_t below(uint64_t n)
{
	return (uint64_t)rand() % n;
}

static struct progression random_array(void)
{
	struct progression p = {below(200), 1 + below(12), 1 + below(20), 0};
	p.stride = p.count > 1 ? 1 + below(30) : below(30);
	return p;
}

static void arithmetic_agrees_with_every_pair(void **state)
{
	(void)state;
	srand(17);
	unsigned met = 0;
	for (unsigned n = 0; n < 200000; n++) {
		struct progression a = random_array(), b = random_array();
		uint64_t ia = 0, ib = 0, wa = 0, wb = 0;
		bool got = progressions_meet(&a, &b, &ia, &ib);
		bool want = every_pair(&a, &b, &wa, &wb);
		if (got != want || (want && (ia != wa || ib != wb)))
			fail_msg("{%llu, %llu, %llu, %llu} and {%llu, %llu, %llu, %llu}: %d [%llu] [%llu], "
				 "not %d [%llu] [%llu]",
				 (unsigned long long)a.offset, (unsigned long long)a.size,
				 (unsigned long long)a.count, (unsigned long long)a.stride,
				 (unsigned long long)b.offset, (unsigned long long)b.size,
				 (unsigned long long)b.count, (unsigned long long)b.stride, got,
				 (unsigned long long)ia, (unsigned long long)ib, want,
				 (unsigned long long)wa, (unsigned long long)wb);
		met += want;
	}
	/* both answers were common */
	assert_true(met > 50000 && met < 150000);
}

static void long_arrays_take_no_walk(void **state)
{
	(void)state;
	uint64_t ia = 0, ib = 0;
	/* interleaved, never meeting: every element of each spans the other's range */
	struct progression a = {0, 4, 1ull << 40, 8}, b = {4, 4, 1ull << 40, 8};
	assert_false(progressions_meet(&a, &b, &ia, &ib));
	/* strides 12 and 8 from 2^20 apart: a[87382] at 0x100008 meets b[1] */
	struct progression c = {0, 4, 1ull << 40, 12}, d = {1ull << 20, 4, 1ull << 40, 8};
	assert_true(progressions_meet(&c, &d, &ia, &ib));
	assert_int_equal(ia, 87382);
	assert_int_equal(ib, 1);
	/* up to the last byte below 2^64: e's last element meets f */
	struct progression e = {0, 8, 1ull << 60, 16}, f = {UINT64_MAX - 8, 8, 1, 0};
	assert_true(progressions_meet(&e, &f, &ia, &ib));
	assert_int_equal(ia, (1ull << 60) - 1);
	assert_int_equal(ib, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arithmetic_agrees_with_every_pair),
		cmocka_unit_test(long_arrays_take_no_walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
