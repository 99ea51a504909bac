/* codec_encode.c - a JSON value to distribute's binary (codec.h).
 *
 * The encoder refuses what distribute's own encoders refuse (an int
 * beyond 64 bits, a list over the element cap) and what has no place in
 * the schema (a string where an int is due), naming the JSON path, so a
 * service never receives a binary it would drop.
 */
#include "codec/codec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/json_exact.h"
#include "base/utf8.h"
#include "etf/etf.h"
#include "term/term_json.h"

struct enc {
	const struct codec_limits *lim;
	struct buf *out;
	struct dist_error *err;
	char path[256];
	size_t plen;
};

static const char *kind_json(const json_t *v)
{
	if (json_number_text(v))
		return "a number beyond 64 bits";
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_NULL: return "null";
	default: return "a boolean";
	}
}

static int bad(struct enc *e, const char *want, const json_t *v)
{
	return dist_error_set(e->err, DIST_E_INVALID_ARGS, DIST_STAGE_INPUT,
			      "codec value %s: expected %s, not %s",
			      e->plen ? e->path : "$", want, kind_json(v));
}

/* Append "[i]" (key NULL) or ".key" to the path; returns the length to
 * go back to. */
static size_t path_push(struct enc *e, size_t i, const char *key)
{
	size_t was = e->plen, room;
	int n;

	if (!e->plen) {
		e->path[0] = '$';
		e->plen = 1;
		was = 0;
	}
	room = sizeof e->path - e->plen;
	n = key ? snprintf(e->path + e->plen, room, ".%s", key)
		: snprintf(e->path + e->plen, room, "[%zu]", i);
	if (n > 0 && (size_t)n < room)
		e->plen += (size_t)n;
	return was;
}

static void path_pop(struct enc *e, size_t was)
{
	e->plen = was;
	e->path[was] = '\0';
}

static int encode(struct enc *e, const struct codec *c, const json_t *v);

static int at_index(struct enc *e, const struct codec *c, const json_t *v,
		    size_t i)
{
	size_t was = path_push(e, i, NULL);
	int rc = encode(e, c, json_array_get(v, i));

	if (rc == 0)
		path_pop(e, was);
	return rc;
}

static int at_key(struct enc *e, const struct codec *c, const json_t *v,
		  const char *key)
{
	size_t was = path_push(e, 0, key);
	int rc = encode(e, c, json_object_get(v, key));

	if (rc == 0)
		path_pop(e, was);
	return rc;
}

static int put_bytes(struct enc *e, const void *p, size_t n)
{
	if (n > UINT32_MAX)
		return dist_error_set(e->err, DIST_E_TOO_LARGE,
				      DIST_STAGE_INPUT, "codec value %s: %zu "
				      "bytes do not fit a 32-bit length",
				      e->plen ? e->path : "$", n);
	buf_put_u32(e->out, (uint32_t)n);
	buf_put(e->out, p, n);
	return 0;
}

static int enc_int(struct enc *e, const json_t *v)
{
	if (json_number_text(v))
		return dist_error_set(e->err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT, "codec value %s: %s "
				      "is out of the signed 64-bit range of "
				      "int", e->plen ? e->path : "$",
				      json_number_text(v));
	if (!json_is_integer(v))
		return bad(e, "an integer (int)", v);
	buf_put_u64(e->out, (uint64_t)json_integer_value(v));
	return 0;
}

static int enc_float(struct enc *e, const json_t *v)
{
	double d;
	uint64_t bits;

	if (!json_is_number(v))
		return bad(e, "a number (float)", v);
	d = json_number_value(v);
	memcpy(&bits, &d, sizeof bits);
	buf_put_u64(e->out, bits);
	return 0;
}

static int enc_bitarray(struct enc *e, const json_t *v)
{
	const json_t *b64 = json_object_get(v, "$bin");
	uint8_t *bytes = NULL;
	size_t n = 0;
	int rc;

	if (json_is_string(v))
		return put_bytes(e, json_string_value(v), json_string_length(v));
	if (!json_is_string(b64) || json_object_size(v) != 1)
		return bad(e, "a string or {\"$bin\": \"<base64>\"} (bitarray)",
			   v);
	if (base64_decode(json_string_value(b64), json_string_length(b64),
			  &bytes, &n) < 0)
		return dist_error_set(e->err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT, "codec value %s.$bin: "
				      "not base64", e->plen ? e->path : "$");
	rc = put_bytes(e, bytes, n);
	free(bytes);
	return rc;
}

/* The ETF of {subject, Pid, Tag}, as gleam_erlang lays a Subject out. */
static int enc_subject(struct enc *e, const json_t *v)
{
	struct etf_arena *a = etf_arena_new();
	struct etf_term *t = NULL;
	struct buf b;
	int rc = -1;

	if (!a)
		return dist_error_nomem(e->err, DIST_STAGE_INPUT, NULL);
	buf_init(&b, e->lim->max_binary);
	if (term_from_json_tagged((json_t *)v, a, NULL, &t, e->err) < 0)
		goto out;
	if (!etf_is_tuple(t, 3) || !etf_is_atom(t->v.tuple.elems[0], "subject")
	    || t->v.tuple.elems[1]->type != ETF_PID) {
		bad(e, "a subject: {\"$tuple\": [{\"$atom\": \"subject\"}, "
		    "{\"$pid\": ...}, TAG]}", v);
		goto out;
	}
	if (etf_encode(t, &b, true, e->err) == 0)
		rc = put_bytes(e, b.data, b.len);
out:
	buf_free(&b);
	etf_arena_free(a);
	return rc;
}

static int enc_list(struct enc *e, const struct codec *c, const json_t *v)
{
	size_t n = json_array_size(v);

	if (!json_is_array(v))
		return bad(e, "an array (list)", v);
	if (n > e->lim->max_list)
		return dist_error_set(e->err, DIST_E_TOO_LARGE,
				      DIST_STAGE_INPUT, "codec value %s: a "
				      "list of %zu elements; distribute "
				      "refuses more than %zu",
				      e->plen ? e->path : "$", n,
				      e->lim->max_list);
	buf_put_u32(e->out, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		if (at_index(e, c->sub[0], v, i) < 0)
			return -1;
	return 0;
}

/* Whether a value of this codec can be JSON null: then Some(v) must be
 * spelled {"some": v}. */
static bool nullable(const struct codec *c)
{
	while (c->kind == CODEC_TAGGED)
		c = c->sub[0];
	return c->kind == CODEC_NIL || c->kind == CODEC_OPTION;
}

static int enc_option(struct enc *e, const struct codec *c, const json_t *v)
{
	if (json_is_null(v)) {
		buf_put_u8(e->out, 0);
		return 0;
	}
	buf_put_u8(e->out, 1);
	if (json_is_object(v) && json_object_size(v) == 1 &&
	    json_object_get(v, "some"))
		return at_key(e, c->sub[0], v, "some");
	if (nullable(c->sub[0]))
		return bad(e, "null (None) or {\"some\": VALUE} (option of a "
			   "value that may itself be null)", v);
	return encode(e, c->sub[0], v);
}

static int enc_result(struct enc *e, const struct codec *c, const json_t *v)
{
	if (json_is_object(v) && json_object_size(v) == 1) {
		if (json_object_get(v, "ok")) {
			buf_put_u8(e->out, 0);
			return at_key(e, c->sub[0], v, "ok");
		}
		if (json_object_get(v, "error")) {
			buf_put_u8(e->out, 1);
			return at_key(e, c->sub[1], v, "error");
		}
	}
	return bad(e, "{\"ok\": VALUE} or {\"error\": VALUE} (result)", v);
}

/* tuple2/tuple3: every member but the last is framed by its length,
 * patched in once it is written. */
static int enc_tuple(struct enc *e, const struct codec *c, const json_t *v,
		     size_t arity)
{
	if (!json_is_array(v) || json_array_size(v) != arity)
		return bad(e, arity == 2 ? "an array of 2 (tuple2)"
					 : "an array of 3 (tuple3)", v);
	for (size_t i = 0; i < arity; i++) {
		size_t at = e->out->len, len;

		if (i + 1 < arity)
			buf_put_u32(e->out, 0);
		if (at_index(e, c->sub[i], v, i) < 0)
			return -1;
		if (i + 1 == arity || e->out->failed)
			continue;
		len = e->out->len - at - 4;
		if (len > UINT32_MAX)
			return put_bytes(e, NULL, len);
		put_u32(e->out->data + at, (uint32_t)len);
	}
	return 0;
}

static int enc_tagged(struct enc *e, const struct codec *c, const json_t *v)
{
	put_bytes(e, c->tag, c->tag_len);
	buf_put_u32(e->out, c->version);
	return encode(e, c->sub[0], v);
}

static int encode(struct enc *e, const struct codec *c, const json_t *v)
{
	if (!v)
		return dist_error_set(e->err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT, "codec value %s: "
				      "missing", e->plen ? e->path : "$");
	switch (c->kind) {
	case CODEC_INT: return enc_int(e, v);
	case CODEC_FLOAT: return enc_float(e, v);
	case CODEC_BOOL:
		if (!json_is_boolean(v))
			return bad(e, "true or false (bool)", v);
		buf_put_u8(e->out, json_is_true(v) ? 1 : 0);
		return 0;
	case CODEC_NIL:
		return json_is_null(v) ? 0 : bad(e, "null (nil)", v);
	case CODEC_STRING:
		if (!json_is_string(v))
			return bad(e, "a string", v);
		return put_bytes(e, json_string_value(v), json_string_length(v));
	case CODEC_BITARRAY: return enc_bitarray(e, v);
	case CODEC_SUBJECT: return enc_subject(e, v);
	case CODEC_LIST: return enc_list(e, c, v);
	case CODEC_OPTION: return enc_option(e, c, v);
	case CODEC_RESULT: return enc_result(e, c, v);
	case CODEC_TUPLE2: return enc_tuple(e, c, v, 2);
	case CODEC_TUPLE3: return enc_tuple(e, c, v, 3);
	case CODEC_TAGGED: return enc_tagged(e, c, v);
	}
	return bad(e, "a known codec", v);
}

int codec_encode(const struct codec *c, const json_t *value,
		 const struct codec_limits *lim, struct buf *out,
		 struct dist_error *err)
{
	struct enc e = { .lim = lim ? lim : &codec_default_limits,
			 .out = out, .err = err };
	size_t max_was = out->max;

	if (!out->max || out->max > e.lim->max_binary)
		out->max = e.lim->max_binary;
	if (encode(&e, c, value) < 0) {
		out->max = max_was;
		return -1;
	}
	out->max = max_was;
	if (out->failed)
		return dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_INPUT,
				      "codec value: the binary would pass "
				      "%zu bytes (or memory ran out)",
				      e.lim->max_binary);
	return 0;
}
