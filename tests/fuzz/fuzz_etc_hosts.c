/* fuzz_etc_hosts - an /etc/hosts text (etc_hosts_lookup): ADDRESS NAME
 * [ALIAS]... lines, '#' comments.
 *
 * Invariants: the count returned is res.naddrs, at most
 * RESOLVE_MAX_ADDRS; every address is IPv4 or IPv6, the IPv4 ones
 * first; the lookup never reads past the input (ASan sees to that: the
 * text is a copy of exactly size bytes, not NUL-terminated). The name
 * asked is the input's first field, so matches are common.
 */
#include "fuzz.h"

#include "io/etc_hosts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resolve_result res;
	char name[64] = "localhost";
	char *text = malloc(size ? size : 1);
	size_t i = 0, n = 0;
	bool v6_seen = false;
	int found;

	if (!text)
		return 0;
	memcpy(text, data, size);
	/* The second field of the first line, when there is one. */
	while (i < size && text[i] != ' ' && text[i] != '\n')
		i++;
	while (i < size && text[i] == ' ')
		i++;
	while (i < size && n + 1 < sizeof name && text[i] != ' ' &&
	       text[i] != '\n' && text[i] != '\t' && text[i] != '\0')
		name[n++] = text[i++];
	if (n > 0)
		name[n] = '\0';
	found = etc_hosts_lookup(text, size, name, &res);
	FUZZ_CHECK(found == res.naddrs && found >= 0 &&
		   found <= RESOLVE_MAX_ADDRS);
	for (int k = 0; k < found; k++) {
		int family = res.addrs[k].ss_family;

		FUZZ_CHECK(family == AF_INET || family == AF_INET6);
		FUZZ_CHECK(!(family == AF_INET && v6_seen));
		v6_seen = v6_seen || family == AF_INET6;
	}
	free(text);
	return 0;
}
