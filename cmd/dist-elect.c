/* dist-elect - who leads among the expected members: the highest or
 * lowest alive name under a quorum, or a lease held through the BEAM's
 * global registry; and a command run on the leader only.
 *
 * CLI glue only: options, the members, lib/run/elect.c's election, the
 * record, the exit status. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/duration.h"
#include "cli/program.h"
#include "io/engine.h"
#include "run/elect.h"
#include "run/elect_members.h"
#include "run/elect_metrics.h"

/* The lease was lost while the command ran (dist(7)). */
#define EXIT_LEASE_LOST 4

static const char usage_text[] =
"Usage: dist-elect [OPTION]... [NODE]...\n"
"       dist-elect --strategy global --group NAME --self ID --run [NODE]... -- CMD [ARG]...\n"
"Choose one leader among the EXPECTED members: the NODEs, or records on\n"
"stdin (name@host lines or JSON with \"node\"; a \"status\" of \"alive\"\n"
"or \"dead\", as dist-members writes, is taken as said, every other member\n"
"is pinged). There is a leader only when more than half of the expected\n"
"members are alive from here. Prints one record: leader, term, strategy,\n"
"quorum, alive, expected.\n";

static const char epilogue[] =
"Strategies: highest/lowest: the highest (lowest) alive name; every host\n"
"with the same view gets the same leader. global: a lease process on a\n"
"member, registered with global:register_name({dist_leader, GROUP}, Pid);\n"
"with --self it is taken when free, and its holder leads until it ends.\n"
"\n"
"Exit status: 0 this host is the leader (--self), or there is one;\n"
"1 another one leads (or --renew/--release: not ours); 2 usage or input\n"
"error; 3 no leader (no quorum, no member answered) or environment error;\n"
"4 --run: the lease was lost and CMD was stopped; otherwise --run exits\n"
"with CMD's status (127: not found, 126: not runnable, 128+N: signal N).\n"
"See dist-elect(1) and dist(7).\n";

enum { OPT_SELF, OPT_STRATEGY, OPT_GROUP, OPT_LEASE, OPT_RENEW,
       OPT_RELEASE, OPT_RUN, OPT_GRACE, OPT_STATE };

static const struct cli_option elect_options[] = {
	{ "self", 's', "ID", "exit 0 only if ID leads; with global, the\n"
	  "holder we take, renew or release the lease as", OPT_SELF },
	{ "strategy", 0, "S", "highest (default), lowest or global", OPT_STRATEGY },
	{ "group", 'g', "NAME", "the election's name: the global lease, and\n"
	  "its entry in --state", OPT_GROUP },
	{ "lease", 'l', "DUR", "global: how long a lease lasts (default 30s)",
	  OPT_LEASE },
	{ "renew", 0, NULL, "global: extend our lease (exit 1: not ours)",
	  OPT_RENEW },
	{ "release", 0, NULL, "global: end our lease now", OPT_RELEASE },
	{ "run", 0, NULL, "global: take the lease, run CMD (after --) while\n"
	  "renewing it, release it when CMD ends", OPT_RUN },
	{ "grace", 0, "DUR", "--run: SIGTERM to SIGKILL when the lease is\n"
	  "lost (default 10s)", OPT_GRACE },
	{ "state", 0, "FILE", "keep the last leader and the term in FILE",
	  OPT_STATE },
	CLI_RUN_ROWS("limit for each round: the pings, one lease\n"
		     "call (default 10s)",
		     "limit for each stage of one node\n(default 5s)",
		     "members pinged at once (default 64)",
		     "end with a stats record (election time,\n"
		     "command status, exit status)"),
	CLI_OPTION_END,
};

struct elect_cli {
	struct elect_request rq;
	bool renew, release, run;
	int64_t grace_ms;
	char **cmd;
};

static int elect_option(void *ctx, int id, const char *arg,
			struct dist_error *err)
{
	struct elect_cli *e = ctx;
	int s;

	switch (id) {
	case OPT_SELF:
		e->rq.self = arg;
		return 1;
	case OPT_STRATEGY:
		s = elect_strategy_parse(arg);
		if (s < 0)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT, "--strategy "
					      "'%s': use highest, lowest or "
					      "global", arg);
		e->rq.strategy = (enum elect_strategy)s;
		return 1;
	case OPT_GROUP:
		e->rq.group = arg;
		return elect_id_check("--group", arg, err) < 0 ? -1 : 1;
	case OPT_LEASE:
		return duration_parse(arg, &e->rq.lease_ms, err) < 0 ? -1 : 1;
	case OPT_GRACE:
		return duration_parse(arg, &e->grace_ms, err) < 0 ? -1 : 1;
	case OPT_STATE:
		e->rq.state_path = arg;
		return 1;
	default:
		*(id == OPT_RENEW ? &e->renew : id == OPT_RELEASE ? &e->release
								   : &e->run) = true;
		return 1;
	}
}

/* Option combinations that cannot mean anything, refused before any
 * node is contacted. */
static int check_usage(void *ctx, const struct cli_common *cli,
		       struct dist_error *err)
{
	struct elect_cli *e = ctx;
	struct elect_request *rq = &e->rq;
	bool global = rq->strategy == ELECT_GLOBAL;

	if ((e->renew + e->release + e->run) > 1)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "give one of --renew, --release, --run");
	if (!global && (e->renew || e->release || e->run))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--renew, --release and --run hold a "
				      "lease: use --strategy global");
	if (global && !rq->group)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--strategy global needs --group NAME");
	if ((e->renew || e->release || e->run) && !rq->self)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "a lease is held as --self ID: give it");
	if (global && rq->self && elect_id_check("--self", rq->self, err) < 0)
		return -1;
	if (rq->lease_ms < 100 || rq->lease_ms > ELECT_LEASE_MAX_MS)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--lease must be from 100ms to 49 days");
	if (e->run != (e->cmd != NULL))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      e->run ? "--run needs a command: "
					       "--run ... -- CMD [ARG]..."
					     : "a command after -- is run "
					       "only with --run");
	rq->for_run = e->run;
	rq->op = e->run ? LEASE_TAKE : e->renew ? LEASE_RENEW
		 : e->release ? LEASE_RELEASE
		 : rq->self ? LEASE_TAKE : LEASE_QUERY;
	(void)cli;
	return 0;
}

static const struct cli_program elect_program = {
	.name = "dist-elect",
	.usage = usage_text,
	.epilogue = epilogue,
	.options = elect_options,
	.option = elect_option,
	.groups = CLI_GROUP_RUN | CLI_GROUP_CONNECTION | CLI_GROUP_OUTPUT,
	.check = check_usage,
};

static int print_result(const struct cli_common *cli,
			const struct elect_request *rq,
			const struct elect_result *res)
{
	json_t *r;
	int rc = 0;

	if (cli->quiet)
		return 0;
	if (cli->format == OUTPUT_TEXT) {
		printf("leader %s  term %lld  %s  %zu/%zu alive, quorum %zu\n",
		       res->leader ? res->leader : "-",
		       res->has_term ? (long long)res->term : 0LL,
		       elect_strategy_name(rq->strategy), res->outcome.alive,
		       res->outcome.expected, res->outcome.quorum);
		return fflush(stdout) == 0 ? 0 : -1;
	}
	r = elect_result_record(rq, res);
	if (!r || record_write_as(r, cli->format, stdout) < 0)
		rc = -1;
	json_decref(r);
	return rc;
}

static int run_command(struct elect_cli *e, const struct elect_result *res,
		       struct elect_run_stats *st)
{
	struct elect_child_result cr = { .lost = false };
	struct dist_error err;
	int64_t t0 = engine_now_us();
	int errnum, rc;

	dist_error_clear(&err);
	rc = elect_run_command(&e->rq, res, e->cmd, e->grace_ms * 1000, &cr,
			       &errnum, &err);
	st->ran = true;
	st->command_ms = (double)(engine_now_us() - t0) / 1000.0;
	st->lease_lost = rc == 0 && cr.lost;
	if (rc < 0) {
		cli_diagnostic(&err);
		return errnum == ENOENT ? 127 : errnum ? 126 : DIST_EXIT_ENV;
	}
	if (cr.lost) {
		dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_NONE,
			       "lease of group '%s' lost while '%s' ran: "
			       "stopped it (%s)", e->rq.group, e->cmd[0],
			       cr.killed ? "SIGKILL after the grace period"
					 : "SIGTERM");
		cli_diagnostic(&err);
		return EXIT_LEASE_LOST;
	}
	if (WIFSIGNALED(cr.wait_status))
		return 128 + WTERMSIG(cr.wait_status);
	return WEXITSTATUS(cr.wait_status);
}

/* --stats and --prom, last, of a failed run too. */
static int summary(const struct elect_cli *e, const struct cli_common *cli,
		   const struct elect_result *res,
		   const struct elect_run_stats *st)
{
	struct prom_text p;
	char text[512];

	elect_stats_text(&e->rq, res, st, text, sizeof text);
	if (cli->prom_file)
		elect_prom(&p, &e->rq, res, st);
	return cli_write_summary(cli, cli->stats ? elect_stats_record(
		&e->rq, res, st) : NULL, text, cli->prom_file ? &p : NULL,
		st->exit_status);
}

static int elect(struct elect_cli *e, struct cli_common *cli, char **nodes,
		 int nnodes)
{
	struct elect_members m = { 0 };
	struct elect_result res;
	struct elect_run_stats st = { .exit_status = DIST_EXIT_ENV };
	struct dist_error err;
	bool out_failed = false;
	int64_t t0;

	dist_error_clear(&err);
	if (cli_stdin_check(nnodes, "NODE", &err) < 0 ||
	    elect_members_read(nodes, nnodes, stdin, cli_diagnostic, &m,
			       &err) < 0) {
		cli_report(&err);
		elect_members_free(&m);
		return cli_exit_status(&err);
	}
	e->rq.nodes = m.nodes;
	e->rq.status = m.status;
	e->rq.n = m.n;
	t0 = engine_now_us();
	st.decided = elect_decide(&e->rq, &res, &err) == 0;
	st.election_ms = (double)(engine_now_us() - t0) / 1000.0;
	if (!st.decided) {
		cli_report(&err);
		st.exit_status = err.code == DIST_E_USAGE ? DIST_EXIT_USAGE
							  : DIST_EXIT_ENV;
	} else if (print_result(cli, &e->rq, &res) < 0) {
		st.exit_status = cli_output_failed(errno);
		out_failed = true;
	} else {
		st.exit_status = elect_exit_status(&e->rq, &res);
		if (st.exit_status == DIST_EXIT_ENV)
			cli_diagnostic(elect_no_leader_error(&res, &err));
		else if (st.exit_status == DIST_EXIT_OK && e->run)
			st.exit_status = st.command_status =
				run_command(e, &res, &st);
	}
	if (st.exit_status != DIST_EXIT_USAGE && !out_failed)
		st.exit_status = summary(e, cli, &res, &st);
	elect_result_free(&res);
	elect_members_free(&m);
	return st.exit_status;
}

int main(int argc, char **argv)
{
	struct cli_common cli;
	struct elect_cli e = { .rq = { .lease_ms = 30000 },
			       .grace_ms = 10000 };
	struct dist_conn_config conn;
	int first, status;

	argc = cli_split_command(argc, argv, &e.cmd);
	status = cli_start(&elect_program, &cli, &e, argc, argv, &first,
			   &conn);
	if (status >= 0)
		return status;
	e.rq.run = (struct elect_run_config){
		.conn = &conn,
		.timeout_us = cli.timeout_ms > 0 ? cli.timeout_ms * 1000 : 0,
		.concurrency = (int)cli.concurrency,
		.resolver = cli_resolver(&cli),
		.report = cli_diagnostic,
	};
	status = elect(&e, &cli, argv + first, argc - first);
	cli_common_release(&cli, &conn);
	return status;
}
