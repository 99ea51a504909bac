/* engine.h - the one event loop every program runs on.
 *
 * epoll for sockets, a binary heap of timers on the monotonic clock, and
 * nothing that blocks. Callers embed struct engine_io and struct
 * engine_timer in their own objects, so the engine allocates nothing per
 * target and memory grows with concurrency, not with the number of targets.
 * Built for servers as much as for one-shot clients: dist-node will put
 * listening sockets, a signal self-pipe and stdin on the same loop.
 */
#ifndef DIST_ENGINE_H
#define DIST_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum { ENGINE_READ = 1, ENGINE_WRITE = 2 };

struct engine;
struct engine_io;
struct engine_timer;

typedef void (*engine_io_cb)(struct engine *e, struct engine_io *io,
			     unsigned events);
typedef void (*engine_timer_cb)(struct engine *e, struct engine_timer *t);

struct engine_io {
	int fd;
	unsigned events;   /* what is being watched now */
	engine_io_cb cb;
	void *data;
	bool registered;
};

struct engine_timer {
	int64_t when_us;   /* monotonic microseconds */
	engine_timer_cb cb;
	void *data;
	size_t heap_index; /* 0: not armed */
};

struct engine *engine_new(struct dist_error *err);
void engine_free(struct engine *e);

/* Monotonic clock in microseconds. */
int64_t engine_now_us(void);

/* Watch io->fd for `events` (0 stops watching but keeps the slot). */
int engine_io_set(struct engine *e, struct engine_io *io, unsigned events,
		  struct dist_error *err);
/* Forget io (call before closing its fd). */
void engine_io_remove(struct engine *e, struct engine_io *io);

void engine_timer_arm(struct engine *e, struct engine_timer *t,
		      int64_t when_us);
void engine_timer_disarm(struct engine *e, struct engine_timer *t);

/* Run callbacks until engine_stop() or until nothing is watched or armed.
 * Returns 0, or -1 when epoll itself fails. */
int engine_run(struct engine *e, struct dist_error *err);
void engine_stop(struct engine *e);

#endif
