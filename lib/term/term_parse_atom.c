/* term_parse_atom.c - atoms, bare or 'quoted', and the bare words that
 * are not atoms: reserved words (refused) and fun M:F/A (an export).
 * Names follow erl_scan: ASCII and Latin-1 letters, at most 255
 * characters (see term_parse.c).
 */
#include "term/term_parse_internal.h"

#include <string.h>

#define ATOM_MAX_CHARS 255

/* --- atoms ----------------------------------------------------------------- */

bool tp_is_lower(int c)
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
int tp_latin1_letter(const struct parser *p, size_t off)
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
		} else if (tp_latin1_letter(p, n)) {
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
int tp_quoted_atom(struct parser *p, struct etf_term **out)
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
		return tp_quoted_atom(p, out);
	if (tp_is_lower(tp_peek(p, 0)) || tp_latin1_letter(p, 0) == 1)
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

int tp_word(struct parser *p, struct etf_term **out)
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
