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
	if (sb->len + 2 > sb->cap) /* the byte and the NUL */
		sb_reserve(sb, 1);
	sb->data[sb->len++] = c;
	sb->data[sb->len] = 0;
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

/* sb_vprintf in full, through vsnprintf: for the conversions format()
 * leaves to it. */
static void vprintf_slow(struct strbuf *sb, const char *fmt, va_list ap)
{
	/* Format into the room there is; only if that was too small, grow and
	 * format again. */
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

/* text, of n bytes, right-aligned in `width` columns of `pad`. */
static void put_padded(struct strbuf *sb, const char *text, size_t n, unsigned width, char pad)
{
	for (size_t i = n; i < width; i++)
		sb_putc(sb, pad);
	sb_putn(sb, text, n);
}

/* v in base 10 or 16 (upper: "0123456789ABCDEF"), after a '-' if negative,
 * zero-padded after the sign as printf pads, or space-padded before it. */
static void put_number(struct strbuf *sb, unsigned long long v, bool negative, unsigned base,
		       bool upper, unsigned width, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	size_t n = sizeof buf;
	do {
		buf[--n] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		buf[--n] = '-';
	size_t len = sizeof buf - n;
	if (zero && negative) {
		sb_putc(sb, '-');
		put_padded(sb, buf + n + 1, len - 1, width ? width - 1 : 0, '0');
	} else {
		put_padded(sb, buf + n, len, width, zero ? '0' : ' ');
	}
}

/* Formats fmt's conversions of the forms emitters use, %[0][width][l|ll|z]
 * then s, c, d, i, u, x or X, and %%, as printf does; false at the first
 * other one (%p, %.*s, ...), having consumed arguments of ap. */
static bool format(struct strbuf *sb, const char *fmt, va_list ap)
{
	for (const char *p = fmt;;) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			sb_puts(sb, p);
			return true;
		}
		sb_putn(sb, p, (size_t)(pct - p));
		p = pct + 1;
		bool zero = *p == '0';
		p += zero;
		unsigned width = 0;
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (unsigned)(*p++ - '0');
		unsigned longs = 0;
		bool size = *p == 'z';
		p += size;
		while (!size && *p == 'l' && longs < 2)
			longs++, p++;
		char kind = *p++;
		unsigned long long u;
		long long d;
		switch (kind) {
		case '%':
			if (zero || width || longs || size)
				return false;
			sb_putc(sb, '%');
			break;
		case 's': {
			if (zero || longs || size)
				return false;
			const char *s = va_arg(ap, const char *);
			s = s ? s : "(null)";
			put_padded(sb, s, strlen(s), width, ' ');
			break;
		}
		case 'c': {
			if (zero || longs || size)
				return false;
			char c = (char)va_arg(ap, int);
			put_padded(sb, &c, 1, width, ' ');
			break;
		}
		case 'd':
		case 'i':
			d = size ? (long long)va_arg(ap, ptrdiff_t)
			    : longs == 2 ? va_arg(ap, long long)
			    : longs == 1 ? va_arg(ap, long)
					 : va_arg(ap, int);
			u = d < 0 ? 0ull - (unsigned long long)d : (unsigned long long)d;
			put_number(sb, u, d < 0, 10, false, width, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = size ? va_arg(ap, size_t)
			    : longs == 2 ? va_arg(ap, unsigned long long)
			    : longs == 1 ? va_arg(ap, unsigned long)
					 : va_arg(ap, unsigned);
			put_number(sb, u, false, kind == 'u' ? 10 : 16, kind == 'X', width, zero);
			break;
		default:
			return false;
		}
	}
}

/* Emitters format hundreds of megabytes through here: the common
 * conversions are formatted directly (glibc's vsnprintf costs more than
 * everything else an emitter does), anything else by vsnprintf. */
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	size_t start = sb->len;
	va_list ap2;
	va_copy(ap2, ap);
	if (!format(sb, fmt, ap2)) {
		sb_truncate(sb, start);
		vprintf_slow(sb, fmt, ap);
	}
	va_end(ap2);
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
