/* reach.h - where a target is reached, when its input record says so.
 *
 * A JSON input record may carry, for that target only, what the command
 * line says for all of them:
 *   "port":       the node's distribution port: connect there, no EPMD
 *                 (as --port);
 *   "epmd_port":  the port of the EPMD to ask for it (as --epmd-port).
 * dist-discover --epmd writes "port" for every node it found, so
 * `dist-discover --epmd H:P | dist-ping` connects at once, without a
 * second round trip to EPMD, and one run can reach nodes registered with
 * different EPMDs (ten `dist-node --count` processes, each its own).
 *
 * A record's "port" is a hint, where --port is an order: a port from a
 * discovery or an earlier run goes stale when the node restarts, so if
 * it refuses at every address, EPMD (the record's "epmd_port", or the
 * command line's) is asked once where the node listens now.
 *
 * Either is an integer 1..65535; null counts as not given; anything else
 * is an input error of the line (exit 2), because a wrong port in a
 * record is a mistake upstream, not a property of the node.
 */
#ifndef DIST_REACH_H
#define DIST_REACH_H

#include <jansson.h>

#include "dist/dist_conn.h"

struct record_reach {
	int port;        /* 0: not given */
	int epmd_port;   /* 0: not given */
};

/* The reach fields of a record's object. 0, or -1 with why (a sentence
 * naming the field and the value) filled. */
int record_reach_parse(const json_t *fields, struct record_reach *out,
		       char *why, size_t why_size);

/* The connection settings for one target: base (the command line's)
 * with the record's reach in place. A record that gives "port" skips
 * EPMD; one that gives only "epmd_port" asks that EPMD even when the
 * command line said --port. What the record does not say stays. */
void record_reach_apply(const struct record_reach *r,
			const struct dist_conn_config *base,
			struct dist_conn_config *out);

#endif
