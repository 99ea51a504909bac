/* file.c - bounded, secret-safe reading (see file.h). */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *secret_realloc(void *old, size_t used, size_t size)
{
	char *p = malloc(size);

	if (!p)
		return NULL;
	if (old) {
		memcpy(p, old, used);
		explicit_bzero(old, used);
		free(old);
	}
	return p;
}

/* Grow to cap bytes; a secret's old buffer is wiped before it is
 * freed, which realloc would not do. */
static char *file_grow(char *old, size_t used, size_t cap, bool secret)
{
	return secret ? secret_realloc(old, used, cap) : realloc(old, cap);
}

static int file_fail(struct file_text *t, size_t used, int errnum)
{
	if (t->data) {
		if (t->secret)
			explicit_bzero(t->data, used);
		free(t->data);
		t->data = NULL;
	}
	t->len = 0;
	errno = errnum;
	return -1;
}

/* Read to end of file into t, at most max bytes: -1 with errno. */
static int file_slurp(int fd, size_t max, struct file_text *t)
{
	size_t cap = 0, used = 0;
	ssize_t n;

	for (;;) {
		if (used == cap) {
			char *bigger;

			if (cap > max)
				return file_fail(t, used, EFBIG);
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 1)
				cap = max + 1;
			bigger = file_grow(t->data, used, cap + 1, t->secret);
			if (!bigger)
				return file_fail(t, used, ENOMEM);
			t->data = bigger;
		}
		n = read(fd, t->data + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return file_fail(t, used, errno);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max)
		return file_fail(t, used, EFBIG);
	t->data[used] = '\0';
	t->len = used;
	return 0;
}

static int file_error(const char *what, const char *path, size_t max,
		      struct dist_error *err)
{
	int saved = errno;

	if (saved == EFBIG)
		dist_error_set(err, DIST_E_TOO_LARGE, DIST_STAGE_NONE,
			       "%s %s is larger than %zu bytes", what, path,
			       max);
	else if (saved == ENOMEM)
		dist_error_set(err, DIST_E_NOMEM, DIST_STAGE_NONE,
			       "out of memory reading %s %s", what, path);
	else
		dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
			       "cannot read %s %s: %s", what, path,
			       strerror(saved));
	errno = saved;
	return -1;
}

int fd_read_all(int fd, const char *what, size_t max, unsigned flags,
		struct file_text *out, struct dist_error *err)
{
	memset(out, 0, sizeof *out);
	out->secret = flags & FILE_SECRET;
	if (file_slurp(fd, max, out) < 0)
		return file_error(what, "(stdin)", max, err);
	return 0;
}

int file_read(const char *path, const char *what, size_t max, unsigned flags,
	      struct file_text *out, struct dist_error *err)
{
	int fd, rc;

	memset(out, 0, sizeof *out);
	out->secret = flags & FILE_SECRET;
	/* O_NONBLOCK: a FIFO at the path must not hang the open; for a
	 * regular file it changes nothing. It is cleared for the reads so
	 * that a pipe given on purpose (<(...)) is read to its end. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return file_error(what, path, max, err);
	if (fstat(fd, &out->st) < 0)
		goto fail;
	if ((flags & FILE_REGULAR) && !S_ISREG(out->st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "%s %s is not a regular file", what,
				      path);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		goto fail;
	rc = file_slurp(fd, max, out);
	if (rc < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	{
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return file_error(what, path, max, err);
}

void file_text_free(struct file_text *t)
{
	if (!t->data)
		return;
	if (t->secret)
		explicit_bzero(t->data, t->len);
	free(t->data);
	t->data = NULL;
	t->len = 0;
}
