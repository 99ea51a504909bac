/* etf_decode_internal.h - shared by the external term format decoder's
 * files: etf_decode.c (checks, dispatch, atoms, numbers, containers, the
 * entry point), etf_decode_ext.c (pids, ports, references, exports, funs)
 * and etf_decode_compressed.c (COMPRESSED). Not part of the API: etf.h is.
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

/* ---- reading; the caller has checked the bytes are there (etf_dec_need) ---- */

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

/* ---- etf_decode.c: errors and checks; each returns -1 after setting
 * d->err, or 0 ---- */

__attribute__((format(printf, 3, 4)))
int etf_dec_fail(struct dec *d, enum dist_code code, const char *fmt, ...);
int etf_dec_bad(struct dec *d, const char *what, size_t at);
int etf_dec_nomem(struct dec *d);
int etf_dec_need(struct dec *d, size_t n, const char *what);
int etf_dec_need_elems(struct dec *d, uint64_t n, const char *what);

/* ---- etf_decode.c: arena memory; NULL, error set, when out of it ---- */

void *etf_dec_alloc(struct dec *d, size_t n, size_t size);
uint8_t *etf_dec_copy(struct dec *d, size_t n);

/* ---- etf_decode.c: terms, depth levels down ---- */

int etf_dec_term(struct dec *d, size_t depth, struct etf_term **out);
int etf_dec_atom(struct dec *d, size_t depth, const char *what,
	     struct etf_term **out);
int etf_dec_elems(struct dec *d, size_t depth, uint32_t n,
	      struct etf_term ***elems, const char *what);

/* ---- etf_decode_ext.c: the body after the tag ---- */

int etf_dec_pid(struct dec *d, uint8_t tag, size_t depth, struct etf_term *t);
int etf_dec_port(struct dec *d, uint8_t tag, size_t depth, struct etf_term *t);
int etf_dec_ref(struct dec *d, uint8_t tag, size_t depth, struct etf_term *t);
int etf_dec_export(struct dec *d, size_t depth, struct etf_term *t);
int etf_dec_fun(struct dec *d, size_t depth, struct etf_term *t);

/* ---- etf_decode_compressed.c: COMPRESSED after its tag ---- */

int etf_dec_compressed(struct dec *d, struct etf_term **out);

#endif
