/* cli_twin.c - the dynamically linked twin (see cli_twin.h). */
#include "cli/cli_twin.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cli_exec_twin(char *const *argv, struct dist_error *err)
{
	char self[PATH_MAX], twin[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n <= 0)
		return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			"TLS needs the dynamically linked build of this "
			"program, and /proc/self/exe does not say where this "
			"one is (%s)", strerror(errno));
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
			"TLS needs the dynamically linked build of %s", self);
	*slash = '\0';
	snprintf(twin, sizeof twin, "%s/../libexec/dist/%s", self, slash + 1);
	execv(twin, argv);
	return dist_error_set(err, DIST_E_TLS, DIST_STAGE_NONE,
		"TLS needs libssl, which this static build of %s cannot "
		"load, and its dynamically linked twin is not at %s (%s): "
		"install both with make install, or run the dynamic build",
		slash + 1, twin, strerror(errno));
}
