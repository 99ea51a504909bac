/* state_file.h - the one state file of cron runs (--state FILE).
 *
 * dist-ping, dist-rpc and dist-connect keep circuit breakers in it,
 * dist-connect its prune counts, dist-elect the leader it last saw and
 * its term. Runs overlap (cron, a manual run beside it), so a run that
 * reads and then rewrites the file holds its lock for the whole time:
 *
 *     struct state_file s;
 *     if (state_file_open(&s, path, &err) < 0) ...;     (locks, reads)
 *     json_t *b = state_file_section(&s, "breakers");    (get or add)
 *     ... change b ...
 *     if (state_file_commit(&s, &err) < 0) ...;          (atomic write)
 *     state_file_close(&s);                              (unlocks)
 *
 * The file is one JSON object,
 *     {"format": "dist-state", "version": 1, "sections": {NAME: {...}}}
 * so one file can serve every program of a cron job, each in its own
 * section. A file that is not that (corrupt, truncated by a full disk,
 * another program's file given by mistake) is an error naming it and
 * what is wrong, never a crash and never a silent reset: resetting
 * would close every open breaker. A missing file is an empty state.
 */
#ifndef DIST_CLUSTER_STATE_FILE_H
#define DIST_CLUSTER_STATE_FILE_H

#include <jansson.h>

#include "base/error.h"

#define STATE_FILE_FORMAT "dist-state"
#define STATE_FILE_VERSION 1
/* Larger than any state we write for thousands of targets; a larger
 * file is not ours. */
#define STATE_FILE_MAX (16 * 1024 * 1024)

struct state_file {
	char *path;
	int lock_fd;
	json_t *root;       /* the whole object */
	json_t *sections;   /* root's "sections" */
};

/* Lock path (on path.lock, waiting for another run) and read it.
 * Returns 0, or -1 with err: DIST_E_IO (cannot lock or read),
 * DIST_E_USAGE naming the file when it is not a state file of this
 * version (stage input). Nothing is held on failure. */
int state_file_open(struct state_file *s, const char *path,
		    struct dist_error *err);

/* The section called name, added empty if missing (or NULL when out of
 * memory, or when the section in the file is not an object: a foreign
 * file — state_file_open has checked every section is one). Borrowed. */
json_t *state_file_section(struct state_file *s, const char *name);

/* Parse and check a state file's text (what state_file_open does after
 * reading it); path only names it in errors. *root is owned by the
 * caller on success, NULL on failure. */
int state_file_parse(const char *path, const char *text, size_t len,
		     json_t **root, struct dist_error *err);

/* Write the state back whole (temp file + rename, mode 0600), keeping
 * the lock. 0, or -1 with err. */
int state_file_commit(struct state_file *s, struct dist_error *err);

/* Let the lock go and free the state. Safe on a zeroed struct and
 * twice. */
void state_file_close(struct state_file *s);

#endif
