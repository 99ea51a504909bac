/* breaker.h - one circuit breaker per target, kept between cron runs,
 * so a probe that runs every minute stops hammering a node that is down.
 *
 *   closed --N consecutive failures--> open
 *   open --cool-down passed--> half-open (the next attempt goes through)
 *   half-open --M consecutive successes--> closed
 *   half-open --one failure--> open again, for a new cool-down
 *
 * The logic is pure: the caller gives the time. The state of all
 * targets is one JSON object (a section of the --state file, see
 * state_file.h) keyed by node name:
 *   {"a@h": {"state": "open", "failures": 3, "successes": 0,
 *            "opened_ms": 1764450000000}}
 * A closed breaker with no failures is not written at all, so the file
 * holds only the targets that are failing or recovering.
 *
 * The clock is the wall clock (CLOCK_REALTIME, milliseconds since the
 * epoch): the state outlives the process and the machine's boots, and
 * the monotonic clocks (CLOCK_MONOTONIC, CLOCK_BOOTTIME) start again at
 * every boot, so a time written by one boot means nothing to the next.
 * The wall clock can jump; a jump forward only ends a cool-down early
 * (one extra attempt), and an opening time in the future (the clock was
 * set back) is taken as "opened now", so a breaker never stays open for
 * longer than one cool-down after the clock is seen to have moved.
 */
#ifndef DIST_CLUSTER_BREAKER_H
#define DIST_CLUSTER_BREAKER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

enum breaker_state { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN };

struct breaker_policy {
	long failures;        /* N: consecutive failures that open it */
	long successes;       /* M: successes in half-open that close it */
	int64_t cooldown_ms;  /* open this long before half-open */
};

#define BREAKER_DEFAULT_FAILURES 3
#define BREAKER_DEFAULT_SUCCESSES 1
#define BREAKER_DEFAULT_COOLDOWN_MS (5 * 60 * 1000)

struct breaker {
	enum breaker_state state;
	long failures;        /* consecutive, in closed */
	long successes;       /* consecutive, in half-open */
	int64_t opened_ms;    /* wall clock when it last opened */
};

/* May an attempt be made at now_ms? An open breaker whose cool-down
 * has passed becomes half-open here and lets the attempt through. */
bool breaker_allow(struct breaker *b, const struct breaker_policy *p,
		   int64_t now_ms);

/* The attempt's outcome. */
void breaker_record(struct breaker *b, const struct breaker_policy *p,
		    bool success, int64_t now_ms);

/* "closed", "open", "half_open". */
const char *breaker_state_name(enum breaker_state s);

/* The breaker of node in section (a closed one when absent). A value
 * that is not a breaker object is an error naming the node
 * (DIST_E_USAGE, stage input): a damaged file is never reset. */
int breaker_load(const json_t *section, const char *node, struct breaker *b,
		 struct dist_error *err);

/* Write b for node into section (or remove it when closed and clean).
 * -1 only when out of memory. */
int breaker_store(json_t *section, const char *node, const struct breaker *b);

/* Milliseconds of the wall clock. */
int64_t breaker_now_ms(void);

#endif
