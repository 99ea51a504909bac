/* discover_k8s.c - EndpointSlices of a Service through the in-cluster
 * service account, the way a pod reaches its API server (see
 * discover.h). */
#include "discover/discover.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
/* Service account tokens are JWTs of a few kilobytes. */
#define SECRET_MAX (64 * 1024)

char *discover_read_secret(const char *path, const char *what,
			   struct dist_error *err)
{
	struct file_text t;
	size_t len;

	/* The messages quote the path and are ours: err is not passed. */
	if (file_read(path, what, SECRET_MAX, FILE_SECRET, &t, NULL) < 0) {
		int e = errno;

		if (e == ENOMEM)
			dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
		else if (!t.st.st_mode)  /* the open failed */
			dist_error_set(err, DIST_E_IO, DIST_STAGE_INPUT,
				       "cannot read %s '%s': %s", what, path,
				       strerror(e));
		else
			dist_error_set(err, e == EFBIG ? DIST_E_TOO_LARGE
						       : DIST_E_IO,
				       DIST_STAGE_INPUT, "cannot read %s '%s'%s",
				       what, path,
				       e == EFBIG ? ": too large" : "");
		return NULL;
	}
	len = t.len;
	while (len && strchr(" \t\r\n", t.data[len - 1]))
		len--;
	t.data[len] = '\0';
	if (!len || strpbrk(t.data, "\r\n")) {
		dist_error_set(err, DIST_E_IO, DIST_STAGE_INPUT,
			       "%s '%s' is empty or has more than one line",
			       what, path);
		file_text_free(&t);
		return NULL;
	}
	/* The caller frees it with free(): wipe the trimmed tail now. */
	explicit_bzero(t.data + len, t.len - len);
	return t.data;
}

/* Percent-encode a label selector for the query string. */
static void url_encode(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~", c)) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* A namespace or service name: a DNS label (RFC 1123). */
static bool dns_label(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 63)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n &&
	       s[0] != '-' && s[n - 1] != '-';
}

static int default_api(char *out, size_t len, struct dist_error *err)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");

	if (!host || !*host)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_INPUT,
				      "not inside a Kubernetes pod: "
				      "$KUBERNETES_SERVICE_HOST is unset "
				      "(give --k8s-api URL)");
	snprintf(out, len, strchr(host, ':') ? "https://[%s]:%s"
					     : "https://%s:%s",
		 host, port && *port ? port : "443");
	return 0;
}

int discover_add_k8s(struct discover *d, const struct discover_k8s_config *k,
		     const struct discover_http_config *base,
		     struct dist_error *err)
{
	const char *dir = k->dir ? k->dir : SA_DIR;
	char path[4096], api[1024], sel[1024], url[4096];
	char *token, *ns = NULL;
	struct discover_http_config h = *base;
	int rc = -1;

	if (!k->service == !k->selector)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--k8s needs one of --k8s-service or "
				      "--k8s-selector");
	if (k->service && !dns_label(k->service))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--k8s-service '%s' is not a Service "
				      "name", k->service);
	if (k->api)
		snprintf(api, sizeof api, "%s", k->api);
	else if (default_api(api, sizeof api, err) < 0)
		return -1;
	if (api[0] && api[strlen(api) - 1] == '/')
		api[strlen(api) - 1] = '\0';
	snprintf(path, sizeof path, "%s/token", dir);
	token = discover_read_secret(path, "service account token", err);
	if (!token)
		return -1;
	if (!k->namespace_) {
		snprintf(path, sizeof path, "%s/namespace", dir);
		ns = discover_read_secret(path, "service account namespace",
					  err);
		if (!ns)
			goto out_token;
	}
	if (!dns_label(k->namespace_ ? k->namespace_ : ns)) {
		rc = dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				    "namespace '%.100s' is not a namespace "
				    "name", k->namespace_ ? k->namespace_ : ns);
		goto out;
	}
	if (k->service)
		snprintf(path, sizeof path, "kubernetes.io/service-name=%s",
			 k->service);
	else
		snprintf(path, sizeof path, "%s", k->selector);
	url_encode(path, sel, sizeof sel);
	snprintf(url, sizeof url,
		 "%s/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices"
		 "?labelSelector=%s", api, k->namespace_ ? k->namespace_ : ns,
		 sel);
	snprintf(path, sizeof path, "%s/ca.crt", dir);
	if (!h.cacert && access(path, R_OK) == 0)
		h.cacert = path;
	h.url = url;
	h.bearer = token;
	h.k8s = true;
	h.k8s_namespace = k->namespace_ ? k->namespace_ : ns;
	if (h.format == DISCOVER_FMT_AUTO)
		h.format = DISCOVER_FMT_ENDPOINTSLICE;
	rc = discover_add_http(d, &h, err);
out:
	free(ns);
out_token:
	explicit_bzero(token, strlen(token));
	free(token);
	return rc;
}
