/* dist_conn.c - one node connection as a state machine (see dist_conn.h).
 * Each stage comments which protocol exchange it performs. */
#include "dist/dist_conn.h"

#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dist/epmd.h"
#include "dist/frame.h"
#include "dist/namepool.h"
#include "io/net.h"

#define HANDSHAKE_MAX_INPUT 4096
/* Closes before the status that may be a busy name rather than a port
 * that is no distribution port: runs of other users, which share no
 * locks with us, can walk into a few such names in a row. */
#define EARLY_CLOSES_MAX 4

static void conn_on_io(struct engine *e, struct engine_io *io,
		       unsigned events);
static void conn_connect_node(struct dist_conn *c);
static void on_name_wait(struct engine *e, struct engine_timer *t);

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

static void close_socket(struct dist_conn *c)
{
	if (c->io.fd < 0)
		return;
	engine_io_remove(c->e, &c->io);
	close(c->io.fd);
	c->io.fd = -1;
	c->socket_gen++;
}

static void release_pool_name(struct dist_conn *c)
{
	namepool_release(c->cfg->names, c->pool_key, &c->pool);
}

void dist_conn_close(struct dist_conn *c)
{
	release_pool_name(c);
	if (c->rreq) {
		resolve_cancel(c->rreq);
		c->rreq = NULL;
	}
	close_socket(c);
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
static void conn_fail(struct dist_conn *c, const struct dist_error *err)
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

static void conn_failf(struct dist_conn *c, enum dist_code code,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void conn_failf(struct dist_conn *c, enum dist_code code,
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

static const char *stage_timeout_text(enum dist_stage s)
{
	switch (s) {
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

	dist_error_set(&err, DIST_E_TIMEOUT, c->stage,
		       "%s: %s %s", c->target.full, why,
		       stage_timeout_text(c->stage));
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

/* Answer a tick so the node hears from us too, or say something of our
 * own when we have been quiet for a tick interval. */
static void send_tick(struct dist_conn *c)
{
	frame_put_tick(&c->out);
	c->last_send_us = engine_now_us();
	engine_io_set(c->e, &c->io, ENGINE_READ | ENGINE_WRITE, NULL);
}

/* Ticks: a long-lived connection must say something at least every
 * net_ticktime/4 or the node drops it. */
static void on_tick_timer(struct engine *e, struct engine_timer *t)
{
	struct dist_conn *c = t->data;
	int64_t now = engine_now_us();

	if (c->state != CONN_READY)
		return;
	if (now - c->last_send_us >= c->cfg->tick_interval_us)
		send_tick(c);
	engine_timer_arm(e, &c->tick_timer,
			 c->last_send_us + c->cfg->tick_interval_us);
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
	c->tick_timer.cb = on_tick_timer;
	c->tick_timer.data = c;
	c->name_wait.cb = on_name_wait;
	c->name_wait.data = c;
	buf_init(&c->in, 0);
	buf_init(&c->out, 0);
	c->state = CONN_IDLE;
}

/* Non-blocking connect to addrs[addr_index]:port. */
static int open_socket(struct dist_conn *c, uint16_t port)
{
	int fd = net_connect_start(&c->addrs.addrs[c->addr_index], port, true,
				   c->address, sizeof c->address);

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
	c->addrs = *res;
	c->addr_index = 0;
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
	c->creation = dist_random_u32();
	c->t_start_us = engine_now_us();
	c->state = CONN_RESOLVING;
	dist_conn_stage(c, DIST_STAGE_RESOLVE);
	c->rreq = resolve_host(c->resolver, dialled_host(c), on_resolved, c);
	if (!c->rreq)
		conn_failf(c, DIST_E_NOMEM, "%s: out of memory%s", c->target.full, "");
}

static void on_name_wait(struct engine *e, struct engine_timer *t)
{
	(void)e;
	conn_connect_node(t->data);
}

static void conn_connect_node(struct dist_conn *c)
{
	int rc;

	c->state = CONN_CONNECTING;
	/* Other connections to the same node, of this run or of another
	 * run on this host, hold names too: take one nobody holds, or wait
	 * a moment while all 32 are held (the stage timeout still bounds
	 * the wait). See namepool.h for what the node does otherwise. */
	if (!c->cfg->our_name && !c->pool.held) {
		namepool_node_key(c->target.alive,
				  &c->addrs.addrs[c->addr_index],
				  c->node_port, c->pool_key,
				  sizeof c->pool_key);
		if (namepool_acquire(c->cfg->names, c->pool_key,
				     c->pool_tries == 0
					     ? -1
					     : (int)(c->pool.index %
						     NAME_POOL_SIZE),
				     &c->pool) == NAMEPOOL_ALL_BUSY) {
			engine_timer_arm(c->e, &c->name_wait,
					 engine_now_us() + 2000);
			return;
		}
	}
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
	size_t used = strlen(c->node_tried);

	snprintf(c->node_tried + used, sizeof c->node_tried - used, "%s%s",
		 used ? ", " : "", c->address);
	if (c->node_addr_tries + 1 >= c->addrs.naddrs)
		return false;
	c->node_addr_tries++;
	c->addr_index = (c->addr_index + 1) % c->addrs.naddrs;
	/* The pool key names the address: take the name again there. */
	namepool_release(c->cfg->names, c->pool_key, &c->pool);
	conn_connect_node(c);
	return true;
}

static void node_connect_failed(struct dist_conn *c, int soerr)
{
	char where[512];

	snprintf(where, sizeof where, "port %u of %s (tried %s)",
		 c->node_port, dialled_host(c), c->node_tried);
	if (soerr != ECONNREFUSED)
		conn_failf(c, DIST_E_CONNECT_FAILED,
			   "%s: cannot connect to %s: %s", c->target.full,
			   where, strerror(soerr));
	else if (c->cfg->direct_port > 0)
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

	close_socket(c);
	if (c->state == CONN_EPMD) {
		if (c->addr_index + 1 < c->addrs.naddrs) {
			c->addr_index++;
			epmd_start(c);
			return;
		}
		snprintf(detail, sizeof detail,
			 "%s port %d (%s): %s", c->address, c->cfg->epmd_port,
			 dialled_host(c), strerror(soerr));
		conn_failf(c, DIST_E_EPMD_UNREACHABLE,
			   "%s: no EPMD answers at %s; no Erlang node runs "
			   "on that host, or EPMD listens on another port "
			   "(--epmd-port, $ERL_EPMD_PORT)", c->target.full, detail);
		return;
	}
	if (!next_node_address(c))
		node_connect_failed(c, soerr);
}

static void handshake_begin(struct dist_conn *c)
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
	handshake_client_start(&c->hs, &c->out);
}

static void on_connected(struct dist_conn *c)
{
	int soerr = net_connect_result(c->io.fd);

	if (soerr) {
		on_connect_error(c, soerr);
		return;
	}
	c->connecting = false;
	if (c->state == CONN_CONNECTING)
		handshake_begin(c);
}

static void epmd_input(struct dist_conn *c)
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
				       dialled_host(c), c->address,
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
	close_socket(c);
	c->node_port = info.port;
	dist_conn_stage(c, DIST_STAGE_CONNECT);
	conn_connect_node(c);
}

/* A name of the pool is taken on this node: reconnect with the next. */
static void retry_with_next_name(struct dist_conn *c, bool answer)
{
	static const uint8_t give_up[] = { 0, 6, 's', 'f', 'a', 'l', 's', 'e' };
	struct namepool_hold taken = c->pool;

	/* Answer "false": the existing connection with that name belongs
	 * to someone else (another probe) and must not be replaced. */
	if (answer && write(c->io.fd, give_up, sizeof give_up) < 0) {
		/* Nothing to do: the socket is closed right after. */
	}
	close_socket(c);
	/* Take the next name before letting go of this one, so that a
	 * sibling connection does not walk into it meanwhile. */
	c->pool_tries++;
	namepool_acquire(c->cfg->names, c->pool_key,
			 (int)(taken.index + 1) % NAME_POOL_SIZE, &c->pool);
	namepool_release(c->cfg->names, c->pool_key, &taken);
	dist_conn_stage(c, DIST_STAGE_CONNECT);
	conn_connect_node(c);
}

static void handshake_input(struct dist_conn *c)
{
	const uint8_t *msg;
	size_t mlen, used;
	struct dist_error err;

	while ((used = handshake_frame_next(c->in.data, c->in.len, &msg,
					    &mlen)) > 0) {
		int rc;

		dist_error_clear(&err);
		err.stage = DIST_STAGE_HANDSHAKE;
		rc = handshake_client_step(&c->hs, msg, mlen, &c->out, &err);
		buf_consume(&c->in, used);
		if (rc < 0) {
			conn_fail(c, &err);
			return;
		}
		if (rc == HS_NAME_TAKEN) {
			if (c->cfg->our_name ||
			    c->pool_tries + 1 >= NAME_POOL_SIZE) {
				namepool_name(c->cfg->our_name,
					      NAME_POOL_SIZE, false, NULL,
					      c->our_name, sizeof c->our_name,
					      &err);
				conn_fail(c, &err);
			} else {
				retry_with_next_name(c, true);
			}
			return;
		}
		if (rc == HS_COMPLETE) {
			c->state = CONN_READY;
			c->last_send_us = engine_now_us();
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

static void deliver_frame(struct dist_conn *c, const struct frame *f)
{
	struct etf_term *control = NULL, *msg = NULL;
	struct dist_error err;

	if (f->payload[0] != FRAME_PASS_THROUGH) {
		conn_failf(c, DIST_E_PROTOCOL,
			   "%s: unsupported distribution message (not "
			   "pass-through)%s", c->target.full, "");
		return;
	}
	if (!c->arena)
		c->arena = etf_arena_new();
	if (!c->arena) {
		conn_failf(c, DIST_E_NOMEM, "%s: out of memory%s", c->target.full, "");
		return;
	}
	dist_error_clear(&err);
	err.stage = c->stage == DIST_STAGE_NONE ? DIST_STAGE_REQUEST : c->stage;
	if (frame_decode(f->payload, f->len, c->arena, &etf_default_limits,
			 &control, &msg, &err) < 0) {
		conn_fail(c, &err);
		return;
	}
	c->ops->message(c, control, msg);
	if (c->arena) {
		etf_arena_free(c->arena);
		c->arena = NULL;
	}
}

static void ready_input(struct dist_conn *c)
{
	struct frame f;
	struct dist_error err;
	long used;

	while (c->state == CONN_READY &&
	       (used = frame_next(c->in.data, c->in.len, c->cfg->max_message,
				  &f, &err)) != 0) {
		if (used < 0) {
			char detail[64];

			snprintf(detail, sizeof detail, "%zu > %zu bytes",
				 (size_t)get_u32(c->in.data),
				 c->cfg->max_message);
			conn_failf(c, DIST_E_TOO_LARGE,
				   "%s: the node sent a message larger than "
				   "the limit (%s; dist-rpc --max-size raises "
				   "it)", c->target.full, detail);
			return;
		}
		if (f.kind == FRAME_TICK)
			send_tick(c);
		else
			deliver_frame(c, &f);
		if (c->state == CONN_READY)
			buf_consume(&c->in, (size_t)used);
	}
}

static void on_eof(struct dist_conn *c)
{
	switch (c->state) {
	case CONN_EPMD:
		/* The reply was parsed with epmd_eof set: an incomplete one
		 * has failed already; a complete one moved on. */
		c->epmd_eof = true;
		epmd_input(c);
		return;
	case CONN_HANDSHAKE:
		if (c->hs.state == HS_AWAIT_ACK)
			conn_failf(c, DIST_E_NOT_ALLOWED,
				   "%s closed the connection after our "
				   "challenge reply: the cookie is wrong "
				   "(ours came from %s)", c->target.full,
				   c->cfg->cookie->source);
		else if (c->hs.state == HS_AWAIT_STATUS &&
			 !c->cfg->our_name &&
			 c->early_closes < EARLY_CLOSES_MAX) {
			/* A node that is still asking another connection
			 * under our name whether to replace its live one
			 * (status alive; net_kernel's already_pending)
			 * hangs up without a status: take the next name. */
			c->early_closes++;
			retry_with_next_name(c, false);
		} else if (c->hs.state == HS_AWAIT_STATUS)
			conn_failf(c, DIST_E_CLOSED,
				   "%s closed the connection before answering "
				   "our name%s: it may refuse hidden nodes, or "
				   "the port is not a distribution port", c->target.full,
				   "");
		else
			conn_failf(c, DIST_E_CLOSED,
				   "%s closed the connection during the "
				   "handshake%s", c->target.full, "");
		return;
	default:
		conn_failf(c, DIST_E_CLOSED,
			   "%s closed the connection%s", c->target.full, "");
	}
}

static void conn_input(struct dist_conn *c)
{
	unsigned socket_gen = c->socket_gen;

	switch (c->state) {
	case CONN_EPMD:
		epmd_input(c);
		break;
	case CONN_HANDSHAKE:
		handshake_input(c);
		/* The node's first frames may follow its challenge ack in
		 * the same read: they are not to wait for the next one. */
		if (c->state == CONN_READY && c->socket_gen == socket_gen)
			ready_input(c);
		break;
	case CONN_READY:
		ready_input(c);
		break;
	default:
		break;
	}
}

/* Read what the socket holds, then handle it, and only then its end: a
 * peer that answers and hangs up (EPMD's PORT2_RESP, the status "nok" or
 * "not_allowed", a last frame) often delivers both in one wake-up, and
 * the answer says more than the close. */
static void conn_read(struct dist_conn *c)
{
	unsigned socket_gen = c->socket_gen;
	int end = 0;          /* 0 open, -1 EOF, else errno */

	for (;;) {
		ssize_t n;

		if (buf_reserve(&c->in, 65536) < 0) {
			conn_failf(c, DIST_E_NOMEM, "%s: out of memory%s", c->target.full, "");
			return;
		}
		n = read(c->io.fd, c->in.data + c->in.len, 65536);
		if (n > 0) {
			c->in.len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		end = n == 0 ? -1 : errno;
		break;
	}
	if (end == -1 && c->state == CONN_EPMD)
		c->epmd_eof = true;
	conn_input(c);
	/* The input may have finished this socket's work: EPMD answered
	 * and the node's port is being dialled, or a taken name made us
	 * reconnect. Its end is then no news. */
	if (end == 0 || c->state == CONN_CLOSED || c->socket_gen != socket_gen)
		return;
	/* A reset in the handshake is the node hanging up on us, like a
	 * close (it resets when our bytes were still unread). */
	if (end == -1 || (end == ECONNRESET && c->state == CONN_HANDSHAKE)) {
		on_eof(c);
		return;
	}
	conn_failf(c, DIST_E_CLOSED, "%s: connection lost: %s", c->target.full,
		   strerror(end));
}

static void conn_write(struct dist_conn *c)
{
	while (c->out.len > 0) {
		ssize_t n = send(c->io.fd, c->out.data, c->out.len,
				 MSG_NOSIGNAL);

		if (n > 0) {
			buf_consume(&c->out, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (c->state == CONN_HANDSHAKE && c->hs.state == HS_AWAIT_ACK) {
			on_eof(c);
			return;
		}
		conn_failf(c, DIST_E_CLOSED, "%s: connection lost while "
			   "sending: %s", c->target.full, strerror(errno));
		return;
	}
}

static void conn_on_io(struct engine *e, struct engine_io *io,
		       unsigned events)
{
	struct dist_conn *c = io->data;

	if (c->connecting) {
		/* First writability of a connecting socket: it connected,
		 * or failed (SO_ERROR tells). */
		on_connected(c);
	} else if (events & ENGINE_READ) {
		conn_read(c);
	}
	/* Any step above may have closed the connection or started a new
	 * connect (next address, next pool name, EPMD -> node). */
	if (c->state == CONN_CLOSED || c->io.fd < 0 || c->connecting)
		return;
	conn_write(c);
	if (c->state == CONN_CLOSED || c->io.fd < 0)
		return;
	engine_io_set(e, &c->io, ENGINE_READ | (c->out.len ? ENGINE_WRITE : 0),
		      NULL);
}

int dist_conn_send(struct dist_conn *c, const struct etf_term *control,
		   const struct etf_term *msg, struct dist_error *err)
{
	if (c->state != CONN_READY)
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
				      "connection to %s is not ready",
				      c->target.full);
	if (frame_encode(&c->out, control, msg, err) < 0)
		return -1;
	c->last_send_us = engine_now_us();
	return engine_io_set(c->e, &c->io, ENGINE_READ | ENGINE_WRITE, err);
}

struct etf_term *dist_conn_self_pid(struct dist_conn *c, struct etf_arena *a)
{
	return etf_pid(a, c->our_name, 1, 0, c->creation);
}

struct etf_term *dist_conn_make_ref(struct dist_conn *c, struct etf_arena *a)
{
	uint32_t ids[3] = { dist_random_u32() & 0x3ffff, dist_random_u32(),
			    dist_random_u32() };

	return etf_ref(a, c->our_name, c->creation, ids, 3);
}

void dist_conn_report(const struct dist_conn *c, json_t *out)
{
	static const enum dist_stage stages[] = {
		DIST_STAGE_RESOLVE, DIST_STAGE_EPMD, DIST_STAGE_CONNECT,
		DIST_STAGE_HANDSHAKE,
	};
	json_t *t = json_object();

	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		char key[32];

		if (c->stage_ms[stages[i]] <= 0 && stages[i] != DIST_STAGE_RESOLVE)
			continue;
		snprintf(key, sizeof key, "%s_ms", dist_stage_name(stages[i]));
		json_object_set_new(t, key, json_real(c->stage_ms[stages[i]]));
	}
	json_object_set_new(out, "timings", t);
	if (c->address[0])
		json_object_set_new(out, "address", json_string(c->address));
	if (c->node_port)
		json_object_set_new(out, "port", json_integer(c->node_port));
	if (c->our_name[0])
		json_object_set_new(out, "self", json_string(c->our_name));
}
