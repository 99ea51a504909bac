/* fuzz_codec_schema - the codec schema language (dist-rpc --codec,
 * --arg-codec): codec_parse.
 *
 * Invariants: a refusal has a typed code; an accepted schema prints as
 * canonical text that parses again and prints the same (what --help and
 * messages show is what a user can type back).
 */
#include "fuzz.h"

#include "codec/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	struct codec *c = codec_parse((const char *)data, size, NULL, &err), *c2;
	struct buf one, two;

	if (!c) {
		fuzz_check_error(&err);
		return 0;
	}
	buf_init(&one, 0);
	buf_init(&two, 0);
	FUZZ_CHECK(codec_print(c, &one) == 0);
	c2 = codec_parse((const char *)one.data, one.len, NULL, &err);
	FUZZ_CHECK(c2 != NULL);
	FUZZ_CHECK(codec_print(c2, &two) == 0);
	FUZZ_CHECK(one.len == two.len && !memcmp(one.data, two.data, one.len));
	buf_free(&one);
	buf_free(&two);
	codec_free(c);
	codec_free(c2);
	return 0;
}
