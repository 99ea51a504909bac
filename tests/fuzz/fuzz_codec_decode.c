/* fuzz_codec_decode - binaries a Gleam service (or anyone) sends, read
 * with a codec: codec_decode. The input is a schema, a newline, then
 * the binary.
 *
 * Invariants: a refusal has a typed code; a decoded value encodes again
 * under the same schema; without a subject (whose ETF may be spelled
 * several ways) to the very same bytes, and with one to bytes that
 * decode to an equal value.
 */
#include "fuzz.h"

#include "codec/codec.h"

static bool has_subject(const struct codec *c)
{
	if (!c)
		return false;
	if (c->kind == CODEC_SUBJECT)
		return true;
	return has_subject(c->sub[0]) || has_subject(c->sub[1]) ||
	       has_subject(c->sub[2]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct dist_error err = { 0 };
	struct codec_limits lim = codec_default_limits;
	struct codec *c;
	json_t *v, *v2;
	struct buf out;
	size_t at;

	if (!nl)
		return 0;
	at = (size_t)(nl - data) + 1;
	c = codec_parse((const char *)data, at - 1, NULL, &err);
	if (!c)
		return 0;
	lim.max_values = 100000;
	v = codec_decode(c, data + at, size - at, &lim, &err);
	if (!v) {
		fuzz_check_error(&err);
		codec_free(c);
		return 0;
	}
	buf_init(&out, 0);
	FUZZ_CHECK(codec_encode(c, v, &lim, &out, &err) == 0);
	if (!has_subject(c)) {
		FUZZ_CHECK(out.len == size - at);
		FUZZ_CHECK(!out.len || !memcmp(out.data, data + at, out.len));
	}
	v2 = codec_decode(c, out.data, out.len, &lim, &err);
	FUZZ_CHECK(v2 && json_equal(v, v2));
	json_decref(v2);
	json_decref(v);
	buf_free(&out);
	codec_free(c);
	return 0;
}
