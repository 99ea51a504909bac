/* net.c - non-blocking TCP connect (see net.h). */
#include "io/net.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "io/addr.h"

int net_connect_start(const struct sockaddr_storage *addr, uint16_t port,
		      bool nodelay, char *text, size_t text_len)
{
	struct sockaddr_storage ss = *addr;
	socklen_t slen;
	int fd, one = 1;

	if (ss.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		slen = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		slen = sizeof(struct sockaddr_in);
	}
	if (text)
		sockaddr_text(&ss, text, text_len);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	/* Handshake and request messages are small and each waits for an
	 * answer: Nagle would only add delay. */
	if (nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&ss, slen) < 0 &&
	    errno != EINPROGRESS) {
		int saved = errno;

		close(fd);
		return -saved;
	}
	return fd;
}

int net_connect_result(int fd)
{
	int soerr = 0;
	socklen_t slen = sizeof soerr;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) < 0)
		return errno;
	return soerr;
}
