/* etf_encode.c - a term tree to external term format (see etf.h).
 *
 * We always emit the modern forms an OTP 25+ peer expects (UTF-8 atoms,
 * NEW_PID, NEWER_REFERENCE, NEW_FLOAT). Room is reserved before each
 * write so a failure says whether the buffer cap (too_large) or memory
 * (out_of_memory) stopped us.
 */
#include "etf/etf.h"
#include "base/utf8.h"

#include <string.h>

struct enc {
	struct buf *b;
	struct dist_error *err;
	enum dist_stage stage;
};

static int enc_fail(struct enc *e, enum dist_code code, const char *what)
{
	return dist_error_set(e->err, code, e->stage, "cannot encode term: %s",
			      what);
}

/* Reserve n bytes; every put below is then sure to succeed. */
static int room(struct enc *e, size_t n)
{
	struct buf *b = e->b;

	if (b->failed || n > b->max - b->len)
		return enc_fail(e, DIST_E_TOO_LARGE,
				"larger than the buffer limit");
	if (buf_reserve(b, n))
		return enc_fail(e, DIST_E_NOMEM, "out of memory");
	return 0;
}

static int put_tag_u8(struct enc *e, uint8_t tag, uint8_t v)
{
	if (room(e, 2))
		return -1;
	buf_put_u8(e->b, tag);
	buf_put_u8(e->b, v);
	return 0;
}

static int put_tag_u32(struct enc *e, uint8_t tag, uint32_t v)
{
	if (room(e, 5))
		return -1;
	buf_put_u8(e->b, tag);
	buf_put_u32(e->b, v);
	return 0;
}

static int put_bytes(struct enc *e, const void *p, size_t n)
{
	if (room(e, n))
		return -1;
	buf_put(e->b, p, n);
	return 0;
}

static int encode(struct enc *e, const struct etf_term *t, unsigned depth);

/* SMALL_BIG or LARGE_BIG from a sign and little-endian magnitude with
 * no high zero bytes. */
static int put_big(struct enc *e, int negative, const uint8_t *le,
		   uint32_t n)
{
	while (n > 0 && le[n - 1] == 0)
		n--;
	if (n <= 255) {
		if (room(e, 3))
			return -1;
		buf_put_u8(e->b, 110);
		buf_put_u8(e->b, (uint8_t)n);
	} else if (put_tag_u32(e, 111, n) || room(e, 1)) {
		return -1;
	}
	buf_put_u8(e->b, negative ? 1 : 0);
	return put_bytes(e, le, n);
}

static int encode_int(struct enc *e, int64_t v)
{
	uint8_t le[8];
	uint64_t mag;
	int i;

	if (v >= 0 && v <= 255)
		return put_tag_u8(e, 97, (uint8_t)v);
	if (v >= INT32_MIN && v <= INT32_MAX)
		return put_tag_u32(e, 98, (uint32_t)(int32_t)v);
	mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
	for (i = 0; i < 8; i++)
		le[i] = (uint8_t)(mag >> (8 * i));
	return put_big(e, v < 0, le, 8);
}

static int encode_float(struct enc *e, double f)
{
	uint64_t bits;

	memcpy(&bits, &f, sizeof bits);
	if (room(e, 9))
		return -1;
	buf_put_u8(e->b, 70);
	buf_put_u64(e->b, bits);
	return 0;
}

static int encode_atom(struct enc *e, const struct etf_term *t)
{
	uint32_t len = t->v.atom.len;
	long chars = utf8_count((const uint8_t *)t->v.atom.name, len);

	/* A name that is not UTF-8 (made by hand) counts by its bytes. */
	if (chars > 255 || (chars < 0 && len > 255))
		return enc_fail(e, DIST_E_TOO_LARGE,
				"atom longer than 255 characters");
	if (len <= 255) {
		if (put_tag_u8(e, 119, (uint8_t)len))
			return -1;
	} else {
		if (room(e, 3))
			return -1;
		buf_put_u8(e->b, 118);
		buf_put_u16(e->b, (uint16_t)len);
	}
	return put_bytes(e, t->v.atom.name, len);
}

static int encode_many(struct enc *e, struct etf_term *const *elems,
		       uint32_t n, unsigned depth)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (encode(e, elems[i], depth))
			return -1;
	return 0;
}

static int encode_tuple(struct enc *e, const struct etf_term *t,
			unsigned depth)
{
	uint32_t n = t->v.tuple.arity;

	if (n <= 255 ? put_tag_u8(e, 104, (uint8_t)n) : put_tag_u32(e, 105, n))
		return -1;
	return encode_many(e, t->v.tuple.elems, n, depth);
}

static int encode_list(struct enc *e, const struct etf_term *t,
		       unsigned depth)
{
	if (put_tag_u32(e, 108, t->v.list.len) ||
	    encode_many(e, t->v.list.elems, t->v.list.len, depth))
		return -1;
	return encode(e, t->v.list.tail, depth);
}

/* STRING_EXT holds at most 65535 bytes; longer ones become a LIST of
 * small integers, which is the same term. */
static int encode_string(struct enc *e, const struct etf_term *t)
{
	uint32_t n = t->v.string.len, i;

	if (n == 0)
		return put_bytes(e, "\x6a", 1);
	if (n <= 65535) {
		if (room(e, 3))
			return -1;
		buf_put_u8(e->b, 107);
		buf_put_u16(e->b, (uint16_t)n);
		return put_bytes(e, t->v.string.bytes, n);
	}
	if (put_tag_u32(e, 108, n) || room(e, (size_t)n * 2 + 1))
		return -1;
	for (i = 0; i < n; i++) {
		buf_put_u8(e->b, 97);
		buf_put_u8(e->b, t->v.string.bytes[i]);
	}
	buf_put_u8(e->b, 106);
	return 0;
}

static int encode_binary(struct enc *e, const struct etf_term *t)
{
	uint32_t n = t->v.bin.len;

	if (n == 0 || t->v.bin.bits == 8)
		return put_tag_u32(e, 109, n) ? -1
					      : put_bytes(e, t->v.bin.data, n);
	if (t->v.bin.bits < 1 || t->v.bin.bits > 8)
		return enc_fail(e, DIST_E_INVALID_ARGS,
				"bitstring with a bad bit count");
	if (put_tag_u32(e, 77, n) || room(e, 1))
		return -1;
	buf_put_u8(e->b, t->v.bin.bits);
	return put_bytes(e, t->v.bin.data, n);
}

static int encode_map(struct enc *e, const struct etf_term *t,
		      unsigned depth)
{
	uint32_t i;

	if (put_tag_u32(e, 116, t->v.map.arity))
		return -1;
	for (i = 0; i < t->v.map.arity; i++)
		if (encode(e, t->v.map.keys[i], depth) ||
		    encode(e, t->v.map.values[i], depth))
			return -1;
	return 0;
}

static int encode_node(struct enc *e, const struct etf_term *node)
{
	if (!node || node->type != ETF_ATOM)
		return enc_fail(e, DIST_E_INVALID_ARGS,
				"pid, port or reference without a node atom");
	return encode_atom(e, node);
}

static int encode_pid(struct enc *e, const struct etf_term *t)
{
	if (put_bytes(e, "\x58", 1) || encode_node(e, t->v.pid.node) ||
	    room(e, 12))
		return -1;
	buf_put_u32(e->b, t->v.pid.id);
	buf_put_u32(e->b, t->v.pid.serial);
	buf_put_u32(e->b, t->v.pid.creation);
	return 0;
}

/* NEW_PORT holds a 32-bit id; V4_PORT (OTP 24+) the 64-bit one. */
static int encode_port(struct enc *e, const struct etf_term *t)
{
	int v4 = t->v.port.id > UINT32_MAX;

	if (put_bytes(e, v4 ? "\x78" : "\x59", 1) ||
	    encode_node(e, t->v.port.node) || room(e, 12))
		return -1;
	if (v4)
		buf_put_u64(e->b, t->v.port.id);
	else
		buf_put_u32(e->b, (uint32_t)t->v.port.id);
	buf_put_u32(e->b, t->v.port.creation);
	return 0;
}

static int encode_ref(struct enc *e, const struct etf_term *t)
{
	uint8_t i, n = t->v.ref.len;

	if (n < 1 || n > 5)
		return enc_fail(e, DIST_E_INVALID_ARGS,
				"reference without 1 to 5 words");
	if (room(e, 3))
		return -1;
	buf_put_u8(e->b, 90);
	buf_put_u16(e->b, n);
	if (encode_node(e, t->v.ref.node) || room(e, 4 + 4 * (size_t)n))
		return -1;
	buf_put_u32(e->b, t->v.ref.creation);
	for (i = 0; i < n; i++)
		buf_put_u32(e->b, t->v.ref.ids[i]);
	return 0;
}

static int encode_export(struct enc *e, const struct etf_term *t)
{
	const struct etf_term *m = t->v.export.module;
	const struct etf_term *f = t->v.export.function;

	if (!m || !f || m->type != ETF_ATOM || f->type != ETF_ATOM)
		return enc_fail(e, DIST_E_INVALID_ARGS,
				"export without module and function atoms");
	if (put_bytes(e, "\x71", 1) || encode_atom(e, m) ||
	    encode_atom(e, f))
		return -1;
	return put_tag_u8(e, 97, t->v.export.arity);
}

/* A closure cannot be rebuilt from its parts here: send the bytes the
 * creating node gave us. */
static int encode_fun(struct enc *e, const struct etf_term *t)
{
	if (!t->v.fun.raw || t->v.fun.len == 0)
		return enc_fail(e, DIST_E_INVALID_ARGS,
				"fun without its encoded form");
	return put_bytes(e, t->v.fun.raw, t->v.fun.len);
}

static int encode(struct enc *e, const struct etf_term *t, unsigned depth)
{
	if (!t)
		return enc_fail(e, DIST_E_INVALID_ARGS, "missing element");
	if (++depth > ETF_MAX_WALK_DEPTH)
		return enc_fail(e, DIST_E_TOO_LARGE, "nested too deep");
	switch (t->type) {
	case ETF_INT: return encode_int(e, t->v.i);
	case ETF_BIG: return put_big(e, t->v.big.negative, t->v.big.digits,
				     t->v.big.n);
	case ETF_FLOAT: return encode_float(e, t->v.f);
	case ETF_ATOM: return encode_atom(e, t);
	case ETF_TUPLE: return encode_tuple(e, t, depth);
	case ETF_NIL: return put_bytes(e, "\x6a", 1);
	case ETF_LIST: return encode_list(e, t, depth);
	case ETF_STRING: return encode_string(e, t);
	case ETF_BINARY: return encode_binary(e, t);
	case ETF_MAP: return encode_map(e, t, depth);
	case ETF_PID: return encode_pid(e, t);
	case ETF_PORT: return encode_port(e, t);
	case ETF_REF: return encode_ref(e, t);
	case ETF_EXPORT: return encode_export(e, t);
	case ETF_FUN: return encode_fun(e, t);
	}
	return enc_fail(e, DIST_E_INVALID_ARGS, "unknown term type");
}

int etf_encode(const struct etf_term *t, struct buf *out, bool with_version,
	       struct dist_error *err)
{
	struct enc e = {
		.b = out, .err = err,
		.stage = err ? err->stage : DIST_STAGE_NONE,
	};

	if (with_version && put_bytes(&e, "\x83", 1))
		return -1;
	return encode(&e, t, 0);
}
