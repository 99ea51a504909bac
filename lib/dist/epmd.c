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

int epmd_port_reply_parse(const uint8_t *p, size_t len, int eof,
			  const char *alive, struct epmd_port_info *info,
			  struct dist_error *err)
{
	size_t nlen, need;

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
	need = 12 + nlen + 2;
	if (len < need)
		goto short_reply;
	need += get_u16(p + 12 + nlen);
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

int epmd_names_parse(const uint8_t *p, size_t len, epmd_name_fn fn,
		     void *data, struct dist_error *err)
{
	size_t i = 4;
	int count = 0;

	if (len < 4)
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_EPMD,
				      "EPMD NAMES reply is cut short");
	/* After the u32 EPMD port: "name <N> at port <P>\n" lines. */
	while (i < len) {
		const uint8_t *nl = memchr(p + i, '\n', len - i);
		size_t llen = nl ? (size_t)(nl - (p + i)) : len - i;
		char line[600], name[300];
		unsigned port;

		if (llen >= sizeof line)
			return dist_error_set(err, DIST_E_PROTOCOL,
					      DIST_STAGE_EPMD,
					      "EPMD NAMES line too long");
		memcpy(line, p + i, llen);
		line[llen] = '\0';
		i += llen + 1;
		if (llen == 0)
			continue;
		if (sscanf(line, "name %299s at port %u", name, &port) != 2 ||
		    port > 65535)
			return dist_error_set(err, DIST_E_PROTOCOL,
					      DIST_STAGE_EPMD,
					      "EPMD NAMES line not understood: "
					      "'%.80s'", line);
		if (fn)
			fn(data, name, (uint16_t)port);
		count++;
	}
	return count;
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
