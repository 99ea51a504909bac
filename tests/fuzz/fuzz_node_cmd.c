/* fuzz_node_cmd - a line of dist-node's stdin, read as a command
 * (lib/cluster/command.h).
 *
 * Invariants: a refusal is typed; an accepted send or call has a
 * message, a valid target (a checked registered name, or a pid) and a
 * node name that parses; a global send a name of text, a timeout, and
 * a node that parses or none (the first --connect); a call or rpc a positive timeout; an rpc
 * checked module and function names and a list of arguments; a
 * register or unregister a checked name; a demonitor a ref; the id
 * reference is released.
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
		switch (cmd.kind) {
		case NODE_CMD_CALL:
			FUZZ_CHECK(cmd.timeout_ms > 0);
			/* fall through */
		case NODE_CMD_SEND:
			FUZZ_CHECK(cmd.msg);
			if (cmd.to_global) {
				FUZZ_CHECK(!cmd.to_pid && cmd.name[0] &&
					   memchr(cmd.name, '\0',
						  sizeof cmd.name) &&
					   cmd.timeout_ms > 0);
				break;
			}
			FUZZ_CHECK(cmd.to_pid ? cmd.pid &&
						 cmd.pid->type == ETF_PID
					      : node_cmd_name_ok(cmd.name));
			break;
		case NODE_CMD_RPC:
			FUZZ_CHECK(cmd.timeout_ms > 0 && cmd.args &&
				   (cmd.args->type == ETF_LIST ||
				    cmd.args->type == ETF_NIL));
			FUZZ_CHECK(node_cmd_name_ok(cmd.mod) &&
				   node_cmd_name_ok(cmd.fun));
			break;
		case NODE_CMD_MONITOR:
			FUZZ_CHECK(cmd.to_node || cmd.to_pid ||
				   node_cmd_name_ok(cmd.name));
			break;
		case NODE_CMD_REGISTER:
		case NODE_CMD_UNREGISTER:
			FUZZ_CHECK(node_cmd_name_ok(cmd.name));
			break;
		case NODE_CMD_DEMONITOR:
			FUZZ_CHECK(cmd.ref[0] &&
				   memchr(cmd.ref, '\0', sizeof cmd.ref));
			break;
		default:
			FUZZ_CHECK(cmd.to_node);
			break;
		}
		if (cmd.kind != NODE_CMD_REGISTER &&
		    cmd.kind != NODE_CMD_UNREGISTER &&
		    cmd.kind != NODE_CMD_DEMONITOR &&
		    !(cmd.to_global && !cmd.node.full[0]))
			FUZZ_CHECK(node_name_parse(cmd.node.full, &nn,
						   &err) == 0);
		FUZZ_CHECK(memchr(cmd.from, '\0', sizeof cmd.from));
	} else {
		fuzz_check_error(&err);
	}
	node_cmd_release(&cmd);
	etf_arena_free(a);
	return 0;
}
