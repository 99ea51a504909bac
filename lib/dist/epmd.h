/* epmd.h - the EPMD client messages (PROTOCOL.md §1), as pure functions
 * over buffers so the event loop, the tests and dist-discover share them.
 */
#ifndef DIST_EPMD_H
#define DIST_EPMD_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

#define EPMD_DEFAULT_PORT 4369
#define EPMD_PORT_PLEASE2_REQ 122 /* 'z' */
#define EPMD_PORT2_RESP 119       /* 'w' */
#define EPMD_NAMES_REQ 110        /* 'n' */
#define EPMD_ALIVE2_REQ 120       /* 'x' */
#define EPMD_ALIVE2_X_RESP 118    /* 'v' */
#define EPMD_ALIVE2_RESP 121      /* 'y' */
#define EPMD_NODE_NORMAL 77
#define EPMD_NODE_HIDDEN 72

struct epmd_port_info {
	uint16_t port;
	uint8_t node_type;  /* 77 normal, 72 hidden */
	uint8_t protocol;   /* 0 = tcp/ip-v4 (also used for inet6) */
	uint16_t highest, lowest;
	char name[256];
};

/* PORT_PLEASE2_REQ for the alive part of a node name. */
void epmd_port_please_request(struct buf *out, const char *alive);
/* NAMES_REQ. */
void epmd_names_request(struct buf *out);

/* ALIVE2_REQ: register alive at port, versions 6..6, no extra. The
 * node type is "normal" (77), as OTP and ei say it even for hidden
 * nodes: hiding is the handshake's business, not EPMD's. */
void epmd_alive2_request(struct buf *out, const char *alive, uint16_t port);

/* Parse the answer to ALIVE2_REQ: ALIVE2_X_RESP ('v', result, u32
 * creation), or the old ALIVE2_RESP ('y', result, u16 creation) of an
 * EPMD older than OTP 23. Returns 1 (creation set), 0 when more bytes
 * are needed, or -1: DIST_E_NAME_IN_USE for result 1, DIST_E_PROTOCOL
 * for anything else. */
int epmd_alive2_reply_parse(const uint8_t *p, size_t len,
			    uint32_t *creation, struct dist_error *err);

/* Parse a PORT2_RESP from what has arrived so far.
 * Returns 1 when complete (info filled), 0 when more bytes are needed,
 * -1 on error: DIST_E_NOT_REGISTERED (result > 0) or DIST_E_PROTOCOL.
 * `eof` says the peer closed: a short reply is then a protocol error. */
int epmd_port_reply_parse(const uint8_t *p, size_t len, int eof,
			  const char *alive, struct epmd_port_info *info,
			  struct dist_error *err);

/* Walk a complete NAMES reply (read until EOF): calls fn for each
 * "name N at port P" line. Returns the number of names, or -1 with
 * DIST_E_PROTOCOL for a malformed reply. */
typedef void (*epmd_name_fn)(void *data, const char *name, uint16_t port);
int epmd_names_parse(const uint8_t *p, size_t len, epmd_name_fn fn,
		     void *data, struct dist_error *err);

/* The EPMD port: `flag` (--epmd-port, 0 if absent), else $ERL_EPMD_PORT,
 * else 4369. -1 with DIST_E_USAGE when $ERL_EPMD_PORT is not a port. */
int epmd_port_from_env(int flag, struct dist_error *err);

#endif
