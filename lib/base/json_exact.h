/* json_exact.h - JSON in and out without losing numbers.
 *
 * jansson prints reals with a fixed number of digits (17 by default, so
 * 0.1 comes out as 0.10000000000000001 and 15 loses doubles), and it
 * refuses valid JSON numbers that fit no C type (an integer beyond
 * int64, 1e400). So:
 *
 *  - json_exact_dump prints like json_dumps (same escapes, same compact
 *    and indented layouts) except that every real is the shortest text
 *    that reads back as the same double (float_text.h), and a number
 *    kept as text is printed as that text;
 *  - json_exact_loadb parses like json_loadb, except that a number that
 *    fits neither json_int_t nor a finite double is kept as its text:
 *    a record carries it through byte for byte, and a reader that needs
 *    a value (term_json_read.c: a big integer becomes a bignum) asks
 *    json_number_text for it.
 *
 * A number kept as text is a JSON object whose one key is not UTF-8, so
 * no parsed document and no json_object_set can hold one like it; code
 * that expects a string or a number sees an object and refuses it.
 * Only json_exact_dump can print it (json_dumps fails on it).
 */
#ifndef DIST_JSON_EXACT_H
#define DIST_JSON_EXACT_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"

/* A number kept as its JSON text (not checked here). NULL: no memory. */
json_t *json_number_text_new(const char *text, size_t len);

/* The text of a number kept as text, NUL-terminated; NULL for any other
 * value. */
const char *json_number_text(const json_t *j);

/* As json_loadb(text, len, flags | JSON_REJECT_DUPLICATES, err), with
 * the numbers above kept as text. Duplicate keys are always refused:
 * keeping them apart is how the numbers find their place again. */
json_t *json_exact_loadb(const char *text, size_t len, size_t flags,
			 json_error_t *err);

/* j as JSON text appended to out: indent 0 is one compact line (as
 * JSON_COMPACT), otherwise that many spaces a level (as JSON_INDENT).
 * Any value, not only arrays and objects. 0, or -1 when out failed (or
 * a string is not UTF-8). */
int json_exact_dump(const json_t *j, int indent, struct buf *out);

/* The same as a malloc'd NUL-terminated string; NULL: no memory. */
char *json_exact_dumps(const json_t *j, int indent);

/* A duration in milliseconds as every *_ms field (and its kin, such as
 * a ping's min/avg/max) is written: rounded to the microsecond, the
 * resolution of our clocks, so it prints with at most 3 decimals; a
 * mean would otherwise print 15 digits of noise. Negative or NaN is 0.
 * NULL: no memory. */
json_t *json_ms(double ms);
double ms_round3(double ms);

#endif
