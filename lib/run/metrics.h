/* metrics.h - what a run adds up to, for people (--stats, a last
 * record marked "summary") and for node_exporter's textfile collector
 * (--prom FILE, replaced atomically). */
#ifndef DIST_METRICS_H
#define DIST_METRICS_H

#include "run/runner.h"

/* 0, or -1 (errno set) when the summary could not be written. */
int metrics_write_summary(const struct runner_config *cfg,
			  const struct runner_summary *sum);
int metrics_write_prom(const struct runner_config *cfg,
		       const struct runner_summary *sum,
		       struct dist_error *err);

#endif
