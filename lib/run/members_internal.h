/* members_internal.h - what the files of run/members*.c share: the
 * table of members, a round's state, one probe. */
#ifndef DIST_RUN_MEMBERS_INTERNAL_H
#define DIST_RUN_MEMBERS_INTERNAL_H

#include "io/engine.h"
#include "io/resolve.h"
#include "run/members.h"

#define MEMBERS_NO_VIA ((size_t)-1)

struct members_member {
	char *node;
	struct node_name name;
	json_t *input;              /* the seed's record, or NULL */
	/* This round. */
	bool probed, direct_ok, followed;
	double rtt_ms;
	struct dist_error direct_err;
	bool has_view;
	struct member_view view;
	json_t *asked, *reached;    /* indirect: member names */
	/* Our own names on this member's connections this round: its view
	 * lists them as hidden nodes, and they are not its. Per member: the
	 * same pool name is in use toward many members at once. */
	json_t *ours;
	enum swim_outcome outcome;
	enum member_status status;
	/* Across rounds (--watch). */
	struct swim_state swim;
	json_t *last_seen_by;
};

struct members_probe {
	struct dist_conn conn;
	struct members *ms;
	size_t target;              /* the member probed, or asked about */
	size_t via;                 /* the member asked, or MEMBERS_NO_VIA */
	struct etf_arena *arena;
	char *text;                 /* the question */
	int64_t t0_us;
	bool finished;
	struct members_probe *next;       /* every probe of the round */
	struct members_probe *reap_next;  /* the finished ones */
};

struct members_task { size_t target, via; };

enum members_phase { PHASE_IDLE, PHASE_DIRECT, PHASE_INDIRECT };

struct members {
	const struct members_config *cfg;
	struct engine *e;
	struct resolver *res;
	struct members_member *m;
	size_t n, cap;
	/* The round. */
	enum members_phase phase;
	struct members_task *queue;
	size_t qhead, qlen, qcap;
	int inflight;
	struct members_probe *probes, *reap;
	struct engine_timer reap_timer, deadline_timer;
	bool deadline_passed;
	void (*round_done)(struct members *ms);
	/* The program's output. */
	bool output_failed;
	int output_errno;
	int status;
	size_t expected;            /* --expect, else the seeds */
	long rounds;
	bool skipped_report;        /* --max-nodes said once */
	/* What the rounds add up to (members_metrics.c). */
	int64_t round_t0_us;
	double round_ms;            /* the last round's */
	size_t vias_failed;         /* this round: members not asked */
	struct members_health last; /* the last round's */
	bool has_last;
	bool prom_failed;           /* --prom could not be written */
	struct dist_error prom_err;
	void *watch;                /* members_watch.c's */
};

/* members.c */
int members_add(struct members *ms, const char *node, json_t *input,
		struct dist_error *err);
/* members_watch.c: after each round of --watch. */
void members_watch_round(struct members *ms);
int members_watch_start(struct members *ms, struct dist_error *err);
void members_watch_stop(struct members *ms);
long members_find(const struct members *ms, const char *node);
void members_round_start(struct members *ms);

/* members_probe.c */
void members_probe_start(struct members *ms, size_t target, size_t via);
void members_probe_deadline(struct members *ms);
void members_probe_reap(struct members *ms);

/* members_report.c: the graph of the round (statuses set), the member
 * records and the summary. */
int members_graph_build(const struct members *ms, struct members_graph *g,
			enum member_status **status);
json_t *members_member_record(const struct members *ms, size_t i,
			      const struct members_graph *g);
json_t *members_summary_record(const struct members *ms,
			       const struct members_graph *g,
			       const struct members_health *h);

/* members_metrics.c: after a round's graph (statuses final): its
 * health kept for --stats, and the --prom file written (idx: members
 * in name order). -1 when the file could not be (prom_err). */
int members_round_metrics(struct members *ms, const struct members_graph *g,
			  const enum member_status *status, const size_t *idx);
/* The --stats record, last (0 without --stats); -1: output failed. */
int members_write_stats(struct members *ms, double wall_ms);

/* members_out.c */
size_t *members_sorted(const struct members *ms);  /* by name; free it */
int members_write_round(struct members *ms);
int members_write_event(struct members *ms, const char *event, json_t *rec);

#endif
