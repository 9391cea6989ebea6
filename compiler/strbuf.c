// SPDX-License-Identifier: MIT
/* strbuf.c - growable output text. */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sb_reserve(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t ncap = sb->cap ? sb->cap * 2 : 256;
	while (ncap < sb->len + extra + 1)
		ncap *= 2;
	char *p = realloc(sb->data, ncap);
	if (!p) {
		fputs("drvgen: out of memory\n", stderr);
		abort();
	}
	sb->data = p;
	sb->cap = ncap;
}

void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = 0;
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_putn(sb, &c, 1);
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}

void sb_truncate(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->data[len] = 0;
	}
}

void sb_putu(struct strbuf *sb, unsigned long long v)
{
	char buf[24];
	size_t n = sizeof buf;
	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_putn(sb, buf + n, sizeof buf - n);
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	/* Format into the room there is; only if that was too small, grow and
	 * format again. Generators print hundreds of megabytes through here. */
	sb_reserve(sb, 128);
	va_list ap2;
	va_copy(ap2, ap);
	size_t room = sb->cap - sb->len;
	int n = vsnprintf(sb->data + sb->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		sb_reserve(sb, (size_t)n);
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *sb_str(struct strbuf *sb)
{
	return sb->data ? sb->data : "";
}

void sb_free(struct strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}
