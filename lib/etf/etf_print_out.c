/* etf_print_out.c - where the term printer writes: the output buffer,
 * bounded by its max, and the first failure, after which nothing more
 * is written. The bottom of the printer: it calls no other file of it.
 */
#include "etf/etf_print_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void etf_pr_put(struct pr *p, const void *s, size_t n)
{
	struct buf *b = p->b;

	if (p->code)
		return;
	if (b->failed || n > b->max - b->len) {
		p->code = DIST_E_TOO_LARGE;
		return;
	}
	buf_put(b, s, n);
	if (b->failed)
		p->code = DIST_E_NOMEM;
}

void etf_pr_puts(struct pr *p, const char *s)
{
	etf_pr_put(p, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
void etf_pr_putf(struct pr *p, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		etf_pr_put(p, tmp,
		       (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
