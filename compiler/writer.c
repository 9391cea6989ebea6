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
enum { PATH_BYTES = 4096, TEMP_NAME_MAX = PATH_BYTES + 104 };

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
	char path[PATH_BYTES];
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

static bool write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		text += n;
		len -= (size_t)n;
	}
	return true;
}

/* A temporary file beside path (its name in tmp), to be renamed over it, so
 * no reader sees half a file. mkstemp makes the name unguessable and creates
 * it (O_EXCL), so a file or symlink planted at a name drvgen would use is
 * never written through; the file gets the mode fopen would give. An fd, or
 * -1 with errno. */
static int create_temp(const char *path, char *tmp, size_t size)
{
	if (snprintf(tmp, size, "%s.XXXXXX", path) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0) {
		int saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Closes the temporary file (unless fd is -1: closed already) and renames
 * it over path; ok false (a write failed) or any failure here removes it.
 * 0, or -1 with errno. */
static int commit_temp(int fd, const char *tmp, const char *path, bool ok)
{
	int saved = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		saved = errno;
		ok = false;
	}
	if (ok && rename(tmp, path) != 0) {
		saved = errno;
		ok = false;
	}
	if (!ok) {
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

int write_atomically(const char *path, const char *text, size_t len)
{
	char tmp[TEMP_NAME_MAX];
	int fd = create_temp(path, tmp, sizeof tmp);
	if (fd < 0)
		return -1;
	return commit_temp(fd, tmp, path, write_all(fd, text, len));
}

/* ---- a file written while it is generated ----
 * A big file goes to disk in pieces as a backend makes it (gen_flush), so
 * drvgen's memory follows the model, not the output. The pieces are first
 * compared with the file already there; only from the first difference on
 * is a temporary file written (with the equal start copied from the old
 * file), so an unchanged file costs a read and is left untouched. The
 * temporary is renamed into place by drvgen_write, like any other file,
 * or removed by stream_close if it never gets there.
 * A file the backend has finished is settled at once (stream_park): the
 * comparison decided, both descriptors closed, only the rename left, so
 * the 4,000 files of 1,000 interfaces hold no descriptors and no text. */
struct drvgen_stream {
	char *path, *tmp; /* tmp: named by start_temp, NULL until then and once renamed */
	int old;	  /* the file on disk, being compared; -1: none, or it differs */
	int fd;		  /* the temporary file; -1 until the text differs from old's */
	uint64_t len;	  /* bytes of text so far */
	int error;	  /* errno of the first failure; nothing more is written */
	bool settled;	  /* complete: same says whether the old file holds it */
	bool same;
};

/* A regular file at path to compare with, or -1. */
static int open_old(const char *path)
{
	/* not blocking on a FIFO planted there, which the rename replaces */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

struct drvgen_stream *stream_open(const char *dir, const char *name)
{
	struct drvgen_stream *s = calloc(1, sizeof *s);
	size_t size = strlen(dir) + strlen(name) + 2;
	if (!s || !(s->path = malloc(size)))
		abort();
	s->fd = -1;
	snprintf(s->path, size, "%s/%s", dir, name);
	if (size > PATH_BYTES)
		s->error = ENAMETOOLONG;
	else if (make_dirs(dir) != 0)
		s->error = errno;
	s->old = s->error ? -1 : open_old(s->path);
	return s;
}

/* Reads exactly len bytes of fd at offset into buf; false on a short read. */
static bool read_at(int fd, char *buf, size_t len, uint64_t offset)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return true;
}

/* Whether the old file holds text at offset. */
static bool old_holds(int old, const char *text, size_t len, uint64_t offset)
{
	char buf[65536];
	while (len) {
		size_t n = len < sizeof buf ? len : sizeof buf;
		if (!read_at(old, buf, n, offset) || memcmp(buf, text, n) != 0)
			return false;
		text += n;
		len -= n;
		offset += n;
	}
	return true;
}

/* The text from here on differs from the old file's: the temporary file
 * begins with the s->len bytes both share. */
static void start_temp(struct drvgen_stream *s)
{
	size_t size = strlen(s->path) + sizeof ".XXXXXX";
	if (!(s->tmp = malloc(size)))
		abort();
	s->fd = create_temp(s->path, s->tmp, size);
	if (s->fd < 0) {
		s->error = errno;
		free(s->tmp);
		s->tmp = NULL;
		return;
	}
	char buf[65536];
	for (uint64_t at = 0; at < s->len && !s->error;) {
		size_t n = s->len - at < sizeof buf ? (size_t)(s->len - at) : sizeof buf;
		errno = EIO; /* a short read sets none */
		if (!read_at(s->old, buf, n, at) || !write_all(s->fd, buf, n))
			s->error = errno;
		at += n;
	}
}

void stream_put(struct drvgen_stream *s, const char *text, size_t len)
{
	if (s->error || !len)
		return;
	if (s->settled) { /* a backend's bug: nothing may follow stream_park */
		s->error = EINVAL;
		return;
	}
	if (s->fd < 0 && s->old >= 0 && old_holds(s->old, text, len, s->len)) {
		s->len += len;
		return;
	}
	if (s->fd < 0)
		start_temp(s);
	if (!s->error && !write_all(s->fd, text, len))
		s->error = errno;
	s->len += len;
}

size_t stream_length(const struct drvgen_stream *s)
{
	return (size_t)s->len;
}

/* The text is complete: whether the old file holds it all (same), else
 * the temporary file does; the old file is closed. */
static void settle(struct drvgen_stream *s)
{
	if (s->settled)
		return;
	s->settled = true;
	struct stat st;
	if (!s->error && s->fd < 0 && s->old >= 0 && fstat(s->old, &st) == 0 &&
	    (uint64_t)st.st_size == s->len)
		s->same = true;
	else if (!s->error && s->fd < 0)
		start_temp(s); /* the old file was longer, or there was none */
	if (s->old >= 0)
		close(s->old);
	s->old = -1;
}

void stream_park(struct drvgen_stream *s)
{
	settle(s);
	if (s->fd >= 0 && close(s->fd) != 0 && !s->error)
		s->error = errno;
	s->fd = -1;
}

/* Writes the streamed file into place: FILE_SAME if the old file was it. */
static int stream_finish(struct drvgen_stream *s, enum file_state *state)
{
	*state = FILE_DIFFERENT;
	settle(s);
	if (s->same && !s->error) {
		*state = FILE_SAME;
		return 0;
	}
	int fd = s->fd, st = -1;
	s->fd = -1;
	errno = s->error;
	if (s->tmp) /* else the failure came before there was one */
		st = commit_temp(fd, s->tmp, s->path, !s->error);
	int err = errno;
	free(s->tmp); /* renamed or removed: stream_close has none to remove */
	s->tmp = NULL;
	errno = err;
	return st;
}

void stream_close(struct drvgen_stream *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->tmp)
		unlink(s->tmp);
	if (s->old >= 0)
		close(s->old);
	free(s->tmp);
	free(s->path);
	free(s);
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
		char path[PATH_BYTES];
		if (snprintf(path, sizeof path, "%s/%s", f->dir ? f->dir : dir, f->name) >=
		    (int)sizeof path) {
			fprintf(report, "drvgen: cannot write %s/%s: %s\n", f->dir ? f->dir : dir,
				f->name, strerror(ENAMETOOLONG));
			status = 2;
			continue;
		}
		if (f->author_owned && access(path, F_OK) == 0)
			continue; /* the author's now */
		if (f->stream) {
			/* written while generated, into dir; never with check */
			enum file_state state;
			if (check || f->dir || strcmp(f->stream->path, path) != 0) {
				fprintf(report, "drvgen: %s was generated for %s\n", path,
					f->stream->path);
				status = 2;
			} else if (stream_finish(f->stream, &state) != 0) {
				fprintf(report, "drvgen: cannot write %s: %s\n", path,
					strerror(errno));
				status = 2;
			} else if (state == FILE_SAME) {
				counts->unchanged++;
			} else {
				counts->written++;
			}
			continue;
		}
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
