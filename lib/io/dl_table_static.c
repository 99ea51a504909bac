/* dl_table_static.c - dl_table_load for the fully static programs
 * (make static), linked in their place of dl_table.c.
 *
 * A static binary cannot load a shared library safely: libssl brings
 * libc.so with it, a second C library beside the one linked in, and
 * glibc only allows that when both come from the same build (the link
 * warns about it). The static programs are for minimal images, which
 * have no libssl to load anyway: they say so plainly, and point to the
 * dynamic build. Not in libdist.a (the Makefile's STATIC_SRCS), so the
 * dynamic programs never see it.
 */
#include "io/dl_table.h"

int dl_table_load(const char *soname, const struct dl_sym *syms,
		  size_t nsyms, void *table, size_t size,
		  enum dist_code code, const char *hint,
		  struct dist_error *err)
{
	(void)syms;
	(void)nsyms;
	(void)table;
	(void)size;
	return dist_error_set(err, code, DIST_STAGE_NONE,
			      "cannot load %s (%s): this is a static build, "
			      "which loads no shared library; use the "
			      "dynamically linked program for it", soname,
			      hint);
}

bool dl_table_can_load(void)
{
	return false;
}
