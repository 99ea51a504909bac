/* namepool.h - the node name we present to targets.
 *
 * Every distinct peer name becomes an atom on the target forever, so a
 * probe run from cron every 10 s must not invent names: we use -dist0 ..
 * -dist31 @ our host, the first one the target does not already have
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
/* Why the leading '-': see the node's rule below. */
#define NAME_POOL_PREFIX "-dist"

/* Build our name for the attempt-th try (0-based) against a target of
 * the given style. `override` is --name: "alive" or "alive@host" (then
 * there is no pool and attempt must be 0). `local` is our end of the
 * connection, used as the host of a long name when our host name has no
 * domain. Returns 0 or -1 (DIST_E_INVALID_NAME for a bad override,
 * DIST_E_NAME_IN_USE when the pool is exhausted). */
int namepool_name(const char *override, unsigned attempt, bool long_style,
		  const struct sockaddr_storage *local, char *out, size_t len,
		  struct dist_error *err);

/* Which pool names are in flight to which node, so that concurrent
 * connections never collide on a name, whether they belong to this run
 * or to other runs on this host (health probes fire together).
 *
 * The node's rule (net_kernel accept_pending, OTP 23-27): when a second
 * connection arrives from a name whose first connection is still in its
 * handshake, the node compares its own name with ours. If its name is
 * greater it answers the newcomer "nok" and keeps the first: a clean
 * refusal, and we take the next name. Otherwise it kills the first one
 * ("remarked") and lets the newcomer through, so the first dies with a
 * bare close, possibly right after its challenge reply, where a close
 * means a wrong cookie. Our pool names therefore start with '-', which
 * sorts below every letter and digit: a node gives us the clean "nok"
 * unless its own name starts with '-' too. And names are shared out
 * before they reach the node, by the node's identity rather than by how
 * a target spells it (apple@vm and apple@localhost are one node):
 * within the run by a table, between runs of this user by a byte-range
 * lock per pool index in a file per node, in the runtime directory
 * ($XDG_RUNTIME_DIR/dist, else /tmp/dist-UID). Open-file-description
 * locks belong to the connection that holds them, not to the process,
 * and go away with it, even when it is killed. Another user's runs are
 * told apart by the node's answers alone ("nok", "alive"). */
struct namepool_inuse;

struct namepool_inuse *namepool_inuse_new(void);
void namepool_inuse_free(struct namepool_inuse *u);

/* The key of the node a connection reaches: alive name, address (every
 * loopback address is the same host) and port. */
void namepool_node_key(const char *alive, const struct sockaddr_storage *addr,
		       unsigned port, char *out, size_t len);

struct namepool_hold {
	unsigned index;   /* our name is NAME_POOL_PREFIX<index> */
	bool held;        /* marked in the table (and locked, if we can) */
	int lock_fd;      /* the lock between runs, or -1 */
};

enum namepool_got {
	NAMEPOOL_HELD,      /* h->index is ours until released */
	NAMEPOOL_ALL_BUSY,  /* every index is held, here or by another run */
	NAMEPOOL_UNTRACKED, /* no table: try h->index, the node decides */
};

/* A pool index nobody holds towards the node `key`: the first free one
 * from `start` on, circularly, or with start -1 from where the last
 * acquire for that node left off, so that a name just released gets
 * time to be forgotten by the node before it is used again. */
enum namepool_got namepool_acquire(struct namepool_inuse *u, const char *key,
				   int start, struct namepool_hold *h);
/* Give back a held index (nothing happens when h holds nothing). */
void namepool_release(struct namepool_inuse *u, const char *key,
		      struct namepool_hold *h);

#endif
