/* term_parse.c - Erlang term syntax to a term tree (see term_parse.h).
 *
 * Containers are parsed without recursion: finished values go on a value
 * stack, open containers on a frame stack, and a closing bracket turns
 * the values above its frame into one term. So a text of 100 000 '['
 * costs a bounded stack and ends in too_large, never in a crash.
 * Numbers, quoted text and binaries are in term_parse_scalar.c. Columns count characters, 1-based, as erl_scan counts them.
 */
#include "term_parse_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct term_parse_limits term_parse_default_limits = {
	.max_depth = 1000,
	.max_terms = 10000000,
	.max_text = 64u * 1024 * 1024,
	.max_binary = 64u * 1024 * 1024,
	.max_digits = 100000,
};

enum frame_kind { FRAME_TUPLE, FRAME_LIST, FRAME_TAIL, FRAME_MAP };

struct frame {
	enum frame_kind kind;
	size_t base;            /* first value of this container in vals */
	size_t open;            /* position of the opening bracket */
};

#define ATOM_MAX_CHARS 255

int vec_reserve(struct vec *v, size_t n, size_t size)
{
	size_t cap;
	void *d;

	if (n <= v->cap - v->len)
		return 0;
	if (n > SIZE_MAX / size / 2 - v->len)
		return -1;
	cap = v->cap ? v->cap : 16;
	while (cap < v->len + n)
		cap *= 2;
	d = realloc(v->data, cap * size);
	if (!d)
		return -1;
	v->data = d;
	v->cap = cap;
	return 0;
}

static void vec_free(struct vec *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
}

/* --- errors ------------------------------------------------------------ */

/* "column 7" or "line 2, column 3": characters, not bytes, from 1. */
static void location(const struct parser *p, size_t at, char *out, size_t n)
{
	size_t line = 1, col = 1, i;

	for (i = 0; i < at && i < p->len; i++) {
		unsigned char c = (unsigned char)p->s[i];

		if (c == '\n') {
			line++;
			col = 1;
		} else if ((c & 0xc0) != 0x80) {
			col++;
		}
	}
	if (line == 1)
		snprintf(out, n, "column %zu", col);
	else
		snprintf(out, n, "line %zu, column %zu", line, col);
}

int tp_fail(struct parser *p, size_t at, enum dist_code code,
	    const char *fmt, ...)
{
	char where[64], what[400];
	va_list ap;

	location(p, at, where, sizeof where);
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return dist_error_set(p->err, code, DIST_STAGE_INPUT, "%s: %s", where,
			      what);
}

/* What stands at `at`, for "found ...". */
static void describe(const struct parser *p, size_t at, char *out, size_t n)
{
	const uint8_t *s = (const uint8_t *)p->s + at;
	uint32_t cp;
	size_t k;

	if (at >= p->len) {
		snprintf(out, n, "end of input");
	} else if (*s == '\n') {
		snprintf(out, n, "a newline");
	} else if (*s < 0x20 || *s == 0x7f) {
		snprintf(out, n, "character 0x%02x", *s);
	} else if (*s < 0x80) {
		snprintf(out, n, "'%c'", *s);
	} else if ((k = etf_utf8_next(s, p->len - at, &cp)) != 0) {
		snprintf(out, n, "'%.*s'", (int)k, (const char *)s);
	} else {
		snprintf(out, n, "invalid UTF-8 byte 0x%02x", *s);
	}
}

int tp_expected(struct parser *p, size_t at, const char *what)
{
	char found[32];

	describe(p, at, found, sizeof found);
	return tp_fail(p, at, DIST_E_INVALID_ARGS, "expected %s, found %s",
		       what, found);
}

int tp_nomem(struct parser *p)
{
	return dist_error_set(p->err, DIST_E_NOMEM, DIST_STAGE_INPUT,
			      "out of memory parsing a term");
}

/* Account for n more terms against max_terms. */
int tp_count(struct parser *p, size_t n)
{
	if (n > p->lim.max_terms - p->terms)
		return tp_fail(p, p->pos, DIST_E_TOO_LARGE,
			       "more than %zu terms", p->lim.max_terms);
	p->terms += n;
	return 0;
}

/* --- characters ---------------------------------------------------------- */

int tp_peek(const struct parser *p, size_t off)
{
	if (p->pos + off >= p->len)
		return -1;
	return (unsigned char)p->s[p->pos + off];
}

/* Whitespace as erl_scan sees it (code points 0..32 and 128..160, here
 * in UTF-8) and % comments to the end of the line. */
void tp_skip_blank(struct parser *p)
{
	for (;;) {
		int c = tp_peek(p, 0), c1 = tp_peek(p, 1);

		if (c >= 0 && c <= ' ') {
			p->pos++;
		} else if (c == 0xc2 && c1 >= 0x80 && c1 <= 0xa0) {
			p->pos += 2;
		} else if (c == '%') {
			while (p->pos < p->len && p->s[p->pos] != '\n')
				p->pos++;
		} else {
			return;
		}
	}
}

/* Consume tok when the text continues with it. */
bool tp_take(struct parser *p, const char *tok)
{
	size_t n = strlen(tok);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, tok, n) != 0)
		return false;
	p->pos += n;
	return true;
}

/* --- atoms ----------------------------------------------------------------- */

static bool is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_name_ascii(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '@';
}

/* Latin-1 letters, which erl_scan allows in names: U+00C0..U+00FF but
 * for the signs U+00D7 and U+00F7. Lower case ones (U+00DF..) may
 * start an atom; upper case ones start a variable. Returns 1 for lower,
 * 2 for upper, 0 for neither. */
static int latin1_letter(const struct parser *p, size_t off)
{
	int c = tp_peek(p, off), c1 = tp_peek(p, off + 1);

	if (c != 0xc3 || c1 < 0x80 || c1 > 0xbf || c1 == 0x97 || c1 == 0xb7)
		return 0;
	return c1 >= 0x9f ? 1 : 2;
}

static const char *const reserved_words[] = {
	"after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl",
	"bsr", "bxor", "case", "catch", "cond", "div", "end", "fun", "if",
	"let", "not", "of", "or", "orelse", "receive", "rem", "try", "when",
	"xor", NULL,
};

static bool is_reserved(const char *s, size_t n)
{
	const char *const *w;

	for (w = reserved_words; *w; w++)
		if (strlen(*w) == n && memcmp(*w, s, n) == 0)
			return true;
	return false;
}

/* The span of a bare name at p->pos: ASCII name characters and Latin-1
 * letters. Returns its byte length and its length in characters. */
static size_t name_span(const struct parser *p, size_t *chars)
{
	size_t n = 0;

	*chars = 0;
	for (;;) {
		if (p->pos + n < p->len && is_name_ascii(p->s[p->pos + n])) {
			n++;
		} else if (latin1_letter(p, n)) {
			n += 2;
		} else {
			return n;
		}
		(*chars)++;
	}
}

static int atom_from_utf8(struct parser *p, size_t at, const char *s,
			  size_t n, size_t chars, struct etf_term **out)
{
	if (chars > ATOM_MAX_CHARS)
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "atom longer than %d characters",
			       ATOM_MAX_CHARS);
	*out = etf_atom_len(p->a, s, n);
	return *out ? 0 : tp_nomem(p);
}

/* Put code point cp as UTF-8 into p->bytes. */
static int put_utf8(struct parser *p, uint32_t cp)
{
	uint8_t u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (vec_reserve(&p->bytes, n, 1))
		return tp_nomem(p);
	memcpy((uint8_t *)p->bytes.data + p->bytes.len, u, n);
	p->bytes.len += n;
	return 0;
}

/* 'quoted atom': the same escapes as strings. */
static int quoted_atom(struct parser *p, struct etf_term **out)
{
	size_t at = p->pos, i;
	const uint32_t *cp;

	p->chars.len = 0;
	if (tp_quoted(p, '\''))
		return -1;
	p->bytes.len = 0;
	cp = p->chars.data;
	for (i = 0; i < p->chars.len; i++)
		if (put_utf8(p, cp[i]))
			return -1;
	return atom_from_utf8(p, at, p->bytes.data, p->bytes.len,
			      p->chars.len, out);
}

static int bare_atom(struct parser *p, struct etf_term **out)
{
	size_t at = p->pos, chars, n = name_span(p, &chars);

	p->pos += n;
	return atom_from_utf8(p, at, p->s + at, n, chars, out);
}

/* An atom written bare or quoted, as in fun M:F/A. */
static int any_atom(struct parser *p, struct etf_term **out)
{
	if (tp_peek(p, 0) == '\'')
		return quoted_atom(p, out);
	if (is_lower(tp_peek(p, 0)) || latin1_letter(p, 0) == 1)
		return bare_atom(p, out);
	return tp_expected(p, p->pos, "an atom");
}

/* fun Module:Function/Arity; p->pos is after "fun". */
static int export_fun(struct parser *p, struct etf_term **out)
{
	struct etf_term *m, *f, *t;
	struct number arity;

	tp_skip_blank(p);
	if (any_atom(p, &m))
		return -1;
	tp_skip_blank(p);
	if (!tp_take(p, ":"))
		return tp_expected(p, p->pos, "':' in fun Module:Function/Arity");
	tp_skip_blank(p);
	if (any_atom(p, &f))
		return -1;
	tp_skip_blank(p);
	if (!tp_take(p, "/"))
		return tp_expected(p, p->pos, "'/' in fun Module:Function/Arity");
	tp_skip_blank(p);
	if (!(tp_peek(p, 0) >= '0' && tp_peek(p, 0) <= '9'))
		return tp_expected(p, p->pos, "an arity 0..255");
	if (tp_number(p, &arity))
		return -1;
	if (arity.is_float || p->mag.len > 1)
		return tp_fail(p, p->pos, DIST_E_INVALID_ARGS,
			       "arity must be an integer 0..255");
	t = etf_arena_alloc(p->a, sizeof(*t));
	if (!t)
		return tp_nomem(p);
	t->type = ETF_EXPORT;
	t->v.export.module = m;
	t->v.export.function = f;
	t->v.export.arity = p->mag.len ? *(uint8_t *)p->mag.data : 0;
	*out = t;
	return tp_count(p, 2);
}

static int word(struct parser *p, struct etf_term **out)
{
	size_t at = p->pos, chars, n = name_span(p, &chars);

	if (n == 3 && memcmp(p->s + at, "fun", 3) == 0) {
		p->pos += 3;
		return export_fun(p, out);
	}
	if (is_reserved(p->s + at, n))
		return tp_fail(p, at, DIST_E_INVALID_ARGS,
			       "'%.*s' is a reserved word: write it quoted, "
			       "as '%.*s'", (int)n, p->s + at, (int)n,
			       p->s + at);
	return bare_atom(p, out);
}

/* --- strings as terms ------------------------------------------------------ */

/* A list of code points: STRING_EXT when every one is a byte, as
 * term_to_binary encodes it; else a list of integers. */
static int string_term(struct parser *p, struct etf_term **out)
{
	const uint32_t *cp = p->chars.data;
	size_t n = p->chars.len, i;
	bool bytes = true;
	struct etf_term *t;

	if (n > UINT32_MAX)
		return tp_fail(p, p->pos, DIST_E_TOO_LARGE, "string too long");
	for (i = 0; i < n && bytes; i++)
		bytes = cp[i] <= 255;
	if (bytes) {
		p->bytes.len = 0;
		if (vec_reserve(&p->bytes, n, 1))
			return tp_nomem(p);
		for (i = 0; i < n; i++)
			((uint8_t *)p->bytes.data)[i] = (uint8_t)cp[i];
		*out = etf_string(p->a, p->bytes.data, n);
		return *out ? 0 : tp_nomem(p);
	}
	if (tp_count(p, n))
		return -1;
	t = etf_list_new(p->a, (uint32_t)n, NULL);
	if (!t)
		return tp_nomem(p);
	for (i = 0; i < n; i++)
		if (!(t->v.list.elems[i] = etf_int(p->a, cp[i])))
			return tp_nomem(p);
	*out = t;
	return 0;
}

static int number_term(struct parser *p, struct etf_term **out)
{
	struct number n;

	if (tp_number(p, &n))
		return -1;
	if (n.is_float)
		*out = etf_float(p->a, n.f);
	else
		*out = etf_big(p->a, p->int_negative, p->mag.data,
			       (uint32_t)p->mag.len);
	return *out ? 0 : tp_nomem(p);
}

/* --- containers -------------------------------------------------------------- */

static int push_value(struct parser *p, struct etf_term *t)
{
	if (vec_reserve(&p->vals, 1, sizeof(t)))
		return tp_nomem(p);
	((struct etf_term **)p->vals.data)[p->vals.len++] = t;
	return tp_count(p, 1);
}

static struct frame *top_frame(struct parser *p)
{
	return (struct frame *)p->frames.data + p->frames.len - 1;
}

static int open_frame(struct parser *p, enum frame_kind kind, size_t at)
{
	struct frame *f;

	if (p->frames.len >= p->lim.max_depth)
		return tp_fail(p, at, DIST_E_TOO_LARGE,
			       "terms nested deeper than %zu",
			       p->lim.max_depth);
	if (vec_reserve(&p->frames, 1, sizeof(*f)))
		return tp_nomem(p);
	f = (struct frame *)p->frames.data + p->frames.len++;
	f->kind = kind;
	f->base = p->vals.len;
	f->open = at;
	return 0;
}

static struct etf_term **frame_vals(struct parser *p, const struct frame *f,
				    size_t *n)
{
	*n = p->vals.len - f->base;
	/* Before the first value there is no array: NULL + 0 is UB. */
	return p->vals.data ? (struct etf_term **)p->vals.data + f->base : NULL;
}

/* Close the top frame: its values become one value. */
static int close_with(struct parser *p, struct etf_term *t)
{
	if (!t)
		return tp_nomem(p);
	p->vals.len = top_frame(p)->base;
	p->frames.len--;
	return push_value(p, t);
}

static struct etf_term *make_tuple(struct parser *p)
{
	size_t n;
	struct etf_term **v = frame_vals(p, top_frame(p), &n);
	struct etf_term *t = etf_tuple_new(p->a, (uint32_t)n);

	if (t && n)
		memcpy(t->v.tuple.elems, v, n * sizeof(*v));
	return t;
}

/* [a, b | [c]] is [a, b, c], and a proper list of bytes is STRING_EXT:
 * the term erl_parse makes, encoded as term_to_binary encodes it. */
struct etf_term *tp_make_list(struct etf_arena *a, struct etf_term **v,
			      size_t n, struct etf_term *tail)
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
struct etf_term *tp_make_map(struct etf_arena *a, struct etf_term **kv,
			     size_t pairs)
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

static struct etf_term *make_list(struct parser *p, struct etf_term *tail)
{
	size_t n;
	struct etf_term **v = frame_vals(p, top_frame(p), &n);

	return tp_make_list(p->a, v, n, tail);
}

static struct etf_term *make_map(struct parser *p)
{
	size_t n;
	struct etf_term **kv = frame_vals(p, top_frame(p), &n);

	return tp_make_map(p->a, kv, n / 2);
}

/* Open a container at p->pos; an empty one ({}, [], #{}) is finished at
 * once. Returns 1 when a value must follow, 0 when a value was made. */
static int open_container(struct parser *p, enum frame_kind kind,
			  size_t tok_len, char close)
{
	size_t at = p->pos;

	p->pos += tok_len;
	if (open_frame(p, kind, at))
		return -1;
	tp_skip_blank(p);
	if (tp_peek(p, 0) != close)
		return 1;
	p->pos++;
	if (kind == FRAME_TUPLE)
		return close_with(p, make_tuple(p));
	if (kind == FRAME_LIST)
		return close_with(p, etf_nil(p->a));
	return close_with(p, make_map(p));
}

static int scalar(struct parser *p, struct etf_term **out)
{
	int c = tp_peek(p, 0);

	if (c == '"') {
		p->chars.len = 0;
		return tp_strings(p) || string_term(p, out);
	}
	if (c == '\'')
		return quoted_atom(p, out);
	if (c == '<' && tp_peek(p, 1) == '<') {
		p->pos += 2;
		return tp_binary(p, out);
	}
	if ((c >= '0' && c <= '9') || c == '$' || c == '-' || c == '+')
		return number_term(p, out);
	if (is_lower(c) || latin1_letter(p, 0) == 1)
		return word(p, out);
	if ((c >= 'A' && c <= 'Z') || c == '_' || latin1_letter(p, 0) == 2)
		return tp_fail(p, p->pos, DIST_E_INVALID_ARGS,
			       "expected a term, found a variable: only "
			       "literal terms are allowed (quote atoms that "
			       "start with a capital, like 'Name')");
	return tp_expected(p, p->pos, "a term");
}

/* Start a value at p->pos: 1 when a container opened and wants its
 * first element, 0 when a whole value was pushed. */
static int begin_value(struct parser *p)
{
	struct etf_term *t = NULL;
	int c;

	tp_skip_blank(p);
	c = tp_peek(p, 0);
	if (c == '{')
		return open_container(p, FRAME_TUPLE, 1, '}');
	if (c == '[')
		return open_container(p, FRAME_LIST, 1, ']');
	if (c == '#') {
		size_t at = p->pos;

		p->pos++;
		tp_skip_blank(p);
		if (tp_peek(p, 0) != '{')
			return tp_expected(p, p->pos, "'{' after '#'");
		p->pos++;
		if (open_frame(p, FRAME_MAP, at))
			return -1;
		tp_skip_blank(p);
		if (tp_peek(p, 0) != '}')
			return 1;
		p->pos++;
		return close_with(p, make_map(p));
	}
	if (scalar(p, &t))
		return -1;
	return push_value(p, t);
}

/* After a value inside the top frame: a separator (1: a value must
 * follow), a closing bracket (0: the container became a value), or an
 * error. */
static int after_value(struct parser *p)
{
	struct frame *f = top_frame(p);
	size_t n = p->vals.len - f->base;
	int c;

	tp_skip_blank(p);
	c = tp_peek(p, 0);
	switch (f->kind) {
	case FRAME_TUPLE:
		if (c == ',' || c == '}')
			p->pos++;
		if (c == '}')
			return close_with(p, make_tuple(p));
		if (c == ',')
			return 1;
		return tp_expected(p, p->pos,
				   "',' or '}' after tuple element");
	case FRAME_LIST:
		if (c == ',' || c == ']' || c == '|')
			p->pos++;
		if (c == ']')
			return close_with(p, make_list(p, NULL));
		if (c == '|')
			f->kind = FRAME_TAIL;
		if (c == ',' || c == '|')
			return 1;
		return tp_expected(p, p->pos,
				   "',', '|' or ']' after list element");
	case FRAME_TAIL:
		if (c != ']')
			return tp_expected(p, p->pos, "']' after list tail");
		p->pos++;
		p->vals.len--;
		return close_with(p, make_list(p,
			((struct etf_term **)p->vals.data)[p->vals.len]));
	case FRAME_MAP:
		if (n % 2) {
			if (tp_take(p, "=>"))
				return 1;
			return tp_expected(p, p->pos, "'=>' after map key");
		}
		if (c == ',' || c == '}')
			p->pos++;
		if (c == '}')
			return close_with(p, make_map(p));
		if (c == ',')
			return 1;
		return tp_expected(p, p->pos, "',' or '}' after map value");
	}
	return -1;
}

static int parse_one(struct parser *p, struct etf_term **out)
{
	int r = 1;

	for (;;) {
		while (r == 1)
			r = begin_value(p);
		if (r < 0)
			return -1;
		while (r == 0 && p->frames.len > 0)
			r = after_value(p);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
	}
	*out = ((struct etf_term **)p->vals.data)[0];
	return 0;
}

/* After the term: blanks, an optional '.' (followed by a blank or the
 * end, as erl_scan's dot token), blanks, the end. */
static int parse_end(struct parser *p)
{
	tp_skip_blank(p);
	if (tp_peek(p, 0) == '.') {
		int c = tp_peek(p, 1);

		if (c > ' ' && c != '%')
			return tp_expected(p, p->pos + 1,
					   "whitespace or the end after '.'");
		p->pos++;
		tp_skip_blank(p);
	}
	if (p->pos < p->len)
		return tp_expected(p, p->pos, "the end of the term");
	return 0;
}

int term_parse(const char *text, size_t len, struct etf_arena *a,
	       const struct term_parse_limits *lim, struct etf_term **out,
	       struct dist_error *err)
{
	struct parser p = { .s = text, .len = len, .a = a, .err = err };
	struct etf_term *t = NULL;
	int r;

	p.lim = lim ? *lim : term_parse_default_limits;
	if (p.lim.max_depth > ETF_MAX_WALK_DEPTH)
		p.lim.max_depth = ETF_MAX_WALK_DEPTH;
	if (err)
		dist_error_clear(err);
	if (len > p.lim.max_text)
		return dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_INPUT,
				      "term text of %zu bytes, more than %zu",
				      len, p.lim.max_text);
	if (!text && len)
		return dist_error_set(err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT, "no term text");
	r = parse_one(&p, &t);
	if (r == 0)
		r = parse_end(&p);
	vec_free(&p.vals);
	vec_free(&p.frames);
	vec_free(&p.chars);
	vec_free(&p.bytes);
	vec_free(&p.mag);
	if (r == 0)
		*out = t;
	return r;
}

int term_parse_args(const char *text, size_t len, struct etf_arena *a,
		    const struct term_parse_limits *lim,
		    struct etf_term **out, struct dist_error *err)
{
	struct etf_term *t, *l;
	uint32_t i;

	if (term_parse(text, len, a, lim, &t, err))
		return -1;
	if (t->type == ETF_STRING) {
		l = etf_list_new(a, t->v.string.len, NULL);
		for (i = 0; l && i < t->v.string.len; i++)
			if (!(l->v.list.elems[i] =
			      etf_int(a, t->v.string.bytes[i])))
				l = NULL;
		if (!l)
			return dist_error_set(err, DIST_E_NOMEM,
					      DIST_STAGE_INPUT,
					      "out of memory parsing ARGS");
		t = l;
	}
	if (t->type == ETF_LIST && t->v.list.tail->type != ETF_NIL)
		return dist_error_set(err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT,
				      "ARGS must be a proper list, like "
				      "'[1,2]', not an improper one");
	if (t->type != ETF_NIL && t->type != ETF_LIST)
		return dist_error_set(err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_INPUT,
				      "ARGS must be a list, like '[1,2]'");
	*out = t;
	return 0;
}
