/* node_route.c - messages in and out (see node_internal.h).
 *
 * In: SEND and REG_SEND (and their trace-token forms) to net_kernel
 * (is_auth: net_adm:ping) or to a mailbox become records; answers to
 * our calls (SEND, ALIAS_SEND) and DOWNs (MONITOR_P_EXIT) go to
 * node_ops.c; monitors, links and exits of our mailboxes to
 * node_mbox.c.
 * Out: a stdin send goes over the link to its node, opening one with
 * dist_conn when there is none; it waits in the link's queue until the
 * handshake is done.
 */
#include "cluster/node_internal.h"
#include "cluster/node_codec.h"

#include <stdlib.h>
#include <string.h>


/* Control message tags (erl_dist_protocol). */
enum {
	CTL_SEND = 2,
	CTL_REG_SEND = 6,
	CTL_SEND_TT = 12,
	CTL_REG_SEND_TT = 16,
	CTL_MONITOR_P_EXIT = 21,
	CTL_SEND_SENDER = 22,
	CTL_SEND_SENDER_TT = 23,
	CTL_PAYLOAD_MONITOR_P_EXIT = 27,
	CTL_ALIAS_SEND = 33,
	CTL_ALIAS_SEND_TT = 34,
};

/* Pid 1 is the node's own (the sender of stdin sends); mailbox i has
 * pid 2 + i. */
#define NODE_SELF_PID 1

struct etf_term *node_pid(struct node *n, struct etf_arena *a, uint32_t id)
{
	return etf_pid(a, n->cfg->name, id, 0, n->creation);
}

struct etf_term *node_term_copy(struct etf_arena *a, const struct etf_term *t)
{
	struct etf_term *copy = NULL;
	struct dist_error err;
	struct buf b;
	size_t used;

	buf_init(&b, 0);
	if (etf_encode(t, &b, true, &err) == 0 && !b.failed &&
	    etf_decode(b.data, b.len, &used, a, &etf_default_limits, &copy,
		       &err) < 0)
		copy = NULL;
	buf_free(&b);
	return copy;
}

void node_term_text(const struct etf_term *t, char *out, size_t len)
{
	struct buf b;

	buf_init(&b, len);
	etf_print(t, &b, false, NULL);
	snprintf(out, len, "%.*s", (int)b.len, b.data ? (char *)b.data : "");
	buf_free(&b);
}

static void message_record(struct node *n, json_t *to,
			   const struct etf_term *from,
			   const struct etf_term *msg)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "event", json_string("message"));
	json_object_set_new(rec, "to", to);
	if (from)
		json_object_set_new(rec, "from", node_term_json(n, from));
	json_object_set_new(rec, "msg", node_term_json(n, msg));
	node_codec_message(n, rec, msg);
	node_out_record(n, rec);
	n->sh->messages++;
	if (n->cfg->max_messages > 0 && n->sh->messages >= n->cfg->max_messages)
		node_stop(n, 0);
}

/* net_adm:ping is gen:call({net_kernel, Node}, {is_auth, Caller}):
 * {'$gen_call', {From, Tag}, {is_auth, _}} answered {Tag, yes} to From.
 * Tag is echoed as it came: since OTP 24 it is [alias | Ref]. */
static void net_kernel_call(struct node_link *l, const struct etf_term *msg)
{
	const struct etf_term *from, *req;
	struct etf_arena *a;
	struct etf_term *control, *reply;

	if (!msg || !etf_is_tuple(msg, 3) ||
	    !etf_is_atom(msg->v.tuple.elems[0], "$gen_call") ||
	    !etf_is_tuple(msg->v.tuple.elems[1], 2))
		return;
	from = msg->v.tuple.elems[1]->v.tuple.elems[0];
	req = msg->v.tuple.elems[2];
	if (from->type != ETF_PID || !etf_is_tuple(req, 2) ||
	    !etf_is_atom(req->v.tuple.elems[0], "is_auth"))
		return;
	a = etf_arena_new();
	if (!a)
		return;
	/* SEND {2, '', From} + {Tag, yes} */
	control = etf_tuple(a, 3, etf_int(a, CTL_SEND), etf_atom(a, ""),
			    (struct etf_term *)from);
	reply = etf_tuple(a, 2,
			  (struct etf_term *)msg->v.tuple.elems[1]
				  ->v.tuple.elems[1],
			  etf_atom(a, "yes"));
	if (control && reply)
		node_link_send(l, control, reply, NULL);
	etf_arena_free(a);
}

static void deliver_named(struct node_link *l, const struct etf_term *from,
			  const struct etf_term *name,
			  const struct etf_term *msg)
{
	struct node *n = l->n;

	if (!msg || name->type != ETF_ATOM)
		return;
	if (!strcmp(name->v.atom.name, "net_kernel")) {
		net_kernel_call(l, msg);
		return;
	}
	if (!strcmp(name->v.atom.name, "global_name_server")) {
		node_global_message(l, msg);
		return;
	}
	/* A name we do not have: dropped, as Erlang drops a send to an
	 * unregistered name on another node. */
	if (node_mbox_find(n, name->v.atom.name))
		message_record(n, json_string(name->v.atom.name), from, msg);
}

/* from: the sender, when the control carries it (SEND_SENDER). */
static void deliver_pid(struct node_link *l, const struct etf_term *from,
			const struct etf_term *to, const struct etf_term *msg)
{
	struct node *n = l->n;
	struct node_mbox *m;

	if (!msg || !node_is_ours(n, to))
		return;
	if (from && from->type != ETF_PID)
		from = NULL;
	if ((m = node_mbox_by_pid(n, to)) != NULL)
		message_record(n, json_string(m->name), from, msg);
	else if (to->v.pid.id == NODE_SELF_PID)
		message_record(n, node_term_json(n, to), from, msg);
	else
		node_ops_deliver(n, to, msg);
}

void node_route_message(struct node_link *l, const struct etf_term *c,
			const struct etf_term *msg)
{
	int64_t tag;
	uint32_t ar;

	if (c->type != ETF_TUPLE || c->v.tuple.arity < 1 ||
	    c->v.tuple.elems[0]->type != ETF_INT)
		return;
	tag = c->v.tuple.elems[0]->v.i;
	ar = c->v.tuple.arity;
	if ((tag == CTL_SEND && ar == 3) || (tag == CTL_SEND_TT && ar == 4))
		deliver_pid(l, NULL, c->v.tuple.elems[2], msg);
	else if ((tag == CTL_SEND_SENDER && ar == 3) ||
		 (tag == CTL_SEND_SENDER_TT && ar == 4))
		deliver_pid(l, c->v.tuple.elems[1], c->v.tuple.elems[2], msg);
	else if ((tag == CTL_REG_SEND && ar == 4) ||
		 (tag == CTL_REG_SEND_TT && ar == 5))
		deliver_named(l, c->v.tuple.elems[1], c->v.tuple.elems[3],
			      msg);
	else if ((tag == CTL_ALIAS_SEND && ar == 3) ||
		 (tag == CTL_ALIAS_SEND_TT && ar == 4)) {
		/* {33, From, Alias}: a gen_server's reply to our call. */
		if (msg)
			node_ops_deliver(l->n, c->v.tuple.elems[2], msg);
	} else if (tag == CTL_MONITOR_P_EXIT && ar == 5) {
		node_ops_monitor_exit(l->n, c->v.tuple.elems[3],
				      c->v.tuple.elems[4]);
	} else if (tag == CTL_PAYLOAD_MONITOR_P_EXIT && ar == 4 && msg) {
		node_ops_monitor_exit(l->n, c->v.tuple.elems[3], msg);
	} else {
		/* Monitors, links and exits of our mailboxes; the rest
		 * (spawn requests, group leaders) is not for a C node. */
		node_mbox_control(l, tag, c, msg);
	}
}

static void send_result(struct node *n, json_t *id, const char *to,
			const char *node, const struct dist_error *err)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "event", json_string("send"));
	if (id)
		json_object_set(rec, "id", id);
	json_object_set_new(rec, "to", json_string(to));
	json_object_set_new(rec, "node", json_string(node));
	json_object_set_new(rec, "ok", json_boolean(err == NULL));
	if (err) {
		json_object_set_new(rec, "error",
				    node_error_json(err, DIST_STAGE_REQUEST));
		if (n->status < 1)
			n->status = 1;
	}
	node_out_record(n, rec);
}

void node_result(struct node *n, const char *command, json_t *id,
		 json_t *rec, const struct dist_error *err)
{
	json_t *r = json_object();

	json_object_set_new(r, "event", json_string("result"));
	json_object_set_new(r, "command", json_string(command));
	if (id)
		json_object_set(r, "id", id);
	json_object_set_new(r, "ok", json_boolean(err == NULL));
	if (rec)
		json_object_update(r, rec);
	json_decref(rec);
	if (err) {
		json_object_set_new(r, "error",
				    node_error_json(err, DIST_STAGE_REQUEST));
		if (n->status < 1)
			n->status = 1;
	}
	node_out_record(n, r);
}

static void pending_free(struct node_pending *p)
{
	etf_arena_free(p->arena);
	json_decref(p->id);
	free(p);
}

/* The link is up: what waited for it goes now, in order. */
void node_link_ready(struct node_link *l)
{
	struct dist_error err;

	while (l->pending && l->state == LINK_READY) {
		struct node_pending *p = l->pending;
		int rc;

		l->pending = p->next;
		if (!l->pending)
			l->pending_tail = &l->pending;
		dist_error_clear(&err);
		rc = node_link_send(l, p->control, p->msg, &err);
		if (!p->quiet)
			send_result(l->n, p->id, p->to, l->peer,
				    rc < 0 ? &err : NULL);
		pending_free(p);
	}
	if (l->n->draining)
		node_check_drained(l->n);
}

uint64_t node_link_peer_flags(const struct node_link *l)
{
	return l->conn ? l->conn->hs.peer_flags : l->hs.peer_flags;
}

static void out_ready(struct dist_conn *c)
{
	struct node_link *l = c->data;
	json_t *rec = json_object();

	l->state = LINK_READY;
	json_object_set_new(rec, "event", json_string("nodeup"));
	json_object_set_new(rec, "node", json_string(l->peer));
	node_out_record(l->n, rec);
	node_peer_link_up(l->n, l->peer);
	node_link_ready(l);
}

static void out_message(struct dist_conn *c, const struct etf_term *control,
			const struct etf_term *msg)
{
	struct node_link *l = c->data;

	node_route_message(l, control, msg);
}

void node_pending_fail(struct node_link *l, const struct dist_error *err)
{
	while (l->pending) {
		struct node_pending *p = l->pending;

		l->pending = p->next;
		if (!p->quiet)
			send_result(l->n, p->id, p->to, l->peer, err);
		pending_free(p);
	}
	l->pending_tail = &l->pending;
}

static bool other_link(struct node *n, const struct node_link *l)
{
	for (struct node_link *o = n->links; o; o = o->next)
		if (o != l && o->state != LINK_DEAD && !strcmp(o->peer, l->peer))
			return true;
	return false;
}

static void out_failed(struct dist_conn *c, const struct dist_error *err)
{
	struct node_link *l = c->data;
	struct node *n = l->n;
	bool was_up = l->state == LINK_READY;
	const char *reason = was_up && err->code == DIST_E_TIMEOUT
				     ? "net_tick_timeout" : "connection_closed";

	if (!was_up && err->code == DIST_E_NAME_IN_USE) {
		/* The node answered nok (or alive): its own connection to
		 * us wins a simultaneous connect. What waits here goes
		 * over that one once it is up. */
		node_link_wait_peer(l);
		return;
	}
	node_pending_fail(l, err);
	/* Never up: what stopped the connection says more than
	 * noconnection; once up, its loss is noconnection. */
	if (!other_link(n, l))
		node_ops_peer_down(n, l->peer, reason, was_up ? NULL : err);
	node_link_close(l, reason);
	if (n->draining)
		node_check_drained(n);
}

static const struct dist_conn_ops out_ops = {
	.ready = out_ready,
	.message = out_message,
	.failed = out_failed,
};

static struct node_link *link_open(struct node *n,
				   const struct node_name *target)
{
	struct node_link *l = calloc(1, sizeof *l);

	if (!l || !(l->conn = calloc(1, sizeof *l->conn))) {
		free(l);
		return NULL;
	}
	l->n = n;
	l->state = LINK_HANDSHAKE;
	l->io.fd = -1;
	l->pending_tail = &l->pending;
	snprintf(l->peer, sizeof l->peer, "%s", target->full);
	buf_init(&l->in, 0);
	buf_init(&l->out, 0);
	l->next = n->links;
	n->links = l;
	/* n->conn carries our creation: every pid and ref we mint, and
	 * the handshake, use the one EPMD gave us. */
	dist_conn_init(l->conn, n->e, n->resolver, &n->conn, &out_ops, l);
	dist_conn_start(l->conn, target);
	return l;
}

struct node_link *node_link_get(struct node *n, const struct node_name *node)
{
	struct node_link *l = node_link_find(n, node->full);

	return l ? l : link_open(n, node);
}

void node_send(struct node *n, const struct node_name *node,
	       struct etf_arena *a, struct etf_term *control,
	       struct etf_term *msg, json_t *id, const char *to, bool quiet)
{
	struct dist_error err;
	struct node_pending *p;
	struct node_link *l = node_link_find(n, node->full);

	if (l && l->state == LINK_READY && !l->pending) {
		int rc;

		dist_error_clear(&err);
		rc = node_link_send(l, control, msg, &err);
		if (!quiet || rc < 0)
			send_result(n, id, to, l->peer, rc < 0 ? &err : NULL);
		etf_arena_free(a);
		return;
	}
	if (!l)
		l = link_open(n, node);
	p = calloc(1, sizeof *p);
	if (!l || !p) {
		free(p);
		dist_error_nomem(&err, DIST_STAGE_REQUEST, NULL);
		send_result(n, id, to, node->full, &err);
		etf_arena_free(a);
		return;
	}
	p->arena = a;
	p->control = control;
	p->msg = msg;
	p->quiet = quiet;
	p->id = json_incref(id);
	snprintf(p->to, sizeof p->to, "%s", to);
	*l->pending_tail = p;
	l->pending_tail = &p->next;
}

static void route_send(struct node *n, struct node_cmd *cmd,
		       struct etf_arena *a)
{
	struct dist_error err;
	struct node_mbox *from_box = NULL;
	struct etf_term *control, *from;
	char to[600];

	if (cmd->to_pid)
		node_term_text(cmd->pid, to, sizeof to);
	else
		snprintf(to, sizeof to, "%s", cmd->name);
	if (cmd->from[0] && !(from_box = node_mbox_find(n, cmd->from))) {
		dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "\"from\": '%s' is not one of our mailboxes "
			       "(--register)", cmd->from);
		send_result(n, cmd->id, to, cmd->node.full, &err);
		etf_arena_free(a);
		return;
	}
	from = node_pid(n, a, from_box ? from_box->pid_id : NODE_SELF_PID);
	/* SEND_SENDER {22, FromPid, ToPid} or REG_SEND {6, FromPid, '',
	 * ToName}: the sender goes with both, as "from" says; a peer that
	 * did not take SEND_SENDER gets plain SEND (node_link_send). */
	control = cmd->to_pid
		? etf_tuple(a, 3, etf_int(a, CTL_SEND_SENDER), from, cmd->pid)
		: etf_tuple(a, 4, etf_int(a, CTL_REG_SEND), from,
			    etf_atom(a, ""), etf_atom(a, cmd->name));
	if (!control) {
		dist_error_nomem(&err, DIST_STAGE_REQUEST, NULL);
		send_result(n, cmd->id, to, cmd->node.full, &err);
		etf_arena_free(a);
		return;
	}
	if (!strcmp(cmd->node.full, n->cfg->name)) {
		/* To ourselves: delivered here, as Erlang would. */
		if (cmd->to_pid || node_mbox_find(n, cmd->name))
			message_record(n, json_string(to), from, cmd->msg);
		send_result(n, cmd->id, to, cmd->node.full, NULL);
		etf_arena_free(a);
		return;
	}
	node_send(n, &cmd->node, a, control, cmd->msg, cmd->id, to, false);
}

void node_route_command(struct node *n, struct node_cmd *cmd,
			struct etf_arena *a)
{
	switch (cmd->kind) {
	case NODE_CMD_SEND:
		if (cmd->to_global)
			node_ops_command(n, cmd, a);
		else
			route_send(n, cmd, a);
		return;
	case NODE_CMD_CONNECT:
	case NODE_CMD_DISCONNECT:
		node_peer_command(n, cmd);
		break;
	case NODE_CMD_REGISTER:
	case NODE_CMD_UNREGISTER:
		node_mbox_command(n, cmd);
		break;
	default:
		node_ops_command(n, cmd, a);
		return;
	}
	etf_arena_free(a);
}
