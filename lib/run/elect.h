/* elect.h - one election of dist-elect, run: ping the expected members
 * this host has no word on (the ping job, over the runner), choose by
 * the quorum of the expected ones (cluster/elect_choice.h), and for the
 * global strategy take, renew, release or ask about the lease on a
 * member (the rpc job evaluating cluster/elect_lease.h's text). The
 * term is kept in --state (cluster/elect_term.h).
 *
 * The programs' I/O is the caller's: this returns what it found.
 */
#ifndef DIST_RUN_ELECT_H
#define DIST_RUN_ELECT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "cluster/elect_choice.h"
#include "cluster/elect_lease.h"
#include "cluster/elect_term.h"
#include "dist/dist_conn.h"
#include "run/elect_child.h"

/* How each round of work on the nodes is run. */
struct elect_run_config {
	const struct dist_conn_config *conn;
	int64_t timeout_us;       /* each round (probe, one lease call) */
	int concurrency;
	const char *resolver;
	/* Diagnostics (a member that could not be asked), or NULL. */
	void (*report)(const struct dist_error *err);
};

struct elect_request {
	enum elect_strategy strategy;
	const char *self;         /* --self, or NULL */
	const char *group;        /* --group, or NULL */
	enum elect_lease_op op;   /* global only */
	bool for_run;             /* --run: only a lease taken now counts */
	int64_t lease_ms;
	const char *state_path;   /* --state, or NULL */
	/* The expected members, distinct, and what their records said. */
	char *const *nodes;
	const enum elect_status *status;
	size_t n;
	struct elect_run_config run;
};

struct elect_result {
	struct elect_outcome outcome;
	const char *leader;       /* NULL: no leader (points into nodes or
				   * lease.holder) */
	bool has_term;            /* false: no --state and no lease term */
	int64_t term;
	bool term_changed;        /* the term grew in this run */
	bool lease_known;         /* global: lease holds the answer */
	struct elect_lease_answer lease;
	char via[ELECT_NAME_MAX + 1]; /* the member that answered */
	int64_t lease_sent_us;    /* engine clock when the answering call
				   * was sent: our lease runs from here */
	bool *alive;              /* per member (freed by elect_result_free) */
};

/* 0, or -1 with err: DIST_E_USAGE for a bad --state file, DIST_E_IO,
 * DIST_E_NOMEM, or the last member's error when no member could be
 * asked about the lease. No quorum is not an error: outcome says it. */
int elect_decide(const struct elect_request *rq, struct elect_result *res,
		 struct dist_error *err);

void elect_result_free(struct elect_result *res);

/* One lease operation on the first of nodes that answers (nodes that
 * cannot be reached are reported and skipped). 0, or -1 with the last
 * error. via and sent_us as in elect_result. */
int elect_lease_call(const struct elect_run_config *c, char *const *nodes,
		     size_t n, const char *lease_text,
		     struct elect_lease_answer *a, char *via, size_t via_size,
		     int64_t *sent_us, struct dist_error *err);

/* The election's record (dist-elect(1), OUTPUT), or NULL when out of
 * memory. */
json_t *elect_result_record(const struct elect_request *rq,
			    const struct elect_result *res);

/* Why there is no leader (exit status 3), in err, for the user. */
const struct dist_error *elect_no_leader_error(const struct elect_result *res,
					       struct dist_error *err);

/* Its exit status (dist-elect(1), EXIT STATUS): 0 we (or, without
 * self, someone) lead or the lease operation did what was asked, 1
 * another leads or the lease is not ours, 3 no leader. */
int elect_exit_status(const struct elect_request *rq,
		      const struct elect_result *res);

/* --run: the lease was just taken (res); run argv under it (see
 * elect_child.h), renewing it on the member that holds it (the others
 * after it), and release it when the command has ended. The release
 * failing is reported, not an error: the lease then runs out. 0, or -1
 * when the command could not be started (errno_out, err). */
int elect_run_command(const struct elect_request *rq,
		      const struct elect_result *res, char *const *argv,
		      int64_t grace_us, struct elect_child_result *out,
		      int *errno_out, struct dist_error *err);

#endif
