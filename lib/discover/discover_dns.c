/* discover_dns.c - node names from DNS, asked through c-ares in the
 * engine (see discover.h).
 *
 * --query NAME asks A and AAAA together: a name with only IPv4 (or only
 * IPv6) records has an empty answer for the other type, which is not a
 * failure. Names are basename@address (Kubernetes headless services),
 * or basename@hostname through a PTR question per address (StatefulSet
 * pods have stable names). --srv NAME asks SRV: basename@target, or
 * basename@address of each target with --name-from ip.
 */
#include "discover/discover.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist/nodename.h"

enum { QTYPE_A = 1, QTYPE_PTR = 12, QTYPE_AAAA = 28, QTYPE_SRV = 33 };

struct dns_source;

/* One question in flight; the source keeps them listed to cancel. */
struct dns_req {
	struct dns_source *src;
	struct resolve_query_req *h;
	int type;
	char address[INET6_ADDRSTRLEN]; /* PTR: the address asked about */
	int family;
	struct dns_req *next, **pprev;
};

struct dns_source {
	struct discover_source s;
	char basename[256];
	bool srv;
	enum discover_name_from from;
	struct dns_req *reqs;
	int pending;
	bool have_err;
	struct dist_error err;     /* the first failure of this poll */
};

static void dns_ask(struct dns_source *ds, const char *name, int type,
		    const char *address, int family);

static void dns_note_failure(struct dns_source *ds,
			     const struct dist_error *err)
{
	if (ds->have_err)
		return;
	ds->have_err = true;
	ds->err = *err;
}

static void dns_req_unlink(struct dns_req *rq)
{
	*rq->pprev = rq->next;
	if (rq->next)
		rq->next->pprev = rq->pprev;
}

static void dns_maybe_done(struct dns_source *ds)
{
	if (ds->pending > 0 || !ds->s.running)
		return;
	if (ds->have_err)
		discover_failed(&ds->s, &ds->err, NULL);
	discover_source_done(&ds->s);
}

static void dns_found(struct dns_source *ds, const char *host,
		      const char *address, int family)
{
	char node[600];
	struct discover_node n = { .node = node, .host = host,
				   .address = address, .family = family };

	snprintf(node, sizeof node, "%s@%s", ds->basename, host);
	discover_found(&ds->s, &n);
}

/* "d.c.b.a.in-addr.arpa" or the 32 nibbles of ip6.arpa. */
static void reverse_name(int family, const void *addr, char *out, size_t len)
{
	const unsigned char *b = addr;
	size_t off = 0;

	if (family == AF_INET) {
		snprintf(out, len, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2],
			 b[1], b[0]);
		return;
	}
	for (int i = 15; i >= 0 && off + 4 < len; i--)
		off += (size_t)snprintf(out + off, len - off, "%x.%x.",
					b[i] & 0xf, b[i] >> 4);
	snprintf(out + off, len - off, "ip6.arpa");
}

static void on_addresses(struct dns_source *ds, int type,
			 const unsigned char *abuf, int alen)
{
	struct hostent *he = NULL;
	int family = type == QTYPE_A ? AF_INET : AF_INET6;
	int rc;
	char text[INET6_ADDRSTRLEN], rev[128];

	if (!abuf)
		return;
	rc = type == QTYPE_A ? ares_parse_a_reply(abuf, alen, &he, NULL, NULL)
			     : ares_parse_aaaa_reply(abuf, alen, &he, NULL,
						     NULL);
	if (rc == ARES_ENODATA)
		return;
	if (rc != ARES_SUCCESS || !he) {
		struct dist_error err;

		dist_error_set(&err, DIST_E_PROTOCOL, DIST_STAGE_RESOLVE,
			       "%s answer for '%s' does not parse: %s",
			       type == QTYPE_A ? "A" : "AAAA", ds->s.query,
			       ares_strerror(rc));
		dns_note_failure(ds, &err);
		return;
	}
	for (char **a = he->h_addr_list; *a; a++) {
		/* glibc's inet_ntop writes IPv6 in RFC 5952 form. */
		if (!inet_ntop(family, *a, text, sizeof text))
			continue;
		if (ds->from == DISCOVER_FROM_HOSTNAME) {
			reverse_name(family, *a, rev, sizeof rev);
			dns_ask(ds, rev, QTYPE_PTR, text, family);
		} else {
			dns_found(ds, text, text, family);
		}
	}
	ares_free_hostent(he);
}

static void on_ptr(struct dns_source *ds, const struct dns_req *rq,
		   const unsigned char *abuf, int alen)
{
	struct hostent *he = NULL;
	struct dist_error err;
	unsigned char bin[16];
	int rc = ARES_ENODATA;

	if (abuf && inet_pton(rq->family, rq->address, bin) == 1)
		rc = ares_parse_ptr_reply(abuf, alen, bin,
					  rq->family == AF_INET ? 4 : 16,
					  rq->family, &he);
	if (rc == ARES_SUCCESS && he && he->h_name) {
		dns_found(ds, he->h_name, rq->address, rq->family);
	} else {
		dist_error_set(&err, DIST_E_RESOLVE, DIST_STAGE_RESOLVE,
			       "address %s of '%s' has no PTR record: no "
			       "host name to build its node name from "
			       "(--name-from hostname)", rq->address,
			       ds->s.query);
		dns_note_failure(ds, &err);
	}
	if (he)
		ares_free_hostent(he);
}

static void on_srv(struct dns_source *ds, const unsigned char *abuf,
		   int alen)
{
	struct ares_srv_reply *srv = NULL;
	struct dist_error err;
	int rc;

	if (!abuf)
		return;
	rc = ares_parse_srv_reply(abuf, alen, &srv);
	if (rc == ARES_ENODATA)
		return;
	if (rc != ARES_SUCCESS) {
		dist_error_set(&err, DIST_E_PROTOCOL, DIST_STAGE_RESOLVE,
			       "SRV answer for '%s' does not parse: %s",
			       ds->s.query, ares_strerror(rc));
		dns_note_failure(ds, &err);
		return;
	}
	for (struct ares_srv_reply *r = srv; r; r = r->next) {
		/* RFC 2782: a target of "." says "no such service here". */
		if (!r->host[0] || !strcmp(r->host, "."))
			continue;
		if (ds->from == DISCOVER_FROM_IP) {
			dns_ask(ds, r->host, QTYPE_A, "", 0);
			dns_ask(ds, r->host, QTYPE_AAAA, "", 0);
		} else {
			dns_found(ds, r->host, NULL, 0);
		}
	}
	ares_free_data(srv);
}

static void on_answer(void *data, int status, const unsigned char *abuf,
		      int alen, const struct dist_error *err)
{
	struct dns_req *rq = data;
	struct dns_source *ds = rq->src;

	dns_req_unlink(rq);
	ds->pending--;
	if (status < 0) {
		dns_note_failure(ds, err);
	} else if (rq->type == QTYPE_SRV) {
		on_srv(ds, abuf, alen);
	} else if (rq->type == QTYPE_PTR) {
		on_ptr(ds, rq, abuf, alen);
	} else {
		on_addresses(ds, rq->type, abuf, alen);
	}
	free(rq);
	dns_maybe_done(ds);
}

static void dns_ask(struct dns_source *ds, const char *name, int type,
		    const char *address, int family)
{
	struct dist_error err;
	struct resolver *r = discover_resolver(ds->s.d, &err);
	struct dns_req *rq = r ? calloc(1, sizeof *rq) : NULL;

	if (!rq) {
		if (r)
			dist_error_nomem(&err, DIST_STAGE_RESOLVE, NULL);
		dns_note_failure(ds, &err);
		return;
	}
	rq->src = ds;
	rq->type = type;
	rq->family = family;
	snprintf(rq->address, sizeof rq->address, "%s", address);
	rq->next = ds->reqs;
	if (rq->next)
		rq->next->pprev = &rq->next;
	rq->pprev = &ds->reqs;
	ds->reqs = rq;
	ds->pending++;
	rq->h = resolve_query(r, name, type, on_answer, rq);
	if (!rq->h) {
		dns_req_unlink(rq);
		ds->pending--;
		free(rq);
		dist_error_nomem(&err, DIST_STAGE_RESOLVE, NULL);
		dns_note_failure(ds, &err);
	}
}

static void dns_start(struct discover_source *s)
{
	struct dns_source *ds = (struct dns_source *)s;

	ds->have_err = false;
	if (ds->srv) {
		dns_ask(ds, s->query, QTYPE_SRV, "", 0);
	} else {
		dns_ask(ds, s->query, QTYPE_A, "", 0);
		dns_ask(ds, s->query, QTYPE_AAAA, "", 0);
	}
	dns_maybe_done(ds);
}

static void dns_cancel(struct discover_source *s)
{
	struct dns_source *ds = (struct dns_source *)s;
	struct dns_req *rq;

	while ((rq = ds->reqs)) {
		dns_req_unlink(rq);
		resolve_query_cancel(rq->h);
		free(rq);
	}
	ds->pending = 0;
}

static void dns_destroy(struct discover_source *s)
{
	dns_cancel(s);
	free(s);
}

static const struct discover_source_ops dns_ops = {
	.start = dns_start,
	.cancel = dns_cancel,
	.destroy = dns_destroy,
};

int discover_add_dns(struct discover *d, const char *basename,
		     const char *query, bool srv,
		     enum discover_name_from from, struct dist_error *err)
{
	struct dns_source *ds;

	if (!node_alive_valid(basename))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "basename '%s' is not a valid node name "
				      "part ([0-9A-Za-z_-], at most 255)",
				      basename);
	if (!*query || strlen(query) > 253)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "DNS name '%s' is empty or longer than "
				      "253 characters", query);
	ds = calloc(1, sizeof *ds);
	if (!ds)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	discover_source_init(&ds->s, &dns_ops, srv ? "srv" : "dns", query);
	snprintf(ds->basename, sizeof ds->basename, "%s", basename);
	ds->srv = srv;
	ds->from = from != DISCOVER_FROM_DEFAULT ? from
		: srv ? DISCOVER_FROM_HOSTNAME : DISCOVER_FROM_IP;
	discover_add_source(d, &ds->s);
	return 0;
}
