// SPDX-License-Identifier: MIT
/* synth_protocols.c I C - writes a protocol file of I interfaces of C calls
 * each to stdout, for the scale benchmark (bench/regs_scale.sh): 2 or 3
 * u32 arguments a call, one u32 result, the shape wayland-scanner and
 * protoc-c are timed on. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: synth_protocols INTERFACES CALLS\n", stderr);
		return 2;
	}
	long interfaces = strtol(argv[1], NULL, 10), calls = strtol(argv[2], NULL, 10);
	printf("namespace synth;\n");
	for (long i = 0; i < interfaces; i++) {
		printf("\n# Interface %ld.\ninterface if%ld {\n", i, i);
		for (long c = 0; c < calls; c++) {
			printf("\t# Call %ld of interface %ld.\n", c, i);
			printf("\tcall op%ld(a: u32, b: u32%s) u32;\n", c, c % 2 ? ", c: u32" : "");
		}
		printf("};\n");
	}
	return 0;
}
