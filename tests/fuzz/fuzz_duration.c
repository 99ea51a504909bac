/* fuzz_duration - command-line numbers: duration_parse ("250ms",
 * "1.5s") and count_parse.
 *
 * Invariants: an accepted duration is within [0, DURATION_MAX_MS]; an
 * accepted count is within the bounds asked for; a refusal is a typed
 * usage error and leaves the output alone.
 */
#include "fuzz.h"

#include <limits.h>

#include "base/duration.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	char *s = fuzz_strndup(data, size);
	int64_t ms = -42;
	long count = -42;

	if (!s)
		return 0;
	if (duration_parse(s, &ms, &err) == 0) {
		FUZZ_CHECK(ms >= 0 && ms <= DURATION_MAX_MS);
	} else {
		fuzz_check_error(&err);
		FUZZ_CHECK(ms == -42);
	}
	dist_error_clear(&err);
	if (count_parse(s, 1, 1000, &count, &err) == 0) {
		FUZZ_CHECK(count >= 1 && count <= 1000);
	} else {
		fuzz_check_error(&err);
		FUZZ_CHECK(count == -42);
	}
	dist_error_clear(&err);
	if (count_parse(s, LONG_MIN, LONG_MAX, &count, &err) != 0)
		fuzz_check_error(&err);
	free(s);
	return 0;
}
