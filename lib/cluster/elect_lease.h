/* elect_lease.h - the lease of `dist-elect --strategy global`: the
 * Erlang text that runs on a member (through dist-rpc's evaluation,
 * no code loaded on the node) and the answer it sends back. Pure: the
 * run is lib/run/elect_run.c.
 *
 * The lease is a process spawned on a member from a fun. It carries
 * the holder, the term and the expiry (the member's monotonic clock),
 * and is registered cluster-wide as {dist_leader, <<"GROUP">>} with
 * global:register_name/2, whose lock lets exactly one of two
 * concurrent registrations win. It ends by itself when the lease runs
 * out (global then drops the name), or at once when its holder
 * releases it (global:unregister_name first). Group and holder travel
 * as binaries, so no atom is made on the node for them; the atoms the
 * text brings are a fixed set.
 *
 * Every lease started records its term on its member
 * (persistent_term {dist_leader_term, <<"GROUP">>}); a new lease takes
 * one more than the larger of that and the caller's own term.
 */
#ifndef DIST_CLUSTER_ELECT_LEASE_H
#define DIST_CLUSTER_ELECT_LEASE_H

#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/error.h"
#include "cluster/elect_term.h"

/* Group names and holders: printable ASCII but '"' and '\', so they
 * go into the text as they are; at most this long. */
#define ELECT_ID_MAX 255
/* The longest lease: the member's receive timeout takes milliseconds
 * up to 2^32 - 1. */
#define ELECT_LEASE_MAX_MS 4294967295LL

enum elect_lease_op {
	LEASE_QUERY,    /* who holds it */
	LEASE_TAKE,     /* take it when free (a held one is left as is) */
	LEASE_RENEW,    /* extend it, only when we hold it */
	LEASE_RELEASE,  /* end it now, only when we hold it */
};

enum elect_lease_status {
	LEASE_FREE,     /* nobody holds it */
	LEASE_HELD,     /* someone holds it (maybe us): nothing changed */
	LEASE_ACQUIRED, /* we took it */
	LEASE_RENEWED,  /* we extended it */
	LEASE_RELEASED, /* we ended it */
	LEASE_BUSY,     /* the lease process or global did not answer */
};

struct elect_lease_answer {
	enum elect_lease_status status;
	char holder[ELECT_ID_MAX + 1];      /* "" when free */
	int64_t term;                       /* 0 when free */
	int64_t left_ms;                    /* time left, as the member saw */
	char lease_node[ELECT_NAME_MAX + 1]; /* where the lease process runs */
};

/* 0 when s is a valid group or holder; else -1 with err (DIST_E_USAGE
 * naming what: "--group"). */
int elect_id_check(const char *what, const char *s, struct dist_error *err);

/* The expressions for op (holder NULL only for LEASE_QUERY). */
int elect_lease_text(struct buf *out, enum elect_lease_op op,
		     const char *group, const char *holder, int64_t lease_ms,
		     int64_t local_term, struct dist_error *err);

/* The evaluation's result, as dist-rpc's natural JSON gives it: an
 * object {status, holder, term, left_ms, lease_node}. Anything else is
 * DIST_E_PROTOCOL naming node. */
int elect_lease_answer_parse(const json_t *result, const char *node,
			     struct elect_lease_answer *a,
			     struct dist_error *err);

const char *elect_lease_status_name(enum elect_lease_status s);

#endif
