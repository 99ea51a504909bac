/* swim.h - SWIM-style suspicion, as dist-members --watch applies it
 * round after round (and HashiCorp memberlist does): a member that
 * misses our direct probe is suspect, not dead; it becomes dead only
 * when no probe, direct or through another member, has refuted the
 * suspicion for the suspicion timeout.
 *
 * Pure: outcomes and a clock in milliseconds in, events out.
 */
#ifndef DIST_CLUSTER_SWIM_H
#define DIST_CLUSTER_SWIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster/members_graph.h"

/* memberlist's default SuspicionMult. */
#define SWIM_SUSPICION_MULT 4

enum swim_outcome {
	SWIM_ACK,           /* our direct probe was answered */
	SWIM_INDIRECT_ACK,  /* only a member reached it */
	SWIM_NO_ACK,        /* nobody reached it */
};

enum swim_event {
	SWIM_EV_NONE,
	SWIM_EV_UP,         /* new, or back: alive */
	SWIM_EV_SUSPECT,    /* alive (or new, or dead) -> suspect */
	SWIM_EV_DOWN,       /* suspect for the whole timeout -> dead */
};

struct swim_state {
	bool known;         /* observed at least once */
	enum member_status status;
	int64_t suspect_since_ms;
};

const char *swim_event_name(enum swim_event ev);

/* SuspicionMult x max(1, log10 n) x interval: with more members a
 * refutation needs more rounds to get through, so the wait grows with
 * the cluster, slowly. */
int64_t swim_suspicion_timeout_ms(unsigned mult, size_t members,
				  int64_t interval_ms);

/* One round's outcome for a member at now_ms. An indirect ack refutes
 * the suspicion (the clock starts again) without making it alive: we
 * still cannot reach it ourselves. */
enum swim_event swim_observe(struct swim_state *s, enum swim_outcome o,
			     int64_t now_ms, int64_t timeout_ms);

/* One look, no history (dist-members without --watch). */
enum member_status swim_status_once(enum swim_outcome o);

#endif
