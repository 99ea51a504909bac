/* fuzz_elect - what dist-elect reads from outside besides records: a
 * lease's answer (the evaluation's result from a member, as natural
 * JSON) and its entry in the "elect" section of a --state file.
 *
 * Invariants: either is accepted within its limits (names fit their
 * buffers and are NUL-free, terms and times in range, a holding status
 * has a holder), or refused with a typed error; never a crash.
 */
#include "fuzz.h"

#include "base/json_exact.h"
#include "cluster/elect_lease.h"
#include "cluster/elect_term.h"

static void check_answer(const json_t *doc)
{
	struct elect_lease_answer a;
	struct dist_error err = { 0 };

	if (elect_lease_answer_parse(doc, "n@h", &a, &err) == 0) {
		FUZZ_CHECK(strlen(a.holder) <= ELECT_ID_MAX);
		FUZZ_CHECK(a.term >= 0 && a.term <= ELECT_TERM_MAX);
		FUZZ_CHECK(a.left_ms >= 0 && a.left_ms <= ELECT_LEASE_MAX_MS);
		FUZZ_CHECK(a.status == LEASE_FREE || a.status == LEASE_BUSY ||
			   a.holder[0]);
		FUZZ_CHECK(elect_lease_status_name(a.status) != NULL);
	} else {
		FUZZ_CHECK(err.code == DIST_E_PROTOCOL);
		fuzz_check_error(&err);
	}
}

static void check_entry(json_t *doc)
{
	struct elect_term t;
	struct dist_error err = { 0 };
	json_t *section = json_pack("{s:O}", "g", doc);

	if (!section)
		return;
	if (elect_term_load(section, "g", "f.json", &t, &err) == 0) {
		FUZZ_CHECK(t.term >= 0 && t.term <= ELECT_TERM_MAX);
		FUZZ_CHECK(strlen(t.leader) <= ELECT_NAME_MAX);
		/* What we read we can observe and write back. */
		elect_term_observe(&t, "x@h", t.term);
		FUZZ_CHECK(elect_term_store(section, "g", &t) == 0);
	} else {
		FUZZ_CHECK(err.code == DIST_E_USAGE &&
			   strstr(err.message, "f.json"));
		fuzz_check_error(&err);
	}
	json_decref(section);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *doc;

	if (size > 64 * 1024)
		return 0;
	doc = json_exact_loadb((const char *)data, size,
			       JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!doc)
		return 0;
	check_answer(doc);
	check_entry(doc);
	json_decref(doc);
	return 0;
}
