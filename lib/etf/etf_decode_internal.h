/* etf_decode_internal.h - shared by the external term format decoder's
 * files, each of which calls only the ones below it (etf_decode.c lists
 * them). Not part of the API: etf.h is.
 */
#ifndef DIST_ETF_DECODE_INTERNAL_H
#define DIST_ETF_DECODE_INTERNAL_H

#include "etf/etf.h"

#include <stddef.h>
#include <stdint.h>

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

struct dec {
	const uint8_t *start, *p, *end;
	bool capped;           /* end was cut at limits.max_bytes */
	const char *where;     /* "" or where offsets count from */
	struct etf_arena *a;
	const struct etf_limits *lim;
	size_t count;
	struct dist_error *err;
};

/* ---- reading; the caller has checked the bytes are there
 * (etf_dec_need) ---- */

static inline size_t etf_dec_offset(const struct dec *d)
{
	return (size_t)(d->p - d->start);
}

static inline size_t etf_dec_remaining(const struct dec *d)
{
	return (size_t)(d->end - d->p);
}

static inline uint8_t etf_dec_u8(struct dec *d)
{
	return *d->p++;
}

static inline uint16_t etf_dec_u16(struct dec *d)
{
	uint16_t v = get_u16(d->p);

	d->p += 2;
	return v;
}

static inline uint32_t etf_dec_u32(struct dec *d)
{
	uint32_t v = get_u32(d->p);

	d->p += 4;
	return v;
}

/* ---- etf_decode_read.c: errors and checks; each returns -1 after
 * setting d->err, or 0. Every message ends with d->where. ---- */

/* code and the formatted message, at d->err's stage. */
__attribute__((format(printf, 3, 4)))
int etf_dec_fail(struct dec *d, enum dist_code code, const char *fmt, ...);
/* DIST_E_PROTOCOL "malformed term: WHAT at byte AT". */
int etf_dec_bad(struct dec *d, const char *what, size_t at);
int etf_dec_nomem(struct dec *d);
/* n bytes remain, or "truncated term" (DIST_E_TOO_LARGE when the input
 * was cut at limits.max_bytes). */
int etf_dec_need(struct dec *d, size_t n, const char *what);
/* n elements of at least one byte each remain, and fit limits.max_count. */
int etf_dec_need_elems(struct dec *d, uint64_t n, const char *what);

/* ---- etf_decode_read.c: arena memory; NULL, error set, when out of it ---- */

/* n * size bytes, the product checked. */
void *etf_dec_alloc(struct dec *d, size_t n, size_t size);
/* The next n bytes (checked by the caller), copied; d->p moves past them. */
uint8_t *etf_dec_copy(struct dec *d, size_t n);

/* ---- etf_decode_ext.c: fixed-width fields after an identifier's node
 * atom; 0 or -1. None of them recurses. ---- */

/* ID, Serial, Creation of PID (9 bytes) or NEW_PID (12). */
int etf_dec_pid_ids(struct dec *d, uint8_t tag, struct etf_term *t);
/* ID, Creation of PORT (5 bytes), NEW_PORT (8) or V4_PORT (12). */
int etf_dec_port_ids(struct dec *d, uint8_t tag, struct etf_term *t);
/* The word count before a reference's node: 1 for REFERENCE, else a u16
 * of 1..5 ("reference of more than 5 words"). */
int etf_dec_ref_words(struct dec *d, uint8_t tag, size_t *words);
/* Creation and the `words` IDs after a reference's node; t->v.ref.len is
 * padded to 3 words as OTP pads it. */
int etf_dec_ref_ids(struct dec *d, uint8_t tag, size_t words,
		    struct etf_term *t);
/* NEW_FUN's Arity, Uniq, Index and NumFree (25 bytes). */
int etf_dec_fun_header(struct dec *d, struct etf_term *t);

/* ---- etf_decode_scalar.c ---- */

/* The body after `tag` (read at byte `at`) of a term that holds no other
 * term: atoms of the four atom tags (UTF-8 checked, at most 255
 * characters, Latin-1 ones made UTF-8), SMALL_INTEGER, INTEGER,
 * SMALL_BIG, LARGE_BIG, FLOAT (finite), NEW_FLOAT (finite), NIL, STRING,
 * BINARY, BIT_BINARY (unused bits cleared); every other tag is an error
 * naming it. *out is the term etf_dec_term made; a big integer that fits
 * and an empty STRING replace or retype it. 0 or -1. */
int etf_dec_scalar(struct dec *d, uint8_t tag, size_t at,
		   struct etf_term **out);

/* ---- etf_decode_term.c: the decoder's only recursion ---- */

/* One term at d->p, tag and all, `depth` levels down from the top (0):
 * deeper than limits.max_depth or ETF_MAX_WALK_DEPTH, or the
 * limits.max_count-th term, is DIST_E_TOO_LARGE. Tuples, lists, maps,
 * pids, ports, references, exports and funs recurse through here; a
 * map with a repeated key and a COMPRESSED tag inside a term are
 * malformed. 0 or -1. */
int etf_dec_term(struct dec *d, size_t depth, struct etf_term **out);

/* ---- etf_decode_compressed.c ---- */

/* COMPRESSED after its tag: the declared size (at most limits.max_bytes,
 * and possible for zlib given the bytes left) inflated into *data
 * (malloc'd, *size bytes) from a zlib stream that takes *used bytes of
 * the input; d->p does not move. 0, or -1 with *data NULL. */
int etf_dec_inflate(struct dec *d, uint8_t **data, uint32_t *size,
		    size_t *used);

#endif
