/* members_graph.c - who sees whom, partitions, health (see members_graph.h). */
#include "cluster/members_graph.h"

#include <stdlib.h>

const char *member_status_name(enum member_status s)
{
	switch (s) {
	case MEMBER_ALIVE:
		return "alive";
	case MEMBER_SUSPECT:
		return "suspect";
	default:
		return "dead";
	}
}

int members_graph_init(struct members_graph *g, size_t n)
{
	g->n = n;
	g->npartitions = 0;
	g->sees = calloc(n ? n * n : 1, 1);
	g->partition = calloc(n ? n : 1, sizeof *g->partition);
	if (!g->sees || !g->partition) {
		members_graph_free(g);
		return -1;
	}
	return 0;
}

void members_graph_free(struct members_graph *g)
{
	free(g->sees);
	free(g->partition);
	g->sees = NULL;
	g->partition = NULL;
	g->n = 0;
}

void members_graph_see(struct members_graph *g, size_t i, size_t j)
{
	if (i < g->n && j < g->n && i != j)
		g->sees[i * g->n + j] = 1;
}

bool members_graph_sees(const struct members_graph *g, size_t i, size_t j)
{
	return i < g->n && j < g->n && g->sees[i * g->n + j];
}

static bool linked(const struct members_graph *g, size_t i, size_t j)
{
	return members_graph_sees(g, i, j) || members_graph_sees(g, j, i);
}

/* Flood fill from each unnumbered member; the stack holds at most n
 * entries because a member is pushed only when it gets its number. */
size_t members_graph_partitions(struct members_graph *g,
				const enum member_status *status)
{
	size_t *stack = malloc((g->n ? g->n : 1) * sizeof *stack);
	size_t count = 0;

	for (size_t i = 0; i < g->n; i++)
		g->partition[i] = -1;
	for (size_t i = 0; stack && i < g->n; i++) {
		size_t top = 0;

		if (status[i] == MEMBER_DEAD || g->partition[i] >= 0)
			continue;
		g->partition[i] = (int)count;
		stack[top++] = i;
		while (top > 0) {
			size_t k = stack[--top];

			for (size_t j = 0; j < g->n; j++) {
				if (status[j] == MEMBER_DEAD ||
				    g->partition[j] >= 0 || !linked(g, k, j))
					continue;
				g->partition[j] = (int)count;
				stack[top++] = j;
			}
		}
		count++;
	}
	free(stack);
	g->npartitions = count;
	return count;
}

bool members_graph_full_mesh(const struct members_graph *g,
			     const enum member_status *status)
{
	for (size_t i = 0; i < g->n; i++) {
		if (status[i] != MEMBER_ALIVE)
			continue;
		for (size_t j = 0; j < g->n; j++) {
			if (i == j || status[j] == MEMBER_DEAD)
				continue;
			if (!members_graph_sees(g, i, j))
				return false;
		}
	}
	return true;
}

void members_health_compute(const struct members_graph *g,
			    const enum member_status *status,
			    size_t expected, struct members_health *h)
{
	h->members = g->n;
	h->expected = expected > g->n ? expected : g->n;
	h->alive = h->suspect = h->dead = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (status[i] == MEMBER_ALIVE)
			h->alive++;
		else if (status[i] == MEMBER_SUSPECT)
			h->suspect++;
		else
			h->dead++;
	}
	h->partitions = g->npartitions;
	h->full_mesh = members_graph_full_mesh(g, status);
	h->quorum = h->alive * 2 > h->expected;
	h->healthy = h->alive == h->expected && h->partitions == 1 &&
		     h->full_mesh;
}
