/* codec_schema.c - the schema language of codec.h, text to tree.
 *
 *   codec   := prefix? name ( "(" ")" )?            leaves
 *            | prefix? name "(" codec ("," codec)* ")"
 *            | prefix? tagged "(" string "," uint32 "," codec ")"
 *   prefix  := "codec." | "composite." | "tagged."
 *   string  := '"' (char | \" | \\ | \n | \r | \t | \f | \u{HEX}) * '"'
 *
 * tagged.codec(...) is tagged(...), as distribute spells it. Recursive
 * descent, bounded by max_depth, so nothing deep reaches the stack.
 */
#include "codec/codec.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

const struct codec_limits codec_default_limits = {
	.max_text = 4096,
	.max_depth = 32,
	.max_nodes = 256,
	.max_list = 10000,
	.max_values = 1000000,
	.max_binary = 64 * 1024 * 1024,
};

struct parser {
	const char *s;
	size_t len, pos, nodes;
	const struct codec_limits *lim;
	struct dist_error *err;
};

static const struct {
	const char *name;
	enum codec_kind kind;
	int arity;
} kinds[] = {
	{ "int", CODEC_INT, 0 },         { "float", CODEC_FLOAT, 0 },
	{ "bool", CODEC_BOOL, 0 },       { "nil", CODEC_NIL, 0 },
	{ "string", CODEC_STRING, 0 },   { "bitarray", CODEC_BITARRAY, 0 },
	{ "subject", CODEC_SUBJECT, 0 }, { "list", CODEC_LIST, 1 },
	{ "option", CODEC_OPTION, 1 },   { "result", CODEC_RESULT, 2 },
	{ "tuple2", CODEC_TUPLE2, 2 },   { "tuple3", CODEC_TUPLE3, 3 },
	{ "tagged", CODEC_TAGGED, 3 },
};

static int fail(struct parser *p, const char *what)
{
	return dist_error_set(p->err, DIST_E_INVALID_ARGS, DIST_STAGE_INPUT,
			      "codec schema, column %zu: %s", p->pos + 1,
			      what);
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) &&
	       p->s[p->pos])
		p->pos++;
}

static int accept(struct parser *p, char c)
{
	skip_space(p);
	if (p->pos < p->len && p->s[p->pos] == c) {
		p->pos++;
		return 1;
	}
	return 0;
}

static size_t word(struct parser *p, const char **start)
{
	size_t n = 0;

	skip_space(p);
	*start = p->s + p->pos;
	while (p->pos + n < p->len &&
	       ((p->s[p->pos + n] >= 'a' && p->s[p->pos + n] <= 'z') ||
		(p->s[p->pos + n] >= '0' && p->s[p->pos + n] <= '9') ||
		p->s[p->pos + n] == '_'))
		n++;
	p->pos += n;
	return n;
}

static bool word_is(const char *w, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(w, name, n);
}

/* The kind a name means, after an optional module prefix; -1 unknown. */
static int kind_of(struct parser *p)
{
	const char *w;
	size_t n = word(p, &w);

	if (n && p->pos < p->len && p->s[p->pos] == '.' &&
	    (word_is(w, n, "codec") || word_is(w, n, "composite") ||
	     word_is(w, n, "tagged"))) {
		bool tagged_mod = word_is(w, n, "tagged");

		p->pos++;
		n = word(p, &w);
		if (tagged_mod && word_is(w, n, "codec"))
			return CODEC_TAGGED;
	}
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (word_is(w, n, kinds[i].name))
			return (int)i;
	p->pos -= n;
	return -1;
}

static int hex_escape(struct parser *p, struct buf *out)
{
	uint32_t cp = 0;
	uint8_t u[4];
	size_t digits = 0, n;

	if (p->pos >= p->len || p->s[p->pos] != '{')
		return fail(p, "\\u takes {HEX}, as in \"\\u{1F600}\"");
	p->pos++;
	while (p->pos < p->len && p->s[p->pos] != '}') {
		char c = p->s[p->pos];
		int v = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (v < 0 || ++digits > 6)
			return fail(p, "\\u{...} holds 1 to 6 hex digits");
		cp = cp * 16 + (uint32_t)v;
		p->pos++;
	}
	if (p->pos >= p->len || !digits)
		return fail(p, "\\u{...} holds 1 to 6 hex digits");
	p->pos++;
	n = utf8_put(cp, u);
	if (!n)
		return fail(p, "\\u{...} is not a Unicode scalar value");
	buf_put(out, u, n);
	return 0;
}

static int escape(struct parser *p, struct buf *out)
{
	static const char from[] = "\"\\nrtf", to[] = "\"\\\n\r\t\f";
	const char *e;

	if (p->pos >= p->len)
		return fail(p, "unterminated string");
	e = p->s[p->pos] ? strchr(from, p->s[p->pos]) : NULL;
	if (p->s[p->pos] == 'u') {
		p->pos++;
		return hex_escape(p, out);
	}
	if (!e)
		return fail(p, "unknown escape: use \\\" \\\\ \\n \\r \\t "
			    "\\f or \\u{HEX}");
	buf_put_u8(out, (uint8_t)to[e - from]);
	p->pos++;
	return 0;
}

/* A Gleam string literal: the tag of tagged(). */
static int string_lit(struct parser *p, struct codec *c)
{
	struct buf b;

	if (!accept(p, '"'))
		return fail(p, "tagged(...) takes the tag first, as a string "
			    "in double quotes");
	buf_init(&b, p->lim->max_text);
	while (p->pos < p->len && p->s[p->pos] != '"') {
		if (p->s[p->pos] == '\\') {
			p->pos++;
			if (escape(p, &b) < 0) {
				buf_free(&b);
				return -1;
			}
			continue;
		}
		buf_put_u8(&b, (uint8_t)p->s[p->pos++]);
	}
	if (p->pos >= p->len) {
		buf_free(&b);
		return fail(p, "unterminated string");
	}
	p->pos++;
	buf_put_u8(&b, 0);
	if (b.failed) {
		buf_free(&b);
		return dist_error_nomem(p->err, DIST_STAGE_INPUT,
					"reading a codec schema");
	}
	c->tag = (char *)b.data;
	c->tag_len = b.len - 1;
	if (!utf8_valid((const uint8_t *)c->tag, c->tag_len) ||
	    strlen(c->tag) != c->tag_len)
		return fail(p, "the tag is not UTF-8 text without NUL");
	return 0;
}

static int version_lit(struct parser *p, struct codec *c)
{
	uint64_t v = 0;
	size_t digits = 0;

	skip_space(p);
	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
		v = v * 10 + (uint64_t)(p->s[p->pos++] - '0');
		if (v > UINT32_MAX)
			return fail(p, "the version is an unsigned 32-bit "
				    "integer (0 to 4294967295)");
		digits++;
		/* Gleam writes 1_000 as well as 1000. */
		if (p->pos + 1 < p->len && p->s[p->pos] == '_' &&
		    p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '9')
			p->pos++;
	}
	if (!digits)
		return fail(p, "tagged(...) takes the version second, as an "
			    "integer");
	c->version = (uint32_t)v;
	return 0;
}

static struct codec *parse_codec(struct parser *p, size_t depth);

static int parse_args(struct parser *p, struct codec *c, int arity,
		      size_t depth)
{
	for (int i = 0; i < arity; i++) {
		if (i > 0 && !accept(p, ','))
			return fail(p, "expected ',' between arguments");
		if (c->kind == CODEC_TAGGED && i == 0) {
			if (string_lit(p, c) < 0)
				return -1;
		} else if (c->kind == CODEC_TAGGED && i == 1) {
			if (version_lit(p, c) < 0)
				return -1;
		} else {
			int slot = c->kind == CODEC_TAGGED ? 0 : i;

			c->sub[slot] = parse_codec(p, depth + 1);
			if (!c->sub[slot])
				return -1;
		}
	}
	if (!accept(p, ')'))
		return fail(p, arity == 3 ? "expected ')' after the third "
				"argument" : "expected ')' or a missing argument");
	return 0;
}

static struct codec *parse_codec(struct parser *p, size_t depth)
{
	struct codec *c;
	int k, arity;

	if (depth > p->lim->max_depth) {
		dist_error_set(p->err, DIST_E_TOO_LARGE, DIST_STAGE_INPUT,
			       "codec schema, column %zu: nested deeper than "
			       "%zu", p->pos + 1, p->lim->max_depth);
		return NULL;
	}
	if (++p->nodes > p->lim->max_nodes) {
		dist_error_set(p->err, DIST_E_TOO_LARGE, DIST_STAGE_INPUT,
			       "codec schema: more than %zu codecs",
			       p->lim->max_nodes);
		return NULL;
	}
	k = kind_of(p);
	if (k < 0) {
		fail(p, "expected a codec: int, float, bool, nil, string, "
		     "bitarray, subject, list(T), option(T), result(T, E), "
		     "tuple2(A, B), tuple3(A, B, C) or tagged(\"tag\", "
		     "VERSION, T)");
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		dist_error_nomem(p->err, DIST_STAGE_INPUT,
				 "reading a codec schema");
		return NULL;
	}
	c->kind = kinds[k].kind;
	arity = kinds[k].arity;
	if (!accept(p, '(')) {
		if (!arity)
			return c;
		fail(p, "expected '(': this codec takes arguments");
		codec_free(c);
		return NULL;
	}
	if (!arity ? !accept(p, ')') ? fail(p, "a leaf codec takes no "
					     "arguments: write it bare or "
					     "with ()") : 0
		   : parse_args(p, c, arity, depth) < 0) {
		codec_free(c);
		return NULL;
	}
	return c;
}

struct codec *codec_parse(const char *text, size_t len,
			  const struct codec_limits *lim,
			  struct dist_error *err)
{
	struct parser p = { .s = text, .len = len, .err = err,
			    .lim = lim ? lim : &codec_default_limits };
	struct codec *c;

	if (len > p.lim->max_text) {
		dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_INPUT,
			       "codec schema longer than %zu bytes",
			       p.lim->max_text);
		return NULL;
	}
	c = parse_codec(&p, 1);
	if (!c)
		return NULL;
	skip_space(&p);
	if (p.pos < len) {
		fail(&p, "unexpected text after the codec");
		codec_free(c);
		return NULL;
	}
	return c;
}

void codec_free(struct codec *c)
{
	if (!c)
		return;
	for (int i = 0; i < 3; i++)
		codec_free(c->sub[i]);
	free(c->tag);
	free(c);
}

static void print_tag(const struct codec *c, struct buf *out)
{
	buf_put_u8(out, '"');
	for (size_t i = 0; i < c->tag_len; i++) {
		char ch = c->tag[i];
		const char *e = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\"
			: ch == '\n' ? "\\n" : ch == '\r' ? "\\r"
			: ch == '\t' ? "\\t" : ch == '\f' ? "\\f" : NULL;

		if (e)
			buf_put(out, e, 2);
		else
			buf_put_u8(out, (uint8_t)ch);
	}
	buf_put_u8(out, '"');
}

int codec_print(const struct codec *c, struct buf *out)
{
	char num[16];
	int arity = 0;

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].kind == c->kind) {
			buf_put(out, kinds[i].name, strlen(kinds[i].name));
			arity = kinds[i].arity;
		}
	if (!arity)
		return out->failed ? -1 : 0;
	buf_put_u8(out, '(');
	if (c->kind == CODEC_TAGGED) {
		print_tag(c, out);
		snprintf(num, sizeof num, ", %u, ", c->version);
		buf_put(out, num, strlen(num));
		codec_print(c->sub[0], out);
	} else {
		for (int i = 0; i < arity; i++) {
			if (i)
				buf_put(out, ", ", 2);
			codec_print(c->sub[i], out);
		}
	}
	buf_put_u8(out, ')');
	return out->failed ? -1 : 0;
}
