/* term_json_internal.h - shared by the tagged JSON reader's files, each
 * of which calls only the ones below it:
 *   term_json_read.c        entry point, dispatch, arrays, objects, the
 *                           tags that hold JSON values ($tuple, $map, ...)
 *   term_json_read_tags.c   the tags that hold none ($int, $str, $bin,
 *                           $pid, $ref, $fun, $etf, ...)
 *   term_json_read_state.c  errors with their path, term counting
 * Not a public API: use term_json.h.
 */
#ifndef DIST_TERM_JSON_INTERNAL_H
#define DIST_TERM_JSON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "term/term_parse.h"

struct rd {
	struct etf_arena *a;
	struct term_parse_limits lim;
	size_t terms;
	struct dist_error *err;
	char path[160];
	size_t plen;
};

/* ---- term_json_read_state.c ---- */

/* Set *r->err (unless already set) to "PATH: message", stage input;
 * returns NULL for the caller to return. */
struct etf_term *term_json_bad(struct rd *r, enum dist_code code,
			       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "PATH: out of memory". */
struct etf_term *term_json_nomem(struct rd *r);
/* Path segments "[i]" and ".key": each returns the length that
 * term_json_pop goes back to. */
size_t term_json_push_index(struct rd *r, size_t i);
size_t term_json_push_key(struct rd *r, const char *key);
void term_json_pop(struct rd *r, size_t old);
/* t counted against lim.max_terms; NULL (error set) when t is NULL or
 * over the limit. */
struct etf_term *term_json_counted(struct rd *r, struct etf_term *t);

/* ---- term_json_read_tags.c: each reads the value of one tag (or a
 * plain JSON number or string); NULL with the error set ---- */

/* The atom name[0 .. len), at most 255 characters. */
struct etf_term *term_json_atom(struct rd *r, const char *name, size_t len);
struct etf_term *term_json_read_pid(struct rd *r, json_t *o);
struct etf_term *term_json_read_port(struct rd *r, json_t *o);
struct etf_term *term_json_read_ref(struct rd *r, json_t *o);
/* $fun: {"module", "function", "arity"}. */
struct etf_term *term_json_read_export(struct rd *r, json_t *o);
/* $bin (whole bytes, base64 or text) or $bits. */
struct etf_term *term_json_read_bits(struct rd *r, json_t *o, bool whole);
struct etf_term *term_json_read_etf(struct rd *r, json_t *j);
struct etf_term *term_json_read_int(struct rd *r, json_t *j);
struct etf_term *term_json_read_str(struct rd *r, json_t *j);
/* A JSON number's exact text, as an integer of any size or a float. */
struct etf_term *term_json_read_big_number(struct rd *r, const char *text);
struct etf_term *term_json_read_big_float(struct rd *r, const char *text);

#endif
