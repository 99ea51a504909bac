/* term_parse_lex.c - the bottom of the term parser: its cursor and its
 * errors (peeking, blanks and comments, tokens, digits, and messages
 * that say where, "line 2, column 3", and what was found there), and
 * the scratch vectors. Calls no other file of the parser.
 */
#include "term/term_parse_internal.h"
#include "base/utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* --- errors ------------------------------------------------------------ */

/* "column 7" or "line 2, column 3": characters, not bytes, from 1. */
static void location(const struct parser *p, size_t at, char *out, size_t n)
{
	size_t line = 1, col = 1, i;

	for (i = 0; i < at && i < p->len; i++) {
		unsigned char c = (unsigned char)p->s[i];

		if (c == '\n') {
			line++;
			col = 1;
		} else if ((c & 0xc0) != 0x80) {
			col++;
		}
	}
	if (line == 1)
		snprintf(out, n, "column %zu", col);
	else
		snprintf(out, n, "line %zu, column %zu", line, col);
}

int term_parse_fail(struct parser *p, size_t at, enum dist_code code,
	    const char *fmt, ...)
{
	char where[64], what[400];
	va_list ap;

	location(p, at, where, sizeof where);
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return dist_error_set(p->err, code, DIST_STAGE_INPUT, "%s: %s", where,
			      what);
}

/* What stands at `at`, for "found ...". */
static void describe(const struct parser *p, size_t at, char *out, size_t n)
{
	const uint8_t *s = (const uint8_t *)p->s + at;
	uint32_t cp;
	size_t k;

	if (at >= p->len) {
		snprintf(out, n, "end of input");
	} else if (*s == '\n') {
		snprintf(out, n, "a newline");
	} else if (*s < 0x20 || *s == 0x7f) {
		snprintf(out, n, "character 0x%02x", *s);
	} else if (*s < 0x80) {
		snprintf(out, n, "'%c'", *s);
	} else if ((k = utf8_next(s, p->len - at, &cp)) != 0) {
		snprintf(out, n, "'%.*s'", (int)k, (const char *)s);
	} else {
		snprintf(out, n, "invalid UTF-8 byte 0x%02x", *s);
	}
}

int term_parse_expected(struct parser *p, size_t at, const char *what)
{
	char found[32];

	describe(p, at, found, sizeof found);
	return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
			       "expected %s, found %s", what, found);
}

int term_parse_nomem(struct parser *p)
{
	return dist_error_nomem(p->err, DIST_STAGE_INPUT, "parsing a term");
}

/* Account for n more terms against max_terms. */
int term_parse_count(struct parser *p, size_t n)
{
	if (n > p->lim.max_terms - p->terms)
		return term_parse_fail(p, p->pos, DIST_E_TOO_LARGE,
			       "more than %zu terms", p->lim.max_terms);
	p->terms += n;
	return 0;
}

/* --- scratch vectors ---------------------------------------------------- */

/* Room for n more elements of `size` bytes; 0, or -1 when out of memory
 * (v unchanged). */
int term_parse_vec_reserve(struct vec *v, size_t n, size_t size)
{
	size_t cap;
	void *d;

	if (n <= v->cap - v->len)
		return 0;
	if (n > SIZE_MAX / size / 2 - v->len)
		return -1;
	cap = v->cap ? v->cap : 16;
	while (cap < v->len + n)
		cap *= 2;
	d = realloc(v->data, cap * size);
	if (!d)
		return -1;
	v->data = d;
	v->cap = cap;
	return 0;
}

/* --- characters ---------------------------------------------------------- */

int term_parse_peek(const struct parser *p, size_t off)
{
	if (p->pos + off >= p->len)
		return -1;
	return (unsigned char)p->s[p->pos + off];
}

/* Whitespace as erl_scan sees it (code points 0..32 and 128..160, here
 * in UTF-8) and % comments to the end of the line. */
void term_parse_skip_blank(struct parser *p)
{
	for (;;) {
		int c = term_parse_peek(p, 0), c1 = term_parse_peek(p, 1);

		if (c >= 0 && c <= ' ') {
			p->pos++;
		} else if (c == 0xc2 && c1 >= 0x80 && c1 <= 0xa0) {
			p->pos += 2;
		} else if (c == '%') {
			while (p->pos < p->len && p->s[p->pos] != '\n')
				p->pos++;
		} else {
			return;
		}
	}
}

/* Consume tok when the text continues with it. */
bool term_parse_take(struct parser *p, const char *tok)
{
	size_t n = strlen(tok);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, tok, n) != 0)
		return false;
	p->pos += n;
	return true;
}

/* The value of digit c in bases up to 36, or 99. */
int term_parse_digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}
