/* term_json.c - terms to JSON, natural and tagged (see term_json.h for
 * the two tables). Reading tagged JSON back is term_json_read.c. */
#include "term/term_json.h"
#include "base/utf8.h"
#include "base/base64.h"
#include "base/json_exact.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conv {
	bool tagged;
	const char *local_node;
	size_t max_depth;
	struct dist_error *err;
};

static json_t *fail(struct conv *c, enum dist_code code, const char *what)
{
	if (!c->err || c->err->code == DIST_OK)
		dist_error_set(c->err, code, DIST_STAGE_NONE, "%s", what);
	return NULL;
}

static json_t *nomem(struct conv *c)
{
	return fail(c, DIST_E_NOMEM, "out of memory making JSON");
}

static json_t *conv(struct conv *c, const struct etf_term *t, size_t depth);

/* {"$tag": value}, taking the reference to value. */
static json_t *tag(struct conv *c, const char *name, json_t *value)
{
	json_t *o;

	if (!value)
		return NULL;
	o = json_object();
	if (!o || json_object_set_new(o, name, value)) {
		json_decref(o);
		return nomem(c);
	}
	return o;
}

static json_t *base64_string(struct conv *c, const uint8_t *p, size_t n)
{
	char *s = base64_encode(p, n);
	json_t *j;

	if (!s)
		return nomem(c);
	j = json_string(s);
	free(s);
	return j ? j : nomem(c);
}

static json_t *binary(struct conv *c, const struct etf_term *t)
{
	const uint8_t *d = t->v.bin.data;
	size_t n = t->v.bin.len;
	json_t *o, *data;

	if (t->v.bin.bits == 8 || n == 0) {
		json_t *s = utf8_valid(d, n) ?
			json_stringn((const char *)d, n) : NULL;

		return s ? s : tag(c, "$bin", base64_string(c, d, n));
	}
	data = base64_string(c, d, n);
	o = json_pack("{s:o,s:I}", "data", data, "bits",
		      (json_int_t)((n - 1) * 8 + t->v.bin.bits));
	return o ? tag(c, "$bits", o) : nomem(c);
}

/* Printable as io_lib:printable_unicode_list/1 says. */
static bool printable(uint64_t ch)
{
	if (ch >= 32 && ch <= 126)
		return true;
	if ((ch >= 0xa0 && ch < 0xd800) || (ch > 0xdfff && ch < 0xfffe) ||
	    (ch > 0xffff && ch <= 0x10ffff))
		return true;
	return ch == '\n' || ch == '\r' || ch == '\t' || ch == '\v' ||
	       ch == '\b' || ch == '\f' || ch == 27;
}

/* cp passed printable(): never a surrogate or above U+10FFFF, so
 * utf8_put always writes it. */
static void put_utf8(struct buf *b, uint32_t cp)
{
	uint8_t u[4];

	buf_put(b, u, utf8_put(cp, u));
}

/* A printable charlist as a JSON string; NULL (no error) when t is not
 * one. */
static json_t *charlist(const struct etf_term *t, bool *failed)
{
	struct buf b;
	json_t *j = NULL;
	uint32_t i, n;

	*failed = false;
	if (t->type == ETF_STRING) {
		n = t->v.string.len;
		for (i = 0; i < n; i++)
			if (!printable(t->v.string.bytes[i]))
				return NULL;
	} else {
		n = t->v.list.len;
		if (t->v.list.tail->type != ETF_NIL)
			return NULL;
		for (i = 0; i < n; i++)
			if (t->v.list.elems[i]->type != ETF_INT ||
			    t->v.list.elems[i]->v.i < 0 ||
			    !printable((uint64_t)t->v.list.elems[i]->v.i))
				return NULL;
	}
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		put_utf8(&b, t->type == ETF_STRING ? t->v.string.bytes[i] :
			 (uint32_t)t->v.list.elems[i]->v.i);
	if (!b.failed)
		j = json_stringn(b.len ? (const char *)b.data : "", b.len);
	*failed = j == NULL;
	buf_free(&b);
	return j;
}

static json_t *array_append(struct conv *c, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v)) {
		json_decref(arr);
		return v ? nomem(c) : NULL;
	}
	return arr;
}

static json_t *array_of(struct conv *c, struct etf_term *const *elems,
			uint32_t n, size_t depth)
{
	json_t *arr = json_array();
	uint32_t i;

	if (!arr)
		return nomem(c);
	for (i = 0; i < n && arr; i++)
		arr = array_append(c, arr, conv(c, elems[i], depth));
	return arr;
}

static json_t *list(struct conv *c, const struct etf_term *t, size_t depth)
{
	bool failed;
	json_t *s = charlist(t, &failed), *arr;

	if (failed)
		return nomem(c);
	if (s)
		return c->tagged ? tag(c, "$str", s) : s;
	if (t->type == ETF_STRING) {
		uint32_t i;

		arr = json_array();
		for (i = 0; arr && i < t->v.string.len; i++)
			arr = array_append(c, arr,
				json_integer(t->v.string.bytes[i]));
		return arr ? arr : nomem(c);
	}
	arr = array_of(c, t->v.list.elems, t->v.list.len, depth);
	if (!arr || t->v.list.tail->type == ETF_NIL)
		return arr;
	arr = array_append(c, arr, conv(c, t->v.list.tail, depth));
	return arr ? tag(c, "$improper", arr) : NULL;
}

/* The text of a map key as an object key: atoms (natural only) and
 * UTF-8 binaries; tagged keys must not look like tags. */
static bool object_key(const struct conv *c, const struct etf_term *k,
		       const char **s, size_t *n)
{
	if (k->type == ETF_ATOM && !c->tagged) {
		*s = k->v.atom.name;
		*n = k->v.atom.len;
		return true;
	}
	if (k->type != ETF_BINARY || k->v.bin.bits != 8 ||
	    !utf8_valid(k->v.bin.data, k->v.bin.len))
		return false;
	*s = (const char *)k->v.bin.data;
	*n = k->v.bin.len;
	return !(c->tagged && *n > 0 && **s == '$');
}

/* The map as an object, or NULL with *plain false when its keys do not
 * allow one. */
static json_t *map_object(struct conv *c, const struct etf_term *t,
			  const uint32_t *order, size_t depth, bool *plain)
{
	json_t *o = json_object(), *v;
	uint32_t i;
	const char *s;
	size_t n;

	*plain = true;
	for (i = 0; i < t->v.map.arity; i++)
		if (!object_key(c, t->v.map.keys[i], &s, &n) ||
		    memchr(s, 0, n)) {
			*plain = false;
			json_decref(o);
			return NULL;
		}
	for (i = 0; o && i < t->v.map.arity; i++) {
		object_key(c, t->v.map.keys[order[i]], &s, &n);
		if (json_object_getn(o, s, n)) {
			*plain = false;         /* a and <<"a">>: both "a" */
			json_decref(o);
			return NULL;
		}
		v = conv(c, t->v.map.values[order[i]], depth);
		if (!v || json_object_setn_new(o, s, n, v)) {
			json_decref(o);
			return v ? nomem(c) : NULL;
		}
	}
	return o ? o : nomem(c);
}

static json_t *map_pairs(struct conv *c, const struct etf_term *t,
			 const uint32_t *order, size_t depth)
{
	json_t *arr = json_array(), *pair;
	uint32_t i;

	for (i = 0; arr && i < t->v.map.arity; i++) {
		pair = json_array();
		if (!pair)
			break;
		pair = array_append(c, pair,
				    conv(c, t->v.map.keys[order[i]], depth));
		if (pair)
			pair = array_append(c, pair,
				conv(c, t->v.map.values[order[i]], depth));
		if (!pair) {
			json_decref(arr);
			return NULL;
		}
		arr = array_append(c, arr, pair);
	}
	return arr ? tag(c, "$map", arr) : nomem(c);
}

static json_t *map(struct conv *c, const struct etf_term *t, size_t depth)
{
	uint32_t *order = malloc((t->v.map.arity + 1) * sizeof(*order));
	bool plain;
	json_t *j;

	if (!order)
		return nomem(c);
	etf_map_order(t, order);
	j = map_object(c, t, order, depth, &plain);
	if (!j && !plain)
		j = map_pairs(c, t, order, depth);
	free(order);
	return j;
}

/* Erlang text of a term (pids, refs, funs, bigints). */
static json_t *text_of(struct conv *c, const struct etf_term *t)
{
	struct etf_print_opts po = { .local_node = c->local_node };
	struct buf b;
	json_t *j = NULL;

	buf_init(&b, 0);
	if (etf_print_with(t, &b, &po, c->err) == 0)
		j = json_stringn((const char *)b.data, b.len);
	else
		c->err = NULL;  /* keep etf_print's own error */
	buf_free(&b);
	return j ? j : fail(c, DIST_E_NOMEM, "cannot print a term as text");
}

static json_t *atom_name(struct conv *c, const struct etf_term *atom)
{
	json_t *j;

	if (!atom || atom->type != ETF_ATOM)
		return fail(c, DIST_E_PROTOCOL, "node name is not an atom");
	j = json_stringn(atom->v.atom.name, atom->v.atom.len);
	return j ? j : fail(c, DIST_E_PROTOCOL, "atom is not UTF-8");
}

static json_t *atom(struct conv *c, const struct etf_term *t)
{
	if (etf_is_atom(t, "true") || etf_is_atom(t, "false"))
		return json_boolean(etf_is_atom(t, "true"));
	if (!c->tagged)
		return atom_name(c, t);
	return tag(c, "$atom", atom_name(c, t));
}

static json_t *identity(struct conv *c, const struct etf_term *t)
{
	json_t *o = NULL, *ids;
	uint8_t i;

	if (!c->tagged)
		return text_of(c, t);
	if (t->type == ETF_PID) {
		o = json_pack("{s:o,s:I,s:I,s:I}", "node",
			      atom_name(c, t->v.pid.node), "id",
			      (json_int_t)t->v.pid.id, "serial",
			      (json_int_t)t->v.pid.serial, "creation",
			      (json_int_t)t->v.pid.creation);
		return o ? tag(c, "$pid", o) : nomem(c);
	}
	if (t->type == ETF_PORT) {
		if (t->v.port.id > INT64_MAX)
			return fail(c, DIST_E_TOO_LARGE, "port id beyond 2^63");
		o = json_pack("{s:o,s:I,s:I}", "node",
			      atom_name(c, t->v.port.node), "id",
			      (json_int_t)t->v.port.id, "creation",
			      (json_int_t)t->v.port.creation);
		return o ? tag(c, "$port", o) : nomem(c);
	}
	ids = json_array();
	for (i = 0; ids && i < t->v.ref.len && i < 5; i++)
		ids = array_append(c, ids, json_integer(t->v.ref.ids[i]));
	if (ids)
		o = json_pack("{s:o,s:I,s:o}", "node",
			      atom_name(c, t->v.ref.node), "creation",
			      (json_int_t)t->v.ref.creation, "ids", ids);
	return o ? tag(c, "$ref", o) : nomem(c);
}

static json_t *fun(struct conv *c, const struct etf_term *t)
{
	struct buf b;
	json_t *o;
	char *s;

	if (!c->tagged)
		return text_of(c, t);
	if (t->type == ETF_EXPORT) {
		o = json_pack("{s:o,s:o,s:i}", "module",
			      atom_name(c, t->v.export.module), "function",
			      atom_name(c, t->v.export.function), "arity",
			      (int)t->v.export.arity);
		return o ? tag(c, "$fun", o) : nomem(c);
	}
	buf_init(&b, 0);
	if (etf_encode(t, &b, true, c->err)) {
		buf_free(&b);
		c->err = NULL;
		return NULL;
	}
	s = base64_encode(b.data, b.len);
	buf_free(&b);
	o = s ? json_string(s) : NULL;
	free(s);
	return o ? tag(c, "$etf", o) : nomem(c);
}

/* Integers beyond 2^53 in magnitude, which jq 1.6 and JavaScript read
 * as doubles and round, are tagged as text; the natural form is for
 * reading and keeps every 64-bit integer a number. */
#define EXACT_IN_DOUBLE 9007199254740992LL

static json_t *number(struct conv *c, const struct etf_term *t)
{
	double f = t->v.f;
	char text[24];

	if (t->type == ETF_INT && c->tagged &&
	    (t->v.i > EXACT_IN_DOUBLE || t->v.i < -EXACT_IN_DOUBLE)) {
		snprintf(text, sizeof text, "%lld", (long long)t->v.i);
		return tag(c, "$int", json_string(text));
	}
	if (t->type == ETF_INT)
		return json_integer((json_int_t)t->v.i);
	if (t->type == ETF_BIG)
		return tag(c, "$int", text_of(c, t));
	if (c->tagged && isfinite(f) && f == floor(f))
		return tag(c, "$float", json_real(f));
	return json_real(f);
}

static json_t *conv(struct conv *c, const struct etf_term *t, size_t depth)
{
	if (!t)
		return fail(c, DIST_E_PROTOCOL, "missing term");
	if (depth >= c->max_depth)
		return fail(c, DIST_E_TOO_LARGE, "term nested too deep for "
			    "JSON");
	switch (t->type) {
	case ETF_INT:
	case ETF_BIG:
	case ETF_FLOAT:
		return number(c, t);
	case ETF_ATOM:
		return atom(c, t);
	case ETF_TUPLE:
		if (c->tagged)
			return tag(c, "$tuple", array_of(c, t->v.tuple.elems,
				   t->v.tuple.arity, depth + 1));
		return array_of(c, t->v.tuple.elems, t->v.tuple.arity,
				depth + 1);
	case ETF_NIL:
		return json_array();
	case ETF_LIST:
	case ETF_STRING:
		return list(c, t, depth + 1);
	case ETF_BINARY:
		return binary(c, t);
	case ETF_MAP:
		return map(c, t, depth + 1);
	case ETF_PID:
	case ETF_PORT:
	case ETF_REF:
		return identity(c, t);
	case ETF_EXPORT:
	case ETF_FUN:
		return fun(c, t);
	}
	return fail(c, DIST_E_PROTOCOL, "unknown term type");
}

static json_t *convert(const struct etf_term *t,
		       const struct term_json_opts *o, bool tagged,
		       struct dist_error *err)
{
	struct conv c = { .tagged = tagged, .err = err, .max_depth = 1000 };
	json_t *j;

	if (err)
		dist_error_clear(err);
	if (o) {
		c.local_node = o->local_node;
		if (o->max_depth)
			c.max_depth = o->max_depth;
	}
	if (c.max_depth > ETF_MAX_WALK_DEPTH)
		c.max_depth = ETF_MAX_WALK_DEPTH;
	j = conv(&c, t, 0);
	if (!j && err && err->code == DIST_OK)
		dist_error_nomem(err, DIST_STAGE_NONE, "making JSON");
	return j;
}

json_t *term_to_json_natural(const struct etf_term *t,
			     const struct term_json_opts *o,
			     struct dist_error *err)
{
	return convert(t, o, false, err);
}

json_t *term_to_json_tagged(const struct etf_term *t,
			    const struct term_json_opts *o,
			    struct dist_error *err)
{
	return convert(t, o, true, err);
}
