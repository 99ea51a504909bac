/* etf_print_internal.h - shared by the term printer's files, each of
 * which calls only the ones below it:
 *   etf_print.c         lists, binaries, containers, identifiers, dispatch
 *   etf_print_atom.c    character escapes and atom quoting
 *   etf_print_number.c  big integers and floats
 *   etf_print_out.c     the output buffer and the first failure
 * Not part of the API: etf.h is.
 */
#ifndef DIST_ETF_PRINT_INTERNAL_H
#define DIST_ETF_PRINT_INTERNAL_H

#include "etf/etf.h"

#include <stddef.h>
#include <stdint.h>

struct pr {
	struct buf *b;
	bool pretty;
	const char *local_node;
	struct dist_error *err;
	enum dist_code code;    /* first failure; DIST_OK while printing */
};

/* How a quoted atom or string shows characters from 160 up: ~w keeps
 * Latin-1 ones and escapes the rest as \x{..}; the unicode form keeps all. */
enum esc { ESC_LATIN1, ESC_UNICODE };

/* ---- etf_print_out.c: output; after the first failure, nothing ---- */

void etf_pr_put(struct pr *p, const void *s, size_t n);
void etf_pr_puts(struct pr *p, const char *s);
__attribute__((format(printf, 2, 3)))
void etf_pr_putf(struct pr *p, const char *fmt, ...);

/* ---- etf_print_atom.c ---- */

void etf_pr_quoted_char(struct pr *p, uint32_t c, char quote, enum esc esc);
void etf_pr_atom(struct pr *p, const struct etf_term *t, enum esc esc);
enum esc etf_pr_atom_esc(const struct pr *p);

/* ---- etf_print_number.c ---- */

void etf_pr_big(struct pr *p, const struct etf_term *t);
void etf_pr_float(struct pr *p, double f);

#endif
