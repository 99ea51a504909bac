/* test_term_json.c - terms as natural and tagged JSON, tagged JSON back
 * to terms (round trips), error paths and limits. */
#include "term/term_json.h"
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

/* The compact JSON of a term text, natural or tagged, in a static buffer. */
static const char *js(const char *text, bool tagged)
{
	static char out[4096];
	struct etf_term *t = P(text);
	json_t *j;
	char *s;

	if (!t)
		return "(parse error)";
	j = tagged ? term_to_json_tagged(t, NULL, &E)
		   : term_to_json_natural(t, NULL, &E);
	if (!j)
		return "(error)";
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	snprintf(out, sizeof out, "%s", s ? s : "(dump error)");
	free(s);
	return out;
}

static bool natural(const char *text, const char *want)
{
	const char *got = js(text, false);

	if (strcmp(got, want) != 0)
		printf("# %s -> %s\n", text, got);
	return strcmp(got, want) == 0;
}

static bool tagged(const char *text, const char *want)
{
	const char *got = js(text, true);

	if (strcmp(got, want) != 0)
		printf("# %s -> %s\n", text, got);
	return strcmp(got, want) == 0;
}

/* text -> tagged -> dumped -> loaded -> term: =:= the original, and the
 * same bytes when encoded. */
static bool round_trip(const char *text)
{
	struct etf_term *t = P(text), *u = NULL;
	json_t *j = t ? term_to_json_tagged(t, NULL, &E) : NULL, *back;
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	struct buf b1, b2;
	bool same = false;

	back = s ? json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL) : NULL;
	buf_init(&b1, 0);
	buf_init(&b2, 0);
	if (back && term_from_json_tagged(back, A, NULL, &u, &E) == 0 &&
	    etf_encode(t, &b1, true, NULL) == 0 &&
	    etf_encode(u, &b2, true, NULL) == 0)
		same = etf_equal(t, u) && b1.len == b2.len &&
		       memcmp(b1.data, b2.data, b1.len) == 0;
	if (!same)
		printf("# round trip of %s via %s failed\n", text, s ? s : "?");
	buf_free(&b1);
	buf_free(&b2);
	json_decref(j);
	json_decref(back);
	free(s);
	return same;
}

/* Reading `json` fails with code and a message containing part. */
static bool rejects(const char *json, enum dist_code code, const char *part)
{
	json_t *j = json_loads(json, JSON_DECODE_ANY, NULL);
	struct etf_term *t;
	bool r = j && term_from_json_tagged(j, A, NULL, &t, &E) != 0 &&
		 E.code == code && strstr(E.message, part);

	if (!r)
		printf("# %s -> %s: %s\n", json, dist_code_name(E.code),
		       E.message);
	json_decref(j);
	return r;
}

static const char *from_json(const char *json)
{
	static char out[1024];
	json_t *j = json_loads(json, JSON_DECODE_ANY, NULL);
	struct etf_term *t;
	struct buf b;

	buf_init(&b, 0);
	snprintf(out, sizeof out, "(error)");
	if (j && term_from_json_tagged(j, A, NULL, &t, &E) == 0 &&
	    etf_print(t, &b, false, NULL) == 0 && b.len < sizeof out) {
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
	}
	buf_free(&b);
	json_decref(j);
	return out;
}

static void test_natural(void)
{
	ok(natural("42", "42") && natural("-1.5", "-1.5"), "numbers");
	ok(natural("123456789012345678901234567890",
		   "{\"$int\":\"123456789012345678901234567890\"}"), "bignum");
	ok(natural("{true, false, undefined, null}",
		   "[true,false,\"undefined\",\"null\"]"),
	   "only true and false become booleans");
	ok(natural("<<\"héllo\"/utf8>>", "\"héllo\"") &&
	   natural("<<\"héllo\">>", "{\"$bin\":\"aOlsbG8=\"}"),
	   "UTF-8 binary; Latin-1 bytes are not UTF-8");
	ok(natural("<<255, 0>>", "{\"$bin\":\"/wA=\"}"), "non-UTF-8 binary");
	ok(natural("<<1:4>>", "{\"$bits\":{\"data\":\"EA==\",\"bits\":4}}"),
	   "bitstring");
	ok(natural("\"hello\"", "\"hello\"") &&
	   natural("[104, 105]", "\"hi\""), "printable charlists");
	ok(natural("\"\\x{263A} ok\"", "\"☺ ok\""), "unicode charlist");
	ok(natural("[1, 2, 3]", "[1,2,3]") && natural("[]", "[]"),
	   "non-printable lists");
	ok(natural("[a | b]", "{\"$improper\":[\"a\",\"b\"]}"), "improper");
	ok(natural("{ok, 1}", "[\"ok\",1]"), "tuple");
	ok(natural("#{b => 1, <<\"a\">> => [x]}", "{\"b\":1,\"a\":[\"x\"]}"),
	   "atom and binary keys make an object (in key order)");
	ok(natural("#{1 => 2}", "{\"$map\":[[1,2]]}"), "other keys");
	ok(natural("#{a => 1, <<\"a\">> => 2}",
		   "{\"$map\":[[\"a\",1],[\"a\",2]]}"), "colliding keys");
	ok(natural("fun lists:map/2", "\"fun lists:map/2\""), "fun as text");
}

static void test_tagged(void)
{
	ok(tagged("ok", "{\"$atom\":\"ok\"}") && tagged("true", "true"),
	   "atoms");
	ok(tagged("{1, 2.5, 3.0}",
		  "{\"$tuple\":[1,2.5,{\"$float\":3.0}]}"), "tuple and floats");
	ok(tagged("-99999999999999999999",
		  "{\"$int\":\"-99999999999999999999\"}"), "negative bignum");
	ok(tagged("\"abc\"", "{\"$str\":\"abc\"}") &&
	   tagged("[1,2]", "[1,2]"), "charlists");
	ok(tagged("#{<<\"k\">> => 1}", "{\"k\":1}"),
	   "binary keys make an object");
	ok(tagged("#{<<\"$k\">> => 1}", "{\"$map\":[[\"$k\",1]]}"),
	   "a key like a tag forces $map");
	ok(tagged("#{a => 1}", "{\"$map\":[[{\"$atom\":\"a\"},1]]}"),
	   "atom keys are $map");
	ok(tagged("[1 | 2]", "{\"$improper\":[1,2]}"), "improper");
	ok(tagged("fun m:f/1", "{\"$fun\":{\"module\":\"m\",\"function\":"
		  "\"f\",\"arity\":1}}"), "export");
}

static void test_identities(void)
{
	struct etf_term *pid = etf_pid(A, "a@h", 12, 0, 3), *ref, *u;
	uint32_t ids[3] = { 1, 2, 3 };
	json_t *j;
	char *s;

	j = term_to_json_tagged(pid, NULL, &E);
	s = json_dumps(j, JSON_COMPACT);
	ok(s && strcmp(s, "{\"$pid\":{\"node\":\"a@h\",\"id\":12,\"serial\":0,"
		       "\"creation\":3}}") == 0, "tagged pid keeps its node");
	ok(term_from_json_tagged(j, A, NULL, &u, &E) == 0 &&
	   etf_equal(pid, u), "pid round trip");
	free(s);
	json_decref(j);
	j = term_to_json_natural(pid, NULL, &E);
	ok(json_is_string(j) && strcmp(json_string_value(j), "<0.12.0>") == 0,
	   "natural pid is its text");
	json_decref(j);
	ref = etf_ref(A, "a@h", 7, ids, 3);
	j = term_to_json_tagged(ref, NULL, &E);
	ok(j && term_from_json_tagged(j, A, NULL, &u, &E) == 0 &&
	   etf_equal(ref, u), "ref round trip");
	json_decref(j);
}

static void test_round_trips(void)
{
	static const char *const texts[] = {
		"0", "-42", "9223372036854775807", "-9223372036854775808",
		"123456789012345678901234567890", "1.5", "2.0", "-0.0",
		"1.0e300", "0.1", "ok", "'héllo ☃'", "true", "null",
		"[]", "[1,2,3]", "\"str\"", "\"\\x{263A}\"", "[a|b]",
		"[1,2|3]", "{}", "{a,{b,[c]}}", "<<>>", "<<\"text\">>",
		"<<0,255>>", "<<1:3>>", "<<\"a\\0b\">>", "#{}",
		"#{a => 1, <<\"k\">> => #{1 => [2]}, {t} => 3.5}",
		"#{<<\"$atom\">> => x}", "fun erlang:node/0",
		"[<<1,2>>, \"x\", 'X', {1.0}]",
	};
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		ok(round_trip(texts[i]), "tagged round trip: %s", texts[i]);
}

static void test_reading(void)
{
	struct term_parse_limits lim = term_parse_default_limits;
	struct etf_term *t;
	json_t *j;
	char *deep;

	ok(strcmp(from_json("[1, \"s\", null, true, 2.5, {\"k\": []}]"),
		  "[1,<<115>>,null,true,2.5,#{<<107>> => []}]") == 0,
	   "plain JSON");
	ok(strcmp(from_json("{\"$bits\":{\"data\":\"/w==\",\"bits\":3}}"),
		  "<<7:3>>") == 0, "bits are masked");
	ok(strcmp(from_json("{\"$improper\":[1,[2,3]]}"), "[1,2,3]") == 0,
	   "an improper list with a list tail is joined");
	ok(strcmp(from_json("{\"$etf\":\"g2QAAm9r\"}"), "ok") == 0, "$etf");
	ok(rejects("[1, {\"$tuple\": [2, {\"$atom\": 3}]}]",
		   DIST_E_INVALID_ARGS, "$[1].$tuple[1].$atom: expected a string"),
	   "error names the path");
	ok(rejects("{\"$nope\": 1}", DIST_E_INVALID_ARGS, "unknown tag '$nope'"),
	   "unknown tag");
	ok(rejects("{\"$bin\": \"!!\"}", DIST_E_INVALID_ARGS, "base64"),
	   "bad base64");
	ok(rejects("{\"$int\": \"12a\"}", DIST_E_INVALID_ARGS, "decimal digits"),
	   "bad $int");
	ok(rejects("{\"$map\": [[1]]}", DIST_E_INVALID_ARGS, "$.$map[0]"),
	   "bad pair");
	ok(rejects("{\"$pid\": {\"node\": \"a@h\", \"id\": -1, \"serial\": 0, "
		   "\"creation\": 1}}", DIST_E_INVALID_ARGS, "$.$pid"),
	   "bad pid");
	ok(rejects("{\"$ref\": {\"node\": \"a@h\", \"creation\": 1, \"ids\": []}}",
		   DIST_E_INVALID_ARGS, "ids"), "bad ref");
	ok(rejects("{\"$etf\": \"g2Q=\"}", DIST_E_INVALID_ARGS,
		   "external format"), "bad $etf");
	ok(rejects("{\"$bits\":{\"data\":\"/w==\",\"bits\":9}}",
		   DIST_E_INVALID_ARGS, "bits"), "inconsistent bits");
	/* hand-built nesting deeper than the parser of jansson allows */
	j = json_array();
	{
		json_t *inner = j;
		int i;

		for (i = 0; i < 5000; i++) {
			json_t *n = json_array();

			json_array_append_new(inner, n);
			inner = n;
		}
	}
	ok(term_from_json_tagged(j, A, NULL, &t, &E) &&
	   E.code == DIST_E_TOO_LARGE, "5000 nested arrays: too_large");
	json_decref(j);
	lim.max_terms = 3;
	j = json_loads("[1,2,3,4]", 0, NULL);
	ok(term_from_json_tagged(j, A, &lim, &t, &E) &&
	   E.code == DIST_E_TOO_LARGE, "term count limit");
	json_decref(j);
	deep = malloc(20001);
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\0';
	t = NULL;
	{
		struct term_parse_limits big = term_parse_default_limits;

		big.max_depth = 20000;  /* lowered to ETF_MAX_WALK_DEPTH */
		ok(term_parse(deep, 20000, A, &big, &t, &E) == 0 ||
		   E.code == DIST_E_TOO_LARGE, "deep text within the walk cap");
	}
	if (t) {
		j = term_to_json_natural(t, NULL, &E);
		ok(!j && E.code == DIST_E_TOO_LARGE,
		   "a term deeper than the JSON depth is too_large");
		json_decref(j);
	} else {
		ok(1, "a term deeper than the JSON depth is too_large");
	}
	free(deep);
}

int main(void)
{
	A = etf_arena_new();
	test_natural();
	test_tagged();
	test_identities();
	test_round_trips();
	test_reading();
	etf_arena_free(A);
	return tap_done();
}
