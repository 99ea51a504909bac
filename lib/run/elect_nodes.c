/* elect_nodes.c - the work dist-elect does on the nodes, each round a
 * run of the shared runner whose records are read here instead of
 * being printed: pings of the members (the ping job) and one lease
 * call (the rpc job evaluating the lease's text). See elect.h. */
#include "run/elect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/elect_internal.h"
#include "run/ping.h"
#include "run/rpc.h"

static void round_config(const struct elect_run_config *c,
			 struct runner_config *r, char *const *args, int n,
			 void *ctx)
{
	memset(r, 0, sizeof *r);
	r->concurrency = c->concurrency > 0 ? c->concurrency : 64;
	r->timeout_us = c->timeout_us;
	r->format = OUTPUT_JSON;
	r->args = args;
	r->nargs = n;
	r->in_fd = -1;
	r->ctx = ctx;
	r->resolver = c->resolver;
	r->program = "dist_elect";
}

/* The error of a record, back from its JSON (code and stage by the
 * names dist(7) gives them). */
static void record_error(const struct runner_job *j, struct dist_error *err)
{
	json_t *e = json_object_get(j->out, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *stage = json_string_value(json_object_get(e, "stage"));
	const char *msg = json_string_value(json_object_get(e, "message"));

	dist_error_set(err, DIST_E_CONNECT_FAILED, DIST_STAGE_NONE, "%s: %s",
		       j->in.node, runner_message_after_node(
			       j->in.node, msg ? msg : "failed"));
	for (int i = 0; code && i < DIST_E__COUNT; i++)
		if (!strcmp(code, dist_code_name((enum dist_code)i)))
			err->code = (enum dist_code)i;
	for (int i = 0; stage && i < DIST_STAGE__COUNT; i++)
		if (!strcmp(stage, dist_stage_name((enum dist_stage)i)))
			err->stage = (enum dist_stage)i;
}

struct probe_round {
	char *const *nodes;
	bool *alive;
	size_t n;
	void (*report)(const struct dist_error *err);
};

static void probe_collect(void *ctx, const struct runner_job *j)
{
	struct probe_round *p = ctx;
	struct dist_error err;

	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->nodes[i], j->in.node))
			p->alive[i] = j->ok;
	/* A member we could not reach is the news of this round. */
	if (!j->ok && p->report) {
		record_error(j, &err);
		p->report(&err);
	}
}

int elect_probe(const struct elect_run_config *c, char *const *nodes,
		const enum elect_status *status, bool *alive, size_t n,
		struct dist_error *err)
{
	struct ping_config pc = { .conn = *c->conn, .count = 1,
				  .interval_us = 1000000 };
	struct probe_round p = { nodes, alive, n, c->report };
	struct runner_config r;
	struct runner_summary sum;
	char **ping = calloc(n ? n : 1, sizeof *ping);
	int k = 0, rc;

	if (!ping)
		return dist_error_nomem(err, DIST_STAGE_NONE, "listing members");
	for (size_t i = 0; i < n; i++) {
		alive[i] = status[i] == ELECT_ALIVE;
		if (status[i] == ELECT_PROBE)
			ping[k++] = nodes[i];
	}
	rc = 0;
	if (k > 0) {
		round_config(c, &r, ping, k, &pc);
		r.collect = probe_collect;
		r.collect_ctx = &p;
		rc = runner_run(&r, &ping_runner_ops, &sum, err);
	}
	free(ping);
	return rc;
}

struct lease_round {
	json_t *result;          /* the evaluation's value, when ok */
	struct dist_error err;   /* else why not */
	bool ok;
};

static void lease_collect(void *ctx, const struct runner_job *j)
{
	struct lease_round *l = ctx;

	l->ok = j->ok;
	if (j->ok)
		l->result = json_incref(json_object_get(j->out, "result"));
	else
		record_error(j, &l->err);
}

/* One call on one member: 1 answered (a), 0 could not be asked (err),
 * -1 our own failure (err). */
static int lease_call_one(const struct elect_run_config *c, char *node,
			  const char *text, struct elect_lease_answer *a,
			  int64_t *sent_us, struct dist_error *err)
{
	struct rpc_config rc = { .conn = *c->conn, .output = RPC_OUT_NATURAL,
				 .eval_text = text };
	struct lease_round l = { 0 };
	struct runner_config r;
	struct runner_summary sum;
	char *args[1] = { node };
	int rv;

	rc.conn.request_timeout_us = c->timeout_us > 0 ? c->timeout_us
						       : INT64_MAX / 4;
	if (rpc_config_prepare(&rc, err) < 0) {
		rpc_config_release(&rc);
		return -1;
	}
	round_config(c, &r, args, 1, &rc);
	r.collect = lease_collect;
	r.collect_ctx = &l;
	/* Before the connection: the member starts the lease later than
	 * this, so a lease counted from here ends no later than its own. */
	*sent_us = engine_now_us();
	rv = runner_run(&r, &rpc_runner_ops, &sum, err);
	rpc_config_release(&rc);
	if (rv < 0) {
		json_decref(l.result);
		return -1;
	}
	if (!l.ok) {
		*err = l.err;
		return 0;
	}
	rv = elect_lease_answer_parse(l.result, node, a, err) < 0 ? 0 : 1;
	json_decref(l.result);
	return rv;
}

int elect_lease_call(const struct elect_run_config *c, char *const *nodes,
		     size_t n, const char *lease_text,
		     struct elect_lease_answer *a, char *via, size_t via_size,
		     int64_t *sent_us, struct dist_error *err)
{
	if (n == 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "no member to hold the lease");
	for (size_t i = 0; i < n; i++) {
		int rc = lease_call_one(c, nodes[i], lease_text, a, sent_us,
					err);

		if (rc < 0)
			return -1;
		if (rc > 0) {
			snprintf(via, via_size, "%s", nodes[i]);
			return 0;
		}
		if (c->report && i + 1 < n)
			c->report(err);
	}
	return -1;
}
