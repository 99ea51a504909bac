/* tls_server.c - the accepting side of TLS (see tls.h): a node's own
 * certificate, and the client certificates it demands when it has a CA
 * to check them against (OTP's verify_peer + fail_if_no_peer_cert). */
#include "io/tls.h"
#include "io/tls_internal.h"

#include <stdlib.h>
#include <string.h>

int tls_server_ctx_new(const struct tls_config *cfg, bool verify_client,
		       struct tls_ctx **out, struct dist_error *err)
{
	struct tls_ctx *ctx;

	*out = NULL;
	if (!cfg->certfile)
		return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
				      "a TLS node shows its own certificate: "
				      "give --certfile (and --keyfile), or "
				      "--ssl-dist-optfile with a server "
				      "section");
	if (tls_ctx_start(true, &ctx, err) < 0)
		return -1;
	/* Peers are nodes, not browsers resuming sessions: no cache, so
	 * no memory kept per peer after it leaves. */
	tls__api->SSL_CTX_ctrl(ctx->ssl_ctx, SSL_CTRL_SET_SESS_CACHE_MODE,
			       SSL_SESS_CACHE_OFF, NULL);
	tls__api->SSL_CTX_set_verify(ctx->ssl_ctx,
				     verify_client
					     ? SSL_VERIFY_PEER |
						       SSL_VERIFY_FAIL_IF_NO_PEER_CERT
					     : SSL_VERIFY_NONE,
				     verify_client ? tls_on_verify : NULL);
	if (tls_load_files(ctx, cfg, err) < 0)
		return -1;
	*out = ctx;
	return 0;
}

int tls_session_accept(struct tls_ctx *ctx, int fd, const char *peer,
		       struct tls_session **out, struct dist_error *err)
{
	return tls_session_start(ctx, fd, peer, out, err);
}

static bool not_tls(int reason)
{
	return reason == SSL_R_WRONG_VERSION_NUMBER ||
	       reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
	       reason == SSL_R_UNKNOWN_PROTOCOL ||
	       reason == SSL_R_UNEXPECTED_RECORD ||
	       reason == SSL_R_HTTP_REQUEST ||
	       reason == SSL_R_RECORD_LENGTH_MISMATCH;
}

void tls_server_explain(struct tls_session *s, struct dist_error *err)
{
	unsigned long e = tls__api->ERR_peek_last_error();
	int reason = ERR_GET_REASON(e);
	bool ssl = ERR_GET_LIB(e) == ERR_LIB_SSL;
	char text[256];

	tls_last_reason(text, sizeof text);
	if (ssl && reason == SSL_R_CERTIFICATE_VERIFY_FAILED) {
		int v = s->verify_error
				? s->verify_error
				: (int)tls__api->SSL_get_verify_result(s->ssl);

		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the peer's client certificate (%.120s, issued "
			       "by %.120s) failed verification [%s]: it must "
			       "be signed by a CA of our --cacertfile",
			       s->subject, s->issuer,
			       tls__api->X509_verify_cert_error_string(v));
	} else if (ssl && reason == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the peer gave no client certificate, and with "
			       "a CA file we demand one (verify_peer, "
			       "fail_if_no_peer_cert) [%s]", text);
	} else if (ssl && not_tls(reason)) {
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the peer does not speak TLS: a plain TCP "
			       "distribution client (it needs -proto_dist "
			       "inet_tls, or --tls) [%s]", text);
	} else {
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "TLS handshake failed [%s]", text);
	}
}
