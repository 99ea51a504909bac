/* fuzz_epmd_serve - what a client sends to the embedded EPMD
 * (lib/dist/epmd_serve.h), and the answers built from it.
 *
 * Invariants:
 *  - the request parsed on every prefix of the input: 0 (more needed)
 *    only while the declared request is incomplete, > 0 never past the
 *    input or EPMD_REQ_MAX + 2, -1 with a typed error; a prefix that is
 *    complete gives the same result on every longer input;
 *  - a parsed name is 1..255 bytes with no NUL, extra within its limit;
 *  - the answers read back with the client's parsers: PORT2_RESP gives
 *    the port and name registered, ALIVE2 the creation given.
 */
#include "fuzz.h"

#include "dist/epmd.h"
#include "dist/epmd_serve.h"

static void check_answers(const struct epmd_req *r)
{
	struct epmd_port_info info;
	struct dist_error err = { 0 };
	uint32_t creation = 0;
	struct buf b;

	buf_init(&b, 0);
	if (r->type == EPMD_REQ_ALIVE2) {
		epmd_alive2_answer(&b, r->node.highest, 0, 7);
		FUZZ_CHECK(epmd_alive2_reply_parse(b.data, b.len, &creation,
						   &err) == 1);
		FUZZ_CHECK(creation == (r->node.highest >= 6 ? 7u : 2u));
		buf_reset(&b);
		epmd_port2_answer(&b, &r->node);
		FUZZ_CHECK(epmd_port_reply_parse(b.data, b.len, 1,
						 r->node.name, &info,
						 &err) == 1);
		FUZZ_CHECK(info.port == r->node.port);
		FUZZ_CHECK(!strcmp(info.name, r->node.name));
	}
	buf_reset(&b);
	epmd_names_answer_head(&b, 4369);
	epmd_names_answer_line(&b, r->node.name, 1);
	FUZZ_CHECK(b.len >= 4 && !b.failed);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	struct epmd_req req;
	long whole = -2;

	for (size_t len = 0; len <= size; len++) {
		long rc = epmd_req_parse(data, len, &req, &err);

		FUZZ_CHECK(rc >= -1 && rc <= (long)len &&
			   rc <= EPMD_REQ_MAX + 2);
		if (rc == -1)
			FUZZ_CHECK(err.code == DIST_E_PROTOCOL ||
				   err.code == DIST_E_TOO_LARGE);
		if (rc == 0)
			FUZZ_CHECK(len < 2 || len < 2u + get_u16(data));
		if (whole != -2 && whole != 0)
			FUZZ_CHECK(rc == whole);
		whole = rc;
		if (rc > 0) {
			size_t n = strlen(req.node.name);

			FUZZ_CHECK(req.type == EPMD_REQ_NAMES ||
				   (n >= 1 && n <= EPMD_NAME_MAX));
			FUZZ_CHECK(req.node.extra_len <= EPMD_EXTRA_MAX);
			check_answers(&req);
		}
	}
	return 0;
}
