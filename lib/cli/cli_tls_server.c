/* cli_tls_server.c - the accepting side of the TLS options, for a
 * program that listens (dist-node): its own certificate from
 * --certfile/--keyfile or the optfile's server section, and client
 * certificates checked against the CA when one is given. */
#include "cli/cli.h"
#include "cli/cli_tls_internal.h"

#include <errno.h>
#include <stdio.h>

int cli_tls_server(const struct cli_tls *t, struct tls_ctx **out,
		   struct dist_error *err)
{
	struct ssl_optfile of;
	struct tls_config cfg;
	bool verify;
	int rc;

	*out = NULL;
	rc = cli_tls_files(t, "server", &of, &cfg, err);
	if (rc <= 0)
		return rc;
	/* A CA given on the command line is there to check peers with;
	 * the optfile's server says so itself with verify. */
	verify = !t->insecure &&
		 (t->cacertfile ||
		  of.verify == SSL_OPTFILE_VERIFY_PEER ||
		  (cfg.cacertfile && of.verify != SSL_OPTFILE_VERIFY_NONE));
	if (!verify && cfg.certfile)
		fprintf(stderr, "%s: warning: no CA to check client "
			"certificates with (--cacertfile): any peer that has "
			"the cookie can connect\n",
			program_invocation_short_name);
	rc = tls_server_ctx_new(&cfg, verify, out, err);
	ssl_optfile_wipe(&of);
	return rc;
}
