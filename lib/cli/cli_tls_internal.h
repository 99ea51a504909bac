/* cli_tls_internal.h - what the connecting (cli_tls.c) and the
 * accepting (cli_tls_server.c) side of the TLS options share. */
#ifndef DIST_CLI_TLS_INTERNAL_H
#define DIST_CLI_TLS_INTERNAL_H

#include "cli/cli.h"
#include "dist/ssl_optfile.h"
#include "io/tls.h"

/* The files of the TLS options for one side ("client" or "server" of
 * the optfile): an option given on the command line wins over the
 * optfile's (--ssl-dist-optfile, else the one vm.args names). 1 with
 * cfg and of filled (cfg points into of: ssl_optfile_wipe it after),
 * 0 when TLS is off, -1 with err when the optfile cannot be read. The
 * sides differ only in what they verify, so cfg->insecure is left
 * false for the caller to decide. */
int cli_tls_files(const struct cli_tls *t, const char *side,
		  struct ssl_optfile *of, struct tls_config *cfg,
		  struct dist_error *err);

#endif
