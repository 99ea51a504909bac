/* wrapper_form.h - the expressions dist asks a node's erl_eval to run
 * (the .exprs files of lib/run/wrapper/), shipped pre-parsed so that
 * the node never parses our text and no Erlang is needed where dist
 * runs: scripts/gen-rpc-wrapper has OTP parse each one and writes its
 * abstract form, in external term format, into rpc_wrapper.c (call,
 * eval) or connect_wrapper.c (connect, disconnect).
 */
#ifndef DIST_RUN_WRAPPER_FORM_H
#define DIST_RUN_WRAPPER_FORM_H

#include <stddef.h>

#include "base/error.h"
#include "etf/etf.h"

struct wrapper_form {
	const char *file;           /* the generated file, for messages */
	const unsigned char *etf;   /* [expression], term_to_binary */
	size_t size;
};

extern const struct wrapper_form rpc_wrapper_call;
extern const struct wrapper_form rpc_wrapper_eval;
extern const struct wrapper_form connect_wrapper_connect;
extern const struct wrapper_form connect_wrapper_disconnect;

/* The one expression of w, decoded into a, bare as erl_eval:expr/5
 * takes it. DIST_E_PROTOCOL when the file holds anything else (it was
 * edited by hand: regenerate it). */
int wrapper_form_decode(const struct wrapper_form *w, struct etf_arena *a,
			struct etf_term **out, struct dist_error *err);

#endif
