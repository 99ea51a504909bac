/* node_link.c - connections peers open to us: the accepting handshake
 * under a deadline, then u32 frames (dist/frame.h) and ticks both ways.
 * A peer that misbehaves is cut alone; the node goes on serving. */
#include "cluster/node_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dist/frame.h"

#define READ_CHUNK 65536

static void link_on_io(struct engine *e, struct engine_io *io,
		       unsigned events);

static void link_events(struct node_link *l)
{
	unsigned ev = 0;

	if (l->state == LINK_DEAD || l->conn)
		return;
	if (!l->close_after_flush && !l->n->out_blocked)
		ev |= ENGINE_READ;
	if (l->out.len)
		ev |= ENGINE_WRITE;
	engine_io_set(l->n->e, &l->io, node_tls_events(l, ev), NULL);
}

static void link_record(struct node_link *l, const char *event,
			const char *reason, const struct dist_error *err,
			bool diag)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "event", json_string(event));
	if (l->peer[0])
		json_object_set_new(rec, "node", json_string(l->peer));
	if (l->address[0])
		json_object_set_new(rec, "address", json_string(l->address));
	if (reason)
		json_object_set_new(rec, "reason", json_string(reason));
	if (err)
		json_object_set_new(rec, "error", node_error_json(
			err, l->state == LINK_READY ? DIST_STAGE_REQUEST
						    : DIST_STAGE_HANDSHAKE));
	if (diag)
		node_diag_record(l->n, rec);
	else
		node_out_record(l->n, rec);
}

/* The last connection to peer is gone: what waited on it ends
 * (noconnection), the monitors and links it held on our mailboxes go,
 * and a kept peer is dialled again after a backoff. */
static void peer_gone(struct node *n, const char *peer, const char *reason)
{
	char name[sizeof ((struct node_link *)0)->peer];

	snprintf(name, sizeof name, "%s", peer);
	node_ops_peer_down(n, name, reason, NULL);
	node_mbox_peer_down(n, name);
	node_peer_link_down(n, name);
}

void node_link_close(struct node_link *l, const char *reason)
{
	struct node *n = l->n;

	if (l->state == LINK_DEAD)
		return;
	if (l->pending) {
		struct dist_error err;

		/* Sends that waited for this link (it won a simultaneous
		 * connect) fail with it, each with its record. */
		dist_error_set(&err, DIST_E_CLOSED, DIST_STAGE_HANDSHAKE,
			       "%s: the connection closed before the message "
			       "could go", l->peer);
		node_pending_fail(l, &err);
	}
	if (l->state == LINK_READY && reason)
		link_record(l, "nodedown", reason, NULL, false);
	l->state = LINK_DEAD;
	if (l->conn) {
		dist_conn_close(l->conn);
	} else if (l->io.fd >= 0) {
		engine_io_remove(n->e, &l->io);
		node_tls_close(l);
		close(l->io.fd);
		l->io.fd = -1;
	}
	engine_timer_disarm(n->e, &l->hs_timer);
	engine_timer_disarm(n->e, &l->tick_timer);
	engine_timer_arm(n->e, &n->reap, engine_now_us());
	if (reason && l->peer[0] && !node_link_find(n, l->peer))
		peer_gone(n, l->peer, reason);
}

/* A peer's failure: a record on the diagnostics stream naming it, and
 * the link closed. A wrong cookie is reported as refused. */
static void link_fail(struct node_link *l, const struct dist_error *err)
{
	bool refused = err->code == DIST_E_NOT_ALLOWED;

	link_record(l, refused ? "refused" : "peer_error", NULL, err, true);
	node_link_close(l, err->code == DIST_E_CLOSED ? "connection_closed"
						      : dist_code_name(err->code));
}

static void link_failf(struct node_link *l, enum dist_code code,
		       enum dist_stage stage, const char *msg)
{
	struct dist_error err;

	dist_error_set(&err, code, stage, "%s%s%s",
		       l->peer[0] ? l->peer : l->address,
		       l->peer[0] || l->address[0] ? ": " : "", msg);
	link_fail(l, &err);
}

struct node_link *node_link_find(struct node *n, const char *peer)
{
	for (struct node_link *l = n->links; l; l = l->next)
		if (l->state != LINK_DEAD && !strcmp(l->peer, peer))
			return l;
	return NULL;
}

static void on_hs_timer(struct engine *e, struct engine_timer *t)
{
	struct node_link *l = t->data;

	(void)e;
	link_failf(l, DIST_E_TIMEOUT, DIST_STAGE_HANDSHAKE,
		   "the handshake did not finish in time (--connect-timeout)");
}

/* Ticks: we say something every net_ticktime/4 when idle, and a peer
 * silent for a whole net_ticktime is gone (OTP's rule). */
static void on_tick_timer(struct engine *e, struct engine_timer *t)
{
	struct node_link *l = t->data;
	int64_t now = engine_now_us(), tt = l->n->cfg->net_ticktime_us;

	if (now - l->last_recv_us > tt) {
		node_link_close(l, "net_tick_timeout");
		return;
	}
	if (now - l->last_send_us >= tt / 4) {
		frame_put_tick(&l->out);
		l->last_send_us = now;
		link_events(l);
	}
	engine_timer_arm(e, t, now + tt / 4);
}

void node_link_wait_peer(struct node_link *l)
{
	l->hs_timer.cb = on_hs_timer;
	l->hs_timer.data = l;
	engine_timer_arm(l->n->e, &l->hs_timer,
			 engine_now_us() + l->n->cfg->handshake_timeout_us);
}

void node_link_accept(struct node *n, int fd, const char *address)
{
	struct node_link *l = calloc(1, sizeof *l);
	struct dist_error err;

	if (!l) {
		close(fd);
		return;
	}
	l->n = n;
	l->inbound = true;
	l->state = LINK_HANDSHAKE;
	snprintf(l->address, sizeof l->address, "%s", address);
	l->io.fd = fd;
	l->io.cb = link_on_io;
	l->io.data = l;
	buf_init(&l->in, NODE_HANDSHAKE_MAX + READ_CHUNK);
	buf_init(&l->out, 0);
	l->pending_tail = &l->pending;
	hs_accept_init(&l->hs, n->cfg->name, n->creation, n->flags,
		       n->cfg->conn.cookie->value, n->cfg->conn.cookie->len);
	l->hs_timer.cb = on_hs_timer;
	l->hs_timer.data = l;
	l->tick_timer.cb = on_tick_timer;
	l->tick_timer.data = l;
	l->next = n->links;
	n->links = l;
	engine_timer_arm(n->e, &l->hs_timer,
			 engine_now_us() + n->cfg->handshake_timeout_us);
	dist_error_clear(&err);
	if (node_tls_start(l, &err) < 0) {
		link_fail(l, &err);
		return;
	}
	link_events(l);
}

/* The peer said its name: pick the status as net_kernel would. */
static void on_named(struct node_link *l)
{
	struct node_link *other = node_link_find(l->n, l->hs.peer_name);
	bool connected = other && other != l && other->state == LINK_READY;
	bool dialling = other && other != l && !connected && !other->inbound;
	enum hsa_status st = hs_accept_choose(&l->hs, connected, dialling);

	snprintf(l->peer, sizeof l->peer, "%s", l->hs.peer_name);
	if (st == HSA_NOT_ALLOWED) {
		struct dist_error err;

		dist_error_set(&err, DIST_E_NOT_ALLOWED, DIST_STAGE_HANDSHAKE,
			       "%s: %s", l->peer[0] ? l->peer : l->address,
			       l->hs.refusal);
		link_record(l, "refused", NULL, &err, true);
	}
	if (st == HSA_OK_SIMULTANEOUS && other) {
		/* Their attempt wins: ours gives way, its queue moves here. */
		if (other->pending) {
			*l->pending_tail = other->pending;
			l->pending_tail = other->pending_tail;
			other->pending = NULL;
			other->pending_tail = &other->pending;
		}
		node_link_close(other, NULL);
	}
	if (hs_accept_status(&l->hs, st, &l->out) == HSA_CLOSE)
		l->close_after_flush = true;
}

/* Handshake messages have u16 lengths, u32 inside TLS. */
static long next_hs_message(const struct node_link *l, const uint8_t **msg,
			    size_t *mlen, struct dist_error *err)
{
	if (l->tls)
		return handshake_frame_next4(l->in.data, l->in.len, msg, mlen,
					     err);
	return handshake_frame_next(l->in.data, l->in.len, msg, mlen, err);
}

static void handshake_input(struct node_link *l)
{
	const uint8_t *msg;
	size_t mlen;
	long used;
	struct dist_error err;

	dist_error_clear(&err);
	while (l->state == LINK_HANDSHAKE && !l->close_after_flush &&
	       (used = next_hs_message(l, &msg, &mlen, &err)) != 0) {
		int rc;

		if (used < 0) {
			link_failf(l, err.code, err.stage, err.message);
			return;
		}
		dist_error_clear(&err);
		rc = hs_accept_step(&l->hs, msg, mlen, &l->out, &err);
		buf_consume(&l->in, (size_t)used);
		if (rc < 0) {
			if (l->hs.peer_name[0])
				snprintf(l->peer, sizeof l->peer, "%s",
					 l->hs.peer_name);
			link_fail(l, &err);
			return;
		}
		if (rc == HSA_NAMED)
			on_named(l);
		else if (rc == HSA_CLOSE)
			l->close_after_flush = true;
		else if (rc == HSA_REPLACE) {
			/* The peer says its old connection is gone: so is
			 * ours to it. */
			for (struct node_link *old = l->n->links; old;
			     old = old->next)
				if (old != l && old->state == LINK_READY &&
				    !strcmp(old->peer, l->peer))
					node_link_close(old, "replaced");
		} else if (rc == HSA_COMPLETE) {
			int64_t now = engine_now_us();

			l->state = LINK_READY;
			engine_timer_disarm(l->n->e, &l->hs_timer);
			l->in.max = l->n->cfg->conn.max_message + READ_CHUNK + 4;
			l->last_recv_us = l->last_send_us = now;
			engine_timer_arm(l->n->e, &l->tick_timer,
					 now + l->n->cfg->net_ticktime_us / 4);
			link_record(l, "nodeup", NULL, NULL, false);
			node_peer_link_up(l->n, l->peer);
			node_link_ready(l);
		}
	}
	if (l->state == LINK_HANDSHAKE && l->in.len > NODE_HANDSHAKE_MAX)
		link_failf(l, DIST_E_PROTOCOL, DIST_STAGE_HANDSHAKE,
			   "oversized handshake message");
}

static void ready_input(struct node_link *l)
{
	struct frame f;
	struct dist_error err;
	struct etf_limits lim = etf_default_limits;
	size_t at = 0;
	long used;

	lim.max_bytes = l->n->cfg->conn.max_message;
	/* Stop between frames when output backs up: the rest waits in the
	 * kernel's buffers, and TCP slows the sender. What was handled is
	 * consumed once at the end: moving the rest of the buffer after
	 * each 4-byte tick of a flood would cost quadratic time. */
	while (l->state == LINK_READY && !l->n->out_blocked &&
	       !l->n->stopping) {
		struct etf_arena *a;
		struct etf_term *control, *msg;

		dist_error_clear(&err);
		used = frame_next(l->in.data + at, l->in.len - at,
				  l->n->cfg->conn.max_message, &f, &err);
		if (used < 0) {
			link_fail(l, &err);
			return;
		}
		if (used == 0)
			break;
		if (f.kind == FRAME_MESSAGE) {
			a = etf_arena_new();
			if (!a) {
				link_failf(l, DIST_E_NOMEM, DIST_STAGE_REQUEST,
					   "out of memory");
				return;
			}
			if (frame_decode(f.payload, f.len, a, &lim, &control,
					 &msg, &err) < 0) {
				etf_arena_free(a);
				link_fail(l, &err);
				return;
			}
			node_route_message(l, control, msg);
			etf_arena_free(a);
		}
		at += (size_t)used;
	}
	if (l->state == LINK_READY)
		buf_consume(&l->in, at);
}

static void link_input(struct node_link *l)
{
	if (l->state == LINK_HANDSHAKE)
		handshake_input(l);
	if (l->state == LINK_READY)
		ready_input(l);
}

static void link_read(struct node_link *l)
{
	struct dist_error err;
	ssize_t r;

	if (buf_reserve(&l->in, READ_CHUNK) < 0) {
		link_failf(l, DIST_E_TOO_LARGE, DIST_STAGE_REQUEST,
			   "input over the limit");
		return;
	}
	r = node_tls_read(l, l->in.data + l->in.len, READ_CHUNK, &err);
	if (r == -2) {
		link_fail(l, &err);
		return;
	}
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		if (l->state == LINK_READY) {
			node_link_close(l, "connection_closed");
			return;
		}
		/* A wrong cookie shows as a close after our challenge:
		 * the connector saw our digest did not match its own. */
		link_failf(l, l->hs.state == HSA_AWAIT_REPLY
				      ? DIST_E_NOT_ALLOWED : DIST_E_CLOSED,
			   DIST_STAGE_HANDSHAKE,
			   l->hs.state == HSA_AWAIT_REPLY
				   ? "closed the connection after our "
				     "challenge: its cookie is not ours"
				   : "closed the connection during the "
				     "handshake");
		return;
	}
	l->in.len += (size_t)r;
	l->last_recv_us = engine_now_us();
	link_input(l);
}

static void link_write(struct node_link *l)
{
	struct dist_error err;

	while (l->out.len) {
		ssize_t w = node_tls_write(l, l->out.data, l->out.len, &err);

		if (w == -2) {
			link_fail(l, &err);
			return;
		}
		if (w > 0) {
			buf_consume(&l->out, (size_t)w);
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		node_link_close(l, "connection_closed");
		return;
	}
	if (l->close_after_flush)
		node_link_close(l, NULL);
}

static void link_on_io(struct engine *e, struct engine_io *io,
		       unsigned events)
{
	struct node_link *l = io->data;
	struct dist_error err;

	(void)e;
	if (l->tls_handshaking) {
		dist_error_clear(&err);
		if (node_tls_handshake(l, &err) < 0) {
			link_fail(l, &err);
			return;
		}
		if (l->tls_handshaking) {
			link_events(l);
			return;
		}
	}
	/* TLS may have read for a write (or the reverse): any event may
	 * have brought input, unless input is held back. */
	if (l->tls && !l->n->out_blocked && !l->close_after_flush)
		events |= ENGINE_READ;
	if ((events & ENGINE_READ) && l->state != LINK_DEAD)
		link_read(l);
	if (l->state != LINK_DEAD)
		link_write(l);
	if (l->state != LINK_DEAD)
		link_events(l);
}

/* SEND_SENDER {22, From, To} is only for a peer that took the flag;
 * any other gets the plain SEND {2, '', To}, which carries no sender. */
static bool plain_send_needed(const struct node_link *l,
			      const struct etf_term *control)
{
	return etf_is_tuple(control, 3) &&
	       control->v.tuple.elems[0]->type == ETF_INT &&
	       control->v.tuple.elems[0]->v.i == 22 &&
	       !(node_link_peer_flags(l) & DFLAG_SEND_SENDER);
}

static int link_send(struct node_link *l, const struct etf_term *control,
		     const struct etf_term *msg, struct dist_error *err)
{
	if (l->conn)
		return dist_conn_send(l->conn, control, msg, err);
	if (frame_encode(&l->out, control, msg, err) < 0)
		return -1;
	l->last_send_us = engine_now_us();
	link_events(l);
	return 0;
}

int node_link_send(struct node_link *l, const struct etf_term *control,
		   const struct etf_term *msg, struct dist_error *err)
{
	struct etf_arena *a;
	struct etf_term *plain;
	int rc;

	if (!plain_send_needed(l, control))
		return link_send(l, control, msg, err);
	a = etf_arena_new();
	plain = a ? etf_tuple(a, 3, etf_int(a, 2), etf_atom(a, ""),
			      control->v.tuple.elems[2])
		  : NULL;
	rc = plain ? link_send(l, plain, msg, err)
		   : dist_error_nomem(err, DIST_STAGE_REQUEST, NULL);
	etf_arena_free(a);
	return rc;
}

void node_links_pause(struct node *n, bool pause)
{
	for (struct node_link *l = n->links; l; l = l->next) {
		if (l->state == LINK_DEAD)
			continue;
		if (!l->conn) {
			link_events(l);
			if (!pause && l->state == LINK_READY)
				ready_input(l);
		} else if (l->state == LINK_READY) {
			engine_io_set(n->e, &l->conn->io, pause ? 0 :
				      ENGINE_READ | (l->conn->out.len
						     ? ENGINE_WRITE : 0),
				      NULL);
		}
	}
}

bool node_links_flushed(const struct node *n)
{
	for (const struct node_link *l = n->links; l; l = l->next) {
		if (l->state == LINK_DEAD)
			continue;
		if (l->pending)
			return false;
		if (l->conn ? l->conn->out.len > 0 : l->out.len > 0)
			return false;
	}
	return true;
}

void node_links_reap(struct node *n)
{
	struct node_link **pp = &n->links;

	while (*pp) {
		struct node_link *l = *pp;

		if (l->state != LINK_DEAD) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		while (l->pending) {
			struct node_pending *p = l->pending;

			l->pending = p->next;
			etf_arena_free(p->arena);
			json_decref(p->id);
			free(p);
		}
		buf_free(&l->in);
		buf_free(&l->out);
		node_tls_close(l);
		free(l->conn);
		free(l);
	}
}
