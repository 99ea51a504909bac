/* cli.h - the options every node-talking program shares, parsed in one
 * place so that --cookie-file, --timeout, -o ... mean the same in each.
 *
 * Programs declare options as rows (cli/options.h) and run through the
 * driver (cli/program.h), which hands the shared ones to
 * cli_common_option and calls cli_common_finish once.
 *
 * This is the programs' front end, shared: the one file of lib/ that
 * talks to the terminal (usage, --help, --version, diagnostics). The
 * rest of the library returns errors and leaves the words to it.
 */
#ifndef DIST_CLI_H
#define DIST_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "dist/cookie.h"
#include "dist/dist_conn.h"
#include "base/error.h"
#include "cluster/breaker.h"
#include "run/runner.h"

enum {
	CLI_OPT_COOKIE_FILE = 0x100,
	CLI_OPT_VM_ARGS,
	CLI_OPT_COOKIE,
	CLI_OPT_EPMD_PORT,
	CLI_OPT_CONNECT_TIMEOUT,
	CLI_OPT_CONCURRENCY,
	CLI_OPT_RESOLVER,
	CLI_OPT_STATS,
	CLI_OPT_PROM,
	CLI_OPT_ADDRESS,
	CLI_OPT_TLS,
	CLI_OPT_CERTFILE,
	CLI_OPT_KEYFILE,
	CLI_OPT_CACERTFILE,
	CLI_OPT_INSECURE,
	CLI_OPT_SSL_DIST_OPTFILE,
	CLI_OPT_STATE,
	CLI_OPT_BREAKER_FAILURES,
	CLI_OPT_BREAKER_SUCCESSES,
	CLI_OPT_BREAKER_COOLDOWN,
};

/* TLS distribution (cli_tls.c): the options, and what a release's
 * vm.args adds (-proto_dist inet_tls, -ssl_dist_optfile). */
struct cli_tls {
	bool on;                    /* --tls or any option below */
	char *const *argv;          /* the command line, for cli_twin.h */
	const char *certfile, *keyfile, *cacertfile;
	bool insecure;
	const char *optfile;        /* --ssl-dist-optfile */
	bool vm_tls;                /* vm.args: -proto_dist inet_tls */
	/* vm.args' files, with --vm-args only (NULL otherwise). Not in
	 * the struct itself: four 4 KiB paths zeroed on every program's
	 * stack cost a probe four page faults for an option it rarely
	 * has. */
	const struct cli_tls_vm *vm;
	int vm_verify;              /* enum ssl_optfile_verify */
};

struct cli_tls_vm {
	char optfile[4096];         /* -ssl_dist_optfile */
	/* -ssl_dist_opt client_certfile ... ("": not given) */
	char certfile[4096], keyfile[4096], cacertfile[4096];
};


struct cli_common {
	struct cookie_opts cookie_opts;
	struct cookie cookie;
	char vm_args_node[520];     /* -name/-sname of --vm-args, if any */
	int64_t timeout_ms;         /* --timeout, whole command */
	int64_t connect_timeout_ms; /* --connect-timeout, each stage */
	bool connect_timeout_set;
	long concurrency;
	const char *name;           /* --name */
	long epmd_port_flag;
	long direct_port;
	const char *address;        /* --address HOST[:PORT] as given */
	char address_host[256];     /* its host part */
	const char *resolver;       /* --resolver, else $DIST_RESOLVER */
	bool stats;                 /* --stats */
	const char *prom_file;      /* --prom FILE */
	enum output_format format;
	bool quiet;                 /* -q: wins over any -o, in any order */
	bool help, version;
	struct cli_tls tls;
	const char *state_file;     /* --state FILE: breakers between runs */
	struct breaker_policy breaker; /* --breaker-* */
};

void cli_common_init(struct cli_common *c);

/* 1: opt was a common option (handled); 0: not ours; -1: bad value
 * (err: DIST_E_USAGE). */
int cli_common_option(struct cli_common *c, int opt, const char *arg,
		      struct dist_error *err);

/* After option parsing: check every option value that is not checked
 * while parsing (--name, the directory of --prom; DIST_E_USAGE: exit
 * 2), load the cookie (DIST_E_COOKIE: exit 3), read the default target
 * of --vm-args, resolve the EPMD port, and fill the connection config
 * (with TLS: the certificates loaded, DIST_E_TLS: exit 3).
 * Nothing has been sent when this fails. Warns on stderr about
 * --cookie and --insecure. */
int cli_common_finish(struct cli_common *c, struct dist_conn_config *conn,
		      struct dist_error *err);

/* --resolver, else $DIST_RESOLVER when set and not empty, else NULL. */
const char *cli_resolver(const struct cli_common *c);

/* With no NODE arguments: the node of --vm-args, if it names one (slot
 * holds the pointer); else stdin, unless stdin is a terminal, which is
 * a usage error rather than a silent wait. */
int cli_default_targets(struct cli_common *c, struct runner_config *r,
			char **slot, struct dist_error *err);

/* NODE arguments go into JSON records: each must be UTF-8 text. A bad
 * one is a usage error found before anything is sent. */
int cli_check_targets(char *const *args, int n, struct dist_error *err);

/* cli_tls.c: a TLS option (1), or not one (0). */
int cli_tls_option(struct cli_tls *t, int opt, const char *arg);
/* With TLS asked for: the optfile's client section under the options,
 * the files loaded into conn->tls; warns about --insecure. -1 with
 * err (DIST_E_TLS) when a file is missing or wrong. */
int cli_tls_finish(struct cli_tls *t, struct dist_conn_config *conn,
		   struct dist_error *err);
/* cli_tls_server.c: with TLS on, the listening side's context (its
 * certificate; client certificates verified against the CA, when one
 * is given, or as the optfile's server section says) in *out, else
 * NULL. -1 with DIST_E_TLS when a file is missing or broken. */
int cli_tls_server(const struct cli_tls *t, struct tls_ctx **out,
		   struct dist_error *err);

/* Wipe the cookie and free what cli_common_finish made. */
void cli_common_release(struct cli_common *c, struct dist_conn_config *conn);

/* The runner settings every program takes from the common options. */
void cli_runner_config(const struct cli_common *c, struct runner_config *r,
		       const char *program);

/* --help or --version given: print it (usage to stdout, or "prog (dist)
 * VERSION") and return the exit status (0, or what cli_output_failed
 * says when stdout cannot take it); -1 when neither was asked for. */
int cli_help_or_version(const struct cli_common *c, const char *usage,
			const char *prog);

/* Writing to stdout failed with errnum. A closed pipe (EPIPE: the
 * reader has gone, as `| head -1` does) ends the process by SIGPIPE,
 * silently, as it ends cat or yes; any other error is reported as
 * io_error and the status is DIST_EXIT_ENV. */
int cli_output_failed(int errnum);

/* The exit status of a finished run, saying on stderr what the records
 * cannot: a failed write (cli_output_failed), or a run that had no
 * target at all (no NODE, a --vm-args without -name/-sname, nothing on
 * stdin), which is a usage error, never a success. */
int cli_run_status(const struct cli_common *c,
		   const struct runner_summary *sum);

/* Exit status for an error from the functions above. */
int cli_exit_status(const struct dist_error *err);

/* "prog: message" on stderr, with a hint to --help for usage errors. */
void cli_report(const struct dist_error *err);
/* "prog: message" on stderr and nothing more: the runner's reporter. */
void cli_diagnostic(const struct dist_error *err);

#endif
