/* prom_text.c - a Prometheus textfile, built then replaced whole. */
#include "run/prom_text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"

void prom_text_open(struct prom_text *p, const char *prefix)
{
	memset(p, 0, sizeof *p);
	p->prefix = prefix;
	p->f = open_memstream(&p->text, &p->len);
}

void prom_family(struct prom_text *p, const char *name, const char *type,
		 const char *help)
{
	if (p->f)
		fprintf(p->f, "# HELP %s_%s %s\n# TYPE %s_%s %s\n", p->prefix,
			name, help, p->prefix, name, type);
}

void prom_label_value(FILE *f, const char *v, size_t max)
{
	size_t n = strlen(v);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\\')
			fputs("\\\\", f);
		else if (v[i] == '"')
			fputs("\\\"", f);
		else if (v[i] == '\n')
			fputs("\\n", f);
		else
			fputc(v[i], f);
	}
}

/* Values as short as they are exact: counts as integers, seconds with
 * their fraction, timestamps whole (15 digits hold them). */
void prom_sample(struct prom_text *p, const char *name, double v, ...)
{
	const char *k;
	char sep = '{';
	va_list ap;

	if (!p->f)
		return;
	fprintf(p->f, "%s_%s", p->prefix, name);
	va_start(ap, v);
	while ((k = va_arg(ap, const char *)) != NULL) {
		fprintf(p->f, "%c%s=\"", sep, k);
		prom_label_value(p->f, va_arg(ap, const char *), SIZE_MAX);
		fputc('"', p->f);
		sep = ',';
	}
	va_end(ap);
	fprintf(p->f, "%s %.15g\n", sep == ',' ? "}" : "", v);
}

void prom_gauge(struct prom_text *p, const char *name, const char *help,
		double v)
{
	prom_family(p, name, "gauge", help);
	prom_sample(p, name, v, (const char *)NULL);
}

int prom_text_commit(struct prom_text *p, const char *path,
		     struct dist_error *err)
{
	int rc, errnum;

	if (!p->f || fclose(p->f) != 0) {
		p->f = NULL;
		prom_text_free(p);
		return dist_error_nomem(err, DIST_STAGE_NONE,
					"writing the --prom file");
	}
	p->f = NULL;
	rc = atomic_file_write(path, p->text, p->len, 0644, err);
	errnum = errno;
	prom_text_free(p);
	if (rc < 0)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "--prom %s: %s", path, strerror(errnum));
	return 0;
}

void prom_text_free(struct prom_text *p)
{
	if (p->f)
		fclose(p->f);
	p->f = NULL;
	free(p->text);
	p->text = NULL;
	p->len = 0;
}
