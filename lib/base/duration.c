/* duration.c - parse "250ms", "2s", "1.5m" and bounded integer options. */
#include "base/duration.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Fraction digits kept; more are accepted but cannot matter below 1 ms
 * even with the largest unit (a day is 8.64e7 ms < 1e9). */
#define FRAC_DIGITS_MAX 9

struct unit {
	const char *suffix;
	int64_t ms;
};

static const struct unit units[] = {
	{ "ms", 1 },
	{ "s", 1000 },
	{ "m", 60 * 1000 },
	{ "h", 3600 * 1000 },
	{ "d", 24 * 3600 * 1000 },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const struct unit *find_unit(const char *suffix)
{
	size_t i;

	if (!*suffix)
		return &units[1];	/* bare number: seconds */
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(suffix, units[i].suffix))
			return &units[i];
	return NULL;
}

static int bad_duration(const char *s, const char *why,
			struct dist_error *err)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
		"invalid duration '%.64s': %s", s, why);
}

int duration_parse(const char *s, int64_t *ms, struct dist_error *err)
{
	const char *p = s;
	const struct unit *unit;
	int64_t whole = 0, frac = 0, scale = 1, total;
	bool nonzero = false;

	if (!s || !*s)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "invalid duration '': empty");
	if (!is_digit(*p))
		return bad_duration(s, "expected a number such as 250ms, 2s "
				    "or 1m", err);
	for (; is_digit(*p); p++) {
		if (whole > DURATION_MAX_MS)
			continue;	/* already too large; keep scanning */
		whole = whole * 10 + (*p - '0');
		nonzero |= *p != '0';
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return bad_duration(s, "expected digits after '.'", err);
		for (; is_digit(*p); p++) {
			nonzero |= *p != '0';
			if (scale >= 1000000000)
				continue;
			frac = frac * 10 + (*p - '0');
			scale *= 10;
		}
	}
	unit = find_unit(p);
	if (!unit)
		return bad_duration(s, "unknown unit (use ms, s, m, h or d)",
				    err);
	if (whole > DURATION_MAX_MS / unit->ms)
		return bad_duration(s, "too large (at most 366 days)", err);
	total = whole * unit->ms + frac * unit->ms / scale;
	if (total > DURATION_MAX_MS)
		return bad_duration(s, "too large (at most 366 days)", err);
	if (total == 0 && nonzero)
		return bad_duration(s, "less than one millisecond", err);
	*ms = total;
	return 0;
}

int count_parse(const char *s, long min, long max, long *out,
		struct dist_error *err)
{
	char *end;
	long v;

	if (!s || !*s)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "invalid number '': empty");
	/* strtol would skip leading blanks and accept "+5"; an option
	 * value is digits with an optional '-' only. */
	if (!is_digit(*s) && !(*s == '-' && is_digit(s[1])))
		goto not_a_number;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end)
		goto not_a_number;
	if (errno == ERANGE || v < min || v > max)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			"invalid number '%.64s': must be from %ld to %ld",
			s, min, max);
	*out = v;
	return 0;
not_a_number:
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
		"invalid number '%.64s': expected a whole number from %ld to %ld",
		s, min, max);
}

int size_parse(const char *s, uint64_t max, uint64_t *out,
	       struct dist_error *err)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!s || *s < '0' || *s > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			goto bad;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p == 'k' || *p == 'K')
		mult = 1024;
	else if (*p == 'M')
		mult = 1024 * 1024;
	else if (*p == 'G')
		mult = 1024ULL * 1024 * 1024;
	else if (*p)
		goto bad;
	if (*p && p[1])
		goto bad;
	if (v > max / mult || v * mult == 0)
		goto bad;
	*out = v * mult;
	return 0;
bad:
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "'%s' is not a size: a whole number with an "
			      "optional k, M or G, from 1 to %llu bytes",
			      s ? s : "", (unsigned long long)max);
}
