/* listen.c - listening sockets (see listen.h). */
#include "io/listen.h"
#include "io/addr.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/resolve.h"

int net_listen(bool ipv6, uint16_t port, uint16_t *bound,
	       struct dist_error *err)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (ipv6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons(port);
		slen = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		s4->sin_port = htons(port);
		slen = sizeof *s4;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "cannot open a listening socket: %s",
				      strerror(errno));
	/* A restarted node takes its fixed port back at once, past the
	 * TIME_WAIT of its last connections. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, slen) < 0 ||
	    listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &slen) < 0) {
		int saved = errno;

		close(fd);
		dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			       "cannot listen on port %u: %s", port,
			       strerror(saved));
		errno = saved;
		return -1;
	}
	*bound = ntohs(ipv6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
			    : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

int net_accept(int lfd, char *text, size_t text_len)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof ss;
	int fd, one = 1;

	fd = accept4(lfd, (struct sockaddr *)&ss, &slen,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (text)
		sockaddr_text(&ss, text, text_len);
	return fd;
}
