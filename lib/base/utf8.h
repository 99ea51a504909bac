/* utf8.h - UTF-8, decoded and encoded in one place.
 *
 * Node names, atoms, binaries shown as strings and JSON text all need
 * the same answer to "is this valid UTF-8, and which code point is
 * next": strict RFC 3629 (no overlong forms, no surrogates, nothing
 * above U+10FFFF), because the node refuses what we would let through.
 */
#ifndef DIST_BASE_UTF8_H
#define DIST_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The code point at s (len bytes available) into *cp: returns the bytes
 * it takes (1..4), or 0 when s does not start with a valid sequence. */
size_t utf8_next(const uint8_t *s, size_t len, uint32_t *cp);

/* Write cp as UTF-8 into out (4 bytes room): returns 1..4, or 0 for a
 * surrogate or a value above U+10FFFF. (Not "utf8_encode": the static
 * libjansson the programs link exports that name.) */
size_t utf8_put(uint32_t cp, uint8_t out[4]);

/* Code points in s[0..len), or -1 when it is not valid UTF-8. */
long utf8_count(const uint8_t *s, size_t len);

bool utf8_valid(const uint8_t *s, size_t len);

#endif
