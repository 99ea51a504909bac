/* dist-node - a long-running hidden Erlang node for shell scripts:
 * BEAM nodes ping it and send to its mailboxes, it prints what arrives
 * as JSON Lines and sends what stdin asks.
 *
 * CLI glue only: options, then the node runtime (lib/cluster/node.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/duration.h"
#include "cli/program.h"
#include "cluster/command.h"
#include "cluster/node.h"
#include "codec/codec.h"

#define MAILBOXES_MAX 64
#define CONNECT_MAX 256

static const char usage_text[] =
"Usage: dist-node --name NAME[@HOST] [OPTION]...\n"
"Run a hidden Erlang node until SIGTERM/SIGINT: it registers NAME with\n"
"EPMD, answers net_adm:ping, prints every message sent to its mailboxes\n"
"as one JSON record a line on stdout, and runs JSON Lines commands from\n"
"stdin: send, call (gen_server:call), rpc, connect, disconnect, monitor,\n"
"demonitor, register, unregister, e.g.\n"
"  {\"call\": \"application_controller@app@host\", \"term\": \"which_applications\"}\n"
"The first record is {\"event\":\"ready\",\"node\":..,\"port\":..,\"creation\":..}.\n";

static const char epilogue[] =
"Exit status: 0 stopped by a signal, --max-messages reached, stdin done\n"
"or stdout closed; 1 --timeout passed or a send failed; 2 usage error;\n"
"3 environment error (cookie, EPMD unreachable, name already\n"
"registered). See dist-node(1) and dist(7).\n";

enum {
	OPT_REGISTER = 0x300,
	OPT_MAX_MESSAGES,
	OPT_AT_EOF,
	OPT_TICKTIME,
	OPT_MAX_SIZE,
	OPT_OUTPUT,
	OPT_EPMD,
	OPT_COUNT,
	OPT_CONNECT,
	OPT_VISIBLE,
	OPT_CODEC,
};

/* --count: enough for the scale benchmarks, and a bound on what one
 * typo can ask of the descriptor table. */
#define COUNT_MAX 100000

/* dist-node takes some shared options, with help of its own: it is a
 * server, so -t, -p and --connect-timeout mean other things here. */
static const struct cli_option node_options[] = {
	{ "name", 'n', "NAME[@HOST]", "our node name (without @HOST: the short host\n"
	  "name, as erl -sname)", CLI_SHARED('n') },
	{ "register", 0, "NAME", "a mailbox: messages to {NAME, Node} are\n"
	  "printed (repeatable)", OPT_REGISTER },
	{ "connect", 0, "NODE", "keep a connection to NODE, reconnecting with\n"
	  "backoff; nodeup/nodedown records (repeatable)", OPT_CONNECT },
	{ "visible", 0, NULL, "a visible node (PUBLISHED): global and pg see\n"
	  "it; hidden by default", OPT_VISIBLE },
	{ "max-messages", 0, "N", "exit 0 after N messages", OPT_MAX_MESSAGES },
	{ "timeout", 't', "DUR", "exit 1 with a timeout record after DUR\n"
	  "(default: run until stopped)", CLI_SHARED('t') },
	{ "at-eof", 0, "MODE", "end of stdin: auto (default: exit once the\n"
	  "sends are delivered if stdin carried a\n"
	  "command and --max-messages is not given;\n"
	  "else keep serving), exit, serve", OPT_AT_EOF },
	{ "output", 'o', "FORMAT", "messages as json (natural JSON, default),\n"
	  "tagged (lossless JSON) or term (Erlang text)", OPT_OUTPUT },
	{ "codec", 0, "SCHEMA", "decode {Tag, Binary} messages with this Gleam\n"
	  "distribute codec (dist(7), CODECS)", OPT_CODEC },
	{ "net-ticktime", 0, "SECS", "OTP's net_ticktime (default 60): a peer silent\n"
	  "that long is dropped (nodedown)", OPT_TICKTIME },
	{ "connect-timeout", 0, "DUR", "handshake deadline, and each stage of the\n"
	  "connections we open (default 5s)",
	  CLI_SHARED(CLI_OPT_CONNECT_TIMEOUT) },
	{ "max-size", 0, "SIZE", "largest message accepted (default 64M)",
	  OPT_MAX_SIZE },
	{ "cookie-file", 0, "FILE", "read the cookie from FILE (mode 0400/0600)",
	  CLI_SHARED(CLI_OPT_COOKIE_FILE) },
	{ "vm-args", 0, "FILE", "a release's vm.args: its -setcookie",
	  CLI_SHARED(CLI_OPT_VM_ARGS) },
	{ "cookie", 0, "VALUE", "the cookie itself (visible in ps: avoid)",
	  CLI_SHARED(CLI_OPT_COOKIE) },
	{ "epmd-port", 0, "PORT", "EPMD port (default $ERL_EPMD_PORT or 4369)",
	  CLI_SHARED(CLI_OPT_EPMD_PORT) },
	{ "port", 'p', "PORT", "listen on PORT and do not register with EPMD",
	  CLI_SHARED('p') },
	{ "epmd", 0, "MODE", "auto (default: the EPMD on the port, else\n"
	  "serve one), external (one must run) or\n"
	  "embedded (serve the EPMD protocol here)", OPT_EPMD },
	{ "count", 0, "N", "run N nodes in this process, named by\n"
	  "--name's pattern with one %d (1..N)", OPT_COUNT },
	{ "resolver", 0, "HOST[:PORT]", "DNS server(s) for the nodes we send to",
	  CLI_SHARED(CLI_OPT_RESOLVER) },
	{ "tls", 0, NULL, "TLS distribution both ways (-proto_dist\n"
	  "inet_tls); any option below implies it", CLI_SHARED(CLI_OPT_TLS) },
	{ "certfile", 0, "FILE", "our certificate (PEM): shown to peers, and\n"
	  "to nodes we connect to", CLI_SHARED(CLI_OPT_CERTFILE) },
	{ "keyfile", 0, "FILE", "its key (PEM; default: in --certfile)",
	  CLI_SHARED(CLI_OPT_KEYFILE) },
	{ "cacertfile", 0, "FILE", "CAs for the nodes' certificates; peers must\n"
	  "show one it signed (verify_peer)", CLI_SHARED(CLI_OPT_CACERTFILE) },
	{ "insecure", 0, NULL, "verify no certificate, ours to check or\n"
	  "theirs (warns; never the default)", CLI_SHARED(CLI_OPT_INSECURE) },
	{ "ssl-dist-optfile", 0, "FILE", "a node's -ssl_dist_optfile: its server\n"
	  "and client sections (options above win)",
	  CLI_SHARED(CLI_OPT_SSL_DIST_OPTFILE) },
	CLI_OPTION_END,
};

struct node_opts {
	const char *mailboxes[MAILBOXES_MAX];
	size_t nmailboxes;
	const char *connect[CONNECT_MAX];
	size_t nconnect;
	bool visible;
	long max_messages;
	int64_t ticktime_ms;
	uint64_t max_size;
	enum node_output output;
	enum node_at_eof at_eof;
	enum node_epmd_mode epmd;
	long count;
	bool timeout_set;
	struct codec *codec;     /* --codec */
};

static int node_option(void *ctx, int opt, const char *arg,
		       struct dist_error *err)
{
	struct node_opts *o = ctx;

	switch (opt) {
	case OPT_REGISTER:
		if (!node_cmd_name_ok(arg) || !strcmp(arg, "net_kernel"))
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--register '%s': a mailbox name "
					      "is an atom of 1 to 255 printable "
					      "characters, not net_kernel",
					      arg);
		if (o->nmailboxes == MAILBOXES_MAX)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--register: at most %d mailboxes",
					      MAILBOXES_MAX);
		o->mailboxes[o->nmailboxes++] = arg;
		return 1;
	case OPT_CONNECT: {
		struct node_name nn;

		if (node_name_parse(arg, &nn, err) < 0)
			return -1;
		if (o->nconnect == CONNECT_MAX)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--connect: at most %d nodes",
					      CONNECT_MAX);
		o->connect[o->nconnect++] = arg;
		return 1;
	}
	case OPT_VISIBLE:
		o->visible = true;
		return 1;
	case OPT_MAX_MESSAGES:
		return count_parse(arg, 1, 1000000000L, &o->max_messages,
				   err) < 0 ? -1 : 1;
	case OPT_AT_EOF:
		if (!strcmp(arg, "auto"))
			o->at_eof = NODE_EOF_AUTO;
		else if (!strcmp(arg, "exit"))
			o->at_eof = NODE_EOF_EXIT;
		else if (!strcmp(arg, "serve"))
			o->at_eof = NODE_EOF_SERVE;
		else
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--at-eof '%s': use auto, exit "
					      "or serve", arg);
		return 1;
	case OPT_TICKTIME:
		if (duration_parse(arg, &o->ticktime_ms, err) < 0)
			return -1;
		if (o->ticktime_ms < 1000)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--net-ticktime '%s': at least "
					      "1 second", arg);
		return 1;
	case OPT_CODEC:
		codec_free(o->codec);
		o->codec = codec_parse(arg, strlen(arg), NULL, err);
		if (!o->codec)
			err->code = DIST_E_USAGE;
		return o->codec ? 1 : -1;
	case OPT_MAX_SIZE:
		return size_parse(arg, UINT32_MAX, &o->max_size, err) < 0
			       ? -1 : 1;
	case OPT_EPMD:
		if (!strcmp(arg, "auto"))
			o->epmd = NODE_EPMD_AUTO;
		else if (!strcmp(arg, "external"))
			o->epmd = NODE_EPMD_EXTERNAL;
		else if (!strcmp(arg, "embedded"))
			o->epmd = NODE_EPMD_EMBEDDED;
		else
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--epmd '%s': use auto, external "
					      "or embedded", arg);
		return 1;
	case OPT_COUNT:
		return count_parse(arg, 1, COUNT_MAX, &o->count, err) < 0
			       ? -1 : 1;
	case OPT_OUTPUT:
		if (!strcmp(arg, "json"))
			o->output = NODE_OUT_JSON;
		else if (!strcmp(arg, "tagged"))
			o->output = NODE_OUT_TAGGED;
		else if (!strcmp(arg, "term"))
			o->output = NODE_OUT_TERM;
		else
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "-o '%s': use json, tagged or "
					      "term", arg);
		return 1;
	default:
		return 0;
	}
}

static const struct cli_program node_program = {
	.name = "dist-node",
	.usage = usage_text,
	.epilogue = epilogue,
	.options = node_options,
	.option = node_option,
	.groups = 0,
};

/* NAME alone gets our short host name, as erl -sname does. With
 * --count, NAME is a pattern: the last node's name is the one checked. */
static int full_name(const char *name, long count, char *out, size_t len,
		     struct dist_error *err)
{
	struct node_name nn;
	char host[256], last[520];

	if (!name)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--name is required: the node's name, "
				      "like 'sh' or 'sh@127.0.0.1'");
	if (strchr(name, '@')) {
		snprintf(out, len, "%s", name);
	} else {
		if (gethostname(host, sizeof host) < 0)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "--name %s: no host name to add; "
					      "give NAME@HOST", name);
		host[sizeof host - 1] = '\0';
		host[strcspn(host, ".")] = '\0';
		snprintf(out, len, "%s@%s", name, host);
	}
	if (count && node_pattern_name(out, count, last, sizeof last,
				       err) < 0)
		return -1;
	return node_name_parse(count ? last : out, &nn, err) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct node_opts o = { .ticktime_ms = 60000,
			       .max_size = 64 * 1024 * 1024 };
	struct node_config cfg;
	struct cli_common cli;
	struct dist_error err;
	char name[520];
	int first, rc;

	cli_common_init(&cli);
	cli.timeout_ms = 0;
	dist_error_clear(&err);
	rc = cli_parse(&node_program, &cli, &o, argc, argv, &first);
	if (rc >= 0) {
		codec_free(o.codec);
		return rc;
	}
	if (first < argc) {
		dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "unexpected argument '%s'", argv[first]);
		goto usage_error;
	}
	if (o.count && cli.name &&
	    node_pattern_check(cli.name, &err) < 0)
		goto usage_error;
	if (full_name(cli.name, o.count, name, sizeof name, &err) < 0)
		goto usage_error;
	if (o.count && cli.direct_port) {
		dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "--count and --port: N nodes cannot share "
			       "one fixed port");
		goto usage_error;
	}
	memset(&cfg, 0, sizeof cfg);
	/* A pattern is no name: full_name checked the names it makes. */
	if (o.count)
		cli.name = NULL;
	if (cli_common_finish(&cli, &cfg.conn, &err) < 0) {
		codec_free(o.codec);
		cli_report(&err);
		return cli_exit_status(&err);
	}
	/* With --tls the node accepts TLS too, as an inet_tls node does. */
	if (cli_tls_server(&cli.tls, &cfg.tls_server, &err) < 0) {
		cli_common_release(&cli, &cfg.conn);
		codec_free(o.codec);
		cli_report(&err);
		return cli_exit_status(&err);
	}
	cfg.name = name;
	cfg.count = o.count;
	cfg.epmd = o.epmd;
	cfg.conn.our_name = name;
	cfg.conn.max_message = (size_t)o.max_size;
	cfg.conn.stage_timeout_us = cli.connect_timeout_ms * 1000;
	cfg.conn.tick_interval_us = o.ticktime_ms * 1000 / 4;
	cfg.listen_port = (int)cli.direct_port;
	cfg.conn.direct_port = 0;
	cfg.net_ticktime_us = o.ticktime_ms * 1000;
	cfg.handshake_timeout_us = cli.connect_timeout_ms * 1000;
	cfg.timeout_us = cli.timeout_ms * 1000;
	cfg.max_messages = o.max_messages;
	cfg.mailboxes = o.mailboxes;
	cfg.nmailboxes = o.nmailboxes;
	cfg.connect = o.connect;
	cfg.nconnect = o.nconnect;
	cfg.visible = o.visible;
	cfg.output = o.output;
	cfg.at_eof = o.at_eof;
	cfg.in_fd = STDIN_FILENO;
	cfg.out_fd = STDOUT_FILENO;
	cfg.diag_fd = STDERR_FILENO;
	cfg.resolver = cli_resolver(&cli);
	cfg.codec = o.codec;
	rc = node_run(&cfg, &err);
	tls_ctx_free(cfg.tls_server);
	cli_common_release(&cli, &cfg.conn);
	codec_free(o.codec);
	if (rc < 0) {
		cli_report(&err);
		return err.code == DIST_E_USAGE ? DIST_EXIT_USAGE
						: DIST_EXIT_ENV;
	}
	return rc;

usage_error:
	codec_free(o.codec);
	cli_report(&err);
	return DIST_EXIT_USAGE;
}
