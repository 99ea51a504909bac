/* test_epmd.c - the NAMES reply parsed line by line, as reads cut it:
 * every split of a reply gives the same names and bad lines as the
 * whole, and a bad line never stops the lines after it. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dist/epmd.h"
#include "tap.h"

/* What the callbacks saw, as one text: "N:name:port" and "B:why". */
struct seen {
	char text[8192];
	size_t len;
};

static void on_name(void *data, const char *name, uint16_t port)
{
	struct seen *s = data;

	s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len,
				   "N:%s:%u\n", name, port);
}

static void on_bad(void *data, const uint8_t *line, size_t len,
		   const char *why)
{
	struct seen *s = data;

	(void)line;
	s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len,
				   "B:%zu:%s\n", len, why);
}

static const struct epmd_names_ops ops = { on_name, on_bad };

/* The reply fed in reads of `step` bytes, keeping what was not consumed,
 * as the EPMD source does. */
static bool feed_in_steps(const uint8_t *reply, size_t len, size_t step,
			  struct seen *out)
{
	struct epmd_names st = { 0 };
	struct dist_error err;
	uint8_t buf[4096];
	size_t have = 0, off = 0;

	memset(out, 0, sizeof *out);
	while (off < len || have) {
		size_t n = len - off < step ? len - off : step;
		bool eof = off + n == len;
		long used;

		if (have + n > sizeof buf)
			return false;
		memcpy(buf + have, reply + off, n);
		have += n;
		off += n;
		used = epmd_names_feed(&st, buf, have, eof, &ops, out, &err);
		if (used < 0 || (size_t)used > have)
			return false;
		memmove(buf, buf + used, have - (size_t)used);
		have -= (size_t)used;
		if (eof)
			return have == 0;
	}
	return true;
}

int main(void)
{
	static const char reply[] =
		"\0\0\021\021"
		"name good at port 4001\n"
		"name has space at port 4002\n"
		"name nl\n"
		"name at port 5 at port 4003\n"
		"not a names line\n"
		"name big at port 65536\n"
		"name  at port 4004\n"
		"\n"
		"name last at port 4005";  /* no newline before EOF */
	const size_t len = sizeof reply - 1;
	struct seen whole, part;
	struct dist_error err;
	uint8_t longline[3000];
	int count;
	bool same = true;

	memset(&whole, 0, sizeof whole);
	count = epmd_names_parse((const uint8_t *)reply, len, &ops, &whole,
				 &err);
	ok(count == 4, "four names in the reply (got %d)", count);
	ok(strstr(whole.text, "N:good:4001\n") &&
	   strstr(whole.text, "N:has space:4002\n") &&
	   strstr(whole.text, "N:at port 5:4003\n") &&
	   strstr(whole.text, "N:last:4005\n"),
	   "names keep their spaces; the port is after the last ' at port '");
	ok(strstr(whole.text, "B:7:it has no ' at port '\n") &&
	   strstr(whole.text, "B:16:it does not start with 'name '\n") &&
	   strstr(whole.text, "B:22:its port is not a number") &&
	   strstr(whole.text, "B:18:the name is empty\n"),
	   "each bad line is reported on its own, and the next still read");

	for (size_t step = 1; step <= len; step++) {
		if (!feed_in_steps((const uint8_t *)reply, len, step, &part) ||
		    strcmp(part.text, whole.text)) {
			same = false;
			printf("# differs in reads of %zu bytes:\n%s", step,
			       part.text);
			break;
		}
	}
	ok(same, "the reply read in pieces of every size gives the same");

	ok(epmd_names_parse((const uint8_t *)"\0\0", 2, &ops, &whole,
			    &err) < 0 && err.code == DIST_E_PROTOCOL,
	   "a reply cut inside its header is protocol_error");

	/* A line longer than any name: reported once, cut, then skipped. */
	memcpy(longline, "\0\0\0\0name ", 9);
	memset(longline + 9, 'q', sizeof longline - 9);
	memcpy(longline + sizeof longline - 20, " at port 1\nname z a", 19);
	longline[sizeof longline - 1] = 't';
	memset(&whole, 0, sizeof whole);
	count = epmd_names_parse(longline, sizeof longline, &ops, &whole,
				 &err);
	ok(count == 0 && !strcmp(whole.text, "B:1024:it is longer than any "
				 "name EPMD can hold\nB:9:it has no ' at "
				 "port '\n"),
	   "an over-long line is one bad line, cut at %d bytes: %s",
	   EPMD_NAMES_LINE_MAX, whole.text);
	ok(feed_in_steps(longline, sizeof longline, 100, &part) &&
	   !strcmp(part.text, whole.text),
	   "... the same when it arrives in pieces");

	/* PORT2_RESP lengths past what an EPMD can hold: refused from the
	 * header, not waited for. */
	{
		static const uint8_t name_lie[] = {
			119, 0, 0x0f, 0xa0, 77, 0, 0, 6, 0, 6, 0xff, 0xff, 'a'
		};
		static const uint8_t extra_lie[] = {
			119, 0, 0x0f, 0xa0, 77, 0, 0, 6, 0, 6, 0, 1, 'a',
			0x04, 0x01
		};
		static const uint8_t extra_max[] = {
			119, 0, 0x0f, 0xa0, 77, 0, 0, 6, 0, 6, 0, 1, 'a',
			0x04, 0x00
		};
		struct epmd_port_info info;

		ok(epmd_port_reply_parse(name_lie, sizeof name_lie, 0, "x",
					 &info, &err) < 0 &&
			   err.code == DIST_E_TOO_LARGE &&
			   err.stage == DIST_STAGE_EPMD,
		   "PORT2_RESP: a name length of 65535 is too_large at once");
		ok(epmd_port_reply_parse(extra_lie, sizeof extra_lie, 0, "x",
					 &info, &err) < 0 &&
			   err.code == DIST_E_TOO_LARGE,
		   "PORT2_RESP: an extra length of 1025 is too_large at once");
		ok(epmd_port_reply_parse(extra_max, sizeof extra_max, 0, "x",
					 &info, &err) == 0,
		   "PORT2_RESP: an extra field at the limit is waited for");
	}
	return tap_done();
}
