/* codec_decode.c - distribute's binary to a JSON value (codec.h).
 *
 * Strict as distribute's decoders: every codec reads exactly its bytes,
 * a tuple member exactly its declared length, the whole value exactly
 * the binary. A failure names the byte offset (from the start of the
 * binary) and what was expected there, so a mismatched schema is found
 * by reading one message.
 */
#include "codec/codec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/utf8.h"
#include "etf/etf.h"
#include "term/term_json.h"

struct dec {
	const uint8_t *data;
	const struct codec_limits *lim;
	size_t values;
	struct dist_error *err;
};

static int mismatch(struct dec *d, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int mismatch(struct dec *d, size_t at, const char *fmt, ...)
{
	char what[DIST_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return dist_error_set(d->err, DIST_E_CODEC_MISMATCH,
			      DIST_STAGE_REQUEST, "codec: at byte %zu: %s",
			      at, what);
}

/* n bytes must be there before end. */
static int need(struct dec *d, size_t pos, size_t end, size_t n,
		const char *what)
{
	if (end - pos >= n)
		return 0;
	return mismatch(d, pos, "expected %s (%zu bytes), %zu left", what, n,
			end - pos);
}

static json_t *counted(struct dec *d, json_t *v)
{
	if (!v) {
		dist_error_nomem(d->err, DIST_STAGE_REQUEST,
				 "decoding a codec binary");
		return NULL;
	}
	if (++d->values > d->lim->max_values) {
		json_decref(v);
		dist_error_set(d->err, DIST_E_TOO_LARGE, DIST_STAGE_REQUEST,
			       "codec: more than %zu values in one binary",
			       d->lim->max_values);
		return NULL;
	}
	return v;
}

static json_t *decode(struct dec *d, const struct codec *c, size_t *pos,
		      size_t end);

/* The u32 length and the bytes it frames: *at, *n. */
static int framed(struct dec *d, size_t *pos, size_t end, const char *what,
		  size_t *at, size_t *n)
{
	char label[64];

	snprintf(label, sizeof label, "the length of %s", what);
	if (need(d, *pos, end, 4, label) < 0)
		return -1;
	*n = get_u32(d->data + *pos);
	*pos += 4;
	if (end - *pos < *n)
		return mismatch(d, *pos, "expected %s of %zu bytes, %zu left",
				what, *n, end - *pos);
	*at = *pos;
	*pos += *n;
	return 0;
}

static json_t *dec_string(struct dec *d, size_t *pos, size_t end)
{
	size_t at, n;

	if (framed(d, pos, end, "a string", &at, &n) < 0)
		return NULL;
	if (!utf8_valid(d->data + at, n)) {
		mismatch(d, at, "a string that is not UTF-8");
		return NULL;
	}
	return counted(d, json_stringn((const char *)d->data + at, n));
}

static json_t *dec_bitarray(struct dec *d, size_t *pos, size_t end)
{
	size_t at, n;
	char *b64;
	json_t *v;

	if (framed(d, pos, end, "a bitarray", &at, &n) < 0)
		return NULL;
	if (utf8_valid(d->data + at, n))
		return counted(d, json_stringn((const char *)d->data + at, n));
	b64 = base64_encode(d->data + at, n);
	v = b64 ? json_pack("{s:s}", "$bin", b64) : NULL;
	free(b64);
	return counted(d, v);
}

static json_t *dec_subject(struct dec *d, size_t *pos, size_t end)
{
	struct etf_arena *a = etf_arena_new();
	struct etf_limits lim = etf_default_limits;
	struct etf_term *t = NULL, *node;
	struct dist_error e;
	size_t at, n, used = 0;
	json_t *v = NULL;

	if (!a || framed(d, pos, end, "a subject", &at, &n) < 0)
		goto out;
	lim.max_bytes = n;
	if (etf_decode(d->data + at, n, &used, a, &lim, &t, &e) < 0) {
		mismatch(d, at, "a subject in external term format: %s",
			 e.message);
		goto out;
	}
	if (used != n) {
		mismatch(d, at + used, "%zu bytes after the subject's term",
			 n - used);
		goto out;
	}
	if (!etf_is_tuple(t, 3) || !etf_is_atom(t->v.tuple.elems[0], "subject")
	    || t->v.tuple.elems[1]->type != ETF_PID) {
		mismatch(d, at, "a subject {subject, Pid, Tag}, found another "
			 "term");
		goto out;
	}
	node = t->v.tuple.elems[1]->v.pid.node;
	if (node->type != ETF_ATOM || strlen(node->v.atom.name) !=
	    node->v.atom.len || !memchr(node->v.atom.name, '@',
					node->v.atom.len)) {
		mismatch(d, at, "a subject whose pid names a node (name@host)");
		goto out;
	}
	v = counted(d, term_to_json_tagged(t, NULL, d->err));
out:
	if (!a)
		dist_error_nomem(d->err, DIST_STAGE_REQUEST, NULL);
	etf_arena_free(a);
	return v;
}

static json_t *dec_list(struct dec *d, const struct codec *c, size_t *pos,
			size_t end)
{
	size_t count, start = *pos;
	json_t *arr;

	if (need(d, *pos, end, 4, "a list's element count") < 0)
		return NULL;
	count = get_u32(d->data + *pos);
	if (count > d->lim->max_list) {
		dist_error_set(d->err, DIST_E_TOO_LARGE, DIST_STAGE_REQUEST,
			       "codec: at byte %zu: a list of %zu elements; "
			       "distribute refuses more than %zu", start,
			       count, d->lim->max_list);
		return NULL;
	}
	*pos += 4;
	arr = counted(d, json_array());
	for (size_t i = 0; arr && i < count; i++) {
		json_t *el = decode(d, c->sub[0], pos, end);

		if (!el || json_array_append_new(arr, el) < 0) {
			if (el)
				dist_error_nomem(d->err, DIST_STAGE_REQUEST,
						 NULL);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static bool nullable(const struct codec *c)
{
	while (c->kind == CODEC_TAGGED)
		c = c->sub[0];
	return c->kind == CODEC_NIL || c->kind == CODEC_OPTION;
}

/* option: 0 | 1 T; result: 0 T | 1 E. */
static json_t *dec_choice(struct dec *d, const struct codec *c, size_t *pos,
			  size_t end)
{
	bool opt = c->kind == CODEC_OPTION;
	size_t at = *pos;
	json_t *v;
	uint8_t b;

	if (need(d, *pos, end, 1, opt ? "an option's byte (0 None, 1 Some)"
				  : "a result's byte (0 Ok, 1 Error)") < 0)
		return NULL;
	b = d->data[(*pos)++];
	if (b > 1) {
		mismatch(d, at, "expected %s, found %u", opt
			 ? "0 (None) or 1 (Some)" : "0 (Ok) or 1 (Error)", b);
		return NULL;
	}
	if (opt && b == 0)
		return counted(d, json_null());
	v = decode(d, c->sub[opt ? 0 : b], pos, end);
	if (!v || (opt && !nullable(c->sub[0])))
		return v;
	return counted(d, json_pack("{s:o}", opt ? "some" : b ? "error" : "ok",
				    v));
}

/* tuple2/tuple3: each member but the last in its declared length, which
 * it must fill exactly (distribute refuses bytes smuggled inside). */
static json_t *dec_tuple(struct dec *d, const struct codec *c, size_t *pos,
			 size_t end, size_t arity)
{
	json_t *arr = counted(d, json_array());
	static const char *const nth[] = { "first", "second" };

	for (size_t i = 0; arr && i < arity; i++) {
		size_t stop = end, at;
		char what[48];
		json_t *el;

		if (i + 1 < arity) {
			snprintf(what, sizeof what, "the tuple%zu %s member",
				 arity, nth[i]);
			if (framed(d, pos, end, what, &at, &stop) < 0)
				goto fail;
			stop += at;
			*pos = at;
		}
		el = decode(d, c->sub[i], pos, stop);
		if (!el)
			goto fail;
		json_array_append_new(arr, el);
		if (i + 1 < arity && *pos != stop) {
			mismatch(d, *pos, "%zu bytes left inside the tuple%zu "
				 "%s member's declared length", stop - *pos,
				 arity, nth[i]);
			goto fail;
		}
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

static json_t *dec_tagged(struct dec *d, const struct codec *c, size_t *pos,
			  size_t end)
{
	size_t at, n, vat;
	uint32_t version;

	if (framed(d, pos, end, "a tag", &at, &n) < 0)
		return NULL;
	if (!utf8_valid(d->data + at, n)) {
		mismatch(d, at, "a tag that is not UTF-8");
		return NULL;
	}
	if (n != c->tag_len || memcmp(d->data + at, c->tag, n)) {
		dist_error_set(d->err, DIST_E_TAG_MISMATCH, DIST_STAGE_REQUEST,
			       "codec: at byte %zu: expected tag \"%s\", "
			       "found \"%.*s\"", at, c->tag,
			       (int)(n > 200 ? 200 : n), d->data + at);
		return NULL;
	}
	vat = *pos;
	if (need(d, *pos, end, 4, "a tagged version") < 0)
		return NULL;
	version = get_u32(d->data + *pos);
	if (version != c->version) {
		dist_error_set(d->err, DIST_E_VERSION_MISMATCH,
			       DIST_STAGE_REQUEST, "codec: at byte %zu: tag "
			       "\"%s\" expected version %u, found %u", vat,
			       c->tag, c->version, version);
		return NULL;
	}
	*pos += 4;
	return decode(d, c->sub[0], pos, end);
}

static json_t *dec_fixed(struct dec *d, const struct codec *c, size_t *pos,
			 size_t end)
{
	const uint8_t *p = d->data + *pos;
	size_t at = *pos;
	uint64_t bits;
	double f;

	switch (c->kind) {
	case CODEC_INT:
		if (need(d, *pos, end, 8, "an int") < 0)
			return NULL;
		*pos += 8;
		return counted(d, json_integer((json_int_t)(int64_t)get_u64(p)));
	case CODEC_FLOAT:
		if (need(d, *pos, end, 8, "a float") < 0)
			return NULL;
		bits = get_u64(p);
		memcpy(&f, &bits, sizeof f);
		/* Erlang's <<F:float>> does not match these either. */
		if (!isfinite(f)) {
			mismatch(d, at, "a float that is NaN or infinite");
			return NULL;
		}
		*pos += 8;
		return counted(d, json_real(f));
	default:
		if (need(d, *pos, end, 1, "a bool") < 0)
			return NULL;
		if (*p > 1) {
			mismatch(d, at, "expected a bool (0 or 1), found %u",
				 *p);
			return NULL;
		}
		*pos += 1;
		return counted(d, json_boolean(*p));
	}
}

static json_t *decode(struct dec *d, const struct codec *c, size_t *pos,
		      size_t end)
{
	switch (c->kind) {
	case CODEC_INT:
	case CODEC_FLOAT:
	case CODEC_BOOL: return dec_fixed(d, c, pos, end);
	case CODEC_NIL: return counted(d, json_null());
	case CODEC_STRING: return dec_string(d, pos, end);
	case CODEC_BITARRAY: return dec_bitarray(d, pos, end);
	case CODEC_SUBJECT: return dec_subject(d, pos, end);
	case CODEC_LIST: return dec_list(d, c, pos, end);
	case CODEC_OPTION:
	case CODEC_RESULT: return dec_choice(d, c, pos, end);
	case CODEC_TUPLE2: return dec_tuple(d, c, pos, end, 2);
	case CODEC_TUPLE3: return dec_tuple(d, c, pos, end, 3);
	case CODEC_TAGGED: return dec_tagged(d, c, pos, end);
	}
	mismatch(d, *pos, "an unknown codec");
	return NULL;
}

json_t *codec_decode(const struct codec *c, const uint8_t *data,
		     size_t len, const struct codec_limits *lim,
		     struct dist_error *err)
{
	struct dec d = { .data = data, .err = err,
			 .lim = lim ? lim : &codec_default_limits };
	size_t pos = 0;
	json_t *v = decode(&d, c, &pos, len);

	if (v && pos != len) {
		mismatch(&d, pos, "%zu bytes left after the value", len - pos);
		json_decref(v);
		return NULL;
	}
	return v;
}
