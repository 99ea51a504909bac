/* curl_dl.c - open libcurl.so.4 and fill struct curl_api (see curl_dl.h). */
#include "io/curl_dl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define CURL_SONAME "libcurl.so.4"

/* Every member of struct curl_api, by the name after "curl_". */
#define CURL_FUNCS(X)                                                       \
	X(global_init) X(global_cleanup)                                    \
	X(easy_init) X(easy_cleanup) X(easy_setopt) X(easy_getinfo)         \
	X(easy_strerror)                                                    \
	X(multi_init) X(multi_cleanup) X(multi_setopt) X(multi_add_handle)  \
	X(multi_remove_handle) X(multi_socket_action) X(multi_assign)       \
	X(multi_info_read)                                                  \
	X(slist_append) X(slist_free_all)

/* Each member has the type of the header's prototype. */
#define CHECK_TYPE(f)                                                       \
	_Static_assert(__builtin_types_compatible_p(                        \
			       __typeof__(&curl_##f),                       \
			       __typeof__(((struct curl_api *)0)->f)),      \
		       "struct curl_api: " #f " has the wrong type");
CURL_FUNCS(CHECK_TYPE)
_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
	       "function pointers must fit a dlsym result");

#define SYM(f) { "curl_" #f, offsetof(struct curl_api, f) },
static const struct curl_sym {
	const char *name;
	size_t off;
} syms[] = { CURL_FUNCS(SYM) };

static struct curl_api api_table;
static bool api_loaded;

int curl_api_load(const struct curl_api **api, struct dist_error *err)
{
	struct curl_api t;
	const char *why;
	void *h, *p;

	if (api_loaded) {
		*api = &api_table;
		return 0;
	}
	/* RTLD_NOW: a missing dependency fails here, not mid-transfer.
	 * RTLD_LOCAL: libcurl's own libraries never serve our symbols. */
	h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "cannot load " CURL_SONAME " (install "
				      "libcurl4): %s", why ? why : "unknown");
	}
	memset(&t, 0, sizeof t);
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		dlerror();
		p = dlsym(h, syms[i].name);
		if (!p) {
			why = dlerror();
			dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				       "cannot load " CURL_SONAME ": no %s "
				       "(%s)", syms[i].name,
				       why ? why : "null symbol");
			dlclose(h);
			return -1;
		}
		/* POSIX: a function's address fits in a void *; copying
		 * the bytes avoids an object-to-function pointer cast. */
		memcpy((char *)&t + syms[i].off, &p, sizeof p);
	}
	api_table = t;
	api_loaded = true;
	*api = &api_table;
	return 0;
}
