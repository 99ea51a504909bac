/* handshake.h - the connecting side of the distribution handshake,
 * version 6 (PROTOCOL.md §2), as a state machine over whole messages.
 *
 * It owns no socket: the caller cuts the u16-framed messages out of the
 * stream and sends what the machine appends to `out`. That keeps the
 * byte-level logic testable without a network, and lets the accepting
 * side (dist-node) share the digest and flag code later.
 */
#ifndef DIST_HANDSHAKE_H
#define DIST_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

/* Distribution flags (erts dist.h). */
#define DFLAG_PUBLISHED           0x1ULL
#define DFLAG_EXTENDED_REFERENCES 0x4ULL
#define DFLAG_DIST_MONITOR        0x8ULL
#define DFLAG_FUN_TAGS            0x10ULL
#define DFLAG_DIST_MONITOR_NAME   0x20ULL
#define DFLAG_NEW_FUN_TAGS        0x80ULL
#define DFLAG_EXTENDED_PIDS_PORTS 0x100ULL
#define DFLAG_EXPORT_PTR_TAG      0x200ULL
#define DFLAG_BIT_BINARIES        0x400ULL
#define DFLAG_NEW_FLOATS          0x800ULL
#define DFLAG_UNICODE_IO          0x1000ULL
#define DFLAG_DIST_HDR_ATOM_CACHE 0x2000ULL
#define DFLAG_SMALL_ATOM_TAGS     0x4000ULL
#define DFLAG_UTF8_ATOMS          0x10000ULL
#define DFLAG_MAP_TAG             0x20000ULL
#define DFLAG_BIG_CREATION        0x40000ULL
#define DFLAG_SEND_SENDER         0x80000ULL
#define DFLAG_EXIT_PAYLOAD        0x400000ULL
#define DFLAG_FRAGMENTS           0x800000ULL
#define DFLAG_HANDSHAKE_23        0x1000000ULL
#define DFLAG_UNLINK_ID           0x2000000ULL
#define DFLAG_MANDATORY_25_DIGEST 0x4000000ULL
#define DFLAG_SPAWN               (1ULL << 32)
#define DFLAG_NAME_ME             (1ULL << 33)
#define DFLAG_V4_NC               (1ULL << 34)
#define DFLAG_ALIAS               (1ULL << 35)

/* What OTP 25 and 26 refuse to talk without (union of both). */
#define DFLAG_MANDATORY_OTP26     0x403070F94ULL

/* What we offer: the mandatory set, monitors, unicode io, and nothing that
 * changes the message format (no atom cache, no fragments, no
 * SEND_SENDER), and never PUBLISHED: we are a hidden node. */
#define DIST_OUR_FLAGS (DFLAG_MANDATORY_OTP26 | DFLAG_MANDATORY_25_DIGEST | \
			DFLAG_DIST_MONITOR | DFLAG_UNICODE_IO |             \
			DFLAG_SMALL_ATOM_TAGS)

enum hs_state {
	HS_AWAIT_STATUS,     /* sent send_name 'N' */
	HS_AWAIT_CHALLENGE,  /* got status ok */
	HS_AWAIT_ACK,        /* sent challenge_reply 'r' */
	HS_DONE,
};

enum hs_result {
	HS_CONTINUE = 0,
	HS_COMPLETE = 1,    /* handshake done: switch to u32 framing */
	HS_NAME_TAKEN = 2,  /* status alive/nok: try another pool name */
};

struct handshake {
	enum hs_state state;
	char our_name[512];
	uint32_t our_creation;
	uint64_t our_flags;
	const char *cookie;
	size_t cookie_len;
	char dialled[512];       /* the name the user asked for */
	uint32_t our_challenge;
	uint64_t peer_flags;
	uint32_t peer_creation;
	char peer_name[512];
	char status[32];         /* last status text, for messages */
	bool len4;               /* u32 lengths: TLS distribution, whose
				  * socket is {packet, 4} from the start
				  * (inet_tls_dist); set before start */
};

void handshake_client_init(struct handshake *hs, const char *our_name,
			   uint32_t our_creation, const char *cookie,
			   size_t cookie_len, const char *dialled);
/* Append the send_name message, u16-framed (u32 with len4). */
void handshake_client_start(struct handshake *hs, struct buf *out);
/* Feed one whole message (without its u16 length). Replies are appended
 * to out with their u16 length. Returns an enum hs_result, or -1. */
int handshake_client_step(struct handshake *hs, const uint8_t *msg,
			  size_t len, struct buf *out, struct dist_error *err);

/* The longest handshake message taken. The longest real one is the
 * challenge: 19 bytes and a node name (at most 255 + 1 + 255). */
#define HANDSHAKE_MSG_MAX 4096

/* Cut one u16-framed message out of in[0..len): returns its total size
 * (2 + payload) and sets msg and mlen, 0 when incomplete, or -1 with
 * DIST_E_TOO_LARGE (stage handshake) as soon as the length says more
 * than HANDSHAKE_MSG_MAX: the caller drops the peer then, rather than
 * wait for bytes until its deadline. */
long handshake_frame_next(const uint8_t *in, size_t len,
			  const uint8_t **msg, size_t *mlen,
			  struct dist_error *err);
/* The same with u32 lengths (TLS distribution, see len4). */
long handshake_frame_next4(const uint8_t *in, size_t len,
			   const uint8_t **msg, size_t *mlen,
			   struct dist_error *err);

/* MD5(cookie ++ decimal text of challenge): the handshake digest. */
void handshake_digest(const char *cookie, size_t cookie_len,
		      uint32_t challenge, uint8_t out[16]);

#endif
