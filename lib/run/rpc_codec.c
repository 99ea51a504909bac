/* rpc_codec.c - dist-rpc and Gleam's distribute codecs (see rpc.h).
 *
 * --arg-codec turns JSON values into the binaries a Gleam function
 * takes; --codec turns the binary it returns into JSON; --send-global
 * hands {Name, Binary} to the process registered in global under the
 * binary Name, which is how distribute's registry reaches a typed
 * subject (the subject's tag is its name). The send is global:send/2
 * made by the node itself through rex: one round trip, no pid carried
 * back and forth, and a name nobody registered is an exit we can
 * recognise.
 */
#include "run/rpc.h"

#include <string.h>

#include "base/json_exact.h"
#include "term/term_json.h"

static int usage(struct dist_error *err, const char *what)
{
	char why[DIST_ERROR_MSG_MAX];

	snprintf(why, sizeof why, "%s", err->message);
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT, "%s: %s",
			      what, why);
}

static struct codec *schema(const char *text, const char *what,
			    struct dist_error *err)
{
	struct codec *c = codec_parse(text, strlen(text), NULL, err);

	if (!c)
		usage(err, what);
	return c;
}

static json_t *load(const char *text, const char *what,
		    struct dist_error *err)
{
	json_error_t jerr;
	json_t *v = json_exact_loadb(text, strlen(text),
				     JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

	if (!v)
		dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "%s: invalid JSON at column %d: %s", what,
			       jerr.column, jerr.text);
	return v;
}

/* value encoded with c, as a binary term in the config's arena. */
static struct etf_term *encoded(struct rpc_config *cfg, const struct codec *c,
				const json_t *value, const char *what,
				struct dist_error *err)
{
	struct etf_term *t = NULL;
	struct buf b;

	buf_init(&b, 0);
	if (codec_encode(c, value, NULL, &b, err) < 0)
		usage(err, what);
	else if (!(t = etf_binary(cfg->arena, b.data, b.len)))
		dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	buf_free(&b);
	return t;
}

/* ARGS (or --json-args) as a JSON array: its first values encoded with
 * the --arg-codec schemas in order, the others read as tagged JSON
 * terms (as --json-args reads them). */
static int arg_codecs(struct rpc_config *cfg, struct dist_error *err)
{
	const char *text = cfg->args_json ? cfg->args_json : cfg->args_text;
	json_t *arr;
	struct etf_term *list;
	size_t n;
	int rc = -1;

	if (!text)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--arg-codec encodes ARGS: give them as "
				      "a JSON array, like '[[1, \"a\"]]'");
	if (!(arr = load(text, "ARGS with --arg-codec", err)))
		return -1;
	n = json_array_size(arr);
	if (!json_is_array(arr) || n < cfg->n_arg_codecs) {
		dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			       "ARGS with --arg-codec: a JSON array of at "
			       "least %zu values, one for each --arg-codec",
			       cfg->n_arg_codecs);
		goto out;
	}
	list = n ? etf_list_new(cfg->arena, (uint32_t)n, etf_nil(cfg->arena))
		 : etf_nil(cfg->arena);
	if (!list) {
		dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		char what[48];
		struct codec *c;
		struct etf_term *t = NULL;

		snprintf(what, sizeof what, "argument %zu", i + 1);
		if (i >= cfg->n_arg_codecs) {
			if (term_from_json_tagged(v, cfg->arena, NULL, &t,
						  err) < 0) {
				usage(err, what);
				goto out;
			}
		} else {
			if (!(c = schema(cfg->arg_codec_text[i], "--arg-codec",
					 err)))
				goto out;
			t = encoded(cfg, c, v, what, err);
			codec_free(c);
			if (!t)
				goto out;
		}
		list->v.list.elems[i] = t;
	}
	cfg->codec_args = list;
	cfg->args_text = cfg->args_json = NULL;
	rc = 0;
out:
	json_decref(arr);
	return rc;
}

/* global:send(Name, {Name, Binary}). */
static int send_global(struct rpc_config *cfg, struct dist_error *err)
{
	struct etf_arena *a = cfg->arena;
	struct etf_term *name, *bin, *list;
	struct codec *c;
	json_t *v;

	if (!cfg->codec_text)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--send-global needs --codec: the "
				      "schema of the message");
	if (!(c = schema(cfg->codec_text, "--codec", err)))
		return -1;
	v = load(cfg->send_value, "VALUE", err);
	bin = v ? encoded(cfg, c, v, "VALUE", err) : NULL;
	json_decref(v);
	codec_free(c);
	if (!bin)
		return -1;
	name = etf_binary(a, cfg->send_global, strlen(cfg->send_global));
	list = etf_list_new(a, 2, etf_nil(a));
	if (!name || !list)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	list->v.list.elems[0] = name;
	list->v.list.elems[1] = etf_tuple(a, 2, name, bin);
	if (!list->v.list.elems[1])
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	cfg->codec_args = list;
	cfg->module = "global";
	cfg->function = "send";
	return 0;
}

int rpc_codec_prepare(struct rpc_config *cfg, struct dist_error *err)
{
	if (!cfg->arena && !(cfg->arena = etf_arena_new()))
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	if (cfg->send_global)
		return send_global(cfg, err);
	if (cfg->codec_text &&
	    !(cfg->result_codec = schema(cfg->codec_text, "--codec", err)))
		return -1;
	return cfg->n_arg_codecs ? arg_codecs(cfg, err) : 0;
}

json_t *rpc_codec_result(const struct rpc_config *cfg,
			 const struct etf_term *v, struct dist_error *err)
{
	if (v->type != ETF_BINARY || v->v.bin.bits != 8) {
		dist_error_set(err, DIST_E_CODEC_MISMATCH, DIST_STAGE_REQUEST,
			       "--codec: the call returned no binary, so "
			       "there is nothing to decode: drop --codec to "
			       "see the term");
		return NULL;
	}
	return codec_decode(cfg->result_codec, v->v.bin.data, v->v.bin.len,
			    NULL, err);
}

bool rpc_codec_not_registered(const struct rpc_config *cfg,
			      const char *node, const struct etf_term *class,
			      const struct etf_term *reason,
			      struct dist_error *err)
{
	if (!cfg->send_global || !etf_is_atom(class, "exit") ||
	    !etf_is_tuple(reason, 2) ||
	    !etf_is_atom(reason->v.tuple.elems[0], "badarg"))
		return false;
	dist_error_set(err, DIST_E_NOT_REGISTERED, DIST_STAGE_REQUEST,
		       "%s: no process is registered in global as "
		       "<<\"%s\">> (is the service up, and is %s in its "
		       "cluster?)", node, cfg->send_global, node);
	return true;
}
