/* dist_conn_wire.c - a connection's socket: reading and writing it, and,
 * once the handshake is done, the frames and ticks of frame.c. */
#include "dist/dist_conn_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dist/frame.h"

/* Reads of 64 KiB per wake-up of a socket: 1 MiB. */
#define READ_ROUNDS 16
/* Each read takes what room the buffer has, at least READ_MIN and at
 * most READ_MAX bytes. Reserving READ_MAX up front would have a probe
 * (a few hundred bytes in all) grow and copy a 64 KiB buffer whose
 * pages it never needed: on a small VM, a third of its page faults. */
#define READ_MIN 4096
#define READ_MAX 65536

/* Answer a tick so the node hears from us too, or say something of our
 * own when we have been quiet for a tick interval. Not when output is
 * already waiting: that says as much, and a peer that floods ticks and
 * never reads would otherwise grow our buffer by 4 bytes a tick. */
static void send_tick(struct dist_conn *c)
{
	if (c->out.len > 0)
		return;
	frame_put_tick(&c->out);
	c->last_send_us = engine_now_us();
	engine_io_set(c->e, &c->io, ENGINE_READ | ENGINE_WRITE, NULL);
}

/* Ticks: a long-lived connection must say something at least every
 * net_ticktime/4 or the node drops it; and, where the owner asks, a
 * node we have not heard from for a whole tick timeout is gone (OTP's
 * rule, both ways), even when it is us that dialled. */
void conn_on_tick_timer(struct engine *e, struct engine_timer *t)
{
	struct dist_conn *c = t->data;
	int64_t now = engine_now_us(), next;

	if (c->state != CONN_READY)
		return;
	if (c->cfg->tick_timeout_us > 0 &&
	    now - c->last_recv_us > c->cfg->tick_timeout_us) {
		struct dist_error err;

		dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_REQUEST,
			       "%s: net_tick_timeout: nothing heard for %lld "
			       "ms", c->target.full,
			       (long long)(now - c->last_recv_us) / 1000);
		conn_fail(c, &err);
		return;
	}
	if (now - c->last_send_us >= c->cfg->tick_interval_us)
		send_tick(c);
	next = c->last_send_us + c->cfg->tick_interval_us;
	if (c->cfg->tick_timeout_us > 0 &&
	    c->last_recv_us + c->cfg->tick_timeout_us + 1 < next)
		next = c->last_recv_us + c->cfg->tick_timeout_us + 1;
	engine_timer_arm(e, &c->tick_timer, next);
}

static void deliver_frame(struct dist_conn *c, const struct frame *f)
{
	struct etf_term *control = NULL, *msg = NULL;
	struct etf_limits lim = etf_default_limits;
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
	/* What a frame may inflate to (COMPRESSED) is bounded like the
	 * frame itself: --max-size, not the decoder's 256 MiB default. */
	lim.max_bytes = c->cfg->max_message;
	if (frame_decode(f->payload, f->len, c->arena, &lim,
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

/* The frames a read brought, in order; consumed all at once at the end,
 * not one by one: moving the rest of the buffer after every 4-byte tick
 * of a flood would cost time quadratic in what the read brought. */
static void ready_input(struct dist_conn *c)
{
	struct frame f;
	struct dist_error err;
	size_t at = 0;
	long used;

	while (c->state == CONN_READY &&
	       (used = frame_next(c->in.data + at, c->in.len - at,
				  c->cfg->max_message, &f, &err)) != 0) {
		if (used < 0) {
			char detail[64];

			snprintf(detail, sizeof detail, "%zu > %zu bytes",
				 (size_t)get_u32(c->in.data + at),
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
		at += (size_t)used;
	}
	if (c->state == CONN_READY)
		buf_consume(&c->in, at);
}

static void conn_input(struct dist_conn *c)
{
	unsigned socket_gen = c->socket_gen;

	switch (c->state) {
	case CONN_EPMD:
		conn_epmd_input(c);
		break;
	case CONN_HANDSHAKE:
		conn_handshake_input(c);
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
	int end = 0;          /* 0 open, -1 EOF, -2 TLS, else errno */
	struct dist_error tls_err;

	/* At most READ_ROUNDS reads a wake-up: a peer that sends faster
	 * than we read must not keep us here, past the deadline, with an
	 * ever larger buffer. The rest waits for the next wake-up. */
	for (int round = 0; round < READ_ROUNDS; round++) {
		ssize_t n;
		size_t room;

		if (buf_reserve(&c->in, READ_MIN) < 0) {
			conn_failf(c, DIST_E_NOMEM, "%s: out of memory%s", c->target.full, "");
			return;
		}
		room = c->in.cap - c->in.len;
		n = conn_sock_read(c, c->in.data + c->in.len,
				   room < READ_MAX ? room : READ_MAX, &tls_err);
		if (n == -2) {
			end = -2;
			break;
		}
		if (n > 0) {
			c->in.len += (size_t)n;
			c->last_recv_us = engine_now_us();
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
	if (end == -2) {
		conn_tls_failed(c, &tls_err);
		return;
	}
	if (end == -1 || (end == ECONNRESET && c->state == CONN_HANDSHAKE)) {
		conn_on_eof(c);
		return;
	}
	conn_failf(c, DIST_E_CLOSED, "%s: connection lost: %s", c->target.full,
		   strerror(end));
}

static void conn_write(struct dist_conn *c)
{
	struct dist_error tls_err;

	while (c->out.len > 0) {
		ssize_t n = conn_sock_write(c, c->out.data, c->out.len,
					    &tls_err);

		if (n == -2) {
			conn_tls_failed(c, &tls_err);
			return;
		}
		if (n > 0) {
			buf_consume(&c->out, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (c->state == CONN_HANDSHAKE && c->hs.state == HS_AWAIT_ACK) {
			conn_on_eof(c);
			return;
		}
		conn_failf(c, DIST_E_CLOSED, "%s: connection lost while "
			   "sending: %s", c->target.full, strerror(errno));
		return;
	}
}

void conn_on_io(struct engine *e, struct engine_io *io,
		       unsigned events)
{
	struct dist_conn *c = io->data;

	if (c->connecting) {
		/* First writability of a connecting socket: it connected,
		 * or failed (SO_ERROR tells). */
		conn_on_connected(c);
	} else if (c->state == CONN_TLS) {
		conn_tls_step(c);
	} else if ((events & ENGINE_READ) || c->tls) {
		/* TLS may have wanted a write to go on reading. */
		conn_read(c);
	}
	/* Any step above may have closed the connection or started a new
	 * connect (next address, next pool name, EPMD -> node); the TLS
	 * handshake waits for what it asked for. */
	if (c->state == CONN_CLOSED || c->io.fd < 0 || c->connecting ||
	    c->state == CONN_TLS)
		return;
	conn_write(c);
	if (c->state == CONN_CLOSED || c->io.fd < 0)
		return;
	engine_io_set(e, &c->io, conn_sock_events(c), NULL);
}

int dist_conn_send(struct dist_conn *c, const struct etf_term *control,
		   const struct etf_term *msg, struct dist_error *err)
{
	bool early = c->state == CONN_HANDSHAKE && c->hs.state == HS_AWAIT_ACK;

	if (c->state != CONN_READY && !early)
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
				      "connection to %s is not ready",
				      c->target.full);
	if (frame_encode(&c->out, control, msg, err) < 0)
		return -1;
	c->last_send_us = engine_now_us();
	return engine_io_set(c->e, &c->io, ENGINE_READ | ENGINE_WRITE, err);
}
