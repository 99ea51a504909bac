/* float_text.c - shortest round-trip text of a double (float_text.h). */
#include "base/float_text.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Digits and exponent of a "%.*e" text of |f|. */
static int split_sci(const char *sci, char *digits, int *exp)
{
	const char *s = sci + (sci[0] == '-');
	int nd = 0;

	for (; *s && *s != 'e'; s++)
		if (*s != '.' && nd < 23)
			digits[nd++] = *s;
	*exp = *s ? (int)strtol(s + 1, NULL, 10) : 0;
	digits[nd] = '\0';
	return nd;
}

static bool reads_back(const char *digits, int exp, double f)
{
	char text[48];

	snprintf(text, sizeof text, "%c.%se%d", digits[0],
		 digits[1] ? digits + 1 : "0", exp);
	return strtod(text, NULL) == f;
}

/* One unit up in the last digit ("199" -> "200", "99" -> "10" with the
 * exponent raised). */
static void digits_up(char *digits, int nd, int *exp)
{
	int i = nd - 1;

	while (i >= 0 && digits[i] == '9')
		digits[i--] = '0';
	if (i >= 0) {
		digits[i]++;
		return;
	}
	digits[0] = '1';
	(*exp)++;
}

/* The shortest digits that read back as |f| and, among those, the
 * closest (what Ryu and OTP's [short] give). The correctly rounded
 * n-digit decimal is the closest, so it is the answer whenever an
 * n-digit one reads back; except at a power of two, where the gap to the
 * next double below is half the gap above: there the closest n-digit
 * decimal may lie below, outside, while the next one up reads back. */
static int shortest_digits(double f, char *digits, int *exp)
{
	char sci[40], up[24];
	int prec, nd = 0, uexp;
	int e2;
	bool pow2 = frexp(f, &e2) == 0.5 && fabs(f) >= 2.2250738585072014e-308;

	/* Most values (every timing in ms) have a short form, and then the
	 * 15-digit rounding is that form padded with zeros: a decimal that
	 * reads back lies within half a gap between doubles of f, far less
	 * than half a unit of the 15th digit, nearest or (at a power of two)
	 * the one above alike. So one try settles them; the loop below,
	 * one snprintf and strtod per length, is for 16 and 17 digits.
	 * Subnormals have gaps far wider than that: they take the loop from
	 * the start. */
	prec = 0;
	if (fabs(f) >= 2.2250738585072014e-308) {
		snprintf(sci, sizeof sci, "%.14e", fabs(f));
		nd = split_sci(sci, digits, exp);
		prec = reads_back(digits, *exp, fabs(f)) ? 17 : 15;
	}
	for (; prec < 17; prec++) {
		snprintf(sci, sizeof sci, "%.*e", prec, fabs(f));
		nd = split_sci(sci, digits, exp);
		if (reads_back(digits, *exp, fabs(f)))
			break;
		if (pow2 && strtod(sci, NULL) < fabs(f)) {
			memcpy(up, digits, (size_t)nd + 1);
			uexp = *exp;
			digits_up(up, nd, &uexp);
			if (reads_back(up, uexp, fabs(f))) {
				memcpy(digits, up, (size_t)nd + 1);
				*exp = uexp;
				break;
			}
		}
	}
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	return nd;
}

/* Plain notation unless the scientific one is shorter, and always
 * scientific from 2^53 up (where doubles stop being exact integers), as
 * OTP prints; checked on a live node. */
size_t float_short(double f, char *out)
{
	char digits[24], fixed[400], sci[40];
	int exp, nd;
	const char *pick;
	size_t n = 0;

	if (!isfinite(f))
		return (size_t)snprintf(out, FLOAT_SHORT_MAX, "%g", f);
	nd = shortest_digits(f, digits, &exp);
	fixed_form(fixed, digits, nd, exp);
	snprintf(sci, sizeof sci, "%c.%se%d", digits[0],
		 nd > 1 ? digits + 1 : "0", exp);
	pick = fabs(f) < 9007199254740992.0 && strlen(fixed) <= strlen(sci)
		? fixed : sci;
	if (signbit(f))
		out[n++] = '-';
	memcpy(out + n, pick, strlen(pick) + 1);
	return n + strlen(pick);
}
