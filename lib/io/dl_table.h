/* dl_table.h - fill a table of function pointers from a shared library
 * opened on first use.
 *
 * libcurl (an HTTP discovery source) and libssl (--tls) cost every run
 * their loading time when linked, so the programs open them only when
 * a run needs them (curl_dl.h, ssl_dl.h). Both are "dlopen this soname,
 * dlsym each name into its slot, all or nothing": this is that loop.
 */
#ifndef DIST_IO_DL_TABLE_H
#define DIST_IO_DL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* A function of the library and where its address goes in the table. */
struct dl_sym {
	const char *name;
	size_t off;
};

/* dlopen(soname, RTLD_NOW | RTLD_LOCAL) and dlsym every sym into
 * table (size bytes), which is left untouched unless all are found.
 * RTLD_NOW: a missing dependency fails here, not mid-run; RTLD_LOCAL:
 * the library's own dependencies never serve our symbols. Returns 0, or
 * -1 with err set to code, naming the soname, what is missing and
 * `hint` (what to install). */
int dl_table_load(const char *soname, const struct dl_sym *syms,
		  size_t nsyms, void *table, size_t size,
		  enum dist_code code, const char *hint,
		  struct dist_error *err);

/* Whether this program can load shared libraries at all: false in the
 * fully static builds (dl_table_static.c), which then hand a run that
 * needs libssl to their dynamically linked twin (cli_twin.h). */
bool dl_table_can_load(void);

#endif
