/* ssl_dl.c - open libssl.so.3 and fill struct ssl_api (see ssl_dl.h). */
#include "io/ssl_dl.h"

#include <stdbool.h>
#include <stddef.h>

#include "io/dl_table.h"

#define SSL_SONAME "libssl.so.3"

#define SYM(f) { #f, offsetof(struct ssl_api, f) },
static const struct dl_sym syms[] = { SSL_DL_FUNCS(SYM) };

static struct ssl_api api_table;
static bool api_loaded;

int ssl_api_load(const struct ssl_api **api, struct dist_error *err)
{
	if (!api_loaded) {
		if (dl_table_load(SSL_SONAME, syms, sizeof syms / sizeof syms[0],
				  &api_table, sizeof api_table, DIST_E_TLS,
				  "install libssl3; needed for --tls", err) < 0)
			return -1;
		api_loaded = true;
	}
	*api = &api_table;
	return 0;
}
