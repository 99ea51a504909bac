/* node_route.c - messages in and out (see node_internal.h).
 *
 * In: SEND and REG_SEND (and their trace-token forms) to net_kernel
 * (is_auth: net_adm:ping) or to a mailbox become records; MONITOR_P of
 * a process we do not have is answered noproc at once, so a gen:call
 * to it fails fast instead of waiting out its timeout.
 * Out: a stdin send goes over the link to its node, opening one with
 * dist_conn when there is none; it waits in the link's queue until the
 * handshake is done.
 */
#include "cluster/node_internal.h"

#include <stdlib.h>
#include <string.h>

/* Control message tags (erl_dist_protocol). */
enum {
	CTL_SEND = 2,
	CTL_REG_SEND = 6,
	CTL_SEND_TT = 12,
	CTL_REG_SEND_TT = 16,
	CTL_MONITOR_P = 19,
	CTL_MONITOR_P_EXIT = 21,
};

/* Pid 1 is the node's own (the sender of stdin sends); mailbox i has
 * pid 2 + i. */
#define NODE_SELF_PID 1

struct etf_term *node_pid(struct node *n, struct etf_arena *a, uint32_t id)
{
	return etf_pid(a, n->cfg->name, id, 0, n->creation);
}

static long mailbox_index(const struct node *n, const char *name)
{
	for (size_t i = 0; i < n->cfg->nmailboxes; i++)
		if (!strcmp(n->cfg->mailboxes[i], name))
			return (long)i;
	return -1;
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
	/* A name we do not have: dropped, as Erlang drops a send to an
	 * unregistered name on another node. */
	if (mailbox_index(n, name->v.atom.name) >= 0)
		message_record(n, json_string(name->v.atom.name), from, msg);
}

static void deliver_pid(struct node_link *l, const struct etf_term *to,
			const struct etf_term *msg)
{
	struct node *n = l->n;
	uint32_t id;

	if (!msg || !node_is_ours(n, to))
		return;
	id = to->v.pid.id;
	if (id >= NODE_SELF_PID + 1 &&
	    id < NODE_SELF_PID + 1 + n->cfg->nmailboxes)
		message_record(n, json_string(n->cfg->mailboxes[id - 2]),
			       NULL, msg);
	else if (id == NODE_SELF_PID)
		message_record(n, node_term_json(n, to), NULL, msg);
}

/* MONITOR_P {19, From, ToProc, Ref}: a process we do not have gets
 * MONITOR_P_EXIT {21, ToProc, From, Ref, noproc} at once. */
static void monitor_request(struct node_link *l, const struct etf_term *c)
{
	struct node *n = l->n;
	const struct etf_term *to = c->v.tuple.elems[2];
	struct etf_arena *a;
	struct etf_term *reply;
	bool exists;

	if (to->type == ETF_ATOM)
		exists = !strcmp(to->v.atom.name, "net_kernel") ||
			 mailbox_index(n, to->v.atom.name) >= 0;
	else
		exists = node_is_ours(n, to) && to->v.pid.id >= 1 &&
			 to->v.pid.id < 2 + n->cfg->nmailboxes;
	if (exists)
		return;
	a = etf_arena_new();
	if (!a)
		return;
	reply = etf_tuple(a, 5, etf_int(a, CTL_MONITOR_P_EXIT),
			  (struct etf_term *)to,
			  (struct etf_term *)c->v.tuple.elems[1],
			  (struct etf_term *)c->v.tuple.elems[3],
			  etf_atom(a, "noproc"));
	if (reply)
		node_link_send(l, reply, NULL, NULL);
	etf_arena_free(a);
}

void node_route_message(struct node_link *l, const struct etf_term *c,
			const struct etf_term *msg)
{
	int64_t tag;

	if (c->type != ETF_TUPLE || c->v.tuple.arity < 1 ||
	    c->v.tuple.elems[0]->type != ETF_INT)
		return;
	tag = c->v.tuple.elems[0]->v.i;
	if ((tag == CTL_SEND && c->v.tuple.arity == 3) ||
	    (tag == CTL_SEND_TT && c->v.tuple.arity == 4))
		deliver_pid(l, c->v.tuple.elems[2], msg);
	else if ((tag == CTL_REG_SEND && c->v.tuple.arity == 4) ||
		 (tag == CTL_REG_SEND_TT && c->v.tuple.arity == 5))
		deliver_named(l, c->v.tuple.elems[1], c->v.tuple.elems[3],
			      msg);
	else if (tag == CTL_MONITOR_P && c->v.tuple.arity == 4)
		monitor_request(l, c);
	/* Links, other monitors and the rest: not yet handled. */
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
		json_object_set_new(rec, "error", node_error_json(err));
		if (n->status < 1)
			n->status = 1;
	}
	node_out_record(n, rec);
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

		l->pending = p->next;
		if (!l->pending)
			l->pending_tail = &l->pending;
		dist_error_clear(&err);
		if (node_link_send(l, p->control, p->msg, &err) < 0)
			send_result(l->n, p->id, p->to, l->peer, &err);
		else
			send_result(l->n, p->id, p->to, l->peer, NULL);
		pending_free(p);
	}
	if (l->n->draining)
		node_check_drained(l->n);
}

static void out_ready(struct dist_conn *c)
{
	struct node_link *l = c->data;
	json_t *rec = json_object();

	l->state = LINK_READY;
	json_object_set_new(rec, "event", json_string("nodeup"));
	json_object_set_new(rec, "node", json_string(l->peer));
	node_out_record(l->n, rec);
	node_link_ready(l);
}

static void out_message(struct dist_conn *c, const struct etf_term *control,
			const struct etf_term *msg)
{
	node_route_message(c->data, control, msg);
}

void node_pending_fail(struct node_link *l, const struct dist_error *err)
{
	while (l->pending) {
		struct node_pending *p = l->pending;

		l->pending = p->next;
		send_result(l->n, p->id, p->to, l->peer, err);
		pending_free(p);
	}
	l->pending_tail = &l->pending;
}

static void out_failed(struct dist_conn *c, const struct dist_error *err)
{
	struct node_link *l = c->data;

	node_pending_fail(l, err);
	node_link_close(l, "connection_closed");
	if (l->n->draining)
		node_check_drained(l->n);
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
	dist_conn_init(l->conn, n->e, n->resolver, &n->cfg->conn, &out_ops, l);
	dist_conn_start(l->conn, target);
	/* Every pid and ref we mint carries the creation EPMD gave us;
	 * the handshake, which starts after the name is resolved, sends
	 * this one. */
	l->conn->creation = n->creation;
	return l;
}

void node_route_command(struct node *n, struct node_cmd *cmd,
			struct etf_arena *a)
{
	struct dist_error err;
	struct node_pending *p;
	struct node_link *l;
	struct etf_term *control, *from;
	char to[600];
	long from_index = cmd->from[0] ? mailbox_index(n, cmd->from) : -1;

	if (cmd->to_pid) {
		struct buf b;

		buf_init(&b, sizeof to - 1);
		etf_print(cmd->pid, &b, false, NULL);
		snprintf(to, sizeof to, "%.*s", (int)b.len, (char *)b.data);
		buf_free(&b);
	} else {
		snprintf(to, sizeof to, "%s", cmd->name);
	}
	if (cmd->from[0] && from_index < 0) {
		dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "\"from\": '%s' is not one of our mailboxes "
			       "(--register)", cmd->from);
		send_result(n, cmd->id, to, cmd->node.full, &err);
		etf_arena_free(a);
		return;
	}
	from = node_pid(n, a, from_index >= 0 ? (uint32_t)(2 + from_index)
					      : NODE_SELF_PID);
	/* SEND {2, '', ToPid} or REG_SEND {6, FromPid, '', ToName}. */
	control = cmd->to_pid
		? etf_tuple(a, 3, etf_int(a, CTL_SEND), etf_atom(a, ""),
			    cmd->pid)
		: etf_tuple(a, 4, etf_int(a, CTL_REG_SEND), from,
			    etf_atom(a, ""), etf_atom(a, cmd->name));
	if (!control) {
		dist_error_set(&err, DIST_E_NOMEM, DIST_STAGE_REQUEST,
			       "out of memory");
		send_result(n, cmd->id, to, cmd->node.full, &err);
		etf_arena_free(a);
		return;
	}
	if (!strcmp(cmd->node.full, n->cfg->name)) {
		/* To ourselves: delivered here, as Erlang would. */
		if (cmd->to_pid || mailbox_index(n, cmd->name) >= 0)
			message_record(n, json_string(to), from, cmd->msg);
		send_result(n, cmd->id, to, cmd->node.full, NULL);
		etf_arena_free(a);
		return;
	}
	l = node_link_find(n, cmd->node.full);
	if (l && l->state == LINK_READY && !l->pending) {
		dist_error_clear(&err);
		send_result(n, cmd->id, to, l->peer,
			    node_link_send(l, control, cmd->msg, &err) < 0
				    ? &err : NULL);
		etf_arena_free(a);
		return;
	}
	if (!l)
		l = link_open(n, &cmd->node);
	p = calloc(1, sizeof *p);
	if (!l || !p) {
		free(p);
		dist_error_set(&err, DIST_E_NOMEM, DIST_STAGE_REQUEST,
			       "out of memory");
		send_result(n, cmd->id, to, cmd->node.full, &err);
		etf_arena_free(a);
		return;
	}
	p->arena = a;
	p->control = control;
	p->msg = cmd->msg;
	p->id = json_incref(cmd->id);
	snprintf(p->to, sizeof p->to, "%s", to);
	*l->pending_tail = p;
	l->pending_tail = &p->next;
}
