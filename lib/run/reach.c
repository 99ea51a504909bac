/* reach.c - a record's own "port" and "epmd_port" (reach.h). */
#include "run/reach.h"

#include <stdio.h>

#include "base/json_exact.h"

/* What a wrong value is, for the message: short, and never the whole
 * value (a string could be a megabyte). */
static const char *kind(const json_t *v)
{
	if (json_is_string(v))
		return "a string";
	if (json_is_real(v))
		return "a fraction";
	if (json_is_boolean(v))
		return "a boolean";
	if (json_is_array(v))
		return "an array";
	if (json_number_text(v))
		return "a number beyond 64 bits";
	return "an object";
}

static int one_port(const json_t *fields, const char *key, const char *what,
		    int *out, char *why, size_t why_size)
{
	const json_t *v = json_object_get(fields, key);
	json_int_t n;

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v)) {
		snprintf(why, why_size, "\"%s\" (%s) must be an integer "
			 "1..65535, not %s", key, what, kind(v));
		return -1;
	}
	n = json_integer_value(v);
	if (n < 1 || n > 65535) {
		snprintf(why, why_size, "\"%s\" (%s) must be 1..65535, not "
			 "%" JSON_INTEGER_FORMAT, key, what, n);
		return -1;
	}
	*out = (int)n;
	return 0;
}

int record_reach_parse(const json_t *fields, struct record_reach *out,
		       char *why, size_t why_size)
{
	out->port = out->epmd_port = 0;
	if (!json_is_object(fields))
		return 0;
	if (one_port(fields, "port", "the node's distribution port",
		     &out->port, why, why_size) < 0 ||
	    one_port(fields, "epmd_port", "the EPMD to ask for the node",
		     &out->epmd_port, why, why_size) < 0)
		return -1;
	return 0;
}

void record_reach_apply(const struct record_reach *r,
			const struct dist_conn_config *base,
			struct dist_conn_config *out)
{
	*out = *base;
	if (r->port > 0) {
		out->direct_port = r->port;
		out->port_is_hint = true;
		/* Where to ask if that port refuses. */
		if (r->epmd_port > 0)
			out->epmd_port = r->epmd_port;
		return;
	}
	if (r->epmd_port > 0) {
		out->epmd_port = r->epmd_port;
		out->direct_port = 0;
	}
}
