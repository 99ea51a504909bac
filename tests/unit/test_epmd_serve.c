/* test_epmd_serve.c - the embedded EPMD's codec byte for byte, and who
 * may register: ALIVE2 is taken from loopback only, as epmd takes it,
 * so the loopback test that decides it is pinned here. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "dist/epmd_serve.h"
#include "io/addr.h"
#include "tap.h"

static bool loopback(int family, const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		inet_pton(AF_INET, text,
			  &((struct sockaddr_in *)&ss)->sin_addr);
	else
		inet_pton(AF_INET6, text,
			  &((struct sockaddr_in6 *)&ss)->sin6_addr);
	return sockaddr_is_loopback(&ss);
}

static void test_loopback(void)
{
	ok(loopback(AF_INET, "127.0.0.1"), "127.0.0.1 may register");
	ok(loopback(AF_INET, "127.3.2.1"), "all of 127/8 may register");
	ok(loopback(AF_INET6, "::1"), "::1 may register");
	ok(loopback(AF_INET6, "::ffff:127.0.0.1"), "mapped 127.0.0.1 may");
	ok(!loopback(AF_INET, "10.0.0.1"), "10.0.0.1 may not register");
	ok(!loopback(AF_INET, "128.0.0.1"), "128.0.0.1 may not register");
	ok(!loopback(AF_INET6, "fe80::1"), "fe80::1 may not register");
	ok(!loopback(AF_INET6, "::ffff:10.0.0.1"), "mapped 10.0.0.1 may not");
}

static void test_requests(void)
{
	static const uint8_t alive2[] = {
		0, 17, 'x', 0x9c, 0x40, 77, 0, 0, 6, 0, 6, 0, 4,
		's', 'i', 'm', '1', 0, 0,
	};
	static const uint8_t port2[] = { 0, 5, 'z', 's', 'i', 'm', '1' };
	static const uint8_t nul_name[] = { 0, 3, 'z', 'a', 0 };
	struct dist_error err;
	struct epmd_req r;

	ok(epmd_req_parse(alive2, sizeof alive2 - 1, &r, &err) == 0,
	   "ALIVE2 cut short: more needed");
	ok(epmd_req_parse(alive2, sizeof alive2, &r, &err) ==
		   (long)sizeof alive2 && r.type == EPMD_REQ_ALIVE2 &&
		   r.node.port == 40000 && !strcmp(r.node.name, "sim1") &&
		   r.node.highest == 6, "ALIVE2 parsed");
	ok(epmd_req_parse(port2, sizeof port2, &r, &err) == 7 &&
		   r.type == EPMD_REQ_PORT_PLEASE2 &&
		   !strcmp(r.node.name, "sim1"), "PORT_PLEASE2 parsed");
	ok(epmd_req_parse(nul_name, sizeof nul_name, &r, &err) == -1 &&
		   err.code == DIST_E_PROTOCOL, "a NUL in a name is refused");
	ok(epmd_req_parse((const uint8_t *)"\x04\x01", 2, &r, &err) == -1 &&
		   err.code == DIST_E_TOO_LARGE, "past 1024 bytes: too large");
}

static void test_answers(void)
{
	struct epmd_entry e;
	struct buf b;

	buf_init(&b, 0);
	epmd_alive2_answer(&b, 6, 0, 0x01020304);
	ok(b.len == 6 && !memcmp(b.data, "v\0\x01\x02\x03\x04", 6),
	   "ALIVE2_X_RESP: 'v', 0, the creation");
	buf_reset(&b);
	epmd_alive2_answer(&b, 6, 1, 0);
	ok(b.len == 6 && b.data[1] == 1, "a taken name: result 1");
	buf_reset(&b);
	epmd_port2_answer(&b, NULL);
	ok(b.len == 2 && !memcmp(b.data, "w\x01", 2), "unknown name: w, 1");
	buf_reset(&b);
	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "sim1");
	epmd_names_answer_head(&b, 4369);
	epmd_names_answer_line(&b, e.name, 40000);
	ok(b.len == 4 + 24 && !memcmp(b.data, "\0\0\x11\x11", 4) &&
		   !memcmp(b.data + 4, "name sim1 at port 40000\n", 24),
	   "NAMES: the port, then epmd's line text");
	buf_free(&b);
}

int main(void)
{
	test_loopback();
	test_requests();
	test_answers();
	return tap_done();
}
