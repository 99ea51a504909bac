/* records.h - the one input driver: targets from arguments, else JSON
 * Lines or bare names on stdin (DESIGN.md, Records).
 *
 * Input lines (stdin):
 *  - blank lines and lines whose first non-blank character is '#' are
 *    skipped;
 *  - a line whose first non-blank character is '{' must be a JSON object
 *    (duplicate keys refused) with a string "node"; a summary record of
 *    --stats ({"summary": true, ...} without "node") is skipped;
 *  - any other line, trimmed, must be one token containing '@': a
 *    plausible bare name. It is NOT validated here: the caller checks it
 *    with node_name_parse and emits an invalid_name failure record, so one
 *    bad entry does not stop a pipeline;
 *  - a JSON record's "port" and "epmd_port", when present, must be
 *    integers 1..65535 (reach.h): a wrong one is an input error naming
 *    the line and the node;
 *  - anything else, a line over RECORD_LINE_MAX bytes, a NUL byte, or
 *    text that is not UTF-8 is an input error naming the line.
 * A trailing "\r" (CRLF files) is dropped. Arguments are taken as names
 * as they are, except that they too must be UTF-8 (every node string
 * must fit in a JSON output record).
 *
 * After an input error the offending line has been consumed; the caller
 * usually stops (exit 2) but may call record_reader_next again.
 *
 * Output: record_output_new puts "node" first and carries every other
 * input field; the caller's json_object_set_new wins over carried ones.
 * record_write prints UTF-8 (not \u escapes), compact, one line, flushed.
 * Numbers are exact: a real is the shortest text that reads back as the
 * same double (0.84 stays "0.84", 0.1+0.2 is 0.30000000000000004), and
 * a number of the input that fits no C type (an integer beyond 64 bits,
 * 1e400) is carried through as its text (json_exact.h).
 *
 * A "node" string with a NUL inside cannot be a C string: rec->node has
 * the NUL as \x01, which node_name_parse refuses (invalid_name), and
 * the output record shows the text as given.
 */
#ifndef DIST_RECORDS_H
#define DIST_RECORDS_H

#include <stdio.h>

#include <jansson.h>

#include "base/error.h"
#include "run/reach.h"

#define RECORD_LINE_MAX (1024 * 1024)

struct input_record {
	char *node;        /* malloc'd node text exactly as given */
	json_t *fields;    /* the whole input object, or NULL for a bare name */
	long line;         /* 1-based stdin line number, 0 for arguments */
	struct record_reach reach; /* its "port", "epmd_port" (reach.h) */
};

struct record_reader;

/* nargs > 0: the arguments only; else read lines from in. NULL: no
 * memory. args and in must outlive the reader. */
struct record_reader *record_reader_new(char *const *args, int nargs,
					FILE *in);

/* 1: a record in *rec (free it with input_record_clear); 0: end of input;
 * -1: input error (DIST_E_USAGE, stage input, "stdin line 7: ...") or a
 * read error (DIST_E_IO) or no memory (DIST_E_NOMEM). */
int record_reader_next(struct record_reader *r, struct input_record *rec,
		       struct dist_error *err);

void input_record_clear(struct input_record *rec);

/* One line (without its newline) as the reader would take it, for
 * callers that read stdin themselves through the event loop: 1 record,
 * 0 nothing on the line (blank, comment), -1 input error. */
int record_parse_line(const char *line, size_t len, long lineno,
		      struct input_record *rec, struct dist_error *err);
void record_reader_free(struct record_reader *r);

/* A new object: "node" first, then the input's other fields in their
 * order. NULL if out of memory or node is not valid UTF-8. */
json_t *record_output_new(const struct input_record *in, const char *node);

/* One compact JSON line on out, flushed. 0, or -1 with errno (EPIPE...). */
int record_write(json_t *rec, FILE *out);

/* -o: JSON Lines (default), indented JSON, aligned text, or nothing. */
enum output_format { OUTPUT_JSON, OUTPUT_PRETTY, OUTPUT_TEXT, OUTPUT_QUIET };

/* "json" | "pretty" | "text"; -1 for anything else. */
int output_format_parse(const char *s);

/* A record in a JSON format: a compact line (OUTPUT_JSON) or indented
 * (OUTPUT_PRETTY), flushed; nothing for the other formats, whose lines
 * each program writes itself. 0, or -1 when the write failed. */
int record_write_as(json_t *rec, enum output_format f, FILE *out);

#endif
