/* fuzz_handshake.h - what the two handshake targets (fuzz_handshake,
 * the dialling side; fuzz_handshake_accept, the accepting side) share:
 * the cookie and fixed challenge their seeds are made for, and the feed
 * of the peer's bytes, cut into u16-framed messages as dist_conn.c and
 * the node's listener do, to one side's step. */
#ifndef DIST_FUZZ_HANDSHAKE_H
#define DIST_FUZZ_HANDSHAKE_H

#include "fuzz.h"

#define FUZZ_COOKIE "fuzzcookie"
#define FUZZ_CHALLENGE 12345u

/* What a side's step tells the feed. */
enum fuzz_hs_next {
	FUZZ_HS_FAILED = -1,    /* the step failed: err says why */
	FUZZ_HS_MORE = 0,       /* the next message, if any */
	FUZZ_HS_STOP = 1,       /* the caller stops (done, or a close) */
};

/* One side's step on one message, with that side's own invariants
 * checked (also after a failure); side is the target's state. */
typedef enum fuzz_hs_next (*fuzz_hs_step)(void *side, const uint8_t *msg,
					  size_t len, struct buf *out,
					  struct dist_error *err);

/* Feed the messages of in to step until the input ends, a step fails
 * or the step says stop: nothing is fed after that, as the caller
 * stops. Every step leaves out whole frames; a failure is typed. */
static inline void fuzz_handshake_feed(const uint8_t *in, size_t left,
				       void *side, struct buf *out,
				       fuzz_hs_step step)
{
	struct dist_error err = { 0 };
	const uint8_t *msg;
	size_t used, mlen;
	enum fuzz_hs_next next;

	while ((used = handshake_frame_next(in, left, &msg, &mlen)) > 0) {
		FUZZ_CHECK(used == mlen + 2 && used <= left);
		dist_error_clear(&err);
		next = step(side, msg, mlen, out, &err);
		in += used;
		left -= used;
		fuzz_check_handshake_out(out);
		if (next == FUZZ_HS_FAILED)
			fuzz_check_error(&err);
		if (next != FUZZ_HS_MORE)
			return;
	}
}

#endif
