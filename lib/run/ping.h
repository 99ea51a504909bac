/* ping.h - a real net_adm:ping over the engine: handshake, then
 * {'$gen_call', {Pid, Ref}, {is_auth, OurNode}} to net_kernel, and
 * {Ref, yes} back (PROTOCOL.md §4). Plugged into the runner. */
#ifndef DIST_PING_H
#define DIST_PING_H

#include "dist/dist_conn.h"
#include "run/runner.h"

struct ping_config {
	struct dist_conn_config conn;
	int count;              /* pings per target over one connection */
	int64_t interval_us;    /* between them */
};

/* runner_config.ctx must point to a struct ping_config. */
extern const struct runner_ops ping_runner_ops;

#endif
