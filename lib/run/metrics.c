/* metrics.c - the run summary: a --stats record and a --prom file. */
#include "run/metrics.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/grow.h"
#include "run/prom_text.h"
#include "run/records.h"
#include "base/json_exact.h"

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
			ms_round3(latency_percentile(&sum->time, 50)), "p99_ms",
			ms_round3(latency_percentile(&sum->time, 99)), "max_ms",
			ms_round3(sum->time.max), "wall_ms", ms_round3(sum->wall_ms));
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

/* ---- per-target series -------------------------------------------- */

/* An error message as a label is cut here (at a character boundary):
 * enough to say why, short enough for an alert's text. */
#define PROM_MESSAGE_MAX 200

struct prom_target {
	char *node;
	char *code, *stage, *message;  /* NULL when ok */
	bool ok;
	double time_ms;
	double rtt_ms;                 /* NAN: the record has none */
	size_t seq;                    /* finishing order: the last wins */
};

struct prom_targets {
	struct prom_target *v;
	size_t n, cap;
	bool failed;                   /* out of memory: no per-node series */
};

static char *dup_field(const json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return strdup(v ? v : "");
}

void metrics_target_add(struct runner_summary *sum, const json_t *rec)
{
	struct prom_targets *pt = sum->per_target;
	const json_t *err = json_object_get(rec, "error");
	const json_t *rtt = json_object_get(rec, "rtt_ms");
	struct prom_target *t, *v;

	if (!pt && !(pt = sum->per_target = calloc(1, sizeof *pt)))
		return;
	if (pt->failed)
		return;
	v = grow_array(pt->v, &pt->cap, pt->n, sizeof *v, 64);
	if (!v) {
		pt->failed = true;
		return;
	}
	pt->v = v;
	t = &pt->v[pt->n];
	memset(t, 0, sizeof *t);
	t->seq = pt->n;
	t->ok = json_is_true(json_object_get(rec, "ok"));
	t->time_ms = json_number_value(json_object_get(rec, "time_ms"));
	t->rtt_ms = json_is_number(rtt) ? json_number_value(rtt) : NAN;
	t->node = dup_field(rec, "node");
	if (err) {
		t->code = dup_field(err, "code");
		t->stage = dup_field(err, "stage");
		t->message = dup_field(err, "message");
	}
	if (!t->node || (err && (!t->code || !t->stage || !t->message))) {
		free(t->node);
		free(t->code);
		free(t->stage);
		free(t->message);
		pt->failed = true;
		return;
	}
	pt->n++;
}

void metrics_targets_free(struct runner_summary *sum)
{
	struct prom_targets *pt = sum->per_target;

	if (!pt)
		return;
	for (size_t i = 0; i < pt->n; i++) {
		free(pt->v[i].node);
		free(pt->v[i].code);
		free(pt->v[i].stage);
		free(pt->v[i].message);
	}
	free(pt->v);
	free(pt);
	sum->per_target = NULL;
}

static int target_cmp(const void *a, const void *b)
{
	const struct prom_target *x = a, *y = b;
	int c = strcmp(x->node, y->node);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put_node_label(FILE *f, const char *metric,
			   const struct prom_target *t)
{
	fprintf(f, "%s{node=\"", metric);
	prom_label_value(f, t->node, SIZE_MAX);
	fputc('"', f);
}

/* The last result of each node, in node order (a node given twice would
 * otherwise be two samples of one series, which scrapers reject). */
static bool is_last_of_node(const struct prom_targets *pt, size_t i)
{
	return i + 1 == pt->n || strcmp(pt->v[i].node, pt->v[i + 1].node);
}

enum target_series { SERIES_UP, SERIES_TIME, SERIES_RTT, SERIES_ERROR };

static bool series_has(const struct prom_target *t, enum target_series s)
{
	switch (s) {
	case SERIES_RTT: return !isnan(t->rtt_ms);
	case SERIES_ERROR: return t->code != NULL;
	default: return true;
	}
}

static void write_target_family(FILE *f, const char *p,
				const struct prom_targets *pt,
				enum target_series s)
{
	static const char *const names[] = { "up", "target_time_seconds",
		"rtt_seconds", "target_error" };
	static const char *const help[] = {
		"Whether the node answered in the last run (1) or not (0).",
		"Time spent on the node in the last run.",
		"Round trip of a node that answered, in the last run.",
		/* One element in two literals: the parentheses say so to
		 * clang, which takes adjacent literals in an array for a
		 * missing comma (-Wstring-concatenation). */
		("Why the node failed in the last run: error code, stage "
		 "and message as labels."),
	};
	char metric[128];
	bool header = false;

	snprintf(metric, sizeof metric, "%s_%s", p, names[s]);
	for (size_t i = 0; i < pt->n; i++) {
		const struct prom_target *t = &pt->v[i];

		if (!is_last_of_node(pt, i) || !series_has(t, s))
			continue;
		if (!header)
			fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", metric,
				help[s], metric);
		header = true;
		put_node_label(f, metric, t);
		if (s == SERIES_ERROR) {
			fputs(",code=\"", f);
			prom_label_value(f, t->code, SIZE_MAX);
			fputs("\",stage=\"", f);
			prom_label_value(f, t->stage, SIZE_MAX);
			fputs("\",message=\"", f);
			prom_label_value(f, t->message, PROM_MESSAGE_MAX);
			fputs("\"} 1\n", f);
		} else if (s == SERIES_UP) {
			fprintf(f, "} %d\n", t->ok);
		} else {
			fprintf(f, "} %.6f\n", (s == SERIES_RTT ? t->rtt_ms
					       : t->time_ms) / 1000.0);
		}
	}
}

static void write_targets(FILE *f, const char *p, struct prom_targets *pt)
{
	if (!pt || pt->failed || pt->n == 0)
		return;
	qsort(pt->v, pt->n, sizeof *pt->v, target_cmp);
	write_target_family(f, p, pt, SERIES_UP);
	write_target_family(f, p, pt, SERIES_TIME);
	write_target_family(f, p, pt, SERIES_RTT);
	write_target_family(f, p, pt, SERIES_ERROR);
}

/* --prom FILE: node_exporter's textfile collector reads *.prom files,
 * as another user: the file is replaced whole (a scrape never sees
 * half) and readable by all (0644). */
int metrics_write_prom(const struct runner_config *cfg,
		      const struct runner_summary *sum, struct dist_error *err)
{
	const char *p = cfg->program ? cfg->program : "dist";
	struct prom_text pt;
	FILE *f;

	if (!cfg->prom_file)
		return 0;
	prom_text_open(&pt, p);
	f = pt.f;
	if (!f)
		return dist_error_nomem(err, DIST_STAGE_NONE,
					"writing the --prom file");
	fprintf(f, "# HELP %s_targets Targets in the last run.\n"
		"# TYPE %s_targets gauge\n%s_targets %ld\n", p, p, p,
		sum->targets);
	fprintf(f, "# HELP %s_ok Targets that succeeded in the last run.\n"
		"# TYPE %s_ok gauge\n%s_ok %ld\n", p, p, p, sum->ok);
	fprintf(f, "# HELP %s_failed Targets that failed in the last run.\n"
		"# TYPE %s_failed gauge\n%s_failed %ld\n", p, p, p,
		sum->failed);
	/* quantile labels belong to a summary, which also has _sum and
	 * _count: promtool refuses them on a gauge. */
	fprintf(f, "# HELP %s_time_seconds Per-target time in the last "
		"run.\n# TYPE %s_time_seconds summary\n"
		"%s_time_seconds{quantile=\"0.5\"} %.6f\n"
		"%s_time_seconds{quantile=\"0.99\"} %.6f\n"
		"%s_time_seconds_sum %.6f\n%s_time_seconds_count %llu\n",
		p, p, p, latency_percentile(&sum->time, 50) / 1000.0, p,
		latency_percentile(&sum->time, 99) / 1000.0, p,
		sum->time.sum / 1000.0, p,
		(unsigned long long)sum->time.count);
	fprintf(f, "# HELP %s_last_run_timestamp_seconds When the last run "
		"ended.\n# TYPE %s_last_run_timestamp_seconds gauge\n"
		"%s_last_run_timestamp_seconds %ld\n", p, p, p,
		(long)time(NULL));
	write_targets(f, p, sum->per_target);
	return prom_text_commit(&pt, cfg->prom_file, err);
}
