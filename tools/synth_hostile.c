// SPDX-License-Identifier: MIT
/* synth_hostile SHAPE N DIR - writes the hostile shape SHAPE of size N
 * (tools/hostile_shapes.c) into DIR under its file name and prints that
 * path; synth_hostile --list prints the shapes' names. */
#include "hostile_shapes.h"

#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc == 2 && argv[1][0] == '-' && argv[1][1] == '-') {
		for (unsigned i = 0; i < hostile_shape_count; i++)
			printf("%s\n", hostile_shapes[i].name);
		return 0;
	}
	const struct hostile_shape *s = argc == 4 ? hostile_shape_named(argv[1]) : NULL;
	unsigned long n = argc == 4 ? strtoul(argv[2], NULL, 10) : 0;
	if (!s || !n) {
		fputs("usage: synth_hostile SHAPE N DIR | synth_hostile --list\n", stderr);
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", argv[3], s->file);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 2;
	}
	s->write(f, n);
	if (fclose(f) != 0) {
		perror(path);
		return 2;
	}
	printf("%s\n", path);
	return 0;
}
