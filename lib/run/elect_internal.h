/* elect_internal.h - between the files of run/elect (see elect.h). */
#ifndef DIST_RUN_ELECT_INTERNAL_H
#define DIST_RUN_ELECT_INTERNAL_H

#include "run/elect.h"

/* alive[i] for each member: "alive" and "dead" records as they say,
 * the others pinged. 0, or -1 when the round itself failed. */
int elect_probe(const struct elect_run_config *c, char *const *nodes,
		const enum elect_status *status, bool *alive, size_t n,
		struct dist_error *err);

#endif
