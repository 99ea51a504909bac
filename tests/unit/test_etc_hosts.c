/* test_etc_hosts.c - names answered from an /etc/hosts text: which lines
 * match, the order of the addresses, and what is left to c-ares. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/etc_hosts.h"
#include "tap.h"

static const char *addr_text(const struct resolve_result *r, int i)
{
	static char text[INET6_ADDRSTRLEN];
	const struct sockaddr_storage *s = &r->addrs[i];

	if (s->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)s)->sin_addr,
			  text, sizeof text);
	else
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)s)->sin6_addr, text,
			  sizeof text);
	return text;
}

static int lookup(const char *text, const char *name,
		  struct resolve_result *r)
{
	return etc_hosts_lookup(text, strlen(text), name, r);
}

int main(void)
{
	static const char debian[] =
		"127.0.0.1\tlocalhost\n"
		"127.0.1.1\tvm.example\tvm\n"
		"# The following lines are desirable for IPv6 capable hosts\n"
		"::1     localhost ip6-localhost ip6-loopback\n"
		"10.1.2.3 db # 10.9.9.9 vm\r\n"
		"10.1.2.4 DB\n";
	struct resolve_result r;
	char path[] = "/tmp/dist-etc-hosts.XXXXXX";
	int fd;

	ok(lookup(debian, "localhost", &r) == 2 &&
	   !strcmp(addr_text(&r, 0), "127.0.0.1") &&
	   !strcmp(addr_text(&r, 1), "::1"),
	   "localhost: its IPv4 line, then its IPv6 line");
	ok(lookup(debian, "vm", &r) == 1 &&
	   !strcmp(addr_text(&r, 0), "127.0.1.1"),
	   "an alias matches; a name inside a comment does not");
	ok(lookup(debian, "db", &r) == 2 &&
	   !strcmp(addr_text(&r, 1), "10.1.2.4"),
	   "names match without case; CRLF and trailing comments are cut");
	ok(lookup(debian, "local", &r) == 0 &&
	   lookup(debian, "localhost.", &r) == 0 &&
	   lookup(debian, "", &r) == 0,
	   "a prefix, a trailing dot, an empty name: left to c-ares");
	ok(lookup("::1 six\n10.0.0.1 six\n", "six", &r) == 2 &&
	   r.addrs[0].ss_family == AF_INET &&
	   r.addrs[1].ss_family == AF_INET6,
	   "IPv4 comes first wherever it stands in the file");
	ok(lookup("fe80::1%eth0 scoped\nnonsense scoped\n999.1.1.1 scoped\n",
		  "scoped", &r) == 0,
	   "zoned, malformed and out-of-range addresses are skipped");
	{
		char big[2048] = "";
		size_t n = 0;

		for (int i = 0; i < 20; i++)
			n += (size_t)snprintf(big + n, sizeof big - n,
					      "10.0.0.%d many\n", i + 1);
		ok(lookup(big, "many", &r) == RESOLVE_MAX_ADDRS,
		   "at most RESOLVE_MAX_ADDRS addresses");
	}
	ok(etc_hosts_lookup("127.0.0.1 cut", 12, "cut", &r) == 0 &&
	   etc_hosts_lookup("127.0.0.1 cut", 13, "cut", &r) == 1,
	   "the length bounds the text: no NUL needed, none read past");

	fd = mkstemp(path);
	if (fd >= 0) {
		static const char f[] = "192.0.2.7 from-file\n";

		ok(write(fd, f, sizeof f - 1) == (ssize_t)(sizeof f - 1),
		   "writing a hosts file");
		close(fd);
		{
			size_t len;
			char *text = etc_hosts_read(path, &len);

			ok(text && len == sizeof f - 1 &&
			   etc_hosts_lookup(text, len, "from-file", &r) == 1 &&
			   !strcmp(addr_text(&r, 0), "192.0.2.7"),
			   "etc_hosts_read reads the file whole");
			free(text);
		}
		unlink(path);
	}
	{
		size_t len = 1;

		ok(!etc_hosts_read("/nonexistent/hosts", &len) && len == 0,
		   "a missing file reads as nothing");
		ok(!etc_hosts_read("/tmp", &len), "a directory is not read");
	}
	return tap_done();
}
