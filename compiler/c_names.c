// SPDX-License-Identifier: MIT
/* c_names.c - no two items of the register maps may define the same C name.
 *
 * The naming pass (names.c) records each item's names as a set of rules: a
 * name is the item's C name (lower-case rules) or constant prefix (upper-
 * case ones, the C name in upper case) followed by the rule's suffix, and
 * an enum value's constant is a prefix with the empty suffix. A constant
 * prefix must not be a constant itself either, though it names nothing
 * alone: the accessor patterns (drv_regs.h) pass it to other macros, which
 * would expand it (group q's Q_COUNT and register q.count's prefix
 * Q_COUNT). So it counts as one more name, PREFIX_PASTED, which clashes
 * with constants but not with another prefix.
 *
 * Names equal in C are equal in upper case, so the search runs on constant
 * prefixes and upper-cased suffixes, and a pair it finds is compared as
 * spelled before it is reported. Two names P + s and Q + t of one C name
 * space are equal in one of two ways:
 *   1. P = Q and s = t (registers 'a' and 'A' both define EDU_A_OFFSET);
 *   2. Q = P + x and s = x + t, x not empty: the longer prefix Q ends with
 *      x, what is left of s once t is taken off its end (register r's
 *      R_RESET_MASK is field r.reset's R_RESET + _MASK).
 * So every prefix goes into a map, which finds case 1; and case 2 is found
 * from the longer prefix Q: for each of its suffixes t and each suffix s
 * ending with it, a compare of Q's tail with x, and a look-up of P only
 * when it matches. Linear, and cheap: no name is built unless it clashes.
 */
#include "check.h"
#include "names.h"

#include <ctype.h>
#include <string.h>

/* The constant prefix itself, passed to the accessor patterns: a bit past
 * the rules of names.h. */
#define PREFIX_PASTED ((reg_names)1 << 63)
_Static_assert(N_FIRST_DRIVER - N_FIRST_REGISTER < 63, "reg_names has room for PREFIX_PASTED");

static reg_names rule_bit(unsigned id)
{
	return (reg_names)1 << (id - N_FIRST_REGISTER);
}

enum item_kind { ITEM_DEVICE, ITEM_BLOCK, ITEM_GROUP, ITEM_REGISTER, ITEM_FIELD, ITEM_ENUM };

/* An item of a register map in one C name space: its prefixes and the
 * rules it takes there. */
struct unit {
	const char *prefix; /* constant prefix, in upper case */
	const char *c_name; /* the same in the spec's case; NULL for an enum value */
	reg_names rules;
	const void *what;	       /* the IR object: an enum value's field */
	const struct ir_register *reg; /* a field's or enum value's register */
	struct unit *next;	       /* another unit with the same prefix */
	uint32_t len;
	uint32_t index; /* an enum value's */
	enum item_kind kind;
};

/* The rules of one space whose suffixes are alike in upper case, and the
 * longer such groups that end with theirs. */
struct suffix {
	const char *text; /* in upper case */
	size_t len;
	reg_names rules;
	VEC(const struct suffix *) longer;
};

struct space {
	enum c_space space;
	VEC(struct unit) units;
	VEC(struct suffix *) suffixes;
	reg_names rules;
};

struct clash_check {
	struct checker *c;
	struct strmap reported; /* pairs already reported */
	struct strbuf a, b;	/* scratch */
};

static bool same_item(const struct unit *a, const struct unit *b)
{
	return a->what == b->what && a->kind == b->kind && a->index == b->index;
}

static struct srcpos item_pos(const struct unit *u)
{
	switch (u->kind) {
	case ITEM_DEVICE:
		return ((const struct ir_device *)u->what)->pos;
	case ITEM_BLOCK:
		return ((const struct ir_block *)u->what)->pos;
	case ITEM_GROUP:
		return ((const struct ir_group *)u->what)->pos;
	case ITEM_REGISTER:
		return u->reg->pos;
	case ITEM_FIELD:
		return ((const struct ir_field *)u->what)->pos;
	default:
		return ((const struct ir_field *)u->what)->enums.items[u->index].pos;
	}
}

/* Built only for a message. */
static const char *describe(struct arena *a, const struct unit *u)
{
	switch (u->kind) {
	case ITEM_DEVICE:
		return arena_printf(a, "device '%s'", ((const struct ir_device *)u->what)->name);
	case ITEM_BLOCK:
		return arena_printf(a, "block '%s'", ((const struct ir_block *)u->what)->name);
	case ITEM_GROUP:
		return arena_printf(a, "group '%s'", ((const struct ir_group *)u->what)->path);
	case ITEM_REGISTER:
		return arena_printf(a, "register '%s'", u->reg->path);
	case ITEM_FIELD:
		return arena_printf(a, "field '%s.%s'", u->reg->path,
				    ((const struct ir_field *)u->what)->name);
	default: {
		const struct ir_field *f = u->what;
		return arena_printf(a, "enum value '%s' of field '%s.%s'",
				    f->enums.items[u->index].name, u->reg->path, f->name);
	}
	}
}

/* The name rule `rule` (or PREFIX_PASTED) gives unit u, into out. */
static void spell(struct strbuf *out, const struct unit *u, reg_names rule)
{
	out->len = 0;
	if (rule == PREFIX_PASTED) {
		sb_puts(out, u->prefix);
		return;
	}
	unsigned id = N_FIRST_REGISTER;
	while (rule_bit(id) != rule)
		id++;
	sb_puts(out, rule_uses_constant_prefix(id) ? u->prefix : u->c_name);
	sb_puts(out, rule_suffix(id));
}

static void report(struct clash_check *cc, const struct unit *u, reg_names u_rule,
		   const struct unit *o, reg_names o_rule)
{
	/* Two items can clash in several names: say it once. */
	const char *pair =
		arena_printf(cc->c->arena, "%p %u %p %u", u->what, u->index, o->what, o->index);
	if (strmap_put(&cc->reported, pair, (void *)pair))
		return;
	struct arena *a = cc->c->arena;
	const char *name = sb_str(&cc->a);
	if (u_rule == PREFIX_PASTED || o_rule == PREFIX_PASTED) {
		const struct unit *prefixed = u_rule == PREFIX_PASTED ? u : o;
		diag_report(cc->c->diag, item_pos(u), E0216,
			    "the constants of %s begin '%s', which %s defines as a constant in C; "
			    "rename one",
			    describe(a, prefixed), name, describe(a, prefixed == u ? o : u));
	} else {
		diag_report(cc->c->diag, item_pos(u), E0216,
			    "%s and %s would both define '%s' in C; rename one", describe(a, u),
			    describe(a, o), name);
	}
	diag_note(cc->c->diag, item_pos(o), "the other one");
}

/* Units u and o take rules of one suffix group each (u_rules, o_rules):
 * reports them if two of those names are spelled alike. */
static void compare(struct clash_check *cc, const struct unit *u, reg_names u_rules,
		    const struct unit *o, reg_names o_rules)
{
	if (same_item(u, o))
		return;
	for (reg_names ur = u_rules; ur; ur &= ur - 1)
		for (reg_names or = o_rules; or ; or &= or -1) {
			reg_names ubit = ur & -ur, obit = or &- or ;
			if (ubit == PREFIX_PASTED && obit == PREFIX_PASTED)
				continue; /* two prefixes alike define nothing twice */
			spell(&cc->a, u, ubit);
			spell(&cc->b, o, obit);
			if (!strcmp(sb_str(&cc->a), sb_str(&cc->b))) {
				report(cc, u, ubit, o, obit);
				return;
			}
		}
}

/* ---- the units of every item ---- */

static void add_unit(struct clash_check *cc, struct space *spaces, size_t nspaces, struct unit u,
		     bool pasted)
{
	for (size_t i = 0; i < nspaces; i++) {
		struct unit in = u;
		in.rules &= spaces[i].rules;
		if (pasted && spaces[i].space == C_ORDINARY)
			in.rules |= PREFIX_PASTED;
		if (in.rules)
			vec_push(cc->c->arena, &spaces[i].units, in);
	}
}

static struct unit unit_of(enum item_kind kind, const void *what, const struct ir_register *reg,
			   const char *c_name, const char *c_const, reg_names rules)
{
	return (struct unit){.prefix = c_const,
			     .c_name = c_name,
			     .rules = rules,
			     .what = what,
			     .reg = reg,
			     .len = (uint32_t)strlen(c_const),
			     .kind = kind};
}

static void collect(struct clash_check *cc, struct space *spaces, size_t n)
{
	const struct ir *ir = cc->c->ir;
	/* every item has a unit among the ordinary names: room for them all */
	size_t items = 0;
	for (size_t d = 0; d < ir->devices.len; d++)
		for (size_t b = 0; b < ir->devices.items[d]->blocks.len; b++) {
			const struct ir_block *blk = ir->devices.items[d]->blocks.items[b];
			items += 2 + blk->groups.len + blk->regs.len;
			for (size_t i = 0; i < blk->regs.len; i++)
				for (size_t f = 0; f < blk->regs.items[i]->fields.len; f++)
					items += 1 + blk->regs.items[i]->fields.items[f].enums.len;
		}
	vec_reserve(cc->c->arena, &spaces[0].units, items);
	for (size_t d = 0; d < ir->devices.len; d++) {
		const struct ir_device *dev = ir->devices.items[d];
		add_unit(cc, spaces, n,
			 unit_of(ITEM_DEVICE, dev, NULL, dev->name, dev->c_const, dev->names),
			 false);
		for (size_t b = 0; b < dev->blocks.len; b++) {
			const struct ir_block *blk = dev->blocks.items[b];
			add_unit(cc, spaces, n,
				 unit_of(ITEM_BLOCK, blk, NULL, blk->c_name, blk->c_const,
					 blk->names),
				 true);
			for (size_t g = 0; g < blk->groups.len; g++) {
				const struct ir_group *grp = blk->groups.items[g];
				add_unit(cc, spaces, n,
					 unit_of(ITEM_GROUP, grp, NULL, grp->c_name, grp->c_const,
						 grp->names),
					 true);
			}
			for (size_t i = 0; i < blk->regs.len; i++) {
				const struct ir_register *r = blk->regs.items[i];
				add_unit(cc, spaces, n,
					 unit_of(ITEM_REGISTER, r, r, r->c_name, r->c_const,
						 r->names),
					 true);
				for (size_t f = 0; f < r->fields.len; f++) {
					const struct ir_field *fld = &r->fields.items[f];
					/* the values' constants are units of their own */
					reg_names values = fld->names & rule_bit(N_FIELD_VALUE);
					add_unit(cc, spaces, n,
						 unit_of(ITEM_FIELD, fld, r, fld->c_name,
							 fld->c_const, fld->names & ~values),
						 true);
					for (size_t e = 0; e < fld->enums.len; e++) {
						struct unit v = unit_of(ITEM_ENUM, fld, r, NULL,
									fld->enums.items[e].c_const,
									values);
						v.index = (uint32_t)e;
						add_unit(cc, spaces, n, v, false);
					}
				}
			}
		}
	}
}

static const char *upper_suffix(struct arena *a, unsigned id)
{
	char *s = arena_strdup(a, rule_suffix(id));
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}

/* The suffix groups of a space, each knowing the longer ones that end with
 * it. */
static void collect_suffixes(struct clash_check *cc, struct space *s)
{
	for (unsigned id = N_FIRST_REGISTER; id < N_FIRST_DRIVER; id++) {
		if (name_rules[id].space != s->space)
			continue;
		s->rules |= rule_bit(id);
		const char *text = upper_suffix(cc->c->arena, id);
		struct suffix *found = NULL;
		for (size_t i = 0; i < s->suffixes.len && !found; i++)
			if (!strcmp(s->suffixes.items[i]->text, text))
				found = s->suffixes.items[i];
		if (!found) {
			found = NEW(cc->c->arena, struct suffix);
			found->text = text;
			found->len = strlen(text);
			vec_push(cc->c->arena, &s->suffixes, found);
		}
		found->rules |= rule_bit(id);
		/* the prefix itself is the empty suffix's */
		if (!found->len && s->space == C_ORDINARY)
			found->rules |= PREFIX_PASTED;
	}
	for (size_t i = 0; i < s->suffixes.len; i++)
		for (size_t k = 0; k < s->suffixes.len; k++) {
			struct suffix *t = s->suffixes.items[i];
			const struct suffix *longer = s->suffixes.items[k];
			if (longer->len > t->len &&
			    !strcmp(longer->text + longer->len - t->len, t->text))
				vec_push(cc->c->arena, &t->longer, longer);
		}
}

/* ---- the check ---- */

static void check_space(struct clash_check *cc, struct space *s)
{
	struct strmap prefixes;
	strmap_init_sized(&prefixes, cc->c->arena, s->units.len);
	/* case 1, in declaration order: the later item is the one reported */
	for (size_t i = 0; i < s->units.len; i++) {
		struct unit *u = &s->units.items[i];
		struct unit *first = strmap_put(&prefixes, u->prefix, u);
		for (const struct unit *o = first; o; o = o->next)
			for (size_t k = 0; k < s->suffixes.len; k++) {
				reg_names rules = s->suffixes.items[k]->rules;
				if ((u->rules & rules) && (o->rules & rules))
					compare(cc, u, u->rules & rules, o, o->rules & rules);
			}
		if (first) {
			u->next = first->next;
			first->next = u;
		}
	}
	/* case 2, from the longer prefix */
	for (size_t i = 0; i < s->units.len; i++) {
		const struct unit *u = &s->units.items[i];
		for (size_t k = 0; k < s->suffixes.len; k++) {
			const struct suffix *t = s->suffixes.items[k];
			if (!(u->rules & t->rules))
				continue;
			for (size_t l = 0; l < t->longer.len; l++) {
				const struct suffix *longer = t->longer.items[l];
				size_t x = longer->len - t->len;
				if (u->len <= x ||
				    memcmp(u->prefix + u->len - x, longer->text, x) != 0)
					continue;
				cc->a.len = 0;
				sb_putn(&cc->a, u->prefix, u->len - x);
				for (const struct unit *o = strmap_get(&prefixes, sb_str(&cc->a));
				     o; o = o->next)
					if (o->rules & longer->rules)
						compare(cc, u, u->rules & t->rules, o,
							o->rules & longer->rules);
			}
		}
	}
}

void check_c_name_clashes(struct checker *c)
{
	/* Its units and maps (a hundred megabytes at 100k registers) in an
	 * arena of their own, which starts from the chunks earlier phases left
	 * spare and is freed at the end: the backends, which write big files
	 * as they make them, need little of it. */
	struct arena scratch = {0};
	arena_take_spare(&scratch, c->arena);
	struct checker in_scratch = *c;
	in_scratch.arena = &scratch;
	struct clash_check cc = {.c = &in_scratch};
	strmap_init(&cc.reported, &scratch);
	struct space spaces[] = {{.space = C_ORDINARY}, {.space = C_TAG}, {.space = C_FILE}};
	for (size_t i = 0; i < ARRAY_LEN(spaces); i++)
		collect_suffixes(&cc, &spaces[i]);
	collect(&cc, spaces, ARRAY_LEN(spaces));
	for (size_t i = 0; i < ARRAY_LEN(spaces); i++)
		check_space(&cc, &spaces[i]);
	sb_free(&cc.a);
	sb_free(&cc.b);
	arena_free(&scratch);
}
