/* connect.h - keep a cluster meshed: ask a node (the via) to connect to
 * the targets, and optionally to drop the nodes the input no longer
 * has; dist-connect's work, one cycle at a time (a cron run is one
 * cycle, --follow runs one per change or interval).
 *
 * What goes over the wire: one dist connection per via node, and on it
 * a call to rex of erl_eval:expr/5 over a pre-parsed expression
 * (lib/run/wrapper/connect.exprs) that connects to every target at
 * once, each within its own timeout. Names travel as binaries; the
 * node turns one into an atom only to connect to it, and at most
 * max_new names it did not know (wrapper: capped). A second call
 * (disconnect.exprs) does the pruning.
 *
 * Guards of --prune (libcluster #190: a short DNS answer must not
 * disconnect healthy nodes): never on an input smaller than min_nodes,
 * and a node is dropped only once it has been absent from prune_after
 * consecutive cycles (counted per via in the state's "prune" section),
 * never one that matches a --keep pattern.
 *
 * Circuit breakers (cluster/breaker.h) per target node, and per via
 * for its own connection: a target whose breaker is open is not asked
 * for and gets circuit_open.
 */
#ifndef DIST_RUN_CONNECT_H
#define DIST_RUN_CONNECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cluster/breaker.h"
#include "dist/dist_conn.h"
#include "run/runner.h"

#define CONNECT_KEEP_MAX 32

struct connect_config {
	struct dist_conn_config conn;
	int64_t timeout_ms;         /* a whole cycle; 0: none */
	int64_t target_timeout_ms;  /* each connect_node on the via */
	long max_new;
	bool dry_run;
	bool mesh;                  /* the inputs connect to each other */
	bool changes_only;          /* --follow: no record for a target
				     * that was connected already */
	long retries;
	int64_t backoff_ms;
	bool prune;
	long min_nodes;
	long prune_after;
	const char *keep[CONNECT_KEEP_MAX];   /* fnmatch patterns */
	int nkeep;
	bool breakers;              /* --state given */
	struct breaker_policy policy;
	const char *resolver;
	struct runner_config out;   /* format, out, stats, prom, program */
};

/* One cycle's input: the valid target names, in input order, with the
 * records they came from (NULL for arguments). */
struct connect_input {
	char **nodes;
	json_t **fields;
	size_t n, cap;
};

/* Add one (copies node; takes a reference to fields). 0 or -1 (memory).
 * A name already there replaces its record. */
int connect_input_add(struct connect_input *in, const char *node,
		      json_t *fields);
/* Remove one; nothing when absent. */
void connect_input_remove(struct connect_input *in, const char *node);
bool connect_input_has(const struct connect_input *in, const char *node);
void connect_input_free(struct connect_input *in);

/* Where a cycle keeps what outlives it: the state file's "breakers"
 * and "prune" sections, or in-memory objects of --follow without
 * --state. Either may be NULL (no breakers; no prune counts). */
struct connect_memory {
	json_t *breakers;
	json_t *prune;
};

/* Run one cycle through vias (ignored with mesh: the inputs are the
 * vias), writing a record per target and per pruned node as each is
 * known, adding up sum. 0, or -1 with err when the loop itself failed
 * or a stored breaker is damaged (nothing sent then). */
int connect_cycle(const struct connect_config *cfg, char *const *vias,
		  int nvias, const struct connect_input *in,
		  struct connect_memory *mem, struct runner_summary *sum,
		  struct dist_error *err);

/* The failure record of an input record whose name is invalid. */
void connect_record_invalid(const struct connect_config *cfg,
			    const struct input_record *in,
			    const struct dist_error *err,
			    struct runner_summary *sum);

/* A run with the state file (state_path, or NULL: memory only, in
 * mem_only which outlives the call): open and lock it, one cycle,
 * write it back unless dry_run. */
int connect_run_once(const struct connect_config *cfg, char *const *vias,
		     int nvias, const struct connect_input *in,
		     const char *state_path, struct connect_memory *mem_only,
		     struct runner_summary *sum, struct dist_error *err);

/* --follow: records from in_fd as they come (dist-discover --watch
 * events: "event": "down" removes a node, anything else adds it), a
 * cycle after each change and every interval_ms, until end of input.
 * Input errors end it (-1, err: DIST_E_USAGE). */
int connect_follow(const struct connect_config *cfg, char *const *vias,
		   int nvias, int in_fd, int64_t interval_ms,
		   const char *state_path, struct runner_summary *sum,
		   struct dist_error *err);

/* The decoded forms of the wrappers, once per process. */
int connect_wrappers_load(struct etf_arena *a, struct etf_term **connect,
			  struct etf_term **disconnect,
			  struct dist_error *err);

#endif
