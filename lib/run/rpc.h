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

#include "codec/codec.h"
#include "dist/dist_conn.h"
#include "etf/etf.h"
#include "run/runner.h"

#include <stddef.h>

enum rpc_output {
	RPC_OUT_NATURAL,   /* JSON record, result as natural JSON */
	RPC_OUT_TAGGED,    /* JSON record, result as lossless tagged JSON */
	RPC_OUT_TERM,      /* the result in Erlang syntax, one per line */
	RPC_OUT_RAW,       /* the bare value, for $(...) */
	RPC_OUT_TEXT,      /* node, status, value in Erlang syntax */
};

#define RPC_ARG_CODECS_MAX 16

struct rpc_config {
	struct dist_conn_config conn;
	enum rpc_output output;
	bool capture_output;       /* send_stdout_to_caller */
	/* From the command line; a record's module/function/args win. */
	const char *module, *function;
	const char *args_text;     /* Erlang term syntax, or NULL */
	const char *args_json;     /* tagged JSON (--json-args), or NULL */
	const char *eval_text;     /* --eval, or NULL */
	/* Gleam distribute codecs (rpc_codec.c): --codec decodes the
	 * result binary, or encodes the --send-global message; each
	 * --arg-codec encodes one argument, in order. */
	const char *codec_text;
	const char *arg_codec_text[RPC_ARG_CODECS_MAX];
	size_t n_arg_codecs;
	const char *send_global;   /* --send-global NAME, or NULL */
	const char *send_value;    /* its message, JSON */
	/* Filled by rpc_config_prepare: */
	struct etf_arena *arena;
	struct rpc_wrappers *wrappers;  /* see rpc_config_wrapper */
	/* Filled by rpc_codec_prepare: */
	struct codec *result_codec;
	struct etf_term *codec_args;   /* in arena */
};

/* Set up what every job shares (the arena; the wrappers' slots). */
int rpc_config_prepare(struct rpc_config *cfg, struct dist_error *err);
/* The wrapper expression for a call (eval false) or --eval, decoded on
 * its first use and then shared by every job; NULL and err if the
 * generated wrapper does not decode. */
const struct etf_term *rpc_config_wrapper(const struct rpc_config *cfg,
					  bool eval, struct dist_error *err);
void rpc_config_release(struct rpc_config *cfg);

/* The call of the command line (module, function, args or --json-args)
 * checked before any node is contacted: a typo is a usage error
 * (DIST_E_USAGE), not one failure per target. A record's own fields are
 * checked per record instead (invalid_args). */
int rpc_call_check(const struct rpc_config *cfg, struct dist_error *err);

/* Parse the codecs and build the arguments they encode (--arg-codec,
 * --send-global) before any node is contacted: a bad schema or a value
 * that does not fit it is a usage error (DIST_E_USAGE). Called after
 * rpc_config_prepare, whose arena holds the arguments. */
int rpc_codec_prepare(struct rpc_config *cfg, struct dist_error *err);

/* --codec on a result: the binary decoded into JSON, or NULL with err
 * (codec_mismatch, tag_mismatch, version_mismatch, too_large, or
 * codec_mismatch for a result that is no binary). */
json_t *rpc_codec_result(const struct rpc_config *cfg,
			 const struct etf_term *v, struct dist_error *err);

/* --send-global: the exit global:send/2 raises when the name is not
 * registered, as not_registered; false for any other exception. */
bool rpc_codec_not_registered(const struct rpc_config *cfg,
			      const char *node, const struct etf_term *class,
			      const struct etf_term *reason,
			      struct dist_error *err);

/* runner_config.ctx must point to a struct rpc_config. */
extern const struct runner_ops rpc_runner_ops;

/* "json"/"tagged"/"term"/"raw"/"text" -> enum rpc_output; -1 otherwise. */
int rpc_output_parse(const char *s);

#endif
