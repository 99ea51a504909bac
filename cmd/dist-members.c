/* dist-members - the cluster as each member sees it: who is connected
 * to whom, where it is split, who is really down.
 *
 * CLI glue only: options and seeds, then the rounds of
 * lib/run/members.c. */
#include "base/duration.h"
#include "cli/program.h"
#include "run/members.h"
#include "run/record_list.h"

static const char usage_text[] =
"Usage: dist-members [OPTION]... [SEED]...\n"
"       dist-members [OPTION]... < targets\n"
"Ask each SEED, and each node their views name, which nodes it is\n"
"connected to (one round trip each), then print one record per member:\n"
"alive (answers us), suspect (answers only through a member that is\n"
"connected to it), dead (nobody reaches it); and a summary: partitions,\n"
"full mesh, quorum, healthy. Without SEED, seeds are read from stdin\n"
"(bare name@host lines or JSON records with \"node\"). Nothing on the\n"
"nodes is changed: no code is loaded, no connection is made between\n"
"them, and ours is hidden.\n";

static const char epilogue[] =
"Exit status: 0 healthy (every expected member alive, one partition,\n"
"full mesh), 1 degraded (see the summary record), 2 usage or input\n"
"error, 3 environment error (cookie, stdout or the --prom file\n"
"unwritable). --watch exits 0 on SIGINT or SIGTERM. See dist-members(1)\n"
"and dist(7).\n";

enum { OPT_EXPECT, OPT_MAX_NODES, OPT_INDIRECT, OPT_GROUPS, OPT_WATCH,
       OPT_INTERVAL, OPT_SUSPECT, OPT_OUTPUT };

static const struct cli_option members_options[] = {
	{ "expect", 0, "N", "the cluster has N members (default: the seeds)",
	  OPT_EXPECT },
	{ "max-nodes", 0, "N", "follow at most N members (default 256)",
	  OPT_MAX_NODES },
	{ "indirect", 0, "K", "members asked about one we cannot reach\n"
	  "(default 3; 0: no indirect probe)", OPT_INDIRECT },
	{ "groups", 'g', NULL, "also pg groups (default scope) and global\n"
	  "names, in each member's record", OPT_GROUPS },
	{ "watch", 'w', NULL, "probe every --interval, print events on\n"
	  "changes (up, suspect, down, update)", OPT_WATCH },
	{ "interval", 'i', "DUR", "between --watch rounds (default 1s)",
	  OPT_INTERVAL },
	{ "suspect-timeout", 0, "DUR", "suspect this long unrefuted -> down\n"
	  "(default 4 x max(1, log10 members) x interval)", OPT_SUSPECT },
	{ "output", 'o', "FORMAT", "json (default), pretty, text (a table)\n"
	  "or dot (Graphviz)", OPT_OUTPUT },
	CLI_RUN_ROWS("deadline of each round (default 10s)",
		     "limit for each stage of one probe\n(default 5s)",
		     "probes in flight at once (default 64)",
		     "end with a stats record (rounds, members by\n"
		     "status, partitions, unreachable vias)"),
	CLI_OPTION_END,
};

struct members_cli {
	struct members_config cfg;
	long expect, max_nodes, indirect;
	int64_t interval_ms, suspect_ms;
	bool interval_set;
	int format;
};

static int members_option(void *ctx, int id, const char *arg,
			  struct dist_error *err)
{
	struct members_cli *mc = ctx;

	switch (id) {
	case OPT_EXPECT:
		return count_parse(arg, 1, 100000, &mc->expect, err) < 0 ? -1 : 1;
	case OPT_MAX_NODES:
		return count_parse(arg, 1, 100000, &mc->max_nodes, err) < 0
			       ? -1 : 1;
	case OPT_INDIRECT:
		return count_parse(arg, 0, 64, &mc->indirect, err) < 0 ? -1 : 1;
	case OPT_GROUPS:
		mc->cfg.groups = true;
		return 1;
	case OPT_WATCH:
		mc->cfg.watch = true;
		return 1;
	case OPT_INTERVAL:
		mc->interval_set = true;
		return duration_parse(arg, &mc->interval_ms, err) < 0 ? -1 : 1;
	case OPT_SUSPECT:
		return duration_parse(arg, &mc->suspect_ms, err) < 0 ? -1 : 1;
	default:
		mc->format = members_format_parse(arg);
		if (mc->format < 0)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "-o '%s': use json, pretty, text "
					      "or dot", arg);
		return 1;
	}
}

/* Options that only make sense together, checked before anything. */
static int check_options(void *ctx, const struct cli_common *cli,
			 struct dist_error *err)
{
	const struct members_cli *mc = ctx;

	(void)cli;
	if (!mc->cfg.watch && (mc->interval_set || mc->suspect_ms))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--interval and --suspect-timeout go "
				      "with --watch");
	if (mc->cfg.watch && mc->format == MEMBERS_DOT)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--watch prints events: -o dot draws "
				      "one look, without --watch");
	if (mc->cfg.watch && mc->interval_ms <= 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--interval must be more than 0");
	return 0;
}

static const struct cli_program members_program = {
	.name = "dist-members",
	.usage = usage_text,
	.epilogue = epilogue,
	.options = members_options,
	.option = members_option,
	.groups = CLI_GROUP_RUN | CLI_GROUP_CONNECTION | CLI_GROUP_OUTPUT,
	.check = check_options,
};

/* The seeds: arguments, else the node of --vm-args, else stdin. */
static int read_seeds(struct cli_common *cli, char **args, int nargs,
		      struct record_list *seeds, struct dist_error *err)
{
	char *vm[1] = { cli->vm_args_node };

	if (nargs == 0 && cli->vm_args_node[0]) {
		args = vm;
		nargs = 1;
	}
	if (cli_stdin_check(nargs, "SEED", err) < 0 ||
	    record_list_read(seeds, args, nargs, stdin, err) < 0)
		return -1;
	if (seeds->n == 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "no seed: give SEED, or pipe targets in");
	return 0;
}

static void configure(struct members_cli *mc, const struct cli_common *cli)
{
	struct members_config *c = &mc->cfg;

	c->resolver = cli->resolver;
	c->concurrency = (int)cli->concurrency;
	c->max_nodes = (size_t)mc->max_nodes;
	c->indirect = (unsigned)mc->indirect;
	c->expected = (size_t)mc->expect;
	c->round_timeout_us = cli->timeout_ms * 1000;
	/* A member waits for the lost one half a stage, so that its
	 * answer comes back within ours. */
	c->indirect_wait_ms = cli->connect_timeout_ms > 0
		? cli->connect_timeout_ms / 2 : 2500;
	c->interval_ms = mc->interval_ms;
	c->suspect_timeout_ms = mc->suspect_ms;
	c->format = cli->quiet ? MEMBERS_QUIET
				: (enum members_format)mc->format;
	c->stats = cli->stats;
	c->prom_file = cli->prom_file;
	c->out = stdout;
	c->report = cli_diagnostic;
}

int main(int argc, char **argv)
{
	struct cli_common cli;
	struct members_cli mc = { .max_nodes = 256, .indirect = 3,
				  .interval_ms = 1000 };
	struct record_list seeds = { 0 };
	struct dist_error err;
	int first, status, out_errno = 0;

	status = cli_start(&members_program, &cli, &mc, argc, argv, &first,
			   &mc.cfg.conn);
	if (status >= 0)
		return status;
	dist_error_clear(&err);
	if (read_seeds(&cli, argv + first, argc - first, &seeds, &err) < 0) {
		cli_report(&err);
		status = err.code == DIST_E_IO || err.code == DIST_E_NOMEM
			? DIST_EXIT_ENV : DIST_EXIT_USAGE;
		goto done;
	}
	configure(&mc, &cli);
	if (rpc_config_prepare(&mc.cfg.rpc, &err) < 0) {
		cli_report(&err);
		status = DIST_EXIT_ENV;
		goto done;
	}
	status = members_run(&mc.cfg, seeds.v, seeds.n, &out_errno, &err);
	if (status < 0)
		status = out_errno ? cli_output_failed(out_errno)
				   : (cli_report(&err), DIST_EXIT_ENV);
done:
	record_list_free(&seeds);
	rpc_config_release(&mc.cfg.rpc);
	cli_common_release(&cli, &mc.cfg.conn);
	return status;
}
