/* backoff.c - exponential backoff with jitter (see backoff.h). */
#include "base/backoff.h"

int64_t backoff_delay_ms(unsigned attempt, int64_t base_ms, int64_t cap_ms,
			 uint32_t rnd)
{
	int64_t d = base_ms, half;

	/* Doubling stops at the cap: no overflow however many attempts. */
	for (unsigned i = 0; i < attempt && d < cap_ms; i++)
		d *= 2;
	if (d > cap_ms)
		d = cap_ms;
	if (d < 1)
		return 0;
	half = d / 2;
	return half + (int64_t)(rnd % (uint32_t)(d - half + 1));
}
