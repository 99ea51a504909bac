/* etf_decode_read.c - the bottom of the decoder: its errors, the checks
 * that bytes and elements are there before they are read, and arena
 * memory. Calls no other file of the decoder.
 */
#include "etf/etf_decode_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
int etf_dec_fail(struct dec *d, enum dist_code code, const char *fmt, ...)
{
	char msg[DIST_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return dist_error_set(d->err, code,
			      d->err ? d->err->stage : DIST_STAGE_NONE,
			      "%s%s", msg, d->where);
}

int etf_dec_bad(struct dec *d, const char *what, size_t at)
{
	return etf_dec_fail(d, DIST_E_PROTOCOL,
			    "malformed term: %s at byte %zu", what, at);
}

int etf_dec_nomem(struct dec *d)
{
	return etf_dec_fail(d, DIST_E_NOMEM, "out of memory decoding a term");
}

/* n more bytes must be there; when they are not because we cut the input
 * at max_bytes, the term is too large rather than truncated. */
int etf_dec_need(struct dec *d, size_t n, const char *what)
{
	if (etf_dec_remaining(d) >= n)
		return 0;
	if (d->capped)
		return etf_dec_fail(d, DIST_E_TOO_LARGE,
				"term larger than the %zu byte limit",
				d->lim->max_bytes);
	return etf_dec_fail(d, DIST_E_PROTOCOL,
		"truncated term: %s needs %zu bytes at byte %zu, %zu left",
		what, n, etf_dec_offset(d), etf_dec_remaining(d));
}

/* n elements of at least one byte each are about to be read. */
int etf_dec_need_elems(struct dec *d, uint64_t n, const char *what)
{
	if (etf_dec_need(d, n > SIZE_MAX ? SIZE_MAX : (size_t)n, what))
		return -1;
	if (n > d->lim->max_count - d->count)
		return etf_dec_fail(d, DIST_E_TOO_LARGE,
			"%s of %llu elements exceeds the %zu term limit",
			what, (unsigned long long)n, d->lim->max_count);
	return 0;
}

void *etf_dec_alloc(struct dec *d, size_t n, size_t size)
{
	void *p = NULL;

	if (!size || n <= SIZE_MAX / size)
		p = etf_arena_alloc(d->a, n * size);
	if (!p)
		etf_dec_nomem(d);
	return p;
}

uint8_t *etf_dec_copy(struct dec *d, size_t n)
{
	uint8_t *q = etf_dec_alloc(d, n, 1);

	if (q) {
		if (n)
			memcpy(q, d->p, n);
		d->p += n;
	}
	return q;
}
