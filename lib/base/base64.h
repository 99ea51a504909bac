/* base64.h - RFC 4648 base64, the standard alphabet with padding: how
 * tagged JSON carries a binary that is not UTF-8 ({"$bin": "..."}). */
#ifndef DIST_BASE_BASE64_H
#define DIST_BASE_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* A NUL-terminated malloc'd encoding of p[0..n), or NULL when out of
 * memory. */
char *base64_encode(const uint8_t *p, size_t n);

/* Decode s[0..len) (padding optional) into a malloc'd *out of *n bytes.
 * Returns 0; -1 with *n == SIZE_MAX when out of memory, -1 with *n == 0
 * when s is not base64. */
int base64_decode(const char *s, size_t len, uint8_t **out, size_t *n);

#endif
