/* node.h - a long-running hidden node: dist-node's runtime.
 *
 * It registers with EPMD (ALIVE2, versions 6..6) and keeps that socket
 * open, listens, accepts the version 6 handshake (handshake_accept.h),
 * answers net_adm:ping (is_auth on net_kernel), ticks, turns every
 * message to one of its mailboxes into a JSON record, and runs stdin
 * commands (command.h), all on the one engine, with signals through a
 * self-pipe.
 *
 * Records go to out_fd as JSON Lines, one flushed line each; problems
 * with one peer or one command go to diag_fd as records too. Output is
 * bounded: while the reader of out_fd lags, the node stops reading its
 * peers, so TCP slows the senders down instead of our memory growing.
 */
#ifndef DIST_CLUSTER_NODE_H
#define DIST_CLUSTER_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "dist/dist_conn.h"

struct codec;

enum node_output {
	NODE_OUT_JSON,     /* natural JSON */
	NODE_OUT_TAGGED,   /* lossless tagged JSON */
	NODE_OUT_TERM,     /* Erlang term text in a JSON string */
};

/* What the end of stdin does (dist-node --at-eof). */
enum node_at_eof {
	NODE_EOF_AUTO,   /* exit if stdin carried a command and no
			  * --max-messages count is pending; else serve */
	NODE_EOF_EXIT,   /* deliver what was sent, then exit */
	NODE_EOF_SERVE,  /* keep serving */
};

/* Where the node registers its name (dist-node --epmd). */
enum node_epmd_mode {
	NODE_EPMD_AUTO,      /* an EPMD on the port if one listens, else ours */
	NODE_EPMD_EXTERNAL,  /* an EPMD must listen on the port */
	NODE_EPMD_EMBEDDED,  /* we serve the EPMD protocol on the port */
};

struct node_config {
	const char *name;            /* our full name, alive@host; with
				      * count: a pattern with one %d */
	long count;                  /* 0: one node named name; N: N nodes
				      * named by the pattern, 1..N */
	enum node_epmd_mode epmd;
	int listen_port;             /* 0: any port, registered in EPMD;
				      * >0: this port, no EPMD */
	int64_t net_ticktime_us;     /* OTP's net_ticktime */
	int64_t handshake_timeout_us;
	int64_t timeout_us;          /* --timeout: 0 = none */
	long max_messages;           /* 0 = no limit */
	const char *const *mailboxes;
	size_t nmailboxes;
	const char *const *connect;  /* nodes to keep a connection to */
	size_t nconnect;
	bool visible;                /* PUBLISHED in the handshake */
	enum node_output output;
	enum node_at_eof at_eof;
	int in_fd;                   /* commands, or -1 */
	int out_fd, diag_fd;
	const char *resolver;        /* DNS servers for outgoing links */
	struct dist_conn_config conn; /* cookie, EPMD port, limits */
	const struct codec *codec;   /* --codec: {Tag, Binary} decoded */
	struct tls_ctx *tls_server;  /* accept TLS distribution (node_tls.c),
				      * or NULL for plain TCP */
};

/* Run until a signal, --max-messages, --timeout, the end of stdin (as
 * at_eof says) or a closed out_fd. Returns the exit status (0 clean, 1
 * timeout or a failed send), or -1 with err when the node cannot start:
 * DIST_E_NAME_IN_USE (the name is registered), DIST_E_EPMD_UNREACHABLE,
 * DIST_E_IO.
 *
 * With count N, each node has its own name, listener, creation and EPMD
 * registration, and writes its own ready record; stdout, stdin (commands
 * go out from node 1), signals, the deadline and --max-messages (counted
 * over all nodes) are shared. */
int node_run(const struct node_config *cfg, struct dist_error *err);

/* node_count.c: --count names. A pattern has exactly one %d and no other
 * %; node_pattern_name writes the name of node i (1..N) into out.
 * Both return 0, or -1 with DIST_E_USAGE saying what is wrong. */
int node_pattern_check(const char *pattern, struct dist_error *err);
int node_pattern_name(const char *pattern, long i, char *out, size_t len,
		      struct dist_error *err);
/* Raise RLIMIT_NOFILE to its hard limit; -1 with DIST_E_IO saying how
 * many descriptors count nodes need and how to raise the limit. */
int node_fd_budget(long count, struct dist_error *err);

#endif
