/* test_members.c - dist-members' pure parts: the who-sees-whom graph,
 * partitions, full mesh, quorum and health; SWIM suspicion and its
 * timeout; a view's answer and the indirect probe's question. */
#include <string.h>

#include "cluster/members_graph.h"
#include "cluster/members_view.h"
#include "cluster/swim.h"
#include "tap.h"

static void both(struct members_graph *g, size_t a, size_t b)
{
	members_graph_see(g, a, b);
	members_graph_see(g, b, a);
}

static void test_graph(void)
{
	enum member_status st[5] = { MEMBER_ALIVE, MEMBER_ALIVE, MEMBER_ALIVE,
				     MEMBER_ALIVE, MEMBER_ALIVE };
	struct members_graph g;
	struct members_health h;

	ok(members_graph_init(&g, 5) == 0, "a graph of 5");
	/* {0,1,2} meshed, {3,4} meshed: a split. */
	both(&g, 0, 1);
	both(&g, 0, 2);
	both(&g, 1, 2);
	both(&g, 3, 4);
	ok(members_graph_partitions(&g, st) == 2, "two partitions");
	ok(g.partition[0] == 0 && g.partition[2] == 0 && g.partition[3] == 1 &&
	   g.partition[4] == 1, "numbered by their lowest member");
	ok(!members_graph_full_mesh(&g, st), "a split is no full mesh");
	members_health_compute(&g, st, 0, &h);
	ok(h.alive == 5 && h.partitions == 2 && h.quorum && !h.healthy,
	   "split: quorum by count, not healthy");
	/* One link joins them; one way is enough for a partition. */
	members_graph_see(&g, 2, 3);
	ok(members_graph_partitions(&g, st) == 1, "one link: one partition");
	ok(!members_graph_full_mesh(&g, st), "still no full mesh");
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 5; j++)
			members_graph_see(&g, i, j);
	ok(members_graph_sees(&g, 4, 0) && !members_graph_sees(&g, 4, 4),
	   "nobody sees itself");
	members_graph_partitions(&g, st);
	members_health_compute(&g, st, 5, &h);
	ok(h.full_mesh && h.healthy && h.expected == 5, "full mesh: healthy");
	members_health_compute(&g, st, 7, &h);
	ok(!h.healthy && h.quorum && h.expected == 7,
	   "two expected members missing: degraded, quorum 5 > 3.5");
	st[3] = st[4] = MEMBER_DEAD;
	st[2] = MEMBER_SUSPECT;
	members_graph_partitions(&g, st);
	members_health_compute(&g, st, 5, &h);
	ok(g.partition[3] == -1 && g.partition[4] == -1,
	   "dead members are in no partition");
	ok(h.alive == 2 && h.suspect == 1 && h.dead == 2 && !h.quorum,
	   "2 alive of 5: no quorum");
	ok(h.full_mesh, "the living see each other and the suspect one");
	members_graph_free(&g);
	ok(members_graph_init(&g, 0) == 0 &&
	   members_graph_partitions(&g, st) == 0, "no members, no partition");
	members_graph_free(&g);
	ok(!strcmp(member_status_name(MEMBER_SUSPECT), "suspect"), "names");
}

static void test_swim(void)
{
	struct swim_state s = { 0 };
	int64_t t = 4000;

	ok(swim_suspicion_timeout_ms(4, 3, 1000) == 4000,
	   "3 members: log10 under 1 counts as 1");
	ok(swim_suspicion_timeout_ms(4, 100, 1000) == 8000,
	   "100 members: 4 x 2 x interval");
	ok(swim_suspicion_timeout_ms(4, 0, 200) == 800, "no members");
	ok(swim_observe(&s, SWIM_ACK, 0, t) == SWIM_EV_UP, "new and acked: up");
	ok(swim_observe(&s, SWIM_ACK, 100, t) == SWIM_EV_NONE, "no change");
	ok(swim_observe(&s, SWIM_NO_ACK, 1000, t) == SWIM_EV_SUSPECT,
	   "missed: suspect, not dead");
	ok(swim_observe(&s, SWIM_NO_ACK, 4999, t) == SWIM_EV_NONE,
	   "within the timeout: still suspect");
	ok(swim_observe(&s, SWIM_INDIRECT_ACK, 4000, t) == SWIM_EV_NONE &&
	   s.status == MEMBER_SUSPECT, "an indirect ack refutes, stays suspect");
	ok(swim_observe(&s, SWIM_NO_ACK, 7999, t) == SWIM_EV_NONE,
	   "the clock started again at the refutation");
	ok(swim_observe(&s, SWIM_NO_ACK, 8000, t) == SWIM_EV_DOWN,
	   "unrefuted for the timeout: down");
	ok(swim_observe(&s, SWIM_NO_ACK, 20000, t) == SWIM_EV_NONE,
	   "down once");
	ok(swim_observe(&s, SWIM_INDIRECT_ACK, 21000, t) == SWIM_EV_SUSPECT,
	   "dead but reached through a member: suspect again");
	ok(swim_observe(&s, SWIM_ACK, 22000, t) == SWIM_EV_UP, "back: up");
	memset(&s, 0, sizeof s);
	ok(swim_observe(&s, SWIM_NO_ACK, 0, t) == SWIM_EV_SUSPECT,
	   "a new member never answering starts suspect");
	ok(swim_status_once(SWIM_INDIRECT_ACK) == MEMBER_SUSPECT &&
	   swim_status_once(SWIM_NO_ACK) == MEMBER_DEAD &&
	   swim_status_once(SWIM_ACK) == MEMBER_ALIVE, "one look");
}

static struct etf_term *atoms(struct etf_arena *a, int n, const char **s)
{
	struct etf_term *l;

	if (n == 0)
		return etf_nil(a);
	l = etf_list_new(a, (uint32_t)n, etf_nil(a));
	for (int i = 0; i < n; i++)
		l->v.list.elems[i] = etf_atom(a, s[i]);
	return l;
}

static void test_view(void)
{
	struct etf_arena *a = etf_arena_new();
	const char *vis[] = { "b@h", "c@h" }, *hid[] = { "-dist0@h" };
	struct member_view v;
	struct dist_error err;
	struct etf_term *t;
	enum members_indirect_answer ans;
	char buf[512];

	t = etf_tuple(a, 7, etf_atom(a, "a@h"), atoms(a, 2, vis),
		      atoms(a, 1, hid), etf_string(a, "26", 2),
		      etf_int(a, 5000), etf_int(a, 60), etf_int(a, 30000000));
	ok(members_view_decode(t, &v, &err) == 0, "a view decodes");
	ok(!strcmp(v.node, "a@h") && v.nvisible == 2 && v.nhidden == 1 &&
	   !strcmp(v.otp_release, "26") && v.uptime_ms == 5000 &&
	   v.processes == 60 && v.memory_bytes == 30000000 && !v.groups,
	   "its fields");
	ok(members_view_sees(&v, "c@h") && !members_view_sees(&v, "-dist0@h"),
	   "hidden nodes are not seen");
	members_view_free(&v);
	t->v.tuple.elems[1] = etf_tuple(a, 1, etf_atom(a, "x"));
	ok(members_view_decode(t, &v, &err) < 0 && err.code == DIST_E_PROTOCOL,
	   "a wrong shape is a protocol error");
	members_view_free(&v);
	t->v.tuple.elems[1] = etf_list_new(a, 2, etf_nil(a));
	t->v.tuple.elems[1]->v.list.elems[0] = etf_atom(a, "b@h");
	t->v.tuple.elems[1]->v.list.elems[1] = etf_int(a, 1);
	ok(members_view_decode(t, &v, &err) < 0, "a node that is no atom");
	members_view_free(&v);
	ok(members_view_decode(etf_atom(a, "ok"), &v, &err) < 0, "not a tuple");
	members_view_free(&v);
	ok(strstr(members_view_expr(true), "pg:which_groups()") &&
	   !strstr(members_view_expr(false), "pg:"), "groups only when asked");
	ok(members_indirect_expr("x@it's", 500, buf, sizeof buf, &err) == 0 &&
	   strstr(buf, "T = 'x@it\\'s'") && strstr(buf, "[noconnect]") &&
	   strstr(buf, "after 500 ->"), "the indirect probe quotes the name");
	ok(members_indirect_expr("x@h", 500, buf, 40, &err) < 0 &&
	   err.code == DIST_E_TOO_LARGE, "a small buffer is refused");
	ok(members_indirect_decode(etf_atom(a, "yes"), &ans, &err) == 0 &&
	   ans == MEMBERS_INDIRECT_REACHED, "yes: reached");
	ok(members_indirect_decode(etf_atom(a, "noconnect"), &ans, &err) == 0 &&
	   ans == MEMBERS_INDIRECT_NOT_CONNECTED, "noconnect");
	ok(members_indirect_decode(etf_int(a, 1), &ans, &err) < 0,
	   "anything else is refused");
	etf_arena_free(a);
}

int main(void)
{
	test_graph();
	test_swim();
	test_view();
	return tap_done();
}
