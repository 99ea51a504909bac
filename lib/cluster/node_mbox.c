/* node_mbox.c - mailboxes, and the BEAM processes that monitor or link
 * to them (see node_internal.h).
 *
 * A mailbox is a process as far as the BEAM can tell: monitoring it by
 * name or pid (erlang:monitor(process, {box, Node})) is kept and
 * answered with MONITOR_P_EXIT when the mailbox is unregistered; a link
 * to it gets an EXIT then; UNLINK_ID is acknowledged before anything
 * else goes to that process, as the protocol requires. Control message
 * numbers and shapes: erl_dist_protocol, "Protocol between connected
 * nodes"; without EXIT_PAYLOAD negotiated (we do not offer it) the BEAM
 * sends the plain forms.
 */
#include "cluster/node_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
	CTL_LINK = 1,
	CTL_EXIT = 3,
	CTL_EXIT2 = 8,
	CTL_MONITOR_P = 19,
	CTL_DEMONITOR_P = 20,
	CTL_MONITOR_P_EXIT = 21,
	CTL_PAYLOAD_EXIT = 24,
	CTL_PAYLOAD_EXIT2 = 26,
	CTL_UNLINK_ID = 35,
	CTL_UNLINK_ID_ACK = 36,
};

/* Pid 1 is the node's own; --register's mailboxes take 2, 3, ... in
 * order, so a script can write their pids before the node starts. */
#define FIRST_PID 2

uint32_t node_pid_next(struct node *n)
{
	return n->next_pid_id++;
}

static struct node_mbox *mbox_new(struct node *n, const char *name)
{
	struct node_mbox *m = calloc(1, sizeof *m), **pp = &n->mboxes;

	if (!m)
		return NULL;
	snprintf(m->name, sizeof m->name, "%s", name);
	m->pid_id = node_pid_next(n);
	while (*pp)
		pp = &(*pp)->next;
	*pp = m;
	return m;
}

void node_mbox_init(struct node *n)
{
	n->next_pid_id = FIRST_PID;
	for (size_t i = 0; i < n->cfg->nmailboxes; i++)
		mbox_new(n, n->cfg->mailboxes[i]);
}

static void watch_free(struct node_watch *w)
{
	etf_arena_free(w->arena);
	free(w);
}

static void mbox_free(struct node_mbox *m)
{
	while (m->watches) {
		struct node_watch *w = m->watches;

		m->watches = w->next;
		watch_free(w);
	}
	free(m);
}

void node_mbox_free(struct node *n)
{
	while (n->mboxes) {
		struct node_mbox *m = n->mboxes;

		n->mboxes = m->next;
		mbox_free(m);
	}
}

struct node_mbox *node_mbox_find(struct node *n, const char *name)
{
	for (struct node_mbox *m = n->mboxes; m; m = m->next)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

struct node_mbox *node_mbox_by_pid(struct node *n, const struct etf_term *pid)
{
	if (!node_is_ours(n, pid))
		return NULL;
	for (struct node_mbox *m = n->mboxes; m; m = m->next)
		if (m->pid_id == pid->v.pid.id)
			return m;
	return NULL;
}

int node_mbox_register(struct node *n, const char *name,
		       struct dist_error *err)
{
	if (node_mbox_find(n, name) || !strcmp(name, "net_kernel"))
		return dist_error_set(err, DIST_E_NAME_IN_USE, DIST_STAGE_INPUT,
				      "the mailbox '%s' is registered already",
				      name);
	if (!mbox_new(n, name))
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	return 0;
}

/* One control message to the watcher's node, if it is still connected. */
static void watch_send(struct node *n, const char *peer,
		       struct etf_arena *a, struct etf_term *control)
{
	struct node_link *l = node_link_find(n, peer);

	if (l && l->state == LINK_READY && control)
		node_link_send(l, control, NULL, NULL);
	etf_arena_free(a);
}

/* The mailbox goes: its monitors get MONITOR_P_EXIT {21, AsNamed,
 * Watcher, Ref, Reason}, its links EXIT {3, Mailbox, Linked, Reason}. */
static void mbox_gone(struct node *n, struct node_mbox *m,
		      const struct etf_term *reason)
{
	while (m->watches) {
		struct node_watch *w = m->watches;
		struct etf_arena *a = etf_arena_new();

		m->watches = w->next;
		if (a) {
			struct etf_term *r = (struct etf_term *)reason;
			struct etf_term *c = w->link
				? etf_tuple(a, 4, etf_int(a, CTL_EXIT),
					    node_pid(n, a, m->pid_id), w->pid, r)
				: etf_tuple(a, 5, etf_int(a, CTL_MONITOR_P_EXIT),
					    w->as, w->pid, w->ref, r);

			watch_send(n, w->peer, a, c);
		}
		watch_free(w);
	}
}

int node_mbox_unregister(struct node *n, const char *name,
			 const struct etf_term *reason, struct dist_error *err)
{
	struct node_mbox **pp = &n->mboxes, *m;
	struct etf_arena *a;

	while (*pp && strcmp((*pp)->name, name))
		pp = &(*pp)->next;
	if (!*pp)
		return dist_error_set(err, DIST_E_NOPROC, DIST_STAGE_INPUT,
				      "no mailbox is registered as '%s'", name);
	m = *pp;
	*pp = m->next;
	a = etf_arena_new();
	if (!reason && a)
		reason = etf_atom(a, "normal");
	if (reason)
		mbox_gone(n, m, reason);
	etf_arena_free(a);
	mbox_free(m);
	return 0;
}

/* Whether a MONITOR_P's target is one of ours; net_kernel is, always. */
static bool proc_exists(struct node *n, const struct etf_term *to,
			struct node_mbox **m)
{
	*m = NULL;
	if (to->type == ETF_ATOM) {
		*m = node_mbox_find(n, to->v.atom.name);
		return *m || !strcmp(to->v.atom.name, "net_kernel");
	}
	*m = node_mbox_by_pid(n, to);
	return *m || (node_is_ours(n, to) && to->v.pid.id == 1);
}

static struct node_watch *watch_new(struct node_link *l, bool link,
				    const struct etf_term *pid,
				    const struct etf_term *ref,
				    const struct etf_term *as)
{
	struct node_watch *w = calloc(1, sizeof *w);

	if (!w || !(w->arena = etf_arena_new())) {
		free(w);
		return NULL;
	}
	w->link = link;
	snprintf(w->peer, sizeof w->peer, "%s", l->peer);
	w->pid = node_term_copy(w->arena, pid);
	w->ref = ref ? node_term_copy(w->arena, ref) : NULL;
	w->as = as ? node_term_copy(w->arena, as) : NULL;
	if (!w->pid || (ref && !w->ref) || (as && !w->as)) {
		watch_free(w);
		return NULL;
	}
	return w;
}

/* MONITOR_P {19, From, ToProc, Ref}: kept on a mailbox; a process we do
 * not have gets MONITOR_P_EXIT {21, ToProc, From, Ref, noproc} at once,
 * so a gen:call to it fails fast instead of waiting out its timeout. */
static void monitor_request(struct node_link *l, const struct etf_term *c)
{
	struct node *n = l->n;
	const struct etf_term *from = c->v.tuple.elems[1];
	const struct etf_term *to = c->v.tuple.elems[2];
	const struct etf_term *ref = c->v.tuple.elems[3];
	struct node_mbox *m;
	struct etf_arena *a;

	if (proc_exists(n, to, &m)) {
		struct node_watch *w = m ? watch_new(l, false, from, ref, to)
					 : NULL;

		if (w) {
			w->next = m->watches;
			m->watches = w;
		}
		return;
	}
	a = etf_arena_new();
	if (a)
		watch_send(n, l->peer, a,
			   etf_tuple(a, 5, etf_int(a, CTL_MONITOR_P_EXIT),
				     (struct etf_term *)to,
				     (struct etf_term *)from,
				     (struct etf_term *)ref,
				     etf_atom(a, "noproc")));
}

/* Remove the watches of m that match: a monitor by its ref, a link by
 * the remote pid. */
static void watch_remove(struct node_mbox *m, bool link,
			 const struct etf_term *key)
{
	struct node_watch **pp = &m->watches;

	while (*pp) {
		struct node_watch *w = *pp;

		if (w->link == link &&
		    etf_equal(link ? w->pid : w->ref, key)) {
			*pp = w->next;
			watch_free(w);
		} else {
			pp = &w->next;
		}
	}
}

/* An exit signal to a mailbox (a linked process died, or exit/2): a
 * record; a mailbox does not die of it. */
static void exit_record(struct node *n, struct node_mbox *m,
			const struct etf_term *from,
			const struct etf_term *reason)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "event", json_string("EXIT"));
	json_object_set_new(rec, "to", json_string(m->name));
	json_object_set_new(rec, "from", node_term_json(n, from));
	json_object_set_new(rec, "reason", node_term_json(n, reason));
	node_out_record(n, rec);
}

bool node_mbox_control(struct node_link *l, int64_t tag,
		       const struct etf_term *c, const struct etf_term *msg)
{
	struct node *n = l->n;
	uint32_t ar = c->v.tuple.arity;
	struct node_mbox *m;

	if (tag == CTL_MONITOR_P && ar == 4) {
		monitor_request(l, c);
	} else if (tag == CTL_DEMONITOR_P && ar == 4) {
		if (proc_exists(n, c->v.tuple.elems[2], &m) && m)
			watch_remove(m, false, c->v.tuple.elems[3]);
	} else if (tag == CTL_LINK && ar == 3) {
		struct node_watch *w;

		/* A link to a process we do not have: the BEAM expects an
		 * exit with noproc back. */
		m = node_mbox_by_pid(n, c->v.tuple.elems[2]);
		if (!m) {
			struct etf_arena *a = etf_arena_new();

			if (a)
				watch_send(n, l->peer, a, etf_tuple(
					a, 4, etf_int(a, CTL_EXIT),
					(struct etf_term *)c->v.tuple.elems[2],
					(struct etf_term *)c->v.tuple.elems[1],
					etf_atom(a, "noproc")));
			return true;
		}
		watch_remove(m, true, c->v.tuple.elems[1]);
		w = watch_new(l, true, c->v.tuple.elems[1], NULL, NULL);
		if (w) {
			w->next = m->watches;
			m->watches = w;
		}
	} else if (tag == CTL_UNLINK_ID && ar == 4) {
		struct etf_arena *a;

		/* UNLINK_ID {35, Id, From, To}: unlinked, and said so with
		 * UNLINK_ID_ACK {36, Id, To, From} before anything else. */
		m = node_mbox_by_pid(n, c->v.tuple.elems[3]);
		if (m)
			watch_remove(m, true, c->v.tuple.elems[2]);
		a = etf_arena_new();
		if (a)
			watch_send(n, l->peer, a, etf_tuple(
				a, 4, etf_int(a, CTL_UNLINK_ID_ACK),
				(struct etf_term *)c->v.tuple.elems[1],
				(struct etf_term *)c->v.tuple.elems[3],
				(struct etf_term *)c->v.tuple.elems[2]));
	} else if ((tag == CTL_EXIT || tag == CTL_EXIT2) && ar == 4) {
		m = node_mbox_by_pid(n, c->v.tuple.elems[2]);
		if (m) {
			if (tag == CTL_EXIT)
				watch_remove(m, true, c->v.tuple.elems[1]);
			exit_record(n, m, c->v.tuple.elems[1],
				    c->v.tuple.elems[3]);
		}
	} else if ((tag == CTL_PAYLOAD_EXIT || tag == CTL_PAYLOAD_EXIT2) &&
		   ar == 3 && msg) {
		m = node_mbox_by_pid(n, c->v.tuple.elems[2]);
		if (m) {
			if (tag == CTL_PAYLOAD_EXIT)
				watch_remove(m, true, c->v.tuple.elems[1]);
			exit_record(n, m, c->v.tuple.elems[1], msg);
		}
	} else {
		return false;
	}
	return true;
}

void node_mbox_peer_down(struct node *n, const char *peer)
{
	for (struct node_mbox *m = n->mboxes; m; m = m->next) {
		struct node_watch **pp = &m->watches;

		while (*pp) {
			struct node_watch *w = *pp;

			if (!strcmp(w->peer, peer)) {
				*pp = w->next;
				watch_free(w);
			} else {
				pp = &w->next;
			}
		}
	}
}

static json_t *pid_json(struct node *n, uint32_t id)
{
	struct etf_arena *a = etf_arena_new();
	struct etf_term *pid = a ? node_pid(n, a, id) : NULL;
	json_t *j = pid ? node_term_json(n, pid) : json_null();

	etf_arena_free(a);
	return j;
}

void node_mbox_command(struct node *n, const struct node_cmd *cmd)
{
	struct dist_error err;
	json_t *rec = json_object();
	int rc;

	dist_error_clear(&err);
	json_object_set_new(rec, "name", json_string(cmd->name));
	if (cmd->kind == NODE_CMD_REGISTER) {
		rc = node_mbox_register(n, cmd->name, &err);
		if (rc == 0)
			json_object_set_new(rec, "pid", pid_json(
				n, node_mbox_find(n, cmd->name)->pid_id));
	} else {
		rc = node_mbox_unregister(n, cmd->name, cmd->reason, &err);
	}
	node_result(n, node_cmd_kind_name(cmd->kind), cmd->id, rec,
		    rc < 0 ? &err : NULL);
}
