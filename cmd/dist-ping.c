/* dist-ping - is this node alive and reachable with this cookie?
 *
 * CLI glue only: options, then the shared runner drives ping jobs
 * (lib/run/ping.c) over the targets from arguments or stdin records. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/duration.h"
#include "run/ping.h"

static const char usage_text[] =
"Usage: dist-ping [OPTION]... [NODE]...\n"
"Check that Erlang nodes are alive and accept our cookie: a real\n"
"net_adm:ping (EPMD lookup, handshake, is_auth to net_kernel).\n"
"NODEs are name@host; without NODEs, targets are read from stdin, one per\n"
"line: a bare name@host or a JSON object with \"node\" (other fields are\n"
"carried to the output). With --vm-args and no NODE, the release's own\n"
"-name/-sname is pinged; give '-' to read stdin anyway.\n"
"\n"
"  -c, --count N            pings per node over one connection (default 1)\n"
"  -i, --interval DUR       wait between pings (default 1s)\n"
"  -t, --timeout DUR        deadline for the whole command (default 10s)\n"
"      --connect-timeout DUR  limit for each stage of one node: resolve,\n"
"                           epmd, connect, handshake, request (default 5s)\n"
"  -j, --concurrency N      nodes in flight at once (default 64)\n"
"      --cookie-file FILE   read the cookie from FILE (mode 0400/0600)\n"
"      --vm-args FILE       a release's vm.args: -setcookie, -name/-sname\n"
"      --cookie VALUE       the cookie itself (visible in ps: avoid)\n"
"  -n, --name NAME          our node name (default: -dist0..-dist31@host)\n"
"      --epmd-port PORT     EPMD port (default $ERL_EPMD_PORT or 4369)\n"
"  -p, --port PORT          skip EPMD: the node listens on PORT\n"
"      --address HOST[:PORT]  connect to HOST (EPMD there, or PORT),\n"
"                           not to the target's host; the name stays\n"
"      --resolver HOST[:PORT]  DNS server(s) to use instead of\n"
"                           /etc/resolv.conf (also $DIST_RESOLVER)\n"
"  -o, --output FORMAT      json (default), text or pretty\n"
"  -q, --quiet              no output; the exit status tells\n"
"      --stats              end with a summary record (counts, p50/p99)\n"
"      --prom FILE          write the summary as a Prometheus textfile\n"
"  -h, --help               show this help\n"
"  -V, --version            show the version\n"
"\n"
"DUR is a number with a unit: 250ms, 2s, 1.5m; a bare number is seconds.\n"
"Cookie: --cookie-file, --vm-args, --cookie, $ERLANG_COOKIE,\n"
"$RELEASE_COOKIE, ~/.erlang.cookie; the first that gives one is used.\n"
"\n"
"Exit status: 0 all nodes answered, 1 some failed (see the records),\n"
"2 usage or input error (nothing after a rejected line is tried; no target\n"
"at all is one too), 3 environment error (cookie, stdout unwritable).\n"
"See dist-ping(1) and dist(7).\n";

enum { OPT_COUNT = 'c', OPT_INTERVAL = 'i' };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG_OPTIONS,
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common cli;
	struct ping_config pcfg;
	struct runner_config rcfg;
	struct runner_summary sum;
	struct dist_error err;
	char *vm_target[1];
	int64_t interval_ms = 1000;
	long count = 1;
	int opt, rc;

	cli_common_init(&cli);
	dist_error_clear(&err);
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT "c:i:",
				  longopts, NULL)) != -1) {
		rc = cli_common_option(&cli, opt, optarg, &err);
		if (rc < 0)
			goto usage_error;
		if (rc > 0)
			continue;
		switch (opt) {
		case OPT_COUNT:
			if (count_parse(optarg, 1, 1000000, &count, &err) < 0)
				goto usage_error;
			break;
		case OPT_INTERVAL:
			if (duration_parse(optarg, &interval_ms, &err) < 0)
				goto usage_error;
			break;
		default:
			return cli_usage_hint("dist-ping");
		}
	}
	rc = cli_help_or_version(&cli, usage_text, "dist-ping");
	if (rc >= 0)
		return rc;
	memset(&pcfg, 0, sizeof pcfg);
	if (cli_common_finish(&cli, &pcfg.conn, &err) < 0) {
		cli_report(&err);
		return cli_exit_status(&err);
	}
	pcfg.count = (int)count;
	pcfg.interval_us = interval_ms * 1000;

	cli_runner_config(&cli, &rcfg, "dist_ping");
	rcfg.ctx = &pcfg;
	if (optind < argc && !(argc - optind == 1 && !strcmp(argv[optind], "-"))) {
		rcfg.args = argv + optind;
		rcfg.nargs = argc - optind;
		if (cli_check_targets(rcfg.args, rcfg.nargs, &err) < 0) {
			cli_common_release(&cli, &pcfg.conn);
			goto usage_error;
		}
	}
	/* "-" asks for stdin even when --vm-args names a node. */
	if (!(optind < argc) &&
	    cli_default_targets(&cli, &rcfg, vm_target, &err) < 0) {
		cli_common_release(&cli, &pcfg.conn);
		goto usage_error;
	}
	if (runner_run(&rcfg, &ping_runner_ops, &sum, &err) < 0) {
		cli_report(&err);
		cli_common_release(&cli, &pcfg.conn);
		return cli_exit_status(&err);
	}
	cli_common_release(&cli, &pcfg.conn);
	return cli_run_status(&cli, &sum);

usage_error:
	cli_report(&err);
	return DIST_EXIT_USAGE;
}
