/* elect_members.c - the expected members (see elect_members.h). */
#include "run/elect_members.h"

#include <stdlib.h>
#include <string.h>

#include "dist/nodename.h"
#include "run/records.h"

static int add(struct elect_members *m, const char *node,
	       enum elect_status st, struct dist_error *err)
{
	char *copy;

	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->nodes[i], node)) {
			m->status[i] = st;
			return 0;
		}
	if (m->n >= ELECT_MEMBERS_MAX)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
				      "more than %d expected members",
				      ELECT_MEMBERS_MAX);
	if (m->n % 64 == 0) {
		char **nodes = realloc(m->nodes, (m->n + 64) * sizeof *nodes);
		enum elect_status *status;

		if (!nodes)
			return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
		m->nodes = nodes;
		status = realloc(m->status, (m->n + 64) * sizeof *status);
		if (!status)
			return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
		m->status = status;
	}
	copy = strdup(node);
	if (!copy)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	m->nodes[m->n] = copy;
	m->status[m->n++] = st;
	return 0;
}

/* dist-members' word on the member, when its record is of that shape:
 * "status" a string. Anything else is ours to find out. */
static enum elect_status record_status(const struct input_record *rec)
{
	json_t *s = rec->fields ? json_object_get(rec->fields, "status")
				: NULL;

	return elect_status_parse(json_string_value(s));
}

int elect_members_read(char *const *args, int nargs, FILE *in,
		       void (*report)(const struct dist_error *err),
		       struct elect_members *m, struct dist_error *err)
{
	struct record_reader *r = record_reader_new(args, nargs, in);
	struct input_record rec;
	int rc;

	memset(m, 0, sizeof *m);
	if (!r)
		return dist_error_nomem(err, DIST_STAGE_INPUT, NULL);
	while ((rc = record_reader_next(r, &rec, err)) > 0) {
		enum elect_status st = record_status(&rec);
		struct node_name name;
		struct dist_error bad;

		if (node_name_parse(rec.node, &name, &bad) < 0) {
			if (report)
				report(&bad);
			st = ELECT_DEAD;
		}
		rc = add(m, rec.node, st, err);
		input_record_clear(&rec);
		if (rc < 0)
			break;
	}
	record_reader_free(r);
	return rc < 0 ? -1 : 0;
}

void elect_members_free(struct elect_members *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->nodes[i]);
	free(m->nodes);
	free(m->status);
	memset(m, 0, sizeof *m);
}
