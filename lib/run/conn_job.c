/* conn_job.c - shared parts of connection-owning jobs (see conn_job.h). */
#include "run/conn_job.h"


void conn_job_end(struct runner_job *j, struct dist_conn *c,
		  const struct dist_error *err)
{
	if (c->e) {
		dist_conn_report(c, j->out);
		dist_conn_close(c);
	}
	runner_job_finish(j, err);
}

void conn_job_deadline(struct runner_job *j, struct dist_conn *c)
{
	struct dist_error err;

	if (c->e && c->state != CONN_CLOSED)
		dist_conn_fail_timeout(c, "the command deadline (--timeout) "
				       "passed while");
	if (!j->finished) {
		dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_NONE,
			       "%s: the command deadline (--timeout) passed",
			       j->name.full);
		runner_job_finish(j, &err);
	}
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
