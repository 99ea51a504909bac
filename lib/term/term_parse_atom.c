/* term_parse_atom.c - atoms, bare or 'quoted', and the bare words that
 * are not atoms: reserved words (refused) and fun M:F/A (an export).
 * Names follow erl_scan: ASCII and Latin-1 letters, at most 255
 * characters (see term_parse.c).
 */
#include "term/term_parse_internal.h"
#include "base/utf8.h"

#include <string.h>

#define ATOM_MAX_CHARS 255

/* --- atoms ----------------------------------------------------------------- */

bool term_parse_is_lower(int c)
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
int term_parse_latin1_letter(const struct parser *p, size_t off)
{
	int c = term_parse_peek(p, off), c1 = term_parse_peek(p, off + 1);

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
		} else if (term_parse_latin1_letter(p, n)) {
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
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
			       "atom longer than %d characters",
			       ATOM_MAX_CHARS);
	*out = etf_atom_len(p->a, s, n);
	return *out ? 0 : term_parse_nomem(p);
}

/* Put code point cp as UTF-8 into p->bytes. The text reader has
 * checked it is a Unicode character, so utf8_put writes it. */
static int put_utf8(struct parser *p, uint32_t cp)
{
	uint8_t u[4];
	size_t n = utf8_put(cp, u);

	if (term_parse_vec_reserve(&p->bytes, n, 1))
		return term_parse_nomem(p);
	memcpy((uint8_t *)p->bytes.data + p->bytes.len, u, n);
	p->bytes.len += n;
	return 0;
}

/* 'quoted atom': the same escapes as strings. */
int term_parse_quoted_atom(struct parser *p, struct etf_term **out)
{
	size_t at = p->pos, i;
	const uint32_t *cp;

	p->chars.len = 0;
	if (term_parse_quoted(p, '\''))
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
	if (term_parse_peek(p, 0) == '\'')
		return term_parse_quoted_atom(p, out);
	if (term_parse_is_lower(term_parse_peek(p, 0)) ||
	    term_parse_latin1_letter(p, 0) == 1)
		return bare_atom(p, out);
	return term_parse_expected(p, p->pos, "an atom");
}

/* fun Module:Function/Arity; p->pos is after "fun". */
static int export_fun(struct parser *p, struct etf_term **out)
{
	struct etf_term *m, *f, *t;
	struct number arity;

	term_parse_skip_blank(p);
	if (any_atom(p, &m))
		return -1;
	term_parse_skip_blank(p);
	if (!term_parse_take(p, ":"))
		return term_parse_expected(p, p->pos,
					   "':' in fun Module:Function/Arity");
	term_parse_skip_blank(p);
	if (any_atom(p, &f))
		return -1;
	term_parse_skip_blank(p);
	if (!term_parse_take(p, "/"))
		return term_parse_expected(p, p->pos,
					   "'/' in fun Module:Function/Arity");
	term_parse_skip_blank(p);
	if (!(term_parse_peek(p, 0) >= '0' && term_parse_peek(p, 0) <= '9'))
		return term_parse_expected(p, p->pos, "an arity 0..255");
	if (term_parse_number(p, &arity))
		return -1;
	if (arity.is_float || p->mag.len > 1)
		return term_parse_fail(p, p->pos, DIST_E_INVALID_ARGS,
			       "arity must be an integer 0..255");
	t = etf_arena_alloc(p->a, sizeof(*t));
	if (!t)
		return term_parse_nomem(p);
	t->type = ETF_EXPORT;
	t->v.export.module = m;
	t->v.export.function = f;
	t->v.export.arity = p->mag.len ? *(uint8_t *)p->mag.data : 0;
	*out = t;
	return term_parse_count(p, 2);
}

int term_parse_word(struct parser *p, struct etf_term **out)
{
	size_t at = p->pos, chars, n = name_span(p, &chars);

	if (n == 3 && memcmp(p->s + at, "fun", 3) == 0) {
		p->pos += 3;
		return export_fun(p, out);
	}
	if (is_reserved(p->s + at, n))
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
			       "'%.*s' is a reserved word: write it quoted, "
			       "as '%.*s'", (int)n, p->s + at, (int)n,
			       p->s + at);
	return bare_atom(p, out);
}
