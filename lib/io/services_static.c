/* services_static.c - the services database, for the fully static
 * programs (make static) only.
 *
 * c-ares links calls to getservbyname (ares_getaddrinfo, for a service
 * given by name) and getservbyport_r (ares_getnameinfo). In a static
 * binary glibc answers them through NSS, which loads shared libraries of
 * the glibc it was built with at run time: the link warns so. We never
 * name a service (resolve.c passes no service, ports are numbers) and
 * never ask for one by port, so the static programs answer "no such
 * service" themselves, and are static in truth. Not in libdist.a (the
 * Makefile's STATIC_SRCS): the dynamic programs keep glibc's.
 */
#include <errno.h>
#include <netdb.h>
#include <stddef.h>

struct servent *getservbyname(const char *name, const char *proto)
{
	(void)name;
	(void)proto;
	return NULL;
}

int getservbyport_r(int port, const char *proto, struct servent *result_buf,
		    char *buf, size_t buflen, struct servent **result)
{
	(void)port;
	(void)proto;
	(void)result_buf;
	(void)buf;
	(void)buflen;
	*result = NULL;
	return ENOENT;
}
