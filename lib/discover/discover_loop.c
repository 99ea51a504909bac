/* discover_loop.c - poll once, or watch: a poll every interval, its
 * changes given as up/down events (see discover_run.h). Records go to
 * the caller's function as they are ready; the loop only decides which,
 * and when the run is over. */
#include "discover/discover_run.h"

struct loop {
	struct discover *d;
	const struct discover_loop_config *c;
	struct discover_watch *watch;  /* NULL: once */
	struct engine_timer next_poll;
	json_t *last_errors;           /* watch: the previous poll's */
	int64_t poll_started_us;
	bool any_error;
	bool output_done;              /* the caller takes no more */
	struct dist_error *err;
	bool failed;                   /* err is set: the run failed */
};

static void give(struct loop *l, json_t *rec, bool is_error)
{
	if (l->c->record(l->c->data, rec, is_error) < 0)
		l->output_done = true;
}

static bool seen_before(const json_t *errors, const json_t *rec)
{
	size_t i;
	json_t *v;

	json_array_foreach(errors, i, v)
		if (json_equal(v, rec))
			return true;
	return false;
}

static void stop(struct loop *l)
{
	engine_stop(discover_engine(l->d));
}

/* Watch: the events that turn the last poll's set into this one's. */
static void give_events(struct loop *l, struct discover_result *res)
{
	json_t *events = json_array(), *rec;
	size_t i;

	if (!events || discover_watch_update(l->watch, res, events) < 0) {
		json_decref(events);
		dist_error_nomem(l->err, DIST_STAGE_NONE,
				 "comparing polls");
		l->failed = true;
		return;
	}
	json_array_foreach(events, i, rec)
		give(l, rec, false);
	json_decref(events);
}

static void on_poll_done(void *data, struct discover_result *res)
{
	struct loop *l = data;
	json_t *rec;
	size_t i;

	json_array_foreach(res->errors, i, rec)
		if (!l->watch || !seen_before(l->last_errors, rec))
			give(l, rec, true);
	if (json_array_size(res->errors))
		l->any_error = true;
	if (!l->watch) {
		/* One record at a time: made, printed, freed. */
		for (i = 0; i < discover_result_count(res) &&
			    !l->output_done; i++) {
			rec = discover_result_node(res, i);
			if (!rec) {
				dist_error_nomem(l->err, DIST_STAGE_NONE,
						 "printing the nodes");
				l->failed = true;
				break;
			}
			give(l, rec, false);
			json_decref(rec);
		}
		discover_result_clear(res);
		/* Once: requests the deadline abandoned must not keep us. */
		stop(l);
		return;
	}
	/* A watch that fails the same way every poll says so once, and
	 * again when the failure changes or comes back. */
	json_decref(l->last_errors);
	l->last_errors = json_incref(res->errors);
	give_events(l, res);
	discover_result_clear(res);
	if (l->output_done || l->failed) {
		stop(l);
		return;
	}
	/* The next poll starts an interval after this one started. */
	engine_timer_arm(discover_engine(l->d), &l->next_poll,
			 l->poll_started_us + l->c->interval_ms * 1000);
}

static void on_next_poll(struct engine *e, struct engine_timer *t)
{
	struct loop *l = t->data;

	l->poll_started_us = engine_now_us();
	if (discover_poll(l->d, on_poll_done, l, l->err) < 0) {
		l->failed = true;
		engine_stop(e);
	}
}

int discover_loop_run(struct discover *d, const struct discover_loop_config *c,
		      struct dist_error *err)
{
	struct engine *e = discover_engine(d);
	struct loop l = { .d = d, .c = c, .err = err };
	int rc;

	if (c->watch && !(l.watch = discover_watch_new()))
		return dist_error_nomem(err, DIST_STAGE_NONE,
					"starting the watch");
	l.next_poll.cb = on_next_poll;
	l.next_poll.data = &l;
	engine_timer_arm(e, &l.next_poll, engine_now_us());
	rc = engine_run(e, err);
	/* The timer lives here: the engine must not keep it. */
	engine_timer_disarm(e, &l.next_poll);
	json_decref(l.last_errors);
	discover_watch_free(l.watch);
	if (rc < 0 || l.failed)
		return -1;
	return l.any_error ? 1 : 0;
}
