/* fuzz_epmd - what an EPMD (or whatever listens on its port) answers:
 * PORT2_RESP and the NAMES text.
 *
 * Invariants:
 *  - PORT2_RESP parsed on every prefix of the input, as bytes trickle
 *    in (eof 0), and on the whole input at EOF: 1 only with a terminated
 *    name, 0 never at EOF, -1 with a typed error; once a prefix is
 *    complete every longer input is too, with the same port (the parser
 *    never reads past the reply);
 *  - NAMES: the count returned is the number of name callbacks, each
 *    with a non-empty name; every line is a name or a bad line; fed in
 *    two pieces, the reply gives the same names and bad lines.
 */
#include "fuzz.h"

#include "dist/epmd.h"

struct names_seen {
	int calls, bad;
	unsigned long sum;   /* of ports and lengths: the same in pieces */
};

static void on_name(void *data, const char *name, uint16_t port)
{
	struct names_seen *s = data;

	FUZZ_CHECK(name[0] != '\0');
	FUZZ_CHECK(strlen(name) <= EPMD_NAMES_LINE_MAX);
	s->calls++;
	s->sum += port + strlen(name);
}

static void on_bad(void *data, const uint8_t *line, size_t len,
		   const char *why)
{
	struct names_seen *s = data;

	(void)line;
	FUZZ_CHECK(len <= EPMD_NAMES_LINE_MAX && why && *why);
	s->bad++;
	s->sum += len;
}

static const struct epmd_names_ops names_ops = { on_name, on_bad };

/* The reply fed as bytes [0, cut) and then the rest, as reads give it. */
static void names_in_pieces(const uint8_t *data, size_t size, size_t cut,
			    const struct names_seen *whole)
{
	struct epmd_names st = { 0 };
	struct names_seen seen = { 0 };
	struct dist_error err = { 0 };
	long used = epmd_names_feed(&st, data, cut, false, &names_ops, &seen,
				    &err);
	long rest;

	FUZZ_CHECK(used >= 0 && (size_t)used <= cut);
	rest = epmd_names_feed(&st, data + used, size - (size_t)used, true,
			       &names_ops, &seen, &err);
	if (rest < 0) {
		fuzz_check_error(&err);
		return;
	}
	FUZZ_CHECK((size_t)rest == size - (size_t)used);
	/* A line cut over the limit is seen differently: only compare
	 * replies whose lines all fit. */
	if (whole->bad == seen.bad)
		FUZZ_CHECK(seen.calls == whole->calls);
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

	rc = epmd_names_parse(data, size, &names_ops, &seen, &err);
	if (rc >= 0) {
		FUZZ_CHECK(rc == seen.calls);
		names_in_pieces(data, size, size / 2, &seen);
	} else {
		fuzz_check_error(&err);
	}
	return 0;
}
