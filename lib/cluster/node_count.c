/* node_count.c - what --count N needs before N nodes start: a name for
 * each (a pattern with one %d) and a file descriptor budget. */
#include "cluster/node.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/* Each node holds a listening socket and its EPMD registration; the rest
 * is stdio, epoll, the signal pipe, the resolver and the connections
 * peers open (a dist-ping fan-out keeps its --concurrency of them). */
#define FDS_PER_NODE 2
#define FDS_SPARE 256

int node_pattern_check(const char *pattern, struct dist_error *err)
{
	const char *p = strchr(pattern, '%');

	/* The pattern is never a printf format: %d is replaced by hand, so
	 * anything else after a % is refused rather than interpreted. */
	if (!p || p[1] != 'd' || strchr(p + 2, '%'))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--name '%s': with --count, the name is "
				      "a pattern with exactly one %%d and no "
				      "other %%, like 'sim%%d@127.0.0.1'",
				      pattern);
	return 0;
}

int node_pattern_name(const char *pattern, long i, char *out, size_t len,
		      struct dist_error *err)
{
	const char *p;
	int w;

	if (node_pattern_check(pattern, err) < 0)
		return -1;
	p = strchr(pattern, '%');
	w = snprintf(out, len, "%.*s%ld%s", (int)(p - pattern), pattern, i,
		     p + 2);
	if (w < 0 || (size_t)w >= len)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--name '%s': the names are too long",
				      pattern);
	return 0;
}

int node_fd_budget(long count, struct dist_error *err)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)count * FDS_PER_NODE + FDS_SPARE;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "cannot read the descriptor limit: %s",
				      strerror(errno));
	/* The soft limit is often 1024 under a hard one far higher: take
	 * all we may, once, for every program started with --count. */
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "--count %ld needs about %llu file "
				      "descriptors (%d a node and %d spare) "
				      "but the limit is %llu: raise it "
				      "(ulimit -n %llu; as root, or "
				      "LimitNOFILE= in a systemd unit), or "
				      "run fewer nodes", count,
				      (unsigned long long)need, FDS_PER_NODE,
				      FDS_SPARE,
				      (unsigned long long)rl.rlim_cur,
				      (unsigned long long)need);
	return 0;
}
