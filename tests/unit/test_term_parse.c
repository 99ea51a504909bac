/* test_term_parse.c - Erlang term text: every kind of literal, error
 * messages with columns, limits and hostile input, and round trips
 * parse -> encode -> decode -> print. The comparison with a real
 * erl_parse lives in tests/term/run-differential. */
#include "term/term_parse.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static struct etf_arena *A;
static struct dist_error E;

static struct etf_term *P(const char *text)
{
	struct etf_term *t = NULL;

	return term_parse(text, strlen(text), A, NULL, &t, &E) ? NULL : t;
}

/* The term printed back, pretty (~p), in a static buffer. */
static const char *show(const struct etf_term *t)
{
	static char out[16384];
	struct buf b;

	buf_init(&b, 0);
	if (!t || etf_print(t, &b, true, NULL) || b.len >= sizeof out) {
		buf_free(&b);
		return "(error)";
	}
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	buf_free(&b);
	return out;
}

static bool prints(const char *text, const char *want)
{
	return strcmp(show(P(text)), want) == 0;
}

/* Parse fails with code and a message that contains `part`. */
static bool fails(const char *text, enum dist_code code, const char *part)
{
	struct etf_term *t;

	if (term_parse(text, strlen(text), A, NULL, &t, &E) == 0)
		return false;
	if (E.code != code || E.stage != DIST_STAGE_INPUT ||
	    !strstr(E.message, part)) {
		printf("# %s -> %s: %s\n", text, dist_code_name(E.code),
		       E.message);
		return false;
	}
	return true;
}

/* parse -> encode -> decode -> print gives `want` and an equal term. */
static bool round_trip(const char *text, const char *want)
{
	struct etf_term *t = P(text), *u = NULL;
	struct buf b;
	bool good;

	buf_init(&b, 0);
	good = t && etf_encode(t, &b, true, NULL) == 0 &&
	       etf_decode(b.data, b.len, NULL, A, NULL, &u, NULL) == 0 &&
	       etf_equal(t, u) && strcmp(show(u), want) == 0;
	buf_free(&b);
	return good;
}

static void test_numbers(void)
{
	struct etf_term *t;
	char *big;

	ok(prints("42", "42") && prints("-7", "-7") && prints("+5", "5"),
	   "small integers with signs");
	ok(prints("1_000_000", "1000000"), "digit separators");
	ok(prints("16#FF", "255") && prints("-16#ff", "-255") &&
	   prints("2#1010", "10") && prints("36#z", "35"), "based integers");
	ok(prints("$a", "97") && prints("$\\n", "10") && prints("$ ", "32") &&
	   prints("$\\x{263A}", "9786") && prints("$\\101", "65") &&
	   prints("$\\^A", "1") && prints("-$a", "-97"), "character literals");
	t = P("9223372036854775808");
	ok(t && t->type == ETF_BIG && !t->v.big.negative,
	   "2^63 is a bignum");
	t = P("-9223372036854775808");
	ok(t && t->type == ETF_INT && t->v.i == INT64_MIN, "-2^63 fits int64");
	ok(prints("-123456789012345678901234567890",
		  "-123456789012345678901234567890"), "negative bignum");
	ok(prints("16#FFFFFFFFFFFFFFFFFFFF", "1208925819614629174706175"),
	   "based bignum");
	big = malloc(10001);
	memset(big, '9', 10000);
	big[0] = '1';
	big[10000] = '\0';
	t = P(big);
	ok(t && t->type == ETF_BIG && strcmp(show(t), big) == 0,
	   "an integer of 10000 digits prints back the same");
	free(big);
	ok(prints("1.5", "1.5") && prints("-2.0e10", "-2.0e10") &&
	   prints("1.0e-3", "0.001") && prints("1_0.2_5", "10.25"), "floats");
	ok(fails("1.0e999", DIST_E_INVALID_ARGS, "float out of range"),
	   "float overflow");
	ok(fails("37#1", DIST_E_INVALID_ARGS, "2..36"), "bad base");
	ok(fails("16#", DIST_E_INVALID_ARGS, "column 4: expected a digit"),
	   "base without digits");
	ok(fails("1e5", DIST_E_INVALID_ARGS, "column 2"),
	   "1e5 is not a float");
	ok(fails("1__0", DIST_E_INVALID_ARGS, "column 2"),
	   "double separator");
	ok(fails("- x", DIST_E_INVALID_ARGS, "expected a number after '-'"),
	   "minus without a number");
}

static void test_atoms_and_strings(void)
{
	struct etf_term *t;

	ok(prints("ok", "ok") && prints("nonode@nohost", "nonode@nohost"),
	   "bare atoms");
	ok(prints("'hello world'", "'hello world'") &&
	   prints("'a\\'b'", "'a\\'b'"), "quoted atoms");
	t = P("'héllo'");
	ok(t && t->type == ETF_ATOM && t->v.atom.len == 6 &&
	   memcmp(t->v.atom.name, "h\xc3\xa9llo", 6) == 0,
	   "UTF-8 atom kept as UTF-8");
	t = P("'\\x{2603}'");
	ok(t && t->type == ETF_ATOM && strcmp(t->v.atom.name, "\xe2\x98\x83") == 0,
	   "escaped code point in an atom");
	ok(fails("end", DIST_E_INVALID_ARGS, "reserved word"),
	   "reserved word must be quoted");
	ok(prints("'end'", "'end'"), "quoted reserved word");
	ok(fails("Var", DIST_E_INVALID_ARGS, "variable"), "variables refused");
	ok(fails("_", DIST_E_INVALID_ARGS, "variable"), "underscore refused");
	t = P("\"hello\"");
	ok(t && t->type == ETF_STRING && t->v.string.len == 5,
	   "byte string is STRING_EXT");
	t = P("\"h\\x{263A}\"");
	ok(t && t->type == ETF_LIST && t->v.list.len == 2 &&
	   t->v.list.elems[1]->v.i == 0x263a, "unicode string is a list");
	t = P("\"\"");
	ok(t && t->type == ETF_NIL, "empty string is []");
	t = P("\"\\n\\t\\\\\\\"\\s\\e\\d\\101\\x41\"");
	ok(t && t->type == ETF_STRING && t->v.string.len == 9 &&
	   memcmp(t->v.string.bytes, "\n\t\\\" \x1b\x7f" "AA", 9) == 0,
	   "escapes");
	ok(prints("\"ab\" \"cd\"", "\"abcd\""), "adjacent strings join");
	ok(fails("\"abc", DIST_E_INVALID_ARGS, "column 1: unterminated string"),
	   "unterminated string names its start");
	ok(fails("[1, 'abc", DIST_E_INVALID_ARGS,
		 "column 5: unterminated quoted atom"),
	   "unterminated quoted atom");
	ok(fails("\"\\xg\"", DIST_E_INVALID_ARGS, "two hex digits"),
	   "bad \\x escape");
	ok(fails("\"\\x{110000}\"", DIST_E_INVALID_ARGS, "Unicode"),
	   "escape beyond Unicode");
	ok(fails("\"\\x{D800}\"", DIST_E_INVALID_ARGS, "not a Unicode"),
	   "surrogate escape");
	ok(fails("\"\xff\"", DIST_E_INVALID_ARGS, "invalid UTF-8"),
	   "invalid UTF-8 in a string");
	ok(fails("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
		 DIST_E_INVALID_ARGS, "longer than 255"), "atom of 256 chars");
}

static void test_containers(void)
{
	struct etf_term *t;

	ok(prints("{}", "{}") && prints("[]", "[]") && prints("#{}", "#{}"),
	   "empty containers");
	ok(prints("{ok, {a, [b, c]}}", "{ok,{a,[b,c]}}"), "nested");
	ok(prints("[a|b]", "[a|b]") && prints("[1, 2 | c]", "[1,2|c]"),
	   "improper lists");
	t = P("[1,2|[3]]");
	ok(t && t->type == ETF_STRING && t->v.string.len == 3,
	   "a list tail is joined ([1,2|[3]] is [1,2,3])");
	t = P("[1,2,3]");
	ok(t && t->type == ETF_STRING, "list of bytes becomes STRING_EXT");
	ok(prints("#{b => 2, a => 1}", "#{a => 1,b => 2}"),
	   "map keys in term order");
	t = P("#{a => 1, a => 2}");
	ok(t && t->type == ETF_MAP && t->v.map.arity == 1 &&
	   t->v.map.values[0]->v.i == 2, "repeated map key: last wins");
	ok(prints("# {k => v}", "#{k => v}"), "blank after #");
	ok(prints("fun lists:map/2", "fun lists:map/2"), "external fun");
	ok(prints("  [1, 2] . ", "[1,2]"), "blanks and a final dot");
	ok(prints("[1, % one\n 2]", "[1,2]"), "comments");
	ok(fails("[1,2}", DIST_E_INVALID_ARGS,
		 "column 5: expected ',', '|' or ']' after list element, "
		 "found '}'"), "the message names the column and what was expected");
	ok(fails("{1 2}", DIST_E_INVALID_ARGS,
		 "column 4: expected ',' or '}' after tuple element, found '2'"),
	   "missing comma in a tuple");
	ok(fails("[1,,2]", DIST_E_INVALID_ARGS, "column 4: expected a term"),
	   "double comma");
	ok(fails("[a|b|c]", DIST_E_INVALID_ARGS, "expected ']' after list tail"),
	   "two tails");
	ok(fails("#{a}", DIST_E_INVALID_ARGS, "expected '=>' after map key"),
	   "map without =>");
	ok(fails("#{a => }", DIST_E_INVALID_ARGS, "column 8"),
	   "map without value");
	ok(fails("[1,\n  x y]", DIST_E_INVALID_ARGS, "line 2, column 5"),
	   "line and column on later lines");
	ok(fails("{é ü}", DIST_E_INVALID_ARGS, "column 4"),
	   "columns count characters, not bytes");
	ok(fails("", DIST_E_INVALID_ARGS, "expected a term, found end of input"),
	   "empty text");
	ok(fails("ok extra", DIST_E_INVALID_ARGS, "expected the end"),
	   "trailing text");
	ok(fails("ok.x", DIST_E_INVALID_ARGS, "after '.'"), "text after dot");
	ok(fails("<0.1.0>", DIST_E_INVALID_ARGS, "expected a term"),
	   "pids have no literal syntax");
}

static void test_binaries(void)
{
	struct etf_term *t;

	ok(prints("<<>>", "<<>>") && prints("<<1,2,3>>", "<<1,2,3>>"),
	   "byte binaries");
	ok(prints("<<\"text\">>", "<<\"text\">>"), "text binary");
	t = P("<<\"h\\x{e9}\"/utf8>>");
	ok(t && t->type == ETF_BINARY && t->v.bin.len == 3 &&
	   memcmp(t->v.bin.data, "h\xc3\xa9", 3) == 0, "/utf8");
	t = P("<<1:4>>");
	ok(t && t->v.bin.len == 1 && t->v.bin.bits == 4 &&
	   t->v.bin.data[0] == 0x10, "bitstring keeps its bits at the top");
	t = P("<<300:16, -1:8, 16#ABC:12/little>>");
	ok(t && t->v.bin.len == 5 && t->v.bin.bits == 4 &&
	   memcmp(t->v.bin.data, "\x01\x2c\xff\xbc\xa0", 5) == 0,
	   "sizes, negatives, little endian");
	t = P("<<1.5/float, 2:32/float>>");
	ok(t && t->v.bin.len == 12 && t->v.bin.data[0] == 0x3f &&
	   t->v.bin.data[8] == 0x40, "floats");
	t = P("<<\"ab\"/utf16-little, 65/utf32>>");
	ok(t && t->v.bin.len == 8 &&
	   memcmp(t->v.bin.data, "a\0b\0\0\0\0A", 8) == 0, "utf16 and utf32");
	t = P("<<(-1):8>>");
	ok(t && t->v.bin.len == 1 && t->v.bin.data[0] == 255,
	   "parenthesised value");
	ok(fails("<<X>>", DIST_E_INVALID_ARGS, "binary segment"),
	   "no variables in binaries");
	ok(fails("<<1.5>>", DIST_E_INVALID_ARGS, "/float"),
	   "float needs /float");
	ok(fails("<<1/foo>>", DIST_E_INVALID_ARGS, "unknown binary segment type"),
	   "unknown type");
	ok(fails("<<\"a\"/binary>>", DIST_E_INVALID_ARGS,
		 "(<<\"abc\">>)/binary"),
	   "a string is no /binary value: the message shows what is");
	ok(fails("<<(<<1:3>>)/binary>>", DIST_E_INVALID_ARGS, "whole bytes"),
	   "/binary takes whole bytes");
	ok(fails("<<(<<1>>):2/binary>>", DIST_E_INVALID_ARGS, "fewer"),
	   "a binary shorter than its segment's size");
	ok(fails("<<1:8/utf8>>", DIST_E_INVALID_ARGS, "no size"),
	   "utf with size");
	ok(fails("<<0:1000000000000>>", DIST_E_TOO_LARGE, "larger"),
	   "absurd segment size");
	ok(fails("<<0:600000000>>", DIST_E_TOO_LARGE, "binary larger"),
	   "binary over the limit");
	ok(fails("<<1,2", DIST_E_INVALID_ARGS, "expected ',' or '>>'"),
	   "unterminated binary");
}

static void test_limits(void)
{
	struct term_parse_limits lim = term_parse_default_limits;
	struct etf_term *t;
	char *deep;
	size_t i;

	deep = malloc(100001);
	memset(deep, '[', 100000);
	deep[100000] = '\0';
	ok(fails(deep, DIST_E_TOO_LARGE, "nested deeper than 1000"),
	   "100000 nested '[' is too_large");
	for (i = 0; i < 999; i++)
		deep[i] = '{';
	deep[999] = '1';
	memset(deep + 1000, '}', 999);
	deep[1999] = '\0';
	ok(P(deep) != NULL, "999 levels parse");
	free(deep);
	lim.max_terms = 10;
	ok(term_parse("[1,2,3,4,5,6,7,8,9,10,11]", 25, A, &lim, &t, &E) &&
	   E.code == DIST_E_TOO_LARGE, "term count limit");
	lim = term_parse_default_limits;
	lim.max_text = 4;
	ok(term_parse("12345", 5, A, &lim, &t, &E) && E.code == DIST_E_TOO_LARGE,
	   "text length limit");
	lim = term_parse_default_limits;
	lim.max_digits = 5;
	ok(term_parse("123456", 6, A, &lim, &t, &E) &&
	   E.code == DIST_E_TOO_LARGE, "digit limit");
	ok(term_parse("[1,\0 2]", 7, A, NULL, &t, &E) == 0,
	   "NUL is whitespace, as in erl_scan");
}

static void test_args(void)
{
	struct etf_term *t = NULL;

	ok(term_parse_args("[]", 2, A, NULL, &t, &E) == 0 &&
	   t->type == ETF_NIL, "empty ARGS");
	ok(term_parse_args("[1, <<\"x\">>]", 12, A, NULL, &t, &E) == 0 &&
	   t->type == ETF_LIST && t->v.list.len == 2, "ARGS list");
	ok(term_parse_args("[otp_release]", 13, A, NULL, &t, &E) == 0 &&
	   t->type == ETF_LIST && t->v.list.len == 1, "one atom argument");
	ok(term_parse_args("\"ab\"", 4, A, NULL, &t, &E) == 0 &&
	   t->type == ETF_LIST && t->v.list.len == 2 &&
	   t->v.list.elems[1]->v.i == 'b', "a string is a list of args");
	ok(term_parse_args("[1,2]", 5, A, NULL, &t, &E) == 0 &&
	   t->type == ETF_LIST, "list of bytes comes back as ETF_LIST");
	ok(term_parse_args("{1,2}", 5, A, NULL, &t, &E) &&
	   E.code == DIST_E_INVALID_ARGS &&
	   strstr(E.message, "ARGS must be a list, like '[1,2]'"),
	   "tuple ARGS refused");
	ok(term_parse_args("[1|2]", 5, A, NULL, &t, &E) &&
	   E.code == DIST_E_INVALID_ARGS, "improper ARGS refused");
}

static void test_round_trips(void)
{
	ok(round_trip("{ok, [1, 2.5, atom, \"str\", <<\"bin\">>, #{k => v}]}",
		      "{ok,[1,2.5,atom,\"str\",<<\"bin\">>,#{k => v}]}"),
	   "mixed term");
	ok(round_trip("123456789012345678901234567890",
		      "123456789012345678901234567890"), "bignum");
	ok(round_trip("\"h\\x{e9}\\x{263A}\"", "\"hé☺\""), "unicode string");
	ok(round_trip("'h\\x{e9}llo'", "héllo"), "unicode atom");
	ok(round_trip("[a, b | c]", "[a,b|c]"), "improper list");
	ok(round_trip("<<1:1, 1:2>>", "<<5:3>>"), "bitstring");
	ok(round_trip("#{1 => a, <<\"k\">> => {}, [x] => 2.0}",
		      "#{1 => a,[x] => 2.0,<<\"k\">> => {}}"), "odd map keys");
	ok(round_trip("fun erlang:node/0", "fun erlang:node/0"), "export");
}

int main(void)
{
	A = etf_arena_new();
	test_numbers();
	test_atoms_and_strings();
	test_containers();
	test_binaries();
	test_limits();
	test_args();
	test_round_trips();
	etf_arena_free(A);
	return tap_done();
}
