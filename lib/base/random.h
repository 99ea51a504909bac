/* random.h - randomness from the kernel, for handshake challenges,
 * creations and reference numbers, and for backoff jitter. */
#ifndef DIST_BASE_RANDOM_H
#define DIST_BASE_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* A random value, never 0 (a creation of 0 is refused by OTP 25+). */
uint32_t random_u32_nonzero(void);

/* n random bytes into p. */
void random_bytes(void *p, size_t n);

#endif
