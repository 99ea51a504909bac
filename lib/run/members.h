/* members.h - dist-members' rounds over a cluster: ask each member for
 * its view (one round trip, members_view.h), follow the nodes the views
 * name, probe through members those we cannot reach ourselves (SWIM's
 * indirect probe, over connections that already exist), and conclude:
 * a status per member, the who-sees-whom graph, the health summary.
 *
 * One engine and one table of members for the whole run, so --watch
 * keeps each member's suspicion from round to round. Nothing here
 * writes to the terminal: records are made (members_report.c) and
 * written to the FILE the program gives (members_out.c).
 */
#ifndef DIST_RUN_MEMBERS_H
#define DIST_RUN_MEMBERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "cluster/members_graph.h"
#include "cluster/members_view.h"
#include "cluster/swim.h"
#include "dist/dist_conn.h"
#include "run/records.h"
#include "run/rpc.h"

enum members_format { MEMBERS_JSON, MEMBERS_PRETTY, MEMBERS_TEXT,
		      MEMBERS_DOT, MEMBERS_QUIET };

struct members_config {
	struct dist_conn_config conn;   /* cli_common_finish fills it */
	struct rpc_config rpc;          /* its eval wrapper only */
	const char *resolver;
	int concurrency;
	size_t max_nodes;               /* members followed, seeds included */
	unsigned indirect;              /* K members asked per lost member */
	bool groups;                    /* pg and global in the views */
	size_t expected;                /* --expect; 0: the seeds */
	int64_t round_timeout_us;       /* each round's deadline; 0: none */
	int64_t indirect_wait_ms;       /* a member waits this for a reply */
	bool watch;
	int64_t interval_ms;
	int64_t suspect_timeout_ms;     /* 0: memberlist's formula */
	enum members_format format;
	bool stats;                     /* --stats: a last record */
	const char *prom_file;          /* --prom: after every round */
	FILE *out;
	void (*report)(const struct dist_error *err);
};

/* Run: seeds are input records (their other fields are carried into
 * their member's record). Without watch: one round, its records, and
 * the status of dist(7): 0 healthy, 1 degraded. With watch: rounds
 * until SIGINT or SIGTERM, events on changes, 0. -1 when the loop or
 * the output failed (err; output: DIST_E_IO with errno in *out_errno),
 * or the --prom file could not be written (err names it; a one-shot
 * run has written its records, --watch stops). */
int members_run(const struct members_config *cfg, struct input_record *seeds,
		size_t nseeds, int *out_errno, struct dist_error *err);

/* "json" | "pretty" | "text" | "dot"; -1 otherwise. */
int members_format_parse(const char *s);

#endif
