/* members_view.h - what one member tells dist-members about itself in
 * one round trip: the nodes it is connected to (visible and hidden), its
 * OTP release, uptime, process count and memory, and, when asked, the
 * pg groups of the default scope and the global names.
 *
 * The questions are Erlang expressions evaluated by the node's own
 * erl_eval (through rex, as dist-rpc --eval): nothing is loaded, nothing
 * is started, no connection is made. The only atoms they bring are ones
 * every node already has, and node names the member itself has in
 * nodes(). Their answers are decoded here, bounded like every term.
 */
#ifndef DIST_CLUSTER_MEMBERS_VIEW_H
#define DIST_CLUSTER_MEMBERS_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "etf/etf.h"

/* More connections than this in one view is no cluster we can draw. */
#define MEMBERS_VIEW_NODES_MAX 10000

struct member_view {
	char *node;                 /* node() as the member says it */
	char **visible;             /* nodes(visible) */
	size_t nvisible;
	char **hidden;              /* nodes(hidden) */
	size_t nhidden;
	char otp_release[32];
	int64_t uptime_ms, processes, memory_bytes;
	json_t *groups, *global;    /* with groups only, else NULL */
};

/* The expression of the view (groups: also pg and global). */
const char *members_view_expr(bool groups);

/* The answer of members_view_expr into v (zeroed first). Errors:
 * DIST_E_PROTOCOL (not the shape asked for), DIST_E_TOO_LARGE, NOMEM. */
int members_view_decode(const struct etf_term *t, struct member_view *v,
			struct dist_error *err);
void members_view_free(struct member_view *v);

/* Whether name is in v's visible list. */
bool members_view_sees(const struct member_view *v, const char *name);

/* The indirect probe of target, run on a member that has target in
 * nodes(): ask target's net_kernel (the question net_adm:ping asks)
 * with erlang:send/3's noconnect, so that a connection that went away
 * is never set up again by us, and wait wait_ms for the answer.
 * Answers: yes (reached), noconnect (not connected), timeout. The
 * target must be a valid node name (it is quoted here). -1 when out
 * does not hold it (DIST_E_TOO_LARGE). */
int members_indirect_expr(const char *target, int64_t wait_ms, char *out,
			  size_t size, struct dist_error *err);

enum members_indirect_answer {
	MEMBERS_INDIRECT_REACHED,
	MEMBERS_INDIRECT_NOT_CONNECTED,
	MEMBERS_INDIRECT_NO_ANSWER,
};

/* -1 (DIST_E_PROTOCOL) for any other answer. */
int members_indirect_decode(const struct etf_term *t,
			    enum members_indirect_answer *a,
			    struct dist_error *err);

#endif
