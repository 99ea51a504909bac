/* namepool.h - the node name we present to targets.
 *
 * Every distinct peer name becomes an atom on the target forever, so a
 * probe run from cron every 10 s must not invent names: we use dist0 ..
 * dist31 @ our host, the first one the target does not already have
 * connected. The host part follows the target's style (short names talk
 * only to short names).
 */
#ifndef DIST_NAMEPOOL_H
#define DIST_NAMEPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "base/error.h"

#define NAME_POOL_SIZE 32
#define NAME_POOL_PREFIX "dist"

/* Build our name for the attempt-th try (0-based) against a target of
 * the given style. `override` is --name: "alive" or "alive@host" (then
 * there is no pool and attempt must be 0). `local` is our end of the
 * connection, used as the host of a long name when our host name has no
 * domain. Returns 0 or -1 (DIST_E_INVALID_NAME for a bad override,
 * DIST_E_NAME_IN_USE when the pool is exhausted). */
int namepool_name(const char *override, unsigned attempt, bool long_style,
		  const struct sockaddr_storage *local, char *out, size_t len,
		  struct dist_error *err);

/* Which pool names this process has in flight to which node, so that
 * concurrent connections of one run to one node never collide on a name
 * (the node would refuse or drop all but one of them). Other processes
 * are still told apart by the node's "alive" answer. */
struct namepool_inuse;

struct namepool_inuse *namepool_inuse_new(void);
void namepool_inuse_free(struct namepool_inuse *u);
/* A pool index this process is not using towards node, now marked used
 * (*held true): the first free one from `start` on, circularly, or with
 * start -1 from where the last acquire for that node left off, so that a
 * name just released gets time to be forgotten by the node before it is
 * used again. With every index taken (or no table), the start index
 * unmarked (*held false): the node's answer then decides. */
unsigned namepool_acquire(struct namepool_inuse *u, const char *node,
			  int start, bool *held);
void namepool_release(struct namepool_inuse *u, const char *node,
		      unsigned index);
/* Whether this process itself holds every pool name towards node. */
bool namepool_all_ours(struct namepool_inuse *u, const char *node);

#endif
