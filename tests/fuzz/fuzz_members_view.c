/* fuzz_members_view - a member's answer to dist-members' questions, as
 * a hostile node could send it: external-format bytes decoded under the
 * default limits, then read as a view and as an indirect probe's answer.
 *
 * Invariants:
 *  - a view decodes or fails with a typed error, never both;
 *  - a decoded view has a node, lists no more than the limit, a
 *    terminated release, and groups only for the 9-tuple;
 *  - members_view_free leaves nothing behind (LeakSanitizer), after
 *    success and after failure alike.
 */
#include "fuzz.h"

#include "cluster/members_view.h"
#include "etf/etf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct etf_arena *a = etf_arena_new();
	struct etf_term *t = NULL;
	struct dist_error err = { 0 };
	struct member_view v;
	enum members_indirect_answer ans;
	size_t used = 0;

	if (!a)
		return 0;
	if (etf_decode(data, size, &used, a, &etf_default_limits, &t,
		       &err) == 0) {
		if (members_view_decode(t, &v, &err) == 0) {
			FUZZ_CHECK(v.node != NULL);
			FUZZ_CHECK(v.nvisible <= MEMBERS_VIEW_NODES_MAX &&
				   v.nhidden <= MEMBERS_VIEW_NODES_MAX);
			FUZZ_CHECK(memchr(v.otp_release, '\0',
					  sizeof v.otp_release));
			FUZZ_CHECK((v.groups != NULL) ==
				   etf_is_tuple(t, 9));
		} else {
			fuzz_check_error(&err);
		}
		members_view_free(&v);
		if (members_indirect_decode(t, &ans, &err) < 0)
			fuzz_check_error(&err);
	}
	etf_arena_free(a);
	return 0;
}
