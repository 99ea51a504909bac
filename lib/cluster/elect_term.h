/* elect_term.h - the term: a number that grows whenever the leader this
 * host observes changes, kept in the "elect" section of the --state
 * file, so a job can tell that a failover happened and pass the number
 * on as a fencing token. Pure: the caller opens and commits the file.
 *
 * The section holds one entry per election, keyed by --group (or by
 * the strategy's name when no group is given):
 *     "elect": {"nightly": {"leader": "app@b", "term": 7}}
 *
 * The rule, for an observed leader L (NULL: no leader this time):
 *   - no leader: nothing changes (a run without quorum is no failover);
 *   - L differs from the last leader recorded: term + 1;
 *   - L is the last leader: the term stays;
 * and the result is never below `floor`, the term a lease carries
 * (global): terms of different hosts meet at the lease's.
 */
#ifndef DIST_CLUSTER_ELECT_TERM_H
#define DIST_CLUSTER_ELECT_TERM_H

#include <stdint.h>

#include <jansson.h>

#include "base/error.h"

/* The largest term we keep: exact in JSON readers that use doubles. */
#define ELECT_TERM_MAX ((int64_t)1 << 53)
/* The longest key or leader name we keep (a node name is at most 255
 * characters of name and host). */
#define ELECT_NAME_MAX 1024

struct elect_term {
	char leader[ELECT_NAME_MAX + 1];  /* "" when none recorded */
	int64_t term;
};

/* Read key's entry of the section (a missing entry is term 0, no
 * leader). -1 with err (DIST_E_USAGE naming path) when the entry is
 * not what we write: its "leader" not a string of at most
 * ELECT_NAME_MAX bytes or null, its "term" not an integer in
 * 0..ELECT_TERM_MAX. */
int elect_term_load(json_t *section, const char *key, const char *path,
		    struct elect_term *t, struct dist_error *err);

/* Apply the rule above to t. Returns 1 when the term grew, else 0. */
int elect_term_observe(struct elect_term *t, const char *leader,
		       int64_t floor);

/* Write t back as key's entry. -1 when out of memory. */
int elect_term_store(json_t *section, const char *key,
		     const struct elect_term *t);

#endif
