/* fuzz_ssl_optfile - a node's -ssl_dist_optfile (ssl_optfile_parse):
 * Erlang term text from a release, read for its client section.
 *
 * Invariants: every path and the password are NUL-terminated within
 * their sizes and hold no NUL before it; verify is one of the enum's
 * values; a failure is DIST_E_TLS (or DIST_E_NOMEM) with a message.
 */
#include "fuzz.h"

#include "dist/ssl_optfile.h"

static void check_text(const char *s, size_t size)
{
	FUZZ_CHECK(memchr(s, '\0', size) != NULL);
}

static int one_side(const uint8_t *data, size_t size, const char *side)
{
	struct dist_error err = { 0 };
	struct ssl_optfile o;
	int rc;

	rc = ssl_optfile_parse_side((const char *)data, size, "fuzz", side, &o,
				    &err);
	if (rc < 0) {
		FUZZ_CHECK(err.code == DIST_E_TLS || err.code == DIST_E_NOMEM);
		FUZZ_CHECK(err.message[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(rc == 0);
	check_text(o.certfile, sizeof o.certfile);
	check_text(o.keyfile, sizeof o.keyfile);
	check_text(o.cacertfile, sizeof o.cacertfile);
	check_text(o.password, sizeof o.password);
	FUZZ_CHECK(o.verify == SSL_OPTFILE_VERIFY_UNSET ||
		   o.verify == SSL_OPTFILE_VERIFY_PEER ||
		   o.verify == SSL_OPTFILE_VERIFY_NONE);
	FUZZ_CHECK(o.has_client || (!o.certfile[0] && !o.keyfile[0] &&
				    !o.cacertfile[0]));
	ssl_optfile_wipe(&o);
	return 0;
}

/* Both sections: the client's for the connecting programs, the
 * server's for dist-node accepting TLS. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one_side(data, size, "client");
	one_side(data, size, "server");
	return 0;
}
