/* rpc_check.c - the call given on the command line, checked once
 * before any node is contacted (see rpc.h). */
#include "run/rpc.h"

#include <string.h>

#include "base/json_exact.h"
#include "dist/nodename.h"
#include "term/term_json.h"
#include "term/term_parse.h"

/* An atom is at most 255 characters of UTF-8 (the node refuses more). */
static bool rpc_atom_ok(const char *s)
{
	long n = s ? node_utf8_length(s) : 0;

	return n >= 0 && n <= 255;
}

static int rpc_check_json_args(const char *text, struct etf_arena *a,
			       struct dist_error *err)
{
	struct etf_term *t = NULL;
	json_error_t jerr;
	json_t *doc = json_exact_loadb(text, strlen(text),
				      JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	int rc = 0;

	if (!doc)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "--json-args: invalid JSON at column "
				      "%d: %s", jerr.column, jerr.text);
	if (term_from_json_tagged(doc, a, NULL, &t, err) < 0)
		rc = -1;
	else if (t->type != ETF_LIST && t->type != ETF_NIL &&
		 t->type != ETF_STRING)
		rc = dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				    "--json-args must be a JSON array (the "
				    "argument list)");
	json_decref(doc);
	return rc;
}

int rpc_call_check(const struct rpc_config *c, struct dist_error *err)
{
	struct etf_arena *a;
	struct etf_term *t = NULL;
	int rc = 0;

	if (c->eval_text)
		return 0;
	if (!rpc_atom_ok(c->module) || !rpc_atom_ok(c->function))
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "MOD and FUN must be atoms of at most "
				      "255 characters");
	a = etf_arena_new();
	if (!a)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	if (c->args_text &&
	    term_parse_args(c->args_text, strlen(c->args_text), a, NULL, &t,
			    err) < 0) {
		char why[DIST_ERROR_MSG_MAX];

		snprintf(why, sizeof why, "%s", err->message);
		rc = dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				    "ARGS: %s", why);
	} else if (c->args_json) {
		rc = rpc_check_json_args(c->args_json, a, err);
	}
	etf_arena_free(a);
	if (rc < 0)
		err->code = DIST_E_USAGE;
	return rc;
}
