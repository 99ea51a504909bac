/* ssl_optfile.h - a node's -ssl_dist_optfile, read for its client side.
 *
 * A release that runs TLS distribution already has this file: an
 * Erlang term [{server, Opts}, {client, Opts}] (OTP's ssl_distribution
 * guide), the same certificates every node of the cluster connects
 * with. Reading it as it is, rather than asking for its paths again on
 * our command line, makes `--vm-args vm.args` enough for a TLS cluster.
 *
 * From the client section we take certfile, keyfile, cacertfile,
 * password and verify; the other options tune OTP's ssl (ciphers,
 * versions, depth, ...) and are skipped. A file without a client
 * section gives nothing (as the node's own client then gets nothing).
 * Paths are taken as they are written: relative ones resolve from our
 * working directory, as they do from the node's.
 *
 * Limits: SSL_OPTFILE_MAX bytes of text, terms nested 16 deep, 10 000
 * terms, each path under SSL_OPTFILE_PATH_MAX bytes. Errors are
 * DIST_E_TLS (stage none) naming the file and what is wrong in it.
 */
#ifndef DIST_SSL_OPTFILE_H
#define DIST_SSL_OPTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define SSL_OPTFILE_MAX (64 * 1024)
#define SSL_OPTFILE_PATH_MAX 4096

enum ssl_optfile_verify {
	SSL_OPTFILE_VERIFY_UNSET = 0,
	SSL_OPTFILE_VERIFY_PEER,
	SSL_OPTFILE_VERIFY_NONE,
};

struct ssl_optfile {
	bool has_client;               /* a {client, Opts} section */
	char certfile[SSL_OPTFILE_PATH_MAX];   /* "" when not given */
	char keyfile[SSL_OPTFILE_PATH_MAX];
	char cacertfile[SSL_OPTFILE_PATH_MAX];
	char password[1024];           /* the key's, or "" */
	enum ssl_optfile_verify verify;
};

/* Parse the text of an optfile (name: for messages). */
int ssl_optfile_parse(const char *text, size_t len, const char *name,
		      struct ssl_optfile *out, struct dist_error *err);

/* Read and parse the file at path. */
int ssl_optfile_read(const char *path, struct ssl_optfile *out,
		     struct dist_error *err);

/* The same for one side: "client", or "server" for a node that
 * accepts TLS (dist-node); has_client then says the server section was
 * there. Its options are read alike; fail_if_no_peer_cert is implied
 * by verify_peer. */
int ssl_optfile_parse_side(const char *text, size_t len, const char *name,
			   const char *side, struct ssl_optfile *out,
			   struct dist_error *err);
int ssl_optfile_read_side(const char *path, const char *side,
			  struct ssl_optfile *out, struct dist_error *err);

/* Wipe the password. */
void ssl_optfile_wipe(struct ssl_optfile *o);

#endif
