/* conn_job.h - what every runner job that owns one node connection does
 * the same way (ping, rpc, and the programs to come). */
#ifndef DIST_CONN_JOB_H
#define DIST_CONN_JOB_H

#include <stdio.h>

#include "dist/dist_conn.h"
#include "run/runner.h"

/* The job is over (err NULL: success): its connection's timings and
 * addresses go into the record, the connection is closed, the record is
 * written. */
void conn_job_end(struct runner_job *j, struct dist_conn *c,
		  const struct dist_error *err);

/* The command deadline passed: fail the connection as a timeout at the
 * stage it was in, or the job itself when it never got that far. */
void conn_job_deadline(struct runner_job *j, struct dist_conn *c);

/* The -o text line of a failed job: node, FAIL, code (stage): message,
 * without repeating the node at the head of the message. */
void conn_job_text_failure(const struct runner_job *j, FILE *out);

#endif
