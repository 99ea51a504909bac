/* ping.c - net_adm:ping as a runner job (see ping.h). */
#include "run/ping.h"

#include "run/conn_job.h"
#include "base/json_exact.h"

#include <math.h>
#include <string.h>

struct ping_job {
	struct conn_job base;
	struct etf_arena *arena;     /* our pid, ref and request */
	struct etf_term *ref;
	struct engine_timer interval;
	int sent, received;
	int64_t t_sent_us;
	double rtt_min, rtt_max, rtt_sum, rtt_last;
};

static const struct ping_config *cfg_of(const struct runner_job *j)
{
	return runner_ctx(j->r);
}

/* REG_SEND {6, From, '', net_kernel} + {'$gen_call', {From, Ref},
 * {is_auth, OurNode}}: exactly what net_adm:ping/1 sends. early: queued
 * behind our challenge reply, in the handshake stage (see on_early). */
static int send_is_auth(struct runner_job *j, bool early,
			struct dist_error *err)
{
	struct ping_job *p = j->priv;
	struct etf_arena *a = p->arena;
	struct etf_term *self, *control, *msg;

	self = dist_conn_self_pid(&p->base.conn, a);
	p->ref = dist_conn_make_ref(&p->base.conn, a);
	control = etf_tuple(a, 4, etf_int(a, 6), self, etf_atom(a, ""),
			    etf_atom(a, "net_kernel"));
	msg = etf_tuple(a, 3, etf_atom(a, "$gen_call"),
			etf_tuple(a, 2, self, p->ref),
			etf_tuple(a, 2, etf_atom(a, "is_auth"),
				  etf_atom(a, p->base.conn.our_name)));
	if (!self || !p->ref || !control || !msg)
		return dist_error_nomem(err, DIST_STAGE_REQUEST,
					"building the ping");
	if ((early ? dist_conn_send(&p->base.conn, control, msg, err)
		   : conn_job_request(&p->base, control, msg, err)) < 0)
		return -1;
	p->sent++;
	p->t_sent_us = engine_now_us();
	return 0;
}

static void ping_send_or_fail(struct runner_job *j)
{
	struct ping_job *p = j->priv;
	struct dist_error err;

	dist_error_clear(&err);
	if (send_is_auth(j, false, &err) < 0)
		conn_job_end(&p->base, &err);
}

/* The first ping goes in the same write as our challenge reply: the node
 * reads it right after the handshake and answers, which saves the round
 * trip of waiting for its challenge ack. It tells a node that does not
 * know the cookie nothing (is_auth names only us, who it already knows),
 * and with a wrong cookie the node closes before reading it, so the
 * failure stays not_allowed at the handshake. rtt_ms of this first ping
 * is then from that write to the answer: the node's cookie check, its
 * ack and its answer, one round trip. A failure to queue it is left to
 * the ordinary send once ready. */
static void on_early(struct conn_job *cj)
{
	struct runner_job *j = cj->j;
	struct ping_job *p = j->priv;
	struct dist_error err;

	dist_error_clear(&err);
	if (p->sent == 0)
		(void)send_is_auth(j, true, &err);
}

static void on_ready(struct conn_job *cj)
{
	struct ping_job *p = cj->j->priv;

	if (p->sent > 0) {
		/* Sent early: its answer is awaited from now on, within the
		 * request timeout. */
		dist_conn_stage(&cj->conn, DIST_STAGE_REQUEST);
		return;
	}
	ping_send_or_fail(cj->j);
}

static void on_interval(struct engine *e, struct engine_timer *t)
{
	(void)e;
	ping_send_or_fail(t->data);
}

/* The round trips measured so far: all of them on success, those done
 * before a failure or the deadline otherwise (count says how many). */
static void put_rtts(struct runner_job *j)
{
	struct ping_job *p = j->priv;

	if (p->received == 0)
		return;
	json_object_set_new(j->out, "rtt_ms", json_ms(p->rtt_sum / p->received));
	if (cfg_of(j)->count > 1) {
		json_object_set_new(j->out, "count", json_integer(p->received));
		json_object_set_new(j->out, "rtt",
				    json_pack("{s:o, s:o, s:o}", "min",
					      json_ms(p->rtt_min), "avg",
					      json_ms(p->rtt_sum / p->received),
					      "max", json_ms(p->rtt_max)));
	}
}

static void ping_done(struct runner_job *j)
{
	struct ping_job *p = j->priv;

	put_rtts(j);
	conn_job_end(&p->base, NULL);
}

static void on_message(struct conn_job *cj, const struct etf_term *control,
		       const struct etf_term *msg)
{
	struct runner_job *j = cj->j;
	struct ping_job *p = j->priv;
	double rtt;

	/* SEND {2, '', ToPid} + {Ref, yes}: the gen_server reply. Anything
	 * else (a stray message) is not ours to judge. */
	if (!etf_is_tuple(control, 3) || !control->v.tuple.elems[0] ||
	    control->v.tuple.elems[0]->type != ETF_INT ||
	    control->v.tuple.elems[0]->v.i != 2 || !msg ||
	    !etf_is_tuple(msg, 2) || !p->ref ||
	    !etf_equal(msg->v.tuple.elems[0], p->ref))
		return;
	if (!etf_is_atom(msg->v.tuple.elems[1], "yes")) {
		struct dist_error err;

		dist_error_set(&err, DIST_E_NOT_ALLOWED, DIST_STAGE_REQUEST,
			       "%s: the ping was answered with something "
			       "other than yes", j->name.full);
		conn_job_end(&p->base, &err);
		return;
	}
	rtt = (double)(engine_now_us() - p->t_sent_us) / 1000.0;
	p->ref = NULL;
	if (p->received == 0 || rtt < p->rtt_min)
		p->rtt_min = rtt;
	if (rtt > p->rtt_max)
		p->rtt_max = rtt;
	p->rtt_sum += rtt;
	p->rtt_last = rtt;
	p->received++;
	if (p->received >= cfg_of(j)->count) {
		ping_done(j);
		return;
	}
	/* Stay connected and quiet until the next ping: ticks keep the
	 * connection alive meanwhile. */
	dist_conn_stage(&p->base.conn, DIST_STAGE_NONE);
	engine_timer_arm(runner_engine(j->r), &p->interval,
			 engine_now_us() + cfg_of(j)->interval_us);
}

/* The round trips measured before the connection failed stay. */
static void on_failed(struct conn_job *cj, const struct dist_error *err)
{
	struct runner_job *j = cj->j;
	struct ping_job *p = j->priv;

	(void)err;
	engine_timer_disarm(runner_engine(j->r), &p->interval);
	put_rtts(j);
}

static const struct conn_job_ops ping_conn_ops = {
	.ready = on_ready,
	.early = on_early,
	.message = on_message,
	.failed = on_failed,
};

static void ping_start(struct runner_job *j)
{
	struct ping_job *p = j->priv;
	struct dist_error err;

	p->arena = etf_arena_new();
	if (!p->arena) {
		dist_error_nomem(&err, DIST_STAGE_NONE, NULL);
		runner_job_finish(j, &err);
		return;
	}
	p->interval.cb = on_interval;
	p->interval.data = j;
	conn_job_start(j, &cfg_of(j)->conn, &ping_conn_ops);
}

/* -c N cut short by --timeout once pings have been answered: the
 * connection works, so this is a timeout of the request stage (between
 * pings the connection rests at stage none), and the round trips
 * already measured stay in the record. */
static void ping_deadline(struct runner_job *j)
{
	struct ping_job *p = j->priv;
	struct dist_error err;

	if (p->received == 0 || j->finished) {
		conn_job_deadline(j);
		return;
	}
	engine_timer_disarm(runner_engine(j->r), &p->interval);
	put_rtts(j);
	dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_REQUEST,
		       "%s: the command deadline (--timeout) passed after "
		       "%d of %d pings", j->name.full, p->received,
		       cfg_of(j)->count);
	conn_job_end(&p->base, &err);
}

static void ping_release(struct runner_job *j)
{
	struct ping_job *p = j->priv;

	if (p->base.conn.e)
		engine_timer_disarm(p->base.conn.e, &p->interval);
	conn_job_release(j);
	etf_arena_free(p->arena);
	p->arena = NULL;
}

static void ping_text(const struct runner_job *j, FILE *out)
{
	if (!j->ok) {
		conn_job_text_failure(j, out);
		return;
	}
	fprintf(out, "%-32s ok    %8.3f ms\n", j->in.node,
		json_real_value(json_object_get(j->out, "rtt_ms")));
}

static const char *const ping_owned_fields[] = {
	"rtt_ms", "rtt", "count", NULL
};

const struct runner_ops ping_runner_ops = {
	.job_size = sizeof(struct ping_job),
	.owned_fields = ping_owned_fields,
	.start = ping_start,
	.deadline = ping_deadline,
	.release = ping_release,
	.text = ping_text,
};
