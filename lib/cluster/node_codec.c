/* node_codec.c - Gleam subjects and codecs in dist-node (see
 * node_codec.h). */
#include "cluster/node_codec.h"

#include <stdio.h>
#include <string.h>

#include "cluster/node_internal.h"
#include "term/term_json.h"

static int bad(struct dist_error *err, const char *what, const char *why)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT, "%s%s%s",
			      what, why ? ": " : "", why ? why : "");
}

/* The target: a global name, a subject, or a pid with "tag". */
static int codec_target(json_t *root, struct etf_arena *a,
			struct node_cmd *cmd, struct etf_term **tag,
			struct dist_error *err)
{
	json_t *tagj = json_object_get(root, "tag");
	struct etf_term *t = NULL;
	struct dist_error e;
	int global = node_cmd_global_target(json_object_get(root, "send"),
					    cmd, err);

	if (global < 0)
		return -1;
	if (global) {
		/* The tag of a subject found by name is the name. */
		if (tagj)
			return bad(err, "\"tag\": a global name is its own "
				   "tag", NULL);
		*tag = etf_binary(a, cmd->name, strlen(cmd->name));
		return *tag ? 0 : dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	}
	if (term_from_json_tagged(json_object_get(root, "send"), a, NULL, &t,
				  &e) < 0)
		return bad(err, "\"send\" with \"codec\"", e.message);
	if (etf_is_tuple(t, 3) && etf_is_atom(t->v.tuple.elems[0], "subject") &&
	    t->v.tuple.elems[1]->type == ETF_PID && !tagj) {
		cmd->pid = t->v.tuple.elems[1];
		*tag = t->v.tuple.elems[2];
	} else if (t->type == ETF_PID && tagj) {
		cmd->pid = t;
		if (term_from_json_tagged(tagj, a, NULL, tag, &e) < 0)
			return bad(err, "\"tag\"", e.message);
	} else {
		return bad(err, "\"send\" with \"codec\" is a subject in "
			   "tagged JSON ({\"$tuple\": [{\"$atom\": "
			   "\"subject\"}, PID, TAG]}), or a tagged pid with "
			   "\"tag\"", NULL);
	}
	cmd->to_pid = true;
	if (node_name_parse(cmd->pid->v.pid.node->v.atom.name, &cmd->node,
			    &e) < 0)
		return bad(err, "\"send\"", e.message);
	return 0;
}

int node_cmd_codec_send(json_t *root, struct etf_arena *a,
			struct node_cmd *cmd, struct dist_error *err)
{
	json_t *schema = json_object_get(root, "codec");
	json_t *msg = json_object_get(root, "msg");
	json_t *from = json_object_get(root, "from");
	struct etf_term *tag = NULL, *bin;
	struct codec *c;
	struct dist_error e;
	struct buf b;

	if (codec_target(root, a, cmd, &tag, err) < 0)
		return -1;
	if (from && (!json_is_string(from) ||
		     json_string_length(from) >= sizeof cmd->from))
		return bad(err, "\"from\" is the name of one of our mailboxes",
			   NULL);
	if (from)
		snprintf(cmd->from, sizeof cmd->from, "%s",
			 json_string_value(from));
	if (!json_is_string(schema))
		return bad(err, "\"codec\" is a schema in a string, like "
			   "\"tagged(\\\"auth\\\", 1, int)\"", NULL);
	if (!msg || json_object_get(root, "term"))
		return bad(err, "with \"codec\", the message is \"msg\": the "
			   "JSON the codec encodes", NULL);
	c = codec_parse(json_string_value(schema), json_string_length(schema),
			NULL, &e);
	if (!c)
		return bad(err, "\"codec\"", e.message);
	buf_init(&b, 0);
	if (codec_encode(c, msg, NULL, &b, &e) < 0) {
		codec_free(c);
		buf_free(&b);
		return bad(err, "\"msg\"", e.message);
	}
	bin = etf_binary(a, b.data, b.len);
	codec_free(c);
	buf_free(&b);
	cmd->msg = bin ? etf_tuple(a, 2, tag, bin) : NULL;
	if (!cmd->msg)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	return 0;
}

void node_codec_message(struct node *n, json_t *rec,
			const struct etf_term *msg)
{
	const struct etf_term *bin;
	struct dist_error err;
	json_t *v;

	if (!n->cfg->codec || !etf_is_tuple(msg, 2))
		return;
	bin = msg->v.tuple.elems[1];
	if (bin->type != ETF_BINARY || bin->v.bin.bits != 8)
		return;
	dist_error_clear(&err);
	v = codec_decode(n->cfg->codec, bin->v.bin.data, bin->v.bin.len, NULL,
			 &err);
	if (!v) {
		json_object_set_new(rec, "codec_error",
				    node_error_json(&err, DIST_STAGE_REQUEST));
		return;
	}
	json_object_set_new(rec, "tag", node_term_json(n, msg->v.tuple.elems[0]));
	json_object_set_new(rec, "msg", v);
}
