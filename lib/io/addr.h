/* addr.h - address text: what an address looks like in a record, a
 * message or a node name.
 *
 * One form everywhere, so that the same address is the same string in
 * every output and a key built from it matches: dotted quad for IPv4,
 * RFC 5952 for IPv6 (lower case, the longest run of zero groups
 * shortened to "::", ::ffff:a.b.c.d for a mapped IPv4 address), which
 * is what glibc's inet_ntop writes.
 */
#ifndef DIST_IO_ADDR_H
#define DIST_IO_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* "127.0.0.1" / "::1" text of an address (no port); "?" when it has
 * neither family. */
void sockaddr_text(const struct sockaddr_storage *ss, char *out, size_t len);

/* 127.0.0.0/8, ::1, or ::ffff:127.x.y.z: what EPMD trusts to register. */
bool sockaddr_is_loopback(const struct sockaddr_storage *ss);

#endif
