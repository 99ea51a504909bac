/* epmd.c - EPMD requests and reply parsers (see epmd.h). */
#include "dist/epmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void epmd_port_please_request(struct buf *out, const char *alive)
{
	size_t n = strlen(alive);

	/* u16 length of what follows, then 'z' and the bare alive name. */
	buf_put_u16(out, (uint16_t)(n + 1));
	buf_put_u8(out, EPMD_PORT_PLEASE2_REQ);
	buf_put(out, alive, n);
}

void epmd_names_request(struct buf *out)
{
	buf_put_u16(out, 1);
	buf_put_u8(out, EPMD_NAMES_REQ);
}

static int port2_too_large(const char *alive, const char *what, size_t n,
			   struct dist_error *err)
{
	return dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_EPMD,
			      "EPMD reply to PORT_PLEASE2 for '%s' announces "
			      "a %s of %zu bytes, at most %d: is this port "
			      "really EPMD?", alive, what, n,
			      EPMD_PORT2_FIELD_MAX);
}

int epmd_port_reply_parse(const uint8_t *p, size_t len, int eof,
			  const char *alive, struct epmd_port_info *info,
			  struct dist_error *err)
{
	size_t nlen, elen, need;

	if (len < 2)
		goto short_reply;
	if (p[0] != EPMD_PORT2_RESP)
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_EPMD,
				      "EPMD answered PORT_PLEASE2 with message "
				      "type %u, expected %u: is this port "
				      "really EPMD?", p[0], EPMD_PORT2_RESP);
	if (p[1] != 0)
		return dist_error_set(err, DIST_E_NOT_REGISTERED,
				      DIST_STAGE_EPMD,
				      "EPMD has no node named '%s' on that "
				      "host: the node is not running, or runs "
				      "under another name", alive);
	/* Result 0: port, type, protocol, highest, lowest, name, extra. */
	if (len < 12)
		goto short_reply;
	nlen = get_u16(p + 10);
	if (nlen > EPMD_PORT2_FIELD_MAX)
		return port2_too_large(alive, "name", nlen, err);
	need = 12 + nlen + 2;
	if (len < need)
		goto short_reply;
	elen = get_u16(p + 12 + nlen);
	if (elen > EPMD_PORT2_FIELD_MAX)
		return port2_too_large(alive, "extra field", elen, err);
	need += elen;
	if (len < need)
		goto short_reply;
	memset(info, 0, sizeof *info);
	info->port = get_u16(p + 2);
	info->node_type = p[4];
	info->protocol = p[5];
	info->highest = get_u16(p + 6);
	info->lowest = get_u16(p + 8);
	memcpy(info->name, p + 12, nlen < 255 ? nlen : 255);
	return 1;

short_reply:
	if (!eof)
		return 0;
	if (len == 0)
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_EPMD,
				      "EPMD closed the connection without "
				      "answering PORT_PLEASE2 for '%s'", alive);
	return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_EPMD,
			      "EPMD reply to PORT_PLEASE2 for '%s' is cut "
			      "short (%zu bytes)", alive, len);
}

/* One NAMES line, without its newline: "name <NAME> at port <P>". The
 * name is everything between, spaces included: the port is after the
 * last " at port ". */
static void names_line(struct epmd_names *st, const uint8_t *p, size_t len,
		       const struct epmd_names_ops *ops, void *data)
{
	static const char head[] = "name ", tail[] = " at port ";
	char name[EPMD_NAMES_LINE_MAX + 1];
	const char *why = NULL;
	size_t i, nlen = 0, digits = 0;
	unsigned long port = 0;

	if (len < sizeof head - 1 || memcmp(p, head, sizeof head - 1))
		why = "it does not start with 'name '";
	else if (memchr(p, '\0', len))
		why = "it holds a NUL byte";
	for (i = len; !why && i >= sizeof head - 1 + sizeof tail - 1; i--)
		if (!memcmp(p + i - (sizeof tail - 1), tail, sizeof tail - 1))
			break;
	if (!why && i < sizeof head - 1 + sizeof tail - 1)
		why = "it has no ' at port '";
	if (!why) {
		nlen = i - (sizeof tail - 1) - (sizeof head - 1);
		for (; i < len && p[i] >= '0' && p[i] <= '9' && digits < 6;
		     i++, digits++)
			port = port * 10 + (unsigned long)(p[i] - '0');
		if (i != len || digits == 0 || port > 65535)
			why = "its port is not a number from 0 to 65535";
		else if (nlen == 0)
			why = "the name is empty";
	}
	if (why) {
		st->bad_lines++;
		if (ops->bad_line)
			ops->bad_line(data, p, len, why);
		return;
	}
	memcpy(name, p + sizeof head - 1, nlen);
	name[nlen] = '\0';
	st->names++;
	if (ops->name)
		ops->name(data, name, (uint16_t)port);
}

long epmd_names_feed(struct epmd_names *st, const uint8_t *p, size_t len,
		     bool eof, const struct epmd_names_ops *ops, void *data,
		     struct dist_error *err)
{
	size_t i = 0;

	if (st->consumed < 4) {
		/* The u32 port EPMD listens on: nothing to check there. */
		if (len < 4 - st->consumed) {
			if (!eof)
				return 0;
			return dist_error_set(err, DIST_E_PROTOCOL,
					      DIST_STAGE_EPMD,
					      "EPMD NAMES reply is cut short "
					      "(%zu bytes)",
					      st->consumed + len);
		}
		i = 4 - st->consumed;
	}
	while (i < len) {
		const uint8_t *nl = memchr(p + i, '\n', len - i);
		size_t llen = nl ? (size_t)(nl - (p + i)) : len - i;

		if (st->skipping) {
			/* The rest of a line already reported too long. */
			if (nl)
				st->skipping = false;
			i += llen + (nl ? 1 : 0);
			continue;
		}
		if (llen > EPMD_NAMES_LINE_MAX) {
			st->bad_lines++;
			if (ops->bad_line)
				ops->bad_line(data, p + i, EPMD_NAMES_LINE_MAX,
					      "it is longer than any name "
					      "EPMD can hold");
			st->skipping = !nl;
			i += llen + (nl ? 1 : 0);
			continue;
		}
		if (!nl && !eof)
			break;     /* the rest of this line is still to come */
		if (llen > 0)
			names_line(st, p + i, llen, ops, data);
		i += llen + (nl ? 1 : 0);
	}
	st->consumed += i;
	return (long)i;
}

int epmd_names_parse(const uint8_t *p, size_t len,
		     const struct epmd_names_ops *ops, void *data,
		     struct dist_error *err)
{
	struct epmd_names st = { 0 };

	if (epmd_names_feed(&st, p, len, true, ops, data, err) < 0)
		return -1;
	return st.names;
}

int epmd_port_from_env(int flag, struct dist_error *err)
{
	const char *s;
	char *end;
	long v;

	if (flag > 0)
		return flag;
	s = getenv("ERL_EPMD_PORT");
	if (!s || !*s)
		return EPMD_DEFAULT_PORT;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 65535)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "ERL_EPMD_PORT='%s' is not a port "
				      "number (1-65535)", s);
	return (int)v;
}

void epmd_alive2_request(struct buf *out, const char *alive, uint16_t port)
{
	size_t n = strlen(alive);

	/* u16 length, 'x', PortNo, NodeType, Protocol 0 (tcp), Highest 6,
	 * Lowest 6, Nlen, Name, Elen 0. */
	buf_put_u16(out, (uint16_t)(13 + n));
	buf_put_u8(out, EPMD_ALIVE2_REQ);
	buf_put_u16(out, port);
	buf_put_u8(out, EPMD_NODE_NORMAL);
	buf_put_u8(out, 0);
	buf_put_u16(out, 6);
	buf_put_u16(out, 6);
	buf_put_u16(out, (uint16_t)n);
	buf_put(out, alive, n);
	buf_put_u16(out, 0);
}

int epmd_alive2_reply_parse(const uint8_t *p, size_t len,
			    uint32_t *creation, struct dist_error *err)
{
	size_t need;

	if (len < 1)
		return 0;
	if (p[0] != EPMD_ALIVE2_X_RESP && p[0] != EPMD_ALIVE2_RESP)
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_EPMD,
				      "EPMD answered ALIVE2 with message type "
				      "%u: is this port really EPMD?", p[0]);
	need = p[0] == EPMD_ALIVE2_X_RESP ? 6 : 4;
	if (len < 2)
		return 0;
	if (p[1] != 0)
		return dist_error_set(err, DIST_E_NAME_IN_USE,
				      DIST_STAGE_EPMD,
				      "EPMD refused the name (result %u): "
				      "another node is registered under it",
				      p[1]);
	if (len < need)
		return 0;
	*creation = need == 6 ? get_u32(p + 2) : get_u16(p + 2);
	return 1;
}
