/* elect_metrics.h - what one dist-elect run adds up to, for a cron
 * job's operator: the --stats record and the --prom textfile. The
 * election (elect.h) says who leads; this adds how long it took, what
 * became of --run's command and the exit status. */
#ifndef DIST_RUN_ELECT_METRICS_H
#define DIST_RUN_ELECT_METRICS_H

#include <stdbool.h>

#include <jansson.h>

#include "run/elect.h"
#include "run/prom_text.h"

struct elect_run_stats {
	bool decided;             /* elect_decide succeeded: res holds it */
	double election_ms;
	bool ran;                 /* --run started its command */
	int command_status;       /* its exit status as ours (126, 127,
				   * 128+N for signal N, 4: the lease
				   * was lost and it was stopped) */
	double command_ms;
	bool lease_lost;          /* --run: lost while the command ran */
	int exit_status;          /* the program's */
};

/* The --stats record: "summary" and "stats" true (readers of records
 * pass over it), then the run's numbers. NULL when out of memory. */
json_t *elect_stats_record(const struct elect_request *rq,
			   const struct elect_result *res,
			   const struct elect_run_stats *st);

/* Its one line for -o text, in buf. */
void elect_stats_text(const struct elect_request *rq,
		      const struct elect_result *res,
		      const struct elect_run_stats *st, char *buf,
		      size_t size);

/* The dist_elect_* gauges, in a new p (prom_text.h) for the caller
 * to commit. res is read only when st->decided. */
void elect_prom(struct prom_text *p, const struct elect_request *rq,
		const struct elect_result *res,
		const struct elect_run_stats *st);

#endif
