/* signals.c - the signal self-pipe (see signals.h). */
#include "io/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int signals_wfd = -1;

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	/* A full pipe already holds a wake-up: dropping this one is fine. */
	if (write(signals_wfd, &b, 1) < 0) {
		/* nothing to do in a handler */
	}
	errno = saved;
}

static void signals_read(struct engine *e, struct engine_io *io,
			 unsigned events)
{
	struct signals *s = io->data;
	unsigned char b[16];
	ssize_t n;

	(void)e;
	(void)events;
	while ((n = read(io->fd, b, sizeof b)) > 0)
		for (ssize_t i = 0; i < n; i++)
			s->cb(s->data, b[i]);
}

int signals_open(struct signals *s, struct engine *e, signals_cb cb,
		 void *data, struct dist_error *err)
{
	static const int caught[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	int fds[2];

	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
		return dist_error_set(err, DIST_E_IO, DIST_STAGE_NONE,
				      "pipe2: %s", strerror(errno));
	memset(s, 0, sizeof *s);
	s->io.fd = fds[0];
	s->io.cb = signals_read;
	s->io.data = s;
	s->wfd = fds[1];
	s->cb = cb;
	s->data = data;
	signals_wfd = fds[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaction(caught[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return engine_io_set(e, &s->io, ENGINE_READ, err);
}

void signals_close(struct signals *s, struct engine *e)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (s->io.fd >= 0) {
		engine_io_remove(e, &s->io);
		close(s->io.fd);
		close(s->wfd);
		s->io.fd = -1;
	}
	signals_wfd = -1;
}
