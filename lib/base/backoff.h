/* backoff.h - exponential backoff with jitter, for reconnecting.
 *
 * The wait before attempt k (0 = the first retry) is drawn from
 * [d/2, d] with d = min(cap, base * 2^k) ("equal jitter"): it grows
 * fast, is never shorter than half the step, and nodes that lost the
 * same peer at once do not all come back in the same millisecond.
 */
#ifndef DIST_BASE_BACKOFF_H
#define DIST_BASE_BACKOFF_H

#include <stdint.h>

/* rnd: any 32-bit random value (random_u32_nonzero()). */
int64_t backoff_delay_ms(unsigned attempt, int64_t base_ms, int64_t cap_ms,
			 uint32_t rnd);

#endif
