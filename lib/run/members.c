/* members.c - the table of members and the rounds over it (see
 * members.h): direct probes first, following the nodes the views
 * name; then indirect probes of the members we could not reach. */
#include "run/members_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/random.h"

int members_format_parse(const char *s)
{
	static const char *const names[] = { "json", "pretty", "text", "dot" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

long members_find(const struct members *ms, const char *node)
{
	for (size_t i = 0; i < ms->n; i++)
		if (!strcmp(ms->m[i].node, node))
			return (long)i;
	return -1;
}

/* A member, known by name from now on. A name that does not parse is
 * kept (a seed's record says so: invalid_name) but never probed. */
int members_add(struct members *ms, const char *node, json_t *input,
		struct dist_error *err)
{
	struct members_member *m;

	if (members_find(ms, node) >= 0)
		return 0;
	m = grow_array(ms->m, &ms->cap, ms->n, sizeof *ms->m, 16);
	if (!m)
		return dist_error_nomem(err, DIST_STAGE_NONE, node);
	ms->m = m;
	m = &ms->m[ms->n];
	memset(m, 0, sizeof *m);
	m->node = strdup(node);
	if (!m->node)
		return dist_error_nomem(err, DIST_STAGE_NONE, node);
	if (node_name_parse(node, &m->name, &m->direct_err) < 0)
		m->name.full[0] = '\0';
	m->input = json_incref(input);
	ms->n++;
	return 1;
}

static int queue_push(struct members *ms, size_t target, size_t via)
{
	struct members_task *q = grow_array(ms->queue, &ms->qcap, ms->qlen,
					    sizeof *q, 32);

	if (!q)
		return -1;
	ms->queue = q;
	ms->queue[ms->qlen++] = (struct members_task){ target, via };
	return 0;
}

/* Members in a random order each round (SWIM): with a concurrency
 * limit, no member is always the last one looked at. */
static void shuffle(size_t *idx, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t k = random_u32_nonzero() % i, t = idx[i - 1];

		idx[i - 1] = idx[k];
		idx[k] = t;
	}
}

static void round_reset(struct members_member *m)
{
	m->probed = m->direct_ok = m->has_view = m->followed = false;
	members_view_free(&m->view);
	json_decref(m->asked);
	json_decref(m->reached);
	json_decref(m->ours);
	m->asked = json_array();
	m->reached = json_array();
	m->ours = json_object();
	m->rtt_ms = 0;
	if (m->name.full[0])
		dist_error_clear(&m->direct_err);
}

/* The nodes a view names become members, up to --max-nodes. */
static void follow_views(struct members *ms)
{
	struct dist_error err;

	for (size_t i = 0; i < ms->n; i++) {
		struct members_member *m = &ms->m[i];

		if (!m->has_view || m->followed)
			continue;
		m->followed = true;
		for (size_t k = 0; k < ms->m[i].view.nvisible; k++) {
			const char *node = ms->m[i].view.visible[k];

			if (members_find(ms, node) >= 0)
				continue;
			if (ms->n >= ms->cfg->max_nodes) {
				if (!ms->skipped_report && ms->cfg->report) {
					dist_error_set(&err, DIST_E_TOO_LARGE,
						       DIST_STAGE_NONE,
						       "more members than "
						       "--max-nodes %zu: %s "
						       "and others not "
						       "followed",
						       ms->cfg->max_nodes,
						       node);
					ms->cfg->report(&err);
				}
				ms->skipped_report = true;
				break;
			}
			dist_error_clear(&err);
			if (members_add(ms, node, NULL, &err) > 0) {
				round_reset(&ms->m[ms->n - 1]);
				queue_push(ms, ms->n - 1, MEMBERS_NO_VIA);
			}
			/* The array may have moved. */
			m = &ms->m[i];
		}
	}
}

/* Up to K members that have the lost one in nodes(), picked at random
 * among those, are asked about it. */
static void plan_indirect(struct members *ms)
{
	size_t *helpers = malloc((ms->n ? ms->n : 1) * sizeof *helpers);

	for (size_t t = 0; helpers && t < ms->n; t++) {
		size_t nh = 0;

		if (ms->m[t].direct_ok || !ms->m[t].name.full[0])
			continue;
		for (size_t h = 0; h < ms->n; h++)
			if (h != t && ms->m[h].has_view &&
			    members_view_sees(&ms->m[h].view, ms->m[t].node))
				helpers[nh++] = h;
		shuffle(helpers, nh);
		for (size_t k = 0; k < nh && k < ms->cfg->indirect; k++)
			queue_push(ms, t, helpers[k]);
	}
	free(helpers);
}

static void conclude(struct members *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		struct members_member *m = &ms->m[i];

		m->outcome = m->direct_ok ? SWIM_ACK
			     : json_array_size(m->reached) ? SWIM_INDIRECT_ACK
							   : SWIM_NO_ACK;
		m->status = swim_status_once(m->outcome);
	}
}

/* Start what the slots allow; move to the next phase when a phase has
 * nothing left. */
static void advance(struct members *ms)
{
	for (;;) {
		follow_views(ms);
		while (ms->qhead < ms->qlen &&
		       ms->inflight < ms->cfg->concurrency) {
			struct members_task t = ms->queue[ms->qhead++];

			members_probe_start(ms, t.target, t.via);
		}
		if (ms->inflight > 0 || ms->qhead < ms->qlen)
			return;
		if (ms->phase == PHASE_DIRECT) {
			ms->phase = PHASE_INDIRECT;
			plan_indirect(ms);
			continue;
		}
		if (ms->phase != PHASE_INDIRECT)
			return;
		ms->phase = PHASE_IDLE;
		engine_timer_disarm(ms->e, &ms->deadline_timer);
		conclude(ms);
		ms->rounds++;
		ms->round_ms = (double)(engine_now_us() - ms->round_t0_us) /
			       1000.0;
		ms->round_done(ms);
		return;
	}
}

static void on_reap(struct engine *e, struct engine_timer *t)
{
	struct members *ms = t->data;

	(void)e;
	members_probe_reap(ms);
	advance(ms);
}

static void on_deadline(struct engine *e, struct engine_timer *t)
{
	struct members *ms = t->data;

	(void)e;
	members_probe_deadline(ms);
	engine_timer_arm(ms->e, &ms->reap_timer, engine_now_us());
}

void members_round_start(struct members *ms)
{
	size_t *order = malloc((ms->n ? ms->n : 1) * sizeof *order);

	ms->qhead = ms->qlen = 0;
	ms->deadline_passed = false;
	ms->round_t0_us = engine_now_us();
	ms->vias_failed = 0;
	ms->phase = PHASE_DIRECT;
	for (size_t i = 0; i < ms->n; i++) {
		round_reset(&ms->m[i]);
		if (order)
			order[i] = i;
	}
	if (order) {
		shuffle(order, ms->n);
		for (size_t i = 0; i < ms->n; i++)
			if (ms->m[order[i]].name.full[0])
				queue_push(ms, order[i], MEMBERS_NO_VIA);
	}
	free(order);
	if (ms->cfg->round_timeout_us > 0)
		engine_timer_arm(ms->e, &ms->deadline_timer,
				 engine_now_us() + ms->cfg->round_timeout_us);
	advance(ms);
}

/* One round, its records, done. */
static void once_done(struct members *ms)
{
	if (members_write_round(ms) < 0)
		ms->output_failed = true;
	engine_stop(ms->e);
}

static void members_free(struct members *ms)
{
	members_probe_reap(ms);
	for (struct members_probe *p = ms->probes; p; p = ms->probes) {
		ms->reap = p;
		p->reap_next = NULL;
		members_probe_reap(ms);
	}
	for (size_t i = 0; i < ms->n; i++) {
		struct members_member *m = &ms->m[i];

		free(m->node);
		json_decref(m->input);
		members_view_free(&m->view);
		json_decref(m->asked);
		json_decref(m->reached);
		json_decref(m->ours);
		json_decref(m->last_seen_by);
	}
	free(ms->m);
	free(ms->queue);
	engine_timer_disarm(ms->e, &ms->reap_timer);
	engine_timer_disarm(ms->e, &ms->deadline_timer);
	resolver_free(ms->res);
	engine_free(ms->e);
}

static int open_engine(struct members *ms, struct dist_error *err)
{
	ms->e = engine_new(err);
	if (!ms->e)
		return -1;
	ms->res = resolver_new(ms->e, err);
	if (!ms->res)
		return -1;
	if (ms->cfg->resolver &&
	    resolver_set_servers(ms->res, ms->cfg->resolver, err) < 0)
		return -1;
	ms->reap_timer.cb = on_reap;
	ms->reap_timer.data = ms;
	ms->deadline_timer.cb = on_deadline;
	ms->deadline_timer.data = ms;
	return 0;
}

int members_run(const struct members_config *cfg, struct input_record *seeds,
		size_t nseeds, int *out_errno, struct dist_error *err)
{
	struct members ms;
	int64_t t0_us;
	int rc = -1;

	memset(&ms, 0, sizeof ms);
	ms.cfg = cfg;
	ms.status = DIST_EXIT_OK;
	if (open_engine(&ms, err) < 0)
		goto done;
	for (size_t i = 0; i < nseeds; i++)
		if (members_add(&ms, seeds[i].node, seeds[i].fields, err) < 0)
			goto done;
	ms.expected = cfg->expected ? cfg->expected : ms.n;
	ms.round_done = cfg->watch ? members_watch_round : once_done;
	if (cfg->watch && members_watch_start(&ms, err) < 0)
		goto done;
	t0_us = engine_now_us();
	members_round_start(&ms);
	rc = engine_run(ms.e, err);
	if (cfg->watch)
		members_watch_stop(&ms);
	if (rc == 0 && ms.has_last)
		members_write_stats(&ms, (double)(engine_now_us() - t0_us) /
				    1000.0);
	if (rc == 0 && ms.output_failed) {
		*out_errno = ms.output_errno;
		rc = dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				    "cannot write the records");
	} else if (rc == 0 && ms.prom_failed) {
		*err = ms.prom_err;
		rc = -1;
	}
done:
	members_free(&ms);
	return rc < 0 ? -1 : ms.status;
}
