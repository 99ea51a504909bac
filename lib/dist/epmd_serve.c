/* epmd_serve.c - EPMD requests parsed and answered (see epmd_serve.h). */
#include "dist/epmd_serve.h"

#include <stdio.h>
#include <string.h>

#include "base/random.h"
#include "dist/epmd.h"

#define EPMD_KILL_REQ 107    /* 'k' */
#define EPMD_STOP_REQ 115    /* 's' */
#define EPMD_DUMP_REQ 100    /* 'd' */

static int bad(struct dist_error *err, const char *what)
{
	return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_EPMD,
			      "EPMD request refused: %s", what);
}

/* A name as EPMD keeps it: 1..255 bytes, no NUL (it is printed as a C
 * string by epmd -names). */
static int name_take(const uint8_t *p, size_t n, char *out,
		     struct dist_error *err)
{
	if (n == 0 || n > EPMD_NAME_MAX)
		return bad(err, "a node name of 1 to 255 bytes is needed");
	if (memchr(p, '\0', n))
		return bad(err, "a node name holds a NUL byte");
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* ALIVE2_REQ body after 'x': PortNo u16, NodeType u8, Protocol u8,
 * Highest u16, Lowest u16, Nlen u16, Name, Elen u16, Extra. */
static int alive2_parse(const uint8_t *p, size_t n, struct epmd_entry *e,
			struct dist_error *err)
{
	size_t nlen, elen;

	if (n < 10)
		return bad(err, "ALIVE2 is shorter than its fixed fields");
	e->port = get_u16(p);
	e->node_type = p[2];
	e->protocol = p[3];
	e->highest = get_u16(p + 4);
	e->lowest = get_u16(p + 6);
	nlen = get_u16(p + 8);
	if (n < 10 + nlen + 2)
		return bad(err, "ALIVE2's name runs past its length");
	if (name_take(p + 10, nlen, e->name, err) < 0)
		return -1;
	elen = get_u16(p + 10 + nlen);
	if (n != 10 + nlen + 2 + elen)
		return bad(err, "ALIVE2's extra field disagrees with its "
			   "length");
	if (elen > EPMD_EXTRA_MAX)
		return dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_EPMD,
				      "EPMD request refused: ALIVE2's extra "
				      "field is %zu bytes, at most %d", elen,
				      EPMD_EXTRA_MAX);
	if (e->port == 0)
		return bad(err, "ALIVE2 gives port 0");
	e->extra_len = (uint16_t)elen;
	memcpy(e->extra, p + 12 + nlen, elen);
	return 0;
}

long epmd_req_parse(const uint8_t *p, size_t len, struct epmd_req *req,
		    struct dist_error *err)
{
	size_t n;

	if (len < 2)
		return 0;
	n = get_u16(p);
	if (n > EPMD_REQ_MAX)
		return dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_EPMD,
				      "EPMD request refused: %zu bytes, at "
				      "most %d", n, EPMD_REQ_MAX);
	if (n == 0)
		return bad(err, "an empty request");
	if (len < 2 + n)
		return 0;
	memset(req, 0, sizeof *req);
	p += 2;
	switch (p[0]) {
	case EPMD_ALIVE2_REQ:
		req->type = EPMD_REQ_ALIVE2;
		if (alive2_parse(p + 1, n - 1, &req->node, err) < 0)
			return -1;
		break;
	case EPMD_PORT_PLEASE2_REQ:
		req->type = EPMD_REQ_PORT_PLEASE2;
		if (name_take(p + 1, n - 1, req->node.name, err) < 0)
			return -1;
		break;
	case EPMD_NAMES_REQ:
		req->type = EPMD_REQ_NAMES;
		if (n != 1)
			return bad(err, "NAMES carries no fields");
		break;
	case EPMD_KILL_REQ:
	case EPMD_STOP_REQ:
	case EPMD_DUMP_REQ:
		return bad(err, "KILL, STOP and DUMP are not served by an "
			   "embedded EPMD");
	default:
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_EPMD,
				      "EPMD request refused: unknown request "
				      "type %u", p[0]);
	}
	return (long)(2 + n);
}

void epmd_alive2_answer(struct buf *out, uint16_t highest, int result,
			uint32_t creation)
{
	/* A node of version 6 understands the 32-bit creation; an older
	 * one gets ALIVE2_RESP with the 16-bit field it expects. */
	if (highest >= 6) {
		buf_put_u8(out, EPMD_ALIVE2_X_RESP);
		buf_put_u8(out, (uint8_t)result);
		buf_put_u32(out, result ? 99 : creation);
	} else {
		buf_put_u8(out, EPMD_ALIVE2_RESP);
		buf_put_u8(out, (uint8_t)result);
		buf_put_u16(out, result ? 99 : (uint16_t)(creation % 3 + 1));
	}
}

void epmd_port2_answer(struct buf *out, const struct epmd_entry *e)
{
	size_t nlen;

	buf_put_u8(out, EPMD_PORT2_RESP);
	if (!e) {
		buf_put_u8(out, 1);
		return;
	}
	nlen = strlen(e->name);
	buf_put_u8(out, 0);
	buf_put_u16(out, e->port);
	buf_put_u8(out, e->node_type);
	buf_put_u8(out, e->protocol);
	buf_put_u16(out, e->highest);
	buf_put_u16(out, e->lowest);
	buf_put_u16(out, (uint16_t)nlen);
	buf_put(out, e->name, nlen);
	buf_put_u16(out, e->extra_len);
	buf_put(out, e->extra, e->extra_len);
}

void epmd_names_answer_head(struct buf *out, uint16_t epmd_port)
{
	buf_put_u32(out, epmd_port);
}

void epmd_names_answer_line(struct buf *out, const char *name,
			    uint16_t port)
{
	char line[EPMD_NAME_MAX + 32];
	int w = snprintf(line, sizeof line, "name %s at port %u\n", name,
			 port);

	if (w > 0 && (size_t)w < sizeof line)
		buf_put(out, line, (size_t)w);
}

uint32_t epmd_next_creation(uint32_t prev)
{
	uint32_t c;

	do
		c = random_u32_nonzero();
	while (c == prev);
	return c;
}
