/* term_parse.h - Erlang term syntax in, a term tree (etf.h) out.
 *
 * What `dist-rpc NODE M F '[1,<<"x">>,#{a => 1}]'` and every other place
 * that takes a term from a user reads: one literal term, accepted as
 * erl_scan + erl_parse:parse_term/1 would accept it, so the term a node
 * gets is the term the user would get by typing the same text in a
 * shell.
 *
 * Accepted:
 *   integers     42, -7, 1_000_000, 16#FF, 2#1010, $a, $\n, $\x{263A},
 *                any size (10000 digits become a bignum)
 *   floats       1.5, -2.0e10, 1.0e-3
 *   atoms        ok, 'quoted atom', 'héllo', 'a\'b'; reserved words
 *                (end, of, ...) must be quoted, as in Erlang
 *   strings      "text" with Erlang escapes (\n \t \\ \" \s \e \d
 *                \NNN octal, \xNN, \x{H..}, \^C); adjacent strings are
 *                joined ("ab" "c"); a string is a list of code points
 *   binaries     <<>>, <<1,2,3>>, <<"text">>, <<"text"/utf8>>,
 *                <<1:4, -1:12/little, 2.5/float>>, <<"a"/float>>,
 *                <<(<<"ab">>)/binary, (<<1:3>>)/bitstring>>: literal
 *                values and literal sizes only; types integer, float,
 *                utf8, utf16, utf32, binary (bytes), bitstring (bits),
 *                signed, unsigned, big, little, unit:N. A string or a
 *                number is no /binary value (<<"abc"/binary>>):
 *                erl_parse refuses it too
 *   tuples {..}, lists [..] incl. improper [H|T], maps #{K => V}
 *                (a repeated key: the last one wins, as in Erlang)
 *   funs         fun Module:Function/Arity
 * Whitespace and % comments may surround tokens; one final '.' may end
 * the text.
 *
 * Not accepted (there is no literal syntax for them): variables,
 * expressions, pids, ports, references, records.
 *
 * Atoms are made only where the text spells them: the parser never
 * invents one, because each new atom is permanent on the node that
 * receives it.
 *
 * Errors (stage DIST_STAGE_INPUT):
 *   DIST_E_INVALID_ARGS  syntax, with the place and what was expected:
 *                        "column 7: expected ',' or ']' after list
 *                        element, found '}'" ("line 2, column 3: ..."
 *                        when the text has several lines)
 *   DIST_E_TOO_LARGE     a limit below was exceeded
 *   DIST_E_NOMEM
 */
#ifndef DIST_TERM_PARSE_H
#define DIST_TERM_PARSE_H

#include <stddef.h>

#include "base/error.h"
#include "etf/etf.h"

struct term_parse_limits {
	size_t max_depth;    /* nesting of tuples, lists and maps */
	size_t max_terms;    /* terms made, characters of strings included */
	size_t max_text;     /* length of the text in bytes */
	size_t max_binary;   /* bytes of binaries built from segments, in all */
	size_t max_digits;   /* digits of one integer */
};

/* Depth 1000, 10 000 000 terms, 64 MiB of text, 64 MiB binaries,
 * 100 000 digits. A NULL limits pointer means these. Depths above
 * ETF_MAX_WALK_DEPTH are lowered to it: encode and print refuse deeper
 * trees anyway. */
extern const struct term_parse_limits term_parse_default_limits;

/* Parse exactly one term from text[0 .. len) into *out (allocated in a).
 * Returns 0, or -1 with *err filled. */
int term_parse(const char *text, size_t len, struct etf_arena *a,
	       const struct term_parse_limits *lim, struct etf_term **out,
	       struct dist_error *err);

/* The ARGS of `dist-rpc NODE M F ARGS`: a proper list term ("[]",
 * "[1,2]", "[[otp_release]]"). *out is ETF_NIL or ETF_LIST (a string
 * such as "\"ab\"" comes back as a list of integers), so a caller walks
 * elems[] only. Anything else is DIST_E_INVALID_ARGS "ARGS must be a
 * list, like '[1,2]'". */
int term_parse_args(const char *text, size_t len, struct etf_arena *a,
		    const struct term_parse_limits *lim,
		    struct etf_term **out, struct dist_error *err);

/* The builders behind the parser's lists and maps, for other readers of
 * terms (JSON) so that they make the terms the parser makes. Both
 * allocate in a and return NULL when out of memory.
 *
 * A list of v[0 .. n) before tail (NULL: a proper list). A list tail
 * is joined in ([a, b | [c]] is [a, b, c]) and a proper list of
 * integers 0..255 becomes ETF_STRING, as term_to_binary encodes it; n
 * of 0 with no tail is ETF_NIL. */
struct etf_term *term_parse_make_list(struct etf_arena *a,
				      struct etf_term **v, size_t n,
				      struct etf_term *tail);
/* A map of the pairs kv[0], kv[1], kv[2], kv[3], ... (key, value),
 * keys in term order; a key given twice keeps its last value, as
 * #{a => 1, a => 2} evaluates. */
struct etf_term *term_parse_make_map(struct etf_arena *a,
				     struct etf_term **kv, size_t pairs);

#endif
