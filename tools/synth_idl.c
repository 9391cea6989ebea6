// SPDX-License-Identifier: MIT
/* synth_idl.c SEED DIR - writes a random spec to DIR: a protocol file
 * (DIR/s.idl) and a manifest serving its interfaces (DIR/s.manifest.yaml),
 * with names up to 60 characters, every kind of parameter, result and
 * capability, and inheritance, for the layout test (tests/cli/test_layout.sh):
 * whatever the names, the generated C must be clang-format clean. The same
 * SEED always gives the same spec.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static unsigned rnd(unsigned lo, unsigned hi)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return lo + (unsigned)(state % (hi - lo + 1));
}

/* Names are unique in the spec: a letter, then lower-case letters and
 * underscores; a number keeps them apart and away from keywords. */
static const char *name(unsigned lo, unsigned hi)
{
	static char names[4096][72];
	static unsigned count;
	char *s = names[count % 4096];
	unsigned n = rnd(lo, hi), len = 0;
	s[len++] = (char)('a' + rnd(0, 25));
	while (len < n) {
		char c = rnd(0, 7) ? (char)('a' + rnd(0, 25)) : '_';
		if (c != '_' || s[len - 1] != '_')
			s[len++] = c;
	}
	snprintf(s + len, sizeof names[0] - len, "%s%u", s[len - 1] == '_' ? "n" : "", count++);
	return s;
}

static const char *const scalars[] = {"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64",
				      "bool", "uint", "size"};

static void type(FILE *f, const char *const *declared, unsigned ndeclared)
{
	switch (rnd(0, 9)) {
	case 0:
		fprintf(f, "bytes<%u>", rnd(1, 300));
		break;
	case 1:
		fprintf(f, "str<%u>", rnd(1, 100));
		break;
	case 2:
		fprintf(f, "[]%s<%u>", scalars[rnd(0, 10)], rnd(1, 9));
		break;
	case 3:
		fprintf(f, "[%u]%s", rnd(1, 4), scalars[rnd(0, 10)]);
		break;
	case 4:
		if (ndeclared) {
			fputs(declared[rnd(0, ndeclared - 1)], f);
			break;
		}
		/* fall through */
	default:
		fputs(scalars[rnd(0, 10)], f);
		break;
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: synth_idl SEED DIR\n", stderr);
		return 2;
	}
	state = strtoull(argv[1], NULL, 10) * 0x9e3779b97f4a7c15ull + 1;
	char path[4096];
	snprintf(path, sizeof path, "%s/s.idl", argv[2]);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 2;
	}
	const char *ns = name(2, 12);
	fprintf(f, "namespace %s;\n", ns);
	const char *declared[6];
	unsigned ndeclared = 0;
	for (unsigned i = rnd(0, 3); i; i--) {
		declared[ndeclared++] = name(2, 40);
		fprintf(f, "enum %s {", declared[ndeclared - 1]);
		for (unsigned v = rnd(1, 4); v; v--)
			fprintf(f, " %s,", name(1, 12));
		fputs(" };\n", f);
	}
	for (unsigned i = rnd(0, 2); i; i--) {
		declared[ndeclared++] = name(2, 40);
		fprintf(f, "struct %s {", declared[ndeclared - 1]);
		for (unsigned m = rnd(1, 3); m; m--)
			fprintf(f, " %s: %s;", name(1, 12), scalars[rnd(0, 10)]);
		fputs(" };\n", f);
	}
	const char *ifaces[3];
	unsigned nifaces = rnd(1, 3);
	for (unsigned i = 0; i < nifaces; i++) {
		ifaces[i] = name(2, 60);
		fprintf(f, "interface %s", ifaces[i]);
		if (i && rnd(0, 1))
			fprintf(f, " :: %s", ifaces[rnd(0, i - 1)]);
		fputs(" {\n", f);
		for (unsigned m = rnd(1, 6); m; m--) {
			static const char *const kinds[] = {"call", "call", "send", "event"};
			const char *kind = kinds[rnd(0, 3)];
			fprintf(f, "\t%s %s", kind, name(1, 60));
			if (strcmp(kind, "event") && rnd(0, 2) == 0) {
				fputc('{', f);
				for (unsigned c = rnd(1, 4); c; c--)
					fprintf(f, "%s%s%s", name(1, 30), rnd(0, 1) ? ": page..." : "",
						c > 1 ? ", " : "");
				if (!strcmp(kind, "call") && rnd(0, 1)) {
					fputs("; ", f);
					for (unsigned c = rnd(1, 3); c; c--)
						fprintf(f, "%s%s", name(1, 30), c > 1 ? ", " : "");
				}
				fputc('}', f);
			}
			fputc('(', f);
			for (unsigned p = rnd(0, 7), first = 1; p; p--, first = 0) {
				fprintf(f, "%s%s: ", first ? "" : ", ", name(1, 50));
				type(f, declared, ndeclared);
			}
			fputc(')', f);
			if (!strcmp(kind, "call")) {
				fputc(' ', f);
				if (rnd(0, 3))
					type(f, declared, ndeclared);
				else
					fputs("void", f);
			}
			fputs(";\n", f);
		}
		fputs("};\n", f);
	}
	fclose(f);

	snprintf(path, sizeof path, "%s/s.manifest.yaml", argv[2]);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 2;
	}
	fprintf(f, "driver: %s\nprovides: [", name(2, 40));
	for (unsigned i = 0; i < nifaces; i++)
		fprintf(f, "%s%s::%s", i ? ", " : "", ns, ifaces[i]);
	fprintf(f, "]\ncapabilities:\n  irq: [ { name: %s, kind: intx } ]\n", name(2, 30));
	fclose(f);
	return 0;
}
