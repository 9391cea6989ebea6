// SPDX-License-Identifier: MIT
/* manifest_load.c - a capability manifest's YAML read into its AST (docs/manifest.md). */
#include "ast.h"
#include "ytree.h"

#include <string.h>

static const char *const manifest_keys[] = {"driver",   "doc",      "version",      "match",
					    "provides", "services", "capabilities", NULL};
static const char *const match_keys[] = {"pci", "isa", NULL};
static const char *const pci_keys[] = {"vendor", "device", "subvendor", "subdevice",
				       "class", "class_mask", NULL};
static const char *const isa_keys[] = {"ioport", NULL};
static const char *const mmio_keys[] = {"name", "doc", "bar", "block", "offset", "size", NULL};
static const char *const ioport_keys[] = {"name", "doc", "base", "size", "block", NULL};
static const char *const irq_keys[] = {"name", "doc", "kind", "line", NULL};
static const char *const dma_keys[] = {"name", "doc", "pages", "size", "address_bits", NULL};

struct loader {
	struct yreader r;
	struct arena *arena;
};

static void read_num(struct loader *l, const struct ynode *map, const char *key, struct lnum *out)
{
	const struct ynode *n = yget(map, key);
	if (n && yread_u64(&l->r, n, key, &out->v)) {
		out->pos = ypos(&l->r, n);
		out->set = true;
	}
}

static void read_str(struct loader *l, const struct ynode *map, const char *key, struct lstr *out)
{
	const struct ynode *n = yget(map, key);
	if (n && yread_str(&l->r, n, key, &out->s))
		out->pos = ypos(&l->r, n);
}

static void read_required_num(struct loader *l, const struct ynode *map, const char *key,
			      const char *what, struct lnum *out)
{
	if (yrequire(&l->r, map, key, what))
		read_num(l, map, key, out);
}

static void read_required_str(struct loader *l, const struct ynode *map, const char *key,
			      const char *what, struct lstr *out)
{
	if (yrequire(&l->r, map, key, what))
		read_str(l, map, key, out);
}

static void read_names(struct loader *l, const struct ynode *map, const char *key, lstr_list *out)
{
	const struct ynode *list = yget(map, key);
	if (!list || !yexpect(&l->r, list, YNODE_SEQ, key))
		return;
	for (uint32_t i = 0; i < list->len; i++) {
		struct lstr s = {0};
		if (yread_str(&l->r, list->u.items[i], "an interface name", &s.s)) {
			s.pos = ypos(&l->r, list->u.items[i]);
			vec_push(l->arena, out, s);
		}
	}
}

static void read_match(struct loader *l, struct manifest_ast *m, const struct ynode *n)
{
	if (!yexpect(&l->r, n, YNODE_MAP, "a match entry"))
		return;
	ycheck_keys(&l->r, n, "a match entry", match_keys);
	if (n->len != 1) {
		diag_report(l->r.diag, ypos(&l->r, n), E0306,
			    "a match entry names one bus: 'pci' or 'isa', found %u keys", n->len);
		return;
	}
	struct manifest_match_ast mt = {.pos = ypos(&l->r, n)};
	const struct ynode *body;
	if ((body = yget(n, "pci"))) {
		mt.kind = MATCH_PCI;
		if (!yexpect(&l->r, body, YNODE_MAP, "a PCI match"))
			return;
		ycheck_keys(&l->r, body, "a PCI match", pci_keys);
		read_required_num(l, body, "vendor", "a PCI match", &mt.vendor);
		read_required_num(l, body, "device", "a PCI match", &mt.device);
		read_num(l, body, "subvendor", &mt.subvendor);
		read_num(l, body, "subdevice", &mt.subdevice);
		read_num(l, body, "class", &mt.class_code);
		read_num(l, body, "class_mask", &mt.class_mask);
	} else if ((body = yget(n, "isa"))) {
		mt.kind = MATCH_ISA;
		if (!yexpect(&l->r, body, YNODE_MAP, "an ISA match"))
			return;
		ycheck_keys(&l->r, body, "an ISA match", isa_keys);
		read_required_num(l, body, "ioport", "an ISA match", &mt.ioport);
	} else {
		return; /* the unknown key was reported */
	}
	vec_push(l->arena, &m->matches, mt);
}

static void read_capability(struct loader *l, struct manifest_ast *m,
			    enum ir_capability_kind kind, const struct ynode *n)
{
	static const char *const what[] = {"an mmio capability", "an ioport capability",
					   "an irq capability", "a dma capability"};
	static const char *const *const keys[] = {mmio_keys, ioport_keys, irq_keys, dma_keys};
	if (!yexpect(&l->r, n, YNODE_MAP, what[kind]))
		return;
	struct manifest_cap_ast c = {.kind = kind, .pos = ypos(&l->r, n)};
	ycheck_keys(&l->r, n, what[kind], keys[kind]);
	read_required_str(l, n, "name", what[kind], &c.name);
	const struct ynode *doc = yget(n, "doc");
	if (doc)
		yread_str(&l->r, doc, "doc", &c.doc);
	switch (kind) {
	case CAPABILITY_MMIO:
		read_required_num(l, n, "bar", what[kind], &c.bar);
		read_str(l, n, "block", &c.block);
		read_num(l, n, "offset", &c.offset);
		read_num(l, n, "size", &c.size);
		break;
	case CAPABILITY_IOPORT:
		read_required_num(l, n, "base", what[kind], &c.base);
		read_required_num(l, n, "size", what[kind], &c.size);
		read_str(l, n, "block", &c.block);
		break;
	case CAPABILITY_IRQ: {
		const struct ynode *k = yget(n, "kind");
		unsigned v;
		if (k && yread_keyword(&l->r, k, "irq kind", irq_kind_words, &v))
			c.irq_kind = (struct lnum){v, ypos(&l->r, k), true};
		read_num(l, n, "line", &c.line);
		break;
	}
	case CAPABILITY_DMA:
		read_num(l, n, "pages", &c.pages);
		read_num(l, n, "size", &c.size);
		read_num(l, n, "address_bits", &c.address_bits);
		break;
	}
	vec_push(l->arena, &m->caps, c);
}

struct manifest_ast *manifest_load(struct arena *a, struct arena *scratch, struct diag_engine *d,
				   const struct source *src)
{
	struct ynode *root = ytree_load(scratch, a, d, src);
	if (!root)
		return NULL;
	struct loader l = {{a, d, src}, a};
	if (!yexpect(&l.r, root, YNODE_MAP, "a manifest"))
		return NULL;
	struct manifest_ast *m = NEW(a, struct manifest_ast);
	m->src = src;
	ycheck_keys(&l.r, root, "a manifest", manifest_keys);
	read_required_str(&l, root, "driver", "a manifest", &m->driver);
	const struct ynode *doc = yget(root, "doc");
	if (doc)
		yread_str(&l.r, doc, "doc", &m->doc);
	read_str(&l, root, "version", &m->version);

	const struct ynode *match = yget(root, "match");
	if (match && yexpect(&l.r, match, YNODE_SEQ, "match"))
		for (uint32_t i = 0; i < match->len; i++)
			read_match(&l, m, match->u.items[i]);
	read_names(&l, root, "provides", &m->provides);
	read_names(&l, root, "services", &m->services);

	const struct ynode *caps = yget(root, "capabilities");
	if (caps && yexpect(&l.r, caps, YNODE_MAP, "capabilities")) {
		ycheck_keys(&l.r, caps, "capabilities", capability_words);
		for (unsigned kind = 0; capability_words[kind]; kind++) {
			const struct ynode *list = yget(caps, capability_words[kind]);
			if (!list || !yexpect(&l.r, list, YNODE_SEQ, capability_words[kind]))
				continue;
			for (uint32_t i = 0; i < list->len; i++)
				read_capability(&l, m, (enum ir_capability_kind)kind, list->u.items[i]);
		}
	}
	return m;
}
