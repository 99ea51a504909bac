/* frame.h - the framing of a connection after the handshake, as pure
 * functions over bytes (PROTOCOL.md §3).
 *
 * Every frame is a u32 length and that many bytes; length 0 is a tick.
 * A message frame is the pass-through form: byte 112, the control term
 * (with its 131), then the message term where the control has one. We
 * negotiate neither the atom cache nor fragments, so that is the only
 * form a peer may send us.
 *
 * Nothing here knows of sockets: the accepting side (lib/cluster) and,
 * later, the connecting side cut and build frames with the same code, and
 * the fuzz target feeds it bytes directly.
 */
#ifndef DIST_FRAME_H
#define DIST_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "etf/etf.h"

#define FRAME_PASS_THROUGH 112

enum frame_kind {
	FRAME_TICK,
	FRAME_MESSAGE,
};

struct frame {
	enum frame_kind kind;
	const uint8_t *payload;  /* points into the input; NULL for a tick */
	size_t len;
};

/* Cut the next frame out of in[0..len). Returns the bytes it takes
 * (4 + payload), 0 when more input is needed, or -1 with DIST_E_TOO_LARGE
 * when the announced length passes max: the caller drops the peer before
 * buffering anything of it. */
long frame_next(const uint8_t *in, size_t len, size_t max, struct frame *f,
		struct dist_error *err);

/* Decode a message frame's payload: 112, control, optional message.
 * *msg is NULL when the frame carries no message. Every term goes
 * through the bounded decoder; bytes left after the message are a
 * protocol error. */
int frame_decode(const uint8_t *payload, size_t len, struct etf_arena *a,
		 const struct etf_limits *lim, struct etf_term **control,
		 struct etf_term **msg, struct dist_error *err);

/* Append a whole message frame (msg may be NULL). On failure out is left
 * as it was: DIST_E_TOO_LARGE when out's cap or 4 GiB is passed. */
int frame_encode(struct buf *out, const struct etf_term *control,
		 const struct etf_term *msg, struct dist_error *err);

/* Append a tick: four zero bytes. */
void frame_put_tick(struct buf *out);

#endif
