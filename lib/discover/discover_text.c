/* discover_text.c - the -o text lines of discovery (see discover_run.h):
 * columns a person reads in a terminal, or awk splits on blanks. */
#include "discover/discover_run.h"

/* Each line is flushed: a --watch reader sees an event when it comes. */
static int flushed(FILE *out)
{
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

int discover_text_node(const json_t *rec, FILE *out)
{
	const char *ev = json_string_value(json_object_get(rec, "event"));
	const char *addr = json_string_value(json_object_get(rec, "address"));
	json_int_t port = json_integer_value(json_object_get(rec, "port"));
	char portbuf[24] = "-";

	if (port > 0)
		snprintf(portbuf, sizeof portbuf, "%lld", (long long)port);
	if (ev)
		fprintf(out, "%-5s ", ev);
	fprintf(out, "%-40s %-39s %-5s %s\n",
		json_string_value(json_object_get(rec, "node")),
		addr ? addr : "-", portbuf,
		json_string_value(json_object_get(rec, "source")));
	return flushed(out);
}

int discover_text_error(const json_t *rec, const char *prog, FILE *out)
{
	const json_t *e = json_object_get(rec, "error");

	/* An invalid name is quoted in the message itself. */
	fprintf(out, "%s: %s: %s: %s\n", prog,
		json_string_value(json_object_get(rec, "source")),
		json_string_value(json_object_get(e, "code")),
		json_string_value(json_object_get(e, "message")));
	return flushed(out);
}
