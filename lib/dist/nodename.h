/* nodename.h - parse and validate "alive@host" node names as OTP does.
 *
 * Every name we send becomes an atom on the remote node forever, so a name
 * is checked here before anything goes on the wire. The rules are OTP 25's:
 *
 *  - exactly one '@' with a non-empty part on each side; "a@b@c" is not a
 *    node name (dist_util:is_name_ok/2 and inet_tcp_dist:is_node_name/1
 *    split on every '@' and want exactly two parts);
 *  - the alive part matches ^[0-9A-Za-z_\-]+$ (net_kernel:valid_name_head/1);
 *  - the host part is characters U+0021..U+00FF, i.e. printable Latin-1
 *    without space (net_kernel:validate_hostname/1, regex "^[!-\xff]*$").
 *    Input is UTF-8, so "é" is accepted as the one character U+00E9;
 *  - the whole name is an atom: at most 255 characters.
 *
 * Where dist is stricter than OTP, because the name could never be
 * reached: a part longer than 255 bytes (only possible with non-ASCII
 * hosts), and a host containing ':' that is not an IPv6 address.
 *
 * IPv6: Erlang spells an IPv6 host without brackets ('app@::1', started
 * with -name app@::1 under -proto_dist inet6_tcp). "app@[::1]" is accepted
 * too and normalised: host and full never contain brackets, so full is
 * always the atom the node itself uses. A zone ("fe80::1%eth0") is kept.
 *
 * Style (PROTOCOL.md §6, inet_tcp_dist:splitnode/3): a host without a dot
 * that is not an IP address is a short name; a dotted host or any IP
 * address is a long name.
 */
#ifndef DIST_NODENAME_H
#define DIST_NODENAME_H

#include <stdbool.h>

#include "base/error.h"

#define NODE_PART_MAX 255
/* Erlang atoms hold at most 255 characters (not bytes). */
#define NODE_ATOM_MAX_CHARS 255

enum node_host_kind {
	NODE_HOST_SHORT,
	NODE_HOST_FQDN,
	NODE_HOST_IPV4,
	NODE_HOST_IPV6
};

struct node_name {
	char alive[NODE_PART_MAX + 1];
	char host[NODE_PART_MAX + 1];      /* IPv6 without brackets */
	char full[2 * NODE_PART_MAX + 2];  /* "alive@host", the atom text */
	enum node_host_kind kind;
	bool long_style;                   /* FQDN, IPv4, IPv6: -name */
};

/* Parse and validate s (UTF-8). Returns 0, or -1 with err set to
 * DIST_E_INVALID_NAME, stage input, saying what is wrong. */
int node_name_parse(const char *s, struct node_name *out,
		    struct dist_error *err);

/* Whether alive is usable as our own name or an EPMD name: non-empty,
 * at most 255 bytes, only [0-9A-Za-z_-]. */
bool node_alive_valid(const char *alive);

/* Characters in the NUL-terminated UTF-8 text s, or -1 if it is not
 * valid UTF-8 (overlong forms and surrogates included). */
long node_utf8_length(const char *s);

/* "short" or "long", for messages. */
const char *node_style_name(bool long_style);

#endif
