/* test_namepool.c - pool names shared out by node, in a run and between
 * runs (two tables stand for two processes: the locks do not care). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist/namepool.h"
#include "tap.h"

static struct sockaddr_storage addr(const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, text, &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		inet_pton(AF_INET, text, &s4->sin_addr);
	}
	return ss;
}

static void keys(void)
{
	struct sockaddr_storage a = addr("127.0.0.1"), b = addr("127.0.1.1"),
				c = addr("::1"), d = addr("::ffff:127.0.0.1"),
				e = addr("10.0.0.7");
	char ka[128], kb[128], kc[128], kd[128], ke[128];

	namepool_node_key("apple", &a, 4000, ka, sizeof ka);
	namepool_node_key("apple", &b, 4000, kb, sizeof kb);
	namepool_node_key("apple", &c, 4000, kc, sizeof kc);
	namepool_node_key("apple", &d, 4000, kd, sizeof kd);
	namepool_node_key("apple", &e, 4000, ke, sizeof ke);
	ok(!strcmp(ka, kb) && !strcmp(ka, kc) && !strcmp(ka, kd),
	   "every loopback address is one host: %s %s %s %s", ka, kb, kc, kd);
	ok(strcmp(ka, ke) != 0 && strstr(ke, "10.0.0.7"),
	   "another address is another node: %s", ke);
}

static void sharing(void)
{
	struct namepool_inuse *run1 = namepool_inuse_new(),
			      *run2 = namepool_inuse_new();
	struct namepool_hold h[NAME_POOL_SIZE], x, y;
	unsigned seen = 0;
	bool all = true;

	ok(run1 && run2, "tables made");
	ok(namepool_acquire(run1, "k@loopback:1", -1, &x) == NAMEPOOL_HELD &&
	   x.index == 0, "the first name is -dist0");
	ok(namepool_acquire(run2, "k@loopback:1", -1, &y) == NAMEPOOL_HELD &&
	   y.index == 1, "another run skips the name the first holds");
	namepool_release(run1, "k@loopback:1", &x);
	namepool_release(run2, "k@loopback:1", &y);
	ok(x.lock_fd == -1 && !x.held, "a released hold holds nothing");
	ok(namepool_acquire(run2, "k@loopback:1", 0, &y) == NAMEPOOL_HELD &&
	   y.index == 0, "a released name is free again");
	namepool_release(run2, "k@loopback:1", &y);
	for (unsigned i = 0; i < NAME_POOL_SIZE; i++) {
		all &= namepool_acquire(i % 2 ? run1 : run2, "k@loopback:2", -1,
					&h[i]) == NAMEPOOL_HELD;
		seen |= 1u << h[i].index;
	}
	ok(all && seen == 0xffffffffu,
	   "two runs share the 32 names out, each once");
	ok(namepool_acquire(run1, "k@loopback:2", -1, &x) == NAMEPOOL_ALL_BUSY &&
	   !x.held, "with all 32 held, none is handed out");
	ok(namepool_acquire(run1, "k@loopback:3", -1, &x) == NAMEPOOL_HELD,
	   "another node has its own pool");
	namepool_release(run1, "k@loopback:3", &x);
	for (unsigned i = 0; i < NAME_POOL_SIZE; i++)
		namepool_release(i % 2 ? run1 : run2, "k@loopback:2", &h[i]);
	ok(namepool_acquire(NULL, "k@loopback:2", 5, &x) == NAMEPOOL_UNTRACKED &&
	   x.index == 5, "without a table the node decides");
	namepool_inuse_free(run1);
	namepool_inuse_free(run2);
}

static void remove_in(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (unlink(path) < 0)
		rmdir(path);
}

int main(void)
{
	char dir[] = "/tmp/test_namepool.XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	setenv("XDG_RUNTIME_DIR", dir, 1);
	keys();
	sharing();
	/* One lock file per node key used, in dir/dist. */
	remove_in(dir, "dist/k@loopback:1");
	remove_in(dir, "dist/k@loopback:2");
	remove_in(dir, "dist/k@loopback:3");
	remove_in(dir, "dist");
	rmdir(dir);
	return tap_done();
}
