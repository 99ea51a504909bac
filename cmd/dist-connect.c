/* dist-connect - keep a BEAM cluster meshed: tell a node to connect to
 * the nodes discovery found, and (guarded) to drop the ones it lost.
 *
 * CLI glue only: options, the targets, then lib/run/connect*.c. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/duration.h"
#include "cli/program.h"
#include "run/connect.h"
#include "run/metrics.h"

static const char usage_text[] =
"Usage: dist-connect --via NODE [OPTION]... [TARGET]...\n"
"       dist-connect --mesh [OPTION]... [NODE]...\n"
"Tell NODE to connect to each TARGET (net_kernel:connect_node on NODE,\n"
"all at once, each within --connect-timeout), and print one record per\n"
"target: \"ok\", \"already_connected\", or the error. Without TARGETs,\n"
"they are read from stdin: bare name@host lines or JSON records with\n"
"\"node\" (dist-discover's output). --mesh tells every input node to\n"
"connect to every other. --prune also drops, on NODE, the nodes it sees\n"
"that the input no longer has, guarded against short discovery answers.\n";

static const char epilogue[] =
"Names travel to NODE as binaries and become atoms there only to be\n"
"connected to; --max-new caps the names NODE did not know before.\n"
"\n"
"Exit status: 0 every target connected (or was), 1 some failed (see the\n"
"records), 2 usage or input error (no target at all is one too),\n"
"3 environment error (cookie, state file, stdout unwritable).\n"
"See dist-connect(1) and dist(7).\n";

enum {
	OPT_VIA, OPT_MESH, OPT_PRUNE, OPT_MIN_NODES, OPT_PRUNE_AFTER,
	OPT_KEEP, OPT_DRY_RUN, OPT_FOLLOW, OPT_INTERVAL, OPT_MAX_NEW,
	OPT_RETRIES, OPT_BACKOFF,
};

static const struct cli_option connect_options[] = {
	{ "via", 'v', "NODE", "the node that connects (repeatable)", OPT_VIA },
	{ "mesh", 0, NULL, "every input node connects to every other",
	  OPT_MESH },
	{ "prune", 0, NULL, "also disconnect, on NODE, visible nodes absent\n"
	  "from the input (guarded: see below)", OPT_PRUNE },
	{ "min-nodes", 0, "N", "never prune on an input of fewer nodes\n"
	  "(default 1: never on an empty one)", OPT_MIN_NODES },
	{ "prune-after", 0, "K", "prune a node only after K runs without it\n"
	  "(default 3; kept in --state)", OPT_PRUNE_AFTER },
	{ "keep", 0, "PATTERN", "never prune names matching PATTERN (a shell\n"
	  "glob; repeatable)", OPT_KEEP },
	{ "dry-run", 0, NULL, "print the plan as records; change nothing",
	  OPT_DRY_RUN },
	{ "follow", 'f', NULL, "read an endless stream (discovery's watch\n"
	  "events) and act on each change", OPT_FOLLOW },
	{ "interval", 'i', "DUR", "with --follow: re-check this often (30s)",
	  OPT_INTERVAL },
	{ "max-new", 0, "N", "names unknown to NODE one run may introduce\n"
	  "(default 100)", OPT_MAX_NEW },
	{ "retries", 0, "N", "retry failed connects N times (default 0)",
	  OPT_RETRIES },
	{ "backoff", 0, "DUR", "first retry delay, doubled each time, with\n"
	  "jitter, within --timeout (default 500ms)", OPT_BACKOFF },
	CLI_OPTION_END,
};

struct connect_cli {
	struct connect_config cfg;
	char *vias[32];
	int nvias;
	bool follow;
	int64_t interval_ms;
};

static int connect_option(void *ctx, int id, const char *arg,
			  struct dist_error *err)
{
	struct connect_cli *cc = ctx;
	struct connect_config *c = &cc->cfg;

	switch (id) {
	case OPT_VIA:
		if (cc->nvias == 32)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "at most 32 --via");
		cc->vias[cc->nvias++] = (char *)arg;
		return 1;
	case OPT_MESH:
		c->mesh = true;
		return 1;
	case OPT_PRUNE:
		c->prune = true;
		return 1;
	case OPT_MIN_NODES:
		return count_parse(arg, 0, 1000000, &c->min_nodes, err) < 0
			? -1 : 1;
	case OPT_PRUNE_AFTER:
		return count_parse(arg, 1, 1000000, &c->prune_after, err) < 0
			? -1 : 1;
	case OPT_KEEP:
		if (c->nkeep == CONNECT_KEEP_MAX)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "at most %d --keep",
					      CONNECT_KEEP_MAX);
		c->keep[c->nkeep++] = arg;
		return 1;
	case OPT_DRY_RUN:
		c->dry_run = true;
		return 1;
	case OPT_FOLLOW:
		cc->follow = true;
		return 1;
	case OPT_INTERVAL:
		return duration_parse(arg, &cc->interval_ms, err) < 0 ? -1 : 1;
	case OPT_MAX_NEW:
		return count_parse(arg, 0, 1000000, &c->max_new, err) < 0
			? -1 : 1;
	case OPT_RETRIES:
		return count_parse(arg, 0, 100, &c->retries, err) < 0 ? -1 : 1;
	default:
		return duration_parse(arg, &c->backoff_ms, err) < 0 ? -1 : 1;
	}
}

static const struct cli_program connect_program = {
	.name = "dist-connect",
	.usage = usage_text,
	.epilogue = epilogue,
	.options = connect_options,
	.option = connect_option,
	.groups = CLI_GROUP_RUN | CLI_GROUP_CONNECTION | CLI_GROUP_OUTPUT |
		  CLI_GROUP_STATE,
};

static int usage(struct dist_error *err, const char *msg)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT, "%s", msg);
}

/* Option combinations that cannot work, before anything is sent. */
static int check_options(const struct connect_cli *cc,
			 const struct cli_common *cli, struct dist_error *err)
{
	const struct connect_config *c = &cc->cfg;
	struct node_name n;

	if (c->mesh && cc->nvias)
		return usage(err, "--mesh takes its nodes from the input, "
			     "not --via");
	if (!c->mesh && !cc->nvias)
		return usage(err, "give the node that connects: --via NODE "
			     "(or --mesh)");
	if (c->mesh && c->prune)
		return usage(err, "--prune works through --via, not --mesh");
	if (c->prune && c->prune_after > 1 && !cli->state_file &&
	    !cc->follow)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--prune-after %ld counts runs in "
				      "--state FILE: give one (or "
				      "--prune-after 1)", c->prune_after);
	for (int i = 0; i < cc->nvias; i++)
		if (node_name_parse(cc->vias[i], &n, err) < 0)
			return -1;
	return 0;
}

/* The targets of a one-shot run: operands, else stdin; an invalid name
 * is its record, a rejected line ends the input (exit 2). */
static int read_targets(struct connect_cli *cc, char **args, int nargs,
			struct connect_input *in, struct runner_summary *sum,
			struct dist_error *err)
{
	struct record_reader *rr;
	struct input_record rec;
	int rc;

	if (nargs == 0 && isatty(STDIN_FILENO))
		return usage(err, "no targets: give TARGETs or pipe records "
			     "in (dist-discover ... | dist-connect)");
	rr = record_reader_new(args, nargs, stdin);
	if (!rr)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	memset(&rec, 0, sizeof rec);
	while ((rc = record_reader_next(rr, &rec, err)) > 0) {
		struct node_name n;
		struct dist_error e;

		if (node_name_parse(rec.node, &n, &e) < 0)
			connect_record_invalid(&cc->cfg, &rec, &e, sum);
		else if (connect_input_add(in, n.full, rec.fields) < 0)
			rc = dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
		input_record_clear(&rec);
		if (rc < 0)
			break;
	}
	record_reader_free(rr);
	return rc;
}

static int run(struct connect_cli *cc, struct cli_common *cli, char **args,
	       int nargs)
{
	struct connect_config *c = &cc->cfg;
	struct connect_input in = { 0 };
	struct connect_memory mem = { NULL, json_object() };
	struct runner_summary sum;
	struct dist_error err;
	int rc;

	memset(&sum, 0, sizeof sum);
	dist_error_clear(&err);
	c->timeout_ms = cli->timeout_ms;
	c->target_timeout_ms = cli->connect_timeout_ms;
	c->breakers = cli->state_file != NULL;
	c->policy = cli->breaker;
	c->resolver = cli_resolver(cli);
	cli_runner_config(cli, &c->out, "dist_connect");
	/* Each call may take the target timeout and a stage beyond it. */
	c->conn.request_timeout_us = (c->target_timeout_ms * 1000) +
				     c->conn.stage_timeout_us;
	if (cc->follow) {
		c->changes_only = true;
		if (nargs > 0)
			rc = usage(&err, "--follow reads stdin: give no "
				   "TARGET");
		else
			rc = connect_follow(c, cc->vias, cc->nvias,
					    STDIN_FILENO, cc->interval_ms,
					    cli->state_file, &sum, &err);
	} else {
		rc = read_targets(cc, args, nargs, &in, &sum, &err);
		if (rc == 0)
			rc = connect_run_once(c, cc->vias, cc->nvias, &in,
					      cli->state_file, &mem, &sum,
					      &err);
	}
	connect_input_free(&in);
	json_decref(mem.prune);
	if (rc < 0) {
		if (err.code == DIST_E_USAGE && err.stage == DIST_STAGE_INPUT &&
		    !strncmp(err.message, "stdin line", 10))
			sum.input_errors++;
		else if (err.code == DIST_E_IO && strstr(err.message, "stdin"))
			sum.input_failed = true;
		cli_report(&err);
		if (!sum.input_errors && !sum.input_failed) {
			metrics_targets_free(&sum);
			return err.code == DIST_E_USAGE ? DIST_EXIT_USAGE
							: DIST_EXIT_ENV;
		}
	}
	metrics_write_summary(&c->out, &sum);
	if (metrics_write_prom(&c->out, &sum, &err) < 0) {
		/* As every program: a textfile that cannot be written is an
		 * environment error, whatever the run did (dist(7)). */
		cli_report(&err);
		metrics_targets_free(&sum);
		return cli_exit_status(&err);
	}
	metrics_targets_free(&sum);
	return cli_run_status(cli, &sum);
}

int main(int argc, char **argv)
{
	struct cli_common cli;
	struct connect_cli cc = {
		.cfg = { .max_new = 100, .min_nodes = 1, .prune_after = 3,
			 .backoff_ms = 500 },
		.interval_ms = 30000,
	};
	struct dist_error err;
	int first, status;

	cli_common_init(&cli);
	status = cli_parse(&connect_program, &cli, &cc, argc, argv, &first);
	if (status >= 0)
		return status;
	dist_error_clear(&err);
	if (check_options(&cc, &cli, &err) < 0 ||
	    cli_check_targets(argv + first, argc - first, &err) < 0) {
		cli_report(&err);
		return DIST_EXIT_USAGE;
	}
	if (cli_common_finish(&cli, &cc.cfg.conn, &err) < 0) {
		cli_report(&err);
		return cli_exit_status(&err);
	}
	status = run(&cc, &cli, argv + first, argc - first);
	cli_common_release(&cli, &cc.cfg.conn);
	return status;
}
