/* members_watch.c - dist-members --watch: a round every interval,
 * SWIM suspicion carried from round to round (cluster/swim.h), and an
 * event record only when something changed.
 *
 * What is not a member's fault is kept out of its suspicion: a probe
 * that failed on our side (no memory, a local system call, every name
 * of our pool busy) says nothing about the member, and a round in
 * which no member at all answered our direct probes says that this
 * host cannot see the cluster (its network, its DNS, its cookie): it
 * is reported as a diagnostic and changes nobody's state. */
#include "run/members_internal.h"

#include <stdlib.h>
#include <string.h>

#include "io/signals.h"

struct members_watch {
	struct signals sig;
	struct engine_timer next;
	bool blind;                 /* the last round saw nobody */
};

static void on_signal(void *data, int signo)
{
	struct members *ms = data;

	(void)signo;
	engine_stop(ms->e);
}

static void on_next(struct engine *e, struct engine_timer *t)
{
	(void)e;
	members_round_start(t->data);
}

int members_watch_start(struct members *ms, struct dist_error *err)
{
	struct members_watch *w = calloc(1, sizeof *w);

	if (!w)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	ms->watch = w;
	w->next.cb = on_next;
	w->next.data = ms;
	return signals_open(&w->sig, ms->e, on_signal, ms, err);
}

void members_watch_stop(struct members *ms)
{
	struct members_watch *w = ms->watch;

	if (!w)
		return;
	engine_timer_disarm(ms->e, &w->next);
	signals_close(&w->sig, ms->e);
	free(w);
	ms->watch = NULL;
}

static bool local_failure(const struct members_member *m)
{
	if (m->direct_ok || !m->probed)
		return false;
	switch (m->direct_err.code) {
	case DIST_E_IO:
	case DIST_E_NOMEM:
	case DIST_E_NAME_IN_USE:
		return true;
	default:
		return false;
	}
}

static const struct members_member *first_failure(const struct members *ms)
{
	for (size_t i = 0; i < ms->n; i++)
		if (ms->m[i].probed && !ms->m[i].direct_ok)
			return &ms->m[i];
	return NULL;
}

/* No member answered: our side is blind. */
static bool blind_round(struct members *ms)
{
	const struct members_member *f = first_failure(ms);
	struct members_watch *w = ms->watch;
	struct dist_error err;

	for (size_t i = 0; i < ms->n; i++)
		if (ms->m[i].direct_ok)
			return false;
	if (!w->blind && ms->cfg->report) {
		dist_error_set(&err, f ? f->direct_err.code : DIST_E_IO,
			       DIST_STAGE_NONE,
			       "no member answered our direct probes (%s: %s: "
			       "%s): this host cannot see the cluster; no "
			       "member is suspected for it",
			       f ? f->node : "no member",
			       f ? dist_code_name(f->direct_err.code) : "-",
			       f ? runner_message_after_node(
					   f->node, f->direct_err.message)
				 : "");
		ms->cfg->report(&err);
	}
	w->blind = true;
	return true;
}

static int64_t suspicion_timeout(const struct members *ms)
{
	if (ms->cfg->suspect_timeout_ms > 0)
		return ms->cfg->suspect_timeout_ms;
	return swim_suspicion_timeout_ms(SWIM_SUSPICION_MULT, ms->n,
					 ms->cfg->interval_ms);
}

static void report_changes(struct members *ms, const enum swim_event *ev,
			   const struct members_graph *g)
{
	for (size_t i = 0; i < ms->n && !ms->output_failed; i++) {
		struct members_member *m = &ms->m[i];
		json_t *r = members_member_record(ms, i, g);
		json_t *seen = json_object_get(r, "seen_by");
		const char *what = ev[i] != SWIM_EV_NONE
			? swim_event_name(ev[i]) : NULL;

		if (!what && m->last_seen_by && seen &&
		    !json_equal(seen, m->last_seen_by) &&
		    m->status != MEMBER_DEAD)
			what = "update";
		if (seen) {
			json_decref(m->last_seen_by);
			m->last_seen_by = json_incref(seen);
		}
		if (what && r)
			members_write_event(ms, what, r);
		json_decref(r);
	}
}

void members_watch_round(struct members *ms)
{
	struct members_watch *w = ms->watch;
	int64_t now_ms = engine_now_us() / 1000, timeout = suspicion_timeout(ms);
	enum swim_event *ev = calloc(ms->n ? ms->n : 1, sizeof *ev);
	struct members_graph g;
	enum member_status *status;
	bool blind = blind_round(ms);

	if (!blind)
		w->blind = false;
	for (size_t i = 0; ev && i < ms->n; i++) {
		struct members_member *m = &ms->m[i];

		if (!blind && !local_failure(m) && m->name.full[0])
			ev[i] = swim_observe(&m->swim, m->outcome, now_ms,
					     timeout);
		m->status = m->swim.known ? m->swim.status : m->status;
	}
	if (ev && members_graph_build(ms, &g, &status) == 0) {
		size_t *idx = members_sorted(ms);

		report_changes(ms, ev, &g);
		if (idx && !ms->output_failed)
			members_round_metrics(ms, &g, status, idx);
		free(idx);
		members_graph_free(&g);
		free(status);
	}
	free(ev);
	if (ms->output_failed || ms->prom_failed) {
		engine_stop(ms->e);
		return;
	}
	engine_timer_arm(ms->e, &w->next,
			 engine_now_us() + ms->cfg->interval_ms * 1000);
}
