/* term_json_read_tags.c - the tagged forms that hold no other JSON
 * value: atoms, $int, $float text, $str, $bin, $bits, $pid, $port, $ref,
 * $fun and $etf (see term_json.h). Calls only term_json_read_state.c.
 */
#include "term/term_json_internal.h"
#include "base/base64.h"
#include "base/json_exact.h"
#include "base/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

struct etf_term *term_json_atom(struct rd *r, const char *name, size_t len)
{
	size_t chars = 0, i;

	for (i = 0; i < len; i++)
		chars += ((unsigned char)name[i] & 0xc0) != 0x80;
	if (chars > 255)
		return term_json_bad(r, DIST_E_INVALID_ARGS,
				     "atom longer than 255 "
				     "characters");
	return term_json_counted(r, etf_atom_len(r->a, name, len));
}

struct etf_term *term_json_read_pid(struct rd *r, json_t *o)
{
	const char *node = get_str(o, "node");
	uint64_t id, serial, creation;

	if (!json_is_object(o) || !node ||
	    !get_uint(o, "id", UINT32_MAX, &id) ||
	    !get_uint(o, "serial", UINT32_MAX, &serial) ||
	    !get_uint(o, "creation", UINT32_MAX, &creation))
		return term_json_bad(
			r, DIST_E_INVALID_ARGS,
			"expected {\"node\": "
			"string, \"id\", \"serial\", \"creation\": "
			"integers}");
	return term_json_counted(r,
				 etf_pid(r->a, node, (uint32_t)id,
					 (uint32_t)serial, (uint32_t)creation));
}

struct etf_term *term_json_read_port(struct rd *r, json_t *o)
{
	const char *node = get_str(o, "node");
	uint64_t id, creation;
	struct etf_term *t;

	if (!json_is_object(o) || !node || !get_uint(o, "id", INT64_MAX, &id) ||
	    !get_uint(o, "creation", UINT32_MAX, &creation))
		return term_json_bad(r, DIST_E_INVALID_ARGS,
				     "expected {\"node\": "
				     "string, \"id\", \"creation\": integers}");
	t = etf_arena_alloc(r->a, sizeof(*t));
	if (!t || !(t->v.port.node = etf_atom(r->a, node)))
		return term_json_nomem(r);
	t->type = ETF_PORT;
	t->v.port.id = id;
	t->v.port.creation = (uint32_t)creation;
	return term_json_counted(r, t);
}

struct etf_term *term_json_read_ref(struct rd *r, json_t *o)
{
	const char *node = get_str(o, "node");
	json_t *ids = json_object_get(o, "ids");
	uint32_t w[5];
	uint64_t creation;
	size_t n = json_array_size(ids), i;

	if (!json_is_object(o) || !node ||
	    !get_uint(o, "creation", UINT32_MAX, &creation) ||
	    !json_is_array(ids) || n < 1 || n > 5)
		return term_json_bad(
			r, DIST_E_INVALID_ARGS,
			"expected {\"node\": "
			"string, \"creation\": integer, \"ids\": 1 to 5 "
			"integers}");
	for (i = 0; i < n; i++) {
		json_t *id = json_array_get(ids, i);

		if (!json_is_integer(id) || json_integer_value(id) < 0 ||
		    json_integer_value(id) > UINT32_MAX)
			return term_json_bad(r, DIST_E_INVALID_ARGS,
					     "ref ids are "
					     "integers 0..4294967295");
		w[i] = (uint32_t)json_integer_value(id);
	}
	return term_json_counted(r, etf_ref(r->a, node, (uint32_t)creation, w,
				  (uint8_t)n));
}

struct etf_term *term_json_read_export(struct rd *r, json_t *o)
{
	const char *m = get_str(o, "module"), *f = get_str(o, "function");
	struct etf_term *t;
	uint64_t arity;

	if (!json_is_object(o) || !m || !f ||
	    !get_uint(o, "arity", 255, &arity))
		return term_json_bad(
			r, DIST_E_INVALID_ARGS,
			"expected {\"module\", "
			"\"function\": strings, \"arity\": 0..255}");
	t = etf_arena_alloc(r->a, sizeof(*t));
	if (!t)
		return term_json_nomem(r);
	t->type = ETF_EXPORT;
	t->v.export.module = term_json_atom(r, m, strlen(m));
	t->v.export.function = t->v.export.module ?
		term_json_atom(r, f, strlen(f)) : NULL;
	t->v.export.arity = (uint8_t)arity;
	return t->v.export.function ? term_json_counted(r, t) : NULL;
}

/* Base64 text of tag `name` decoded; NULL with the error set. */
static uint8_t *read_base64(struct rd *r, json_t *j, size_t *n)
{
	uint8_t *d;

	if (!json_is_string(j)) {
		term_json_bad(r, DIST_E_INVALID_ARGS,
			      "expected a base64 string");
		return NULL;
	}
	if (json_string_length(j) / 4 * 3 > r->lim.max_binary) {
		term_json_bad(r, DIST_E_TOO_LARGE,
			      "binary larger than %zu bytes",
			      r->lim.max_binary);
		return NULL;
	}
	if (base64_decode(json_string_value(j), json_string_length(j),
			     &d, n)) {
		if (*n == SIZE_MAX)
			term_json_nomem(r);
		else
			term_json_bad(r, DIST_E_INVALID_ARGS,
				      "not valid base64");
		return NULL;
	}
	return d;
}

struct etf_term *term_json_read_bits(struct rd *r, json_t *o, bool whole)
{
	json_t *data = whole ? o : json_object_get(o, "data");
	struct etf_term *t = NULL;
	uint64_t bits = 0;
	size_t n;
	uint8_t *d;

	if (!whole &&
	    (!json_is_object(o) || !get_uint(o, "bits", UINT64_MAX / 2, &bits)))
		return term_json_bad(r, DIST_E_INVALID_ARGS,
				     "expected {\"data\": "
				     "base64, \"bits\": integer}");
	d = read_base64(r, data, &n);
	if (!d)
		return NULL;
	if (!whole && (bits > (uint64_t)n * 8 || bits + 8 <= (uint64_t)n * 8)) {
		free(d);
		return term_json_bad(r, DIST_E_INVALID_ARGS,
				     "\"bits\" does not match "
				     "the length of \"data\"");
	}
	if (!whole && bits % 8)
		d[n - 1] &= (uint8_t)(0xff00 >> (bits % 8));
	t = term_json_counted(r, etf_binary(r->a, d, n));
	if (t && !whole && bits % 8)
		t->v.bin.bits = (uint8_t)(bits % 8);
	free(d);
	return t;
}

/* {"$etf": base64 of term_to_binary}: any term, decoded under limits. */
struct etf_term *term_json_read_etf(struct rd *r, json_t *j)
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
		return term_json_bad(r, derr.code == DIST_E_PROTOCOL ?
			   DIST_E_INVALID_ARGS : derr.code,
			   "not a term in external format: %s", derr.message);
	if (used != n)
		return term_json_bad(r, DIST_E_INVALID_ARGS,
				     "bytes after the term");
	return term_json_counted(r, t);
}

/* {"$int": "-123..."}: the digits go through the term parser. */
struct etf_term *term_json_read_int(struct rd *r, json_t *j)
{
	const char *s = json_string_value(j);
	size_t n = json_string_length(j), i;
	struct dist_error perr = { 0 };
	struct etf_term *t;

	for (i = s && n > 1 && s[0] == '-' ? 1 : 0; s && i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			s = NULL;
	if (!s || n == 0)
		return term_json_bad(r, DIST_E_INVALID_ARGS,
				     "expected a string of "
				     "decimal digits");
	if (term_parse(s, n, r->a, &r->lim, &t, &perr))
		return term_json_bad(r, perr.code, "%s", perr.message);
	return term_json_counted(r, t);
}

/* A JSON number that fits no C type (json_exact.h): an integer of any
 * size is a bignum; a real beyond the largest double has no float. */
struct etf_term *term_json_read_big_number(struct rd *r, const char *text)
{
	struct dist_error perr = { 0 };
	struct etf_term *t;

	if (strpbrk(text, ".eE"))
		return term_json_bad(
			r, DIST_E_INVALID_ARGS,
			"the number %.40s%s is too "
			"large for a float (Erlang floats are 64-bit "
			"doubles, at most 1.7976931348623157e308)",
			text, strlen(text) > 40 ? "..." : "");
	if (term_parse(text, strlen(text), r->a, &r->lim, &t, &perr))
		return term_json_bad(r, perr.code, "%s", perr.message);
	return term_json_counted(r, t);
}

/* {"$float": N} where N fits no C type: a big integer written as a
 * float is one if a double holds it. */
struct etf_term *term_json_read_big_float(struct rd *r, const char *text)
{
	double f = strtod(text, NULL);

	if (isinf(f))
		return term_json_read_big_number(r, text);
	return term_json_counted(r, etf_float(r->a, f));
}

/* {"$str": "text"}: a list of the code points. */
struct etf_term *term_json_read_str(struct rd *r, json_t *j)
{
	const uint8_t *s = (const uint8_t *)json_string_value(j);
	size_t n = json_string_length(j), k, i = 0;
	struct etf_term **v, *t;
	uint32_t cp;

	if (!s)
		return term_json_bad(r, DIST_E_INVALID_ARGS,
				     "expected a string");
	if (n > r->lim.max_terms - r->terms)
		return term_json_bad(r, DIST_E_TOO_LARGE, "more than %zu terms",
			   r->lim.max_terms);
	v = malloc((n + 1) * sizeof(*v));
	if (!v)
		return term_json_nomem(r);
	for (; n; s += k, n -= k) {
		k = utf8_next(s, n, &cp);
		if (k == 0 ||
		    !(v[i++] = term_json_counted(r, etf_int(r->a, cp)))) {
			free(v);
			return k ? NULL : term_json_bad(r, DIST_E_INVALID_ARGS,
					      "invalid UTF-8");
		}
	}
	t = term_json_counted(r, term_parse_make_list(r->a, v, i, NULL));
	free(v);
	return t;
}
