/* node_peer.c - connections the node keeps (--connect, the connect
 * command): opened at once, and after a loss opened again with
 * exponential backoff and jitter, until disconnect. A connection the
 * peer opens to us counts as well: the peer is connected either way.
 */
#include "cluster/node_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/backoff.h"
#include "base/random.h"

#define RETRY_BASE_MS 200
#define RETRY_CAP_MS 10000

static struct node_peer *peer_find(struct node *n, const char *name)
{
	for (struct node_peer *p = n->peers; p; p = p->next)
		if (!strcmp(p->name.full, name))
			return p;
	return NULL;
}

static void on_retry(struct engine *e, struct engine_timer *t)
{
	struct node_peer *p = t->data;

	(void)e;
	if (!p->n->stopping && !node_link_find(p->n, p->name.full))
		node_link_get(p->n, &p->name);
}

int node_peer_keep(struct node *n, const struct node_name *name,
		   struct dist_error *err)
{
	struct node_peer *p;

	if (!strcmp(name->full, n->cfg->name))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "%s: that is this node", name->full);
	if (peer_find(n, name->full))
		return 0;
	p = calloc(1, sizeof *p);
	if (!p)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	p->n = n;
	p->name = *name;
	p->retry.cb = on_retry;
	p->retry.data = p;
	p->next = n->peers;
	n->peers = p;
	if (!node_link_find(n, name->full) && !node_link_get(n, name))
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	return 0;
}

static void peer_free(struct node *n, struct node_peer *p)
{
	engine_timer_disarm(n->e, &p->retry);
	free(p);
}

bool node_peer_drop(struct node *n, const char *name)
{
	for (struct node_peer **pp = &n->peers; *pp; pp = &(*pp)->next) {
		struct node_peer *p = *pp;

		if (strcmp(p->name.full, name))
			continue;
		*pp = p->next;
		peer_free(n, p);
		return true;
	}
	return false;
}

void node_peer_link_up(struct node *n, const char *name)
{
	struct node_peer *p = peer_find(n, name);

	if (p) {
		p->failures = 0;
		engine_timer_disarm(n->e, &p->retry);
	}
}

void node_peer_link_down(struct node *n, const char *name)
{
	struct node_peer *p = peer_find(n, name);
	int64_t ms;

	if (!p || n->stopping)
		return;
	ms = backoff_delay_ms(p->failures, RETRY_BASE_MS, RETRY_CAP_MS,
			      random_u32_nonzero());
	if (p->failures < 64)
		p->failures++;
	engine_timer_arm(n->e, &p->retry, engine_now_us() + ms * 1000);
}

void node_peers_free(struct node *n)
{
	while (n->peers) {
		struct node_peer *p = n->peers;

		n->peers = p->next;
		peer_free(n, p);
	}
}

void node_peer_command(struct node *n, const struct node_cmd *cmd)
{
	struct dist_error err;
	json_t *rec = json_pack("{s:s}", "node", cmd->node.full);
	int rc = 0;

	dist_error_clear(&err);
	if (cmd->kind == NODE_CMD_CONNECT) {
		rc = node_peer_keep(n, &cmd->node, &err);
	} else {
		struct node_link *l;
		bool kept = node_peer_drop(n, cmd->node.full);
		bool linked = false;

		while ((l = node_link_find(n, cmd->node.full)) != NULL) {
			linked = true;
			node_link_close(l, "disconnect");
		}
		if (!kept && !linked)
			rc = dist_error_set(&err, DIST_E_USAGE,
					    DIST_STAGE_INPUT,
					    "%s: not connected", cmd->node.full);
	}
	node_result(n, node_cmd_kind_name(cmd->kind), cmd->id, rec,
		    rc < 0 ? &err : NULL);
}
