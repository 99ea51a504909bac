/* record_list.h - every input record at once, for a program that needs
 * the whole list before it starts (dist-members' seeds): the arguments,
 * else the lines of a stream, read as records.h reads them. */
#ifndef DIST_RUN_RECORD_LIST_H
#define DIST_RUN_RECORD_LIST_H

#include <stddef.h>
#include <stdio.h>

#include "run/records.h"

struct record_list {
	struct input_record *v;
	size_t n, cap;
};

/* Read args (nargs > 0) or in into l (empty before). 0, or -1 with err
 * (a rejected line: DIST_E_USAGE; DIST_E_IO; DIST_E_NOMEM); what was
 * read before stays in l either way. */
int record_list_read(struct record_list *l, char *const *args, int nargs,
		     FILE *in, struct dist_error *err);

void record_list_free(struct record_list *l);

#endif
