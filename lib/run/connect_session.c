/* connect_session.c - one via node: its connection, the connect call
 * (retried with backoff for the targets that failed), then the
 * disconnect call of --prune (see connect.h). */
#include "run/connect_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/random.h"
#include "dist/rex.h"
#include "run/rpc_eval.h"

static void session_fail_left(struct connect_session *s,
			      const struct dist_error *err);
static void session_after_connects(struct connect_session *s);

static struct connect_session *of(const struct dist_conn *c)
{
	return c->data;
}

/* erl_eval bindings are an orddict: keys sorted. */
static struct etf_term *binding(struct etf_arena *a, const char *var,
			     struct etf_term *v)
{
	return etf_tuple(a, 2, etf_atom(a, var), v);
}

static struct etf_term *names_list(struct etf_arena *a, char **names,
				   size_t n)
{
	struct etf_term *l = etf_list_new(a, (uint32_t)n, etf_nil(a));

	for (size_t i = 0; l && i < n; i++) {
		l->v.list.elems[i] = etf_binary(a, names[i], strlen(names[i]));
		if (!l->v.list.elems[i])
			return NULL;
	}
	return l;
}

/* erl_eval:expr(Form, Bindings, none, none, value) through rex, as
 * dist-rpc asks (run/rpc_eval.h, dist/rex.h). */
static int send_call(struct connect_session *s, struct etf_term *form,
		     struct etf_term *bindings, struct dist_error *err)
{
	struct etf_arena *a = s->arena;
	struct etf_term *self = dist_conn_self_pid(&s->conn, a);
	struct etf_term *args = form ? rpc_eval_args(a, form, bindings) : NULL;
	struct etf_term *control, *msg;

	if (!self || !args)
		return dist_error_nomem(err, DIST_STAGE_REQUEST,
					"building the call");
	if (rex_call_request(a, self, etf_atom(a, "erl_eval"),
			     etf_atom(a, "expr"), args, false, &control, &msg,
			     err) < 0 ||
	    dist_conn_send(&s->conn, control, msg, err) < 0)
		return -1;
	dist_conn_stage(&s->conn, DIST_STAGE_REQUEST);
	return 0;
}

static int new_arena(struct connect_session *s, struct dist_error *err)
{
	etf_arena_free(s->arena);
	s->arena = etf_arena_new();
	return s->arena ? 0 : dist_error_nomem(err, DIST_STAGE_REQUEST, NULL);
}

static void send_connects(struct connect_session *s)
{
	struct connect_cycle *cy = s->cy;
	const struct connect_config *cfg = connect_cycle_config(cy);
	struct dist_error err;
	char **names;
	struct etf_term *b;
	size_t n = 0;

	dist_error_clear(&err);
	names = calloc(s->ntargets + 1, sizeof *names);
	if (!names || new_arena(s, &err) < 0) {
		free(names);
		dist_error_nomem(&err, DIST_STAGE_REQUEST, NULL);
		session_fail_left(s, &err);
		return;
	}
	for (size_t i = 0; i < s->ntargets; i++)
		if (!s->done[i])
			names[n++] = (char *)connect_cycle_node(cy,
								s->targets[i]);
	b = etf_list_new(s->arena, 4, etf_nil(s->arena));
	if (b) {
		b->v.list.elems[0] = binding(s->arena, "DistAct",
					  etf_atom(s->arena, cfg->dry_run
						   ? "false" : "true"));
		b->v.list.elems[1] = binding(s->arena, "DistMaxNew",
					  etf_int(s->arena, cfg->max_new));
		b->v.list.elems[2] = binding(s->arena, "DistNames",
					  names_list(s->arena, names, n));
		b->v.list.elems[3] = binding(s->arena, "DistTimeout",
					  etf_int(s->arena,
						  cfg->target_timeout_ms));
	}
	free(names);
	s->phase = CONNECT_PH_CONNECT;
	if (send_call(s, connect_cycle_form(cy, false), b, &err) < 0)
		session_fail_left(s, &err);
}

static void on_ready(struct dist_conn *c)
{
	struct connect_session *s = of(c);

	connect_cycle_via(s, true);
	send_connects(s);
}

/* Exponential, with "equal jitter": half the delay fixed, half random,
 * so runs that failed together do not retry together. */
static int64_t backoff_delay(const struct connect_config *cfg, long attempt)
{
	int64_t d = cfg->backoff_ms;
	uint32_t r;

	for (long i = 1; i < attempt && d < 3600 * 1000; i++)
		d *= 2;
	random_bytes(&r, sizeof r);
	return d / 2 + (int64_t)((double)(d - d / 2) * (r / 4294967296.0));
}

/* Another attempt if the retries and the deadline allow it. */
static bool schedule_retry(struct connect_session *s)
{
	const struct connect_config *cfg = connect_cycle_config(s->cy);
	int64_t d;

	if (s->attempt >= cfg->retries)
		return false;
	d = backoff_delay(cfg, s->attempt + 1);
	if (!connect_cycle_time_left(s->cy, d))
		return false;
	s->attempt++;
	s->phase = CONNECT_PH_BACKOFF;
	engine_timer_arm(connect_cycle_engine(s->cy), &s->backoff,
			 engine_now_us() + d * 1000);
	return true;
}

/* The session is over: its connection closed, the cycle told. */
static void session_end(struct connect_session *s)
{
	s->phase = CONNECT_PH_DONE;
	if (s->conn_open)
		dist_conn_close(&s->conn);
	s->conn_open = false;
	connect_cycle_session_done(s);
}

/* Every node the prune asked for gets err as its record; the session
 * ends (a failed prune is the last thing a session does). */
static void session_fail_prunes(struct connect_session *s,
				const struct dist_error *err)
{
	for (size_t i = 0; i < s->nprune; i++)
		connect_cycle_pruned(s, s->prune[i], err);
	session_end(s);
}

static void on_failed(struct dist_conn *c, const struct dist_error *err)
{
	struct connect_session *s = of(c);
	struct dist_error e;

	s->conn_open = false;
	/* Dropped while waiting to retry: the retry dials again. */
	if (s->phase == CONNECT_PH_DONE || s->phase == CONNECT_PH_BACKOFF)
		return;
	if (s->phase == CONNECT_PH_PRUNE) {
		dist_error_set(&e, err->code, err->stage, "via %s: %s",
			       s->via.full, runner_message_after_node(
				       s->via.full, err->message));
		session_fail_prunes(s, &e);
		return;
	}
	if ((s->phase == CONNECT_PH_DIAL || s->phase == CONNECT_PH_CONNECT) &&
	    schedule_retry(s))
		return;
	if (s->phase == CONNECT_PH_DIAL)
		connect_cycle_via(s, false);
	dist_error_set(&e, err->code, err->stage, "via %s: %s",
		       s->via.full,
		       runner_message_after_node(s->via.full, err->message));
	session_fail_left(s, &e);
}

static const struct dist_conn_ops session_conn_ops;

static void dial(struct connect_session *s)
{
	s->phase = CONNECT_PH_DIAL;
	s->conn_open = true;
	dist_conn_init(&s->conn, connect_cycle_engine(s->cy),
		       connect_cycle_resolver(s->cy),
		       &connect_cycle_config(s->cy)->conn, &session_conn_ops,
		       s);
	dist_conn_start(&s->conn, &s->via);
}

static void on_backoff(struct engine *e, struct engine_timer *t)
{
	struct connect_session *s = t->data;

	(void)e;
	if (s->conn_open && s->conn.state == CONN_READY)
		send_connects(s);
	else
		dial(s);
}

static const char *atom_of(const struct etf_term *t)
{
	return t && t->type == ETF_ATOM ? t->v.atom.name : NULL;
}

/* The target of the session a reply names. */
static long find_target(struct connect_session *s, const struct etf_term *b)
{
	if (!b || b->type != ETF_BINARY)
		return -1;
	for (size_t i = 0; i < s->ntargets; i++) {
		const char *n = connect_cycle_node(s->cy, s->targets[i]);

		if (!s->done[i] && strlen(n) == b->v.bin.len &&
		    !memcmp(n, b->v.bin.data, b->v.bin.len))
			return (long)i;
	}
	return -1;
}

static void one_result(struct connect_session *s, const struct etf_term *r,
		       bool *retry)
{
	long i;
	const char *o;
	bool was_new;
	struct dist_error err;
	const char *name;

	if (!etf_is_tuple(r, 3) ||
	    (i = find_target(s, r->v.tuple.elems[0])) < 0)
		return;
	name = connect_cycle_node(s->cy, s->targets[i]);
	o = atom_of(r->v.tuple.elems[1]);
	was_new = etf_is_atom(r->v.tuple.elems[2], "true");
	if (o && (!strcmp(o, "true") || !strcmp(o, "already") ||
		  !strcmp(o, "plan"))) {
		connect_cycle_target(s, (size_t)i,
				     !strcmp(o, "true") ? CONNECT_OK
				     : !strcmp(o, "plan") ? CONNECT_PLANNED
							   : CONNECT_ALREADY,
				     was_new, NULL);
		return;
	}
	if (o && !strcmp(o, "capped")) {
		dist_error_set(&err, DIST_E_MAX_NEW, DIST_STAGE_INPUT,
			       "%s: not asked for: %s does not know the "
			       "name, and --max-new names new to it were "
			       "asked for already in this run", name,
			       s->via.full);
		connect_cycle_target(s, (size_t)i, CONNECT_FINAL, false, &err);
		return;
	}
	if (o && !strcmp(o, "ignored")) {
		dist_error_set(&err, DIST_E_CONNECT_IGNORED,
			       DIST_STAGE_REQUEST,
			       "%s: %s ignored the request: its "
			       "distribution is not started", name,
			       s->via.full);
		connect_cycle_target(s, (size_t)i, CONNECT_FINAL, was_new,
				     &err);
		return;
	}
	if (o && !strcmp(o, "false"))
		dist_error_set(&err, DIST_E_CONNECT_FAILED, DIST_STAGE_REQUEST,
			       "%s: net_kernel:connect_node returned false on "
			       "%s: the node is down, not reachable from "
			       "there, or refuses its cookie", name,
			       s->via.full);
	else if (o && !strcmp(o, "timeout"))
		dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_REQUEST,
			       "%s: %s did not connect to it within %lld ms",
			       name, s->via.full,
			       (long long)connect_cycle_config(s->cy)
				       ->target_timeout_ms);
	else
		dist_error_set(&err, DIST_E_EXCEPTION, DIST_STAGE_REQUEST,
			       "%s: the connect on %s crashed", name,
			       s->via.full);
	if (*retry)
		return;    /* the next attempt tells */
	connect_cycle_target(s, (size_t)i, CONNECT_FAILED, was_new, &err);
}

static void connect_reply(struct connect_session *s, const struct etf_term *r)
{
	const struct etf_term *res, *vis;
	struct dist_error err;
	bool retry = false;

	/* {Visible, Results}, both lists; {badrpc, Reason} otherwise. */
	if (!etf_is_tuple(r, 2) ||
	    (r->v.tuple.elems[0]->type != ETF_LIST &&
	     r->v.tuple.elems[0]->type != ETF_NIL) ||
	    (r->v.tuple.elems[1]->type != ETF_LIST &&
	     r->v.tuple.elems[1]->type != ETF_NIL)) {
		dist_error_set(&err, DIST_E_BADRPC, DIST_STAGE_REQUEST,
			       "via %s: the connect call failed there (rex "
			       "answered badrpc)", s->via.full);
		session_fail_left(s, &err);
		return;
	}
	vis = r->v.tuple.elems[0];
	res = r->v.tuple.elems[1];
	json_decref(s->visible);
	s->visible = json_array();
	for (uint32_t i = 0; vis->type == ETF_LIST && i < vis->v.list.len; i++)
		if (atom_of(vis->v.list.elems[i]))
			json_array_append_new(s->visible, json_string(
				atom_of(vis->v.list.elems[i])));
	/* Failures retried: first see whether any is, and whether time
	 * allows; the records of the others are written now. */
	for (uint32_t i = 0; res->type == ETF_LIST && i < res->v.list.len;
	     i++) {
		const struct etf_term *t = res->v.list.elems[i];
		const char *o = etf_is_tuple(t, 3)
			? atom_of(t->v.tuple.elems[1]) : NULL;

		if (etf_is_tuple(t, 3) && (!o || !strcmp(o, "false") ||
					   !strcmp(o, "timeout")))
			retry = true;
	}
	/* The retry is armed first: the failures it will ask for again
	 * get no record now. */
	retry = retry && schedule_retry(s);
	for (uint32_t i = 0; res->type == ETF_LIST && i < res->v.list.len; i++)
		one_result(s, res->v.list.elems[i], &retry);
	if (retry) {
		if (s->left > 0) {
			dist_conn_stage(&s->conn, DIST_STAGE_NONE);
			return;
		}
		engine_timer_disarm(connect_cycle_engine(s->cy), &s->backoff);
	}
	if (s->left > 0) {
		/* Names the answer did not cover: not ours to guess. */
		dist_error_set(&err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
			       "via %s: no answer for this target",
			       s->via.full);
		session_fail_left(s, &err);
		return;
	}
	session_after_connects(s);
}

static void send_prune(struct connect_session *s)
{
	struct dist_error err;
	struct etf_term *b;

	dist_error_clear(&err);
	if (new_arena(s, &err) < 0) {
		connect_cycle_session_done(s);
		return;
	}
	b = etf_list_new(s->arena, 1, etf_nil(s->arena));
	if (b)
		b->v.list.elems[0] = binding(s->arena, "DistNames",
					  names_list(s->arena, s->prune,
						     s->nprune));
	s->phase = CONNECT_PH_PRUNE;
	if (send_call(s, connect_cycle_form(s->cy, true), b, &err) < 0)
		session_fail_prunes(s, &err);
}

static void session_after_connects(struct connect_session *s)
{
	if (connect_cycle_prune_plan(s, &s->prune, &s->nprune) == 0 &&
	    s->nprune > 0 && !connect_cycle_config(s->cy)->dry_run) {
		send_prune(s);
		return;
	}
	session_end(s);
}

static void prune_reply(struct connect_session *s, const struct etf_term *r)
{
	for (size_t i = 0; i < s->nprune; i++) {
		const struct etf_term *hit = NULL;
		struct dist_error err;
		const char *o;

		for (uint32_t k = 0; r->type == ETF_LIST && k < r->v.list.len;
		     k++) {
			const struct etf_term *t = r->v.list.elems[k];

			if (etf_is_tuple(t, 2) &&
			    t->v.tuple.elems[0]->type == ETF_BINARY &&
			    t->v.tuple.elems[0]->v.bin.len ==
				    strlen(s->prune[i]) &&
			    !memcmp(t->v.tuple.elems[0]->v.bin.data,
				    s->prune[i], strlen(s->prune[i])))
				hit = t;
		}
		o = hit ? atom_of(hit->v.tuple.elems[1]) : NULL;
		if (o && (!strcmp(o, "true") || !strcmp(o, "false"))) {
			connect_cycle_pruned(s, s->prune[i], NULL);
			continue;
		}
		dist_error_set(&err, o ? DIST_E_CONNECT_IGNORED
				       : DIST_E_BADRPC, DIST_STAGE_REQUEST,
			       "%s: %s did not disconnect it%s", s->prune[i],
			       s->via.full, o ? ": its distribution is not "
			       "started" : " (rex answered badrpc)");
		connect_cycle_pruned(s, s->prune[i], &err);
	}
	session_end(s);
}

static void on_message(struct dist_conn *c, const struct etf_term *control,
		       const struct etf_term *msg)
{
	struct connect_session *s = of(c);

	/* SEND {2, '', Self} + {rex, Reply}: the one call in flight. */
	if (!etf_is_tuple(control, 3) || !etf_is_tuple(msg, 2) ||
	    !etf_is_atom(msg->v.tuple.elems[0], "rex"))
		return;
	if (s->phase == CONNECT_PH_CONNECT)
		connect_reply(s, msg->v.tuple.elems[1]);
	else if (s->phase == CONNECT_PH_PRUNE)
		prune_reply(s, msg->v.tuple.elems[1]);
}

static const struct dist_conn_ops session_conn_ops = {
	.ready = on_ready,
	.message = on_message,
	.failed = on_failed,
};

/* Every target without a record gets err; the session ends. */
static void session_fail_left(struct connect_session *s,
			      const struct dist_error *err)
{
	for (size_t i = 0; i < s->ntargets; i++)
		if (!s->done[i])
			connect_cycle_target(s, i, CONNECT_FAILED, false, err);
	engine_timer_disarm(connect_cycle_engine(s->cy), &s->backoff);
	session_end(s);
}

void connect_session_start(struct connect_session *s)
{
	s->backoff.cb = on_backoff;
	s->backoff.data = s;
	if (s->ntargets == 0) {
		session_end(s);
		return;
	}
	dial(s);
}

void connect_session_deadline(struct connect_session *s)
{
	struct dist_error err;

	if (s->phase == CONNECT_PH_DONE)
		return;
	if (s->phase == CONNECT_PH_PRUNE) {
		dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_REQUEST,
			       "the command deadline (--timeout) passed "
			       "before %s answered", s->via.full);
		session_fail_prunes(s, &err);
		return;
	}
	dist_error_set(&err, DIST_E_TIMEOUT,
		       s->phase == CONNECT_PH_DIAL ? s->conn.stage
						   : DIST_STAGE_REQUEST,
		       "via %s: the command deadline (--timeout) passed",
		       s->via.full);
	session_fail_left(s, &err);
}

void connect_session_free(struct connect_session *s)
{
	if (s->conn_open)
		dist_conn_close(&s->conn);
	s->conn_open = false;
	etf_arena_free(s->arena);
	s->arena = NULL;
	json_decref(s->visible);
	s->visible = NULL;
	for (size_t i = 0; i < s->nprune; i++)
		free(s->prune[i]);
	free(s->prune);
	free(s->targets);
	free(s->done);
}
