/* node_internal.h - what the files of the node runtime share; nothing
 * outside lib/cluster/node*.c includes it.
 *
 *   node.c         start, EPMD registration, listener, signals, ending
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

struct node {
	const struct node_config *cfg;
	struct engine *e;
	struct resolver *resolver;
	struct signals sig;
	uint32_t creation;
	uint16_t port;
	char alive[256];
	/* EPMD registration: kept open, closing it unregisters */
	struct engine_io epmd_io;
	struct buf epmd_in, epmd_out;
	bool registered;
	struct dist_error start_err;
	bool start_failed;
	struct engine_io listen_io;
	struct engine_timer accept_pause;  /* out of descriptors: wait */
	struct node_link *links;
	/* stdout */
	struct engine_io out_io;
	struct buf out;
	bool out_pollable, out_blocked, out_closed;
	int out_flags;            /* fcntl flags to restore */
	/* stdin */
	struct engine_io in_io;
	struct engine_timer in_timer;  /* stdin epoll refuses */
	struct buf in;
	long in_line;
	bool in_eof, in_skipping, had_command;
	bool draining;            /* input over: leave once sends are out */
	/* ending */
	struct engine_timer deadline, drain, reap;
	long messages;
	int status;
	bool stopping;
};

/* node.c */
void node_stop(struct node *n, int status);
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
