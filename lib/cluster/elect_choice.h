/* elect_choice.h - who leads, from one host's view of the EXPECTED
 * members: pure logic, no I/O, so that every host holding the same view
 * computes the same answer and the unit tests can say so.
 *
 * The quorum counts the expected members, never whatever happens to be
 * connected: a leader exists only when more than half of the expected
 * members are alive from here. That is what keeps the minority side of
 * a partition (as this host sees it) from electing one of its own.
 */
#ifndef DIST_CLUSTER_ELECT_CHOICE_H
#define DIST_CLUSTER_ELECT_CHOICE_H

#include <stdbool.h>
#include <stddef.h>

/* More members than any cluster we elect in; a longer list is refused
 * (every one of them is probed). */
#define ELECT_MEMBERS_MAX 4096

enum elect_strategy {
	ELECT_HIGHEST,  /* the highest alive name */
	ELECT_LOWEST,   /* the lowest alive name */
	ELECT_GLOBAL,   /* a lease held through the BEAM's global registry */
};

/* What a member record said about the member (dist-members' "status"). */
enum elect_status {
	ELECT_PROBE,    /* no status, or one we do not trust: ping it */
	ELECT_ALIVE,
	ELECT_DEAD,
};

struct elect_member {
	const char *node;
	bool alive;
};

struct elect_outcome {
	int leader;         /* index into the members, or -1: no leader */
	size_t alive;
	size_t expected;
	size_t quorum;      /* alive members needed: expected / 2 + 1 */
};

/* "highest" | "lowest" | "global"; -1 for anything else. */
int elect_strategy_parse(const char *s);
const char *elect_strategy_name(enum elect_strategy s);

/* "alive" and "dead" are taken as said; "suspect", any other value and
 * no value (NULL) mean: find out ourselves. */
enum elect_status elect_status_parse(const char *s);

/* The smallest number of alive members that is more than half of the
 * expected ones. */
size_t elect_quorum(size_t expected);

/* Count and choose. The members must be distinct names; for
 * ELECT_GLOBAL only the counts are filled (leader -1: the lease
 * decides). Names compare byte by byte, as the BEAM orders atoms. */
void elect_choose(const struct elect_member *m, size_t n,
		  enum elect_strategy s, struct elect_outcome *out);

#endif
