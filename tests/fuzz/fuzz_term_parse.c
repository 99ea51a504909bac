/* fuzz_term_parse - Erlang term text as users type it (dist-rpc ARGS,
 * term options): term_parse and term_parse_args.
 *
 * Invariants:
 *  - a failure has a typed code (syntax, limit or memory);
 *  - a parsed term encodes, decodes again to an etf_equal term, and
 *    prints; printed with ~w and parsed again it is still etf_equal
 *    (what we show a user is what they can type back);
 *  - term_parse_args succeeds exactly when term_parse does and gives a
 *    list, [] or a string.
 *
 * Limits: the defaults, but 64 KiB of binaries in all instead of 64 MiB:
 * a short text can legally ask for the full 64 MiB, which only slows
 * the fuzzer down (corpus/term_parse/oom-* is the input that showed the
 * sum had no bound before max_binary became a total).
 */
#include "fuzz.h"

#include "etf/etf.h"
#include "term/term_parse.h"

static struct term_parse_limits fuzz_limits(void)
{
	struct term_parse_limits lim = term_parse_default_limits;

	lim.max_binary = 64 * 1024;
	return lim;
}

static void check_term(const struct etf_term *t)
{
	struct etf_arena *a2 = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t2 = NULL, *t3 = NULL;
	struct buf out;
	size_t used = 0;

	if (!a2)
		return;
	buf_init(&out, 0);
	FUZZ_CHECK(etf_encode(t, &out, true, &err) == 0);
	FUZZ_CHECK(etf_decode(out.data, out.len, &used, a2, NULL, &t2,
			      &err) == 0);
	FUZZ_CHECK(used == out.len);
	FUZZ_CHECK(etf_equal(t, t2));
	buf_reset(&out);
	FUZZ_CHECK(etf_print(t, &out, true, &err) == 0);
	buf_reset(&out);
	FUZZ_CHECK(etf_print(t, &out, false, &err) == 0);
	/* Only terms with a literal syntax come out of the parser, so
	 * their ~w text is always parseable. */
	if (term_parse((const char *)out.data, out.len, a2, NULL, &t3,
		       &err) != 0) {
		fprintf(stderr, "~w text does not parse back: %s\n%.*s\n",
			err.message, (int)out.len, (const char *)out.data);
		FUZZ_CHECK(!"printed term parses back");
	}
	FUZZ_CHECK(etf_equal(t, t3));
	buf_free(&out);
	etf_arena_free(a2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct etf_arena *a = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t = NULL, *args = NULL;
	struct term_parse_limits lim = fuzz_limits();
	int rc, rc_args;

	if (!a)
		return 0;
	rc = term_parse((const char *)data, size, a, &lim, &t, &err);
	if (rc == 0)
		check_term(t);
	else
		fuzz_check_error(&err);

	dist_error_clear(&err);
	rc_args = term_parse_args((const char *)data, size, a, &lim, &args,
				  &err);
	if (rc_args == 0) {
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(args->type == ETF_LIST || args->type == ETF_NIL ||
			   args->type == ETF_STRING);
		FUZZ_CHECK(etf_equal(t, args));
	} else {
		fuzz_check_error(&err);
	}
	etf_arena_free(a);
	return 0;
}
