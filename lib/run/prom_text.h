/* prom_text.h - a Prometheus textfile made in memory and put in place
 * whole: the families and samples of the text exposition format, label
 * values escaped, then one atomic replace of the file (node_exporter's
 * textfile collector reads it at any moment, as another user).
 *
 * metrics.c writes the runners' summaries with it; dist-members and
 * dist-elect, which are not runs over targets, write their own
 * gauges with it. Out of memory while building is found at the end. */
#ifndef DIST_RUN_PROM_TEXT_H
#define DIST_RUN_PROM_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"

struct prom_text {
	FILE *f;                    /* NULL: could not start */
	char *text;
	size_t len;
	const char *prefix;         /* "dist_members": every name's start */
};

/* Start a file whose metric names all begin with prefix and "_". */
void prom_text_open(struct prom_text *p, const char *prefix);

/* "# HELP" and "# TYPE" of a family (type: "gauge", "summary"). */
void prom_family(struct prom_text *p, const char *name, const char *type,
		 const char *help);

/* One sample of name: the label pairs ("key", "value", ..., NULL)
 * escaped as the format wants, then the value. */
void prom_sample(struct prom_text *p, const char *name, double v, ...);

/* A family of one unlabelled gauge. */
void prom_gauge(struct prom_text *p, const char *name, const char *help,
		double v);

/* A label value escaped (backslash, double quote, newline), at most
 * max bytes and never cutting a UTF-8 character in two. */
void prom_label_value(FILE *f, const char *v, size_t max);

/* Replace path with the text (mode 0644) and free it. -1 with err
 * (DIST_E_IO "--prom PATH: why", or DIST_E_NOMEM). */
int prom_text_commit(struct prom_text *p, const char *path,
		     struct dist_error *err);

/* Free a text that is not committed (safe after commit). */
void prom_text_free(struct prom_text *p);

#endif
