/* metrics_record.c - the --stats record of a program that writes its
 * own records (dist-members, dist-elect): the last one, in its format. */
#include "run/metrics.h"

#include <errno.h>
#include <stdio.h>

int metrics_write_record(json_t *rec, enum output_format f, FILE *out,
			 const char *text)
{
	if (f == OUTPUT_QUIET)
		return 0;
	if (!rec) {
		errno = ENOMEM;
		return -1;
	}
	errno = 0;
	if (f != OUTPUT_TEXT)
		return record_write_as(rec, f, out);
	fprintf(out, "# %s\n", text);
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
