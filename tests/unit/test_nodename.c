/* test_nodename.c - node name rules as OTP 25 applies them. */
#include <stdbool.h>
#include <string.h>

#include "dist/nodename.h"
#include "tap.h"

static struct dist_error err;
static struct node_name nn;

static bool parses(const char *s)
{
	dist_error_clear(&err);
	return node_name_parse(s, &nn, &err) == 0;
}

/* Refused, with an invalid_name error whose message contains want. */
static bool refused(const char *s, const char *want)
{
	dist_error_clear(&err);
	if (node_name_parse(s, &nn, &err) == 0)
		return false;
	return err.code == DIST_E_INVALID_NAME &&
	       err.stage == DIST_STAGE_INPUT && strstr(err.message, want);
}

static void test_kinds(void)
{
	ok(parses("app@host") && nn.kind == NODE_HOST_SHORT && !nn.long_style &&
	   !strcmp(nn.alive, "app") && !strcmp(nn.host, "host") &&
	   !strcmp(nn.full, "app@host"), "short name");
	ok(parses("app@host.example.com") && nn.kind == NODE_HOST_FQDN &&
	   nn.long_style, "dotted host is a long name");
	ok(parses("app@10.0.0.1") && nn.kind == NODE_HOST_IPV4 && nn.long_style,
	   "IPv4 host is a long name");
	ok(parses("app@::1") && nn.kind == NODE_HOST_IPV6 && nn.long_style &&
	   !strcmp(nn.host, "::1") && !strcmp(nn.full, "app@::1"),
	   "IPv6 host as Erlang writes it");
	ok(parses("app@fd00::1") && nn.kind == NODE_HOST_IPV6,
	   "IPv6 fd00::1");
	ok(parses("app@[::1]") && nn.kind == NODE_HOST_IPV6 &&
	   !strcmp(nn.host, "::1") && !strcmp(nn.full, "app@::1"),
	   "bracketed IPv6 is normalised");
	ok(parses("app@fe80::1%eth0") && nn.kind == NODE_HOST_IPV6,
	   "IPv6 with a zone");
	ok(parses("A-b_9@h-1") && !strcmp(nn.alive, "A-b_9"),
	   "letters, digits, '-' and '_' in the name part");
	ok(parses("app@1.2.3") && nn.kind == NODE_HOST_FQDN,
	   "dotted non-address is an FQDN");
	ok(parses("app@localhost") && nn.kind == NODE_HOST_SHORT,
	   "localhost is short");
	ok(parses("app@h\xc3\xa9st") && !strcmp(nn.host, "h\xc3\xa9st"),
	   "Latin-1 host character accepted like OTP's [!-\\xff]");
	ok(parses("app@weird!host~"), "printable punctuation in host (OTP allows)");
}

static void test_refusals(void)
{
	ok(refused("", "empty node name"), "empty");
	ok(refused("app", "has no '@'"), "no @");
	ok(refused("app@", "'app@' has an empty host part"), "empty host");
	ok(refused("@host", "empty name part"), "empty name");
	ok(refused("a@b@c", "more than one '@'"), "two @ (is_node_name)");
	ok(refused("my app@h", "the name part may only contain letters, digits, "
		   "'_' and '-' (found a space)"), "space in name");
	ok(refused("m.y@h", "(found '.')"), "dot in name");
	ok(refused("\xc3\xa9@h", "non-ASCII"), "non-ASCII name part");
	ok(refused("app@ho st", "may not contain spaces"), "space in host");
	ok(refused("app@ho\tst", "control"), "tab in host");
	ok(refused("app@h\xe2\x82\xac", "Latin-1"), "host char beyond U+00FF");
	ok(refused("app@\xff", "not valid UTF-8"), "invalid UTF-8");
	ok(refused("app@\xc0\xaf", "not valid UTF-8"), "overlong UTF-8");
	ok(refused("app@foo:bar", "not an IPv6 address"), "':' but not IPv6");
	ok(refused("app@[foo]", "IPv6"), "brackets around a name");
	ok(refused("app@[::1", "IPv6"), "unclosed bracket");
	ok(refused("app@[]", "IPv6"), "empty brackets");
	ok(!parses("x@h") || err.message[0] == '\0', "error cleared on success");
}

static void test_lengths(void)
{
	char s[600];

	memset(s, 'a', 250);
	memcpy(s + 250, "@host", 6);	/* 255 characters */
	ok(parses(s), "255 characters accepted");
	memset(s, 'a', 251);
	memcpy(s + 251, "@host", 6);
	ok(refused(s, "name is 256 characters, Erlang atoms are limited to 255"),
	   "256 characters refused");
	memset(s, 'a', 300);
	s[300] = '\0';
	s[10] = '@';
	ok(refused(s, "name is 300 characters"), "300 refused with its length");
	/* 2-byte characters count once: 1 + 1 + 126 * 2 bytes = 127 chars */
	memcpy(s, "a@", 3);
	for (int i = 0; i < 126; i++)
		memcpy(s + 2 + 2 * i, "\xc3\xa9", 3);
	ok(parses(s), "length is in characters, not bytes");
	memcpy(s, "a@", 3);
	for (int i = 0; i < 128; i++)
		memcpy(s + 2 + 2 * i, "\xc3\xa9", 3);
	ok(refused(s, "at most 255"), "host over 255 bytes refused");
	memset(s, 'a', 200);
	memcpy(s + 200, "@[::1]", 7);
	ok(parses(s) && strlen(nn.full) == 204, "brackets do not count");
	memset(s, 'x', 600);
	s[599] = '\0';
	s[1] = ' ';
	ok(refused(s, "") && strlen(err.message) < 200,
	   "a long bad name is quoted briefly");
}

static void test_alive_valid(void)
{
	char s[300];

	ok(node_alive_valid("dist_ping-1"), "alive ok");
	ok(!node_alive_valid(""), "empty alive");
	ok(!node_alive_valid(NULL), "NULL alive");
	ok(!node_alive_valid("a@b"), "@ in alive");
	ok(!node_alive_valid("a b"), "space in alive");
	memset(s, 'a', 255);
	s[255] = '\0';
	ok(node_alive_valid(s), "255 bytes");
	s[255] = 'a';
	s[256] = '\0';
	ok(!node_alive_valid(s), "256 bytes");
	ok(node_utf8_length("h\xc3\xa9") == 2 && node_utf8_length("\xed\xa0\x80") < 0,
	   "utf8 length; surrogates refused");
	ok(!strcmp(node_style_name(true), "long") &&
	   !strcmp(node_style_name(false), "short"), "style names");
}

int main(void)
{
	test_kinds();
	test_refusals();
	test_lengths();
	test_alive_valid();
	return tap_done();
}
