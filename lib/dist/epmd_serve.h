/* epmd_serve.h - the server side of EPMD (PROTOCOL.md §1) as a pure
 * request/answer codec: parse one request with limits, build the reply.
 * The sockets that carry them are lib/cluster/epmd_embed.c's.
 *
 * Requests come as u16 length then the request; replies carry no length.
 * Served: ALIVE2_REQ (register; the reply is ALIVE2_X_RESP for a node
 * of version 6 or more, else the old ALIVE2_RESP), PORT_PLEASE2_REQ and
 * NAMES_REQ, in the exact text `epmd -names` prints and OTP's
 * net_adm:names/0 parses. Anything else is refused, as epmd refuses
 * what it does not know: the connection is closed.
 */
#ifndef DIST_EPMD_SERVE_H
#define DIST_EPMD_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

/* The longest request served: ALIVE2 with a 255-byte name and an extra
 * field that fills the rest (epmd's own input buffer is 1024 bytes). */
#define EPMD_REQ_MAX 1024
#define EPMD_NAME_MAX 255
#define EPMD_EXTRA_MAX 512

enum epmd_req_type {
	EPMD_REQ_ALIVE2,
	EPMD_REQ_PORT_PLEASE2,
	EPMD_REQ_NAMES,
};

/* A registered node, as ALIVE2 says it and PORT2_RESP repeats it. */
struct epmd_entry {
	char name[EPMD_NAME_MAX + 1];
	uint16_t port;
	uint8_t node_type;   /* 77 normal, 72 hidden */
	uint8_t protocol;    /* 0: TCP */
	uint16_t highest, lowest;
	uint16_t extra_len;
	uint8_t extra[EPMD_EXTRA_MAX];
	uint32_t creation;
};

struct epmd_req {
	enum epmd_req_type type;
	struct epmd_entry node;   /* ALIVE2: the node; PORT_PLEASE2: name */
};

/* Parse the request at the head of p[0..len). Returns the bytes it took
 * (> 0), 0 when more are needed, or -1 with DIST_E_PROTOCOL (an unknown
 * request, a name that is empty, too long or holds a NUL byte, a length
 * that disagrees with the fields) or DIST_E_TOO_LARGE (past
 * EPMD_REQ_MAX). */
long epmd_req_parse(const uint8_t *p, size_t len, struct epmd_req *req,
		    struct dist_error *err);

/* ALIVE2 answer: result 0 (registered, with creation) or 1 (refused). */
void epmd_alive2_answer(struct buf *out, uint16_t highest, int result,
			uint32_t creation);
/* PORT2_RESP for e, or the "not registered" answer when e is NULL. */
void epmd_port2_answer(struct buf *out, const struct epmd_entry *e);
/* NAMES: the u32 port of this EPMD, then a line for each name. */
void epmd_names_answer_head(struct buf *out, uint16_t epmd_port);
void epmd_names_answer_line(struct buf *out, const char *name,
			    uint16_t port);

/* A creation for a new registration of a name: never 0, never the one
 * the name had before (prev, 0 if none), so old pids stay told apart. */
uint32_t epmd_next_creation(uint32_t prev);

#endif
