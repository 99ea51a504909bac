/* codec.h - the binary codecs of Gleam's `distribute` library, from JSON
 * and back, described by a schema written as a Gleam user reads it.
 *
 * A Gleam service built on distribute accepts only binaries its codecs
 * made (distribute v4, src/distribute/codec.gleam, codec/composite.gleam,
 * codec/tagged.gleam). The schema names the codec:
 *
 *   tagged("auth", 1, tuple2(int, string))
 *
 * and is parsed into a tree (codec_parse) that encodes a JSON value into
 * the binary (codec_encode) or decodes a binary into JSON (codec_decode).
 * The wire format, big-endian throughout (dist(7), CODECS):
 *
 *   int       8 bytes, signed        float   8 bytes, IEEE-754 double
 *   bool      1 byte, 0 or 1          nil     no bytes
 *   string    u32 length + UTF-8      bitarray u32 length + bytes
 *   list(T)   u32 count + elements    subject u32 length + ETF of
 *                                              {subject, Pid, Tag}
 *   option(T) 0 | 1 T                 result(T, E)  0 T | 1 E
 *   tuple2(A, B)     u32 len(A) A B
 *   tuple3(A, B, C)  u32 len(A) A u32 len(B) B C
 *   tagged("t", V, T)  u32 len("t") "t" u32 V T
 *
 * JSON: int a number; float a number; bool true/false; nil null; string
 * a string; bitarray a string (its UTF-8) or {"$bin":"<base64>"}; list,
 * tuple2, tuple3 arrays; option null or the value ({"some": v} when the
 * value itself may be null); result {"ok": v} or {"error": e}; tagged
 * the payload alone (tag and version come from the schema); subject
 * the tagged JSON of the term {subject, Pid, Tag} (term_json.h).
 *
 * Decoding is strict as distribute's decoders are: no byte may be left
 * after the value, nor inside a tuple element's declared length. Errors
 * name the byte offset and what was expected there:
 *   DIST_E_CODEC_MISMATCH   the bytes do not match the schema
 *   DIST_E_TAG_MISMATCH     a tagged value carries another tag
 *   DIST_E_VERSION_MISMATCH a tagged value carries another version
 *   DIST_E_TOO_LARGE        a limit (list count, values, depth)
 *   DIST_E_INVALID_ARGS     a bad schema, or a JSON value that does not
 *                           fit it (encode; the message names the path)
 */
#ifndef DIST_CODEC_H
#define DIST_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/error.h"

enum codec_kind {
	CODEC_INT,
	CODEC_FLOAT,
	CODEC_BOOL,
	CODEC_NIL,
	CODEC_STRING,
	CODEC_BITARRAY,
	CODEC_SUBJECT,
	CODEC_LIST,
	CODEC_OPTION,
	CODEC_RESULT,
	CODEC_TUPLE2,
	CODEC_TUPLE3,
	CODEC_TAGGED,
};

struct codec {
	enum codec_kind kind;
	struct codec *sub[3];   /* element, ok/error, tuple members, payload */
	char *tag;              /* tagged: UTF-8, NUL-terminated */
	size_t tag_len;
	uint32_t version;       /* tagged */
};

struct codec_limits {
	size_t max_text;    /* schema text, bytes (4096) */
	size_t max_depth;   /* schema nesting (32) */
	size_t max_nodes;   /* codecs in one schema (256) */
	size_t max_list;    /* list elements, as distribute (10 000) */
	size_t max_values;  /* JSON values one decode may build (1 000 000):
			     * list(list(nil)) is 40 KB for 10^8 nulls */
	size_t max_binary;  /* encoded size (64 MiB) */
};
extern const struct codec_limits codec_default_limits;

/* Parse a schema (codec_schema.c). Leaves may carry "()" and any codec
 * a "codec.", "composite." or "tagged." prefix, so Gleam source pastes
 * as it is (tagged.codec("t", 1, codec.int())). NULL with err set:
 * DIST_E_INVALID_ARGS naming the column, DIST_E_TOO_LARGE, NOMEM. */
struct codec *codec_parse(const char *text, size_t len,
			  const struct codec_limits *lim,
			  struct dist_error *err);
void codec_free(struct codec *c);
/* The schema in canonical text (no prefixes, no "()"); 0 or -1. */
int codec_print(const struct codec *c, struct buf *out);

/* JSON to binary (codec_encode.c), appended to out. 0 or -1. */
int codec_encode(const struct codec *c, const json_t *value,
		 const struct codec_limits *lim, struct buf *out,
		 struct dist_error *err);

/* Binary to JSON (codec_decode.c): a new reference, or NULL. */
json_t *codec_decode(const struct codec *c, const uint8_t *data,
		     size_t len, const struct codec_limits *lim,
		     struct dist_error *err);

#endif
