/* term_parse_number.c - numbers of any size: integers in base 10 or
 * Base#digits, floats, and $c character literals. The rules follow
 * erl_scan: '_' only between two digits.
 */
#include "term/term_parse_internal.h"

#include <math.h>
#include <stdlib.h>

/* --- numbers ------------------------------------------------------------------- */

/* Digits of `base`, '_' allowed between two of them, appended to
 * p->bytes as values. Returns how many were read, or -1. */
static long digits(struct parser *p, int base)
{
	size_t start = p->bytes.len;

	while (term_parse_digit_value(term_parse_peek(p, 0)) < base ||
	       (term_parse_peek(p, 0) == '_' && p->bytes.len > start &&
		term_parse_digit_value(term_parse_peek(p, 1)) < base)) {
		if (term_parse_peek(p, 0) == '_')
			p->pos++;
		if (p->bytes.len - start >= p->lim.max_digits)
			return term_parse_fail(p, p->pos, DIST_E_TOO_LARGE,
				       "integer of more than %zu digits",
				       p->lim.max_digits);
		if (term_parse_vec_reserve(&p->bytes, 1, 1))
			return term_parse_nomem(p);
		((uint8_t *)p->bytes.data)[p->bytes.len++] =
			(uint8_t)term_parse_digit_value(term_parse_peek(p, 0));
		p->pos++;
	}
	return (long)(p->bytes.len - start);
}

/* Digit values d[0 .. n) of base to p->mag (little-endian bytes): 32-bit
 * limbs, several digits per multiply, so 10 000 digits cost little. */
static int digits_to_mag(struct parser *p, const uint8_t *d, size_t n,
			 unsigned base)
{
	struct vec limbs = { 0 };
	uint32_t *l;
	uint64_t chunk_mul = base;
	size_t k = 1, i, j, m;

	while (chunk_mul * base <= UINT32_MAX) {
		chunk_mul *= base;
		k++;
	}
	for (i = 0; i < n; i += m) {
		uint64_t mul = 1, carry = 0;

		m = n - i < k ? n - i : k;
		for (j = 0; j < m; j++) {
			mul *= base;
			carry = carry * base + d[i + j];
		}
		l = limbs.data;
		for (j = 0; j < limbs.len; j++) {
			uint64_t x = (uint64_t)l[j] * mul + carry;

			l[j] = (uint32_t)x;
			carry = x >> 32;
		}
		if (carry) {
			if (term_parse_vec_reserve(&limbs, 1, sizeof(*l))) {
				free(limbs.data);
				return term_parse_nomem(p);
			}
			((uint32_t *)limbs.data)[limbs.len++] =
				(uint32_t)carry;
		}
	}
	p->mag.len = 0;
	if (term_parse_vec_reserve(&p->mag, limbs.len * 4 + 1, 1)) {
		free(limbs.data);
		return term_parse_nomem(p);
	}
	l = limbs.data;
	for (j = 0; j < limbs.len * 4; j++)
		((uint8_t *)p->mag.data)[j] =
			(uint8_t)(l[j / 4] >> (8 * (j % 4)));
	p->mag.len = limbs.len * 4;
	while (p->mag.len && ((uint8_t *)p->mag.data)[p->mag.len - 1] == 0)
		p->mag.len--;
	free(limbs.data);
	return 0;
}

int term_parse_small_to_mag(struct parser *p, uint64_t v)
{
	p->mag.len = 0;
	if (term_parse_vec_reserve(&p->mag, 8, 1))
		return term_parse_nomem(p);
	while (v) {
		((uint8_t *)p->mag.data)[p->mag.len++] = (uint8_t)v;
		v >>= 8;
	}
	return 0;
}

/* $c: p->pos after the '$'. */
static int char_literal(struct parser *p)
{
	uint32_t cp;

	if (term_parse_peek(p, 0) < 0)
		return term_parse_expected(p, p->pos, "a character after '$'");
	if (term_parse_peek(p, 0) == '\\') {
		size_t at = p->pos++;

		if (term_parse_escape(p, at, &cp))
			return -1;
	} else if (term_parse_peek(p, 0) == '\n') {
		cp = '\n';
		p->pos++;
	} else if (term_parse_text_char(p, &cp)) {
		return -1;
	}
	return term_parse_small_to_mag(p, cp);
}

/* A float from the text between start and p->pos ('_' removed). */
static int float_value(struct parser *p, size_t start, double *out)
{
	size_t i;
	char *end;

	p->bytes.len = 0;
	if (term_parse_vec_reserve(&p->bytes, p->pos - start + 1, 1))
		return term_parse_nomem(p);
	for (i = start; i < p->pos; i++)
		if (p->s[i] != '_')
			((char *)p->bytes.data)[p->bytes.len++] = p->s[i];
	((char *)p->bytes.data)[p->bytes.len] = '\0';
	*out = strtod(p->bytes.data, &end);
	if (!isfinite(*out))
		return term_parse_fail(p, start, DIST_E_INVALID_ARGS,
			       "float out of range");
	return 0;
}

/* After the integer part, p->pos at the '.' of "1.5": fraction and
 * optional exponent. */
static int fraction(struct parser *p, size_t start, double *out)
{
	int c;

	p->pos++;
	p->bytes.len = 0;
	if (digits(p, 10) < 0)
		return -1;
	c = term_parse_peek(p, 0);
	if (c == 'e' || c == 'E') {
		size_t e = p->pos + 1;

		if (e < p->len && (p->s[e] == '+' || p->s[e] == '-'))
			e++;
		if (e < p->len && p->s[e] >= '0' && p->s[e] <= '9') {
			p->pos = e;
			if (digits(p, 10) < 0)
				return -1;
		}
	}
	return float_value(p, start, out);
}

/* Base#digits: the base was read into p->bytes; p->pos at '#'. */
static int based(struct parser *p, size_t start)
{
	const uint8_t *d = p->bytes.data;
	unsigned base = 0;
	size_t i;
	long n;

	for (i = 0; i < p->bytes.len && base <= 36; i++)
		base = base * 10 + d[i];
	if (base < 2 || base > 36)
		return term_parse_fail(p, start, DIST_E_INVALID_ARGS,
			       "the base before '#' must be 2..36");
	p->pos++;
	p->bytes.len = 0;
	n = digits(p, (int)base);
	if (n < 0)
		return -1;
	if (n == 0)
		return term_parse_expected(
			p, p->pos,
			base <= 10 ? "a digit after '#'"
				   : "a digit or letter after '#'");
	return digits_to_mag(p, p->bytes.data, p->bytes.len, base);
}

int term_parse_number(struct parser *p, struct number *n)
{
	bool negative = false;
	size_t start;
	int c = term_parse_peek(p, 0);

	n->is_float = false;
	if (c == '-' || c == '+') {
		negative = c == '-';
		p->pos++;
		term_parse_skip_blank(p);
		c = term_parse_peek(p, 0);
		if (!(c >= '0' && c <= '9') && c != '$')
			return term_parse_expected(p, p->pos, negative ?
					   "a number after '-'" :
					   "a number after '+'");
	}
	start = p->pos;
	if (c == '$') {
		p->pos++;
		if (char_literal(p))
			return -1;
	} else {
		p->bytes.len = 0;
		if (digits(p, 10) < 0)
			return -1;
		if (term_parse_peek(p, 0) == '#') {
			if (based(p, start))
				return -1;
		} else if (term_parse_peek(p, 0) == '.' &&
			   term_parse_digit_value(term_parse_peek(p, 1)) < 10) {
			n->is_float = true;
			if (fraction(p, start, &n->f))
				return -1;
			if (negative)
				n->f = -n->f;
			return 0;
		} else if (digits_to_mag(p, p->bytes.data, p->bytes.len, 10)) {
			return -1;
		}
	}
	p->int_negative = negative && p->mag.len > 0;
	return 0;
}
