/* discover_static.c - names given as they are: on the command line, or
 * one per line in a file read again at every poll, so that a --watch
 * follows edits to the file (see discover.h). A line is a bare name or
 * a JSON record with "node", so a file of our own output reads back. */
#include "discover/discover.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"

/* A names file bigger than this is refused rather than read. */
#define STATIC_FILE_MAX (4 * 1024 * 1024)

struct static_source {
	struct discover_source s;
	char *name;   /* one name, or NULL for a file */
	char *path;
};

static void static_destroy(struct discover_source *s)
{
	struct static_source *st = (struct static_source *)s;

	free(st->name);
	free(st->path);
	free(st);
}

static void static_cancel(struct discover_source *s)
{
	(void)s;
}

static void found_name(struct discover_source *s, const char *name)
{
	struct discover_node n = { .node = name };

	discover_found(s, &n);
}

static void bad_line(struct static_source *st, long lineno, const char *line,
		     size_t len, const char *why)
{
	struct dist_error err;

	dist_error_set(&err, DIST_E_INVALID_NAME, DIST_STAGE_INPUT,
		       "'%.200s' line %ld: %s", st->path, lineno, why);
	discover_invalid(&st->s, line, len, &err);
}

/* A JSON line: a record with "node" as every program writes, its other
 * members carried; --stats summaries are skipped. */
static void found_json(struct static_source *st, long lineno,
		       const char *line, size_t len)
{
	struct discover_node n;
	json_error_t jerr;
	json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *extra;

	if (!json_is_object(obj)) {
		bad_line(st, lineno, line, len, obj ? "not a JSON object"
							: jerr.text);
	} else if (json_is_string(json_object_get(obj, "node"))) {
		extra = discover_node_from_object(obj, &n);
		discover_found(&st->s, &n);
		json_decref(extra);
	} else if (!json_is_true(json_object_get(obj, "summary"))) {
		bad_line(st, lineno, line, len, "a JSON record without a "
			 "string \"node\"");
	}
	json_decref(obj);
}

static void trim(char **p, size_t *len)
{
	while (*len && strchr(" \t\r", (*p)[0])) {
		(*p)++;
		(*len)--;
	}
	while (*len && strchr(" \t\r", (*p)[*len - 1]))
		(*len)--;
}

static void read_names_file(struct static_source *st)
{
	struct dist_error err;
	struct file_text t;
	char *text, *line, *nl;
	size_t len, n;
	long lineno = 0;

	/* The messages quote the path and are ours: err is not passed. */
	if (file_read(st->path, "names file", STATIC_FILE_MAX, 0, &t,
		      NULL) < 0) {
		int e = errno;

		if (!t.st.st_mode)  /* the open failed */
			dist_error_set(&err, DIST_E_IO, DIST_STAGE_INPUT,
				       "cannot read names file '%s': %s",
				       st->path, strerror(e));
		else
			dist_error_set(&err, e == EFBIG ? DIST_E_TOO_LARGE
							: DIST_E_IO,
				       DIST_STAGE_INPUT,
				       "cannot read names file '%s'%s",
				       st->path,
				       e == EFBIG ? ": larger than 4 MiB" : "");
		discover_failed(&st->s, &err, NULL);
		return;
	}
	text = t.data;
	len = t.len;
	for (line = text; line < text + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			nl = text + len;
		n = (size_t)(nl - line);
		lineno++;
		trim(&line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		if (memchr(line, '\0', n)) {
			bad_line(st, lineno, line, n, "it holds a NUL byte");
			continue;
		}
		line[n] = '\0';
		if (line[0] == '{')
			found_json(st, lineno, line, n);
		else
			found_name(&st->s, line);
	}
	file_text_free(&t);
}

static void static_start(struct discover_source *s)
{
	struct static_source *st = (struct static_source *)s;

	if (st->name)
		found_name(s, st->name);
	else
		read_names_file(st);
	discover_source_done(s);
}

static const struct discover_source_ops static_ops = {
	.start = static_start,
	.cancel = static_cancel,
	.destroy = static_destroy,
};

static struct static_source *static_new(const char *query,
					struct dist_error *err)
{
	struct static_source *st = calloc(1, sizeof *st);

	if (!st) {
		dist_error_nomem(err, DIST_STAGE_NONE, NULL);
		return NULL;
	}
	discover_source_init(&st->s, &static_ops, "static", query);
	return st;
}

int discover_add_static(struct discover *d, const char *name,
			const char *origin, struct dist_error *err)
{
	struct static_source *st = static_new(origin ? origin : "args", err);

	if (!st)
		return -1;
	st->name = strdup(name);
	if (!st->name) {
		static_destroy(&st->s);
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	}
	discover_add_source(d, &st->s);
	return 0;
}

int discover_add_static_file(struct discover *d, const char *path,
			     struct dist_error *err)
{
	struct static_source *st = static_new(path, err);

	if (!st)
		return -1;
	st->path = strdup(path);
	if (!st->path) {
		static_destroy(&st->s);
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	}
	st->s.strategy[0] = '\0';
	snprintf(st->s.strategy, sizeof st->s.strategy, "file");
	discover_add_source(d, &st->s);
	return 0;
}
