/* test_dial.c - the walk over a host's addresses: every address once, from
 * the first for EPMD, from the one EPMD answered on for the node port,
 * and the addresses given up on, in order, for the message. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "io/dial.h"
#include "tap.h"

static void add(struct resolve_result *r, const char *text)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&r->addrs[r->naddrs++];

	s4->sin_family = AF_INET;
	inet_pton(AF_INET, text, &s4->sin_addr);
}

/* Dial (loopback only; the outcome does not matter here) and let go. */
static void dial_once(struct dial *d)
{
	int fd = dial_connect(d, 9, false);

	if (fd >= 0)
		close(fd);
}

int main(void)
{
	struct resolve_result r;
	struct dial d;

	memset(&r, 0, sizeof r);
	add(&r, "127.0.0.1");
	add(&r, "127.0.0.2");
	add(&r, "127.0.0.3");
	dial_init(&d, &r);

	dial_once(&d);
	ok(!strcmp(d.address, "127.0.0.1"), "the walk starts at the first");
	ok(dial_next(&d) && d.index == 1, "then the second");
	dial_once(&d);
	ok(dial_next(&d) && d.index == 2, "then the third");
	dial_once(&d);
	ok(!dial_next(&d), "and ends when each has had its turn");
	ok(!strcmp(d.tried, "127.0.0.1, 127.0.0.2, 127.0.0.3"),
	   "the addresses given up on, in order: %s", d.tried);

	/* EPMD answered on the third: the node port is tried there first,
	 * then on the others. */
	dial_restart(&d);
	ok(d.index == 2 && d.tried[0] == '\0', "a new walk from where we are");
	dial_once(&d);
	ok(dial_next(&d) && d.index == 0, "wraps to the first");
	dial_once(&d);
	ok(dial_next(&d) && d.index == 1, "then the second");
	dial_once(&d);
	ok(!dial_next(&d), "and ends after three");
	ok(!strcmp(d.tried, "127.0.0.3, 127.0.0.1, 127.0.0.2"),
	   "in the order tried: %s", d.tried);
	ok(((const struct sockaddr_in *)dial_current(&d))->sin_addr.s_addr ==
		   htonl(0x7f000002),
	   "dial_current is the address of the walk");

	memset(&r, 0, sizeof r);
	add(&r, "127.0.0.1");
	dial_init(&d, &r);
	dial_once(&d);
	ok(!dial_next(&d) && !strcmp(d.tried, "127.0.0.1"),
	   "one address: one try");
	return tap_done();
}
