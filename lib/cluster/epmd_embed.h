/* epmd_embed.h - an EPMD served inside the engine (dist-node --epmd
 * embedded): real erl nodes started with -start_epmd false register with
 * it, epmd -names and dist-discover list them, and erl finds them.
 *
 * The bytes are dist/epmd_serve.h's; this file owns the sockets: a
 * listener on every IPv4 address of the port, as epmd has, ALIVE2 taken
 * from loopback only, as epmd takes it, and a name unregistered when the
 * socket that registered it closes. The nodes of our own process
 * register without a socket (epmd_embed_add).
 */
#ifndef DIST_CLUSTER_EPMD_EMBED_H
#define DIST_CLUSTER_EPMD_EMBED_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "dist/epmd_serve.h"
#include "io/engine.h"

struct epmd_embed;

/* Listen on port. NULL with err; err->code DIST_E_IO and *in_use set
 * when something else listens there already. */
struct epmd_embed *epmd_embed_open(struct engine *e, uint16_t port,
				   bool *in_use, struct dist_error *err);
/* Close every client and the listener; the names go with them. */
void epmd_embed_close(struct epmd_embed *s);

/* Register one of our own nodes; its creation comes back. -1 with
 * DIST_E_NAME_IN_USE when the name is taken. */
int epmd_embed_add(struct epmd_embed *s, const char *name, uint16_t port,
		   uint32_t *creation, struct dist_error *err);
void epmd_embed_remove(struct epmd_embed *s, const char *name);

#endif
