/* term_parse_text.c - quoted text: the characters of a 'quoted atom' or
 * a "string" (adjacent strings joined), with erl_scan's escapes \NNN
 * \xNN \x{..} \^C, and \c meaning c for any other character.
 */
#include "term/term_parse_internal.h"
#include "base/utf8.h"

static bool is_unicode(uint32_t c)
{
	return c < 0xd800 || (c > 0xdfff && c < 0xfffe) ||
	       (c > 0xffff && c <= 0x10ffff);
}

/* --- quoted text ------------------------------------------------------------ */

static int push_char(struct parser *p, uint32_t cp)
{
	if (term_parse_vec_reserve(&p->chars, 1, sizeof(cp)))
		return term_parse_nomem(p);
	((uint32_t *)p->chars.data)[p->chars.len++] = cp;
	return 0;
}

/* One UTF-8 character of the text at p->pos. */
int term_parse_text_char(struct parser *p, uint32_t *cp)
{
	size_t k = utf8_next((const uint8_t *)p->s + p->pos,
				 p->len - p->pos, cp);

	if (k == 0)
		return term_parse_fail(p, p->pos, DIST_E_INVALID_ARGS,
			       "invalid UTF-8 in the term text");
	p->pos += k;
	return 0;
}

/* \x{H..}: p->pos after the '{'. */
static int hex_braces(struct parser *p, size_t at, uint32_t *cp)
{
	uint32_t v = 0;
	size_t n = 0;

	while (term_parse_digit_value(term_parse_peek(p, 0)) < 16) {
		v = v * 16 +
		    (uint32_t)term_parse_digit_value(term_parse_peek(p, 0));
		p->pos++;
		if (++n > 8 || v > 0x10ffff)
			return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
				       "\\x{...} beyond the last Unicode "
				       "character");
	}
	if (n == 0)
		return term_parse_expected(p, p->pos, "hex digits in \\x{...}");
	if (term_parse_peek(p, 0) != '}')
		return term_parse_expected(p, p->pos, "'}' to end \\x{...}");
	p->pos++;
	if (!is_unicode(v))
		return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
			       "\\x{%X} is not a Unicode character", v);
	*cp = v;
	return 0;
}

static uint32_t escape_char(uint32_t c)
{
	switch (c) {
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'e': return 27;
	case 's': return ' ';
	case 'd': return 127;
	default: return c;
	}
}

/* An escape; p->pos just after the backslash at `at`. */
int term_parse_escape(struct parser *p, size_t at, uint32_t *cp)
{
	int c = term_parse_peek(p, 0), n;

	if (c < 0)
		return term_parse_expected(p, p->pos, "an escape after '\\'");
	if (c >= '0' && c <= '7') {
		*cp = 0;
		for (n = 0;
		     n < 3 && (c = term_parse_peek(p, 0)) >= '0' && c <= '7';
		     n++, p->pos++)
			*cp = *cp * 8 + (uint32_t)(c - '0');
		return 0;
	}
	if (c == 'x') {
		p->pos++;
		if (term_parse_peek(p, 0) == '{') {
			p->pos++;
			return hex_braces(p, at, cp);
		}
		if (term_parse_digit_value(term_parse_peek(p, 0)) >= 16 ||
		    term_parse_digit_value(term_parse_peek(p, 1)) >= 16)
			return term_parse_expected(p, p->pos,
						   "two hex digits or '{' "
						   "after \\x");
		*cp = (uint32_t)(term_parse_digit_value(term_parse_peek(p, 0)) *
					 16 +
				 term_parse_digit_value(term_parse_peek(p, 1)));
		p->pos += 2;
		return 0;
	}
	if (c == '^') {
		p->pos++;
		if (term_parse_peek(p, 0) < 0)
			return term_parse_expected(p, p->pos,
						   "a character after \\^");
		if (term_parse_text_char(p, cp))
			return -1;
		*cp &= 31;
		return 0;
	}
	if (term_parse_text_char(p, cp))
		return -1;
	*cp = escape_char(*cp);
	return 0;
}

int term_parse_quoted(struct parser *p, int quote)
{
	size_t at = p->pos;
	uint32_t cp;

	p->pos++;
	for (;;) {
		int c = term_parse_peek(p, 0);

		if (c < 0)
			return term_parse_fail(p, at, DIST_E_INVALID_ARGS,
				       quote == '"' ? "unterminated string "
				       "(no closing '\"')" : "unterminated "
				       "quoted atom (no closing ''')");
		if (c == quote) {
			p->pos++;
			return 0;
		}
		if (c == '\\') {
			size_t esc = p->pos++;

			if (term_parse_escape(p, esc, &cp))
				return -1;
		} else if (term_parse_text_char(p, &cp)) {
			return -1;
		}
		if (push_char(p, cp))
			return -1;
	}
}

int term_parse_strings(struct parser *p)
{
	for (;;) {
		size_t after;

		if (term_parse_quoted(p, '"'))
			return -1;
		after = p->pos;
		term_parse_skip_blank(p);
		if (term_parse_peek(p, 0) != '"') {
			p->pos = after;
			return 0;
		}
	}
}
