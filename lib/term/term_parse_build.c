/* term_parse_build.c - lists and maps as erl_parse makes them and
 * term_to_binary encodes them: the one place the text parser and the
 * JSON reader (term_json_read.c) build them, so both give a node the
 * same term. Calls no other file of the parser.
 */
#include "term/term_parse.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* [a, b | [c]] is [a, b, c], and a proper list of bytes is STRING_EXT:
 * the term erl_parse makes, encoded as term_to_binary encodes it. */
struct etf_term *term_parse_make_list(struct etf_arena *a,
				      struct etf_term **v, size_t n,
				      struct etf_term *tail)
{
	size_t extra = 0, i;
	struct etf_term *t;
	uint8_t *bytes;
	bool all_bytes = true;

	if (tail && tail->type == ETF_LIST)
		extra = tail->v.list.len;
	else if (tail && tail->type == ETF_STRING)
		extra = tail->v.string.len;
	if (n + extra > UINT32_MAX)
		return NULL;
	t = etf_list_new(a, (uint32_t)(n + extra), NULL);
	if (!t || t->type == ETF_NIL)
		return t;
	if (n)
		memcpy(t->v.list.elems, v, n * sizeof(*v));
	if (tail && tail->type == ETF_LIST) {
		memcpy(t->v.list.elems + n, tail->v.list.elems,
		       extra * sizeof(*v));
		t->v.list.tail = tail->v.list.tail;
	} else if (tail && tail->type == ETF_STRING) {
		for (i = 0; i < extra; i++)
			if (!(t->v.list.elems[n + i] =
			      etf_int(a, tail->v.string.bytes[i])))
				return NULL;
	} else if (tail) {
		t->v.list.tail = tail;
	}
	if (t->v.list.tail->type != ETF_NIL)
		return t;
	for (i = 0; i < t->v.list.len && all_bytes; i++)
		all_bytes = t->v.list.elems[i]->type == ETF_INT &&
			    t->v.list.elems[i]->v.i >= 0 &&
			    t->v.list.elems[i]->v.i <= 255;
	if (!all_bytes)
		return t;
	bytes = malloc(t->v.list.len);
	if (!bytes)
		return NULL;
	for (i = 0; i < t->v.list.len; i++)
		bytes[i] = (uint8_t)t->v.list.elems[i]->v.i;
	t = etf_string(a, bytes, t->v.list.len);
	free(bytes);
	return t;
}

static int key_order(const void *x, const void *y, void *ctx)
{
	struct etf_term **kv = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = etf_compare(kv[2 * i], kv[2 * j]);

	if (c)
		return c;
	return i < j ? -1 : i > j;
}

/* Keys in term order (as term_to_binary writes a small map), a repeated
 * key keeping its last value (as #{a => 1, a => 2} evaluates). */
struct etf_term *term_parse_make_map(struct etf_arena *a,
				     struct etf_term **kv, size_t pairs)
{
	struct etf_term *t;
	size_t i, kept = 0;
	size_t *order;

	if (pairs > UINT32_MAX)
		return NULL;
	order = malloc((pairs ? pairs : 1) * sizeof(*order));
	if (!order)
		return NULL;
	for (i = 0; i < pairs; i++)
		order[i] = i;
	qsort_r(order, pairs, sizeof(*order), key_order, kv);
	for (i = 0; i < pairs; i++)
		if (i + 1 == pairs ||
		    etf_compare(kv[2 * order[i]], kv[2 * order[i + 1]]))
			order[kept++] = order[i];
	t = etf_map_new(a, (uint32_t)kept);
	for (i = 0; t && i < kept; i++) {
		t->v.map.keys[i] = kv[2 * order[i]];
		t->v.map.values[i] = kv[2 * order[i] + 1];
	}
	free(order);
	return t;
}
