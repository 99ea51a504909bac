/* etf_decode_scalar.c - the terms that hold no other term: atoms (kept
 * UTF-8 whatever their tag), integers, big integers, floats, strings,
 * binaries and bitstrings, and the tags we refuse. Every length is
 * checked (etf_decode_read.c) before it is used; nothing here recurses.
 */
#include "etf/etf_decode_internal.h"
#include "base/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- atoms ---- */

static int utf8_atom(struct dec *d, size_t len, struct etf_term *t)
{
	size_t at = etf_dec_offset(d), i = 0, chars = 0, n;
	uint32_t cp;

	if (etf_dec_need(d, len, "atom"))
		return -1;
	while (i < len) {
		n = utf8_next(d->p + i, len - i, &cp);
		if (!n)
			return etf_dec_bad(d, "invalid UTF-8 in atom", at + i);
		i += n;
		chars++;
	}
	if (chars > 255)
		return etf_dec_bad(d, "atom longer than 255 characters", at);
	t->v.atom.name = (char *)etf_dec_alloc(d, len + 1, 1);
	if (!t->v.atom.name)
		return -1;
	memcpy(t->v.atom.name, d->p, len);
	t->v.atom.len = (uint32_t)len;
	d->p += len;
	return 0;
}

/* ATOM_EXT and SMALL_ATOM_EXT hold Latin-1: we keep every atom UTF-8. */
static int latin1_atom(struct dec *d, size_t len, struct etf_term *t)
{
	size_t i, o = 0;
	char *s;

	if (len > 255)
		return etf_dec_bad(d, "atom longer than 255 characters",
			       etf_dec_offset(d));
	if (etf_dec_need(d, len, "atom"))
		return -1;
	s = etf_dec_alloc(d, 2 * len + 1, 1);
	if (!s)
		return -1;
	for (i = 0; i < len; i++) {
		uint8_t c = d->p[i];

		if (c < 0x80) {
			s[o++] = (char)c;
		} else {
			s[o++] = (char)(0xC0 | (c >> 6));
			s[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	d->p += len;
	t->v.atom.name = s;
	t->v.atom.len = (uint32_t)o;
	return 0;
}

static int atom_body(struct dec *d, uint8_t tag, struct etf_term *t)
{
	size_t len;
	int small = tag == TAG_SMALL_ATOM_UTF8 || tag == TAG_SMALL_ATOM;

	if (etf_dec_need(d, small ? 1 : 2, "atom length"))
		return -1;
	len = small ? etf_dec_u8(d) : etf_dec_u16(d);
	if (tag == TAG_ATOM_UTF8 || tag == TAG_SMALL_ATOM_UTF8)
		return utf8_atom(d, len, t);
	return latin1_atom(d, len, t);
}

/* ---- numbers ---- */

static int decode_big(struct dec *d, uint8_t tag, struct etf_term **out)
{
	size_t at = etf_dec_offset(d);
	uint32_t n;
	uint8_t sign;

	if (etf_dec_need(d, tag == TAG_SMALL_BIG ? 2 : 5, "big integer header"))
		return -1;
	n = tag == TAG_SMALL_BIG ? etf_dec_u8(d) : etf_dec_u32(d);
	sign = etf_dec_u8(d);
	if (sign > 1)
		return etf_dec_bad(d, "big integer sign not 0 or 1", at);
	if (etf_dec_need(d, n, "big integer digits"))
		return -1;
	*out = etf_big(d->a, sign, d->p, n);
	if (!*out)
		return etf_dec_nomem(d);
	d->p += n;
	return 0;
}

/* FLOAT_EXT: 31 bytes of "%.20e" text padded with NULs. */
static int decode_old_float(struct dec *d, struct etf_term *t)
{
	char text[32], *end;
	size_t at = etf_dec_offset(d);

	if (etf_dec_need(d, 31, "FLOAT_EXT"))
		return -1;
	memcpy(text, d->p, 31);
	text[31] = '\0';
	d->p += 31;
	t->v.f = strtod(text, &end);
	if (end == text || *end != '\0' || !isfinite(t->v.f))
		return etf_dec_bad(d, "FLOAT_EXT text is not a finite float",
				   at);
	return 0;
}

static int decode_new_float(struct dec *d, struct etf_term *t)
{
	size_t at = etf_dec_offset(d);
	uint64_t bits;

	if (etf_dec_need(d, 8, "NEW_FLOAT_EXT"))
		return -1;
	bits = get_u64(d->p);
	d->p += 8;
	memcpy(&t->v.f, &bits, sizeof(t->v.f));
	if (!isfinite(t->v.f))
		return etf_dec_bad(d, "NaN or infinite float", at);
	return 0;
}

/* ---- strings and binaries ---- */

static int decode_string(struct dec *d, struct etf_term **out)
{
	struct etf_term *t = *out;
	uint16_t len;

	if (etf_dec_need(d, 2, "string length"))
		return -1;
	len = etf_dec_u16(d);
	if (etf_dec_need(d, len, "string"))
		return -1;
	if (len == 0) {
		t->type = ETF_NIL;
		return 0;
	}
	t->v.string.len = len;
	t->v.string.bytes = etf_dec_copy(d, len);
	return t->v.string.bytes ? 0 : -1;
}

static int decode_binary(struct dec *d, struct etf_term *t)
{
	if (etf_dec_need(d, 4, "binary length"))
		return -1;
	t->v.bin.len = etf_dec_u32(d);
	t->v.bin.bits = 8;
	if (etf_dec_need(d, t->v.bin.len, "binary"))
		return -1;
	t->v.bin.data = etf_dec_copy(d, t->v.bin.len);
	return t->v.bin.data ? 0 : -1;
}

/* The last byte's unused low bits are not part of the value: clear them
 * so equal bitstrings have equal bytes. */
static int decode_bit_binary(struct dec *d, struct etf_term *t)
{
	size_t at = etf_dec_offset(d);
	uint8_t bits;

	if (etf_dec_need(d, 5, "bit binary header"))
		return -1;
	t->v.bin.len = etf_dec_u32(d);
	bits = etf_dec_u8(d);
	if (t->v.bin.len == 0 ? bits != 0 : bits < 1 || bits > 8)
		return etf_dec_bad(d, "bit binary with a bad bit count", at);
	t->v.bin.bits = t->v.bin.len ? bits : 8;
	if (etf_dec_need(d, t->v.bin.len, "bit binary"))
		return -1;
	t->v.bin.data = etf_dec_copy(d, t->v.bin.len);
	if (!t->v.bin.data)
		return -1;
	if (t->v.bin.len)
		t->v.bin.data[t->v.bin.len - 1] &=
			(uint8_t)(0xFF << (8 - bits));
	return 0;
}

/* ---- dispatch ---- */

static int decode_small_int(struct dec *d, uint8_t tag, struct etf_term *t)
{
	if (etf_dec_need(d, tag == TAG_SMALL_INTEGER ? 1 : 4, "integer"))
		return -1;
	t->v.i = tag == TAG_SMALL_INTEGER ? etf_dec_u8(d)
					  : (int32_t)etf_dec_u32(d);
	return 0;
}

int etf_dec_scalar(struct dec *d, uint8_t tag, size_t at,
		   struct etf_term **out)
{
	struct etf_term *t = *out;

	switch (tag) {
	case TAG_SMALL_INTEGER: case TAG_INTEGER:
		t->type = ETF_INT;
		return decode_small_int(d, tag, t);
	case TAG_SMALL_BIG: case TAG_LARGE_BIG:
		return decode_big(d, tag, out);
	case TAG_NEW_FLOAT:
		t->type = ETF_FLOAT;
		return decode_new_float(d, t);
	case TAG_FLOAT:
		t->type = ETF_FLOAT;
		return decode_old_float(d, t);
	case TAG_ATOM_UTF8: case TAG_SMALL_ATOM_UTF8:
	case TAG_ATOM: case TAG_SMALL_ATOM:
		t->type = ETF_ATOM;
		return atom_body(d, tag, t);
	case TAG_NIL:
		t->type = ETF_NIL;
		return 0;
	case TAG_STRING:
		t->type = ETF_STRING;
		return decode_string(d, out);
	case TAG_BINARY:
		t->type = ETF_BINARY;
		return decode_binary(d, t);
	case TAG_BIT_BINARY:
		t->type = ETF_BINARY;
		return decode_bit_binary(d, t);
	case TAG_ATOM_CACHE_REF:
		return etf_dec_bad(d, "ATOM_CACHE_REF (the atom cache is never "
			       "negotiated)", at);
	case TAG_COMPRESSED:
		return etf_dec_bad(d, "COMPRESSED inside a term", at);
	case TAG_FUN:
		return etf_dec_bad(d, "old FUN_EXT (unsupported since OTP 23)",
				   at);
	case TAG_LOCAL:
		return etf_dec_bad(
			d, "LOCAL_EXT (only its own node can read it)", at);
	default:
		return etf_dec_fail(d, DIST_E_PROTOCOL,
				"malformed term: unknown tag %u at byte %zu",
				tag, at);
	}
}
