/* dist_conn.h - one connection to one node, driven by the engine:
 * resolve -> EPMD PORT_PLEASE2 -> connect -> handshake -> ready.
 *
 * Every stage has its own timeout and its own error code, because telling
 * "no such node" from "unreachable" from "wrong cookie" is the reason this
 * toolkit exists. Once ready, messages are pass-through frames (no atom
 * cache, no fragments): control term + optional message term.
 */
#ifndef DIST_DIST_CONN_H
#define DIST_DIST_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/buf.h"
#include "dist/cookie.h"
#include "io/engine.h"
#include "base/error.h"
#include "etf/etf.h"
#include "dist/handshake.h"
#include "dist/namepool.h"
#include "dist/nodename.h"
#include "io/dial.h"
#include "io/resolve.h"
#include "io/tls.h"

struct dist_conn_config {
	const struct cookie *cookie;
	int epmd_port;
	int direct_port;          /* >0: skip EPMD, connect here */
	bool port_is_hint;        /* direct_port came from an input record
				   * (a discovery, an earlier run): if it
				   * refuses, the node may have restarted
				   * on another port, so EPMD is asked */
	const char *address;      /* --address: dial this host instead of
				   * the target's (the name stays) */
	const char *our_name;     /* --name, or NULL for the pool */
	int64_t stage_timeout_us;
	int64_t request_timeout_us; /* the request stage; 0: stage_timeout */
	int64_t tick_interval_us; /* send a tick when idle this long */
	int64_t tick_timeout_us;  /* >0: a peer silent this long is dropped
				   * (DIST_E_TIMEOUT "net_tick_timeout") */
	uint32_t creation;        /* 0: a random one per connection; a node
				   * gives the creation EPMD gave it */
	uint64_t extra_flags;     /* offered besides DIST_OUR_FLAGS
				   * (dist-node: ALIAS, PUBLISHED) */
	size_t max_message;       /* inbound frame cap (too_large) */
	struct namepool_inuse *names; /* pool names in flight, or NULL */
	struct tls_ctx *tls;      /* TLS distribution (-proto_dist
				   * inet_tls), or NULL for plain TCP */
};

struct dist_conn;

struct dist_conn_ops {
	/* Handshake done: the connection is ready for messages. */
	void (*ready)(struct dist_conn *c);
	/* Optional: our challenge reply is queued and the node's ack not
	 * yet here. What this queues with dist_conn_send goes out in the
	 * same write, and the node reads it right after the handshake: a
	 * round trip saved. The node has NOT yet shown that it knows the
	 * cookie, so only a request that tells an impostor nothing may
	 * ride here (ping's is_auth; never an rpc call). */
	void (*early)(struct dist_conn *c);
	/* A message arrived. msg is NULL for control-only messages. The
	 * terms live until the callback returns. */
	void (*message)(struct dist_conn *c, const struct etf_term *control,
			const struct etf_term *msg);
	/* Terminal failure; the socket is already closed. */
	void (*failed)(struct dist_conn *c, const struct dist_error *err);
};

enum dist_conn_state {
	CONN_IDLE,
	CONN_RESOLVING,
	CONN_EPMD,
	CONN_CONNECTING,
	CONN_TLS,                   /* the TLS handshake, before ours */
	CONN_HANDSHAKE,
	CONN_READY,
	CONN_CLOSED,
};

struct dist_conn {
	struct engine *e;
	struct resolver *resolver;
	const struct dist_conn_config *cfg;
	const struct dist_conn_ops *ops;
	void *data;                 /* the owner's */

	struct node_name target;
	enum dist_conn_state state;
	enum dist_stage stage;

	struct resolve_req *rreq;
	struct dial dial;           /* the host's addresses, EPMD's then
				     * the node port's turn on each */
	uint16_t node_port;

	struct engine_io io;
	struct engine_timer stage_timer;
	struct engine_timer tick_timer;
	struct engine_timer name_wait;   /* every pool name busy in this run */
	struct buf in, out;
	bool epmd_eof;
	bool hint_dropped;           /* the record's port refused: EPMD asked */
	unsigned socket_gen;         /* counts closed sockets */
	bool connecting;             /* connect() in progress */
	struct tls_session *tls;     /* on the node's socket, with cfg->tls */

	struct handshake hs;
	struct namepool_hold pool;   /* our pool name and its lock */
	char pool_key[128];          /* the node, as cfg->names knows it */
	unsigned pool_tries;         /* names tried on this node so far */
	unsigned early_closes;       /* closed before the status answer */
	char our_name[512];
	uint32_t creation;
	struct etf_arena *arena;

	int64_t t_start_us, t_stage_us, last_send_us, last_recv_us;
	double stage_ms[DIST_STAGE__COUNT];
};

void dist_conn_init(struct dist_conn *c, struct engine *e,
		    struct resolver *r, const struct dist_conn_config *cfg,
		    const struct dist_conn_ops *ops, void *data);
/* Begin with the already validated target; progress comes through ops. */
void dist_conn_start(struct dist_conn *c, const struct node_name *target);
/* Queue one pass-through message (msg may be NULL): once ready, or from
 * ops->early. */
int dist_conn_send(struct dist_conn *c, const struct etf_term *control,
		   const struct etf_term *msg, struct dist_error *err);
/* Enter a stage with a fresh stage timeout (the request layer uses this
 * for DIST_STAGE_REQUEST), or DIST_STAGE_NONE to wait without one. */
void dist_conn_stage(struct dist_conn *c, enum dist_stage stage);
/* Fail from outside (command deadline): reports through ops->failed
 * with code timeout at the current stage. */
void dist_conn_fail_timeout(struct dist_conn *c, const char *why);
/* Close quietly (no callback) and free buffers. Safe to call twice. */
void dist_conn_close(struct dist_conn *c);

/* Our own pid and a fresh reference, minted with our name and creation,
 * for the request layer. */
struct etf_term *dist_conn_self_pid(struct dist_conn *c, struct etf_arena *a);
struct etf_term *dist_conn_make_ref(struct dist_conn *c, struct etf_arena *a);

#endif
