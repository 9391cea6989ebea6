/* SPDX-License-Identifier: MIT */
/* drv_regs.h - the accessor patterns every generated <device>_regs.h uses.
 *
 * A generated header is a table: for each register and field one line names
 * which of these patterns applies, so what an accessor does is written once,
 * here. All access goes through the target's primitive layer, "drv_io.h"
 * (runtime/user, runtime/kmod or runtime/sim, chosen by the include path),
 * which defines struct drv_io and drv_mmio_read32(io, off) and friends.
 *
 * Functions take handles and values by value: a handle is one pointer (or
 * port number) and a value one integer, so at -O2 an accessor compiles to
 * the single load or store a hand-written volatile access would.
 * docs/accessors.md describes the API these macros produce.
 */
#ifndef DRV_REGS_H
#define DRV_REGS_H

#include "drv_io.h"

/* ---- build-time checks ---- */

#ifdef __cplusplus
#define DRV_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
/* C++ keeps the run-time masking; the constant check needs C11. */
#define DRV_FITS(x, max, msg) (x)
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
#endif

/* The checks the generated #defines put over accessors: a constant that
 * does not fit field F (whose constants are F##_MASK and F##_SHIFT), an
 * array index past register or group P's P##_COUNT elements. */
#define DRV_FIELD_FITS(x, F) DRV_FITS(x, (F##_MASK >> F##_SHIFT), #F ": the constant does not fit the field")
#define DRV_INDEX_FITS(i, P) DRV_FITS(i, (P##_COUNT - 1), #P ": the index is past the last element")

/* What each pattern pins about the constants it is given, so an edit of a
 * generated header that breaks them does not compile. */
#define DRV_PIN_OFFSET(P, bits)                                                           \
	DRV_STATIC_ASSERT(P##_OFFSET % ((bits) / 8) == 0, #P "_OFFSET is not aligned to the register");
#define DRV_PIN_FIELD(F, bits)                                                            \
	DRV_STATIC_ASSERT((F##_MASK >> F##_SHIFT << F##_SHIFT) == F##_MASK &&             \
				  ((F##_MASK >> F##_SHIFT) & ((F##_MASK >> F##_SHIFT) + 1)) == 0 && \
				  F##_MASK != 0 && F##_SHIFT < (bits),                    \
			  #F "_MASK and " #F "_SHIFT do not describe one field");

/* ---- byte order: blocks are little-endian unless the spec says big ---- */

#define DRV_ORDER_LE8(x) (x)
#define DRV_ORDER_LE16(x) (x)
#define DRV_ORDER_LE32(x) (x)
#define DRV_ORDER_LE64(x) (x)
#define DRV_ORDER_BE8(x) (x)
#define DRV_ORDER_BE16(x) ((uint16_t)__builtin_bswap16(x))
#define DRV_ORDER_BE32(x) ((uint32_t)__builtin_bswap32(x))
#define DRV_ORDER_BE64(x) ((uint64_t)__builtin_bswap64(x))

/* ---- handles: one per block and per group ---- */

#define DRV_HANDLE(handle)                                                                \
	struct handle {                                                                   \
		struct drv_io io;                                                         \
	};                                                                                \
	static inline struct handle handle##_at(struct drv_io io)                         \
	{                                                                                 \
		struct handle h;                                                          \
		h.io = io;                                                                \
		return h;                                                                 \
	}

/* A block that repeats: handle##_at_(io, i) is instance i. */
#define DRV_HANDLE_ARRAY(handle, P)                                                       \
	struct handle {                                                                   \
		struct drv_io io;                                                         \
	};                                                                                \
	static inline struct handle handle##_at_(struct drv_io io, unsigned i)            \
	{                                                                                 \
		struct handle h;                                                          \
		DRV_CHECK_INDEX(i, P##_COUNT);                                            \
		h.io = drv_io_offset(io, (uint64_t)i * P##_STRIDE);                       \
		return h;                                                                 \
	}

/* A group of registers inside a block or another group. */
#define DRV_GROUP(handle, parent, P)                                                      \
	struct handle {                                                                   \
		struct drv_io io;                                                         \
	};                                                                                \
	static inline struct handle handle##_at(struct parent p)                          \
	{                                                                                 \
		struct handle h;                                                          \
		h.io = drv_io_offset(p.io, P##_OFFSET);                                   \
		return h;                                                                 \
	}

#define DRV_GROUP_ARRAY(handle, parent, P)                                                \
	struct handle {                                                                   \
		struct drv_io io;                                                         \
	};                                                                                \
	static inline struct handle handle##_at_(struct parent p, unsigned i)             \
	{                                                                                 \
		struct handle h;                                                          \
		DRV_CHECK_INDEX(i, P##_COUNT);                                            \
		h.io = drv_io_offset(p.io, P##_OFFSET + (uint64_t)i * P##_STRIDE);        \
		return h;                                                                 \
	}

/* A run-time index past the end is a driver bug: the target decides what a
 * fault does (drv_io.h); a constant one never compiles (DRV_FITS). */
#define DRV_CHECK_INDEX(i, count)                                                         \
	do {                                                                              \
		if ((i) >= (count))                                                       \
			drv_index_fault(__func__, (i));                                   \
	} while (0)

/* ---- register values ---- */

/* A register with fields has a value type of its own, so a field helper of
 * one register does not accept another register's value. */
#define DRV_VALUE(stem, bits)                                                             \
	typedef struct {                                                                  \
		uint##bits##_t raw;                                                       \
	} stem##_t;                                                                       \
	static inline stem##_t stem##_value(uint##bits##_t raw)                           \
	{                                                                                 \
		stem##_t v;                                                               \
		v.raw = raw;                                                              \
		return v;                                                                 \
	}                                                                                 \
	static inline uint##bits##_t stem##_raw(stem##_t v)                               \
	{                                                                                 \
		return v.raw;                                                             \
	}

/* A register without fields holds a plain number. */
#define DRV_VALUE_PLAIN(stem, bits)                                                       \
	typedef uint##bits##_t stem##_t;                                                  \
	static inline stem##_t stem##_value(uint##bits##_t raw)                           \
	{                                                                                 \
		return raw;                                                               \
	}                                                                                 \
	static inline uint##bits##_t stem##_raw(stem##_t v)                               \
	{                                                                                 \
		return v;                                                                 \
	}

/* A register with another's layout shares its value type: acknowledging
 * what irq_status reads is irq_ack_write(h, irq_status_read(h)). */
#define DRV_VALUE_OF(stem, other, bits)                                                   \
	typedef other##_t stem##_t;                                                       \
	static inline stem##_t stem##_value(uint##bits##_t raw)                           \
	{                                                                                 \
		return other##_value(raw);                                                \
	}                                                                                 \
	static inline uint##bits##_t stem##_raw(stem##_t v)                               \
	{                                                                                 \
		return other##_raw(v);                                                    \
	}

/* ---- register access ----
 * space is mmio or pio; order is LE or BE; P is the register's constant prefix
 * (P##_OFFSET, and P##_COUNT / P##_STRIDE for arrays). */

#define DRV_READ(stem, handle, space, bits, order, P)                                        \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline stem##_t stem##_read(struct handle h)                               \
	{                                                                                 \
		return stem##_value(                                                      \
			DRV_ORDER_##order##bits(drv_##space##_read##bits(h.io, P##_OFFSET)));  \
	}

#define DRV_WRITE(stem, handle, space, bits, order, P)                                       \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline void stem##_write(struct handle h, stem##_t v)                      \
	{                                                                                 \
		drv_##space##_write##bits(h.io, P##_OFFSET,                                  \
				       DRV_ORDER_##order##bits(stem##_raw(v)));           \
	}

/* w1c/w1s/w1t registers: write exactly the given bits, never read. name is
 * clear, set or toggle; w0c/w0s registers (0 acts) write the complement. */
#define DRV_WRITE_ONES(stem, name, handle, space, bits, order, P)                            \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline void stem##_##name(struct handle h, stem##_t bits_to_act_on)        \
	{                                                                                 \
		drv_##space##_write##bits(h.io, P##_OFFSET,                                  \
				       DRV_ORDER_##order##bits(stem##_raw(bits_to_act_on))); \
	}

#define DRV_WRITE_ZEROS(stem, name, handle, space, bits, order, P)                           \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline void stem##_##name(struct handle h, stem##_t bits_to_act_on)        \
	{                                                                                 \
		drv_##space##_write##bits(                                                   \
			h.io, P##_OFFSET,                                                 \
			DRV_ORDER_##order##bits((uint##bits##_t)~stem##_raw(bits_to_act_on))); \
	}

/* Read-modify-write, only for registers whose read has no side effect. The
 * bits under mask take value; of the others, P##_KEEP bits are written back
 * as read (reserved bits among them), the rest as P##_IDLE says: 0 for
 * write-1-to-act bits, so an update never clears a pending w1c bit, and for
 * volatile writable bits, which are triggers; 1 for write-0-to-act bits.
 * One barrier each side orders it against ordinary memory; its own read
 * and write need none between them. */
#define DRV_UPDATE_ACCESS(stem, space, bits, order, P, at)                                \
	uint##bits##_t m = stem##_raw(mask);                                              \
	drv_barrier();                                                                    \
	uint##bits##_t old =                                                              \
		DRV_ORDER_##order##bits(drv_##space##_read##bits##_relaxed(h.io, at));    \
	uint##bits##_t new_ = (uint##bits##_t)((old & P##_KEEP & ~m) | (stem##_raw(value) & m) | \
					       (P##_IDLE & ~m));                          \
	drv_##space##_write##bits##_relaxed(h.io, at, DRV_ORDER_##order##bits(new_));    \
	drv_barrier();

#define DRV_UPDATE(stem, handle, space, bits, order, P)                                   \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline void stem##_update(struct handle h, stem##_t mask, stem##_t value)  \
	{                                                                                 \
		DRV_UPDATE_ACCESS(stem, space, bits, order, P, P##_OFFSET)               \
	}

/* Arrays: the same, with an index (constant-checked by the #define the
 * generated header puts over each). */
#define DRV_READ_AT(stem, handle, space, bits, order, P)                                     \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline stem##_t stem##_read_(struct handle h, unsigned i)                  \
	{                                                                                 \
		DRV_CHECK_INDEX(i, P##_COUNT);                                            \
		return stem##_value(DRV_ORDER_##order##bits(                              \
			drv_##space##_read##bits(h.io, P##_OFFSET + (uint64_t)i * P##_STRIDE))); \
	}

#define DRV_WRITE_AT(stem, handle, space, bits, order, P)                                    \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline void stem##_write_(struct handle h, unsigned i, stem##_t v)         \
	{                                                                                 \
		DRV_CHECK_INDEX(i, P##_COUNT);                                            \
		drv_##space##_write##bits(h.io, P##_OFFSET + (uint64_t)i * P##_STRIDE,       \
				       DRV_ORDER_##order##bits(stem##_raw(v)));           \
	}

#define DRV_WRITE_ONES_AT(stem, name, handle, space, bits, order, P)                         \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline void stem##_##name##_(struct handle h, unsigned i,                  \
					    stem##_t bits_to_act_on)                      \
	{                                                                                 \
		DRV_CHECK_INDEX(i, P##_COUNT);                                            \
		drv_##space##_write##bits(h.io, P##_OFFSET + (uint64_t)i * P##_STRIDE,       \
				       DRV_ORDER_##order##bits(stem##_raw(bits_to_act_on))); \
	}

#define DRV_WRITE_ZEROS_AT(stem, name, handle, space, bits, order, P)                        \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline void stem##_##name##_(struct handle h, unsigned i,                  \
					    stem##_t bits_to_act_on)                      \
	{                                                                                 \
		DRV_CHECK_INDEX(i, P##_COUNT);                                            \
		drv_##space##_write##bits(                                                   \
			h.io, P##_OFFSET + (uint64_t)i * P##_STRIDE,                      \
			DRV_ORDER_##order##bits((uint##bits##_t)~stem##_raw(bits_to_act_on))); \
	}

#define DRV_UPDATE_AT(stem, handle, space, bits, order, P)                                \
	DRV_PIN_OFFSET(P, bits)                                                           \
	static inline void stem##_update_(struct handle h, unsigned i, stem##_t mask,     \
					  stem##_t value)                                 \
	{                                                                                 \
		DRV_CHECK_INDEX(i, P##_COUNT);                                            \
		DRV_UPDATE_ACCESS(stem, space, bits, order, P,                            \
				  P##_OFFSET + (uint64_t)i * P##_STRIDE)                  \
	}

/* ---- fields ----
 * F is the field's constant prefix: F##_SHIFT and F##_MASK (in register
 * position). One line per field:
 *	DRV_FIELD(stem, field, handle, bits, F, type, RO|WO|RW, UPDATE|NO_UPDATE)
 * defines stem_field_get (readable fields; it returns `type`, an enum type
 * for enumerated fields), stem_field_set_ (writable fields: the value with
 * the field replaced, the new content masked to the field) and
 * stem_field_update_ (read-modify-write of the field, where the register
 * has an update). The generated #defines over _set_ and _update_ refuse a
 * constant that does not fit (DRV_SET, DRV_UPDATE_FIELD). */

#define DRV_FIELD(stem, field, handle, bits, F, type, ops, update)                        \
	DRV_PIN_FIELD(F, bits)                                                            \
	DRV_FIELD_##ops(stem, field, bits, F, type)                                       \
	DRV_FIELD_##update(stem, field, handle, bits, F)

#define DRV_FIELD_GET_(stem, field, bits, F, type)                                        \
	static inline type stem##_##field##_get(stem##_t v)                               \
	{                                                                                 \
		return (type)((stem##_raw(v) & F##_MASK) >> F##_SHIFT);                    \
	}

#define DRV_FIELD_SET_(stem, field, bits, F)                                              \
	static inline stem##_t stem##_##field##_set_(stem##_t v, uint##bits##_t x)        \
	{                                                                                 \
		return stem##_value((uint##bits##_t)((stem##_raw(v) & ~F##_MASK) |         \
						     (((uint##bits##_t)x << F##_SHIFT) &   \
						      F##_MASK)));                        \
	}

#define DRV_FIELD_RO(stem, field, bits, F, type) DRV_FIELD_GET_(stem, field, bits, F, type)
#define DRV_FIELD_WO(stem, field, bits, F, type) DRV_FIELD_SET_(stem, field, bits, F)
#define DRV_FIELD_RW(stem, field, bits, F, type)                                          \
	DRV_FIELD_GET_(stem, field, bits, F, type)                                        \
	DRV_FIELD_SET_(stem, field, bits, F)

#define DRV_FIELD_UPDATE(stem, field, handle, bits, F)                                    \
	static inline void stem##_##field##_update_(struct handle h, uint##bits##_t x)    \
	{                                                                                 \
		stem##_update(h, stem##_value(F##_MASK),                                  \
			      stem##_value((uint##bits##_t)((uint##bits##_t)x << F##_SHIFT))); \
	}
#define DRV_FIELD_NO_UPDATE(stem, field, handle, bits, F)

/* The checked entry points; sf is the field's stem (edu_status_irq_enable). */
#define DRV_SET(sf, F, v, x) sf##_set_((v), DRV_FIELD_FITS((x), F))
#define DRV_UPDATE_FIELD(sf, F, h, x) sf##_update_((h), DRV_FIELD_FITS((x), F))

#endif
