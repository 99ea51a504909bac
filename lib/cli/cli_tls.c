/* cli_tls.c - the TLS distribution options of the connection group
 * (see cli.h): --tls and its files, a node's -ssl_dist_optfile, and a
 * release's vm.args that names both. */
#include "cli/cli.h"
#include "cli/cli_tls_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int cli_tls_option(struct cli_tls *t, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_TLS:
		break;
	case CLI_OPT_CERTFILE:
		t->certfile = arg;
		break;
	case CLI_OPT_KEYFILE:
		t->keyfile = arg;
		break;
	case CLI_OPT_CACERTFILE:
		t->cacertfile = arg;
		break;
	case CLI_OPT_INSECURE:
		t->insecure = true;
		break;
	case CLI_OPT_SSL_DIST_OPTFILE:
		t->optfile = arg;
		break;
	default:
		return 0;
	}
	/* Every one of them says the nodes speak TLS: asking for a CA file
	 * and then talking plain TCP would be no use to anyone. */
	t->on = true;
	return 1;
}

/* Empty text means "not given". */
static const char *given(const char *option, const char *file)
{
	if (option)
		return option;
	return file && file[0] ? file : NULL;
}

int cli_tls_files(const struct cli_tls *t, const char *side,
		  struct ssl_optfile *of, struct tls_config *cfg,
		  struct dist_error *err)
{
	const char *optfile = t->optfile;

	if (!optfile && t->vm_optfile[0])
		optfile = t->vm_optfile;
	if (!t->on && !t->vm_tls)
		return 0;
	memset(of, 0, sizeof *of);
	if (optfile && ssl_optfile_read_side(optfile, side, of, err) < 0)
		return -1;
	memset(cfg, 0, sizeof *cfg);
	cfg->certfile = given(t->certfile, of->certfile);
	cfg->keyfile = given(t->keyfile, of->keyfile);
	cfg->cacertfile = given(t->cacertfile, of->cacertfile);
	cfg->password = of->password[0] ? of->password : NULL;
	return 1;
}

int cli_tls_finish(struct cli_tls *t, struct dist_conn_config *conn,
		   struct dist_error *err)
{
	struct ssl_optfile of;
	struct tls_config cfg;
	int rc;

	rc = cli_tls_files(t, "client", &of, &cfg, err);
	if (rc <= 0)
		return rc;
	/* The optfile's verify_none is the node's own choice for its
	 * client; ours follows it, with the same warning as --insecure. */
	cfg.insecure = t->insecure ||
		       (!t->cacertfile && of.verify == SSL_OPTFILE_VERIFY_NONE);
	if (cfg.insecure)
		fprintf(stderr, "%s: warning: %s: the nodes' certificates are "
			"not verified: anyone on the network path can pose as "
			"a node\n",
			program_invocation_short_name,
			t->insecure ? "--insecure"
				    : "the ssl_dist_optfile says verify_none");
	rc = tls_ctx_new(&cfg, &conn->tls, err);
	ssl_optfile_wipe(&of);
	return rc;
}
