/* SPDX-License-Identifier: MIT */
/* hostile_shapes.h - small specs whose size is a number N: the shapes that
 * once made drvgen's front ends and checkers recurse N deep or take time
 * quadratic or cubic in N (issue 17). tools/synth_hostile.c writes them for
 * the complexity benchmark (bench/complexity.sh); tests/unit/test_hostile.c
 * checks that the large ones are diagnosed or accepted, never a crash.
 */
#ifndef DRVGEN_HOSTILE_SHAPES_H
#define DRVGEN_HOSTILE_SHAPES_H

#include <stdio.h>

struct hostile_shape {
	const char *name;
	const char *file; /* its file name, which says its language */
	const char *what;
	void (*write)(FILE *out, unsigned long n);
};

extern const struct hostile_shape hostile_shapes[];
extern const unsigned hostile_shape_count;

const struct hostile_shape *hostile_shape_named(const char *name);

#endif
