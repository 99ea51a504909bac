/* metrics.h - what a run adds up to, for people (--stats, a last
 * record marked "summary") and for node_exporter's textfile collector
 * (--prom FILE, replaced atomically): the totals, and one series per
 * node so an alert can say which node is down and why. The file passes
 * promtool check metrics. */
#ifndef DIST_METRICS_H
#define DIST_METRICS_H

#include "run/runner.h"

/* A program's own --stats record (rec carries "summary": true, so
 * readers of records pass over it), written last: in a JSON format as
 * a record, in the text formats (text, dot) as one comment line "# "
 * text, which readers of targets and Graphviz both skip. 0, or -1
 * (errno) when out failed. */
int metrics_write_record(json_t *rec, enum output_format f, FILE *out,
			 const char *text);

/* 0, or -1 (errno set) when the summary could not be written. */
int metrics_write_summary(const struct runner_config *cfg,
			  const struct runner_summary *sum);

/* One finished target for the --prom file's per-node series: its node,
 * ok, time_ms, rtt_ms (when the record has one) and error code and
 * stage are taken from its output record. Kept in sum until
 * metrics_write_prom; memory grows with the targets, so only when
 * --prom asks for it. A node seen twice keeps its last result. */
void metrics_target_add(struct runner_summary *sum, const json_t *rec);
/* Free what metrics_target_add kept. */
void metrics_targets_free(struct runner_summary *sum);
int metrics_write_prom(const struct runner_config *cfg,
		       const struct runner_summary *sum,
		       struct dist_error *err);

#endif
