/* state_gate.h - the shared --state option group's work for the
 * per-target programs: circuit breakers kept in the state file
 * (cluster/state_file.h, section "breakers"; cluster/breaker.h), so a
 * cron probe stops hammering a node that is down: after N failing runs
 * its target gets circuit_open without being tried, until the
 * cool-down passes. */
#ifndef DIST_CLI_STATE_GATE_H
#define DIST_CLI_STATE_GATE_H

#include "cli/cli.h"
#include "cluster/state_file.h"

struct state_gate {
	struct state_file file;
	json_t *breakers;
	struct breaker_policy policy;
	int64_t now_ms;
	bool open;
};

/* With --state: lock and read the file and hook the breakers into r.
 * Without: nothing. 0, or -1 with err (the file is not a state file:
 * usage; cannot be read: io). */
int state_gate_open(struct state_gate *g, const struct cli_common *c,
		    struct runner_config *r, struct dist_error *err);

/* Write the breakers back and unlock. 0, or -1 with err. */
int state_gate_close(struct state_gate *g, struct dist_error *err);

#endif
