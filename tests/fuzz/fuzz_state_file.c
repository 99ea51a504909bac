/* fuzz_state_file - the text of a --state file (cluster/state_file.h).
 *
 * Invariants: a refusal is typed and names the file; an accepted file is
 * an object whose "sections" are all objects, of this version.
 */
#include "fuzz.h"

#include "cluster/state_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	json_t *root = NULL;
	const char *name;
	json_t *v;

	if (state_file_parse("f.json", (const char *)data, size, &root,
			     &err) == 0) {
		json_t *sections = json_object_get(root, "sections");

		FUZZ_CHECK(json_is_object(root) && json_is_object(sections));
		FUZZ_CHECK(json_integer_value(json_object_get(root, "version"))
			   == STATE_FILE_VERSION);
		json_object_foreach(sections, name, v)
			FUZZ_CHECK(json_is_object(v));
		json_decref(root);
	} else {
		FUZZ_CHECK(root == NULL && strstr(err.message, "f.json"));
		fuzz_check_error(&err);
	}
	return 0;
}
