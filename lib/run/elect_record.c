/* elect_record.c - what one election says: its record and its exit
 * status (see elect.h). */
#include "run/elect.h"

#include <string.h>

#include "base/error.h"

json_t *elect_result_record(const struct elect_request *rq,
			     const struct elect_result *res)
{
	json_t *r = json_object();

	json_object_set_new(r, "leader", res->leader ? json_string(res->leader)
						     : json_null());
	json_object_set_new(r, "term", res->has_term ? json_integer(res->term)
						     : json_null());
	json_object_set_new(r, "strategy",
			    json_string(elect_strategy_name(rq->strategy)));
	json_object_set_new(r, "quorum", json_integer((json_int_t)res->outcome.quorum));
	json_object_set_new(r, "alive", json_integer((json_int_t)res->outcome.alive));
	json_object_set_new(r, "expected",
			    json_integer((json_int_t)res->outcome.expected));
	if (res->term_changed)
		json_object_set_new(r, "changed", json_true());
	if (rq->group)
		json_object_set_new(r, "group", json_string(rq->group));
	if (rq->self)
		json_object_set_new(r, "is_leader", json_boolean(
			res->leader && !strcmp(res->leader, rq->self)));
	if (res->lease_known)
		json_object_set_new(r, "lease", json_pack(
			"{s:s, s:I, s:s?, s:s}", "status",
			elect_lease_status_name(res->lease.status), "left_ms",
			(json_int_t)res->lease.left_ms, "node",
			res->lease.lease_node[0] ? res->lease.lease_node : NULL,
			"via", res->via));
	return r;
}

const struct dist_error *elect_no_leader_error(const struct elect_result *res,
					       struct dist_error *err)
{
	if (res->outcome.alive < res->outcome.quorum)
		dist_error_set(err, DIST_E_USAGE, DIST_STAGE_NONE,
			       "no leader: %zu of %zu expected members alive, "
			       "%zu needed (quorum)", res->outcome.alive,
			       res->outcome.expected, res->outcome.quorum);
	else
		dist_error_set(err, DIST_E_USAGE, DIST_STAGE_NONE,
			       "no leader: nobody holds the lease");
	return err;
}

int elect_exit_status(const struct elect_request *rq,
		      const struct elect_result *res)
{
	enum elect_lease_status st = res->lease.status;

	if (res->outcome.alive < res->outcome.quorum)
		return DIST_EXIT_ENV;
	if (rq->op == LEASE_RELEASE)
		return st == LEASE_RELEASED || st == LEASE_FREE
			       ? DIST_EXIT_OK : DIST_EXIT_FAILED;
	if (rq->op == LEASE_RENEW)
		return st == LEASE_RENEWED ? DIST_EXIT_OK : DIST_EXIT_FAILED;
	/* --run starts its command on a lease it has just taken, never on
	 * one held under the same id by another run. */
	if (rq->for_run)
		return st == LEASE_ACQUIRED ? DIST_EXIT_OK : DIST_EXIT_FAILED;
	if (st == LEASE_BUSY && res->lease_known)
		return DIST_EXIT_FAILED;
	if (!res->leader)
		return DIST_EXIT_ENV;
	if (rq->self && strcmp(res->leader, rq->self) != 0)
		return DIST_EXIT_FAILED;
	return DIST_EXIT_OK;
}
