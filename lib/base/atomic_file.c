/* atomic_file.c - temp + rename, and flock (see atomic_file.h). */
#include "base/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int atomic_file_write(const char *path, const void *data, size_t len,
		      mode_t mode, struct dist_error *err)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + sizeof ".tmp.XXXXXX");
	int fd, saved;

	if (!tmp)
		return dist_error_set(err, DIST_E_NOMEM, DIST_STAGE_NONE,
				      "out of memory writing %s", path);
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
	/* Beside the target, so the rename stays on one file system;
	 * mkstemp, so two runs never share a temporary file. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		free(tmp);
		dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			       "cannot write %s: cannot create a temporary "
			       "file beside it: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 ||
	    fsync(fd) < 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE, "cannot write %s: %s",
		       path, strerror(saved));
	errno = saved;
	return -1;
}

int atomic_file_lock(const char *path, struct dist_error *err)
{
	char lock[4096];
	int fd;

	if (snprintf(lock, sizeof lock, "%s.lock", path) >= (int)sizeof lock)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "cannot lock %s: path too long", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "cannot lock %s: %s", lock,
				      strerror(errno));
	while (flock(fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			       "cannot lock %s: %s", lock, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void atomic_file_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
