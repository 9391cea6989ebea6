// SPDX-License-Identifier: MIT
/* source.c - reading spec files and refusing the ones no parser should see.
 *
 * Every input passes these checks before a parser touches it, so the parsers
 * can assume bounded, NUL-free, valid UTF-8 text and a binary file or a 10 MB
 * line gets one clear diagnostic instead of a confused parse.
 */
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	SOURCE_MAX_BYTES = 16 * 1024 * 1024,
	SOURCE_MAX_LINE = 65536,
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

bool spec_kind_of_path(const char *path, enum spec_kind *kind)
{
	if (ends_with(path, ".idl"))
		*kind = SPEC_IDL;
	else if (ends_with(path, ".regs.yaml") || ends_with(path, ".regs.yml"))
		*kind = SPEC_REGS;
	else if (ends_with(path, ".manifest.yaml") || ends_with(path, ".manifest.yml"))
		*kind = SPEC_MANIFEST;
	else
		return false;
	return true;
}

/* Length of the UTF-8 sequence at p (at most `left` bytes), or 0 if invalid:
 * overlong forms, surrogates and values past U+10FFFF are all refused. */
static size_t utf8_sequence(const unsigned char *p, size_t left)
{
	unsigned c = p[0];
	size_t n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	unsigned v = c & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	return n;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Positions before line_starts exist (while validating) are computed by a scan. */
static struct srcpos pos_by_scan(const struct source *src, size_t offset)
{
	struct srcpos pos = {src, 1, 1};
	for (size_t i = 0; i < offset; i++) {
		unsigned char c = (unsigned char)src->text[i];
		if (c == '\n') {
			pos.line++;
			pos.col = 1;
		} else if ((c & 0xc0) != 0x80) {
			pos.col++;
		}
	}
	return pos;
}

static void report_too_large(struct diag_engine *d, struct source *src, uint64_t size)
{
	diag_report(d, (struct srcpos){src, 0, 0}, E0007,
		    "file is %llu bytes; spec files are limited to %d MiB", (unsigned long long)size,
		    SOURCE_MAX_BYTES / (1024 * 1024));
}

static bool validate(struct arena *a, struct diag_engine *d, struct source *src)
{
	const unsigned char *t = (const unsigned char *)src->text;
	size_t len = src->len;

	if (len > SOURCE_MAX_BYTES) {
		report_too_large(d, src, len);
		return false;
	}
	const void *nul = memchr(t, 0, len);
	if (nul) {
		diag_report(d, pos_by_scan(src, (size_t)((const unsigned char *)nul - t)), E0004,
			    "file contains a NUL byte; is it a binary file?");
		return false;
	}
	size_t nlines = 1;
	size_t line_start = 0;
	for (size_t i = 0; i < len;) {
		if (t[i] == '\n') {
			if (i - line_start > SOURCE_MAX_LINE) {
				diag_report(d, pos_by_scan(src, line_start), E0006,
					    "line is %zu bytes long; the limit is %d", i - line_start,
					    SOURCE_MAX_LINE);
				return false;
			}
			nlines++;
			line_start = ++i;
			continue;
		}
		size_t n = utf8_sequence(t + i, len - i);
		if (!n) {
			diag_report(d, pos_by_scan(src, i), E0005,
				    "invalid UTF-8 byte 0x%02x; spec files must be UTF-8", t[i]);
			return false;
		}
		i += n;
	}
	if (len - line_start > SOURCE_MAX_LINE) {
		diag_report(d, pos_by_scan(src, line_start), E0006,
			    "line is %zu bytes long; the limit is %d", len - line_start, SOURCE_MAX_LINE);
		return false;
	}
	size_t blank = 0;
	while (blank < len && (t[blank] == ' ' || t[blank] == '\t' || t[blank] == '\n' ||
			       t[blank] == '\r'))
		blank++;
	if (blank == len) {
		diag_report(d, (struct srcpos){src, 0, 0}, E0003,
			    "file is empty; a spec file declares at least one thing");
		return false;
	}

	src->line_starts = arena_alloc(a, nlines * sizeof *src->line_starts);
	src->nlines = 0;
	src->line_starts[src->nlines++] = 0;
	for (size_t i = 0; i < len; i++)
		if (t[i] == '\n' && i + 1 <= len)
			src->line_starts[src->nlines++] = i + 1;
	src->quotable = true;
	return true;
}

struct source *source_named(struct arena *a, const char *path, unsigned order)
{
	struct source *src = NEW(a, struct source);
	src->path = arena_strdup(a, path);
	src->name = base_name(src->path);
	src->order = order;
	return src;
}

struct source *source_from_text(struct arena *a, struct diag_engine *d, const char *path,
				const char *text, size_t len, enum spec_kind kind, unsigned order)
{
	struct source *src = source_named(a, path, order);
	src->kind = kind;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	/* Copy so the text is NUL-terminated and outlives the caller's buffer. */
	src->text = arena_strndup(a, text, len);
	src->len = len;
	return validate(a, d, src) ? src : NULL;
}

struct source *source_from_file(struct arena *a, struct diag_engine *d, const char *path,
				enum spec_kind kind, unsigned order)
{
	struct srcpos whole = {source_named(a, path, order), 0, 0};

	/* Not blocking on open: a FIFO would wait for a writer for ever. A
	 * symlink is followed (a spec folder may link a shared file; drvgen
	 * reads only what its user can). */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		diag_report(d, whole, E0001, "cannot open file: %s", strerror(errno));
		return NULL;
	}
	struct stat st;
	const char *refusal = NULL;
	if (fstat(fd, &st) != 0)
		refusal = arena_printf(a, "cannot read file: %s", strerror(errno));
	else if (S_ISDIR(st.st_mode))
		refusal = "is a folder, expected a file";
	else if (!S_ISREG(st.st_mode))
		refusal = "is not a regular file (a FIFO, socket or device); drvgen reads regular "
			  "files only";
	if (refusal) {
		close(fd);
		diag_report(d, whole, E0001, "%s", refusal);
		return NULL;
	}
	if (st.st_size > SOURCE_MAX_BYTES) {
		close(fd);
		report_too_large(d, (struct source *)whole.src, (uint64_t)st.st_size);
		return NULL;
	}
	FILE *f = fcntl(fd, F_SETFL, 0) == 0 ? fdopen(fd, "rb") : NULL;
	if (!f) {
		diag_report(d, whole, E0001, "cannot read file: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	/* Stop one chunk past the limit: the file may grow as it is read. */
	size_t len = 0;
	struct strbuf buf = {0};
	char chunk[64 * 1024];
	bool failed = false;
	for (;;) {
		size_t n = fread(chunk, 1, sizeof chunk, f);
		sb_putn(&buf, chunk, n);
		len += n;
		if (n < sizeof chunk) {
			failed = ferror(f) != 0;
			break;
		}
		if (len > SOURCE_MAX_BYTES)
			break;
	}
	int saved = errno;
	fclose(f);
	if (failed) {
		sb_free(&buf);
		diag_report(d, whole, E0001, "cannot read file: %s", strerror(saved));
		return NULL;
	}
	struct source *src = source_from_text(a, d, path, sb_str(&buf), len, kind, order);
	sb_free(&buf);
	return src;
}

const char *source_line(const struct source *src, uint32_t line, size_t *len)
{
	if (!src || !src->quotable || line == 0 || line > src->nlines) {
		*len = 0;
		return NULL;
	}
	size_t start = src->line_starts[line - 1];
	size_t end = line < src->nlines ? src->line_starts[line] - 1 : src->len;
	if (end > start && src->text[end - 1] == '\r')
		end--;
	*len = end - start;
	return src->text + start;
}

struct srcpos source_pos_at(const struct source *src, size_t offset)
{
	if (!src->line_starts)
		return pos_by_scan(src, offset);
	size_t lo = 0, hi = src->nlines;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (src->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	struct srcpos pos = {src, (uint32_t)lo + 1, 1};
	for (size_t i = src->line_starts[lo]; i < offset; i++)
		if ((src->text[i] & 0xc0) != 0x80)
			pos.col++;
	return pos;
}
