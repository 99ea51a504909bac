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
#include "fuzz_handshake.h"

/* The dialling side's step and what it must have done. */
static enum fuzz_hs_next client_step(void *side, const uint8_t *msg,
				     size_t len, struct buf *out,
				     struct dist_error *err)
{
	struct handshake *hs = side;
	enum hs_state before = hs->state;
	size_t out_before = out->len;
	int rc = handshake_client_step(hs, msg, len, out, err);

	FUZZ_CHECK(memchr(hs->status, '\0', sizeof hs->status));
	FUZZ_CHECK(memchr(hs->peer_name, '\0', sizeof hs->peer_name));
	if (rc < 0)
		return FUZZ_HS_FAILED;
	FUZZ_CHECK(rc == HS_CONTINUE || rc == HS_COMPLETE ||
		   rc == HS_NAME_TAKEN);
	if (rc == HS_COMPLETE)
		FUZZ_CHECK(before == HS_AWAIT_ACK && hs->state == HS_DONE);
	if (before == HS_AWAIT_CHALLENGE)
		FUZZ_CHECK(out->len == out_before + 23 &&
			   hs->state == HS_AWAIT_ACK &&
			   !strcmp(hs->peer_name, hs->dialled));
	else
		FUZZ_CHECK(out->len == out_before);
	return FUZZ_HS_MORE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handshake hs;
	struct buf out;

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
	fuzz_handshake_feed(data + 1, size - 1, &hs, &out, client_step);
	buf_free(&out);
	return 0;
}
