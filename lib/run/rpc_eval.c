/* rpc_eval.c - a fixed question through rex and erl_eval (see
 * rpc_eval.h). */
#include "run/rpc_eval.h"

#include <string.h>

#include "dist/rex.h"

struct etf_term *rpc_eval_args(struct etf_arena *a,
			       const struct etf_term *exprs,
			       struct etf_term *bindings)
{
	struct etf_term *args = etf_list_new(a, 5, etf_nil(a));

	if (!args || !bindings)
		return NULL;
	/* erl_eval:expr(Expr, Bindings, none, none, value) returns the
	 * bare value: not {value, V, Bindings}, which would echo the
	 * arguments (and the parsed text) back over the wire. */
	args->v.list.elems[0] = (struct etf_term *)exprs;
	args->v.list.elems[1] = bindings;
	args->v.list.elems[2] = etf_atom(a, "none");
	args->v.list.elems[3] = etf_atom(a, "none");
	args->v.list.elems[4] = etf_atom(a, "value");
	return args;
}

int rpc_eval_request(struct dist_conn *c, struct etf_arena *a,
		     const struct etf_term *eval_exprs, const char *text,
		     struct etf_term **control, struct etf_term **msg,
		     struct dist_error *err)
{
	struct etf_term *self = dist_conn_self_pid(c, a);
	struct etf_term *bindings = etf_list_new(a, 1, etf_nil(a));
	struct etf_term *args;

	if (bindings)
		bindings->v.list.elems[0] = etf_tuple(
			a, 2, etf_atom(a, "DistText"),
			etf_binary(a, text, strlen(text)));
	args = rpc_eval_args(a, eval_exprs, bindings);
	if (!self || !args || !bindings->v.list.elems[0])
		return dist_error_nomem(err, DIST_STAGE_REQUEST, "a question");
	return rex_call_request(a, self, etf_atom(a, "erl_eval"),
				etf_atom(a, "expr"), args, false, control, msg,
				err);
}

int rpc_eval_reply(const char *node, const struct etf_term *control,
		   const struct etf_term *msg, const struct etf_term **value,
		   struct dist_error *err)
{
	const struct etf_term *r;

	/* SEND {2, '', Self} + {rex, Reply}. */
	if (!etf_is_tuple(control, 3) ||
	    control->v.tuple.elems[0]->type != ETF_INT ||
	    control->v.tuple.elems[0]->v.i != 2 || !etf_is_tuple(msg, 2) ||
	    !etf_is_atom(msg->v.tuple.elems[0], "rex"))
		return 0;
	r = msg->v.tuple.elems[1];
	if (etf_is_tuple(r, 2) && etf_is_atom(r->v.tuple.elems[0], "return")) {
		*value = r->v.tuple.elems[1];
		return 1;
	}
	if (etf_is_tuple(r, 3) && r->v.tuple.elems[0]->type == ETF_ATOM &&
	    r->v.tuple.elems[1]->type == ETF_ATOM)
		return dist_error_set(err, DIST_E_EXCEPTION, DIST_STAGE_REQUEST,
				      "%s: the question raised %s:%s", node,
				      r->v.tuple.elems[0]->v.atom.name,
				      r->v.tuple.elems[1]->v.atom.name);
	return dist_error_set(err, etf_is_tuple(r, 2) ? DIST_E_BADRPC
						      : DIST_E_EXCEPTION,
			      DIST_STAGE_REQUEST,
			      "%s: rex did not evaluate the question (badrpc "
			      "or exception)", node);
}
