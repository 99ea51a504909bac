/* fuzz_discover_hosts - an Erlang .hosts.erlang file
 * (discover_hosts_parse): 'host'. terms and % comments.
 *
 * Invariants: each host handed over is non-empty and fits the parser's
 * 255-byte buffer; the count returned is the number of hosts handed
 * over and at most DISCOVER_MAX_HOSTS; a callback error stops the parse
 * right there and comes back as it was; failures are typed errors.
 */
#include "fuzz.h"

#include "discover/discover.h"

struct seen {
	int count;
	int stop_at;    /* refuse this host (1-based), 0 never */
};

static int on_host(void *data, const char *host, struct dist_error *err)
{
	struct seen *s = data;

	FUZZ_CHECK(host[0] != '\0' && strlen(host) < 256);
	if (++s->count == s->stop_at)
		return dist_error_set(err, DIST_E_RESOLVE, DIST_STAGE_INPUT,
				      "refused by the fuzz target");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	struct seen seen = { 0 };
	int rc;

	rc = discover_hosts_parse((const char *)data, size, on_host, &seen,
				  &err);
	if (rc >= 0)
		FUZZ_CHECK(rc == seen.count && rc <= DISCOVER_MAX_HOSTS);
	else
		fuzz_check_error(&err);
	/* Again, with the callback refusing the last host it was given. */
	if (seen.count > 0 && seen.count <= DISCOVER_MAX_HOSTS) {
		int n = seen.count;

		seen = (struct seen){ .stop_at = n };
		dist_error_clear(&err);
		rc = discover_hosts_parse((const char *)data, size, on_host,
					  &seen, &err);
		FUZZ_CHECK(rc == -1 && err.code == DIST_E_RESOLVE);
		FUZZ_CHECK(seen.count == n);
	}
	return 0;
}
