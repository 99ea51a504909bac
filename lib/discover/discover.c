/* discover.c - one poll over every source, its result, and the watch
 * diff between polls (see discover.h). */
#include "discover/discover.h"

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "base/utf8.h"
#include "dist/nodename.h"

/* A node found, with what orders it: duplicates keep the first by
 * source order, then family, then address, so that two runs over the
 * same answers print the same records whatever order answers came in.
 * Kept compact, its texts in one allocation, and made a JSON record
 * only when it is handed out (discover_result_node): a poll may find
 * tens of thousands (a 1 MiB NAMES reply is 40 000), and a record as a
 * JSON object costs ten times what its text does. */
struct found {
	char *text;           /* node, host, address: each NUL-ended */
	const char *node;     /* inside text */
	const char *host;
	const char *address;  /* "" when unknown */
	const struct discover_source *s;
	json_t *extra;        /* what the source adds, or NULL */
	int source_index;
	int family;           /* 0 when unknown */
	int port;             /* 0 when unknown */
};

struct discover {
	struct discover_config cfg;
	struct resolver *resolver;
	struct discover_source *sources, **tail;
	int nsources;

	/* The poll in progress. */
	bool polling;
	int running;
	struct found *found;
	size_t nfound, capfound;
	size_t *first;        /* when done: where each node's entries start */
	size_t nnodes;
	bool too_many;
	size_t ninvalid;      /* invalid entries this poll */
	json_t *errors;
	json_t *failed_sources;
	discover_done_cb cb;
	void *cb_data;
	struct engine_timer deadline;
	struct engine_timer finish;
};

const char *discover_family_name(int family)
{
	if (family == AF_INET)
		return "inet";
	if (family == AF_INET6)
		return "inet6";
	return NULL;
}

static void on_deadline(struct engine *e, struct engine_timer *t);
static void on_finish(struct engine *e, struct engine_timer *t);

struct discover *discover_new(const struct discover_config *cfg,
			      struct dist_error *err)
{
	struct discover *d = calloc(1, sizeof *d);

	if (!d) {
		dist_error_nomem(err, DIST_STAGE_NONE, NULL);
		return NULL;
	}
	d->cfg = *cfg;
	d->tail = &d->sources;
	d->deadline.cb = on_deadline;
	d->deadline.data = d;
	d->finish.cb = on_finish;
	d->finish.data = d;
	return d;
}

static void found_clear(struct discover *d)
{
	for (size_t i = 0; i < d->nfound; i++) {
		free(d->found[i].text);
		json_decref(d->found[i].extra);
	}
	d->nfound = 0;
	d->too_many = false;
	free(d->first);
	d->first = NULL;
	d->nnodes = 0;
}

void discover_free(struct discover *d)
{
	struct discover_source *s, *next;

	if (!d)
		return;
	for (s = d->sources; s; s = s->next)
		if (s->running)
			s->ops->cancel(s);
	engine_timer_disarm(d->cfg.e, &d->deadline);
	engine_timer_disarm(d->cfg.e, &d->finish);
	for (s = d->sources; s; s = next) {
		next = s->next;
		s->ops->destroy(s);
	}
	found_clear(d);
	free(d->found);
	json_decref(d->errors);
	json_decref(d->failed_sources);
	resolver_free(d->resolver);
	free(d);
}

struct engine *discover_engine(struct discover *d)
{
	return d->cfg.e;
}

const struct discover_config *discover_config_of(struct discover *d)
{
	return &d->cfg;
}

struct resolver *discover_resolver(struct discover *d, struct dist_error *err)
{
	if (d->resolver)
		return d->resolver;
	d->resolver = resolver_new_exact(d->cfg.e, err);
	if (!d->resolver)
		return NULL;
	if (d->cfg.resolver_servers &&
	    resolver_set_servers(d->resolver, d->cfg.resolver_servers,
				 err) < 0) {
		resolver_free(d->resolver);
		d->resolver = NULL;
		return NULL;
	}
	return d->resolver;
}

void discover_source_init(struct discover_source *s,
			  const struct discover_source_ops *ops,
			  const char *strategy, const char *query)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	snprintf(s->strategy, sizeof s->strategy, "%s", strategy);
	snprintf(s->query, sizeof s->query, "%s", query);
}

void discover_add_source(struct discover *d, struct discover_source *s)
{
	s->d = d;
	s->next = NULL;
	s->index = d->nsources;
	*d->tail = s;
	d->tail = &s->next;
	d->nsources++;
}

void discover_source_key(const struct discover_source *s, char *out,
			 size_t len)
{
	snprintf(out, len, "%s:%s", s->strategy, s->query);
}

/* The members every error record has: which source, what was asked. */
static json_t *error_record(const struct discover_source *s,
			    const struct dist_error *err)
{
	char key[1100];
	json_t *rec = json_object(), *e = json_object();

	discover_source_key(s, key, sizeof key);
	json_object_set_new(rec, "ok", json_false());
	json_object_set_new(rec, "source", json_string(key));
	json_object_set_new(rec, "strategy", json_string(s->strategy));
	json_object_set_new(rec, "query", json_string(s->query));
	json_object_set_new(e, "code", json_string(dist_code_name(err->code)));
	json_object_set_new(e, "stage",
			    json_string(dist_stage_name(err->stage)));
	json_object_set_new(e, "message", json_string(err->message));
	json_object_set_new(rec, "error", e);
	return rec;
}

/* What a source found, as text that fits a JSON string: a byte that is
 * not UTF-8 is written \xNN, and a long entry is cut (at a character)
 * to about max bytes, so that a record shows the entry without carrying
 * all of it. out has room for max + 8 bytes; returns the length. */
static size_t shown_text(const char *raw, size_t len, char *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)raw;
	size_t i = 0, o = 0, n;
	uint32_t cp;

	while (i < len && o + 4 < max) {
		n = p[i] ? utf8_next(p + i, len - i, &cp) : 0;
		if (n == 0) {
			o += (size_t)snprintf(out + o, max + 8 - o, "\\x%02X",
					      p[i]);
			i++;
			continue;
		}
		memcpy(out + o, p + i, n);
		o += n;
		i += n;
	}
	if (i < len)
		o += (size_t)snprintf(out + o, max + 8 - o, "...");
	out[o] = '\0';
	return o;
}

static json_t *raw_text(const char *raw, size_t len)
{
	char out[DISCOVER_SHOWN_MAX + 8];
	size_t n = shown_text(raw, len, out, DISCOVER_SHOWN_MAX);

	return json_stringn(out, n);
}

static json_t *name_text(const char *s)
{
	return raw_text(s, strlen(s));
}

void discover_invalid(struct discover_source *s, const char *raw,
		      size_t len, const struct dist_error *why)
{
	char shown[88];
	struct dist_error err;
	size_t mlen;
	json_t *rec;

	if (!s->d->polling || !s->running)
		return;
	if (++s->d->ninvalid > DISCOVER_MAX_INVALID) {
		/* A source of garbage must not turn into unbounded records:
		 * say once that the rest are not shown. */
		if (s->d->ninvalid == DISCOVER_MAX_INVALID + 1) {
			dist_error_set(&err, DIST_E_TOO_LARGE,
				       DIST_STAGE_REQUEST,
				       "more than %d invalid entries in one "
				       "poll: the rest are not shown",
				       DISCOVER_MAX_INVALID);
			json_array_append_new(s->d->errors,
					      error_record(s, &err));
		}
		return;
	}
	/* The message quotes the entry too, for -o text and logs. */
	err = *why;
	shown_text(raw, len, shown, 80);
	mlen = strlen(err.message);
	/* Only whole: a cut could split a UTF-8 character. */
	if (!strstr(err.message, shown) &&
	    mlen + strlen(shown) + 4 < sizeof err.message)
		snprintf(err.message + mlen, sizeof err.message - mlen,
			 ": '%s'", shown);
	rec = error_record(s, &err);
	/* "name", never "node": this is not a target for the next stage. */
	json_object_set_new(rec, "name", raw_text(raw, len));
	json_array_append_new(s->d->errors, rec);
}

static int add_found(struct discover *d, const struct found *f)
{
	if (d->nfound == d->capfound) {
		size_t cap = d->capfound ? d->capfound * 2 : 64;
		struct found *p = realloc(d->found, cap * sizeof *p);

		if (!p)
			return -1;
		d->found = p;
		d->capfound = cap;
	}
	d->found[d->nfound++] = *f;
	return 0;
}

/* f's texts in one block: node, host, address. */
static int found_texts(struct found *f, const char *node, const char *host,
		       const char *address)
{
	size_t ln = strlen(node) + 1, lh = strlen(host) + 1;
	size_t la = strlen(address) + 1;

	f->text = malloc(ln + lh + la);
	if (!f->text)
		return -1;
	memcpy(f->text, node, ln);
	memcpy(f->text + ln, host, lh);
	memcpy(f->text + ln + lh, address, la);
	f->node = f->text;
	f->host = f->text + ln;
	f->address = f->text + ln + lh;
	return 0;
}

void discover_found(struct discover_source *s, const struct discover_node *n)
{
	struct discover *d = s->d;
	struct dist_error err;
	struct node_name name;
	struct found f = { .s = s, .source_index = s->index, .port = n->port };
	char addr[NODE_PART_MAX + 1] = "";
	const char *address = addr;

	if (!d->polling || !s->running)
		return;
	if (node_name_parse(n->node, &name, &err) < 0) {
		discover_invalid(s, n->node, strlen(n->node), &err);
		return;
	}
	if (d->nfound >= DISCOVER_MAX_NODES) {
		if (!d->too_many) {
			d->too_many = true;
			dist_error_set(&err, DIST_E_TOO_LARGE,
				       DIST_STAGE_REQUEST,
				       "more than %d nodes in one poll: the "
				       "rest are left out", DISCOVER_MAX_NODES);
			discover_failed(s, &err, NULL);
		}
		return;
	}
	if (n->address && *n->address) {
		address = n->address;
		f.family = n->family == AF_INET || n->family == AF_INET6
				   ? n->family : 0;
	} else if (name.kind == NODE_HOST_IPV4 || name.kind == NODE_HOST_IPV6) {
		/* An address as host: that is where the node is. */
		discover_address_text(name.host, addr, sizeof addr);
		f.family = name.kind == NODE_HOST_IPV4 ? AF_INET : AF_INET6;
	}
	/* A record holds only UTF-8 text: a node or address that is not
	 * has no record (as json_string would refuse it). */
	if (!utf8_valid((const uint8_t *)name.full, strlen(name.full)) ||
	    !utf8_valid((const uint8_t *)address, strlen(address)))
		return;
	if (found_texts(&f, name.full, n->host ? n->host : name.host,
			address) < 0)
		return;
	f.extra = n->extra ? json_incref(n->extra) : NULL;
	if (add_found(d, &f) < 0) {
		free(f.text);
		json_decref(f.extra);
	}
}

/* The record of one entry, as every output shows it. */
static json_t *found_record(const struct found *f)
{
	char key[1100];
	json_t *rec = json_object();

	if (!rec)
		return NULL;
	discover_source_key(f->s, key, sizeof key);
	json_object_set_new(rec, "node", json_string(f->node));
	json_object_set_new(rec, "host", name_text(f->host));
	if (*f->address)
		json_object_set_new(rec, "address", json_string(f->address));
	if (f->family)
		json_object_set_new(rec, "family",
				    json_string(discover_family_name(f->family)));
	if (f->port > 0)
		json_object_set_new(rec, "port", json_integer(f->port));
	json_object_set_new(rec, "source", json_string(key));
	if (f->extra)
		json_object_update_missing(rec, f->extra);
	return rec;
}

size_t discover_result_count(const struct discover_result *res)
{
	return res->owner ? res->owner->nnodes : 0;
}

static const char *result_node_name(const struct discover_result *res,
				    size_t i)
{
	return res->owner->found[res->owner->first[i]].node;
}

json_t *discover_result_node(const struct discover_result *res, size_t i)
{
	const struct discover *d = res->owner;
	size_t end;
	json_t *rec, *more;

	if (!d || i >= d->nnodes)
		return NULL;
	end = i + 1 < d->nnodes ? d->first[i + 1] : d->nfound;
	rec = found_record(&d->found[d->first[i]]);
	/* The same node from several sources: one record, the first's,
	 * completed with what the others knew. */
	for (size_t k = d->first[i] + 1; rec && k < end; k++) {
		more = found_record(&d->found[k]);
		if (more)
			json_object_update_missing(rec, more);
		json_decref(more);
	}
	return rec;
}

void discover_failed(struct discover_source *s, const struct dist_error *err,
		     json_t *extra)
{
	struct discover *d = s->d;
	char key[1100];
	json_t *rec;

	/* One error record per source and poll: the first cause. */
	if (!d->polling || s->failed)
		return;
	s->failed = true;
	rec = error_record(s, err);
	if (extra)
		json_object_update_missing(rec, extra);
	json_array_append_new(d->errors, rec);
	discover_source_key(s, key, sizeof key);
	json_array_append_new(d->failed_sources, json_string(key));
}

void discover_source_done(struct discover_source *s)
{
	struct discover *d = s->d;

	if (!s->running)
		return;
	s->running = false;
	if (--d->running == 0)
		/* From the loop: a source may call this inside start(). */
		engine_timer_arm(d->cfg.e, &d->finish, engine_now_us());
}

static void on_deadline(struct engine *e, struct engine_timer *t)
{
	struct discover *d = t->data;
	struct dist_error err;

	(void)e;
	for (struct discover_source *s = d->sources; s; s = s->next) {
		if (!s->running)
			continue;
		s->ops->cancel(s);
		dist_error_set(&err, DIST_E_TIMEOUT, DIST_STAGE_REQUEST,
			       "no complete answer within %.3g s (--timeout)",
			       (double)d->cfg.timeout_us / 1e6);
		discover_failed(s, &err, NULL);
		s->running = false;
	}
	d->running = 0;
	engine_timer_arm(d->cfg.e, &d->finish, engine_now_us());
}

static int found_cmp(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	int c = strcmp(x->node, y->node);

	if (c)
		return c;
	if (x->source_index != y->source_index)
		return x->source_index - y->source_index;
	if (x->family != y->family)
		return x->family - y->family;
	return strcmp(x->address, y->address);
}

static void on_finish(struct engine *e, struct engine_timer *t)
{
	struct discover *d = t->data;
	struct discover_result res = { .owner = d };

	(void)e;
	engine_timer_disarm(d->cfg.e, &d->deadline);
	d->polling = false;
	if (d->nfound)
		qsort(d->found, d->nfound, sizeof *d->found, found_cmp);
	/* Each node's entries are together now: note where they start.
	 * Without memory for that, every entry is its own node. */
	d->first = malloc((d->nfound ? d->nfound : 1) * sizeof *d->first);
	for (size_t i = 0; d->first && i < d->nfound; i++)
		if (i == 0 || strcmp(d->found[i - 1].node, d->found[i].node))
			d->first[d->nnodes++] = i;
	if (!d->first)
		d->nfound = 0;
	res.errors = d->errors;
	res.failed_sources = d->failed_sources;
	res.complete = json_array_size(d->failed_sources) == 0;
	d->errors = NULL;
	d->failed_sources = NULL;
	d->cb(d->cb_data, &res);
}

int discover_poll(struct discover *d, discover_done_cb cb, void *data,
		  struct dist_error *err)
{
	struct discover_source *s;

	if (d->polling)
		return dist_error_set(err, DIST_E_USAGE, DIST_STAGE_NONE,
				      "a poll is already running");
	d->errors = json_array();
	d->failed_sources = json_array();
	if (!d->errors || !d->failed_sources)
		return dist_error_nomem(err, DIST_STAGE_NONE, NULL);
	d->cb = cb;
	d->cb_data = data;
	d->ninvalid = 0;
	d->polling = true;
	d->running = d->nsources;
	for (s = d->sources; s; s = s->next) {
		s->running = true;
		s->failed = false;
	}
	if (d->cfg.timeout_us > 0)
		engine_timer_arm(d->cfg.e, &d->deadline,
				 engine_now_us() + d->cfg.timeout_us);
	if (d->nsources == 0)
		engine_timer_arm(d->cfg.e, &d->finish, engine_now_us());
	for (s = d->sources; s; s = s->next)
		s->ops->start(s);
	return 0;
}

void discover_result_clear(struct discover_result *res)
{
	if (res->owner)
		found_clear(res->owner);
	json_decref(res->errors);
	json_decref(res->failed_sources);
	memset(res, 0, sizeof *res);
}

/* ---- watch ------------------------------------------------------------ */

struct discover_watch {
	json_t *known;  /* node -> its record */
};

struct discover_watch *discover_watch_new(void)
{
	struct discover_watch *w = calloc(1, sizeof *w);

	if (w && !(w->known = json_object())) {
		free(w);
		return NULL;
	}
	return w;
}

void discover_watch_free(struct discover_watch *w)
{
	if (!w)
		return;
	json_decref(w->known);
	free(w);
}

static bool source_failed(const json_t *failed, const json_t *rec)
{
	const char *src = json_string_value(json_object_get(rec, "source"));
	size_t i;
	json_t *v;

	json_array_foreach(failed, i, v)
		if (src && !strcmp(src, json_string_value(v)))
			return true;
	return false;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *event_record(json_t *rec, const char *event)
{
	json_t *ev = json_deep_copy(rec);

	json_object_set_new(ev, "event", json_string(event));
	return ev;
}

int discover_watch_update(struct discover_watch *w,
			  const struct discover_result *res, json_t *events)
{
	json_t *next = json_object(), *rec;
	const char **gone;
	const char *node;
	size_t i, ngone = 0;

	if (!next)
		return -1;
	for (i = 0; i < discover_result_count(res); i++) {
		rec = discover_result_node(res, i);
		if (!rec || json_object_set_new(next, json_string_value(
				json_object_get(rec, "node")), rec) < 0) {
			json_decref(next);
			return -1;
		}
	}
	gone = calloc(json_object_size(w->known) + 1, sizeof *gone);
	if (!gone) {
		json_decref(next);
		return -1;
	}
	json_object_foreach(w->known, node, rec) {
		if (json_object_get(next, node))
			continue;
		/* A source that failed this time says nothing about its
		 * nodes: keep them until it answers again. */
		if (source_failed(res->failed_sources, rec))
			json_object_set(next, node, rec);
		else
			gone[ngone++] = node;
	}
	qsort(gone, ngone, sizeof *gone, str_cmp);
	for (i = 0; i < ngone; i++)
		json_array_append_new(events,
				      event_record(json_object_get(w->known,
								   gone[i]),
						   "down"));
	free(gone);
	/* The nodes are sorted: ups come out in node order. */
	for (i = 0; i < discover_result_count(res); i++) {
		node = result_node_name(res, i);
		if (!json_object_get(w->known, node))
			json_array_append_new(events, event_record(
				json_object_get(next, node), "up"));
	}
	json_decref(w->known);
	w->known = next;
	return 0;
}
