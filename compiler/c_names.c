/* c_names.c - no two items of the register maps may define the same C name.
 *
 * A header defines, per item, names made of the item's prefix and a suffix:
 * functions edu_status_read, edu_status_irq_enable_get, ... and constants
 * EDU_STATUS_OFFSET, EDU_STATUS_IRQ_ENABLE_MASK, ... Two distinct items can
 * only clash in two ways, given that no function suffix word ends with "_"
 * and another (docs/accessors.md lists them):
 *   1. their constant prefixes are equal (lower-case function names then
 *      differ at most in case, and the constants collide);
 *   2. a constant of one item is the prefix of another, or an enum
 *      constant: group q's Q_COUNT and register q.count's prefix Q_COUNT.
 *      (R_RESET_MASK of register r and field r.reset's R_RESET_MASK is this
 *      case too: r's R_RESET is r.reset's prefix.)
 * So prefixes and enum constants are stored, which finds case 1; and case
 * 2 needs a stored name ending in "_SUFFIX" whose remainder is an item
 * defining SUFFIX: a compare of each stored name's tail, and a look-up only
 * for the rare ones that end in a suffix word. Linear, and cheap.
 */
#include "check.h"

#include <string.h>

enum item_kind { ITEM_GUARD, ITEM_BLOCK, ITEM_GROUP, ITEM_REGISTER, ITEM_FIELD, ITEM_ENUM };

struct item {
	enum item_kind kind;
	const void *what;              /* the IR object */
	const struct ir_register *reg; /* a field's or enum value's register */
	const struct ir_field *field;  /* an enum value's field */
	size_t index;                  /* an enum value's index */
};

struct clash_check {
	struct checker *c;
	struct strmap names;   /* prefix or enum constant -> struct item */
	struct strmap reported; /* pairs already reported */
	struct strbuf scratch;
};

static struct srcpos item_pos(const struct item *it)
{
	switch (it->kind) {
	case ITEM_GUARD:
		return ((const struct ir_device *)it->what)->pos;
	case ITEM_BLOCK:
		return ((const struct ir_block *)it->what)->pos;
	case ITEM_GROUP:
		return ((const struct ir_group *)it->what)->pos;
	case ITEM_REGISTER:
		return ((const struct ir_register *)it->what)->pos;
	case ITEM_FIELD:
		return it->field->pos;
	default:
		return it->field->enums.items[it->index].pos;
	}
}

/* Built only for a message. */
static const char *describe(struct arena *a, const struct item *it)
{
	switch (it->kind) {
	case ITEM_GUARD:
		return arena_printf(a, "the header guard of device '%s'",
				    ((const struct ir_device *)it->what)->name);
	case ITEM_BLOCK:
		return arena_printf(a, "block '%s'", ((const struct ir_block *)it->what)->name);
	case ITEM_GROUP:
		return arena_printf(a, "group '%s'", ((const struct ir_group *)it->what)->path);
	case ITEM_REGISTER:
		return arena_printf(a, "register '%s'", it->reg->path);
	case ITEM_FIELD:
		return arena_printf(a, "field '%s.%s'", it->reg->path, it->field->name);
	default:
		return arena_printf(a, "enum value '%s' of field '%s.%s'",
				    it->field->enums.items[it->index].name, it->reg->path,
				    it->field->name);
	}
}

static void report(struct clash_check *cc, const struct item *it, const struct item *prev,
		   const char *name)
{
	/* Two items can clash in several names: say it once. */
	const char *pair = arena_printf(cc->c->arena, "%p %p", (const void *)it, (const void *)prev);
	if (strmap_put(&cc->reported, pair, (void *)pair))
		return;
	diag_report(cc->c->diag, item_pos(it), E0216,
		    "%s and %s would both define '%s' in C; rename one",
		    describe(cc->c->arena, it), describe(cc->c->arena, prev), name);
	diag_note(cc->c->diag, item_pos(prev), "the other one");
}

static struct item *new_item(struct clash_check *cc, enum item_kind kind, const void *what,
			     const struct ir_register *reg, const struct ir_field *field, size_t index)
{
	struct item *it = NEW(cc->c->arena, struct item);
	*it = (struct item){kind, what, reg, field, index};
	return it;
}

/* Case 1: a prefix or an enum constant; `name` must outlive the check. */
static void store(struct clash_check *cc, const char *name, struct item *it)
{
	struct item *prev = strmap_put(&cc->names, name, it);
	if (prev)
		report(cc, it, prev, name);
}

/* Does the item define the constant PREFIX_suffix? */
static bool defines(const struct item *it, const char *suffix)
{
	const char *suffixes[IR_MAX_CONSTANTS];
	size_t n = 0;
	switch (it->kind) {
	case ITEM_BLOCK:
		n = ir_block_constants(it->what, suffixes);
		break;
	case ITEM_GROUP:
		n = ir_group_constants(it->what, suffixes);
		break;
	case ITEM_REGISTER:
		n = ir_register_constants(it->reg, suffixes);
		break;
	case ITEM_FIELD:
		n = ir_field_constants(it->field, suffixes);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(suffixes[i], suffix) == 0)
			return true;
	return false;
}

/* Case 2, for one stored name: does it end in "_SUFFIX" with the rest the
 * prefix of an item that defines that constant? */
static void check_tail(struct clash_check *cc, const char *name, struct item *owner)
{
	static const char *const words[] = {"OFFSET", "COUNT", "STRIDE", "RESET", "RESET_MASK",
					    "KEEP",   "IDLE",  "SHIFT",  "MASK",  "SIZE",
					    "SPAN"};
	size_t len = strlen(name);
	for (size_t w = 0; w < ARRAY_LEN(words); w++) {
		size_t wl = strlen(words[w]);
		if (len <= wl + 1 || name[len - wl - 1] != '_' || strcmp(name + len - wl, words[w]) != 0)
			continue;
		cc->scratch.len = 0;
		sb_putn(&cc->scratch, name, len - wl - 1);
		struct item *other = strmap_get(&cc->names, sb_str(&cc->scratch));
		if (other && other != owner && defines(other, words[w]))
			report(cc, owner, other, name);
	}
}

void check_c_name_clashes(struct checker *c)
{
	struct clash_check cc = {.c = c};
	struct arena *a = c->arena;
	size_t expected = 0;
	for (size_t d = 0; d < c->ir->devices.len; d++)
		for (size_t b = 0; b < c->ir->devices.items[d]->blocks.len; b++) {
			const struct ir_block *blk = c->ir->devices.items[d]->blocks.items[b];
			expected += 2 + blk->groups.len;
			for (size_t i = 0; i < blk->regs.len; i++) {
				expected += 1 + blk->regs.items[i]->fields.len;
				for (size_t f = 0; f < blk->regs.items[i]->fields.len; f++)
					expected += blk->regs.items[i]->fields.items[f].enums.len;
			}
		}
	strmap_init_sized(&cc.names, a, expected);
	strmap_init(&cc.reported, a);

	/* First every prefix and enum constant, so each look-up below sees all
	 * of them, whatever the order of declaration. The guard and the blocks
	 * are counted in `expected` as two per block. */
	struct stored {
		const char *name;
		struct item *owner;
	};
	struct {
		struct stored *items;
		size_t len, cap;
	} names = {arena_alloc(a, expected * sizeof(struct stored)), 0, expected};
#define STORE(n, it)                                                                      \
	do {                                                                              \
		const char *n_ = (n);                                                     \
		struct item *it_ = (it);                                                  \
		store(&cc, n_, it_);                                                      \
		names.items[names.len++] = (struct stored){n_, it_};                      \
	} while (0)
	for (size_t d = 0; d < c->ir->devices.len; d++) {
		const struct ir_device *dev = c->ir->devices.items[d];
		struct item *guard = new_item(&cc, ITEM_GUARD, dev, NULL, NULL, 0);
		STORE(upper_dup(a, arena_printf(a, "%s_REGS_H", dev->name)), guard);
		for (size_t b = 0; b < dev->blocks.len; b++) {
			const struct ir_block *blk = dev->blocks.items[b];
			STORE(blk->c_const, new_item(&cc, ITEM_BLOCK, blk, NULL, NULL, 0));
			for (size_t g = 0; g < blk->groups.len; g++)
				STORE(blk->groups.items[g]->c_const,
				      new_item(&cc, ITEM_GROUP, blk->groups.items[g], NULL, NULL, 0));
			for (size_t i = 0; i < blk->regs.len; i++) {
				const struct ir_register *r = blk->regs.items[i];
				STORE(r->c_const, new_item(&cc, ITEM_REGISTER, r, r, NULL, 0));
				for (size_t f = 0; f < r->fields.len; f++) {
					const struct ir_field *fld = &r->fields.items[f];
					STORE(fld->c_const, new_item(&cc, ITEM_FIELD, fld, r, fld, 0));
					for (size_t e = 0; e < fld->enums.len; e++)
						STORE(upper_dup(a, arena_printf(a, "%s_%s", fld->c_const,
										fld->enums.items[e].name)),
						      new_item(&cc, ITEM_ENUM, fld, r, fld, e));
				}
			}
		}
	}
	for (size_t i = 0; i < names.len; i++)
		check_tail(&cc, names.items[i].name, names.items[i].owner);
	sb_free(&cc.scratch);
}
