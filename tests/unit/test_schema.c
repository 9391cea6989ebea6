// SPDX-License-Identifier: MIT
/* test_schema.c - the JSON Schemas of dsl/schema say what the loaders read:
 * each mapping of a YAML language takes exactly the keys of the loader's
 * table (and no other: additionalProperties is false), each keyword exactly
 * its words, and the schema has no mapping or keyword the loader lacks.
 * Whether the schemas validate the specs is tests/cli/test_schema.sh's. Run
 * from the top folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "ytree.h"

static json_t *load_schema(const char *path)
{
	json_error_t err;
	json_t *schema = json_load_file(path, 0, &err);
	if (!schema)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	return schema;
}

static size_t count_words(const char *const *words)
{
	size_t n = 0;
	while (words[n])
		n++;
	return n;
}

static bool listed(const char *const *words, const char *word)
{
	for (size_t i = 0; words[i]; i++)
		if (!strcmp(words[i], word))
			return true;
	return false;
}

static size_t problems;

/* Prints one way the schema and the loader differ, and counts it. */
static void problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	problems++;
}

/* The object a part describes: the schema itself for "", else its
 * definition of that name. */
static json_t *described(json_t *schema, const char *path, const char *name)
{
	json_t *o = *name ? json_object_get(json_object_get(schema, "definitions"), name) : schema;
	if (!json_is_object(o))
		problem("%s: no definition '%s'", path, name);
	return o;
}

static void mappings_match(json_t *schema, const char *path, const struct ylanguage_part *parts)
{
	for (const struct ylanguage_part *p = parts; p->name; p++) {
		json_t *o = described(schema, path, p->name);
		if (!o)
			continue;
		json_t *props = json_object_get(o, "properties");
		if (!json_is_object(props) || json_object_get(o, "additionalProperties") != json_false())
			problem("%s: '%s' must list its properties and allow no others", path,
				p->name);
		const char *key;
		json_t *v;
		json_object_foreach(props, key, v)
		{
			if (!listed(p->words, key))
				problem("%s: '%s' has property '%s', which the loader does not read",
					 path, p->name, key);
		}
		for (size_t i = 0; p->words[i]; i++)
			if (!json_object_get(props, p->words[i]))
				problem("%s: '%s' lacks property '%s' the loader reads", path, p->name,
					 p->words[i]);
		size_t k;
		json_array_foreach(json_object_get(o, "required"), k, v)
		{
			if (!json_object_get(props, json_string_value(v)))
				problem("%s: '%s' requires '%s', no property of it", path, p->name,
					 json_string_value(v));
		}
	}
}

static void keywords_match(json_t *schema, const char *path, const struct ylanguage_part *parts)
{
	for (const struct ylanguage_part *p = parts; p->name; p++) {
		json_t *words = json_object_get(described(schema, path, p->name), "enum");
		if (json_array_size(words) != count_words(p->words))
			problem("%s: '%s' has %zu words, the loader %zu", path, p->name,
				 json_array_size(words), count_words(p->words));
		size_t i;
		json_t *w;
		json_array_foreach(words, i, w)
		{
			if (!json_is_string(w) || !listed(p->words, json_string_value(w)))
				problem("%s: '%s' allows a word the loader does not: %s", path, p->name,
					 json_is_string(w) ? json_string_value(w) : "(not a string)");
		}
	}
}

static bool named(const struct ylanguage_part *parts, const char *name)
{
	for (const struct ylanguage_part *p = parts; p->name; p++)
		if (!strcmp(p->name, name))
			return true;
	return false;
}

/* Every mapping and every keyword of the schema is the loader's. */
static void nothing_else(json_t *schema, const char *path, const struct ylanguage_part *mappings,
			 const struct ylanguage_part *keywords)
{
	const char *name;
	json_t *d;
	json_object_foreach(json_object_get(schema, "definitions"), name, d)
	{
		if (json_object_get(d, "properties") && !named(mappings, name))
			problem("%s: definition '%s' is a mapping the loader does not read", path,
				 name);
		json_t *words = json_object_get(d, "enum");
		if (json_is_string(json_array_get(words, 0)) && !named(keywords, name))
			problem("%s: definition '%s' is a keyword the loader does not read", path,
				 name);
	}
}

static void check_language(const char *path, const struct ylanguage_part *mappings,
			   const struct ylanguage_part *keywords)
{
	json_t *schema = load_schema(path);
	problems = 0;
	mappings_match(schema, path, mappings);
	keywords_match(schema, path, keywords);
	nothing_else(schema, path, mappings, keywords);
	json_decref(schema);
	assert_int_equal(problems, 0);
}

static void regs_schema_is_the_loaders(void **state)
{
	(void)state;
	check_language("dsl/schema/regs.schema.json", regs_mappings, regs_keywords);
}

static void manifest_schema_is_the_loaders(void **state)
{
	(void)state;
	check_language("dsl/schema/manifest.schema.json", manifest_mappings, manifest_keywords);
}

/* The walk can fail: a key the loader lacks, and one the schema lacks. */
static void a_drift_is_found(void **state)
{
	(void)state;
	static const char *const fewer[] = {"name", NULL};
	static const char *const more[] = {"name", "doc", "interval", "period", NULL};
	const struct ylanguage_part parts[][2] = {{{"timer", fewer}, {NULL, NULL}},
						  {{"timer", more}, {NULL, NULL}}};
	json_t *schema = load_schema("dsl/schema/manifest.schema.json");
	for (size_t i = 0; i < 2; i++) {
		problems = 0;
		mappings_match(schema, "dsl/schema/manifest.schema.json", parts[i]);
		assert_int_equal(problems, i ? 1 : 2); /* period; doc and interval */
	}
	json_decref(schema);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regs_schema_is_the_loaders),
		cmocka_unit_test(manifest_schema_is_the_loaders),
		cmocka_unit_test(a_drift_is_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
