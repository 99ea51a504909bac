/* json_exact_write.c - JSON text with exact numbers (json_exact.h). */
#include "base/json_exact.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/float_text.h"

/* The key that marks a number kept as text: one byte that is never
 * UTF-8. */
static const char text_key[] = "\xff";

json_t *json_number_text_new(const char *text, size_t len)
{
	json_t *o = json_object(), *s = json_stringn_nocheck(text, len);

	if (!o || !s || json_object_setn_new_nocheck(o, text_key, 1, s)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

const char *json_number_text(const json_t *j)
{
	if (!json_is_object(j) || json_object_size(j) != 1)
		return NULL;
	return json_string_value(json_object_getn(j, text_key, 1));
}

static void put_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* A JSON string escaped as jansson escapes it: quote, backslash and
 * control characters; everything else as its UTF-8. */
static void dump_string(const char *s, size_t n, struct buf *b)
{
	size_t i, from = 0;
	char esc[8];

	buf_put_u8(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(b, s + from, i - from);
		from = i + 1;
		switch (c) {
		case '"': put_str(b, "\\\""); break;
		case '\\': put_str(b, "\\\\"); break;
		case '\b': put_str(b, "\\b"); break;
		case '\f': put_str(b, "\\f"); break;
		case '\n': put_str(b, "\\n"); break;
		case '\r': put_str(b, "\\r"); break;
		case '\t': put_str(b, "\\t"); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", c);
			put_str(b, esc);
		}
	}
	buf_put(b, s + from, n - from);
	buf_put_u8(b, '"');
}

static void newline(struct buf *b, int indent, int depth)
{
	int i;

	if (indent <= 0)
		return;
	buf_put_u8(b, '\n');
	for (i = 0; i < indent * depth; i++)
		buf_put_u8(b, ' ');
}

static void dump(const json_t *j, int indent, int depth, struct buf *b);

static void dump_array(const json_t *j, int indent, int depth, struct buf *b)
{
	size_t i, n = json_array_size(j);

	buf_put_u8(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			buf_put_u8(b, ',');
		newline(b, indent, depth + 1);
		dump(json_array_get(j, i), indent, depth + 1, b);
	}
	if (n)
		newline(b, indent, depth);
	buf_put_u8(b, ']');
}

static void dump_object(const json_t *j, int indent, int depth,
			struct buf *b)
{
	void *it = json_object_iter((json_t *)j);
	bool first = true;

	buf_put_u8(b, '{');
	for (; it; it = json_object_iter_next((json_t *)j, it), first = false) {
		if (!first)
			buf_put_u8(b, ',');
		newline(b, indent, depth + 1);
		dump_string(json_object_iter_key(it),
			    json_object_iter_key_len(it), b);
		put_str(b, indent > 0 ? ": " : ":");
		dump(json_object_iter_value(it), indent, depth + 1, b);
	}
	if (!first)
		newline(b, indent, depth);
	buf_put_u8(b, '}');
}

static void dump(const json_t *j, int indent, int depth, struct buf *b)
{
	char num[FLOAT_SHORT_MAX > 24 ? FLOAT_SHORT_MAX : 24];
	const char *text = json_number_text(j);

	if (text) {
		put_str(b, text);
		return;
	}
	switch (json_typeof(j)) {
	case JSON_NULL: put_str(b, "null"); break;
	case JSON_TRUE: put_str(b, "true"); break;
	case JSON_FALSE: put_str(b, "false"); break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(j));
		put_str(b, num);
		break;
	case JSON_REAL:
		buf_put(b, num, float_short(json_real_value(j), num));
		break;
	case JSON_STRING:
		dump_string(json_string_value(j), json_string_length(j), b);
		break;
	case JSON_ARRAY:
		dump_array(j, indent, depth, b);
		break;
	case JSON_OBJECT:
		dump_object(j, indent, depth, b);
		break;
	}
}

int json_exact_dump(const json_t *j, int indent, struct buf *out)
{
	if (!j)
		return -1;
	dump(j, indent, 0, out);
	return out->failed ? -1 : 0;
}

char *json_exact_dumps(const json_t *j, int indent)
{
	struct buf b;

	buf_init(&b, 0);
	if (json_exact_dump(j, indent, &b) < 0) {
		buf_free(&b);
		return NULL;
	}
	buf_put_u8(&b, 0);
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	return (char *)b.data;
}

/* By hand, not with round(): the probes do not link libm. Times are far
 * below 2^63 microseconds. */
double ms_round3(double ms)
{
	if (!(ms > 0))
		return 0;
	return (double)(long long)(ms * 1000.0 + 0.5) / 1000.0;
}

json_t *json_ms(double ms)
{
	return json_real(ms_round3(ms));
}
