// SPDX-License-Identifier: MIT
/* ytree.c - libyaml's event stream turned into a tree of positioned nodes.
 *
 * The tree is built with an explicit stack, so nesting costs no C stack;
 * nesting past YTREE_MAX_DEPTH and aliases that would expand past
 * YTREE_MAX_ALIAS_EXPANSION nodes stop the load with one diagnostic. An alias
 * becomes a second reference to its anchored node, never a copy; an anchor is
 * registered when its node is complete, so a node cannot contain itself.
 */
#include "ytree.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct frame {
	struct ynode *node;
	const char *anchor;
	size_t first_child; /* index into the child stack */
};

struct builder {
	struct arena *arena; /* nodes */
	struct arena *text;  /* scalar strings */
	struct diag_engine *diag;
	const struct source *src;
	struct frame frames[YTREE_MAX_DEPTH + 1];
	size_t depth;
	/* Children of every open node, in one stack: copied to an exactly sized
	 * array when the node ends, so big files waste no memory on growth. */
	struct ynode **children;
	size_t nchildren, children_cap;
	struct strmap anchors; /* name -> node */
	uint64_t alias_expansion;
	struct ynode *root;
	unsigned documents;
};

static struct srcpos mark_pos(const struct builder *b, yaml_mark_t m)
{
	return (struct srcpos){b->src, (uint32_t)m.line + 1, (uint32_t)m.column + 1};
}

static void push_child(struct builder *b, struct ynode *n)
{
	if (b->nchildren == b->children_cap) {
		b->children_cap = b->children_cap ? b->children_cap * 2 : 256;
		struct ynode **p = realloc(b->children, b->children_cap * sizeof *p);
		if (!p)
			abort();
		b->children = p;
	}
	b->children[b->nchildren++] = n;
}

static uint32_t saturating_add(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* A completed node goes to its parent (or becomes the root). */
static void attach(struct builder *b, struct ynode *n)
{
	if (b->depth == 0) {
		b->root = n;
		return;
	}
	struct ynode *parent = b->frames[b->depth - 1].node;
	parent->weight = saturating_add(parent->weight, n->weight);
	push_child(b, n);
}

static void remember_anchor(struct builder *b, const char *name, struct ynode *n)
{
	/* Redefining an anchor is allowed by YAML: the latest one wins. */
	if (name)
		strmap_set(&b->anchors, arena_strdup(b->arena, name), n);
}

static struct ynode *new_node(struct builder *b, enum ynode_kind kind, yaml_mark_t m)
{
	struct ynode *n = NEW(b->arena, struct ynode);
	n->kind = (uint8_t)kind;
	n->line = (uint32_t)m.line + 1;
	n->col = (uint32_t)m.column + 1;
	n->weight = 1;
	return n;
}

static bool is_null_scalar(const yaml_event_t *ev)
{
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)ev->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

static bool open_node(struct builder *b, enum ynode_kind kind, const yaml_event_t *ev,
		      const yaml_char_t *anchor)
{
	if (b->depth == YTREE_MAX_DEPTH) {
		diag_report(b->diag, mark_pos(b, ev->start_mark), E0102,
			    "YAML is nested more than %d levels deep", YTREE_MAX_DEPTH);
		return false;
	}
	struct frame *f = &b->frames[b->depth++];
	f->node = new_node(b, kind, ev->start_mark);
	f->anchor = anchor ? arena_strdup(b->arena, (const char *)anchor) : NULL;
	f->first_child = b->nchildren;
	return true;
}

static bool close_node(struct builder *b)
{
	struct frame *f = &b->frames[--b->depth];
	struct ynode *n = f->node;
	size_t count = b->nchildren - f->first_child;
	struct ynode **kids = b->children + f->first_child;
	if (n->kind == YNODE_SEQ) {
		n->u.items = arena_alloc(b->arena, count * sizeof *n->u.items);
		memcpy(n->u.items, kids, count * sizeof *kids);
		n->len = (uint32_t)count;
	} else {
		n->len = (uint32_t)(count / 2);
		n->u.pairs = arena_alloc(b->arena, n->len * sizeof *n->u.pairs);
		for (size_t i = 0; i < n->len; i++) {
			struct ynode *key = kids[2 * i];
			if (key->kind != YNODE_SCALAR) {
				diag_report(b->diag, (struct srcpos){b->src, key->line, key->col}, E0104,
					    "mapping keys must be plain words, found a %s",
					    key->kind == YNODE_MAP ? "mapping" : "sequence");
				return false;
			}
			n->u.pairs[i].key = key;
			n->u.pairs[i].value = kids[2 * i + 1];
		}
	}
	b->nchildren = f->first_child;
	remember_anchor(b, f->anchor, n);
	attach(b, n);
	return true;
}

static bool on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct ynode *target = strmap_get(&b->anchors, name);
	if (!target) {
		diag_report(b->diag, mark_pos(b, ev->start_mark), E0103,
			    "alias '*%s' refers to no anchor defined before it", name);
		return false;
	}
	b->alias_expansion += target->weight;
	if (b->alias_expansion > YTREE_MAX_ALIAS_EXPANSION) {
		diag_report(b->diag, mark_pos(b, ev->start_mark), E0103,
			    "YAML aliases expand to more than %d nodes; is this an alias bomb?",
			    YTREE_MAX_ALIAS_EXPANSION);
		return false;
	}
	attach(b, target);
	return true;
}

static void report_parser_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "malformed YAML";
	struct srcpos pos = mark_pos(b, p->problem_mark);
	if (p->error == YAML_READER_ERROR) {
		/* libyaml's reader marks hold no line; the source checks normally
		 * catch these first, so this is a fallback. */
		pos = source_pos_at(b->src, p->problem_offset);
	}
	/* libyaml's words for a tab in the indentation do not say "tab". */
	size_t tab_len;
	const char *line = source_line(b->src, pos.line, &tab_len);
	bool tab = line && pos.col >= 1 && pos.col <= tab_len && line[pos.col - 1] == '\t';
	if (tab)
		diag_report(b->diag, pos, E0101, "a tab cannot indent YAML; use spaces");
	else if (p->context)
		diag_report(b->diag, pos, E0101, "%s %s", p->context, problem);
	else
		diag_report(b->diag, pos, E0101, "%s", problem);
	if (tab)
		return;
	if (p->context && p->error != YAML_READER_ERROR &&
	    (p->context_mark.line != p->problem_mark.line ||
	     p->context_mark.column != p->problem_mark.column))
		diag_note(b->diag, mark_pos(b, p->context_mark), "the construct started here");
}

static bool handle_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1) {
			diag_report(b->diag, mark_pos(b, ev->start_mark), E0110,
				    "a spec file holds one YAML document; this is a second one");
			return false;
		}
		return true;
	case YAML_SCALAR_EVENT: {
		struct ynode *n = new_node(b, YNODE_SCALAR, ev->start_mark);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		n->is_null = is_null_scalar(ev);
		n->u.str = arena_strndup(b->text, (const char *)ev->data.scalar.value,
					 ev->data.scalar.length);
		n->len = (uint32_t)ev->data.scalar.length;
		remember_anchor(b, (const char *)ev->data.scalar.anchor, n);
		attach(b, n);
		return true;
	}
	case YAML_SEQUENCE_START_EVENT:
		return open_node(b, YNODE_SEQ, ev, ev->data.sequence_start.anchor);
	case YAML_MAPPING_START_EVENT:
		return open_node(b, YNODE_MAP, ev, ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return close_node(b);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	default:
		return true;
	}
}

struct ynode *ytree_load(struct arena *nodes, struct arena *text, struct diag_engine *d,
			 const struct source *src)
{
	struct builder b = {.arena = nodes, .text = text, .diag = d, .src = src};
	strmap_init(&b.anchors, nodes);
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)src->text, src->len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	bool ok = true, done = false;
	while (ok && !done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			report_parser_error(&b, &parser);
			ok = false;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		ok = handle_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(b.children);
	if (!ok)
		return NULL;
	if (!b.root) {
		diag_report(d, (struct srcpos){src, 0, 0}, E0003,
			    "file holds only comments; a spec file declares at least one thing");
		return NULL;
	}
	return b.root;
}
