/* term_json_read.c - tagged JSON back to a term (term_from_json_tagged,
 * see term_json.h), and the base64 both directions share.
 *
 * Errors name where in the document they are, as a path from "$":
 * "$[2].$tuple[0]: expected ...", so a user can find the bad spot in a
 * long --json-args value.
 */
#include "term/term_json.h"
#include "base/utf8.h"
#include "base/base64.h"
#include "base/json_exact.h"
#include "term/term_parse.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- reading ---------------------------------------------------------------- */

struct rd {
	struct etf_arena *a;
	struct term_parse_limits lim;
	size_t terms;
	struct dist_error *err;
	char path[160];
	size_t plen;
};

static struct etf_term *bad(struct rd *r, enum dist_code code,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct etf_term *bad(struct rd *r, enum dist_code code,
			    const char *fmt, ...)
{
	char what[300];
	va_list ap;

	if (r->err && r->err->code != DIST_OK)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	dist_error_set(r->err, code, DIST_STAGE_INPUT, "%s: %s", r->path,
		       what);
	return NULL;
}

static struct etf_term *nomem(struct rd *r)
{
	return bad(r, DIST_E_NOMEM, "out of memory");
}

/* Path segments: push returns the length to pop back to. */
static size_t push_index(struct rd *r, size_t i)
{
	size_t old = r->plen;
	int k = snprintf(r->path + old, sizeof r->path - old, "[%zu]", i);

	if (k > 0 && (size_t)k < sizeof r->path - old)
		r->plen += (size_t)k;
	return old;
}

static size_t push_key(struct rd *r, const char *key)
{
	size_t old = r->plen;
	int k = snprintf(r->path + old, sizeof r->path - old, ".%s", key);

	if (k > 0 && (size_t)k < sizeof r->path - old)
		r->plen += (size_t)k;
	else
		r->path[old] = '\0';
	return old;
}

static void pop(struct rd *r, size_t old)
{
	r->plen = old;
	r->path[old] = '\0';
}

static struct etf_term *counted(struct rd *r, struct etf_term *t)
{
	if (!t)
		return nomem(r);
	if (r->terms >= r->lim.max_terms)
		return bad(r, DIST_E_TOO_LARGE, "more than %zu terms",
			   r->lim.max_terms);
	r->terms++;
	return t;
}

static struct etf_term *read_json(struct rd *r, json_t *j, size_t depth);

static struct etf_term *read_at(struct rd *r, json_t *j, size_t i,
				size_t depth)
{
	size_t old = push_index(r, i);
	struct etf_term *t = read_json(r, j, depth);

	pop(r, old);
	return t;
}

/* The elements of a JSON array, read into a malloc'd vector. */
static struct etf_term **read_elems(struct rd *r, json_t *arr, size_t depth)
{
	size_t n = json_array_size(arr), i;
	struct etf_term **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v) {
		nomem(r);
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
		return bad(r, DIST_E_INVALID_ARGS, "$improper needs at least "
			   "one element and a tail");
	v = read_elems(r, arr, depth);
	if (!v)
		return NULL;
	t = term_parse_make_list(r->a, v, improper ? n - 1 : n,
			 improper ? v[n - 1] : NULL);
	free(v);
	return counted(r, t);
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
	return counted(r, t);
}

/* {"$map": [[k, v], ...]} */
static struct etf_term *read_pairs(struct rd *r, json_t *arr, size_t depth)
{
	size_t n = json_array_size(arr), i, old;
	struct etf_term **kv = malloc((2 * n + 1) * sizeof(*kv)), *t = NULL;

	if (!kv)
		return nomem(r);
	for (i = 0; i < n; i++) {
		json_t *pair = json_array_get(arr, i);

		old = push_index(r, i);
		if (!json_is_array(pair) || json_array_size(pair) != 2) {
			bad(r, DIST_E_INVALID_ARGS, "expected a [key, value] "
			    "pair");
			goto out;
		}
		kv[2 * i] = read_at(r, json_array_get(pair, 0), 0, depth);
		kv[2 * i + 1] = kv[2 * i] ?
			read_at(r, json_array_get(pair, 1), 1, depth) : NULL;
		pop(r, old);
		if (!kv[2 * i + 1])
			goto out;
	}
	t = counted(r, term_parse_make_map(r->a, kv, n));
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
		return nomem(r);
	for (it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		const char *key = json_object_iter_key(it);

		kv[2 * i] = counted(r, etf_binary(r->a, key,
				    json_object_iter_key_len(it)));
		old = push_key(r, key);
		kv[2 * i + 1] = kv[2 * i] ?
			read_json(r, json_object_iter_value(it), depth) : NULL;
		pop(r, old);
		if (!kv[2 * i + 1])
			goto out;
		i++;
	}
	t = counted(r, term_parse_make_map(r->a, kv, i));
out:
	free(kv);
	return t;
}

static bool get_uint(json_t *o, const char *key, uint64_t max, uint64_t *v)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    (uint64_t)json_integer_value(j) > max)
		return false;
	*v = (uint64_t)json_integer_value(j);
	return true;
}

/* Node, module and function names travel as C strings: one with a NUL
 * inside would come back cut short, so it is refused instead. */
static const char *get_str(json_t *o, const char *key)
{
	json_t *j = json_object_get(o, key);
	const char *v = json_string_value(j);

	if (!v || strlen(v) != json_string_length(j))
		return NULL;
	return v;
}

static struct etf_term *atom_of(struct rd *r, const char *name, size_t len)
{
	size_t chars = 0, i;

	for (i = 0; i < len; i++)
		chars += ((unsigned char)name[i] & 0xc0) != 0x80;
	if (chars > 255)
		return bad(r, DIST_E_INVALID_ARGS, "atom longer than 255 "
			   "characters");
	return counted(r, etf_atom_len(r->a, name, len));
}

static struct etf_term *read_pid(struct rd *r, json_t *o)
{
	const char *node = get_str(o, "node");
	uint64_t id, serial, creation;

	if (!json_is_object(o) || !node || !get_uint(o, "id", UINT32_MAX, &id) ||
	    !get_uint(o, "serial", UINT32_MAX, &serial) ||
	    !get_uint(o, "creation", UINT32_MAX, &creation))
		return bad(r, DIST_E_INVALID_ARGS, "expected {\"node\": "
			   "string, \"id\", \"serial\", \"creation\": "
			   "integers}");
	return counted(r, etf_pid(r->a, node, (uint32_t)id, (uint32_t)serial,
				  (uint32_t)creation));
}

static struct etf_term *read_port(struct rd *r, json_t *o)
{
	const char *node = get_str(o, "node");
	uint64_t id, creation;
	struct etf_term *t;

	if (!json_is_object(o) || !node || !get_uint(o, "id", INT64_MAX, &id) ||
	    !get_uint(o, "creation", UINT32_MAX, &creation))
		return bad(r, DIST_E_INVALID_ARGS, "expected {\"node\": "
			   "string, \"id\", \"creation\": integers}");
	t = etf_arena_alloc(r->a, sizeof(*t));
	if (!t || !(t->v.port.node = etf_atom(r->a, node)))
		return nomem(r);
	t->type = ETF_PORT;
	t->v.port.id = id;
	t->v.port.creation = (uint32_t)creation;
	return counted(r, t);
}

static struct etf_term *read_ref(struct rd *r, json_t *o)
{
	const char *node = get_str(o, "node");
	json_t *ids = json_object_get(o, "ids");
	uint32_t w[5];
	uint64_t creation;
	size_t n = json_array_size(ids), i;

	if (!json_is_object(o) || !node ||
	    !get_uint(o, "creation", UINT32_MAX, &creation) ||
	    !json_is_array(ids) || n < 1 || n > 5)
		return bad(r, DIST_E_INVALID_ARGS, "expected {\"node\": "
			   "string, \"creation\": integer, \"ids\": 1 to 5 "
			   "integers}");
	for (i = 0; i < n; i++) {
		json_t *id = json_array_get(ids, i);

		if (!json_is_integer(id) || json_integer_value(id) < 0 ||
		    json_integer_value(id) > UINT32_MAX)
			return bad(r, DIST_E_INVALID_ARGS, "ref ids are "
				   "integers 0..4294967295");
		w[i] = (uint32_t)json_integer_value(id);
	}
	return counted(r, etf_ref(r->a, node, (uint32_t)creation, w,
				  (uint8_t)n));
}

static struct etf_term *read_export(struct rd *r, json_t *o)
{
	const char *m = get_str(o, "module"), *f = get_str(o, "function");
	struct etf_term *t;
	uint64_t arity;

	if (!json_is_object(o) || !m || !f || !get_uint(o, "arity", 255, &arity))
		return bad(r, DIST_E_INVALID_ARGS, "expected {\"module\", "
			   "\"function\": strings, \"arity\": 0..255}");
	t = etf_arena_alloc(r->a, sizeof(*t));
	if (!t)
		return nomem(r);
	t->type = ETF_EXPORT;
	t->v.export.module = atom_of(r, m, strlen(m));
	t->v.export.function = t->v.export.module ?
		atom_of(r, f, strlen(f)) : NULL;
	t->v.export.arity = (uint8_t)arity;
	return t->v.export.function ? counted(r, t) : NULL;
}

/* Base64 text of tag `name` decoded; NULL with the error set. */
static uint8_t *read_base64(struct rd *r, json_t *j, size_t *n)
{
	uint8_t *d;

	if (!json_is_string(j)) {
		bad(r, DIST_E_INVALID_ARGS, "expected a base64 string");
		return NULL;
	}
	if (json_string_length(j) / 4 * 3 > r->lim.max_binary) {
		bad(r, DIST_E_TOO_LARGE, "binary larger than %zu bytes",
		    r->lim.max_binary);
		return NULL;
	}
	if (base64_decode(json_string_value(j), json_string_length(j),
			     &d, n)) {
		if (*n == SIZE_MAX)
			nomem(r);
		else
			bad(r, DIST_E_INVALID_ARGS, "not valid base64");
		return NULL;
	}
	return d;
}

static struct etf_term *read_bits(struct rd *r, json_t *o, bool whole)
{
	json_t *data = whole ? o : json_object_get(o, "data");
	struct etf_term *t = NULL;
	uint64_t bits = 0;
	size_t n;
	uint8_t *d;

	if (!whole && (!json_is_object(o) || !get_uint(o, "bits", UINT64_MAX / 2,
						       &bits)))
		return bad(r, DIST_E_INVALID_ARGS, "expected {\"data\": "
			   "base64, \"bits\": integer}");
	d = read_base64(r, data, &n);
	if (!d)
		return NULL;
	if (!whole && (bits > (uint64_t)n * 8 || bits + 8 <= (uint64_t)n * 8)) {
		free(d);
		return bad(r, DIST_E_INVALID_ARGS, "\"bits\" does not match "
			   "the length of \"data\"");
	}
	if (!whole && bits % 8)
		d[n - 1] &= (uint8_t)(0xff00 >> (bits % 8));
	t = counted(r, etf_binary(r->a, d, n));
	if (t && !whole && bits % 8)
		t->v.bin.bits = (uint8_t)(bits % 8);
	free(d);
	return t;
}

/* {"$etf": base64 of term_to_binary}: any term, decoded under limits. */
static struct etf_term *read_etf(struct rd *r, json_t *j)
{
	struct etf_limits el = { r->lim.max_depth, r->lim.max_terms,
				 r->lim.max_binary };
	struct dist_error derr = { 0 };
	struct etf_term *t = NULL;
	size_t n, used = 0;
	uint8_t *d = read_base64(r, j, &n);
	int rc;

	if (!d)
		return NULL;
	rc = etf_decode(d, n, &used, r->a, &el, &t, &derr);
	free(d);
	if (rc)
		return bad(r, derr.code == DIST_E_PROTOCOL ?
			   DIST_E_INVALID_ARGS : derr.code,
			   "not a term in external format: %s", derr.message);
	if (used != n)
		return bad(r, DIST_E_INVALID_ARGS, "bytes after the term");
	return counted(r, t);
}

/* {"$int": "-123..."}: the digits go through the term parser. */
static struct etf_term *read_int(struct rd *r, json_t *j)
{
	const char *s = json_string_value(j);
	size_t n = json_string_length(j), i;
	struct dist_error perr = { 0 };
	struct etf_term *t;

	for (i = s && n > 1 && s[0] == '-' ? 1 : 0; s && i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			s = NULL;
	if (!s || n == 0)
		return bad(r, DIST_E_INVALID_ARGS, "expected a string of "
			   "decimal digits");
	if (term_parse(s, n, r->a, &r->lim, &t, &perr))
		return bad(r, perr.code, "%s", perr.message);
	return counted(r, t);
}

/* A JSON number that fits no C type (json_exact.h): an integer of any
 * size is a bignum; a real beyond the largest double has no float. */
static struct etf_term *read_big_number(struct rd *r, const char *text)
{
	struct dist_error perr = { 0 };
	struct etf_term *t;

	if (strpbrk(text, ".eE"))
		return bad(r, DIST_E_INVALID_ARGS, "the number %.40s%s is too "
			   "large for a float (Erlang floats are 64-bit "
			   "doubles, at most 1.7976931348623157e308)", text,
			   strlen(text) > 40 ? "..." : "");
	if (term_parse(text, strlen(text), r->a, &r->lim, &t, &perr))
		return bad(r, perr.code, "%s", perr.message);
	return counted(r, t);
}

/* {"$float": N} where N fits no C type: a big integer written as a
 * float is one if a double holds it. */
static struct etf_term *read_big_float(struct rd *r, const char *text)
{
	double f = strtod(text, NULL);

	if (isinf(f))
		return read_big_number(r, text);
	return counted(r, etf_float(r->a, f));
}

/* {"$str": "text"}: a list of the code points. */
static struct etf_term *read_str(struct rd *r, json_t *j)
{
	const uint8_t *s = (const uint8_t *)json_string_value(j);
	size_t n = json_string_length(j), k, i = 0;
	struct etf_term **v, *t;
	uint32_t cp;

	if (!s)
		return bad(r, DIST_E_INVALID_ARGS, "expected a string");
	if (n > r->lim.max_terms - r->terms)
		return bad(r, DIST_E_TOO_LARGE, "more than %zu terms",
			   r->lim.max_terms);
	v = malloc((n + 1) * sizeof(*v));
	if (!v)
		return nomem(r);
	for (; n; s += k, n -= k) {
		k = utf8_next(s, n, &cp);
		if (k == 0 || !(v[i++] = counted(r, etf_int(r->a, cp)))) {
			free(v);
			return k ? NULL : bad(r, DIST_E_INVALID_ARGS,
					      "invalid UTF-8");
		}
	}
	t = counted(r, term_parse_make_list(r->a, v, i, NULL));
	free(v);
	return t;
}

static struct etf_term *read_tag(struct rd *r, const char *key, json_t *v,
				 size_t depth)
{
	if (strcmp(key, "$atom") == 0)
		return json_is_string(v) ? atom_of(r, json_string_value(v),
						   json_string_length(v))
			: bad(r, DIST_E_INVALID_ARGS, "expected a string");
	if (strcmp(key, "$tuple") == 0 || strcmp(key, "$map") == 0 ||
	    strcmp(key, "$improper") == 0) {
		if (!json_is_array(v))
			return bad(r, DIST_E_INVALID_ARGS, "expected an array");
		if (key[1] == 't')
			return read_tuple(r, v, depth);
		return key[1] == 'm' ? read_pairs(r, v, depth)
				     : read_list(r, v, depth, true);
	}
	if (strcmp(key, "$float") == 0 && json_number_text(v))
		return read_big_float(r, json_number_text(v));
	if (strcmp(key, "$float") == 0)
		return json_is_number(v) ?
			counted(r, etf_float(r->a, json_number_value(v))) :
			bad(r, DIST_E_INVALID_ARGS, "expected a number");
	if (strcmp(key, "$int") == 0)
		return read_int(r, v);
	if (strcmp(key, "$str") == 0)
		return read_str(r, v);
	if (strcmp(key, "$bin") == 0 || strcmp(key, "$bits") == 0)
		return read_bits(r, v, strcmp(key, "$bin") == 0);
	if (strcmp(key, "$pid") == 0)
		return read_pid(r, v);
	if (strcmp(key, "$port") == 0)
		return read_port(r, v);
	if (strcmp(key, "$ref") == 0)
		return read_ref(r, v);
	if (strcmp(key, "$fun") == 0)
		return read_export(r, v);
	if (strcmp(key, "$etf") == 0)
		return read_etf(r, v);
	return bad(r, DIST_E_INVALID_ARGS, "unknown tag '%s' (known: $atom, "
		   "$tuple, $int, $float, $str, $bin, $bits, $map, "
		   "$improper, $pid, $port, $ref, $fun, $etf)", key);
}

static struct etf_term *read_json(struct rd *r, json_t *j, size_t depth)
{
	if (depth >= r->lim.max_depth)
		return bad(r, DIST_E_TOO_LARGE, "nested deeper than %zu",
			   r->lim.max_depth);
	if (json_number_text(j))
		return read_big_number(r, json_number_text(j));
	switch (json_typeof(j)) {
	case JSON_NULL:
		return atom_of(r, "null", 4);
	case JSON_TRUE:
		return atom_of(r, "true", 4);
	case JSON_FALSE:
		return atom_of(r, "false", 5);
	case JSON_INTEGER:
		return counted(r, etf_int(r->a, json_integer_value(j)));
	case JSON_REAL:
		return counted(r, etf_float(r->a, json_real_value(j)));
	case JSON_STRING:
		if (json_string_length(j) > r->lim.max_binary)
			return bad(r, DIST_E_TOO_LARGE, "string longer than "
				   "%zu bytes", r->lim.max_binary);
		return counted(r, etf_binary(r->a, json_string_value(j),
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
			size_t old = push_key(r, key);
			struct etf_term *t = read_tag(r, key,
				json_object_iter_value(it), depth + 1);

			pop(r, old);
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
			nomem(&r);
		return -1;
	}
	*out = t;
	return 0;
}
