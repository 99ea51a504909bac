/* cli_tls.c - the TLS distribution options of the connection group
 * (see cli.h): --tls and its files, a node's -ssl_dist_optfile, and a
 * release's vm.args that names both. */
#include "cli/cli.h"
#include "cli/cli_twin.h"
#include "io/dl_table.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dist/ssl_optfile.h"
#include "io/tls.h"

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

/* Which value counts, the command line first: an option (--certfile),
 * then the optfile when --ssl-dist-optfile named it, then vm.args:
 * its inline -ssl_dist_opt over its -ssl_dist_optfile. */
static const char *pick(const struct cli_tls *t, const char *option,
			const char *vm_inline, const char *from_file)
{
	if (option)
		return option;
	if (t->optfile && from_file[0])
		return from_file;
	return given(vm_inline[0] ? vm_inline : NULL, from_file);
}

int cli_tls_finish(struct cli_tls *t, struct dist_conn_config *conn,
		   struct dist_error *err)
{
	const char *optfile = t->optfile;
	struct ssl_optfile of;
	struct tls_config cfg;
	enum ssl_optfile_verify verify;
	const char *why;
	int rc;

	if (!optfile && t->vm && t->vm->optfile[0])
		optfile = t->vm->optfile;
	if (!t->on && !t->vm_tls)
		return 0;
	/* A static build cannot load libssl: its twin runs this. */
	if (!dl_table_can_load() && t->argv)
		return cli_exec_twin(t->argv, err);
	memset(&of, 0, sizeof of);
	if (optfile && ssl_optfile_read(optfile, &of, err) < 0)
		return -1;
	memset(&cfg, 0, sizeof cfg);
	cfg.certfile = pick(t, t->certfile, t->vm ? t->vm->certfile : "",
			    of.certfile);
	cfg.keyfile = pick(t, t->keyfile, t->vm ? t->vm->keyfile : "",
			   of.keyfile);
	cfg.cacertfile = pick(t, t->cacertfile,
			      t->vm ? t->vm->cacertfile : "", of.cacertfile);
	cfg.password = of.password[0] ? of.password : NULL;
	/* The node's verify_none (optfile or inline) is its own choice
	 * for its client; ours follows it, with the same warning as
	 * --insecure. The order is pick()'s. */
	verify = of.verify;
	why = "the ssl_dist_optfile says verify_none";
	if (t->vm_verify && !(t->optfile && of.verify)) {
		verify = (enum ssl_optfile_verify)t->vm_verify;
		why = "vm.args -ssl_dist_opt says client_verify verify_none";
	}
	cfg.insecure = t->insecure ||
		       (!t->cacertfile && verify == SSL_OPTFILE_VERIFY_NONE);
	if (cfg.insecure)
		fprintf(stderr, "%s: warning: %s: the nodes' certificates are "
			"not verified: anyone on the network path can pose as "
			"a node\n",
			program_invocation_short_name,
			t->insecure ? "--insecure" : why);
	rc = tls_ctx_new(&cfg, &conn->tls, err);
	ssl_optfile_wipe(&of);
	return rc;
}
