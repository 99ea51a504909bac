/* program.h - the one program driver: how a dist-X program is put
 * together from its own options and the shared ones, and how one that
 * works per target is run.
 *
 * Adding a program (the checklist, as git's builtin.h has one):
 *   1. cmd/dist-X.c: a struct cli_program (usage, own option rows and
 *      their handler, the shared groups it takes) and main() calling
 *      cli_parse, then cli_run_targets (per-target programs) or its
 *      own loop. Options and glue only; the work lives in lib/.
 *   2. Nothing in the Makefile unless it links more than the base
 *      libraries (then a dist-X_LIBS line); PROGRAMS comes from cmd/.
 *   3. man/man1/dist-X.1 (mdoc, with EXIT STATUS and an example that
 *      pipes), and its records and codes in man/man7/dist.7.
 *   4. completions/bash/dist-X, completions/zsh/_dist-X,
 *      completions/fish/dist-X.fish: tests/40-docs.bats checks every
 *      long option of --help is in each, and in the man page.
 *   5. tests/NN-dist-X.bats against real nodes, and a pipeline of it
 *      with the other programs in tests/50-pipelines.bats.
 *   6. A README section with a real pipeline, and a row in its table.
 */
#ifndef DIST_CLI_PROGRAM_H
#define DIST_CLI_PROGRAM_H

#include "cli/cli.h"
#include "cli/options.h"
#include "run/prom_text.h"

/* A row whose id is CLI_SHARED(x) is handled as the shared option x
 * (a CLI_OPT_* value or a letter of cli_common_option), with the help
 * the program gives it: dist-discover's -t means "each poll". */
#define CLI_SHARED_FLAG 0x40000
#define CLI_SHARED(x) (CLI_SHARED_FLAG | (x))

/* The Run group's rows that a program words its own way, for one
 * whose -t bounds each round rather than the command (dist-members,
 * dist-elect): the help of -t, --connect-timeout, -j and --stats. */
#define CLI_RUN_ROWS(t_help, connect_help, j_help, stats_help)         \
	{ "timeout", 't', "DUR", t_help, CLI_SHARED('t') },             \
	{ "connect-timeout", 0, "DUR", connect_help,                    \
	  CLI_SHARED(CLI_OPT_CONNECT_TIMEOUT) },                        \
	{ "concurrency", 'j', "N", j_help, CLI_SHARED('j') },           \
	{ "stats", 0, NULL, stats_help, CLI_SHARED(CLI_OPT_STATS) }

/* The shared groups a program takes. */
enum cli_group_set {
	CLI_GROUP_RUN = 1,        /* -t, --connect-timeout, -j, --stats, --prom */
	CLI_GROUP_CONNECTION = 2, /* cookie, --name, EPMD, --port, --address,
				   * --resolver, --tls and its files */
	CLI_GROUP_OUTPUT = 4,     /* -o, -q */
	CLI_GROUP_STATE = 8,      /* --state and its breakers' thresholds */
};

struct cli_program {
	const char *name;             /* "dist-ping" */
	const char *usage;            /* --help text before the options */
	const char *epilogue;         /* --help text after them */
	const struct cli_option *options; /* the program's own rows */
	cli_option_fn option;         /* their handler (ctx: the program's) */
	unsigned groups;              /* enum cli_group_set */
	/* Option combinations that cannot work, checked by cli_start
	 * before anything else (DIST_E_USAGE); may be NULL. */
	int (*check)(void *ctx, const struct cli_common *c,
		     struct dist_error *err);
};

/* Parse argv: shared options into c, the program's to p->option with
 * ctx. --help and --version are answered here. Returns -1 when the
 * program goes on (*first is the index of the first operand), else the
 * exit status to return now (0 after --help, 2 for a usage error, which
 * has been reported). */
int cli_parse(const struct cli_program *p, struct cli_common *c, void *ctx,
	      int argc, char **argv, int *first);

/* A program that runs its own loop, up to the point where it starts
 * work: cli_parse, p->check, the NODE operands (argv from *first:
 * cli_check_targets) and cli_common_finish into conn. Returns -1 when
 * the program goes on (then cli_common_release(c, conn) is its to
 * call), else the exit status to return now, the error reported. */
int cli_start(const struct cli_program *p, struct cli_common *c, void *ctx,
	      int argc, char **argv, int *first,
	      struct dist_conn_config *conn);

/* A command to run after the first "--" of argv (dist-elect --run),
 * which getopt would otherwise take for the end of the options and mix
 * with the operands: *cmd is what follows it (NULL: nothing or no
 * "--"), and the argc to parse, which ends before it. */
int cli_split_command(int argc, char **argv, char ***cmd);

/* No NODE operand and stdin a terminal: a usage error (what names the
 * operands: "NODE", "SEED") rather than a silent wait. 0 otherwise. */
int cli_stdin_check(int nargs, const char *what, struct dist_error *err);

/* The end of a program that writes its own records, failed or not:
 * with --stats, rec (taken; "summary": true) as the last record, or
 * "# text" in the text formats; with --prom, prom committed to the
 * file (prom NULL without --prom). Returns status, or the status of a
 * write that failed (stdout: cli_output_failed; the file: reported,
 * DIST_EXIT_ENV). */
int cli_write_summary(const struct cli_common *c, json_t *rec,
		      const char *text, struct prom_text *prom, int status);

/* A per-target program's run, after cli_parse. */
struct cli_targets {
	const struct runner_ops *ops;
	struct dist_conn_config *conn;  /* filled by cli_common_finish */
	void *ctx;                      /* the runner's (ops) context */
	const char *metric;             /* "dist_ping": --prom names */
	char **nodes;                   /* NODE operands ("-" alone: stdin) */
	int nnodes;
	/* After the cookie and connection settings are made, before any
	 * target is started: the program's own preparation (may be NULL). */
	int (*prepare)(void *ctx, struct cli_common *c,
		       struct runner_config *r, struct dist_error *err);
	void (*release)(void *ctx);     /* undo prepare (may be NULL) */
};

/* Cookie and connection settings, the targets (operands, else the node
 * of --vm-args, else stdin), the runner, and the exit status of
 * dist(7): every error on the way is reported here. */
int cli_run_targets(const struct cli_program *p, struct cli_common *c,
		    const struct cli_targets *t);

#endif
