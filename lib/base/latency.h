/* latency.h - percentiles of per-target times in fixed memory.
 *
 * A run over a million targets must not keep a million samples: times
 * go into logarithmic buckets 2% wide (0.01 ms to about 10 minutes), so
 * a percentile is exact to within 2% and the memory is constant.
 */
#ifndef DIST_LATENCY_H
#define DIST_LATENCY_H

#include <stdint.h>

#define LATENCY_BUCKETS 1100

struct latency {
	uint64_t count;
	double min, max, sum;
	uint32_t buckets[LATENCY_BUCKETS];
};

void latency_add(struct latency *l, double ms);
/* The p-th percentile (0 < p <= 100) in ms; 0 when empty. */
double latency_percentile(const struct latency *l, double p);

#endif
