/* ssl_dl.c - open libssl.so.3 and fill struct ssl_api (see ssl_dl.h). */
#include "io/ssl_dl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define SSL_SONAME "libssl.so.3"

_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
	       "function pointers must fit a dlsym result");

#define SYM(f) { #f, offsetof(struct ssl_api, f) },
static const struct ssl_sym {
	const char *name;
	size_t off;
} syms[] = { SSL_DL_FUNCS(SYM) };

static struct ssl_api api_table;
static bool api_loaded;

int ssl_api_load(const struct ssl_api **api, struct dist_error *err)
{
	struct ssl_api t;
	const char *why;
	void *h, *p;

	if (api_loaded) {
		*api = &api_table;
		return 0;
	}
	/* RTLD_LOCAL: its libcrypto serves it, never our static copy's
	 * callers, and ours never serves it (the executable exports
	 * none of its symbols). dlsym on the handle finds libcrypto's
	 * functions too: a handle searches its dependencies. */
	h = dlopen(SSL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
				      "cannot load " SSL_SONAME " for --tls "
				      "(install libssl3): %s",
				      why ? why : "unknown");
	}
	memset(&t, 0, sizeof t);
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		dlerror();
		p = dlsym(h, syms[i].name);
		if (!p) {
			why = dlerror();
			dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
				       "cannot load " SSL_SONAME ": no %s "
				       "(%s)", syms[i].name,
				       why ? why : "null symbol");
			dlclose(h);
			return -1;
		}
		/* POSIX: a function's address fits in a void *. */
		memcpy((char *)&t + syms[i].off, &p, sizeof p);
	}
	api_table = t;
	api_loaded = true;
	*api = &api_table;
	return 0;
}
