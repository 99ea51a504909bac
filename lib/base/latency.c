/* latency.c - log-bucket latency histogram (see latency.h). */
#include "base/latency.h"

#include <math.h>

#define LATENCY_BASE_MS 0.01
#define LATENCY_GROWTH 1.02

static int bucket_of(double ms)
{
	double b;

	if (ms <= LATENCY_BASE_MS)
		return 0;
	b = log(ms / LATENCY_BASE_MS) / log(LATENCY_GROWTH);
	return b >= LATENCY_BUCKETS - 1 ? LATENCY_BUCKETS - 1 : (int)b + 1;
}

void latency_add(struct latency *l, double ms)
{
	if (l->count == 0 || ms < l->min)
		l->min = ms;
	if (ms > l->max)
		l->max = ms;
	l->sum += ms;
	l->count++;
	l->buckets[bucket_of(ms)]++;
}

double latency_percentile(const struct latency *l, double p)
{
	uint64_t rank, seen = 0;
	double hi;

	if (l->count == 0)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)l->count);
	if (rank == 0)
		rank = 1;
	for (int i = 0; i < LATENCY_BUCKETS; i++) {
		seen += l->buckets[i];
		if (seen < rank)
			continue;
		/* The bucket's upper edge, clamped to what was seen. */
		hi = i == 0 ? LATENCY_BASE_MS
			    : LATENCY_BASE_MS * pow(LATENCY_GROWTH, i);
		if (hi > l->max)
			hi = l->max;
		if (hi < l->min)
			hi = l->min;
		return hi;
	}
	return l->max;
}
