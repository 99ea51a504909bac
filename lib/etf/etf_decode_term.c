/* etf_decode_term.c - one term, tag and all, and the terms that hold
 * terms: tuples, lists, maps, pids, ports and references (a node atom),
 * exports and funs. The decoder's recursion lives here, in one file:
 * etf_dec_term is its only entry, bounded by limits.max_depth (and
 * ETF_MAX_WALK_DEPTH) and limits.max_count. Terms that hold no term are
 * etf_decode_scalar.c's, fixed-width identifier fields
 * etf_decode_ext.c's.
 */
#include "etf/etf_decode_internal.h"

#include <stdlib.h>
#include <string.h>

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

/* A node name, module or function: a term that must be an atom. */
static int decode_atom(struct dec *d, size_t depth, const char *what,
		       struct etf_term **out)
{
	size_t at = etf_dec_offset(d);

	if (etf_dec_term(d, depth, out))
		return -1;
	if ((*out)->type != ETF_ATOM)
		return etf_dec_bad(d, what, at);
	return 0;
}

/* ---- containers ---- */

static int decode_elems(struct dec *d, size_t depth, uint32_t n,
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
	t->v.tuple.arity =
		tag == TAG_SMALL_TUPLE ? etf_dec_u8(d) : etf_dec_u32(d);
	return decode_elems(d, depth, t->v.tuple.arity, &t->v.tuple.elems,
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
	if (decode_elems(d, depth, t->v.list.len, &t->v.list.elems, "list"))
		return -1;
	if (etf_dec_term(d, depth + 1, &t->v.list.tail))
		return -1;
	if (t->v.list.len == 0)
		*out = t->v.list.tail;	/* [ | T] with no elements is T */
	return 0;
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
		dist_error_nomem(d->err,
				 d->err ? d->err->stage : DIST_STAGE_NONE,
				 "checking map keys");
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

/* ---- identifiers: a node atom and fixed-width fields ---- */

static int decode_pid(struct dec *d, uint8_t tag, size_t depth,
		      struct etf_term *t)
{
	if (decode_atom(d, depth + 1, "pid node is not an atom",
			&t->v.pid.node))
		return -1;
	return etf_dec_pid_ids(d, tag, t);
}

static int decode_port(struct dec *d, uint8_t tag, size_t depth,
		       struct etf_term *t)
{
	if (decode_atom(d, depth + 1, "port node is not an atom",
			&t->v.port.node))
		return -1;
	return etf_dec_port_ids(d, tag, t);
}

static int decode_ref(struct dec *d, uint8_t tag, size_t depth,
		      struct etf_term *t)
{
	size_t words;

	if (etf_dec_ref_words(d, tag, &words) ||
	    decode_atom(d, depth + 1, "reference node is not an atom",
			&t->v.ref.node))
		return -1;
	return etf_dec_ref_ids(d, tag, words, t);
}

/* ---- funs ---- */

static int decode_export(struct dec *d, size_t depth, struct etf_term *t)
{
	struct etf_term *arity;
	size_t at;

	if (decode_atom(d, depth + 1, "export module is not an atom",
		     &t->v.export.module) ||
	    decode_atom(d, depth + 1, "export function is not an atom",
		     &t->v.export.function))
		return -1;
	at = etf_dec_offset(d);
	if (etf_dec_need(d, 1, "export arity"))
		return -1;
	if (*d->p != TAG_SMALL_INTEGER)
		return etf_dec_bad(d, "export arity is not a small integer",
				   at);
	if (etf_dec_term(d, depth + 1, &arity))
		return -1;
	t->v.export.arity = (uint8_t)arity->v.i;
	return 0;
}

static int decode_u32_term(struct dec *d, size_t depth, const char *what,
			   uint32_t *out)
{
	struct etf_term *t;
	size_t at = etf_dec_offset(d);

	if (etf_dec_term(d, depth, &t))
		return -1;
	if (t->type != ETF_INT || t->v.i < 0 || t->v.i > UINT32_MAX)
		return etf_dec_bad(d, what, at);
	*out = (uint32_t)t->v.i;
	return 0;
}

static int fun_fields(struct dec *d, size_t depth, struct etf_term *t)
{
	size_t at;

	if (etf_dec_fun_header(d, t))
		return -1;
	if (decode_atom(d, depth + 1, "fun module is not an atom",
		     &t->v.fun.module) ||
	    decode_u32_term(d, depth + 1, "fun old index is not an integer",
			    &t->v.fun.old_index) ||
	    decode_u32_term(d, depth + 1, "fun old uniq is not an integer",
			    &t->v.fun.old_uniq))
		return -1;
	at = etf_dec_offset(d);
	if (etf_dec_term(d, depth + 1, &t->v.fun.pid))
		return -1;
	if (t->v.fun.pid->type != ETF_PID)
		return etf_dec_bad(d, "fun creator is not a pid", at);
	return decode_elems(d, depth, t->v.fun.num_free, &t->v.fun.free_vars,
			 "fun environment");
}

/* NEW_FUN_EXT: Size counts itself and everything after the tag; the
 * fields must fill it exactly. The raw bytes are kept to send back. */
static int decode_fun(struct dec *d, size_t depth, struct etf_term *t)
{
	const uint8_t *tag_at = d->p - 1, *outer_end = d->end;
	size_t at = etf_dec_offset(d);
	uint32_t size;
	int rc;

	if (etf_dec_need(d, 4, "fun size"))
		return -1;
	size = get_u32(d->p);
	if (size < 4 + 1 + 16 + 4 + 4)
		return etf_dec_bad(d, "fun size too small", at);
	if (etf_dec_need(d, size, "fun"))
		return -1;
	d->end = d->p + size;
	d->p += 4;
	rc = fun_fields(d, depth, t);
	if (!rc && d->p != d->end)
		rc = etf_dec_bad(d, "fun size does not match its fields", at);
	d->end = outer_end;
	if (rc)
		return -1;
	t->v.fun.len = size + 1;
	t->v.fun.raw = etf_dec_alloc(d, t->v.fun.len, 1);
	if (!t->v.fun.raw)
		return -1;
	memcpy(t->v.fun.raw, tag_at, t->v.fun.len);
	return 0;
}

/* ---- dispatch ---- */

static int decode_tagged(struct dec *d, uint8_t tag, size_t at,
			 size_t depth, struct etf_term **out)
{
	struct etf_term *t = *out;

	switch (tag) {
	case TAG_SMALL_TUPLE: case TAG_LARGE_TUPLE:
		t->type = ETF_TUPLE;
		return decode_tuple(d, tag, depth, t);
	case TAG_LIST:
		t->type = ETF_LIST;
		return decode_list(d, depth, out);
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
	default:
		return etf_dec_scalar(d, tag, at, out);
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
