/* state_gate.c - --state for the per-target programs (dist-ping,
 * dist-rpc): the circuit breakers of the state file's "breakers"
 * section, the same ones dist-connect keeps, consulted before each
 * target and updated with its outcome; the file stays locked for the
 * run and is written back at its end (see program.h). */
#include "cli/state_gate.h"

#include <string.h>

/* Only what says the node cannot be reached counts against it: an
 * exception or a bad argument comes from a node that answered. */
static bool counts_as_failure(enum dist_code c)
{
	switch (c) {
	case DIST_E_BADRPC:
	case DIST_E_EXCEPTION:
	case DIST_E_INVALID_ARGS:
	case DIST_E_INVALID_NAME:
	case DIST_E_TOO_LARGE:
	case DIST_E_USAGE:
	case DIST_E_NOMEM:
	case DIST_E_CIRCUIT_OPEN:
	case DIST_E_NAME_IN_USE:
		return false;
	default:
		return true;
	}
}

static int gate_admit(void *ctx, const char *node, struct dist_error *err)
{
	struct state_gate *g = ctx;
	struct breaker b;

	if (breaker_load(g->breakers, node, &b, err) < 0)
		return -1;
	if (breaker_allow(&b, &g->policy, g->now_ms)) {
		breaker_store(g->breakers, node, &b);
		return 0;
	}
	return dist_error_set(err, DIST_E_CIRCUIT_OPEN, DIST_STAGE_NONE,
			      "%s: not tried: its circuit breaker is open "
			      "after %ld failures (--state %s)", node,
			      b.failures, g->file.path);
}

static void gate_outcome(void *ctx, const char *node,
			 const struct dist_error *err)
{
	struct state_gate *g = ctx;
	struct breaker b;
	struct dist_error e;

	if (err && !counts_as_failure(err->code))
		return;
	if (breaker_load(g->breakers, node, &b, &e) < 0)
		return;
	breaker_record(&b, &g->policy, err == NULL, g->now_ms);
	breaker_store(g->breakers, node, &b);
}

int state_gate_open(struct state_gate *g, const struct cli_common *c,
		    struct runner_config *r, struct dist_error *err)
{
	memset(g, 0, sizeof *g);
	if (!c->state_file)
		return 0;
	if (state_file_open(&g->file, c->state_file, err) < 0)
		return -1;
	g->breakers = state_file_section(&g->file, "breakers");
	if (!g->breakers) {
		state_file_close(&g->file);
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	}
	g->open = true;
	g->policy = c->breaker;
	g->now_ms = breaker_now_ms();
	r->admit = gate_admit;
	r->outcome = gate_outcome;
	r->gate = g;
	return 0;
}

int state_gate_close(struct state_gate *g, struct dist_error *err)
{
	int rc = 0;

	if (!g->open)
		return 0;
	rc = state_file_commit(&g->file, err);
	state_file_close(&g->file);
	g->open = false;
	return rc;
}
