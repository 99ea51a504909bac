/* etf_decode.c - external term format to a term tree (see etf.h).
 *
 * The input comes from peers we do not trust. Every length is checked
 * against the bytes that remain before anything is allocated (each
 * element takes at least one byte, so a count larger than the rest of the
 * input is a lie), recursion is bounded by limits.max_depth, the number
 * of terms by limits.max_count and inflated data by limits.max_bytes.
 * Everything a term points to is copied into the arena, so the caller may
 * free its input buffer after the call.
 */
#include "etf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum {
	TAG_NEW_FLOAT = 70,
	TAG_BIT_BINARY = 77,
	TAG_COMPRESSED = 80,
	TAG_ATOM_CACHE_REF = 82,
	TAG_NEW_PID = 88,
	TAG_NEW_PORT = 89,
	TAG_NEWER_REFERENCE = 90,
	TAG_SMALL_INTEGER = 97,
	TAG_INTEGER = 98,
	TAG_FLOAT = 99,
	TAG_ATOM = 100,
	TAG_REFERENCE = 101,
	TAG_PORT = 102,
	TAG_PID = 103,
	TAG_SMALL_TUPLE = 104,
	TAG_LARGE_TUPLE = 105,
	TAG_NIL = 106,
	TAG_STRING = 107,
	TAG_LIST = 108,
	TAG_BINARY = 109,
	TAG_SMALL_BIG = 110,
	TAG_LARGE_BIG = 111,
	TAG_NEW_FUN = 112,
	TAG_EXPORT = 113,
	TAG_NEW_REFERENCE = 114,
	TAG_SMALL_ATOM = 115,
	TAG_MAP = 116,
	TAG_FUN = 117,
	TAG_ATOM_UTF8 = 118,
	TAG_SMALL_ATOM_UTF8 = 119,
	TAG_V4_PORT = 120,
	TAG_LOCAL = 121,
};

/* zlib cannot expand data more than about 1032 times: a declared size
 * beyond that is a lie we refuse before allocating for it. */
#define ZLIB_MAX_RATIO 1032

struct dec {
	const uint8_t *start, *p, *end;
	bool capped;           /* end was cut at limits.max_bytes */
	const char *where;     /* "" or where offsets count from */
	struct etf_arena *a;
	const struct etf_limits *lim;
	size_t count;
	struct dist_error *err;
};

static size_t offset(const struct dec *d)
{
	return (size_t)(d->p - d->start);
}

static size_t remaining(const struct dec *d)
{
	return (size_t)(d->end - d->p);
}

__attribute__((format(printf, 3, 4)))
static int fail(struct dec *d, enum dist_code code, const char *fmt, ...)
{
	char msg[DIST_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return dist_error_set(d->err, code,
			      d->err ? d->err->stage : DIST_STAGE_NONE,
			      "%s%s", msg, d->where);
}

static int bad(struct dec *d, const char *what, size_t at)
{
	return fail(d, DIST_E_PROTOCOL, "malformed term: %s at byte %zu",
		    what, at);
}

static int nomem(struct dec *d)
{
	return fail(d, DIST_E_NOMEM, "out of memory decoding a term");
}

/* n more bytes must be there; when they are not because we cut the input
 * at max_bytes, the term is too large rather than truncated. */
static int need(struct dec *d, size_t n, const char *what)
{
	if (remaining(d) >= n)
		return 0;
	if (d->capped)
		return fail(d, DIST_E_TOO_LARGE,
			    "term larger than the %zu byte limit",
			    d->lim->max_bytes);
	return fail(d, DIST_E_PROTOCOL,
		    "truncated term: %s needs %zu bytes at byte %zu, %zu left",
		    what, n, offset(d), remaining(d));
}

/* n elements of at least one byte each are about to be read. */
static int need_elems(struct dec *d, uint64_t n, const char *what)
{
	if (need(d, n > SIZE_MAX ? SIZE_MAX : (size_t)n, what))
		return -1;
	if (n > d->lim->max_count - d->count)
		return fail(d, DIST_E_TOO_LARGE,
			    "%s of %llu elements exceeds the %zu term limit",
			    what, (unsigned long long)n, d->lim->max_count);
	return 0;
}

static uint8_t u8(struct dec *d)
{
	return *d->p++;
}

static uint16_t u16(struct dec *d)
{
	uint16_t v = get_u16(d->p);

	d->p += 2;
	return v;
}

static uint32_t u32(struct dec *d)
{
	uint32_t v = get_u32(d->p);

	d->p += 4;
	return v;
}

static struct etf_term *new_term(struct dec *d, enum etf_type type)
{
	struct etf_term *t = etf_arena_alloc(d->a, sizeof(*t));

	if (!t) {
		nomem(d);
		return NULL;
	}
	t->type = type;
	return t;
}

static void *dec_alloc(struct dec *d, size_t n, size_t size)
{
	void *p = NULL;

	if (!size || n <= SIZE_MAX / size)
		p = etf_arena_alloc(d->a, n * size);
	if (!p)
		nomem(d);
	return p;
}

static uint8_t *dec_copy(struct dec *d, size_t n)
{
	uint8_t *q = dec_alloc(d, n, 1);

	if (q) {
		if (n)
			memcpy(q, d->p, n);
		d->p += n;
	}
	return q;
}

static int decode(struct dec *d, size_t depth, struct etf_term **out);

/* ---- atoms ---- */

static int utf8_atom(struct dec *d, size_t len, struct etf_term *t)
{
	size_t at = offset(d), i = 0, chars = 0, n;
	uint32_t cp;

	if (need(d, len, "atom"))
		return -1;
	while (i < len) {
		n = etf_utf8_next(d->p + i, len - i, &cp);
		if (!n)
			return bad(d, "invalid UTF-8 in atom", at + i);
		i += n;
		chars++;
	}
	if (chars > 255)
		return bad(d, "atom longer than 255 characters", at);
	t->v.atom.name = (char *)dec_alloc(d, len + 1, 1);
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
		return bad(d, "atom longer than 255 characters", offset(d));
	if (need(d, len, "atom"))
		return -1;
	s = dec_alloc(d, 2 * len + 1, 1);
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

	if (need(d, small ? 1 : 2, "atom length"))
		return -1;
	len = small ? u8(d) : u16(d);
	if (tag == TAG_ATOM_UTF8 || tag == TAG_SMALL_ATOM_UTF8)
		return utf8_atom(d, len, t);
	return latin1_atom(d, len, t);
}

/* A node name, module or function: a term that must be an atom. */
static int decode_atom(struct dec *d, size_t depth, const char *what,
		       struct etf_term **out)
{
	size_t at = offset(d);

	if (decode(d, depth, out))
		return -1;
	if ((*out)->type != ETF_ATOM)
		return bad(d, what, at);
	return 0;
}

/* ---- numbers ---- */

static int decode_big(struct dec *d, uint8_t tag, struct etf_term **out)
{
	size_t at = offset(d);
	uint32_t n;
	uint8_t sign;

	if (need(d, tag == TAG_SMALL_BIG ? 2 : 5, "big integer header"))
		return -1;
	n = tag == TAG_SMALL_BIG ? u8(d) : u32(d);
	sign = u8(d);
	if (sign > 1)
		return bad(d, "big integer sign not 0 or 1", at);
	if (need(d, n, "big integer digits"))
		return -1;
	*out = etf_big(d->a, sign, d->p, n);
	if (!*out)
		return nomem(d);
	d->p += n;
	return 0;
}

/* FLOAT_EXT: 31 bytes of "%.20e" text padded with NULs. */
static int decode_old_float(struct dec *d, struct etf_term *t)
{
	char text[32], *end;
	size_t at = offset(d);

	if (need(d, 31, "FLOAT_EXT"))
		return -1;
	memcpy(text, d->p, 31);
	text[31] = '\0';
	d->p += 31;
	t->v.f = strtod(text, &end);
	if (end == text || *end != '\0' || !isfinite(t->v.f))
		return bad(d, "FLOAT_EXT text is not a finite float", at);
	return 0;
}

static int decode_new_float(struct dec *d, struct etf_term *t)
{
	size_t at = offset(d);
	uint64_t bits;

	if (need(d, 8, "NEW_FLOAT_EXT"))
		return -1;
	bits = get_u64(d->p);
	d->p += 8;
	memcpy(&t->v.f, &bits, sizeof(t->v.f));
	if (!isfinite(t->v.f))
		return bad(d, "NaN or infinite float", at);
	return 0;
}

/* ---- containers ---- */

static int decode_elems(struct dec *d, size_t depth, uint32_t n,
			struct etf_term ***elems, const char *what)
{
	uint32_t i;

	if (need_elems(d, n, what))
		return -1;
	*elems = dec_alloc(d, n, sizeof(**elems));
	if (!*elems)
		return -1;
	for (i = 0; i < n; i++)
		if (decode(d, depth + 1, &(*elems)[i]))
			return -1;
	return 0;
}

static int decode_tuple(struct dec *d, uint8_t tag, size_t depth,
			struct etf_term *t)
{
	if (need(d, tag == TAG_SMALL_TUPLE ? 1 : 4, "tuple arity"))
		return -1;
	t->v.tuple.arity = tag == TAG_SMALL_TUPLE ? u8(d) : u32(d);
	return decode_elems(d, depth, t->v.tuple.arity, &t->v.tuple.elems,
			    "tuple");
}

static int decode_list(struct dec *d, size_t depth, struct etf_term **out)
{
	struct etf_term *t = *out;

	if (need(d, 4, "list length"))
		return -1;
	t->v.list.len = u32(d);
	/* The elements and the tail. */
	if (need_elems(d, (uint64_t)t->v.list.len + 1, "list"))
		return -1;
	if (decode_elems(d, depth, t->v.list.len, &t->v.list.elems, "list"))
		return -1;
	if (decode(d, depth + 1, &t->v.list.tail))
		return -1;
	if (t->v.list.len == 0)
		*out = t->v.list.tail;	/* [ | T] with no elements is T */
	return 0;
}

static int decode_string(struct dec *d, struct etf_term **out)
{
	struct etf_term *t = *out;
	uint16_t len;

	if (need(d, 2, "string length"))
		return -1;
	len = u16(d);
	if (need(d, len, "string"))
		return -1;
	if (len == 0) {
		t->type = ETF_NIL;
		return 0;
	}
	t->v.string.len = len;
	t->v.string.bytes = dec_copy(d, len);
	return t->v.string.bytes ? 0 : -1;
}

/* binary_to_term refuses a map with a key twice; so do we, or a value
 * would silently vanish on its way through JSON. Sorted, equal keys are
 * neighbours. */
static int check_unique_keys(struct dec *d, const struct etf_term *t,
			     size_t at)
{
	uint32_t n = t->v.map.arity, *order;
	int dup = 0;

	if (n < 2)
		return 0;
	order = malloc((size_t)n * sizeof(*order));
	if (!order) {
		dist_error_set(d->err, DIST_E_NOMEM,
			       d->err ? d->err->stage : DIST_STAGE_NONE,
			       "out of memory checking map keys");
		return -1;
	}
	etf_map_order(t, order);
	for (uint32_t i = 1; i < n && !dup; i++)
		dup = etf_equal(t->v.map.keys[order[i - 1]],
				t->v.map.keys[order[i]]);
	free(order);
	return dup ? bad(d, "map with a repeated key", at) : 0;
}

static int decode_map(struct dec *d, size_t depth, struct etf_term *t)
{
	size_t at = offset(d);
	uint32_t n, i;

	if (need(d, 4, "map arity"))
		return -1;
	n = u32(d);
	if (need_elems(d, 2 * (uint64_t)n, "map"))
		return -1;
	t->v.map.arity = n;
	t->v.map.keys = dec_alloc(d, n, sizeof(*t->v.map.keys));
	t->v.map.values = dec_alloc(d, n, sizeof(*t->v.map.values));
	if (!t->v.map.keys || !t->v.map.values)
		return -1;
	for (i = 0; i < n; i++)
		if (decode(d, depth + 1, &t->v.map.keys[i]) ||
		    decode(d, depth + 1, &t->v.map.values[i]))
			return -1;
	return check_unique_keys(d, t, at);
}

static int decode_binary(struct dec *d, struct etf_term *t)
{
	if (need(d, 4, "binary length"))
		return -1;
	t->v.bin.len = u32(d);
	t->v.bin.bits = 8;
	if (need(d, t->v.bin.len, "binary"))
		return -1;
	t->v.bin.data = dec_copy(d, t->v.bin.len);
	return t->v.bin.data ? 0 : -1;
}

/* The last byte's unused low bits are not part of the value: clear them
 * so equal bitstrings have equal bytes. */
static int decode_bit_binary(struct dec *d, struct etf_term *t)
{
	size_t at = offset(d);
	uint8_t bits;

	if (need(d, 5, "bit binary header"))
		return -1;
	t->v.bin.len = u32(d);
	bits = u8(d);
	if (t->v.bin.len == 0 ? bits != 0 : bits < 1 || bits > 8)
		return bad(d, "bit binary with a bad bit count", at);
	t->v.bin.bits = t->v.bin.len ? bits : 8;
	if (need(d, t->v.bin.len, "bit binary"))
		return -1;
	t->v.bin.data = dec_copy(d, t->v.bin.len);
	if (!t->v.bin.data)
		return -1;
	if (t->v.bin.len)
		t->v.bin.data[t->v.bin.len - 1] &= (uint8_t)(0xFF << (8 - bits));
	return 0;
}

/* ---- identifiers ---- */

static int decode_pid(struct dec *d, uint8_t tag, size_t depth,
		      struct etf_term *t)
{
	if (decode_atom(d, depth + 1, "pid node is not an atom",
			&t->v.pid.node))
		return -1;
	if (need(d, tag == TAG_NEW_PID ? 12 : 9, "pid"))
		return -1;
	t->v.pid.id = u32(d);
	t->v.pid.serial = u32(d);
	t->v.pid.creation = tag == TAG_NEW_PID ? u32(d) : u8(d);
	return 0;
}

static int decode_port(struct dec *d, uint8_t tag, size_t depth,
		       struct etf_term *t)
{
	static const size_t size[] = { [0] = 5, [1] = 8, [2] = 12 };
	int kind = tag == TAG_PORT ? 0 : tag == TAG_NEW_PORT ? 1 : 2;

	if (decode_atom(d, depth + 1, "port node is not an atom",
			&t->v.port.node))
		return -1;
	if (need(d, size[kind], "port"))
		return -1;
	t->v.port.id = kind == 2 ? get_u64(d->p) : get_u32(d->p);
	d->p += kind == 2 ? 8 : 4;
	t->v.port.creation = kind == 0 ? u8(d) : u32(d);
	return 0;
}

static int decode_ref(struct dec *d, uint8_t tag, size_t depth,
		      struct etf_term *t)
{
	size_t at = offset(d), words = 1, i;

	if (tag != TAG_REFERENCE) {
		if (need(d, 2, "reference length"))
			return -1;
		words = u16(d);
		if (words < 1 || words > 5)
			return bad(d, "reference of more than 5 words", at);
	}
	if (decode_atom(d, depth + 1, "reference node is not an atom",
			&t->v.ref.node))
		return -1;
	/* OTP pads shorter references to 3 words (#Ref<0.0.0.1>); so do
	 * we, so that they print and compare as the node's do. */
	t->v.ref.len = (uint8_t)(words < 3 ? 3 : words);
	if (tag == TAG_REFERENCE) {
		if (need(d, 5, "reference"))
			return -1;
		t->v.ref.ids[0] = u32(d);
		t->v.ref.creation = u8(d);
		return 0;
	}
	if (need(d, (tag == TAG_NEWER_REFERENCE ? 4 : 1) + 4 * words,
		 "reference"))
		return -1;
	t->v.ref.creation = tag == TAG_NEWER_REFERENCE ? u32(d) : u8(d);
	for (i = 0; i < words; i++)
		t->v.ref.ids[i] = u32(d);
	return 0;
}

/* ---- functions ---- */

static int decode_export(struct dec *d, size_t depth, struct etf_term *t)
{
	struct etf_term *arity;
	size_t at;

	if (decode_atom(d, depth + 1, "export module is not an atom",
			&t->v.export.module) ||
	    decode_atom(d, depth + 1, "export function is not an atom",
			&t->v.export.function))
		return -1;
	at = offset(d);
	if (need(d, 1, "export arity"))
		return -1;
	if (*d->p != TAG_SMALL_INTEGER)
		return bad(d, "export arity is not a small integer", at);
	if (decode(d, depth + 1, &arity))
		return -1;
	t->v.export.arity = (uint8_t)arity->v.i;
	return 0;
}

static int decode_u32_term(struct dec *d, size_t depth, const char *what,
			   uint32_t *out)
{
	struct etf_term *t;
	size_t at = offset(d);

	if (decode(d, depth, &t))
		return -1;
	if (t->type != ETF_INT || t->v.i < 0 || t->v.i > UINT32_MAX)
		return bad(d, what, at);
	*out = (uint32_t)t->v.i;
	return 0;
}

static int fun_fields(struct dec *d, size_t depth, struct etf_term *t)
{
	size_t at;

	if (need(d, 1 + 16 + 4 + 4, "fun header"))
		return -1;
	t->v.fun.arity = u8(d);
	memcpy(t->v.fun.uniq, d->p, 16);
	d->p += 16;
	t->v.fun.index = u32(d);
	t->v.fun.num_free = u32(d);
	if (decode_atom(d, depth + 1, "fun module is not an atom",
			&t->v.fun.module) ||
	    decode_u32_term(d, depth + 1, "fun old index is not an integer",
			    &t->v.fun.old_index) ||
	    decode_u32_term(d, depth + 1, "fun old uniq is not an integer",
			    &t->v.fun.old_uniq))
		return -1;
	at = offset(d);
	if (decode(d, depth + 1, &t->v.fun.pid))
		return -1;
	if (t->v.fun.pid->type != ETF_PID)
		return bad(d, "fun creator is not a pid", at);
	return decode_elems(d, depth, t->v.fun.num_free, &t->v.fun.free_vars,
			    "fun environment");
}

/* NEW_FUN_EXT: Size counts itself and everything after the tag; the
 * fields must fill it exactly. The raw bytes are kept to send back. */
static int decode_fun(struct dec *d, size_t depth, struct etf_term *t)
{
	const uint8_t *tag_at = d->p - 1, *outer_end = d->end;
	size_t at = offset(d);
	uint32_t size;
	int rc;

	if (need(d, 4, "fun size"))
		return -1;
	size = get_u32(d->p);
	if (size < 4 + 1 + 16 + 4 + 4)
		return bad(d, "fun size too small", at);
	if (need(d, size, "fun"))
		return -1;
	d->end = d->p + size;
	d->p += 4;
	rc = fun_fields(d, depth, t);
	if (!rc && d->p != d->end)
		rc = bad(d, "fun size does not match its fields", at);
	d->end = outer_end;
	if (rc)
		return -1;
	t->v.fun.len = size + 1;
	t->v.fun.raw = dec_alloc(d, t->v.fun.len, 1);
	if (!t->v.fun.raw)
		return -1;
	memcpy(t->v.fun.raw, tag_at, t->v.fun.len);
	return 0;
}

/* ---- dispatch ---- */

static int decode_small_int(struct dec *d, uint8_t tag, struct etf_term *t)
{
	if (need(d, tag == TAG_SMALL_INTEGER ? 1 : 4, "integer"))
		return -1;
	t->v.i = tag == TAG_SMALL_INTEGER ? u8(d) : (int32_t)u32(d);
	return 0;
}

static int decode_tagged(struct dec *d, uint8_t tag, size_t at,
			 size_t depth, struct etf_term **out)
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
	case TAG_SMALL_TUPLE: case TAG_LARGE_TUPLE:
		t->type = ETF_TUPLE;
		return decode_tuple(d, tag, depth, t);
	case TAG_NIL:
		t->type = ETF_NIL;
		return 0;
	case TAG_STRING:
		t->type = ETF_STRING;
		return decode_string(d, out);
	case TAG_LIST:
		t->type = ETF_LIST;
		return decode_list(d, depth, out);
	case TAG_BINARY:
		t->type = ETF_BINARY;
		return decode_binary(d, t);
	case TAG_BIT_BINARY:
		t->type = ETF_BINARY;
		return decode_bit_binary(d, t);
	case TAG_MAP:
		t->type = ETF_MAP;
		return decode_map(d, depth, t);
	case TAG_NEW_PID: case TAG_PID:
		t->type = ETF_PID;
		return decode_pid(d, tag, depth, t);
	case TAG_NEWER_REFERENCE: case TAG_NEW_REFERENCE: case TAG_REFERENCE:
		t->type = ETF_REF;
		return decode_ref(d, tag, depth, t);
	case TAG_NEW_PORT: case TAG_PORT: case TAG_V4_PORT:
		t->type = ETF_PORT;
		return decode_port(d, tag, depth, t);
	case TAG_EXPORT:
		t->type = ETF_EXPORT;
		return decode_export(d, depth, t);
	case TAG_NEW_FUN:
		t->type = ETF_FUN;
		return decode_fun(d, depth, t);
	case TAG_ATOM_CACHE_REF:
		return bad(d, "ATOM_CACHE_REF (the atom cache is never "
			   "negotiated)", at);
	case TAG_COMPRESSED:
		return bad(d, "COMPRESSED inside a term", at);
	case TAG_FUN:
		return bad(d, "old FUN_EXT (unsupported since OTP 23)", at);
	case TAG_LOCAL:
		return bad(d, "LOCAL_EXT (only its own node can read it)", at);
	default:
		return fail(d, DIST_E_PROTOCOL,
			    "malformed term: unknown tag %u at byte %zu",
			    tag, at);
	}
}

static int decode(struct dec *d, size_t depth, struct etf_term **out)
{
	size_t at = offset(d);
	uint8_t tag;

	if (depth > d->lim->max_depth || depth > ETF_MAX_WALK_DEPTH)
		return fail(d, DIST_E_TOO_LARGE,
			    "term nested deeper than %zu at byte %zu",
			    d->lim->max_depth, at);
	if (d->count >= d->lim->max_count)
		return fail(d, DIST_E_TOO_LARGE,
			    "term has more than %zu elements",
			    d->lim->max_count);
	d->count++;
	if (need(d, 1, "tag"))
		return -1;
	tag = u8(d);
	*out = new_term(d, ETF_NIL);
	if (!*out)
		return -1;
	return decode_tagged(d, tag, at, depth, out);
}

/* ---- COMPRESSED: u32 inflated size, zlib stream of a term ---- */

static int inflate_all(struct dec *d, uint32_t size, uint8_t *dst,
		       size_t *used)
{
	z_stream zs;
	int rc;

	memset(&zs, 0, sizeof zs);
	if (inflateInit(&zs) != Z_OK)
		return nomem(d);
	zs.next_in = (Bytef *)d->p;
	zs.avail_in = remaining(d) > UINT32_MAX ? UINT32_MAX
						: (uInt)remaining(d);
	zs.next_out = dst;
	zs.avail_out = size;
	rc = inflate(&zs, Z_FINISH);
	*used = zs.total_in;
	inflateEnd(&zs);
	if (rc == Z_STREAM_END && zs.total_out == size)
		return 0;
	if (rc == Z_MEM_ERROR)
		return nomem(d);
	if (rc == Z_BUF_ERROR && zs.avail_out == 0)
		return bad(d, "COMPRESSED data inflates past its declared size",
			   offset(d));
	if (rc == Z_STREAM_END || rc == Z_BUF_ERROR)
		return bad(d, "COMPRESSED data shorter than its declared size",
			   offset(d));
	return bad(d, "COMPRESSED data is not a valid zlib stream",
		   offset(d));
}

static int decode_inflated(struct dec *d, const uint8_t *data, uint32_t size,
			   struct etf_term **out)
{
	struct dec in = *d;
	int rc;

	in.start = in.p = data;
	in.end = data + size;
	in.capped = false;
	in.where = " of the inflated COMPRESSED data";
	rc = decode(&in, 0, out);
	if (!rc && in.p != in.end)
		rc = bad(&in, "bytes left after the compressed term",
			 offset(&in));
	d->count = in.count;
	return rc;
}

static int decode_compressed(struct dec *d, struct etf_term **out)
{
	size_t at = offset(d), used = 0;
	uint32_t size;
	uint8_t *data;
	int rc;

	if (need(d, 4, "COMPRESSED size"))
		return -1;
	size = u32(d);
	if (size > d->lim->max_bytes)
		return fail(d, DIST_E_TOO_LARGE,
			    "COMPRESSED term inflates to %u bytes, over the "
			    "%zu byte limit", size, d->lim->max_bytes);
	if (size == 0 || size / ZLIB_MAX_RATIO > remaining(d))
		return bad(d, "COMPRESSED size impossible for its data", at);
	data = malloc(size);
	if (!data)
		return nomem(d);
	rc = inflate_all(d, size, data, &used);
	if (!rc)
		rc = decode_inflated(d, data, size, out);
	free(data);
	if (!rc)
		d->p += used;
	return rc;
}

int etf_decode(const uint8_t *buf, size_t len, size_t *used,
	       struct etf_arena *a, const struct etf_limits *lim,
	       struct etf_term **out, struct dist_error *err)
{
	struct dec d = {
		.start = buf, .p = buf, .end = buf + len, .where = "",
		.a = a, .lim = lim ? lim : &etf_default_limits, .err = err,
	};
	int rc;

	if (len > d.lim->max_bytes) {
		d.end = buf + d.lim->max_bytes;
		d.capped = true;
	}
	if (need(&d, 1, "version byte"))
		return -1;
	if (*d.p != ETF_VERSION)
		return fail(&d, DIST_E_PROTOCOL,
			    "malformed term: version byte %u, expected %u",
			    *d.p, ETF_VERSION);
	d.p++;
	if (remaining(&d) && *d.p == TAG_COMPRESSED) {
		d.p++;
		rc = decode_compressed(&d, out);
	} else {
		rc = decode(&d, 0, out);
	}
	if (rc)
		return -1;
	if (used)
		*used = offset(&d);
	return 0;
}
