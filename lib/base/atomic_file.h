/* atomic_file.h - replace a file whole, so that a reader never sees
 * half of it, and serialise the runs that do.
 *
 * Prometheus textfiles (--prom), and the state files of cron runs
 * (breakers, backoff, leases) are read by other processes at any
 * moment and written by runs that may overlap. The new content goes to
 * a temporary file beside the target, is flushed, and is renamed over
 * it (rename is atomic within a file system); a run that reads, then
 * rewrites, holds an flock on a lock file beside it for the duration.
 */
#ifndef DIST_BASE_ATOMIC_FILE_H
#define DIST_BASE_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

/* Write data[0..len) to path through a temporary file and a rename.
 * mode: the new file's permissions (0644 for a textfile, 0600 for
 * state). Returns 0, or -1 with err (DIST_E_IO naming the path) and
 * errno kept, for a caller that words the failure its own way. */
int atomic_file_write(const char *path, const void *data, size_t len,
		      mode_t mode, struct dist_error *err);

/* Hold an exclusive lock for path (on "path.lock", created 0600),
 * waiting for another holder. Returns the lock's descriptor, or -1
 * with err. */
int atomic_file_lock(const char *path, struct dist_error *err);

/* Let the lock go (closing its descriptor releases it). */
void atomic_file_unlock(int fd);

#endif
