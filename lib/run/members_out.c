/* members_out.c - a round written as the program asked: JSON records,
 * a text table, or a Graphviz graph (partitions as clusters, suspect
 * and dead members styled, so a split shows at a glance). */
#include "run/members_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct members *sort_ms;

static int by_node(const void *a, const void *b)
{
	return strcmp(sort_ms->m[*(const size_t *)a].node,
		      sort_ms->m[*(const size_t *)b].node);
}

/* Members in name order: the same cluster prints the same way. */
size_t *members_sorted(const struct members *ms)
{
	size_t *idx = malloc((ms->n ? ms->n : 1) * sizeof *idx);

	if (!idx)
		return NULL;
	for (size_t i = 0; i < ms->n; i++)
		idx[i] = i;
	sort_ms = ms;
	qsort(idx, ms->n, sizeof *idx, by_node);
	return idx;
}

/* A DOT string: quotes and backslashes escaped; then, when given, a
 * second line (the status). */
static void dot_text(FILE *out, const char *s, const char *line2)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	if (line2)
		fprintf(out, "\\n%s", line2);
	fputc('"', out);
}

static void dot_id(FILE *out, const char *s)
{
	dot_text(out, s, NULL);
}

static void dot_node(FILE *out, const struct members_member *m,
		     const char *indent)
{
	fputs(indent, out);
	dot_id(out, m->node);
	if (m->status != MEMBER_ALIVE) {
		fputs(" [label=", out);
		dot_text(out, m->node, member_status_name(m->status));
		fputs(m->status == MEMBER_SUSPECT
		      ? ", style=\"rounded,dashed\", color=darkorange, "
			"fontcolor=darkorange]"
		      : ", style=\"rounded,filled\", fillcolor=gray85, "
			"color=red, fontcolor=red]", out);
	}
	fputs(";\n", out);
}

static void write_dot(const struct members *ms, const size_t *idx,
		      const struct members_graph *g,
		      const struct members_health *h, FILE *out)
{
	fprintf(out, "digraph cluster {\n"
		"\tgraph [label=\"%zu members: %zu alive, %zu suspect, "
		"%zu dead; %zu partition%s%s\", labelloc=t, fontname=sans];\n"
		"\tnode [shape=box, style=rounded, fontname=sans];\n"
		"\tedge [color=gray40];\n",
		h->members, h->alive, h->suspect, h->dead, h->partitions,
		h->partitions == 1 ? "" : "s",
		h->full_mesh ? ", full mesh" : "");
	for (size_t p = 0; p < g->npartitions; p++) {
		fprintf(out, "\tsubgraph cluster_p%zu {\n"
			"\t\tlabel=\"partition %zu\"; style=dashed; "
			"color=steelblue;\n", p + 1, p + 1);
		for (size_t k = 0; k < ms->n; k++)
			if (g->partition[idx[k]] == (int)p)
				dot_node(out, &ms->m[idx[k]], "\t\t");
		fputs("\t}\n", out);
	}
	for (size_t k = 0; k < ms->n; k++)
		if (g->partition[idx[k]] < 0)
			dot_node(out, &ms->m[idx[k]], "\t");
	/* One edge per pair: both ways when each sees the other. */
	for (size_t a = 0; a < ms->n; a++)
		for (size_t b = 0; b < ms->n; b++) {
			size_t i = idx[a], j = idx[b];
			bool ij = members_graph_sees(g, i, j);
			bool ji = members_graph_sees(g, j, i);

			if (!ij || (ji && b < a))
				continue;
			fputc('\t', out);
			dot_id(out, ms->m[i].node);
			fputs(" -> ", out);
			dot_id(out, ms->m[j].node);
			fputs(ji ? " [dir=both];\n" : ";\n", out);
		}
	fputs("}\n", out);
}

static void human_bytes(int64_t n, char *out, size_t size)
{
	static const char units[] = "BKMGT";
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof units - 1) {
		v /= 1024;
		u++;
	}
	snprintf(out, size, u ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static void text_line(const struct members *ms, size_t i,
		      const struct members_graph *g, FILE *out)
{
	const struct members_member *m = &ms->m[i];
	char part[16] = "-", how[160], mem[32] = "-";
	size_t seen = 0;

	for (size_t k = 0; k < ms->n; k++)
		seen += members_graph_sees(g, k, i);
	if (g->partition[i] >= 0)
		snprintf(part, sizeof part, "%d", g->partition[i] + 1);
	if (m->direct_ok)
		snprintf(how, sizeof how, "ok %.1fms", m->rtt_ms);
	else if (json_array_size(m->reached))
		snprintf(how, sizeof how, "%s, reached via %s",
			 dist_code_name(m->direct_err.code),
			 json_string_value(json_array_get(m->reached, 0)));
	else
		snprintf(how, sizeof how, "%s%s",
			 dist_code_name(m->direct_err.code),
			 json_array_size(m->asked) ? ", nobody reaches it" : "");
	if (m->has_view)
		human_bytes(m->view.memory_bytes, mem, sizeof mem);
	fprintf(out, "%-32s %-8s %-4s %3zu/%-3zu %-5s %8.0fs %6lld %7s  %s\n",
		m->node, member_status_name(m->status), part, seen,
		ms->n > 0 ? ms->n - 1 : 0,
		m->has_view ? m->view.otp_release : "-",
		m->has_view ? (double)m->view.uptime_ms / 1000.0 : 0.0,
		m->has_view ? (long long)m->view.processes : 0LL, mem, how);
}

static void write_text(const struct members *ms, const size_t *idx,
		       const struct members_graph *g,
		       const struct members_health *h, FILE *out)
{
	fprintf(out, "%-32s %-8s %-4s %-7s %-5s %9s %6s %7s  %s\n", "NODE",
		"STATUS", "PART", "SEEN_BY", "OTP", "UPTIME", "PROCS",
		"MEMORY", "PROBE");
	for (size_t k = 0; k < ms->n; k++)
		text_line(ms, idx[k], g, out);
	fprintf(out, "members %zu/%zu: %zu alive, %zu suspect, %zu dead; "
		"%zu partition%s; full mesh %s; quorum %s; %s\n",
		h->members, h->expected, h->alive, h->suspect, h->dead,
		h->partitions, h->partitions == 1 ? "" : "s",
		h->full_mesh ? "yes" : "no", h->quorum ? "yes" : "no",
		h->healthy ? "healthy" : "DEGRADED");
}

static int write_json(const struct members *ms, const size_t *idx,
		      const struct members_graph *g,
		      const struct members_health *h, FILE *out)
{
	enum output_format f = ms->cfg->format == MEMBERS_PRETTY
		? OUTPUT_PRETTY : OUTPUT_JSON;
	json_t *r;
	int rc = 0;

	for (size_t k = 0; rc == 0 && k < ms->n; k++) {
		r = members_member_record(ms, idx[k], g);
		rc = r ? record_write_as(r, f, out) : -1;
		json_decref(r);
	}
	r = rc == 0 ? members_summary_record(ms, g, h) : NULL;
	if (r)
		rc = record_write_as(r, f, out);
	json_decref(r);
	return rc;
}

int members_write_round(struct members *ms)
{
	struct members_graph g;
	struct members_health h;
	enum member_status *status;
	size_t *idx = members_sorted(ms);
	FILE *out = ms->cfg->out;
	int rc = 0;

	if (!idx || members_graph_build(ms, &g, &status) < 0) {
		free(idx);
		ms->output_errno = ENOMEM;
		return -1;
	}
	members_health_compute(&g, status, ms->expected, &h);
	ms->status = h.healthy ? DIST_EXIT_OK : DIST_EXIT_FAILED;
	errno = 0;
	if (ms->cfg->format == MEMBERS_TEXT)
		write_text(ms, idx, &g, &h, out);
	else if (ms->cfg->format == MEMBERS_DOT)
		write_dot(ms, idx, &g, &h, out);
	else if (ms->cfg->format != MEMBERS_QUIET)
		rc = write_json(ms, idx, &g, &h, out);
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	if (rc < 0)
		ms->output_errno = errno ? errno : EIO;
	else
		members_round_metrics(ms, &g, status, idx);
	members_graph_free(&g);
	free(status);
	free(idx);
	return rc;
}

int members_write_event(struct members *ms, const char *event, json_t *rec)
{
	enum output_format f = ms->cfg->format == MEMBERS_PRETTY
		? OUTPUT_PRETTY : OUTPUT_JSON;
	json_t *r = json_object();
	const char *k;
	json_t *v;

	if (ms->cfg->format == MEMBERS_QUIET)
		return 0;
	if (ms->cfg->format == MEMBERS_TEXT) {
		json_decref(r);
		errno = 0;
		fprintf(ms->cfg->out, "%-8s %-32s %s\n", event,
			json_string_value(json_object_get(rec, "node")),
			json_string_value(json_object_get(rec, "status")));
		if (fflush(ms->cfg->out) == 0 && !ferror(ms->cfg->out))
			return 0;
		ms->output_errno = errno ? errno : EIO;
		ms->output_failed = true;
		return -1;
	}
	/* "event" first, then "node": a reader sees what happened to whom
	 * before the rest. */
	json_object_set_new(r, "event", json_string(event));
	json_object_set(r, "node", json_object_get(rec, "node"));
	json_object_foreach(rec, k, v)
		json_object_set(r, k, v);
	errno = 0;
	if (record_write_as(r, f, ms->cfg->out) < 0) {
		ms->output_errno = errno ? errno : EIO;
		ms->output_failed = true;
		json_decref(r);
		return -1;
	}
	json_decref(r);
	return 0;
}
