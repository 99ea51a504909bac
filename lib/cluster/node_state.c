/* node_state.c - the parts of the node's state that its mailboxes,
 * calls and kept connections add: set up before the start, begun once
 * the creation is known, and released at the end (see node_internal.h).
 */
#include "cluster/node_internal.h"

#include "dist/handshake.h"

void node_state_init(struct node *n)
{
	/* ALIAS: gen_server replies to a call's alias come to us as
	 * ALIAS_SEND. SEND_SENDER: a send to a pid carries its sender
	 * both ways, as a send to a name does ("from"). PUBLISHED only
	 * where asked (--visible): a hidden node stays out of global and
	 * pg. */
	n->flags = DIST_OUR_FLAGS | DFLAG_ALIAS | DFLAG_DIST_MONITOR_NAME |
		   DFLAG_SEND_SENDER | (n->cfg->visible ? DFLAG_PUBLISHED : 0);
	n->conn = n->cfg->conn;
	n->conn.extra_flags = n->flags & ~(uint64_t)DIST_OUR_FLAGS;
	/* Links we dial are dropped when silent, as the ones peers open. */
	n->conn.tick_timeout_us = n->cfg->net_ticktime_us;
	node_mbox_init(n);
}

void node_state_ready(struct node *n)
{
	struct dist_error err;

	/* Every pid, ref and handshake of a link we open carries the
	 * creation EPMD gave us. */
	n->conn.creation = n->creation;
	for (size_t i = 0; i < n->cfg->nconnect; i++) {
		struct node_name nn;

		if (node_name_parse(n->cfg->connect[i], &nn, &err) < 0 ||
		    node_peer_keep(n, &nn, &err) < 0) {
			json_t *rec = json_object();

			json_object_set_new(rec, "event", json_string("error"));
			json_object_set_new(rec, "node",
					    json_string(n->cfg->connect[i]));
			json_object_set_new(rec, "error", node_error_json(
				&err, DIST_STAGE_INPUT));
			node_diag_record(n, rec);
		}
	}
}

void node_state_end(struct node *n)
{
	node_ops_free(n);
	node_peers_free(n);
	node_mbox_free(n);
}
