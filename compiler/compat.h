/* SPDX-License-Identifier: MIT */
/* compat.h - `drvgen compat OLD NEW`: every change between two versions of a
 * spec, each classed by whom it breaks (docs/compat.md has the rules).
 *
 * compat.c compares protocols and runs the whole comparison; compat_regs.c
 * compares register maps. Both only read the two checked IRs.
 */
#ifndef DRVGEN_COMPAT_H
#define DRVGEN_COMPAT_H

#include "ir.h"

/* In rising severity: a report's result is its most severe change. */
enum compat_class {
	COMPAT_COMPATIBLE,
	COMPAT_SOURCE, /* code written against OLD's generated API breaks when rebuilt */
	COMPAT_WIRE,   /* a peer built from OLD and one built from NEW misunderstand each other */
	COMPAT_CLASS_COUNT
};

/* A change has a class for each side of a protocol: for its clients (the
 * code calling the generated stubs, and the wire: `cls`, which decides the
 * exit status) and for its implementations (the drivers serving it, and
 * using the register accessors: `impl`). They differ where only one side
 * must change its code: a method added leaves clients alone, but every
 * implementation must now define its handler (E0601). */
struct compat_change {
	enum compat_class cls;
	enum compat_class impl;
	const char *impl_why; /* where impl differs from cls: why */
	const char *rule;    /* stable name, the first column of docs/compat.md's tables */
	const char *subject; /* the item: "edu::device.factorial", "edu.bar0.status.irq_enable" */
	const char *message; /* starts with the subject */
	struct srcpos old_pos, new_pos; /* the item in each version; src NULL where it is absent */
};

struct compat {
	struct arena *arena;
	const struct ir *old, *new;
	VEC(struct compat_change) changes;
};

/* Records one change; the message is printf-formatted. */
void compat_report(struct compat *c, enum compat_class cls, const char *rule, const char *subject,
		   struct srcpos old_pos, struct srcpos new_pos, const char *fmt, ...)
	PRINTF_LIKE(7, 8);
const char *compat_class_name(enum compat_class cls);
/* The change just reported breaks implementations' source, for `why`. */
void compat_implementations_break(struct compat *c, const char *why);

/* Fills c->changes with every change from c->old to c->new, the most severe
 * first and otherwise in the order of the specs. */
void compat_compare(struct compat *c);

/* ---- compat_regs.c ---- */

void compat_regs(struct compat *c);

#endif
