/* etc_hosts.h - answer a name from /etc/hosts without the resolver.
 *
 * A probe of "node@localhost" or of a name an operator pinned in
 * /etc/hosts needs no DNS. Setting up c-ares for it (reading
 * resolv.conf and nsswitch.conf, seeding its random source, zeroing
 * its query tables) costs more page faults than the whole ping's
 * round trips on a small VM, so the resolver reads the file itself
 * first and starts c-ares only for names the file does not know.
 */
#ifndef DIST_ETC_HOSTS_H
#define DIST_ETC_HOSTS_H

#include <stddef.h>

#include "io/resolve.h"

/* Larger files are left to c-ares: the file is read whole. */
#define ETC_HOSTS_MAX_BYTES (1024 * 1024)

/* Every address text (hosts(5) format: ADDRESS NAME [ALIAS]..., '#'
 * comments) gives for name, compared without case, into res: IPv4
 * addresses first, then IPv6, each in file order, at most
 * RESOLVE_MAX_ADDRS. Returns how many were found (0: the file does
 * not know the name). Never reads past len; text need not end in a
 * NUL. */
int etc_hosts_lookup(const char *text, size_t len, const char *name,
		     struct resolve_result *res);

/* The file at path (normally "/etc/hosts") whole, to look names up in
 * with etc_hosts_lookup: a malloc'd copy (*len bytes, not
 * NUL-terminated), or NULL when it cannot be read, is not a regular
 * file or is over ETC_HOSTS_MAX_BYTES. Read once per resolver: a run
 * over 10 000 names must not read it 10 000 times. */
char *etc_hosts_read(const char *path, size_t *len);

#endif
