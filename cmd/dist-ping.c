/* dist-ping - is this node alive and reachable with this cookie?
 *
 * CLI glue only: options, then the shared runner drives ping jobs
 * (lib/run/ping.c) over the targets from arguments or stdin records. */
#include "cli/program.h"
#include "base/duration.h"
#include "run/ping.h"

static const char usage_text[] =
"Usage: dist-ping [OPTION]... [NODE]...\n"
"Check that Erlang nodes are alive and accept our cookie: a real\n"
"net_adm:ping (EPMD lookup, handshake, is_auth to net_kernel).\n"
"NODEs are name@host; without NODEs, targets are read from stdin, one per\n"
"line: a bare name@host or a JSON object with \"node\" (other fields are\n"
"carried to the output). With --vm-args and no NODE, the release's own\n"
"-name/-sname is pinged; give '-' to read stdin anyway.\n";

static const char epilogue[] =
"DUR is a number with a unit: 250ms, 2s, 1.5m; a bare number is seconds.\n"
"Cookie: --cookie-file, --vm-args, --cookie, $ERLANG_COOKIE,\n"
"$RELEASE_COOKIE, ~/.erlang.cookie; the first that gives one is used.\n"
"\n"
"Exit status: 0 all nodes answered, 1 some failed (see the records),\n"
"2 usage or input error (nothing after a rejected line is tried; no target\n"
"at all is one too), 3 environment error (cookie, stdout unwritable).\n"
"See dist-ping(1) and dist(7).\n";

enum { OPT_COUNT, OPT_INTERVAL };

static const struct cli_option ping_options[] = {
	{ "count", 'c', "N", "pings per node over one connection (default 1)",
	  OPT_COUNT },
	{ "interval", 'i', "DUR", "wait between pings (default 1s)",
	  OPT_INTERVAL },
	CLI_OPTION_END,
};

static int ping_option(void *ctx, int id, const char *arg,
		       struct dist_error *err)
{
	struct ping_config *pcfg = ctx;
	int64_t ms;
	long n;

	if (id == OPT_COUNT) {
		if (count_parse(arg, 1, 1000000, &n, err) < 0)
			return -1;
		pcfg->count = (int)n;
		return 1;
	}
	if (duration_parse(arg, &ms, err) < 0)
		return -1;
	pcfg->interval_us = ms * 1000;
	return 1;
}

static const struct cli_program ping_program = {
	.name = "dist-ping",
	.usage = usage_text,
	.epilogue = epilogue,
	.options = ping_options,
	.option = ping_option,
	.groups = CLI_GROUP_RUN | CLI_GROUP_CONNECTION | CLI_GROUP_OUTPUT |
		  CLI_GROUP_STATE,
};

int main(int argc, char **argv)
{
	struct cli_common cli;
	struct ping_config pcfg = { .count = 1, .interval_us = 1000000 };
	struct cli_targets run = {
		.ops = &ping_runner_ops,
		.conn = &pcfg.conn,
		.ctx = &pcfg,
		.metric = "dist_ping",
	};
	int first, rc;

	cli_common_init(&cli);
	rc = cli_parse(&ping_program, &cli, &pcfg, argc, argv, &first);
	if (rc >= 0)
		return rc;
	run.nodes = argv + first;
	run.nnodes = argc - first;
	return cli_run_targets(&ping_program, &cli, &run);
}
