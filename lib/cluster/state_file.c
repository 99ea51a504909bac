/* state_file.c - read, check and rewrite the state file under its lock
 * (see state_file.h). */
#include "cluster/state_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "base/buf.h"
#include "base/file.h"

static int not_ours(const char *path, struct dist_error *err,
		    const char *what)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "state file %s: %s; give --state a file of "
			      "its own, or move this one away if it is "
			      "damaged (its breakers and counts start "
			      "again)", path, what);
}

/* Check the parsed file is a state file of this version whose sections
 * are all objects. */
static int check_root(const char *path, json_t *root,
		      struct dist_error *err)
{
	json_t *format = json_object_get(root, "format");
	json_t *version = json_object_get(root, "version");
	json_t *sections = json_object_get(root, "sections");
	const char *name;
	json_t *v;

	if (!json_is_object(root))
		return not_ours(path, err, "not a JSON object");
	if (!json_is_string(format) ||
	    strcmp(json_string_value(format), STATE_FILE_FORMAT) != 0)
		return not_ours(path, err, "not a dist state file (no "
				"\"format\": \"" STATE_FILE_FORMAT "\")");
	if (!json_is_integer(version) ||
	    json_integer_value(version) != STATE_FILE_VERSION) {
		char what[128];

		snprintf(what, sizeof what, "version %s, this program "
			 "reads version %d",
			 json_is_integer(version) ? "other than 1" : "missing",
			 STATE_FILE_VERSION);
		return not_ours(path, err, what);
	}
	if (!json_is_object(sections))
		return not_ours(path, err, "\"sections\" is not an object");
	json_object_foreach(sections, name, v) {
		if (!json_is_object(v)) {
			char what[160];

			snprintf(what, sizeof what, "section \"%.64s\" is "
				 "not an object", name);
			return not_ours(path, err, what);
		}
	}
	return 0;
}

static json_t *empty_state(void)
{
	return json_pack("{s:s, s:i, s:{}}", "format", STATE_FILE_FORMAT,
			 "version", STATE_FILE_VERSION, "sections");
}

int state_file_parse(const char *path, const char *text, size_t len,
		     json_t **root, struct dist_error *err)
{
	json_error_t jerr;

	*root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*root) {
		char what[300];

		snprintf(what, sizeof what, "not valid JSON (line %d: %s)",
			 jerr.line, jerr.text);
		return not_ours(path, err, what);
	}
	if (check_root(path, *root, err) < 0) {
		json_decref(*root);
		*root = NULL;
		return -1;
	}
	return 0;
}

static int read_state(struct state_file *s, struct dist_error *err)
{
	struct file_text t = { 0 };
	int rc;

	if (file_read(s->path, "state file", STATE_FILE_MAX, FILE_REGULAR,
		      &t, err) < 0) {
		if (errno != ENOENT)
			return -1;
		dist_error_clear(err);
		s->root = empty_state();
		return s->root ? 0 :
			dist_error_nomem(err, DIST_STAGE_INPUT, s->path);
	}
	rc = state_file_parse(s->path, t.data, t.len, &s->root, err);
	file_text_free(&t);
	return rc;
}

int state_file_open(struct state_file *s, const char *path,
		    struct dist_error *err)
{
	memset(s, 0, sizeof *s);
	s->lock_fd = -1;
	s->path = strdup(path);
	if (!s->path)
		return dist_error_nomem(err, DIST_STAGE_INPUT, path);
	s->lock_fd = atomic_file_lock(path, err);
	if (s->lock_fd < 0 || read_state(s, err) < 0) {
		state_file_close(s);
		return -1;
	}
	s->sections = json_object_get(s->root, "sections");
	return 0;
}

json_t *state_file_section(struct state_file *s, const char *name)
{
	json_t *sec = json_object_get(s->sections, name);

	if (sec)
		return json_is_object(sec) ? sec : NULL;
	sec = json_object();
	if (!sec || json_object_set_new(s->sections, name, sec) < 0)
		return NULL;
	return sec;
}

int state_file_commit(struct state_file *s, struct dist_error *err)
{
	struct buf out;
	char *text = json_dumps(s->root, JSON_INDENT(1) | JSON_SORT_KEYS);
	int rc;

	if (!text)
		return dist_error_nomem(err, DIST_STAGE_NONE, s->path);
	buf_init(&out, 0);
	buf_put(&out, text, strlen(text));
	buf_put(&out, "\n", 1);   /* a text file ends with a newline */
	if (out.failed) {
		free(text);
		buf_free(&out);
		return dist_error_nomem(err, DIST_STAGE_NONE, s->path);
	}
	free(text);
	rc = atomic_file_write(s->path, out.data, out.len, 0600, err);
	buf_free(&out);
	return rc;
}

void state_file_close(struct state_file *s)
{
	if (s->lock_fd >= 0)
		atomic_file_unlock(s->lock_fd);
	s->lock_fd = -1;
	json_decref(s->root);
	s->root = NULL;
	s->sections = NULL;
	free(s->path);
	s->path = NULL;
}
