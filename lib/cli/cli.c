/* cli.c - shared command-line options (see cli.h). */
#include "cli/cli.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/duration.h"
#include "dist/epmd.h"

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_STAGE_TIMEOUT_MS 5000
#define DEFAULT_CONCURRENCY 64
#define DEFAULT_TICK_MS 15000

void cli_common_init(struct cli_common *c)
{
	memset(c, 0, sizeof *c);
	c->timeout_ms = DEFAULT_TIMEOUT_MS;
	c->connect_timeout_ms = DEFAULT_STAGE_TIMEOUT_MS;
	c->concurrency = DEFAULT_CONCURRENCY;
	c->format = OUTPUT_JSON;
	c->breaker.failures = BREAKER_DEFAULT_FAILURES;
	c->breaker.successes = BREAKER_DEFAULT_SUCCESSES;
	c->breaker.cooldown_ms = BREAKER_DEFAULT_COOLDOWN_MS;
	/* A closed stdout must come back as EPIPE to the run, which then
	 * stops cleanly (and still writes --prom); cli_output_failed
	 * dies of the signal afterwards. */
	signal(SIGPIPE, SIG_IGN);
}

int cli_common_option(struct cli_common *c, int opt, const char *arg,
		      struct dist_error *err)
{
	int f;

	switch (opt) {
	case 't':
		if (duration_parse(arg, &c->timeout_ms, err) < 0)
			return -1;
		return 1;
	case CLI_OPT_CONNECT_TIMEOUT:
		c->connect_timeout_set = true;
		if (duration_parse(arg, &c->connect_timeout_ms, err) < 0)
			return -1;
		return 1;
	case 'j':
		return count_parse(arg, 1, 10000, &c->concurrency, err) < 0
			       ? -1 : 1;
	case CLI_OPT_COOKIE_FILE:
		c->cookie_opts.cookie_file = arg;
		return 1;
	case CLI_OPT_VM_ARGS:
		c->cookie_opts.vm_args = arg;
		return 1;
	case CLI_OPT_COOKIE:
		c->cookie_opts.cookie_value = arg;
		return 1;
	case 'n':
		c->name = arg;
		return 1;
	case CLI_OPT_EPMD_PORT:
		return count_parse(arg, 1, 65535, &c->epmd_port_flag, err) < 0
			       ? -1 : 1;
	case 'p':
		return count_parse(arg, 1, 65535, &c->direct_port, err) < 0
			       ? -1 : 1;
	case CLI_OPT_ADDRESS:
		c->address = arg;
		return 1;
	case CLI_OPT_RESOLVER:
		c->resolver = arg;
		return 1;
	case CLI_OPT_STATS:
		c->stats = true;
		return 1;
	case CLI_OPT_PROM:
		c->prom_file = arg;
		return 1;
	case 'o':
		f = output_format_parse(arg);
		if (f < 0)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "-o '%s': use json, text or "
					      "pretty", arg);
		c->format = (enum output_format)f;
		return 1;
	case 'q':
		c->quiet = true;
		return 1;
	case CLI_OPT_STATE:
		c->state_file = arg;
		return 1;
	case CLI_OPT_BREAKER_FAILURES:
		return count_parse(arg, 1, 1000000, &c->breaker.failures,
				   err) < 0 ? -1 : 1;
	case CLI_OPT_BREAKER_SUCCESSES:
		return count_parse(arg, 1, 1000000, &c->breaker.successes,
				   err) < 0 ? -1 : 1;
	case CLI_OPT_BREAKER_COOLDOWN:
		return duration_parse(arg, &c->breaker.cooldown_ms, err) < 0
			? -1 : 1;
	case 'h':
		c->help = true;
		return 1;
	case 'V':
		c->version = true;
		return 1;
	default:
		return cli_tls_option(&c->tls, opt, arg);
	}
}

/* A vm.args name may lack its host: erl adds ours, so do we. */
static void vm_args_target(struct cli_common *c, const struct vm_args *va)
{
	char host[256] = "localhost";

	if (strchr(va->name, '@')) {
		snprintf(c->vm_args_node, sizeof c->vm_args_node, "%s",
			 va->name);
		return;
	}
	if (gethostname(host, sizeof host - 1) < 0)
		snprintf(host, sizeof host, "localhost");
	if (!va->long_names)
		host[strcspn(host, ".")] = '\0';
	snprintf(c->vm_args_node, sizeof c->vm_args_node, "%.255s@%.255s", va->name,
		 host);
}

/* --name becomes an atom on every node we reach: refuse a bad one
 * before anything is sent, not once per target after the traffic. */
static int check_our_name(const char *name, struct dist_error *err)
{
	struct node_name parsed;

	if (!name)
		return 0;
	if (strchr(name, '@')) {
		char why[sizeof err->message];

		if (node_name_parse(name, &parsed, err) < 0) {
			/* Copied: the message is rewritten in place. */
			snprintf(why, sizeof why, "%s", err->message);
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT, "--name: %s",
					      why);
		}
		return 0;
	}
	if (!node_alive_valid(name))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--name '%s': the name may only contain "
				      "letters, digits, '_' and '-' (then "
				      "optionally @host)", name);
	return 0;
}

/* --prom FILE is replaced at the end of the run, through a temporary
 * file beside it: a missing or read-only directory is found now. */
static int check_prom_dir(const char *file, struct dist_error *err)
{
	char copy[4096];
	const char *dir;

	if (!file)
		return 0;
	if (!*file || strlen(file) >= sizeof copy)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--prom: give a file name");
	snprintf(copy, sizeof copy, "%s", file);
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK) < 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--prom %s: cannot write in %s: %s", file,
				      dir, strerror(errno));
	return 0;
}

/* --address HOST[:PORT], as erl_call -address: HOST, HOST:PORT,
 * [IPV6]:PORT or a bare IPv6 address; the port is the node's (then
 * EPMD is not asked), and --port may give it instead. */
static int address_parse(struct cli_common *c, struct dist_error *err)
{
	const char *a = c->address, *port = NULL, *colon = strrchr(a, ':');
	size_t hlen = strlen(a);

	if (a[0] == '[') {
		const char *close = strchr(a, ']');

		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		hlen = (size_t)(close - a - 1);
		a++;
		port = close[1] ? close + 2 : NULL;
	} else if (colon && colon == strchr(a, ':')) {
		hlen = (size_t)(colon - a);
		port = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof c->address_host)
		goto bad;
	memcpy(c->address_host, a, hlen);
	c->address_host[hlen] = '\0';
	if (!port)
		return 0;
	if (c->direct_port > 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--address '%s' and --port both give "
				      "the port: keep one", c->address);
	return count_parse(port, 1, 65535, &c->direct_port, err);
bad:
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "--address '%s': give HOST, HOST:PORT or "
			      "[IPV6]:PORT", c->address);
}

/* A program reads one vm.args: its TLS files live here, untouched
 * (so never faulted in) unless --vm-args is given. */
static struct cli_tls_vm tls_vm;

/* What --vm-args gives. Out of line, its 18 KB struct vm_args with
 * it: every later call of cli_common_finish would otherwise run that
 * much deeper in the stack, a page fault per page, with or without the
 * option. */
static __attribute__((noinline)) int apply_vm_args(struct cli_common *c,
						   struct dist_error *err)
{
	struct vm_args va;

	if (vm_args_read(c->cookie_opts.vm_args, &va, err) < 0) {
		err->code = DIST_E_COOKIE;
		return -1;
	}
	if (va.has_name)
		vm_args_target(c, &va);
	c->tls.vm_tls = va.tls;
	if (va.has_ssl_dist_optfile)
		snprintf(tls_vm.optfile, sizeof tls_vm.optfile,
			 "%s", va.ssl_dist_optfile);
	snprintf(tls_vm.certfile, sizeof tls_vm.certfile, "%s",
		 va.ssl_certfile);
	snprintf(tls_vm.keyfile, sizeof tls_vm.keyfile, "%s",
		 va.ssl_keyfile);
	snprintf(tls_vm.cacertfile, sizeof tls_vm.cacertfile, "%s",
		 va.ssl_cacertfile);
	c->tls.vm = &tls_vm;
	c->tls.vm_verify = (int)va.ssl_verify;
	explicit_bzero(&va, sizeof va);
	return 0;
}

int cli_common_finish(struct cli_common *c, struct dist_conn_config *conn,
		      struct dist_error *err)
{
	int port;

	if (check_our_name(c->name, err) < 0 ||
	    check_prom_dir(c->prom_file, err) < 0)
		return -1;

	if (c->cookie_opts.vm_args && apply_vm_args(c, err) < 0)
		return -1;
	if (c->address && address_parse(c, err) < 0)
		return -1;
	c->resolver = cli_resolver(c);
	if (c->resolver && resolver_servers_check(c->resolver, err) < 0)
		return -1;
	port = epmd_port_from_env((int)c->epmd_port_flag, err);
	if (port < 0)
		return -1;
	if (cookie_load(&c->cookie_opts, &c->cookie, err) < 0)
		return -1;
	if (!c->connect_timeout_set && c->timeout_ms > 0 &&
	    c->connect_timeout_ms > c->timeout_ms)
		c->connect_timeout_ms = c->timeout_ms;
	memset(conn, 0, sizeof *conn);
	conn->cookie = &c->cookie;
	conn->epmd_port = port;
	conn->direct_port = (int)c->direct_port;
	conn->address = c->address ? c->address_host : NULL;
	conn->our_name = c->name;
	conn->stage_timeout_us = c->connect_timeout_ms > 0
		? c->connect_timeout_ms * 1000 : INT64_MAX / 4;
	conn->tick_interval_us = (int64_t)DEFAULT_TICK_MS * 1000;
	conn->max_message = 64 * 1024 * 1024;
	conn->names = namepool_inuse_new();
	if (!conn->names)
		return dist_error_set(err, DIST_E_NOMEM, DIST_STAGE_NONE,
				      "out of memory");
	if (cli_tls_finish(&c->tls, conn, err) < 0) {
		cli_common_release(c, conn);
		return -1;
	}
	/* After the TLS set-up, which may hand the run to the dynamic twin
	 * (cli_twin.h): the warning is then said once, by the twin. */
	if (c->cookie_opts.cookie_value)
		fprintf(stderr, "%s: warning: --cookie shows the cookie to "
			"every user in ps; prefer --cookie-file or "
			"$ERLANG_COOKIE\n", program_invocation_short_name);
	return 0;
}

const char *cli_resolver(const struct cli_common *c)
{
	const char *env = getenv("DIST_RESOLVER");

	if (c->resolver)
		return c->resolver;
	return env && *env ? env : NULL;
}

int cli_default_targets(struct cli_common *c, struct runner_config *r,
			char **slot, struct dist_error *err)
{
	if (r->nargs > 0)
		return 0;
	if (c->vm_args_node[0]) {
		*slot = c->vm_args_node;
		r->args = slot;
		r->nargs = 1;
		return 0;
	}
	if (isatty(r->in_fd))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "no NODE given%s and stdin is a "
				      "terminal: give NODE, or pipe targets in",
				      c->cookie_opts.vm_args
					      ? ", --vm-args names none "
						"(no -name or -sname),"
					      : "");
	return 0;
}

int cli_check_targets(char *const *args, int n, struct dist_error *err)
{
	int i;

	for (i = 0; i < n; i++)
		if (node_utf8_length(args[i]) < 0)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "NODE argument %d is not valid "
					      "UTF-8", i + 1);
	return 0;
}

void cli_common_release(struct cli_common *c, struct dist_conn_config *conn)
{
	cookie_wipe(&c->cookie);
	namepool_inuse_free(conn->names);
	conn->names = NULL;
	tls_ctx_free(conn->tls);
	conn->tls = NULL;
}

void cli_runner_config(const struct cli_common *c, struct runner_config *r,
		       const char *program)
{
	memset(r, 0, sizeof *r);
	r->concurrency = (int)c->concurrency;
	r->timeout_us = c->timeout_ms * 1000;
	r->format = c->quiet ? OUTPUT_QUIET : c->format;
	r->out = stdout;
	r->in_fd = STDIN_FILENO;
	r->resolver = c->resolver;
	r->stats = c->stats;
	r->prom_file = c->prom_file;
	r->program = program;
	r->report = cli_diagnostic;
}

int cli_help_or_version(const struct cli_common *c, const char *usage,
			const char *prog)
{
	if (!c->help && !c->version)
		return -1;
	errno = 0;
	if (c->help)
		fputs(usage, stdout);
	else
		printf("%s (dist) %s\n", prog, DIST_VERSION);
	if (fflush(stdout) != 0 || ferror(stdout))
		return cli_output_failed(errno);
	return DIST_EXIT_OK;
}

int cli_output_failed(int errnum)
{
	struct dist_error err;
	sigset_t pipe_set;

	if (errnum == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		sigprocmask(SIG_UNBLOCK, &pipe_set, NULL);
		raise(SIGPIPE);
		return DIST_EXIT_ENV;	/* not reached */
	}
	dist_error_set(&err, DIST_E_IO, DIST_STAGE_NONE,
		       "cannot write to stdout (io_error): %s; "
		       "nothing more was started",
		       strerror(errnum ? errnum : EIO));
	cli_diagnostic(&err);
	return DIST_EXIT_ENV;
}

int cli_run_status(const struct cli_common *c,
		   const struct runner_summary *sum)
{
	struct dist_error err;

	if (sum->output_failed)
		return cli_output_failed(sum->output_errno);
	if (sum->targets == 0 && sum->input_errors == 0 &&
	    !sum->input_failed) {
		dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "no target: no NODE given%s and stdin held "
			       "no node: give NODE, or pipe name@host lines "
			       "or JSON records in",
			       c->cookie_opts.vm_args && !c->vm_args_node[0]
				       ? ", --vm-args names none (no -name or "
					 "-sname),"
				       : "");
		cli_report(&err);
		return DIST_EXIT_USAGE;
	}
	return runner_exit_status(sum);
}

int cli_exit_status(const struct dist_error *err)
{
	switch (err->code) {
	case DIST_E_COOKIE:
	case DIST_E_TLS:
	case DIST_E_IO:
	case DIST_E_NOMEM:
		return DIST_EXIT_ENV;
	default:
		return DIST_EXIT_USAGE;
	}
}

void cli_diagnostic(const struct dist_error *err)
{
	fprintf(stderr, "%s: %s\n", program_invocation_short_name,
		err->message);
}

void cli_report(const struct dist_error *err)
{
	cli_diagnostic(err);
	if (err->code == DIST_E_USAGE)
		fprintf(stderr, "Try '%s --help' for more information.\n",
			program_invocation_short_name);
}
