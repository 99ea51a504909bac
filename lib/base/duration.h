/* duration.h - command-line numbers: durations with units, bounded counts.
 *
 * Durations: a decimal number and an optional unit, no spaces:
 * "250ms", "2s", "1.5s", "1m", "1h", "1d", "0". A bare number means
 * seconds, as with timeout(1) and curl --max-time. Signs, exponents,
 * "inf"/"nan", empty text, unknown units and values that overflow are
 * refused; so is a non-zero value under one millisecond ("0.1ms"),
 * because it would silently become "no time at all".
 */
#ifndef DIST_DURATION_H
#define DIST_DURATION_H

#include <stdint.h>

#include "base/error.h"

/* The largest duration accepted: about 292 years would fit, but nobody
 * means more than a year and a bound keeps deadline arithmetic safe. */
#define DURATION_MAX_MS ((int64_t)366 * 24 * 3600 * 1000)

/* Returns 0 with *ms set, or -1 with err = DIST_E_USAGE, stage input,
 * quoting the text. *ms is left alone on error. */
int duration_parse(const char *s, int64_t *ms, struct dist_error *err);

/* A decimal integer in [min, max]; same error convention. */
int count_parse(const char *s, long min, long max, long *out,
		struct dist_error *err);

/* A size in bytes: a whole number with an optional unit k, M or G
 * (powers of 1024), e.g. "64M". At most max. Same error convention. */
int size_parse(const char *s, uint64_t max, uint64_t *out,
	       struct dist_error *err);

#endif
