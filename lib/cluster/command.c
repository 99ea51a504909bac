/* command.c - stdin commands of dist-node (see command.h). */
#include "cluster/command.h"
#include "cluster/node_codec.h"

#include <stdio.h>
#include <string.h>

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

static int parse_to(json_t *to, struct etf_arena *a, struct node_cmd *cmd,
		    struct dist_error *err)
{
	const char *s, *at;

	if (json_is_string(to)) {
		/* "name@alive@host": the name ends at the first '@'. */
		s = json_string_value(to);
		at = strchr(s, '@');
		if (!at)
			return bad(err, "\"send\": write the target as "
				        "\"name@node@host\", [\"name\", "
				        "\"node@host\"] or a tagged pid");
		if (set_name(cmd, s, (size_t)(at - s), err) < 0)
			return -1;
		return set_node(cmd, at + 1, err);
	}
	if (json_is_array(to)) {
		json_t *n = json_array_get(to, 0), *node = json_array_get(to, 1);

		if (json_array_size(to) != 2 || !json_is_string(n) ||
		    !json_is_string(node))
			return bad(err, "\"send\": a [name, node] target is "
				        "two strings");
		if (set_name(cmd, json_string_value(n),
			     strlen(json_string_value(n)), err) < 0)
			return -1;
		return set_node(cmd, json_string_value(node), err);
	}
	if (json_is_object(to)) {
		if (term_from_json_tagged(to, a, NULL, &cmd->pid, err) < 0)
			return -1;
		if (cmd->pid->type != ETF_PID)
			return bad(err, "\"send\": an object target must be "
				        "a tagged pid {\"$pid\": {...}}");
		cmd->to_pid = true;
		return set_node(cmd, cmd->pid->v.pid.node->v.atom.name, err);
	}
	return bad(err, "\"send\": the target is a string, an array or a "
		        "tagged pid");
}

static int parse_send(json_t *root, struct etf_arena *a,
		      struct node_cmd *cmd, struct dist_error *err)
{
	json_t *msg = json_object_get(root, "msg");
	json_t *term = json_object_get(root, "term");
	json_t *from = json_object_get(root, "from");

	cmd->kind = NODE_CMD_SEND;
	if (json_object_get(root, "codec"))
		return node_cmd_codec_send(root, a, cmd, err);
	if (parse_to(json_object_get(root, "send"), a, cmd, err) < 0)
		return -1;
	if (from) {
		if (!json_is_string(from))
			return bad(err, "\"from\" is the name of one of our "
				        "mailboxes");
		if (strlen(json_string_value(from)) >= sizeof cmd->from)
			return bad(err, "\"from\" is too long");
		snprintf(cmd->from, sizeof cmd->from, "%s",
			 json_string_value(from));
	}
	if (!!msg == !!term)
		return bad(err, "\"send\" takes the message as \"msg\" "
			        "(tagged JSON) or \"term\" (Erlang text), "
			        "one of the two");
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
	if (json_object_get(root, "send")) {
		rc = parse_send(root, a, cmd, err);
	} else {
		rc = bad(err, "unknown command: this version knows "
			      "\"send\"");
	}
	json_decref(root);
	return rc;
}

void node_cmd_release(struct node_cmd *cmd)
{
	json_decref(cmd->id);
	cmd->id = NULL;
}
