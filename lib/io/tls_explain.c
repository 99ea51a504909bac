/* tls_explain.c - OpenSSL's failures in words an operator can act on.
 *
 * "certificate verify failed" alone does not say whether the CA, the
 * date or the name is wrong, and an alert from the peer does not say
 * that it wanted our certificate: each case gets its own sentence and
 * its own remedy, with OpenSSL's reason kept in brackets. */
#include "io/tls_internal.h"

#include <stdio.h>
#include <string.h>


void tls_last_reason(char *out, size_t size)
{
	unsigned long e = tls__api->ERR_peek_last_error();
	const char *r = e ? tls__api->ERR_reason_error_string(e) : NULL;

	if (r)
		snprintf(out, size, "%s", r);
	else if (e)
		snprintf(out, size, "OpenSSL error %lu", e);
	else
		snprintf(out, size, "unknown reason");
}

void tls_time_text(const ASN1_TIME *t, char *out, size_t size)
{
	BIO *b = tls__api->BIO_new(tls__api->BIO_s_mem());
	char *p;
	long n;

	out[0] = '\0';
	if (!b)
		return;
	if (tls__api->ASN1_TIME_print(b, t) == 1) {
		n = tls__api->BIO_ctrl(b, BIO_CTRL_INFO, 0, &p);
		snprintf(out, size, "%.*s", (int)(n > 0 ? n : 0), p);
	}
	tls__api->BIO_free(b);
}

static bool untrusted_issuer(int v)
{
	return v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       v == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	       v == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	       v == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
	       v == X509_V_ERR_CERT_SIGNATURE_FAILURE;
}

/* Our side refused the node's certificate. */
static void verify_failed(struct tls_session *s, struct dist_error *err)
{
	int v = s->verify_error ? s->verify_error
				: (int)tls__api->SSL_get_verify_result(s->ssl);
	const char *why = tls__api->X509_verify_cert_error_string(v);
	const char *whose = s->verify_depth == 0 ? "the node's certificate"
						  : "a CA certificate of its chain";

	if (v == X509_V_ERR_CERT_HAS_EXPIRED)
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "%s (%.120s) expired on %s: the node needs a "
			       "renewed one [%s]", whose, s->subject,
			       s->not_after, why);
	else if (v == X509_V_ERR_CERT_NOT_YET_VALID)
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "%s (%.120s) is valid only from %s: check the "
			       "clocks [%s]", whose, s->subject, s->not_before,
			       why);
	else if (v == X509_V_ERR_HOSTNAME_MISMATCH)
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the node's certificate (%.120s) does not name "
			       "host '%s': its subjectAltName must hold the "
			       "host part of the node name as a DNS name [%s]",
			       s->subject, s->host, why);
	else if (v == X509_V_ERR_IP_ADDRESS_MISMATCH)
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the node's certificate (%.120s) does not name "
			       "address %s: its subjectAltName must hold it "
			       "as an IP address [%s]", s->subject, s->host,
			       why);
	else if (untrusted_issuer(v))
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the node's certificate chain does not lead to "
			       "a CA we trust (it ends at %.120s): give the "
			       "cluster's CA with --cacertfile or the "
			       "optfile's cacertfile [%s]", s->issuer, why);
	else
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the node's certificate (%.120s) failed "
			       "verification [%s]", s->subject, why);
}

/* The node refused us with an alert, mostly about our certificate. */
static void alert_received(struct tls_session *s, int reason,
			   const char *text, struct dist_error *err)
{
	bool about_cert =
		reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
		reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE ||
		reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE ||
		reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA ||
		reason == SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED ||
		reason == SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN ||
		reason == SSL_R_TLSV1_ALERT_ACCESS_DENIED;

	if (about_cert && !s->ctx->has_cert)
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the node demands a client certificate "
			       "(verify_peer, fail_if_no_peer_cert) and we "
			       "gave none: give --certfile and --keyfile, or "
			       "--ssl-dist-optfile with a client section [%s]",
			       text);
	else if (about_cert)
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the node refused our client certificate: it "
			       "must be signed by a CA of the node's "
			       "cacertfile and be valid now [%s]", text);
	else
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the node ended the TLS handshake [%s]", text);
}

static bool not_tls(int reason)
{
	return reason == SSL_R_WRONG_VERSION_NUMBER ||
	       reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
	       reason == SSL_R_UNKNOWN_PROTOCOL ||
	       reason == SSL_R_UNEXPECTED_RECORD;
}

void tls_explain(struct tls_session *s, struct dist_error *err)
{
	unsigned long e = tls__api->ERR_peek_last_error();
	int reason = ERR_GET_REASON(e);
	char text[256];

	if (s->ctx->server) {
		tls_server_explain(s, err);
		return;
	}
	tls_last_reason(text, sizeof text);
	if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    reason == SSL_R_CERTIFICATE_VERIFY_FAILED)
		verify_failed(s, err);
	else if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
		 reason >= SSL_AD_REASON_OFFSET &&
		 reason < SSL_AD_REASON_OFFSET + 256)
		alert_received(s, reason, text, err);
	else if (ERR_GET_LIB(e) == ERR_LIB_SSL && not_tls(reason))
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			       "the port answered something that is not TLS: "
			       "the node probably runs plain TCP distribution "
			       "(drop --tls) [%s]", text);
	else
		dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE, "%s", text);
}
