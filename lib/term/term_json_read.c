/* term_json_read.c - tagged JSON back to a term (term_from_json_tagged,
 * see term_json.h): the entry point, the dispatch over JSON types and
 * tags, and the values that hold values (arrays, objects, $tuple, $map,
 * $improper), the reader's only recursion. The other tags are in
 * term_json_read_tags.c, errors and their paths ("$[2].$tuple[0]:
 * expected ...", so a user can find the bad spot in a long --json-args
 * value) in term_json_read_state.c.
 */
#include "term/term_json.h"
#include "term/term_json_internal.h"
#include "base/json_exact.h"
#include "term/term_parse.h"

#include <stdlib.h>
#include <string.h>

static struct etf_term *read_json(struct rd *r, json_t *j, size_t depth);

static struct etf_term *read_at(struct rd *r, json_t *j, size_t i,
				size_t depth)
{
	size_t old = term_json_push_index(r, i);
	struct etf_term *t = read_json(r, j, depth);

	term_json_pop(r, old);
	return t;
}

/* The elements of a JSON array, read into a malloc'd vector. */
static struct etf_term **read_elems(struct rd *r, json_t *arr, size_t depth)
{
	size_t n = json_array_size(arr), i;
	struct etf_term **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v) {
		term_json_nomem(r);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (!(v[i] = read_at(r, json_array_get(arr, i), i, depth))) {
			free(v);
			return NULL;
		}
	return v;
}

static struct etf_term *read_list(struct rd *r, json_t *arr, size_t depth,
				  bool improper)
{
	size_t n = json_array_size(arr);
	struct etf_term **v, *t;

	if (improper && n < 2)
		return term_json_bad(r, DIST_E_INVALID_ARGS,
				     "$improper needs at least "
				     "one element and a tail");
	v = read_elems(r, arr, depth);
	if (!v)
		return NULL;
	t = term_parse_make_list(r->a, v, improper ? n - 1 : n,
			 improper ? v[n - 1] : NULL);
	free(v);
	return term_json_counted(r, t);
}

static struct etf_term *read_tuple(struct rd *r, json_t *arr, size_t depth)
{
	size_t n = json_array_size(arr);
	struct etf_term **v = read_elems(r, arr, depth), *t;

	if (!v)
		return NULL;
	t = n > UINT32_MAX ? NULL : etf_tuple_new(r->a, (uint32_t)n);
	if (t && n)
		memcpy(t->v.tuple.elems, v, n * sizeof(*v));
	free(v);
	return term_json_counted(r, t);
}

/* {"$map": [[k, v], ...]} */
static struct etf_term *read_pairs(struct rd *r, json_t *arr, size_t depth)
{
	size_t n = json_array_size(arr), i, old;
	struct etf_term **kv = malloc((2 * n + 1) * sizeof(*kv)), *t = NULL;

	if (!kv)
		return term_json_nomem(r);
	for (i = 0; i < n; i++) {
		json_t *pair = json_array_get(arr, i);

		old = term_json_push_index(r, i);
		if (!json_is_array(pair) || json_array_size(pair) != 2) {
			term_json_bad(r, DIST_E_INVALID_ARGS,
				      "expected a [key, value] "
				      "pair");
			goto out;
		}
		kv[2 * i] = read_at(r, json_array_get(pair, 0), 0, depth);
		kv[2 * i + 1] = kv[2 * i] ?
			read_at(r, json_array_get(pair, 1), 1, depth) : NULL;
		term_json_pop(r, old);
		if (!kv[2 * i + 1])
			goto out;
	}
	t = term_json_counted(r, term_parse_make_map(r->a, kv, n));
out:
	free(kv);
	return t;
}

/* A plain object: a map with binary keys. */
static struct etf_term *read_object(struct rd *r, json_t *o, size_t depth)
{
	size_t n = json_object_size(o), i = 0, old;
	struct etf_term **kv = malloc((2 * n + 1) * sizeof(*kv)), *t = NULL;
	void *it;

	if (!kv)
		return term_json_nomem(r);
	for (it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		const char *key = json_object_iter_key(it);

		kv[2 * i] = term_json_counted(r, etf_binary(r->a, key,
				    json_object_iter_key_len(it)));
		old = term_json_push_key(r, key);
		kv[2 * i + 1] = kv[2 * i] ?
			read_json(r, json_object_iter_value(it), depth) : NULL;
		term_json_pop(r, old);
		if (!kv[2 * i + 1])
			goto out;
		i++;
	}
	t = term_json_counted(r, term_parse_make_map(r->a, kv, i));
out:
	free(kv);
	return t;
}

static struct etf_term *read_tag(struct rd *r, const char *key, json_t *v,
				 size_t depth)
{
	if (strcmp(key, "$atom") == 0)
		return json_is_string(v)
			       ? term_json_atom(r, json_string_value(v),
						json_string_length(v))
			       : term_json_bad(r, DIST_E_INVALID_ARGS,
					       "expected a string");
	if (strcmp(key, "$tuple") == 0 || strcmp(key, "$map") == 0 ||
	    strcmp(key, "$improper") == 0) {
		if (!json_is_array(v))
			return term_json_bad(r, DIST_E_INVALID_ARGS,
					     "expected an array");
		if (key[1] == 't')
			return read_tuple(r, v, depth);
		return key[1] == 'm' ? read_pairs(r, v, depth)
				     : read_list(r, v, depth, true);
	}
	if (strcmp(key, "$float") == 0 && json_number_text(v))
		return term_json_read_big_float(r, json_number_text(v));
	if (strcmp(key, "$float") == 0)
		return json_is_number(v)
			       ? term_json_counted(
					 r,
					 etf_float(r->a, json_number_value(v)))
			       : term_json_bad(r, DIST_E_INVALID_ARGS,
					       "expected a number");
	if (strcmp(key, "$int") == 0)
		return term_json_read_int(r, v);
	if (strcmp(key, "$str") == 0)
		return term_json_read_str(r, v);
	if (strcmp(key, "$bin") == 0 || strcmp(key, "$bits") == 0)
		return term_json_read_bits(r, v, strcmp(key, "$bin") == 0);
	if (strcmp(key, "$pid") == 0)
		return term_json_read_pid(r, v);
	if (strcmp(key, "$port") == 0)
		return term_json_read_port(r, v);
	if (strcmp(key, "$ref") == 0)
		return term_json_read_ref(r, v);
	if (strcmp(key, "$fun") == 0)
		return term_json_read_export(r, v);
	if (strcmp(key, "$etf") == 0)
		return term_json_read_etf(r, v);
	return term_json_bad(r, DIST_E_INVALID_ARGS,
			     "unknown tag '%s' (known: $atom, "
			     "$tuple, $int, $float, $str, $bin, $bits, $map, "
			     "$improper, $pid, $port, $ref, $fun, $etf)",
			     key);
}

static struct etf_term *read_json(struct rd *r, json_t *j, size_t depth)
{
	if (depth >= r->lim.max_depth)
		return term_json_bad(r, DIST_E_TOO_LARGE,
				     "nested deeper than %zu",
				     r->lim.max_depth);
	if (json_number_text(j))
		return term_json_read_big_number(r, json_number_text(j));
	switch (json_typeof(j)) {
	case JSON_NULL:
		return term_json_atom(r, "null", 4);
	case JSON_TRUE:
		return term_json_atom(r, "true", 4);
	case JSON_FALSE:
		return term_json_atom(r, "false", 5);
	case JSON_INTEGER:
		return term_json_counted(r,
					 etf_int(r->a, json_integer_value(j)));
	case JSON_REAL:
		return term_json_counted(r,
					 etf_float(r->a, json_real_value(j)));
	case JSON_STRING:
		if (json_string_length(j) > r->lim.max_binary)
			return term_json_bad(r, DIST_E_TOO_LARGE,
					     "string longer than "
					     "%zu bytes",
					     r->lim.max_binary);
		return term_json_counted(r,
					 etf_binary(r->a, json_string_value(j),
						    json_string_length(j)));
	case JSON_ARRAY:
		return read_list(r, j, depth + 1, false);
	case JSON_OBJECT:
		break;
	}
	if (json_object_size(j) == 1) {
		void *it = json_object_iter(j);
		const char *key = json_object_iter_key(it);

		if (key[0] == '$') {
			size_t old = term_json_push_key(r, key);
			struct etf_term *t = read_tag(r, key,
				json_object_iter_value(it), depth + 1);

			term_json_pop(r, old);
			return t;
		}
	}
	return read_object(r, j, depth + 1);
}

int term_from_json_tagged(json_t *j, struct etf_arena *a,
			  const struct term_parse_limits *lim,
			  struct etf_term **out, struct dist_error *err)
{
	struct rd r = { .a = a, .err = err, .path = "$", .plen = 1 };
	struct etf_term *t;

	r.lim = lim ? *lim : term_parse_default_limits;
	if (r.lim.max_depth > ETF_MAX_WALK_DEPTH)
		r.lim.max_depth = ETF_MAX_WALK_DEPTH;
	if (err)
		dist_error_clear(err);
	if (!j)
		return dist_error_set(err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT, "$: no JSON value");
	t = read_json(&r, j, 0);
	if (!t) {
		if (err && err->code == DIST_OK)
			term_json_nomem(&r);
		return -1;
	}
	*out = t;
	return 0;
}
