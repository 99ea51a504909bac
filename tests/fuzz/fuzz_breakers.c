/* fuzz_breakers - the "breakers" section of a --state file
 * (cluster/breaker.h), as dist-ping, dist-rpc and dist-connect read it.
 *
 * Invariants: an entry is refused with a typed error naming the node,
 * or loaded into a known state with counts that are not negative; a
 * loaded breaker goes through allow/record and is stored back without
 * failing, and what is stored loads again.
 */
#include "fuzz.h"

#include "cluster/breaker.h"
#include "cluster/state_file.h"

static const struct breaker_policy policy = { 3, 2, 1000 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	json_t *root = NULL, *sec;
	const char *key;
	json_t *v;
	void *tmp;

	if (state_file_parse("f.json", (const char *)data, size, &root,
			     &err) < 0)
		return 0;
	sec = json_object_get(json_object_get(root, "sections"), "breakers");
	json_object_foreach_safe(sec, tmp, key, v) {
		struct breaker b, c;
		/* Storing a clean breaker deletes the key: keep a copy. */
		char node[1024];

		snprintf(node, sizeof node, "%s", key);

		if (breaker_load(sec, node, &b, &err) < 0) {
			FUZZ_CHECK(err.code == DIST_E_USAGE &&
				   strstr(err.message, node));
			fuzz_check_error(&err);
			continue;
		}
		FUZZ_CHECK(b.state <= BREAKER_HALF_OPEN && b.failures >= 0 &&
			   b.successes >= 0);
		if (breaker_allow(&b, &policy, 5000))
			breaker_record(&b, &policy, size % 2, 5000);
		FUZZ_CHECK(breaker_store(sec, node, &b) == 0);
		FUZZ_CHECK(breaker_load(sec, node, &c, &err) == 0 &&
			   c.state == b.state);
	}
	json_decref(root);
	return 0;
}
