/* term_tool - driver of tests/term/run-differential, and a hand tool.
 *
 *   term_tool diff < CORPUS     one term text per line; per line prints
 *                               "ok HEX RT" (HEX: etf_encode with the
 *                               version byte; RT: 1 when text -> tagged
 *                               JSON -> term encodes to the same bytes)
 *                               or "error CODE MESSAGE"
 *   term_tool natural TEXT      the natural JSON of a term text
 *   term_tool tagged TEXT       the tagged JSON of a term text
 *   term_tool print TEXT        the term printed back (~p style)
 */
#include "etf/etf.h"
#include "term/term_json.h"
#include "term/term_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int encode_hex(const struct etf_term *t, struct buf *hex,
		      struct dist_error *err)
{
	static const char digits[] = "0123456789abcdef";
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	if (etf_encode(t, &b, true, err)) {
		buf_free(&b);
		return -1;
	}
	for (i = 0; i < b.len; i++) {
		buf_put_u8(hex, (uint8_t)digits[b.data[i] >> 4]);
		buf_put_u8(hex, (uint8_t)digits[b.data[i] & 15]);
	}
	buf_put_u8(hex, 0);
	buf_free(&b);
	return hex->failed ? -1 : 0;
}

/* text -> tagged JSON -> text -> JSON -> term: the encoding must not move. */
static int tagged_round_trip(const struct etf_term *t, struct etf_arena *a,
			     const char *want_hex)
{
	struct dist_error err = { 0 };
	json_t *j = term_to_json_tagged(t, NULL, &err), *back;
	struct etf_term *u;
	struct buf hex;
	char *s;
	int same = 0;

	if (!j)
		return 0;
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	back = s ? json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL) : NULL;
	free(s);
	buf_init(&hex, 0);
	if (back && term_from_json_tagged(back, a, NULL, &u, &err) == 0 &&
	    encode_hex(u, &hex, &err) == 0)
		same = strcmp((char *)hex.data, want_hex) == 0;
	json_decref(back);
	buf_free(&hex);
	return same;
}

static void diff_line(const char *line, size_t len)
{
	struct etf_arena *a = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t;
	struct buf hex;

	buf_init(&hex, 0);
	if (!a || term_parse(line, len, a, NULL, &t, &err) ||
	    encode_hex(t, &hex, &err))
		printf("error %s %s\n", dist_code_name(err.code), err.message);
	else
		printf("ok %s %d\n", (char *)hex.data,
		       tagged_round_trip(t, a, (char *)hex.data));
	buf_free(&hex);
	etf_arena_free(a);
}

static int diff(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		diff_line(line, (size_t)n);
	}
	free(line);
	return 0;
}

static int show(const char *mode, const char *text)
{
	struct etf_arena *a = etf_arena_new();
	struct dist_error err = { 0 };
	struct etf_term *t;
	json_t *j = NULL;
	struct buf b;
	int rc = 1;

	buf_init(&b, 0);
	if (!a || term_parse(text, strlen(text), a, NULL, &t, &err))
		goto out;
	if (strcmp(mode, "print") == 0) {
		if (etf_print(t, &b, true, &err) == 0) {
			printf("%.*s\n", (int)b.len, (char *)b.data);
			rc = 0;
		}
		goto out;
	}
	j = strcmp(mode, "natural") == 0 ? term_to_json_natural(t, NULL, &err)
					 : term_to_json_tagged(t, NULL, &err);
	if (j && json_dumpf(j, stdout, JSON_COMPACT | JSON_ENCODE_ANY) == 0) {
		printf("\n");
		rc = 0;
	}
out:
	if (rc)
		fprintf(stderr, "term_tool: %s: %s\n", dist_code_name(err.code),
			err.message);
	json_decref(j);
	buf_free(&b);
	etf_arena_free(a);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "diff") == 0)
		return diff();
	if (argc == 3)
		return show(argv[1], argv[2]);
	fprintf(stderr, "usage: term_tool diff | natural|tagged|print TEXT\n");
	return 2;
}
