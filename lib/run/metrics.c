/* metrics.c - the run summary: a --stats record and a --prom file. */
#include "run/metrics.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/records.h"

/* Percentiles are good to 2%: more digits would only be noise. */
static double round3(double ms)
{
	return round(ms * 1000.0) / 1000.0;
}

/* --stats: one record after all the others, marked "summary". */
int metrics_write_summary(const struct runner_config *cfg,
			  const struct runner_summary *sum)
{
	FILE *out = cfg->out;
	json_t *rec;
	int rc = 0;

	if (!cfg->stats || cfg->format == OUTPUT_QUIET || sum->output_failed)
		return 0;
	rec = json_pack("{s:b, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f}",
			"summary", 1, "targets", (json_int_t)sum->targets,
			"ok", (json_int_t)sum->ok, "failed",
			(json_int_t)sum->failed, "input_errors",
			(json_int_t)sum->input_errors, "p50_ms",
			round3(latency_percentile(&sum->time, 50)), "p99_ms",
			round3(latency_percentile(&sum->time, 99)), "max_ms",
			round3(sum->time.max), "wall_ms", round3(sum->wall_ms));
	if (!rec) {
		errno = ENOMEM;
		return -1;
	}
	errno = 0;
	if (cfg->format != OUTPUT_TEXT) {
		rc = record_write_as(rec, cfg->format, out);
	} else {
		if (cfg->summary_out)
			out = cfg->summary_out;
		fprintf(out, "# %ld targets, %ld ok, %ld failed, %ld input "
			"errors, p50 %.3f ms, p99 %.3f ms\n", sum->targets,
			sum->ok, sum->failed, sum->input_errors,
			latency_percentile(&sum->time, 50),
			latency_percentile(&sum->time, 99));
		rc = fflush(out) != 0 || ferror(out) ? -1 : 0;
	}
	json_decref(rec);
	/* A summary sent to stderr (-o raw, -o term) cannot fail stdout. */
	return out == cfg->out ? rc : 0;
}

/* --prom FILE: node_exporter's textfile collector reads *.prom files;
 * write a temp file and rename it, so a scrape never sees half. */
int metrics_write_prom(const struct runner_config *cfg,
		      const struct runner_summary *sum, struct dist_error *err)
{
	char tmp[4096];
	const char *p = cfg->program ? cfg->program : "dist";
	FILE *f;

	if (!cfg->prom_file)
		return 0;
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", cfg->prom_file, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "--prom %s: %s", cfg->prom_file,
				      strerror(errno));
	fprintf(f, "# HELP %s_targets Targets in the last run.\n"
		"# TYPE %s_targets gauge\n%s_targets %ld\n", p, p, p,
		sum->targets);
	fprintf(f, "# HELP %s_ok Targets that succeeded in the last run.\n"
		"# TYPE %s_ok gauge\n%s_ok %ld\n", p, p, p, sum->ok);
	fprintf(f, "# HELP %s_failed Targets that failed in the last run.\n"
		"# TYPE %s_failed gauge\n%s_failed %ld\n", p, p, p,
		sum->failed);
	fprintf(f, "# HELP %s_time_seconds Per-target time in the last "
		"run.\n# TYPE %s_time_seconds gauge\n"
		"%s_time_seconds{quantile=\"0.5\"} %.6f\n"
		"%s_time_seconds{quantile=\"0.99\"} %.6f\n", p, p, p,
		latency_percentile(&sum->time, 50) / 1000.0, p,
		latency_percentile(&sum->time, 99) / 1000.0);
	fprintf(f, "# HELP %s_last_run_timestamp_seconds When the last run "
		"ended.\n# TYPE %s_last_run_timestamp_seconds gauge\n"
		"%s_last_run_timestamp_seconds %ld\n", p, p, p,
		(long)time(NULL));
	if (fclose(f) != 0 || rename(tmp, cfg->prom_file) != 0) {
		int saved = errno;

		unlink(tmp);
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "--prom %s: %s", cfg->prom_file,
				      strerror(saved));
	}
	return 0;
}

