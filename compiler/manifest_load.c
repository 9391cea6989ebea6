// SPDX-License-Identifier: MIT
/* manifest_load.c - a capability manifest's YAML read into its AST (docs/manifest.md). */
#include "ast.h"
#include "ytree.h"

#include <string.h>

static const char *const manifest_keys[] = {"driver",	"doc",	    "version",	 "match",
					    "provides", "services", "libraries", "capabilities",
					    "power",	NULL};
static const char *const match_keys[] = {"pci", "isa", NULL};
static const char *const pci_keys[] = {"vendor", "device", "subvendor", "subdevice",
				       "class", "class_mask", NULL};
static const char *const isa_keys[] = {"ioport", NULL};
static const char *const mmio_keys[] = {"name", "doc", "bar", "block", "offset", "size", NULL};
static const char *const ioport_keys[] = {"name",   "doc",  "base",  "bar",
					  "offset", "size", "block", NULL};
static const char *const config_keys[] = {"name", "doc", "block", "offset", "capability", NULL};
static const char *const irq_keys[] = {"name", "doc", "kind", "line", "vector", "fallback", NULL};
static const char *const dma_keys[] = {"name",	    "doc",	 "pages",    "size",
				       "address_bits", "streaming", "mappings", "segments",
				       NULL};
static const char *const timer_keys[] = {"name", "doc", "interval", NULL};
static const char *const power_keys[] = {"idle", "saves", NULL};

const struct ylanguage_part manifest_mappings[] = {
	{"", manifest_keys},	 {"match", match_keys},	 {"pci", pci_keys},
	{"isa", isa_keys},	 {"capabilities", capability_words},
	{"mmio", mmio_keys},	 {"ioport", ioport_keys}, {"config", config_keys},
	{"irq", irq_keys},	 {"dma", dma_keys},	 {"timer", timer_keys},
	{"power", power_keys},	 {NULL, NULL},
};
const struct ylanguage_part manifest_keywords[] = {
	{"irq_kind", irq_kind_words},
	{NULL, NULL},
};

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

/* A duration: nanoseconds as a number, or a number and a unit, "100ms". */
static void read_duration(struct loader *l, const struct ynode *map, const char *key,
			  struct lnum *out)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	const struct ynode *n = yget(map, key);
	const char *text;
	if (!n || !yread_str(&l->r, n, key, &text))
		return;
	out->pos = ypos(&l->r, n);
	char *end;
	uint64_t v = 0;
	bool digits = text[0] >= '0' && text[0] <= '9';
	for (end = (char *)text; digits && *end >= '0' && *end <= '9'; end++) {
		if (v > (UINT64_MAX - 9) / 10) {
			digits = false;
			break;
		}
		v = v * 10 + (uint64_t)(*end - '0');
	}
	uint64_t scale = *end ? 0 : 1; /* a bare number is nanoseconds */
	for (size_t i = 0; i < ARRAY_LEN(units) && !scale; i++)
		if (!strcmp(end, units[i].unit))
			scale = units[i].ns;
	if (!digits || !scale || (v && UINT64_MAX / scale < v)) {
		diag_report(l->r.diag, out->pos, E0318,
			    "'%s' is not a duration: give a number and ns, us, ms or s, as in 100ms",
			    text);
		return;
	}
	out->v = v * scale;
	out->set = true;
}

static void read_names(struct loader *l, const struct ynode *map, const char *key, lstr_list *out)
{
	const struct ynode *list = yget(map, key);
	if (!list || !yexpect(&l->r, list, YNODE_SEQ, key))
		return;
	for (uint32_t i = 0; i < list->len; i++) {
		struct lstr s = {0};
		if (yread_str(&l->r, list->u.items[i], key, &s.s)) {
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
					   "a config capability", "an irq capability",
					   "a dma capability",	 "a timer capability"};
	static const char *const *const keys[] = {mmio_keys, ioport_keys, config_keys,
						  irq_keys,  dma_keys,	  timer_keys};
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
		read_num(l, n, "base", &c.base);
		read_num(l, n, "bar", &c.bar);
		read_num(l, n, "offset", &c.offset);
		read_num(l, n, "size", &c.size);
		read_str(l, n, "block", &c.block);
		break;
	case CAPABILITY_CONFIG:
		read_required_str(l, n, "block", what[kind], &c.block);
		read_num(l, n, "offset", &c.offset);
		read_num(l, n, "capability", &c.capability);
		break;
	case CAPABILITY_IRQ: {
		const struct ynode *k = yget(n, "kind");
		unsigned v;
		if (k && yread_keyword(&l->r, k, "irq kind", irq_kind_words, &v))
			c.irq_kind = (struct lnum){v, ypos(&l->r, k), true};
		if ((k = yget(n, "fallback")) && yread_keyword(&l->r, k, "irq kind", irq_kind_words, &v))
			c.fallback = (struct lnum){v, ypos(&l->r, k), true};
		read_num(l, n, "line", &c.line);
		read_num(l, n, "vector", &c.vector);
		break;
	}
	case CAPABILITY_DMA: {
		read_num(l, n, "pages", &c.pages);
		read_num(l, n, "size", &c.size);
		read_num(l, n, "address_bits", &c.address_bits);
		read_num(l, n, "mappings", &c.mappings);
		read_num(l, n, "segments", &c.segments);
		const struct ynode *st = yget(n, "streaming");
		bool on;
		if (st && yread_bool(&l->r, st, "streaming", &on))
			c.streaming = (struct lnum){on, ypos(&l->r, st), true};
		break;
	}
	case CAPABILITY_TIMER:
		read_duration(l, n, "interval", &c.interval);
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
	struct loader l = {{a, d, src, NULL}, a};
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
	read_names(&l, root, "libraries", &m->libraries);

	const struct ynode *power = yget(root, "power");
	if (power && yexpect(&l.r, power, YNODE_MAP, "power")) {
		ycheck_keys(&l.r, power, "power", power_keys);
		m->power = true;
		m->power_pos = ypos(&l.r, power);
		if (yrequire(&l.r, power, "idle", "power"))
			read_duration(&l, power, "idle", &m->idle);
		read_required_str(&l, power, "saves", "power", &m->saves);
	}

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
