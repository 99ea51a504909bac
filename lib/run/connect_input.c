/* connect_input.c - the set of target names a cycle works on: in input
 * order, each name once, with the record it came from (see connect.h). */
#include "run/connect.h"

#include <stdlib.h>
#include <string.h>

static long find(const struct connect_input *in, const char *node)
{
	for (size_t i = 0; i < in->n; i++)
		if (!strcmp(in->nodes[i], node))
			return (long)i;
	return -1;
}

bool connect_input_has(const struct connect_input *in, const char *node)
{
	return find(in, node) >= 0;
}

int connect_input_add(struct connect_input *in, const char *node,
		      json_t *fields)
{
	long at = find(in, node);

	if (at >= 0) {
		json_decref(in->fields[at]);
		in->fields[at] = json_incref(fields);
		return 0;
	}
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 16;
		char **n = realloc(in->nodes, cap * sizeof *n);
		json_t **f;

		if (!n)
			return -1;
		in->nodes = n;
		f = realloc(in->fields, cap * sizeof *f);
		if (!f)
			return -1;
		in->fields = f;
		in->cap = cap;
	}
	in->nodes[in->n] = strdup(node);
	if (!in->nodes[in->n])
		return -1;
	in->fields[in->n++] = json_incref(fields);
	return 0;
}

void connect_input_remove(struct connect_input *in, const char *node)
{
	long at = find(in, node);

	if (at < 0)
		return;
	free(in->nodes[at]);
	json_decref(in->fields[at]);
	memmove(in->nodes + at, in->nodes + at + 1,
		(in->n - (size_t)at - 1) * sizeof *in->nodes);
	memmove(in->fields + at, in->fields + at + 1,
		(in->n - (size_t)at - 1) * sizeof *in->fields);
	in->n--;
}

void connect_input_free(struct connect_input *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->nodes[i]);
		json_decref(in->fields[i]);
	}
	free(in->nodes);
	free(in->fields);
	memset(in, 0, sizeof *in);
}
