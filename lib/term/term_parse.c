/* term_parse.c - Erlang term syntax to a term tree (see term_parse.h).
 *
 * Containers are parsed without recursion: finished values go on a value
 * stack, open containers on a frame stack, and a closing bracket turns
 * the values above its frame into one term. So a text of 100 000 '['
 * costs a bounded stack and ends in too_large, never in a crash.
 * Columns count characters, 1-based, as erl_scan counts them.
 *
 * This file: the value and frame stacks, the dispatch over scalars and
 * the entry points; it calls the parser's other files, which never call
 * it (term_parse_internal.h lists them, bottom last).
 */
#include "term/term_parse_internal.h"

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

static void vec_free(struct vec *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
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
		return term_parse_fail(p, p->pos, DIST_E_TOO_LARGE,
				       "string too long");
	for (i = 0; i < n && bytes; i++)
		bytes = cp[i] <= 255;
	if (bytes) {
		p->bytes.len = 0;
		if (term_parse_vec_reserve(&p->bytes, n, 1))
			return term_parse_nomem(p);
		for (i = 0; i < n; i++)
			((uint8_t *)p->bytes.data)[i] = (uint8_t)cp[i];
		*out = etf_string(p->a, p->bytes.data, n);
		return *out ? 0 : term_parse_nomem(p);
	}
	if (term_parse_count(p, n))
		return -1;
	t = etf_list_new(p->a, (uint32_t)n, NULL);
	if (!t)
		return term_parse_nomem(p);
	for (i = 0; i < n; i++)
		if (!(t->v.list.elems[i] = etf_int(p->a, cp[i])))
			return term_parse_nomem(p);
	*out = t;
	return 0;
}

static int number_term(struct parser *p, struct etf_term **out)
{
	struct number n;

	if (term_parse_number(p, &n))
		return -1;
	if (n.is_float)
		*out = etf_float(p->a, n.f);
	else
		*out = etf_big(p->a, p->int_negative, p->mag.data,
			       (uint32_t)p->mag.len);
	return *out ? 0 : term_parse_nomem(p);
}

/* --- containers -------------------------------------------------------------- */

static int push_value(struct parser *p, struct etf_term *t)
{
	if (term_parse_vec_reserve(&p->vals, 1, sizeof(t)))
		return term_parse_nomem(p);
	((struct etf_term **)p->vals.data)[p->vals.len++] = t;
	return term_parse_count(p, 1);
}

static struct frame *top_frame(struct parser *p)
{
	return (struct frame *)p->frames.data + p->frames.len - 1;
}

static int open_frame(struct parser *p, enum frame_kind kind, size_t at)
{
	struct frame *f;

	if (p->frames.len >= p->lim.max_depth)
		return term_parse_fail(p, at, DIST_E_TOO_LARGE,
			       "terms nested deeper than %zu",
			       p->lim.max_depth);
	if (term_parse_vec_reserve(&p->frames, 1, sizeof(*f)))
		return term_parse_nomem(p);
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
		return term_parse_nomem(p);
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

static struct etf_term *make_list(struct parser *p, struct etf_term *tail)
{
	size_t n;
	struct etf_term **v = frame_vals(p, top_frame(p), &n);

	return term_parse_make_list(p->a, v, n, tail);
}

static struct etf_term *make_map(struct parser *p)
{
	size_t n;
	struct etf_term **kv = frame_vals(p, top_frame(p), &n);

	return term_parse_make_map(p->a, kv, n / 2);
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
	term_parse_skip_blank(p);
	if (term_parse_peek(p, 0) != close)
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
	int c = term_parse_peek(p, 0);

	if (c == '"') {
		p->chars.len = 0;
		return term_parse_strings(p) || string_term(p, out);
	}
	if (c == '\'')
		return term_parse_quoted_atom(p, out);
	if (c == '<' && term_parse_peek(p, 1) == '<') {
		p->pos += 2;
		return term_parse_binary(p, out);
	}
	if ((c >= '0' && c <= '9') || c == '$' || c == '-' || c == '+')
		return number_term(p, out);
	if (term_parse_is_lower(c) || term_parse_latin1_letter(p, 0) == 1)
		return term_parse_word(p, out);
	if ((c >= 'A' && c <= 'Z') || c == '_' ||
	    term_parse_latin1_letter(p, 0) == 2)
		return term_parse_fail(p, p->pos, DIST_E_INVALID_ARGS,
			       "expected a term, found a variable: only "
			       "literal terms are allowed (quote atoms that "
			       "start with a capital, like 'Name')");
	return term_parse_expected(p, p->pos, "a term");
}

/* Start a value at p->pos: 1 when a container opened and wants its
 * first element, 0 when a whole value was pushed. */
static int begin_value(struct parser *p)
{
	struct etf_term *t = NULL;
	int c;

	term_parse_skip_blank(p);
	c = term_parse_peek(p, 0);
	if (c == '{')
		return open_container(p, FRAME_TUPLE, 1, '}');
	if (c == '[')
		return open_container(p, FRAME_LIST, 1, ']');
	if (c == '#') {
		size_t at = p->pos;

		p->pos++;
		term_parse_skip_blank(p);
		if (term_parse_peek(p, 0) != '{')
			return term_parse_expected(p, p->pos, "'{' after '#'");
		p->pos++;
		if (open_frame(p, FRAME_MAP, at))
			return -1;
		term_parse_skip_blank(p);
		if (term_parse_peek(p, 0) != '}')
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

	term_parse_skip_blank(p);
	c = term_parse_peek(p, 0);
	switch (f->kind) {
	case FRAME_TUPLE:
		if (c == ',' || c == '}')
			p->pos++;
		if (c == '}')
			return close_with(p, make_tuple(p));
		if (c == ',')
			return 1;
		return term_parse_expected(p, p->pos,
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
		return term_parse_expected(p, p->pos,
				   "',', '|' or ']' after list element");
	case FRAME_TAIL:
		if (c != ']')
			return term_parse_expected(p, p->pos,
						   "']' after list tail");
		p->pos++;
		p->vals.len--;
		return close_with(p, make_list(p,
			((struct etf_term **)p->vals.data)[p->vals.len]));
	case FRAME_MAP:
		if (n % 2) {
			if (term_parse_take(p, "=>"))
				return 1;
			return term_parse_expected(p, p->pos,
						   "'=>' after map key");
		}
		if (c == ',' || c == '}')
			p->pos++;
		if (c == '}')
			return close_with(p, make_map(p));
		if (c == ',')
			return 1;
		return term_parse_expected(p, p->pos,
					   "',' or '}' after map value");
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
	term_parse_skip_blank(p);
	if (term_parse_peek(p, 0) == '.') {
		int c = term_parse_peek(p, 1);

		if (c > ' ' && c != '%')
			return term_parse_expected(p, p->pos + 1,
					   "whitespace or the end after '.'");
		p->pos++;
		term_parse_skip_blank(p);
	}
	if (p->pos < p->len)
		return term_parse_expected(p, p->pos, "the end of the term");
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
			return dist_error_nomem(err, DIST_STAGE_INPUT,
						"parsing ARGS");
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
