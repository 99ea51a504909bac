/* discover.h - finding nodes: DNS, EPMD, HTTP and static sources polled
 * together in the engine, their answers validated, deduplicated and
 * ordered, and (for --watch) compared with the previous poll.
 *
 * One poll asks every source once. A source reports each name it found
 * (discover_found) and, at most once per poll, why it failed
 * (discover_failed), then says it is done. When every source is done, or
 * the poll's deadline passed, the caller gets a struct discover_result:
 * the node records sorted by node name, one per node, and the error
 * records in source order.
 *
 * Names are checked with node_name_parse before they become records: an
 * invalid one turns into an invalid_name error record and never into a
 * node record, so nothing downstream ever targets it.
 *
 *   discover.c          the poll, the result, watch diffing
 *   discover_dns.c      A + AAAA (--query), SRV (--srv), PTR (--name-from)
 *   discover_epmd.c     NAMES on hosts, .hosts.erlang files
 *   discover_http.c     libcurl multi on the engine
 *   discover_formats.c  the JSON documents HTTP endpoints serve
 *   discover_static.c   names given on the command line or in a file
 *
 * discover_run.h puts these together as a program runs them: settings
 * from options, the poll/watch loop, the text lines.
 */
#ifndef DIST_DISCOVER_H
#define DIST_DISCOVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/engine.h"
#include "base/error.h"
#include "io/resolve.h"

/* No poll result grows past this many node records. */
#define DISCOVER_MAX_NODES 100000
/* Default cap on an HTTP body. */
#define DISCOVER_HTTP_MAX_BODY (8 * 1024 * 1024)
/* How much of an invalid entry its error record shows. */
#define DISCOVER_SHOWN_MAX 300
/* Invalid entries with a record of their own in one poll. */
#define DISCOVER_MAX_INVALID 1000
/* How many hosts a .hosts.erlang file may list. */
#define DISCOVER_MAX_HOSTS 4096

enum discover_name_from { DISCOVER_FROM_DEFAULT, DISCOVER_FROM_IP,
			  DISCOVER_FROM_HOSTNAME };

/* What a source knows about one node. Only node is required; the rest
 * may be NULL/0 when the source cannot tell. */
struct discover_node {
	const char *node;     /* "alive@host" as found, not yet validated */
	const char *host;
	const char *address;  /* text form, RFC 5952 for IPv6 */
	int family;           /* AF_INET, AF_INET6 or 0 */
	int port;             /* the node's distribution port, 0 unknown */
	json_t *extra;        /* more members (pod, zone...); borrowed */
};

struct discover;
struct discover_source;

struct discover_source_ops {
	/* Ask once; finish with discover_source_done (maybe later). */
	void (*start)(struct discover_source *s);
	/* The deadline passed while the source was still asking: stop
	 * every request now; discover.c reports the timeout. */
	void (*cancel)(struct discover_source *s);
	/* Free the source (only between polls). */
	void (*destroy)(struct discover_source *s);
};

/* Embedded first in each source's own struct. */
struct discover_source {
	const struct discover_source_ops *ops;
	struct discover *d;
	char strategy[16];    /* "dns", "srv", "epmd", "http", "static" */
	char query[1024];     /* what was asked: a name, host, URL, file */
	bool running;
	bool failed;          /* this poll */
	int index;            /* order among the sources */
	struct discover_source *next;
};

/* How the host part of EPMD's names is written: as given with -H (this
 * host: its short name), cut to the short name (erl -sname), the fully
 * qualified name (erl -name), or the address EPMD answered on
 * (erl -name alive@ADDRESS). EPMD itself does not know. */
enum discover_host_form { DISCOVER_HOST_GIVEN, DISCOVER_HOST_SHORT,
			  DISCOVER_HOST_LONG, DISCOVER_HOST_ADDRESS };

struct discover_config {
	struct engine *e;
	const char *resolver_servers;  /* "HOST[:PORT],..." or NULL */
	int64_t timeout_us;            /* each poll; 0: none */
	int epmd_port;
	enum discover_host_form epmd_host_form;
};

struct discover_result {
	/* The nodes, sorted by name: discover_result_count and
	 * discover_result_node make their records one at a time, so that
	 * a large poll is printed without holding every record at once.
	 * Valid until discover_result_clear. */
	struct discover *owner;
	json_t *errors;       /* array of error records */
	bool complete;        /* every source answered: downs may be trusted */
	/* Sources that failed this poll ("strategy:query" strings): their
	 * previous nodes are kept, never reported down. */
	json_t *failed_sources;
};

typedef void (*discover_done_cb)(void *data, struct discover_result *res);

/* discover.c */
struct discover *discover_new(const struct discover_config *cfg,
			      struct dist_error *err);
void discover_free(struct discover *d);
struct engine *discover_engine(struct discover *d);
/* The shared c-ares resolver, created on first use. NULL with err. */
struct resolver *discover_resolver(struct discover *d, struct dist_error *err);
const struct discover_config *discover_config_of(struct discover *d);
/* Adds s (initialised with discover_source_init) to the run. */
void discover_add_source(struct discover *d, struct discover_source *s);
void discover_source_init(struct discover_source *s,
			  const struct discover_source_ops *ops,
			  const char *strategy, const char *query);
/* Start a poll; cb runs from the loop when it is over. 0 or -1. */
int discover_poll(struct discover *d, discover_done_cb cb, void *data,
		  struct dist_error *err);
void discover_result_clear(struct discover_result *res);
size_t discover_result_count(const struct discover_result *res);
/* The record of node i (0 <= i < count), a new reference: one node
 * found by several sources is one record, the first source's,
 * completed with what the others knew. NULL: no memory. */
json_t *discover_result_node(const struct discover_result *res, size_t i);

/* discover_address.c: in, an address literal, written to out (len
 * bytes; out may be in) as records show it: IPv6 in RFC 5952 form,
 * IPv4 and anything else as given. Returns AF_INET, AF_INET6, or 0
 * when in is no address (a zoned IPv6 literal included). */
int discover_address_text(const char *in, char *out, size_t len);

/* Called by sources during a poll. */
void discover_found(struct discover_source *s, const struct discover_node *n);
void discover_failed(struct discover_source *s, const struct dist_error *err,
		     json_t *extra);
void discover_source_done(struct discover_source *s);
/* An entry that is no node name (a bad line, a bad list item): its own
 * error record (code from why, usually invalid_name) with the entry as
 * "name", shown escaped and cut to DISCOVER_SHOWN_MAX bytes. Good
 * entries around it are still found: one bad entry never hides them. */
void discover_invalid(struct discover_source *s, const char *raw,
		      size_t len, const struct dist_error *why);
/* "strategy:query", the source member of records. */
void discover_source_key(const struct discover_source *s, char *out,
			 size_t len);

/* Watch: the set seen so far, and the events that turn it into res.
 * events gets {"event":"up"|"down", ...node record} objects: downs
 * first, then ups, each sorted by node. A node whose source failed in
 * this poll is kept as it was. */
struct discover_watch;
struct discover_watch *discover_watch_new(void);
void discover_watch_free(struct discover_watch *w);
int discover_watch_update(struct discover_watch *w,
			  const struct discover_result *res, json_t *events);

/* discover_dns.c: node names from A+AAAA answers for query, or from the
 * targets of SRV records (srv true). basename is the alive part. */
int discover_add_dns(struct discover *d, const char *basename,
		     const char *query, bool srv,
		     enum discover_name_from from, struct dist_error *err);

/* discover_epmd.c: NAMES on host (NULL: this host, over loopback).
 * node_host is the host part of the names (NULL: host itself). */
int discover_add_epmd(struct discover *d, const char *host,
		      struct dist_error *err);
/* Each host of an Erlang .hosts.erlang file ('host'. terms, % comments).
 * Returns the number of hosts, or -1 (DIST_E_USAGE naming the line,
 * DIST_E_IO when it cannot be read, DIST_E_TOO_LARGE). */
int discover_add_hosts_file(struct discover *d, const char *path,
			    struct dist_error *err);
typedef int (*discover_host_fn)(void *data, const char *host,
				struct dist_error *err);
int discover_hosts_parse(const char *text, size_t len, discover_host_fn fn,
			 void *data, struct dist_error *err);

/* discover_http.c */
enum discover_format { DISCOVER_FMT_AUTO, DISCOVER_FMT_LIST,
		       DISCOVER_FMT_ENDPOINTSLICE, DISCOVER_FMT_ENDPOINTS,
		       DISCOVER_FMT_CONSUL };

struct discover_http_config {
	const char *url;
	enum discover_format format;
	const char *basename;       /* for documents of addresses */
	enum discover_name_from from;
	const char *cacert;         /* NULL: the system's CAs */
	const char *bearer;         /* token text (not a file) or NULL */
	size_t max_body;            /* 0: DISCOVER_HTTP_MAX_BODY */
	const char *cluster_domain; /* Kubernetes hostnames; NULL: cluster.local */
	bool k8s;                   /* words 401/403 for the service account */
	const char *k8s_namespace;  /* named in 403 messages */
};
int discover_add_http(struct discover *d,
		      const struct discover_http_config *cfg,
		      struct dist_error *err);
/* "auto", "list", "endpointslice", "endpoints", "consul"; -1 if none. */
int discover_format_parse(const char *s);

/* discover_k8s.c: the in-cluster service account. Reads DIR/token
 * (DIST_E_IO when unreadable: an environment error), DIR/namespace
 * unless namespace is given, uses DIR/ca.crt unless cacert is given,
 * and adds an HTTP source for the EndpointSlices of service (or of
 * selector) at api (NULL: https://$KUBERNETES_SERVICE_HOST:PORT). */
struct discover_k8s_config {
	const char *dir;        /* NULL: /var/run/secrets/kubernetes.io/serviceaccount */
	const char *api;
	const char *namespace_;
	const char *service;
	const char *selector;
};
int discover_add_k8s(struct discover *d, const struct discover_k8s_config *k,
		     const struct discover_http_config *base,
		     struct dist_error *err);
/* A small secret file (token), trimmed: malloc'd, wipe and free it.
 * NULL with DIST_E_IO (unreadable), DIST_E_TOO_LARGE or empty file. */
char *discover_read_secret(const char *path, const char *what,
			   struct dist_error *err);

/* discover_formats.c: walk one HTTP body. Returns 0 or -1 (protocol_error
 * for a body that is not the format, invalid_args when the document needs
 * a basename and has none, too_large). */
struct discover_doc {
	enum discover_format format;
	const char *basename;
	enum discover_name_from from;
	const char *cluster_domain;
	size_t max_nodes;
};
int discover_doc_parse(const char *body, size_t len,
		       const struct discover_doc *doc,
		       void (*fn)(void *data, const struct discover_node *n),
		       void *data, struct dist_error *err);

/* A record with "node" (a JSON list item, a JSON line of a names file,
 * our own output): n gets node, host, address and port from it, and the
 * other members (but "source") as extra, which the caller frees with
 * json_decref (the return value, NULL if out of memory). */
json_t *discover_node_from_object(const json_t *obj, struct discover_node *n);

/* discover_static.c: one name as given (validated when found). */
int discover_add_static(struct discover *d, const char *name,
			const char *origin, struct dist_error *err);
/* Names from a file, one per line (# comments, blank lines skipped):
 * bare names, or JSON objects with "node" (JSON Lines, as every program
 * writes), whose other members are carried to the node's record. A
 * line that is neither is its own invalid_name record. */
int discover_add_static_file(struct discover *d, const char *path,
			     struct dist_error *err);

/* "inet"/"inet6" of AF_INET/AF_INET6, NULL otherwise. */
const char *discover_family_name(int family);

#endif
