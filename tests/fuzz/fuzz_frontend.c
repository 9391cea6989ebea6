// SPDX-License-Identifier: MIT
/* fuzz_frontend.c - libFuzzer entry point over one spec file of the language
 * FUZZ_FILE names (fuzz.idl, fuzz.regs.yaml or fuzz.manifest.yaml).
 *
 * Every input must end in a clean IR or diagnostics: a crash, a hang, a leak
 * or undefined behaviour is a finding. What checks clean is generated too,
 * every backend run in memory; tests/fuzz/compile_corpus.sh then compiles
 * what the corpus generates, so that generated C that does not compile is a
 * finding as well. The manifest fuzzer also loads
 * specs/edu, so block and interface references can resolve and the
 * manifest checker is reached, not only its loader.
 */
#include "drvgen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_FILE
#error "build with -DFUZZ_FILE=\"fuzz.idl\" (or .regs.yaml, .manifest.yaml)"
#endif

static char *companions[2];
static size_t companion_len[2];
static const char *const companion_names[2] = {"edu.regs.yaml", "edu.idl"};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (strstr(FUZZ_FILE, ".manifest.")) {
		companions[0] = slurp("specs/edu/edu.regs.yaml", &companion_len[0]);
		companions[1] = slurp("specs/edu/edu.idl", &companion_len[1]);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drvgen *g = drvgen_new(NULL);
	drvgen_add_text(g, FUZZ_FILE, (const char *)data, size);
	for (int i = 0; i < 2; i++)
		if (companions[i])
			drvgen_add_text(g, companion_names[i], companions[i], companion_len[i]);
	const struct ir *ir = drvgen_build(g);
	if (ir) {
		/* The JSON dump walks the whole IR: a dangling pointer shows here. */
		free(drvgen_ir_json(ir));
		struct drvgen_gen_options opts = {0};
		drvgen_generate(g, &opts);
	}
	drvgen_free(g);
	return 0;
}
