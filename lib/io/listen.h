/* listen.h - the listening side of TCP for a long-running node: a
 * non-blocking, close-on-exec listening socket, and accept that hands
 * back non-blocking connections with Nagle off. */
#ifndef DIST_LISTEN_H
#define DIST_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Listen on every address of the family (IPv6 when ipv6) at port (0:
 * the kernel picks one). Returns the fd and sets *bound to the port, or
 * -1 with DIST_E_IO saying what failed and errno saying why
 * (EADDRINUSE: something listens there). */
int net_listen(bool ipv6, uint16_t port, uint16_t *bound,
	       struct dist_error *err);

/* Accept one connection: its fd, or -1 with errno EAGAIN when there is
 * none waiting (or another errno: EMFILE and the like). Fills text with
 * the peer's address for messages. */
int net_accept(int lfd, char *text, size_t text_len);

#endif
