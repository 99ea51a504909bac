/* node_internal.h - what the files of the node runtime share; nothing
 * outside lib/cluster/node*.c includes it.
 *
 *   node.c         start, listener, signals, deadline, ending
 *   node_epmd.c    registration with EPMD (an external one or ours), and
 *                  again with backoff when EPMD restarts
 *   node_count.c   --count: the names, the descriptors N nodes need
 *   node_link.c    one connection a peer opened to us: handshake, frames,
 *                  ticks
 *   node_route.c   messages in (net_kernel, mailboxes) and out (sends,
 *                  over a link we have or one we open with dist_conn)
 *   node_io.c      the stdout record writer with backpressure, stdin
 *                  commands
 */
#ifndef DIST_CLUSTER_NODE_INTERNAL_H
#define DIST_CLUSTER_NODE_INTERNAL_H

#include <jansson.h>

#include "cluster/command.h"
#include "cluster/node.h"
#include "dist/handshake_accept.h"
#include "io/engine.h"
#include "io/resolve.h"
#include "io/signals.h"

/* Output waiting for the reader past this: stop reading peers; below
 * the low mark: read again. */
#define NODE_OUT_HIGH (256 * 1024)
#define NODE_OUT_LOW (64 * 1024)
#define NODE_HANDSHAKE_MAX 4096
#define NODE_NAME_MAX 520

struct epmd_embed;

enum link_state {
	LINK_HANDSHAKE,
	LINK_READY,
	LINK_DEAD,     /* closed; freed at the end of the loop round */
};

/* A message waiting for its link to finish the handshake. */
struct node_pending {
	struct node_pending *next;
	struct etf_arena *arena;
	struct etf_term *control, *msg;
	json_t *id;
	char to[600];
};

struct node_link {
	struct node_link *next;
	struct node *n;
	bool inbound;
	enum link_state state;
	char peer[512];            /* the peer's node name, once known */
	char address[64];
	/* inbound: our own socket and handshake */
	struct engine_io io;
	struct buf in, out;
	struct hs_accept hs;
	bool close_after_flush;
	struct engine_timer hs_timer, tick_timer;
	int64_t last_recv_us, last_send_us;
	/* outbound: the connecting side, as dist_conn does it */
	struct dist_conn *conn;
	struct node_pending *pending, **pending_tail;
};

/* What the nodes of one process share (--count N runs N nodes on one
 * engine): the engine, stdout and stdin, signals, the deadline, the
 * message count and how the process ends. */
struct node_shared {
	const struct node_config *cfg;
	struct engine *e;
	struct resolver *resolver;
	struct signals sig;
	struct node *nodes;        /* count of them */
	size_t count;
	/* EPMD: the embedded server, or NULL when an external one serves */
	struct epmd_embed *embedded;
	struct node *reg_head, **reg_tail; /* waiting to register */
	size_t reg_inflight;
	size_t registered;         /* nodes registered at least once */
	/* stdout */
	struct engine_io out_io;
	struct buf out;
	bool out_pollable, out_blocked, out_closed;
	int out_flags;            /* fcntl flags to restore */
	/* stdin: commands go out from the first node */
	struct engine_io in_io;
	struct engine_timer in_timer;  /* stdin epoll refuses */
	struct buf in;
	long in_line;
	bool in_eof, in_skipping, had_command;
	/* ending */
	struct engine_timer deadline, drain;
	long messages;
	int status;
	bool stopping, draining;
	struct dist_error start_err;
	bool start_failed;
};

/* One node: its name, listener, creation, EPMD registration and links. */
struct node {
	const struct node_config *cfg;   /* its name is this node's */
	struct node_shared *sh;
	struct engine *e;                /* sh's, copied for the links */
	struct resolver *resolver;
	uint32_t creation;
	uint16_t port;
	char alive[256];
	/* EPMD registration: kept open, closing it unregisters */
	struct engine_io epmd_io;
	struct buf epmd_in, epmd_out;
	bool registered, reg_queued;
	struct node *reg_next;
	struct engine_timer epmd_retry;
	int64_t epmd_backoff_us;         /* 0: first registration */
	struct engine_io listen_io;
	struct node_link *links;
	struct engine_timer reap;
	/* Copies of the shared flags the links read on every frame, set on
	 * every node by node_stop, the writer and the end of stdin. */
	bool out_blocked, stopping, draining;
	int status;                      /* a failed send: 1 */
	/* --count: this node's own config, naming it */
	struct node_config own_cfg;
	char own_name[NODE_NAME_MAX];
};

/* node.c */
void node_stop(struct node *n, int status);
/* Run fn on every node of the process. */
void node_each(struct node_shared *sh, void (*fn)(struct node *n));
void node_ready_record(struct node *n);
void node_check_drained(struct node *n);
bool node_is_ours(const struct node *n, const struct etf_term *pid);

/* node_link.c */
void node_link_accept(struct node *n, int fd, const char *address);
struct node_link *node_link_find(struct node *n, const char *peer);
void node_link_close(struct node_link *l, const char *reason);
int node_link_send(struct node_link *l, const struct etf_term *control,
		   const struct etf_term *msg, struct dist_error *err);
void node_links_pause(struct node *n, bool pause);
void node_links_reap(struct node *n);
bool node_links_flushed(const struct node *n);

/* node_route.c */
void node_route_message(struct node_link *l, const struct etf_term *control,
			const struct etf_term *msg);
void node_route_command(struct node *n, struct node_cmd *cmd,
			struct etf_arena *a);
void node_link_ready(struct node_link *l);
/* Report every queued send of l as failed with err, and drop them. */
void node_pending_fail(struct node_link *l, const struct dist_error *err);
struct etf_term *node_pid(struct node *n, struct etf_arena *a, uint32_t id);

/* node_epmd.c */
/* Start registering n (queued: a bounded number at once). */
void node_epmd_register(struct node *n);
void node_epmd_unregister(struct node *n);
int node_epmd_open(struct node_shared *sh, struct dist_error *err);
void node_epmd_close(struct node_shared *sh);

/* node_io.c */
int node_out_open(struct node *n, struct dist_error *err);
void node_out_record(struct node *n, json_t *rec);
void node_out_finish(struct node *n);
void node_diag_record(struct node *n, json_t *rec);
int node_in_open(struct node *n, struct dist_error *err);
void node_in_close(struct node *n);
json_t *node_term_json(struct node *n, const struct etf_term *t);
json_t *node_error_json(const struct dist_error *err);

#endif
