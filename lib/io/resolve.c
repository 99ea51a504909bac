/* resolve.c - c-ares plugged into the engine (see resolve.h). */
#include "io/resolve.h"

#include "io/etc_hosts.h"

#include <ares.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define RESOLVER_MAX_FDS 16

struct resolver_fd {
	struct engine_io io;
	struct resolver *r;
	bool used;
};

struct resolver {
	struct engine *e;
	/* Set up on the first question that needs it (see etc_hosts.h):
	 * a literal or an /etc/hosts name never pays for c-ares. */
	ares_channel channel;
	bool have_channel;
	int flags;             /* ARES_FLAG_* for the channel */
	char *servers;         /* --resolver, applied to the channel */
	/* /etc/hosts, read on the first name asked (NULL: unreadable). */
	char *hosts;
	size_t hosts_len;
	bool hosts_read;
	struct engine_timer timer;
	struct resolver_fd fds[RESOLVER_MAX_FDS];
	/* Questions inside c-ares, and how many of those nobody waits for
	 * any more. c-ares cannot drop one question, only all of them; so
	 * once every question left is abandoned, the sweep drops them all.
	 * Otherwise a black-holed DNS server keeps retrying for 75 s after
	 * the command deadline, and the loop (so the process) with it. */
	int in_flight;
	int abandoned;
	struct engine_timer sweep;
};

struct resolve_req {
	resolve_cb cb;    /* NULL once cancelled */
	void *data;
	struct resolver *r;
	bool starting;    /* inside ares_getaddrinfo */
	bool in_ares;     /* counted in r->in_flight */
	bool finished;
	int status;
	struct resolve_result res;
	struct dist_error err;
	struct engine_timer deliver;
	char host[256];
};

static void resolver_rearm(struct resolver *r);

/* From the loop, never inside a c-ares callback: ares_cancel runs the
 * callbacks of the questions it drops, and c-ares may be walking its
 * list of questions when one of our callbacks cancels another. */
static void on_sweep(struct engine *e, struct engine_timer *t)
{
	struct resolver *r = t->data;

	(void)e;
	if (r->in_flight > 0 && r->abandoned == r->in_flight) {
		ares_cancel(r->channel);
		resolver_rearm(r);
	}
}

static void resolver_maybe_sweep(struct resolver *r)
{
	if (r->in_flight > 0 && r->abandoned == r->in_flight)
		engine_timer_arm(r->e, &r->sweep, engine_now_us());
}

/* A question left c-ares (answered, failed, dropped). */
static void resolver_question_done(struct resolver *r, bool abandoned)
{
	r->in_flight--;
	if (abandoned)
		r->abandoned--;
	resolver_maybe_sweep(r);
}

/* Its owner gave up on a question still inside c-ares. */
static void resolver_question_abandoned(struct resolver *r)
{
	r->abandoned++;
	resolver_maybe_sweep(r);
}

static void on_ares_io(struct engine *e, struct engine_io *io,
		       unsigned events)
{
	struct resolver_fd *rf = io->data;

	(void)e;
	ares_process_fd(rf->r->channel,
			events & ENGINE_READ ? io->fd : ARES_SOCKET_BAD,
			events & ENGINE_WRITE ? io->fd : ARES_SOCKET_BAD);
	resolver_rearm(rf->r);
}

static void on_ares_timer(struct engine *e, struct engine_timer *t)
{
	struct resolver *r = t->data;

	(void)e;
	ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	resolver_rearm(r);
}

/* c-ares tells us which sockets it wants watched. */
static void on_sock_state(void *data, ares_socket_t fd, int readable,
			  int writable)
{
	struct resolver *r = data;
	struct resolver_fd *slot = NULL, *free_slot = NULL;
	unsigned events = (readable ? ENGINE_READ : 0) |
			  (writable ? ENGINE_WRITE : 0);

	for (int i = 0; i < RESOLVER_MAX_FDS; i++) {
		if (r->fds[i].used && r->fds[i].io.fd == fd)
			slot = &r->fds[i];
		else if (!r->fds[i].used && !free_slot)
			free_slot = &r->fds[i];
	}
	if (!events) {
		if (slot) {
			engine_io_remove(r->e, &slot->io);
			slot->used = false;
		}
		return;
	}
	if (!slot) {
		/* More sockets than slots: c-ares still times the query
		 * out through its timer, so the caller gets an answer. */
		if (!free_slot)
			return;
		slot = free_slot;
		memset(slot, 0, sizeof *slot);
		slot->used = true;
		slot->r = r;
		slot->io.fd = fd;
		slot->io.cb = on_ares_io;
		slot->io.data = slot;
	}
	engine_io_set(r->e, &slot->io, events, NULL);
}

static void resolver_rearm(struct resolver *r)
{
	struct timeval tv, *tvp;

	if (!r->have_channel)
		return;
	tvp = ares_timeout(r->channel, NULL, &tv);
	if (!tvp) {
		engine_timer_disarm(r->e, &r->timer);
		return;
	}
	engine_timer_arm(r->e, &r->timer,
			 engine_now_us() + (int64_t)tvp->tv_sec * 1000000 +
				 tvp->tv_usec);
}

static struct resolver *resolver_create(struct engine *e, int flags,
					struct dist_error *err)
{
	struct resolver *r = calloc(1, sizeof *r);

	if (!r) {
		dist_error_nomem(err, DIST_STAGE_RESOLVE,
				 "creating the resolver");
		return NULL;
	}
	r->e = e;
	r->flags = flags;
	r->timer.cb = on_ares_timer;
	r->timer.data = r;
	r->sweep.cb = on_sweep;
	r->sweep.data = r;
	return r;
}

/* --resolver's servers onto the channel, once both exist. */
static int apply_servers(struct resolver *r, struct dist_error *err)
{
	int rc;

	if (!r->have_channel || !r->servers)
		return 0;
	rc = ares_set_servers_ports_csv(r->channel, r->servers);
	if (rc != ARES_SUCCESS)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "resolver '%s' is not HOST[:PORT][,...]: "
				      "%s", r->servers, ares_strerror(rc));
	return 0;
}

/* The c-ares channel, made on first use. */
static int resolver_channel(struct resolver *r, struct dist_error *err)
{
	struct ares_options opts;
	int rc;

	if (r->have_channel)
		return 0;
	rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc != ARES_SUCCESS)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_RESOLVE,
				      "cannot start the resolver: %s",
				      ares_strerror(rc));
	memset(&opts, 0, sizeof opts);
	opts.sock_state_cb = on_sock_state;
	opts.sock_state_cb_data = r;
	opts.flags = r->flags;
	rc = ares_init_options(&r->channel, &opts, ARES_OPT_SOCK_STATE_CB |
			       (r->flags ? ARES_OPT_FLAGS : 0));
	if (rc != ARES_SUCCESS) {
		ares_library_cleanup();
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_RESOLVE,
				      "cannot start the resolver: %s",
				      ares_strerror(rc));
	}
	r->have_channel = true;
	return apply_servers(r, err);
}

struct resolver *resolver_new(struct engine *e, struct dist_error *err)
{
	return resolver_create(e, 0, err);
}

struct resolver *resolver_new_exact(struct engine *e, struct dist_error *err)
{
	return resolver_create(e, ARES_FLAG_NOCHECKRESP, err);
}

/* "53" -> 53; 0 when not a port number (1..65535). */
static int parse_port(const char *s, size_t n)
{
	long v = 0;

	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : 0;
}

static bool address_is(int family, const char *s, size_t n)
{
	char text[INET6_ADDRSTRLEN + 1];
	struct in6_addr a;

	if (n == 0 || n >= sizeof text)
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	return inet_pton(family, text, &a) == 1;
}

#define SERVERS_FORMS "192.0.2.1, 192.0.2.1:5353, 2001:db8::1 or " \
	"[2001:db8::1]:5353, comma-separated"

/* One "HOST[:PORT]" of a --resolver list. */
static int check_server(const char *s, size_t n, struct dist_error *err)
{
	const char *colon = memchr(s, ':', n), *end = s + n, *port = NULL;
	const char *host = s;
	size_t hlen = n;
	int family = AF_INET;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (!close || (close + 1 < end && close[1] != ':'))
			return dist_error_set(err, DIST_E_USAGE,
				DIST_STAGE_INPUT,
				"DNS server '%.*s': a bracketed IPv6 address "
				"is [ADDRESS] or [ADDRESS]:PORT", (int)n, s);
		host = s + 1;
		hlen = (size_t)(close - host);
		family = AF_INET6;
		port = close + 1 < end ? close + 2 : NULL;
	} else if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		family = AF_INET6;    /* a bare IPv6 address: no port */
	} else if (colon) {
		hlen = (size_t)(colon - s);
		port = colon + 1;
	}
	if (!address_is(family, host, hlen))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			"DNS server '%.*s': '%.*s' is not an IP%s address; "
			"--resolver and $DIST_RESOLVER take addresses, not "
			"names (" SERVERS_FORMS ")", (int)n, s, (int)hlen, host,
			family == AF_INET6 ? "v6" : "");
	if (port && !parse_port(port, (size_t)(end - port)))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			"DNS server '%.*s': the port '%.*s' is not a number "
			"from 1 to 65535", (int)n, s, (int)(end - port), port);
	return 0;
}

int resolver_servers_check(const char *csv, struct dist_error *err)
{
	const char *p = csv;

	for (;;) {
		size_t n = strcspn(p, ",");

		if (n == 0)
			return dist_error_set(err, DIST_E_USAGE,
				DIST_STAGE_INPUT,
				"DNS servers '%s': an empty entry; give "
				SERVERS_FORMS, csv);
		if (check_server(p, n, err) < 0)
			return -1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int resolver_set_servers(struct resolver *r, const char *csv,
			 struct dist_error *err)
{
	char *copy;

	if (resolver_servers_check(csv, err) < 0)
		return -1;
	copy = strdup(csv);
	if (!copy)
		return dist_error_nomem(err, DIST_STAGE_RESOLVE,
					"keeping the DNS servers");
	free(r->servers);
	r->servers = copy;
	return apply_servers(r, err);
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	/* Cancelled requests still get their c-ares callback here, which
	 * frees them; live ones are cancelled by their owners first. */
	if (r->have_channel)
		ares_destroy(r->channel);
	engine_timer_disarm(r->e, &r->timer);
	engine_timer_disarm(r->e, &r->sweep);
	for (int i = 0; i < RESOLVER_MAX_FDS; i++)
		if (r->fds[i].used)
			engine_io_remove(r->e, &r->fds[i].io);
	if (r->have_channel)
		ares_library_cleanup();
	free(r->servers);
	free(r->hosts);
	free(r);
}

static void collect_family(const struct ares_addrinfo *ai, int family,
			   struct resolve_result *res)
{
	for (const struct ares_addrinfo_node *n = ai->nodes; n; n = n->ai_next) {
		if (n->ai_family != family || res->naddrs >= RESOLVE_MAX_ADDRS)
			continue;
		if (n->ai_addrlen > sizeof res->addrs[0])
			continue;
		memset(&res->addrs[res->naddrs], 0, sizeof res->addrs[0]);
		memcpy(&res->addrs[res->naddrs], n->ai_addr, n->ai_addrlen);
		res->naddrs++;
	}
}

static void resolve_deliver(struct resolve_req *req)
{
	if (req->cb)
		req->cb(req->data, req->status, &req->res, &req->err);
	free(req);
}

static void on_deliver_timer(struct engine *e, struct engine_timer *t)
{
	(void)e;
	resolve_deliver(t->data);
}

static void fill_failure(struct resolve_req *req, int status)
{
	req->status = -1;
	if (status == ARES_SUCCESS || status == ARES_ENOTFOUND ||
	    status == ARES_ENODATA || status == ARES_ENONAME)
		dist_error_set(&req->err, DIST_E_RESOLVE, DIST_STAGE_RESOLVE,
			       "host '%s' does not resolve (no such name in "
			       "DNS or /etc/hosts)", req->host);
	else if (status == ARES_ETIMEOUT)
		dist_error_set(&req->err, DIST_E_TIMEOUT, DIST_STAGE_RESOLVE,
			       "DNS lookup of '%s' timed out", req->host);
	else
		dist_error_set(&req->err, DIST_E_RESOLVE, DIST_STAGE_RESOLVE,
			       "cannot resolve '%s': %s", req->host,
			       ares_strerror(status));
}

static void on_addrinfo(void *arg, int status, int timeouts,
			struct ares_addrinfo *ai)
{
	struct resolve_req *req = arg;

	(void)timeouts;
	if (req->in_ares) {
		req->in_ares = false;
		resolver_question_done(req->r, !req->cb);
	}
	if (status == ARES_SUCCESS && ai) {
		/* Erlang nodes listen on IPv4 unless started with
		 * -proto_dist inet6_tcp: try IPv4 first. */
		collect_family(ai, AF_INET, &req->res);
		collect_family(ai, AF_INET6, &req->res);
	}
	if (ai)
		ares_freeaddrinfo(ai);
	if (req->res.naddrs > 0)
		req->status = 0;
	else
		fill_failure(req, status);
	req->finished = true;
	/* Answers from /etc/hosts or a literal come back inside
	 * ares_getaddrinfo: deliver those from the loop, so callers never
	 * see their callback run before resolve_host returned. */
	if (!req->starting)
		resolve_deliver(req);
}

/* IPv4 or IPv6 text (with an optional %zone): no resolver involved.
 * inet_pton rather than getaddrinfo(AI_NUMERICHOST), which static
 * builds would tie to the build host's NSS libraries. */
static bool literal_address(const char *host, struct resolve_result *res)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&res->addrs[0];
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&res->addrs[0];
	char text[INET6_ADDRSTRLEN + 1];
	const char *zone = strchr(host, '%');
	size_t n = zone ? (size_t)(zone - host) : strlen(host);

	memset(&res->addrs[0], 0, sizeof res->addrs[0]);
	if (!zone && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		res->naddrs = 1;
		return true;
	}
	if (n >= sizeof text)
		return false;
	memcpy(text, host, n);
	text[n] = '\0';
	if (inet_pton(AF_INET6, text, &v6->sin6_addr) != 1)
		return false;
	v6->sin6_family = AF_INET6;
	if (zone)
		v6->sin6_scope_id = if_nametoindex(zone + 1);
	res->naddrs = 1;
	return true;
}

struct resolve_req *resolve_host(struct resolver *r, const char *host,
				 resolve_cb cb, void *data)
{
	struct ares_addrinfo_hints hints;
	struct resolve_req *req = calloc(1, sizeof *req);

	if (!req)
		return NULL;
	req->cb = cb;
	req->data = data;
	req->r = r;
	req->deliver.cb = on_deliver_timer;
	req->deliver.data = req;
	snprintf(req->host, sizeof req->host, "%s", host);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* We order the families ourselves; RFC 6724 sorting costs a UDP
	 * socket per address. */
	hints.ai_flags = ARES_AI_NOSORT;
	req->starting = true;
	/* An address literal needs no lookup; c-ares 1.18 would still ask
	 * the DNS server about "127.0.0.1", which is slow at best. A name
	 * /etc/hosts knows is answered from it, as c-ares would first. */
	if (!r->hosts_read) {
		r->hosts = etc_hosts_read("/etc/hosts", &r->hosts_len);
		r->hosts_read = true;
	}
	if (literal_address(host, &req->res) ||
	    (r->hosts &&
	     etc_hosts_lookup(r->hosts, r->hosts_len, host, &req->res) > 0))
		req->finished = true;
	else if (resolver_channel(r, &req->err) < 0) {
		req->status = -1;
		req->finished = true;
	} else {
		ares_getaddrinfo(r->channel, host, NULL, &hints, on_addrinfo,
				 req);
	}
	req->starting = false;
	if (!req->finished) {
		req->in_ares = true;
		r->in_flight++;
	}
	if (req->finished)
		engine_timer_arm(r->e, &req->deliver, engine_now_us());
	resolver_rearm(r);
	return req;
}

void resolve_cancel(struct resolve_req *req)
{
	if (!req || !req->cb)
		return;
	req->cb = NULL;
	if (req->in_ares)
		resolver_question_abandoned(req->r);
}

/* ---- raw questions (resolve_query) ------------------------------------ */

struct resolve_query_req {
	resolve_query_cb cb;  /* NULL once cancelled */
	void *data;
	struct resolver *r;
	bool starting;        /* inside ares_query */
	bool in_ares;         /* counted in r->in_flight */
	bool finished;
	int status;
	unsigned char *abuf;  /* a copy: c-ares frees its own after the call */
	int alen;
	struct dist_error err;
	struct engine_timer deliver;
	char name[256];
	int type;
};

static const char *query_type_name(int type)
{
	switch (type) {
	case 1: return "A";
	case 28: return "AAAA";
	case 33: return "SRV";
	case 12: return "PTR";
	default: return "DNS";
	}
}

static void query_deliver(struct resolve_query_req *req)
{
	if (req->cb)
		req->cb(req->data, req->status, req->abuf, req->alen,
			&req->err);
	free(req->abuf);
	free(req);
}

static void on_query_deliver_timer(struct engine *e, struct engine_timer *t)
{
	(void)e;
	query_deliver(t->data);
}

static void query_fill_failure(struct resolve_query_req *req, int status)
{
	const char *t = query_type_name(req->type);

	req->status = -1;
	switch (status) {
	case ARES_ENOTFOUND:
		dist_error_set(&req->err, DIST_E_RESOLVE, DIST_STAGE_RESOLVE,
			       "%s query for '%s': no such name (NXDOMAIN)",
			       t, req->name);
		break;
	case ARES_EREFUSED:
		dist_error_set(&req->err, DIST_E_RESOLVE, DIST_STAGE_RESOLVE,
			       "%s query for '%s': the DNS server refused it "
			       "(REFUSED)", t, req->name);
		break;
	case ARES_ESERVFAIL:
		dist_error_set(&req->err, DIST_E_RESOLVE, DIST_STAGE_RESOLVE,
			       "%s query for '%s': the DNS server failed "
			       "(SERVFAIL)", t, req->name);
		break;
	case ARES_ETIMEOUT:
		dist_error_set(&req->err, DIST_E_TIMEOUT, DIST_STAGE_RESOLVE,
			       "%s query for '%s': no DNS server answered",
			       t, req->name);
		break;
	case ARES_ECONNREFUSED:
		dist_error_set(&req->err, DIST_E_RESOLVE, DIST_STAGE_RESOLVE,
			       "%s query for '%s': no DNS server listens "
			       "there (connection refused)", t, req->name);
		break;
	default:
		dist_error_set(&req->err, DIST_E_RESOLVE, DIST_STAGE_RESOLVE,
			       "%s query for '%s': %s", t, req->name,
			       ares_strerror(status));
	}
}

static void on_query_answer(void *arg, int status, int timeouts,
			    unsigned char *abuf, int alen)
{
	struct resolve_query_req *req = arg;

	(void)timeouts;
	if (req->in_ares) {
		req->in_ares = false;
		resolver_question_done(req->r, !req->cb);
	}
	if (status == ARES_SUCCESS || status == ARES_ENODATA) {
		/* NOERROR without records of the type is an empty answer. */
		req->status = 0;
		if (status == ARES_SUCCESS && abuf && alen > 0) {
			req->abuf = malloc((size_t)alen);
			if (req->abuf) {
				memcpy(req->abuf, abuf, (size_t)alen);
				req->alen = alen;
			} else {
				req->status = -1;
				dist_error_set(&req->err, DIST_E_NOMEM,
					       DIST_STAGE_RESOLVE,
					       "out of memory for a DNS "
					       "answer");
			}
		}
	} else {
		query_fill_failure(req, status);
	}
	req->finished = true;
	if (status == ARES_EDESTRUCTION)
		req->cb = NULL;
	if (!req->starting)
		query_deliver(req);
}

struct resolve_query_req *resolve_query(struct resolver *r, const char *name,
					int type, resolve_query_cb cb,
					void *data)
{
	struct resolve_query_req *req = calloc(1, sizeof *req);

	if (!req)
		return NULL;
	req->cb = cb;
	req->data = data;
	req->r = r;
	req->type = type;
	req->deliver.cb = on_query_deliver_timer;
	req->deliver.data = req;
	snprintf(req->name, sizeof req->name, "%s", name);
	req->starting = true;
	if (resolver_channel(r, &req->err) < 0) {
		req->status = -1;
		req->finished = true;
	} else {
		ares_query(r->channel, name, 1 /* class IN */, type,
			   on_query_answer, req);
	}
	req->starting = false;
	if (!req->finished) {
		req->in_ares = true;
		r->in_flight++;
	}
	if (req->finished)
		engine_timer_arm(r->e, &req->deliver, engine_now_us());
	resolver_rearm(r);
	return req;
}

void resolve_query_cancel(struct resolve_query_req *req)
{
	if (!req || !req->cb)
		return;
	req->cb = NULL;
	if (req->in_ares)
		resolver_question_abandoned(req->r);
}
