/* elect_lease.c - the lease's Erlang text and its answer (see
 * elect_lease.h). */
#include "cluster/elect_lease.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* What every operation needs on the member: the name, a clock, the
 * shape of an answer, the lease process itself and a call to it.
 * Variables start with Dl so that none is bound by accident: a name
 * bound outside a fun is matched inside it, not rebound. */
static const char lease_common[] =
"DlNow = fun() -> erlang:monotonic_time(millisecond) end,\n"
"DlInfo = fun(DlStatus, DlH, DlT, DlLeft, DlP) ->\n"
"    #{status => DlStatus, holder => DlH, term => DlT,\n"
"      left_ms => DlLeft, lease_node => node(DlP)}\n"
"end,\n"
/* The lease: answers who holds it, extends or ends it for its holder
 * only, and ends by itself at expiry (global then drops the name). */
"DlLease = fun DlLoop(DlH, DlT, DlExpiry) ->\n"
"    DlLeft = max(0, DlExpiry - DlNow()),\n"
"    receive\n"
"        {dist_leader, DlFrom, DlRef, {renew, DlWho, DlFor}}\n"
"                when DlWho =:= DlH ->\n"
"            DlFrom ! {DlRef, DlInfo(renewed, DlH, DlT, DlFor, self())},\n"
"            DlLoop(DlH, DlT, DlNow() + DlFor);\n"
"        {dist_leader, DlFrom, DlRef, {release, DlWho}}\n"
"                when DlWho =:= DlH ->\n"
"            global:unregister_name(DlName),\n"
"            DlFrom ! {DlRef, DlInfo(released, DlH, DlT, 0, self())};\n"
"        {dist_leader, DlFrom, DlRef, _} ->\n"
"            DlFrom ! {DlRef, DlInfo(held, DlH, DlT,\n"
"                                    max(0, DlExpiry - DlNow()), self())},\n"
"            DlLoop(DlH, DlT, DlExpiry)\n"
"    after DlLeft ->\n"
"        expired\n"
"    end\n"
"end,\n"
/* A call to the lease; one that died meanwhile is a free lease. */
"DlAsk = fun(DlP, DlReq) ->\n"
"    DlM = erlang:monitor(process, DlP),\n"
"    DlP ! {dist_leader, self(), DlM, DlReq},\n"
"    receive\n"
"        {DlM, DlReply} -> erlang:demonitor(DlM, [flush]), DlReply;\n"
"        {'DOWN', DlM, process, _, _} -> #{status => free}\n"
"    after 5000 ->\n"
"        erlang:demonitor(DlM, [flush]), #{status => busy}\n"
"    end\n"
"end,\n"
"DlWith = fun(DlReq) ->\n"
"    case global:whereis_name(DlName) of\n"
"        undefined -> #{status => free};\n"
"        DlP -> DlAsk(DlP, DlReq)\n"
"    end\n"
"end,\n";

/* Take: a new lease process, registered if the name is still free;
 * global's lock makes one of two concurrent registrations lose (no),
 * and the loser's process is killed before anyone could see it. */
static const char lease_take[] =
"DlTake = fun DlTry(DlTries) ->\n"
"    case global:whereis_name(DlName) of\n"
"        undefined ->\n"
"            DlNew = max(DlLocalTerm,\n"
"                        persistent_term:get(DlTermKey, 0)) + 1,\n"
"            DlExp = DlNow() + DlMs,\n"
"            DlP = spawn(fun() -> DlLease(DlHolder, DlNew, DlExp) end),\n"
"            case global:register_name(DlName, DlP) of\n"
"                yes ->\n"
"                    persistent_term:put(DlTermKey, DlNew),\n"
"                    DlInfo(acquired, DlHolder, DlNew, DlMs, DlP);\n"
"                no ->\n"
"                    exit(DlP, kill),\n"
"                    if DlTries > 0 -> DlTry(DlTries - 1);\n"
"                       true -> #{status => busy}\n"
"                    end\n"
"            end;\n"
"        DlP ->\n"
"            case DlAsk(DlP, query) of\n"
"                #{status := free} when DlTries > 0 -> DlTry(DlTries - 1);\n"
"                DlR -> DlR\n"
"            end\n"
"    end\n"
"end,\n"
"DlTake(3).\n";

int elect_id_check(const char *what, const char *s, struct dist_error *err)
{
	size_t n = strlen(s);

	if (n == 0 || n > ELECT_ID_MAX)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "%s must be 1 to %d characters",
				      what, ELECT_ID_MAX);
	for (const char *p = s; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == '\\')
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "%s '%s': only printable ASCII "
					      "without spaces, '\"' or '\\'",
					      what, s);
	return 0;
}

static void put_text(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put_text(struct buf *b, const char *fmt, ...)
{
	char line[ELECT_ID_MAX + 128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line) {
		b->failed = 1;
		return;
	}
	buf_put(b, line, (size_t)n);
}

int elect_lease_text(struct buf *out, enum elect_lease_op op,
		     const char *group, const char *holder, int64_t lease_ms,
		     int64_t local_term, struct dist_error *err)
{
	if (elect_id_check("--group", group, err) < 0 ||
	    (holder && elect_id_check("--self", holder, err) < 0))
		return -1;
	put_text(out, "DlName = {dist_leader, <<\"%s\">>},\n", group);
	put_text(out, "DlTermKey = {dist_leader_term, <<\"%s\">>},\n", group);
	if (holder)
		put_text(out, "DlHolder = <<\"%s\">>,\n", holder);
	else
		put_text(out, "DlHolder = undefined,\n");
	put_text(out, "DlMs = %lld,\nDlLocalTerm = %lld,\n",
		 (long long)lease_ms, (long long)local_term);
	buf_put(out, lease_common, sizeof lease_common - 1);
	switch (op) {
	case LEASE_QUERY:
		put_text(out, "DlWith(query).\n");
		break;
	case LEASE_TAKE:
		buf_put(out, lease_take, sizeof lease_take - 1);
		break;
	case LEASE_RENEW:
		put_text(out, "DlWith({renew, DlHolder, DlMs}).\n");
		break;
	case LEASE_RELEASE:
		put_text(out, "DlWith({release, DlHolder}).\n");
		break;
	}
	buf_put_u8(out, 0);
	if (out->failed)
		return dist_error_nomem(err, DIST_STAGE_INPUT,
					"building the lease expressions");
	return 0;
}

static const char *const status_names[] = {
	[LEASE_FREE] = "free",         [LEASE_HELD] = "held",
	[LEASE_ACQUIRED] = "acquired", [LEASE_RENEWED] = "renewed",
	[LEASE_RELEASED] = "released", [LEASE_BUSY] = "busy",
};

const char *elect_lease_status_name(enum elect_lease_status s)
{
	return status_names[s];
}

static int bad_answer(struct dist_error *err, const char *node,
		      const char *what)
{
	return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
			      "%s: the lease answered something else than "
			      "dist-elect's lease sends: %s", node, what);
}

static int text_field(const json_t *o, const char *key, char *dst,
		      size_t size)
{
	const json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	size_t n;

	if (!v)
		return 0;
	if (!s)
		return -1;
	n = json_string_length(v);
	if (n >= size || strlen(s) != n)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

static int count_field(const json_t *o, const char *key, int64_t max,
		       int64_t *dst)
{
	const json_t *v = json_object_get(o, key);
	json_int_t n;

	if (!v)
		return 0;
	n = json_is_integer(v) ? json_integer_value(v) : -1;
	if (n < 0 || n > max)
		return -1;
	*dst = n;
	return 0;
}

int elect_lease_answer_parse(const json_t *result, const char *node,
			     struct elect_lease_answer *a,
			     struct dist_error *err)
{
	const char *status = json_string_value(json_object_get(result,
								 "status"));
	size_t i;

	memset(a, 0, sizeof *a);
	if (!json_is_object(result) || !status)
		return bad_answer(err, node, "no status");
	for (i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
		if (!strcmp(status, status_names[i]))
			break;
	if (i == sizeof status_names / sizeof status_names[0])
		return bad_answer(err, node, "an unknown status");
	a->status = (enum elect_lease_status)i;
	if (text_field(result, "holder", a->holder, sizeof a->holder) < 0 ||
	    text_field(result, "lease_node", a->lease_node,
		       sizeof a->lease_node) < 0 ||
	    count_field(result, "term", ELECT_TERM_MAX, &a->term) < 0 ||
	    count_field(result, "left_ms", ELECT_LEASE_MAX_MS,
			&a->left_ms) < 0)
		return bad_answer(err, node, "a field of the wrong type");
	if (a->status != LEASE_FREE && a->status != LEASE_BUSY &&
	    !a->holder[0])
		return bad_answer(err, node, "a lease without a holder");
	return 0;
}
