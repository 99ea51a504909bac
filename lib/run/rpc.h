/* rpc.h - M:F(A) and expression evaluation on a node, as a runner job.
 *
 * On the wire this is what erl_call does (REG_SEND to rex of
 * {Self, {call, M, F, A, GroupLeader}}, reply {rex, R}), except that the
 * call we ask rex to make is erl_eval:exprs/2 over a small wrapper
 * (lib/wrapper/, shipped pre-parsed in rpc_wrapper.c). The wrapper
 * catches with the class, so a throw is not mistaken for a return, and an
 * exit, an error and an undef are each reported as what they are.
 */
#ifndef DIST_RPC_H
#define DIST_RPC_H

#include <stdbool.h>

#include "dist/dist_conn.h"
#include "etf/etf.h"
#include "run/runner.h"

#include <stddef.h>

extern const unsigned char rpc_wrapper_call[];
extern const size_t rpc_wrapper_call_size;
extern const unsigned char rpc_wrapper_eval[];
extern const size_t rpc_wrapper_eval_size;

enum rpc_output {
	RPC_OUT_NATURAL,   /* JSON record, result as natural JSON */
	RPC_OUT_TAGGED,    /* JSON record, result as lossless tagged JSON */
	RPC_OUT_TERM,      /* the result in Erlang syntax, one per line */
	RPC_OUT_RAW,       /* the bare value, for $(...) */
	RPC_OUT_TEXT,      /* node, status, value in Erlang syntax */
};

struct rpc_config {
	struct dist_conn_config conn;
	enum rpc_output output;
	bool capture_output;       /* send_stdout_to_caller */
	/* From the command line; a record's module/function/args win. */
	const char *module, *function;
	const char *args_text;     /* Erlang term syntax, or NULL */
	const char *args_json;     /* tagged JSON (--json-args), or NULL */
	const char *eval_text;     /* --eval, or NULL */
	/* Filled by rpc_config_prepare: */
	struct etf_arena *arena;
	struct etf_term *call_exprs, *eval_exprs;
};

/* Decode the wrapper forms once for all jobs. */
int rpc_config_prepare(struct rpc_config *cfg, struct dist_error *err);
void rpc_config_release(struct rpc_config *cfg);

/* The call of the command line (module, function, args or --json-args)
 * checked before any node is contacted: a typo is a usage error
 * (DIST_E_USAGE), not one failure per target. A record's own fields are
 * checked per record instead (invalid_args). */
int rpc_call_check(const struct rpc_config *cfg, struct dist_error *err);

/* runner_config.ctx must point to a struct rpc_config. */
extern const struct runner_ops rpc_runner_ops;

/* "json"/"tagged"/"term"/"raw"/"text" -> enum rpc_output; -1 otherwise. */
int rpc_output_parse(const char *s);

#endif
