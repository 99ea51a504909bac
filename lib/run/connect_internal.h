/* connect_internal.h - between the cycle (connect_cycle.c: planning,
 * breakers, prune counts, records) and the via sessions
 * (connect_session.c: the connection and its calls). */
#ifndef DIST_RUN_CONNECT_INTERNAL_H
#define DIST_RUN_CONNECT_INTERNAL_H

#include "run/connect.h"

struct connect_cycle;

enum connect_phase {
	CONNECT_PH_DIAL,       /* connecting to the via */
	CONNECT_PH_CONNECT,    /* the connect call is out */
	CONNECT_PH_BACKOFF,    /* waiting before a retry */
	CONNECT_PH_PRUNE,      /* the disconnect call is out */
	CONNECT_PH_DONE,
};

/* How the via answered for one target. */
enum connect_outcome {
	CONNECT_OK,            /* connected now (true) */
	CONNECT_ALREADY,       /* was connected already */
	CONNECT_PLANNED,       /* --dry-run: would connect */
	CONNECT_FAILED,        /* false, a timeout, a crash: retryable */
	CONNECT_FINAL,         /* capped, ignored: not retried */
};

struct connect_session {
	struct connect_cycle *cy;
	const char *via_text;
	struct node_name via;
	size_t *targets;          /* indices into the input */
	size_t ntargets;
	bool *done;               /* per target */
	size_t left;              /* targets without a record */
	enum connect_phase phase;
	long attempt;             /* retries made */
	struct dist_conn conn;
	bool conn_open;
	struct engine_timer backoff;
	struct etf_arena *arena;  /* the call in flight */
	json_t *visible;          /* nodes() on the via, strings */
	char **prune;             /* the names being disconnected */
	size_t nprune;
};

/* connect_session.c */
void connect_session_start(struct connect_session *s);
/* The cycle's deadline: end now, every target left a timeout. */
void connect_session_deadline(struct connect_session *s);
void connect_session_free(struct connect_session *s);

/* connect_cycle.c, for the sessions */
struct engine *connect_cycle_engine(struct connect_cycle *cy);
struct resolver *connect_cycle_resolver(struct connect_cycle *cy);
const struct connect_config *connect_cycle_config(struct connect_cycle *cy);
const char *connect_cycle_node(struct connect_cycle *cy, size_t idx);
struct etf_term *connect_cycle_form(struct connect_cycle *cy, bool prune);
/* A wall-clock deadline check for retries: may a retry start after
 * delay_ms and still finish? */
bool connect_cycle_time_left(struct connect_cycle *cy, int64_t delay_ms);
/* One target's record (err NULL: success; was_new: the via made an
 * atom for it). */
void connect_cycle_target(struct connect_session *s, size_t i,
			  enum connect_outcome o, bool was_new,
			  const struct dist_error *err);
/* The via's own connection worked (ok) or failed for good. */
void connect_cycle_via(struct connect_session *s, bool ok);
/* After the connects: the names to disconnect on this via (NULL, 0:
 * none), from the visible nodes and the guards. */
int connect_cycle_prune_plan(struct connect_session *s, char ***names,
			     size_t *n);
/* One pruned node's record. */
void connect_cycle_pruned(struct connect_session *s, const char *node,
			  const struct dist_error *err);
/* The session is over. */
void connect_cycle_session_done(struct connect_session *s);

#endif
