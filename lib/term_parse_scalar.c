/* term_parse_scalar.c - the leaves of Erlang term syntax: numbers of any
 * size, quoted text with escapes, and binaries built from literal
 * segments (see term_parse.h for what is accepted). The rules follow
 * erl_scan: '_' only between two digits, escapes \NNN \xNN \x{..} \^C
 * and \c meaning c for any other character. */
#include "term_parse_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_unicode(uint32_t c)
{
	return c < 0xd800 || (c > 0xdfff && c < 0xfffe) ||
	       (c > 0xffff && c <= 0x10ffff);
}

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* --- quoted text ------------------------------------------------------------ */

static int push_char(struct parser *p, uint32_t cp)
{
	if (vec_reserve(&p->chars, 1, sizeof(cp)))
		return tp_nomem(p);
	((uint32_t *)p->chars.data)[p->chars.len++] = cp;
	return 0;
}

/* One UTF-8 character of the text at p->pos. */
static int text_char(struct parser *p, uint32_t *cp)
{
	size_t k = etf_utf8_next((const uint8_t *)p->s + p->pos,
				 p->len - p->pos, cp);

	if (k == 0)
		return tp_fail(p, p->pos, DIST_E_INVALID_ARGS,
			       "invalid UTF-8 in the term text");
	p->pos += k;
	return 0;
}

/* \x{H..}: p->pos after the '{'. */
static int hex_braces(struct parser *p, size_t at, uint32_t *cp)
{
	uint32_t v = 0;
	size_t n = 0;

	while (digit_value(tp_peek(p, 0)) < 16) {
		v = v * 16 + (uint32_t)digit_value(tp_peek(p, 0));
		p->pos++;
		if (++n > 8 || v > 0x10ffff)
			return tp_fail(p, at, DIST_E_INVALID_ARGS,
				       "\\x{...} beyond the last Unicode "
				       "character");
	}
	if (n == 0)
		return tp_expected(p, p->pos, "hex digits in \\x{...}");
	if (tp_peek(p, 0) != '}')
		return tp_expected(p, p->pos, "'}' to end \\x{...}");
	p->pos++;
	if (!is_unicode(v))
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "\\x{%X} is not a Unicode character", v);
	*cp = v;
	return 0;
}

static uint32_t escape_char(uint32_t c)
{
	switch (c) {
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'e': return 27;
	case 's': return ' ';
	case 'd': return 127;
	default: return c;
	}
}

/* An escape; p->pos just after the backslash at `at`. */
static int escape(struct parser *p, size_t at, uint32_t *cp)
{
	int c = tp_peek(p, 0), n;

	if (c < 0)
		return tp_expected(p, p->pos, "an escape after '\\'");
	if (c >= '0' && c <= '7') {
		*cp = 0;
		for (n = 0; n < 3 && (c = tp_peek(p, 0)) >= '0' && c <= '7';
		     n++, p->pos++)
			*cp = *cp * 8 + (uint32_t)(c - '0');
		return 0;
	}
	if (c == 'x') {
		p->pos++;
		if (tp_peek(p, 0) == '{') {
			p->pos++;
			return hex_braces(p, at, cp);
		}
		if (digit_value(tp_peek(p, 0)) >= 16 ||
		    digit_value(tp_peek(p, 1)) >= 16)
			return tp_expected(p, p->pos, "two hex digits or '{' "
					   "after \\x");
		*cp = (uint32_t)(digit_value(tp_peek(p, 0)) * 16 +
				 digit_value(tp_peek(p, 1)));
		p->pos += 2;
		return 0;
	}
	if (c == '^') {
		p->pos++;
		if (tp_peek(p, 0) < 0)
			return tp_expected(p, p->pos, "a character after \\^");
		if (text_char(p, cp))
			return -1;
		*cp &= 31;
		return 0;
	}
	if (text_char(p, cp))
		return -1;
	*cp = escape_char(*cp);
	return 0;
}

int tp_quoted(struct parser *p, int quote)
{
	size_t at = p->pos;
	uint32_t cp;

	p->pos++;
	for (;;) {
		int c = tp_peek(p, 0);

		if (c < 0)
			return tp_fail(p, at, DIST_E_INVALID_ARGS,
				       quote == '"' ? "unterminated string "
				       "(no closing '\"')" : "unterminated "
				       "quoted atom (no closing ''')");
		if (c == quote) {
			p->pos++;
			return 0;
		}
		if (c == '\\') {
			size_t esc = p->pos++;

			if (escape(p, esc, &cp))
				return -1;
		} else if (text_char(p, &cp)) {
			return -1;
		}
		if (push_char(p, cp))
			return -1;
	}
}

int tp_strings(struct parser *p)
{
	for (;;) {
		size_t after;

		if (tp_quoted(p, '"'))
			return -1;
		after = p->pos;
		tp_skip_blank(p);
		if (tp_peek(p, 0) != '"') {
			p->pos = after;
			return 0;
		}
	}
}

/* --- numbers ------------------------------------------------------------------- */

/* Digits of `base`, '_' allowed between two of them, appended to
 * p->bytes as values. Returns how many were read, or -1. */
static long digits(struct parser *p, int base)
{
	size_t start = p->bytes.len;

	while (digit_value(tp_peek(p, 0)) < base ||
	       (tp_peek(p, 0) == '_' && p->bytes.len > start &&
		digit_value(tp_peek(p, 1)) < base)) {
		if (tp_peek(p, 0) == '_')
			p->pos++;
		if (p->bytes.len - start >= p->lim.max_digits)
			return tp_fail(p, p->pos, DIST_E_TOO_LARGE,
				       "integer of more than %zu digits",
				       p->lim.max_digits);
		if (vec_reserve(&p->bytes, 1, 1))
			return tp_nomem(p);
		((uint8_t *)p->bytes.data)[p->bytes.len++] =
			(uint8_t)digit_value(tp_peek(p, 0));
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
			if (vec_reserve(&limbs, 1, sizeof(*l))) {
				free(limbs.data);
				return tp_nomem(p);
			}
			((uint32_t *)limbs.data)[limbs.len++] =
				(uint32_t)carry;
		}
	}
	p->mag.len = 0;
	if (vec_reserve(&p->mag, limbs.len * 4 + 1, 1)) {
		free(limbs.data);
		return tp_nomem(p);
	}
	l = limbs.data;
	for (j = 0; j < limbs.len * 4; j++)
		((uint8_t *)p->mag.data)[j] = (uint8_t)(l[j / 4] >> (8 * (j % 4)));
	p->mag.len = limbs.len * 4;
	while (p->mag.len && ((uint8_t *)p->mag.data)[p->mag.len - 1] == 0)
		p->mag.len--;
	free(limbs.data);
	return 0;
}

static int small_to_mag(struct parser *p, uint64_t v)
{
	p->mag.len = 0;
	if (vec_reserve(&p->mag, 8, 1))
		return tp_nomem(p);
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

	if (tp_peek(p, 0) < 0)
		return tp_expected(p, p->pos, "a character after '$'");
	if (tp_peek(p, 0) == '\\') {
		size_t at = p->pos++;

		if (escape(p, at, &cp))
			return -1;
	} else if (tp_peek(p, 0) == '\n') {
		cp = '\n';
		p->pos++;
	} else if (text_char(p, &cp)) {
		return -1;
	}
	return small_to_mag(p, cp);
}

/* A float from the text between start and p->pos ('_' removed). */
static int float_value(struct parser *p, size_t start, double *out)
{
	size_t i;
	char *end;

	p->bytes.len = 0;
	if (vec_reserve(&p->bytes, p->pos - start + 1, 1))
		return tp_nomem(p);
	for (i = start; i < p->pos; i++)
		if (p->s[i] != '_')
			((char *)p->bytes.data)[p->bytes.len++] = p->s[i];
	((char *)p->bytes.data)[p->bytes.len] = '\0';
	*out = strtod(p->bytes.data, &end);
	if (!isfinite(*out))
		return tp_fail(p, start, DIST_E_INVALID_ARGS,
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
	c = tp_peek(p, 0);
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
		return tp_fail(p, start, DIST_E_INVALID_ARGS,
			       "the base before '#' must be 2..36");
	p->pos++;
	p->bytes.len = 0;
	n = digits(p, (int)base);
	if (n < 0)
		return -1;
	if (n == 0)
		return tp_expected(p, p->pos, base <= 10 ? "a digit after '#'"
				   : "a digit or letter after '#'");
	return digits_to_mag(p, p->bytes.data, p->bytes.len, base);
}

int tp_number(struct parser *p, struct number *n)
{
	bool negative = false;
	size_t start;
	int c = tp_peek(p, 0);

	n->is_float = false;
	if (c == '-' || c == '+') {
		negative = c == '-';
		p->pos++;
		tp_skip_blank(p);
		c = tp_peek(p, 0);
		if (!(c >= '0' && c <= '9') && c != '$')
			return tp_expected(p, p->pos, negative ?
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
		if (tp_peek(p, 0) == '#') {
			if (based(p, start))
				return -1;
		} else if (tp_peek(p, 0) == '.' &&
			   digit_value(tp_peek(p, 1)) < 10) {
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

/* --- binaries ------------------------------------------------------------------ */

enum seg_type { SEG_INTEGER, SEG_FLOAT, SEG_UTF8, SEG_UTF16, SEG_UTF32,
		SEG_BINARY };

struct segment {
	enum seg_type type;
	bool little;
	bool has_size;
	uint64_t size;
	unsigned unit;          /* 0: the type's default */
};

struct bitw {
	struct vec v;           /* bytes, bits written from the top */
	uint64_t nbits;
};

static int put_bit(struct parser *p, struct bitw *w, unsigned bit)
{
	if (w->nbits % 8 == 0) {
		if (vec_reserve(&w->v, 1, 1))
			return tp_nomem(p);
		((uint8_t *)w->v.data)[w->v.len++] = 0;
	}
	if (bit)
		((uint8_t *)w->v.data)[w->nbits / 8] |=
			(uint8_t)(0x80 >> (w->nbits % 8));
	w->nbits++;
	return 0;
}

static int put_byte(struct parser *p, struct bitw *w, uint8_t b)
{
	int i;

	if (w->nbits % 8 == 0) {
		if (vec_reserve(&w->v, 1, 1))
			return tp_nomem(p);
		((uint8_t *)w->v.data)[w->v.len++] = b;
		w->nbits += 8;
		return 0;
	}
	for (i = 7; i >= 0; i--)
		if (put_bit(p, w, (b >> i) & 1))
			return -1;
	return 0;
}

/* The integer in p->int_negative/p->mag, truncated to `bits` in two's
 * complement, as Erlang builds an integer segment. */
static int put_int(struct parser *p, struct bitw *w, uint64_t bits,
		   bool little)
{
	size_t nbytes = (size_t)((bits + 7) / 8), i;
	const uint8_t *mag = p->mag.data;
	unsigned carry = 1;
	uint8_t *tc;
	int r = 0;

	tc = malloc(nbytes ? nbytes : 1);
	if (!tc)
		return tp_nomem(p);
	for (i = 0; i < nbytes; i++) {
		unsigned b = i < p->mag.len ? mag[i] : 0;

		if (p->int_negative) {
			b = (~b & 0xff) + carry;
			carry = b >> 8;
		}
		tc[i] = (uint8_t)b;
	}
	if (little) {
		/* whole bytes from the least significant; a partial last
		 * byte keeps its low bits, as <<16#ABC:12/little>> is
		 * <<16#BC, 16#A:4>> */
		for (i = 0; i < bits / 8 && !r; i++)
			r = put_byte(p, w, tc[i]);
		for (i = (size_t)(bits % 8); i-- > 0 && !r;)
			r = put_bit(p, w, (tc[nbytes - 1] >> i) & 1);
	} else if (bits % 8 == 0) {
		for (i = 0; i < nbytes && !r; i++)
			r = put_byte(p, w, tc[nbytes - 1 - i]);
	} else {
		for (i = (size_t)bits; i-- > 0 && !r;)
			r = put_bit(p, w, (tc[i / 8] >> (i % 8)) & 1);
	}
	free(tc);
	return r;
}

static int put_uint(struct parser *p, struct bitw *w, uint64_t v, int bytes,
		    bool little)
{
	int i;

	for (i = 0; i < bytes; i++) {
		int shift = 8 * (little ? i : bytes - 1 - i);

		if (put_byte(p, w, (uint8_t)(v >> shift)))
			return -1;
	}
	return 0;
}

static int put_utf(struct parser *p, struct bitw *w, enum seg_type type,
		   uint32_t cp, bool little)
{
	if (type == SEG_UTF32)
		return put_uint(p, w, cp, 4, little);
	if (type == SEG_UTF16 && cp < 0x10000)
		return put_uint(p, w, cp, 2, little);
	if (type == SEG_UTF16)
		return put_uint(p, w, 0xd800 | ((cp - 0x10000) >> 10), 2,
				little) ||
		       put_uint(p, w, 0xdc00 | ((cp - 0x10000) & 0x3ff), 2,
				little);
	if (cp < 0x80)
		return put_byte(p, w, (uint8_t)cp);
	if (cp < 0x800)
		return put_byte(p, w, (uint8_t)(0xc0 | cp >> 6)) ||
		       put_byte(p, w, (uint8_t)(0x80 | (cp & 0x3f)));
	if (cp < 0x10000)
		return put_byte(p, w, (uint8_t)(0xe0 | cp >> 12)) ||
		       put_byte(p, w, (uint8_t)(0x80 | ((cp >> 6) & 0x3f))) ||
		       put_byte(p, w, (uint8_t)(0x80 | (cp & 0x3f)));
	return put_byte(p, w, (uint8_t)(0xf0 | cp >> 18)) ||
	       put_byte(p, w, (uint8_t)(0x80 | ((cp >> 12) & 0x3f))) ||
	       put_byte(p, w, (uint8_t)(0x80 | ((cp >> 6) & 0x3f))) ||
	       put_byte(p, w, (uint8_t)(0x80 | (cp & 0x3f)));
}

static int put_float(struct parser *p, struct bitw *w, size_t at, double d,
		     uint64_t bits, bool little)
{
	uint64_t u;
	uint32_t u32;
	float f;

	if (!isfinite(d))
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "integer too large for a float segment");
	if (bits == 64) {
		memcpy(&u, &d, sizeof u);
		return put_uint(p, w, u, 8, little);
	}
	if (bits != 32)
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "a float segment must be 32 or 64 bits");
	f = (float)d;
	if (!isfinite(f))
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "float out of range for 32 bits");
	memcpy(&u32, &f, sizeof u32);
	return put_uint(p, w, u32, 4, little);
}

static int segment_word(struct parser *p, struct segment *s)
{
	static const struct { const char *name; int type; int little; }
	words[] = {
		{ "integer", SEG_INTEGER, -1 }, { "float", SEG_FLOAT, -1 },
		{ "binary", SEG_BINARY, -1 }, { "bytes", SEG_BINARY, -1 },
		{ "bitstring", SEG_BINARY, -1 }, { "bits", SEG_BINARY, -1 },
		{ "utf8", SEG_UTF8, -1 }, { "utf16", SEG_UTF16, -1 },
		{ "utf32", SEG_UTF32, -1 }, { "signed", -1, -1 },
		{ "unsigned", -1, -1 }, { "big", -1, 0 }, { "little", -1, 1 },
		{ "native", -1, __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ },
	};
	size_t at = p->pos, n = 0, i;
	struct number unit;

	while (p->pos + n < p->len &&
	       (digit_value(p->s[p->pos + n]) < 36 || p->s[p->pos + n] == '_'))
		n++;
	p->pos += n;
	if (n == 4 && memcmp(p->s + at, "unit", 4) == 0) {
		tp_skip_blank(p);
		if (!tp_take(p, ":"))
			return tp_expected(p, p->pos, "':' after unit");
		tp_skip_blank(p);
		if (digit_value(tp_peek(p, 0)) >= 10)
			return tp_expected(p, p->pos, "a unit 1..256");
		if (tp_number(p, &unit))
			return -1;
		if (unit.is_float || p->mag.len > 2 || p->mag.len == 0 ||
		    (p->mag.len == 2 && (((uint8_t *)p->mag.data)[1] > 1 ||
					 ((uint8_t *)p->mag.data)[0] > 0)))
			return tp_fail(p, at, DIST_E_INVALID_ARGS,
				       "unit must be 1..256");
		s->unit = ((uint8_t *)p->mag.data)[0] +
			  (p->mag.len == 2 ? 256u : 0);
		return 0;
	}
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strlen(words[i].name) != n ||
		    memcmp(words[i].name, p->s + at, n) != 0)
			continue;
		if (words[i].type >= 0)
			s->type = (enum seg_type)words[i].type;
		if (words[i].little >= 0)
			s->little = words[i].little;
		return 0;
	}
	if (n == 0)
		return tp_expected(p, at, "a type after '/'");
	return tp_fail(p, at, DIST_E_INVALID_ARGS,
		       "unknown binary segment type '%.*s'", (int)n,
		       p->s + at);
}

/* :Size and /type-spec-list after a segment's value. */
static int segment_spec(struct parser *p, struct segment *s)
{
	struct number size;

	tp_skip_blank(p);
	if (tp_take(p, ":")) {
		size_t at;

		tp_skip_blank(p);
		at = p->pos;
		if (digit_value(tp_peek(p, 0)) >= 10)
			return tp_expected(p, p->pos, "a literal size after ':'");
		if (tp_number(p, &size))
			return -1;
		if (size.is_float || p->mag.len > 5)
			return tp_fail(p, at, DIST_E_TOO_LARGE,
				       "segment size too large");
		s->has_size = true;
		s->size = 0;
		while (p->mag.len)
			s->size = s->size << 8 |
				  ((uint8_t *)p->mag.data)[--p->mag.len];
		tp_skip_blank(p);
	}
	if (!tp_take(p, "/"))
		return 0;
	do {
		tp_skip_blank(p);
		if (segment_word(p, s))
			return -1;
		tp_skip_blank(p);
	} while (tp_take(p, "-"));
	return 0;
}

static double mag_to_double(const struct parser *p)
{
	const uint8_t *mag = p->mag.data;
	double d = 0;
	size_t i;

	for (i = p->mag.len; i-- > 0;)
		d = d * 256 + mag[i];
	return p->int_negative ? -d : d;
}

/* The integer in p->mag as a code point, or UINT32_MAX when it is none. */
static uint32_t mag_to_cp(const struct parser *p)
{
	const uint8_t *mag = p->mag.data;
	uint32_t cp = 0;
	size_t i;

	if (p->int_negative || p->mag.len > 3)
		return UINT32_MAX;
	for (i = p->mag.len; i-- > 0;)
		cp = cp << 8 | mag[i];
	return cp;
}

/* The size of one value of segment s in bits. */
static uint64_t value_bits(const struct segment *s)
{
	if (s->type == SEG_FLOAT && !s->has_size)
		return 64;
	if (!s->has_size)
		return 8;
	return s->size * (s->unit ? s->unit : 1);
}

/* Write one value of a segment: a float, or the integer in p->mag. */
static int put_value(struct parser *p, struct bitw *w, size_t at,
		     const struct segment *s, const struct number *n)
{
	uint64_t bits = value_bits(s), cp = 0;

	if (s->type == SEG_BINARY)
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "a binary-typed segment needs a binary value, "
			       "which a literal term cannot hold");
	if (s->type != SEG_FLOAT && n->is_float)
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "a float value needs the type /float");
	if (s->type >= SEG_UTF8 && s->type <= SEG_UTF32) {
		if (s->has_size || s->unit)
			return tp_fail(p, at, DIST_E_INVALID_ARGS,
				       "a utf segment takes no size or unit");
		cp = mag_to_cp(p);
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return tp_fail(p, at, DIST_E_INVALID_ARGS,
				       "not a Unicode character for a utf "
				       "segment");
		bits = 32;
	}
	if (bits > (uint64_t)p->lim.max_binary * 8 - w->nbits)
		return tp_fail(p, at, DIST_E_TOO_LARGE,
			       "binary larger than %zu bytes",
			       p->lim.max_binary);
	if (s->type == SEG_FLOAT)
		return put_float(p, w, at, n->is_float ? n->f :
				 mag_to_double(p), bits, s->little);
	if (s->type != SEG_INTEGER)
		return put_utf(p, w, s->type, (uint32_t)cp, s->little);
	return put_int(p, w, bits, s->little);
}

/* A string value: each character is one value of the segment's type. */
static int put_chars(struct parser *p, struct bitw *w, size_t at,
		     const struct segment *s)
{
	struct number n = { .is_float = false };
	size_t i;

	if (s->type == SEG_FLOAT)
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "a string segment cannot be /float");
	for (i = 0; i < p->chars.len; i++) {
		p->int_negative = 0;
		if (small_to_mag(p, ((uint32_t *)p->chars.data)[i]) ||
		    put_value(p, w, at, s, &n))
			return -1;
	}
	return 0;
}

/* One segment: Value[:Size][/Types]. */
static int segment(struct parser *p, struct bitw *w)
{
	struct segment s = { .type = SEG_INTEGER };
	struct number n = { .is_float = false };
	struct vec value;
	size_t at = p->pos;
	int c = tp_peek(p, 0), negative, r;

	if (c == '"') {
		p->chars.len = 0;
		if (tp_strings(p))
			return -1;
	} else if ((c >= '0' && c <= '9') || c == '$' || c == '-' ||
		   c == '+') {
		if (tp_number(p, &n))
			return -1;
	} else if (c == '(') {
		/* <<(-5):8>>: a parenthesised number, as erl_parse allows */
		p->pos++;
		tp_skip_blank(p);
		if (tp_number(p, &n))
			return -1;
		tp_skip_blank(p);
		if (!tp_take(p, ")"))
			return tp_expected(p, p->pos, "')'");
	} else {
		return tp_expected(p, p->pos, "an integer, float or string "
				   "in a binary segment");
	}
	/* :Size and unit:N are numbers too: keep the value aside */
	negative = p->int_negative;
	value = p->mag;
	p->mag = (struct vec){ 0 };
	r = segment_spec(p, &s);
	free(p->mag.data);
	p->mag = value;
	p->int_negative = negative;
	if (r)
		return -1;
	if (c == '"')
		return put_chars(p, w, at, &s);
	return put_value(p, w, at, &s, &n);
}

int tp_binary(struct parser *p, struct etf_term **out)
{
	struct bitw w = { { 0 }, 0 };
	int r = 0;

	tp_skip_blank(p);
	if (!tp_take(p, ">>")) {
		for (;;) {
			tp_skip_blank(p);
			r = segment(p, &w);
			if (r)
				break;
			tp_skip_blank(p);
			if (tp_take(p, ">>"))
				break;
			if (!tp_take(p, ",")) {
				r = tp_expected(p, p->pos, "',' or '>>' after "
						"a binary segment");
				break;
			}
		}
	}
	/* Each binary is bounded by max_binary, and so are all of them
	 * together: a short text of many big segments must not take
	 * gigabytes. */
	if (r == 0 && w.v.len > p->lim.max_binary - p->binary_bytes)
		r = tp_fail(p, p->pos, DIST_E_TOO_LARGE,
			    "binaries larger than %zu bytes in all",
			    p->lim.max_binary);
	else if (r == 0)
		p->binary_bytes += w.v.len;
	if (r == 0) {
		*out = etf_binary(p->a, w.v.data ? w.v.data : "", w.v.len);
		if (!*out)
			r = tp_nomem(p);
		else if (w.nbits % 8)
			(*out)->v.bin.bits = (uint8_t)(w.nbits % 8);
	}
	free(w.v.data);
	return r;
}
