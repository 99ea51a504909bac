/* elect_members.h - the expected members of an election: NODE
 * arguments, or records on stdin (the input of records.h), which may
 * carry dist-members' "status". A member named twice is one member;
 * its last record's status counts. A member whose name is not a valid
 * name@host is expected and never alive (reported, not fatal: one bad
 * entry of a discovery must not stop the cron job).
 */
#ifndef DIST_RUN_ELECT_MEMBERS_H
#define DIST_RUN_ELECT_MEMBERS_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"
#include "cluster/elect_choice.h"

struct elect_members {
	char **nodes;
	enum elect_status *status;
	size_t n;
};

/* Read from args (nargs > 0) or in. report gets each invalid name.
 * 0, or -1 with err: DIST_E_USAGE (a rejected input line, more than
 * ELECT_MEMBERS_MAX members), DIST_E_IO, DIST_E_NOMEM. */
int elect_members_read(char *const *args, int nargs, FILE *in,
		       void (*report)(const struct dist_error *err),
		       struct elect_members *m, struct dist_error *err);

void elect_members_free(struct elect_members *m);

#endif
