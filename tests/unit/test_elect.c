/* test_elect.c - the pure parts of dist-elect: the choice under a
 * quorum of the expected members, the term's rule and its entry in the
 * state file, and the lease's text and answer. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "cluster/elect_choice.h"
#include "cluster/elect_lease.h"
#include "cluster/elect_term.h"
#include "tap.h"

static void view(struct elect_member *m, const char *const *names,
		 const char *alive, size_t n)
{
	for (size_t i = 0; i < n; i++)
		m[i] = (struct elect_member){ names[i], alive[i] == '1' };
}

static void test_choice(void)
{
	static const char *const names[] = { "b@h", "d@h", "a@h", "e@h",
					     "c@h" };
	struct elect_member m[5];
	struct elect_outcome o;

	view(m, names, "11111", 5);
	elect_choose(m, 5, ELECT_HIGHEST, &o);
	ok(o.leader == 3 && o.alive == 5 && o.quorum == 3,
	   "choice: highest of five alive is e@h");
	elect_choose(m, 5, ELECT_LOWEST, &o);
	ok(o.leader == 2, "choice: lowest of five alive is a@h");
	view(m, names, "10101", 5);
	elect_choose(m, 5, ELECT_HIGHEST, &o);
	ok(o.leader == 4 && o.alive == 3,
	   "choice: three of five alive is a quorum; c@h is the highest");
	view(m, names, "01010", 5);
	elect_choose(m, 5, ELECT_HIGHEST, &o);
	ok(o.leader == -1 && o.alive == 2 && o.quorum == 3,
	   "choice: two of five alive: no leader, whatever their names");
	view(m, names, "1100", 4);
	elect_choose(m, 4, ELECT_HIGHEST, &o);
	ok(o.leader == -1 && o.quorum == 3,
	   "choice: half of four is no majority");
	elect_choose(m, 0, ELECT_HIGHEST, &o);
	ok(o.leader == -1 && o.quorum == 1, "choice: no member, no leader");
	view(m, names, "11111", 5);
	elect_choose(m, 5, ELECT_GLOBAL, &o);
	ok(o.leader == -1 && o.alive == 5,
	   "choice: global only counts (the lease decides)");
}

static void test_views_agree(void)
{
	/* Two hosts list the members in different orders: same leader. */
	static const char *const one[] = { "n1@h", "n3@h", "n2@h" };
	static const char *const two[] = { "n2@h", "n1@h", "n3@h" };
	struct elect_member a[3], b[3];
	struct elect_outcome oa, ob;

	view(a, one, "111", 3);
	view(b, two, "111", 3);
	elect_choose(a, 3, ELECT_HIGHEST, &oa);
	elect_choose(b, 3, ELECT_HIGHEST, &ob);
	ok(!strcmp(one[oa.leader], two[ob.leader]),
	   "choice: the order of the members does not matter");
}

static void test_parse(void)
{
	ok(elect_strategy_parse("highest") == ELECT_HIGHEST &&
	   elect_strategy_parse("lowest") == ELECT_LOWEST &&
	   elect_strategy_parse("global") == ELECT_GLOBAL &&
	   elect_strategy_parse("raft") == -1, "strategy: names");
	ok(elect_status_parse("alive") == ELECT_ALIVE &&
	   elect_status_parse("dead") == ELECT_DEAD &&
	   elect_status_parse("suspect") == ELECT_PROBE &&
	   elect_status_parse(NULL) == ELECT_PROBE,
	   "status: alive and dead taken as said, the rest probed");
}

static void test_term(void)
{
	struct elect_term t;

	memset(&t, 0, sizeof t);
	ok(elect_term_observe(&t, "a@h", 0) == 1 && t.term == 1,
	   "term: the first leader seen is term 1");
	ok(elect_term_observe(&t, "a@h", 0) == 0 && t.term == 1,
	   "term: the same leader keeps the term");
	ok(elect_term_observe(&t, NULL, 0) == 0 && t.term == 1 &&
	   !strcmp(t.leader, "a@h"), "term: no leader changes nothing");
	ok(elect_term_observe(&t, "a@h", 0) == 0 && t.term == 1,
	   "term: the same leader back after no quorum: no failover");
	ok(elect_term_observe(&t, "b@h", 0) == 1 && t.term == 2,
	   "term: another leader: term + 1");
	ok(elect_term_observe(&t, "b@h", 7) == 1 && t.term == 7,
	   "term: a lease's term is a floor");
	ok(elect_term_observe(&t, "c@h", 3) == 1 && t.term == 8,
	   "term: a lower floor does not lower it");
}

static void test_term_state(void)
{
	json_t *sec = json_object();
	struct elect_term t, back;
	struct dist_error err;

	memset(&t, 0, sizeof t);
	ok(elect_term_load(sec, "g", "f", &t, &err) == 0 && t.term == 0 &&
	   !t.leader[0], "term state: a missing entry is term 0");
	elect_term_observe(&t, "a@h", 0);
	ok(elect_term_store(sec, "g", &t) == 0 &&
	   elect_term_load(sec, "g", "f", &back, &err) == 0 &&
	   back.term == 1 && !strcmp(back.leader, "a@h"),
	   "term state: stored and read back");
	json_object_set_new(sec, "x", json_pack("{s:s}", "term", "3"));
	ok(elect_term_load(sec, "x", "st.json", &back, &err) < 0 &&
	   err.code == DIST_E_USAGE && strstr(err.message, "st.json"),
	   "term state: a term that is not a number is refused by name");
	json_object_set_new(sec, "x", json_pack("{s:i}", "leader", 3));
	ok(elect_term_load(sec, "x", "f", &back, &err) < 0,
	   "term state: a leader that is not a string is refused");
	json_object_set_new(sec, "x", json_pack("{s:I}", "term",
						(json_int_t)-1));
	ok(elect_term_load(sec, "x", "f", &back, &err) < 0,
	   "term state: a negative term is refused");
	json_object_set_new(sec, "x", json_integer(1));
	ok(elect_term_load(sec, "x", "f", &back, &err) < 0,
	   "term state: an entry that is not an object is refused");
	json_decref(sec);
}

static void test_lease_text(void)
{
	struct buf b;
	struct dist_error err;

	buf_init(&b, 64 * 1024);
	ok(elect_lease_text(&b, LEASE_TAKE, "nightly", "app@h", 30000, 4,
			    &err) == 0 &&
	   strstr((char *)b.data, "{dist_leader, <<\"nightly\">>}") &&
	   strstr((char *)b.data, "global:register_name(DlName, DlP)") &&
	   strstr((char *)b.data, "DlLocalTerm = 4,"),
	   "lease text: take registers {dist_leader, <<Group>>}");
	buf_reset(&b);
	ok(elect_lease_text(&b, LEASE_QUERY, "g", NULL, 1000, 0, &err) == 0 &&
	   strstr((char *)b.data, "DlHolder = undefined,"),
	   "lease text: a query has no holder");
	buf_reset(&b);
	ok(elect_lease_text(&b, LEASE_TAKE, "a\"b", "x", 1, 0, &err) < 0 &&
	   err.code == DIST_E_USAGE,
	   "lease text: a quote cannot end the binary early");
	ok(elect_id_check("--self", "a b", &err) < 0 &&
	   elect_id_check("--self", "", &err) < 0 &&
	   elect_id_check("--self", "back\\slash", &err) < 0 &&
	   elect_id_check("--self", "app@host.example", &err) == 0,
	   "lease text: ids are printable ASCII, no space, quote, backslash");
	buf_free(&b);
}

static void test_lease_answer(void)
{
	struct elect_lease_answer a;
	struct dist_error err;
	json_t *j = json_pack("{s:s, s:s, s:i, s:i, s:s}", "status", "held",
			      "holder", "x", "term", 3, "left_ms", 100,
			      "lease_node", "a@h");

	ok(elect_lease_answer_parse(j, "a@h", &a, &err) == 0 &&
	   a.status == LEASE_HELD && !strcmp(a.holder, "x") && a.term == 3 &&
	   a.left_ms == 100 && !strcmp(a.lease_node, "a@h"),
	   "lease answer: held");
	json_object_set_new(j, "status", json_string("mine"));
	ok(elect_lease_answer_parse(j, "a@h", &a, &err) < 0 &&
	   err.code == DIST_E_PROTOCOL, "lease answer: unknown status");
	json_object_set_new(j, "status", json_string("acquired"));
	json_object_set_new(j, "term", json_string("3"));
	ok(elect_lease_answer_parse(j, "a@h", &a, &err) < 0,
	   "lease answer: a term of the wrong type");
	json_decref(j);
	j = json_pack("{s:s}", "status", "held");
	ok(elect_lease_answer_parse(j, "a@h", &a, &err) < 0,
	   "lease answer: held without a holder");
	json_decref(j);
	j = json_pack("{s:s}", "status", "free");
	ok(elect_lease_answer_parse(j, "a@h", &a, &err) == 0 &&
	   a.status == LEASE_FREE && !a.holder[0], "lease answer: free");
	json_decref(j);
	j = json_string("free");
	ok(elect_lease_answer_parse(j, "a@h", &a, &err) < 0,
	   "lease answer: not an object");
	json_decref(j);
}

int main(void)
{
	test_choice();
	test_views_agree();
	test_parse();
	test_term();
	test_term_state();
	test_lease_text();
	test_lease_answer();
	return tap_done();
}
