/* discover_http.c - node lists from an HTTP endpoint (Kubernetes API,
 * Consul, any JSON list), fetched with libcurl's multi interface driven
 * by the engine: curl tells us which sockets to watch and when to wake
 * it up (CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION), so a slow
 * endpoint never blocks DNS or EPMD sources of the same run.
 * libcurl itself is opened when the first HTTP source is added
 * (curl_dl.h), so runs without one never load it.
 */
#include "discover/discover.h"

#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "io/curl_dl.h"

/* One socket curl asked us to watch. */
struct http_sock {
	struct engine_io io;
	struct http_source *hs;
	struct http_sock *next, **pprev;
};

struct http_source {
	struct discover_source s;
	struct discover_http_config cfg;  /* strings below are owned copies */
	const struct curl_api *curl;      /* libcurl, opened on first use */
	char *url, *basename, *cacert, *domain, *auth_header, *k8s_ns;
	CURLM *multi;
	CURL *easy;                       /* the transfer of this poll */
	struct curl_slist *headers;
	struct engine_timer timer;
	struct http_sock *socks;
	struct buf body;
	bool too_large;
	char errbuf[CURL_ERROR_SIZE];
};

int discover_format_parse(const char *s)
{
	static const char *const names[] = {
		[DISCOVER_FMT_AUTO] = "auto",
		[DISCOVER_FMT_LIST] = "list",
		[DISCOVER_FMT_ENDPOINTSLICE] = "endpointslice",
		[DISCOVER_FMT_ENDPOINTS] = "endpoints",
		[DISCOVER_FMT_CONSUL] = "consul",
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

static void http_sock_free(struct http_sock *sk)
{
	engine_io_remove(discover_engine(sk->hs->s.d), &sk->io);
	*sk->pprev = sk->next;
	if (sk->next)
		sk->next->pprev = sk->pprev;
	free(sk);
}

static void http_check_done(struct http_source *hs);

static void on_sock_io(struct engine *e, struct engine_io *io,
		       unsigned events)
{
	struct http_sock *sk = io->data;
	struct http_source *hs = sk->hs;
	int running, flags = (events & ENGINE_READ ? CURL_CSELECT_IN : 0) |
			     (events & ENGINE_WRITE ? CURL_CSELECT_OUT : 0);

	(void)e;
	/* sk may be freed inside this call (CURL_POLL_REMOVE). */
	hs->curl->multi_socket_action(hs->multi, io->fd, flags, &running);
	http_check_done(hs);
}

static void on_curl_timer(struct engine *e, struct engine_timer *t)
{
	struct http_source *hs = t->data;
	int running;

	(void)e;
	hs->curl->multi_socket_action(hs->multi, CURL_SOCKET_TIMEOUT, 0,
				      &running);
	http_check_done(hs);
}

/* CURLMOPT_SOCKETFUNCTION: watch, rewatch or forget one socket. */
static int on_curl_socket(CURL *easy, curl_socket_t fd, int what,
			  void *userp, void *socketp)
{
	struct http_source *hs = userp;
	struct http_sock *sk = socketp;
	unsigned events = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (sk) {
			hs->curl->multi_assign(hs->multi, fd, NULL);
			http_sock_free(sk);
		}
		return 0;
	}
	if (!sk) {
		sk = calloc(1, sizeof *sk);
		if (!sk)
			return -1;
		sk->hs = hs;
		sk->io.fd = fd;
		sk->io.cb = on_sock_io;
		sk->io.data = sk;
		sk->next = hs->socks;
		if (sk->next)
			sk->next->pprev = &sk->next;
		sk->pprev = &hs->socks;
		hs->socks = sk;
		hs->curl->multi_assign(hs->multi, fd, sk);
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		events |= ENGINE_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		events |= ENGINE_WRITE;
	return engine_io_set(discover_engine(hs->s.d), &sk->io, events,
			     NULL) < 0 ? -1 : 0;
}

/* CURLMOPT_TIMERFUNCTION: -1 stops the timer, 0 means "now". */
static int on_curl_timeout(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_source *hs = userp;
	struct engine *e = discover_engine(hs->s.d);

	(void)multi;
	if (timeout_ms < 0)
		engine_timer_disarm(e, &hs->timer);
	else
		engine_timer_arm(e, &hs->timer,
				 engine_now_us() + (int64_t)timeout_ms * 1000);
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
	struct http_source *hs = data;

	/* size is always 1 (curl's documentation); n is the byte count.
	 * Over the cap: returning less than given stops the transfer. */
	if (size != 1 || buf_reserve(&hs->body, n) < 0) {
		hs->too_large = true;
		return 0;
	}
	buf_put(&hs->body, p, n);
	return n;
}

static void http_release(struct http_source *hs)
{
	if (hs->easy) {
		hs->curl->multi_remove_handle(hs->multi, hs->easy);
		hs->curl->easy_cleanup(hs->easy);
		hs->easy = NULL;
	}
	engine_timer_disarm(discover_engine(hs->s.d), &hs->timer);
	buf_free(&hs->body);
}

static void http_fail(struct http_source *hs, enum dist_code code,
		      long status, const char *msg)
{
	struct dist_error err;
	json_t *extra = NULL;

	dist_error_set(&err, code, DIST_STAGE_REQUEST, "%s", msg);
	if (status > 0) {
		extra = json_object();
		json_object_set_new(extra, "http_status", json_integer(status));
	}
	discover_failed(&hs->s, &err, extra);
	json_decref(extra);
}

/* What a 401/403 means for this kind of endpoint, in the words of the
 * permission an operator has to grant. */
static void permission_text(const struct http_source *hs, long status,
			    const char *said, char *out, size_t len)
{
	enum discover_format f = hs->cfg.format;
	const char *url = hs->url;

	if (f == DISCOVER_FMT_AUTO)
		f = strstr(url, "/endpointslices") ? DISCOVER_FMT_ENDPOINTSLICE
		  : strstr(url, "/endpoints") ? DISCOVER_FMT_ENDPOINTS
		  : strstr(url, "/v1/catalog/") || strstr(url, "/v1/health/")
		  ? DISCOVER_FMT_CONSUL : DISCOVER_FMT_AUTO;
	if (status == 401) {
		snprintf(out, len, "HTTP 401 from %s: the credentials were "
			 "refused (%s)%s%s", url,
			 hs->cfg.k8s ? "the service account token is missing, "
				       "expired or from another cluster"
				     : "check --bearer-file",
			 *said ? "; the server said: " : "", said);
		return;
	}
	if (f == DISCOVER_FMT_ENDPOINTSLICE || f == DISCOVER_FMT_ENDPOINTS)
		snprintf(out, len, "HTTP 403 from %s: the service account may "
			 "not list %s in namespace %s; grant it a Role with "
			 "apiGroups [\"%s\"], resources [\"%s\"], verbs "
			 "[\"list\"]%s%s", url,
			 f == DISCOVER_FMT_ENDPOINTS ? "endpoints"
						     : "endpointslices",
			 hs->k8s_ns ? hs->k8s_ns : "(see the URL)",
			 f == DISCOVER_FMT_ENDPOINTS ? "" : "discovery.k8s.io",
			 f == DISCOVER_FMT_ENDPOINTS ? "endpoints"
						     : "endpointslices",
			 *said ? "; the server said: " : "", said);
	else if (f == DISCOVER_FMT_CONSUL)
		snprintf(out, len, "HTTP 403 from %s: the Consul ACL token "
			 "lacks service:read and node:read on this service%s%s",
			 url, *said ? "; the server said: " : "", said);
	else
		snprintf(out, len, "HTTP 403 from %s: the credentials "
			 "(--bearer-file) may not read this resource%s%s", url,
			 *said ? "; the server said: " : "", said);
}

/* The "message" of a Kubernetes Status body, or a short plain body. */
static void server_said(const struct buf *body, char *out, size_t len)
{
	json_t *j, *m;

	out[0] = '\0';
	if (!body->len)
		return;
	j = json_loadb((const char *)body->data, body->len, 0, NULL);
	m = json_object_get(j, "message");
	if (json_is_string(m))
		snprintf(out, len, "%.200s", json_string_value(m));
	json_decref(j);
}

static void on_doc_node(void *data, const struct discover_node *n)
{
	discover_found(data, n);
}

/* ---- TLS failures --------------------------------------------------- */

static bool tls_failure(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_USE_SSL_FAILED:
		return true;
	default:
		return false;
	}
}

/* The host of the URL, which the certificate has to name. */
static void url_host(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	if (*p == '[')
		n = strcspn(++p, "]");
	else
		n = strcspn(p, ":/?#");
	snprintf(out, len, "%.*s", (int)n, p);
}

/* What went wrong, in the words of what to do: the certificate check
 * (OpenSSL's verify result says why) or the handshake. */
static void tls_message(struct http_source *hs, CURLcode rc, const char *why,
			char *out, size_t len)
{
	long verify = 0;
	char host[256];
	const char *what;

	hs->curl->easy_getinfo(hs->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
	url_host(hs->url, host, sizeof host);
	if (rc == CURLE_SSL_CACERT_BADFILE) {
		what = hs->cacert ? "the --cacert file cannot be read or holds "
				    "no PEM certificate"
				  : "the system's CA certificates cannot be read";
	} else if (rc != CURLE_PEER_FAILED_VERIFICATION) {
		what = "the TLS handshake failed: does the server speak TLS on "
		       "this port, with a protocol version and cipher we share?";
	} else if (verify == X509_V_ERR_CERT_HAS_EXPIRED) {
		what = "the server's certificate has expired (or this host's "
		       "clock is wrong): renew the certificate";
	} else if (verify == X509_V_ERR_CERT_NOT_YET_VALID) {
		what = "the server's certificate is not valid yet: check the "
		       "clocks of both hosts";
	} else if (verify == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
		   verify == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
		   verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
		   verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
		   verify == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE) {
		what = hs->cacert
			? "the server's certificate is not signed by the CA of "
			  "--cacert: give the CA that issued it"
			: "the server's certificate is signed by a CA this host "
			  "does not trust: give that CA with --cacert";
	} else if (verify == X509_V_ERR_HOSTNAME_MISMATCH ||
		   verify == X509_V_ERR_IP_ADDRESS_MISMATCH ||
		   ((verify == X509_V_OK || verify == X509_V_ERR_UNSPECIFIED ||
		     verify == X509_V_ERR_APPLICATION_VERIFICATION) &&
		    strstr(why, "name"))) {
		/* curl checks the name itself once OpenSSL accepted the
		 * chain, and leaves no verify result of its own: its
		 * message then names the host. */
		snprintf(out, len, "%.150s: TLS: the server's certificate "
			 "does not name '%.80s', the host of the URL: use a URL "
			 "with a name the certificate holds (its "
			 "subjectAltName), or have it re-issued (%.120s)",
			 hs->url, host, why);
		return;
	} else {
		snprintf(out, len, "%.150s: TLS: the server's certificate was "
			 "refused (%.120s; OpenSSL verify result %ld)", hs->url,
			 why, verify);
		return;
	}
	snprintf(out, len, "%.150s: TLS: %s (%.120s)", hs->url, what, why);
}

static void http_complete(struct http_source *hs, CURLcode rc)
{
	char msg[DIST_ERROR_MSG_MAX], said[256];
	const char *why = hs->errbuf[0] ? hs->errbuf
					: hs->curl->easy_strerror(rc);
	struct discover_doc doc;
	struct dist_error err;
	long status = 0;

	hs->curl->easy_getinfo(hs->easy, CURLINFO_RESPONSE_CODE, &status);
	if (hs->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(msg, sizeof msg, "body from %s is larger than %zu "
			 "bytes (--max-body)", hs->url, hs->body.max);
		http_fail(hs, DIST_E_TOO_LARGE, status, msg);
	} else if (rc == CURLE_PARTIAL_FILE) {
		snprintf(msg, sizeof msg, "body from %s was cut short: the "
			 "server closed before Content-Length bytes (%s)",
			 hs->url, why);
		http_fail(hs, DIST_E_PROTOCOL, status, msg);
	} else if (tls_failure(rc)) {
		tls_message(hs, rc, why, msg, sizeof msg);
		http_fail(hs, DIST_E_TLS, 0, msg);
	} else if (rc != CURLE_OK) {
		enum dist_code code = DIST_E_CONNECT_FAILED;

		if (rc == CURLE_COULDNT_RESOLVE_HOST)
			code = DIST_E_RESOLVE;
		else if (rc == CURLE_COULDNT_CONNECT)
			code = DIST_E_CONNECT_REFUSED;
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			code = DIST_E_TIMEOUT;
		snprintf(msg, sizeof msg, "%s: %s", hs->url, why);
		http_fail(hs, code, 0, msg);
	} else if (status == 401 || status == 403) {
		server_said(&hs->body, said, sizeof said);
		permission_text(hs, status, said, msg, sizeof msg);
		http_fail(hs, DIST_E_NOT_ALLOWED, status, msg);
	} else if (status < 200 || status > 299) {
		server_said(&hs->body, said, sizeof said);
		snprintf(msg, sizeof msg, "HTTP %ld from %s%s%s", status,
			 hs->url, *said ? ": " : "", said);
		http_fail(hs, DIST_E_PROTOCOL, status, msg);
	} else {
		memset(&doc, 0, sizeof doc);
		doc.format = hs->cfg.format;
		doc.basename = hs->basename;
		doc.from = hs->cfg.from;
		doc.cluster_domain = hs->domain;
		doc.max_nodes = DISCOVER_MAX_NODES;
		if (discover_doc_parse((const char *)hs->body.data,
				       hs->body.len, &doc, on_doc_node,
				       &hs->s, &err) < 0) {
			snprintf(msg, sizeof msg, "%.150s: %.350s", hs->url,
				 err.message);
			http_fail(hs, err.code, 0, msg);
		}
	}
}

static void http_check_done(struct http_source *hs)
{
	CURLMsg *m;
	int left;

	while ((m = hs->curl->multi_info_read(hs->multi, &left))) {
		if (m->msg != CURLMSG_DONE || m->easy_handle != hs->easy)
			continue;
		http_complete(hs, m->data.result);
		http_release(hs);
		discover_source_done(&hs->s);
		return;
	}
}

static int http_setup(struct http_source *hs)
{
	const struct curl_api *api = hs->curl;
	CURL *c = api->easy_init();

	if (!c)
		return -1;
	hs->easy = c;
	hs->errbuf[0] = '\0';
	hs->too_large = false;
	buf_init(&hs->body, hs->cfg.max_body);
	api->easy_setopt(c, CURLOPT_URL, hs->url);
	api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	api->easy_setopt(c, CURLOPT_ERRORBUFFER, hs->errbuf);
	api->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	api->easy_setopt(c, CURLOPT_WRITEDATA, hs);
	api->easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)hs->cfg.max_body);
	api->easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	api->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	api->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	/* Each poll on a fresh connection: no cached sockets outlive it. */
	api->easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	api->easy_setopt(c, CURLOPT_USERAGENT, "dist-discover/" DIST_VERSION);
	if (hs->cacert)
		api->easy_setopt(c, CURLOPT_CAINFO, hs->cacert);
	if (hs->headers)
		api->easy_setopt(c, CURLOPT_HTTPHEADER, hs->headers);
	return api->multi_add_handle(hs->multi, c) == CURLM_OK ? 0 : -1;
}

static void http_start(struct discover_source *s)
{
	struct http_source *hs = (struct http_source *)s;
	struct dist_error err;

	if (http_setup(hs) < 0) {
		http_release(hs);
		dist_error_set(&err, DIST_E_NOMEM, DIST_STAGE_REQUEST,
			       "cannot start an HTTP transfer");
		discover_failed(s, &err, NULL);
		discover_source_done(s);
	}
	/* curl now asks for a timer through on_curl_timeout. */
}

static void http_cancel(struct discover_source *s)
{
	http_release((struct http_source *)s);
}

static void wipe_free(char *p)
{
	if (p) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

static void http_destroy(struct discover_source *s)
{
	struct http_source *hs = (struct http_source *)s;
	const struct curl_api *api = hs->curl;

	http_release(hs);
	if (hs->multi)
		hs->curl->multi_cleanup(hs->multi);
	while (hs->socks)
		http_sock_free(hs->socks);
	if (hs->headers) {
		/* The token is in this list: wipe it before freeing. */
		for (struct curl_slist *l = hs->headers; l; l = l->next)
			explicit_bzero(l->data, strlen(l->data));
		hs->curl->slist_free_all(hs->headers);
	}
	free(hs->url);
	free(hs->basename);
	free(hs->cacert);
	free(hs->domain);
	free(hs->k8s_ns);
	wipe_free(hs->auth_header);
	free(hs);
	/* Pairs with global_init in discover_add_http (curl counts). */
	api->global_cleanup();
}

static const struct discover_source_ops http_ops = {
	.start = http_start,
	.cancel = http_cancel,
	.destroy = http_destroy,
};

static char *dup_or_null(const char *s, bool *failed)
{
	char *p;

	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		*failed = true;
	return p;
}

int discover_add_http(struct discover *d,
		      const struct discover_http_config *cfg,
		      struct dist_error *err)
{
	const struct curl_api *api;
	struct http_source *hs;
	bool failed = false;
	size_t n;

	if (strncmp(cfg->url, "http://", 7) && strncmp(cfg->url, "https://", 8))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "URL '%.200s' is not http:// or "
				      "https://", cfg->url);
	/* Only now, for the first HTTP source, is libcurl mapped. */
	if (curl_api_load(&api, err) < 0)
		return -1;
	if (api->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "cannot initialise libcurl");
	hs = calloc(1, sizeof *hs);
	if (!hs) {
		api->global_cleanup();
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	}
	discover_source_init(&hs->s, &http_ops, "http", cfg->url);
	hs->s.d = d;
	hs->curl = api;
	hs->cfg = *cfg;
	if (!hs->cfg.max_body)
		hs->cfg.max_body = DISCOVER_HTTP_MAX_BODY;
	hs->url = dup_or_null(cfg->url, &failed);
	hs->basename = dup_or_null(cfg->basename, &failed);
	hs->cacert = dup_or_null(cfg->cacert, &failed);
	hs->domain = dup_or_null(cfg->cluster_domain, &failed);
	hs->k8s_ns = dup_or_null(cfg->k8s_namespace, &failed);
	if (cfg->bearer) {
		n = strlen(cfg->bearer) + sizeof "Authorization: Bearer ";
		hs->auth_header = malloc(n);
		if (hs->auth_header) {
			snprintf(hs->auth_header, n, "Authorization: Bearer %s",
				 cfg->bearer);
			hs->headers = api->slist_append(NULL,
							hs->auth_header);
		}
		failed |= !hs->headers;
	}
	hs->timer.cb = on_curl_timer;
	hs->timer.data = hs;
	hs->multi = api->multi_init();
	if (failed || !hs->multi) {
		http_destroy(&hs->s);
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	}
	api->multi_setopt(hs->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	api->multi_setopt(hs->multi, CURLMOPT_SOCKETDATA, hs);
	api->multi_setopt(hs->multi, CURLMOPT_TIMERFUNCTION, on_curl_timeout);
	api->multi_setopt(hs->multi, CURLMOPT_TIMERDATA, hs);
	discover_add_source(d, &hs->s);
	return 0;
}
