// SPDX-License-Identifier: MIT
/* regs_load.c - a register map's YAML read into its AST (docs/regs.md).
 *
 * This stage checks only shape: the keys each mapping may hold, node kinds,
 * numbers and keywords. What the values mean together (overlaps, widths,
 * layouts) is check_regs.c's job.
 */
#include "ast.h"
#include "ytree.h"

#include <string.h>

static const char *const device_keys[] = {"device", "doc", "blocks", NULL};
static const char *const block_keys[] = {"name",  "doc",    "space",     "size",
					 "endian", "count", "stride", "registers", NULL};
static const char *const register_keys[] = {"name",   "doc",    "offset",   "width",
					    "access", "reset",  "volatile", "fields",
					    "layout", "bank",   "count",    "stride", NULL};
static const char *const group_keys[] = {"group", "doc",    "offset",   "count",
					 "stride", "registers", NULL};
static const char *const field_keys[] = {"name",  "doc",  "bits", "access",
					 "volatile", "reset", "enum", NULL};
static const char *const endian_words[] = {"little", "big", NULL};

const struct ylanguage_part regs_mappings[] = {
	{"", device_keys},	      {"block", block_keys}, {"register", register_keys},
	{"group", group_keys},	      {"field", field_keys}, {NULL, NULL},
};
const struct ylanguage_part regs_keywords[] = {
	{"access", access_names}, {"space", space_names}, {"endian", endian_words}, {NULL, NULL},
};

struct loader {
	struct yreader r;
	struct arena *arena;
};

static void read_name(struct loader *l, const struct ynode *map, const char *key, const char *what,
		      struct lstr *out)
{
	const struct ynode *n = yrequire(&l->r, map, key, what);
	if (!n)
		return;
	/* the message's words only for a message: a map has many names */
	bool ok = n->kind == YNODE_SCALAR && !n->is_null
			  ? (out->s = n->u.str) != NULL
			  : yread_str(&l->r, n, arena_printf(l->arena, "the %s's %s", what, key),
				      &out->s);
	if (ok)
		out->pos = ypos(&l->r, n);
}

static void read_num(struct loader *l, const struct ynode *map, const char *key, const char *what,
		     struct lnum *out)
{
	const struct ynode *n = yget(map, key);
	if (n && yread_u64(&l->r, n, what, &out->v)) {
		out->pos = ypos(&l->r, n);
		out->set = true;
	}
}

static void read_required_num(struct loader *l, const struct ynode *map, const char *key,
			      const char *what, struct lnum *out)
{
	if (yrequire(&l->r, map, key, what))
		read_num(l, map, key, key, out);
}

static void read_word(struct loader *l, const struct ynode *map, const char *key,
		      const char *const *words, struct lnum *out)
{
	const struct ynode *n = yget(map, key);
	unsigned v;
	if (n && yread_keyword(&l->r, n, key, words, &v)) {
		out->v = v;
		out->pos = ypos(&l->r, n);
		out->set = true;
	}
}

static void read_bool(struct loader *l, const struct ynode *map, const char *key, struct lnum *out)
{
	const struct ynode *n = yget(map, key);
	bool v;
	if (n && yread_bool(&l->r, n, key, &v)) {
		out->v = v;
		out->pos = ypos(&l->r, n);
		out->set = true;
	}
}

static const char *read_doc(struct loader *l, const struct ynode *map)
{
	const struct ynode *n = yget(map, "doc");
	const char *doc = NULL;
	if (n)
		yread_str(&l->r, n, "doc", &doc);
	return doc;
}

/* Iterates a sequence-valued key; false if absent or not a sequence. */
static const struct ynode *read_list(struct loader *l, const struct ynode *map, const char *key)
{
	const struct ynode *n = yget(map, key);
	if (!n || !yexpect(&l->r, n, YNODE_SEQ, key))
		return NULL;
	return n;
}

/* bits: "7:0" (msb:lsb), "3" or 3. */
static void read_bits(struct loader *l, const struct ynode *n, struct regs_field_ast *f)
{
	if (!yexpect(&l->r, n, YNODE_SCALAR, "bits"))
		return;
	const char *s = n->u.str;
	const char *colon = strchr(s, ':');
	char hi[32] = "", lo[32] = "";
	bool ok;
	if (colon) {
		size_t hl = (size_t)(colon - s);
		ok = hl < sizeof hi && strlen(colon + 1) < sizeof lo;
		if (ok) {
			memcpy(hi, s, hl);
			hi[hl] = 0;
			strcpy(lo, colon + 1);
		}
	} else {
		ok = strlen(s) < sizeof hi;
		if (ok) {
			strcpy(hi, s);
			strcpy(lo, s);
		}
	}
	/* Allow "7 : 0" as well as "7:0". */
	char *parts[2] = {hi, lo};
	for (int i = 0; ok && i < 2; i++) {
		char *p = parts[i];
		while (*p == ' ')
			memmove(p, p + 1, strlen(p));
		size_t len = strlen(p);
		while (len && p[len - 1] == ' ')
			p[--len] = 0;
	}
	uint64_t msb = 0, lsb = 0;
	ok = ok && parse_u64(hi, &msb) && parse_u64(lo, &lsb);
	struct srcpos pos = ypos(&l->r, n);
	if (!ok) {
		diag_report(l->r.diag, pos, E0211,
			    "bits '%s' is not a bit number or \"msb:lsb\" such as \"7:0\"", s);
		return;
	}
	if (msb < lsb) {
		diag_report(l->r.diag, pos, E0211,
			    "bits '%s' lists the low bit first; write \"%llu:%llu\" (msb:lsb)", s,
			    (unsigned long long)lsb, (unsigned long long)msb);
		return;
	}
	f->msb = (struct lnum){msb, pos, true};
	f->lsb = (struct lnum){lsb, pos, true};
}

static void read_field(struct loader *l, const struct ynode *n, struct regs_field_ast *f)
{
	f->pos = ypos(&l->r, n);
	if (!yexpect(&l->r, n, YNODE_MAP, "a field"))
		return;
	ycheck_keys(&l->r, n, "a field", field_keys);
	read_name(l, n, "name", "field", &f->name);
	f->doc = read_doc(l, n);
	const struct ynode *bits = yrequire(&l->r, n, "bits", "a field");
	if (bits)
		read_bits(l, bits, f);
	read_word(l, n, "access", access_names, &f->access);
	read_bool(l, n, "volatile", &f->is_volatile);
	read_num(l, n, "reset", "reset", &f->reset);
	const struct ynode *e = yget(n, "enum");
	if (e && yexpect(&l->r, e, YNODE_MAP, "enum")) {
		vec_reserve(l->arena, &f->enums, e->len);
		for (uint32_t i = 0; i < e->len; i++) {
			const struct ynode *key = e->u.pairs[i].key, *val = e->u.pairs[i].value;
			struct regs_enum_ast ev = {{key->u.str, ypos(&l->r, key)}, {0}};
			if (yread_u64(&l->r, val, "an enum value", &ev.value.v)) {
				ev.value.pos = ypos(&l->r, val);
				ev.value.set = true;
				vec_push(l->arena, &f->enums, ev);
			}
		}
		ycheck_keys(&l->r, e, "enum", NULL);
	}
}

static struct regs_node_ast *read_node(struct loader *l, const struct ynode *n);

static void read_nodes(struct loader *l, const struct ynode *map, regs_node_list *items)
{
	const struct ynode *list = read_list(l, map, "registers");
	if (list)
		vec_reserve(l->arena, items, list->len);
	for (uint32_t i = 0; list && i < list->len; i++) {
		struct regs_node_ast *r = read_node(l, list->u.items[i]);
		if (r)
			vec_push(l->arena, items, r);
	}
}

static struct regs_node_ast *read_node(struct loader *l, const struct ynode *n)
{
	if (!yexpect(&l->r, n, YNODE_MAP, "a register"))
		return NULL;
	struct regs_node_ast *r = NEW(l->arena, struct regs_node_ast);
	r->pos = ypos(&l->r, n);
	r->is_group = ykey(n, "group") != NULL;
	r->doc = read_doc(l, n);
	ycheck_keys(&l->r, n, r->is_group ? "a group" : "a register",
		    r->is_group ? group_keys : register_keys);
	read_required_num(l, n, "offset", r->is_group ? "a group" : "a register", &r->offset);
	read_num(l, n, "count", "count", &r->count);
	read_num(l, n, "stride", "stride", &r->stride);
	if (r->is_group) {
		read_name(l, n, "group", "group", &r->name);
		read_nodes(l, n, &r->children);
		return r;
	}
	read_name(l, n, "name", "register", &r->name);
	read_num(l, n, "width", "width", &r->width);
	read_word(l, n, "access", access_names, &r->access);
	read_num(l, n, "reset", "reset", &r->reset);
	read_bool(l, n, "volatile", &r->is_volatile);
	const struct ynode *layout = yget(n, "layout");
	if (layout && yread_str(&l->r, layout, "layout", &r->layout.s))
		r->layout.pos = ypos(&l->r, layout);
	const struct ynode *bank = yget(n, "bank");
	if (bank && yread_str(&l->r, bank, "bank", &r->bank.s))
		r->bank.pos = ypos(&l->r, bank);
	const struct ynode *fields = read_list(l, n, "fields");
	/* sized once: a map's fields are the most of its memory */
	if (fields)
		vec_reserve(l->arena, &r->fields, fields->len);
	for (uint32_t i = 0; fields && i < fields->len; i++) {
		struct regs_field_ast f = {0};
		read_field(l, fields->u.items[i], &f);
		vec_push(l->arena, &r->fields, f);
	}
	return r;
}

static struct regs_block_ast *read_block(struct loader *l, const struct ynode *n)
{
	if (!yexpect(&l->r, n, YNODE_MAP, "a block"))
		return NULL;
	struct regs_block_ast *b = NEW(l->arena, struct regs_block_ast);
	b->pos = ypos(&l->r, n);
	ycheck_keys(&l->r, n, "a block", block_keys);
	read_name(l, n, "name", "block", &b->name);
	b->doc = read_doc(l, n);
	read_word(l, n, "space", space_names, &b->space);
	read_word(l, n, "endian", endian_words, &b->endian);
	read_required_num(l, n, "size", "a block", &b->size);
	read_num(l, n, "count", "count", &b->count);
	read_num(l, n, "stride", "stride", &b->stride);
	read_nodes(l, n, &b->items);
	return b;
}

struct regs_ast *regs_load(struct arena *a, struct arena *text, struct arena *scratch,
			   struct diag_engine *d, const struct source *src)
{
	struct ynode *root = ytree_load(scratch, text, d, src);
	if (!root)
		return NULL;
	struct loader l = {{a, d, src, NULL}, a};
	if (!yexpect(&l.r, root, YNODE_MAP, "a register map"))
		return NULL;
	struct regs_ast *ast = NEW(a, struct regs_ast);
	ast->src = src;
	ycheck_keys(&l.r, root, "a register map", device_keys);
	read_name(&l, root, "device", "register map", &ast->device);
	ast->doc = read_doc(&l, root);
	const struct ynode *blocks = yrequire(&l.r, root, "blocks", "a register map");
	if (blocks && yexpect(&l.r, blocks, YNODE_SEQ, "blocks"))
		for (uint32_t i = 0; i < blocks->len; i++) {
			struct regs_block_ast *b = read_block(&l, blocks->u.items[i]);
			if (b)
				vec_push(a, &ast->blocks, b);
		}
	return ast;
}
