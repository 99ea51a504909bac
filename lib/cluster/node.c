/* node.c - the nodes' life: start, listeners, signals, deadline and
 * ending (see node.h). EPMD registration is node_epmd.c's. */
#include "cluster/node_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/random.h"
#include "io/listen.h"
#include "io/net.h"

/* How long the listener rests when descriptors run out. */
#define ACCEPT_PAUSE_US 100000

void node_each(struct node_shared *sh, void (*fn)(struct node *n))
{
	for (size_t i = 0; i < sh->count; i++)
		fn(&sh->nodes[i]);
}

static void mark_stopping(struct node *n)
{
	n->stopping = true;
}

void node_stop(struct node *n, int status)
{
	struct node_shared *sh = n->sh;

	if (status > sh->status)
		sh->status = status;
	if (!sh->stopping) {
		sh->stopping = true;
		node_each(sh, mark_stopping);
	}
	engine_stop(n->e);
}

bool node_is_ours(const struct node *n, const struct etf_term *pid)
{
	return pid->type == ETF_PID &&
	       etf_is_atom(pid->v.pid.node, n->cfg->name) &&
	       pid->v.pid.creation == n->creation;
}

void node_ready_record(struct node *n)
{
	struct node_shared *sh = n->sh;
	json_t *rec = json_object();

	json_object_set_new(rec, "event", json_string("ready"));
	json_object_set_new(rec, "node", json_string(n->cfg->name));
	json_object_set_new(rec, "port", json_integer(n->port));
	json_object_set_new(rec, "creation", json_integer(n->creation));
	json_object_set_new(rec, "registered", json_boolean(n->registered));
	node_out_record(n, rec);
	node_state_ready(n);
	/* Commands run once every node is up: they go out from the first,
	 * and the pids they mint need its creation. */
	if (++sh->registered == sh->count)
		node_in_open(&sh->nodes[0], NULL);
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
	json_object_set_new(rec, "messages", json_integer(n->sh->messages));
	node_out_record(n, rec);
	node_stop(n, 1);
}

/* After the end of stdin: leave once every send has left our buffers. */
void node_check_drained(struct node *n)
{
	struct node_shared *sh = n->sh;

	for (size_t i = 0; i < sh->count; i++)
		if (!node_links_flushed(&sh->nodes[i]) ||
		    node_ops_waiting(&sh->nodes[i])) {
			engine_timer_arm(n->e, &sh->drain,
					 engine_now_us() + 2000);
			return;
		}
	node_stop(n, 0);
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

/* One node: its listener, then its name with EPMD (or, with a fixed
 * port, no EPMD and a creation of our own). */
static int node_start(struct node *n, struct dist_error *err)
{
	const char *at = strchr(n->cfg->name, '@');
	bool ipv6 = at && strchr(at, ':');
	int fd;

	snprintf(n->alive, sizeof n->alive, "%.*s",
		 (int)(at ? at - n->cfg->name : 0), n->cfg->name);
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
	n->reap.cb = on_reap;
	n->reap.data = n;
	if (n->cfg->listen_port > 0) {
		/* A fixed port and no EPMD: peers are told the port. */
		n->creation = random_u32_nonzero();
		node_ready_record(n);
		return 0;
	}
	node_epmd_register(n);
	return 0;
}

static void node_end(struct node *n)
{
	/* Unregister first, so that nobody finds a node that is leaving. */
	node_epmd_unregister(n);
	while (n->links)
		node_link_close(n->links, NULL), node_links_reap(n);
	node_state_end(n);
	if (n->listen_io.fd >= 0) {
		engine_io_remove(n->e, &n->listen_io);
		close(n->listen_io.fd);
		n->listen_io.fd = -1;
	}
	engine_timer_disarm(n->e, &n->reap);
	engine_timer_disarm(n->e, &n->accept_pause);
}

/* The nodes' names: the one given, or the pattern's 1..N, each with a
 * config of its own so that n->cfg->name is the node's. */
static int nodes_new(struct node_shared *sh, struct dist_error *err)
{
	const struct node_config *cfg = sh->cfg;

	sh->count = cfg->count > 0 ? (size_t)cfg->count : 1;
	sh->nodes = calloc(sh->count, sizeof *sh->nodes);
	if (!sh->nodes)
		return dist_error_nomem(err, DIST_STAGE_NONE,
					"starting the nodes");
	for (size_t i = 0; i < sh->count; i++) {
		struct node *n = &sh->nodes[i];

		n->sh = sh;
		n->cfg = cfg;
		n->e = sh->e;
		n->resolver = sh->resolver;
		n->epmd_io.fd = n->listen_io.fd = -1;
		buf_init(&n->epmd_in, 4096);
		buf_init(&n->epmd_out, 4096);
		if (cfg->count == 0)
			continue;
		if (node_pattern_name(cfg->name, (long)i + 1, n->own_name,
				      sizeof n->own_name, err) < 0)
			return -1;
		n->own_cfg = *cfg;
		n->own_cfg.name = n->own_name;
		n->own_cfg.conn.our_name = n->own_name;
		n->cfg = &n->own_cfg;
	}
	for (size_t i = 0; i < sh->count; i++)
		node_state_init(&sh->nodes[i]);
	return 0;
}

static int shared_start(struct node_shared *sh, struct dist_error *err)
{
	const struct node_config *cfg = sh->cfg;

	if (cfg->count > 0 && node_fd_budget(cfg->count, err) < 0)
		return -1;
	sh->e = engine_new(err);
	if (!sh->e)
		return -1;
	sh->resolver = resolver_new(sh->e, err);
	if (!sh->resolver)
		return -1;
	if (cfg->resolver &&
	    resolver_set_servers(sh->resolver, cfg->resolver, err) < 0)
		return -1;
	if (nodes_new(sh, err) < 0)
		return -1;
	if (signals_open(&sh->sig, sh->e, on_signal, &sh->nodes[0], err) < 0)
		return -1;
	if (node_out_open(&sh->nodes[0], err) < 0)
		return -1;
	sh->deadline.cb = on_deadline;
	sh->deadline.data = &sh->nodes[0];
	sh->drain.cb = on_drain;
	sh->drain.data = &sh->nodes[0];
	if (cfg->timeout_us > 0)
		engine_timer_arm(sh->e, &sh->deadline,
				 engine_now_us() + cfg->timeout_us);
	if (node_epmd_open(sh, err) < 0)
		return -1;
	for (size_t i = 0; i < sh->count; i++)
		if (node_start(&sh->nodes[i], err) < 0)
			return -1;
	return 0;
}

static void shared_end(struct node_shared *sh)
{
	if (sh->nodes && sh->e)
		node_each(sh, node_end);
	node_epmd_close(sh);
	if (sh->e && sh->nodes) {
		node_in_close(&sh->nodes[0]);
		node_out_finish(&sh->nodes[0]);
		engine_timer_disarm(sh->e, &sh->deadline);
		engine_timer_disarm(sh->e, &sh->drain);
		signals_close(&sh->sig, sh->e);
	}
	for (size_t i = 0; sh->nodes && i < sh->count; i++)
		if (sh->nodes[i].status > sh->status)
			sh->status = sh->nodes[i].status;
	resolver_free(sh->resolver);
	engine_free(sh->e);
	free(sh->nodes);
	buf_free(&sh->out);
	buf_free(&sh->in);
}

int node_run(const struct node_config *cfg, struct dist_error *err)
{
	struct node_shared sh;
	int rc = 0;

	memset(&sh, 0, sizeof sh);
	sh.cfg = cfg;
	sh.out_io.fd = sh.in_io.fd = -1;
	sh.sig.io.fd = -1;
	buf_init(&sh.in, NODE_CMD_LINE_MAX + 65536);
	buf_init(&sh.out, 0);
	if (shared_start(&sh, err) < 0)
		rc = -1;
	while (rc == 0 && !sh.stopping) {
		if (engine_run(sh.e, err) < 0) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < sh.count; i++)
			node_links_reap(&sh.nodes[i]);
	}
	if (sh.start_failed) {
		*err = sh.start_err;
		rc = -1;
	}
	shared_end(&sh);
	return rc < 0 ? -1 : sh.status;
}
