// SPDX-License-Identifier: MIT
/* synth_regs.c [--plain] N - writes a synthetic register map of N registers
 * to stdout, for the scale benchmark: 4 fields each, an enum on every 8th
 * register, every 16th an array of 4. Compact flow style keeps 100k
 * registers under the 16 MiB spec file limit.
 *
 * --plain writes the same map as a C header of plain #defines instead, the
 * way a map is often written by hand or by simpler generators: each
 * register's offset (and an array's count and stride), each field's shift
 * and mask, each enum value. bench/regs_scale.sh measures what including
 * drvgen's header costs against what including this one does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields of register i: name, lsb, msb. */
static const struct {
	const char *name;
	unsigned lsb, msb;
} fields[] = {{"a", 0, 7}, {"b", 8, 15}, {"c", 16, 23}};

static const char *const enum_values[] = {"off", "on", "auto"};

static void plain_field(long i, const char *name, unsigned lsb, unsigned msb)
{
	unsigned long mask = (msb == 31 ? 0xffffffffUL : (1UL << (msb + 1)) - 1) & ~((1UL << lsb) - 1);
	printf("#define SYNTH_R%ld_%c_SHIFT %u\n", i, name[0] - 'a' + 'A', lsb);
	printf("#define SYNTH_R%ld_%c_MASK 0x%08lxu\n", i, name[0] - 'a' + 'A', mask);
}

static void plain(long n)
{
	printf("#ifndef SYNTH_PLAIN_H\n#define SYNTH_PLAIN_H\n");
	unsigned long offset = 0;
	for (long i = 0; i < n; i++) {
		printf("#define SYNTH_R%ld_OFFSET 0x%lxu\n", i, offset);
		if (i % 16 == 0) {
			printf("#define SYNTH_R%ld_COUNT 4u\n#define SYNTH_R%ld_STRIDE 4u\n", i, i);
			offset += 16;
		} else {
			offset += 4;
		}
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			plain_field(i, fields[f].name, fields[f].lsb, fields[f].msb);
		if (i % 8 == 0) {
			plain_field(i, "d", 24, 25);
			for (unsigned v = 0; v < 3; v++) {
				printf("#define SYNTH_R%ld_D_", i);
				for (const char *c = enum_values[v]; *c; c++)
					putchar(*c - 'a' + 'A');
				printf(" %uu\n", v);
			}
		} else {
			plain_field(i, "d", 31, 31);
		}
	}
	printf("#endif\n");
}

int main(int argc, char **argv)
{
	int as_plain = argc == 3 && strcmp(argv[1], "--plain") == 0;
	if (argc != 2 && !as_plain) {
		fputs("usage: synth_regs [--plain] N\n", stderr);
		return 2;
	}
	long n = strtol(argv[argc - 1], NULL, 10);
	if (as_plain) {
		plain(n);
		return 0;
	}
	/* Each register takes 4 bytes, an array 16: round the block up. */
	unsigned long size = 1;
	while (size < (unsigned long)n * 16)
		size <<= 1;
	printf("device: synth\nblocks:\n  - name: regs\n    size: 0x%lx\n    registers:\n", size);
	unsigned long offset = 0;
	for (long i = 0; i < n; i++) {
		printf("      - {name: r%ld, offset: 0x%lx", i, offset);
		if (i % 16 == 0) {
			printf(", count: 4");
			offset += 16;
		} else {
			offset += 4;
		}
		printf(", fields: [");
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			printf("{name: %s, bits: \"%u:%u\"}, ", fields[f].name, fields[f].msb,
			       fields[f].lsb);
		if (i % 8 == 0)
			printf("{name: d, bits: \"25:24\", enum: {off: 0, on: 1, auto: 2}}]}\n");
		else
			printf("{name: d, bits: 31}]}\n");
	}
	return 0;
}
