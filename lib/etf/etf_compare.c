/* etf_compare.c - term order and equality (see etf.h): etf_compare,
 * etf_equal and etf_map_order, following OTP's standard order. */
#include "etf/etf.h"

#include <stdlib.h>
#include <string.h>

bool etf_equal(const struct etf_term *x, const struct etf_term *y)
{
	return etf_compare(x, y) == 0;
}

/* Term order. Categories in OTP's order; STRING is a list, an empty
 * STRING (never decoded, but constructible) is []. */
static int category(const struct etf_term *t)
{
	switch (t->type) {
	case ETF_INT: case ETF_BIG: case ETF_FLOAT: return 0;
	case ETF_ATOM: return 1;
	case ETF_REF: return 2;
	case ETF_EXPORT: case ETF_FUN: return 3;
	case ETF_PORT: return 4;
	case ETF_PID: return 5;
	case ETF_TUPLE: return 6;
	case ETF_MAP: return 7;
	case ETF_NIL: return 8;
	case ETF_STRING: return t->v.string.len ? 9 : 8;
	case ETF_LIST: return 9;
	case ETF_BINARY: return 10;
	}
	return 11;
}

#define CMP3(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

static int cmp(const struct etf_term *x, const struct etf_term *y,
	       unsigned depth);

static int cmp_magnitude(const struct etf_term *x, const struct etf_term *y)
{
	uint32_t i;

	if (x->v.big.n != y->v.big.n)
		return CMP3(x->v.big.n, y->v.big.n);
	for (i = x->v.big.n; i-- > 0;)
		if (x->v.big.digits[i] != y->v.big.digits[i])
			return CMP3(x->v.big.digits[i], y->v.big.digits[i]);
	return 0;
}

/* Map keys order integers before floats whatever their values (OTP's
 * exact order), so 2 < 1.0 here. Bigs never fit int64 (normalised). */
static int cmp_number(const struct etf_term *x, const struct etf_term *y)
{
	int c;

	if ((x->type == ETF_FLOAT) != (y->type == ETF_FLOAT))
		return x->type == ETF_FLOAT ? 1 : -1;
	if (x->type == ETF_FLOAT)
		return CMP3(x->v.f, y->v.f);
	if (x->type == ETF_INT && y->type == ETF_INT)
		return CMP3(x->v.i, y->v.i);
	if (x->type == ETF_INT)
		return y->v.big.negative ? 1 : -1;
	if (y->type == ETF_INT)
		return x->v.big.negative ? -1 : 1;
	if (x->v.big.negative != y->v.big.negative)
		return x->v.big.negative ? -1 : 1;
	c = cmp_magnitude(x, y);
	return x->v.big.negative ? -c : c;
}

static int cmp_atom(const struct etf_term *x, const struct etf_term *y)
{
	uint32_t n = x->v.atom.len < y->v.atom.len ? x->v.atom.len
						   : y->v.atom.len;
	int c = n ? memcmp(x->v.atom.name, y->v.atom.name, n) : 0;

	if (c)
		return c < 0 ? -1 : 1;
	return CMP3(x->v.atom.len, y->v.atom.len);
}

static int cmp_ref(const struct etf_term *x, const struct etf_term *y)
{
	int c = cmp_atom(x->v.ref.node, y->v.ref.node);
	int i;

	if (c)
		return c;
	if (x->v.ref.len != y->v.ref.len)
		return CMP3(x->v.ref.len, y->v.ref.len);
	for (i = x->v.ref.len; i-- > 0;)
		if (x->v.ref.ids[i] != y->v.ref.ids[i])
			return CMP3(x->v.ref.ids[i], y->v.ref.ids[i]);
	return CMP3(x->v.ref.creation, y->v.ref.creation);
}

static int cmp_fun(const struct etf_term *x, const struct etf_term *y,
		   unsigned depth)
{
	int c;

	if (x->type != y->type)
		return x->type == ETF_EXPORT ? -1 : 1;
	if (x->type == ETF_EXPORT) {
		c = cmp(x->v.export.module, y->v.export.module, depth);
		if (!c)
			c = cmp(x->v.export.function, y->v.export.function,
				depth);
		return c ? c : CMP3(x->v.export.arity, y->v.export.arity);
	}
	c = cmp(x->v.fun.module, y->v.fun.module, depth);
	if (c)
		return c;
	if (x->v.fun.old_index != y->v.fun.old_index)
		return CMP3(x->v.fun.old_index, y->v.fun.old_index);
	if (x->v.fun.old_uniq != y->v.fun.old_uniq)
		return CMP3(x->v.fun.old_uniq, y->v.fun.old_uniq);
	/* Same code: the environment decides; raw bytes hold it. */
	if (x->v.fun.len != y->v.fun.len)
		return CMP3(x->v.fun.len, y->v.fun.len);
	if (!x->v.fun.len)
		return 0;
	c = memcmp(x->v.fun.raw, y->v.fun.raw, x->v.fun.len);
	return CMP3(c, 0);
}

static int cmp_port(const struct etf_term *x, const struct etf_term *y)
{
	int c = cmp_atom(x->v.port.node, y->v.port.node);

	if (c)
		return c;
	if (x->v.port.id != y->v.port.id)
		return CMP3(x->v.port.id, y->v.port.id);
	return CMP3(x->v.port.creation, y->v.port.creation);
}

/* A node orders its pids by serial, then id (checked on OTP 25). */
static int cmp_pid(const struct etf_term *x, const struct etf_term *y)
{
	int c = cmp_atom(x->v.pid.node, y->v.pid.node);

	if (c)
		return c;
	if (x->v.pid.serial != y->v.pid.serial)
		return CMP3(x->v.pid.serial, y->v.pid.serial);
	if (x->v.pid.id != y->v.pid.id)
		return CMP3(x->v.pid.id, y->v.pid.id);
	return CMP3(x->v.pid.creation, y->v.pid.creation);
}

static int cmp_tuple(const struct etf_term *x, const struct etf_term *y,
		     unsigned depth)
{
	uint32_t i;
	int c;

	if (x->v.tuple.arity != y->v.tuple.arity)
		return CMP3(x->v.tuple.arity, y->v.tuple.arity);
	for (i = 0; i < x->v.tuple.arity; i++) {
		c = cmp(x->v.tuple.elems[i], y->v.tuple.elems[i], depth);
		if (c)
			return c;
	}
	return 0;
}

static int cmp_key_index(const void *pa, const void *pb, void *ctx)
{
	const struct etf_term *m = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = cmp(m->v.map.keys[a], m->v.map.keys[b], 0);

	/* Keep wire order among equal keys: the sort is not stable. */
	return c ? c : CMP3(a, b);
}

int etf_map_order(const struct etf_term *map, uint32_t *order)
{
	uint32_t i;

	if (!map || map->type != ETF_MAP)
		return -1;
	for (i = 0; i < map->v.map.arity; i++)
		order[i] = i;
	qsort_r(order, map->v.map.arity, sizeof(*order), cmp_key_index,
		(void *)map);
	return 0;
}

/* Maps compare by size, then keys in key order, then values in key
 * order. Without memory for the orders, fall back to wire order, which
 * is right for two maps from the same encoder. */
static int cmp_map(const struct etf_term *x, const struct etf_term *y,
		   unsigned depth)
{
	uint32_t n = x->v.map.arity, i, *ox, *oy;
	int c = 0;

	if (n != y->v.map.arity)
		return CMP3(n, y->v.map.arity);
	if (n == 0)
		return 0;
	ox = malloc(2 * (size_t)n * sizeof(*ox));
	oy = ox ? ox + n : NULL;
	if (ox) {
		etf_map_order(x, ox);
		etf_map_order(y, oy);
	}
	for (i = 0; i < n && !c; i++)
		c = cmp(x->v.map.keys[ox ? ox[i] : i],
			y->v.map.keys[oy ? oy[i] : i], depth);
	for (i = 0; i < n && !c; i++)
		c = cmp(x->v.map.values[ox ? ox[i] : i],
			y->v.map.values[oy ? oy[i] : i], depth);
	free(ox);
	return c;
}

/* A position in a list that may be a LIST, a STRING or a chain of them
 * joined by tails. */
struct list_pos {
	const struct etf_term *t;
	uint32_t i;
};

/* Step over exhausted segments so pos.t is a cons with i < len, or the
 * non-list (or []) tail. */
static void list_settle(struct list_pos *p)
{
	for (;;) {
		if (p->t->type == ETF_LIST && p->i >= p->t->v.list.len)
			p->t = p->t->v.list.tail;
		else if (p->t->type == ETF_STRING &&
			 p->i >= p->t->v.string.len)
			p->t = NULL;
		else
			return;
		p->i = 0;
		if (!p->t)
			return;
	}
}

static bool list_is_cons(const struct list_pos *p)
{
	return p->t && (p->t->type == ETF_LIST || p->t->type == ETF_STRING);
}

static int cmp_head(const struct list_pos *a, const struct list_pos *b,
		    unsigned depth)
{
	struct etf_term ca = { .type = ETF_INT }, cb = { .type = ETF_INT };
	const struct etf_term *ha = &ca, *hb = &cb;

	if (a->t->type == ETF_STRING)
		ca.v.i = a->t->v.string.bytes[a->i];
	else
		ha = a->t->v.list.elems[a->i];
	if (b->t->type == ETF_STRING)
		cb.v.i = b->t->v.string.bytes[b->i];
	else
		hb = b->t->v.list.elems[b->i];
	return cmp(ha, hb, depth);
}

static int cmp_list(const struct etf_term *x, const struct etf_term *y,
		    unsigned depth)
{
	static const struct etf_term nil = { .type = ETF_NIL };
	struct list_pos a = { x, 0 }, b = { y, 0 };
	int c;

	for (;;) {
		list_settle(&a);
		list_settle(&b);
		if (!list_is_cons(&a) || !list_is_cons(&b))
			break;
		c = cmp_head(&a, &b, depth);
		if (c)
			return c;
		a.i++;
		b.i++;
	}
	/* One side reached its tail: compare what is left as terms; a cons
	 * left on one side outranks [] and every non-list. */
	if (list_is_cons(&a))
		return 1;
	if (list_is_cons(&b))
		return -1;
	return cmp(a.t ? a.t : &nil, b.t ? b.t : &nil, depth);
}

static uint64_t bit_size(const struct etf_term *t)
{
	if (t->v.bin.len == 0)
		return 0;
	return ((uint64_t)t->v.bin.len - 1) * 8 + t->v.bin.bits;
}

static int cmp_bits(const struct etf_term *x, const struct etf_term *y)
{
	uint64_t bx = bit_size(x), by = bit_size(y);
	uint64_t common = bx < by ? bx : by;
	size_t whole = (size_t)(common / 8);
	unsigned rest = (unsigned)(common % 8);
	int c = whole ? memcmp(x->v.bin.data, y->v.bin.data, whole) : 0;

	if (c)
		return c < 0 ? -1 : 1;
	if (rest) {
		unsigned hx = x->v.bin.data[whole] >> (8 - rest);
		unsigned hy = y->v.bin.data[whole] >> (8 - rest);

		if (hx != hy)
			return CMP3(hx, hy);
	}
	return CMP3(bx, by);
}

static int cmp(const struct etf_term *x, const struct etf_term *y,
	       unsigned depth)
{
	int cx = category(x), cy = category(y);

	if (cx != cy)
		return CMP3(cx, cy);
	/* Too deep to walk safely: call them different rather than crash. */
	if (++depth > ETF_MAX_WALK_DEPTH)
		return x == y ? 0 : CMP3((uintptr_t)x, (uintptr_t)y);
	switch (cx) {
	case 0: return cmp_number(x, y);
	case 1: return cmp_atom(x, y);
	case 2: return cmp_ref(x, y);
	case 3: return cmp_fun(x, y, depth);
	case 4: return cmp_port(x, y);
	case 5: return cmp_pid(x, y);
	case 6: return cmp_tuple(x, y, depth);
	case 7: return cmp_map(x, y, depth);
	case 8: return 0;
	case 9: return cmp_list(x, y, depth);
	default: return cmp_bits(x, y);
	}
}

int etf_compare(const struct etf_term *x, const struct etf_term *y)
{
	return cmp(x, y, 0);
}
