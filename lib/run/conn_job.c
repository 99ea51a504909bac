/* conn_job.c - the base of connection-owning jobs (see conn_job.h). */
#include "run/conn_job.h"

#include <jansson.h>

#include "run/reach.h"
#include "base/json_exact.h"

/* "timings", "address", "port" and "self" of the connection, in every
 * record, so a failure says how far it got and through which address. */
static void put_connection(const struct dist_conn *c, json_t *out)
{
	static const enum dist_stage stages[] = {
		DIST_STAGE_RESOLVE, DIST_STAGE_EPMD, DIST_STAGE_CONNECT,
		DIST_STAGE_HANDSHAKE,
	};
	json_t *t = json_object();

	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		char key[32];

		if (c->stage_ms[stages[i]] <= 0 && stages[i] != DIST_STAGE_RESOLVE)
			continue;
		snprintf(key, sizeof key, "%s_ms", dist_stage_name(stages[i]));
		json_object_set_new(t, key, json_ms(c->stage_ms[stages[i]]));
	}
	json_object_set_new(out, "timings", t);
	if (c->dial.address[0])
		json_object_set_new(out, "address", json_string(c->dial.address));
	if (c->node_port)
		json_object_set_new(out, "port", json_integer(c->node_port));
	if (c->our_name[0])
		json_object_set_new(out, "self", json_string(c->our_name));
}

static struct conn_job *of(const struct dist_conn *c)
{
	return ((struct runner_job *)c->data)->priv;
}

static void on_ready(struct dist_conn *c)
{
	struct conn_job *cj = of(c);

	cj->ops->ready(cj);
}

static void on_early(struct dist_conn *c)
{
	struct conn_job *cj = of(c);

	if (cj->ops->early)
		cj->ops->early(cj);
}

static void on_message(struct dist_conn *c, const struct etf_term *control,
		       const struct etf_term *msg)
{
	struct conn_job *cj = of(c);

	cj->ops->message(cj, control, msg);
}

static void on_failed(struct dist_conn *c, const struct dist_error *err)
{
	struct conn_job *cj = of(c);

	if (cj->ops->failed)
		cj->ops->failed(cj, err);
	conn_job_end(cj, err);
}

static const struct dist_conn_ops conn_job_conn_ops = {
	.ready = on_ready,
	.early = on_early,
	.message = on_message,
	.failed = on_failed,
};

void conn_job_start(struct runner_job *j, const struct dist_conn_config *cfg,
		    const struct conn_job_ops *ops)
{
	struct conn_job *cj = j->priv;

	cj->j = j;
	cj->ops = ops;
	record_reach_apply(&j->in.reach, cfg, &cj->cfg);
	dist_conn_init(&cj->conn, runner_engine(j->r), runner_resolver(j->r),
		       &cj->cfg, &conn_job_conn_ops, j);
	dist_conn_start(&cj->conn, &j->name);
}

int conn_job_request(struct conn_job *cj, const struct etf_term *control,
		     const struct etf_term *msg, struct dist_error *err)
{
	if (dist_conn_send(&cj->conn, control, msg, err) < 0)
		return -1;
	dist_conn_stage(&cj->conn, DIST_STAGE_REQUEST);
	return 0;
}

void conn_job_end(struct conn_job *cj, const struct dist_error *err)
{
	struct dist_conn *c = &cj->conn;

	if (c->e) {
		if (!err)
			dist_conn_stage(c, DIST_STAGE_NONE);
		put_connection(c, cj->j->out);
		dist_conn_close(c);
	}
	runner_job_finish(cj->j, err);
}

void conn_job_deadline(struct runner_job *j)
{
	struct conn_job *cj = j->priv;
	struct dist_error err;

	if (cj->conn.e && cj->conn.state != CONN_CLOSED)
		dist_conn_fail_timeout(&cj->conn, "the command deadline "
				       "(--timeout) passed while");
	if (!j->finished) {
		dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_NONE,
			       "%s: the command deadline (--timeout) passed",
			       j->name.full);
		runner_job_finish(j, &err);
	}
}

void conn_job_release(struct runner_job *j)
{
	struct conn_job *cj = j->priv;

	if (cj->conn.e)
		dist_conn_close(&cj->conn);
}

void conn_job_text_failure(const struct runner_job *j, FILE *out)
{
	json_t *e = json_object_get(j->out, "error");
	const char *msg = runner_message_after_node(j->in.node,
		json_string_value(json_object_get(e, "message")));

	fprintf(out, "%-32s FAIL  %s (%s): %s\n", j->in.node,
		json_string_value(json_object_get(e, "code")),
		json_string_value(json_object_get(e, "stage")),
		msg ? msg : "");
}
