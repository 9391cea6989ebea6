// SPDX-License-Identifier: MIT
/* progressions.c - where two arithmetic progressions of byte ranges first
 * share a byte: the register checker's overlap test for arrays
 * (check_regs.c), in arithmetic rather than element by element.
 *
 * Elements i of a and j of b, [A + i s, A + i s + wa) and
 * [B + j t, B + j t + wb), share a byte iff each starts before the other
 * ends:
 *
 *	A + i s < B + j t + wb  and  B + j t < A + i s + wa
 *	<=>  lo <= i s - j t <= hi,  lo = B - A - wa + 1,  hi = B - A + wb - 1
 *
 * i s - j t is a multiple of g = gcd(s, t), so only the multiples k of g
 * in [lo, hi] can be met; for each, i s - j t = k holds for
 * i = i0 (mod t/g), i0 = (k/g) (s/g)^-1 mod t/g, and j = (i s - k) / t,
 * and the bounds 0 <= i < count_a, 0 <= j < count_b make i an interval:
 * its least i = i0 (mod t/g) is found in O(1). That is (wa + wb - 1) / g
 * candidates (at most 15 for two register arrays), or a walk of a's
 * elements, one O(1) test each, where that is shorter.
 */
#include "check.h"

__extension__ typedef __int128 wide;
__extension__ typedef unsigned __int128 uwide;

static wide floor_div(wide a, wide d)
{
	return a >= 0 ? a / d : -((-a + d - 1) / d);
}

static wide ceil_div(wide a, wide d)
{
	return -floor_div(-a, d);
}

static wide mod(wide a, wide d)
{
	return a - floor_div(a, d) * d;
}

static wide max_of(wide a, wide b)
{
	return a > b ? a : b;
}

static wide min_of(wide a, wide b)
{
	return a < b ? a : b;
}

static uint64_t gcd(uint64_t x, uint64_t y)
{
	while (y) {
		uint64_t r = x % y;
		x = y;
		y = r;
	}
	return x;
}

/* x^-1 modulo m (gcd(x, m) = 1, m >= 1), by extended Euclid. */
static uint64_t inverse(uint64_t x, uint64_t m)
{
	wide r0 = m, r1 = x % m, t0 = 0, t1 = 1;
	while (r1) {
		wide q = r0 / r1, r = r0 - q * r1, t = t0 - q * t1;
		r0 = r1;
		r1 = r;
		t0 = t1;
		t1 = t;
	}
	return (uint64_t)mod(t0, m);
}

/* The least i of a that meets some j of b, with s, t > 0: or na. */
static wide least_i(wide lo, wide hi, wide s, wide na, wide t, wide nb)
{
	uint64_t g = gcd((uint64_t)s, (uint64_t)t);
	wide first = ceil_div(lo, g), last = floor_div(hi, g);
	if (last - first + 1 >= na) {
		/* fewer elements than candidates: each i, its least j */
		for (wide i = 0; i < na; i++) {
			wide j = max_of(0, ceil_div(i * s - hi, t));
			if (j < nb && j * t <= i * s - lo)
				return i;
		}
		return na;
	}
	wide big_t = t / g;
	uint64_t inv = inverse((uint64_t)(s / g) % (uint64_t)big_t, (uint64_t)big_t);
	wide best = na;
	for (wide kg = first; kg <= last; kg++) {
		wide k = kg * g;
		wide i0 = (wide)((uwide)mod(kg, big_t) * inv % (uwide)big_t);
		wide i_lo = max_of(0, ceil_div(k, s));                   /* j >= 0 */
		wide i_hi = min_of(na - 1, floor_div((nb - 1) * t + k, s)); /* j < nb */
		wide i = i_lo + mod(i0 - i_lo, big_t);
		if (i <= i_hi && i < best)
			best = i;
	}
	return best;
}

/* The least i < a->count whose element shares a byte with one of b's, or
 * a->count. An array of stride 0 is its first element. */
static uint64_t first_meeting(const struct progression *a, const struct progression *b)
{
	wide lo = (wide)b->offset - a->offset - a->size + 1;
	wide hi = (wide)b->offset - a->offset + b->size - 1;
	wide s = a->count > 1 ? a->stride : 0, t = b->count > 1 ? b->stride : 0;
	wide na = s ? a->count : 1, nb = t ? b->count : 1;
	if (!s && !t)
		return lo <= 0 && 0 <= hi ? 0 : a->count;
	if (!s) { /* i = 0: some j t in [-hi, -lo] */
		wide j = max_of(0, ceil_div(-hi, t));
		return j < nb && j * t <= -lo ? 0 : a->count;
	}
	if (!t) { /* j = 0: some i s in [lo, hi] */
		wide i = max_of(0, ceil_div(lo, s));
		return i < na && i * s <= hi ? (uint64_t)i : a->count;
	}
	wide i = least_i(lo, hi, s, na, t, nb);
	return i < na ? (uint64_t)i : a->count;
}

bool progressions_meet(const struct progression *a, const struct progression *b, uint64_t *ia,
		       uint64_t *ib)
{
	/* the shorter one's least element, as a walk of it would find */
	bool swapped = a->count > b->count;
	if (swapped) {
		const struct progression *t = a;
		a = b;
		b = t;
	}
	uint64_t i = first_meeting(a, b);
	if (i >= a->count)
		return false;
	/* b's first element that ends after a's i-th starts: the first it meets */
	uint64_t x = a->offset + i * a->stride;
	uint64_t bstride = b->stride ? b->stride : 1;
	uint64_t j = x >= b->offset + b->size ? (x - b->offset - b->size) / bstride + 1 : 0;
	*ia = swapped ? j : i;
	*ib = swapped ? i : j;
	return true;
}
