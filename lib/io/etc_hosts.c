/* etc_hosts.c - names from /etc/hosts (see etc_hosts.h). */
#include "io/etc_hosts.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next field of [*p, end): its start and length; false at the end. */
static bool next_field(const char **p, const char *end, const char **f,
		       size_t *n)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	if (s == end)
		return false;
	*f = s;
	while (s < end && !is_blank(*s))
		s++;
	*n = (size_t)(s - *f);
	*p = s;
	return true;
}

/* An address field: IPv4 or IPv6 text, no zone (a scoped address in
 * /etc/hosts is rare; c-ares is asked for those names instead). */
static int parse_address(const char *f, size_t n,
			 struct sockaddr_storage *out)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
	char text[INET6_ADDRSTRLEN + 1];

	if (n == 0 || n >= sizeof text)
		return -1;
	memcpy(text, f, n);
	text[n] = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		return AF_INET;
	}
	if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		return AF_INET6;
	}
	return -1;
}

/* Does the line [s, end) (comment already cut) name `name`? Then its
 * address goes to *addr and the family is returned. */
static int line_match(const char *s, const char *end, const char *name,
		      size_t name_len, struct sockaddr_storage *addr)
{
	const char *f, *a;
	size_t n, an;

	if (!next_field(&s, end, &a, &an))
		return -1;
	while (next_field(&s, end, &f, &n))
		if (n == name_len && strncasecmp(f, name, n) == 0)
			return parse_address(a, an, addr);
	return -1;
}

int etc_hosts_lookup(const char *text, size_t len, const char *name,
		     struct resolve_result *res)
{
	struct sockaddr_storage v6[RESOLVE_MAX_ADDRS];
	const char *p = text, *end = text + len;
	size_t name_len = strlen(name);
	int n6 = 0;

	res->naddrs = 0;
	if (name_len == 0)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *hash = memchr(p, '#', (size_t)(line_end - p));
		struct sockaddr_storage addr;
		int family = line_match(p, hash ? hash : line_end, name,
					name_len, &addr);

		if (family == AF_INET && res->naddrs < RESOLVE_MAX_ADDRS)
			res->addrs[res->naddrs++] = addr;
		else if (family == AF_INET6 && n6 < RESOLVE_MAX_ADDRS)
			v6[n6++] = addr;
		p = nl ? nl + 1 : end;
	}
	/* Erlang nodes listen on IPv4 unless told otherwise: IPv4 first,
	 * as the c-ares path orders them. */
	for (int i = 0; i < n6 && res->naddrs < RESOLVE_MAX_ADDRS; i++)
		res->addrs[res->naddrs++] = v6[i];
	return res->naddrs;
}

char *etc_hosts_read(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;
	char *buf;

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > ETC_HOSTS_MAX_BYTES) {
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	/* The size fstat gave bounds the read: a file growing meanwhile
	 * is read as it was. */
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
}
