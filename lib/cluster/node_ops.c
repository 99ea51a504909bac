/* node_ops.c - what the node waits for: gen_server calls, rpcs, and the
 * monitors commands set (see node_internal.h).
 *
 * A call is what gen:call does (stdlib gen.erl, OTP 24+): monitor the
 * target (MONITOR_P {19, Self, Proc, Ref}), send {'$gen_call', {Self,
 * [alias | Ref]}, Request}, and wait for the reply, which the server
 * sends to the alias (ALIAS_SEND {33, From, Ref}), or for the monitor's
 * DOWN (MONITOR_P_EXIT): noproc when there was no such process. A
 * connection that goes down answers noconnection; a deadline of the
 * command's own answers timeout; either way the monitor is taken down
 * (DEMONITOR_P). Each call and monitor has a pid of its own, as each
 * gen:call caller is a process of its own.
 *
 * A send to a global name is an rpc of global:whereis_name(<<Name>>) at
 * the "via" node, and on a pid a SEND to it: the result record names
 * the pid. The name is looked up as a binary only, as distribute
 * registers names: an atom would have to be made on the remote node
 * from any text a script gives, and its process would not take the
 * {<<Name>>, Binary} a Gleam subject found by that name takes.
 */
#include "cluster/node_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/random.h"
#include "dist/rex.h"

enum {
	CTL_SEND = 2,
	CTL_REG_SEND = 6,
	CTL_MONITOR_P = 19,
	CTL_DEMONITOR_P = 20,
};

static void op_on_timer(struct engine *e, struct engine_timer *t);

static struct node_op *op_new(struct node *n, enum node_op_kind kind,
			      const struct node_cmd *cmd)
{
	struct node_op *op = calloc(1, sizeof *op);

	if (!op || !(op->arena = etf_arena_new())) {
		free(op);
		return NULL;
	}
	op->n = n;
	op->kind = kind;
	op->id = json_incref(cmd->id);
	snprintf(op->peer, sizeof op->peer, "%s", cmd->node.full);
	if (cmd->to_pid)
		node_term_text(cmd->pid, op->target, sizeof op->target);
	else if (cmd->to_node)
		snprintf(op->target, sizeof op->target, "%s", cmd->node.full);
	else
		snprintf(op->target, sizeof op->target, "%s", cmd->name);
	op->pid_id = node_pid_next(n);
	op->ref_ids[0] = random_u32_nonzero() & 0x3ffff;
	op->ref_ids[1] = random_u32_nonzero();
	op->ref_ids[2] = random_u32_nonzero();
	op->timer.cb = op_on_timer;
	op->timer.data = op;
	op->next = n->ops;
	n->ops = op;
	return op;
}

static void op_end(struct node_op *op)
{
	struct node_op **pp = &op->n->ops;

	while (*pp && *pp != op)
		pp = &(*pp)->next;
	if (*pp)
		*pp = op->next;
	engine_timer_disarm(op->n->e, &op->timer);
	etf_arena_free(op->arena);
	json_decref(op->id);
	if (op->n->draining && !op->n->stopping)
		node_check_drained(op->n);
	free(op);
}

bool node_ops_waiting(const struct node *n)
{
	for (const struct node_op *op = n->ops; op; op = op->next)
		if (op->kind == NODE_OP_CALL || op->kind == NODE_OP_RPC ||
		    op->kind == NODE_OP_GLOBAL)
			return true;
	return false;
}

void node_ops_free(struct node *n)
{
	while (n->ops)
		op_end(n->ops);
}

static struct etf_term *op_ref(const struct node_op *op, struct etf_arena *a)
{
	return etf_ref(a, op->n->cfg->name, op->n->creation, op->ref_ids, 3);
}

/* A monitor control message about op's process, sent quietly. */
static void op_monitor_msg(struct node_op *op, int tag)
{
	struct node_name nn;
	struct etf_arena *a = etf_arena_new();
	struct etf_term *c;
	struct dist_error err;

	if (!a)
		return;
	c = etf_tuple(a, 4, etf_int(a, tag), node_pid(op->n, a, op->pid_id),
		      node_term_copy(a, op->proc), op_ref(op, a));
	if (!c || node_name_parse(op->peer, &nn, &err) < 0) {
		etf_arena_free(a);
		return;
	}
	node_send(op->n, &nn, a, c, NULL, NULL, op->target, true);
}

static json_t *op_record(const struct node_op *op)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "node", json_string(op->peer));
	json_object_set_new(rec, "to", json_string(op->target));
	return rec;
}

static const char *op_command(const struct node_op *op)
{
	return op->kind == NODE_OP_CALL ? "call"
	       : op->kind == NODE_OP_GLOBAL ? "send" : "rpc";
}

/* The end of a call, rpc or global send: a result record, the monitor
 * taken down. */
static void op_finish(struct node_op *op, const char *field,
		      const struct etf_term *value,
		      const struct dist_error *err)
{
	json_t *rec = op_record(op);

	if (op->kind == NODE_OP_CALL && op->proc)
		op_monitor_msg(op, CTL_DEMONITOR_P);
	if (value)
		json_object_set_new(rec, field, node_term_json(op->n, value));
	node_result(op->n, op_command(op), op->id, rec, err);
	op_end(op);
}

static void op_on_timer(struct engine *e, struct engine_timer *t)
{
	struct node_op *op = t->data;
	struct dist_error err;

	(void)e;
	dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_REQUEST,
		       "%s: no reply from %s within the command's timeout",
		       op->peer, op->target);
	op_finish(op, NULL, NULL, &err);
}

static void down_record(struct node_op *op, json_t *reason)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "event", json_string("DOWN"));
	if (op->id)
		json_object_set(rec, "id", op->id);
	json_object_set_new(rec, "ref", json_string(op->ref_text));
	json_object_set_new(rec, "type", json_string(
		op->kind == NODE_OP_NODE_MONITOR ? "node" : "process"));
	json_object_set_new(rec, "object", json_string(op->target));
	json_object_set_new(rec, "node", json_string(op->peer));
	json_object_set_new(rec, "reason", reason);
	node_out_record(op->n, rec);
	op_end(op);
}

static struct node_op *op_by_ref(struct node *n, const struct etf_term *ref)
{
	if (ref->type != ETF_REF || ref->v.ref.len != 3 ||
	    !etf_is_atom(ref->v.ref.node, n->cfg->name) ||
	    ref->v.ref.creation != n->creation)
		return NULL;
	for (struct node_op *op = n->ops; op; op = op->next)
		if (!memcmp(op->ref_ids, ref->v.ref.ids, sizeof op->ref_ids) &&
		    op->kind != NODE_OP_RPC && op->kind != NODE_OP_GLOBAL &&
		    op->kind != NODE_OP_NODE_MONITOR)
			return op;
	return NULL;
}

/* whereis_name answered: the message goes to the pid, over the link to
 * its node (the "via" node's, up since the answer came over it, or one
 * opened to another member: its own "send" record then says how that
 * went). */
static void global_found(struct node_op *op, const struct etf_term *pid)
{
	struct node *n = op->n;
	struct etf_arena *a;
	struct etf_term *control, *msg;
	struct node_name nn;
	struct dist_error err;
	json_t *id;
	char to[sizeof op->target];
	bool elsewhere;

	if (pid->type != ETF_PID) {
		dist_error_set(&err, DIST_E_NOT_REGISTERED, DIST_STAGE_REQUEST,
			       "%s: no process is registered in global as "
			       "<<\"%s\">> (is the service up, and is %s in "
			       "its cluster?)", op->peer, op->target,
			       op->peer);
		op_finish(op, NULL, NULL, &err);
		return;
	}
	a = etf_arena_new();
	control = a ? etf_tuple(a, 3, etf_int(a, CTL_SEND), etf_atom(a, ""),
				node_term_copy(a, pid)) : NULL;
	msg = control ? node_term_copy(a, op->msg) : NULL;
	if (!msg || node_name_parse(pid->v.pid.node->v.atom.name, &nn,
				    &err) < 0) {
		if (!msg)
			dist_error_nomem(&err, DIST_STAGE_REQUEST, NULL);
		etf_arena_free(a);
		op_finish(op, "pid", pid, &err);
		return;
	}
	elsewhere = strcmp(nn.full, op->peer) != 0;
	id = json_incref(op->id);
	snprintf(to, sizeof to, "%s", op->target);
	op_finish(op, "pid", pid, NULL);
	node_send(n, &nn, a, control, msg, id, to, !elsewhere);
	json_decref(id);
}

bool node_ops_deliver(struct node *n, const struct etf_term *to,
		      const struct etf_term *msg)
{
	struct node_op *op = NULL;

	if (to->type == ETF_REF) {
		op = op_by_ref(n, to);
	} else if (node_is_ours(n, to)) {
		for (op = n->ops; op && op->pid_id != to->v.pid.id;)
			op = op->next;
	}
	if (!op)
		return false;
	if (op->kind == NODE_OP_CALL && etf_is_tuple(msg, 2)) {
		/* {Tag, Reply} */
		op_finish(op, "reply", msg->v.tuple.elems[1], NULL);
	} else if ((op->kind == NODE_OP_RPC || op->kind == NODE_OP_GLOBAL) &&
		   rex_reply(msg)) {
		const struct etf_term *r = rex_reply(msg);
		struct dist_error err;

		if (etf_is_tuple(r, 2) &&
		    etf_is_atom(r->v.tuple.elems[0], "badrpc")) {
			char text[300];

			node_term_text(r->v.tuple.elems[1], text, sizeof text);
			dist_error_set(&err, DIST_E_BADRPC, DIST_STAGE_REQUEST,
				       "%s: badrpc: %s", op->peer, text);
			op_finish(op, "reason", r->v.tuple.elems[1], &err);
		} else if (op->kind == NODE_OP_GLOBAL) {
			global_found(op, r);
		} else {
			op_finish(op, "result", r, NULL);
		}
	}
	/* Anything else to these pids (a stray message) is dropped. */
	return true;
}

bool node_ops_monitor_exit(struct node *n, const struct etf_term *ref,
			   const struct etf_term *reason)
{
	struct node_op *op = op_by_ref(n, ref);
	struct dist_error err;
	char text[300];

	if (!op)
		return false;
	if (op->kind == NODE_OP_MONITOR) {
		down_record(op, node_term_json(n, reason));
		return true;
	}
	/* A call's target went (or never was): as gen:call exits. */
	op->proc = NULL;      /* no DEMONITOR_P: the monitor is gone */
	node_term_text(reason, text, sizeof text);
	if (etf_is_atom(reason, "noproc"))
		dist_error_set(&err, DIST_E_NOPROC, DIST_STAGE_REQUEST,
			       "%s: no process %s there", op->peer,
			       op->target);
	else if (etf_is_atom(reason, "noconnection"))
		dist_error_set(&err, DIST_E_NOCONNECTION, DIST_STAGE_REQUEST,
			       "%s: the connection went down during the call",
			       op->peer);
	else
		dist_error_set(&err, DIST_E_EXCEPTION, DIST_STAGE_REQUEST,
			       "%s: %s exited during the call: %s", op->peer,
			       op->target, text);
	op_finish(op, "reason", reason, &err);
	return true;
}

void node_ops_peer_down(struct node *n, const char *peer,
			const char *reason, const struct dist_error *err)
{
	struct node_op *op = n->ops, *next;

	for (; op; op = next) {
		struct dist_error e2;

		next = op->next;
		if (strcmp(op->peer, peer))
			continue;
		if (op->kind == NODE_OP_MONITOR) {
			down_record(op, json_string("noconnection"));
			continue;
		}
		if (op->kind == NODE_OP_NODE_MONITOR) {
			down_record(op, json_string(reason));
			continue;
		}
		op->proc = NULL;
		/* Never connected: what stopped the connection says more
		 * than noconnection. */
		if (err)
			e2 = *err;
		else
			dist_error_set(&e2, DIST_E_NOCONNECTION,
				       DIST_STAGE_REQUEST,
				       "%s: the connection went down (%s) "
				       "before the reply", peer, reason);
		op_finish(op, NULL, NULL, &e2);
		/* op_finish may have ended others through its sends: start
		 * over from the head, done ones are gone. */
		next = n->ops;
	}
}

static struct etf_term *call_tag(struct node *n, const struct node_op *op,
				 struct etf_arena *a,
				 const struct node_name *node)
{
	struct node_link *l = node_link_find(n, node->full);
	struct etf_term *tag;

	/* [alias | Ref], as gen:call sends since OTP 24; a plain Ref to a
	 * peer without aliases (gen:reply answers it with a send to our
	 * pid). */
	if (l && l->state == LINK_READY &&
	    !(node_link_peer_flags(l) & DFLAG_ALIAS))
		return op_ref(op, a);
	tag = etf_list_new(a, 1, op_ref(op, a));
	if (tag)
		tag->v.list.elems[0] = etf_atom(a, "alias");
	return tag;
}

static void op_fail_now(struct node *n, const char *command, json_t *id,
			const struct dist_error *err)
{
	node_result(n, command, id, NULL, err);
}

static void start_call(struct node *n, struct node_cmd *cmd,
		       struct etf_arena *a)
{
	struct node_op *op = op_new(n, NODE_OP_CALL, cmd);
	struct etf_term *self, *control, *msg;
	struct dist_error err;

	if (!op) {
		dist_error_nomem(&err, DIST_STAGE_REQUEST, NULL);
		op_fail_now(n, "call", cmd->id, &err);
		etf_arena_free(a);
		return;
	}
	op->proc = cmd->to_pid ? node_term_copy(op->arena, cmd->pid)
			       : etf_atom(op->arena, cmd->name);
	self = node_pid(n, a, op->pid_id);
	msg = etf_tuple(a, 3, etf_atom(a, "$gen_call"),
			etf_tuple(a, 2, self, call_tag(n, op, a, &cmd->node)),
			cmd->msg);
	control = cmd->to_pid
		? etf_tuple(a, 3, etf_int(a, CTL_SEND), etf_atom(a, ""),
			    cmd->pid)
		: etf_tuple(a, 4, etf_int(a, CTL_REG_SEND), self,
			    etf_atom(a, ""), etf_atom(a, cmd->name));
	if (!op->proc || !msg || !control) {
		dist_error_nomem(&err, DIST_STAGE_REQUEST, NULL);
		op->proc = NULL;
		op_finish(op, NULL, NULL, &err);
		etf_arena_free(a);
		return;
	}
	engine_timer_arm(n->e, &op->timer,
			 engine_now_us() + cmd->timeout_ms * 1000);
	op_monitor_msg(op, CTL_MONITOR_P);
	node_send(n, &cmd->node, a, control, msg, NULL, op->target, true);
}

/* M:F(Args) through rex at cmd's node, the answer to op's pid. */
static void rex_start(struct node *n, struct node_op *op,
		      struct node_cmd *cmd, struct etf_arena *a,
		      const char *mod, const char *fun, struct etf_term *args)
{
	struct etf_term *control, *msg;
	struct dist_error err;

	dist_error_clear(&err);
	if (!op || !args || rex_call_request(a, node_pid(n, a, op->pid_id),
					     etf_atom(a, mod), etf_atom(a, fun),
					     args, false, &control, &msg,
					     &err) < 0) {
		if (op)
			op_end(op);
		dist_error_nomem(&err, DIST_STAGE_REQUEST, NULL);
		op_fail_now(n, node_cmd_kind_name(cmd->kind), cmd->id, &err);
		etf_arena_free(a);
		return;
	}
	engine_timer_arm(n->e, &op->timer,
			 engine_now_us() + cmd->timeout_ms * 1000);
	node_send(n, &cmd->node, a, control, msg, NULL, op->target, true);
}

static void start_rpc(struct node *n, struct node_cmd *cmd,
		      struct etf_arena *a)
{
	struct node_op *op = op_new(n, NODE_OP_RPC, cmd);

	if (op)
		snprintf(op->target, sizeof op->target, "%s:%s/%u", cmd->mod,
			 cmd->fun, cmd->args->type == ETF_LIST
					   ? cmd->args->v.list.len : 0);
	rex_start(n, op, cmd, a, cmd->mod, cmd->fun, cmd->args);
}

static void start_global(struct node *n, struct node_cmd *cmd,
			 struct etf_arena *a)
{
	struct node_op *op = op_new(n, NODE_OP_GLOBAL, cmd);
	struct etf_term *args = etf_list_new(a, 1, etf_nil(a));

	if (args && !(args->v.list.elems[0] = etf_binary(a, cmd->name,
						       strlen(cmd->name))))
		args = NULL;
	if (op && !(op->msg = node_term_copy(op->arena, cmd->msg)))
		args = NULL;
	rex_start(n, op, cmd, a, "global", "whereis_name", args);
}

/* A global send without "via" asks the first --connect node. */
static int global_via(struct node *n, struct node_cmd *cmd,
		      struct dist_error *err)
{
	if (cmd->kind != NODE_CMD_SEND || cmd->node.full[0])
		return 0;
	if (n->cfg->nconnect == 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "{\"global\": \"%s\"} has no \"via\" "
				      "node and dist-node no --connect: name "
				      "the node that looks it up", cmd->name);
	return node_name_parse(n->cfg->connect[0], &cmd->node, err);
}

static void start_monitor(struct node *n, struct node_cmd *cmd)
{
	struct node_op *op = op_new(n, cmd->to_node ? NODE_OP_NODE_MONITOR
						    : NODE_OP_MONITOR, cmd);
	struct dist_error err;
	struct etf_term *ref;
	json_t *rec;

	if (!op) {
		dist_error_nomem(&err, DIST_STAGE_REQUEST, NULL);
		op_fail_now(n, "monitor", cmd->id, &err);
		return;
	}
	ref = op_ref(op, op->arena);
	if (ref)
		node_term_text(ref, op->ref_text, sizeof op->ref_text);
	rec = op_record(op);
	json_object_set_new(rec, "ref", json_string(op->ref_text));
	json_object_set_new(rec, "type", json_string(
		cmd->to_node ? "node" : "process"));
	node_result(n, "monitor", cmd->id, rec, NULL);
	if (cmd->to_node) {
		/* Connected, or connecting: its loss is the DOWN. */
		if (!node_link_get(n, &cmd->node))
			down_record(op, json_string("out_of_memory"));
		return;
	}
	op->proc = cmd->to_pid ? node_term_copy(op->arena, cmd->pid)
			       : etf_atom(op->arena, cmd->name);
	if (op->proc)
		op_monitor_msg(op, CTL_MONITOR_P);
}

static void demonitor(struct node *n, struct node_cmd *cmd)
{
	struct dist_error err;

	for (struct node_op *op = n->ops; op; op = op->next) {
		if ((op->kind != NODE_OP_MONITOR &&
		     op->kind != NODE_OP_NODE_MONITOR) ||
		    strcmp(op->ref_text, cmd->ref))
			continue;
		if (op->kind == NODE_OP_MONITOR && op->proc)
			op_monitor_msg(op, CTL_DEMONITOR_P);
		node_result(n, "demonitor", cmd->id,
			    json_pack("{s:s}", "ref", cmd->ref), NULL);
		op_end(op);
		return;
	}
	dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
		       "no monitor has the ref %s", cmd->ref);
	node_result(n, "demonitor", cmd->id,
		    json_pack("{s:s}", "ref", cmd->ref), &err);
}

void node_ops_command(struct node *n, struct node_cmd *cmd,
		      struct etf_arena *a)
{
	struct dist_error err;

	if (global_via(n, cmd, &err) < 0) {
		op_fail_now(n, "send", cmd->id, &err);
		etf_arena_free(a);
		return;
	}
	if (cmd->kind != NODE_CMD_DEMONITOR &&
	    !strcmp(cmd->node.full, n->cfg->name)) {
		dist_error_set(&err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "%s: that is this node; %s goes to another one",
			       cmd->node.full, node_cmd_kind_name(cmd->kind));
		op_fail_now(n, node_cmd_kind_name(cmd->kind), cmd->id, &err);
		etf_arena_free(a);
		return;
	}
	switch (cmd->kind) {
	case NODE_CMD_CALL:
		start_call(n, cmd, a);
		return;
	case NODE_CMD_RPC:
		start_rpc(n, cmd, a);
		return;
	case NODE_CMD_SEND:
		start_global(n, cmd, a);
		return;
	case NODE_CMD_MONITOR:
		start_monitor(n, cmd);
		break;
	default:
		demonitor(n, cmd);
		break;
	}
	etf_arena_free(a);
}
