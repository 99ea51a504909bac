/* node.c - the node's life: start, EPMD registration, listener,
 * signals, deadline and ending (see node.h). */
#include "cluster/node_internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/random.h"
#include "dist/epmd.h"
#include "io/listen.h"
#include "io/net.h"

/* How long the listener rests when descriptors run out. */
#define ACCEPT_PAUSE_US 100000

void node_stop(struct node *n, int status)
{
	if (status > n->status)
		n->status = status;
	n->stopping = true;
	engine_stop(n->e);
}

bool node_is_ours(const struct node *n, const struct etf_term *pid)
{
	return pid->type == ETF_PID &&
	       etf_is_atom(pid->v.pid.node, n->cfg->name) &&
	       pid->v.pid.creation == n->creation;
}

static void ready_record(struct node *n)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "event", json_string("ready"));
	json_object_set_new(rec, "node", json_string(n->cfg->name));
	json_object_set_new(rec, "port", json_integer(n->port));
	json_object_set_new(rec, "creation", json_integer(n->creation));
	json_object_set_new(rec, "registered", json_boolean(n->registered));
	node_out_record(n, rec);
	/* Commands run from now on: pids they mint need the creation. */
	node_in_open(n, NULL);
}

static void epmd_fail(struct node *n, const struct dist_error *err)
{
	n->start_err = *err;
	n->start_failed = true;
	node_stop(n, 3);
}

/* The registration socket: the reply once, then only EOF, which means
 * EPMD went away (the name is no longer registered). */
static void epmd_on_io(struct engine *e, struct engine_io *io,
		       unsigned events)
{
	struct node *n = io->data;
	struct dist_error err;
	ssize_t r;

	if (!n->registered && n->epmd_out.len && (events & ENGINE_WRITE)) {
		int soerr = net_connect_result(io->fd);

		if (soerr) {
			dist_error_set(&err, DIST_E_EPMD_UNREACHABLE,
				       DIST_STAGE_EPMD,
				       "no EPMD answers on 127.0.0.1 port %d "
				       "(%s): start one (epmd -daemon), or "
				       "say where it listens (--epmd-port, "
				       "$ERL_EPMD_PORT)", n->cfg->conn.epmd_port,
				       strerror(soerr));
			epmd_fail(n, &err);
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
	if (!n->registered) {
		/* ALIVE2_X_RESP: result and the creation to use. */
		int rc = epmd_alive2_reply_parse(n->epmd_in.data,
						 n->epmd_in.len, &n->creation,
						 &err);

		if (rc == 0 && r > 0)
			return;
		if (rc <= 0) {
			if (rc == 0)
				dist_error_set(&err, DIST_E_PROTOCOL,
					       DIST_STAGE_EPMD,
					       "EPMD closed the connection "
					       "before answering ALIVE2");
			if (err.code == DIST_E_NAME_IN_USE)
				dist_error_set(&err, DIST_E_NAME_IN_USE,
					       DIST_STAGE_EPMD,
					       "the name '%s' is already "
					       "registered with EPMD on port "
					       "%d: another node runs under it "
					       "(see epmd -names); pick another "
					       "--name", n->alive,
					       n->cfg->conn.epmd_port);
			epmd_fail(n, &err);
			return;
		}
		n->registered = true;
		buf_reset(&n->epmd_in);
		ready_record(n);
		return;
	}
	if (r == 0 || r < 0) {
		json_t *rec = json_object();

		/* OTP nodes do not register again either; say so, and keep
		 * serving the connections we have. */
		engine_io_remove(e, io);
		close(io->fd);
		io->fd = -1;
		n->registered = false;
		json_object_set_new(rec, "event", json_string("epmd_lost"));
		json_object_set_new(rec, "node", json_string(n->cfg->name));
		json_object_set_new(rec, "message", json_string(
			"EPMD closed our registration: new peers cannot find "
			"this node by name until it is restarted"));
		node_diag_record(n, rec);
	}
	buf_reset(&n->epmd_in);
}

static int epmd_register(struct node *n, struct dist_error *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	int fd;

	/* EPMD takes ALIVE2 from loopback only; keep the socket open for
	 * the node's life: closing it unregisters the name. */
	memset(&ss, 0, sizeof ss);
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = net_connect_start(&ss, (uint16_t)n->cfg->conn.epmd_port, true,
			       NULL, 0);
	if (fd < 0)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_EPMD,
				      "cannot open a socket to EPMD: %s",
				      strerror(-fd));
	n->epmd_io.fd = fd;
	n->epmd_io.cb = epmd_on_io;
	n->epmd_io.data = n;
	epmd_alive2_request(&n->epmd_out, n->alive, n->port);
	return engine_io_set(n->e, &n->epmd_io, ENGINE_WRITE, err);
}

static void on_listen(struct engine *e, struct engine_io *io,
		      unsigned events)
{
	struct node *n = io->data;
	char address[64];
	int fd = 0;

	(void)events;
	while (!n->stopping &&
	       (fd = net_accept(io->fd, address, sizeof address)) >= 0)
		node_link_accept(n, fd, address);
	/* Out of descriptors (a flood of connections): the pending one
	 * stays in the backlog and the socket stays readable, so watching
	 * it now would wake us at once, forever. Look again in a while:
	 * handshake deadlines free descriptors meanwhile, and the peers
	 * already connected are served all along. */
	if (fd < 0 && (errno == EMFILE || errno == ENFILE ||
		       errno == ENOBUFS || errno == ENOMEM) &&
	    engine_io_set(e, io, 0, NULL) == 0)
		engine_timer_arm(e, &n->accept_pause,
				 engine_now_us() + ACCEPT_PAUSE_US);
}

static void on_accept_pause(struct engine *e, struct engine_timer *t)
{
	struct node *n = t->data;

	if (!n->stopping && n->listen_io.fd >= 0)
		engine_io_set(e, &n->listen_io, ENGINE_READ, NULL);
}

static void on_signal(void *data, int signo)
{
	(void)signo;
	/* SIGTERM, SIGINT, SIGHUP: an orderly end, status 0. */
	node_stop(data, 0);
}

static void on_deadline(struct engine *e, struct engine_timer *t)
{
	struct node *n = t->data;
	json_t *rec = json_object();

	(void)e;
	json_object_set_new(rec, "event", json_string("timeout"));
	json_object_set_new(rec, "node", json_string(n->cfg->name));
	json_object_set_new(rec, "after_ms",
			    json_integer(n->cfg->timeout_us / 1000));
	json_object_set_new(rec, "messages", json_integer(n->messages));
	node_out_record(n, rec);
	node_stop(n, 1);
}

/* After the end of stdin: leave once every send has left our buffers. */
void node_check_drained(struct node *n)
{
	if (node_links_flushed(n)) {
		node_stop(n, 0);
		return;
	}
	engine_timer_arm(n->e, &n->drain, engine_now_us() + 2000);
}

static void on_drain(struct engine *e, struct engine_timer *t)
{
	(void)e;
	node_check_drained(t->data);
}

/* Dead links are freed here, outside the callbacks that killed them. */
static void on_reap(struct engine *e, struct engine_timer *t)
{
	(void)e;
	node_links_reap(t->data);
}

static int node_start(struct node *n, struct dist_error *err)
{
	const char *at = strchr(n->cfg->name, '@');
	bool ipv6 = at && strchr(at, ':');
	int fd;

	snprintf(n->alive, sizeof n->alive, "%.*s",
		 (int)(at ? at - n->cfg->name : 0), n->cfg->name);
	n->e = engine_new(err);
	if (!n->e)
		return -1;
	n->resolver = resolver_new(n->e, err);
	if (!n->resolver)
		return -1;
	if (n->cfg->resolver &&
	    resolver_set_servers(n->resolver, n->cfg->resolver, err) < 0)
		return -1;
	if (signals_open(&n->sig, n->e, on_signal, n, err) < 0)
		return -1;
	if (node_out_open(n, err) < 0)
		return -1;
	fd = net_listen(ipv6, (uint16_t)n->cfg->listen_port, &n->port, err);
	if (fd < 0)
		return -1;
	n->listen_io.fd = fd;
	n->listen_io.cb = on_listen;
	n->listen_io.data = n;
	n->accept_pause.cb = on_accept_pause;
	n->accept_pause.data = n;
	if (engine_io_set(n->e, &n->listen_io, ENGINE_READ, err) < 0)
		return -1;
	n->deadline.cb = on_deadline;
	n->deadline.data = n;
	n->drain.cb = on_drain;
	n->drain.data = n;
	n->reap.cb = on_reap;
	n->reap.data = n;
	if (n->cfg->timeout_us > 0)
		engine_timer_arm(n->e, &n->deadline,
				 engine_now_us() + n->cfg->timeout_us);
	if (n->cfg->listen_port > 0) {
		/* A fixed port and no EPMD: peers are told the port. */
		n->creation = random_u32_nonzero();
		ready_record(n);
		return 0;
	}
	return epmd_register(n, err);
}

static void node_end(struct node *n)
{
	/* Unregister first, so that nobody finds a node that is leaving. */
	if (n->epmd_io.fd >= 0 && n->e) {
		engine_io_remove(n->e, &n->epmd_io);
		close(n->epmd_io.fd);
		n->epmd_io.fd = -1;
	}
	while (n->links)
		node_link_close(n->links, NULL), node_links_reap(n);
	if (n->listen_io.fd >= 0 && n->e) {
		engine_io_remove(n->e, &n->listen_io);
		close(n->listen_io.fd);
	}
	node_in_close(n);
	if (n->e) {
		node_out_finish(n);
		engine_timer_disarm(n->e, &n->deadline);
		engine_timer_disarm(n->e, &n->drain);
		engine_timer_disarm(n->e, &n->reap);
		engine_timer_disarm(n->e, &n->accept_pause);
		signals_close(&n->sig, n->e);
	}
	resolver_free(n->resolver);
	engine_free(n->e);
	buf_free(&n->epmd_in);
	buf_free(&n->epmd_out);
	buf_free(&n->out);
	buf_free(&n->in);
}

int node_run(const struct node_config *cfg, struct dist_error *err)
{
	struct node n;
	int rc = 0;

	memset(&n, 0, sizeof n);
	n.cfg = cfg;
	n.epmd_io.fd = n.listen_io.fd = n.out_io.fd = n.in_io.fd = -1;
	n.sig.io.fd = -1;
	buf_init(&n.epmd_in, 4096);
	buf_init(&n.epmd_out, 4096);
	buf_init(&n.in, NODE_CMD_LINE_MAX + 65536);
	buf_init(&n.out, 0);
	if (node_start(&n, err) < 0)
		rc = -1;
	while (rc == 0 && !n.stopping) {
		if (engine_run(n.e, err) < 0) {
			rc = -1;
			break;
		}
		node_links_reap(&n);
	}
	if (n.start_failed) {
		*err = n.start_err;
		rc = -1;
	}
	node_end(&n);
	return rc < 0 ? -1 : n.status;
}
