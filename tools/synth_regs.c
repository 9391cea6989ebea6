// SPDX-License-Identifier: MIT
/* synth_regs.c N - writes a synthetic register map of N registers to stdout,
 * for the scale benchmark: 4 fields each, an enum on every 8th register,
 * every 16th an array of 4. Compact flow style keeps 100k registers under
 * the 16 MiB spec file limit. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: synth_regs N\n", stderr);
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
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
		printf(", fields: [{name: a, bits: \"7:0\"}, {name: b, bits: \"15:8\"}, "
		       "{name: c, bits: \"23:16\"}");
		if (i % 8 == 0)
			printf(", {name: d, bits: \"25:24\", enum: {off: 0, on: 1, auto: 2}}]}\n");
		else
			printf(", {name: d, bits: 31}]}\n");
	}
	return 0;
}
