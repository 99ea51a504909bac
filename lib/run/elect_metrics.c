/* elect_metrics.c - dist-elect's --stats record and --prom file (see
 * elect_metrics.h). */
#include "run/elect_metrics.h"

#include <stdio.h>
#include <string.h>
#include <time.h>


/* Times to the microsecond: more digits would be noise. */
static double ms3(double ms)
{
	return ms > 0 ? (double)(long long)(ms * 1000.0 + 0.5) / 1000.0 : 0;
}

static bool is_self(const struct elect_request *rq,
		    const struct elect_result *res)
{
	return rq->self && res->leader && !strcmp(res->leader, rq->self);
}

json_t *elect_stats_record(const struct elect_request *rq,
			   const struct elect_result *res,
			   const struct elect_run_stats *st)
{
	json_t *r = json_pack("{s:b, s:b, s:s, s:f, s:i}", "summary", 1,
			      "stats", 1, "strategy",
			      elect_strategy_name(rq->strategy),
			      "election_ms", ms3(st->election_ms),
			      "exit_status", st->exit_status);

	if (!r)
		return NULL;
	if (rq->group)
		json_object_set_new(r, "group", json_string(rq->group));
	if (st->decided) {
		json_object_set_new(r, "leader", res->leader
				    ? json_string(res->leader) : json_null());
		json_object_set_new(r, "quorum_reached", json_boolean(
			res->outcome.alive >= res->outcome.quorum));
		json_object_set_new(r, "term_changed",
				    json_boolean(res->term_changed));
		if (rq->self)
			json_object_set_new(r, "is_leader",
					    json_boolean(is_self(rq, res)));
	}
	if (st->ran) {
		json_object_set_new(r, "command_status",
				    json_integer(st->command_status));
		json_object_set_new(r, "command_ms",
				    json_real(ms3(st->command_ms)));
		json_object_set_new(r, "lease_lost",
				    json_boolean(st->lease_lost));
	}
	return r;
}

void elect_stats_text(const struct elect_request *rq,
		      const struct elect_result *res,
		      const struct elect_run_stats *st, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s election, leader %s, %.3f ms, exit "
			 "%d", elect_strategy_name(rq->strategy),
			 st->decided && res->leader ? res->leader : "-",
			 st->election_ms, st->exit_status);

	if (st->ran && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "; command exit %d after "
			 "%.3f ms%s", st->command_status, st->command_ms,
			 st->lease_lost ? ", lease lost" : "");
}

static void write_decision(struct prom_text *p,
			   const struct elect_request *rq,
			   const struct elect_result *res)
{
	const struct elect_outcome *o = &res->outcome;

	prom_gauge(p, "has_leader", "Whether the last run found a leader "
		   "(1) or not (0).", res->leader != NULL);
	if (rq->self) {
		prom_family(p, "is_leader", "gauge", "Whether --self led or "
			    "held the lease after the last run (1) or not "
			    "(0).");
		prom_sample(p, "is_leader", is_self(rq, res), "self",
			    rq->self, (const char *)NULL);
	}
	if (res->leader) {
		prom_family(p, "leader", "gauge", "The leader of the last "
			    "run, as a label (always 1).");
		prom_sample(p, "leader", 1, "leader", res->leader, "strategy",
			    elect_strategy_name(rq->strategy), "group",
			    rq->group ? rq->group : "", (const char *)NULL);
	}
	prom_gauge(p, "alive", "Expected members alive from here.",
		   (double)o->alive);
	prom_gauge(p, "expected", "Expected members.", (double)o->expected);
	prom_gauge(p, "quorum", "Alive members needed for a leader.",
		   (double)o->quorum);
	if (res->has_term)
		prom_gauge(p, "term", "The leadership term (--state or the "
			   "lease): it grows each time the leader or lease "
			   "holder changes.", (double)res->term);
	prom_gauge(p, "term_changed", "Whether the leader or lease holder "
		   "changed in the last run (1) or not (0).",
		   res->term_changed);
}

void elect_prom(struct prom_text *p, const struct elect_request *rq,
		const struct elect_result *res,
		const struct elect_run_stats *st)
{
	prom_text_open(p, "dist_elect");
	if (st->decided)
		write_decision(p, rq, res);
	prom_gauge(p, "election_seconds", "How long the election of the "
		   "last run took.", st->election_ms / 1000.0);
	if (st->ran) {
		prom_gauge(p, "command_exit_status", "--run: the command's "
			   "exit status (126, 127: not run; 128+N: signal "
			   "N; 4: stopped, the lease lost).", st->command_status);
		prom_gauge(p, "command_seconds", "--run: how long the "
			   "command ran.", st->command_ms / 1000.0);
		prom_gauge(p, "lease_lost", "--run: whether the lease was "
			   "lost while the command ran (1) or not (0).",
			   st->lease_lost);
	}
	prom_gauge(p, "exit_status", "The exit status of the last run "
		   "(dist-elect(1)).", st->exit_status);
	prom_gauge(p, "last_run_timestamp_seconds", "When the last run "
		   "ended.", (double)time(NULL));
}
