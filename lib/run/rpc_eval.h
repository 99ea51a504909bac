/* rpc_eval.h - one question to a node as Erlang expressions, evaluated
 * by its own erl_eval through rex (dist-rpc --eval's wrapper), for jobs
 * that ask a fixed question without the rest of dist-rpc's job:
 * dist-members' views and indirect probes.
 */
#ifndef DIST_RPC_EVAL_H
#define DIST_RPC_EVAL_H

#include "dist/dist_conn.h"
#include "etf/etf.h"

/* The arguments of erl_eval:expr/5 for exprs with bindings (an orddict:
 * keys sorted), asking for the bare value; NULL out of memory (or when
 * bindings is NULL). The one form of every question dist asks through
 * erl_eval: dist-rpc's calls and --eval, dist-members' views. */
struct etf_term *rpc_eval_args(struct etf_arena *a,
			       const struct etf_term *exprs,
			       struct etf_term *bindings);

/* The REG_SEND to rex that evaluates text (which ends with a dot) with
 * the eval wrapper eval_exprs (rpc_config_wrapper), terms in a. */
int rpc_eval_request(struct dist_conn *c, struct etf_arena *a,
		     const struct etf_term *eval_exprs, const char *text,
		     struct etf_term **control, struct etf_term **msg,
		     struct dist_error *err);

/* A message that came on the connection: 1 with *value for the answer,
 * 0 for a message that is not it, -1 when the answer is a failure
 * (exception, syntax error, badrpc) described in err. */
int rpc_eval_reply(const char *node, const struct etf_term *control,
		   const struct etf_term *msg, const struct etf_term **value,
		   struct dist_error *err);

#endif
