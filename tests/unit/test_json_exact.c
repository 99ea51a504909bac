/* test_json_exact.c - JSON text with exact numbers: shortest reals out,
 * numbers that fit no C type kept as text both ways. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/float_text.h"
#include "base/json_exact.h"
#include "tap.h"

/* text loaded and printed back compactly equals want. */
static bool round_trip(const char *text, const char *want)
{
	json_error_t jerr;
	json_t *j = json_exact_loadb(text, strlen(text),
				     JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	char *s = j ? json_exact_dumps(j, 0) : NULL;
	bool same = s && !strcmp(s, want);

	if (!same)
		printf("# %s -> %s (%s)\n", text, s ? s : "NULL", jerr.text);
	free(s);
	json_decref(j);
	return same;
}

static bool short_is(double f, const char *want)
{
	char text[FLOAT_SHORT_MAX];

	float_short(f, text);
	if (strcmp(text, want))
		printf("# got %s\n", text);
	return !strcmp(text, want);
}

static void test_float_short(void)
{
	ok(short_is(0.1 + 0.2, "0.30000000000000004"), "0.1+0.2");
	ok(short_is(0.1, "0.1"), "0.1");
	ok(short_is(1.0, "1.0"), "integral floats keep .0");
	ok(short_is(-0.0, "-0.0"), "negative zero");
	ok(short_is(1e22, "1.0e22"), "scientific from 2^53");
	ok(short_is(5e-324, "5.0e-324"), "smallest subnormal");
	ok(short_is(1.7976931348623157e308, "1.7976931348623157e308"),
	   "largest double");
	ok(short_is(ldexp(1, -808), "5.858190679279809e-244"),
	   "power of two: the shortest may lie above the nearest");
	ok(short_is(ldexp(1, -24), "5.960464477539063e-8"),
	   "power of two, small");
}

static void test_write(void)
{
	json_t *j = json_pack("{s:f,s:[f,i],s:s,s:{}}", "a", 0.84, "b",
			      0.1 + 0.2, (json_int_t)-7, "c", "q\"\\\n\x01/é",
			      "d");
	char *s = json_exact_dumps(j, 0), *p = json_exact_dumps(j, 2),
	     *want = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)),
	     *wantp = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(17));

	ok(s && !strcmp(s, "{\"a\":0.84,\"b\":[0.30000000000000004,-7],"
			"\"c\":\"q\\\"\\\\\\n\\u0001/é\",\"d\":{}}"),
	   "compact: %s", s ? s : "NULL");
	/* The layouts are jansson's; only 0.84 differs (17 digits). */
	ok(p && wantp && strstr(wantp, "0.83999999999999997") &&
	   strlen(p) + strlen("0.83999999999999997") - strlen("0.84") ==
	   strlen(wantp), "indented as JSON_INDENT(2)");
	ok(want != NULL, "jansson dumps it too");
	free(s);
	free(p);
	free(want);
	free(wantp);
	json_decref(j);
}

static void test_kept(void)
{
	json_error_t jerr;
	json_t *j;

	ok(round_trip("{\"a\":123456789012345678901234567890,\"b\":null}",
		      "{\"a\":123456789012345678901234567890,\"b\":null}"),
	   "integer beyond 64 bits carried as text");
	ok(round_trip("[null,-99999999999999999999,null,1e400,-1E+400,"
		      "\"1e400 null\",{\"x\":[null,2e999]}]",
		      "[null,-99999999999999999999,null,1e400,-1E+400,"
		      "\"1e400 null\",{\"x\":[null,2e999]}]"),
	   "kept numbers between real nulls and in strings");
	ok(round_trip("1e400", "1e400"), "a kept number alone");
	ok(round_trip("[9223372036854775807,-9223372036854775808]",
		      "[9223372036854775807,-9223372036854775808]"),
	   "int64 limits stay integers");
	ok(round_trip("[0.1,1e-320,5e-324,1.7976931348623157e308,-0.0]",
		      "[0.1,1.0e-320,5.0e-324,1.7976931348623157e308,-0.0]"),
	   "reals read back to the same double");
	ok(round_trip("\"a\\u0000b\"", "\"a\\u0000b\""), "NUL in a string");
	j = json_exact_loadb("[1, 99999999999999999999999", 26, 0, &jerr);
	ok(!j && jerr.column > 0, "broken JSON still refused");
	j = json_exact_loadb("{\"a\":1,\"a\":2}", 13, 0, &jerr);
	ok(!j, "duplicate keys refused");
	j = json_exact_loadb("[123456789012345678901234567890]", 32, 0, &jerr);
	ok(j && json_number_text(json_array_get(j, 0)) &&
	   !strcmp(json_number_text(json_array_get(j, 0)),
		   "123456789012345678901234567890") &&
	   !json_is_string(json_array_get(j, 0)) &&
	   !json_is_number(json_array_get(j, 0)),
	   "a kept number is neither a string nor a number to other code");
	json_decref(j);
}

int main(void)
{
	test_float_short();
	test_write();
	test_kept();
	return tap_done();
}
