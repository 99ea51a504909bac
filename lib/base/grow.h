/* grow.h - room for one more element in a growable array.
 *
 * The same dozen lines (double the capacity from a first size, realloc,
 * keep the old block on failure) stood in every list the programs keep:
 * targets, members, probe queues, per-target metrics.
 */
#ifndef DIST_GROW_H
#define DIST_GROW_H

#include <stddef.h>

/* v holds n elements of elem bytes in room for *cap. Returns v itself
 * while n < *cap; else v reallocated to twice *cap (first when *cap is
 * 0), *cap updated. NULL when out of memory or the size would overflow:
 * v and *cap are then untouched, still valid. */
void *grow_array(void *v, size_t *cap, size_t n, size_t elem, size_t first);

#endif
