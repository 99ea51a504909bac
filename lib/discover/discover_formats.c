/* discover_formats.c - the JSON documents discovery endpoints serve,
 * turned into node names (see discover.h):
 *
 *  - list: ["app@h1", {"node":"app@h2","zone":"b"}, ...]; an object's
 *    other members are carried to its record;
 *  - endpointslice: a discovery.k8s.io/v1 EndpointSliceList (or one
 *    EndpointSlice); endpoints whose conditions.ready is false are left
 *    out (unset means ready, as the API says); the first address of an
 *    endpoint is used (the API calls them fungible);
 *  - endpoints: a v1 EndpointsList (or one Endpoints): subsets[].addresses,
 *    never notReadyAddresses;
 *  - consul: /v1/catalog/service/NAME (ServiceAddress, else Address) or
 *    /v1/health/service/NAME (Service.Address, else Node.Address).
 *
 * An item that should name a node and does not (a list item that is no
 * name, a ready endpoint or a Consul entry without an address) is handed
 * on as its JSON text, so that it becomes an invalid_name record of its
 * own instead of vanishing.
 *
 * The body is already capped by the HTTP source; here jansson refuses
 * duplicate keys and the number of nodes is bounded.
 */
#include "discover/discover.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*node_fn)(void *data, const struct discover_node *n);

struct walk {
	const struct discover_doc *doc;
	node_fn fn;
	void *data;
	size_t count;
	struct dist_error *err;
};

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int too_many(struct walk *w)
{
	if (++w->count <= w->doc->max_nodes)
		return 0;
	return dist_error_set(w->err, DIST_E_TOO_LARGE, DIST_STAGE_REQUEST,
			      "document lists more than %zu nodes",
			      w->doc->max_nodes);
}

/* basename@host, with the address in RFC 5952 form when it is one. */
static int emit(struct walk *w, const char *host, const char *address,
		json_t *extra)
{
	char node[600], text[INET6_ADDRSTRLEN] = "";
	struct discover_node n = { .node = node, .extra = extra };

	if (too_many(w) < 0)
		return -1;
	if (address && strlen(address) < sizeof text &&
	    (n.family = discover_address_text(address, text, sizeof text))) {
		if (host == address)
			host = text;
		address = text;
	}
	n.address = address;
	n.host = host;
	snprintf(node, sizeof node, "%s@%s", w->doc->basename, host ? host : "");
	w->fn(w->data, &n);
	return 0;
}

static void set_str(json_t *obj, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(obj, key, json_string(v));
}

/* An item of the document that names no node (no address where one
 * must be): an invalid_name record showing the item, never silence. */
static int unreadable(struct walk *w, const json_t *item)
{
	char *text = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
	struct discover_node n = { .node = text ? text : "" };

	if (too_many(w) < 0) {
		free(text);
		return -1;
	}
	w->fn(w->data, &n);
	free(text);
	return 0;
}

/* ---- plain list ------------------------------------------------------- */

json_t *discover_node_from_object(const json_t *obj, struct discover_node *n)
{
	json_t *extra;

	memset(n, 0, sizeof *n);
	n->node = str(obj, "node");
	n->host = str(obj, "host");
	n->address = str(obj, "address");
	if (n->address && str(obj, "family"))
		n->family = !strcmp(str(obj, "family"), "inet") ? AF_INET
			  : !strcmp(str(obj, "family"), "inet6") ? AF_INET6 : 0;
	if (json_is_integer(json_object_get(obj, "port")))
		n->port = (int)json_integer_value(json_object_get(obj, "port"));
	if (n->port < 0 || n->port > 65535)
		n->port = 0;
	/* The record says where this node came from now: "source" is ours. */
	extra = json_deep_copy(obj);
	json_object_del(extra, "node");
	json_object_del(extra, "source");
	n->extra = extra;
	return extra;
}

static int walk_list(struct walk *w, const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		struct discover_node n = { 0 };
		json_t *extra = NULL;
		bool named = json_is_object(v) && str(v, "node");

		/* Not a name at all: a record that shows what was there. */
		if (!json_is_string(v) && !named) {
			if (unreadable(w, v) < 0)
				return -1;
			continue;
		}
		if (too_many(w) < 0)
			return -1;
		if (json_is_string(v))
			n.node = json_string_value(v);
		else
			extra = discover_node_from_object(v, &n);
		w->fn(w->data, &n);
		json_decref(extra);
	}
	return 0;
}

/* ---- Kubernetes ------------------------------------------------------- */

/* hostname.service.namespace.svc.domain: a StatefulSet pod's DNS name. */
static const char *pod_fqdn(struct walk *w, const char *hostname,
			    const char *service, const char *ns, char *out,
			    size_t len)
{
	if (w->doc->from != DISCOVER_FROM_HOSTNAME || !hostname || !service ||
	    !ns)
		return NULL;
	snprintf(out, len, "%s.%s.%s.svc.%s", hostname, service, ns,
		 w->doc->cluster_domain ? w->doc->cluster_domain
					: "cluster.local");
	return out;
}

static int walk_slice(struct walk *w, const json_t *slice)
{
	const json_t *meta = json_object_get(slice, "metadata");
	const char *service = str(json_object_get(meta, "labels"),
				  "kubernetes.io/service-name");
	const char *ns = str(meta, "namespace");
	size_t i;
	json_t *ep;
	char fq[600];

	json_array_foreach(json_object_get(slice, "endpoints"), i, ep) {
		const json_t *ready = json_object_get(
			json_object_get(ep, "conditions"), "ready");
		const char *addr = json_string_value(
			json_array_get(json_object_get(ep, "addresses"), 0));
		const char *host;
		json_t *extra;
		int rc;

		if (json_is_false(ready))
			continue;
		if (!addr) {
			if (unreadable(w, ep) < 0)
				return -1;
			continue;
		}
		host = pod_fqdn(w, str(ep, "hostname"), service, ns, fq,
				sizeof fq);
		extra = json_object();
		set_str(extra, "pod", str(json_object_get(ep, "targetRef"),
					  "name"));
		set_str(extra, "namespace", ns);
		set_str(extra, "zone", str(ep, "zone"));
		rc = emit(w, host ? host : addr, addr, extra);
		json_decref(extra);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int walk_endpoints(struct walk *w, const json_t *item)
{
	const json_t *meta = json_object_get(item, "metadata");
	const char *service = str(meta, "name"), *ns = str(meta, "namespace");
	size_t i, j;
	json_t *subset, *a;
	char fq[600];

	json_array_foreach(json_object_get(item, "subsets"), i, subset) {
		json_array_foreach(json_object_get(subset, "addresses"), j, a) {
			const char *ip = str(a, "ip"), *host;
			json_t *extra;
			int rc;

			if (!ip) {
				if (unreadable(w, a) < 0)
					return -1;
				continue;
			}
			host = pod_fqdn(w, str(a, "hostname"), service, ns, fq,
					sizeof fq);
			extra = json_object();
			set_str(extra, "pod",
				str(json_object_get(a, "targetRef"), "name"));
			set_str(extra, "namespace", ns);
			rc = emit(w, host ? host : ip, ip, extra);
			json_decref(extra);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

/* An XList or one X: walk fn over each item. */
static int walk_items(struct walk *w, const json_t *doc,
		      int (*fn)(struct walk *, const json_t *))
{
	const json_t *items = json_object_get(doc, "items");
	size_t i;
	json_t *it;

	if (!json_is_array(items))
		return fn(w, doc);
	json_array_foreach(items, i, it)
		if (fn(w, it) < 0)
			return -1;
	return 0;
}

/* ---- Consul ----------------------------------------------------------- */

static int walk_consul(struct walk *w, const json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e) {
		const json_t *node = json_object_get(e, "Node");
		const json_t *svc = json_object_get(e, "Service");
		const char *addr, *name;
		json_t *extra;
		int rc;

		if (json_is_object(node)) {   /* /v1/health/service */
			addr = str(svc, "Address");
			if (!addr || !*addr)
				addr = str(node, "Address");
			name = str(node, "Node");
		} else {                      /* /v1/catalog/service */
			addr = str(e, "ServiceAddress");
			if (!addr || !*addr)
				addr = str(e, "Address");
			name = str(e, "Node");
		}
		if (!addr || !*addr) {
			if (unreadable(w, e) < 0)
				return -1;
			continue;
		}
		extra = json_object();
		set_str(extra, "consul_node", name);
		rc = emit(w, w->doc->from == DISCOVER_FROM_HOSTNAME && name
				     ? name : addr, addr, extra);
		json_decref(extra);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- detection -------------------------------------------------------- */

static enum discover_format detect(const json_t *doc)
{
	const char *kind = str(doc, "kind");
	const json_t *first;

	if (json_is_array(doc)) {
		first = json_array_get(doc, 0);
		if (json_is_object(first) &&
		    (json_object_get(first, "ServiceAddress") ||
		     json_object_get(first, "ServiceName") ||
		     (json_is_object(json_object_get(first, "Node")) &&
		      json_is_object(json_object_get(first, "Service")))))
			return DISCOVER_FMT_CONSUL;
		return DISCOVER_FMT_LIST;
	}
	if (!json_is_object(doc))
		return DISCOVER_FMT_AUTO;
	if (kind && (!strcmp(kind, "EndpointSliceList") ||
		     !strcmp(kind, "EndpointSlice")))
		return DISCOVER_FMT_ENDPOINTSLICE;
	if (kind && (!strcmp(kind, "EndpointsList") ||
		     !strcmp(kind, "Endpoints")))
		return DISCOVER_FMT_ENDPOINTS;
	first = json_array_get(json_object_get(doc, "items"), 0);
	if (json_object_get(first, "endpoints") ||
	    json_object_get(first, "addressType"))
		return DISCOVER_FMT_ENDPOINTSLICE;
	if (json_object_get(first, "subsets"))
		return DISCOVER_FMT_ENDPOINTS;
	return DISCOVER_FMT_AUTO;
}

int discover_doc_parse(const char *body, size_t len,
		       const struct discover_doc *doc, node_fn fn, void *data,
		       struct dist_error *err)
{
	struct walk w = { .doc = doc, .fn = fn, .data = data, .err = err };
	enum discover_format f;
	json_error_t jerr;
	json_t *root;
	int rc;

	root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
				      "body is not JSON (line %d: %s)",
				      jerr.line, jerr.text);
	f = doc->format != DISCOVER_FMT_AUTO ? doc->format : detect(root);
	if (f == DISCOVER_FMT_AUTO) {
		json_decref(root);
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
				      "body is JSON but none of the known "
				      "formats (list, endpointslice, "
				      "endpoints, consul)");
	}
	if (f != DISCOVER_FMT_LIST && !doc->basename) {
		json_decref(root);
		return dist_error_set(err, DIST_E_INVALID_ARGS,
				      DIST_STAGE_REQUEST,
				      "the document lists addresses, not "
				      "node names: give --basename");
	}
	if ((f == DISCOVER_FMT_LIST || f == DISCOVER_FMT_CONSUL) &&
	    !json_is_array(root)) {
		json_decref(root);
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
				      "body is not a JSON array");
	}
	if ((f == DISCOVER_FMT_ENDPOINTSLICE || f == DISCOVER_FMT_ENDPOINTS) &&
	    !json_is_object(root)) {
		json_decref(root);
		return dist_error_set(err, DIST_E_PROTOCOL, DIST_STAGE_REQUEST,
				      "body is not a Kubernetes object");
	}
	switch (f) {
	case DISCOVER_FMT_LIST:
		rc = walk_list(&w, root);
		break;
	case DISCOVER_FMT_CONSUL:
		rc = walk_consul(&w, root);
		break;
	case DISCOVER_FMT_ENDPOINTSLICE:
		rc = walk_items(&w, root, walk_slice);
		break;
	default:
		rc = walk_items(&w, root, walk_endpoints);
		break;
	}
	json_decref(root);
	return rc;
}
