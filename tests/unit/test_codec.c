/* test_codec.c - distribute's codecs: the schema language, and bytes
 * pinned against the format read in distribute v4's source
 * (codec.gleam, codec/composite.gleam, codec/tagged.gleam). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_exact.h"
#include "codec/codec.h"
#include "tap.h"

static struct dist_error err;

static struct codec *schema(const char *text)
{
	struct codec *c = codec_parse(text, strlen(text), NULL, &err);

	if (!c)
		printf("# %s: %s\n", text, err.message);
	return c;
}

/* The schema's canonical text is want. */
static bool prints(const char *text, const char *want)
{
	struct codec *c = schema(text);
	struct buf b;
	bool same;

	buf_init(&b, 0);
	if (c)
		codec_print(c, &b);
	buf_put_u8(&b, 0);
	same = c && !strcmp((char *)b.data, want);
	if (c && !same)
		printf("# %s printed %s\n", text, (char *)b.data);
	buf_free(&b);
	codec_free(c);
	return same;
}

static bool refused(const char *text, enum dist_code code, const char *part)
{
	struct codec *c = schema(text);
	bool r = !c && err.code == code && strstr(err.message, part);

	if (!c && !r)
		printf("# %s: %s\n", text, err.message);
	codec_free(c);
	return r;
}

static void hex(const struct buf *b, char *out, size_t room)
{
	out[0] = '\0';
	for (size_t i = 0; i < b->len && 2 * i + 2 < room; i++)
		snprintf(out + 2 * i, 3, "%02x", b->data[i]);
}

/* json encoded with schema gives the bytes want (hex), and those bytes
 * decode back to back (compact JSON; NULL: json itself). */
static bool pinned(const char *sch, const char *json, const char *want,
		   const char *back)
{
	struct codec *c = schema(sch);
	json_error_t jerr;
	json_t *v = json_exact_loadb(json, strlen(json),
				     JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	json_t *d = NULL;
	char got[4096], *again = NULL;
	struct buf b;
	bool same = false;

	buf_init(&b, 0);
	if (!c || !v || codec_encode(c, v, NULL, &b, &err) < 0) {
		printf("# encode %s %s: %s\n", sch, json, err.message);
		goto out;
	}
	hex(&b, got, sizeof got);
	if (strcmp(got, want)) {
		printf("# %s %s -> %s\n", sch, json, got);
		goto out;
	}
	d = codec_decode(c, b.data, b.len, NULL, &err);
	again = d ? json_exact_dumps(d, 0) : NULL;
	same = again && !strcmp(again, back ? back : json);
	if (!same)
		printf("# decode %s -> %s (%s)\n", want, again ? again : "-",
		       err.message);
out:
	free(again);
	json_decref(d);
	json_decref(v);
	buf_free(&b);
	codec_free(c);
	return same;
}

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned v;

		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* The bytes (hex) are refused with code, the message containing part. */
static bool undecodable(const char *sch, const char *h, enum dist_code code,
			const char *part)
{
	struct codec *c = schema(sch);
	uint8_t bytes[1024];
	size_t n = unhex(h, bytes);
	json_t *d = c ? codec_decode(c, bytes, n, NULL, &err) : NULL;
	bool r = c && !d && err.code == code && strstr(err.message, part);

	if (c && !r)
		printf("# %s %s: %s (code %d)\n", sch, h,
		       d ? "decoded" : err.message, err.code);
	json_decref(d);
	codec_free(c);
	return r;
}

static bool unencodable(const char *sch, const char *json,
			enum dist_code code, const char *part)
{
	struct codec *c = schema(sch);
	json_error_t jerr;
	json_t *v = json_exact_loadb(json, strlen(json), JSON_DECODE_ANY,
				     &jerr);
	struct buf b;
	bool r;

	buf_init(&b, 0);
	r = c && v && codec_encode(c, v, NULL, &b, &err) < 0 &&
	    err.code == code && strstr(err.message, part);
	if (c && v && !r)
		printf("# %s %s: %s\n", sch, json, err.message);
	buf_free(&b);
	json_decref(v);
	codec_free(c);
	return r;
}

static void test_schema(void)
{
	ok(prints("int", "int"), "a leaf");
	ok(prints(" codec.int() ", "int"), "Gleam's spelling of a leaf");
	ok(prints("tagged.codec(\"auth\", 1, composite.tuple2(codec.int(), "
		  "codec.string()))", "tagged(\"auth\", 1, tuple2(int, string))"),
	   "Gleam source pastes as it is");
	ok(prints("result(list(option(bitarray)),tuple3(float,bool,nil))",
		  "result(list(option(bitarray)), tuple3(float, bool, nil))"),
	   "composites nest");
	ok(prints("tagged(\"a\\\"b\\u{e9}\", 4_294_967_295, subject)",
		  "tagged(\"a\\\"b\xc3\xa9\", 4294967295, subject)"),
	   "tag escapes and the largest version");
	ok(refused("tagged(\"a\", 4294967296, int)", DIST_E_INVALID_ARGS,
		   "unsigned 32-bit"), "a version beyond 32 bits");
	ok(refused("lists(int)", DIST_E_INVALID_ARGS, "column 1: expected a "
		   "codec"), "an unknown name, with its column");
	ok(refused("tuple2(int)", DIST_E_INVALID_ARGS, "column 11: expected ','"),
	   "a missing member");
	ok(refused("list", DIST_E_INVALID_ARGS, "expected '('"),
	   "a composite without arguments");
	ok(refused("int(int)", DIST_E_INVALID_ARGS, "no arguments"),
	   "a leaf with arguments");
	ok(refused("int int", DIST_E_INVALID_ARGS, "after the codec"),
	   "text after the codec");
	ok(refused("tagged(\"a, 1, int)", DIST_E_INVALID_ARGS, "unterminated"),
	   "an unterminated tag");
	ok(refused("", DIST_E_INVALID_ARGS, "expected a codec"), "nothing");

	char deep[512];
	size_t n = 0;

	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(deep + n, sizeof deep - n, "list(");
	n += (size_t)snprintf(deep + n, sizeof deep - n, "int");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(deep + n, sizeof deep - n, ")");
	ok(refused(deep, DIST_E_TOO_LARGE, "nested deeper than 32"),
	   "nesting is bounded");
}

static void test_bytes(void)
{
	ok(pinned("int", "1", "0000000000000001", NULL), "int: 8 bytes BE");
	ok(pinned("int", "-9223372036854775808", "8000000000000000", NULL),
	   "int: min int64");
	ok(pinned("int", "9223372036854775807", "7fffffffffffffff", NULL),
	   "int: max int64");
	ok(pinned("float", "1.5", "3ff8000000000000", NULL),
	   "float: IEEE-754 double BE");
	ok(pinned("float", "2", "4000000000000000", "2.0"),
	   "float: an integer is taken as a float");
	ok(pinned("bool", "true", "01", NULL), "bool true: 1");
	ok(pinned("bool", "false", "00", NULL), "bool false: 0");
	ok(pinned("nil", "null", "", NULL), "nil: no bytes");
	ok(pinned("string", "\"h\xc3\xa9\"", "00000003" "68c3a9", NULL),
	   "string: u32 byte length + UTF-8");
	ok(pinned("string", "\"a\\u0000b\"", "00000003" "610062", NULL),
	   "string: NUL inside");
	ok(pinned("bitarray", "{\"$bin\":\"/wA=\"}", "00000002" "ff00", NULL),
	   "bitarray: u32 length + bytes, base64 when not UTF-8");
	ok(pinned("bitarray", "\"ab\"", "00000002" "6162", NULL),
	   "bitarray: UTF-8 bytes as a string");
	ok(pinned("list(int)", "[1,2]", "00000002" "0000000000000001"
		  "0000000000000002", NULL), "list: u32 count + elements");
	ok(pinned("list(nil)", "[]", "00000000", NULL), "list: empty");
	ok(pinned("option(int)", "null", "00", NULL), "option None: 0");
	ok(pinned("option(int)", "7", "01" "0000000000000007", NULL),
	   "option Some: 1 + value");
	ok(pinned("option(nil)", "{\"some\":null}", "01", NULL),
	   "option of a nullable value: {\"some\": v}");
	ok(pinned("option(option(bool))", "{\"some\":null}", "0100", NULL),
	   "Some(None)");
	ok(pinned("result(int, string)", "{\"ok\":1}", "00" "0000000000000001",
		  NULL), "result Ok: 0 + value");
	ok(pinned("result(int, string)", "{\"error\":\"x\"}", "01" "00000001"
		  "78", NULL), "result Error: 1 + value");
	ok(pinned("tuple2(int, string)", "[1,\"a\"]", "00000008"
		  "0000000000000001" "00000001" "61", NULL),
	   "tuple2: u32 length of the first, first, second");
	ok(pinned("tuple3(bool, string, nil)", "[true,\"a\",null]",
		  "00000001" "01" "00000005" "0000000161", NULL),
	   "tuple3: two lengths, the last bare");
	ok(pinned("tagged(\"auth\", 1, tuple2(int, string))", "[5,\"\"]",
		  "00000004" "61757468" "00000001" "00000008" "0000000000000005"
		  "00000000", NULL),
	   "tagged: u32 tag length, tag, u32 version, payload");
	ok(pinned("subject", "{\"$tuple\":[{\"$atom\":\"subject\"},{\"$pid\":"
		  "{\"node\":\"a@h\",\"id\":1,\"serial\":0,\"creation\":3}},"
		  "\"svc\"]}",
		  "00000026" "83" "6803" "7707" "7375626a656374" "58" "770361"
		  "4068" "00000001" "00000000" "00000003" "6d00000003" "737663",
		  NULL), "subject: u32 length + ETF of {subject, Pid, Tag}");
}

static void test_decode_errors(void)
{
	ok(undecodable("int", "000000", DIST_E_CODEC_MISMATCH,
		       "at byte 0: expected an int (8 bytes), 3 left"),
	   "a truncated int, with its offset");
	ok(undecodable("tuple2(int, string)", "00000008" "0000000000000001"
		       "00000005" "61", DIST_E_CODEC_MISMATCH,
		       "at byte 16: expected a string of 5 bytes, 1 left"),
	   "a truncated string inside a tuple");
	ok(undecodable("int", "00000000000000" "0101", DIST_E_CODEC_MISMATCH,
		       "at byte 8: 1 bytes left after the value"),
	   "trailing bytes at top level");
	ok(undecodable("nil", "00", DIST_E_CODEC_MISMATCH, "at byte 0: 1 "
		       "bytes left"), "nil at top level is strict");
	ok(undecodable("option(int)", "0000", DIST_E_CODEC_MISMATCH,
		       "at byte 1"), "None followed by a byte");
	ok(undecodable("tuple2(int, nil)", "00000009" "0000000000000001" "ff",
		       DIST_E_CODEC_MISMATCH, "at byte 12: 1 bytes left inside "
		       "the tuple2 first"), "a byte smuggled inside a tuple");
	ok(undecodable("bool", "02", DIST_E_CODEC_MISMATCH, "found 2"),
	   "a bool is 0 or 1");
	ok(undecodable("option(int)", "02", DIST_E_CODEC_MISMATCH,
		       "0 (None) or 1 (Some), found 2"), "an option byte");
	ok(undecodable("result(int, int)", "05", DIST_E_CODEC_MISMATCH,
		       "0 (Ok) or 1 (Error)"), "a result byte");
	ok(undecodable("float", "7ff8000000000000", DIST_E_CODEC_MISMATCH,
		       "NaN or infinite"), "NaN, as Erlang's <<F:float>>");
	ok(undecodable("string", "00000001" "ff", DIST_E_CODEC_MISMATCH,
		       "at byte 4: a string that is not UTF-8"),
	   "a string that is not UTF-8");
	ok(undecodable("tagged(\"auth\", 1, int)", "00000004" "61757468"
		       "00000002" "0000000000000001", DIST_E_VERSION_MISMATCH,
		       "at byte 8: tag \"auth\" expected version 1, found 2"),
	   "another version: version_mismatch");
	ok(undecodable("tagged(\"auth\", 1, int)", "00000004" "61757458"
		       "00000002" "0000000000000001", DIST_E_TAG_MISMATCH,
		       "expected tag \"auth\", found \"autX\""),
	   "another tag: tag_mismatch, checked before the version");
	ok(undecodable("list(nil)", "00002711", DIST_E_TOO_LARGE,
		       "10001 elements; distribute refuses more than 10000"),
	   "a list over 10 000");
	ok(undecodable("subject", "00000003" "836105", DIST_E_CODEC_MISMATCH,
		       "a subject {subject, Pid, Tag}"),
	   "a subject that is another term");
	ok(undecodable("subject", "00000002" "8361", DIST_E_CODEC_MISMATCH,
		       "at byte 4: a subject in external term format"),
	   "a subject that is no term");
	ok(undecodable("list(list(nil))", "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710" "00002710" "00002710" "00002710"
		       "00002710" "00002710", DIST_E_TOO_LARGE,
		       "more than 1000000 values"),
	   "nulls amplified by nested lists are bounded");
}

static void test_encode_errors(void)
{
	ok(unencodable("int", "9223372036854775808", DIST_E_INVALID_ARGS,
		       "out of the signed 64-bit range"), "int beyond int64");
	ok(unencodable("tuple2(int, list(string))", "[1,[\"a\",2]]",
		       DIST_E_INVALID_ARGS, "$[1][1]: expected a string, not "
		       "an integer"), "the JSON path of a wrong value");
	ok(unencodable("result(int, int)", "{\"okay\":1}", DIST_E_INVALID_ARGS,
		       "{\"ok\": VALUE}"), "a result needs ok or error");
	ok(unencodable("option(nil)", "1", DIST_E_INVALID_ARGS, "{\"some\""),
	   "option of nil needs {\"some\": null}");
	ok(unencodable("tuple3(int, int, int)", "[1,2]", DIST_E_INVALID_ARGS,
		       "an array of 3"), "a tuple of the wrong size");
	ok(unencodable("subject", "\"x\"", DIST_E_INVALID_ARGS, "a subject"),
	   "a subject that is not one");

	struct codec *c = schema("list(nil)");
	json_t *big = json_array();
	struct buf b;

	for (int i = 0; i < 10001; i++)
		json_array_append_new(big, json_null());
	buf_init(&b, 0);
	ok(c && codec_encode(c, big, NULL, &b, &err) < 0 &&
	   err.code == DIST_E_TOO_LARGE && strstr(err.message, "10001"),
	   "a list over 10 000 is not encoded either");
	json_array_remove(big, 0);
	buf_reset(&b);
	ok(c && codec_encode(c, big, NULL, &b, &err) == 0 && b.len == 4,
	   "10 000 is the cap, included");
	buf_free(&b);
	json_decref(big);
	codec_free(c);
}

int main(void)
{
	test_schema();
	test_bytes();
	test_decode_errors();
	test_encode_errors();
	return tap_done();
}
