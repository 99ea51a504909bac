/* etf_decode.c - external term format to a term tree (see etf.h).
 *
 * The input comes from peers we do not trust. Every length is checked
 * against the bytes that remain before anything is allocated (each
 * element takes at least one byte, so a count larger than the rest of the
 * input is a lie), recursion is bounded by limits.max_depth, the number
 * of terms by limits.max_count and inflated data by limits.max_bytes.
 * Everything a term points to is copied into the arena, so the caller may
 * free its input buffer after the call.
 *
 * This file: the checks every decoder uses, the tag dispatch, the plain
 * terms (atoms, numbers, containers) and the entry point. Pids, ports,
 * references and funs are in etf_decode_ext.c, COMPRESSED in
 * etf_decode_compressed.c; etf_decode_internal.h holds what they share.
 */
#include "etf/etf_decode_internal.h"
#include "base/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
int etf_dec_fail(struct dec *d, enum dist_code code, const char *fmt, ...)
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

int etf_dec_bad(struct dec *d, const char *what, size_t at)
{
	return etf_dec_fail(d, DIST_E_PROTOCOL, "malformed term: %s at byte %zu",
			what, at);
}

int etf_dec_nomem(struct dec *d)
{
	return etf_dec_fail(d, DIST_E_NOMEM, "out of memory decoding a term");
}

/* n more bytes must be there; when they are not because we cut the input
 * at max_bytes, the term is too large rather than truncated. */
int etf_dec_need(struct dec *d, size_t n, const char *what)
{
	if (etf_dec_remaining(d) >= n)
		return 0;
	if (d->capped)
		return etf_dec_fail(d, DIST_E_TOO_LARGE,
				"term larger than the %zu byte limit",
				d->lim->max_bytes);
	return etf_dec_fail(d, DIST_E_PROTOCOL,
		"truncated term: %s needs %zu bytes at byte %zu, %zu left",
		what, n, etf_dec_offset(d), etf_dec_remaining(d));
}

/* n elements of at least one byte each are about to be read. */
int etf_dec_need_elems(struct dec *d, uint64_t n, const char *what)
{
	if (etf_dec_need(d, n > SIZE_MAX ? SIZE_MAX : (size_t)n, what))
		return -1;
	if (n > d->lim->max_count - d->count)
		return etf_dec_fail(d, DIST_E_TOO_LARGE,
			"%s of %llu elements exceeds the %zu term limit",
			what, (unsigned long long)n, d->lim->max_count);
	return 0;
}

static struct etf_term *new_term(struct dec *d, enum etf_type type)
{
	struct etf_term *t = etf_arena_alloc(d->a, sizeof(*t));

	if (!t) {
		etf_dec_nomem(d);
		return NULL;
	}
	t->type = type;
	return t;
}

void *etf_dec_alloc(struct dec *d, size_t n, size_t size)
{
	void *p = NULL;

	if (!size || n <= SIZE_MAX / size)
		p = etf_arena_alloc(d->a, n * size);
	if (!p)
		etf_dec_nomem(d);
	return p;
}

uint8_t *etf_dec_copy(struct dec *d, size_t n)
{
	uint8_t *q = etf_dec_alloc(d, n, 1);

	if (q) {
		if (n)
			memcpy(q, d->p, n);
		d->p += n;
	}
	return q;
}

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

/* A node name, module or function: a term that must be an atom. */
int etf_dec_atom(struct dec *d, size_t depth, const char *what,
	     struct etf_term **out)
{
	size_t at = etf_dec_offset(d);

	if (etf_dec_term(d, depth, out))
		return -1;
	if ((*out)->type != ETF_ATOM)
		return etf_dec_bad(d, what, at);
	return 0;
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
		return etf_dec_bad(d, "FLOAT_EXT text is not a finite float", at);
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

/* ---- containers ---- */

int etf_dec_elems(struct dec *d, size_t depth, uint32_t n,
	      struct etf_term ***elems, const char *what)
{
	uint32_t i;

	if (etf_dec_need_elems(d, n, what))
		return -1;
	*elems = etf_dec_alloc(d, n, sizeof(**elems));
	if (!*elems)
		return -1;
	for (i = 0; i < n; i++)
		if (etf_dec_term(d, depth + 1, &(*elems)[i]))
			return -1;
	return 0;
}

static int decode_tuple(struct dec *d, uint8_t tag, size_t depth,
			struct etf_term *t)
{
	if (etf_dec_need(d, tag == TAG_SMALL_TUPLE ? 1 : 4, "tuple arity"))
		return -1;
	t->v.tuple.arity = tag == TAG_SMALL_TUPLE ? etf_dec_u8(d) : etf_dec_u32(d);
	return etf_dec_elems(d, depth, t->v.tuple.arity, &t->v.tuple.elems,
			 "tuple");
}

static int decode_list(struct dec *d, size_t depth, struct etf_term **out)
{
	struct etf_term *t = *out;

	if (etf_dec_need(d, 4, "list length"))
		return -1;
	t->v.list.len = etf_dec_u32(d);
	/* The elements and the tail. */
	if (etf_dec_need_elems(d, (uint64_t)t->v.list.len + 1, "list"))
		return -1;
	if (etf_dec_elems(d, depth, t->v.list.len, &t->v.list.elems, "list"))
		return -1;
	if (etf_dec_term(d, depth + 1, &t->v.list.tail))
		return -1;
	if (t->v.list.len == 0)
		*out = t->v.list.tail;	/* [ | T] with no elements is T */
	return 0;
}

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
	return dup ? etf_dec_bad(d, "map with a repeated key", at) : 0;
}

static int decode_map(struct dec *d, size_t depth, struct etf_term *t)
{
	size_t at = etf_dec_offset(d);
	uint32_t n, i;

	if (etf_dec_need(d, 4, "map arity"))
		return -1;
	n = etf_dec_u32(d);
	if (etf_dec_need_elems(d, 2 * (uint64_t)n, "map"))
		return -1;
	t->v.map.arity = n;
	t->v.map.keys = etf_dec_alloc(d, n, sizeof(*t->v.map.keys));
	t->v.map.values = etf_dec_alloc(d, n, sizeof(*t->v.map.values));
	if (!t->v.map.keys || !t->v.map.values)
		return -1;
	for (i = 0; i < n; i++)
		if (etf_dec_term(d, depth + 1, &t->v.map.keys[i]) ||
		    etf_dec_term(d, depth + 1, &t->v.map.values[i]))
			return -1;
	return check_unique_keys(d, t, at);
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
		t->v.bin.data[t->v.bin.len - 1] &= (uint8_t)(0xFF << (8 - bits));
	return 0;
}

/* ---- dispatch ---- */

static int decode_small_int(struct dec *d, uint8_t tag, struct etf_term *t)
{
	if (etf_dec_need(d, tag == TAG_SMALL_INTEGER ? 1 : 4, "integer"))
		return -1;
	t->v.i = tag == TAG_SMALL_INTEGER ? etf_dec_u8(d) : (int32_t)etf_dec_u32(d);
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
		return etf_dec_pid(d, tag, depth, t);
	case TAG_NEWER_REFERENCE: case TAG_NEW_REFERENCE: case TAG_REFERENCE:
		t->type = ETF_REF;
		return etf_dec_ref(d, tag, depth, t);
	case TAG_NEW_PORT: case TAG_PORT: case TAG_V4_PORT:
		t->type = ETF_PORT;
		return etf_dec_port(d, tag, depth, t);
	case TAG_EXPORT:
		t->type = ETF_EXPORT;
		return etf_dec_export(d, depth, t);
	case TAG_NEW_FUN:
		t->type = ETF_FUN;
		return etf_dec_fun(d, depth, t);
	case TAG_ATOM_CACHE_REF:
		return etf_dec_bad(d, "ATOM_CACHE_REF (the atom cache is never "
			       "negotiated)", at);
	case TAG_COMPRESSED:
		return etf_dec_bad(d, "COMPRESSED inside a term", at);
	case TAG_FUN:
		return etf_dec_bad(d, "old FUN_EXT (unsupported since OTP 23)", at);
	case TAG_LOCAL:
		return etf_dec_bad(d, "LOCAL_EXT (only its own node can read it)",
			       at);
	default:
		return etf_dec_fail(d, DIST_E_PROTOCOL,
				"malformed term: unknown tag %u at byte %zu",
				tag, at);
	}
}

int etf_dec_term(struct dec *d, size_t depth, struct etf_term **out)
{
	size_t at = etf_dec_offset(d);
	uint8_t tag;

	if (depth > d->lim->max_depth || depth > ETF_MAX_WALK_DEPTH)
		return etf_dec_fail(d, DIST_E_TOO_LARGE,
				"term nested deeper than %zu at byte %zu",
				d->lim->max_depth, at);
	if (d->count >= d->lim->max_count)
		return etf_dec_fail(d, DIST_E_TOO_LARGE,
				"term has more than %zu elements",
				d->lim->max_count);
	d->count++;
	if (etf_dec_need(d, 1, "tag"))
		return -1;
	tag = etf_dec_u8(d);
	*out = new_term(d, ETF_NIL);
	if (!*out)
		return -1;
	return decode_tagged(d, tag, at, depth, out);
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
	if (etf_dec_need(&d, 1, "version byte"))
		return -1;
	if (*d.p != ETF_VERSION)
		return etf_dec_fail(&d, DIST_E_PROTOCOL,
				"malformed term: version byte %u, expected %u",
				*d.p, ETF_VERSION);
	d.p++;
	if (etf_dec_remaining(&d) && *d.p == TAG_COMPRESSED) {
		d.p++;
		rc = etf_dec_compressed(&d, out);
	} else {
		rc = etf_dec_term(&d, 0, out);
	}
	if (rc)
		return -1;
	if (used)
		*used = etf_dec_offset(&d);
	return 0;
}
