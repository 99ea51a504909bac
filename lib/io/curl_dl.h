/* curl_dl.h - libcurl loaded on first use, not at start-up.
 *
 * Linking libcurl maps some 33 shared objects into every run (about
 * 3.3 ms, see DESIGN.md), while most runs of dist-discover (DNS, EPMD,
 * static names) never make an HTTP request. So libcurl is opened with
 * dlopen the first time an HTTP source is added, and its functions are
 * called through this table. <curl/curl.h> still gives the types and
 * constants; each member has exactly the type of the function whose
 * name it carries after "curl_" (checked when curl_dl.c compiles).
 */
#ifndef DIST_CURL_DL_H
#define DIST_CURL_DL_H

#include <curl/curl.h>

#include "base/error.h"

struct curl_api {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);

	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *c);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode rc);

	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *m);
	CURLMcode (*multi_setopt)(CURLM *m, CURLMoption opt, ...);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *c);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *c);
	CURLMcode (*multi_socket_action)(CURLM *m, curl_socket_t fd,
					 int ev_bitmask, int *running);
	CURLMcode (*multi_assign)(CURLM *m, curl_socket_t fd, void *p);
	CURLMsg *(*multi_info_read)(CURLM *m, int *msgs_in_queue);

	struct curl_slist *(*slist_append)(struct curl_slist *l,
					   const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/* Point *api at the table, opening libcurl.so.4 the first time. Never
 * closed: libcurl stays mapped until exit. Not thread-safe. -1 with
 * DIST_E_IO in err when the library or one of its functions is missing. */
int curl_api_load(const struct curl_api **api, struct dist_error *err);

#endif
