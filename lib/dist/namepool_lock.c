/* namepool_lock.c - pool names held between runs (see namepool_lock.h). */
#include "dist/namepool_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int namepool_lock_dir_open(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char path[4096];
	struct stat st;
	int fd;

	if (xdg && xdg[0] == '/')
		snprintf(path, sizeof path, "%s/dist", xdg);
	else
		snprintf(path, sizeof path, "/tmp/dist-%u", (unsigned)getuid());
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	/* /tmp is shared: the directory must be ours and closed to others,
	 * or another user could hold our names or plant links. */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int namepool_lock_try(int dir, const char *key, unsigned index, int *fd)
{
	struct flock fl;
	char name[256];
	int f;

	*fd = -1;
	/* The key is an alive name (letters, digits, '_', '-'), an
	 * address and a port: only '/' could leave the directory. */
	snprintf(name, sizeof name, "%s", key);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '_';
	f = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		   0600);
	if (f < 0)
		return -1;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)index;
	fl.l_len = 1;
	/* OFD locks (Linux 3.15): owned by this open file, so two
	 * connections of one process exclude each other as two processes
	 * do, and closing one file leaves the others' locks alone. */
	if (fcntl(f, F_OFD_SETLK, &fl) == 0) {
		*fd = f;
		return 1;
	}
	close(f);
	return errno == EAGAIN || errno == EACCES ? 0 : -1;
}
