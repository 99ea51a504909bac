/* dl_table.c - dlopen a library and fill a table (see dl_table.h). */
#include "io/dl_table.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
	       "function pointers must fit a dlsym result");

int dl_table_load(const char *soname, const struct dl_sym *syms,
		  size_t nsyms, void *table, size_t size,
		  enum dist_code code, const char *hint,
		  struct dist_error *err)
{
	char *t = calloc(1, size);
	const char *why;
	void *h, *p;

	if (!t)
		return dist_error_nomem(err, DIST_STAGE_NONE, soname);
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		free(t);
		return dist_error_set(err, code, DIST_STAGE_NONE,
				      "cannot load %s (%s): %s", soname, hint,
				      why ? why : "unknown");
	}
	for (size_t i = 0; i < nsyms; i++) {
		dlerror();
		p = dlsym(h, syms[i].name);
		if (!p) {
			why = dlerror();
			dist_error_set(err, code, DIST_STAGE_NONE,
				       "cannot load %s: no %s (%s)", soname,
				       syms[i].name,
				       why ? why : "null symbol");
			dlclose(h);
			free(t);
			return -1;
		}
		/* POSIX: a function's address fits in a void *; copying
		 * the bytes avoids an object-to-function pointer cast. */
		memcpy(t + syms[i].off, &p, sizeof p);
	}
	/* The handle stays open: the table points into it for the rest
	 * of the run. */
	memcpy(table, t, size);
	free(t);
	return 0;
}

bool dl_table_can_load(void)
{
	return true;
}
