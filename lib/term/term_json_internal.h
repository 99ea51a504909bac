/* term_json_internal.h - base64 shared by term_json.c and
 * term_json_read.c. Not a public API: use term_json.h. */
#ifndef DIST_TERM_JSON_INTERNAL_H
#define DIST_TERM_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Standard alphabet with '=' padding, NUL-terminated, malloc'd; NULL
 * when out of memory. */
char *tj_base64_encode(const uint8_t *p, size_t n);

/* Decode standard base64 (padding optional, no whitespace) into a
 * malloc'd buffer. 0, or -1 when s is not base64 (*out NULL) or memory
 * ran out (*out NULL, *n SIZE_MAX). */
int tj_base64_decode(const char *s, size_t len, uint8_t **out, size_t *n);

#endif
