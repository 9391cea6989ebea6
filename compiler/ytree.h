/* SPDX-License-Identifier: MIT */
/* ytree.h - YAML files as a tree of positioned nodes, and typed reading of it.
 *
 * Both YAML languages (register maps and manifests) load through here:
 * ytree.c turns libyaml's event stream into nodes that keep their line and
 * column, refusing deep nesting and alias bombs; yreader.c reads the nodes
 * against a language's keys and reports wrong kinds, unknown keys, malformed
 * numbers and bad keywords in one consistent way.
 */
#ifndef DRVGEN_YTREE_H
#define DRVGEN_YTREE_H

#include "diag.h"

enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ypair;

struct ynode {
	uint8_t kind;
	bool quoted;  /* scalar written in quotes: never null, never a bool */
	bool is_null; /* plain "", "~" or "null" */
	uint32_t line, col;
	uint32_t len;     /* scalar bytes, sequence items or mapping pairs */
	uint32_t weight;  /* nodes in this subtree counting alias expansions */
	union {
		const char *str;
		struct ynode **items;
		struct ypair *pairs;
	} u;
};

struct ypair {
	struct ynode *key; /* always a scalar */
	struct ynode *value;
};

/* ---- ytree.c ---- */

enum {
	YTREE_MAX_DEPTH = 64,
	/* Nodes an alias may add by reference; generous for real reuse, far
	 * below what a "billion laughs" document asks for. */
	YTREE_MAX_ALIAS_EXPANSION = 1000000,
};

/* Parses the single YAML document of src. NULL after reporting if malformed.
 * The nodes go in `nodes`, which the caller may recycle once it has read
 * them; scalar text goes in `text`, which outlives them. */
struct ynode *ytree_load(struct arena *nodes, struct arena *text, struct diag_engine *d,
			 const struct source *src);

/* ---- yreader.c ---- */

/* A missing key an unknown key was taken for ("ofset" for "offset"): its
 * E0105 says so, so yrequire does not report the key missing (E0106) too. */
struct ymisspelt {
	const struct ynode *map;
	const char *key;
	struct ymisspelt *next;
};

struct yreader {
	struct arena *arena;
	struct diag_engine *diag;
	const struct source *src;
	struct ymisspelt *misspelt; /* filled by ycheck_keys */
};

struct srcpos ypos(const struct yreader *r, const struct ynode *n);
const char *ykind_name(const struct ynode *n);

/* Reports E0104 unless n is of the kind; `what` names the thing for the message. */
bool yexpect(struct yreader *r, const struct ynode *n, enum ynode_kind kind, const char *what);
/* Reports every key of `map` that is not in `keys` (NULL-terminated), with a
 * "did you mean" for a near miss, and every repeated key. keys == NULL allows
 * any key (a mapping of user-chosen names) and checks only for repeats. */
void ycheck_keys(struct yreader *r, const struct ynode *map, const char *what,
		 const char *const *keys);
/* The value under key, or NULL if absent or written as null. */
const struct ynode *yget(const struct ynode *map, const char *key);
/* The key node under which `key` appears, for pointing at it. */
const struct ynode *ykey(const struct ynode *map, const char *key);
/* Like yget, but reports E0106 when the key is missing, unless ycheck_keys
 * already took an unknown key of the map for it (call that first). */
const struct ynode *yrequire(struct yreader *r, const struct ynode *map, const char *key,
			     const char *what);

bool yread_str(struct yreader *r, const struct ynode *n, const char *what, const char **out);
bool yread_u64(struct yreader *r, const struct ynode *n, const char *what, uint64_t *out);
bool yread_bool(struct yreader *r, const struct ynode *n, const char *what, bool *out);
/* Reads one of `words` (NULL-terminated) and stores its index. */
bool yread_keyword(struct yreader *r, const struct ynode *n, const char *what,
		   const char *const *words, unsigned *out);

/* ---- the languages' keys (regs_load.c, manifest_load.c) ---- */

/* A mapping of a YAML language and the keys it takes, or a keyword and the
 * words it takes: what the JSON Schemas of dsl/schema must say, each under
 * `definitions` by the same name ("" for the top mapping); the unit test
 * tests/unit/test_schema.c holds them to it. NULL-terminated lists. */
struct ylanguage_part {
	const char *name;
	const char *const *words;
};
extern const struct ylanguage_part regs_mappings[], regs_keywords[];
extern const struct ylanguage_part manifest_mappings[], manifest_keywords[];

#endif
