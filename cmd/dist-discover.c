/* dist-discover - which Erlang nodes are there? DNS, EPMD, HTTP and
 * static sources in one run, once or --watch.
 *
 * Options and glue only: the options become discovery settings, which
 * lib/discover/ turns into sources and polls (discover_run.h); the
 * records it hands back are written here. Node records go to stdout;
 * error records to stderr unless --errors stdout, so that
 * `dist-discover ... | dist-ping` only ever hands valid targets on. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "discover/discover_run.h"
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

/* getopt values of the settings' long options: DISCOVER_SET_* above
 * the common options' values. */
#define SET(id) (0x200 + (id))
enum { OPT_ERRORS = 0x300 };

/* Where records go, and whether stdout still takes them. */
struct output {
	enum output_format format;
	bool errors_stdout;
	bool failed;
	int errnum;                 /* of the failed write to stdout */
};

static int write_record(void *data, json_t *rec, bool is_error)
{
	struct output *o = data;
	FILE *out = is_error && !o->errors_stdout ? stderr : stdout;
	int rc;

	if (o->failed && out == stdout)
		return -1;
	errno = 0;
	switch (o->format) {
	case OUTPUT_QUIET:
		return 0;
	case OUTPUT_TEXT:
		rc = is_error ? discover_text_error(
					rec, program_invocation_short_name, out)
			      : discover_text_node(rec, out);
		break;
	default:
		rc = record_write_as(rec, o->format, out);
	}
	if (rc != 0 && out == stdout) {
		o->failed = true;
		o->errnum = errno ? errno : EIO;
	}
	return o->failed ? -1 : 0;
}

static int own_option(struct discover_settings *s, struct output *o, int opt,
		      const char *arg, struct dist_error *err)
{
	switch (opt) {
	case OPT_ERRORS:
		if (strcmp(arg, "stdout") && strcmp(arg, "stderr"))
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT, "--errors: "
					      "use stdout or stderr");
		o->errors_stdout = !strcmp(arg, "stdout");
		return 0;
	case 'b': opt = SET(DISCOVER_SET_BASENAME); break;
	case 'H': opt = SET(DISCOVER_SET_HOST); break;
	case 'f': opt = SET(DISCOVER_SET_FILE); break;
	case 'w': opt = SET(DISCOVER_SET_WATCH); break;
	case 'i': opt = SET(DISCOVER_SET_INTERVAL); break;
	}
	return discover_settings_option(s, opt - SET(0), arg, err);
}

/* A discovery on a new engine, with the shared options' resolver,
 * deadline and EPMD port. */
static struct discover *open_discovery(const struct cli_common *cli,
				       const struct discover_settings *s,
				       struct engine **e,
				       struct dist_error *err)
{
	struct discover_config dcfg;
	long port;

	memset(&dcfg, 0, sizeof dcfg);
	dcfg.resolver_servers = cli_resolver(cli);
	if (dcfg.resolver_servers &&
	    resolver_servers_check(dcfg.resolver_servers, err) < 0)
		return NULL;
	port = epmd_port_from_env((int)cli->epmd_port_flag, err);
	if (port < 0)
		return NULL;
	signal(SIGPIPE, SIG_IGN);
	*e = engine_new(err);
	dcfg.e = *e;
	dcfg.timeout_us = cli->timeout_ms * 1000;
	dcfg.epmd_port = (int)port;
	dcfg.epmd_host_form = s->host_form;
	return *e ? discover_new(&dcfg, err) : NULL;
}

/* A long option of the settings, with or without an argument. */
#define ARG(name, id) { name, required_argument, NULL, SET(DISCOVER_SET_##id) }
#define FLAG(name, id) { name, no_argument, NULL, SET(DISCOVER_SET_##id) }

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		ARG("query", QUERY),
		ARG("srv", SRV),
		{ "basename", required_argument, NULL, 'b' },
		ARG("name-from", NAME_FROM),
		{ "resolver", required_argument, NULL, CLI_OPT_RESOLVER },
		{ "host", required_argument, NULL, 'H' },
		ARG("hosts-file", HOSTS_FILE),
		{ "epmd-port", required_argument, NULL, CLI_OPT_EPMD_PORT },
		ARG("host-form", HOST_FORM),
		ARG("url", URL),
		ARG("format", FORMAT),
		ARG("cacert", CACERT),
		ARG("bearer-file", BEARER_FILE),
		ARG("max-body", MAX_BODY),
		FLAG("k8s", K8S),
		ARG("k8s-service", K8S_SERVICE),
		ARG("k8s-selector", K8S_SELECTOR),
		ARG("k8s-namespace", K8S_NAMESPACE),
		ARG("k8s-api", K8S_API),
		ARG("k8s-dir", K8S_DIR),
		ARG("cluster-domain", CLUSTER_DOMAIN),
		{ "file", required_argument, NULL, 'f' },
		{ "watch", no_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "errors", required_argument, NULL, OPT_ERRORS },
		FLAG("dns", DNS),
		FLAG("epmd", EPMD),
		FLAG("http", HTTP),
		FLAG("static", STATIC),
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common cli;
	struct discover_settings s;
	struct output out = { .format = OUTPUT_JSON };
	struct discover_loop_config loop;
	struct dist_error err;
	struct engine *e = NULL;
	struct discover *d = NULL;
	int opt, rc, first, status;

	cli_common_init(&cli);
	dist_error_clear(&err);
	/* Each repeatable option fits in argc slots. */
	if (discover_settings_init(&s, argc, &err) < 0)
		return 3;
	while ((opt = getopt_long(argc, argv, "b:H:f:wi:t:o:qhV", longopts,
				  NULL)) != -1) {
		if (opt == '?') {
			discover_settings_release(&s);
			return cli_usage_hint("dist-discover");
		}
		rc = cli_common_option(&cli, opt, optarg, &err);
		if (rc == 0)
			rc = own_option(&s, &out, opt, optarg, &err);
		if (rc < 0)
			goto failed;
	}
	status = cli_help_or_version(&cli, usage_text, "dist-discover");
	if (status >= 0)
		goto done;
	/* Leading words name strategies; the rest are static names. */
	for (first = optind;
	     first < argc && discover_settings_word(&s, argv[first]); first++)
		;
	if (discover_settings_finish(&s, argc - first, &err) < 0)
		goto failed;
	out.format = cli.quiet ? OUTPUT_QUIET : cli.format;
	d = open_discovery(&cli, &s, &e, &err);
	if (!d || discover_settings_apply(&s, d, argv + first, argc - first,
					  &err) < 0)
		goto failed;
	if (cli_resolver(&cli) && !discover_resolver(d, &err))
		goto failed;
	loop.watch = s.watch;
	loop.interval_ms = s.interval_ms;
	loop.record = write_record;
	loop.data = &out;
	rc = discover_loop_run(d, &loop, &err);
	if (rc < 0)
		goto failed;
	status = out.failed ? cli_output_failed(out.errnum)
		 : rc ? DIST_EXIT_FAILED : DIST_EXIT_OK;
	goto done;
failed:
	/* Bad usage is 2; memory, files and the system are 3. */
	cli_report(&err);
	status = err.code == DIST_E_USAGE ? DIST_EXIT_USAGE : DIST_EXIT_ENV;
done:
	discover_free(d);
	engine_free(e);
	discover_settings_release(&s);
	return status;
}
