/* fuzz_etf_json - a decoded term (any term a peer can send) turned into
 * JSON, both forms, as dist-rpc prints results.
 *
 * Invariants when the decode succeeds:
 *  - term_to_json_natural either succeeds or fails with a typed error
 *    (a limit), never crashes; its JSON dumps;
 *  - the tagged form is lossless (term_json.h): when it succeeds, its
 *    text loaded back (JSON_ALLOW_NUL, as documented) and read with
 *    term_from_json_tagged gives a term etf_equal to the original.
 *    One exception, by design: the node of a pid/port/ref and the
 *    module and function of fun M:F/A are C strings on the way back,
 *    so term_from_json_tagged refuses them (invalid_args) when they
 *    hold a NUL byte; exempt() allows that refusal.
 *  - a map with a repeated key never decodes (binary_to_term refuses
 *    it too), so it never reaches the JSON side.
 */
#include "fuzz.h"

#include <jansson.h>

#include "etf/etf.h"
#include "term/term_json.h"

static bool atom_has_nul(const struct etf_term *a)
{
	return a && a->type == ETF_ATOM && memchr(a->v.atom.name, '\0',
						  a->v.atom.len) != NULL;
}

/* Whether t holds one of the known exceptions above. Recursion is
 * bounded by the decode depth limit. */
static bool exempt(const struct etf_term *t)
{
	uint32_t i;

	switch (t->type) {
	case ETF_TUPLE:
		for (i = 0; i < t->v.tuple.arity; i++)
			if (exempt(t->v.tuple.elems[i]))
				return true;
		return false;
	case ETF_LIST:
		for (i = 0; i < t->v.list.len; i++)
			if (exempt(t->v.list.elems[i]))
				return true;
		return exempt(t->v.list.tail);
	case ETF_MAP:
		for (i = 0; i < t->v.map.arity; i++)
			if (exempt(t->v.map.keys[i]) ||
			    exempt(t->v.map.values[i]))
				return true;
		return false;
	case ETF_PID:
		return atom_has_nul(t->v.pid.node);
	case ETF_PORT:
		return atom_has_nul(t->v.port.node);
	case ETF_REF:
		return atom_has_nul(t->v.ref.node);
	case ETF_EXPORT:
		return atom_has_nul(t->v.export.module) ||
		       atom_has_nul(t->v.export.function);
	default:
		return false;
	}
}

static void check_dump(json_t *j)
{
	char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);

	FUZZ_CHECK(text != NULL);
	free(text);
}

static void check_tagged(const struct etf_term *t, json_t *j)
{
	struct etf_arena *a2 = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *back = NULL;
	json_error_t jerr;
	json_t *loaded;
	char *text;

	if (!a2)
		return;
	/* Through text, as a shell pipeline carries it. */
	text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	FUZZ_CHECK(text != NULL);
	loaded = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	FUZZ_CHECK(loaded != NULL);
	if (term_from_json_tagged(loaded, a2, NULL, &back, &err) != 0) {
		if (!exempt(t)) {
			fprintf(stderr, "tagged JSON does not read back: "
				"%s\n%s\n", err.message, text);
			FUZZ_CHECK(!"tagged JSON reads back");
		}
		FUZZ_CHECK(err.code == DIST_E_INVALID_ARGS);
	} else {
		FUZZ_CHECK(etf_equal(t, back));
	}
	json_decref(loaded);
	free(text);
	etf_arena_free(a2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct term_json_opts opts = { .local_node = NULL };
	struct etf_arena *a = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t = NULL;
	size_t used = 0;
	json_t *j;

	if (!a)
		return 0;
	if (etf_decode(data, size, &used, a, NULL, &t, &err) != 0) {
		etf_arena_free(a);
		return 0;
	}
	j = term_to_json_natural(t, &opts, &err);
	if (j) {
		check_dump(j);
		json_decref(j);
	} else {
		fuzz_check_error(&err);
	}
	opts.local_node = "fuzz@localhost";
	j = term_to_json_natural(t, &opts, &err);
	json_decref(j);
	dist_error_clear(&err);
	j = term_to_json_tagged(t, &opts, &err);
	if (j) {
		check_tagged(t, j);
		json_decref(j);
	} else {
		fuzz_check_error(&err);
	}
	etf_arena_free(a);
	return 0;
}
