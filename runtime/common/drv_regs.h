/* SPDX-License-Identifier: MIT */
/* drv_regs.h - what every generated <device>_regs.h expands its accessors to.
 *
 * A generated header spells out every accessor's name as a function-like
 * macro (`#define edu_id_read(h) DRV_READ(edu_id, edu_bar0, mmio, 32, LE,
 * EDU_ID, h)`), so grep, ctags and cscope find it, and what it does is
 * written once, here. A macro costs the compiler almost nothing until it is
 * used, where a static inline function is parsed and checked in every file
 * that includes the header, used or not: a header of 10,000 registers took
 * 16 s to include as functions (docs/accessors.md, "Size and speed").
 *
 * The macros keep what functions gave: each argument is evaluated once, a
 * handle or a value of the wrong type does not compile (DRV_AS, DRV_NUM),
 * and at -O2 an access is the load or store a hand-written volatile access
 * would be (tests/zero_overhead). All access goes through the target's
 * primitive layer, "drv_io.h" (runtime/user, runtime/kmod or runtime/sim,
 * chosen by the include path), which defines struct drv_io and
 * drv_mmio_read32(io, off) and friends. docs/accessors.md describes the API.
 */
#ifndef DRV_REGS_H
#define DRV_REGS_H

#include "drv_io.h"

/* ---- types and build-time checks ---- */

#ifdef __cplusplus
#define DRV_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
/* C++ keeps the run-time masking; the constant check needs C11. */
#define DRV_FITS(x, max, msg) (x)
/* x, which must be of type T: a handle or a register's value type. */
#define DRV_AS(T, x) static_cast<T>(x)
/* A value of struct type T holding x. */
#define DRV_MAKE(T, x) (T{x})
#else
#define DRV_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
/* x, unless x is a constant greater than max: then the build fails with msg
 * (as Linux's FIELD_PREP does). x is evaluated once; a run-time value passes
 * and is masked by the accessor. (+ 0ull: a bool compares as a number, and
 * a negative constant does not fit.) */
#define DRV_FITS(x, max, msg)                                                             \
	((void)sizeof(struct {                                                            \
		 DRV_STATIC_ASSERT(                                                       \
			 __builtin_choose_expr(__builtin_constant_p(x), (x) + 0ull <= (max), 1), msg); \
		 char drv_fits_;                                                          \
	 }),                                                                              \
	 (x))
/* x, which must be of type T, or the build fails ("not compatible with any
 * association"): what a function's parameter type did. _Generic evaluates
 * only the selected x. */
#define DRV_AS(T, x) _Generic((x), T : (x))
#define DRV_MAKE(T, x) ((T){x})
#endif

/* x as a bits-wide number: any integer or enum converts, as it would to a
 * function's uintN_t parameter; a pointer or a struct (another register's
 * value) does not compile (unary + takes neither). */
#define DRV_NUM(bits, x) ((uint##bits##_t) + (x))

/* The checks the generated #defines put over accessors: a constant that
 * does not fit field F (whose constants are F##_MASK and F##_SHIFT), an
 * array index past register or group P's P##_COUNT elements. */
#define DRV_FIELD_FITS(x, F) DRV_FITS(x, (F##_MASK >> F##_SHIFT), #F ": the constant does not fit the field")
#define DRV_INDEX_FITS(i, P) DRV_FITS(i, (P##_COUNT - 1), #P ": the index is past the last element")

/* A run-time index past the end is a driver bug: the target decides what a
 * fault does (drv_io.h); a constant one never compiles (DRV_INDEX_FITS).
 * what names the array ("NIC_HEAD"). */
static inline uint64_t drv_index(unsigned long i, unsigned long count, const char *what)
{
	if (i >= count)
		drv_index_fault(what, i);
	return i;
}

/* P##_OFFSET + i * P##_STRIDE, i checked at run time. */
#define DRV_AT(P, i) (P##_OFFSET + drv_index((i), P##_COUNT, #P) * P##_STRIDE)

/* ---- byte order: blocks are little-endian unless the spec says big ---- */

#define DRV_ORDER_LE8(x) (x)
#define DRV_ORDER_LE16(x) (x)
#define DRV_ORDER_LE32(x) (x)
#define DRV_ORDER_LE64(x) (x)
#define DRV_ORDER_BE8(x) (x)
#define DRV_ORDER_BE16(x) ((uint16_t)__builtin_bswap16(x))
#define DRV_ORDER_BE32(x) ((uint32_t)__builtin_bswap32(x))
#define DRV_ORDER_BE64(x) ((uint64_t)__builtin_bswap64(x))
#define DRV_BIG_LE 0
#define DRV_BIG_BE 1

/* ---- handles: one per block and per group ----
 * A handle is a struct drv_io in a struct of the block's or group's own, so
 * a handle of one block is not one of another. A group's offset moves the
 * part of struct drv_io its space uses (drv_io_offset_mmio or _pio in
 * drv_io.h), so making it costs one addition, no test. */

#ifdef __cplusplus
#define DRV_HANDLE_MAKE(handle, io) (handle{io})
#else
#define DRV_HANDLE_MAKE(handle, io) ((struct handle){io})
#endif

/* The struct drv_io of handle h, h of type struct handle. */
#define DRV_IO(handle, h) DRV_AS(struct handle, h).io

/* handle_at(io): the block at io; handle_at_(io, i): instance i of a block
 * that repeats; a group's, from its parent's handle p. */
#define DRV_BLOCK_AT(handle, io) DRV_HANDLE_MAKE(handle, DRV_AS(struct drv_io, io))
#define DRV_BLOCK_AT_(handle, space, P, io, i)                                           \
	DRV_HANDLE_MAKE(handle, drv_io_offset_##space(DRV_AS(struct drv_io, io),          \
						      drv_index((i), P##_COUNT, #P) * P##_STRIDE))
#define DRV_GROUP_AT(handle, parent, space, P, p)                                         \
	DRV_HANDLE_MAKE(handle, drv_io_offset_##space(DRV_IO(parent, p), P##_OFFSET))
#define DRV_GROUP_AT_(handle, parent, space, P, p, i)                                     \
	DRV_HANDLE_MAKE(handle, drv_io_offset_##space(DRV_IO(parent, p), DRV_AT(P, i)))

/* ---- register values ----
 * A register with fields has a value type of its own, a struct, so a field
 * helper of one register does not accept another register's value:
 * stem##_value(x) makes one, stem##_raw(v) is its number. A register
 * without fields holds a plain number. */

#define DRV_VALUE(T, bits, x) DRV_MAKE(T, DRV_NUM(bits, x))
#define DRV_RAW(T, v) DRV_AS(T, v).raw

/* ---- register access ----
 * stem is the register's C name (its stem##_value and stem##_raw), handle
 * its block's or group's, space mmio, pio or cfg, order LE or BE, P the
 * register's constant prefix (P##_OFFSET, and P##_COUNT / P##_STRIDE for
 * arrays); _AT_ forms take the index i. */

#define DRV_READ_OFF(stem, handle, space, bits, order, h, off)                            \
	stem##_value(DRV_ORDER_##order##bits(drv_##space##_read##bits(DRV_IO(handle, h), off)))
#define DRV_WRITE_OFF(stem, handle, space, bits, order, h, off, raw)                      \
	drv_##space##_write##bits(DRV_IO(handle, h), off, DRV_ORDER_##order##bits(raw))

#define DRV_READ(stem, handle, space, bits, order, P, h)                                  \
	DRV_READ_OFF(stem, handle, space, bits, order, h, P##_OFFSET)
#define DRV_READ_AT_(stem, handle, space, bits, order, P, h, i)                           \
	DRV_READ_OFF(stem, handle, space, bits, order, h, DRV_AT(P, i))
#define DRV_WRITE(stem, handle, space, bits, order, P, h, v)                              \
	DRV_WRITE_OFF(stem, handle, space, bits, order, h, P##_OFFSET, stem##_raw(v))
#define DRV_WRITE_AT_(stem, handle, space, bits, order, P, h, i, v)                       \
	DRV_WRITE_OFF(stem, handle, space, bits, order, h, DRV_AT(P, i), stem##_raw(v))

/* w1c/w1s/w1t registers: _clear, _set, _toggle write exactly the given
 * bits, never read. w0c/w0s registers (0 acts) write the complement. */
#define DRV_WRITE_ONES(stem, handle, space, bits, order, P, h, b)                         \
	DRV_WRITE(stem, handle, space, bits, order, P, h, b)
#define DRV_WRITE_ONES_AT_(stem, handle, space, bits, order, P, h, i, b)                  \
	DRV_WRITE_AT_(stem, handle, space, bits, order, P, h, i, b)
#define DRV_WRITE_ZEROS(stem, handle, space, bits, order, P, h, b)                        \
	DRV_WRITE_OFF(stem, handle, space, bits, order, h, P##_OFFSET,                    \
		      (uint##bits##_t)~stem##_raw(b))
#define DRV_WRITE_ZEROS_AT_(stem, handle, space, bits, order, P, h, i, b)                 \
	DRV_WRITE_OFF(stem, handle, space, bits, order, h, DRV_AT(P, i),                  \
		      (uint##bits##_t)~stem##_raw(b))

/* Read-modify-write, only for registers whose read has no side effect. The
 * bits under mask take value; of the others, P##_KEEP bits are written back
 * as read (reserved bits among them), the rest as P##_IDLE says: 0 for
 * write-1-to-act bits, so an update never clears a pending w1c bit, and for
 * volatile writable bits, which are triggers; 1 for write-0-to-act bits.
 * One barrier each side orders it against ordinary memory (drv_update_barrier,
 * which the target defines); its own read and write need none between them.
 * One function per space and width
 * (below) does it, as mask and value are each used twice. */
#define DRV_UPDATE_OFF(stem, handle, space, bits, order, P, h, off, mask, value)          \
	drv_##space##_update##bits(DRV_IO(handle, h), off, DRV_BIG_##order, P##_KEEP, P##_IDLE, \
				   stem##_raw(mask), stem##_raw(value))
#define DRV_UPDATE(stem, handle, space, bits, order, P, h, mask, value)                   \
	DRV_UPDATE_OFF(stem, handle, space, bits, order, P, h, P##_OFFSET, mask, value)
#define DRV_UPDATE_AT_(stem, handle, space, bits, order, P, h, i, mask, value)            \
	DRV_UPDATE_OFF(stem, handle, space, bits, order, P, h, DRV_AT(P, i), mask, value)

#define DRV_UPDATE_FN(space, bits)                                                        \
	static inline void drv_##space##_update##bits(struct drv_io io, uint64_t off, int big, \
						      uint##bits##_t keep, uint##bits##_t idle, \
						      uint##bits##_t m, uint##bits##_t value) \
	{                                                                                 \
		uint##bits##_t old, new_;                                                 \
		drv_update_barrier();                                                     \
		old = drv_##space##_read##bits##_relaxed(io, off);                        \
		if (big)                                                                  \
			old = DRV_ORDER_BE##bits(old);                                    \
		new_ = (uint##bits##_t)((old & keep & ~m) | (value & m) | (idle & ~m));   \
		drv_##space##_write##bits##_relaxed(io, off, big ? DRV_ORDER_BE##bits(new_) : new_); \
		drv_update_barrier();                                                     \
	}
DRV_UPDATE_FN(mmio, 8)
DRV_UPDATE_FN(mmio, 16)
DRV_UPDATE_FN(mmio, 32)
DRV_UPDATE_FN(mmio, 64)
DRV_UPDATE_FN(pio, 8)
DRV_UPDATE_FN(pio, 16)
DRV_UPDATE_FN(pio, 32)
DRV_UPDATE_FN(cfg, 8)
DRV_UPDATE_FN(cfg, 16)
DRV_UPDATE_FN(cfg, 32)

/* ---- fields ----
 * F is the field's constant prefix: F##_SHIFT and F##_MASK (in register
 * position). stem_field_get (readable fields) returns `type`, an enum type
 * for enumerated fields; stem_field_set_ (writable fields) is the value with
 * the field replaced, the new content masked to the field; stem_field_update_
 * a read-modify-write of the field, where the register has an update;
 * stem_field_set and stem_field_update the same, refusing a constant that
 * does not fit (DRV_FIELD_FITS). The new content is shifted as 64 bits, masked
 * and cut to the register's width by stem##_value, so no width need be
 * passed: at -O2 the code is a narrower shift's. */

#define DRV_GET(stem, F, type, v) ((type)((stem##_raw(v) & F##_MASK) >> F##_SHIFT))
#define DRV_SET_(stem, F, v, x)                                                           \
	stem##_value((stem##_raw(v) & ~F##_MASK) | ((DRV_NUM(64, x) << F##_SHIFT) & F##_MASK))
#define DRV_UPDATE_FIELD_(stem, F, h, x)                                                  \
	stem##_update(h, stem##_value(F##_MASK), stem##_value(DRV_NUM(64, x) << F##_SHIFT))

/* The checked ones, stem_field_set and stem_field_update. */
#define DRV_SET(stem, F, v, x) DRV_SET_(stem, F, v, DRV_FIELD_FITS(x, F))
#define DRV_UPDATE_FIELD(stem, F, h, x) DRV_UPDATE_FIELD_(stem, F, h, DRV_FIELD_FITS(x, F))

#endif
