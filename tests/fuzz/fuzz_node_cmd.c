/* fuzz_node_cmd - a line of dist-node's stdin, read as a command
 * (lib/cluster/command.h).
 *
 * Invariants: a refusal is typed; an accepted send has a message, a
 * valid target (a checked registered name, or a pid) and a node name
 * that parses; the id reference is released.
 */
#include "fuzz.h"

#include "cluster/command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct etf_arena *a = etf_arena_new();
	struct dist_error err = { 0 };
	struct node_cmd cmd;
	struct node_name nn;

	if (!a)
		return 0;
	if (node_cmd_parse((const char *)data, size, a, &cmd, &err) == 0) {
		FUZZ_CHECK(cmd.kind == NODE_CMD_SEND && cmd.msg);
		FUZZ_CHECK(cmd.to_pid ? cmd.pid && cmd.pid->type == ETF_PID
				      : node_cmd_name_ok(cmd.name));
		FUZZ_CHECK(node_name_parse(cmd.node.full, &nn, &err) == 0);
		FUZZ_CHECK(memchr(cmd.from, '\0', sizeof cmd.from));
	} else {
		fuzz_check_error(&err);
	}
	node_cmd_release(&cmd);
	etf_arena_free(a);
	return 0;
}
