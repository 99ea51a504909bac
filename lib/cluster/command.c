/* command.c - stdin commands of dist-node (see command.h). */
#include "cluster/command.h"
#include "cluster/node_codec.h"

#include <stdio.h>
#include <string.h>

#include "base/duration.h"
#include "term/term_json.h"
#include "term/term_parse.h"

bool node_cmd_name_ok(const char *s)
{
	long n = node_utf8_length(s);

	if (n < 1 || n > NODE_ATOM_MAX_CHARS)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 32 || *p == 127)
			return false;
	return true;
}

static int bad(struct dist_error *err, const char *what)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT, "%s",
			      what);
}

static int set_name(struct node_cmd *cmd, const char *name, size_t len,
		    struct dist_error *err)
{
	if (len >= sizeof cmd->name)
		return bad(err, "the registered name is longer than 255 "
				"bytes");
	memcpy(cmd->name, name, len);
	cmd->name[len] = '\0';
	if (!node_cmd_name_ok(cmd->name))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "'%s' is not a registered name (an atom "
				      "of 1 to 255 printable characters)",
				      cmd->name);
	return 0;
}

static int set_node(struct node_cmd *cmd, const char *node,
		    struct dist_error *err)
{
	struct dist_error nerr;

	if (node_name_parse(node, &cmd->node, &nerr) < 0)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "%s", nerr.message);
	return 0;
}

/* TO: "name@alive@host", ["name", "alive@host"], a tagged pid, or,
 * where node_ok, "alive@host" (the node itself). */
static int parse_to(const char *key, json_t *to, bool node_ok,
		    struct etf_arena *a, struct node_cmd *cmd,
		    struct dist_error *err)
{
	const char *s, *at;

	if (json_is_string(to)) {
		s = json_string_value(to);
		at = strchr(s, '@');
		if (at && node_ok && !strchr(at + 1, '@')) {
			cmd->to_node = true;
			return set_node(cmd, s, err);
		}
		/* "name@alive@host": the name ends at the first '@'. */
		if (!at)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "\"%s\": write the target as "
					      "\"name@node@host\", [\"name\", "
					      "\"node@host\"] or a tagged pid",
					      key);
		if (set_name(cmd, s, (size_t)(at - s), err) < 0)
			return -1;
		return set_node(cmd, at + 1, err);
	}
	if (json_is_array(to)) {
		json_t *n = json_array_get(to, 0), *node = json_array_get(to, 1);

		if (json_array_size(to) != 2 || !json_is_string(n) ||
		    !json_is_string(node))
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "\"%s\": a [name, node] target is "
					      "two strings", key);
		if (set_name(cmd, json_string_value(n),
			     strlen(json_string_value(n)), err) < 0)
			return -1;
		return set_node(cmd, json_string_value(node), err);
	}
	if (json_is_object(to)) {
		if (term_from_json_tagged(to, a, NULL, &cmd->pid, err) < 0)
			return -1;
		if (cmd->pid->type != ETF_PID)
			return dist_error_set(err, DIST_E_USAGE,
					      DIST_STAGE_INPUT,
					      "\"%s\": an object target must be "
					      "a tagged pid {\"$pid\": {...}}",
					      key);
		cmd->to_pid = true;
		return set_node(cmd, cmd->pid->v.pid.node->v.atom.name, err);
	}
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "\"%s\": the target is a string, an array or "
			      "a tagged pid", key);
}

/* The message (send) or the request (call): "msg" tagged JSON or
 * "term" Erlang text, one of the two. */
static int parse_payload(json_t *root, const char *what,
			 struct etf_arena *a, struct node_cmd *cmd,
			 struct dist_error *err)
{
	json_t *msg = json_object_get(root, "msg");
	json_t *term = json_object_get(root, "term");

	if (!!msg == !!term)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "\"%s\" takes the %s as \"msg\" "
				      "(tagged JSON) or \"term\" (Erlang "
				      "text), one of the two", what,
				      !strcmp(what, "call") ? "request"
							    : "message");
	if (term) {
		if (!json_is_string(term))
			return bad(err, "\"term\" is a string of Erlang "
				        "term text");
		return term_parse(json_string_value(term),
				  json_string_length(term), a, NULL,
				  &cmd->msg, err);
	}
	return term_from_json_tagged(msg, a, NULL, &cmd->msg, err);
}

static int parse_from(json_t *root, struct node_cmd *cmd,
		      struct dist_error *err)
{
	json_t *from = json_object_get(root, "from");

	if (!from)
		return 0;
	if (!json_is_string(from))
		return bad(err, "\"from\" is the name of one of our "
			        "mailboxes");
	if (strlen(json_string_value(from)) >= sizeof cmd->from)
		return bad(err, "\"from\" is too long");
	snprintf(cmd->from, sizeof cmd->from, "%s", json_string_value(from));
	return 0;
}

/* "timeout": a duration text ("5s", "250ms") or a number of seconds. */
static int parse_timeout(json_t *root, struct node_cmd *cmd,
			 struct dist_error *err)
{
	json_t *t = json_object_get(root, "timeout");
	char text[64];

	cmd->timeout_ms = NODE_CMD_DEFAULT_TIMEOUT_MS;
	if (!t)
		return 0;
	if (json_is_number(t)) {
		double sec = json_number_value(t);

		if (!(sec > 0 && sec <= (double)DURATION_MAX_MS / 1000))
			return bad(err, "\"timeout\": a positive number of "
				        "seconds, or a duration like \"5s\"");
		cmd->timeout_ms = (int64_t)(sec * 1000);
		if (cmd->timeout_ms < 1)
			cmd->timeout_ms = 1;
		return 0;
	}
	if (!json_is_string(t) ||
	    json_string_length(t) >= sizeof text)
		return bad(err, "\"timeout\": a duration like \"5s\" or "
			        "\"250ms\"");
	snprintf(text, sizeof text, "%s", json_string_value(t));
	if (duration_parse(text, &cmd->timeout_ms, err) < 0)
		return -1;
	if (cmd->timeout_ms == 0)
		return bad(err, "\"timeout\": more than 0");
	return 0;
}

int node_cmd_global_target(json_t *to, struct node_cmd *cmd,
			   struct dist_error *err)
{
	json_t *name = json_object_get(to, "global");
	json_t *via = json_object_get(to, "via");
	size_t len = json_string_length(name);

	if (!json_is_object(to) || !name)
		return 0;
	if (!json_is_string(name) || len == 0 || len >= sizeof cmd->name ||
	    strlen(json_string_value(name)) != len)
		return bad(err, "\"send\": in {\"global\": NAME}, NAME is the "
			        "name as text, 1 to 255 bytes without NUL");
	if (json_object_size(to) != (via ? 2u : 1u) ||
	    (via && !json_is_string(via)))
		return bad(err, "\"send\": a global target is {\"global\": "
			        "NAME} or {\"global\": NAME, \"via\": "
			        "\"node@host\"}");
	memcpy(cmd->name, json_string_value(name), len + 1);
	cmd->to_global = true;
	if (via && set_node(cmd, json_string_value(via), err) < 0)
		return -1;
	return 1;
}

static int parse_send(json_t *root, struct etf_arena *a,
		      struct node_cmd *cmd, struct dist_error *err)
{
	json_t *to = json_object_get(root, "send");
	int global;

	cmd->kind = NODE_CMD_SEND;
	if (json_object_get(root, "codec")) {
		if (node_cmd_codec_send(root, a, cmd, err) < 0)
			return -1;
	} else {
		if ((global = node_cmd_global_target(to, cmd, err)) < 0 ||
		    (!global && parse_to("send", to, false, a, cmd, err) < 0) ||
		    parse_from(root, cmd, err) < 0 ||
		    parse_payload(root, "send", a, cmd, err) < 0)
			return -1;
	}
	/* A global send waits for the lookup: it has a deadline. */
	return cmd->to_global ? parse_timeout(root, cmd, err) : 0;
}

static int parse_call(json_t *root, struct etf_arena *a,
		      struct node_cmd *cmd, struct dist_error *err)
{
	cmd->kind = NODE_CMD_CALL;
	if (parse_to("call", json_object_get(root, "call"), false, a, cmd,
		     err) < 0 || parse_timeout(root, cmd, err) < 0)
		return -1;
	return parse_payload(root, "call", a, cmd, err);
}

static int copy_atom_field(json_t *root, const char *key, char *out,
			   size_t len, struct dist_error *err)
{
	json_t *v = json_object_get(root, key);

	if (!json_is_string(v) || !node_cmd_name_ok(json_string_value(v)) ||
	    json_string_length(v) >= len)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "\"rpc\": \"%s\" is an atom name "
				      "(1 to 255 printable characters)", key);
	snprintf(out, len, "%s", json_string_value(v));
	return 0;
}

static int parse_rpc(json_t *root, struct etf_arena *a,
		     struct node_cmd *cmd, struct dist_error *err)
{
	json_t *node = json_object_get(root, "rpc");
	json_t *text = json_object_get(root, "a");
	json_t *tagged = json_object_get(root, "args");

	cmd->kind = NODE_CMD_RPC;
	cmd->to_node = true;
	if (!json_is_string(node))
		return bad(err, "\"rpc\" names the node: \"node@host\"");
	if (set_node(cmd, json_string_value(node), err) < 0 ||
	    copy_atom_field(root, "m", cmd->mod, sizeof cmd->mod, err) < 0 ||
	    copy_atom_field(root, "f", cmd->fun, sizeof cmd->fun, err) < 0 ||
	    parse_timeout(root, cmd, err) < 0)
		return -1;
	if (text && tagged)
		return bad(err, "\"rpc\": the arguments are \"a\" (Erlang "
			        "text) or \"args\" (tagged JSON), not both");
	if (tagged) {
		if (term_from_json_tagged(tagged, a, NULL, &cmd->args,
					  err) < 0)
			return -1;
		if (cmd->args->type != ETF_LIST && cmd->args->type != ETF_NIL)
			return bad(err, "\"rpc\": \"args\" is a list");
		return 0;
	}
	if (text && !json_is_string(text))
		return bad(err, "\"rpc\": \"a\" is the arguments as Erlang "
			        "text, like \"[1, foo]\"");
	return term_parse_args(text ? json_string_value(text) : "[]",
			       text ? json_string_length(text) : 2, a, NULL,
			       &cmd->args, err);
}

static int parse_node_only(json_t *root, const char *key,
			   enum node_cmd_kind kind, struct node_cmd *cmd,
			   struct dist_error *err)
{
	json_t *v = json_object_get(root, key);

	cmd->kind = kind;
	cmd->to_node = true;
	if (!json_is_string(v))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "\"%s\" names a node: \"node@host\"",
				      key);
	return set_node(cmd, json_string_value(v), err);
}

static int parse_mailbox(json_t *root, const char *key,
			 enum node_cmd_kind kind, struct etf_arena *a,
			 struct node_cmd *cmd, struct dist_error *err)
{
	json_t *v = json_object_get(root, key);
	json_t *reason = json_object_get(root, "reason");

	cmd->kind = kind;
	if (!json_is_string(v))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "\"%s\" names a mailbox", key);
	if (set_name(cmd, json_string_value(v), json_string_length(v),
		     err) < 0)
		return -1;
	if (kind == NODE_CMD_REGISTER && !strcmp(cmd->name, "net_kernel"))
		return bad(err, "\"register\": net_kernel is the node's own");
	if (!reason)
		return 0;
	if (kind != NODE_CMD_UNREGISTER || !json_is_string(reason))
		return bad(err, "\"reason\" (unregister only) is Erlang "
			        "term text, like \"shutdown\"");
	return term_parse(json_string_value(reason),
			  json_string_length(reason), a, NULL, &cmd->reason,
			  err);
}

static int parse_demonitor(json_t *root, struct node_cmd *cmd,
			   struct dist_error *err)
{
	json_t *v = json_object_get(root, "demonitor");

	cmd->kind = NODE_CMD_DEMONITOR;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) >= sizeof cmd->ref)
		return bad(err, "\"demonitor\" takes the \"ref\" of the "
			        "monitor's result record");
	snprintf(cmd->ref, sizeof cmd->ref, "%s", json_string_value(v));
	return 0;
}

static const char *const kind_names[] = {
	[NODE_CMD_SEND] = "send",
	[NODE_CMD_CALL] = "call",
	[NODE_CMD_RPC] = "rpc",
	[NODE_CMD_CONNECT] = "connect",
	[NODE_CMD_DISCONNECT] = "disconnect",
	[NODE_CMD_MONITOR] = "monitor",
	[NODE_CMD_DEMONITOR] = "demonitor",
	[NODE_CMD_REGISTER] = "register",
	[NODE_CMD_UNREGISTER] = "unregister",
};

const char *node_cmd_kind_name(enum node_cmd_kind kind)
{
	return kind_names[kind];
}

/* Exactly one command key per line. */
static int dispatch(json_t *root, struct etf_arena *a, struct node_cmd *cmd,
		    struct dist_error *err)
{
	const char *key = NULL;
	size_t found = 0;

	for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++)
		if (json_object_get(root, kind_names[i])) {
			key = kind_names[i];
			found++;
		}
	if (found == 0)
		return bad(err, "unknown command: use one of send, call, rpc, "
			        "connect, disconnect, monitor, demonitor, "
			        "register, unregister");
	if (found > 1)
		return bad(err, "one command a line: the line has more than "
			        "one command key");
	if (!strcmp(key, "send"))
		return parse_send(root, a, cmd, err);
	if (!strcmp(key, "call"))
		return parse_call(root, a, cmd, err);
	if (!strcmp(key, "rpc"))
		return parse_rpc(root, a, cmd, err);
	if (!strcmp(key, "connect"))
		return parse_node_only(root, key, NODE_CMD_CONNECT, cmd, err);
	if (!strcmp(key, "disconnect"))
		return parse_node_only(root, key, NODE_CMD_DISCONNECT, cmd,
				       err);
	if (!strcmp(key, "monitor")) {
		cmd->kind = NODE_CMD_MONITOR;
		return parse_to("monitor", json_object_get(root, "monitor"),
				true, a, cmd, err);
	}
	if (!strcmp(key, "demonitor"))
		return parse_demonitor(root, cmd, err);
	if (!strcmp(key, "register"))
		return parse_mailbox(root, key, NODE_CMD_REGISTER, a, cmd, err);
	return parse_mailbox(root, key, NODE_CMD_UNREGISTER, a, cmd, err);
}

int node_cmd_parse(const char *line, size_t len, struct etf_arena *a,
		   struct node_cmd *cmd, struct dist_error *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(cmd, 0, sizeof *cmd);
	if (len > NODE_CMD_LINE_MAX)
		return bad(err, "the line is longer than 1 MiB");
	root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
	if (!root)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "not JSON: %s (column %d)", jerr.text,
				      jerr.column);
	if (!json_is_object(root)) {
		json_decref(root);
		return bad(err, "a command is a JSON object, like "
			        "{\"send\": \"name@node@host\", \"term\": "
			        "\"hello\"}");
	}
	cmd->id = json_incref(json_object_get(root, "id"));
	rc = dispatch(root, a, cmd, err);
	json_decref(root);
	return rc;
}

void node_cmd_release(struct node_cmd *cmd)
{
	json_decref(cmd->id);
	cmd->id = NULL;
}
