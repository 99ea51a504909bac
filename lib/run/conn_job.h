/* conn_job.h - the base of every runner job that talks to its target
 * over one node connection: dist-ping, dist-rpc, and the programs to come
 * (each one request or several over the connection).
 *
 * What conn_job does, once for all of them: it starts the connection to
 * the job's target, at the port its record names if it names one; a connection that fails, or the command deadline,
 * ends the job as that error; every record gets the connection's timings,
 * address, port and our name; the connection is closed when the job ends
 * and again (harmlessly) when it is released; and it writes the -o text
 * line of a failed job.
 *
 * How a new job is written on it: only what is its own.
 *
 *	struct mine_job {
 *		struct conn_job base;   (first: j->priv is both)
 *		struct etf_arena *arena;
 *		...
 *	};
 *
 *	static void mine_ready(struct conn_job *cj)
 *	{
 *		build the request in the job's arena, then
 *		if (conn_job_request(cj, control, msg, &err) < 0)
 *			conn_job_end(cj, &err);
 *	}
 *
 *	static void mine_message(struct conn_job *cj,
 *				 const struct etf_term *control,
 *				 const struct etf_term *msg)
 *	{
 *		not the answer: return (stray messages are no error);
 *		the answer: put its fields into cj->j->out, then
 *		conn_job_end(cj, NULL), or conn_job_request() the next one;
 *		a wrong answer: conn_job_end(cj, &err).
 *	}
 *
 *	static const struct conn_job_ops mine_ops = {
 *		.ready = mine_ready, .message = mine_message,
 *	};
 *
 *	static void mine_start(struct runner_job *j)
 *	{
 *		check the input record and allocate; on error
 *		runner_job_finish(j, &err) and return (nothing is sent);
 *		conn_job_start(j, &cfg->conn, &mine_ops);
 *	}
 *
 *	static void mine_release(struct runner_job *j)
 *	{
 *		conn_job_release(j); then free what mine_start allocated.
 *	}
 *
 *	const struct runner_ops mine_runner_ops = {
 *		.job_size = sizeof(struct mine_job),
 *		.owned_fields = mine_fields,
 *		.start = mine_start,
 *		.deadline = conn_job_deadline,
 *		.release = mine_release,
 *		.text = mine_text,  (conn_job_text_failure for !j->ok)
 *	};
 *
 * ops->failed is for a job that measured something before the end (ping's
 * round trips): it runs before the record of a failed connection is
 * written.
 */
#ifndef DIST_CONN_JOB_H
#define DIST_CONN_JOB_H

#include <stdio.h>

#include "dist/dist_conn.h"
#include "run/runner.h"

struct conn_job;

struct conn_job_ops {
	/* The handshake is done: send the first request. */
	void (*ready)(struct conn_job *cj);
	/* Optional: dist_conn_ops.early, for a first request that may go
	 * before the node proved it knows the cookie (ping only). It sends
	 * with dist_conn_send and leaves the stage alone; ready then enters
	 * the request stage. */
	void (*early)(struct conn_job *cj);
	/* A message came (msg NULL for control-only ones); the terms live
	 * until the call returns. */
	void (*message)(struct conn_job *cj, const struct etf_term *control,
			const struct etf_term *msg);
	/* Optional: the connection failed (or the deadline failed it) with
	 * err; the record is written right after. */
	void (*failed)(struct conn_job *cj, const struct dist_error *err);
};

struct conn_job {
	struct dist_conn conn;
	/* The command line's settings with the record's own "port" or
	 * "epmd_port" in place (reach.h): conn points here. */
	struct dist_conn_config cfg;
	struct runner_job *j;
	const struct conn_job_ops *ops;
};

/* The job's connection; j->priv must begin with a struct conn_job.
 * Where it connects is cfg's, or the input record's "port" or
 * "epmd_port" when it has them (reach.h). */
void conn_job_start(struct runner_job *j, const struct dist_conn_config *cfg,
		    const struct conn_job_ops *ops);

/* Send one message and wait for its answer within the request timeout. */
int conn_job_request(struct conn_job *cj, const struct etf_term *control,
		     const struct etf_term *msg, struct dist_error *err);

/* The job is over (err NULL: success): its connection's timings and
 * addresses go into the record, the connection is closed, the record is
 * written. */
void conn_job_end(struct conn_job *cj, const struct dist_error *err);

/* runner_ops.deadline: fail the connection as a timeout at the stage it
 * was in, or the job itself when it never got that far. */
void conn_job_deadline(struct runner_job *j);

/* For runner_ops.release: close the connection if it was started. */
void conn_job_release(struct runner_job *j);

/* The -o text line of a failed job: node, FAIL, code (stage): message,
 * without repeating the node at the head of the message. */
void conn_job_text_failure(const struct runner_job *j, FILE *out);

#endif
