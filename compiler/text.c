// SPDX-License-Identifier: MIT
/* text.c - small text utilities: hashing, identifiers, numbers, typo hints. */
#include "base.h"

#include <ctype.h>
#include <string.h>

uint32_t fnv1a32(const char *s, size_t len)
{
	uint32_t h = 0x811c9dc5u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x01000193u;
	}
	return h;
}

uint64_t fnv1a64(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	if (h == 0)
		h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

bool is_c_identifier(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

/* C11 keywords plus the C++ ones that would break a generated header compiled
 * as C++, and names our generated code reserves. */
static const char *const c_keywords[] = {
	"_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
	"_Noreturn", "_Static_assert", "_Thread_local", "alignas", "alignof", "and", "asm",
	"auto", "bool", "break", "case", "catch", "char", "class", "const", "constexpr",
	"continue", "default", "delete", "do", "double", "else", "enum", "explicit", "export",
	"extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long",
	"mutable", "namespace", "new", "noexcept", "not", "nullptr", "operator", "or",
	"private", "protected", "public", "register", "restrict", "return", "short", "signed",
	"sizeof", "static", "static_assert", "struct", "switch", "template", "this",
	"thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union",
	"unsigned", "using", "virtual", "void", "volatile", "while", "xor",
};

/* The C11 ones alone: a name that is a keyword only in C++ can still be
 * part of a longer C name. */
static const char *const c11_keywords[] = {
	"_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",
	"_Noreturn", "_Static_assert", "_Thread_local", "auto", "break", "case", "char", "const",
	"continue", "default", "do", "double", "else", "enum", "extern", "float", "for", "goto",
	"if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
	"sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
	"volatile", "while",
};

static bool in_sorted(const char *s, const char *const *list, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s, list[mid]);
		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

bool is_c_keyword(const char *s)
{
	return in_sorted(s, c_keywords, ARRAY_LEN(c_keywords));
}

bool is_c11_keyword(const char *s)
{
	return in_sorted(s, c11_keywords, ARRAY_LEN(c11_keywords));
}

/* What the headers generated code includes define as macros, types or
 * functions that a field or parameter of the name would break: <stddef.h>,
 * <string.h>'s functions, <errno.h>'s errno, and the kernel's object-like
 * macros a driver's code sees. Sorted. */
static const char *const c_library_names[] = {
	"HZ", "NULL", "PAGE_MASK", "PAGE_SHIFT", "PAGE_SIZE", "PTRDIFF_MAX", "PTRDIFF_MIN",
	"SIZE_MAX", "THIS_MODULE", "WCHAR_MAX", "WCHAR_MIN", "current", "errno", "max_align_t",
	"memchr", "memcmp", "memcpy", "memmove", "memset", "offsetof", "ptrdiff_t", "size_t",
	"strcat", "strchr", "strcmp", "strcoll", "strcpy", "strcspn", "strerror", "strlen",
	"strncat", "strncmp", "strncpy", "strpbrk", "strrchr", "strspn", "strstr", "strtok",
	"strxfrm", "wchar_t",
};

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool is_c_library_name(const char *s)
{
	if (in_sorted(s, c_library_names, ARRAY_LEN(c_library_names)))
		return true;
	/* C11 7.1.3: reserved everywhere */
	if (s[0] == '_' && (s[1] == '_' || (s[1] >= 'A' && s[1] <= 'Z')))
		return true;
	/* 7.31.3: <errno.h>'s macros, E and a digit or an upper-case letter */
	if (s[0] == 'E' && ((s[1] >= '0' && s[1] <= '9') || (s[1] >= 'A' && s[1] <= 'Z')))
		return true;
	/* 7.31.10: <stdint.h>'s types and macros */
	if ((has_prefix(s, "int") || has_prefix(s, "uint")) && has_suffix(s, "_t"))
		return true;
	return (has_prefix(s, "INT") || has_prefix(s, "UINT")) &&
	       (has_suffix(s, "_MAX") || has_suffix(s, "_MIN") || has_suffix(s, "_C"));
}

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of neighbours each cost one, so "mmoi" is one edit from "mmio". */
size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return (size_t)-1;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *closest_word(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	/* A third of the word's length, at least one edit: "ofset" -> "offset",
	 * but not "foo" -> "bar". */
	size_t limit = strlen(word) / 3;
	if (limit < 1)
		limit = 1;
	return best && best_d <= limit ? best : NULL;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

bool parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	}
	uint64_t v = 0;
	bool any = false, prev_digit = false;
	for (; *s; s++) {
		if (*s == '_') {
			/* '_' only between digits: "1__0", "_1" and "1_" are typos. */
			if (!prev_digit || !s[1] || s[1] == '_')
				return false;
			prev_digit = false;
			continue;
		}
		unsigned d = (unsigned)digit_value(*s);
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
		any = prev_digit = true;
	}
	if (!any)
		return false;
	*out = v;
	return true;
}

char *upper_dup(struct arena *a, const char *s)
{
	char *p = arena_strdup(a, s);
	for (char *q = p; *q; q++)
		*q = (char)toupper((unsigned char)*q);
	return p;
}
