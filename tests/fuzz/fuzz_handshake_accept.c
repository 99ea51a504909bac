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
#include "fuzz_handshake.h"

#include "dist/handshake_accept.h"

/* The accepting machine and the answers the caller would give. */
struct accept_side {
	struct hs_accept hs;
	bool connected;         /* the peer's name is already connected */
	bool dialling;          /* we are dialling it */
};

/* The accepting side's step (with the caller's answer to a name) and
 * what it must have done. */
static enum fuzz_hs_next accept_step(void *side, const uint8_t *msg,
				     size_t len, struct buf *out,
				     struct dist_error *err)
{
	struct accept_side *a = side;
	struct hs_accept *hs = &a->hs;
	enum hsa_state before = hs->state;
	int rc = hs_accept_step(hs, msg, len, out, err);

	FUZZ_CHECK(memchr(hs->peer_name, '\0', sizeof hs->peer_name));
	FUZZ_CHECK(memchr(hs->refusal, '\0', sizeof hs->refusal));
	if (rc < 0)
		return FUZZ_HS_FAILED;
	if (rc == HSA_NAMED) {
		FUZZ_CHECK(before == HSA_AWAIT_NAME);
		fuzz_check_handshake_out(out);
		rc = hs_accept_status(hs, hs_accept_choose(hs, a->connected,
							   a->dialling),
				      out);
	}
	FUZZ_CHECK(rc == HSA_CONTINUE || rc == HSA_COMPLETE ||
		   rc == HSA_CLOSE || rc == HSA_REPLACE);
	if (rc == HSA_COMPLETE)
		FUZZ_CHECK(before == HSA_AWAIT_REPLY &&
			   hs->state == HSA_ACCEPTED);
	return rc == HSA_COMPLETE || rc == HSA_CLOSE ? FUZZ_HS_STOP
						     : FUZZ_HS_MORE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct accept_side a = { 0 };
	struct hs_accept *hs = &a.hs;
	struct buf out;

	if (size < 1)
		return 0;
	a.connected = data[0] & 1;
	a.dialling = data[0] & 2;
	hs_accept_init(hs, "node@127.0.0.1", 7, DIST_OUR_FLAGS, FUZZ_COOKIE,
		       strlen(FUZZ_COOKIE));
	buf_init(&out, 1 << 16);
	switch ((data[0] >> 2) & 3) {
	case 1:
		hs->state = HSA_AWAIT_REPLY;
		hs->our_challenge = FUZZ_CHALLENGE;
		snprintf(hs->peer_name, sizeof hs->peer_name, "%s",
			 "peer@127.0.0.1");
		break;
	case 2:
		hs->state = HSA_AWAIT_ALIVE;
		snprintf(hs->peer_name, sizeof hs->peer_name, "%s",
			 "peer@127.0.0.1");
		break;
	default:
		break;
	}
	fuzz_handshake_feed(data + 1, size - 1, &a, &out, accept_step);
	buf_free(&out);
	return 0;
}
