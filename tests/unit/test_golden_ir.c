// SPDX-License-Identifier: MIT
/* test_golden_ir.c - the IR of known specs, as `drvgen dump --json` prints
 * it, against tests/golden/ir/<case>/expected.json.
 *
 * A case folder holds spec files, or an `args` file naming spec folders or
 * files relative to the top of the repository (where `make test` runs).
 * After an intended change, regenerate with DRVGEN_UPDATE_GOLDEN=1 and
 * review the diff like any other change.
 */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

#define GOLDEN "tests/golden/ir"

static bool check_case(const char *name)
{
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/%s", GOLDEN, name);
	struct drvgen *g = drvgen_new(NULL);
	snprintf(path, sizeof path, "%s/args", dir);
	char *args = read_text(path);
	if (args) {
		for (char *line = strtok(args, "\n"); line; line = strtok(NULL, "\n"))
			drvgen_add_path(g, line);
		free(args);
	} else {
		drvgen_add_path(g, dir);
	}
	const struct ir *ir = drvgen_build(g);
	if (!ir) {
		fprintf(stderr, "%s: the specs do not check\n", dir);
		drvgen_free(g);
		return false;
	}
	char *json = drvgen_ir_json(ir);
	drvgen_free(g);
	struct strbuf actual = {0};
	sb_printf(&actual, "%s\n", json);
	free(json);

	snprintf(path, sizeof path, "%s/expected.json", dir);
	bool ok = true;
	if (getenv("DRVGEN_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");
		fputs(sb_str(&actual), f);
		fclose(f);
	} else {
		char *expected = read_text(path);
		ok = expected && strcmp(expected, sb_str(&actual)) == 0;
		if (!ok) {
			char tmp[] = "/tmp/drvgen-golden-XXXXXX";
			int fd = mkstemp(tmp);
			FILE *f = fdopen(fd, "w");
			fputs(sb_str(&actual), f);
			fclose(f);
			fprintf(stderr, "%s differs from the IR; the IR is in %s:\n", path, tmp);
			char cmd[1200];
			snprintf(cmd, sizeof cmd, "diff -u %s %s | head -40 >&2", path, tmp);
			if (system(cmd) < 0)
				perror("diff");
		}
		free(expected);
	}
	sb_free(&actual);
	return ok;
}

static void golden_ir(void **state)
{
	(void)state;
	DIR *d = opendir(GOLDEN);
	assert_non_null(d);
	struct dirent *e;
	int cases = 0, failures = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			cases++;
			failures += !check_case(e->d_name);
		}
	closedir(d);
	assert_true(cases >= 4);
	if (failures)
		fail_msg("%d golden IR case(s) differ", failures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_ir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
