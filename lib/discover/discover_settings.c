/* discover_settings.c - what a program's options ask of discovery, and
 * the sources that makes (see discover_run.h). The checks live here, not
 * in each program, so that every program that finds nodes refuses the
 * same incomplete requests with the same words. */
#include "discover/discover_run.h"

#include <stdlib.h>
#include <string.h>

#include "base/duration.h"

/* The lists of repeatable options, in one allocation. */
#define SETTINGS_LISTS 5

static int usage(struct dist_error *err, const char *msg)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT, "%s", msg);
}

int discover_settings_init(struct discover_settings *s, int max_each,
			   struct dist_error *err)
{
	size_t each = (size_t)(max_each > 0 ? max_each : 0) + 1;
	const char **store = calloc(SETTINGS_LISTS * each, sizeof *store);

	memset(s, 0, sizeof *s);
	if (!store)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	s->queries.v = store;
	s->srvs.v = store + each;
	s->hosts.v = store + 2 * each;
	s->urls.v = store + 3 * each;
	s->files.v = store + 4 * each;
	s->interval_ms = 10000;
	return 0;
}

void discover_settings_release(struct discover_settings *s)
{
	free(s->queries.v);
	memset(s, 0, sizeof *s);
}

static void list_add(struct discover_list *l, const char *v)
{
	l->v[l->n++] = v;
}

static int name_from_option(struct discover_settings *s, const char *arg,
			    struct dist_error *err)
{
	if (!strcmp(arg, "ip"))
		s->from = DISCOVER_FROM_IP;
	else if (!strcmp(arg, "hostname"))
		s->from = DISCOVER_FROM_HOSTNAME;
	else
		return usage(err, "--name-from: use ip or hostname");
	return 0;
}

static int host_form_option(struct discover_settings *s, const char *arg,
			    struct dist_error *err)
{
	if (!strcmp(arg, "short"))
		s->host_form = DISCOVER_HOST_SHORT;
	else if (!strcmp(arg, "long"))
		s->host_form = DISCOVER_HOST_LONG;
	else if (!strcmp(arg, "address"))
		s->host_form = DISCOVER_HOST_ADDRESS;
	else
		return usage(err, "--host-form: use short, long or address");
	return 0;
}

/* Options with a value to check; the rest only store or switch on. */
static int checked_option(struct discover_settings *s, int id,
			  const char *arg, struct dist_error *err)
{
	int f;

	switch (id) {
	case DISCOVER_SET_NAME_FROM:
		return name_from_option(s, arg, err);
	case DISCOVER_SET_HOST_FORM:
		return host_form_option(s, arg, err);
	case DISCOVER_SET_FORMAT:
		f = discover_format_parse(arg);
		if (f < 0)
			return usage(err, "--format: use auto, list, "
				     "endpointslice, endpoints or consul");
		s->format = (enum discover_format)f;
		return 0;
	case DISCOVER_SET_MAX_BODY:
		return count_parse(arg, 1, 1L << 30, &s->max_body, err);
	case DISCOVER_SET_INTERVAL:
		if (duration_parse(arg, &s->interval_ms, err) < 0)
			return -1;
		if (s->interval_ms < 1)
			return usage(err, "--interval must be more than 0");
		return 0;
	default:
		return usage(err, "unknown option");
	}
}

int discover_settings_option(struct discover_settings *s, int id,
			     const char *arg, struct dist_error *err)
{
	switch (id) {
	case DISCOVER_SET_QUERY: list_add(&s->queries, arg); s->dns = true; break;
	case DISCOVER_SET_SRV: list_add(&s->srvs, arg); s->dns = true; break;
	case DISCOVER_SET_BASENAME: s->basename = arg; break;
	case DISCOVER_SET_HOST: list_add(&s->hosts, arg); s->epmd = true; break;
	case DISCOVER_SET_HOSTS_FILE: s->hosts_file = arg; s->epmd = true; break;
	case DISCOVER_SET_URL: list_add(&s->urls, arg); s->http = true; break;
	case DISCOVER_SET_CACERT: s->cacert = arg; break;
	case DISCOVER_SET_BEARER_FILE: s->bearer_file = arg; break;
	case DISCOVER_SET_K8S: s->k8s_on = true; break;
	case DISCOVER_SET_K8S_SERVICE:
		s->k8s.service = arg;
		s->k8s_on = true;
		break;
	case DISCOVER_SET_K8S_SELECTOR:
		s->k8s.selector = arg;
		s->k8s_on = true;
		break;
	case DISCOVER_SET_K8S_NAMESPACE: s->k8s.namespace_ = arg; break;
	case DISCOVER_SET_K8S_API: s->k8s.api = arg; break;
	case DISCOVER_SET_K8S_DIR: s->k8s.dir = arg; break;
	case DISCOVER_SET_CLUSTER_DOMAIN: s->cluster_domain = arg; break;
	case DISCOVER_SET_FILE: list_add(&s->files, arg); s->statics = true; break;
	case DISCOVER_SET_WATCH: s->watch = true; break;
	case DISCOVER_SET_DNS: s->dns = true; break;
	case DISCOVER_SET_EPMD: s->epmd = true; break;
	case DISCOVER_SET_HTTP: s->http = true; break;
	case DISCOVER_SET_STATIC: s->statics = true; break;
	default:
		return checked_option(s, id, arg, err);
	}
	return 0;
}

bool discover_settings_word(struct discover_settings *s, const char *w)
{
	if (!strcmp(w, "dns"))
		s->dns = true;
	else if (!strcmp(w, "epmd"))
		s->epmd = true;
	else if (!strcmp(w, "http"))
		s->http = true;
	else if (!strcmp(w, "k8s"))
		s->k8s_on = true;
	else if (!strcmp(w, "static"))
		s->statics = true;
	else
		return false;
	return true;
}

int discover_settings_finish(struct discover_settings *s, int nnames,
			     struct dist_error *err)
{
	if (nnames > 0)
		s->statics = true;
	/* Nothing asked for: like epmd -names, this host's nodes. */
	if (!s->dns && !s->epmd && !s->http && !s->k8s_on && !s->statics)
		s->epmd = true;
	if (s->dns && !s->queries.n && !s->srvs.n)
		return usage(err, "dns needs --query NAME or --srv NAME");
	if (s->http && !s->urls.n)
		return usage(err, "http needs --url URL");
	if (s->statics && !s->files.n && !nnames)
		return usage(err, "static needs NODE arguments or --file");
	return 0;
}

/* "B@NAME", or NAME with --basename. */
static int add_dns(struct discover *d, const struct discover_settings *s,
		   const char *arg, bool srv, struct dist_error *err)
{
	const char *at = strchr(arg, '@');
	char base[256];

	if (at) {
		if ((size_t)(at - arg) >= sizeof base)
			return usage(err, "basename too long");
		memcpy(base, arg, (size_t)(at - arg));
		base[at - arg] = '\0';
		return discover_add_dns(d, base, at + 1, srv, s->from, err);
	}
	if (!s->basename)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "%s '%s' needs a basename: give "
				      "--basename B or write B@%s",
				      srv ? "--srv" : "--query", arg, arg);
	return discover_add_dns(d, s->basename, arg, srv, s->from, err);
}

static int add_dns_and_epmd(struct discover *d,
			    const struct discover_settings *s,
			    struct dist_error *err)
{
	int i;

	for (i = 0; i < s->queries.n; i++)
		if (add_dns(d, s, s->queries.v[i], false, err) < 0)
			return -1;
	for (i = 0; i < s->srvs.n; i++)
		if (add_dns(d, s, s->srvs.v[i], true, err) < 0)
			return -1;
	for (i = 0; i < s->hosts.n; i++)
		if (discover_add_epmd(d, s->hosts.v[i], err) < 0)
			return -1;
	if (s->hosts_file && discover_add_hosts_file(d, s->hosts_file,
						     err) < 0)
		return -1;
	if (s->epmd && !s->hosts.n && !s->hosts_file &&
	    discover_add_epmd(d, NULL, err) < 0)
		return -1;
	return 0;
}

/* Every --url, then --k8s, sharing the HTTP settings. The token of
 * --bearer-file goes only to the --url sources (the service account
 * has its own) and is wiped once they hold their copies. */
static int add_http(struct discover *d, const struct discover_settings *s,
		    struct dist_error *err)
{
	struct discover_http_config h;
	char *bearer = NULL;
	int i, rc = 0;

	memset(&h, 0, sizeof h);
	h.format = s->format;
	h.basename = s->basename;
	h.from = s->from;
	h.cacert = s->cacert;
	h.max_body = (size_t)s->max_body;
	h.cluster_domain = s->cluster_domain;
	if (s->bearer_file) {
		bearer = discover_read_secret(s->bearer_file, "bearer token",
					      err);
		if (!bearer)
			return -1;
		h.bearer = bearer;
	}
	for (i = 0; i < s->urls.n && rc == 0; i++) {
		h.url = s->urls.v[i];
		rc = discover_add_http(d, &h, err);
	}
	if (bearer) {
		explicit_bzero(bearer, strlen(bearer));
		free(bearer);
	}
	if (rc < 0)
		return -1;
	h.bearer = NULL;
	if (s->k8s_on && discover_add_k8s(d, &s->k8s, &h, err) < 0)
		return -1;
	return 0;
}

int discover_settings_apply(const struct discover_settings *s,
			    struct discover *d, char *const *names,
			    int nnames, struct dist_error *err)
{
	int i;

	if (add_dns_and_epmd(d, s, err) < 0 || add_http(d, s, err) < 0)
		return -1;
	for (i = 0; i < s->files.n; i++)
		if (discover_add_static_file(d, s->files.v[i], err) < 0)
			return -1;
	for (i = 0; i < nnames; i++)
		if (discover_add_static(d, names[i], "args", err) < 0)
			return -1;
	/* A DNS server that cannot be used is refused now, not at the
	 * first poll of a --watch. */
	if (discover_config_of(d)->resolver_servers &&
	    !discover_resolver(d, err))
		return -1;
	return 0;
}
