/* fuzz_nodename - node names from users, files and peers
 * (node_name_parse), the check that guards every atom we create on a
 * remote node.
 *
 * Invariants when a name is accepted: full is "alive@host", both parts
 * non-empty, the alive part passes node_alive_valid, the whole name is
 * UTF-8 of at most 255 characters, and parsing full again gives the
 * same parse (full is the normal form). A refusal is a typed
 * invalid_name error.
 */
#include "fuzz.h"

#include "dist/nodename.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	struct node_name n, again;
	char *s = fuzz_strndup(data, size), full[sizeof n.full];
	long chars;

	if (!s)
		return 0;
	chars = node_utf8_length(s);
	(void)node_alive_valid(s);
	if (node_name_parse(s, &n, &err) == 0) {
		FUZZ_CHECK(chars >= 3 && chars <= NODE_ATOM_MAX_CHARS);
		FUZZ_CHECK(n.alive[0] && n.host[0]);
		FUZZ_CHECK(node_alive_valid(n.alive));
		snprintf(full, sizeof full, "%s@%s", n.alive, n.host);
		FUZZ_CHECK(!strcmp(full, n.full));
		FUZZ_CHECK(node_utf8_length(n.full) >= 0 &&
			   node_utf8_length(n.full) <= NODE_ATOM_MAX_CHARS);
		FUZZ_CHECK(n.long_style == (n.kind != NODE_HOST_SHORT));
		FUZZ_CHECK(node_name_parse(n.full, &again, &err) == 0);
		FUZZ_CHECK(!strcmp(again.full, n.full));
		FUZZ_CHECK(again.kind == n.kind);
	} else {
		fuzz_check_error(&err);
		FUZZ_CHECK(err.code == DIST_E_INVALID_NAME);
	}
	free(s);
	return 0;
}
