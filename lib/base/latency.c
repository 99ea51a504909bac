/* latency.c - log-bucket latency histogram (see latency.h). */
#include "base/latency.h"

#include <stdbool.h>

#define LATENCY_BASE_MS 0.01
#define LATENCY_GROWTH 1.02

/* The upper edge of each bucket: LATENCY_BASE_MS * LATENCY_GROWTH^i,
 * made once by multiplication. No log() or pow(): the hot-path programs
 * do not link libm, whose loading is a measurable part of a probe's
 * start-up. */
static double edge[LATENCY_BUCKETS];
static bool edges_made;

static void make_edges(void)
{
	double e = LATENCY_BASE_MS;

	for (int i = 0; i < LATENCY_BUCKETS; i++) {
		edge[i] = e;
		e *= LATENCY_GROWTH;
	}
	edges_made = true;
}

/* The first bucket whose edge is at or above ms (the last for more). */
static int bucket_of(double ms)
{
	int lo = 0, hi = LATENCY_BUCKETS - 1;

	if (!edges_made)
		make_edges();
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (edge[mid] >= ms)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
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
	{
		double r = p / 100.0 * (double)l->count;

		rank = (uint64_t)r;
		if ((double)rank < r)
			rank++;   /* ceil, without libm */
	}
	if (rank == 0)
		rank = 1;
	for (int i = 0; i < LATENCY_BUCKETS; i++) {
		seen += l->buckets[i];
		if (seen < rank)
			continue;
		/* The bucket's upper edge, clamped to what was seen. */
		if (!edges_made)
			make_edges();
		hi = edge[i];
		if (hi > l->max)
			hi = l->max;
		if (hi < l->min)
			hi = l->min;
		return hi;
	}
	return l->max;
}
