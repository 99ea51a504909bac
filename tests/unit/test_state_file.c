/* test_state_file.c - the state file of cron runs: a missing file is an
 * empty state, sections survive a commit, and anything that is not a
 * state file of this version is refused by name, never reset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cluster/state_file.h"
#include "tap.h"

static char dir[] = "/tmp/dist-state-test.XXXXXX";

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_round_trip(void)
{
	char path[256];
	struct state_file s;
	struct dist_error err = { 0 };
	struct stat st;
	json_t *sec;

	snprintf(path, sizeof path, "%s/state.json", dir);
	ok(state_file_open(&s, path, &err) == 0 &&
	   json_object_size(s.sections) == 0,
	   "state_file: a missing file is an empty state");
	sec = state_file_section(&s, "breakers");
	json_object_set_new(sec, "a@h", json_integer(3));
	ok(state_file_commit(&s, &err) == 0, "state_file: commit");
	state_file_close(&s);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "state_file: written 0600");
	ok(state_file_open(&s, path, &err) == 0 &&
	   json_integer_value(json_object_get(
		   state_file_section(&s, "breakers"), "a@h")) == 3 &&
	   json_object_size(state_file_section(&s, "elect")) == 0,
	   "state_file: a section survives, another starts empty");
	state_file_close(&s);
	state_file_close(&s);
	ok(1, "state_file: close twice is safe");
}

static void refused(const char *text, const char *want, const char *what)
{
	char path[256];
	struct state_file s;
	struct dist_error err = { 0 };
	int rc;

	snprintf(path, sizeof path, "%s/bad.json", dir);
	write_text(path, text);
	rc = state_file_open(&s, path, &err);
	ok(rc < 0 && err.code == DIST_E_USAGE && strstr(err.message, path) &&
	   strstr(err.message, want), "state_file: %s is refused (%s)", what,
	   err.message);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_round_trip();
	refused("{\"format\":\"dist-state\",\"vers", "not valid JSON",
		"a truncated file");
	refused("[1,2]", "not a JSON object", "an array");
	refused("{\"groups\":{}}", "not a dist state file",
		"another program's file");
	refused("{\"format\":\"dist-state\",\"version\":2,\"sections\":{}}",
		"version", "a later version");
	refused("{\"format\":\"dist-state\",\"version\":1,"
		"\"sections\":{\"breakers\":[]}}", "breakers",
		"a section that is not an object");
	refused("{\"format\":\"dist-state\",\"format\":\"dist-state\"}",
		"not valid JSON", "a duplicated key");
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			perror("rm");
	}
	return tap_done();
}
