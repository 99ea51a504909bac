/* dist-discover - which Erlang nodes are there? DNS, EPMD, HTTP and
 * static sources in one run, once or --watch.
 *
 * Options and glue only: the options become discovery settings, which
 * lib/discover/ turns into sources and polls (discover_run.h); the
 * records it hands back are written here. Node records go to stdout;
 * error records to stderr unless --errors stdout, so that
 * `dist-discover ... | dist-ping` only ever hands valid targets on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/program.h"
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
"NODE... are static names, taken as they are.\n";

static const char epilogue[] =
"Every name found is checked as a node name; an invalid one becomes an\n"
"invalid_name error record and is never printed as a node. A source that\n"
"fails gives an error record with its code; a failed or partial poll\n"
"never reports nodes down.\n"
"\n"
"Exit status: 0 every source answered, 1 some source failed or a name\n"
"was invalid (the nodes found are still printed), 2 usage error,\n"
"3 environment error (unreadable token or file, stdout unwritable).\n"
"See dist-discover(1) and dist(7).\n";

enum { OPT_ERRORS = 0x100 };

/* The settings' rows carry their DISCOVER_SET_* ids; the shared options
 * that mean something else here carry CLI_SHARED with their own help. */
static const struct cli_option discover_options[] = {
	{ "dns", 0, NULL, "DNS: A and AAAA, or SRV", DISCOVER_SET_DNS },
	{ "query", 0, "NAME", "ask A+AAAA for NAME; B@NAME gives its basename",
	  DISCOVER_SET_QUERY },
	{ "srv", 0, "NAME", "ask SRV for NAME (_svc._tcp.domain); B@NAME too",
	  DISCOVER_SET_SRV },
	{ "basename", 'b', "B", "alive part of the names (app in app@host)",
	  DISCOVER_SET_BASENAME },
	{ "name-from", 0, "ip|hostname",
	  "host part: the address (default for\n"
	  "--query) or the host name (PTR for --query,\n"
	  "the target for --srv, the default there)", DISCOVER_SET_NAME_FROM },
	{ "resolver", 0, "HOST[:PORT]",
	  "DNS server(s) instead of /etc/resolv.conf\n"
	  "(also $DIST_RESOLVER)", CLI_SHARED(CLI_OPT_RESOLVER) },
	{ "epmd", 0, NULL, "EPMD: NAMES, as net_adm:names/1", DISCOVER_SET_EPMD },
	{ "host", 'H', "HOST", "ask EPMD on HOST (repeatable; default here)",
	  DISCOVER_SET_HOST },
	{ "hosts-file", 0, "FILE", "every host of an Erlang .hosts.erlang file",
	  DISCOVER_SET_HOSTS_FILE },
	{ "epmd-port", 0, "PORT", "EPMD port (default $ERL_EPMD_PORT or 4369)",
	  CLI_SHARED(CLI_OPT_EPMD_PORT) },
	{ "host-form", 0, "FORM",
	  "host part of EPMD's names: short (erl -sname,\n"
	  "the default here), long (erl -name: HOST as\n"
	  "given, this host's full name) or address\n"
	  "(erl -name alive@IP: where EPMD answered)", DISCOVER_SET_HOST_FORM },
	{ "http", 0, NULL, "HTTP: libcurl, TLS verified", DISCOVER_SET_HTTP },
	{ "url", 0, "URL", "a JSON document listing nodes (repeatable)",
	  DISCOVER_SET_URL },
	{ "format", 0, "FMT", "auto (default), list, endpointslice,\n"
	  "endpoints or consul", DISCOVER_SET_FORMAT },
	{ "cacert", 0, "FILE", "CA certificates for https", DISCOVER_SET_CACERT },
	{ "bearer-file", 0, "FILE", "send the token in FILE as a Bearer header",
	  DISCOVER_SET_BEARER_FILE },
	{ "max-body", 0, "BYTES", "refuse larger bodies (default 8388608)",
	  DISCOVER_SET_MAX_BODY },
	{ "k8s", 0, NULL, "EndpointSlices through the pod's service\n"
	  "account (token, ca.crt, namespace files)", DISCOVER_SET_K8S },
	{ "k8s-service", 0, "NAME", "... of this Service",
	  DISCOVER_SET_K8S_SERVICE },
	{ "k8s-selector", 0, "SEL", "... or of this label selector",
	  DISCOVER_SET_K8S_SELECTOR },
	{ "k8s-namespace", 0, "NS", "namespace (default: the account's)",
	  DISCOVER_SET_K8S_NAMESPACE },
	{ "k8s-api", 0, "URL", "API server (default from\n"
	  "$KUBERNETES_SERVICE_HOST/_PORT)", DISCOVER_SET_K8S_API },
	{ "k8s-dir", 0, "DIR", "service account files (default\n"
	  "/var/run/secrets/kubernetes.io/serviceaccount)",
	  DISCOVER_SET_K8S_DIR },
	{ "cluster-domain", 0, "D",
	  "for --name-from hostname (default cluster.local)",
	  DISCOVER_SET_CLUSTER_DOMAIN },
	{ "static", 0, NULL, "static: NODE... and --file names as they are",
	  DISCOVER_SET_STATIC },
	{ "file", 'f', "FILE", "names, one per line (read at every poll)",
	  DISCOVER_SET_FILE },
	{ "watch", 'w', NULL, "poll forever; print {\"event\":\"up\"|\"down\"}\n"
	  "records when the set changes", DISCOVER_SET_WATCH },
	{ "interval", 'i', "DUR", "time between polls (default 10s)",
	  DISCOVER_SET_INTERVAL },
	{ "timeout", 't', "DUR", "deadline of each poll (default 10s)",
	  CLI_SHARED('t') },
	{ "errors", 0, "WHERE", "error records to stderr (default) or stdout",
	  OPT_ERRORS },
	CLI_OPTION_END,
};

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

struct discover_cmd {
	struct discover_settings s;
	struct output out;
};

static int discover_option(void *ctx, int id, const char *arg,
			   struct dist_error *err)
{
	struct discover_cmd *c = ctx;

	if (id != OPT_ERRORS)
		return discover_settings_option(&c->s, id, arg, err) < 0 ? -1
									  : 1;
	if (strcmp(arg, "stdout") && strcmp(arg, "stderr"))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--errors: use stdout or stderr");
	c->out.errors_stdout = !strcmp(arg, "stdout");
	return 1;
}

static const struct cli_program discover_program = {
	.name = "dist-discover",
	.usage = usage_text,
	.epilogue = epilogue,
	.options = discover_options,
	.option = discover_option,
	.groups = CLI_GROUP_OUTPUT,
};

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
	*e = engine_new(err);
	dcfg.e = *e;
	dcfg.timeout_us = cli->timeout_ms * 1000;
	dcfg.epmd_port = (int)port;
	dcfg.epmd_host_form = s->host_form;
	return *e ? discover_new(&dcfg, err) : NULL;
}

int main(int argc, char **argv)
{
	struct cli_common cli;
	struct discover_cmd c = { 0 };
	struct discover_loop_config loop;
	struct dist_error err;
	struct engine *e = NULL;
	struct discover *d = NULL;
	int rc, first, status;

	cli_common_init(&cli);
	dist_error_clear(&err);
	/* Each repeatable option fits in argc slots. */
	if (discover_settings_init(&c.s, argc, &err) < 0)
		return DIST_EXIT_ENV;
	status = cli_parse(&discover_program, &cli, &c, argc, argv, &first);
	if (status >= 0)
		goto done;
	/* Leading words name strategies; the rest are static names. */
	while (first < argc && discover_settings_word(&c.s, argv[first]))
		first++;
	if (discover_settings_finish(&c.s, argc - first, &err) < 0)
		goto failed;
	c.out.format = cli.quiet ? OUTPUT_QUIET : cli.format;
	d = open_discovery(&cli, &c.s, &e, &err);
	if (!d || discover_settings_apply(&c.s, d, argv + first, argc - first,
					  &err) < 0)
		goto failed;
	loop.watch = c.s.watch;
	loop.interval_ms = c.s.interval_ms;
	loop.record = write_record;
	loop.data = &c.out;
	rc = discover_loop_run(d, &loop, &err);
	if (rc < 0)
		goto failed;
	status = c.out.failed ? cli_output_failed(c.out.errnum)
		 : rc ? DIST_EXIT_FAILED : DIST_EXIT_OK;
	goto done;
failed:
	/* Bad usage is 2; memory, files and the system are 3. */
	cli_report(&err);
	status = err.code == DIST_E_USAGE ? DIST_EXIT_USAGE : DIST_EXIT_ENV;
done:
	discover_free(d);
	engine_free(e);
	discover_settings_release(&c.s);
	return status;
}
