/* term_parse_internal.h - shared between the term parser's files, each
 * of which calls only the ones below it:
 *   term_parse.c         entry points, value and frame stacks, containers
 *   term_parse_binary.c  <<...>> and its segments
 *   term_parse_atom.c    atoms, bare words, fun M:F/A
 *   term_parse_number.c  integers of any size, floats, $c
 *   term_parse_text.c    quoted text and its escapes
 *   term_parse_lex.c     cursor, errors, digits, scratch vectors
 * and term_parse_build.c (lists and maps, public in term_parse.h, shared
 * with the JSON reader). Not a public API: use term_parse.h.
 */
#ifndef DIST_TERM_PARSE_INTERNAL_H
#define DIST_TERM_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "term/term_parse.h"

/* A growable malloc'd array; parsing scratch that dies with the parser
 * (the arena keeps only the finished terms). */
struct vec {
	void *data;
	size_t len, cap;
};

struct frame;

struct parser {
	const char *s;
	size_t len, pos;
	struct etf_arena *a;
	struct term_parse_limits lim;
	size_t terms;                   /* terms made so far */
	size_t binary_bytes;            /* bytes of binaries made so far */
	unsigned binary_nesting;        /* <<(<<...>>)/binary>> depth */
	struct dist_error *err;

	struct vec vals;                /* struct etf_term *: finished values */
	struct vec frames;              /* struct frame: open containers */
	struct vec chars;               /* uint32_t: code points of a string */
	struct vec bytes;               /* uint8_t: UTF-8, digits, bits */

	/* The last integer read: sign and little-endian magnitude. */
	int int_negative;
	struct vec mag;                 /* uint8_t */
};

/* A number as a binary segment's value needs it. */
struct number {
	bool is_float;
	double f;                       /* when is_float */
	/* else the integer is p->int_negative and p->mag */
};

/* ---- term_parse_lex.c ---- */

/* Room for n more elements of `size` bytes in v; 0, or -1 when out of
 * memory. */
int term_parse_vec_reserve(struct vec *v, size_t n, size_t size);
/* The value of digit c in bases up to 36, or 99. */
int term_parse_digit_value(int c);

int term_parse_fail(struct parser *p, size_t at, enum dist_code code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int term_parse_expected(struct parser *p, size_t at, const char *what);
int term_parse_nomem(struct parser *p);
int term_parse_count(struct parser *p, size_t n);

int term_parse_peek(const struct parser *p, size_t off);
void term_parse_skip_blank(struct parser *p);
bool term_parse_take(struct parser *p, const char *tok);

/* ---- term_parse_atom.c ---- */

bool term_parse_is_lower(int c);
/* 1: a Latin-1 lower case letter at p->pos + off, 2: upper, 0: neither. */
int term_parse_latin1_letter(const struct parser *p, size_t off);
/* 'quoted atom' at p->pos. 0 or -1. */
int term_parse_quoted_atom(struct parser *p, struct etf_term **out);
/* A bare word at p->pos: an atom, or fun M:F/A. 0 or -1. */
int term_parse_word(struct parser *p, struct etf_term **out);

/* ---- term_parse_number.c ---- */

/* Read a number at p->pos, with an optional sign ('-', '+') before it;
 * $c character literals included. 0 or -1. */
int term_parse_number(struct parser *p, struct number *n);
/* v as p->mag, little-endian bytes. 0 or -1. */
int term_parse_small_to_mag(struct parser *p, uint64_t v);

/* ---- term_parse_text.c ---- */

/* Read the characters of a quoted atom or string (p->pos at the opening
 * quote) and append them to p->chars. 0 or -1. */
int term_parse_quoted(struct parser *p, int quote);
/* Read one or more adjacent "strings" into p->chars. 0 or -1. */
int term_parse_strings(struct parser *p);
/* One UTF-8 character of the text at p->pos. 0 or -1. */
int term_parse_text_char(struct parser *p, uint32_t *cp);
/* An escape; p->pos just after the backslash at `at`. 0 or -1. */
int term_parse_escape(struct parser *p, size_t at, uint32_t *cp);

/* ---- term_parse_binary.c ---- */

/* Read a binary; p->pos is just after "<<". 0 or -1. */
int term_parse_binary(struct parser *p, struct etf_term **out);

#endif
