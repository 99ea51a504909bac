/* cli_twin.h - hand a run to the dynamically linked twin.
 *
 * dist-ping and dist-rpc are linked fully static by default: a probe's
 * time is mostly its start-up, and loading libc.so costs a static
 * binary's whole ping again (bench/probe). A static program cannot load
 * libssl, though (a second libc would come with it), so a run that asks
 * for TLS executes the same program linked dynamically, which `make`
 * builds beside it and `make install` installs:
 *   <dir of this program>/../libexec/dist/<its name>
 * with the same arguments. The twin is never looked up on PATH: the
 * pair comes from one build.
 */
#ifndef DIST_CLI_TWIN_H
#define DIST_CLI_TWIN_H

#include "base/error.h"

/* execv the twin with argv. Returns only on failure: -1 with err saying
 * where the twin was looked for and what to do (DIST_E_TLS: exit 3). */
int cli_exec_twin(char *const *argv, struct dist_error *err);

#endif
