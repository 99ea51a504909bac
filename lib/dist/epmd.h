/* epmd.h - the EPMD client messages (PROTOCOL.md §1), as pure functions
 * over buffers so the event loop, the tests and dist-discover share them.
 */
#ifndef DIST_EPMD_H
#define DIST_EPMD_H

#include <stdbool.h>
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

/* The longest name and extra field a PORT2_RESP may announce: a real
 * EPMD keeps both from one ALIVE2 request, which must fit its 1024-byte
 * input buffer. */
#define EPMD_PORT2_FIELD_MAX 1024

/* Parse a PORT2_RESP from what has arrived so far.
 * Returns 1 when complete (info filled), 0 when more bytes are needed,
 * -1 on error: DIST_E_NOT_REGISTERED (result > 0), DIST_E_PROTOCOL, or
 * DIST_E_TOO_LARGE as soon as a length announces more than
 * EPMD_PORT2_FIELD_MAX (not after waiting for bytes that never come).
 * `eof` says the peer closed: a short reply is then a protocol error. */
int epmd_port_reply_parse(const uint8_t *p, size_t len, int eof,
			  const char *alive, struct epmd_port_info *info,
			  struct dist_error *err);

/* NAMES reply: the u32 EPMD port, then one "name <NAME> at port <P>\n"
 * line per node. EPMD prints the name as it was registered, so a name
 * may hold spaces, a newline or anything but invalid UTF-8: each line
 * stands alone, and a line that is not of that form is reported on its
 * own (bad_line) while the others are still read. A line longer than
 * EPMD_NAMES_LINE_MAX is reported once, cut, and skipped to its end. */
#define EPMD_NAMES_LINE_MAX 1024

struct epmd_names_ops {
	/* name is NUL-terminated and holds no NUL byte. */
	void (*name)(void *data, const char *name, uint16_t port);
	/* line: the bytes as sent, without the newline (at most
	 * EPMD_NAMES_LINE_MAX); why: what is wrong with it. */
	void (*bad_line)(void *data, const uint8_t *line, size_t len,
			 const char *why);
};

struct epmd_names {
	size_t consumed;   /* reply bytes parsed so far */
	bool skipping;     /* inside an over-long line */
	int names;         /* name callbacks so far */
	int bad_lines;     /* bad_line callbacks so far */
};

/* Parse the complete lines of p[0..len), the reply bytes that follow
 * what earlier calls consumed; at eof the last line too. Returns how
 * many bytes were consumed (the caller drops them and keeps the rest
 * for the next call), or -1 with DIST_E_PROTOCOL when the reply ends
 * before its 4-byte header. */
long epmd_names_feed(struct epmd_names *st, const uint8_t *p, size_t len,
		     bool eof, const struct epmd_names_ops *ops, void *data,
		     struct dist_error *err);

/* A whole reply at once: the number of names, or -1 as above. */
int epmd_names_parse(const uint8_t *p, size_t len,
		     const struct epmd_names_ops *ops, void *data,
		     struct dist_error *err);

/* The EPMD port: `flag` (--epmd-port, 0 if absent), else $ERL_EPMD_PORT,
 * else 4369. -1 with DIST_E_USAGE when $ERL_EPMD_PORT is not a port. */
int epmd_port_from_env(int flag, struct dist_error *err);

#endif
