/* test_discover_run.c - discovery as a program runs it (discover_run.h):
 * settings from option values and strategy words, the checks that
 * refuse an incomplete request, B@NAME, the text lines, and the watch
 * loop saying a repeated error once. Static sources only: no network. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover/discover_run.h"
#include "tap.h"

static int set(struct discover_settings *s, int id, const char *arg,
	       struct dist_error *err)
{
	return discover_settings_option(s, id, arg, err);
}

static void settings_checks(void)
{
	struct discover_settings s;
	struct dist_error err;

	discover_settings_init(&s, 4, &err);
	ok(discover_settings_finish(&s, 0, &err) == 0 && s.epmd &&
	   !s.dns && !s.statics,
	   "settings: nothing asked for is EPMD on this host");
	discover_settings_release(&s);

	discover_settings_init(&s, 4, &err);
	ok(discover_settings_word(&s, "dns") && !discover_settings_word(&s,
									 "a@h") &&
	   discover_settings_finish(&s, 0, &err) < 0 &&
	   err.code == DIST_E_USAGE &&
	   !strcmp(err.message, "dns needs --query NAME or --srv NAME"),
	   "settings: the word dns without a name is refused (%s)",
	   err.message);
	discover_settings_release(&s);

	discover_settings_init(&s, 4, &err);
	ok(set(&s, DISCOVER_SET_HTTP, NULL, &err) == 0 &&
	   discover_settings_finish(&s, 0, &err) < 0 &&
	   !strcmp(err.message, "http needs --url URL"),
	   "settings: --http without --url is refused (%s)", err.message);
	discover_settings_release(&s);

	discover_settings_init(&s, 4, &err);
	ok(discover_settings_word(&s, "static") &&
	   discover_settings_finish(&s, 0, &err) < 0 &&
	   !strcmp(err.message, "static needs NODE arguments or --file"),
	   "settings: static without names is refused (%s)", err.message);
	ok(discover_settings_finish(&s, 1, &err) == 0,
	   "settings: static with a name is accepted");
	discover_settings_release(&s);

	discover_settings_init(&s, 4, &err);
	ok(set(&s, DISCOVER_SET_NAME_FROM, "dns", &err) < 0 &&
	   !strcmp(err.message, "--name-from: use ip or hostname") &&
	   set(&s, DISCOVER_SET_HOST_FORM, "full", &err) < 0 &&
	   !strcmp(err.message, "--host-form: use short, long or address") &&
	   set(&s, DISCOVER_SET_INTERVAL, "0", &err) < 0 &&
	   set(&s, DISCOVER_SET_MAX_BODY, "0", &err) < 0 &&
	   set(&s, DISCOVER_SET_FORMAT, "yaml", &err) < 0,
	   "settings: bad values are usage errors naming the choices");
	ok(set(&s, DISCOVER_SET_QUERY, "a", &err) == 0 &&
	   set(&s, DISCOVER_SET_QUERY, "b", &err) == 0 &&
	   s.queries.n == 2 && !strcmp(s.queries.v[1], "b") && s.dns &&
	   set(&s, DISCOVER_SET_K8S_SERVICE, "svc", &err) == 0 && s.k8s_on &&
	   set(&s, DISCOVER_SET_INTERVAL, "2s", &err) == 0 &&
	   s.interval_ms == 2000,
	   "settings: repeated options keep their order; options switch "
	   "their strategy on");
	discover_settings_release(&s);
}

/* --query without B@ and without --basename: refused before asking. */
static void basename_checks(struct engine *e)
{
	struct discover_config cfg = { .e = e };
	struct discover_settings s;
	struct dist_error err;
	struct discover *d = discover_new(&cfg, &err);
	char longname[300];

	discover_settings_init(&s, 4, &err);
	set(&s, DISCOVER_SET_SRV, "_erl._tcp.example", &err);
	ok(d && discover_settings_apply(&s, d, NULL, 0, &err) < 0 &&
	   err.code == DIST_E_USAGE &&
	   !strcmp(err.message, "--srv '_erl._tcp.example' needs a "
		   "basename: give --basename B or write B@_erl._tcp.example"),
	   "B@NAME: a name without a basename says both ways (%s)",
	   err.message);
	discover_settings_release(&s);
	discover_free(d);

	d = discover_new(&cfg, &err);
	memset(longname, 'b', sizeof longname);
	snprintf(longname + 280, sizeof longname - 280, "@example");
	discover_settings_init(&s, 4, &err);
	set(&s, DISCOVER_SET_QUERY, longname, &err);
	ok(d && discover_settings_apply(&s, d, NULL, 0, &err) < 0 &&
	   !strcmp(err.message, "basename too long"),
	   "B@NAME: a basename too long is refused (%s)", err.message);
	discover_settings_release(&s);
	discover_free(d);
}

static void text_checks(void)
{
	json_t *node = json_pack("{s:s, s:s, s:i, s:s}", "node", "a@h",
				 "address", "127.0.0.1", "port", 4370,
				 "source", "args");
	json_t *bad = json_pack("{s:s, s:{s:s, s:s}}", "source", "static:f",
				"error", "code", "invalid_name",
				"message", "'x' is no name");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	discover_text_node(node, f);
	json_object_set_new(node, "event", json_string("up"));
	json_object_del(node, "port");
	discover_text_node(node, f);
	discover_text_error(bad, "prog", f);
	fclose(f);
	ok(text && !strcmp(text,
		"a@h                                      127.0.0.1"
		"                               4370  args\n"
		"up    a@h                                      127.0.0.1"
		"                               -     args\n"
		"prog: static:f: invalid_name: 'x' is no name\n"),
	   "text: padded columns, the event first, '-' for no port; "
	   "errors name program, source and code");
	free(text);
	json_decref(node);
	json_decref(bad);
}

/* The watch test: the records it was given, and the file it rewrites
 * to move the watch on from poll to poll. */
struct watched {
	const char *path;
	char log[1024];
	int polls;
};

static void rewrite(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int watch_record(void *data, json_t *rec, bool is_error)
{
	struct watched *w = data;
	const char *node = json_string_value(json_object_get(rec, "node"));
	const char *ev = json_string_value(json_object_get(rec, "event"));
	const char *name = json_string_value(json_object_get(rec, "name"));
	size_t n = strlen(w->log);

	snprintf(w->log + n, sizeof w->log - n, "%s %s;",
		 is_error ? "error" : ev, is_error ? name : node);
	if (is_error || !strcmp(ev, "down"))
		return strcmp(node ? node : "", "b@h") ? 0 : -1;
	/* Each up moves the file on: same bad line, then a new one. */
	if (!strcmp(node, "a@h"))
		rewrite(w->path, "bad name\nb@h\n");
	else
		rewrite(w->path, "other bad\n");
	return 0;
}

static int once_record(void *data, json_t *rec, bool is_error)
{
	struct watched *w = data;
	const char *node = json_string_value(json_object_get(rec, "node"));
	const char *addr = json_string_value(json_object_get(rec, "address"));
	size_t n = strlen(w->log);

	if (!is_error)
		snprintf(w->log + n, sizeof w->log - n, "%s%s%s;", node,
			 addr ? " " : "", addr ? addr : "");
	return 0;
}

static void loop_checks(struct engine *e)
{
	struct discover_config cfg = { .e = e, .timeout_us = 5000000 };
	struct discover_settings s;
	struct discover_loop_config lc = { .interval_ms = 1 };
	struct watched w = { .path = NULL };
	struct dist_error err;
	char path[] = "/tmp/test_discover_run.XXXXXX";
	int fd = mkstemp(path), rc;
	struct discover *d = discover_new(&cfg, &err);

	if (fd >= 0)
		close(fd);
	w.path = path;
	rewrite(path, "bad name\na@h\n");
	discover_settings_init(&s, 4, &err);
	set(&s, DISCOVER_SET_FILE, path, &err);
	discover_settings_apply(&s, d, NULL, 0, &err);
	lc.watch = true;
	lc.record = watch_record;
	lc.data = &w;
	rc = d ? discover_loop_run(d, &lc, &err) : -1;
	ok(rc == 1 && !strcmp(w.log, "error bad name;up a@h;"
			      "down a@h;up b@h;"
			      "error other bad;down b@h;"),
	   "watch: an error repeated by the next poll is said once, a new "
	   "one again; the run ends when the output refuses (%d %s)", rc,
	   w.log);
	discover_settings_release(&s);
	discover_free(d);
	unlink(path);
}

/* One helper for an address literal as records show it. */
static void address_checks(void)
{
	char out[64];

	ok(discover_address_text("2001:DB8:0:0:0:0:0:1", out, sizeof out) ==
		   AF_INET6 && !strcmp(out, "2001:db8::1"),
	   "IPv6 literal in RFC 5952 form (%s)", out);
	ok(discover_address_text("10.0.0.1", out, sizeof out) == AF_INET &&
		   !strcmp(out, "10.0.0.1"), "IPv4 literal as given");
	ok(discover_address_text("fe80::1%eth0", out, sizeof out) == 0 &&
		   !strcmp(out, "fe80::1%eth0"), "a zone is kept as written");
	ok(discover_address_text("db1.example.com", out, sizeof out) == 0 &&
		   !strcmp(out, "db1.example.com"), "a name is no address");
}

/* A poll's nodes are made records one at a time: one per node, sorted,
 * the same node from two sources merged into the first's record. */
static void result_checks(struct engine *e)
{
	struct discover_config cfg = { .e = e, .timeout_us = 5000000 };
	struct discover_settings s;
	struct discover_loop_config lc = { 0 };
	struct watched w = { .path = NULL };
	struct dist_error err;
	struct discover *d = discover_new(&cfg, &err);
	char *names[] = { "b@h", "a@h", "b@h", "c@0:0:0:0:0:0:0:1" };

	discover_settings_init(&s, 4, &err);
	discover_settings_apply(&s, d, names, 4, &err);
	lc.record = once_record;
	lc.data = &w;
	ok(d && discover_loop_run(d, &lc, &err) == 0 &&
		   !strcmp(w.log, "a@h;b@h;c@0:0:0:0:0:0:0:1 ::1;"),
	   "once: each node once, in order, an IPv6 host in RFC 5952 "
	   "form (%s)", w.log);
	discover_settings_release(&s);
	discover_free(d);
}

int main(void)
{
	struct dist_error err;
	struct engine *e = engine_new(&err);

	settings_checks();
	basename_checks(e);
	text_checks();
	loop_checks(e);
	address_checks();
	result_checks(e);
	engine_free(e);
	return tap_done();
}
