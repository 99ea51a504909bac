/* handshake_accept.c - accepting side of the version 6 handshake (see
 * handshake_accept.h). Each step names the message of erl_dist_protocol
 * it handles. */
#include "dist/handshake_accept.h"
#include "base/random.h"

#include <stdio.h>
#include <string.h>

#include "dist/nodename.h"

void hs_accept_init(struct hs_accept *hs, const char *our_name,
		    uint32_t our_creation, uint64_t our_flags,
		    const char *cookie, size_t cookie_len)
{
	memset(hs, 0, sizeof *hs);
	snprintf(hs->our_name, sizeof hs->our_name, "%s", our_name);
	hs->our_creation = our_creation ? our_creation : 1;
	hs->our_flags = our_flags;
	hs->cookie = cookie;
	hs->cookie_len = cookie_len;
	hs->state = HSA_AWAIT_NAME;
}

const char *hs_accept_status_name(enum hsa_status st)
{
	switch (st) {
	case HSA_OK:
		return "ok";
	case HSA_OK_SIMULTANEOUS:
		return "ok_simultaneous";
	case HSA_NOK:
		return "nok";
	case HSA_ALIVE:
		return "alive";
	case HSA_NOT_ALLOWED:
		break;
	}
	return "not_allowed";
}

/* send_name 'N': Flags u64, Creation u32, Nlen u16, Name. A refusal
 * found here is kept for the status, because the peer deserves the
 * not_allowed answer rather than a silent close. */
static int on_name(struct hs_accept *hs, const uint8_t *m, size_t len,
		   struct dist_error *err)
{
	struct node_name nn;
	struct dist_error nerr;
	uint64_t missing;
	size_t nlen;

	if (m[0] == 'n')
		snprintf(hs->refusal, sizeof hs->refusal,
			 "the peer sent a version 5 name message ('n'): "
			 "only OTP 23 and later (version 6) are accepted");
	else if (m[0] != 'N' || len < 15)
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "expected send_name 'N' from the peer, "
				      "got message type %u of %zu bytes: is "
				      "it an Erlang node?", m[0], len);
	hs->state = HSA_AWAIT_DECISION;
	if (hs->refusal[0])
		return HSA_NAMED;
	nlen = get_u16(m + 13);
	if (15 + nlen != len || nlen >= sizeof hs->peer_name)
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "send_name with a name length of %zu in "
				      "a message of %zu bytes", nlen, len);
	hs->peer_flags = get_u64(m + 1);
	hs->peer_creation = get_u32(m + 9);
	memcpy(hs->peer_name, m + 15, nlen);
	hs->peer_name[nlen] = '\0';
	missing = DFLAG_MANDATORY_OTP26 & ~hs->peer_flags;
	if (memchr(m + 15, '\0', nlen) ||
	    node_name_parse(hs->peer_name, &nn, &nerr) < 0)
		snprintf(hs->refusal, sizeof hs->refusal,
			 "the peer's name is not a node name (a dynamic "
			 "name request, NAME_ME, is not supported)");
	else if (missing)
		snprintf(hs->refusal, sizeof hs->refusal,
			 "%s lacks distribution flags that OTP 25 and 26 "
			 "make mandatory (missing 0x%llx): it is older "
			 "than OTP 23 or a client that does not speak them",
			 hs->peer_name, (unsigned long long)missing);
	return HSA_NAMED;
}

enum hsa_status hs_accept_choose(const struct hs_accept *hs, bool connected,
				 bool dialling)
{
	if (hs->refusal[0])
		return HSA_NOT_ALLOWED;
	if (connected)
		return HSA_ALIVE;
	if (dialling)
		return strcmp(hs->our_name, hs->peer_name) > 0
			       ? HSA_NOK : HSA_OK_SIMULTANEOUS;
	return HSA_OK;
}

/* A message's length: u16, or u32 inside TLS ({packet, 4}). */
static void put_len(const struct hs_accept *hs, struct buf *out, size_t n)
{
	if (hs->len4)
		buf_put_u32(out, (uint32_t)n);
	else
		buf_put_u16(out, (uint16_t)n);
}

/* challenge 'N': our Flags u64, Challenge u32, Creation u32, Nlen u16,
 * Name. The name is exactly the one the peer dialled: an Erlang
 * connector compares it with the node it asked for. */
static void put_challenge(struct hs_accept *hs, struct buf *out)
{
	size_t n = strlen(hs->our_name);

	hs->our_challenge = random_u32_nonzero();
	put_len(hs, out, 1 + 8 + 4 + 4 + 2 + n);
	buf_put_u8(out, 'N');
	buf_put_u64(out, hs->our_flags);
	buf_put_u32(out, hs->our_challenge);
	buf_put_u32(out, hs->our_creation);
	buf_put_u16(out, (uint16_t)n);
	buf_put(out, hs->our_name, n);
	hs->state = HSA_AWAIT_REPLY;
}

int hs_accept_status(struct hs_accept *hs, enum hsa_status st,
		     struct buf *out)
{
	const char *text = hs_accept_status_name(st);
	size_t n = strlen(text);

	/* status 's' + text. */
	put_len(hs, out, 1 + n);
	buf_put_u8(out, 's');
	buf_put(out, text, n);
	switch (st) {
	case HSA_OK:
	case HSA_OK_SIMULTANEOUS:
		put_challenge(hs, out);
		return HSA_CONTINUE;
	case HSA_ALIVE:
		hs->state = HSA_AWAIT_ALIVE;
		return HSA_CONTINUE;
	default:
		hs->state = HSA_ENDED;
		return HSA_CLOSE;
	}
}

/* After alive the connector says 's' "true" (its old connection is
 * gone: go on) or 's' "false" (it keeps the old one: stop). */
static int on_alive_answer(struct hs_accept *hs, const uint8_t *m,
			   size_t len, struct buf *out,
			   struct dist_error *err)
{
	if (len == 5 && !memcmp(m, "strue", 5)) {
		put_challenge(hs, out);
		return HSA_REPLACE;
	}
	if (len == 6 && !memcmp(m, "sfalse", 6)) {
		hs->state = HSA_ENDED;
		return HSA_CLOSE;
	}
	return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_HANDSHAKE,
			      "%s answered our status alive with neither "
			      "'true' nor 'false'", hs->peer_name);
}

/* challenge_reply 'r': the peer's Challenge u32 and the digest of ours
 * with its cookie. A wrong digest means another cookie: refuse. */
static int on_reply(struct hs_accept *hs, const uint8_t *m, size_t len,
		    struct buf *out, struct dist_error *err)
{
	uint8_t want[16], ack[16];

	if (len != 21 || m[0] != 'r')
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "expected challenge_reply 'r' of 21 "
				      "bytes from %s, got type %u of %zu "
				      "bytes", hs->peer_name, m[0], len);
	handshake_digest(hs->cookie, hs->cookie_len, hs->our_challenge, want);
	if (memcmp(want, m + 5, 16) != 0)
		return dist_error_set(err, DIST_E_NOT_ALLOWED,
				      DIST_STAGE_HANDSHAKE,
				      "%s answered our challenge with a wrong "
				      "digest: its cookie is not ours "
				      "(connection refused)", hs->peer_name);
	/* challenge_ack 'a': the digest of its challenge with our cookie,
	 * so the peer knows we hold the cookie too. */
	handshake_digest(hs->cookie, hs->cookie_len, get_u32(m + 1), ack);
	put_len(hs, out, 17);
	buf_put_u8(out, 'a');
	buf_put(out, ack, 16);
	hs->state = HSA_ACCEPTED;
	return HSA_COMPLETE;
}

int hs_accept_step(struct hs_accept *hs, const uint8_t *msg, size_t len,
		   struct buf *out, struct dist_error *err)
{
	if (len == 0)
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "empty handshake message from %s",
				      hs->peer_name[0] ? hs->peer_name
						       : "a peer");
	switch (hs->state) {
	case HSA_AWAIT_NAME:
		return on_name(hs, msg, len, err);
	case HSA_AWAIT_ALIVE:
		return on_alive_answer(hs, msg, len, out, err);
	case HSA_AWAIT_REPLY:
		return on_reply(hs, msg, len, out, err);
	default:
		break;
	}
	return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_HANDSHAKE,
			      "%s sent a handshake message out of turn",
			      hs->peer_name[0] ? hs->peer_name : "a peer");
}
