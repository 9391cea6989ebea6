/* SPDX-License-Identifier: MIT */
/* drv_desc.h - a register map as data: what generated <device>_regs_desc.c
 * files hold, so a trace or a debug dump can name every access. */
#ifndef DRV_DESC_H
#define DRV_DESC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

enum drv_desc_space { DRV_DESC_MMIO, DRV_DESC_PIO, DRV_DESC_CONFIG };

/* Access kinds, as in the register map language (docs/regs.md). */
enum drv_desc_access {
	DRV_DESC_RO,
	DRV_DESC_RW,
	DRV_DESC_WO,
	DRV_DESC_RC,
	DRV_DESC_RS,
	DRV_DESC_W1C,
	DRV_DESC_W1S,
	DRV_DESC_W1T,
	DRV_DESC_W0C,
	DRV_DESC_W0S,
	DRV_DESC_WONCE,
};

struct drv_desc_enum {
	const char *name;
	uint64_t value;
};

struct drv_desc_field {
	const char *name;
	uint8_t lsb, msb;
	enum drv_desc_access access;
	const struct drv_desc_enum *enums;
	uint16_t nenums;
};

/* One level of repetition (a group or register array), outermost first. */
struct drv_desc_dim {
	uint64_t count, stride;
};

struct drv_desc_reg {
	const char *name;    /* "status"; "ring[].head" in an array group: one [] per dim */
	uint64_t offset;     /* of its first element, from the start of the block */
	uint8_t bytes;
	enum drv_desc_access access;
	bool readable, writable;
	const char *bank;    /* NULL: the default bank */
	const struct drv_desc_dim *dims;
	uint8_t ndims;
	const struct drv_desc_field *fields;
	uint16_t nfields;
};

struct drv_desc_block {
	const char *device, *name;
	enum drv_desc_space space;
	bool big_endian;
	uint64_t size;
	uint64_t count, stride; /* a block that repeats: count instances every stride bytes */
	const struct drv_desc_reg *regs;
	size_t nregs;
};

#endif
