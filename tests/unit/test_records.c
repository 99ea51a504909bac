/* test_records.c - the input driver: arguments, stdin lines, output. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/records.h"
#include "tap.h"

static struct dist_error err;

/* Read text as stdin; collect "node|line;" for records and stop at the
 * first error, leaving it in err. Returns the last reader result. */
static int run(const char *text, size_t len, char *got, size_t size)
{
	FILE *in = fmemopen((void *)text, len, "r");
	struct record_reader *r = record_reader_new(NULL, 0, in);
	struct input_record rec;
	int rc;

	got[0] = '\0';
	dist_error_clear(&err);
	while ((rc = record_reader_next(r, &rec, &err)) == 1) {
		snprintf(got + strlen(got), size - strlen(got), "%s|%ld%s;",
			 rec.node, rec.line, rec.fields ? "j" : "");
		input_record_clear(&rec);
	}
	record_reader_free(r);
	fclose(in);
	return rc;
}

static bool reads(const char *text, const char *want)
{
	char got[1024];
	int rc = run(text, strlen(text), got, sizeof(got));

	if (rc != 0 || strcmp(got, want)) {
		printf("# rc %d got '%s' err '%s'\n", rc, got, err.message);
		return false;
	}
	return true;
}

static bool rejects(const char *text, const char *want_got,
		    const char *want_msg)
{
	char got[1024];
	int rc = run(text, strlen(text), got, sizeof(got));

	if (rc != -1 || strcmp(got, want_got) || err.code != DIST_E_USAGE ||
	    err.stage != DIST_STAGE_INPUT || !strstr(err.message, want_msg)) {
		printf("# rc %d got '%s' err '%s'\n", rc, got, err.message);
		return false;
	}
	return true;
}

static void test_lines(void)
{
	ok(reads("a@h\nb@h\n", "a@h|1;b@h|2;"), "bare names");
	ok(reads("a@h", "a@h|1;"), "no final newline");
	ok(reads("", ""), "empty input");
	ok(reads("\n\n  \n\t\n", ""), "blank lines skipped");
	ok(reads("# c\n  # indented\na@h\n", "a@h|3;"), "comments skipped");
	ok(reads("  a@h  \r\n", "a@h|1;"), "trimmed, CRLF");
	ok(reads("{\"node\":\"a@h\",\"x\":1}\n", "a@h|1j;"), "JSON record");
	ok(reads("  {\"node\": \"a@h\"}  \n", "a@h|1j;"), "JSON with blanks");
	ok(rejects("bad name@h\n", "", "'bad name@h' is neither"),
	   "a space makes it not a name");
	ok(reads("@\n", "@|1;"), "invalid but plausible names are records");
	ok(reads("app@\nx@y@z\n", "app@|1;x@y@z|2;"),
	   "validity is the caller's business");
	ok(reads("{\"node\":\"\"}\n", "|1j;"), "empty node string is a record");

	ok(rejects("a@h\nhello world\n", "a@h|1;",
		   "stdin line 2: 'hello world' is neither a node name "
		   "(name@host) nor a JSON object"), "words refused with line no.");
	ok(rejects("hello\n", "", "stdin line 1: 'hello'"), "no '@'");
	ok(rejects("a@h b@h\n", "", "neither"), "two names on a line");
	ok(rejects("{\"x\":1}\n", "", "stdin line 1: JSON record has no "
		   "\"node\" string"), "JSON without node");
	ok(rejects("\n{\"node\":5}\n", "", "stdin line 2: JSON record has no "
		   "\"node\" string"), "node not a string");
	ok(rejects("{\"node\":\"a@h\"\n", "", "stdin line 1: invalid JSON"),
	   "broken JSON");
	ok(rejects("{\"node\":\"a@h\",\"node\":\"b@h\"}\n", "",
		   "invalid JSON"), "duplicate keys refused");
	ok(rejects("{\"node\":\"a@h\"} x\n", "", "invalid JSON"),
	   "trailing garbage after JSON");
	ok(reads("{\"node\":\"a\\u0000b@h\"}\n", "a\x01" "b@h|1j;"),
	   "\\u0000 in a node: a record, its name refused later");
	ok(rejects("a@h\xff\n", "", "stdin line 1: is not valid UTF-8"),
	   "invalid UTF-8");
	ok(rejects("x\x01y z\n", "", "'x?y z'"), "control characters not echoed");
	{
		char line[300];

		memset(line, 'w', sizeof(line));
		line[5] = ' ';
		line[sizeof(line) - 2] = '\n';
		line[sizeof(line) - 1] = '\0';
		ok(rejects(line, "", "...' is neither") &&
		   strlen(err.message) < 160, "long bad line quoted briefly");
	}
}

static void test_nul_and_limits(void)
{
	static const char nul[] = "a@h\nb\0c@h\nd@h\n";
	char got[1024], *big;
	size_t n = RECORD_LINE_MAX;
	FILE *in;
	struct record_reader *r;
	struct input_record rec;
	int rc;

	rc = run(nul, sizeof(nul) - 1, got, sizeof(got));
	ok(rc == -1 && !strcmp(got, "a@h|1;") &&
	   strstr(err.message, "stdin line 2: contains a NUL byte"),
	   "NUL byte refused: %s", err.message);

	/* A line of exactly the limit is fine; one byte more is not, and
	 * the reader can go on with the next line. */
	big = malloc(2 * n + 16);
	memset(big, 'a', n);
	big[n - 2] = '@';
	big[n] = '\n';
	memcpy(big + n + 1, "x@y\n", 4);
	in = fmemopen(big, n + 5, "r");
	r = record_reader_new(NULL, 0, in);
	rc = record_reader_next(r, &rec, &err);
	ok(rc == 1 && strlen(rec.node) == n, "a 1 MiB line is accepted");
	input_record_clear(&rec);
	rc = record_reader_next(r, &rec, &err);
	ok(rc == 1 && !strcmp(rec.node, "x@y") && rec.line == 2, "next line");
	input_record_clear(&rec);
	record_reader_free(r);
	fclose(in);

	memset(big, 'a', n + 1);
	big[5] = '@';
	memcpy(big + n + 1, "\nx@y\n", 5);
	in = fmemopen(big, n + 6, "r");
	r = record_reader_new(NULL, 0, in);
	rc = record_reader_next(r, &rec, &err);
	ok(rc == -1 && err.code == DIST_E_USAGE &&
	   strstr(err.message, "stdin line 1: longer than 1048576 bytes"),
	   "over 1 MiB refused: %s", err.message);
	rc = record_reader_next(r, &rec, &err);
	ok(rc == 1 && !strcmp(rec.node, "x@y") && rec.line == 2,
	   "reading resumes after the long line");
	input_record_clear(&rec);
	ok(record_reader_next(r, &rec, &err) == 0, "then end of input");
	record_reader_free(r);
	fclose(in);
	free(big);
}

static void test_args(void)
{
	char *args[] = { "a@h", "{\"node\":\"x\"}", "", "b@h", "c\xff" };
	struct record_reader *r = record_reader_new(args, 5, stdin);
	struct input_record rec;
	int rc;

	rc = record_reader_next(r, &rec, &err);
	ok(rc == 1 && !strcmp(rec.node, "a@h") && !rec.fields && rec.line == 0,
	   "argument");
	input_record_clear(&rec);
	rc = record_reader_next(r, &rec, &err);
	ok(rc == 1 && !strcmp(rec.node, "{\"node\":\"x\"}") && !rec.fields,
	   "arguments are names as given, not JSON");
	input_record_clear(&rec);
	rc = record_reader_next(r, &rec, &err);
	ok(rc == 1 && !strcmp(rec.node, ""), "empty argument is a record");
	input_record_clear(&rec);
	rc = record_reader_next(r, &rec, &err);
	input_record_clear(&rec);
	rc = record_reader_next(r, &rec, &err);
	ok(rc == -1 && strstr(err.message, "argument 5: not valid UTF-8"),
	   "invalid UTF-8 argument");
	ok(record_reader_next(r, &rec, &err) == 0, "end of arguments");
	record_reader_free(r);
	record_reader_free(NULL);
}

/* record_write of obj into a string. */
static char *written(json_t *obj)
{
	static char out[2048];
	FILE *f = fmemopen(out, sizeof(out), "w");
	int rc = record_write(obj, f);

	fclose(f);
	return rc == 0 ? out : NULL;
}

static void test_output(void)
{
	struct input_record in = { 0 };
	json_t *o;
	char *s;

	in.fields = json_loads("{\"x\":1,\"node\":\"old@h\",\"y\":{\"z\":[1,2]},"
			       "\"big\":9007199254740993,\"ok\":true,"
			       "\"name\":\"h\\u00e9llo\"}",
			       JSON_REJECT_DUPLICATES, NULL);
	o = record_output_new(&in, "new@h");
	json_object_set_new(o, "ok", json_false());
	json_object_set_new(o, "rtt_ms", json_real(0.84));
	s = written(o);
	ok(s && !strcmp(s, "{\"node\":\"new@h\",\"x\":1,\"y\":{\"z\":[1,2]},"
			"\"big\":9007199254740993,\"ok\":false,"
			"\"name\":\"h\xc3\xa9llo\",\"rtt_ms\":0.84}\n"),
	   "node first, fields carried, caller wins, UTF-8, compact");
	json_object_set_new(json_object_get(o, "y"), "w", json_true());
	ok(!json_object_get(json_object_get(in.fields, "y"), "w"),
	   "output is a copy");
	json_decref(o);
	json_decref(in.fields);

	o = record_output_new(NULL, "a@h");
	s = written(o);
	ok(s && !strcmp(s, "{\"node\":\"a@h\"}\n"), "no input record");
	json_decref(o);
	in.fields = NULL;
	o = record_output_new(&in, "a@h");
	ok(o && json_object_size(o) == 1, "bare name record");
	json_decref(o);
	ok(record_output_new(NULL, "bad\xff") == NULL, "invalid UTF-8 node");

	{
		FILE *f = fopen("/dev/full", "w");

		o = record_output_new(NULL, "a@h");
		ok(f && record_write(o, f) == -1 && errno == ENOSPC,
		   "write errors are reported");
		json_decref(o);
		if (f)
			fclose(f);
	}
}

/* A record's own "port" and "epmd_port" (reach.h): checked as the
 * line is read, applied per target over the command line's. */
static void test_reach(void)
{
	struct input_record rec;
	struct dist_conn_config base = { .epmd_port = 4369 }, got;
	const char *line = "{\"node\":\"a@h\",\"port\":4370,"
			   "\"epmd_port\":5000}";

	ok(record_parse_line(line, strlen(line), 1, &rec, &err) == 1 &&
	   rec.reach.port == 4370 && rec.reach.epmd_port == 5000,
	   "port and epmd_port read");
	record_reach_apply(&rec.reach, &base, &got);
	ok(got.direct_port == 4370, "a record's port skips EPMD");
	input_record_clear(&rec);
	line = "{\"node\":\"a@h\",\"epmd_port\":5000,\"port\":null}";
	ok(record_parse_line(line, strlen(line), 1, &rec, &err) == 1 &&
	   rec.reach.port == 0, "null is not given");
	base.direct_port = 9999;
	record_reach_apply(&rec.reach, &base, &got);
	ok(got.direct_port == 0 && got.epmd_port == 5000,
	   "epmd_port alone asks that EPMD, over --port");
	input_record_clear(&rec);
	ok(reads("a@h\n{\"node\":\"b@h\"}\n", "a@h|1;b@h|2j;"),
	   "no reach fields: nothing changes");
	record_reach_apply(&(struct record_reach){ 0, 0 }, &base, &got);
	ok(got.direct_port == 9999 && got.epmd_port == 4369,
	   "the command line's settings stay");
	ok(rejects("a@h\n{\"node\":\"b@h\",\"port\":0}\n", "a@h|1;",
		   "stdin line 2: record of b@h: \"port\" (the node's "
		   "distribution port) must be 1..65535, not 0"), "port 0");
	ok(rejects("{\"node\":\"b@h\",\"port\":70000}\n", "",
		   "must be 1..65535, not 70000"), "port 70000");
	ok(rejects("{\"node\":\"b@h\",\"port\":\"abc\"}\n", "",
		   "\"port\" (the node's distribution port) must be an "
		   "integer 1..65535, not a string"), "port as a string");
	ok(rejects("{\"node\":\"b@h\",\"port\":1.5}\n", "",
		   "not a fraction"), "port 1.5");
	ok(rejects("{\"node\":\"b@h\",\"epmd_port\":-1}\n", "",
		   "\"epmd_port\" (the EPMD to ask for the node) must be "
		   "1..65535, not -1"), "epmd_port -1");
	ok(rejects("{\"node\":\"b@h\",\"port\":1e400}\n", "",
		   "a number beyond 64 bits"), "port beyond any C type");
}

int main(void)
{
	test_lines();
	test_nul_and_limits();
	test_args();
	test_output();
	test_reach();
	return tap_done();
}
