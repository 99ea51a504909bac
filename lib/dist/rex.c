/* rex.c - rex requests and replies (see rex.h). */
#include "dist/rex.h"

enum { CTL_REG_SEND = 6 };

int rex_call_request(struct etf_arena *a, struct etf_term *self,
		     struct etf_term *mod, struct etf_term *fun,
		     struct etf_term *args, bool capture,
		     struct etf_term **control, struct etf_term **msg,
		     struct dist_error *err)
{
	/* REG_SEND {6, Self, '', rex} + {Self, {call, M, F, A, GL}}. */
	*control = etf_tuple(a, 4, etf_int(a, CTL_REG_SEND), self,
			     etf_atom(a, ""), etf_atom(a, "rex"));
	*msg = etf_tuple(a, 2, self,
			 etf_tuple(a, 5, etf_atom(a, "call"), mod, fun, args,
				   etf_atom(a, capture ? "send_stdout_to_caller"
						       : "user")));
	if (!self || !mod || !fun || !args || !*control || !*msg)
		return dist_error_nomem(err, DIST_STAGE_REQUEST,
					"building the call");
	return 0;
}

const struct etf_term *rex_reply(const struct etf_term *msg)
{
	if (!etf_is_tuple(msg, 2) || !etf_is_atom(msg->v.tuple.elems[0], "rex"))
		return NULL;
	return msg->v.tuple.elems[1];
}
