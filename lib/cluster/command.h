/* command.h - dist-node's stdin commands, one JSON object a line, read
 * into a checked command before anything touches the network.
 *
 *   {"send": TO, "msg": TAGGED-JSON, "id": ANY, "from": "mailbox"}
 *   {"send": TO, "term": "Erlang term text", ...}
 *
 * TO is "name@alive@host" (a registered name on a node: the part before
 * the first '@' is the name), ["name", "alive@host"], or a pid in tagged
 * JSON ({"$pid": {...}}, as -o tagged prints the "from" of a message).
 * "id", any JSON value, comes back in the command's result record.
 * "from" names one of our mailboxes as the sender (the pid a reply
 * goes to); without it the node's own pid is the sender.
 *
 *   {"send": {"global": "NAME", "via": "node@host"}, "term": ..., ...}
 *       to the process registered in `global` under the binary <<"NAME">>
 *       (as Gleam's distribute registers; atom names are not looked
 *       up): global:whereis_name/1 through rex at "via", by default the
 *       first --connect node, then the message to the pid; "timeout"
 *       bounds the lookup. With "codec" the message is {<<"NAME">>,
 *       Binary} (node_codec.h); without, the term as it is.
 *
 *   {"call": TO, "term": "which_applications", "timeout": "5s", "id": 1}
 *       gen_server:call(TO, Request): the reply comes back as a result
 *       record; "msg" (tagged JSON) instead of "term" as for send
 *   {"rpc": "node@host", "m": "erlang", "f": "node", "a": "[]"}
 *       M:F(A) through rex; "args" (a tagged JSON list) instead of "a";
 *       "timeout" as for call
 *   {"connect": "node@host"}       keep a connection, reconnect on loss
 *   {"disconnect": "node@host"}    stop keeping it, and close it
 *   {"monitor": TO | "node@host"}  a DOWN record when it goes
 *   {"demonitor": "#Ref<...>"}     the ref a monitor's result gave
 *   {"register": "name"}, {"unregister": "name", "reason": "Erlang text"}
 *
 * A string TO with one '@' is a node, with two a name on a node.
 *
 * Names are checked before they can become atoms on a remote node.
 * Errors are DIST_E_USAGE (stage input) saying what is wrong with the
 * line; the terms are bounded by the term readers' limits.
 */
#ifndef DIST_CLUSTER_COMMAND_H
#define DIST_CLUSTER_COMMAND_H

#include <jansson.h>
#include <stdbool.h>

#include "base/error.h"
#include "dist/nodename.h"
#include "etf/etf.h"

/* The longest line a command may take. */
#define NODE_CMD_LINE_MAX (1024 * 1024)

enum node_cmd_kind {
	NODE_CMD_SEND,
	NODE_CMD_CALL,
	NODE_CMD_RPC,
	NODE_CMD_CONNECT,
	NODE_CMD_DISCONNECT,
	NODE_CMD_MONITOR,
	NODE_CMD_DEMONITOR,
	NODE_CMD_REGISTER,
	NODE_CMD_UNREGISTER,
};

/* A call's or an rpc's deadline when the command gives none. */
#define NODE_CMD_DEFAULT_TIMEOUT_MS 5000

struct node_cmd {
	enum node_cmd_kind kind;
	json_t *id;                 /* a reference, or NULL */
	bool to_pid;
	bool to_global;             /* send: name is a global name; node
				     * the one asked ("" = first --connect) */
	struct etf_term *pid;       /* to_pid: the pid, in the arena */
	char name[256];             /* !to_pid: the registered name */
	struct node_name node;      /* where it goes (the pid's node too) */
	struct etf_term *msg;
	char from[256];             /* a mailbox name, or "" */
	bool to_node;               /* monitor, connect, disconnect, rpc:
				     * the target is the node itself */
	int64_t timeout_ms;         /* call, rpc */
	char mod[256], fun[256];    /* rpc */
	struct etf_term *args;      /* rpc: a proper list */
	char ref[128];              /* demonitor */
	struct etf_term *reason;    /* unregister: the exit reason */
};

/* The command's name, as result records say it ("send", "call", ...). */
const char *node_cmd_kind_name(enum node_cmd_kind kind);

/* Parse one line (without its newline). 0, or -1 with err set; the
 * terms are allocated in a. Release with node_cmd_release. */
int node_cmd_parse(const char *line, size_t len, struct etf_arena *a,
		   struct node_cmd *cmd, struct dist_error *err);
void node_cmd_release(struct node_cmd *cmd);

/* A send's target {"global": NAME, "via": NODE}: 1 when to is one (cmd
 * filled: to_global, name, node), 0 when it is not, -1 on error. */
int node_cmd_global_target(json_t *to, struct node_cmd *cmd,
			   struct dist_error *err);

/* Whether s can be a registered name we send or register: an atom of
 * 1..255 characters of UTF-8 without control characters. */
bool node_cmd_name_ok(const char *s);

#endif
