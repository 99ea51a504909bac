/* members_metrics.c - what dist-members' rounds add up to: the --prom
 * textfile, rewritten after every round (so --watch keeps it fresh for
 * node_exporter), and the --stats record at the end of the run. */
#include "run/members_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "run/metrics.h"
#include "run/prom_text.h"

static void write_nodes(struct prom_text *p, const struct members *ms)
{
	static const enum member_status all[] = { MEMBER_ALIVE,
		MEMBER_SUSPECT, MEMBER_DEAD };

	prom_family(p, "nodes", "gauge", "Members in the last round (the "
		    "seeds and the nodes their views name), by status.");
	for (size_t s = 0; s < 3; s++) {
		size_t n = 0;

		for (size_t i = 0; i < ms->n; i++)
			n += ms->m[i].status == all[s];
		prom_sample(p, "nodes", (double)n, "status",
			    member_status_name(all[s]), (const char *)NULL);
	}
}

/* One series per member, so that an alert names the node and says
 * whether it is suspect (a member still reaches it) or dead. */
static void write_up(struct prom_text *p, const struct members *ms,
		     const size_t *idx)
{
	if (ms->n == 0)
		return;
	prom_family(p, "up", "gauge", "Whether the member was alive in the "
		    "last round (1) or not (0); its status as a label.");
	for (size_t k = 0; k < ms->n; k++) {
		const struct members_member *m = &ms->m[idx[k]];

		prom_sample(p, "up", m->status == MEMBER_ALIVE, "node",
			    m->node, "status", member_status_name(m->status),
			    (const char *)NULL);
	}
}

static int write_prom(struct members *ms, const struct members_health *h,
		      const size_t *idx, struct dist_error *err)
{
	struct prom_text p;

	prom_text_open(&p, "dist_members");
	write_nodes(&p, ms);
	prom_gauge(&p, "expected", "Members expected: --expect, else the "
		   "seeds (or more, when more were seen).",
		   (double)h->expected);
	prom_gauge(&p, "partitions", "Partitions in the last round (1: "
		   "not split).", (double)h->partitions);
	prom_gauge(&p, "full_mesh", "Whether every alive member was "
		   "connected to every other (1) or not (0).", h->full_mesh);
	prom_gauge(&p, "quorum", "Whether more than half of the expected "
		   "members were alive (1) or not (0).", h->quorum);
	prom_gauge(&p, "healthy", "Whether the cluster was healthy (1) or "
		   "degraded (0): the exit status of a one-shot run.",
		   h->healthy);
	prom_gauge(&p, "unreachable_vias", "Indirect probes of the last "
		   "round whose member could not be asked.",
		   (double)ms->vias_failed);
	prom_gauge(&p, "round_seconds", "How long the last round took.",
		   ms->round_ms / 1000.0);
	prom_gauge(&p, "rounds", "Rounds since the program started (more "
		   "than 1 with --watch).", (double)ms->rounds);
	prom_gauge(&p, "last_run_timestamp_seconds", "When the last round "
		   "ended.", (double)time(NULL));
	write_up(&p, ms, idx);
	return prom_text_commit(&p, ms->cfg->prom_file, err);
}

int members_round_metrics(struct members *ms, const struct members_graph *g,
			  const enum member_status *status, const size_t *idx)
{
	members_health_compute(g, status, ms->expected, &ms->last);
	ms->has_last = true;
	if (!ms->cfg->prom_file || ms->prom_failed)
		return 0;
	if (write_prom(ms, &ms->last, idx, &ms->prom_err) < 0) {
		ms->prom_failed = true;
		return -1;
	}
	return 0;
}

/* Times to the microsecond: more digits would be noise. */
static double ms3(double ms)
{
	return ms > 0 ? (double)(long long)(ms * 1000.0 + 0.5) / 1000.0 : 0;
}

static enum output_format stats_format(enum members_format f)
{
	switch (f) {
	case MEMBERS_JSON: return OUTPUT_JSON;
	case MEMBERS_PRETTY: return OUTPUT_PRETTY;
	case MEMBERS_QUIET: return OUTPUT_QUIET;
	default: return OUTPUT_TEXT;
	}
}

int members_write_stats(struct members *ms, double wall_ms)
{
	const struct members_health *h = &ms->last;
	char text[256];
	json_t *rec;
	int rc;

	if (!ms->cfg->stats || ms->output_failed)
		return 0;
	rec = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, "
			"s:I, s:f, s:f}", "summary", 1, "stats", 1, "rounds",
			(json_int_t)ms->rounds, "members",
			(json_int_t)h->members, "alive", (json_int_t)h->alive,
			"suspect", (json_int_t)h->suspect, "dead",
			(json_int_t)h->dead, "partition_count",
			(json_int_t)h->partitions, "expected",
			(json_int_t)h->expected, "healthy", h->healthy,
			"unreachable_vias", (json_int_t)ms->vias_failed,
			"round_ms", ms3(ms->round_ms), "wall_ms", ms3(wall_ms));
	snprintf(text, sizeof text, "%ld round%s, %zu members: %zu alive, "
		 "%zu suspect, %zu dead; %zu partition%s, %zu unreachable "
		 "via%s, %.3f ms", ms->rounds, ms->rounds == 1 ? "" : "s",
		 h->members, h->alive, h->suspect, h->dead, h->partitions,
		 h->partitions == 1 ? "" : "s", ms->vias_failed,
		 ms->vias_failed == 1 ? "" : "s", wall_ms);
	rc = metrics_write_record(rec, stats_format(ms->cfg->format),
				  ms->cfg->out, text);
	json_decref(rec);
	if (rc < 0) {
		ms->output_errno = errno ? errno : EIO;
		ms->output_failed = true;
	}
	return rc;
}
