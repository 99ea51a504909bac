/* test_tls_config.c - what TLS distribution reads and frames without a
 * network: a node's ssl_dist_optfile, the TLS flags of a vm.args, and
 * the u32-framed handshake messages of inet_tls_dist.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist/cookie.h"
#include "dist/handshake.h"
#include "dist/handshake_accept.h"
#include "dist/ssl_optfile.h"
#include "tap.h"

static struct ssl_optfile of;
static struct dist_error err;

static int parse(const char *text)
{
	dist_error_clear(&err);
	return ssl_optfile_parse(text, strlen(text), "t.conf", &of, &err);
}

static void optfile_tests(void)
{
	ok(parse("[{server, [{certfile, \"s.pem\"}]},\n"
		 " {client, [{certfile, \"/c/me.pem\"}, {keyfile, \"k.pem\"},\n"
		 "           {cacertfile, \"ca.pem\"}, {verify, verify_peer},\n"
		 "           {secure_renegotiate, true}, {depth, 2}]}].\n") == 0,
	   "a release's optfile parses");
	ok(of.has_client && !strcmp(of.certfile, "/c/me.pem") &&
		   !strcmp(of.keyfile, "k.pem") &&
		   !strcmp(of.cacertfile, "ca.pem") &&
		   of.verify == SSL_OPTFILE_VERIFY_PEER,
	   "client section: files and verify_peer; the server's are not taken");
	ok(parse("[{client, [{certfile, <<\"b.pem\">>}, {password, \"pw\"},"
		 " {verify, verify_none}, reuse_sessions]}]") == 0 &&
		   !strcmp(of.certfile, "b.pem") && !strcmp(of.password, "pw") &&
		   of.verify == SSL_OPTFILE_VERIFY_NONE,
	   "a binary path, a password, verify_none, a bare atom");
	ok(parse("[{client, [{keyfile, \"k\\x{e9}.pem\"}]}].") == 0 &&
		   !strcmp(of.keyfile, "k\xc3\xa9.pem"),
	   "a non-ASCII path becomes UTF-8, as the node's file name");
	ok(parse("% only a server\n[{server, [{certfile, \"s.pem\"}]}].") == 0 &&
		   !of.has_client && !of.certfile[0],
	   "no client section: nothing taken");
	ok(parse("[]") == 0 && !of.has_client, "an empty list");
	ok(parse("[{client, [{verify, maybe}]}]") < 0 &&
		   err.code == DIST_E_TLS &&
		   strstr(err.message, "verify must be"),
	   "a bad verify value: %s", err.message);
	ok(parse("[{client, [{certfile, 42}]}]") < 0 &&
		   strstr(err.message, "t.conf") &&
		   strstr(err.message, "certfile must be a string"),
	   "a path that is no string: %s", err.message);
	ok(parse("[{client, [{certfile, [0]}]}]") < 0,
	   "a NUL in a path is refused");
	ok(parse("[{clients, []}]") < 0 &&
		   strstr(err.message, "{server, Opts} or {client, Opts}"),
	   "an unknown section: %s", err.message);
	ok(parse("{client, []}") < 0, "not a list");
	ok(parse("[{client, [{certfile, \"x\"}]}") < 0 &&
		   err.code == DIST_E_TLS && strstr(err.message, "t.conf:"),
	   "a syntax error names the file: %s", err.message);
}

/* dist-node serving TLS reads the server section instead. */
static void server_section_tests(void)
{
	static const char text[] =
		"[{server, [{certfile, \"s.pem\"}, {keyfile, \"s.key\"},\n"
		"           {cacertfile, \"ca.pem\"}, {verify, verify_peer},\n"
		"           {fail_if_no_peer_cert, true}]},\n"
		" {client, [{certfile, \"c.pem\"}]}].";

	dist_error_clear(&err);
	ok(ssl_optfile_parse_side(text, strlen(text), "t.conf", "server", &of,
				  &err) == 0 &&
		   of.has_client && !strcmp(of.certfile, "s.pem") &&
		   !strcmp(of.keyfile, "s.key") &&
		   !strcmp(of.cacertfile, "ca.pem") &&
		   of.verify == SSL_OPTFILE_VERIFY_PEER,
	   "server section: its files and verify_peer, not the client's");
	ok(ssl_optfile_parse_side("[{client, []}]", 14, "t.conf", "server",
				  &of, &err) == 0 && !of.has_client &&
		   !of.certfile[0],
	   "no server section: nothing taken");
}

/* Write text to path and read it as vm.args. */
static int vm_args_text(const char *path, const char *text,
			struct vm_args *va)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(99);
	}
	close(fd);
	return vm_args_read(path, va, &err);
}

static void vm_args_tests(void)
{
	char path[] = "/tmp/dist-test-vmargs-XXXXXX";
	const char *text = "-name a@h\n-proto_dist inet_tls\n"
			   "-ssl_dist_optfile /etc/app/ssl.conf\n";
	struct vm_args va;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(99);
	}
	close(fd);
	ok(vm_args_read(path, &va, &err) == 0 && va.tls &&
		   va.has_ssl_dist_optfile &&
		   !strcmp(va.ssl_dist_optfile, "/etc/app/ssl.conf"),
	   "vm.args: -proto_dist inet_tls and -ssl_dist_optfile");
	vm_args_wipe(&va);
	fd = open(path, O_WRONLY | O_TRUNC);
	text = "-sname a\n-proto_dist inet6_tcp\n";
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(99);
	}
	close(fd);
	ok(vm_args_read(path, &va, &err) == 0 && !va.tls &&
		   !va.has_ssl_dist_optfile,
	   "vm.args: inet6_tcp is no TLS");
	vm_args_wipe(&va);
	ok(vm_args_text(path, "-proto_dist inet_tls\n"
			"-ssl_dist_opt server_certfile /s.pem client_certfile "
			"/c.pem\n  client_keyfile /c.key server_verify "
			"verify_peer\n-ssl_dist_opt client_cacertfile /ca.pem "
			"client_verify verify_none client_certfile /c2.pem\n",
			&va) == 0 &&
		   !strcmp(va.ssl_certfile, "/c2.pem") &&
		   !strcmp(va.ssl_keyfile, "/c.key") &&
		   !strcmp(va.ssl_cacertfile, "/ca.pem") &&
		   va.ssl_verify == SSL_OPTFILE_VERIFY_NONE,
	   "vm.args: inline -ssl_dist_opt client options, the last wins, "
	   "server ones skipped");
	vm_args_wipe(&va);
	ok(vm_args_text(path, "-ssl_dist_opt client_certfile /c.pem "
			"client_keyfile\n", &va) < 0 &&
		   strstr(err.message, "client_keyfile has no value"),
	   "vm.args: an -ssl_dist_opt key without its value is refused");
	ok(vm_args_text(path, "-ssl_dist_opt client_verify maybe\n",
			&va) < 0 &&
		   strstr(err.message, "verify_peer or verify_none"),
	   "vm.args: client_verify takes verify_peer or verify_none");
	{
		static char big[SSL_OPTFILE_PATH_MAX + 64];
		int n = snprintf(big, sizeof big,
				 "-ssl_dist_opt client_cacertfile ");

		memset(big + n, 'p', SSL_OPTFILE_PATH_MAX);
		big[n + SSL_OPTFILE_PATH_MAX] = '\0';
		ok(vm_args_text(path, big, &va) < 0 &&
			   strstr(err.message, "client_cacertfile is 4096 bytes"),
		   "vm.args: an -ssl_dist_opt path over its limit is refused");
	}
	ok(vm_args_text(path, "-ssl_dist_opt client_certfile ${CERT}\n",
			&va) < 0 &&
		   strstr(err.message, "${CERT}"),
	   "vm.args: an unrendered template in -ssl_dist_opt is refused");
	unlink(path);
}

static void framing_tests(void)
{
	struct handshake hs;
	struct buf out;
	const uint8_t *msg;
	size_t mlen;
	long used;

	buf_init(&out, 0);
	handshake_client_init(&hs, "me@h", 7, "c", 1, "you@h");
	hs.len4 = true;
	handshake_client_start(&hs, &out);
	ok(out.len == 4 + 1 + 8 + 4 + 2 + 4 && get_u32(out.data) == out.len - 4 &&
		   out.data[4] == 'N',
	   "TLS: send_name has a u32 length");
	used = handshake_frame_next4(out.data, out.len, &msg, &mlen, NULL);
	ok((size_t)used == out.len && mlen == out.len - 4 && msg[0] == 'N',
	   "a u32-framed message is cut whole");
	ok(handshake_frame_next4(out.data, out.len - 1, &msg, &mlen, NULL) == 0 &&
		   handshake_frame_next4(out.data, 3, &msg, &mlen, NULL) == 0,
	   "an incomplete one waits");
	{
		static const uint8_t lie4[] = { 0, 0, 0x10, 0x01, 'N' };
		static const uint8_t lie2[] = { 0x10, 0x01, 'N' };
		static const uint8_t max2[] = { 0x10, 0x00, 'N' };
		dist_error_clear(&err);
		ok(handshake_frame_next4(lie4, sizeof lie4, &msg, &mlen,
					 &err) == -1 &&
			   err.code == DIST_E_TOO_LARGE &&
			   err.stage == DIST_STAGE_HANDSHAKE,
		   "a u32 length over the limit is refused at once");
		dist_error_clear(&err);
		ok(handshake_frame_next(lie2, sizeof lie2, &msg, &mlen,
					&err) == -1 &&
			   err.code == DIST_E_TOO_LARGE &&
			   strstr(err.message, "4097 bytes"),
		   "a u16 length over the limit is refused at once");
		ok(handshake_frame_next(max2, sizeof max2, &msg, &mlen,
					&err) == 0,
		   "a length at the limit waits for its bytes");
	}
	buf_free(&out);
}

/* dist-node accepting inet_tls peers: the whole handshake with u32
 * lengths on both sides, as OTP's {packet, 4} socket frames it. */
static void accept_len4_tests(void)
{
	struct handshake cl;
	struct hs_accept sv;
	struct buf c2s, s2c;
	const uint8_t *msg;
	size_t mlen;
	long used;
	int rc = -1, crc = 0;

	buf_init(&c2s, 0);
	buf_init(&s2c, 0);
	handshake_client_init(&cl, "a@h", 9, "c", 1, "b@h");
	cl.len4 = true;
	hs_accept_init(&sv, "b@h", 11, DIST_OUR_FLAGS, "c", 1);
	sv.len4 = true;
	handshake_client_start(&cl, &c2s);
	for (int round = 0; round < 4 && rc != HSA_COMPLETE; round++) {
		while ((used = handshake_frame_next4(c2s.data, c2s.len, &msg,
						     &mlen, NULL)) > 0) {
			rc = hs_accept_step(&sv, msg, mlen, &s2c, &err);
			buf_consume(&c2s, used);
			if (rc == HSA_NAMED)
				hs_accept_status(&sv, hs_accept_choose(
						 &sv, false, false), &s2c);
			if (rc < 0 || rc == HSA_COMPLETE)
				break;
		}
		if (round == 0)
			ok(get_u32(s2c.data) == 1 + 2 && s2c.data[4] == 's',
			   "TLS: our status has a u32 length");
		while (crc >= 0 &&
		       (used = handshake_frame_next4(s2c.data, s2c.len, &msg,
						     &mlen, NULL)) > 0) {
			crc = handshake_client_step(&cl, msg, mlen, &c2s, NULL);
			buf_consume(&s2c, used);
		}
	}
	ok(rc == HSA_COMPLETE && crc >= 0,
	   "TLS: the accepting handshake completes with u32 lengths");
	ok(s2c.len == 0 || handshake_frame_next4(s2c.data, s2c.len, &msg,
						  &mlen, NULL) == (long)s2c.len,
	   "TLS: the challenge ack is u32-framed too");
	buf_free(&c2s);
	buf_free(&s2c);
}

int main(void)
{
	optfile_tests();
	vm_args_tests();
	framing_tests();
	accept_len4_tests();
	server_section_tests();
	return tap_done();
}
