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

#include "error.h"

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

#endif
