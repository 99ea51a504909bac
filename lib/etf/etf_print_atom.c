/* etf_print_atom.c - characters inside quotes and atoms, as OTP 25's
 * io_lib writes them: escapes (write_string), and quotes only for an atom
 * that would not read back unquoted (see etf_print.c).
 */
#include "etf/etf_print_internal.h"
#include "base/utf8.h"

#include <inttypes.h>
#include <string.h>

/* ---- characters, atoms, strings ---- */

/* c is a character of a printable list or a valid UTF-8 text: never a
 * surrogate or above U+10FFFF, so utf8_put always writes it. */
static void put_utf8(struct pr *p, uint32_t c)
{
	uint8_t s[4];

	etf_pr_put(p, s, utf8_put(c, s));
}

static const char *named_escape(uint32_t c)
{
	switch (c) {
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	case '\v': return "\\v";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case 27: return "\\e";
	case 127: return "\\d";
	}
	return NULL;
}

/* One character inside quotes, escaped as io_lib's write_string does. */
void etf_pr_quoted_char(struct pr *p, uint32_t c, char quote, enum esc esc)
{
	const char *named;

	if (c == (uint32_t)quote || c == '\\') {
		etf_pr_putf(p, "\\%c", (char)c);
	} else if (c >= ' ' && c <= '~') {
		put_utf8(p, c);
	} else if (c >= 160 && (esc == ESC_UNICODE || c <= 255)) {
		put_utf8(p, c);
	} else if (c >= 256) {
		etf_pr_putf(p, "\\x{%" PRIX32 "}", c);
	} else if ((named = named_escape(c))) {
		etf_pr_puts(p, named);
	} else {
		etf_pr_putf(p, "\\%o%o%o", (unsigned)(c >> 6),
			(unsigned)((c >> 3) & 7), (unsigned)(c & 7));
	}
}

/* Next character of an atom; bytes that are not UTF-8 (only in atoms
 * built by hand) count as Latin-1. */
static size_t next_char(const uint8_t *s, size_t len, uint32_t *c)
{
	size_t n = utf8_next(s, len, c);

	if (n)
		return n;
	*c = s[0];
	return 1;
}

static bool is_reserved_word(const char *s, size_t len)
{
	static const char *const words[] = {
		"after", "and", "andalso", "band", "begin", "bnot", "bor",
		"bsl", "bsr", "bxor", "case", "catch", "cond", "div", "end",
		"fun", "if", "let", "not", "of", "or", "orelse", "receive",
		"rem", "try", "when", "xor",
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == len && !memcmp(words[i], s, len))
			return true;
	return false;
}

static bool is_lower(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
}

static bool is_name_char(uint32_t c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z') ||
	       (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
	       (c >= '0' && c <= '9') || c == '_' || c == '@';
}

/* An atom goes unquoted only when it reads back as the same atom: a
 * lower-case (Latin-1) letter, then name characters, and no keyword. */
static bool atom_needs_quotes(const char *name, size_t len)
{
	const uint8_t *s = (const uint8_t *)name;
	size_t i = 0;
	uint32_t c;

	if (len == 0 || is_reserved_word(name, len))
		return true;
	i = next_char(s, len, &c);
	if (!is_lower(c))
		return true;
	while (i < len) {
		i += next_char(s + i, len - i, &c);
		if (!is_name_char(c))
			return true;
	}
	return false;
}

static void put_atom_text(struct pr *p, const char *name, size_t len,
			  enum esc esc)
{
	const uint8_t *s = (const uint8_t *)name;
	size_t i = 0;
	uint32_t c;

	if (!atom_needs_quotes(name, len)) {
		etf_pr_put(p, name, len);
		return;
	}
	etf_pr_puts(p, "'");
	while (i < len) {
		i += next_char(s + i, len - i, &c);
		etf_pr_quoted_char(p, c, '\'', esc);
	}
	etf_pr_puts(p, "'");
}

void etf_pr_atom(struct pr *p, const struct etf_term *t, enum esc esc)
{
	put_atom_text(p, t->v.atom.name, t->v.atom.len, esc);
}

enum esc etf_pr_atom_esc(const struct pr *p)
{
	return p->pretty ? ESC_UNICODE : ESC_LATIN1;
}
