/* dial.h - a host's addresses tried in turn until one answers.
 *
 * A host name resolves to several addresses (IPv4 and IPv6, several
 * interfaces), and a service may listen on some of them only: EPMD on
 * one interface, a node with -kernel inet_dist_use_interface, an
 * IPv6-only node, Debian's 127.0.1.1 line in /etc/hosts. Whoever
 * connects walks the list with this, the same way: EPMD and the node's
 * port for a connection, EPMD for discovery.
 *
 * The connect itself is the caller's to finish in its event loop
 * (net_connect_result); this keeps the list, where the walk is, and
 * which addresses were given up on, for the message when none answers.
 */
#ifndef DIST_DIAL_H
#define DIST_DIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "io/resolve.h"

struct dial {
	struct resolve_result addrs;
	int index;              /* the address being dialled */
	int tries;              /* addresses given up on in this walk */
	char address[64];       /* text of the address dialled last */
	char tried[200];        /* those given up on, ", " between them */
};

/* Walk addrs from the first. */
void dial_init(struct dial *d, const struct resolve_result *addrs);

/* A new walk over every address (another port), from the current one:
 * the address that answered before is the likeliest to answer again. */
void dial_restart(struct dial *d);

/* Start a non-blocking connect to the current address at port. Returns
 * the fd, whose writability reports the outcome, or -errno. */
int dial_connect(struct dial *d, uint16_t port, bool nodelay);

/* The current address did not answer: note it, move to the next one not
 * tried in this walk. false when every address has had its turn. */
bool dial_next(struct dial *d);

const struct sockaddr_storage *dial_current(const struct dial *d);

#endif
