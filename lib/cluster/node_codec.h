/* node_codec.h - dist-node and Gleam's distribute codecs (codec/codec.h).
 *
 * A Gleam subject is {subject, Pid, Tag}; a message to it is the tuple
 * {Tag, Binary} sent to Pid, the binary made by the subject's codec.
 *
 * Send: {"send": SUBJECT, "codec": SCHEMA, "msg": JSON} where SUBJECT is
 * the subject in tagged JSON (as a decoded "subject" codec value prints
 * it: a request's reply-to), or {"send": {"$pid": ...}, "tag": TAG, ...}
 * with TAG in tagged JSON (a name distribute's registry found is that
 * name as a string), or {"global": NAME, "via": NODE} (command.h), the
 * tag then <<NAME>>. "from" and "id" work as for any send.
 *
 * Receive (dist-node --codec SCHEMA): a message {Tag, Binary} to one of
 * our mailboxes has its "msg" replaced by the binary decoded as JSON,
 * and gets "tag"; a binary that does not decode keeps its "msg" and gets
 * "codec_error": {"code", "message"} (codec_mismatch with the offset,
 * tag_mismatch, version_mismatch, too_large).
 */
#ifndef DIST_CLUSTER_NODE_CODEC_H
#define DIST_CLUSTER_NODE_CODEC_H

#include <jansson.h>

#include "cluster/command.h"
#include "codec/codec.h"

struct node;

/* A send command that has "codec": fills cmd as node_cmd_parse does
 * (to_pid, pid, node, msg, from). 0, or -1 with DIST_E_USAGE. */
int node_cmd_codec_send(json_t *root, struct etf_arena *a,
			struct node_cmd *cmd, struct dist_error *err);

/* The message record rec of msg, decoded with the node's --codec. */
void node_codec_message(struct node *n, json_t *rec,
			const struct etf_term *msg);

#endif
