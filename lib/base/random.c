/* random.c - kernel randomness (see random.h). */
#include "base/random.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

void random_bytes(void *p, size_t n)
{
	uint8_t *o = p;

	while (n > 0) {
		ssize_t got = getrandom(o, n, 0);

		if (got > 0) {
			o += got;
			n -= (size_t)got;
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		/* getrandom fails only before the kernel's pool is ready,
		 * early in boot. Challenges and creations need to differ,
		 * not to be secret (the cookie is the secret), so a clock
		 * mix is an honest fallback. */
		{
			struct timespec ts;
			uint64_t v;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			v = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ULL ^
			    (uint64_t)ts.tv_sec;
			memcpy(o, &v, n < sizeof v ? n : sizeof v);
			o += n < sizeof v ? n : sizeof v;
			n -= n < sizeof v ? n : sizeof v;
		}
	}
}

uint32_t random_u32_nonzero(void)
{
	uint32_t v = 0;

	while (v == 0)
		random_bytes(&v, sizeof v);
	return v;
}
