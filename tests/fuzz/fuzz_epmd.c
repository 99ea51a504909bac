/* fuzz_epmd - what an EPMD (or whatever listens on its port) answers:
 * PORT2_RESP and the NAMES text.
 *
 * Invariants:
 *  - PORT2_RESP parsed on every prefix of the input, as bytes trickle
 *    in (eof 0), and on the whole input at EOF: 1 only with a terminated
 *    name, 0 never at EOF, -1 with a typed error; once a prefix is
 *    complete every longer input is too, with the same port (the parser
 *    never reads past the reply);
 *  - NAMES: the count returned is the number of callbacks, each with a
 *    non-empty name.
 */
#include "fuzz.h"

#include "dist/epmd.h"

struct names_seen {
	int calls;
};

static void on_name(void *data, const char *name, uint16_t port)
{
	struct names_seen *s = data;

	(void)port;
	FUZZ_CHECK(name[0] != '\0');
	FUZZ_CHECK(strlen(name) < 300);
	s->calls++;
}

static int port_reply(const uint8_t *data, size_t len, int eof,
		      struct epmd_port_info *info)
{
	struct dist_error err = { 0 };
	int rc = epmd_port_reply_parse(data, len, eof, "fuzz", info, &err);

	FUZZ_CHECK(rc >= -1 && rc <= 1);
	if (rc == 1)
		FUZZ_CHECK(memchr(info->name, '\0', sizeof info->name));
	else if (rc < 0)
		fuzz_check_error(&err);
	else
		FUZZ_CHECK(!eof);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct epmd_port_info info, first = { 0 };
	struct names_seen seen = { 0 };
	struct dist_error err = { 0 };
	bool complete = false;
	int rc;

	/* Prefixes: quadratic in the worst case, so only the first few
	 * hundred bytes (a reply head is at most 12 + 65535 + ...). */
	for (size_t n = 0; n <= size && n <= 512; n++) {
		rc = port_reply(data, n, 0, &info);
		if (rc == 1 && !complete) {
			complete = true;
			first = info;
		} else if (complete) {
			FUZZ_CHECK(rc == 1 && info.port == first.port);
		}
	}
	rc = port_reply(data, size, 1, &info);
	if (complete)
		FUZZ_CHECK(rc == 1 && info.port == first.port);

	rc = epmd_names_parse(data, size, on_name, &seen, &err);
	if (rc >= 0)
		FUZZ_CHECK(rc == seen.calls);
	else
		fuzz_check_error(&err);
	return 0;
}
