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
};

struct node_cmd {
	enum node_cmd_kind kind;
	json_t *id;                 /* a reference, or NULL */
	bool to_pid;
	struct etf_term *pid;       /* to_pid: the pid, in the arena */
	char name[256];             /* !to_pid: the registered name */
	struct node_name node;      /* where it goes (the pid's node too) */
	struct etf_term *msg;
	char from[256];             /* a mailbox name, or "" */
};

/* Parse one line (without its newline). 0, or -1 with err set; the
 * terms are allocated in a. Release with node_cmd_release. */
int node_cmd_parse(const char *line, size_t len, struct etf_arena *a,
		   struct node_cmd *cmd, struct dist_error *err);
void node_cmd_release(struct node_cmd *cmd);

/* Whether s can be a registered name we send or register: an atom of
 * 1..255 characters of UTF-8 without control characters. */
bool node_cmd_name_ok(const char *s);

#endif
