/* handshake_accept.h - the accepting side of the distribution handshake,
 * version 6 (PROTOCOL.md §2 and §9), as a state machine over whole
 * messages, beside the connecting side of handshake.h.
 *
 * It owns no socket and knows nothing of the node's other connections:
 * when the peer has said its name, the machine stops (HSA_NAMED) and the
 * caller, who knows whether that node is already connected or being
 * dialled, picks the status with hs_accept_choose() and hands it to
 * hs_accept_status(). The u16 framing is handshake_frame_next()'s.
 *
 *   peer                         we
 *   send_name 'N' ------------>  HSA_NAMED: mandatory flags, the name
 *                 <------------  status 's' ok | ok_simultaneous | nok |
 *                                not_allowed | alive
 *   (after alive: 's' true|false ->)
 *                 <------------  challenge 'N' (our flags, challenge,
 *                                creation, our name: the name it dialled)
 *   challenge_reply 'r' ------>  digest checked against our cookie
 *                 <------------  challenge_ack 'a': HSA_COMPLETE
 */
#ifndef DIST_HANDSHAKE_ACCEPT_H
#define DIST_HANDSHAKE_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "dist/handshake.h"

enum hsa_state {
	HSA_AWAIT_NAME,        /* nothing received yet */
	HSA_AWAIT_DECISION,    /* name read: the caller picks a status */
	HSA_AWAIT_ALIVE,       /* said alive: 's' true or false comes */
	HSA_AWAIT_REPLY,       /* sent the challenge */
	HSA_ACCEPTED,          /* sent challenge_ack */
	HSA_ENDED,             /* refused or given up: close after sending */
};

enum hsa_result {
	HSA_CONTINUE = 0,
	HSA_NAMED = 1,     /* peer_name and peer_flags known: call _status */
	HSA_COMPLETE = 2,  /* switch to u32 frames */
	HSA_CLOSE = 3,     /* we refused (nok, not_allowed) or the peer gave
			    * up after alive: flush out, then close */
	HSA_REPLACE = 4,   /* the peer answered alive with true: drop the
			    * old connection of that name; the handshake
			    * goes on (the challenge is in out) */
};

enum hsa_status {
	HSA_OK,
	HSA_OK_SIMULTANEOUS,
	HSA_NOK,
	HSA_NOT_ALLOWED,
	HSA_ALIVE,
};

struct hs_accept {
	enum hsa_state state;
	char our_name[512];
	uint32_t our_creation;
	uint64_t our_flags;
	const char *cookie;
	size_t cookie_len;
	uint32_t our_challenge;
	char peer_name[512];
	uint64_t peer_flags;
	uint32_t peer_creation;
	/* Why we refuse, when the name message already tells (missing
	 * flags, a bad name): hs_accept_choose() says not_allowed then. */
	char refusal[768];
	bool len4;                 /* u32 lengths: TLS distribution, whose
				    * socket is {packet, 4} (handshake.h);
				    * set after hs_accept_init */
};

void hs_accept_init(struct hs_accept *hs, const char *our_name,
		    uint32_t our_creation, uint64_t our_flags,
		    const char *cookie, size_t cookie_len);

/* Feed one whole message (without its u16 length). Replies go to out
 * with their u16 length. Returns an enum hsa_result, or -1: a protocol
 * error, or DIST_E_NOT_ALLOWED when the peer's digest shows another
 * cookie. */
int hs_accept_step(struct hs_accept *hs, const uint8_t *msg, size_t len,
		   struct buf *out, struct dist_error *err);

/* The status for a peer that has said its name (net_kernel's rules):
 * a refusal already found by the machine -> not_allowed; a live
 * connection of that name -> alive; our own dial to it pending -> the
 * greater name wins: nok when ours is greater (the peer gives up), else
 * ok_simultaneous (we give ours up); otherwise ok. */
enum hsa_status hs_accept_choose(const struct hs_accept *hs, bool connected,
				 bool dialling);

/* Send the status (and, for ok and ok_simultaneous, the challenge).
 * Returns HSA_CONTINUE, or HSA_CLOSE for nok and not_allowed. */
int hs_accept_status(struct hs_accept *hs, enum hsa_status st,
		     struct buf *out);

const char *hs_accept_status_name(enum hsa_status st);

#endif
