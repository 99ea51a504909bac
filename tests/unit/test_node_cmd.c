/* test_node_cmd.c - dist-node's stdin commands beyond send (call, rpc,
 * connect, disconnect, monitor, demonitor, register, unregister) and the
 * reconnect backoff. */
#include <string.h>

#include "tap.h"

#include "base/backoff.h"
#include "cluster/command.h"

static struct etf_arena *arena;

static int cmd(const char *line, struct node_cmd *c, struct dist_error *err)
{
	return node_cmd_parse(line, strlen(line), arena, c, err);
}

static void test_call_rpc(void)
{
	struct node_cmd c;
	struct dist_error err;

	ok(cmd("{\"call\": \"application_controller@n1@h\", \"term\": "
	       "\"which_applications\", \"id\": 1}", &c, &err) == 0 &&
	   c.kind == NODE_CMD_CALL &&
	   !strcmp(c.name, "application_controller") &&
	   !strcmp(c.node.full, "n1@h") &&
	   etf_is_atom(c.msg, "which_applications") &&
	   c.timeout_ms == NODE_CMD_DEFAULT_TIMEOUT_MS,
	   "call: name@node, request as text, default timeout");
	node_cmd_release(&c);
	ok(cmd("{\"call\": [\"srv\", \"n1@h\"], \"msg\": {\"$atom\": \"x\"}, "
	       "\"timeout\": \"250ms\"}", &c, &err) == 0 &&
	   c.timeout_ms == 250, "call: a duration timeout");
	node_cmd_release(&c);
	ok(cmd("{\"call\": \"srv@n1@h\", \"term\": \"x\", \"timeout\": 1.5}",
	       &c, &err) == 0 && c.timeout_ms == 1500,
	   "call: a timeout in seconds");
	node_cmd_release(&c);
	ok(cmd("{\"call\": \"srv@n1@h\", \"term\": \"x\", \"timeout\": -1}",
	       &c, &err) < 0 && err.code == DIST_E_USAGE &&
	   cmd("{\"call\": \"srv@n1@h\", \"term\": \"x\", \"timeout\": \"0\"}",
	       &c, &err) < 0,
	   "call: a negative or zero timeout is refused");
	node_cmd_release(&c);
	ok(cmd("{\"call\": \"n1@h\", \"term\": \"x\"}", &c, &err) < 0,
	   "call: a node alone is not a process");
	node_cmd_release(&c);
	ok(cmd("{\"call\": \"srv@n1@h\"}", &c, &err) < 0,
	   "call: no request");
	node_cmd_release(&c);
	ok(cmd("{\"rpc\": \"n1@h\", \"m\": \"lists\", \"f\": \"seq\", "
	       "\"a\": \"[1, 3]\"}", &c, &err) == 0 && c.kind == NODE_CMD_RPC &&
	   !strcmp(c.mod, "lists") && !strcmp(c.fun, "seq") &&
	   c.args->type == ETF_LIST && c.args->v.list.len == 2,
	   "rpc: module, function, args as text");
	node_cmd_release(&c);
	ok(cmd("{\"rpc\": \"n1@h\", \"m\": \"erlang\", \"f\": \"node\"}", &c,
	       &err) == 0 && c.args->type == ETF_NIL, "rpc: no args is []");
	node_cmd_release(&c);
	ok(cmd("{\"rpc\": \"n1@h\", \"m\": \"erlang\", \"f\": \"node\", "
	       "\"args\": {\"$atom\": \"x\"}}", &c, &err) < 0 &&
	   cmd("{\"rpc\": \"n1@h\", \"m\": \"\", \"f\": \"node\"}", &c,
	       &err) < 0 &&
	   cmd("{\"rpc\": \"n1@h\", \"m\": \"a\", \"f\": \"b\", \"a\": \"[1\"}",
	       &c, &err) < 0,
	   "rpc: args not a list, an empty module, unparsable args");
	node_cmd_release(&c);
}

static void test_others(void)
{
	struct node_cmd c;
	struct dist_error err;

	ok(cmd("{\"connect\": \"n2@h\"}", &c, &err) == 0 &&
	   c.kind == NODE_CMD_CONNECT && c.to_node &&
	   !strcmp(c.node.full, "n2@h"), "connect a node");
	node_cmd_release(&c);
	ok(cmd("{\"disconnect\": \"n2\"}", &c, &err) < 0,
	   "disconnect: a name without a host is refused");
	node_cmd_release(&c);
	ok(cmd("{\"monitor\": \"n2@h\"}", &c, &err) == 0 && c.to_node,
	   "monitor: one @ is a node");
	node_cmd_release(&c);
	ok(cmd("{\"monitor\": \"srv@n2@h\"}", &c, &err) == 0 && !c.to_node &&
	   !strcmp(c.name, "srv"), "monitor: two @ is a name on a node");
	node_cmd_release(&c);
	ok(cmd("{\"demonitor\": \"#Ref<0.1.2.3>\"}", &c, &err) == 0 &&
	   c.kind == NODE_CMD_DEMONITOR && !strcmp(c.ref, "#Ref<0.1.2.3>"),
	   "demonitor by the ref text");
	node_cmd_release(&c);
	ok(cmd("{\"demonitor\": 3}", &c, &err) < 0, "demonitor: not a string");
	node_cmd_release(&c);
	ok(cmd("{\"register\": \"box\"}", &c, &err) == 0 &&
	   c.kind == NODE_CMD_REGISTER && !strcmp(c.name, "box"),
	   "register a mailbox");
	node_cmd_release(&c);
	ok(cmd("{\"register\": \"net_kernel\"}", &c, &err) < 0 &&
	   cmd("{\"register\": \"\"}", &c, &err) < 0 &&
	   cmd("{\"register\": \"box\", \"reason\": \"x\"}", &c, &err) < 0,
	   "register: net_kernel, an empty name, a reason: refused");
	node_cmd_release(&c);
	ok(cmd("{\"unregister\": \"box\", \"reason\": \"{shutdown, x}\"}", &c,
	       &err) == 0 && etf_is_tuple(c.reason, 2),
	   "unregister with an exit reason");
	node_cmd_release(&c);
	ok(cmd("{\"send\": \"a@n@h\", \"call\": \"a@n@h\", \"term\": \"x\"}",
	       &c, &err) < 0 && err.code == DIST_E_USAGE,
	   "two commands on one line: refused");
	node_cmd_release(&c);
	ok(!strcmp(node_cmd_kind_name(NODE_CMD_UNREGISTER), "unregister"),
	   "kind names");
}

static void test_backoff(void)
{
	int64_t d;
	bool within = true;

	for (uint32_t r = 0; r < 2000; r += 7) {
		d = backoff_delay_ms(0, 200, 10000, r * 2654435761u);
		within = within && d >= 100 && d <= 200;
	}
	ok(within, "first retry: in [base/2, base]");
	ok(backoff_delay_ms(3, 200, 10000, 0) == 800 &&
	   backoff_delay_ms(3, 200, 10000, 800) == 1600 &&
	   backoff_delay_ms(3, 200, 10000, 801) == 800,
	   "attempt 3: in [800, 1600], by the random value");
	ok(backoff_delay_ms(60, 200, 10000, UINT32_MAX) <= 10000 &&
	   backoff_delay_ms(60, 200, 10000, 0) == 5000,
	   "many attempts: capped, no overflow");
	ok(backoff_delay_ms(1000000, 1, 1, 5) <= 1, "a huge attempt count");
}

int main(void)
{
	arena = etf_arena_new();
	test_call_rpc();
	test_others();
	test_backoff();
	etf_arena_free(arena);
	return tap_done();
}
