/* test_duration.c - durations with units and bounded counts. */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "base/duration.h"
#include "tap.h"

static struct dist_error err;

static bool dur_is(const char *s, int64_t want)
{
	int64_t ms = -1;

	return duration_parse(s, &ms, &err) == 0 && ms == want;
}

static bool dur_refused(const char *s)
{
	int64_t ms = 12345;

	dist_error_clear(&err);
	return duration_parse(s, &ms, &err) < 0 && ms == 12345 &&
	       err.code == DIST_E_USAGE && err.stage == DIST_STAGE_INPUT &&
	       strstr(err.message, s ? s : "");
}

static bool count_is(const char *s, long min, long max, long want)
{
	long v = -999;

	return count_parse(s, min, max, &v, &err) == 0 && v == want;
}

static bool count_refused(const char *s, long min, long max)
{
	long v = -999;

	dist_error_clear(&err);
	return count_parse(s, min, max, &v, &err) < 0 && v == -999 &&
	       err.code == DIST_E_USAGE && err.stage == DIST_STAGE_INPUT &&
	       strstr(err.message, s);
}

int main(void)
{
	ok(dur_is("250ms", 250), "250ms");
	ok(dur_is("2s", 2000), "2s");
	ok(dur_is("1.5s", 1500), "1.5s");
	ok(dur_is("1m", 60000), "1m");
	ok(dur_is("1h", 3600000), "1h");
	ok(dur_is("1d", 86400000), "1d");
	ok(dur_is("0", 0), "0");
	ok(dur_is("0ms", 0), "0ms");
	ok(dur_is("0.0s", 0), "0.0s");
	ok(dur_is("3", 3000), "bare number is seconds");
	ok(dur_is("0.25", 250), "bare fraction is seconds");
	ok(dur_is("1.0005s", 1000), "sub-millisecond remainder truncated");
	ok(dur_is("0.001", 1), "one millisecond");
	ok(dur_is("1.1234567890123m", 67407), "long fraction");
	ok(dur_is("007s", 7000), "leading zeros");
	ok(dur_is("366d", DURATION_MAX_MS), "the maximum");

	ok(dur_refused(""), "empty");
	ok(duration_parse(NULL, &(int64_t){0}, &err) < 0, "NULL");
	ok(dur_refused("-1s"), "negative");
	ok(dur_refused("+1s"), "plus sign");
	ok(dur_refused("s"), "unit only");
	ok(dur_refused("1x"), "unknown unit");
	ok(dur_refused("1sec"), "long unit");
	ok(dur_refused("1 s"), "space");
	ok(dur_refused(" 1s"), "leading space");
	ok(dur_refused("1s "), "trailing space");
	ok(dur_refused("1.s"), "no digits after dot");
	ok(dur_refused(".5s"), "no digits before dot");
	ok(dur_refused("1e3"), "exponent");
	ok(dur_refused("nan"), "nan");
	ok(dur_refused("inf"), "inf");
	ok(dur_refused("0x10"), "hex");
	ok(dur_refused("1.2.3s"), "two dots");
	ok(dur_refused("0.1ms"), "under a millisecond");
	ok(dur_refused("367d"), "over the maximum");
	ok(dur_refused("99999999999999999999999999s"), "overflow");
	ok(dur_refused("9223372036854775807ms"), "INT64_MAX ms");
	ok(dur_refused("1S"), "upper-case unit");
	ok(strstr(err.message, "invalid duration '1S'") != NULL,
	   "message names the text: %s", err.message);

	ok(count_is("5", 1, 10, 5), "count 5");
	ok(count_is("1", 1, 10, 1), "count at min");
	ok(count_is("10", 1, 10, 10), "count at max");
	ok(count_is("-3", -5, 5, -3), "negative count when allowed");
	ok(count_is("0", 0, LONG_MAX, 0), "zero");
	ok(count_refused("0", 1, 10), "below min");
	ok(count_refused("11", 1, 10), "above max");
	ok(count_refused("-1", 0, 10), "negative");
	ok(count_refused("abc", 0, 10), "letters");
	ok(count_refused("5x", 0, 10), "trailing garbage");
	ok(count_refused(" 5", 0, 10), "leading space");
	ok(count_refused("+5", 0, 10), "plus sign");
	ok(count_refused("1.5", 0, 10), "fraction");
	ok(count_refused("99999999999999999999999", 0, LONG_MAX), "overflow");
	ok(count_refused("-", -5, 5), "sign only");
	ok(count_parse("", 0, 1, &(long){0}, &err) < 0 &&
	   strstr(err.message, "empty"), "empty count");
	ok(count_refused("42", 1, 10) &&
	   strstr(err.message, "must be from 1 to 10"),
	   "message gives the range: %s", err.message);
	return tap_done();
}
