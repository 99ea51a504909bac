/* fuzz_records - the input records of every program: JSON Lines or bare
 * names on stdin.
 *
 * Two ways in: record_parse_line on the whole input as one line (the
 * event-loop readers), and record_reader_next over the input as a stream
 * of lines (fmemopen stands in for stdin), reading on after errors as a
 * caller may.
 *
 * Invariants: a record has a node that is valid UTF-8 (it must fit in a
 * JSON output record), so record_output_new succeeds and dumps; the line
 * numbers the reader reports only grow; an error has a typed code.
 */
#include "fuzz.h"

#include <jansson.h>

#include "dist/nodename.h"
#include "run/records.h"

static void check_record(const struct input_record *rec)
{
	json_t *out;
	char *text;

	FUZZ_CHECK(rec->node != NULL);
	FUZZ_CHECK(node_utf8_length(rec->node) >= 0);
	FUZZ_CHECK(rec->fields == NULL || json_is_object(rec->fields));
	out = record_output_new(rec, rec->node);
	FUZZ_CHECK(out != NULL);
	text = json_dumps(out, JSON_COMPACT);
	FUZZ_CHECK(text != NULL);
	free(text);
	json_decref(out);
}

static void stream(const uint8_t *data, size_t size)
{
	struct record_reader *r;
	struct input_record rec;
	struct dist_error err;
	long last = 0;
	FILE *in;
	int rc;

	if (size == 0)
		return;  /* fmemopen refuses an empty buffer */
	in = fmemopen((void *)(uintptr_t)data, size, "r");
	if (!in)
		return;
	r = record_reader_new(NULL, 0, in);
	if (r) {
		/* Every call consumes at least one line, so this ends. */
		for (;;) {
			dist_error_clear(&err);
			rc = record_reader_next(r, &rec, &err);
			if (rc == 0)
				break;
			if (rc > 0) {
				check_record(&rec);
				FUZZ_CHECK(rec.line > last);
				last = rec.line;
			} else {
				fuzz_check_error(&err);
				/* A read error would repeat forever. */
				if (err.code != DIST_E_USAGE)
					break;
			}
			input_record_clear(&rec);
		}
		record_reader_free(r);
	}
	fclose(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input_record rec;
	struct dist_error err = { 0 };
	int rc;

	rc = record_parse_line((const char *)data, size, 1, &rec, &err);
	if (rc > 0)
		check_record(&rec);
	else if (rc < 0)
		fuzz_check_error(&err);
	else
		FUZZ_CHECK(rec.node == NULL && rec.fields == NULL);
	input_record_clear(&rec);
	stream(data, size);
	return 0;
}
