/* fuzz_cookie - a release's vm.args (vm_args_read) and a cookie file
 * (cookie_read_file): both read from a path, so the input goes to a
 * memfd opened through /proc/self/fd, made once per process.
 *
 * Invariants: a -setcookie value, a name and the -ssl_dist_opt client
 * paths are terminated and within their sizes; a cookie read from a file is 1..COOKIE_MAX printable
 * ASCII characters, as erl accepts; failures are typed errors.
 */
#include "fuzz.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dist/cookie.h"

static int memfd = -1;
static char path[64];

static int write_input(const uint8_t *data, size_t size)
{
	if (memfd < 0) {
		memfd = memfd_create("fuzz-cookie", MFD_CLOEXEC);
		if (memfd < 0)
			return -1;
		/* cookie_read_file refuses group or other access. */
		if (fchmod(memfd, 0600) < 0)
			return -1;
		snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) < 0)
		return -1;
	return pwrite(memfd, data, size, 0) == (ssize_t)size ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dist_error err = { 0 };
	struct vm_args va;
	struct cookie c;

	if (write_input(data, size) < 0)
		return 0;
	if (vm_args_read(path, &va, &err) == 0) {
		if (va.has_cookie)
			FUZZ_CHECK(strlen(va.cookie) <= COOKIE_MAX);
		if (va.has_name)
			FUZZ_CHECK(memchr(va.name, '\0', sizeof va.name));
		FUZZ_CHECK(memchr(va.ssl_certfile, '\0', sizeof va.ssl_certfile));
		FUZZ_CHECK(memchr(va.ssl_keyfile, '\0', sizeof va.ssl_keyfile));
		FUZZ_CHECK(memchr(va.ssl_cacertfile, '\0',
				  sizeof va.ssl_cacertfile));
		FUZZ_CHECK(va.ssl_verify <= SSL_OPTFILE_VERIFY_NONE);
		vm_args_wipe(&va);
	} else {
		fuzz_check_error(&err);
	}
	dist_error_clear(&err);
	if (cookie_read_file(path, &c, &err) == 0) {
		FUZZ_CHECK(c.len >= 1 && c.len <= COOKIE_MAX);
		FUZZ_CHECK(strlen(c.value) == c.len);
		for (size_t i = 0; i < c.len; i++)
			FUZZ_CHECK(c.value[i] >= 0x20 && c.value[i] < 0x7f);
		cookie_wipe(&c);
	} else {
		fuzz_check_error(&err);
	}
	return 0;
}
