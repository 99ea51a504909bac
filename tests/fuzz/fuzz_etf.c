/* fuzz_etf - etf_decode on hostile bytes, under the default limits (what
 * a peer's messages get).
 *
 * Invariants when the decode succeeds:
 *  - it consumed at most the input;
 *  - the term equals and compares equal to itself;
 *  - etf_encode succeeds and its output decodes again, completely, to
 *    an etf_equal term (what we send is what we read);
 *  - etf_print succeeds in both forms and with a local node name.
 */
#include "fuzz.h"

#include "etf/etf.h"

static void check_print(const struct etf_term *t)
{
	struct etf_print_opts opts = { .pretty = false,
				       .local_node = "fuzz@localhost" };
	struct dist_error err = { 0 };
	struct buf out;

	buf_init(&out, 0);
	FUZZ_CHECK(etf_print(t, &out, false, &err) == 0);
	buf_reset(&out);
	FUZZ_CHECK(etf_print(t, &out, true, &err) == 0);
	buf_reset(&out);
	FUZZ_CHECK(etf_print_with(t, &out, &opts, &err) == 0);
	buf_free(&out);
}

static void check_reencode(const struct etf_term *t)
{
	struct etf_arena *a2 = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t2 = NULL;
	struct buf enc;
	size_t used = 0;

	if (!a2)
		return;
	buf_init(&enc, 0);
	FUZZ_CHECK(etf_encode(t, &enc, true, &err) == 0);
	FUZZ_CHECK(!enc.failed);
	FUZZ_CHECK(etf_decode(enc.data, enc.len, &used, a2, NULL, &t2,
			      &err) == 0);
	FUZZ_CHECK(used == enc.len);
	FUZZ_CHECK(etf_equal(t, t2));
	FUZZ_CHECK(etf_compare(t, t2) == 0);
	buf_free(&enc);
	etf_arena_free(a2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct etf_arena *a = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t = NULL;
	size_t used = 0;

	if (!a)
		return 0;
	if (etf_decode(data, size, &used, a, NULL, &t, &err) == 0) {
		FUZZ_CHECK(t != NULL);
		FUZZ_CHECK(used >= 2 && used <= size);
		FUZZ_CHECK(etf_equal(t, t));
		FUZZ_CHECK(etf_compare(t, t) == 0);
		check_reencode(t);
		check_print(t);
	} else {
		fuzz_check_error(&err);
	}
	etf_arena_free(a);
	return 0;
}
