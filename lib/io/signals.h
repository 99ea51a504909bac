/* signals.h - signals as one more event on the engine, through a
 * self-pipe (as s6 and skalibs do): the handler only writes the signal
 * number to a pipe, and the loop calls back in ordinary context, where
 * it may unregister, flush and close at leisure. SIGPIPE is ignored, so
 * a closed stdout or peer is an EPIPE error to handle, not a death. */
#ifndef DIST_SIGNALS_H
#define DIST_SIGNALS_H

#include "base/error.h"
#include "io/engine.h"

typedef void (*signals_cb)(void *data, int signo);

struct signals {
	struct engine_io io;
	int wfd;
	signals_cb cb;
	void *data;
};

/* Catch SIGTERM, SIGINT and SIGHUP into cb; ignore SIGPIPE. One per
 * process. */
int signals_open(struct signals *s, struct engine *e, signals_cb cb,
		 void *data, struct dist_error *err);
/* Restore the default actions and close the pipe. */
void signals_close(struct signals *s, struct engine *e);

#endif
