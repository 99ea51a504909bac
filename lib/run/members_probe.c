/* members_probe.c - one probe of a round: a connection to a member and
 * one question through rex: its view (direct probe), or whether it
 * reaches another member over the connection it has (indirect). */
#include "run/members_internal.h"

#include <stdlib.h>
#include <string.h>

#include "run/rpc_eval.h"

static struct members_probe *probe_of(struct dist_conn *c)
{
	return c->data;
}

/* The answer, a failure, or the deadline: the probe's result goes into
 * the table now; the probe is freed, and the round goes on, from a
 * timer, outside the connection's own callback. */
static void probe_finish(struct members_probe *p, const struct etf_term *v,
			 const struct dist_error *err)
{
	struct members *ms = p->ms;
	struct members_member *t = &ms->m[p->target];
	struct dist_error e;
	int rc = 0;

	if (p->finished)
		return;
	p->finished = true;
	dist_error_clear(&e);
	if (p->conn.our_name[0])
		json_object_set_new(ms->m[p->via == MEMBERS_NO_VIA ? p->target
								 : p->via].ours,
				    p->conn.our_name, json_true());
	if (p->via == MEMBERS_NO_VIA) {
		t->direct_ok = err == NULL;
		t->rtt_ms = (double)(engine_now_us() - p->t0_us) / 1000.0;
		if (!err) {
			rc = members_view_decode(v, &t->view, &e);
			t->has_view = rc == 0;
			t->direct_ok = rc == 0;
			if (rc < 0)
				members_view_free(&t->view);
		}
		if (err || rc < 0)
			t->direct_err = err ? *err : e;
	} else if (err) {
		ms->vias_failed++;
	} else {
		enum members_indirect_answer a;

		json_array_append_new(t->asked,
				      json_string(ms->m[p->via].node));
		if (members_indirect_decode(v, &a, &e) == 0 &&
		    a == MEMBERS_INDIRECT_REACHED)
			json_array_append_new(t->reached,
					      json_string(ms->m[p->via].node));
	}
	dist_conn_close(&p->conn);
	p->reap_next = ms->reap;
	ms->reap = p;
	ms->inflight--;
	engine_timer_arm(ms->e, &ms->reap_timer, engine_now_us());
}

static void on_ready(struct dist_conn *c)
{
	struct members_probe *p = probe_of(c);
	struct etf_term *control, *msg;
	const struct etf_term *exprs;
	struct dist_error err;

	dist_error_clear(&err);
	exprs = rpc_config_wrapper(&p->ms->cfg->rpc, true, &err);
	if (!exprs ||
	    rpc_eval_request(c, p->arena, exprs, p->text, &control, &msg,
			     &err) < 0 ||
	    dist_conn_send(c, control, msg, &err) < 0) {
		probe_finish(p, NULL, &err);
		return;
	}
	dist_conn_stage(c, DIST_STAGE_REQUEST);
}

static void on_message(struct dist_conn *c, const struct etf_term *control,
		       const struct etf_term *msg)
{
	struct members_probe *p = probe_of(c);
	const struct etf_term *v = NULL;
	struct dist_error err;
	int rc;

	dist_error_clear(&err);
	rc = rpc_eval_reply(c->target.full, control, msg, &v, &err);
	if (rc > 0)
		probe_finish(p, v, NULL);
	else if (rc < 0)
		probe_finish(p, NULL, &err);
}

static void on_failed(struct dist_conn *c, const struct dist_error *err)
{
	probe_finish(probe_of(c), NULL, err);
}

static const struct dist_conn_ops probe_ops = {
	.ready = on_ready,
	.message = on_message,
	.failed = on_failed,
};

static void probe_free(struct members_probe *p)
{
	dist_conn_close(&p->conn);
	etf_arena_free(p->arena);
	free(p->text);
	free(p);
}

/* A probe that cannot start counts as failed at once, as the deadline
 * or memory says. */
static void probe_not_started(struct members *ms, size_t target, size_t via,
			      const struct dist_error *err)
{
	if (via == MEMBERS_NO_VIA) {
		ms->m[target].direct_ok = false;
		ms->m[target].direct_err = *err;
	} else {
		ms->vias_failed++;
	}
}

void members_probe_start(struct members *ms, size_t target, size_t via)
{
	struct members_probe *p;
	struct dist_error err;
	size_t who = via == MEMBERS_NO_VIA ? target : via;
	char buf[2048];

	dist_error_clear(&err);
	if (ms->deadline_passed) {
		dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_NONE,
			       "%s: not probed: the round's deadline "
			       "(--timeout) passed first", ms->m[target].node);
		probe_not_started(ms, target, via, &err);
		return;
	}
	p = calloc(1, sizeof *p);
	if (p)
		p->arena = etf_arena_new();
	if (via != MEMBERS_NO_VIA &&
	    members_indirect_expr(ms->m[target].node, ms->cfg->indirect_wait_ms,
				  buf, sizeof buf, &err) < 0) {
		probe_not_started(ms, target, via, &err);
		if (p)
			probe_free(p);
		return;
	}
	if (p)
		p->text = strdup(via == MEMBERS_NO_VIA
				 ? members_view_expr(ms->cfg->groups) : buf);
	if (!p || !p->arena || !p->text) {
		dist_error_nomem(&err, DIST_STAGE_NONE, ms->m[target].node);
		probe_not_started(ms, target, via, &err);
		if (p)
			probe_free(p);
		return;
	}
	p->ms = ms;
	p->target = target;
	p->via = via;
	p->t0_us = engine_now_us();
	p->next = ms->probes;
	ms->probes = p;
	ms->inflight++;
	ms->m[who].probed = true;
	dist_conn_init(&p->conn, ms->e, ms->res, &ms->cfg->conn, &probe_ops, p);
	dist_conn_start(&p->conn, &ms->m[who].name);
}

/* The round's deadline: every probe still open fails as a timeout at
 * the stage it is in. */
void members_probe_deadline(struct members *ms)
{
	ms->deadline_passed = true;
	for (struct members_probe *p = ms->probes; p; p = p->next)
		if (!p->finished && p->conn.e &&
		    p->conn.state != CONN_CLOSED)
			dist_conn_fail_timeout(&p->conn, "the round's "
					       "deadline (--timeout) passed "
					       "while");
}

/* Free the finished probes (they left the open list when they
 * finished: unlink them here, where no callback of theirs runs). */
void members_probe_reap(struct members *ms)
{
	while (ms->reap) {
		struct members_probe *p = ms->reap, **pp;

		ms->reap = p->reap_next;
		for (pp = &ms->probes; *pp; pp = &(*pp)->next)
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		probe_free(p);
	}
}
