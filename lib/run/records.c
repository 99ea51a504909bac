/* records.c - arguments or stdin lines in, JSON Lines out (records.h). */
#include "run/records.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_exact.h"
#include "dist/nodename.h"

/* How much of a rejected line an error message quotes. */
#define ECHO_MAX 60

struct record_reader {
	char *const *args;
	int nargs;
	int next_arg;
	FILE *in;
	long line;
	char *buf;
	size_t cap;
	bool skip_rest;    /* the last line was too long: drop its tail */
};

enum line_status {
	LINE_OK,
	LINE_EOF,
	LINE_TOO_LONG,
	LINE_IO_ERROR,
	LINE_NO_MEMORY,
};

struct record_reader *record_reader_new(char *const *args, int nargs,
					FILE *in)
{
	struct record_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->args = args;
	r->nargs = nargs > 0 ? nargs : 0;
	r->in = nargs > 0 ? NULL : in;
	return r;
}

void record_reader_free(struct record_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

void input_record_clear(struct input_record *rec)
{
	free(rec->node);
	json_decref(rec->fields);
	memset(rec, 0, sizeof(*rec));
}

/* ---- reading bounded lines -------------------------------------------- */

static bool reserve(struct record_reader *r, size_t need)
{
	size_t cap = r->cap ? r->cap : 256;
	char *p;

	if (need <= r->cap)
		return true;
	while (cap < need)
		cap *= 2;
	if (cap > RECORD_LINE_MAX + 1)
		cap = RECORD_LINE_MAX + 1;
	p = realloc(r->buf, cap);
	if (!p)
		return false;
	r->buf = p;
	r->cap = cap;
	return true;
}

static void skip_to_newline(FILE *in)
{
	int c;

	while ((c = getc_unlocked(in)) != EOF && c != '\n')
		;
}

/* Read one line without its '\n' into r->buf (NUL-terminated; *len
 * counts any NUL bytes inside). A line over RECORD_LINE_MAX stops
 * reading at once: a hostile endless line must cost neither memory nor
 * time before the error is reported. */
static enum line_status read_line(struct record_reader *r, size_t *len)
{
	size_t n = 0;
	bool got = false;
	int c;

	if (r->skip_rest) {
		skip_to_newline(r->in);
		r->skip_rest = false;
	}
	if (!reserve(r, 1))
		return LINE_NO_MEMORY;
	while ((c = getc_unlocked(r->in)) != EOF) {
		got = true;
		if (c == '\n')
			break;
		if (n == RECORD_LINE_MAX) {
			r->skip_rest = true;
			return LINE_TOO_LONG;
		}
		if (!reserve(r, n + 2))
			return LINE_NO_MEMORY;
		r->buf[n++] = (char)c;
	}
	if (c == EOF && ferror(r->in))
		return LINE_IO_ERROR;
	if (!got)
		return LINE_EOF;
	r->buf[n] = '\0';
	*len = n;
	return LINE_OK;
}

/* ---- one line to one record ------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* A short printable quotation of valid UTF-8 text for messages. */
static void echo_line(const char *s, char *dst, size_t size)
{
	size_t n = strlen(s), i;
	bool cut = false;

	if (n > ECHO_MAX) {
		n = ECHO_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;	/* never split a UTF-8 character */
		cut = true;
	}
	if (n + 4 > size)
		n = 0;
	for (i = 0; i < n; i++)
		dst[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	memcpy(dst + n, cut ? "..." : "", cut ? 4 : 1);
}

static int line_error(struct record_reader *r, struct dist_error *err,
		      const char *what, const char *detail)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "stdin line %ld: %s%s", r->line, what, detail);
}

/* The node as a C string. A NUL cannot travel in one: it becomes \x01,
 * which node_name_parse refuses as a control character (invalid_name,
 * as any NUL in a name must be), and record_output_new prints the
 * record's own text. */
static char *node_text(const json_t *node)
{
	size_t n = json_string_length(node), i;
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, json_string_value(node), n + 1);
	for (i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = '\x01';
	return s;
}

static int json_line(struct record_reader *r, const char *text, size_t len,
		     struct input_record *rec, struct dist_error *err)
{
	char why[160], echo[ECHO_MAX + 8], msg[ECHO_MAX + 40];
	json_error_t jerr;
	json_t *obj, *node;
	int rc;

	obj = json_exact_loadb(text, len, JSON_ALLOW_NUL, &jerr);
	if (!obj)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			"stdin line %ld: invalid JSON: %s (column %d)", r->line,
			jerr.text, jerr.column);
	node = json_object_get(obj, "node");
	/* A --stats summary from the previous program in the pipe is not
	 * a target: pass over it, as over a comment. */
	if (json_is_object(obj) && !node &&
	    json_is_true(json_object_get(obj, "summary"))) {
		json_decref(obj);
		return 0;
	}
	if (!json_is_object(obj) || !json_is_string(node)) {
		json_decref(obj);
		return line_error(r, err, "JSON record has no \"node\" string",
				  "");
	}
	rec->node = node_text(node);
	if (!rec->node) {
		json_decref(obj);
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	}
	rec->fields = obj;
	if (record_reach_parse(obj, &rec->reach, why, sizeof why) < 0) {
		echo_line(rec->node, echo, sizeof echo);
		snprintf(msg, sizeof msg, "record of %s: ", echo);
		rc = line_error(r, err, msg, why);
		input_record_clear(rec);
		return rc;
	}
	return 1;
}

static int bare_line(struct record_reader *r, const char *text,
		     struct input_record *rec, struct dist_error *err)
{
	char echo[ECHO_MAX + 8], msg[ECHO_MAX + 80];
	const char *p;

	for (p = text; *p; p++)
		if (is_blank(*p))
			break;
	if (*p || !strchr(text, '@')) {
		echo_line(text, echo, sizeof(echo));
		snprintf(msg, sizeof(msg), "'%s' is neither a node name "
			 "(name@host) nor a JSON object", echo);
		return line_error(r, err, msg, "");
	}
	rec->node = strdup(text);
	if (!rec->node)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	return 1;
}

/* 1: a record; 0: nothing on this line (blank or comment); -1: error. */
static int parse_line(struct record_reader *r, char *text, size_t len,
		      struct input_record *rec, struct dist_error *err)
{
	if (strlen(text) != len)
		return line_error(r, err, "contains a NUL byte", "");
	if (node_utf8_length(text) < 0)
		return line_error(r, err, "is not valid UTF-8", "");
	while (len > 0 && is_blank(text[len - 1]))
		text[--len] = '\0';	/* also drops the \r of CRLF */
	while (is_blank(*text)) {
		text++;
		len--;
	}
	if (!*text || *text == '#')
		return 0;
	rec->line = r->line;
	if (*text == '{')
		return json_line(r, text, len, rec, err);
	return bare_line(r, text, rec, err);
}

static int next_argument(struct record_reader *r, struct input_record *rec,
			 struct dist_error *err)
{
	const char *arg;

	if (r->next_arg >= r->nargs)
		return 0;
	arg = r->args[r->next_arg++];
	if (node_utf8_length(arg) < 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			"argument %d: not valid UTF-8", r->next_arg);
	rec->node = strdup(arg);
	if (!rec->node)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	return 1;
}

int record_reader_next(struct record_reader *r, struct input_record *rec,
		       struct dist_error *err)
{
	enum line_status st;
	size_t len = 0;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (r->nargs > 0)
		return next_argument(r, rec, err);
	if (!r->in)
		return 0;
	for (;;) {
		st = read_line(r, &len);
		if (st == LINE_EOF)
			return 0;
		if (st == LINE_IO_ERROR)
			return dist_error_set(err, DIST_E_IO, DIST_STAGE_INPUT,
				"cannot read stdin after line %ld: %s", r->line,
				strerror(errno));
		if (st == LINE_NO_MEMORY)
			return dist_error_set(err, DIST_E_NOMEM, DIST_STAGE_INPUT,
				"out of memory reading stdin line %ld",
				r->line + 1);
		r->line++;
		if (st == LINE_TOO_LONG)
			return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				"stdin line %ld: longer than %d bytes", r->line,
				RECORD_LINE_MAX);
		rc = parse_line(r, r->buf, len, rec, err);
		if (rc != 0)
			return rc;
	}
}

int record_parse_line(const char *line, size_t len, long lineno,
		      struct input_record *rec, struct dist_error *err)
{
	struct record_reader r = { .line = lineno };
	char *copy;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (len > RECORD_LINE_MAX)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "stdin line %ld: longer than %d bytes",
				      lineno, RECORD_LINE_MAX);
	copy = malloc(len + 1);
	if (!copy)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	memcpy(copy, line, len);
	copy[len] = '\0';
	rc = parse_line(&r, copy, len, rec, err);
	free(copy);
	return rc;
}

/* ---- output ----------------------------------------------------------- */

json_t *record_output_new(const struct input_record *in, const char *node)
{
	json_t *out = json_object(), *copy, *given = NULL;
	const char *key;
	json_t *value;

	if (in && node == in->node)
		given = json_object_get(in->fields, "node");
	if (!out || json_object_set_new(out, "node", json_is_string(given) ?
			json_copy(given) : json_string(node)) < 0)
		goto fail;
	if (!in || !json_is_object(in->fields))
		return out;
	json_object_foreach(in->fields, key, value) {
		if (!strcmp(key, "node"))
			continue;
		copy = json_deep_copy(value);
		if (json_object_set_new(out, key, copy) < 0)
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

static int write_text(json_t *rec, int indent, FILE *out);

int output_format_parse(const char *s)
{
	if (!strcmp(s, "json"))
		return OUTPUT_JSON;
	if (!strcmp(s, "pretty"))
		return OUTPUT_PRETTY;
	if (!strcmp(s, "text"))
		return OUTPUT_TEXT;
	return -1;
}

int record_write_as(json_t *rec, enum output_format f, FILE *out)
{
	if (f == OUTPUT_JSON)
		return record_write(rec, out);
	if (f != OUTPUT_PRETTY)
		return 0;
	return write_text(rec, 2, out);
}

int record_write(json_t *rec, FILE *out)
{
	return write_text(rec, 0, out);
}

/* Reals print as the shortest text that reads back as the same double,
 * numbers kept as text as they came (json_exact.h). */
static int write_text(json_t *rec, int indent, FILE *out)
{
	char *text = json_exact_dumps(rec, indent);
	size_t len;
	int rc = 0;

	if (!text) {
		errno = ENOMEM;
		return -1;
	}
	len = strlen(text);
	text[len] = '\n';	/* one write for the line: overwrite the NUL */
	if (fwrite(text, 1, len + 1, out) != len + 1 || fflush(out) == EOF)
		rc = -1;
	free(text);
	return rc;
}
