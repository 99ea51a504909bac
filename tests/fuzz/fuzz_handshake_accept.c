/* fuzz_handshake_accept - what a connecting peer sends to dist-node
 * during the handshake, cut into u16-framed messages and fed to the
 * accepting machine (lib/dist/handshake_accept.h).
 *
 * The first input byte picks the answers the caller would give: bit 0
 * says the peer's name is already connected, bit 1 that we are dialling
 * it; bits 2-3 start in a later state with our challenge fixed at
 * FUZZ_CHALLENGE, so the seeds reach the reply and ack steps.
 *
 * Invariants: a step returns -1 with a typed error or an enum
 * hsa_result; the names kept are terminated; out holds only whole u16
 * frames; COMPLETE only comes from the reply step; nothing is fed after
 * an error, a completion or a close, as the caller stops.
 */
#include "fuzz.h"

#include "dist/handshake_accept.h"

#define FUZZ_COOKIE "fuzzcookie"
#define FUZZ_CHALLENGE 12345u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	struct hs_accept hs;
	struct buf out;
	const uint8_t *msg, *in;
	size_t mlen, left;
	long used;
	struct dist_error ferr;
	int rc;

	if (size < 1)
		return 0;
	hs_accept_init(&hs, "node@127.0.0.1", 7, DIST_OUR_FLAGS, FUZZ_COOKIE,
		       strlen(FUZZ_COOKIE));
	buf_init(&out, 1 << 16);
	switch ((data[0] >> 2) & 3) {
	case 1:
		hs.state = HSA_AWAIT_REPLY;
		hs.our_challenge = FUZZ_CHALLENGE;
		snprintf(hs.peer_name, sizeof hs.peer_name, "%s", "peer@127.0.0.1");
		break;
	case 2:
		hs.state = HSA_AWAIT_ALIVE;
		snprintf(hs.peer_name, sizeof hs.peer_name, "%s", "peer@127.0.0.1");
		break;
	default:
		break;
	}
	in = data + 1;
	left = size - 1;
	while ((used = handshake_frame_next(in, left, &msg, &mlen, &ferr)) > 0) {
		enum hsa_state before = hs.state;

		dist_error_clear(&err);
		rc = hs_accept_step(&hs, msg, mlen, &out, &err);
		in += used;
		left -= (size_t)used;
		FUZZ_CHECK(memchr(hs.peer_name, '\0', sizeof hs.peer_name));
		FUZZ_CHECK(memchr(hs.refusal, '\0', sizeof hs.refusal));
		fuzz_check_handshake_out(&out);
		if (rc < 0) {
			fuzz_check_error(&err);
			break;
		}
		if (rc == HSA_NAMED) {
			FUZZ_CHECK(before == HSA_AWAIT_NAME);
			rc = hs_accept_status(
				&hs, hs_accept_choose(&hs, data[0] & 1,
						      data[0] & 2), &out);
			fuzz_check_handshake_out(&out);
		}
		FUZZ_CHECK(rc == HSA_CONTINUE || rc == HSA_COMPLETE ||
			   rc == HSA_CLOSE || rc == HSA_REPLACE);
		if (rc == HSA_COMPLETE)
			FUZZ_CHECK(before == HSA_AWAIT_REPLY &&
				   hs.state == HSA_ACCEPTED);
		if (rc == HSA_COMPLETE || rc == HSA_CLOSE)
			break;
	}
	/* A length past the limit is refused before its bytes arrive. */
	if (used < 0)
		FUZZ_CHECK(ferr.code == DIST_E_TOO_LARGE &&
			   left >= 2 && in[0] * 256 + in[1] > HANDSHAKE_MSG_MAX);
	buf_free(&out);
	return 0;
}
