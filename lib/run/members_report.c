/* members_report.c - a round as records: one per member, then the
 * summary (dist(7), dist-members records). */
#include "run/members_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/json_exact.h"

int members_graph_build(const struct members *ms, struct members_graph *g,
			enum member_status **status)
{
	*status = calloc(ms->n ? ms->n : 1, sizeof **status);
	if (!*status || members_graph_init(g, ms->n) < 0) {
		free(*status);
		*status = NULL;
		return -1;
	}
	for (size_t i = 0; i < ms->n; i++) {
		const struct members_member *m = &ms->m[i];

		(*status)[i] = m->status;
		for (size_t k = 0; m->has_view && k < m->view.nvisible; k++) {
			long j = members_find(ms, m->view.visible[k]);

			if (j >= 0)
				members_graph_see(g, i, (size_t)j);
		}
	}
	members_graph_partitions(g, *status);
	return 0;
}

static json_t *strings(char *const *l, size_t n, const json_t *skip)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		if (!skip || !json_object_get(skip, l[i]))
			json_array_append_new(a, json_string(l[i]));
	return a;
}

static json_t *error_json(const struct dist_error *err)
{
	return json_pack("{s:s, s:s, s:s}", "code", dist_code_name(err->code),
			 "stage", dist_stage_name(err->stage), "message",
			 err->message);
}

static json_t *direct_json(const struct members_member *m)
{
	if (m->direct_ok)
		return json_pack("{s:b, s:o}", "ok", 1, "rtt_ms",
				 json_ms(m->rtt_ms));
	return json_pack("{s:b, s:o*}", "ok", 0, "error",
			 error_json(&m->direct_err));
}

static void put_view(json_t *r, const struct members_member *m)
{
	const struct member_view *v = &m->view;

	json_object_set_new(r, "visible", strings(v->visible, v->nvisible,
						  NULL));
	/* Our own probes are hidden connections too: not the member's. */
	json_object_set_new(r, "hidden", strings(v->hidden, v->nhidden,
						 m->ours));
	json_object_set_new(r, "otp_release", json_string(v->otp_release));
	json_object_set_new(r, "uptime_ms", json_integer(v->uptime_ms));
	json_object_set_new(r, "processes", json_integer(v->processes));
	json_object_set_new(r, "memory_bytes", json_integer(v->memory_bytes));
	if (v->groups)
		json_object_set(r, "groups", v->groups);
	if (v->global)
		json_object_set(r, "global", v->global);
}

/* The fields a member record owns: an input record's own are dropped,
 * so an earlier stage's outcome never passes for this one's. */
static const char *const owned[] = {
	"ok", "error", "status", "partition", "seen_by", "direct",
	"indirect", "visible", "hidden", "otp_release", "uptime_ms",
	"processes", "memory_bytes", "groups", "global", "time_ms",
	"timings", "self", "event", NULL
};

json_t *members_member_record(const struct members *ms, size_t i,
			      const struct members_graph *g)
{
	const struct members_member *m = &ms->m[i];
	struct input_record in = { .node = m->node, .fields = m->input };
	json_t *r = record_output_new(&in, m->node);
	json_t *seen = json_array();

	if (!r) {
		json_decref(seen);
		return NULL;
	}
	for (const char *const *f = owned; *f; f++)
		json_object_del(r, *f);
	for (size_t k = 0; k < ms->n; k++)
		if (members_graph_sees(g, k, i))
			json_array_append_new(seen, json_string(ms->m[k].node));
	json_object_set_new(r, "ok", json_boolean(m->status == MEMBER_ALIVE));
	json_object_set_new(r, "status",
			    json_string(member_status_name(m->status)));
	json_object_set_new(r, "partition", g->partition[i] >= 0
			    ? json_integer(g->partition[i] + 1) : json_null());
	json_object_set_new(r, "seen_by", seen);
	json_object_set_new(r, "direct", direct_json(m));
	json_object_set_new(r, "indirect", m->direct_ok || !m->name.full[0]
			    ? json_null()
			    : json_pack("{s:O, s:O}", "asked", m->asked,
					"reached", m->reached));
	if (m->has_view)
		put_view(r, m);
	return r;
}

json_t *members_summary_record(const struct members *ms,
			       const struct members_graph *g,
			       const struct members_health *h)
{
	json_t *parts = json_array();

	for (size_t p = 0; p < g->npartitions; p++) {
		json_t *one = json_array();

		for (size_t i = 0; i < ms->n; i++)
			if (g->partition[i] == (int)p)
				json_array_append_new(one,
						      json_string(ms->m[i].node));
		json_array_append_new(parts, one);
	}
	return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:b, s:b, s:b}",
			 "summary", 1, "members", (json_int_t)h->members,
			 "expected", (json_int_t)h->expected,
			 "alive", (json_int_t)h->alive,
			 "suspect", (json_int_t)h->suspect,
			 "dead", (json_int_t)h->dead, "partitions", parts,
			 "full_mesh", h->full_mesh, "quorum", h->quorum,
			 "healthy", h->healthy);
}
