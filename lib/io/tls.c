/* tls.c - a TLS client over a non-blocking socket (see tls.h); the
 * words for what went wrong are in tls_explain.c. */
#include "io/tls.h"
#include "io/tls_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/engine.h"

const struct ssl_api *tls__api;

/* The first verification failure of the chain, kept for the message:
 * OpenSSL's own result names the error but not the certificate. */
int tls_on_verify(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = tls__api->X509_STORE_CTX_get_ex_data(
		store, tls__api->SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_session *s = ssl ? tls__api->SSL_get_ex_data(ssl, 0) : NULL;
	X509 *cert = tls__api->X509_STORE_CTX_get_current_cert(store);

	if (ok || !s || s->verify_error)
		return ok;
	s->verify_error = tls__api->X509_STORE_CTX_get_error(store);
	s->verify_depth = tls__api->X509_STORE_CTX_get_error_depth(store);
	if (cert) {
		tls__api->X509_NAME_oneline(tls__api->X509_get_subject_name(cert), s->subject,
				  sizeof s->subject);
		tls__api->X509_NAME_oneline(tls__api->X509_get_issuer_name(cert), s->issuer,
				  sizeof s->issuer);
		tls_time_text(tls__api->X509_get0_notAfter(cert), s->not_after,
			      sizeof s->not_after);
		tls_time_text(tls__api->X509_get0_notBefore(cert), s->not_before,
			      sizeof s->not_before);
	}
	return ok;
}

static int ctx_fail(struct tls_ctx *ctx, struct dist_error *err,
		    const char *what, const char *file)
{
	char reason[256];

	tls_last_reason(reason, sizeof reason);
	tls_ctx_free(ctx);
	return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			      "cannot use %s %s: %s", what, file, reason);
}

int tls_load_files(struct tls_ctx *ctx, const struct tls_config *cfg,
		      struct dist_error *err)
{
	SSL_CTX *c = ctx->ssl_ctx;
	const char *key = cfg->keyfile ? cfg->keyfile : cfg->certfile;
	int rc;

	if (cfg->cacertfile) {
		if (tls__api->SSL_CTX_load_verify_locations(c, cfg->cacertfile, NULL) != 1)
			return ctx_fail(ctx, err, "the CA file", cfg->cacertfile);
	} else if (tls__api->SSL_CTX_set_default_verify_paths(c) != 1) {
		return ctx_fail(ctx, err, "the system's CA store", "");
	}
	if (!cfg->certfile && cfg->keyfile) {
		tls_ctx_free(ctx);
		return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
				      "the key %s has no certificate: give "
				      "--certfile too", cfg->keyfile);
	}
	if (!cfg->certfile)
		return 0;
	if (tls__api->SSL_CTX_use_certificate_chain_file(c, cfg->certfile) != 1)
		return ctx_fail(ctx, err, "the certificate file", cfg->certfile);
	/* With userdata and no callback, OpenSSL's own callback hands the
	 * userdata over as the password (and never prompts). */
	tls__api->SSL_CTX_set_default_passwd_cb_userdata(c, (void *)cfg->password);
	rc = tls__api->SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM);
	tls__api->SSL_CTX_set_default_passwd_cb_userdata(c, NULL);
	if (rc != 1)
		return ctx_fail(ctx, err, "the key file", key);
	if (tls__api->SSL_CTX_check_private_key(c) != 1)
		return ctx_fail(ctx, err, "the key that does not match the "
				"certificate in", cfg->certfile);
	ctx->has_cert = true;
	return 0;
}

int tls_ctx_start(bool server, struct tls_ctx **out, struct dist_error *err)
{
	struct tls_ctx *ctx;

	*out = NULL;
	if (ssl_api_load(&tls__api, err) < 0)
		return -1;
	ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return dist_error_nomem(err, DIST_STAGE_NONE, "setting up TLS");
	tls__api->ERR_clear_error();
	ctx->ssl_ctx = tls__api->SSL_CTX_new(server ? tls__api->TLS_server_method()
						    : tls__api->TLS_client_method());
	if (!ctx->ssl_ctx)
		return ctx_fail(ctx, err, "OpenSSL:",
				server ? "no TLS server context"
				       : "no TLS client context");
	ctx->server = server;
	/* TLS 1.2 at least, as OTP's own defaults. */
	tls__api->SSL_CTX_ctrl(ctx->ssl_ctx, SSL_CTRL_SET_MIN_PROTO_VERSION,
			       TLS1_2_VERSION, NULL);
	/* The engine's output buffer grows and moves between retries. */
	tls__api->SSL_CTX_ctrl(ctx->ssl_ctx, SSL_CTRL_MODE,
			       SSL_MODE_ENABLE_PARTIAL_WRITE |
				       SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER,
			       NULL);
	*out = ctx;
	return 0;
}

int tls_ctx_new(const struct tls_config *cfg, struct tls_ctx **out,
		struct dist_error *err)
{
	struct tls_ctx *ctx;

	*out = NULL;
	if (tls_ctx_start(false, &ctx, err) < 0)
		return -1;
	tls__api->SSL_CTX_set_verify(ctx->ssl_ctx,
			   cfg->insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
			   cfg->insecure ? NULL : tls_on_verify);
	if (tls_load_files(ctx, cfg, err) < 0)
		return -1;
	ctx->insecure = cfg->insecure;
	*out = ctx;
	return 0;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (!ctx)
		return;
	tls__api->SSL_CTX_free(ctx->ssl_ctx);
	free(ctx);
	tls__api->ERR_clear_error();
}

static bool is_ip_literal(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	       inet_pton(AF_INET6, host, a) == 1;
}

/* What the certificate must name: an IP address as an IP SAN, a name
 * as a DNS SAN; SNI carries names only (RFC 6066 forbids literals). */
static int set_peer_host(struct tls_session *s, const char *host)
{
	X509_VERIFY_PARAM *p = tls__api->SSL_get0_param(s->ssl);

	if (is_ip_literal(host))
		return s->ctx->insecure ||
				       tls__api->X509_VERIFY_PARAM_set1_ip_asc(p, host) == 1
			       ? 0 : -1;
	if (tls__api->SSL_ctrl(s->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
			       TLSEXT_NAMETYPE_host_name, (void *)host) != 1)
		return -1;
	tls__api->X509_VERIFY_PARAM_set_hostflags(p, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	return s->ctx->insecure || tls__api->X509_VERIFY_PARAM_set1_host(p, host, 0) == 1
		       ? 0 : -1;
}

int tls_session_start(struct tls_ctx *ctx, int fd, const char *name,
		      struct tls_session **out, struct dist_error *err)
{
	bool server = ctx->server;
	struct tls_session *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s)
		return dist_error_nomem(err, DIST_STAGE_HANDSHAKE,
					server ? "accepting TLS"
					       : "starting TLS");
	tls__api->ERR_clear_error();
	s->ctx = ctx;
	snprintf(s->host, sizeof s->host, "%s", name);
	s->ssl = tls__api->SSL_new(ctx->ssl_ctx);
	if (!s->ssl || tls__api->SSL_set_fd(s->ssl, fd) != 1 ||
	    (!server && set_peer_host(s, name) < 0)) {
		char reason[256];

		tls_last_reason(reason, sizeof reason);
		tls_session_free(s);
		if (server)
			return dist_error_set(err, DIST_E_TLS,
					      DIST_STAGE_HANDSHAKE,
					      "cannot accept TLS from %s: %s",
					      name, reason);
		return dist_error_set(err, DIST_E_TLS, DIST_STAGE_HANDSHAKE,
				      "cannot start TLS for %s: %s", name,
				      reason);
	}
	tls__api->SSL_set_ex_data(s->ssl, 0, s);
	if (server)
		tls__api->SSL_set_accept_state(s->ssl);
	else
		tls__api->SSL_set_connect_state(s->ssl);
	*out = s;
	return 0;
}

int tls_session_new(struct tls_ctx *ctx, int fd, const char *host,
		    struct tls_session **out, struct dist_error *err)
{
	return tls_session_start(ctx, fd, host, out, err);
}

void tls_session_free(struct tls_session *s)
{
	if (!s)
		return;
	tls__api->SSL_free(s->ssl);
	free(s);
	tls__api->ERR_clear_error();
}

/* What a failed or partial OpenSSL call means for us. */
static int outcome(struct tls_session *s, int rc, struct dist_error *err)
{
	int e = tls__api->SSL_get_error(s->ssl, rc);

	switch (e) {
	case SSL_ERROR_WANT_READ:
		s->want = ENGINE_READ;
		return TLS_AGAIN;
	case SSL_ERROR_WANT_WRITE:
		s->want = ENGINE_WRITE;
		return TLS_AGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_EOF;
	case SSL_ERROR_SYSCALL:
		/* An empty queue: the socket ended without close_notify
		 * (errno 0) or failed. */
		if (tls__api->ERR_peek_error() == 0) {
			if (errno == 0 || errno == ECONNRESET || errno == EPIPE)
				return TLS_EOF;
			return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
					      "TLS connection to %s failed: %s",
					      s->host, strerror(errno));
		}
		break;
	case SSL_ERROR_SSL:
		/* A peer that closes without close_notify (a node refusing
		 * our cookie just closes): an end like any other, for the
		 * stage to explain. */
		if (ERR_GET_LIB(tls__api->ERR_peek_last_error()) == ERR_LIB_SSL &&
		    ERR_GET_REASON(tls__api->ERR_peek_last_error()) ==
			    SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			tls__api->ERR_clear_error();
			return TLS_EOF;
		}
		break;
	default:
		break;
	}
	tls_explain(s, err);
	tls__api->ERR_clear_error();
	return -1;
}

int tls_handshake(struct tls_session *s, struct dist_error *err)
{
	int rc;

	tls__api->ERR_clear_error();
	errno = 0;
	s->want = 0;
	rc = tls__api->SSL_do_handshake(s->ssl);
	if (rc == 1)
		return TLS_DONE;
	return outcome(s, rc, err);
}

ssize_t tls_read(struct tls_session *s, void *buf, size_t n,
		 struct dist_error *err)
{
	size_t got = 0;
	int rc;

	tls__api->ERR_clear_error();
	errno = 0;
	s->want = 0;
	rc = tls__api->SSL_read_ex(s->ssl, buf, n, &got);
	if (rc == 1)
		return (ssize_t)got;
	return outcome(s, rc, err);
}

ssize_t tls_write(struct tls_session *s, const void *buf, size_t n,
		  struct dist_error *err)
{
	size_t put = 0;
	int rc;

	tls__api->ERR_clear_error();
	errno = 0;
	s->want = 0;
	rc = tls__api->SSL_write_ex(s->ssl, buf, n, &put);
	if (rc == 1)
		return (ssize_t)put;
	return outcome(s, rc, err);
}

unsigned tls_want(const struct tls_session *s)
{
	return s->want;
}

bool tls_saw_bytes(const struct tls_session *s)
{
	return tls__api->BIO_number_read(tls__api->SSL_get_rbio(s->ssl)) > 0;
}

bool tls_looks_like_record(const void *data, size_t len)
{
	const unsigned char *p = data;

	/* ContentType alert (21) or handshake (22), then major version 3. */
	return len >= 3 && (p[0] == 21 || p[0] == 22) && p[1] == 3;
}

ssize_t tls_sock_read(struct tls_session *s, int fd, void *buf, size_t n,
		      struct dist_error *err)
{
	ssize_t r;

	if (!s)
		return read(fd, buf, n);
	r = tls_read(s, buf, n, err);
	if (r >= 0)
		return r;
	if (r == TLS_EOF)
		return 0;
	if (r == TLS_AGAIN) {
		errno = EAGAIN;
		return -1;
	}
	return -2;
}

ssize_t tls_sock_write(struct tls_session *s, int fd, const void *buf,
		       size_t n, struct dist_error *err)
{
	ssize_t r;

	if (!s)
		return send(fd, buf, n, MSG_NOSIGNAL);
	r = tls_write(s, buf, n, err);
	if (r >= 0)
		return r;
	if (r == TLS_AGAIN || r == TLS_EOF) {
		errno = r == TLS_AGAIN ? EAGAIN : EPIPE;
		return -1;
	}
	return -2;
}
