/* dist-rpc - call M:F(A), or evaluate expressions, on one or many nodes.
 *
 * CLI glue only: options and positionals, then the shared runner drives
 * rpc jobs (lib/run/rpc.c) over the targets. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/duration.h"
#include "run/rpc.h"
#include "term/term_json.h"
#include "term/term_parse.h"

#define EVAL_STDIN_MAX (1024 * 1024)

static const char usage_text[] =
"Usage: dist-rpc [OPTION]... NODE MOD FUN [ARGS]\n"
"       dist-rpc [OPTION]... MOD FUN [ARGS] < targets\n"
"       dist-rpc [OPTION]... --eval EXPRS [NODE] [< targets]\n"
"Call MOD:FUN(ARGS...) on Erlang nodes, or evaluate Erlang expressions,\n"
"and print each node's result as it arrives. ARGS is a list in Erlang\n"
"term syntax, as erl_call -a takes it: '[1, <<\"bin\">>, {a, b}]'.\n"
"Without NODE, targets are read from stdin (bare name@host lines or JSON\n"
"records with \"node\"; a record may carry its own \"module\",\n"
"\"function\" and \"args\", or \"eval\").\n"
"\n"
"  -e, --eval EXPRS         evaluate 'Expr, Expr.' on the node; '-' reads\n"
"                           the expressions from stdin\n"
"      --json-args JSON     ARGS as tagged JSON (as -o tagged prints)\n"
"      --capture-output     return what the call prints (io:format) in\n"
"                           \"output\" instead of the node's console\n"
"      --max-size SIZE      largest answer accepted (default 64M; k, M, G)\n"
"  -o, --output FORMAT      json (default: natural JSON), tagged (lossless\n"
"                           JSON), term (Erlang syntax), raw (the bare\n"
"                           value, for $(...)), text, pretty; tagged\n"
"                           combines with pretty in either order\n"
"  -t, --timeout DUR        deadline for the whole command (default 60s);\n"
"                           the call keeps running on the node after it\n"
"      --connect-timeout DUR  limit for each connection stage (default 5s)\n"
"  -j, --concurrency N      nodes in flight at once (default 64)\n"
"      --cookie-file FILE   read the cookie from FILE (mode 0400/0600)\n"
"      --vm-args FILE       a release's vm.args: -setcookie, -name/-sname\n"
"      --cookie VALUE       the cookie itself (visible in ps: avoid)\n"
"  -n, --name NAME          our node name (default: -dist0..-dist31@host)\n"
"      --epmd-port PORT     EPMD port (default $ERL_EPMD_PORT or 4369)\n"
"  -p, --port PORT          skip EPMD: the node listens on PORT\n"
"      --address HOST[:PORT]  connect to HOST (EPMD there, or PORT),\n"
"                           not to the target's host; the name stays\n"
"      --resolver HOST[:PORT]  DNS server(s) instead of /etc/resolv.conf\n"
"  -q, --quiet              no output; the exit status tells\n"
"      --stats              end with a summary record (counts, p50/p99)\n"
"      --prom FILE          write the summary as a Prometheus textfile\n"
"  -h, --help               show this help\n"
"  -V, --version            show the version\n"
"\n"
"Exit status: 0 every call returned, 1 some failed (badrpc, exception,\n"
"timeout, connection errors: see the records), 2 usage or input error\n"
"(no call after a rejected line is made), 3 environment error (cookie,\n"
"stdout unwritable). See dist-rpc(1) and dist(7).\n";

enum {
	OPT_JSON_ARGS = 0x200,
	OPT_CAPTURE,
	OPT_MAX_SIZE,
};

static char *read_all_stdin(struct dist_error *err)
{
	struct buf b;
	char chunk[65536];
	size_t n;

	buf_init(&b, EVAL_STDIN_MAX + 1);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_put(&b, chunk, n);
	buf_put_u8(&b, 0);
	if (b.failed) {
		buf_free(&b);
		dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "--eval -: more than %d bytes on stdin",
			       EVAL_STDIN_MAX);
		return NULL;
	}
	return (char *)b.data;
}

static bool looks_like_node(const char *s)
{
	return strchr(s, '@') != NULL;
}

/* -o: tagged picks the lossless mapping and combines with json or
 * pretty in either order; of json, pretty, text, term and raw the last
 * one given wins. */
struct output_choice {
	bool tagged;
	const char *layout;
};

static void output_choose(const struct output_choice *oc,
			  struct cli_common *cli, int *out_mode)
{
	int m = rpc_output_parse(oc->layout);

	if (!strcmp(oc->layout, "pretty") || m == RPC_OUT_NATURAL) {
		*out_mode = oc->tagged ? RPC_OUT_TAGGED : RPC_OUT_NATURAL;
		cli->format = m == RPC_OUT_NATURAL ? OUTPUT_JSON
						   : OUTPUT_PRETTY;
		return;
	}
	*out_mode = m;
	cli->format = OUTPUT_TEXT;
}

/* An atom is at most 255 characters of UTF-8 (the node refuses more). */
static bool atom_ok(const char *s)
{
	long n = s ? node_utf8_length(s) : 0;

	return n >= 0 && n <= 255;
}

/* The call given on the command line is checked once, before any node
 * is contacted: a typo in ARGS is a usage error, not one failure per
 * target. (A record's own module/function/args are checked per record,
 * as a per-target invalid_args.) */
static int check_call(const struct rpc_config *c, struct dist_error *err)
{
	struct etf_arena *a = etf_arena_new();
	struct etf_term *t = NULL;
	json_t *doc = NULL;
	json_error_t jerr;
	int rc = 0;

	if (!a)
		return dist_error_set(err, DIST_E_NOMEM, DIST_STAGE_NONE,
				      "out of memory");
	if (!atom_ok(c->module) || !atom_ok(c->function))
		rc = dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				    "MOD and FUN must be atoms of at most "
				    "255 characters");
	else if (c->args_text &&
		 term_parse_args(c->args_text, strlen(c->args_text), a, NULL,
				 &t, err) < 0) {
		char why[DIST_ERROR_MSG_MAX];

		snprintf(why, sizeof why, "%s", err->message);
		rc = dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				    "ARGS: %s", why);
	}
	else if (c->args_json) {
		doc = json_loads(c->args_json, JSON_DECODE_ANY | JSON_ALLOW_NUL,
				 &jerr);
		if (!doc)
			rc = dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
					    "--json-args: invalid JSON at "
					    "column %d: %s", jerr.column,
					    jerr.text);
		else if (term_from_json_tagged(doc, a, NULL, &t, err) < 0)
			rc = -1;
		else if (t->type != ETF_LIST && t->type != ETF_NIL &&
			 t->type != ETF_STRING)
			rc = dist_error_set(err, DIST_E_USAGE,
					    DIST_STAGE_INPUT,
					    "--json-args must be a JSON array "
					    "(the argument list)");
	}
	json_decref(doc);
	etf_arena_free(a);
	if (rc < 0)
		err->code = DIST_E_USAGE;
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG_OPTIONS,
		{ "eval", required_argument, NULL, 'e' },
		{ "json-args", required_argument, NULL, OPT_JSON_ARGS },
		{ "capture-output", no_argument, NULL, OPT_CAPTURE },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common cli;
	struct rpc_config rcfg_rpc;
	struct runner_config rcfg;
	struct runner_summary sum;
	struct dist_error err;
	char *eval_buf = NULL, *node_arg[1];
	int opt, rc, npos, out_mode = RPC_OUT_NATURAL;
	struct output_choice oc = { false, "json" };
	uint64_t max_size = 64 * 1024 * 1024;
	char **pos;

	cli_common_init(&cli);
	cli.timeout_ms = 60000;
	memset(&rcfg_rpc, 0, sizeof rcfg_rpc);
	dist_error_clear(&err);
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT "e:", longopts,
				  NULL)) != -1) {
		if (opt == 'o' && rpc_output_parse(optarg) < 0 &&
		    strcmp(optarg, "pretty") != 0) {
			dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
				       "-o '%s': use json, tagged, term, raw, "
				       "text or pretty", optarg);
			goto usage_error;
		}
		if (opt == 'o') {
			if (!strcmp(optarg, "tagged"))
				oc.tagged = true;
			else
				oc.layout = optarg;
			continue;
		}
		rc = cli_common_option(&cli, opt, optarg, &err);
		if (rc < 0)
			goto usage_error;
		if (rc > 0)
			continue;
		switch (opt) {
		case 'e':
			rcfg_rpc.eval_text = optarg;
			break;
		case OPT_JSON_ARGS:
			rcfg_rpc.args_json = optarg;
			break;
		case OPT_CAPTURE:
			rcfg_rpc.capture_output = true;
			break;
		case OPT_MAX_SIZE:
			if (size_parse(optarg, UINT32_MAX, &max_size, &err) < 0)
				goto usage_error;
			break;
		default:
			return cli_usage_hint("dist-rpc");
		}
	}
	rc = cli_help_or_version(&cli, usage_text, "dist-rpc");
	if (rc >= 0)
		return rc;
	output_choose(&oc, &cli, &out_mode);
	rcfg_rpc.output = (enum rpc_output)out_mode;

	/* Positionals: [NODE] MOD FUN [ARGS], or [NODE] with --eval. */
	pos = argv + optind;
	npos = argc - optind;
	memset(&rcfg, 0, sizeof rcfg);
	if (npos > 0 && looks_like_node(pos[0])) {
		if (cli_check_targets(pos, 1, &err) < 0)
			goto usage_error;
		node_arg[0] = pos[0];
		rcfg.args = node_arg;
		rcfg.nargs = 1;
		pos++;
		npos--;
	}
	if (rcfg_rpc.eval_text) {
		if (npos > 0) {
			dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
				       "--eval takes no MOD FUN ARGS ('%s')",
				       pos[0]);
			goto usage_error;
		}
		if (!strcmp(rcfg_rpc.eval_text, "-")) {
			if (rcfg.nargs == 0) {
				dist_error_set(&err, DIST_E_USAGE,
					       DIST_STAGE_INPUT,
					       "--eval - reads stdin, so give "
					       "the NODE as an argument");
				goto usage_error;
			}
			eval_buf = read_all_stdin(&err);
			if (!eval_buf)
				goto usage_error;
			rcfg_rpc.eval_text = eval_buf;
		}
	} else {
		if (npos >= 1)
			rcfg_rpc.module = pos[0];
		if (npos >= 2)
			rcfg_rpc.function = pos[1];
		if (npos >= 3)
			rcfg_rpc.args_text = pos[2];
		if (npos > 3 || (npos == 3 && rcfg_rpc.args_json)) {
			dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
				       npos > 3
					? "too many arguments: ARGS is one "
					  "list, like '[1, 2]' (quote it)"
					: "give ARGS or --json-args, not both");
			goto usage_error;
		}
		if (npos == 1 || (npos == 0 && rcfg.nargs == 1)) {
			dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
				       "missing %s: dist-rpc NODE MOD FUN "
				       "[ARGS]", npos == 1 ? "FUN" : "MOD FUN");
			goto usage_error;
		}
		if (check_call(&rcfg_rpc, &err) < 0)
			goto usage_error;
	}
	if (cli_common_finish(&cli, &rcfg_rpc.conn, &err) < 0) {
		cli_report(&err);
		free(eval_buf);
		return cli_exit_status(&err);
	}
	rcfg.in_fd = STDIN_FILENO;
	if (cli_default_targets(&cli, &rcfg, node_arg, &err) < 0) {
		cli_common_release(&cli, &rcfg_rpc.conn);
		goto usage_error;
	}
	rcfg_rpc.conn.max_message = (size_t)max_size;
	/* A call may take as long as the whole command allows. */
	rcfg_rpc.conn.request_timeout_us = cli.timeout_ms > 0
		? cli.timeout_ms * 1000 : INT64_MAX / 4;
	if (rpc_config_prepare(&rcfg_rpc, &err) < 0) {
		cli_report(&err);
		cli_common_release(&cli, &rcfg_rpc.conn);
		free(eval_buf);
		return DIST_EXIT_ENV;
	}
	{
		char *const *args = rcfg.args;
		int nargs = rcfg.nargs;

		cli_runner_config(&cli, &rcfg, "dist_rpc");
		rcfg.args = args;
		rcfg.nargs = nargs;
	}
	rcfg.ctx = &rcfg_rpc;
	/* -o raw / -o term are for $(...): the summary must not land in
	 * the captured value. */
	if (out_mode == RPC_OUT_RAW || out_mode == RPC_OUT_TERM)
		rcfg.summary_out = stderr;
	rc = runner_run(&rcfg, &rpc_runner_ops, &sum, &err);
	rpc_config_release(&rcfg_rpc);
	cli_common_release(&cli, &rcfg_rpc.conn);
	free(eval_buf);
	if (rc < 0) {
		cli_report(&err);
		return cli_exit_status(&err);
	}
	return cli_run_status(&cli, &sum);

usage_error:
	cli_report(&err);
	free(eval_buf);
	return DIST_EXIT_USAGE;
}
