/* writer.c - generated files to disk: deterministic bytes, written only when
 * they change (so make rebuilds only what a spec change touched), author-owned
 * files never overwritten, and --check to find stale output without writing.
 */
#include "drvgen.h"
#include "gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = {0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_putn(&sb, buf, n);
	fclose(f);
	sb_putn(&sb, "", 0);
	*len = sb.len;
	return sb.data;
}

static int make_dirs(const char *dir)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return -1;
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(path, 0777) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Written beside the target and renamed over it, so a reader (or make)
 * never sees half a file. */
static int write_atomically(const char *path, const char *text, size_t len)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return -1;
	bool ok = fwrite(text, 1, len, f) == len;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int drvgen_write(const struct drvgen_output *out, const char *dir, bool check, FILE *report)
{
	int status = 0;
	if (!check && make_dirs(dir) != 0) {
		fprintf(report, "drvgen: cannot create %s: %s\n", dir, strerror(errno));
		return 2;
	}
	for (size_t i = 0; i < out->count; i++) {
		const struct drvgen_file *f = &out->files[i];
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, f->name);
		size_t old_len = 0;
		char *old = read_file(path, &old_len);
		bool same = old && old_len == f->len && memcmp(old, f->text, f->len) == 0;
		if (f->author_owned && old) {
			free(old);
			continue; /* the author's now */
		}
		free(old);
		if (same)
			continue;
		if (check) {
			fprintf(report, "%s: %s\n", path, old ? "stale" : "missing");
			status = status > 1 ? status : 1;
			continue;
		}
		if (write_atomically(path, f->text, f->len) != 0) {
			fprintf(report, "drvgen: cannot write %s: %s\n", path, strerror(errno));
			status = 2;
		}
	}
	return status;
}
