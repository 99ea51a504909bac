/* term_json_read_state.c - the tagged JSON reader's errors, which name
 * where in the document they are as a path from "$"
 * ("$[2].$tuple[0]: expected ..."), and its count of terms made. The
 * bottom of the reader: calls no other file of it.
 */
#include "term/term_json_internal.h"

#include <stdarg.h>
#include <stdio.h>

struct etf_term *term_json_bad(struct rd *r, enum dist_code code,
			       const char *fmt, ...)
{
	char what[300];
	va_list ap;

	if (r->err && r->err->code != DIST_OK)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	dist_error_set(r->err, code, DIST_STAGE_INPUT, "%s: %s", r->path,
		       what);
	return NULL;
}

struct etf_term *term_json_nomem(struct rd *r)
{
	return term_json_bad(r, DIST_E_NOMEM, "out of memory");
}

/* Path segments: push returns the length to pop back to. */
size_t term_json_push_index(struct rd *r, size_t i)
{
	size_t old = r->plen;
	int k = snprintf(r->path + old, sizeof r->path - old, "[%zu]", i);

	if (k > 0 && (size_t)k < sizeof r->path - old)
		r->plen += (size_t)k;
	return old;
}

size_t term_json_push_key(struct rd *r, const char *key)
{
	size_t old = r->plen;
	int k = snprintf(r->path + old, sizeof r->path - old, ".%s", key);

	if (k > 0 && (size_t)k < sizeof r->path - old)
		r->plen += (size_t)k;
	else
		r->path[old] = '\0';
	return old;
}

void term_json_pop(struct rd *r, size_t old)
{
	r->plen = old;
	r->path[old] = '\0';
}

struct etf_term *term_json_counted(struct rd *r, struct etf_term *t)
{
	if (!t)
		return term_json_nomem(r);
	if (r->terms >= r->lim.max_terms)
		return term_json_bad(r, DIST_E_TOO_LARGE, "more than %zu terms",
			   r->lim.max_terms);
	r->terms++;
	return t;
}
