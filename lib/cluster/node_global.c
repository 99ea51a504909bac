/* node_global.c - what a visible dist-node (--visible) tells `global`.
 *
 * A BEAM node's global_name_server greets every new visible peer with
 * a cast {init_connect, {Vsn, Tag}, Node, {locker, ...}} and counts the
 * peer out of sync until the name exchange with the peer's own
 * global_name_server is done: global:sync() waits for that, forever
 * when the peer runs no global. We have no global names and take part
 * in no locking, so we answer the greeting with the cast global keeps
 * for peers already in sync, {in_sync, OurNode, true}: global marks us
 * synced, drops its locker for us, and sync() returns. pg needs nothing:
 * its discover message to us goes unanswered and leaves its groups as
 * they are. (kernel global.erl, OTP 25: handle_cast in_sync.)
 */
#include "cluster/node_internal.h"

enum { CTL_REG_SEND = 6 };

void node_global_message(struct node_link *l, const struct etf_term *msg)
{
	struct node *n = l->n;
	const struct etf_term *req;
	struct etf_arena *a;
	struct etf_term *control, *reply;

	if (!n->cfg->visible || !etf_is_tuple(msg, 2) ||
	    !etf_is_atom(msg->v.tuple.elems[0], "$gen_cast"))
		return;
	req = msg->v.tuple.elems[1];
	if (!etf_is_tuple(req, 4) ||
	    !etf_is_atom(req->v.tuple.elems[0], "init_connect"))
		return;
	a = etf_arena_new();
	if (!a)
		return;
	/* REG_SEND {6, Self, '', global_name_server} +
	 * {'$gen_cast', {in_sync, OurNode, true}} */
	control = etf_tuple(a, 4, etf_int(a, CTL_REG_SEND), node_pid(n, a, 1),
			    etf_atom(a, ""), etf_atom(a, "global_name_server"));
	reply = etf_tuple(a, 2, etf_atom(a, "$gen_cast"),
			  etf_tuple(a, 3, etf_atom(a, "in_sync"),
				    etf_atom(a, n->cfg->name),
				    etf_atom(a, "true")));
	if (control && reply)
		node_link_send(l, control, reply, NULL);
	etf_arena_free(a);
}
