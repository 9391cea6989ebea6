// SPDX-License-Identifier: MIT
/* yreader.c - reading YAML nodes as a language's keys, numbers and words. */
#include "ytree.h"

#include <stdlib.h>
#include <string.h>

struct srcpos ypos(const struct yreader *r, const struct ynode *n)
{
	return (struct srcpos){r->src, n->line, n->col};
}

const char *ykind_name(const struct ynode *n)
{
	switch (n->kind) {
	case YNODE_SEQ:
		return "a sequence";
	case YNODE_MAP:
		return "a mapping";
	default:
		return n->is_null ? "nothing" : "a scalar";
	}
}

bool yexpect(struct yreader *r, const struct ynode *n, enum ynode_kind kind, const char *what)
{
	if (n->kind == kind && !(kind == YNODE_SCALAR && n->is_null))
		return true;
	static const char *const wanted[] = {"a scalar", "a sequence", "a mapping"};
	diag_report(r->diag, ypos(r, n), E0104, "%s must be %s, found %s", what, wanted[kind],
		    ykind_name(n));
	return false;
}

static size_t count_words(const char *const *words)
{
	size_t n = 0;
	while (words[n])
		n++;
	return n;
}

void ycheck_keys(struct yreader *r, const struct ynode *map, const char *what,
		 const char *const *keys)
{
	size_t nkeys = keys ? count_words(keys) : 0;
	const char **names = malloc((map->len ? map->len : 1) * sizeof *names);
	if (!names)
		abort();
	for (uint32_t i = 0; i < map->len; i++)
		names[i] = map->u.pairs[i].key->u.str;
	struct repeat *repeats;
	size_t nrepeats = find_repeated_names(names, map->len, &repeats);
	free(names);
	for (size_t k = 0; k < nrepeats; k++) {
		const struct ynode *key = map->u.pairs[repeats[k].index].key;
		diag_report(r->diag, ypos(r, key), E0109, "key '%s' appears twice in %s", key->u.str,
			    what);
		diag_note(r->diag, ypos(r, map->u.pairs[repeats[k].first].key), "first given here");
	}
	free(repeats);
	for (uint32_t i = 0; i < map->len; i++) {
		const struct ynode *key = map->u.pairs[i].key;
		if (!keys)
			continue;
		bool known = false;
		for (size_t k = 0; k < nkeys && !known; k++)
			known = strcmp(keys[k], key->u.str) == 0;
		if (known)
			continue;
		const char *hint = closest_word(key->u.str, keys, nkeys);
		if (!strcmp(key->u.str, "<<")) {
			diag_report(r->diag, ypos(r, key), E0105,
				    "YAML merge keys ('<<') are not supported; write the keys out, or "
				    "reuse a register's fields with 'layout'");
			continue;
		}
		if (hint && !ykey(map, hint)) {
			struct ymisspelt *m = NEW(r->arena, struct ymisspelt);
			*m = (struct ymisspelt){map, hint, r->misspelt};
			r->misspelt = m;
		}
		if (hint)
			diag_report(r->diag, ypos(r, key), E0105,
				    "unknown key '%s' in %s; did you mean '%s'?", key->u.str, what, hint);
		else
			diag_report(r->diag, ypos(r, key), E0105, "unknown key '%s' in %s", key->u.str,
				    what);
		/* "doc: Set by hardware, cleared by writing 1." in { } braces: the
		 * comma ended the value and the rest became a key. */
		const struct ynode *prev_value = i ? map->u.pairs[i - 1].value : NULL;
		if (strchr(key->u.str, ' ') && prev_value && prev_value->kind == YNODE_SCALAR &&
		    !prev_value->quoted && !prev_value->is_null) {
			const char *prev_key = map->u.pairs[i - 1].key->u.str;
			diag_note(r->diag, ypos(r, prev_value),
				  "a ',' ended the value of '%s' early; quote the whole value: %s: \"...\"",
				  prev_key, prev_key);
			continue;
		}
		struct strbuf list = {0};
		for (size_t k = 0; k < nkeys; k++)
			sb_printf(&list, "%s%s", k ? ", " : "", keys[k]);
		diag_note(r->diag, (struct srcpos){0}, "%s takes: %s", what, sb_str(&list));
		sb_free(&list);
	}
}

const struct ynode *ykey(const struct ynode *map, const char *key)
{
	if (map->kind != YNODE_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->len; i++)
		if (strcmp(map->u.pairs[i].key->u.str, key) == 0)
			return map->u.pairs[i].key;
	return NULL;
}

const struct ynode *yget(const struct ynode *map, const char *key)
{
	if (map->kind != YNODE_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->len; i++)
		if (strcmp(map->u.pairs[i].key->u.str, key) == 0) {
			const struct ynode *v = map->u.pairs[i].value;
			return v->kind == YNODE_SCALAR && v->is_null ? NULL : v;
		}
	return NULL;
}

const struct ynode *yrequire(struct yreader *r, const struct ynode *map, const char *key,
			     const char *what)
{
	const struct ynode *v = yget(map, key);
	if (v)
		return v;
	for (const struct ymisspelt *m = r->misspelt; m; m = m->next)
		if (m->map == map && !strcmp(m->key, key))
			return NULL; /* its misspelling was reported */
	const struct ynode *k = ykey(map, key);
	if (k)
		diag_report(r->diag, ypos(r, k), E0106, "'%s' of %s has no value", key, what);
	else
		diag_report(r->diag, ypos(r, map), E0106, "%s needs '%s'", what, key);
	return NULL;
}

bool yread_str(struct yreader *r, const struct ynode *n, const char *what, const char **out)
{
	if (!yexpect(r, n, YNODE_SCALAR, what))
		return false;
	*out = n->u.str;
	return true;
}

bool yread_u64(struct yreader *r, const struct ynode *n, const char *what, uint64_t *out)
{
	if (!yexpect(r, n, YNODE_SCALAR, what))
		return false;
	if (parse_u64(n->u.str, out))
		return true;
	const char *s = n->u.str;
	if (s[0] == '-')
		diag_report(r->diag, ypos(r, n), E0107, "%s cannot be negative: '%s'", what, s);
	else
		diag_report(r->diag, ypos(r, n), E0107,
			    "%s is not a number: '%s' (write decimal, 0x hex or 0b binary, at most "
			    "64 bits)",
			    what, s);
	return false;
}

bool yread_bool(struct yreader *r, const struct ynode *n, const char *what, bool *out)
{
	static const char *const words[] = {"false", "true", NULL};
	unsigned v;
	if (!yread_keyword(r, n, what, words, &v))
		return false;
	*out = v == 1;
	return true;
}

bool yread_keyword(struct yreader *r, const struct ynode *n, const char *what,
		   const char *const *words, unsigned *out)
{
	if (!yexpect(r, n, YNODE_SCALAR, what))
		return false;
	size_t nwords = count_words(words);
	for (size_t i = 0; i < nwords; i++)
		if (strcmp(words[i], n->u.str) == 0) {
			*out = (unsigned)i;
			return true;
		}
	struct strbuf list = {0};
	for (size_t i = 0; i < nwords; i++)
		sb_printf(&list, "%s%s", i ? ", " : "", words[i]);
	const char *hint = closest_word(n->u.str, words, nwords);
	if (hint)
		diag_report(r->diag, ypos(r, n), E0108, "%s '%s' is not one of: %s; did you mean '%s'?",
			    what, n->u.str, sb_str(&list), hint);
	else
		diag_report(r->diag, ypos(r, n), E0108, "%s '%s' is not one of: %s", what, n->u.str,
			    sb_str(&list));
	sb_free(&list);
	return false;
}
