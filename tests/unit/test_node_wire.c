/* test_node_wire.c - the pure parts of dist-node: the frame codec, the
 * accepting handshake (run against the connecting one, in memory),
 * EPMD ALIVE2, and the stdin command reader. */
#include <string.h>

#include "tap.h"

#include "cluster/command.h"
#include "dist/epmd.h"
#include "dist/frame.h"
#include "dist/handshake.h"
#include "dist/handshake_accept.h"

static void test_frames(void)
{
	struct etf_arena *a = etf_arena_new();
	struct etf_term *c, *m, *c2, *m2;
	struct dist_error err;
	struct frame f;
	struct buf b;
	uint8_t tick[4] = { 0 }, big[4] = { 0x7f, 0xff, 0xff, 0xff };

	ok(frame_next(tick, 3, 100, &f, &err) == 0, "3 bytes: need more");
	ok(frame_next(tick, 4, 100, &f, &err) == 4 && f.kind == FRAME_TICK,
	   "4 zero bytes: a tick");
	ok(frame_next(big, 4, 1000, &f, &err) == -1 &&
	   err.code == DIST_E_TOO_LARGE,
	   "an announced 2 GiB frame is refused before its bytes come");
	buf_init(&b, 0);
	c = etf_tuple(a, 3, etf_int(a, 2), etf_atom(a, ""),
		      etf_pid(a, "x@h", 1, 0, 5));
	m = etf_tuple(a, 2, etf_atom(a, "hello"), etf_int(a, 42));
	ok(frame_encode(&b, c, m, &err) == 0, "encode control + message");
	ok(frame_encode(&b, c, NULL, &err) == 0, "encode control only");
	{
		long used = frame_next(b.data, b.len, 1 << 20, &f, &err);

		ok(used > 0 && f.kind == FRAME_MESSAGE && f.payload[0] == 112,
		   "the first frame is a pass-through message");
		ok(frame_decode(f.payload, f.len, a, &etf_default_limits, &c2,
				&m2, &err) == 0 && etf_equal(c, c2) &&
		   etf_equal(m, m2), "control and message read back");
		ok(frame_next(b.data + used, b.len - (size_t)used, 1 << 20, &f,
			      &err) > 0 &&
		   frame_decode(f.payload, f.len, a, &etf_default_limits, &c2,
				&m2, &err) == 0 && m2 == NULL,
		   "the second has no message");
		b.data[4] = 113;
		frame_next(b.data, b.len, 1 << 20, &f, &err);
		ok(frame_decode(f.payload, f.len, a, &etf_default_limits, &c2,
				&m2, &err) < 0 && err.code == DIST_E_PROTOCOL,
		   "a frame that is not pass-through is a protocol error");
	}
	buf_reset(&b);
	frame_encode(&b, c, m, &err);
	buf_put_u8(&b, 1);
	put_u32(b.data, get_u32(b.data) + 1);
	frame_next(b.data, b.len, 1 << 20, &f, &err);
	ok(frame_decode(f.payload, f.len, a, &etf_default_limits, &c2, &m2,
			&err) < 0 && err.code == DIST_E_PROTOCOL,
	   "stray bytes after the message are refused");
	buf_free(&b);
	etf_arena_free(a);
}

/* Run the connecting machine against the accepting one. Returns the
 * accepting side's last result. */
static int exchange(const char *client_cookie, const char *server_cookie,
		    struct dist_error *err)
{
	struct handshake cl;
	struct hs_accept sv;
	struct buf c2s, s2c;
	const uint8_t *msg;
	size_t mlen;
	long used;
	int rc = -1, crc;

	buf_init(&c2s, 0);
	buf_init(&s2c, 0);
	handshake_client_init(&cl, "a@h", 9, client_cookie,
			      strlen(client_cookie), "b@h");
	hs_accept_init(&sv, "b@h", 11, DIST_OUR_FLAGS, server_cookie,
		       strlen(server_cookie));
	handshake_client_start(&cl, &c2s);
	for (int round = 0; round < 4; round++) {
		while ((used = handshake_frame_next(c2s.data, c2s.len, &msg,
						    &mlen, NULL)) > 0) {
			rc = hs_accept_step(&sv, msg, mlen, &s2c, err);
			buf_consume(&c2s, used);
			if (rc == HSA_NAMED)
				rc = hs_accept_status(
					&sv, hs_accept_choose(&sv, false,
							      false), &s2c);
			if (rc < 0 || rc == HSA_COMPLETE)
				goto out;
		}
		while ((used = handshake_frame_next(s2c.data, s2c.len, &msg,
						    &mlen, NULL)) > 0) {
			crc = handshake_client_step(&cl, msg, mlen, &c2s,
						    NULL);
			buf_consume(&s2c, used);
			if (crc < 0)
				goto out;
		}
	}
out:
	buf_free(&c2s);
	buf_free(&s2c);
	return rc;
}

static void test_accept(void)
{
	struct hs_accept hs;
	struct dist_error err;
	uint8_t msg[64];
	size_t n = 0;

	ok(exchange("c00kie", "c00kie", &err) == HSA_COMPLETE,
	   "the same cookie: the accepting side completes");
	ok(exchange("wrong", "c00kie", &err) == -1 &&
	   err.code == DIST_E_NOT_ALLOWED && strstr(err.message, "a@h"),
	   "another cookie: not_allowed, naming the peer");

	hs_accept_init(&hs, "b@h", 1, DIST_OUR_FLAGS, "c", 1);
	msg[n++] = 'N';
	put_u32(msg + n, 0);
	put_u32(msg + n + 4, (uint32_t)DFLAG_HANDSHAKE_23);
	n += 8;
	put_u32(msg + n, 3);
	n += 4;
	put_u16(msg + n, 3);
	n += 2;
	memcpy(msg + n, "a@h", 3);
	n += 3;
	ok(hs_accept_step(&hs, msg, n, NULL, &err) == HSA_NAMED &&
	   hs_accept_choose(&hs, false, false) == HSA_NOT_ALLOWED &&
	   strstr(hs.refusal, "mandatory"),
	   "missing mandatory flags: not_allowed, and why");

	hs_accept_init(&hs, "b@h", 1, DIST_OUR_FLAGS, "c", 1);
	snprintf(hs.peer_name, sizeof hs.peer_name, "%s", "a@h");
	ok(hs_accept_choose(&hs, true, false) == HSA_ALIVE,
	   "a live connection of that name: alive");
	ok(hs_accept_choose(&hs, false, true) == HSA_NOK,
	   "both dialling, our name greater: nok");
	snprintf(hs.peer_name, sizeof hs.peer_name, "%s", "c@h");
	ok(hs_accept_choose(&hs, false, true) == HSA_OK_SIMULTANEOUS,
	   "both dialling, their name greater: ok_simultaneous");
	ok(hs_accept_step(&hs, (const uint8_t *)"x", 1, NULL, &err) < 0 &&
	   err.code == DIST_E_PROTOCOL, "not a send_name: protocol error");
}

static void test_epmd(void)
{
	struct dist_error err;
	struct buf b;
	uint32_t creation = 0;
	const uint8_t ok_v[] = { 118, 0, 0x12, 0x34, 0x56, 0x78 };
	const uint8_t taken[] = { 118, 1, 0, 0, 0, 99 };

	buf_init(&b, 0);
	epmd_alive2_request(&b, "sh", 4321);
	ok(b.len == 17 && get_u16(b.data) == 15 && b.data[2] == 'x' &&
	   get_u16(b.data + 3) == 4321 && b.data[5] == 77 &&
	   get_u16(b.data + 7) == 6 && get_u16(b.data + 9) == 6,
	   "ALIVE2_REQ: port, normal type, versions 6..6");
	buf_free(&b);
	ok(epmd_alive2_reply_parse(ok_v, 4, &creation, &err) == 0,
	   "a short ALIVE2_X_RESP: need more");
	ok(epmd_alive2_reply_parse(ok_v, 6, &creation, &err) == 1 &&
	   creation == 0x12345678, "ALIVE2_X_RESP: a 32-bit creation");
	ok(epmd_alive2_reply_parse(taken, 6, &creation, &err) == -1 &&
	   err.code == DIST_E_NAME_IN_USE, "result 1: name_in_use");
}

static int cmd(const char *line, struct node_cmd *c, struct dist_error *err)
{
	static struct etf_arena *a;

	if (!a)
		a = etf_arena_new();
	return node_cmd_parse(line, strlen(line), a, c, err);
}

static void test_commands(void)
{
	struct node_cmd c;
	struct dist_error err;

	ok(cmd("{\"send\": \"box@n1@h\", \"term\": \"{a, 1}\", \"id\": 3}",
	       &c, &err) == 0 && !strcmp(c.name, "box") &&
	   !strcmp(c.node.full, "n1@h") && etf_is_tuple(c.msg, 2) &&
	   json_integer_value(c.id) == 3, "name@node target, term text, id");
	node_cmd_release(&c);
	ok(cmd("{\"send\": [\"box\", \"n1@h\"], \"msg\": {\"$atom\": \"x\"}}",
	       &c, &err) == 0 && etf_is_atom(c.msg, "x"),
	   "[name, node] target, tagged message");
	node_cmd_release(&c);
	ok(cmd("{\"send\": {\"$pid\": {\"node\": \"n1@h\", \"id\": 5, "
	       "\"serial\": 0, \"creation\": 3}}, \"term\": \"ok\"}", &c,
	       &err) == 0 && c.to_pid && !strcmp(c.node.full, "n1@h"),
	   "a tagged pid target");
	node_cmd_release(&c);
	ok(cmd("{\"send\": \"box@n1@h\"}", &c, &err) < 0 &&
	   err.code == DIST_E_USAGE, "no message: usage");
	node_cmd_release(&c);
	ok(cmd("{\"send\": \"box@n1@h\", \"term\": \"a\", \"msg\": 1}", &c,
	       &err) < 0, "both msg and term: usage");
	node_cmd_release(&c);
	ok(cmd("{\"send\": \"b\\u0001x@n1@h\", \"term\": \"a\"}", &c,
	       &err) < 0, "a control character in a name is refused");
	node_cmd_release(&c);
	ok(cmd("{\"send\": \"box@nohost\", \"term\": \"a\"}", &c, &err) < 0,
	   "a node without a host is refused");
	node_cmd_release(&c);
	ok(cmd("[1]", &c, &err) < 0 && cmd("nope", &c, &err) < 0 &&
	   cmd("{\"frobnicate\": 1}", &c, &err) < 0,
	   "not an object, not JSON, unknown command");
	node_cmd_release(&c);
}

int main(void)
{
	test_frames();
	test_accept();
	test_epmd();
	test_commands();
	return tap_done();
}
