/* breaker.c - circuit breakers between runs (see breaker.h). */
#include "cluster/breaker.h"

#include <string.h>
#include <time.h>

/* A billion failures, or the year 5000: more than any file we write. */
#define BREAKER_COUNT_MAX 1000000000
#define BREAKER_TIME_MAX_MS ((json_int_t)95617584000000)

static const char *const state_names[] = {
	[BREAKER_CLOSED] = "closed",
	[BREAKER_OPEN] = "open",
	[BREAKER_HALF_OPEN] = "half_open",
};

const char *breaker_state_name(enum breaker_state s)
{
	return s <= BREAKER_HALF_OPEN ? state_names[s] : "closed";
}

static void breaker_open(struct breaker *b, int64_t now_ms)
{
	b->state = BREAKER_OPEN;
	b->opened_ms = now_ms;
	b->successes = 0;
}

bool breaker_allow(struct breaker *b, const struct breaker_policy *p,
		   int64_t now_ms)
{
	if (b->state != BREAKER_OPEN)
		return true;
	/* Opened "in the future": the clock was set back. Count the
	 * cool-down from now rather than from a time that may be far
	 * ahead. */
	if (b->opened_ms > now_ms)
		b->opened_ms = now_ms;
	if (now_ms - b->opened_ms < p->cooldown_ms)
		return false;
	b->state = BREAKER_HALF_OPEN;
	b->successes = 0;
	return true;
}

void breaker_record(struct breaker *b, const struct breaker_policy *p,
		    bool success, int64_t now_ms)
{
	if (success) {
		b->failures = 0;
		if (b->state == BREAKER_HALF_OPEN) {
			if (b->successes < BREAKER_COUNT_MAX)
				b->successes++;
			if (b->successes < p->successes)
				return;
		}
		b->state = BREAKER_CLOSED;
		b->successes = 0;
		return;
	}
	b->successes = 0;
	if (b->state == BREAKER_HALF_OPEN) {
		breaker_open(b, now_ms);
		return;
	}
	if (b->failures < BREAKER_COUNT_MAX)
		b->failures++;
	if (b->state == BREAKER_CLOSED && b->failures >= p->failures)
		breaker_open(b, now_ms);
}

static int bad(const char *node, const char *what, struct dist_error *err)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "state file: breaker of %s: %s", node, what);
}

int breaker_load(const json_t *section, const char *node, struct breaker *b,
		 struct dist_error *err)
{
	const json_t *o = json_object_get(section, node);
	json_int_t f, n, t;
	const char *st;

	memset(b, 0, sizeof *b);
	if (!o)
		return 0;
	if (!json_is_object(o))
		return bad(node, "not an object", err);
	st = json_string_value(json_object_get(o, "state"));
	if (!st)
		return bad(node, "no \"state\"", err);
	if (!strcmp(st, "open"))
		b->state = BREAKER_OPEN;
	else if (!strcmp(st, "half_open"))
		b->state = BREAKER_HALF_OPEN;
	else if (strcmp(st, "closed") != 0)
		return bad(node, "\"state\" is not closed, open or half_open",
			   err);
	if (!json_is_integer(json_object_get(o, "failures")) ||
	    !json_is_integer(json_object_get(o, "successes")) ||
	    !json_is_integer(json_object_get(o, "opened_ms")))
		return bad(node, "\"failures\", \"successes\" and "
			   "\"opened_ms\" must be integers", err);
	f = json_integer_value(json_object_get(o, "failures"));
	n = json_integer_value(json_object_get(o, "successes"));
	t = json_integer_value(json_object_get(o, "opened_ms"));
	/* Bounded so the counting and the clock arithmetic cannot
	 * overflow on a value nobody wrote. */
	if (f < 0 || n < 0 || f > BREAKER_COUNT_MAX || n > BREAKER_COUNT_MAX)
		return bad(node, "counts out of range", err);
	if (t < 0 || t > BREAKER_TIME_MAX_MS)
		return bad(node, "\"opened_ms\" out of range", err);
	b->failures = (long)f;
	b->successes = (long)n;
	b->opened_ms = t;
	return 0;
}

int breaker_store(json_t *section, const char *node, const struct breaker *b)
{
	json_t *o;

	if (b->state == BREAKER_CLOSED && b->failures == 0) {
		json_object_del(section, node);
		return 0;
	}
	o = json_pack("{s:s, s:I, s:I, s:I}", "state",
		      breaker_state_name(b->state), "failures",
		      (json_int_t)b->failures, "successes",
		      (json_int_t)b->successes, "opened_ms",
		      (json_int_t)b->opened_ms);
	if (!o || json_object_set_new(section, node, o) < 0)
		return -1;
	return 0;
}

int64_t breaker_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
