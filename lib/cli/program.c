/* program.c - the one program driver (see program.h). */
#include "cli/program.h"
#include "cli/state_gate.h"
#include "run/metrics.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The shared rows: one help text each, for every program. */
static const struct cli_option cli_run_rows[] = {
	{ "timeout", 't', "DUR", "deadline for the whole command (default 10s)",
	  't' },
	{ "connect-timeout", 0, "DUR",
	  "limit for each stage of one node: resolve,\n"
	  "epmd, connect, handshake, request (default 5s)",
	  CLI_OPT_CONNECT_TIMEOUT },
	{ "concurrency", 'j', "N", "nodes in flight at once (default 64)", 'j' },
	{ "stats", 0, NULL, "end with a summary record (counts, p50/p99)",
	  CLI_OPT_STATS },
	{ "prom", 0, "FILE", "write the summary as a Prometheus textfile",
	  CLI_OPT_PROM },
	CLI_OPTION_END,
};

static const struct cli_option cli_connection_rows[] = {
	{ "cookie-file", 0, "FILE", "read the cookie from FILE (mode 0400/0600)",
	  CLI_OPT_COOKIE_FILE },
	{ "vm-args", 0, "FILE", "a release's vm.args: -setcookie, -name/-sname",
	  CLI_OPT_VM_ARGS },
	{ "cookie", 0, "VALUE", "the cookie itself (visible in ps: avoid)",
	  CLI_OPT_COOKIE },
	{ "name", 'n', "NAME", "our node name (default: -dist0..-dist31@host)",
	  'n' },
	{ "epmd-port", 0, "PORT", "EPMD port (default $ERL_EPMD_PORT or 4369)",
	  CLI_OPT_EPMD_PORT },
	{ "port", 'p', "PORT", "skip EPMD: the node listens on PORT", 'p' },
	{ "address", 0, "HOST[:PORT]",
	  "connect to HOST (EPMD there, or PORT),\n"
	  "not to the target's host; the name stays",
	  CLI_OPT_ADDRESS },
	{ "resolver", 0, "HOST[:PORT]",
	  "DNS server(s) to use instead of\n"
	  "/etc/resolv.conf (also $DIST_RESOLVER)",
	  CLI_OPT_RESOLVER },
	{ "tls", 0, NULL,
	  "TLS distribution (nodes run -proto_dist\n"
	  "inet_tls); any option below implies it",
	  CLI_OPT_TLS },
	{ "certfile", 0, "FILE", "our TLS certificate (PEM), if nodes want one",
	  CLI_OPT_CERTFILE },
	{ "keyfile", 0, "FILE", "its key (PEM; default: in --certfile)",
	  CLI_OPT_KEYFILE },
	{ "cacertfile", 0, "FILE",
	  "CAs that sign the nodes' certificates\n"
	  "(default: the system's)",
	  CLI_OPT_CACERTFILE },
	{ "insecure", 0, NULL,
	  "do not verify the nodes' certificates\n"
	  "(warns; never the default)",
	  CLI_OPT_INSECURE },
	{ "ssl-dist-optfile", 0, "FILE",
	  "a node's -ssl_dist_optfile: its client\n"
	  "section (options above win)",
	  CLI_OPT_SSL_DIST_OPTFILE },
	CLI_OPTION_END,
};

static const struct cli_option cli_output_rows[] = {
	{ "output", 'o', "FORMAT", "json (default), text or pretty", 'o' },
	{ "quiet", 'q', NULL, "no output; the exit status tells", 'q' },
	CLI_OPTION_END,
};

static const struct cli_option cli_state_rows[] = {
	{ "state", 0, "FILE", "keep circuit breakers per node in FILE between\n"
	  "runs: a node that failed N runs in a row is\n"
	  "skipped (circuit_open) until a cool-down passes",
	  CLI_OPT_STATE },
	{ "breaker-failures", 0, "N",
	  "consecutive failures that open a breaker (default 3)",
	  CLI_OPT_BREAKER_FAILURES },
	{ "breaker-successes", 0, "M",
	  "successes after the cool-down that close it (1)",
	  CLI_OPT_BREAKER_SUCCESSES },
	{ "breaker-cooldown", 0, "DUR",
	  "how long an open breaker skips its node (5m)",
	  CLI_OPT_BREAKER_COOLDOWN },
	CLI_OPTION_END,
};

static const struct cli_option cli_help_rows[] = {
	{ "help", 'h', NULL, "show this help", 'h' },
	{ "version", 'V', NULL, "show the version", 'V' },
	CLI_OPTION_END,
};

static int cli_shared_handle(void *ctx, int id, const char *arg,
			     struct dist_error *err)
{
	int rc = cli_common_option(ctx, id, arg, err);

	if (rc == 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "option not understood");
	return rc;
}

/* The program's rows: a CLI_SHARED id goes to the shared handler. */
struct cli_own {
	const struct cli_program *p;
	struct cli_common *c;
	void *ctx;
};

static int cli_own_handle(void *ctx, int id, const char *arg,
			  struct dist_error *err)
{
	struct cli_own *own = ctx;

	if (id & CLI_SHARED_FLAG)
		return cli_shared_handle(own->c, id & ~CLI_SHARED_FLAG, arg,
					 err);
	return own->p->option(own->ctx, id, arg, err);
}

static int cli_groups(const struct cli_program *p, struct cli_own *own,
		      struct cli_group *g)
{
	int n = 0;

	if (p->options)
		g[n++] = (struct cli_group){ NULL, p->options, cli_own_handle,
					     own };
	if (p->groups & CLI_GROUP_RUN)
		g[n++] = (struct cli_group){ "Run", cli_run_rows,
					     cli_shared_handle, own->c };
	if (p->groups & CLI_GROUP_CONNECTION)
		g[n++] = (struct cli_group){ "Connection", cli_connection_rows,
					     cli_shared_handle, own->c };
	if (p->groups & CLI_GROUP_OUTPUT)
		g[n++] = (struct cli_group){ "Output", cli_output_rows,
					     cli_shared_handle, own->c };
	if (p->groups & CLI_GROUP_STATE)
		g[n++] = (struct cli_group){ "State", cli_state_rows,
					     cli_shared_handle, own->c };
	g[n++] = (struct cli_group){ NULL, cli_help_rows, cli_shared_handle,
				     own->c };
	return n;
}

static int cli_help(const struct cli_program *p, const struct cli_group *g,
		    int ng)
{
	fputs(p->usage, stdout);
	fputc('\n', stdout);
	cli_options_help(g, ng, stdout);
	if (p->epilogue) {
		fputc('\n', stdout);
		fputs(p->epilogue, stdout);
	}
	return 0;
}

int cli_parse(const struct cli_program *p, struct cli_common *c, void *ctx,
	      int argc, char **argv, int *first)
{
	struct cli_own own = { p, c, ctx };
	struct cli_group g[CLI_GROUPS_MAX];
	struct dist_error err;
	int ng = cli_groups(p, &own, g);
	int rc;

	dist_error_clear(&err);
	rc = cli_options_parse(g, ng, argc, argv, &err);
	if (rc < 0) {
		cli_report(&err);
		return DIST_EXIT_USAGE;
	}
	*first = rc;
	c->tls.argv = argv;
	if (c->help) {
		c->version = false;
		cli_help(p, g, ng);
	}
	rc = cli_help_or_version(c, "", p->name);
	return rc >= 0 ? rc : -1;
}

int cli_start(const struct cli_program *p, struct cli_common *c, void *ctx,
	      int argc, char **argv, int *first,
	      struct dist_conn_config *conn)
{
	struct dist_error err;
	int status;

	cli_common_init(c);
	status = cli_parse(p, c, ctx, argc, argv, first);
	if (status >= 0)
		return status;
	dist_error_clear(&err);
	if ((p->check && p->check(ctx, c, &err) < 0) ||
	    cli_check_targets(argv + *first, argc - *first, &err) < 0) {
		cli_report(&err);
		return DIST_EXIT_USAGE;
	}
	if (cli_common_finish(c, conn, &err) < 0) {
		cli_report(&err);
		return cli_exit_status(&err);
	}
	return -1;
}

int cli_split_command(int argc, char **argv, char ***cmd)
{
	*cmd = NULL;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			*cmd = i + 1 < argc ? argv + i + 1 : NULL;
			argv[i] = NULL;
			return i;
		}
	return argc;
}

int cli_stdin_check(int nargs, const char *what, struct dist_error *err)
{
	if (nargs > 0 || !isatty(STDIN_FILENO))
		return 0;
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "no %s given and stdin is a terminal: give %s, "
			      "or pipe targets in", what, what);
}

int cli_write_summary(const struct cli_common *c, json_t *rec,
		      const char *text, struct prom_text *prom, int status)
{
	enum output_format f = c->quiet ? OUTPUT_QUIET : c->format;
	struct dist_error err;
	int rc = 0;

	if (c->stats)
		rc = metrics_write_record(rec, f, stdout, text);
	json_decref(rec);
	if (rc < 0) {
		if (prom)
			prom_text_free(prom);
		return cli_output_failed(errno);
	}
	dist_error_clear(&err);
	if (prom && prom_text_commit(prom, c->prom_file, &err) < 0) {
		cli_report(&err);
		return DIST_EXIT_ENV;
	}
	return status;
}

int cli_run_targets(const struct cli_program *p, struct cli_common *c,
		    const struct cli_targets *t)
{
	struct runner_config r;
	struct runner_summary sum;
	struct dist_error err;
	char *vm_target[1];
	struct state_gate gate;
	int rc;

	(void)p;
	dist_error_clear(&err);
	if (cli_common_finish(c, t->conn, &err) < 0) {
		cli_report(&err);
		return cli_exit_status(&err);
	}
	cli_runner_config(c, &r, t->metric);
	r.ctx = t->ctx;
	/* "-" alone asks for stdin even when --vm-args names a node. */
	if (t->nnodes > 0 && !(t->nnodes == 1 && !strcmp(t->nodes[0], "-"))) {
		r.args = t->nodes;
		r.nargs = t->nnodes;
		if (cli_check_targets(r.args, r.nargs, &err) < 0)
			goto usage;
	}
	if (t->nnodes == 0 && cli_default_targets(c, &r, vm_target, &err) < 0)
		goto usage;
	if (t->prepare && t->prepare(t->ctx, c, &r, &err) < 0) {
		cli_report(&err);
		cli_common_release(c, t->conn);
		return cli_exit_status(&err);
	}
	if (state_gate_open(&gate, c, &r, &err) < 0) {
		if (t->release)
			t->release(t->ctx);
		cli_common_release(c, t->conn);
		cli_report(&err);
		return err.code == DIST_E_USAGE ? DIST_EXIT_USAGE
						: DIST_EXIT_ENV;
	}
	rc = runner_run(&r, t->ops, &sum, &err);
	if (t->release)
		t->release(t->ctx);
	cli_common_release(c, t->conn);
	if (rc == 0 && state_gate_close(&gate, &err) < 0) {
		cli_report(&err);
		return DIST_EXIT_ENV;
	}
	state_gate_close(&gate, NULL);
	if (rc < 0) {
		cli_report(&err);
		return cli_exit_status(&err);
	}
	return cli_run_status(c, &sum);
usage:
	cli_common_release(c, t->conn);
	cli_report(&err);
	return DIST_EXIT_USAGE;
}
