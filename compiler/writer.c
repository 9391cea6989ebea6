// SPDX-License-Identifier: MIT
/* writer.c - generated files to disk: deterministic bytes, written only when
 * they change (so make rebuilds only what a spec change touched), author-owned
 * files never overwritten, and --check to find stale output without writing.
 */
#include "diff.h"
#include "drvgen.h"
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum file_state { FILE_MISSING, FILE_SAME, FILE_DIFFERENT };

/* Compares a file with text without reading it all into memory: a size
 * that differs settles it at once, else chunk by chunk. */
static enum file_state compare_file(const char *path, const char *text, size_t len)
{
	/* not blocking on a FIFO planted there, which the rename replaces */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return FILE_MISSING;
	struct stat st;
	enum file_state state = FILE_DIFFERENT;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == len) {
		/* read(2) straight into a buffer: stdio's would add a copy and
		 * an allocation a file, and gen compares thousands */
		char buf[65536];
		size_t at = 0;
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0 && at + (size_t)n <= len &&
		       memcmp(buf, text + at, (size_t)n) == 0)
			at += (size_t)n;
		if (at == len && n == 0)
			state = FILE_SAME;
	}
	close(fd);
	return state;
}

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
	bool ok = !ferror(f);
	fclose(f);
	if (!ok) {
		sb_free(&sb);
		return NULL;
	}
	*len = sb.len;
	return sb.data ? sb.data : calloc(1, 1);
}

/* "edu_regs.h: stale", then the diff from the file on disk to what drvgen
 * would write. A relative path gets git's a/ and b/ prefixes, so `git
 * apply` takes the diff from the folder drvgen ran in. */
static int report_stale(FILE *report, const char *path, const struct drvgen_file *f)
{
	const char *shown = path;
	size_t len;
	char *old = read_file(path, &len);
	if (!old) {
		fprintf(report, "drvgen: cannot read %s: %s\n", path, strerror(errno));
		return 2;
	}
	bool relative = path[0] != '/';
	while (relative && !strncmp(path, "./", 2))
		path += 2;
	char old_name[4200], new_name[4200];
	snprintf(old_name, sizeof old_name, "%s%s", relative ? "a/" : "", path);
	snprintf(new_name, sizeof new_name, "%s%s", relative ? "b/" : "", path);
	struct strbuf diff = {0};
	diff_unified(&diff, old_name, old, len, new_name, f->text, f->len, 3);
	free(old);
	fprintf(report, "%s: stale\n%s", shown, sb_str(&diff));
	sb_free(&diff);
	return 1;
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

/* Through a temporary file beside path, renamed over it, so no reader sees
 * half a file. mkstemp makes the temporary's name unguessable and creates
 * it (O_EXCL), so a file or symlink planted at a name drvgen would use is
 * never written through; the file then gets the mode fopen would give. */
int write_atomically(const char *path, const char *text, size_t len)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	mode_t mask = umask(0);
	umask(mask);
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	bool ok = fchmod(fd, 0666 & ~mask) == 0;
	ok &= fwrite(text, 1, len, f) == len;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) != 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

int drvgen_write(const struct drvgen_output *out, const char *dir, bool check, FILE *report,
		 struct drvgen_write_counts *counts)
{
	struct drvgen_write_counts none;
	if (!counts)
		counts = &none;
	*counts = (struct drvgen_write_counts){0};
	int status = 0;
	if (!check && make_dirs(dir) != 0) {
		fprintf(report, "drvgen: cannot create %s: %s\n", dir, strerror(errno));
		return 2;
	}
	counts->skeletons = malloc((out->count + 1) * sizeof *counts->skeletons);
	if (!counts->skeletons)
		abort();
	for (size_t i = 0; i < out->count; i++) {
		const struct drvgen_file *f = &out->files[i];
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", f->dir ? f->dir : dir, f->name);
		if (f->author_owned && access(path, F_OK) == 0)
			continue; /* the author's now */
		enum file_state state = compare_file(path, f->text, f->len);
		if (state == FILE_SAME) {
			counts->unchanged++;
			continue;
		}
		if (check) {
			int found = 1;
			if (state == FILE_MISSING)
				fprintf(report, "%s: missing\n", path);
			else
				found = report_stale(report, path, f);
			status = status > found ? status : found;
			continue;
		}
		if ((f->dir && make_dirs(f->dir) != 0) || write_atomically(path, f->text, f->len) != 0) {
			fprintf(report, "drvgen: cannot write %s: %s\n", path, strerror(errno));
			status = 2;
		} else if (f->author_owned) {
			counts->skeletons[counts->skeleton_count++] = f;
		} else {
			counts->written++;
		}
	}
	if (counts == &none)
		free(none.skeletons);
	return status;
}
