/* tls.h - the client side of TLS over a non-blocking socket, on OpenSSL.
 *
 * Clusters that follow OTP's security advice run distribution over TLS
 * (-proto_dist inet_tls): TCP connect, a TLS handshake, then the
 * ordinary distribution bytes inside TLS. This wraps one socket the
 * engine already watches: every call returns at once, and "OpenSSL
 * wants to read" or "wants to write" comes back as the engine events to
 * wait for, so a TLS connection is one more state of the same machine.
 *
 * The peer is verified by default: its chain against the CA file (or
 * the system's store) and its certificate against the host we meant
 * (a DNS name or an IP address, as the node name's host part says).
 * Failures are DIST_E_TLS with OpenSSL's reason in words that tell a
 * wrong CA from an expired certificate from a name mismatch from a
 * server that wants a client certificate.
 */
#ifndef DIST_TLS_H
#define DIST_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

struct tls_config {
	const char *certfile;    /* our certificate (chain), PEM, or NULL */
	const char *keyfile;     /* its key, PEM; NULL: in certfile */
	const char *cacertfile;  /* CAs we trust, PEM; NULL: the system's */
	const char *password;    /* of an encrypted key, or NULL */
	bool insecure;           /* no verification of the peer at all */
};

struct tls_ctx;
struct tls_session;

/* Load the files once for every connection of a run. Errors are
 * DIST_E_TLS naming the file and what is wrong with it. */
int tls_ctx_new(const struct tls_config *cfg, struct tls_ctx **out,
		struct dist_error *err);
void tls_ctx_free(struct tls_ctx *ctx);

/* A session over the connected socket fd, for host (the name we meant:
 * SNI when it is a name, and what the certificate must name). */
int tls_session_new(struct tls_ctx *ctx, int fd, const char *host,
		    struct tls_session **out, struct dist_error *err);
void tls_session_free(struct tls_session *s);

/* The accepting side (tls_server.c): a context showing cfg's
 * certificate, which, with verify_client, demands a client certificate
 * signed by a CA of cfg->cacertfile (OTP's verify_peer and
 * fail_if_no_peer_cert). Without cfg->certfile: DIST_E_TLS. */
int tls_server_ctx_new(const struct tls_config *cfg, bool verify_client,
		       struct tls_ctx **out, struct dist_error *err);
/* A session for the accepted socket fd; peer (its address) is for
 * messages. The other calls below work on it as on a client's. */
int tls_session_accept(struct tls_ctx *ctx, int fd, const char *peer,
		       struct tls_session **out, struct dist_error *err);

enum {
	TLS_DONE = 0,       /* handshake complete */
	TLS_AGAIN = -2,     /* wait for the events tls_want() gives */
	TLS_EOF = -3,       /* the peer closed (see tls_saw_bytes) */
};

/* One step of the handshake: TLS_DONE, TLS_AGAIN, TLS_EOF or -1 with
 * err (DIST_E_TLS, the reason and what to do). */
int tls_handshake(struct tls_session *s, struct dist_error *err);

/* Read up to n bytes: the count, TLS_AGAIN, TLS_EOF, or -1 with err. */
ssize_t tls_read(struct tls_session *s, void *buf, size_t n,
		 struct dist_error *err);
/* Write up to n bytes: the count written, TLS_AGAIN, or -1 with err. */
ssize_t tls_write(struct tls_session *s, const void *buf, size_t n,
		  struct dist_error *err);

/* read(2) / send(2) on fd, through s when it is not NULL, with the
 * socket's own results: bytes, 0 at the end (read), -1 with errno
 * (EAGAIN: wait for the events tls_want() gives; EPIPE: the peer
 * closed under a write), or -2 with err for a TLS failure. The one
 * I/O of both sides: a connection we open and one a peer opens. */
ssize_t tls_sock_read(struct tls_session *s, int fd, void *buf, size_t n,
		      struct dist_error *err);
ssize_t tls_sock_write(struct tls_session *s, int fd, const void *buf,
		       size_t n, struct dist_error *err);

/* ENGINE_READ / ENGINE_WRITE that the last TLS_AGAIN waits for. */
unsigned tls_want(const struct tls_session *s);
/* Whether the peer sent anything at all: a close without one byte
 * during the handshake is no TLS server (a plain TCP node). */
bool tls_saw_bytes(const struct tls_session *s);

/* Whether text starts like a TLS record (handshake or alert): what a
 * TLS node answers to a plain handshake. */
bool tls_looks_like_record(const void *data, size_t len);

#endif
