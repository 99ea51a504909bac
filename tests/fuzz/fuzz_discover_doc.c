/* fuzz_discover_doc - the JSON bodies HTTP discovery endpoints serve
 * (list, EndpointSlice, Endpoints, Consul): discover_doc_parse.
 *
 * The first input byte picks the format (auto or one of the four),
 * whether a basename is given and how names are made from addresses;
 * the rest is the body.
 *
 * Invariants: every node handed to the callback has a node string, at
 * most max_nodes of them, each extra member an object when present;
 * a failure is a typed error.
 */
#include "fuzz.h"

#include "discover/discover.h"

#define FUZZ_MAX_NODES 64

struct seen {
	size_t count;
};

static void on_node(void *data, const struct discover_node *n)
{
	struct seen *s = data;

	FUZZ_CHECK(n->node != NULL);
	(void)strlen(n->node);
	if (n->host)
		(void)strlen(n->host);
	if (n->address)
		(void)strlen(n->address);
	FUZZ_CHECK(n->extra == NULL || json_is_object(n->extra));
	s->count++;
	FUZZ_CHECK(s->count <= FUZZ_MAX_NODES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum discover_name_from froms[] = {
		DISCOVER_FROM_DEFAULT, DISCOVER_FROM_IP,
		DISCOVER_FROM_HOSTNAME, DISCOVER_FROM_DEFAULT,
	};
	struct discover_doc doc = { .max_nodes = FUZZ_MAX_NODES };
	struct dist_error err = { 0 };
	struct seen seen = { 0 };
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	doc.format = (enum discover_format)((sel & 7) % 5);
	doc.basename = (sel & 8) ? NULL : "app";
	doc.from = froms[(sel >> 4) & 3];
	doc.cluster_domain = (sel & 0x40) ? NULL : "cluster.local";
	if (discover_doc_parse((const char *)data + 1, size - 1, &doc,
			       on_node, &seen, &err) != 0)
		fuzz_check_error(&err);
	return 0;
}
