/* dial.c - trying a host's addresses in turn (see dial.h). */
#include "io/dial.h"

#include <stdio.h>
#include <string.h>

#include "io/net.h"

void dial_init(struct dial *d, const struct resolve_result *addrs)
{
	memset(d, 0, sizeof *d);
	d->addrs = *addrs;
}

void dial_restart(struct dial *d)
{
	d->tries = 0;
	d->tried[0] = '\0';
}

int dial_connect(struct dial *d, uint16_t port, bool nodelay)
{
	return net_connect_start(&d->addrs.addrs[d->index], port, nodelay,
				 d->address, sizeof d->address);
}

bool dial_next(struct dial *d)
{
	size_t used = strlen(d->tried);

	snprintf(d->tried + used, sizeof d->tried - used, "%s%s",
		 used ? ", " : "", d->address);
	if (d->tries + 1 >= d->addrs.naddrs)
		return false;
	d->tries++;
	d->index = (d->index + 1) % d->addrs.naddrs;
	return true;
}

const struct sockaddr_storage *dial_current(const struct dial *d)
{
	return &d->addrs.addrs[d->index];
}
