/* node_epmd.c - each node's EPMD registration (see node_internal.h).
 *
 * External EPMD: ALIVE2_REQ on a socket kept open for the node's life
 * (closing it unregisters). A bounded number register at once, so 1 000
 * nodes neither flood epmd nor hold 1 000 connects in flight. When EPMD
 * goes away (it restarted, or was killed) the node registers again with
 * exponential backoff and jitter; the new creation is used for every pid
 * and ref minted from then on. OTP nodes do not do this; we should,
 * because a node nobody can find by name is no use to a script.
 *
 * Embedded EPMD (--epmd embedded, or auto with nothing on the port): the
 * nodes register into our own table, without a socket.
 */
#include "cluster/node_internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "base/random.h"
#include "cluster/epmd_embed.h"
#include "dist/epmd.h"
#include "io/net.h"

/* Registrations in flight at once. 1 000 names took epmd the same
 * 0.6-1.3 s with 1, 8, 32 or 128 in flight (it answers one at a time;
 * bench/README.md): the bound only keeps our descriptors and epmd's
 * backlog small. */
#define REG_AT_ONCE 32
#define BACKOFF_MIN_US 100000
#define BACKOFF_MAX_US 10000000

static void reg_pump(struct node_shared *sh);

static void epmd_close(struct node *n)
{
	if (n->epmd_io.fd < 0)
		return;
	engine_io_remove(n->e, &n->epmd_io);
	close(n->epmd_io.fd);
	n->epmd_io.fd = -1;
	buf_reset(&n->epmd_in);
	buf_reset(&n->epmd_out);
}

static void epmd_record(struct node *n, const char *event,
			const char *message)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "event", json_string(event));
	json_object_set_new(rec, "node", json_string(n->cfg->name));
	if (n->registered) {
		json_object_set_new(rec, "port", json_integer(n->port));
		json_object_set_new(rec, "creation",
				    json_integer(n->creation));
	}
	if (message)
		json_object_set_new(rec, "message", json_string(message));
	node_diag_record(n, rec);
}

/* Try again after the backoff, with jitter: half of it plus up to all
 * of it, so nodes that lost EPMD together do not come back together. */
static void retry_later(struct node *n)
{
	int64_t b = n->epmd_backoff_us;
	int64_t delay = b / 2 + (int64_t)(random_u32_nonzero() % (uint32_t)b);

	n->epmd_backoff_us = b * 2 > BACKOFF_MAX_US ? BACKOFF_MAX_US : b * 2;
	engine_timer_arm(n->e, &n->epmd_retry, engine_now_us() + delay);
}

static void reg_end(struct node *n)
{
	n->sh->reg_inflight--;
	reg_pump(n->sh);
}

static void reg_failed(struct node *n, const struct dist_error *err)
{
	struct node_shared *sh = n->sh;

	epmd_close(n);
	if (n->epmd_backoff_us == 0) {
		/* The first registration: a node that cannot start says
		 * why and ends (exit 3). */
		if (!sh->start_failed) {
			sh->start_err = *err;
			sh->start_failed = true;
		}
		node_stop(n, 3);
		return;
	}
	retry_later(n);
	reg_end(n);
}

static void reg_succeeded(struct node *n)
{
	bool again = n->epmd_backoff_us != 0;

	n->registered = true;
	n->epmd_backoff_us = BACKOFF_MIN_US;
	buf_reset(&n->epmd_in);
	if (again)
		epmd_record(n, "epmd_registered", "registered with EPMD "
			    "again: pids minted from now on carry the new "
			    "creation");
	else
		node_ready_record(n);
}

static void epmd_lost(struct node *n)
{
	epmd_close(n);
	epmd_record(n, "epmd_lost", "EPMD closed our registration: new "
		    "peers cannot find this node by name until it registers "
		    "again (retrying with backoff)");
	n->registered = false;
	retry_later(n);
}

static void epmd_unreachable(struct node *n, int soerr)
{
	struct dist_error err;

	dist_error_set(&err, DIST_E_EPMD_UNREACHABLE, DIST_STAGE_EPMD,
		       "no EPMD answers on 127.0.0.1 port %d (%s): start one "
		       "(epmd -daemon), say where it listens (--epmd-port, "
		       "$ERL_EPMD_PORT), or serve one (--epmd embedded)",
		       n->cfg->conn.epmd_port, strerror(soerr));
	reg_failed(n, &err);
}

static void alive2_reply(struct node *n, ssize_t r)
{
	struct dist_error err;
	/* ALIVE2_X_RESP: result and the creation to use. */
	int rc = epmd_alive2_reply_parse(n->epmd_in.data, n->epmd_in.len,
					 &n->creation, &err);

	if (rc == 0 && r > 0)
		return;
	if (rc <= 0) {
		if (rc == 0)
			dist_error_set(&err, DIST_E_PROTOCOL, DIST_STAGE_EPMD,
				       "EPMD closed the connection before "
				       "answering ALIVE2");
		if (err.code == DIST_E_NAME_IN_USE)
			dist_error_set(&err, DIST_E_NAME_IN_USE,
				       DIST_STAGE_EPMD,
				       "the name '%s' is already registered "
				       "with EPMD on port %d: another node "
				       "runs under it (see epmd -names); pick "
				       "another --name", n->alive,
				       n->cfg->conn.epmd_port);
		reg_failed(n, &err);
		return;
	}
	reg_succeeded(n);
	reg_end(n);
}

/* The registration socket: connected, ALIVE2_REQ out, the reply once,
 * then only EOF, which means EPMD went away. */
static void epmd_on_io(struct engine *e, struct engine_io *io,
		       unsigned events)
{
	struct node *n = io->data;
	ssize_t r;

	if (!n->registered && n->epmd_out.len && (events & ENGINE_WRITE)) {
		int soerr = net_connect_result(io->fd);

		if (soerr) {
			epmd_unreachable(n, soerr);
			return;
		}
		/* ALIVE2_REQ: our alive name and listening port. */
		r = send(io->fd, n->epmd_out.data, n->epmd_out.len,
			 MSG_NOSIGNAL);
		if (r > 0)
			buf_consume(&n->epmd_out, (size_t)r);
		engine_io_set(e, io, ENGINE_READ |
			      (n->epmd_out.len ? ENGINE_WRITE : 0), NULL);
		return;
	}
	if (buf_reserve(&n->epmd_in, 64) < 0)
		return;
	r = read(io->fd, n->epmd_in.data + n->epmd_in.len, 64);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r > 0)
		n->epmd_in.len += (size_t)r;
	if (!n->registered)
		alive2_reply(n, r);
	else if (r <= 0)
		epmd_lost(n);
	else
		buf_reset(&n->epmd_in);
}

static void epmd_connect(struct node *n)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct dist_error err;
	int fd;

	/* EPMD takes ALIVE2 from loopback only; keep the socket open for
	 * the node's life: closing it unregisters the name. */
	memset(&ss, 0, sizeof ss);
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = net_connect_start(&ss, (uint16_t)n->cfg->conn.epmd_port, true,
			       NULL, 0);
	if (fd < 0) {
		if (fd == -ECONNREFUSED) {
			epmd_unreachable(n, ECONNREFUSED);
			return;
		}
		dist_error_set(&err, DIST_E_IO, DIST_STAGE_EPMD,
			       "cannot open a socket to EPMD: %s",
			       strerror(-fd));
		reg_failed(n, &err);
		return;
	}
	n->epmd_io.fd = fd;
	n->epmd_io.cb = epmd_on_io;
	n->epmd_io.data = n;
	epmd_alive2_request(&n->epmd_out, n->alive, n->port);
	if (engine_io_set(n->e, &n->epmd_io, ENGINE_WRITE, &err) < 0)
		reg_failed(n, &err);
}

static void embedded_register(struct node *n)
{
	struct dist_error err;

	if (epmd_embed_add(n->sh->embedded, n->alive, n->port, &n->creation,
			   &err) < 0) {
		/* An erl node took the name first. */
		reg_failed(n, &err);
		return;
	}
	reg_succeeded(n);
}

static void reg_pump(struct node_shared *sh)
{
	while (sh->reg_head && !sh->stopping) {
		struct node *n = sh->reg_head;

		if (!sh->embedded && sh->reg_inflight >= REG_AT_ONCE)
			return;
		sh->reg_head = n->reg_next;
		if (!sh->reg_head)
			sh->reg_tail = &sh->reg_head;
		n->reg_queued = false;
		if (sh->embedded) {
			embedded_register(n);
			continue;
		}
		sh->reg_inflight++;
		epmd_connect(n);
	}
}

static void on_retry(struct engine *e, struct engine_timer *t)
{
	(void)e;
	node_epmd_register(t->data);
}

void node_epmd_register(struct node *n)
{
	struct node_shared *sh = n->sh;

	if (n->reg_queued)
		return;
	n->epmd_retry.cb = on_retry;
	n->epmd_retry.data = n;
	n->reg_queued = true;
	n->reg_next = NULL;
	*sh->reg_tail = n;
	sh->reg_tail = &n->reg_next;
	reg_pump(sh);
}

void node_epmd_unregister(struct node *n)
{
	engine_timer_disarm(n->e, &n->epmd_retry);
	epmd_close(n);
	if (n->sh->embedded && n->registered)
		epmd_embed_remove(n->sh->embedded, n->alive);
	n->registered = false;
	buf_free(&n->epmd_in);
	buf_free(&n->epmd_out);
}

int node_epmd_open(struct node_shared *sh, struct dist_error *err)
{
	const struct node_config *cfg = sh->cfg;
	bool in_use;

	sh->reg_tail = &sh->reg_head;
	if (cfg->listen_port > 0 || cfg->epmd == NODE_EPMD_EXTERNAL)
		return 0;
	/* auto: whoever holds the port is taken for an EPMD; if nobody
	 * does, we serve. Binding tells it at once and without a race. */
	sh->embedded = epmd_embed_open(sh->e, (uint16_t)cfg->conn.epmd_port,
				       &in_use, err);
	if (sh->embedded || (cfg->epmd == NODE_EPMD_AUTO && in_use))
		return 0;
	if (in_use)
		dist_error_set(err, DIST_E_IO, DIST_STAGE_EPMD,
			       "--epmd embedded: port %d is taken (an epmd "
			       "runs there?): use --epmd external or auto, "
			       "or another --epmd-port",
			       cfg->conn.epmd_port);
	return -1;
}

void node_epmd_close(struct node_shared *sh)
{
	epmd_embed_close(sh->embedded);
	sh->embedded = NULL;
}
