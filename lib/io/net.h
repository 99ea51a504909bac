/* net.h - the one way we open a TCP connection: non-blocking, close on
 * exec, connect started and left to the event loop to finish. */
#ifndef DIST_NET_H
#define DIST_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Start connecting to addr (its port replaced by `port`). Fills text
 * with the address for messages. Returns the fd, whose writability
 * reports the outcome (SO_ERROR), or -errno when it failed at once. */
int net_connect_start(const struct sockaddr_storage *addr, uint16_t port,
		      bool nodelay, char *text, size_t text_len);

/* The pending error of a connecting socket once it is writable: 0 when
 * connected, else an errno value. */
int net_connect_result(int fd);

#endif
