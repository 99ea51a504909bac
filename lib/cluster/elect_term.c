/* elect_term.c - term bookkeeping (see elect_term.h). */
#include "cluster/elect_term.h"

#include <string.h>

static int bad_entry(struct dist_error *err, const char *path,
		     const char *key, const char *what)
{
	return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_INPUT,
			      "%s: section \"elect\", entry \"%s\": %s; it "
			      "was not written by dist-elect (move it away "
			      "to start the terms again)", path, key, what);
}

int elect_term_load(json_t *section, const char *key, const char *path,
		    struct elect_term *t, struct dist_error *err)
{
	json_t *e = json_object_get(section, key);
	json_t *leader, *term;
	json_int_t n;

	memset(t, 0, sizeof *t);
	if (!e)
		return 0;
	if (!json_is_object(e))
		return bad_entry(err, path, key, "not an object");
	leader = json_object_get(e, "leader");
	term = json_object_get(e, "term");
	if (leader && !json_is_null(leader)) {
		const char *s = json_string_value(leader);

		if (!s || json_string_length(leader) > ELECT_NAME_MAX ||
		    strlen(s) != json_string_length(leader))
			return bad_entry(err, path, key,
					 "\"leader\" is not a node name");
		memcpy(t->leader, s, json_string_length(leader) + 1);
	}
	if (!term)
		return 0;
	n = json_is_integer(term) ? json_integer_value(term) : -1;
	if (n < 0 || n > ELECT_TERM_MAX)
		return bad_entry(err, path, key,
				 "\"term\" is not a whole number from 0 to "
				 "2^53");
	t->term = n;
	return 0;
}

int elect_term_observe(struct elect_term *t, const char *leader,
		       int64_t floor)
{
	int64_t before = t->term;

	if (!leader)
		return 0;
	if (strcmp(t->leader, leader) != 0) {
		size_t n = strlen(leader);

		if (n > ELECT_NAME_MAX)
			n = ELECT_NAME_MAX;
		memcpy(t->leader, leader, n);
		t->leader[n] = '\0';
		if (t->term < ELECT_TERM_MAX)
			t->term++;
	}
	if (floor > t->term)
		t->term = floor > ELECT_TERM_MAX ? ELECT_TERM_MAX : floor;
	return t->term > before;
}

int elect_term_store(json_t *section, const char *key,
		     const struct elect_term *t)
{
	json_t *e = json_pack("{s:s?, s:I}", "leader",
			      t->leader[0] ? t->leader : NULL, "term",
			      (json_int_t)t->term);

	if (!e)
		return -1;
	return json_object_set_new(section, key, e) < 0 ? -1 : 0;
}
