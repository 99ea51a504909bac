/* wrapper_form.c - a pre-parsed wrapper expression (see wrapper_form.h). */
#include "run/wrapper_form.h"

int wrapper_form_decode(const struct wrapper_form *w, struct etf_arena *a,
			struct etf_term **out, struct dist_error *err)
{
	struct etf_term *exprs;
	size_t used = 0;

	*out = NULL;
	if (etf_decode(w->etf, w->size, &used, a, &etf_default_limits,
		       &exprs, err) < 0)
		return -1;
	if (!exprs || exprs->type != ETF_LIST || exprs->v.list.len != 1)
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_NONE,
				      "%s holds no single expression: "
				      "regenerate it", w->file);
	*out = exprs->v.list.elems[0];
	return 0;
}
