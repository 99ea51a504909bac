/* elect.c - one election, run (see elect.h). */
#include "run/elect.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cluster/state_file.h"
#include "run/elect_internal.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The alive members, by name: every host asks the same member first,
 * so concurrent contenders meet on one node's global server. */
static char **alive_members(const struct elect_request *rq, const bool *alive,
			    size_t *k)
{
	char **v = calloc(rq->n ? rq->n : 1, sizeof *v);

	*k = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < rq->n; i++)
		if (alive[i])
			v[(*k)++] = rq->nodes[i];
	qsort(v, *k, sizeof *v, by_name);
	return v;
}

static bool holds(enum elect_lease_status s)
{
	return s == LEASE_HELD || s == LEASE_ACQUIRED || s == LEASE_RENEWED;
}

static int ask_lease(const struct elect_request *rq, struct elect_result *res,
		     int64_t local_term, struct dist_error *err)
{
	struct buf text;
	size_t k;
	char **order = alive_members(rq, res->alive, &k);
	int rc = -1;

	if (!order)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	buf_init(&text, 64 * 1024);
	if (elect_lease_text(&text, rq->op, rq->group, rq->self, rq->lease_ms,
			     local_term, err) == 0 &&
	    elect_lease_call(&rq->run, order, k, (const char *)text.data,
			     &res->lease, res->via, sizeof res->via,
			     &res->lease_sent_us, err) == 0) {
		res->lease_known = true;
		if (holds(res->lease.status))
			res->leader = res->lease.holder;
		rc = 0;
	}
	buf_free(&text);
	free(order);
	return rc;
}

static int choose(const struct elect_request *rq, struct elect_result *res,
		  struct dist_error *err)
{
	struct elect_member *m = calloc(rq->n ? rq->n : 1, sizeof *m);

	if (!m)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	for (size_t i = 0; i < rq->n; i++)
		m[i] = (struct elect_member){ rq->nodes[i], res->alive[i] };
	elect_choose(m, rq->n, rq->strategy, &res->outcome);
	free(m);
	if (res->outcome.leader >= 0)
		res->leader = rq->nodes[res->outcome.leader];
	return 0;
}

/* The election proper, with the term of the state (t) at hand. */
static int run_election(const struct elect_request *rq,
			struct elect_result *res, struct elect_term *t,
			struct dist_error *err)
{
	int64_t floor = 0;

	if (elect_probe(&rq->run, rq->nodes, rq->status, res->alive, rq->n,
			err) < 0 ||
	    choose(rq, res, err) < 0)
		return -1;
	if (rq->strategy == ELECT_GLOBAL) {
		/* A host that cannot see a majority does not touch the
		 * lease: it may be the minority side of a split. */
		if (res->outcome.alive < res->outcome.quorum)
			return 0;
		if (ask_lease(rq, res, t->term, err) < 0)
			return -1;
		floor = res->leader ? res->lease.term : 0;
	}
	res->term_changed = elect_term_observe(t, res->leader, floor) > 0;
	res->term = t->term;
	res->has_term = rq->state_path || floor > 0;
	/* Without --state a change is only seen within this run. */
	res->term_changed = res->term_changed && rq->state_path;
	return 0;
}

int elect_decide(const struct elect_request *rq, struct elect_result *res,
		 struct dist_error *err)
{
	const char *key = rq->group ? rq->group
				    : elect_strategy_name(rq->strategy);
	struct state_file s;
	struct elect_term t;
	json_t *section = NULL;
	int rc;

	memset(res, 0, sizeof *res);
	memset(&s, 0, sizeof s);
	memset(&t, 0, sizeof t);
	res->alive = calloc(rq->n ? rq->n : 1, sizeof *res->alive);
	if (!res->alive)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	/* The state stays locked through the election: two runs on this
	 * host see and count each change once. */
	if (rq->state_path) {
		if (state_file_open(&s, rq->state_path, err) < 0)
			return -1;
		section = state_file_section(&s, "elect");
		if (!section) {
			state_file_close(&s);
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "%s: section \"elect\" is not an "
					      "object", rq->state_path);
		}
		if (elect_term_load(section, key, rq->state_path, &t,
				    err) < 0) {
			state_file_close(&s);
			return -1;
		}
	}
	rc = run_election(rq, res, &t, err);
	if (rc == 0 && section) {
		if (elect_term_store(section, key, &t) < 0)
			rc = dist_error_nomem(err, DIST_STAGE_NONE,
					      "storing the term");
		else
			rc = state_file_commit(&s, err);
	}
	state_file_close(&s);
	return rc;
}

void elect_result_free(struct elect_result *res)
{
	free(res->alive);
	res->alive = NULL;
}
