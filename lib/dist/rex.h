/* rex.h - M:F(A) through rex, the way a hidden C node asks (erl_call's
 * form, PROTOCOL.md §4): REG_SEND {6, Self, '', rex} of
 * {Self, {call, M, F, A, GroupLeader}}, answered by SEND to Self of
 * {rex, Reply}. rex keeps this clause for C nodes in OTP 23 to 27.
 * dist-rpc sends it from a connection of its own, dist-node over the
 * node's live link.
 */
#ifndef DIST_DIST_REX_H
#define DIST_DIST_REX_H

#include <stdbool.h>

#include "base/error.h"
#include "etf/etf.h"

/* The request, in a. capture: the group leader is
 * send_stdout_to_caller (OTP 24+: io output comes back as {rex_stdout,
 * Binary} before the reply), else user. 0, or -1 out of memory. */
int rex_call_request(struct etf_arena *a, struct etf_term *self,
		     struct etf_term *mod, struct etf_term *fun,
		     struct etf_term *args, bool capture,
		     struct etf_term **control, struct etf_term **msg,
		     struct dist_error *err);

/* The reply, if msg is {rex, Reply}: Reply, else NULL. */
const struct etf_term *rex_reply(const struct etf_term *msg);

#endif
