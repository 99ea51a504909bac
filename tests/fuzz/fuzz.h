/* fuzz.h - what every fuzz target shares.
 *
 * A target is one LLVMFuzzerTestOneInput; libFuzzer (make fuzz) or
 * replay.c (make check) calls it. A broken invariant must stop the run
 * the same way a crash does, so FUZZ_CHECK aborts: libFuzzer then saves
 * the input, and the replay runner counts a failure.
 */
#ifndef DIST_FUZZ_H
#define DIST_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "dist/handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",  \
				__FILE__, __LINE__, #cond);               \
			abort();                                          \
		}                                                         \
	} while (0)

/* A failing call must say why: a typed code and a terminated message
 * (callers print err->message with %s). */
static inline void fuzz_check_error(const struct dist_error *err)
{
	FUZZ_CHECK(err->code > DIST_OK && err->code < DIST_E__COUNT);
	FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL);
}

/* The input as a NUL-terminated string (for parsers of C strings); an
 * embedded NUL simply ends it early, as it would in argv. NULL when out
 * of memory: the caller returns, nothing is learnt from that input. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* What a handshake state machine (either side) wrote is whole framed
 * messages and nothing else, and nothing failed on the way. */
static inline void fuzz_check_handshake_out(const struct buf *out)
{
	const uint8_t *msg;
	size_t off = 0, mlen;
	long used;

	FUZZ_CHECK(!out->failed);
	while (off < out->len) {
		used = handshake_frame_next(out->data + off, out->len - off,
					    &msg, &mlen, NULL);
		FUZZ_CHECK(used > 0);
		off += (size_t)used;
	}
	FUZZ_CHECK(off == out->len);
}

#endif
