/* record_list.c - every input record at once (see record_list.h). */
#include "run/record_list.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

static int push(struct record_list *l, struct input_record *rec)
{
	struct input_record *v = grow_array(l->v, &l->cap, l->n, sizeof *v,
					    16);

	if (!v)
		return -1;
	l->v = v;
	l->v[l->n++] = *rec;
	memset(rec, 0, sizeof *rec);
	return 0;
}

int record_list_read(struct record_list *l, char *const *args, int nargs,
		     FILE *in, struct dist_error *err)
{
	struct record_reader *rd = record_reader_new(args, nargs, in);
	struct input_record rec;
	int rc;

	if (!rd)
		return dist_error_nomem(err, DIST_STAGE_INPUT, "the input");
	memset(&rec, 0, sizeof rec);
	while ((rc = record_reader_next(rd, &rec, err)) > 0)
		if (push(l, &rec) < 0) {
			input_record_clear(&rec);
			rc = dist_error_nomem(err, DIST_STAGE_INPUT,
					      "the input");
			break;
		}
	record_reader_free(rd);
	return rc < 0 ? -1 : 0;
}

void record_list_free(struct record_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		input_record_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
