/* file.h - the one way to read a small file or a pipe: bounded, and
 * safe for secrets.
 *
 * Cookie files, vm.args, service-account tokens, host lists and node
 * lists are all "read it whole, but never more than N bytes". One
 * reader does it: it works on pipes (--vm-args <(...)), never blocks
 * on a FIFO planted at a path, refuses what is larger than the limit
 * before holding it all, and, for secrets, wipes every buffer it lets
 * go of so a cookie is never left behind in freed memory or a core.
 */
#ifndef DIST_BASE_FILE_H
#define DIST_BASE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "base/error.h"

enum file_read_flags {
	FILE_SECRET = 1,   /* wipe the buffers: the text is a secret */
	FILE_REGULAR = 2,  /* a path must name a regular file */
};

struct file_text {
	char *data;        /* NUL-terminated (a NUL inside is kept) */
	size_t len;
	struct stat st;    /* of the file read (paths only; kept when
			    * the read fails after the open, so a caller
			    * can still check the mode) */
	bool secret;
};

/* Read path whole, at most max bytes. On failure returns -1 with errno
 * kept (ENOENT: no such file, EFBIG: larger than max) and err set to
 * DIST_E_IO or DIST_E_TOO_LARGE naming the path; `what` names the file
 * in the message ("cookie file", "vm.args"). */
int file_read(const char *path, const char *what, size_t max, unsigned flags,
	      struct file_text *out, struct dist_error *err);

/* The same from an open descriptor (stdin), until end of file. */
int fd_read_all(int fd, const char *what, size_t max, unsigned flags,
		struct file_text *out, struct dist_error *err);

/* Grow a buffer that may hold a secret to size bytes, keeping its first
 * used bytes: realloc could leave the old copy behind in freed memory,
 * so this copies and wipes it. NULL (old untouched) when out of memory. */
void *secret_realloc(void *old, size_t used, size_t size);

/* Free (and for secrets wipe) what a read returned. Safe twice. */
void file_text_free(struct file_text *t);

#endif
