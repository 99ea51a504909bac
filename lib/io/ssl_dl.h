/* ssl_dl.h - OpenSSL's libssl loaded on first use, not at start-up.
 *
 * Linked in, even statically, libssl brings some 18 000 relocations of
 * libcrypto's tables that every run pays for before main: measured
 * here, that doubled the start-up of `dist-ping --version`, while most
 * runs never speak TLS. So, as libcurl (curl_dl.h), libssl.so.3 is
 * opened with dlopen when the first TLS context is made, and called
 * through this table. Its libcrypto comes with it: the error queue and
 * the certificates are that copy's, never the one our MD5 is from, so
 * every OpenSSL call of TLS code goes through here.
 *
 * <openssl/ssl.h> still gives the types; each member has exactly the
 * type of the function it is named after.
 */
#ifndef DIST_SSL_DL_H
#define DIST_SSL_DL_H

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "base/error.h"

#define SSL_DL_FUNCS(X)                                                      \
	X(TLS_client_method) X(TLS_server_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_ctrl)  \
	X(SSL_CTX_set_verify) X(SSL_CTX_load_verify_locations)               \
	X(SSL_CTX_set_default_verify_paths)                                  \
	X(SSL_CTX_use_certificate_chain_file) X(SSL_CTX_use_PrivateKey_file) \
	X(SSL_CTX_check_private_key)                                         \
	X(SSL_CTX_set_default_passwd_cb_userdata)                            \
	X(SSL_new) X(SSL_free) X(SSL_set_fd) X(SSL_get0_param) X(SSL_ctrl)   \
	X(SSL_set_ex_data) X(SSL_get_ex_data)                                \
	X(SSL_get_ex_data_X509_STORE_CTX_idx) X(SSL_set_connect_state)       \
	X(SSL_set_accept_state)                                              \
	X(SSL_do_handshake) X(SSL_read_ex) X(SSL_write_ex) X(SSL_get_error)  \
	X(SSL_get_rbio) X(SSL_get_verify_result)                             \
	X(ERR_clear_error) X(ERR_peek_error) X(ERR_peek_last_error)          \
	X(ERR_reason_error_string)                                           \
	X(X509_STORE_CTX_get_ex_data) X(X509_STORE_CTX_get_current_cert)     \
	X(X509_STORE_CTX_get_error) X(X509_STORE_CTX_get_error_depth)        \
	X(X509_NAME_oneline) X(X509_get_subject_name)                        \
	X(X509_get_issuer_name) X(X509_get0_notAfter) X(X509_get0_notBefore) \
	X(X509_verify_cert_error_string) X(ASN1_TIME_print)                  \
	X(BIO_new) X(BIO_s_mem) X(BIO_ctrl) X(BIO_free) X(BIO_number_read)   \
	X(X509_VERIFY_PARAM_set1_ip_asc) X(X509_VERIFY_PARAM_set1_host)      \
	X(X509_VERIFY_PARAM_set_hostflags)

#define SSL_DL_MEMBER(f) __typeof__(&f) f;
struct ssl_api {
	SSL_DL_FUNCS(SSL_DL_MEMBER)
};
#undef SSL_DL_MEMBER

/* Point *api at the table, opening libssl.so.3 the first time. Never
 * closed. Not thread-safe. -1 with DIST_E_TLS in err when the library
 * or one of its functions is missing. */
int ssl_api_load(const struct ssl_api **api, struct dist_error *err);

#endif
