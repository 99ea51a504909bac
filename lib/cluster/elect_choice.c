/* elect_choice.c - the leader among the expected members (see
 * elect_choice.h). */
#include "cluster/elect_choice.h"

#include <string.h>

int elect_strategy_parse(const char *s)
{
	if (!strcmp(s, "highest"))
		return ELECT_HIGHEST;
	if (!strcmp(s, "lowest"))
		return ELECT_LOWEST;
	if (!strcmp(s, "global"))
		return ELECT_GLOBAL;
	return -1;
}

const char *elect_strategy_name(enum elect_strategy s)
{
	switch (s) {
	case ELECT_HIGHEST:
		return "highest";
	case ELECT_LOWEST:
		return "lowest";
	default:
		return "global";
	}
}

enum elect_status elect_status_parse(const char *s)
{
	if (s && !strcmp(s, "alive"))
		return ELECT_ALIVE;
	if (s && !strcmp(s, "dead"))
		return ELECT_DEAD;
	return ELECT_PROBE;
}

size_t elect_quorum(size_t expected)
{
	return expected / 2 + 1;
}

/* strcmp compares as unsigned char: UTF-8 byte order is code point
 * order, which is how the BEAM compares atoms. */
static bool better(const char *candidate, const char *best,
		   enum elect_strategy s)
{
	int c = strcmp(candidate, best);

	return s == ELECT_LOWEST ? c < 0 : c > 0;
}

void elect_choose(const struct elect_member *m, size_t n,
		  enum elect_strategy s, struct elect_outcome *out)
{
	out->leader = -1;
	out->alive = 0;
	out->expected = n;
	out->quorum = elect_quorum(n);
	for (size_t i = 0; i < n; i++) {
		if (!m[i].alive)
			continue;
		out->alive++;
		if (s == ELECT_GLOBAL)
			continue;
		if (out->leader < 0 || better(m[i].node, m[out->leader].node, s))
			out->leader = (int)i;
	}
	/* n == 0 gives quorum 1 and no alive member: never a leader. */
	if (out->alive < out->quorum)
		out->leader = -1;
}
