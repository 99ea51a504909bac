/* resolve.h - host name resolution inside the event loop (c-ares).
 *
 * No gethostbyname, no blocking getaddrinfo: a probe of 1 000 hosts must
 * not wait for them one by one, and a dead DNS server must not hold the
 * command past its deadline. /etc/hosts is read too (c-ares "files").
 */
#ifndef DIST_RESOLVE_H
#define DIST_RESOLVE_H

#include <sys/socket.h>

#include "io/engine.h"
#include "base/error.h"

#define RESOLVE_MAX_ADDRS 8

struct resolve_result {
	int naddrs;
	struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS]; /* IPv4 first */
};

struct resolver;
struct resolve_req;

/* status 0: res holds at least one address; -1: err says why. */
typedef void (*resolve_cb)(void *data, int status,
			   const struct resolve_result *res,
			   const struct dist_error *err);

struct resolver *resolver_new(struct engine *e, struct dist_error *err);
/* The same, but REFUSED and SERVFAIL answers are reported as they are
 * (resolve_query says which) instead of trying the next server and
 * ending with a vague "connection refused": discovery wants to tell an
 * operator what the DNS server said. */
struct resolver *resolver_new_exact(struct engine *e, struct dist_error *err);
/* Use these DNS servers instead of /etc/resolv.conf's: "HOST[:PORT]"
 * entries separated by commas (--resolver, $DIST_RESOLVER). */
int resolver_set_servers(struct resolver *r, const char *csv,
			 struct dist_error *err);
/* The check resolver_set_servers makes first, for programs to run
 * before they send anything: each entry an address literal (IPv4,
 * bare IPv6, or [IPv6]), a port 1..65535. Errors are DIST_E_USAGE. */
int resolver_servers_check(const char *csv, struct dist_error *err);
void resolver_free(struct resolver *r);

/* Start resolving host (a name or an address literal). The callback runs
 * later from the loop, never from inside this call. Returns a handle that
 * resolve_cancel() uses when the caller gives up first (deadline): the
 * callback will then never run, and once no question left in the
 * resolver is waited for, they are all dropped, so a DNS server that
 * never answers holds nothing past the deadline. NULL when out of
 * memory. */
struct resolve_req *resolve_host(struct resolver *r, const char *host,
				 resolve_cb cb, void *data);
void resolve_cancel(struct resolve_req *req);

/* A raw DNS question (dist-discover: A, AAAA, SRV, PTR records).
 *
 * status 0: the server answered NOERROR; abuf/alen hold the whole reply
 * for ares_parse_*_reply (no records of that type is still status 0,
 * possibly with abuf NULL: an empty answer is not a failure). -1: err
 * says why: resolve_failed for NXDOMAIN, SERVFAIL, REFUSED (the message
 * names which), timeout when no server answered. name is asked as
 * given: no search domains, no /etc/hosts. Delivery and cancelling work
 * as with resolve_host. */
typedef void (*resolve_query_cb)(void *data, int status,
				 const unsigned char *abuf, int alen,
				 const struct dist_error *err);
struct resolve_query_req;
struct resolve_query_req *resolve_query(struct resolver *r, const char *name,
					int type, resolve_query_cb cb,
					void *data);
void resolve_query_cancel(struct resolve_query_req *req);

#endif
