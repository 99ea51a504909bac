/* elect_child.h - run a command while a lease holds (dist-elect --run,
 * as `consul lock` and `etcdctl lock` run theirs): start it, renew the
 * lease on a schedule, stop it when the lease is lost.
 *
 * The command runs in its own process group, so that stopping it stops
 * what it started too (a shell script's children). A lost lease sends
 * SIGTERM to the group, then SIGKILL after the grace period. SIGTERM,
 * SIGINT and SIGHUP sent to us are passed on to the group; we keep the
 * lease until the command has ended. The command sees the term in
 * DIST_LEADER_TERM and the default signal actions.
 *
 * The lease is taken as valid until valid_until (our monotonic clock,
 * counted from before the call that took or renewed it); renewals come
 * every third of the lease; a renewal that cannot reach any member is
 * tried again every tenth of it until the lease runs out.
 */
#ifndef DIST_RUN_ELECT_CHILD_H
#define DIST_RUN_ELECT_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

struct elect_child_config {
	char *const *argv;          /* CMD ARGS..., NULL-terminated */
	int64_t term;               /* DIST_LEADER_TERM */
	int64_t lease_us;
	int64_t valid_until_us;     /* engine clock */
	int64_t grace_us;           /* SIGTERM to SIGKILL */
	/* Extend the lease: 1 renewed (*valid_until_us moved), 0 lost (it
	 * is someone else's, or gone), -1 no member answered. */
	int (*renew)(void *ctx, int64_t *valid_until_us);
	void *ctx;
};

struct elect_child_result {
	bool lost;         /* the lease was lost while the command ran */
	bool killed;       /* it outlived the grace period: SIGKILL */
	int wait_status;   /* as waitpid gives it */
};

/* 0 once the command has ended (result filled); -1 with err when it
 * could not be started (DIST_E_IO; err's message names it and why: a
 * missing command is ENOENT in errno_out) or waiting failed. */
int elect_child_run(const struct elect_child_config *cfg,
		    struct elect_child_result *res, int *errno_out,
		    struct dist_error *err);

#endif
