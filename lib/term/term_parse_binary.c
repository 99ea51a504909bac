/* term_parse_binary.c - binaries built from literal segments,
 * <<Value:Size/Type-Specifiers, ...>>, as the shell would build them
 * (see term_parse.h for what is accepted).
 */
#include "term/term_parse_internal.h"
#include "base/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- binaries ------------------------------------------------------------------ */

enum seg_type { SEG_INTEGER, SEG_FLOAT, SEG_UTF8, SEG_UTF16, SEG_UTF32,
		SEG_BINARY };

struct segment {
	enum seg_type type;
	bool bitstring;         /* /bitstring or /bits: any number of bits */
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
		if (term_parse_vec_reserve(&w->v, 1, 1))
			return term_parse_nomem(p);
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
		if (term_parse_vec_reserve(&w->v, 1, 1))
			return term_parse_nomem(p);
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
		return term_parse_nomem(p);
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
	uint8_t u[4];
	size_t i, n;

	if (type == SEG_UTF32)
		return put_uint(p, w, cp, 4, little);
	if (type == SEG_UTF16 && cp < 0x10000)
		return put_uint(p, w, cp, 2, little);
	if (type == SEG_UTF16)
		return put_uint(p, w, 0xd800 | ((cp - 0x10000) >> 10), 2,
				little) ||
		       put_uint(p, w, 0xdc00 | ((cp - 0x10000) & 0x3ff), 2,
				little);
	/* cp was checked to be a Unicode character: utf8_put writes it. */
	n = utf8_put(cp, u);
	for (i = 0; i < n; i++)
		if (put_byte(p, w, u[i]))
			return -1;
	return 0;
}

static int put_float(struct parser *p, struct bitw *w, size_t at, double d,
		     uint64_t bits, bool little)
{
	uint64_t u;
	uint32_t u32;
	float f;

	if (!isfinite(d))
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
			       "integer too large for a float segment");
	if (bits == 64) {
		memcpy(&u, &d, sizeof u);
		return put_uint(p, w, u, 8, little);
	}
	if (bits != 32)
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
			       "a float segment must be 32 or 64 bits");
	f = (float)d;
	if (!isfinite(f))
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
			       "float out of range for 32 bits");
	memcpy(&u32, &f, sizeof u32);
	return put_uint(p, w, u32, 4, little);
}

static int segment_word(struct parser *p, struct segment *s)
{
	/* type and little: -1 leaves the segment's as they are; bits: the
	 * type takes any number of bits (bitstring), not whole bytes. */
	static const struct {
		const char *name;
		int type, little;
		bool bits;
	} words[] = {
		{ "integer", SEG_INTEGER, -1, false },
		{ "float", SEG_FLOAT, -1, false },
		{ "binary", SEG_BINARY, -1, false },
		{ "bytes", SEG_BINARY, -1, false },
		{ "bitstring", SEG_BINARY, -1, true },
		{ "bits", SEG_BINARY, -1, true },
		{ "utf8", SEG_UTF8, -1, false },
		{ "utf16", SEG_UTF16, -1, false },
		{ "utf32", SEG_UTF32, -1, false },
		{ "signed", -1, -1, false }, { "unsigned", -1, -1, false },
		{ "big", -1, 0, false }, { "little", -1, 1, false },
		{ "native", -1, __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
		  false },
	};
	size_t at = p->pos, n = 0, i;
	struct number unit;

	while (p->pos + n < p->len &&
	       (term_parse_digit_value(p->s[p->pos + n]) < 36 ||
		p->s[p->pos + n] == '_'))
		n++;
	p->pos += n;
	if (n == 4 && memcmp(p->s + at, "unit", 4) == 0) {
		term_parse_skip_blank(p);
		if (!term_parse_take(p, ":"))
			return term_parse_expected(p, p->pos, "':' after unit");
		term_parse_skip_blank(p);
		if (term_parse_digit_value(term_parse_peek(p, 0)) >= 10)
			return term_parse_expected(p, p->pos, "a unit 1..256");
		if (term_parse_number(p, &unit))
			return -1;
		if (unit.is_float || p->mag.len > 2 || p->mag.len == 0 ||
		    (p->mag.len == 2 && (((uint8_t *)p->mag.data)[1] > 1 ||
					 ((uint8_t *)p->mag.data)[0] > 0)))
			return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
				       "unit must be 1..256");
		s->unit = ((uint8_t *)p->mag.data)[0] +
			  (p->mag.len == 2 ? 256u : 0);
		return 0;
	}
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strlen(words[i].name) != n ||
		    memcmp(words[i].name, p->s + at, n) != 0)
			continue;
		if (words[i].type >= 0) {
			s->type = (enum seg_type)words[i].type;
			s->bitstring = words[i].bits;
		}
		if (words[i].little >= 0)
			s->little = words[i].little;
		return 0;
	}
	if (n == 0)
		return term_parse_expected(p, at, "a type after '/'");
	return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
		       "unknown binary segment type '%.*s'", (int)n,
		       p->s + at);
}

/* :Size and /type-spec-list after a segment's value. */
static int segment_spec(struct parser *p, struct segment *s)
{
	struct number size;

	term_parse_skip_blank(p);
	if (term_parse_take(p, ":")) {
		size_t at;

		term_parse_skip_blank(p);
		at = p->pos;
		if (term_parse_digit_value(term_parse_peek(p, 0)) >= 10)
			return term_parse_expected(p, p->pos,
						   "a literal size after ':'");
		if (term_parse_number(p, &size))
			return -1;
		if (size.is_float || p->mag.len > 5)
			return term_parse_fail(p, at, DIST_E_TOO_LARGE,
				       "segment size too large");
		s->has_size = true;
		s->size = 0;
		while (p->mag.len)
			s->size = s->size << 8 |
				  ((uint8_t *)p->mag.data)[--p->mag.len];
		term_parse_skip_blank(p);
	}
	if (!term_parse_take(p, "/"))
		return 0;
	do {
		term_parse_skip_blank(p);
		if (segment_word(p, s))
			return -1;
		term_parse_skip_blank(p);
	} while (term_parse_take(p, "-"));
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

static int not_a_binary(struct parser *p, size_t at)
{
	return term_parse_fail(
		p, at, DIST_E_INVALID_ARGS,
		"a /binary segment takes "
		"a binary, such as (<<\"abc\">>)/binary; a string or "
		"a number is refused there, as erl_parse refuses it");
}

/* Write one value of a segment: a float, or the integer in p->mag. */
static int put_value(struct parser *p, struct bitw *w, size_t at,
		     const struct segment *s, const struct number *n)
{
	uint64_t bits = value_bits(s), cp = 0;

	if (s->type == SEG_BINARY)
		return not_a_binary(p, at);
	if (s->type != SEG_FLOAT && n->is_float)
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
			       "a float value needs the type /float");
	if (s->type >= SEG_UTF8 && s->type <= SEG_UTF32) {
		if (s->has_size || s->unit)
			return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
				       "a utf segment takes no size or unit");
		cp = mag_to_cp(p);
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
				       "not a Unicode character for a utf "
				       "segment");
		bits = 32;
	}
	if (bits > (uint64_t)p->lim.max_binary * 8 - w->nbits)
		return term_parse_fail(p, at, DIST_E_TOO_LARGE,
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

	if (s->type == SEG_BINARY)
		return not_a_binary(p, at);   /* even "" */
	for (i = 0; i < p->chars.len; i++) {
		p->int_negative = 0;
		if (term_parse_small_to_mag(p,
					    ((uint32_t *)p->chars.data)[i]) ||
		    put_value(p, w, at, s, &n))
			return -1;
	}
	return 0;
}

/* A binary value, (<<...>>)/binary: its first size * unit bits, or all
 * of them; /binary wants whole bytes, as erl_eval does. */
static int put_bits(struct parser *p, struct bitw *w, size_t at,
		    const struct segment *s, const struct etf_term *v)
{
	uint64_t have = v->v.bin.len ? (uint64_t)(v->v.bin.len - 1) * 8 +
			v->v.bin.bits : 0, want = have, i;
	const uint8_t *d = v->v.bin.data;

	if (s->type != SEG_BINARY)
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
				       "a binary value "
				       "needs the type /binary or /bitstring");
	if (s->has_size)
		want = s->size * (s->unit ? s->unit : s->bitstring ? 1 : 8);
	if (want > have)
		return term_parse_fail(
			p, at, DIST_E_INVALID_ARGS,
			"the binary has "
			"%llu bits, fewer than the segment's size",
			(unsigned long long)have);
	if (!s->has_size && !s->bitstring && want % 8)
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS, "a /binary "
			       "segment takes whole bytes: use /bitstring");
	if (want > (uint64_t)p->lim.max_binary * 8 - w->nbits)
		return term_parse_fail(p, at, DIST_E_TOO_LARGE,
			       "binary larger than %zu bytes",
			       p->lim.max_binary);
	for (i = 0; i + 8 <= want; i += 8)
		if (put_byte(p, w, d[i / 8]))
			return -1;
	for (; i < want; i++)
		if (put_bit(p, w, (d[i / 8] >> (7 - i % 8)) & 1))
			return -1;
	return 0;
}

/* (<<...>>) as a segment's value. */
static int nested_binary(struct parser *p, struct etf_term **v)
{
	int r;

	if (p->binary_nesting >= 32)
		return term_parse_fail(p, p->pos, DIST_E_TOO_LARGE,
			       "binaries nested deeper than 32");
	p->pos += 2;
	p->binary_nesting++;
	r = term_parse_binary(p, v);
	p->binary_nesting--;
	if (r)
		return -1;
	term_parse_skip_blank(p);
	return term_parse_take(p, ")") ? 0
				       : term_parse_expected(p, p->pos, "')'");
}

/* One segment: Value[:Size][/Types]. */
static int segment(struct parser *p, struct bitw *w)
{
	struct segment s = { .type = SEG_INTEGER };
	struct number n = { .is_float = false };
	struct etf_term *bin;
	struct vec value;
	size_t at = p->pos;
	int c = term_parse_peek(p, 0), negative, r;

	if (c == '"') {
		p->chars.len = 0;
		if (term_parse_strings(p))
			return -1;
	} else if ((c >= '0' && c <= '9') || c == '$' || c == '-' ||
		   c == '+') {
		if (term_parse_number(p, &n))
			return -1;
	} else if (c == '(') {
		/* <<(-5):8>>, <<(<<"ab">>)/binary>>: a parenthesised
		 * number or binary, as erl_parse allows */
		p->pos++;
		term_parse_skip_blank(p);
		if (term_parse_peek(p, 0) == '<' &&
		    term_parse_peek(p, 1) == '<') {
			if (nested_binary(p, &bin))
				return -1;
			return segment_spec(p, &s) ||
			       put_bits(p, w, at, &s, bin);
		}
		if (term_parse_number(p, &n))
			return -1;
		term_parse_skip_blank(p);
		if (!term_parse_take(p, ")"))
			return term_parse_expected(p, p->pos, "')'");
	} else {
		return term_parse_expected(p, p->pos,
					   "an integer, float or string "
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

int term_parse_binary(struct parser *p, struct etf_term **out)
{
	struct bitw w = { { 0 }, 0 };
	int r = 0;

	term_parse_skip_blank(p);
	if (!term_parse_take(p, ">>")) {
		for (;;) {
			term_parse_skip_blank(p);
			r = segment(p, &w);
			if (r)
				break;
			term_parse_skip_blank(p);
			if (term_parse_take(p, ">>"))
				break;
			if (!term_parse_take(p, ",")) {
				r = term_parse_expected(p, p->pos,
							"',' or '>>' after "
							"a binary segment");
				break;
			}
		}
	}
	/* Each binary is bounded by max_binary, and so are all of them
	 * together: a short text of many big segments must not take
	 * gigabytes. */
	if (r == 0 && w.v.len > p->lim.max_binary - p->binary_bytes)
		r = term_parse_fail(p, p->pos, DIST_E_TOO_LARGE,
			    "binaries larger than %zu bytes in all",
			    p->lim.max_binary);
	else if (r == 0)
		p->binary_bytes += w.v.len;
	if (r == 0) {
		*out = etf_binary(p->a, w.v.data ? w.v.data : "", w.v.len);
		if (!*out)
			r = term_parse_nomem(p);
		else if (w.nbits % 8)
			(*out)->v.bin.bits = (uint8_t)(w.nbits % 8);
	}
	free(w.v.data);
	return r;
}
