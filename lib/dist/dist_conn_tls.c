/* dist_conn_tls.c - a connection over TLS distribution (-proto_dist
 * inet_tls): the TLS handshake as one more state between the connect
 * and the distribution handshake, and the socket's bytes through TLS
 * once it is done. OTP's inet_tls_dist opens the socket {packet, 4}
 * from the start, so the handshake messages inside carry u32 lengths
 * (handshake.h, len4); the frames after it are the usual ones. */
#include "dist/dist_conn_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A TLS failure, said with the node and the port it was met at. */
static void fail_tls(struct dist_conn *c, const struct dist_error *why)
{
	conn_failf(c, DIST_E_TLS, "%s: TLS with port %u of %s: %s",
		   c->target.full, c->node_port, c->dial.address,
		   why->message);
}

/* ClientHello, ServerHello... until the session is up, then our
 * distribution handshake inside it. */
void conn_tls_step(struct dist_conn *c)
{
	struct dist_error err;
	int rc;

	dist_error_clear(&err);
	rc = tls_handshake(c->tls, &err);
	if (rc == TLS_DONE) {
		conn_handshake_begin(c);
		return;
	}
	if (rc == TLS_AGAIN) {
		engine_io_set(c->e, &c->io, tls_want(c->tls), NULL);
		return;
	}
	if (rc == TLS_EOF) {
		conn_tls_eof(c);
		return;
	}
	fail_tls(c, &err);
}

void conn_tls_begin(struct dist_conn *c)
{
	struct dist_error err;

	c->state = CONN_TLS;
	dist_conn_stage(c, DIST_STAGE_HANDSHAKE);
	/* The name and SNI are the target's host even through --address:
	 * the certificate is the node's, wherever the tunnel ends. */
	if (tls_session_new(c->cfg->tls, c->io.fd, c->target.host, &c->tls,
			    &err) < 0) {
		fail_tls(c, &err);
		return;
	}
	conn_tls_step(c);
}

void conn_tls_eof(struct dist_conn *c)
{
	if (!tls_saw_bytes(c->tls))
		conn_failf(c, DIST_E_TLS,
			   "%s: port %u of %s closed the connection without "
			   "a TLS answer: the node probably runs plain TCP "
			   "distribution (drop --tls)", c->target.full,
			   c->node_port, c->dial.address);
	else
		conn_failf(c, DIST_E_TLS,
			   "%s: the node closed the connection during the "
			   "TLS handshake (it may refuse our certificate; "
			   "its log says why)", c->target.full);
}

void conn_tls_close(struct dist_conn *c)
{
	tls_session_free(c->tls);
	c->tls = NULL;
}

/* read(2) with TLS in between: bytes, 0 at the end, -1 with errno, or
 * -2 with err for a TLS failure. */
ssize_t conn_sock_read(struct dist_conn *c, void *buf, size_t n,
		       struct dist_error *err)
{
	return tls_sock_read(c->tls, c->io.fd, buf, n, err);
}

/* send(2) the same way. */
ssize_t conn_sock_write(struct dist_conn *c, const void *buf, size_t n,
			struct dist_error *err)
{
	return tls_sock_write(c->tls, c->io.fd, buf, n, err);
}

/* A TLS failure on an established session: the node's alert after our
 * certificate (TLS 1.3 checks it after the handshake), a bad record. */
void conn_tls_failed(struct dist_conn *c, const struct dist_error *why)
{
	fail_tls(c, why);
}

/* The events to wait for: TLS may need to write to read, or the
 * reverse, besides what our own buffers want. */
unsigned conn_sock_events(const struct dist_conn *c)
{
	unsigned ev = ENGINE_READ | (c->out.len ? ENGINE_WRITE : 0);

	if (c->tls)
		ev |= tls_want(c->tls);
	return ev;
}
