/* etf_print_number.c - numbers as OTP 25 prints them: big integers in
 * decimal, floats in the shortest form that reads back (see etf_print.c).
 */
#include "etf/etf_print_internal.h"
#include "base/float_text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers ---- */

/* Decimal of a little-endian magnitude: repeated division by 10^9 over
 * 32-bit limbs, most significant chunk first. */
void etf_pr_big(struct pr *p, const struct etf_term *t)
{
	uint32_t n = t->v.big.n, nl = (n + 3) / 4, i, *limb, *chunk;
	size_t nc = 0;

	limb = calloc(nl ? nl : 1, sizeof(*limb));
	/* Each 10^9 chunk takes at least 29 bits of the magnitude. */
	chunk = calloc((size_t)n * 8 / 29 + 2, sizeof(*chunk));
	if (!limb || !chunk) {
		free(limb);
		free(chunk);
		if (!p->code)
			p->code = DIST_E_NOMEM;
		return;
	}
	for (i = 0; i < n; i++)
		limb[i / 4] |= (uint32_t)t->v.big.digits[i] << (8 * (i % 4));
	while (nl > 0) {
		uint64_t rem = 0;

		for (i = nl; i-- > 0;) {
			uint64_t cur = (rem << 32) | limb[i];

			limb[i] = (uint32_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
		}
		chunk[nc++] = (uint32_t)rem;
		while (nl > 0 && limb[nl - 1] == 0)
			nl--;
	}
	if (t->v.big.negative)
		etf_pr_puts(p, "-");
	etf_pr_putf(p, "%" PRIu32, nc ? chunk[nc - 1] : 0);
	while (nc-- > 1)
		etf_pr_putf(p, "%09" PRIu32, chunk[nc - 1]);
	free(limb);
	free(chunk);
}

/* OTP 25 prints floats as float_to_list(F, [short]): float_text.c. */
void etf_pr_float(struct pr *p, double f)
{
	char text[FLOAT_SHORT_MAX];

	etf_pr_put(p, text, float_short(f, text));
}
