/* curl_dl.c - open libcurl.so.4 and fill struct curl_api (see curl_dl.h). */
#include "io/curl_dl.h"

#include <stdbool.h>
#include <stddef.h>

#include "io/dl_table.h"

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
#define SYM(f) { "curl_" #f, offsetof(struct curl_api, f) },
static const struct dl_sym syms[] = { CURL_FUNCS(SYM) };

static struct curl_api api_table;
static bool api_loaded;

int curl_api_load(const struct curl_api **api, struct dist_error *err)
{
	if (!api_loaded) {
		if (dl_table_load(CURL_SONAME, syms, sizeof syms / sizeof syms[0],
				  &api_table, sizeof api_table, DIST_E_IO,
				  "install libcurl4", err) < 0)
			return -1;
		api_loaded = true;
	}
	*api = &api_table;
	return 0;
}
