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
 *   node_mbox.c    mailboxes, and the BEAM processes that monitor or
 *                  link to them
 *   node_ops.c     what we wait for: calls, rpcs, global sends, our
 *                  monitors
 *   node_peer.c    connections we keep (--connect), with backoff
 *   node_state.c   setting up and releasing what the three above keep
 *   node_global.c  the one answer a visible node owes `global`
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
	bool quiet;               /* part of a call or monitor: no record */
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
	struct tls_session *tls;   /* with cfg->tls_server (node_tls.c) */
	bool tls_handshaking;      /* TLS first, then the dist handshake */
	/* outbound: the connecting side, as dist_conn does it */
	struct dist_conn *conn;
	struct node_pending *pending, **pending_tail;
};

/* A BEAM process watching one of our mailboxes: a monitor (MONITOR_P)
 * or a link (LINK). Its terms live in its own arena. */
struct node_watch {
	struct node_watch *next;
	bool link;
	char peer[512];
	struct etf_arena *arena;
	struct etf_term *pid;      /* the remote process */
	struct etf_term *ref;      /* monitor: its reference */
	struct etf_term *as;       /* monitor: how it named us (atom, pid) */
};

/* A mailbox: from --register or the register command. Its pid stays
 * its own; after unregister the pid is dead and is not reused. */
struct node_mbox {
	struct node_mbox *next;
	char name[256];
	uint32_t pid_id;
	struct node_watch *watches;
};

enum node_op_kind {
	NODE_OP_CALL,          /* gen_server:call: a reply or a DOWN */
	NODE_OP_RPC,           /* rex: {rex, Reply} */
	NODE_OP_GLOBAL,        /* a global send: rex's whereis_name, then
				* the message to the pid */
	NODE_OP_MONITOR,       /* a process: DOWN */
	NODE_OP_NODE_MONITOR,  /* a node: DOWN when its connection goes */
};

/* Something a command started and whose answer we wait for. */
struct node_op {
	struct node_op *next;
	struct node *n;
	enum node_op_kind kind;
	json_t *id;
	char peer[512];
	char target[600];          /* the target, as records say it */
	uint32_t pid_id;           /* the pid answers and DOWNs come to */
	uint32_t ref_ids[3];       /* call, monitor: the monitor reference */
	char ref_text[128];        /* monitor: what demonitor names */
	struct etf_arena *arena;
	struct etf_term *proc;     /* call, monitor: the monitored process */
	struct engine_timer timer; /* call, rpc: the deadline */
	struct etf_term *msg;      /* global: the message, until the pid */
	bool done;
};

/* A node we keep a connection to (--connect, the connect command). */
struct node_peer {
	struct node_peer *next;
	struct node *n;
	struct node_name name;
	unsigned failures;         /* in a row: the backoff's exponent */
	struct engine_timer retry;
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
	/* cfg->conn with what only the running node knows: the creation
	 * EPMD gave us and the flags we offer. */
	struct dist_conn_config conn;
	uint64_t flags;
	struct node_mbox *mboxes;
	uint32_t next_pid_id;
	struct node_op *ops;
	struct node_peer *peers;
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
	struct engine_timer accept_pause;  /* out of descriptors: wait */
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

/* node_tls.c: an accepted link over TLS (cfg->tls_server). start
 * makes the session (nothing without TLS); handshake takes one step
 * and clears tls_handshaking when done; read and write are read(2)
 * and send(2) through TLS (-2 with err for a TLS failure); events adds
 * what TLS waits for. Failures are DIST_E_TLS naming the address. */
int node_tls_start(struct node_link *l, struct dist_error *err);
int node_tls_handshake(struct node_link *l, struct dist_error *err);
ssize_t node_tls_read(struct node_link *l, void *buf, size_t n,
		      struct dist_error *err);
ssize_t node_tls_write(struct node_link *l, const void *buf, size_t n,
		       struct dist_error *err);
unsigned node_tls_events(const struct node_link *l, unsigned ev);
void node_tls_close(struct node_link *l);

/* node_link.c */
void node_link_accept(struct node *n, int fd, const char *address);
struct node_link *node_link_find(struct node *n, const char *peer);
void node_link_close(struct node_link *l, const char *reason);
int node_link_send(struct node_link *l, const struct etf_term *control,
		   const struct etf_term *msg, struct dist_error *err);
void node_links_pause(struct node *n, bool pause);
void node_links_reap(struct node *n);
bool node_links_flushed(const struct node *n);
/* Our connection was refused with nok: the peer's own connection to us
 * wins; keep the queue until it is up (or the handshake deadline). */
void node_link_wait_peer(struct node_link *l);

/* node_route.c */
void node_route_message(struct node_link *l, const struct etf_term *control,
			const struct etf_term *msg);
void node_route_command(struct node *n, struct node_cmd *cmd,
			struct etf_arena *a);
void node_link_ready(struct node_link *l);
/* Report every queued send of l as failed with err, and drop them. */
void node_pending_fail(struct node_link *l, const struct dist_error *err);
struct etf_term *node_pid(struct node *n, struct etf_arena *a, uint32_t id);
/* Send control+msg (terms in a, which this takes over) to node: over
 * its link, or queued until the link we open is up. quiet: no "send"
 * record (the caller's own record says how it went). */
void node_send(struct node *n, const struct node_name *node,
	       struct etf_arena *a, struct etf_term *control,
	       struct etf_term *msg, json_t *id, const char *to, bool quiet);
/* A link to node, opened if there is none (NULL: out of memory). */
struct node_link *node_link_get(struct node *n, const struct node_name *node);
/* A result record for a command: ok, or the error. Takes rec. */
void node_result(struct node *n, const char *command, json_t *id,
		 json_t *rec, const struct dist_error *err);
uint64_t node_link_peer_flags(const struct node_link *l);
/* A copy of t in a (through the external format); NULL: out of memory. */
struct etf_term *node_term_copy(struct etf_arena *a, const struct etf_term *t);
/* Text of a term for records and messages ("#Ref<...>", "<0.2.0>"). */
void node_term_text(const struct etf_term *t, char *out, size_t len);

/* node_global.c: a message to our global_name_server (--visible). */
void node_global_message(struct node_link *l, const struct etf_term *msg);

/* node_state.c */
void node_state_init(struct node *n);
void node_state_ready(struct node *n);
void node_state_end(struct node *n);

/* node_mbox.c */
void node_mbox_init(struct node *n);
void node_mbox_free(struct node *n);
struct node_mbox *node_mbox_find(struct node *n, const char *name);
struct node_mbox *node_mbox_by_pid(struct node *n, const struct etf_term *pid);
/* A fresh pid number (mailboxes, calls, monitors). */
uint32_t node_pid_next(struct node *n);
int node_mbox_register(struct node *n, const char *name,
		       struct dist_error *err);
int node_mbox_unregister(struct node *n, const char *name,
			 const struct etf_term *reason, struct dist_error *err);
/* Control messages about our mailboxes: MONITOR_P, DEMONITOR_P, LINK,
 * UNLINK_ID, EXIT, EXIT2. true when c was one of them. */
bool node_mbox_control(struct node_link *l, int64_t tag,
		       const struct etf_term *c, const struct etf_term *msg);
/* The connection to peer is gone: its watches go with it. */
void node_mbox_peer_down(struct node *n, const char *peer);
/* register, unregister: a result record. */
void node_mbox_command(struct node *n, const struct node_cmd *cmd);

/* node_ops.c */
void node_ops_command(struct node *n, struct node_cmd *cmd,
		      struct etf_arena *a);
/* A SEND to one of the ops' pids, an ALIAS_SEND, a MONITOR_P_EXIT:
 * true when it was for one of them. */
bool node_ops_deliver(struct node *n, const struct etf_term *to,
		      const struct etf_term *msg);
bool node_ops_monitor_exit(struct node *n, const struct etf_term *ref,
			   const struct etf_term *reason);
void node_ops_peer_down(struct node *n, const char *peer,
			const char *reason, const struct dist_error *err);
void node_ops_free(struct node *n);
/* A call or an rpc still waits for its answer (the end of stdin waits
 * for them). */
bool node_ops_waiting(const struct node *n);

/* node_peer.c */
int node_peer_keep(struct node *n, const struct node_name *name,
		   struct dist_error *err);
bool node_peer_drop(struct node *n, const char *name);
void node_peer_link_up(struct node *n, const char *name);
void node_peer_link_down(struct node *n, const char *name);
void node_peers_free(struct node *n);
/* connect, disconnect: a result record. */
void node_peer_command(struct node *n, const struct node_cmd *cmd);

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
/* An error as records carry it: code, stage, message. An error made
 * without a stage (the term codec's, whose caller may set none) is
 * given `where`, the stage the record is about, so that no record says
 * "none". */
json_t *node_error_json(const struct dist_error *err, enum dist_stage where);

#endif
