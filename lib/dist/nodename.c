/* nodename.c - node name validation with OTP 25's rules (see nodename.h). */
#include "dist/nodename.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

/* How much of a bad name a message quotes: enough to recognise it,
 * never a whole hostile megabyte line. */
#define ECHO_MAX 64

long node_utf8_length(const char *s)
{
	return utf8_count((const uint8_t *)s, strlen(s));
}

/* A short, printable, valid UTF-8 quotation of s for messages. s must
 * already be valid UTF-8; control characters become '?'. */
static void echo_name(const char *s, char *dst, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	size_t used = 0, len, i;
	uint32_t cp;

	while (*p) {
		len = utf8_next(p, (size_t)(end - p), &cp);
		if (!len || used + len + 4 > size || used + len > ECHO_MAX) {
			memcpy(dst + used, "...", 3);
			used += 3;
			break;
		}
		for (i = 0; i < len; i++)
			dst[used++] = (cp < 0x20 || cp == 0x7f) ? '?' : (char)p[i];
		p += len;
	}
	dst[used] = '\0';
}

static bool alive_char_ok(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '_' || c == '-';
}

bool node_alive_valid(const char *alive)
{
	size_t n;

	if (!alive || !*alive)
		return false;
	for (n = 0; alive[n]; n++)
		if (n >= NODE_PART_MAX || !alive_char_ok((unsigned char)alive[n]))
			return false;
	return true;
}

const char *node_style_name(bool long_style)
{
	return long_style ? "long" : "short";
}

/* Describe the character at p for "found ..." in a message. */
static void describe_char(const char *p, char *dst, size_t size)
{
	unsigned char c = (unsigned char)*p;

	if (c == ' ')
		snprintf(dst, size, "a space");
	else if (c < 0x20 || c == 0x7f)
		snprintf(dst, size, "a control character");
	else if (c >= 0x80)
		snprintf(dst, size, "a non-ASCII character");
	else
		snprintf(dst, size, "'%c'", c);
}

static int check_alive(const char *name, const char *alive, size_t len,
		       struct dist_error *err)
{
	char what[32];
	size_t i;

	for (i = 0; i < len; i++) {
		if (alive_char_ok((unsigned char)alive[i]))
			continue;
		describe_char(alive + i, what, sizeof(what));
		return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
			"'%s': the name part may only contain letters, digits, "
			"'_' and '-' (found %s)", name, what);
	}
	return 0;
}

/* OTP's host rule: every character in U+0021..U+00FF. */
static int check_host_chars(const char *name, const char *host,
			    struct dist_error *err)
{
	const unsigned char *p = (const unsigned char *)host;
	const unsigned char *end = p + strlen(host);
	uint32_t cp;
	size_t len;

	while (*p) {
		len = utf8_next(p, (size_t)(end - p), &cp);
		if (cp == ' ')
			return dist_error_set(err, DIST_E_INVALID_NAME,
				DIST_STAGE_INPUT,
				"'%s': the host part may not contain spaces", name);
		if (cp < 0x21 || cp == 0x7f)
			return dist_error_set(err, DIST_E_INVALID_NAME,
				DIST_STAGE_INPUT,
				"'%s': the host part may not contain control "
				"characters", name);
		if (cp > 0xff)
			return dist_error_set(err, DIST_E_INVALID_NAME,
				DIST_STAGE_INPUT,
				"'%s': the host part may only contain Latin-1 "
				"characters (Erlang refuses U+%04X)", name,
				(unsigned)cp);
		p += len;
	}
	return 0;
}

static bool zone_char_ok(unsigned char c)
{
	return alive_char_ok(c) || c == '.';
}

/* An IPv6 address, optionally with a "%zone" suffix as in fe80::1%eth0. */
static bool is_ipv6_literal(const char *host)
{
	struct in6_addr a6;
	char addr[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(host, '%');
	size_t len = pct ? (size_t)(pct - host) : strlen(host);
	const char *z;

	if (len == 0 || len >= sizeof(addr))
		return false;
	memcpy(addr, host, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return false;
	if (!pct)
		return true;
	if (!pct[1])
		return false;
	for (z = pct + 1; *z; z++)
		if (!zone_char_ok((unsigned char)*z))
			return false;
	return true;
}

static int classify_host(const char *name, const char *host,
			 enum node_host_kind *kind, struct dist_error *err)
{
	struct in_addr a4;

	if (strchr(host, ':')) {
		if (!is_ipv6_literal(host))
			return dist_error_set(err, DIST_E_INVALID_NAME,
				DIST_STAGE_INPUT,
				"'%s': the host part contains ':' but is not an "
				"IPv6 address", name);
		*kind = NODE_HOST_IPV6;
	} else if (inet_pton(AF_INET, host, &a4) == 1) {
		*kind = NODE_HOST_IPV4;
	} else if (strchr(host, '.')) {
		*kind = NODE_HOST_FQDN;
	} else {
		*kind = NODE_HOST_SHORT;
	}
	return 0;
}

/* Copy the host part into out->host, dropping the brackets of
 * "[IPv6]" so the result is the host as Erlang spells it. */
static int copy_host(const char *name, const char *host, size_t len,
		     struct node_name *out, struct dist_error *err)
{
	if (len && host[0] == '[') {
		if (len < 3 || host[len - 1] != ']')
			return dist_error_set(err, DIST_E_INVALID_NAME,
				DIST_STAGE_INPUT,
				"'%s': brackets in the host part must enclose "
				"an IPv6 address", name);
		host++;
		len -= 2;
		if (len > NODE_PART_MAX)
			goto too_long;
		memcpy(out->host, host, len);
		out->host[len] = '\0';
		if (!is_ipv6_literal(out->host))
			return dist_error_set(err, DIST_E_INVALID_NAME,
				DIST_STAGE_INPUT,
				"'%s': brackets in the host part must enclose "
				"an IPv6 address", name);
		return 0;
	}
	if (len > NODE_PART_MAX)
		goto too_long;
	memcpy(out->host, host, len);
	out->host[len] = '\0';
	return 0;
too_long:
	return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
		"'%s': the host part is %zu bytes, at most %d are supported",
		name, len, NODE_PART_MAX);
}

static int split_at_sign(const char *s, const char *name,
			 const char **at, struct dist_error *err)
{
	*at = strchr(s, '@');
	if (!*at)
		return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
			"'%s' has no '@': a node name is name@host", name);
	if (strchr(*at + 1, '@'))
		return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
			"'%s' has more than one '@'", name);
	if (*at == s)
		return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
			"'%s' has an empty name part", name);
	if (!(*at)[1])
		return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
			"'%s' has an empty host part", name);
	return 0;
}

/* Characters of the atom the name becomes: brackets around an IPv6 host
 * are not part of it. */
static long atom_chars(const char *at, long chars)
{
	size_t host_len = strlen(at + 1);

	if (host_len >= 2 && at[1] == '[' && at[host_len] == ']')
		chars -= 2;
	return chars;
}

int node_name_parse(const char *s, struct node_name *out,
		    struct dist_error *err)
{
	char name[ECHO_MAX + 8];
	const char *at;
	size_t alive_len;
	long chars;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
				      "empty node name");
	chars = node_utf8_length(s);
	if (chars < 0)
		return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
				      "node name is not valid UTF-8");
	echo_name(s, name, sizeof(name));
	if (split_at_sign(s, name, &at, err) < 0)
		return -1;
	chars = atom_chars(at, chars);
	if (chars > NODE_ATOM_MAX_CHARS)
		return dist_error_set(err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
			"name is %ld characters, Erlang atoms are limited to %d",
			chars, NODE_ATOM_MAX_CHARS);

	alive_len = (size_t)(at - s);
	if (check_alive(name, s, alive_len, err) < 0 ||
	    copy_host(name, at + 1, strlen(at + 1), out, err) < 0 ||
	    check_host_chars(name, out->host, err) < 0 ||
	    classify_host(name, out->host, &out->kind, err) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}

	/* alive is ASCII and under 255 characters here, so it fits. */
	memcpy(out->alive, s, alive_len);
	out->alive[alive_len] = '\0';
	snprintf(out->full, sizeof(out->full), "%s@%s", out->alive, out->host);
	out->long_style = out->kind != NODE_HOST_SHORT;
	return 0;
}
