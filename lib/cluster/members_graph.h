/* members_graph.h - the cluster as its members see it: who has whom in
 * nodes(), the partitions (connected components of that graph), whether
 * the mesh is full, and the health verdict of dist-members.
 *
 * Pure: member indexes and statuses in, numbers out; the probing that
 * fills it lives in run/members*.c. Only visible connections are edges:
 * a hidden node (a remote shell, one of our own probes) is no member.
 */
#ifndef DIST_CLUSTER_MEMBERS_GRAPH_H
#define DIST_CLUSTER_MEMBERS_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What we conclude about a member (dist-members(1), STATUS):
 * alive: our direct probe was answered; suspect: it was not, but a
 * member reached it over the connection it already had; dead: neither. */
enum member_status { MEMBER_ALIVE, MEMBER_SUSPECT, MEMBER_DEAD };

const char *member_status_name(enum member_status s);

struct members_graph {
	size_t n;
	uint8_t *sees;          /* n*n: sees[i*n+j]: i has j in nodes() */
	int *partition;         /* n: its partition, -1 for a dead member */
	size_t npartitions;
};

/* n members, nobody seeing anybody. -1: out of memory. */
int members_graph_init(struct members_graph *g, size_t n);
void members_graph_free(struct members_graph *g);

void members_graph_see(struct members_graph *g, size_t i, size_t j);
bool members_graph_sees(const struct members_graph *g, size_t i, size_t j);

/* The partitions: i and j are in one when either sees the other,
 * directly or through others. Dead members belong to none (-1); the
 * rest are numbered 0.. in the order of their lowest member. Returns
 * the count, also in g->npartitions. */
size_t members_graph_partitions(struct members_graph *g,
				const enum member_status *status);

/* Every two alive members see each other, both ways, and every suspect
 * one is seen by every alive member. Dead members are left out. */
bool members_graph_full_mesh(const struct members_graph *g,
			     const enum member_status *status);

struct members_health {
	size_t members, expected;  /* expected: max(--expect, members) */
	size_t alive, suspect, dead, partitions;
	bool full_mesh, quorum, healthy;
};

/* The summary, after members_graph_partitions. quorum: alive is more
 * than half of expected; healthy: everyone expected is alive, in one
 * partition, fully meshed. */
void members_health_compute(const struct members_graph *g,
			    const enum member_status *status,
			    size_t expected, struct members_health *h);

#endif
