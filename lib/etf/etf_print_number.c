/* etf_print_number.c - numbers as OTP 25 prints them: big integers in
 * decimal, floats in the shortest form that reads back (see etf_print.c).
 */
#include "etf/etf_print_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers ---- */

/* Decimal of a little-endian magnitude: repeated division by 10^9 over
 * 32-bit limbs, most significant chunk first. */
void pr_big(struct pr *p, const struct etf_term *t)
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
		pr_puts(p, "-");
	pr_putf(p, "%" PRIu32, nc ? chunk[nc - 1] : 0);
	while (nc-- > 1)
		pr_putf(p, "%09" PRIu32, chunk[nc - 1]);
	free(limb);
	free(chunk);
}

/* Plain notation of digits d[0..nd) times 10^(exp - nd + 1). */
static void fixed_form(char *out, const char *d, int nd, int exp)
{
	int k = 0, i;

	if (exp >= 0) {
		for (i = 0; i <= exp; i++)
			out[k++] = i < nd ? d[i] : '0';
		out[k++] = '.';
		if (nd > exp + 1)
			for (i = exp + 1; i < nd; i++)
				out[k++] = d[i];
		else
			out[k++] = '0';
	} else {
		out[k++] = '0';
		out[k++] = '.';
		for (i = 0; i < -exp - 1; i++)
			out[k++] = '0';
		for (i = 0; i < nd; i++)
			out[k++] = d[i];
	}
	out[k] = '\0';
}

/* OTP 25 prints floats as float_to_list(F, [short]): the shortest digits
 * that read back as the same double, in plain notation unless the
 * scientific one is shorter, and always scientific from 2^53 up (where
 * doubles stop being exact integers); checked on a live node. */
void pr_float(struct pr *p, double f)
{
	char sci[40], digits[24], fixed[400], out[48];
	int prec, exp, nd = 0;
	const char *s;

	for (prec = 0; prec < 17; prec++) {
		snprintf(sci, sizeof sci, "%.*e", prec, f);
		if (strtod(sci, NULL) == f)
			break;
	}
	s = sci + (sci[0] == '-');
	for (; *s && *s != 'e'; s++)
		if (*s != '.' && nd < (int)sizeof digits - 1)
			digits[nd++] = *s;
	exp = *s ? atoi(s + 1) : 0;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	fixed_form(fixed, digits, nd, exp);
	snprintf(out, sizeof out, "%c.%se%d", digits[0],
		 nd > 1 ? digits + 1 : "0", exp);
	if (signbit(f))
		pr_puts(p, "-");
	if (fabs(f) < 9007199254740992.0 && strlen(fixed) <= strlen(out))
		pr_puts(p, fixed);
	else
		pr_puts(p, out);
}
