/* etf_roundtrip - driver of tests/etf/run-differential.
 *
 *   etf_roundtrip CORPUS RESULTS
 *
 * CORPUS holds terms as a real erl encoded them: u32 length + bytes, one
 * after another. For each, RESULTS gets one record:
 *   u8 0, then u32 length + bytes three times: our re-encoding, our ~w
 *   text and our pretty text;
 *   or u8 1, u32 length + the error ("code: message").
 * The erl side compares them with what OTP makes of the same term.
 */
#include "etf/etf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n + 1);
		if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return data;
}

static void put_field(FILE *out, const void *p, size_t n)
{
	uint8_t len[4];

	put_u32(len, (uint32_t)n);
	fwrite(len, 1, 4, out);
	fwrite(p, 1, n, out);
}

static void put_error(FILE *out, const struct dist_error *err)
{
	char msg[DIST_ERROR_MSG_MAX + 32];
	int n = snprintf(msg, sizeof msg, "%s: %s", dist_code_name(err->code),
			 err->message);

	fputc(1, out);
	put_field(out, msg, n > 0 ? (size_t)n : 0);
}

static void one_term(const uint8_t *p, size_t len, FILE *out)
{
	struct etf_arena *a = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t;
	struct buf enc, w, pretty;
	size_t used;

	buf_init(&enc, 0);
	buf_init(&w, 0);
	buf_init(&pretty, 0);
	if (!a || etf_decode(p, len, &used, a, NULL, &t, &err) ||
	    etf_encode(t, &enc, true, &err) ||
	    etf_print(t, &w, false, &err) ||
	    etf_print(t, &pretty, true, &err)) {
		put_error(out, &err);
	} else if (used != len) {
		err.code = DIST_E_PROTOCOL;
		snprintf(err.message, sizeof err.message,
			 "decode used %zu of %zu bytes", used, len);
		put_error(out, &err);
	} else {
		fputc(0, out);
		put_field(out, enc.data, enc.len);
		put_field(out, w.data, w.len);
		put_field(out, pretty.data, pretty.len);
	}
	buf_free(&enc);
	buf_free(&w);
	buf_free(&pretty);
	etf_arena_free(a);
}

int main(int argc, char **argv)
{
	size_t len, off = 0, n;
	uint8_t *corpus;
	FILE *out;

	if (argc != 3) {
		fprintf(stderr, "usage: etf_roundtrip CORPUS RESULTS\n");
		return 2;
	}
	corpus = slurp(argv[1], &len);
	out = fopen(argv[2], "wb");
	if (!corpus || !out) {
		fprintf(stderr, "etf_roundtrip: cannot open files\n");
		return 2;
	}
	while (len - off >= 4) {
		n = get_u32(corpus + off);
		off += 4;
		if (n > len - off) {
			fprintf(stderr, "etf_roundtrip: corpus truncated\n");
			return 2;
		}
		one_term(corpus + off, n, out);
		off += n;
	}
	free(corpus);
	return fclose(out) == 0 ? 0 : 2;
}
