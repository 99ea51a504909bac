/* tls_internal.h - what tls.c (the sessions) and tls_explain.c (the
 * words for their failures) share. */
#ifndef DIST_TLS_INTERNAL_H
#define DIST_TLS_INTERNAL_H

#include <openssl/ssl.h>

#include "io/ssl_dl.h"
#include "io/tls.h"

/* OpenSSL, opened by the first tls_ctx_new (ssl_dl.h): every call of
 * these files goes through it. */
extern const struct ssl_api *tls__api;

struct tls_ctx {
	SSL_CTX *ssl_ctx;
	bool has_cert;          /* we can answer a certificate request */
	bool insecure;
	bool server;            /* accepts (tls_server.c) */
};

struct tls_session {
	struct tls_ctx *ctx;
	SSL *ssl;
	unsigned want;          /* engine events the last TLS_AGAIN needs */
	char host[256];         /* what the certificate must name */
	/* The first certificate of the chain that failed verification. */
	int verify_error;
	int verify_depth;
	char subject[256], issuer[256];
	char not_before[40], not_after[40];
};

/* tls.c, for tls_server.c too */
/* A context for either side (ctx->server): OpenSSL opened, TLS 1.2 at
 * least, writes that may be partial and move; no verification or files
 * yet, as those are where the sides differ. */
int tls_ctx_start(bool server, struct tls_ctx **out, struct dist_error *err);
/* A session on fd for the side of ctx: a client's name is the host it
 * meant (SNI, what the certificate must name), a server's the peer's
 * address; both are kept for messages. */
int tls_session_start(struct tls_ctx *ctx, int fd, const char *name,
		      struct tls_session **out, struct dist_error *err);
/* Records the first certificate that failed verification. */
int tls_on_verify(int ok, X509_STORE_CTX *store);
/* The CA file (or the system's store), the certificate and its key
 * into ctx; frees ctx on failure (DIST_E_TLS naming the file). */
int tls_load_files(struct tls_ctx *ctx, const struct tls_config *cfg,
		   struct dist_error *err);

/* tls_explain.c */
/* DIST_E_TLS in err: what OpenSSL said, told in the words of the case
 * (wrong CA, expired, name mismatch, client certificate wanted, not
 * TLS at all) with what to do about it. */
void tls_explain(struct tls_session *s, struct dist_error *err);
/* The reason of OpenSSL's last queued error, or "unknown reason". */
void tls_last_reason(char *out, size_t size);
/* tls_server.c: the same for what an accepting session met. */
void tls_server_explain(struct tls_session *s, struct dist_error *err);
void tls_time_text(const ASN1_TIME *t, char *out, size_t size);

#endif
