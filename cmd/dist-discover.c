/* dist-discover - which Erlang nodes are there? DNS, EPMD, HTTP and
 * static sources in one run, once or --watch.
 *
 * CLI glue only: options become sources of lib/discover/discover.c, whose poll
 * results (and watch events) are written here. Node records go to
 * stdout; error records to stderr unless --errors stdout, so that
 * `dist-discover ... | dist-ping` only ever hands valid targets on. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "discover/discover.h"
#include "base/duration.h"
#include "dist/epmd.h"
#include "run/records.h"

static const char usage_text[] =
"Usage: dist-discover [STRATEGY]... [OPTION]... [NODE]...\n"
"Find Erlang nodes and print one JSON record per node: node, host,\n"
"address, family, port (when known) and source. Strategies combine in\n"
"one run; each is also switched on by its options.\n"
"\n"
"STRATEGY is dns, epmd, http, k8s or static (also --dns, --epmd, ...).\n"
"Without any, EPMD on this host is asked, like epmd -names.\n"
"\n"
"DNS (A and AAAA, or SRV):\n"
"      --query NAME         ask A+AAAA for NAME; B@NAME gives its basename\n"
"      --srv NAME           ask SRV for NAME (_svc._tcp.domain); B@NAME too\n"
"  -b, --basename B         alive part of the names (app in app@host)\n"
"      --name-from ip|hostname  host part: the address (default for\n"
"                           --query) or the host name (PTR for --query,\n"
"                           the target for --srv, the default there)\n"
"      --resolver HOST[:PORT]  DNS server(s) instead of /etc/resolv.conf\n"
"                           (also $DIST_RESOLVER)\n"
"EPMD (NAMES, as net_adm:names/1):\n"
"  -H, --host HOST          ask EPMD on HOST (repeatable; default here)\n"
"      --hosts-file FILE    every host of an Erlang .hosts.erlang file\n"
"      --epmd-port PORT     EPMD port (default $ERL_EPMD_PORT or 4369)\n"
"      --host-form FORM     host part of EPMD's names: short (erl -sname,\n"
"                           the default here), long (erl -name: HOST as\n"
"                           given, this host's full name) or address\n"
"                           (erl -name alive@IP: where EPMD answered)\n"
"HTTP (libcurl; TLS verified):\n"
"      --url URL            a JSON document listing nodes (repeatable)\n"
"      --format FMT         auto (default), list, endpointslice,\n"
"                           endpoints or consul\n"
"      --cacert FILE        CA certificates for https\n"
"      --bearer-file FILE   send the token in FILE as a Bearer header\n"
"      --max-body BYTES     refuse larger bodies (default 8388608)\n"
"      --k8s                EndpointSlices through the pod's service\n"
"                           account (token, ca.crt, namespace files)\n"
"      --k8s-service NAME   ... of this Service\n"
"      --k8s-selector SEL   ... or of this label selector\n"
"      --k8s-namespace NS   namespace (default: the account's)\n"
"      --k8s-api URL        API server (default from\n"
"                           $KUBERNETES_SERVICE_HOST/_PORT)\n"
"      --k8s-dir DIR        service account files (default\n"
"                           /var/run/secrets/kubernetes.io/serviceaccount)\n"
"      --cluster-domain D   for --name-from hostname (default cluster.local)\n"
"Static:\n"
"  NODE...                  names as they are\n"
"  -f, --file FILE          names, one per line (read at every poll)\n"
"\n"
"  -w, --watch              poll forever; print {\"event\":\"up\"|\"down\"}\n"
"                           records when the set changes\n"
"  -i, --interval DUR       time between polls (default 10s)\n"
"  -t, --timeout DUR        deadline of each poll (default 10s)\n"
"      --errors WHERE       error records to stderr (default) or stdout\n"
"  -o, --output FORMAT      json (default), text or pretty\n"
"  -q, --quiet              no output; the exit status tells\n"
"  -h, --help               show this help\n"
"  -V, --version            show the version\n"
"\n"
"Every name found is checked as a node name; an invalid one becomes an\n"
"invalid_name error record and is never printed as a node. A source that\n"
"fails gives an error record with its code; a failed or partial poll\n"
"never reports nodes down.\n"
"\n"
"Exit status: 0 every source answered, 1 some source failed or a name\n"
"was invalid (the nodes found are still printed), 2 usage error,\n"
"3 environment error (unreadable token or file, stdout unwritable).\n"
"See dist-discover(1) and dist(7).\n";

enum {
	OPT_QUERY = 0x200, OPT_SRV, OPT_NAME_FROM, OPT_HOSTS_FILE, OPT_URL,
	OPT_FORMAT, OPT_CACERT, OPT_BEARER_FILE, OPT_MAX_BODY, OPT_K8S,
	OPT_K8S_SERVICE, OPT_K8S_SELECTOR, OPT_K8S_NAMESPACE, OPT_K8S_API,
	OPT_K8S_DIR, OPT_CLUSTER_DOMAIN, OPT_ERRORS, OPT_DNS, OPT_EPMD,
	OPT_HTTP, OPT_STATIC, OPT_HOST_FORM,
};

/* Options that may repeat, kept in command-line order. */
struct list {
	const char **v;
	int n;
};

struct options {
	struct list queries, srvs, hosts, urls, files;
	const char *basename, *hosts_file, *cacert, *bearer_file;
	const char *resolver, *cluster_domain;
	struct discover_k8s_config k8s;
	enum discover_name_from from;
	enum discover_format format;
	enum discover_host_form host_form;
	long max_body;
	bool dns, epmd, http, k8s_on, statics;
	bool watch, errors_stdout;
	int64_t interval_ms, timeout_ms;
	long epmd_port;
	enum output_format out;
};

struct run {
	struct options *o;
	struct discover *d;
	struct discover_watch *watch;
	struct engine_timer next_poll;
	json_t *last_errors;        /* --watch: the previous poll's */
	int64_t poll_started_us;
	bool any_error;
	bool output_failed;
	int output_errno;           /* of the failed write to stdout */
};

static void list_add(struct list *l, const char *s)
{
	l->v[l->n++] = s;
}

/* ---- output ----------------------------------------------------------- */

static void write_text_node(const json_t *rec, FILE *out)
{
	const char *ev = json_string_value(json_object_get(rec, "event"));
	const char *addr = json_string_value(json_object_get(rec, "address"));
	json_int_t port = json_integer_value(json_object_get(rec, "port"));
	char portbuf[24] = "-";

	if (port > 0)
		snprintf(portbuf, sizeof portbuf, "%lld", (long long)port);
	if (ev)
		fprintf(out, "%-5s ", ev);
	fprintf(out, "%-40s %-39s %-5s %s\n",
		json_string_value(json_object_get(rec, "node")),
		addr ? addr : "-", portbuf,
		json_string_value(json_object_get(rec, "source")));
}

static void write_text_error(const json_t *rec, FILE *out)
{
	const json_t *e = json_object_get(rec, "error");

	/* An invalid name is quoted in the message itself. */
	fprintf(out, "%s: %s: %s: %s\n", program_invocation_short_name,
		json_string_value(json_object_get(rec, "source")),
		json_string_value(json_object_get(e, "code")),
		json_string_value(json_object_get(e, "message")));
}

static void emit(struct run *r, json_t *rec, bool is_error)
{
	FILE *out = is_error && !r->o->errors_stdout ? stderr : stdout;
	int rc = 0;

	if (r->output_failed && out == stdout)
		return;
	errno = 0;
	switch (r->o->out) {
	case OUTPUT_QUIET:
		return;
	case OUTPUT_TEXT:
		if (is_error)
			write_text_error(rec, out);
		else
			write_text_node(rec, out);
		rc = fflush(out) != 0 || ferror(out) ? -1 : 0;
		break;
	default:
		rc = record_write_as(rec, r->o->out, out);
	}
	if (rc != 0 && out == stdout) {
		r->output_failed = true;
		r->output_errno = errno ? errno : EIO;
	}
}

static bool seen_before(const json_t *errors, const json_t *rec)
{
	size_t i;
	json_t *v;

	json_array_foreach(errors, i, v)
		if (json_equal(v, rec))
			return true;
	return false;
}

static void on_poll_done(void *data, struct discover_result *res)
{
	struct run *r = data;
	json_t *rec, *events;
	size_t i;

	json_array_foreach(res->errors, i, rec)
		if (!r->watch || !seen_before(r->last_errors, rec))
			emit(r, rec, true);
	if (json_array_size(res->errors))
		r->any_error = true;
	if (r->watch) {
		/* A --watch that fails the same way every poll says so once,
		 * and again when the failure changes or comes back. */
		json_decref(r->last_errors);
		r->last_errors = json_incref(res->errors);
	}
	if (!r->watch) {
		json_array_foreach(res->nodes, i, rec)
			emit(r, rec, false);
		discover_result_clear(res);
		/* Once: requests the deadline abandoned must not keep us. */
		engine_stop(discover_engine(r->d));
		return;
	}
	events = json_array();
	if (!events || discover_watch_update(r->watch, res, events) < 0)
		r->output_failed = true;
	json_array_foreach(events, i, rec)
		emit(r, rec, false);
	json_decref(events);
	discover_result_clear(res);
	if (r->output_failed) {
		engine_stop(discover_engine(r->d));
		return;
	}
	/* The next poll starts an interval after this one started. */
	engine_timer_arm(discover_engine(r->d), &r->next_poll,
			 r->poll_started_us + r->o->interval_ms * 1000);
}

static void on_next_poll(struct engine *e, struct engine_timer *t)
{
	struct run *r = t->data;
	struct dist_error err;

	r->poll_started_us = engine_now_us();
	if (discover_poll(r->d, on_poll_done, r, &err) < 0) {
		cli_report(&err);
		r->any_error = true;
		engine_stop(e);
	}
}

/* ---- options to sources ----------------------------------------------- */

static int usage(struct dist_error *err, const char *msg)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT, "%s", msg);
}

/* "B@NAME" or NAME with --basename. */
static int add_dns(struct discover *d, const struct options *o,
		   const char *arg, bool srv, struct dist_error *err)
{
	const char *at = strchr(arg, '@');
	char base[256];

	if (at) {
		if ((size_t)(at - arg) >= sizeof base)
			return usage(err, "basename too long");
		memcpy(base, arg, (size_t)(at - arg));
		base[at - arg] = '\0';
		return discover_add_dns(d, base, at + 1, srv, o->from, err);
	}
	if (!o->basename)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "%s '%s' needs a basename: give "
				      "--basename B or write B@%s",
				      srv ? "--srv" : "--query", arg, arg);
	return discover_add_dns(d, o->basename, arg, srv, o->from, err);
}

static int add_sources(struct discover *d, const struct options *o,
		       char **names, int nnames, struct dist_error *err)
{
	struct discover_http_config h;
	char *bearer = NULL;
	int i, rc = 0;

	for (i = 0; i < o->queries.n; i++)
		if (add_dns(d, o, o->queries.v[i], false, err) < 0)
			return -1;
	for (i = 0; i < o->srvs.n; i++)
		if (add_dns(d, o, o->srvs.v[i], true, err) < 0)
			return -1;
	for (i = 0; i < o->hosts.n; i++)
		if (discover_add_epmd(d, o->hosts.v[i], err) < 0)
			return -1;
	if (o->hosts_file && discover_add_hosts_file(d, o->hosts_file,
						     err) < 0)
		return -1;
	if (o->epmd && !o->hosts.n && !o->hosts_file &&
	    discover_add_epmd(d, NULL, err) < 0)
		return -1;
	memset(&h, 0, sizeof h);
	h.format = o->format;
	h.basename = o->basename;
	h.from = o->from;
	h.cacert = o->cacert;
	h.max_body = (size_t)o->max_body;
	h.cluster_domain = o->cluster_domain;
	if (o->bearer_file) {
		bearer = discover_read_secret(o->bearer_file, "bearer token",
					      err);
		if (!bearer)
			return -1;
		h.bearer = bearer;
	}
	for (i = 0; i < o->urls.n && rc == 0; i++) {
		h.url = o->urls.v[i];
		rc = discover_add_http(d, &h, err);
	}
	if (bearer) {
		explicit_bzero(bearer, strlen(bearer));
		free(bearer);
	}
	if (rc < 0)
		return -1;
	h.bearer = NULL;
	if (o->k8s_on && discover_add_k8s(d, &o->k8s, &h, err) < 0)
		return -1;
	for (i = 0; i < o->files.n; i++)
		if (discover_add_static_file(d, o->files.v[i], err) < 0)
			return -1;
	for (i = 0; i < nnames; i++)
		if (discover_add_static(d, names[i], "args", err) < 0)
			return -1;
	return 0;
}

/* ---- option parsing --------------------------------------------------- */

static int strategy_word(struct options *o, const char *w)
{
	if (!strcmp(w, "dns"))
		o->dns = true;
	else if (!strcmp(w, "epmd"))
		o->epmd = true;
	else if (!strcmp(w, "http"))
		o->http = true;
	else if (!strcmp(w, "k8s"))
		o->k8s_on = true;
	else if (!strcmp(w, "static"))
		o->statics = true;
	else
		return 0;
	return 1;
}

static int own_option(struct options *o, int opt, const char *arg,
		      struct dist_error *err)
{
	int f;

	switch (opt) {
	case OPT_QUERY: list_add(&o->queries, arg); o->dns = true; break;
	case OPT_SRV: list_add(&o->srvs, arg); o->dns = true; break;
	case 'b': o->basename = arg; break;
	case OPT_NAME_FROM:
		if (!strcmp(arg, "ip"))
			o->from = DISCOVER_FROM_IP;
		else if (!strcmp(arg, "hostname"))
			o->from = DISCOVER_FROM_HOSTNAME;
		else
			return usage(err, "--name-from: use ip or hostname");
		break;
	case 'H': list_add(&o->hosts, arg); o->epmd = true; break;
	case OPT_HOSTS_FILE: o->hosts_file = arg; o->epmd = true; break;
	case OPT_HOST_FORM:
		if (!strcmp(arg, "short"))
			o->host_form = DISCOVER_HOST_SHORT;
		else if (!strcmp(arg, "long"))
			o->host_form = DISCOVER_HOST_LONG;
		else if (!strcmp(arg, "address"))
			o->host_form = DISCOVER_HOST_ADDRESS;
		else
			return usage(err, "--host-form: use short, long or "
				     "address");
		break;
	case OPT_URL: list_add(&o->urls, arg); o->http = true; break;
	case OPT_FORMAT:
		f = discover_format_parse(arg);
		if (f < 0)
			return usage(err, "--format: use auto, list, "
				     "endpointslice, endpoints or consul");
		o->format = (enum discover_format)f;
		break;
	case OPT_CACERT: o->cacert = arg; break;
	case OPT_BEARER_FILE: o->bearer_file = arg; break;
	case OPT_MAX_BODY:
		return count_parse(arg, 1, 1L << 30, &o->max_body, err);
	case OPT_K8S: o->k8s_on = true; break;
	case OPT_K8S_SERVICE: o->k8s.service = arg; o->k8s_on = true; break;
	case OPT_K8S_SELECTOR: o->k8s.selector = arg; o->k8s_on = true; break;
	case OPT_K8S_NAMESPACE: o->k8s.namespace_ = arg; break;
	case OPT_K8S_API: o->k8s.api = arg; break;
	case OPT_K8S_DIR: o->k8s.dir = arg; break;
	case OPT_CLUSTER_DOMAIN: o->cluster_domain = arg; break;
	case 'f': list_add(&o->files, arg); o->statics = true; break;
	case 'w': o->watch = true; break;
	case 'i':
		if (duration_parse(arg, &o->interval_ms, err) < 0)
			return -1;
		if (o->interval_ms < 1)
			return usage(err, "--interval must be more than 0");
		break;
	case OPT_ERRORS:
		if (strcmp(arg, "stdout") && strcmp(arg, "stderr"))
			return usage(err, "--errors: use stdout or stderr");
		o->errors_stdout = !strcmp(arg, "stdout");
		break;
	case OPT_DNS: o->dns = true; break;
	case OPT_EPMD: o->epmd = true; break;
	case OPT_HTTP: o->http = true; break;
	case OPT_STATIC: o->statics = true; break;
	default:
		return usage(err, "unknown option");
	}
	return 0;
}

/* Strategies asked for must have what they need. */
static int check_strategies(const struct options *o, int nnames,
			    struct dist_error *err)
{
	if (o->dns && !o->queries.n && !o->srvs.n)
		return usage(err, "dns needs --query NAME or --srv NAME");
	if (o->http && !o->urls.n)
		return usage(err, "http needs --url URL");
	if (o->statics && !o->files.n && !nnames)
		return usage(err, "static needs NODE arguments or --file");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "query", required_argument, NULL, OPT_QUERY },
		{ "srv", required_argument, NULL, OPT_SRV },
		{ "basename", required_argument, NULL, 'b' },
		{ "name-from", required_argument, NULL, OPT_NAME_FROM },
		{ "resolver", required_argument, NULL, CLI_OPT_RESOLVER },
		{ "host", required_argument, NULL, 'H' },
		{ "hosts-file", required_argument, NULL, OPT_HOSTS_FILE },
		{ "epmd-port", required_argument, NULL, CLI_OPT_EPMD_PORT },
		{ "host-form", required_argument, NULL, OPT_HOST_FORM },
		{ "url", required_argument, NULL, OPT_URL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "cacert", required_argument, NULL, OPT_CACERT },
		{ "bearer-file", required_argument, NULL, OPT_BEARER_FILE },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "k8s", no_argument, NULL, OPT_K8S },
		{ "k8s-service", required_argument, NULL, OPT_K8S_SERVICE },
		{ "k8s-selector", required_argument, NULL, OPT_K8S_SELECTOR },
		{ "k8s-namespace", required_argument, NULL, OPT_K8S_NAMESPACE },
		{ "k8s-api", required_argument, NULL, OPT_K8S_API },
		{ "k8s-dir", required_argument, NULL, OPT_K8S_DIR },
		{ "cluster-domain", required_argument, NULL,
		  OPT_CLUSTER_DOMAIN },
		{ "file", required_argument, NULL, 'f' },
		{ "watch", no_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "errors", required_argument, NULL, OPT_ERRORS },
		{ "dns", no_argument, NULL, OPT_DNS },
		{ "epmd", no_argument, NULL, OPT_EPMD },
		{ "http", no_argument, NULL, OPT_HTTP },
		{ "static", no_argument, NULL, OPT_STATIC },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common cli;
	struct options o;
	struct discover_config dcfg;
	struct run r;
	struct dist_error err;
	struct engine *e = NULL;
	const char **store;
	int opt, rc, first, status;

	cli_common_init(&cli);
	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	dist_error_clear(&err);
	o.interval_ms = 10000;
	/* Each repeatable option fits in argc slots. */
	store = calloc(5 * (size_t)argc + 5, sizeof *store);
	if (!store)
		return 3;
	o.queries.v = store;
	o.srvs.v = store + argc + 1;
	o.hosts.v = store + 2 * (argc + 1);
	o.urls.v = store + 3 * (argc + 1);
	o.files.v = store + 4 * (argc + 1);
	while ((opt = getopt_long(argc, argv, "b:H:f:wi:t:o:qhV", longopts,
				  NULL)) != -1) {
		if (opt == '?') {
			free(store);
			return cli_usage_hint("dist-discover");
		}
		rc = cli_common_option(&cli, opt, optarg, &err);
		if (rc == 0)
			rc = own_option(&o, opt, optarg, &err) < 0 ? -1 : 1;
		if (rc < 0)
			goto usage_error;
	}
	status = cli_help_or_version(&cli, usage_text, "dist-discover");
	if (status >= 0) {
		free(store);
		return status;
	}
	/* Leading words name strategies; the rest are static names. */
	for (first = optind; first < argc && strategy_word(&o, argv[first]);
	     first++)
		;
	if (first < argc)
		o.statics = true;
	if (!o.dns && !o.epmd && !o.http && !o.k8s_on && !o.statics)
		o.epmd = true;
	if (check_strategies(&o, argc - first, &err) < 0)
		goto usage_error;
	o.out = cli.quiet ? OUTPUT_QUIET : cli.format;
	o.timeout_ms = cli.timeout_ms;
	o.resolver = cli_resolver(&cli);
	if (o.resolver && resolver_servers_check(o.resolver, &err) < 0)
		goto usage_error;
	o.epmd_port = epmd_port_from_env((int)cli.epmd_port_flag, &err);
	if (o.epmd_port < 0)
		goto usage_error;

	signal(SIGPIPE, SIG_IGN);
	e = engine_new(&err);
	memset(&dcfg, 0, sizeof dcfg);
	dcfg.e = e;
	dcfg.resolver_servers = o.resolver;
	dcfg.timeout_us = o.timeout_ms * 1000;
	dcfg.epmd_port = (int)o.epmd_port;
	dcfg.epmd_host_form = o.host_form;
	r.o = &o;
	r.d = e ? discover_new(&dcfg, &err) : NULL;
	if (!r.d)
		goto env_error;
	if (add_sources(r.d, &o, argv + first, argc - first, &err) < 0) {
		if (err.code == DIST_E_USAGE)
			goto usage_error;
		goto env_error;
	}
	if (o.resolver && !discover_resolver(r.d, &err))
		goto usage_error;
	if (o.watch && !(r.watch = discover_watch_new())) {
		dist_error_set(&err, DIST_E_NOMEM, DIST_STAGE_NONE,
			       "out of memory");
		goto env_error;
	}
	r.next_poll.cb = on_next_poll;
	r.next_poll.data = &r;
	engine_timer_arm(e, &r.next_poll, engine_now_us());
	if (engine_run(e, &err) < 0)
		goto env_error;
	status = r.output_failed ? cli_output_failed(r.output_errno)
		 : r.any_error ? DIST_EXIT_FAILED : DIST_EXIT_OK;
	json_decref(r.last_errors);
	discover_watch_free(r.watch);
	discover_free(r.d);
	engine_free(e);
	free(store);
	return status;

usage_error:
	cli_report(&err);
	status = 2;
	goto out;
env_error:
	cli_report(&err);
	status = 3;
out:
	json_decref(r.last_errors);
	discover_watch_free(r.watch);
	discover_free(r.d);
	engine_free(e);
	free(store);
	return status;
}
