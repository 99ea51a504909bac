/* fuzz_handshake - what a peer (or anything on the node's port) sends
 * during the handshake, cut into u16-framed messages as dist_conn.c
 * does.
 *
 * The first input byte picks the state to start in, so the ack and
 * after-completion steps are reached without guessing a random
 * challenge: our challenge is then fixed (FUZZ_CHALLENGE), and the seeds
 * carry the right digest of FUZZ_COOKIE for it. The rest is the byte
 * stream from the peer.
 *
 * Invariants: a step returns -1 with a typed error or an enum hs_result;
 * the names kept are terminated; what we append to out is whole u16
 * frames (a challenge_reply of 21 bytes after a challenge); nothing is
 * fed after an error, as the caller stops.
 */
#include "fuzz.h"

#include "dist/handshake.h"

#define FUZZ_COOKIE "fuzzcookie"
#define FUZZ_CHALLENGE 12345u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	struct handshake hs;
	struct buf out;
	const uint8_t *msg, *in;
	size_t mlen, left;
	long used;
	struct dist_error ferr;
	int rc;

	if (size < 1)
		return 0;
	handshake_client_init(&hs, "fuzz@127.0.0.1", 7, FUZZ_COOKIE,
			      strlen(FUZZ_COOKIE), "peer@127.0.0.1");
	buf_init(&out, 1 << 16);
	handshake_client_start(&hs, &out);
	fuzz_check_handshake_out(&out);
	switch (data[0] & 3) {
	case 1:
		hs.state = HS_AWAIT_CHALLENGE;
		break;
	case 2:
		hs.state = HS_AWAIT_ACK;
		hs.our_challenge = FUZZ_CHALLENGE;
		break;
	case 3:
		hs.state = HS_DONE;
		break;
	default:
		break;
	}
	in = data + 1;
	left = size - 1;
	while ((used = handshake_frame_next(in, left, &msg, &mlen, &ferr)) > 0) {
		enum hs_state before = hs.state;
		size_t out_before = out.len;

		FUZZ_CHECK((size_t)used == mlen + 2 && (size_t)used <= left);
		dist_error_clear(&err);
		rc = handshake_client_step(&hs, msg, mlen, &out, &err);
		in += used;
		left -= (size_t)used;
		FUZZ_CHECK(memchr(hs.status, '\0', sizeof hs.status));
		FUZZ_CHECK(memchr(hs.peer_name, '\0', sizeof hs.peer_name));
		fuzz_check_handshake_out(&out);
		if (rc < 0) {
			fuzz_check_error(&err);
			break;
		}
		FUZZ_CHECK(rc == HS_CONTINUE || rc == HS_COMPLETE ||
			   rc == HS_NAME_TAKEN);
		if (rc == HS_COMPLETE)
			FUZZ_CHECK(before == HS_AWAIT_ACK &&
				   hs.state == HS_DONE);
		if (before == HS_AWAIT_CHALLENGE)
			FUZZ_CHECK(out.len == out_before + 23 &&
				   hs.state == HS_AWAIT_ACK &&
				   !strcmp(hs.peer_name, hs.dialled));
		else
			FUZZ_CHECK(out.len == out_before);
	}
	/* A length past the limit is refused before its bytes arrive. */
	if (used < 0)
		FUZZ_CHECK(ferr.code == DIST_E_TOO_LARGE &&
			   left >= 2 && in[0] * 256 + in[1] > HANDSHAKE_MSG_MAX);
	buf_free(&out);
	return 0;
}
