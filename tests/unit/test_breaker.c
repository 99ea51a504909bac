/* test_breaker.c - the breaker's states with a clock the test moves:
 * opens after N failures, refuses during the cool-down, half-opens
 * after it, closes after M successes, reopens on a half-open failure,
 * survives the clock being set back, and round-trips through its JSON
 * without a damaged entry being reset. */
#include <string.h>

#include "cluster/breaker.h"
#include "tap.h"

static const struct breaker_policy pol = { 3, 2, 1000 };

static void test_cycle(void)
{
	struct breaker b = { 0 };

	ok(breaker_allow(&b, &pol, 0), "closed: allowed");
	breaker_record(&b, &pol, false, 10);
	breaker_record(&b, &pol, false, 20);
	ok(b.state == BREAKER_CLOSED, "two failures of three: still closed");
	breaker_record(&b, &pol, true, 25);
	breaker_record(&b, &pol, false, 30);
	breaker_record(&b, &pol, false, 40);
	ok(b.state == BREAKER_CLOSED, "a success starts the count again");
	breaker_record(&b, &pol, false, 50);
	ok(b.state == BREAKER_OPEN && b.opened_ms == 50,
	   "third consecutive failure opens it");
	ok(!breaker_allow(&b, &pol, 1049), "open: refused in the cool-down");
	ok(breaker_allow(&b, &pol, 1050) && b.state == BREAKER_HALF_OPEN,
	   "after the cool-down: half-open, the attempt goes through");
	breaker_record(&b, &pol, true, 1060);
	ok(b.state == BREAKER_HALF_OPEN, "one success of two: still half-open");
	breaker_record(&b, &pol, true, 1070);
	ok(b.state == BREAKER_CLOSED && b.failures == 0,
	   "second success closes it");
}

static void test_half_open_failure(void)
{
	struct breaker b = { BREAKER_HALF_OPEN, 0, 1, 0 };

	breaker_record(&b, &pol, false, 5000);
	ok(b.state == BREAKER_OPEN && b.opened_ms == 5000,
	   "a failure in half-open opens it again for a new cool-down");
	ok(!breaker_allow(&b, &pol, 5500), "and refuses during it");
}

static void test_clock_back(void)
{
	struct breaker b = { BREAKER_OPEN, 3, 0, 100000 };

	ok(!breaker_allow(&b, &pol, 2000) && b.opened_ms == 2000,
	   "opened in the future (clock set back): cool-down from now");
	ok(breaker_allow(&b, &pol, 3000), "and it ends one cool-down later");
}

static void test_json(void)
{
	json_t *sec = json_object();
	struct breaker b = { BREAKER_OPEN, 3, 0, 1234 }, c;
	struct dist_error err = { 0 };

	ok(breaker_store(sec, "a@h", &b) == 0 &&
	   breaker_load(sec, "a@h", &c, &err) == 0 &&
	   c.state == BREAKER_OPEN && c.failures == 3 && c.opened_ms == 1234,
	   "json: an open breaker round-trips");
	memset(&b, 0, sizeof b);
	breaker_store(sec, "a@h", &b);
	ok(json_object_size(sec) == 0, "json: a clean closed one is dropped");
	ok(breaker_load(sec, "x@h", &c, &err) == 0 &&
	   c.state == BREAKER_CLOSED, "json: absent is closed");
	json_object_set_new(sec, "b@h", json_string("open"));
	ok(breaker_load(sec, "b@h", &c, &err) < 0 &&
	   err.code == DIST_E_USAGE && strstr(err.message, "b@h"),
	   "json: a damaged entry is an error naming the node");
	json_object_set_new(sec, "c@h", json_pack("{s:s,s:i,s:i,s:i}", "state",
						  "ajar", "failures", 1,
						  "successes", 0,
						  "opened_ms", 0));
	ok(breaker_load(sec, "c@h", &c, &err) < 0,
	   "json: an unknown state is refused");
	json_decref(sec);
}

int main(void)
{
	test_cycle();
	test_half_open_failure();
	test_clock_back();
	test_json();
	return tap_done();
}
