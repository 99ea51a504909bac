/* connect_cycle.c - one cycle of dist-connect: which via asks for which
 * targets, the breakers that skip some, the prune guards and counts,
 * and the records (see connect.h). */
#include "run/connect_internal.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "run/metrics.h"
#include "base/json_exact.h"
#include "run/wrapper_form.h"

struct connect_cycle {
	const struct connect_config *cfg;
	const struct connect_input *in;
	struct connect_memory *mem;
	struct runner_summary *sum;
	struct engine *e;
	struct resolver *res;
	struct etf_arena *forms;
	struct etf_term *connect_form, *disconnect_form;
	struct connect_session *s;
	size_t ns, active;
	struct breaker *br;         /* per input node */
	bool *skip;                 /* breaker open: not asked for */
	struct engine_timer deadline;
	int64_t t0_us, deadline_us, now_ms;
};

struct engine *connect_cycle_engine(struct connect_cycle *cy)
{
	return cy->e;
}

struct resolver *connect_cycle_resolver(struct connect_cycle *cy)
{
	return cy->res;
}

const struct connect_config *connect_cycle_config(struct connect_cycle *cy)
{
	return cy->cfg;
}

const char *connect_cycle_node(struct connect_cycle *cy, size_t idx)
{
	return cy->in->nodes[idx];
}

struct etf_term *connect_cycle_form(struct connect_cycle *cy, bool prune)
{
	return prune ? cy->disconnect_form : cy->connect_form;
}

bool connect_cycle_time_left(struct connect_cycle *cy, int64_t delay_ms)
{
	if (!cy->deadline_us)
		return true;
	return engine_now_us() + (delay_ms + cy->cfg->target_timeout_ms) *
		1000 < cy->deadline_us;
}

int connect_wrappers_load(struct etf_arena *a, struct etf_term **connect,
			  struct etf_term **disconnect,
			  struct dist_error *err)
{
	if (wrapper_form_decode(&connect_wrapper_connect, a, connect,
				err) < 0)
		return -1;
	return wrapper_form_decode(&connect_wrapper_disconnect, a, disconnect,
				   err);
}

/* --- records --- */

static const char *const owned[] = {
	"ok", "error", "time_ms", "via", "action", "already_connected",
	"new_name", "dry_run", "retries", "timings", "self", NULL
};

static void put_error(json_t *rec, const struct dist_error *err);

static void text_line(const struct connect_config *cfg, json_t *rec)
{
	FILE *out = cfg->out.out;
	json_t *e = json_object_get(rec, "error");
	const char *node = json_string_value(json_object_get(rec, "node"));
	const char *action = json_string_value(json_object_get(rec, "action"));

	if (e) {
		fprintf(out, "%-32s FAIL  %s: %s\n", node,
			json_string_value(json_object_get(e, "code")),
			runner_message_after_node(node, json_string_value(
				json_object_get(e, "message"))));
		return;
	}
	fprintf(out, "%-32s %-5s %s%s via %s\n", node,
		json_is_true(json_object_get(rec, "dry_run")) ? "plan" : "ok",
		action,
		json_is_true(json_object_get(rec, "already_connected"))
			? " (already)" : "",
		json_string_value(json_object_get(rec, "via")));
}

static void emit_record(const struct connect_config *cfg,
			struct runner_summary *sum, int64_t t0_us, json_t *rec,
			bool ok)
{
	double ms = (double)(engine_now_us() - t0_us) / 1000.0;
	int rc = 0;

	json_object_set_new(rec, "time_ms", json_ms(ms));
	sum->targets++;
	if (ok)
		sum->ok++;
	else
		sum->failed++;
	latency_add(&sum->time, ms);
	if (!sum->output_failed) {
		errno = 0;
		if (cfg->out.format == OUTPUT_TEXT) {
			text_line(cfg, rec);
			rc = fflush(cfg->out.out) != 0 ? -1 : 0;
		} else {
			rc = record_write_as(rec, cfg->out.format,
					     cfg->out.out);
		}
		if (rc < 0) {
			sum->output_failed = true;
			sum->output_errno = errno ? errno : EIO;
		}
	}
	if (cfg->out.prom_file)
		metrics_target_add(sum, rec);
	json_decref(rec);
}

static void emit(struct connect_cycle *cy, json_t *rec, bool ok)
{
	emit_record(cy->cfg, cy->sum, cy->t0_us, rec, ok);
}

void connect_record_invalid(const struct connect_config *cfg,
			    const struct input_record *in,
			    const struct dist_error *err,
			    struct runner_summary *sum)
{
	json_t *rec = record_output_new(in, in->node);

	if (!rec)
		return;
	for (const char *const *f = owned; *f; f++)
		json_object_del(rec, *f);
	json_object_set_new(rec, "action", json_string("connect"));
	put_error(rec, err);
	emit_record(cfg, sum, engine_now_us(), rec, false);
}

static json_t *new_record(struct connect_cycle *cy, const char *node,
			  json_t *fields, const char *via, const char *action)
{
	struct input_record in = { (char *)node, fields, 0 };
	json_t *rec = record_output_new(&in, node);

	if (!rec)
		return NULL;
	for (const char *const *f = owned; *f; f++)
		json_object_del(rec, *f);
	if (via)
		json_object_set_new(rec, "via", json_string(via));
	json_object_set_new(rec, "action", json_string(action));
	if (cy->cfg->dry_run)
		json_object_set_new(rec, "dry_run", json_true());
	return rec;
}

static void put_error(json_t *rec, const struct dist_error *err)
{
	json_object_set_new(rec, "ok", json_false());
	json_object_set_new(rec, "error",
			    json_pack("{s:s, s:s, s:s}", "code",
				      dist_code_name(err->code), "stage",
				      dist_stage_name(err->stage), "message",
				      err->message));
}

static void target_record(struct connect_cycle *cy, size_t idx,
			  const char *via, enum connect_outcome o,
			  bool was_new, long retries,
			  const struct dist_error *err)
{
	json_t *rec = new_record(cy, cy->in->nodes[idx], cy->in->fields[idx],
				 via, "connect");

	if (!rec)
		return;
	if (err) {
		put_error(rec, err);
	} else {
		json_object_set_new(rec, "ok", json_true());
		json_object_set_new(rec, "already_connected",
				    json_boolean(o == CONNECT_ALREADY));
	}
	if (was_new)
		json_object_set_new(rec, "new_name", json_true());
	if (retries > 0)
		json_object_set_new(rec, "retries", json_integer(retries));
	emit(cy, rec, err == NULL);
}

void connect_cycle_target(struct connect_session *s, size_t i,
			  enum connect_outcome o, bool was_new,
			  const struct dist_error *err)
{
	struct connect_cycle *cy = s->cy;
	size_t idx = s->targets[i];

	if (s->done[i])
		return;
	s->done[i] = true;
	s->left--;
	/* --follow re-checks every interval: a line per node each time
	 * would bury the changes. */
	if (o == CONNECT_ALREADY && !err && cy->cfg->changes_only)
		cy->sum->ok++;
	else
		target_record(cy, idx, s->via.full, o, was_new, s->attempt,
			      err);
	if (!cy->mem->breakers || o == CONNECT_PLANNED)
		return;
	/* A via that failed is the via's failure, not the target's; a
	 * name over --max-new was never tried. */
	if (err && (err->code == DIST_E_MAX_NEW ||
		    strncmp(err->message, "via ", 4) == 0))
		return;
	breaker_record(&cy->br[idx], &cy->cfg->policy, err == NULL,
		       cy->now_ms);
}

static int via_breaker(struct connect_cycle *cy, const char *via,
		       struct breaker *b, struct dist_error *err)
{
	return breaker_load(cy->mem->breakers, via, b, err);
}

void connect_cycle_via(struct connect_session *s, bool ok)
{
	struct connect_cycle *cy = s->cy;
	struct breaker b;
	struct dist_error err;

	if (!cy->mem->breakers || cy->cfg->dry_run ||
	    via_breaker(cy, s->via.full, &b, &err) < 0)
		return;
	breaker_record(&b, &cy->cfg->policy, ok, cy->now_ms);
	breaker_store(cy->mem->breakers, s->via.full, &b);
}

/* --- pruning --- */

static bool kept(const struct connect_config *cfg, const char *node)
{
	for (int i = 0; i < cfg->nkeep; i++)
		if (fnmatch(cfg->keep[i], node, 0) == 0)
			return true;
	return false;
}

static json_t *counts_of(struct connect_cycle *cy, const char *via)
{
	json_t *c = json_object_get(cy->mem->prune, via);

	if (!json_is_object(c)) {
		c = json_object();
		json_object_set_new(cy->mem->prune, via, c);
	}
	return c;
}

int connect_cycle_prune_plan(struct connect_session *s, char ***names,
			     size_t *n)
{
	struct connect_cycle *cy = s->cy;
	const struct connect_config *cfg = cy->cfg;
	long need = cfg->min_nodes > 1 ? cfg->min_nodes : 1;
	json_t *counts, *keep_counts;
	const char *k;
	json_t *v;
	size_t i;

	*names = NULL;
	*n = 0;
	if (!cfg->prune || !s->visible || !cy->mem->prune)
		return 0;
	if ((long)cy->in->n < need) {
		struct dist_error e;

		dist_error_set(&e, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "via %s: not pruning: the input has %zu "
			       "node%s, fewer than --min-nodes %ld",
			       s->via.full, cy->in->n,
			       cy->in->n == 1 ? "" : "s", need);
		if (cfg->out.report)
			cfg->out.report(&e);
		return 0;
	}
	counts = counts_of(cy, s->via.full);
	keep_counts = json_object();
	*names = calloc(json_array_size(s->visible) + 1, sizeof **names);
	if (!*names || !keep_counts) {
		json_decref(keep_counts);
		return -1;
	}
	json_array_foreach(s->visible, i, v) {
		const char *node = json_string_value(v);
		json_int_t c;

		if (connect_input_has(cy->in, node) || kept(cfg, node))
			continue;
		c = json_integer_value(json_object_get(counts, node)) + 1;
		if (c < cfg->prune_after) {
			json_object_set_new(keep_counts, node,
					    json_integer(c));
			continue;
		}
		if (cfg->dry_run) {
			json_t *rec = new_record(cy, node, NULL, s->via.full,
						 "disconnect");

			if (rec) {
				json_object_set_new(rec, "ok", json_true());
				emit(cy, rec, true);
			}
			continue;
		}
		(*names)[(*n)++] = strdup(node);
	}
	/* The absent counts that go on: nodes still visible and still
	 * absent. A node back in the input, kept, gone, or pruned now
	 * starts again from zero. */
	json_object_clear(counts);
	json_object_foreach(keep_counts, k, v)
		json_object_set(counts, k, v);
	json_decref(keep_counts);
	if (json_object_size(counts) == 0)
		json_object_del(cy->mem->prune, s->via.full);
	return 0;
}

void connect_cycle_pruned(struct connect_session *s, const char *node,
			  const struct dist_error *err)
{
	json_t *rec = new_record(s->cy, node, NULL, s->via.full,
				 "disconnect");

	if (!rec)
		return;
	if (err)
		put_error(rec, err);
	else
		json_object_set_new(rec, "ok", json_true());
	emit(s->cy, rec, err == NULL);
}

void connect_cycle_session_done(struct connect_session *s)
{
	struct connect_cycle *cy = s->cy;

	if (--cy->active > 0)
		return;
	engine_timer_disarm(cy->e, &cy->deadline);
	engine_stop(cy->e);
}

static void on_deadline(struct engine *e, struct engine_timer *t)
{
	struct connect_cycle *cy = t->data;

	(void)e;
	for (size_t i = 0; i < cy->ns; i++)
		connect_session_deadline(&cy->s[i]);
}

/* --- planning --- */

/* The breakers of the input: an open one skips its target now. */
static int load_breakers(struct connect_cycle *cy, struct dist_error *err)
{
	const struct connect_input *in = cy->in;

	cy->br = calloc(in->n + 1, sizeof *cy->br);
	cy->skip = calloc(in->n + 1, sizeof *cy->skip);
	if (!cy->br || !cy->skip)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	if (!cy->mem->breakers)
		return 0;
	for (size_t i = 0; i < in->n; i++) {
		if (breaker_load(cy->mem->breakers, in->nodes[i], &cy->br[i],
				 err) < 0)
			return -1;
		cy->skip[i] = !breaker_allow(&cy->br[i], &cy->cfg->policy,
					     cy->now_ms);
	}
	return 0;
}

static void skipped_record(struct connect_cycle *cy, size_t idx,
			   const char *via)
{
	struct dist_error err;
	int64_t left = cy->br[idx].opened_ms + cy->cfg->policy.cooldown_ms -
		       cy->now_ms;

	dist_error_set(&err, DIST_E_CIRCUIT_OPEN, DIST_STAGE_NONE,
		       "%s: not tried: its circuit breaker is open after "
		       "%ld failures (half-open in %lld s)",
		       cy->in->nodes[idx], cy->br[idx].failures,
		       (long long)((left > 0 ? left : 0) + 999) / 1000);
	target_record(cy, idx, via, CONNECT_FINAL, false, 0, &err);
}

static int add_session(struct connect_cycle *cy, const char *via,
		       size_t from, struct dist_error *err)
{
	struct connect_session *s = &cy->s[cy->ns];
	const struct connect_input *in = cy->in;
	struct breaker vb;

	memset(s, 0, sizeof *s);
	s->cy = cy;
	s->via_text = via;
	if (node_name_parse(via, &s->via, err) < 0)
		return -1;
	s->targets = calloc(in->n + 1, sizeof *s->targets);
	s->done = calloc(in->n + 1, sizeof *s->done);
	if (!s->targets || !s->done) {
		connect_session_free(s);
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	}
	cy->ns++;
	if (cy->mem->breakers) {
		if (breaker_load(cy->mem->breakers, s->via.full, &vb, err) < 0)
			return -1;
		if (!breaker_allow(&vb, &cy->cfg->policy, cy->now_ms)) {
			struct dist_error e;

			dist_error_set(&e, DIST_E_CIRCUIT_OPEN,
				       DIST_STAGE_NONE, "via %s: not tried: "
				       "the via's circuit breaker is open",
				       s->via.full);
			for (size_t i = from; i < in->n; i++)
				if (!cy->skip[i])
					target_record(cy, i, s->via.full,
						      CONNECT_FINAL, false, 0,
						      &e);
			return 0;
		}
		breaker_store(cy->mem->breakers, s->via.full, &vb);
	}
	for (size_t i = from; i < in->n; i++) {
		if (cy->skip[i])
			continue;
		/* The via itself, in the input (as discovery lists it):
		 * nothing to ask, it is its own node. */
		if (!strcmp(in->nodes[i], s->via.full))
			target_record(cy, i, s->via.full, CONNECT_ALREADY,
				      false, 0, NULL);
		else
			s->targets[s->ntargets++] = i;
	}
	s->left = s->ntargets;
	return 0;
}

static int plan(struct connect_cycle *cy, char *const *vias, int nvias,
		struct dist_error *err)
{
	const struct connect_input *in = cy->in;
	size_t nv = cy->cfg->mesh ? in->n : (size_t)nvias;

	cy->s = calloc(nv + 1, sizeof *cy->s);
	if (!cy->s)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	for (size_t i = 0; i < in->n; i++)
		if (cy->skip[i])
			skipped_record(cy, i, cy->cfg->mesh || nvias != 1
					      ? NULL : vias[0]);
	/* --mesh: node i asks for nodes i+1..n: each pair once, since a
	 * connection serves both ends. */
	for (size_t v = 0; v < nv; v++)
		if (add_session(cy, cy->cfg->mesh ? in->nodes[v] : vias[v],
				cy->cfg->mesh ? v + 1 : 0, err) < 0)
			return -1;
	return 0;
}

static void store_breakers(struct connect_cycle *cy)
{
	if (!cy->mem->breakers || cy->cfg->dry_run)
		return;
	for (size_t i = 0; i < cy->in->n; i++)
		breaker_store(cy->mem->breakers, cy->in->nodes[i], &cy->br[i]);
}

static void cycle_free(struct connect_cycle *cy)
{
	for (size_t i = 0; i < cy->ns; i++)
		connect_session_free(&cy->s[i]);
	free(cy->s);
	free(cy->br);
	free(cy->skip);
	if (cy->e)
		engine_timer_disarm(cy->e, &cy->deadline);
	if (cy->res)
		resolver_free(cy->res);
	if (cy->e)
		engine_free(cy->e);
	etf_arena_free(cy->forms);
}

int connect_cycle(const struct connect_config *cfg, char *const *vias,
		  int nvias, const struct connect_input *in,
		  struct connect_memory *mem, struct runner_summary *sum,
		  struct dist_error *err)
{
	struct connect_cycle cy = {
		.cfg = cfg, .in = in, .mem = mem, .sum = sum,
	};
	int rc = -1;

	cy.t0_us = engine_now_us();
	cy.now_ms = breaker_now_ms();
	cy.forms = etf_arena_new();
	if (!cy.forms) {
		dist_error_nomem(err, DIST_STAGE_NONE, NULL);
		goto out;
	}
	if (connect_wrappers_load(cy.forms, &cy.connect_form,
				  &cy.disconnect_form, err) < 0 ||
	    load_breakers(&cy, err) < 0)
		goto out;
	cy.e = engine_new(err);
	if (!cy.e)
		goto out;
	cy.res = resolver_new(cy.e, err);
	if (!cy.res || (cfg->resolver &&
			resolver_set_servers(cy.res, cfg->resolver, err) < 0))
		goto out;
	if (plan(&cy, vias, nvias, err) < 0)
		goto out;
	cy.deadline.cb = on_deadline;
	cy.deadline.data = &cy;
	if (cfg->timeout_ms > 0) {
		cy.deadline_us = cy.t0_us + cfg->timeout_ms * 1000;
		engine_timer_arm(cy.e, &cy.deadline, cy.deadline_us);
	}
	cy.active = cy.ns + 1;
	for (size_t i = 0; i < cy.ns; i++)
		connect_session_start(&cy.s[i]);
	if (--cy.active > 0 && engine_run(cy.e, err) < 0)
		goto out;
	store_breakers(&cy);
	rc = 0;
out:
	cycle_free(&cy);
	return rc;
}
