/* cli_tls_server.c - the accepting side of the TLS options, for a
 * program that listens (dist-node): its own certificate from
 * --certfile/--keyfile or the optfile's server section, and client
 * certificates checked against the CA when one is given. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dist/ssl_optfile.h"
#include "io/tls.h"

static const char *given(const char *option, const char *file)
{
	if (option)
		return option;
	return file && file[0] ? file : NULL;
}

int cli_tls_server(const struct cli_tls *t, struct tls_ctx **out,
		   struct dist_error *err)
{
	const char *optfile = t->optfile;
	struct ssl_optfile of;
	struct tls_config cfg;
	bool verify;
	int rc;

	*out = NULL;
	if (!optfile && t->vm && t->vm->optfile[0])
		optfile = t->vm->optfile;
	if (!t->on && !t->vm_tls)
		return 0;
	memset(&of, 0, sizeof of);
	if (optfile && ssl_optfile_read_side(optfile, "server", &of, err) < 0)
		return -1;
	memset(&cfg, 0, sizeof cfg);
	cfg.certfile = given(t->certfile, of.certfile);
	cfg.keyfile = given(t->keyfile, of.keyfile);
	cfg.cacertfile = given(t->cacertfile, of.cacertfile);
	cfg.password = of.password[0] ? of.password : NULL;
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
