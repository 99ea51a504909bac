/* discover_run.h - discovery as a program runs it: the settings its
 * options ask for become sources, the sources are polled once or
 * watched, and every record goes back to the program, which writes it.
 * dist-discover is one such program; any program that needs the same
 * set of nodes takes the same settings and gets the same records.
 *
 * Nothing here prints: errors come back as struct dist_error, records
 * through the caller's function, text lines to the caller's FILE.
 *
 *   discover_settings.c  option values, strategy words and checks,
 *                        B@NAME, settings -> sources
 *   discover_loop.c      poll once, or every interval (--watch), each
 *                        repeated error said once
 *   discover_text.c      the -o text lines of node and error records
 */
#ifndef DIST_DISCOVER_RUN_H
#define DIST_DISCOVER_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"
#include "discover/discover.h"

/* What each setting option is; a program's option table hands these
 * ids (with the option's argument) to discover_settings_option. The
 * names of options in error messages are dist-discover's, so a program
 * that takes these settings takes them under the same names. */
enum discover_setting {
	DISCOVER_SET_QUERY = 1,    /* --query NAME: A+AAAA, B@NAME */
	DISCOVER_SET_SRV,          /* --srv NAME: SRV, B@NAME */
	DISCOVER_SET_BASENAME,     /* -b, --basename B */
	DISCOVER_SET_NAME_FROM,    /* --name-from ip|hostname */
	DISCOVER_SET_HOST,         /* -H, --host HOST */
	DISCOVER_SET_HOSTS_FILE,   /* --hosts-file FILE */
	DISCOVER_SET_HOST_FORM,    /* --host-form short|long|address */
	DISCOVER_SET_URL,          /* --url URL */
	DISCOVER_SET_FORMAT,       /* --format FMT */
	DISCOVER_SET_CACERT,       /* --cacert FILE */
	DISCOVER_SET_BEARER_FILE,  /* --bearer-file FILE */
	DISCOVER_SET_MAX_BODY,     /* --max-body BYTES */
	DISCOVER_SET_K8S,          /* --k8s */
	DISCOVER_SET_K8S_SERVICE,  /* --k8s-service NAME */
	DISCOVER_SET_K8S_SELECTOR, /* --k8s-selector SEL */
	DISCOVER_SET_K8S_NAMESPACE, /* --k8s-namespace NS */
	DISCOVER_SET_K8S_API,      /* --k8s-api URL */
	DISCOVER_SET_K8S_DIR,      /* --k8s-dir DIR */
	DISCOVER_SET_CLUSTER_DOMAIN, /* --cluster-domain D */
	DISCOVER_SET_FILE,         /* -f, --file FILE */
	DISCOVER_SET_WATCH,        /* -w, --watch */
	DISCOVER_SET_INTERVAL,     /* -i, --interval DUR */
	DISCOVER_SET_DNS,          /* --dns, and the strategy words */
	DISCOVER_SET_EPMD,         /* --epmd */
	DISCOVER_SET_HTTP,         /* --http */
	DISCOVER_SET_STATIC,       /* --static */
};

/* Options that may repeat, kept in command-line order. */
struct discover_list {
	const char **v;
	int n;
};

struct discover_settings {
	struct discover_list queries, srvs, hosts, urls, files;
	const char *basename, *hosts_file, *cacert, *bearer_file;
	const char *cluster_domain;
	struct discover_k8s_config k8s;
	enum discover_name_from from;
	enum discover_format format;
	enum discover_host_form host_form;
	long max_body;
	bool dns, epmd, http, k8s_on, statics;
	bool watch;
	int64_t interval_ms;
};

/* discover_settings.c */
/* Empty settings whose lists each hold up to max_each values (argc
 * will do: no option repeats more often than that). 0, or -1 with
 * err (out of memory). */
int discover_settings_init(struct discover_settings *s, int max_each,
			   struct dist_error *err);
void discover_settings_release(struct discover_settings *s);
/* One option: id is its enum discover_setting, arg its argument (NULL
 * for a flag). 0, or -1 with err (DIST_E_USAGE: a bad value). */
int discover_settings_option(struct discover_settings *s, int id,
			     const char *arg, struct dist_error *err);
/* A leading word naming a strategy (dns, epmd, http, k8s, static):
 * true when w was one, and that strategy is on. */
bool discover_settings_word(struct discover_settings *s, const char *w);
/* After the options, with the number of NODE operands: names switch on
 * static, nothing at all means EPMD on this host, and each strategy
 * asked for must have what it needs (DIST_E_USAGE saying what). */
int discover_settings_finish(struct discover_settings *s, int nnames,
			     struct dist_error *err);
/* Add to d every source the settings name, in a fixed order (DNS,
 * EPMD, HTTP, Kubernetes, files, names), and make the resolver of the
 * configured DNS servers. -1 with err: DIST_E_USAGE for a --query/--srv
 * without a basename or servers c-ares refuses, else what the source
 * said (an unreadable token file is DIST_E_IO). */
int discover_settings_apply(const struct discover_settings *s,
			    struct discover *d, char *const *names,
			    int nnames, struct dist_error *err);

/* discover_loop.c */
/* A record for the program to write: a node record (or an up/down
 * event with watch), or an error record (is_error). The record is
 * borrowed. Return -1 when the output can take no more: the run ends
 * after this poll. */
typedef int (*discover_record_fn)(void *data, json_t *rec, bool is_error);

struct discover_loop_config {
	bool watch;              /* poll forever, give events */
	int64_t interval_ms;     /* from the start of one poll to the next */
	discover_record_fn record;
	void *data;
};

/* Poll d once, or (watch) every interval until the output fails. With
 * watch, an error record equal to one of the previous poll is not
 * given again: a source that fails the same way every poll says so
 * once, and again when the failure changes or comes back. Returns 0
 * when every source answered, 1 when some error record was given, -1
 * with err when the engine or memory failed. */
int discover_loop_run(struct discover *d, const struct discover_loop_config *c,
		      struct dist_error *err);

/* discover_text.c: one line for a node record or event ("up   " /
 * "down " first), padded to columns: node, address, port, source.
 * Flushed, so that a reader sees each line as it comes; 0, or -1 when
 * out failed (errno says why). */
int discover_text_node(const json_t *rec, FILE *out);
/* "PROG: SOURCE: CODE: MESSAGE" for an error record; as above. */
int discover_text_error(const json_t *rec, const char *prog, FILE *out);

#endif
