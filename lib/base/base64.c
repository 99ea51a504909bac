/* base64.c - RFC 4648 base64 (see base64.h). */
#include "base/base64.h"

#include <stdlib.h>

static const char base64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const uint8_t *p, size_t n)
{
	char *s, *o;
	size_t i;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
		return NULL;
	s = malloc((n + 2) / 3 * 4 + 1);
	if (!s)
		return NULL;
	for (i = 0, o = s; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
			     p[i + 2];

		*o++ = base64_alphabet[v >> 18];
		*o++ = base64_alphabet[(v >> 12) & 63];
		*o++ = base64_alphabet[(v >> 6) & 63];
		*o++ = base64_alphabet[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16 |
			     (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);

		*o++ = base64_alphabet[v >> 18];
		*o++ = base64_alphabet[(v >> 12) & 63];
		*o++ = i + 1 < n ? base64_alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return s;
}

static int base64_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int base64_decode(const char *s, size_t len, uint8_t **out, size_t *n)
{
	uint32_t acc = 0;
	size_t bits = 0;
	uint8_t *d;

	*out = NULL;
	*n = 0;
	while (len > 0 && s[len - 1] == '=' && len % 4 != 1)
		len--;
	/* One leftover character holds 6 bits: never a whole byte. */
	if (len % 4 == 1)
		return -1;
	d = malloc(len / 4 * 3 + 3);
	if (!d) {
		*n = SIZE_MAX;
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		int v = base64_value(s[i]);

		if (v < 0) {
			free(d);
			*n = 0;
			return -1;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[(*n)++] = (uint8_t)(acc >> bits);
		}
	}
	*out = d;
	return 0;
}
