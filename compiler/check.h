/* SPDX-License-Identifier: MIT */
/* check.h - the checker: ASTs in, one IR out, every problem reported.
 *
 * Runs in a fixed order because later languages refer to earlier ones:
 * protocols first, then register maps, then manifests (which name both).
 * Each stage reports all it finds; the pipeline stops before the backends if
 * any stage reported an error.
 */
#ifndef DRVGEN_CHECK_H
#define DRVGEN_CHECK_H

#include "ast.h"

struct checker {
	struct arena *arena;
	struct diag_engine *diag;
	struct ir *ir;
};

void check_idl(struct checker *c, struct idl_ast *const *files, size_t n);
void check_regs(struct checker *c, struct regs_ast *const *files, size_t n);
void check_manifests(struct checker *c, struct manifest_ast *const *files, size_t n);

/* Shared by the checkers: E0201 unless name is a C identifier. */
bool check_c_name(struct checker *c, struct lstr name, const char *what);
/* One past the last byte of `count` elements of `size` bytes, `stride`
 * apart from `offset` (count >= 1): false if that is past 2^64 (E0218). */
bool extent_end(uint64_t offset, uint64_t count, uint64_t stride, uint64_t size, uint64_t *end);

/* `count` byte ranges of `size` bytes, `stride` apart from `offset`, whose
 * extent fits below 2^64 (extent_end). */
struct progression {
	uint64_t offset, size, count, stride;
};
/* progressions.c: whether an element of a and one of b share a byte, and
 * if so which: the shorter progression's least such element, and the
 * other's least one it shares a byte with. Arithmetic: at most
 * (a->size + b->size - 1) / gcd(strides) steps, or the shorter's count. */
bool progressions_meet(const struct progression *a, const struct progression *b, uint64_t *ia,
		       uint64_t *ib);

/* After the naming pass (names.h) over the IR the checkers built:
 * c_names.c: E0216 for any two items of the register maps whose generated
 * C names would clash; check_idl_names.c: E0216 for two protocol or driver
 * declarations whose generated C names clash (with each other or a register
 * map's files), E0524 for a name generated code reserves. */
void check_c_name_clashes(struct checker *c);
void check_idl_names(struct checker *c);

/* check_author.c: E0601 for each requirement (gen.h) the author-owned file
 * at path does not define; nothing if it does not exist. Whether it exists. */
struct gen_requirement;
bool check_author_file(struct arena *a, struct diag_engine *d, const char *path,
		       const struct gen_requirement *req, size_t n, unsigned order);

#endif
