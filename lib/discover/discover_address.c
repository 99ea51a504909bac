/* discover_address.c - an address literal as every source writes it
 * (see discover.h): one place for what the node records, the EPMD
 * source and the HTTP formats each did by hand. */
#include "discover/discover.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

int discover_address_text(const char *in, char *out, size_t len)
{
	unsigned char bin[16];

	/* In place (out == in) is allowed: snprintf only when apart. */
	if (out != in)
		snprintf(out, len, "%s", in);
	if (inet_pton(AF_INET, in, bin) == 1)
		return AF_INET;
	/* glibc's inet_ntop writes RFC 5952: lower case, :: once, at the
	 * longest run of zeros. A zone (fe80::1%eth0) does not parse and
	 * is kept as written. */
	if (inet_pton(AF_INET6, in, bin) == 1 &&
	    inet_ntop(AF_INET6, bin, out, (socklen_t)len))
		return AF_INET6;
	return 0;
}
