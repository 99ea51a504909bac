/* dist_conn_internal.h - what the files of one connection share:
 * dist_conn.c, the stages (resolve, EPMD, connect, handshake) and their
 * failures; dist_conn_wire.c, the socket, frames and ticks;
 * dist_conn_name.c, our name from the pool and its retries;
 * dist_conn_tls.c, TLS distribution. */
#ifndef DIST_DIST_CONN_INTERNAL_H
#define DIST_DIST_CONN_INTERNAL_H

#include <sys/types.h>

#include "dist/dist_conn.h"

/* dist_conn.c */
void conn_fail(struct dist_conn *c, const struct dist_error *err);
void conn_failf(struct dist_conn *c, enum dist_code code, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));
void conn_close_socket(struct dist_conn *c);
/* Dial the node's port (after taking a name of the pool). */
void conn_connect_node(struct dist_conn *c);
/* What the socket said, by stage. */
void conn_on_connected(struct dist_conn *c);
void conn_epmd_input(struct dist_conn *c);
void conn_handshake_input(struct dist_conn *c);
void conn_on_eof(struct dist_conn *c);
/* The distribution handshake: our send_name. */
void conn_handshake_begin(struct dist_conn *c);

/* dist_conn_wire.c */
void conn_on_io(struct engine *e, struct engine_io *io, unsigned events);
void conn_on_tick_timer(struct engine *e, struct engine_timer *t);

/* dist_conn_name.c */
void conn_name_release(struct dist_conn *c);
/* true: a name is held (or given); false: all busy, conn_on_name_wait
 * dials again shortly. */
bool conn_name_hold(struct dist_conn *c);
void conn_on_name_wait(struct engine *e, struct engine_timer *t);
/* Reconnect with the pool's next name; answer: tell the node "false"
 * first (its status alive question). */
void conn_name_retry(struct dist_conn *c, bool answer);
void conn_name_taken(struct dist_conn *c);
bool conn_name_retry_after_close(struct dist_conn *c);

/* dist_conn_tls.c */
void conn_tls_begin(struct dist_conn *c);
void conn_tls_step(struct dist_conn *c);
void conn_tls_eof(struct dist_conn *c);
void conn_tls_failed(struct dist_conn *c, const struct dist_error *why);
void conn_tls_close(struct dist_conn *c);
ssize_t conn_sock_read(struct dist_conn *c, void *buf, size_t n,
		       struct dist_error *err);
ssize_t conn_sock_write(struct dist_conn *c, const void *buf, size_t n,
			struct dist_error *err);
unsigned conn_sock_events(const struct dist_conn *c);

#endif
