/* handshake.c - connecting side of the version 6 handshake (see
 * handshake.h). Each step names the message of erl_dist_protocol it
 * handles. */
#include "dist/handshake.h"

#include "base/random.h"

/* The low-level MD5 calls are deprecated in OpenSSL 3 in favour of EVP,
 * but EVP loads openssl.cnf and fetches a provider on first use: about
 * 1.6 ms, half the budget of a whole probe, for 16 bytes of digest. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>
#include <stdio.h>
#include <string.h>

void handshake_digest(const char *cookie, size_t cookie_len,
		      uint32_t challenge, uint8_t out[16])
{
	char text[16];
	int n = snprintf(text, sizeof text, "%u", challenge);
	MD5_CTX ctx;

	MD5_Init(&ctx);
	MD5_Update(&ctx, cookie, cookie_len);
	MD5_Update(&ctx, text, (size_t)n);
	MD5_Final(out, &ctx);
	explicit_bzero(&ctx, sizeof ctx);
}

/* One message after its length prefix of width bytes (2, or 4 over
 * TLS): its size with the prefix, or 0 while not all of it is in. */
static size_t frame_next(const uint8_t *in, size_t len, size_t width,
			 const uint8_t **msg, size_t *mlen)
{
	size_t n;

	if (len < width)
		return 0;
	n = width == 2 ? get_u16(in) : get_u32(in);
	if (len - width < n)
		return 0;
	*msg = in + width;
	*mlen = n;
	return width + n;
}

size_t handshake_frame_next(const uint8_t *in, size_t len,
			    const uint8_t **msg, size_t *mlen)
{
	return frame_next(in, len, 2, msg, mlen);
}

size_t handshake_frame_next4(const uint8_t *in, size_t len,
			     const uint8_t **msg, size_t *mlen)
{
	return frame_next(in, len, 4, msg, mlen);
}

/* A handshake message's length, in the width of the transport. */
static void put_len(const struct handshake *hs, struct buf *out, size_t n)
{
	if (hs->len4)
		buf_put_u32(out, (uint32_t)n);
	else
		buf_put_u16(out, (uint16_t)n);
}

void handshake_client_init(struct handshake *hs, const char *our_name,
			   uint32_t our_creation, const char *cookie,
			   size_t cookie_len, const char *dialled)
{
	memset(hs, 0, sizeof *hs);
	snprintf(hs->our_name, sizeof hs->our_name, "%s", our_name);
	snprintf(hs->dialled, sizeof hs->dialled, "%s", dialled);
	hs->our_creation = our_creation ? our_creation : 1;
	hs->our_flags = DIST_OUR_FLAGS;
	hs->cookie = cookie;
	hs->cookie_len = cookie_len;
	hs->state = HS_AWAIT_STATUS;
}

void handshake_client_start(struct handshake *hs, struct buf *out)
{
	size_t n = strlen(hs->our_name);

	/* send_name 'N': Flags u64, Creation u32, Nlen u16, Name. */
	put_len(hs, out, 1 + 8 + 4 + 2 + n);
	buf_put_u8(out, 'N');
	buf_put_u64(out, hs->our_flags);
	buf_put_u32(out, hs->our_creation);
	buf_put_u16(out, (uint16_t)n);
	buf_put(out, hs->our_name, n);
}

static int on_status(struct handshake *hs, const uint8_t *m, size_t len,
		     struct dist_error *err)
{
	size_t n = len - 1 < sizeof hs->status - 1 ? len - 1
						   : sizeof hs->status - 1;

	memcpy(hs->status, m + 1, n);
	hs->status[n] = '\0';
	if (!strcmp(hs->status, "ok") || !strcmp(hs->status, "ok_simultaneous")) {
		hs->state = HS_AWAIT_CHALLENGE;
		return HS_CONTINUE;
	}
	/* alive: a connection from our name is already up; nok: another
	 * attempt with our name is pending. Either way, not ours to
	 * replace: the caller gives up politely and takes the next name. */
	if (!strcmp(hs->status, "alive") || !strcmp(hs->status, "nok"))
		return HS_NAME_TAKEN;
	if (!strcmp(hs->status, "not_allowed"))
		return dist_error_set(err, DIST_E_NOT_ALLOWED,
				      DIST_STAGE_HANDSHAKE,
				      "%s: the node refused %s (status not_allowed): "
				      "it restricts which nodes may connect "
				      "(net_kernel:allow/1) or needs a "
				      "distribution feature we lack",
				      hs->dialled, hs->our_name);
	return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_HANDSHAKE,
			      "%s: the node answered with unknown handshake status "
			      "'%s'", hs->dialled, hs->status);
}

static int name_is_long(const char *name)
{
	const char *host = strchr(name, '@');

	return host && strpbrk(host, ".:") != NULL;
}

static int check_peer_name(struct handshake *hs, struct dist_error *err)
{
	size_t alen = strcspn(hs->dialled, "@");

	if (!strcmp(hs->peer_name, hs->dialled))
		return 0;
	/* Same alive part, other host spelling: almost always -sname vs
	 * -name. Erlang would refuse this connection, so do we, and say
	 * which name to use. */
	if (!strncmp(hs->peer_name, hs->dialled, alen) &&
	    hs->peer_name[alen] == '@' &&
	    name_is_long(hs->peer_name) != name_is_long(hs->dialled))
		return dist_error_set(
			err, DIST_E_NAME_STYLE, DIST_STAGE_HANDSHAKE,
			"the node at that address is %s, which uses %s names "
			"(-%s), but was addressed as %s: address it as %s",
			hs->peer_name,
			name_is_long(hs->peer_name) ? "long" : "short",
			name_is_long(hs->peer_name) ? "name" : "sname",
			hs->dialled, hs->peer_name);
	return dist_error_set(err, DIST_E_NAME_MISMATCH, DIST_STAGE_HANDSHAKE,
			      "the node at that address calls itself %s, not "
			      "%s; Erlang nodes would refuse this connection: "
			      "address it as %s", hs->peer_name, hs->dialled,
			      hs->peer_name);
}

static int on_challenge(struct handshake *hs, const uint8_t *m, size_t len,
			struct buf *out, struct dist_error *err)
{
	uint32_t challenge;
	uint8_t digest[16];
	size_t nlen;

	/* challenge 'N': Flags u64, Challenge u32, Creation u32, Nlen u16,
	 * Name. */
	if (len < 19 || m[0] != 'N')
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "expected challenge 'N' from %s, got "
				      "message '%c' of %zu bytes", hs->dialled,
				      m[0] >= 32 && m[0] < 127 ? m[0] : '?',
				      len);
	nlen = get_u16(m + 17);
	if (19 + nlen > len || nlen >= sizeof hs->peer_name)
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "challenge from %s has a bad name length",
				      hs->dialled);
	hs->peer_flags = get_u64(m + 1);
	challenge = get_u32(m + 9);
	hs->peer_creation = get_u32(m + 13);
	memcpy(hs->peer_name, m + 19, nlen);
	hs->peer_name[nlen] = '\0';
	if (check_peer_name(hs, err) < 0)
		return -1;
	if ((hs->peer_flags & DFLAG_HANDSHAKE_23) == 0)
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "%s: the node does not speak distribution version "
				      "6 (OTP 23 or later needed)",
				      hs->dialled);
	/* challenge_reply 'r': our Challenge u32, Digest of theirs. */
	hs->our_challenge = random_u32_nonzero();
	handshake_digest(hs->cookie, hs->cookie_len, challenge, digest);
	put_len(hs, out, 21);
	buf_put_u8(out, 'r');
	buf_put_u32(out, hs->our_challenge);
	buf_put(out, digest, 16);
	hs->state = HS_AWAIT_ACK;
	return HS_CONTINUE;
}

static int on_ack(struct handshake *hs, const uint8_t *m, size_t len,
		  struct dist_error *err)
{
	uint8_t want[16];

	/* challenge_ack 'a': Digest of our challenge with their cookie:
	 * proves the node knows the cookie too, not only that it took
	 * ours. */
	if (len != 17 || m[0] != 'a')
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "expected challenge_ack 'a' from %s",
				      hs->dialled);
	handshake_digest(hs->cookie, hs->cookie_len, hs->our_challenge, want);
	if (memcmp(want, m + 1, 16) != 0)
		return dist_error_set(err, DIST_E_NOT_ALLOWED,
				      DIST_STAGE_HANDSHAKE,
				      "%s: the node answered our challenge with a wrong "
				      "digest: it does not have our cookie",
				      hs->dialled);
	hs->state = HS_DONE;
	return HS_COMPLETE;
}

int handshake_client_step(struct handshake *hs, const uint8_t *msg,
			  size_t len, struct buf *out, struct dist_error *err)
{
	if (len == 0)
		return dist_error_set(err, DIST_E_PROTOCOL,
				      DIST_STAGE_HANDSHAKE,
				      "empty handshake message from %s",
				      hs->dialled);
	switch (hs->state) {
	case HS_AWAIT_STATUS:
		if (msg[0] != 's')
			return dist_error_set(err, DIST_E_PROTOCOL,
					      DIST_STAGE_HANDSHAKE,
					      "expected status 's' from %s, "
					      "got message type %u: is this an "
					      "Erlang node?", hs->dialled,
					      msg[0]);
		return on_status(hs, msg, len, err);
	case HS_AWAIT_CHALLENGE:
		return on_challenge(hs, msg, len, out, err);
	case HS_AWAIT_ACK:
		return on_ack(hs, msg, len, err);
	case HS_DONE:
		break;
	}
	return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_HANDSHAKE,
			      "unexpected handshake message after completion");
}
