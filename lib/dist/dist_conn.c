/* dist_conn.c - one node connection as a state machine (see dist_conn.h):
 * the stages, their timeouts and their failures. Each stage comments
 * which protocol exchange it performs; the socket, frames and ticks are
 * in dist_conn_wire.c, our name from the pool in dist_conn_name.c. */
#include "dist/dist_conn.h"
#include "dist/dist_conn_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/random.h"
#include "dist/epmd.h"
#include "dist/namepool.h"
#include "io/net.h"

#define HANDSHAKE_MAX_INPUT 4096

static double ms_since(int64_t t0)
{
	return (double)(engine_now_us() - t0) / 1000.0;
}

void dist_conn_stage(struct dist_conn *c, enum dist_stage stage)
{
	int64_t now = engine_now_us();

	/* Time spent in the stage we leave goes to its timing. */
	if (c->stage != DIST_STAGE_NONE)
		c->stage_ms[c->stage] += (double)(now - c->t_stage_us) / 1000.0;
	c->stage = stage;
	c->t_stage_us = now;
	if (stage == DIST_STAGE_NONE)
		engine_timer_disarm(c->e, &c->stage_timer);
	else
		engine_timer_arm(c->e, &c->stage_timer,
				 now + (stage == DIST_STAGE_REQUEST &&
						c->cfg->request_timeout_us > 0
					? c->cfg->request_timeout_us
					: c->cfg->stage_timeout_us));
}

void conn_close_socket(struct dist_conn *c)
{
	if (c->io.fd < 0)
		return;
	conn_tls_close(c);
	engine_io_remove(c->e, &c->io);
	close(c->io.fd);
	c->io.fd = -1;
	c->socket_gen++;
}

void dist_conn_close(struct dist_conn *c)
{
	conn_name_release(c);
	if (c->rreq) {
		resolve_cancel(c->rreq);
		c->rreq = NULL;
	}
	conn_close_socket(c);
	engine_timer_disarm(c->e, &c->stage_timer);
	engine_timer_disarm(c->e, &c->tick_timer);
	engine_timer_disarm(c->e, &c->name_wait);
	buf_free(&c->in);
	buf_free(&c->out);
	if (c->arena) {
		etf_arena_free(c->arena);
		c->arena = NULL;
	}
	c->state = CONN_CLOSED;
}

/* Terminal: close everything, then tell the owner. Nothing may touch c
 * after this returns to the loop except through the owner. */
void conn_fail(struct dist_conn *c, const struct dist_error *err)
{
	struct dist_error copy = *err;

	if (c->state == CONN_CLOSED)
		return;
	if (c->stage != DIST_STAGE_NONE)
		c->stage_ms[c->stage] += ms_since(c->t_stage_us);
	if (copy.stage == DIST_STAGE_NONE)
		copy.stage = c->stage;
	c->stage = DIST_STAGE_NONE;
	dist_conn_close(c);
	c->ops->failed(c, &copy);
}

void conn_failf(struct dist_conn *c, enum dist_code code,
		       const char *fmt, ...)
{
	struct dist_error err;
	va_list ap;

	err.code = code;
	err.stage = c->stage;
	va_start(ap, fmt);
	vsnprintf(err.message, sizeof err.message, fmt, ap);
	va_end(ap);
	conn_fail(c, &err);
}

static const char *stage_timeout_text(const struct dist_conn *c)
{
	if (c->state == CONN_TLS)
		return "in the TLS handshake: the port accepted the "
		       "connection but gave no TLS answer (a plain TCP node "
		       "waits for more of what it takes as its handshake: "
		       "drop --tls; or an overloaded node)";
	switch (c->stage) {
	case DIST_STAGE_RESOLVE:
		return "looking up the host";
	case DIST_STAGE_EPMD:
		return "asking EPMD for the node's port";
	case DIST_STAGE_CONNECT:
		return "connecting to the node's port (packets dropped? "
		       "check firewalls)";
	case DIST_STAGE_HANDSHAKE:
		return "in the handshake: the port accepted the connection "
		       "but did not answer like an Erlang node (overloaded "
		       "node, or not a distribution port)";
	case DIST_STAGE_REQUEST:
		return "waiting for the node's answer";
	default:
		return "before the work could start";
	}
}

void dist_conn_fail_timeout(struct dist_conn *c, const char *why)
{
	struct dist_error err;

	/* A port that never answers our ClientHello is the one TLS
	 * failure a timeout shows: told as TLS, not as a slow node. */
	dist_error_set(&err,
		       c->state == CONN_TLS && c->tls && !tls_saw_bytes(c->tls)
			       ? DIST_E_TLS : DIST_E_TIMEOUT,
		       c->stage, "%s: %s %s", c->target.full, why,
		       stage_timeout_text(c));
	conn_fail(c, &err);
}

static void on_stage_timer(struct engine *e, struct engine_timer *t)
{
	struct dist_conn *c = t->data;
	char why[64];

	(void)e;
	snprintf(why, sizeof why, "no progress within %.0f ms while",
		 (double)(c->stage == DIST_STAGE_REQUEST &&
					  c->cfg->request_timeout_us > 0
				  ? c->cfg->request_timeout_us
				  : c->cfg->stage_timeout_us) / 1000.0);
	dist_conn_fail_timeout(c, why);
}

void dist_conn_init(struct dist_conn *c, struct engine *e,
		    struct resolver *r, const struct dist_conn_config *cfg,
		    const struct dist_conn_ops *ops, void *data)
{
	memset(c, 0, sizeof *c);
	c->e = e;
	c->resolver = r;
	c->cfg = cfg;
	c->ops = ops;
	c->data = data;
	c->io.fd = -1;
	c->pool.lock_fd = -1;
	c->io.cb = conn_on_io;
	c->io.data = c;
	c->stage_timer.cb = on_stage_timer;
	c->stage_timer.data = c;
	c->tick_timer.cb = conn_on_tick_timer;
	c->tick_timer.data = c;
	c->name_wait.cb = conn_on_name_wait;
	c->name_wait.data = c;
	buf_init(&c->in, 0);
	buf_init(&c->out, 0);
	c->state = CONN_IDLE;
}

/* Non-blocking connect to the address of the walk at port. */
static int open_socket(struct dist_conn *c, uint16_t port)
{
	int fd = dial_connect(&c->dial, port, true);

	if (fd < 0)
		return fd;
	c->io.fd = fd;
	c->connecting = true;
	buf_reset(&c->in);
	buf_reset(&c->out);
	if (engine_io_set(c->e, &c->io, ENGINE_WRITE, NULL) < 0) {
		close(fd);
		c->io.fd = -1;
		return -EMFILE;
	}
	return 0;
}

static void epmd_start(struct dist_conn *c)
{
	int rc;

	/* PORT_PLEASE2_REQ: which port does this alive name listen on? */
	c->state = CONN_EPMD;
	c->epmd_eof = false;
	rc = open_socket(c, (uint16_t)c->cfg->epmd_port);
	if (rc < 0) {
		conn_failf(c, DIST_E_IO, "%s: cannot open a socket: %s", c->target.full,
			   strerror(-rc));
		return;
	}
	epmd_port_please_request(&c->out, c->target.alive);
}

static void on_resolved(void *data, int status,
			const struct resolve_result *res,
			const struct dist_error *err)
{
	struct dist_conn *c = data;

	c->rreq = NULL;
	if (status < 0) {
		struct dist_error e2 = *err;

		conn_fail(c, &e2);
		return;
	}
	dial_init(&c->dial, res);
	if (c->cfg->direct_port > 0) {
		c->node_port = (uint16_t)c->cfg->direct_port;
		dist_conn_stage(c, DIST_STAGE_CONNECT);
		conn_connect_node(c);
		return;
	}
	dist_conn_stage(c, DIST_STAGE_EPMD);
	epmd_start(c);
}

/* The host we connect to: the target's, or the one of --address (a
 * port-forward, a tunnel), while the name we greet stays the target's. */
static const char *dialled_host(const struct dist_conn *c)
{
	return c->cfg->address ? c->cfg->address : c->target.host;
}

void dist_conn_start(struct dist_conn *c, const struct node_name *target)
{
	c->target = *target;
	c->creation = c->cfg->creation ? c->cfg->creation
				       : random_u32_nonzero();
	c->t_start_us = engine_now_us();
	c->state = CONN_RESOLVING;
	dist_conn_stage(c, DIST_STAGE_RESOLVE);
	c->rreq = resolve_host(c->resolver, dialled_host(c), on_resolved, c);
	if (!c->rreq)
		conn_failf(c, DIST_E_NOMEM, "%s: out of memory%s", c->target.full, "");
}

void conn_connect_node(struct dist_conn *c)
{
	int rc;

	c->state = CONN_CONNECTING;
	if (!conn_name_hold(c))
		return;
	rc = open_socket(c, c->node_port);
	if (rc < 0)
		conn_failf(c, DIST_E_IO, "%s: cannot open a socket: %s", c->target.full,
			   strerror(-rc));
}

/* The node port refused or failed at one address: the node may listen
 * on one interface only (-kernel inet_dist_use_interface, an IPv6-only
 * node, Debian's 127.0.1.1 line for the host name in /etc/hosts) while
 * EPMD answers on all of them, so the host's other addresses get their
 * turn, as they do for EPMD. */
static bool next_node_address(struct dist_conn *c)
{
	if (!dial_next(&c->dial))
		return false;
	/* The pool key names the address: take the name again there. */
	conn_name_release(c);
	conn_connect_node(c);
	return true;
}

static void node_connect_failed(struct dist_conn *c, int soerr)
{
	char where[512];

	snprintf(where, sizeof where, "port %u of %s (tried %s)",
		 c->node_port, dialled_host(c), c->dial.tried);
	if (soerr != ECONNREFUSED)
		conn_failf(c, DIST_E_CONNECT_FAILED,
			   "%s: cannot connect to %s: %s", c->target.full,
			   where, strerror(soerr));
	else if (c->cfg->direct_port > 0 && !c->hint_dropped)
		conn_failf(c, DIST_E_CONNECT_REFUSED,
			   "%s: connection refused at %s: nothing listens "
			   "on that port", c->target.full, where);
	else
		conn_failf(c, DIST_E_CONNECT_REFUSED,
			   "%s: connection refused at %s, the port EPMD "
			   "gave for it: the node listens on another address "
			   "than the host name resolves to (check -kernel "
			   "inet_dist_use_interface, the host's line in "
			   "/etc/hosts, an IPv6-only node; --address dials "
			   "another address), or it is going down or has "
			   "just died", c->target.full, where);
}

/* A failed connect: EPMD and the node port try the host's next address. */
static void on_connect_error(struct dist_conn *c, int soerr)
{
	char detail[600];

	conn_close_socket(c);
	if (c->state == CONN_EPMD) {
		if (dial_next(&c->dial)) {
			epmd_start(c);
			return;
		}
		snprintf(detail, sizeof detail,
			 "%s port %d (%s): %s", c->dial.address, c->cfg->epmd_port,
			 dialled_host(c), strerror(soerr));
		conn_failf(c, DIST_E_EPMD_UNREACHABLE,
			   "%s: no EPMD answers at %s; no Erlang node runs "
			   "on that host, or EPMD listens on another port "
			   "(--epmd-port, $ERL_EPMD_PORT)", c->target.full, detail);
		return;
	}
	if (next_node_address(c))
		return;
	if (soerr == ECONNREFUSED && c->cfg->direct_port > 0 &&
	    c->cfg->port_is_hint && !c->hint_dropped) {
		/* A port from an earlier run or a discovery goes stale when
		 * the node restarts: ask EPMD where it listens now, once. */
		c->hint_dropped = true;
		conn_name_release(c);
		dial_restart(&c->dial);
		dist_conn_stage(c, DIST_STAGE_EPMD);
		epmd_start(c);
		return;
	}
	node_connect_failed(c, soerr);
}

void conn_handshake_begin(struct dist_conn *c)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof local;
	struct dist_error err;

	c->state = CONN_HANDSHAKE;
	dist_conn_stage(c, DIST_STAGE_HANDSHAKE);
	if (getsockname(c->io.fd, (struct sockaddr *)&local, &llen) < 0)
		memset(&local, 0, sizeof local);
	if (namepool_name(c->cfg->our_name, c->pool.index,
			  c->target.long_style, &local, c->our_name,
			  sizeof c->our_name, &err) < 0) {
		conn_fail(c, &err);
		return;
	}
	handshake_client_init(&c->hs, c->our_name, c->creation,
			      c->cfg->cookie->value, c->cfg->cookie->len,
			      c->target.full);
	c->hs.len4 = c->tls != NULL;
	c->hs.our_flags |= c->cfg->extra_flags;
	handshake_client_start(&c->hs, &c->out);
}

void conn_on_connected(struct dist_conn *c)
{
	int soerr = net_connect_result(c->io.fd);

	if (soerr) {
		on_connect_error(c, soerr);
		return;
	}
	c->connecting = false;
	if (c->state == CONN_CONNECTING && c->cfg->tls)
		conn_tls_begin(c);
	else if (c->state == CONN_CONNECTING)
		conn_handshake_begin(c);
}

void conn_epmd_input(struct dist_conn *c)
{
	struct epmd_port_info info;
	struct dist_error err;
	int rc = epmd_port_reply_parse(c->in.data, c->in.len, c->epmd_eof,
				       c->target.alive, &info, &err);

	if (rc == 0)
		return;
	if (rc < 0) {
		if (err.code == DIST_E_NOT_REGISTERED)
			dist_error_set(&err, DIST_E_NOT_REGISTERED,
				       DIST_STAGE_EPMD,
				       "%s: EPMD on %s (%s port %d) has no node "
				       "named '%s': the node is not running "
				       "or runs under another name (see "
				       "epmd -names)", c->target.full,
				       dialled_host(c), c->dial.address,
				       c->cfg->epmd_port, c->target.alive);
		conn_fail(c, &err);
		return;
	}
	if (info.highest < 6 || info.lowest > 6) {
		char detail[64];

		snprintf(detail, sizeof detail, "%u..%u", info.lowest,
			 info.highest);
		conn_failf(c, DIST_E_PROTOCOL,
			   "%s: the node speaks distribution versions %s; "
			   "dist needs version 6 (OTP 23 or later)", c->target.full, detail);
		return;
	}
	conn_close_socket(c);
	c->node_port = info.port;
	dial_restart(&c->dial);
	dist_conn_stage(c, DIST_STAGE_CONNECT);
	conn_connect_node(c);
}

void conn_handshake_input(struct dist_conn *c)
{
	const uint8_t *msg;
	size_t mlen;
	long used;
	struct dist_error err;

	if (!c->tls && c->hs.state == HS_AWAIT_STATUS &&
	    tls_looks_like_record(c->in.data, c->in.len)) {
		conn_failf(c, DIST_E_TLS,
			   "%s: the node answered our handshake with TLS: it "
			   "runs TLS distribution (-proto_dist inet_tls), so "
			   "TLS is probably needed: add --tls with the "
			   "cluster's certificates (or --ssl-dist-optfile)",
			   c->target.full);
		return;
	}
	dist_error_clear(&err);
	while ((used = c->tls ? handshake_frame_next4(c->in.data, c->in.len,
						      &msg, &mlen, &err)
			      : handshake_frame_next(c->in.data, c->in.len,
						     &msg, &mlen, &err)) != 0) {
		int rc;
		bool awaited_ack = c->hs.state == HS_AWAIT_ACK;

		if (used < 0) {
			conn_failf(c, err.code, "%s: %s", c->target.full,
				   err.message);
			return;
		}
		dist_error_clear(&err);
		err.stage = DIST_STAGE_HANDSHAKE;
		rc = handshake_client_step(&c->hs, msg, mlen, &c->out, &err);
		buf_consume(&c->in, (size_t)used);
		if (rc < 0) {
			conn_fail(c, &err);
			return;
		}
		/* The challenge reply is queued: a first request may ride in
		 * the same write (see dist_conn_ops.early). */
		if (!awaited_ack && c->hs.state == HS_AWAIT_ACK && c->ops->early) {
			unsigned socket_gen = c->socket_gen;

			c->ops->early(c);
			if (c->state != CONN_HANDSHAKE || c->socket_gen != socket_gen)
				return;
		}
		if (rc == HS_NAME_TAKEN) {
			conn_name_taken(c);
			return;
		}
		if (rc == HS_COMPLETE) {
			c->state = CONN_READY;
			c->last_send_us = c->last_recv_us = engine_now_us();
			engine_timer_arm(c->e, &c->tick_timer,
					 c->last_send_us +
						 c->cfg->tick_interval_us);
			dist_conn_stage(c, DIST_STAGE_NONE);
			c->ops->ready(c);
			return;
		}
	}
	if (c->in.len > HANDSHAKE_MAX_INPUT)
		conn_failf(c, DIST_E_PROTOCOL,
			   "%s: oversized handshake message%s", c->target.full, "");
}

void conn_on_eof(struct dist_conn *c)
{
	switch (c->state) {
	case CONN_TLS:
		conn_tls_eof(c);
		return;
	case CONN_EPMD:
		/* The reply was parsed with epmd_eof set: an incomplete one
		 * has failed already; a complete one moved on. */
		c->epmd_eof = true;
		conn_epmd_input(c);
		return;
	case CONN_HANDSHAKE:
		if (c->hs.state == HS_AWAIT_ACK)
			conn_failf(c, DIST_E_NOT_ALLOWED,
				   "%s: the node closed the connection after our "
				   "challenge reply: the cookie is wrong "
				   "(ours came from %s)", c->target.full,
				   c->cfg->cookie->source);
		else if (c->hs.state == HS_AWAIT_STATUS &&
			 conn_name_retry_after_close(c))
			return;
		else if (c->hs.state == HS_AWAIT_STATUS)
			conn_failf(c, DIST_E_CLOSED,
				   "%s: the node closed the connection before answering "
				   "our name%s: it may refuse hidden nodes, or "
				   "the port is not a distribution port", c->target.full,
				   "");
		else
			conn_failf(c, DIST_E_CLOSED,
				   "%s: the node closed the connection during the "
				   "handshake%s", c->target.full, "");
		return;
	default:
		conn_failf(c, DIST_E_CLOSED,
			   "%s: the node closed the connection%s", c->target.full, "");
	}
}

struct etf_term *dist_conn_self_pid(struct dist_conn *c, struct etf_arena *a)
{
	return etf_pid(a, c->our_name, 1, 0, c->creation);
}

struct etf_term *dist_conn_make_ref(struct dist_conn *c, struct etf_arena *a)
{
	uint32_t ids[3] = { random_u32_nonzero() & 0x3ffff, random_u32_nonzero(),
			    random_u32_nonzero() };

	return etf_ref(a, c->our_name, c->creation, ids, 3);
}
