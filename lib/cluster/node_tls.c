/* node_tls.c - accepted links over TLS distribution: a peer started
 * with -proto_dist inet_tls opens TLS first, then speaks the usual
 * handshake inside it with u32 lengths ({packet, 4}), then frames.
 * node_link.c calls these around its socket I/O, so a link over TLS is
 * the same state machine with one more state in front. */
#include "cluster/node_internal.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

/* err, said with the peer's address and the stage. */
static int tls_fail(struct node_link *l, struct dist_error *err,
		    const char *msg)
{
	char why[DIST_ERROR_MSG_MAX];

	snprintf(why, sizeof why, "%s", msg);
	return dist_error_set(err, DIST_E_TLS, DIST_STAGE_HANDSHAKE,
			      "%s: TLS: %s", l->address, why);
}

int node_tls_start(struct node_link *l, struct dist_error *err)
{
	if (!l->n->cfg->tls_server)
		return 0;
	if (tls_session_accept(l->n->cfg->tls_server, l->io.fd, l->address,
			       &l->tls, err) < 0)
		return -1;
	l->tls_handshaking = true;
	l->hs.len4 = true;
	return 0;
}

int node_tls_handshake(struct node_link *l, struct dist_error *err)
{
	int rc = tls_handshake(l->tls, err);

	if (rc == TLS_DONE) {
		l->tls_handshaking = false;
		return 0;
	}
	if (rc == TLS_AGAIN)
		return 0;
	if (rc == TLS_EOF)
		return tls_fail(l, err, tls_saw_bytes(l->tls)
				? "the peer closed the connection during the "
				  "TLS handshake (it may refuse our "
				  "certificate: its log says why)"
				: "the peer closed the connection before any "
				  "TLS");
	return tls_fail(l, err, err->message);
}

ssize_t node_tls_read(struct node_link *l, void *buf, size_t n,
		      struct dist_error *err)
{
	/* OpenSSL reads one record at a time without read-ahead, and a
	 * record (16 KiB) fits n: nothing stays decrypted inside it while
	 * the socket looks idle to the engine. */
	ssize_t r = tls_sock_read(l->tls, l->io.fd, buf, n, err);

	if (r == -2)
		tls_fail(l, err, err->message);
	return r;
}

ssize_t node_tls_write(struct node_link *l, const void *buf, size_t n,
		       struct dist_error *err)
{
	ssize_t r = tls_sock_write(l->tls, l->io.fd, buf, n, err);

	if (r == -2)
		tls_fail(l, err, err->message);
	return r;
}

unsigned node_tls_events(const struct node_link *l, unsigned ev)
{
	unsigned want;

	if (!l->tls)
		return ev;
	want = tls_want(l->tls);
	if (l->tls_handshaking)
		return ENGINE_READ | want;
	/* TLS may need to write to read (a key update), or to read to
	 * write; reading is not asked for while the node holds input back,
	 * or input would pile up past its limit. */
	if (want & ENGINE_WRITE)
		ev |= ENGINE_WRITE;
	if ((want & ENGINE_READ) && l->out.len)
		ev |= ENGINE_READ;
	return ev;
}

void node_tls_close(struct node_link *l)
{
	tls_session_free(l->tls);
	l->tls = NULL;
}
